"""Training and evaluating the summarizer on your own JSON Lines data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bantin.errors import BantinInputError
from bantin.models.base import load_model
from bantin.summarize.data import load_examples

FIXTURE = Path(__file__).parent / "fixtures" / "summarize" / "articles.jsonl"


def _records():
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_single_file_with_split_field(tmp_path):
    recs = _records()
    f = tmp_path / "mine.jsonl"
    with f.open("w", encoding="utf-8") as out:
        for i, r in enumerate(recs):
            out.write(json.dumps({"id": r["id"], "title": r["title"], "text": r["body"], "summary": r["reference"], "split": "train" if i < 6 else "test"}, ensure_ascii=False) + "\n")
    train = load_examples(str(f), "train")
    test = load_examples(str(f), "test")
    assert [e.id for e in train] == [r["id"] for r in recs[:6]]
    assert [e.id for e in test] == [r["id"] for r in recs[6:]]
    assert test[0].reference == recs[6]["reference"] and test[0].body == recs[6]["body"]


def test_folder_train_and_evaluate(tmp_path):
    from bantin.summarize.evaluation import evaluate_model
    from bantin.summarize.training import train_from_config

    recs = _records()
    data = tmp_path / "data"
    data.mkdir()
    for split, part in (("train", recs[:6] * 3), ("val", recs[6:]), ("test", recs[6:])):
        with (data / f"{split}.jsonl").open("w", encoding="utf-8") as out:
            for i, r in enumerate(part):
                out.write(json.dumps({**r, "id": f"{r['id']}-{i}", "abstract": r["reference"]}, ensure_ascii=False) + "\n")
    out_dir = tmp_path / "model"
    rec = train_from_config(None, [f"data.dataset={data}", "data.max_train_articles=null", "data.max_val_articles=null", f"out_dir={out_dir}", "extractive.idf_min_df=1"], tracking="jsonl")
    assert rec["kind"] == "train" and rec["dataset"] == str(data)
    model = load_model(out_dir, task="summarize")
    assert model.training_info["n_train"] == 18
    scores = evaluate_model(model, load_examples(str(data), "test"), 2, ascii=False).metrics
    assert 0.0 < scores["rouge1_f"] <= 1.0


def test_bad_user_files_name_the_problem(tmp_path):
    with pytest.raises(BantinInputError, match="no such file"):
        load_examples(str(tmp_path / "missing.jsonl"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "body": "Một câu.", "summary": "Một."}\n{"id": 2, "body": \n', encoding="utf-8")
    with pytest.raises(BantinInputError, match="line 2"):
        load_examples(str(bad))
    nosum = tmp_path / "nosum.jsonl"
    nosum.write_text('{"id": 1, "body": "Một câu."}\n', encoding="utf-8")
    with pytest.raises(BantinInputError, match="summary"):
        load_examples(str(nosum))
    with pytest.raises(BantinInputError, match="has no val.jsonl"):
        load_examples(str(tmp_path), "val")
    with pytest.raises(BantinInputError, match="unknown summarization dataset"):
        load_examples("cnn_dailymail")
