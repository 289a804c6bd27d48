"""Batch at scale on one machine: pickling, pipe(n_process=N), analyze --workers, CSV/Parquet, datasets glue."""

from __future__ import annotations

import csv
import json
import pickle
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bantin import Pipeline
from bantin.cli import app
from bantin.io.tabular import BASE_COLUMNS, flat_columns, flat_record, write_table
from bantin.pipeline import ArticleResult, FailedRecord

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "seeds" / "pages").glob("*.txt"))]
runner = CliRunner()


@pytest.fixture(scope="module")
def nlp() -> Pipeline:
    return Pipeline.load()


@pytest.fixture(scope="module")
def pages() -> list:
    # good pages, an empty one and a binary one in between: failures must stay in place
    return [SEEDS[0], "", SEEDS[1], b"\x00\x01\x02binary", SEEDS[2], ("my-id", SEEDS[3])]


@pytest.fixture(scope="module")
def serial(nlp, pages) -> list:
    return list(nlp.pipe(pages, batch_size=2, errors="report"))


def test_pipeline_pickles_as_model_dirs_not_weights(nlp, tmp_path):
    data = pickle.dumps(nlp)
    assert len(data) < 2000  # directories and options only
    again = pickle.loads(data)
    assert (again.top_k, again.summary_sentences) == (nlp.top_k, nlp.summary_sentences)
    assert again(SEEDS[0]).to_dict() == nlp(SEEDS[0]).to_dict()
    # skipped stages stay skipped, options travel
    only_clean = pickle.loads(pickle.dumps(Pipeline.load(stages=["boilerplate"], top_k=5, summary_syllables=40)))
    assert only_clean.topics is None and only_clean.summarize is None and only_clean.top_k == 5
    assert only_clean.summary_syllables == 40


def test_pipeline_from_unsaved_models_refuses_to_pickle(nlp):
    bare = Pipeline(boilerplate=object())
    with pytest.raises(pickle.PicklingError, match="not loaded from a model directory"):
        pickle.dumps(bare)


def test_pipe_n_process_equals_one_process(nlp, pages, serial):
    parallel = list(nlp.pipe(pages, batch_size=2, errors="report", n_process=2))
    assert [type(r) for r in parallel] == [type(r) for r in serial]
    assert [r.to_dict() for r in parallel] == [r.to_dict() for r in serial]
    assert isinstance(serial[1], FailedRecord) and serial[1].id == "1"
    assert serial[5].id == "my-id"


@pytest.fixture
def fork_workers(monkeypatch):
    """Workers by fork: faster to start than the default spawn (tested above) on a busy test machine."""
    monkeypatch.setenv("BANTIN_START_METHOD", "fork")


def test_pipe_n_process_raises_like_one_process(nlp, fork_workers):
    from bantin.errors import BantinInputError

    with pytest.raises(BantinInputError, match="empty"):
        list(nlp.pipe([SEEDS[0], ""], batch_size=1, n_process=2))


def test_forked_pool_freezes_the_parents_objects_only_while_it_lives(nlp, fork_workers):
    import gc

    from bantin.parallel import WorkerPool

    before = gc.get_freeze_count()
    with WorkerPool(nlp, 2) as pool:
        assert pool.start_method == "fork"
        assert gc.get_freeze_count() > before  # the loaded models are out of the collector's reach in the workers
        assert len(pool.worker_rss_mb()) >= 1
    assert gc.get_freeze_count() == before


def test_flat_columns_follow_only_and_blocks():
    assert flat_columns() == [*BASE_COLUMNS, "blocks"]
    cols = flat_columns(["boilerplate", "topics"], blocks=False)
    assert "summary" not in cols and "blocks" not in cols and "topic_scores" in cols
    cols = flat_columns(["topics"])
    assert not {"lead", "body", "blocks", "summary"} & set(cols) and {"id", "title", "topics", "error"} <= set(cols)


