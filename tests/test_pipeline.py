"""The pipeline with the embedded default models: API results, API == CLI, batches and bad inputs."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bantin import Pipeline
from bantin.blocks import parse_page
from bantin.cli import app
from bantin.errors import BantinInputError, BantinModelError
from bantin.labels import LABELS
from bantin.pipeline import ArticleResult, FailedRecord

ROOT = Path(__file__).resolve().parents[1]
SEED_PAGES = sorted((ROOT / "data" / "seeds" / "pages").glob("*.txt"))
SAMPLE_TEXT = ROOT / "data" / "samples" / "laodongthudo.txt"
SAMPLE_HTML = ROOT / "data" / "samples" / "article.html"
runner = CliRunner()


@pytest.fixture(scope="module")
def nlp() -> Pipeline:
    return Pipeline.load()


def _comparable(d: dict) -> dict:
    d = dict(d)
    d.pop("id", None)
    return d


def test_result_on_a_seed_page_is_typed_and_complete(nlp):
    text = SAMPLE_TEXT.read_text(encoding="utf-8")
    result = nlp(text)
    assert isinstance(result, ArticleResult)
    # one labeled block per parsed block, labels from the schema, confidences in [0, 1]
    assert len(result.blocks) == len(parse_page(text).blocks)
    assert all(b.label in LABELS for b in result.blocks)
    assert all(b.score is None or 0.0 <= b.score <= 1.0 for b in result.blocks)
    assert result.title.startswith("Liên đoàn Lao động huyện Mỹ Đức")
    assert result.lead.startswith("(LĐTĐ)")
    assert len(result.body) >= 5
    # boilerplate stays out of the clean article
    for marker in ("Tin khác", "Nên xem", "Có thể bạn quan tâm", "Phiên bản di động"):
        assert marker not in result.clean_text
    # topics: at most top_k, sorted, probabilities
    assert 1 <= len(result.topics) <= nlp.top_k
    scores = [t.score for t in result.topics]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    # the extractive summary is made of sentences of the clean article
    assert result.summary
    assert result.summary.split(". ")[0].rstrip(".") in result.clean_text
    # serializes and round-trips through JSON
    d = json.loads(result.to_json())
    assert d["title"] == result.title and d["clean_text"] == result.clean_text
    assert d["blocks"][0].keys() >= {"index", "text", "label", "score", "is_content"}


def test_html_page(nlp):
    result = nlp(SAMPLE_HTML.read_bytes())
    assert result.source_kind == "html"
    assert result.title and result.body
    assert "Tin liên quan" not in result.clean_text


def test_api_and_cli_give_identical_results_on_the_seed_pages(nlp, tmp_path):
    assert len(SEED_PAGES) == 5
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["analyze", *map(str, SEED_PAGES), "--format", "jsonl", "--output", str(out), "--no-progress"])
    assert res.exit_code == 0, res.output
    cli = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in cli] == [p.stem for p in SEED_PAGES]
    for page, got in zip(SEED_PAGES, cli):
        api = nlp(page.read_text(encoding="utf-8")).to_dict()
        assert _comparable(got) == _comparable(api), page.name


def test_pipe_streams_in_order_and_reports_bad_records(nlp):
    good = SAMPLE_TEXT.read_text(encoding="utf-8")
    items = [("a", good), ("empty", ""), ("binary", b"\x00\x01\x02\xff" * 64), ("b", SAMPLE_HTML.read_bytes())]
    out = list(nlp.pipe(items, batch_size=2, errors="report"))
    assert [r.id for r in out] == ["a", "empty", "binary", "b"]
    assert isinstance(out[0], ArticleResult) and isinstance(out[3], ArticleResult)
    assert isinstance(out[1], FailedRecord) and "empty" in out[1].error
    assert isinstance(out[2], FailedRecord) and "binary" in out[2].error
    # the same pages give the same results one at a time and in a batch
    assert _comparable(out[0].to_dict()) == _comparable(nlp(good).to_dict())
    with pytest.raises(BantinInputError):
        list(nlp.pipe(["", good], errors="raise"))


def test_page_without_an_article_gives_a_warning_not_an_error(nlp):
    html = "<html><body><nav><a href='/'>Trang chủ</a> <a href='/tt'>Thời sự</a></nav><footer>Phiên bản di động</footer></body></html>"
    result = nlp(html)
    assert isinstance(result, ArticleResult)
    if not result.body and not result.lead:
        assert result.warnings and not result.summary


def test_stages_can_be_chosen_and_swapped():
    clean_only = Pipeline.load(stages=["boilerplate"])
    assert clean_only.topics is None and clean_only.summarize is None and clean_only.loaded_stages == ["boilerplate"]
    r = clean_only(SAMPLE_TEXT.read_text(encoding="utf-8"))
    assert r.title and not r.topics and not r.summary
    # a folder of model directories (here: the embedded one) loads the same way
    from bantin.data.paths import EMBEDDED_MODELS_DIR

    same = Pipeline.load(EMBEDDED_MODELS_DIR, stages=["boilerplate"])
    assert _comparable(same(SAMPLE_TEXT.read_text(encoding="utf-8")).to_dict()) == _comparable(r.to_dict())
    with pytest.raises(BantinModelError, match="does not exist"):
        Pipeline.load("/nonexistent/models")
    with pytest.raises(BantinInputError, match="unknown stage"):
        Pipeline.load(stages=["boilerplate", "translate"])


# -- CLI: formats, --only, bad inputs ---------------------------------------------------------


def test_cli_formats_and_only(tmp_path):
    res = runner.invoke(app, ["analyze", str(SAMPLE_TEXT), "--format", "markdown"])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("# Liên đoàn Lao động huyện Mỹ Đức")
    res = runner.invoke(app, ["analyze", str(SAMPLE_TEXT), "--only", "topics"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["topics"] and d["blocks"] == [] and d["body"] == [] and d["summary"] == ""
    res = runner.invoke(app, ["analyze", str(SAMPLE_TEXT), "--format", "yaml"])
    assert res.exit_code == 2 and "--format takes" in res.output


def test_cli_bad_files_are_reported_and_the_run_goes_on(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    res = runner.invoke(app, ["analyze", str(empty), str(binary), str(SAMPLE_TEXT), "--format", "jsonl", "--no-progress"])
    assert res.exit_code == 1
    records = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["id"] for r in records] == ["empty", "image", "laodongthudo"]
    assert "error" in records[0] and "empty" in records[0]["error"]
    assert "error" in records[1] and "binary" in records[1]["error"]
    assert records[2]["title"]
    assert "1 analyzed, 2 failed" in res.stderr
    assert "Traceback" not in res.output


def test_cli_jsonl_in_and_out_keyed_by_id_with_a_malformed_line(tmp_path):
    src = tmp_path / "in.jsonl.gz"
    good = SAMPLE_TEXT.read_text(encoding="utf-8")
    with gzip.open(src, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"id": "p1", "text": good}, ensure_ascii=False) + "\n")
        f.write('{"id": "p2", "text": "unterminated\n')
        f.write(json.dumps({"id": "p3", "html": SAMPLE_HTML.read_text(encoding="utf-8")}, ensure_ascii=False) + "\n")
        f.write(json.dumps({"id": "p4", "text": ""}) + "\n")
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["analyze", str(src), "--output", str(out), "--no-progress"])
    assert res.exit_code == 1
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 4
    assert records[0]["id"] == "p1" and records[0]["title"]
    assert records[1]["id"].endswith(":2") and "error" in records[1]
    assert records[2]["id"] == "p3" and records[2]["source_kind"] == "html"
    assert records[3]["id"] == "p4" and "error" in records[3]
    assert "2 analyzed, 2 failed" in res.stderr


def test_cli_stdin_and_missing_model_dir(tmp_path):
    res = runner.invoke(app, ["analyze", "-", "--only", "boilerplate"], input=SAMPLE_TEXT.read_text(encoding="utf-8"))
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["title"].startswith("Liên đoàn")
    res = runner.invoke(app, ["analyze", str(SAMPLE_TEXT), "--topics-model", str(tmp_path / "nope")])
    assert res.exit_code == 2
    assert "error:" in res.stderr and "nope" in res.stderr and "Traceback" not in res.output
    res = runner.invoke(app, ["analyze", str(tmp_path / "missing.txt")])
    assert res.exit_code == 1 and "no such file" in res.stderr
