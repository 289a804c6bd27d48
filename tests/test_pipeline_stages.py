"""Issue 15, part 4: one name per stage (old names still work and warn), batched stages, one result type."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bantin import Pipeline
from bantin.analyze import AnalyzeOptions
from bantin.boilerplate.extract import ArticleText
from bantin.cli import app
from bantin.errors import BantinInputError
from bantin.io.tabular import flat_columns
from bantin.pipeline import (JSON_FIELDS, STAGES, ArticleResult, BoilerplateStage, FailedRecord, SummarizeStage, TopicsStage,
                             resolve_stages)
from bantin.tasks import TASKS

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "seeds" / "pages").glob("*.txt"))]
runner = CliRunner()

#: The keys of a result's JSON in schema version 1 (before this change): they must not change.
V1_KEYS = ["id", "source_kind", "title", "lead", "body", "captions", "byline", "blocks", "topics", "summary", "warnings", "clean_text"]


@pytest.fixture(scope="module")
def nlp() -> Pipeline:
    return Pipeline.load()


# -- names ------------------------------------------------------------------------------------------
def test_stage_names_are_the_task_names_and_old_names_warn(nlp):
    assert STAGES == tuple(TASKS) == ("boilerplate", "topics", "summarize")
    assert nlp.loaded_stages == list(STAGES) and nlp.summarize is not None
    with pytest.warns(FutureWarning, match="'clean' is deprecated; use 'boilerplate'"):
        assert resolve_stages(["summarize", "clean"]) == ["boilerplate", "summarize"]  # pipeline order
    with pytest.warns(FutureWarning, match="'summary' is deprecated"):
        assert AnalyzeOptions(only=["summary"]).only == ["summarize"]
    with pytest.warns(FutureWarning):
        assert flat_columns(["clean", "summary"]) == flat_columns(["boilerplate", "summarize"])
    with pytest.warns(FutureWarning, match="Pipeline.summarizer is deprecated"):
        assert nlp.summarizer is nlp.summarize
    with pytest.warns(FutureWarning, match="summarizer=.*deprecated"):
        old = Pipeline(boilerplate=nlp.boilerplate, summarizer=nlp.summarize)
    assert old.summarize is nlp.summarize and old.loaded_stages == ["boilerplate", "summarize"]
    with pytest.warns(FutureWarning):
        assert Pipeline.load(stages=["clean"]).loaded_stages == ["boilerplate"]
    with pytest.raises(BantinInputError, match="unknown stage 'translate'"):
        resolve_stages(["translate"])


def test_cli_only_takes_the_new_names_and_the_old_ones_with_a_warning():
    new = runner.invoke(app, ["analyze", "-", "--only", "boilerplate,summarize"], input=SEEDS[0])
    assert new.exit_code == 0, new.output
    assert "deprecated" not in new.stderr
    old = runner.invoke(app, ["analyze", "-", "--only", "clean", "--only", "summary"], input=SEEDS[0])
    assert old.exit_code == 0, old.output
    assert "warning: --only: stage name 'clean' is deprecated; use 'boilerplate'" in old.stderr
    assert "'summary' is deprecated; use 'summarize'" in old.stderr
    assert json.loads(old.stdout) == json.loads(new.stdout)
    d = json.loads(new.stdout)
    assert d["blocks"] and d["summary"] and d["topics"] == []
    bad = runner.invoke(app, ["analyze", "-", "--only", "translate"], input=SEEDS[0])
    assert bad.exit_code == 2 and "--only takes boilerplate, topics, summarize" in bad.output


def test_service_takes_the_old_stage_names_too(nlp):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from bantin.serve import create_app

    client = TestClient(create_app(nlp))
    new = client.post("/analyze", json={"text": SEEDS[0], "only": ["boilerplate", "topics"]})
    old = client.post("/analyze", json={"text": SEEDS[0], "only": ["clean", "topics"]})
    assert new.status_code == old.status_code == 200 and new.json() == old.json() and new.json()["summary"] == ""


# -- batched stages ---------------------------------------------------------------------------------
class _Counting:
    """Wraps a model and counts the calls of one method (and the batch sizes it got)."""

    def __init__(self, model, method: str) -> None:
        self._model, self._method, self.calls = model, method, []

    def __getattr__(self, name):
        attr = getattr(self._model, name)
        if name != self._method:
            return attr

        def counted(items, *args, **kwargs):
            self.calls.append(len(items))
            return attr(items, *args, **kwargs)

        return counted


def test_every_stage_runs_once_per_batch_with_the_same_results(nlp):
    pages = SEEDS[:5]
    bp, tp, sm = _Counting(nlp.boilerplate, "label_pages"), _Counting(nlp.topics, "top_k"), _Counting(nlp.summarize, "predict")
    counted = Pipeline(bp, tp, sm)
    batched = list(counted.pipe(pages, batch_size=2))
    assert bp.calls == tp.calls == sm.calls == [2, 2, 1]  # one model call per batch and stage, not per article
    one_by_one = [nlp(p) for p in pages]
    assert [r.to_dict() for r in batched] == [{**r.to_dict(), "id": str(i)} for i, r in enumerate(one_by_one)]
    # per article, the summarizer's own one-article call gives the same summary
    r = batched[0]
    assert r.summary == nlp.summarize.summarize_article(title=r.title, lead=r.lead, body=r.body, n_sentences=2)
    # a stage on its own: pipe(items, batch_size), failures from upstream pass through in place
    stage = TopicsStage(nlp.topics, top_k=2)
    items = [FailedRecord("x", "bad"), *[ArticleResult.from_article(ArticleText(title="t", body=["Giá vàng hôm nay tăng mạnh."]), id=str(i),
                                                                    source_kind="text") for i in range(3)]]
    out = list(stage.pipe(items, batch_size=3))
    assert out[0] is items[0] and all(len(r.topics) == 2 for r in out[1:])


class _FailsOn:
    """A model whose batch method raises when one of the items matches ``bad``."""

    def __init__(self, model, method: str, bad) -> None:
        self._model, self._method, self._bad = model, method, bad

    def __getattr__(self, name):
        attr = getattr(self._model, name)
        if name != self._method:
            return attr

        def failing(items, *args, **kwargs):
            if any(self._bad(x) for x in items):
                raise RuntimeError("model blew up")
            return attr(items, *args, **kwargs)

        return failing


@pytest.mark.parametrize("stage", ["boilerplate", "summarize"])
def test_one_bad_record_in_a_batch_fails_alone(nlp, stage):
    marker = nlp(SEEDS[0]).title  # the first seed page's title: on none of the others
    assert marker and not any(marker in s for s in SEEDS[1:4])
    if stage == "boilerplate":
        model = _FailsOn(nlp.boilerplate, "label_pages", lambda page: any(marker in b.text for b in page.blocks))
        pipeline = Pipeline(model, nlp.topics, nlp.summarize)
    else:
        model = _FailsOn(nlp.summarize, "predict", lambda doc: marker in doc.title)
        pipeline = Pipeline(nlp.boilerplate, nlp.topics, model)
    pages = [SEEDS[1], SEEDS[0], "", SEEDS[2], SEEDS[3]]
    out = list(pipeline.pipe(pages, batch_size=4, errors="report"))
    assert [type(r).__name__ for r in out] == ["ArticleResult", "FailedRecord", "FailedRecord", "ArticleResult", "ArticleResult"]
    assert out[1].id == "1" and out[1].error == "internal error (RuntimeError: model blew up)"
    assert out[2].error == "input is empty"
    good = list(nlp.pipe([SEEDS[1], SEEDS[2], SEEDS[3]], batch_size=4))
    assert [r.summary for r in (out[0], out[3], out[4])] == [r.summary for r in good]
    with pytest.raises(RuntimeError, match="blew up"):
        list(pipeline.pipe([p for p in pages if p], batch_size=4, errors="raise"))


def test_stages_are_listed_in_order(nlp):
    assert [type(s) for s in nlp.stages()] == [BoilerplateStage, TopicsStage, SummarizeStage]
    assert [s.name for s in nlp.stages()] == list(STAGES)


# -- one result type -----------------------------------------------------------------------------------
def test_article_result_is_built_from_article_text_and_its_json_is_unchanged(nlp):
    assert issubclass(ArticleResult, ArticleText)
    base = {f.name for f in fields(ArticleText)}
    own = {f.name for f in fields(ArticleResult)} - base
    assert own == {"id", "source_kind", "blocks", "topics", "summary", "warnings"}
    assert all(name not in ArticleResult.__dict__.get("__annotations__", {}) for name in base)  # not re-declared
    r = nlp(SEEDS[0], id="p")
    d = r.to_dict()
    assert list(d) == V1_KEYS and list(JSON_FIELDS) + ["clean_text"] == V1_KEYS
    assert d["clean_text"] == ArticleText.clean_text.fget(r) and r.content  # content stays on the object, out of the JSON
    with pytest.raises(TypeError):
        ArticleResult("p", "text")  # id and source_kind are keyword-only: no silent mix-up with title and lead


def test_to_dict_is_asdict_without_content(nlp):
    from dataclasses import asdict

    r = nlp(SEEDS[1], id="x")
    slow = asdict(r)
    slow.pop("content")
    slow.pop("dates")  # the byline's date lines: in "byline" already
    assert r.to_dict() == slow | {"clean_text": r.clean_text}
    d = r.to_dict()
    d["body"].append("changed")
    d["blocks"][0]["text"] = "changed"
    assert r.body[-1] != "changed" and r.blocks[0].text != "changed"  # a copy, as asdict gives


# -- parallel: start method ------------------------------------------------------------------------
def test_workers_fork_where_safe_else_spawn(monkeypatch):
    import sys

    from bantin.errors import BantinError
    from bantin.parallel import default_start_method

    monkeypatch.delenv("BANTIN_START_METHOD", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    assert default_start_method() == "fork"
    import threading

    box: list[str] = []
    t = threading.Thread(target=lambda: box.append(default_start_method()))
    t.start()
    t.join()
    assert box == ["spawn"]  # not from the main thread
    monkeypatch.setitem(sys.modules, "torch", object())  # torch's thread pools do not survive a fork
    assert default_start_method() == "spawn"
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.delitem(sys.modules, "torch")
    assert default_start_method() == "spawn"
    monkeypatch.setenv("BANTIN_START_METHOD", "forkserver")
    assert default_start_method() == "forkserver"
    monkeypatch.setenv("BANTIN_START_METHOD", "threads")
    with pytest.raises(BantinError, match="BANTIN_START_METHOD takes fork, spawn, forkserver"):
        default_start_method()


def test_cli_workers_render_in_the_workers_with_the_same_output(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"p{i}", "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(SEEDS[:4]))
                   + '{"id": "bad", "text": ""}\n', encoding="utf-8")
    outs = []
    for workers in ("1", "2"):
        res = runner.invoke(app, ["analyze", str(src), "-o", str(tmp_path / f"out{workers}.jsonl"), "--workers", workers, "--only", "boilerplate,topics"])
        assert res.exit_code == 1 and "failed: bad: record has no non-empty text field" in res.stderr and "4 analyzed, 1 failed" in res.stderr
        outs.append((tmp_path / f"out{workers}.jsonl").read_text(encoding="utf-8"))
    assert outs[0] == outs[1] and outs[0].count("\n") == 5