def test_parquet_and_csv_hold_the_same_rows(serial, tmp_path):
    import pyarrow.parquet as pq

    n = write_table(serial, tmp_path / "out.parquet", "parquet")
    table = pq.read_table(tmp_path / "out.parquet")
    assert n == table.num_rows == len(serial)
    rows = table.to_pylist()
    assert rows == [flat_record(r) for r in serial]
    ok = next(r for r in serial if isinstance(r, ArticleResult))
    assert rows[0]["topics"] == [t.label for t in ok.topics] and rows[0]["body"] == "\n".join(ok.body)
    assert rows[1]["error"] == "input is empty" and rows[0]["error"] is None

    write_table(serial, tmp_path / "out.csv", "csv", blocks=False)
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as fh:
        got = list(csv.DictReader(fh))
    assert list(got[0]) == flat_columns(blocks=False)
    assert json.loads(got[0]["topic_scores"]) == rows[0]["topic_scores"]
    assert got[0]["body"] == rows[0]["body"]  # multi-line cells survive CSV quoting
    assert got[1]["error"] == "input is empty"


def test_cli_parquet_csv_workers(tmp_path, fork_workers):
    import pyarrow.parquet as pq

    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([json.dumps({"id": "a", "text": SEEDS[0]}), "{broken", json.dumps({"id": "b", "text": SEEDS[1]})]) + "\n")
    res = runner.invoke(app, ["analyze", str(src), "-f", "parquet", "-o", str(tmp_path / "o.parquet"), "--only", "boilerplate,topics", "--no-blocks"])
    assert res.exit_code == 1  # one bad line
    t = pq.read_table(tmp_path / "o.parquet")
    assert t.column_names == flat_columns(["boilerplate", "topics"], blocks=False)
    assert t.column("id").to_pylist() == ["a", "in.jsonl:2", "b"]
    res = runner.invoke(app, ["analyze", str(src), "-f", "csv", "--workers", "2", "--batch-size", "1"])
    assert res.exit_code == 1
    lines = list(csv.DictReader(res.stdout.splitlines()))
    assert [r["id"] for r in lines] == ["a", "in.jsonl:2", "b"] and lines[1]["error"].startswith("malformed JSON")
    res = runner.invoke(app, ["analyze", str(src), "-f", "parquet"])
    assert res.exit_code == 2 and "-o/--output" in res.output


def test_cli_jsonl_workers_and_no_blocks_match_serial(tmp_path, fork_workers):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps({"id": f"p{i}", "text": t}) for i, t in enumerate(SEEDS)) + "\n")
    one = runner.invoke(app, ["analyze", str(src), "-f", "jsonl", "--no-blocks"])
    two = runner.invoke(app, ["analyze", str(src), "-f", "jsonl", "--no-blocks", "--workers", "2", "--batch-size", "2"])
    assert one.exit_code == two.exit_code == 0
    a = [json.loads(x) for x in one.stdout.splitlines() if x.startswith("{")]
    b = [json.loads(x) for x in two.stdout.splitlines() if x.startswith("{")]
    assert a == b and len(a) == len(SEEDS) and all(r["blocks"] == [] for r in a)


def test_pipe_takes_a_dataset_and_map_dataset_adds_columns(nlp):
    datasets = pytest.importorskip("datasets")
    ds = datasets.Dataset.from_dict({"id": ["x", "y", "z"], "text": [SEEDS[0], "", SEEDS[1]], "source": ["s1", "s2", "s3"]})
    results = list(nlp.pipe(ds, errors="report"))
    assert [r.id for r in results] == ["x", "y", "z"] and isinstance(results[1], FailedRecord)
    assert results[0].to_dict() == nlp(SEEDS[0], id="x").to_dict()
    out = nlp.map_dataset(ds, batch_size=2)
    assert out.num_rows == 3 and out["source"] == ["s1", "s2", "s3"]
    assert out[0]["title"] == results[0].title and out[0]["topics"] == [t.label for t in results[0].topics]
    assert out[1]["error"] == "input is empty" and out[0]["error"] is None
    with pytest.raises(Exception, match="no 'content' column"):
        nlp.map_dataset(ds, text_column="content")
