"""bantin's metrics as local `evaluate` modules (offline) give the numbers of bantin.metrics; the built dataset's card
has Hugging Face YAML metadata and the dataset loads with `datasets.load_dataset`."""

from __future__ import annotations

import os

os.environ.setdefault("HF_EVALUATE_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

import pytest  # noqa: E402

evaluate = pytest.importorskip("evaluate")

from bantin.labels import to_binary  # noqa: E402
from bantin.metrics.classification import binary_scores, classification_scores  # noqa: E402
from bantin.metrics.extraction import corpus_token_prf  # noqa: E402
from bantin.metrics.hf import METRICS, metric_path  # noqa: E402
from bantin.metrics.rouge import as_lsum_text, rouge_scores  # noqa: E402

PRED = ["Thủ tướng Phạm Minh Chính dự hội nghị tại Hà Nội. Hôm nay trời đẹp.", "Giá vàng tăng mạnh trong phiên sáng nay."]
REF = ["Thủ tướng dự hội nghị ở Hà Nội sáng nay.", "Giá vàng sáng nay tăng."]


def test_every_module_loads_from_its_folder():
    for name in METRICS:
        assert evaluate.load(metric_path(name)).name
    with pytest.raises(ValueError):
        metric_path("bleu")


def test_vi_rouge_equals_bantin_rouge():
    m = evaluate.load(metric_path("vi_rouge"))
    got = m.compute(predictions=PRED, references=REF)
    want = rouge_scores([as_lsum_text(p) for p in PRED], [as_lsum_text(r) for r in REF])
    assert got == pytest.approx(want) and 0 < got["rouge2_f"] < got["rouge1_f"] < 1
    # the ASCII variant differs: diacritics are dropped there
    assert m.compute(predictions=PRED, references=REF, tokenizer="ascii") == pytest.approx(
        rouge_scores([as_lsum_text(p) for p in PRED], [as_lsum_text(r) for r in REF], tokenizer="ascii"))
    assert m.compute(predictions=PRED, references=REF, split_sentences=False) == pytest.approx(rouge_scores(PRED, REF))


def test_block_f1_equals_bantin_scores():
    gold = ["title", "lead", "body", "body", "nav", "related", "caption", "noise"]
    pred = ["title", "body", "body", "related", "nav", "body", "caption", "noise"]
    got = evaluate.load(metric_path("block_f1")).compute(predictions=pred, references=gold)
    bs = binary_scores([to_binary(y) == "content" for y in gold], [to_binary(y) == "content" for y in pred])
    cls = classification_scores(gold, pred, labels=sorted(set(gold) | set(pred)))
    assert got["binary_f1"] == pytest.approx(bs["f1"]) and got["binary_precision"] == pytest.approx(bs["precision"])
    assert got["macro_f1"] == pytest.approx(cls["macro_f1"]) and got["accuracy"] == pytest.approx(cls["accuracy"])
    assert got["n_blocks"] == 8


def test_extraction_f1_equals_bantin_token_prf():
    got = evaluate.load(metric_path("extraction_f1")).compute(predictions=PRED, references=REF)
    assert got == pytest.approx(corpus_token_prf(zip(PRED, REF)))


def test_built_dataset_card_has_yaml_and_loads_with_datasets(tmp_path):
    import datasets
    import yaml

    from bantin.data.builder import build_dataset
    from bantin.io.tabular import load_page_dataset
    from test_builder import tiny_config

    out = tmp_path / "pages"
    card = build_dataset(tiny_config(out))
    text = (out / "README.md").read_text(encoding="utf-8")
    assert text == (out / "card.md").read_text(encoding="utf-8") and text.startswith("---\n")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["language"] == ["vi"] and meta["license"] == "other" and meta["source_datasets"]
    assert all(f"{c}: " in meta["license_details"] for c in meta["source_datasets"])
    assert [s["name"] for s in meta["dataset_info"]["splits"]] == ["train", "val", "test"]
    assert {f["name"] for f in meta["dataset_info"]["features"]} >= {"id", "text", "labels", "html", "html_labels", "gold_article"}
    ds = datasets.load_dataset(str(out))
    for split in ("train", "val", "test"):
        assert ds[split].num_rows == card["splits"][split]["pages"]
    assert ds["train"].features["labels"].feature.dtype == "string"
    test = load_page_dataset(out, "test")
    assert test.num_rows == card["splits"]["test"]["pages"] and test[0]["id"] == ds["test"][0]["id"]
