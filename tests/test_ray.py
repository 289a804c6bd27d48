"""Ray Data on a local Ray (2 CPUs): the same rows as one process, record for record, bad records included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

from bantin.analyze import AnalyzeOptions, analyze_paths  # noqa: E402
from bantin.io.tabular import arrow_schema, flat_columns, flat_record  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "seeds" / "pages").glob("*.txt"))]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def local_ray():
    from bantin.integrations.ray import init_ray

    init_ray(num_cpus=2)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def shards(tmp_path_factory) -> list[Path]:
    d = tmp_path_factory.mktemp("shards")
    a, b = d / "a.jsonl", d / "b.jsonl.gz"
    a.write_text("\n".join([json.dumps({"id": "a0", "text": SEEDS[0]}), "{not json", json.dumps({"id": "empty", "text": ""}),
                            json.dumps({"id": "a3", "html": "<html><body><h1>Tiêu đề</h1><p>Một đoạn văn bản dài của bài báo.</p></body></html>"})]) + "\n",
                 encoding="utf-8")
    import gzip

    with gzip.open(b, "wt", encoding="utf-8") as fh:
        for t in SEEDS[1:4]:
            fh.write(json.dumps({"text": t}) + "\n")  # no ids: FILE:N like the local reader
    return [a, b]


def _read(out: Path, columns: list[str]) -> list[dict]:
    import pyarrow.dataset as pads

    return pads.dataset(str(out), format="parquet", schema=arrow_schema(columns)).to_table().to_pylist()


def test_ray_engine_equals_one_process(local_ray, shards, tmp_path):
    from bantin.integrations.ray import analyze_with_ray

    options = AnalyzeOptions(batch_size=2)
    pipeline = options.build_pipeline()
    local = [flat_record(r, flat_columns()) for r in analyze_paths([str(s) for s in shards], options, pipeline)]
    n, failed = analyze_with_ray([str(s) for s in shards], tmp_path / "out", pipeline, options, num_cpus=2)
    rows = _read(tmp_path / "out", flat_columns())
    assert n == len(local) == 7
    assert rows == local  # record for record, in input order
    assert [i for i, _ in failed] == ["a.jsonl:2", "empty"]
    assert rows[3]["source_kind"] == "html" and rows[4]["id"] == "b.jsonl.gz:1"


def test_predictor_on_a_parquet_dataset(local_ray, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from bantin import Pipeline
    from bantin.integrations.ray import BantinPredictor

    pq.write_table(pa.table({"id": ["x", "y", "z"], "text": [SEEDS[0], None, SEEDS[1]]}), tmp_path / "in.parquet")
    ds = ray.data.read_parquet(str(tmp_path / "in.parquet"))
    out = ds.map_batches(BantinPredictor, fn_constructor_kwargs={"pipeline": Pipeline.load(stages=["boilerplate", "topics"]), "stages": ["boilerplate", "topics"],
                                                                  "blocks": False},
                         batch_size=2, batch_format="pyarrow", compute=ray.data.ActorPoolStrategy(size=1), num_cpus=0.5)
    rows = sorted(out.take_all(), key=lambda r: r["id"])
    nlp = Pipeline.load(stages=["boilerplate", "topics"])
    assert [r["id"] for r in rows] == ["x", "y", "z"]
    assert rows[1]["error"] == "row has no text in column 'text'"
    assert rows[0]["title"] == nlp(SEEDS[0]).title and list(rows[0]["topics"]) == [t.label for t in nlp(SEEDS[0]).topics]
    assert "summary" not in rows[0] and "blocks" not in rows[0]


def test_cli_engine_ray_with_parquet_shards(local_ray, shards, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from typer.testing import CliRunner

    from bantin.cli import app

    pq.write_table(pa.table({"id": ["p1", "p2"], "html": [None, None], "text": [SEEDS[4], ""]}), tmp_path / "s.parquet")
    res = CliRunner().invoke(app, ["analyze", "--engine", "ray", str(tmp_path / "s.parquet"), "-o", str(tmp_path / "out"), "--only", "boilerplate"])
    assert res.exit_code == 1, res.output  # p2 has no text
    rows = _read(tmp_path / "out", flat_columns(["boilerplate"]))
    assert [r["id"] for r in rows] == ["p1", "p2"] and rows[1]["error"].startswith("record has no non-empty text")
    res = CliRunner().invoke(app, ["analyze", "--engine", "ray", str(tmp_path / "s.parquet"), "-o", str(tmp_path / "out")])
    assert res.exit_code == 2 and "not empty" in res.output
