"""Summarizers: document building, baselines, the extractive model (fit/save/load), the oracle, the
embedded default, and `bantin evaluate summarize` on a few corpus articles."""

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import FIXTURES, needs_data

from bantin.errors import BantinInputError, BantinModelError
from bantin.models import load_model
from bantin.summarize import default_model_dir
from bantin.summarize.base import make_document
from bantin.summarize.baselines import LeadSummarizer, LexRankSummarizer, TextRankSummarizer
from bantin.summarize.data import SummaryExample
from bantin.summarize.extractive import ExtractiveSummarizer
from bantin.summarize.features import FEATURE_NAMES, feature_names, greedy_oracle, sentence_features
from bantin.text.tokenize import syllables


def fixture_examples():
    rows = [json.loads(line) for line in (FIXTURES / "summarize" / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    return [SummaryExample(r["id"], r["title"], r["body"], r["reference"]) for r in rows]


def test_make_document_splits_lead_and_paragraphs():
    doc = make_document("Tiêu đề", "Câu dẫn một. Câu dẫn hai.", ["Đoạn một có hai câu. Đây là câu thứ hai.", "", "Đoạn hai."])
    assert doc.sentences[:2] == ["Câu dẫn một.", "Câu dẫn hai."]
    assert len(doc.sentences) == 5
    assert doc.paragraphs == [0, 0, 1, 1, 2]
    assert doc.tokens[0] == ["câu", "dẫn", "một"]


def test_lead_baseline_and_lengths():
    ex = fixture_examples()[0]
    lead = LeadSummarizer()
    one = lead.summarize_article(title=ex.title, body=ex.body, n_sentences=1)
    assert one == ex.body.split("\n")[0]
    three = lead.summarize_article(title=ex.title, body=ex.body, n_sentences=3)
    assert three.startswith(one) and len(make_document("", "", three).sentences) == 3
    assert lead.summarize_article(title="x", body="") == ""
    with pytest.raises(BantinInputError):
        lead.summarize_article(title="x", body="Một câu.", n_sentences=0)
    with pytest.raises(BantinInputError):
        lead.summarize_article(title="x", body=[1, 2])
    with pytest.raises(BantinInputError):
        lead.summarize_article(title=3, body="Một câu.")


@pytest.mark.parametrize("cls", [TextRankSummarizer, LexRankSummarizer])
def test_graph_baselines_pick_central_sentences_in_order(cls):
    ex = fixture_examples()[0]
    doc = ex.document()
    idx = cls().select(doc, 2)
    assert len(idx) == 2 and len(set(idx)) == 2
    # the photo credit line ("Ảnh: ...") is too short to be picked
    assert all(len(doc.tokens[i]) >= 5 for i in idx)
    summary = cls().summarize_sentences([doc], 2)[0]
    assert summary == [doc.sentences[i] for i in sorted(idx)]


def test_greedy_oracle_hand_example():
    doc = make_document("", "", "Mèo ăn cá.\nTrời hôm nay đẹp.\nChó ăn xương.")
    # the reference repeats sentences 0 and 2: the oracle picks exactly those
    assert sorted(greedy_oracle(doc, syllables("Mèo ăn cá. Chó ăn xương."))) == [0, 2]
    assert greedy_oracle(doc, syllables("không liên quan gì")) == []


def test_sentence_features_shape_and_title_similarity():
    ex = fixture_examples()[1]
    doc = ex.document()
    x = sentence_features(doc, None)
    assert x.shape == (len(doc.sentences), len(FEATURE_NAMES))
    assert np.isfinite(x).all()
    title_cos = x[:, FEATURE_NAMES.index("title_cos")]
    assert title_cos.argmax() == 0  # "giá vàng ... trong nước tăng" shares most with the title


def _lgbm_model_dir(tmp_path):
    examples = fixture_examples()
    model = ExtractiveSummarizer(scorer="lgbm", target="rouge", feature_set="v2", idf_min_df=1, lgbm_num_trees=5, lgbm_min_data_in_leaf=3)
    model.fit([e.document() for e in examples], [e.reference for e in examples])
    return model.save(tmp_path / "lgbm")


def test_lgbm_numpy_evaluator_matches_lightgbm(tmp_path):
    """The embedded default's trees, walked with numpy (no lightgbm import at inference), give LightGBM's own output,
    also for NaN and exact-zero inputs."""
    import subprocess
    import sys

    import lightgbm as lgb

    model = load_model(default_model_dir(), task="summarize")
    docs = [e.document() for e in fixture_examples()]
    x = np.vstack([sentence_features(d, model.idf, model.feature_set) for d in docs])
    x_odd = x.copy()
    x_odd[::3, 5] = np.nan
    x_odd[::2, 40] = 0.0
    booster = lgb.Booster(model_str=(default_model_dir() / "scorer.lgbm.txt").read_text(encoding="utf-8"))
    for rows in (x, x_odd):
        np.testing.assert_allclose(model.model_.predict(rows), booster.predict(rows, num_threads=1), rtol=1e-9, atol=1e-12)
    code = ("import sys; from bantin.models import load_model; from bantin.summarize import default_model_dir; "
            "m = load_model(default_model_dir(), task='summarize'); m.summarize('Câu thứ nhất khá dài để thử. Câu thứ hai cũng vậy.'); "
            "print('lightgbm' in sys.modules, 'sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]  # inference imports neither lightgbm nor scikit-learn


@pytest.mark.parametrize("damage", ["truncate", "binary", "features", "missing", "pickle", "node", "nan_leaf"])
def test_lgbm_scorer_file_is_validated(tmp_path, damage):
    """A damaged or foreign LightGBM model file is a BantinModelError at load, never a crash or a traceback."""
    path = _lgbm_model_dir(tmp_path)
    file = path / "scorer.lgbm.txt"
    text = file.read_text(encoding="utf-8")
    if damage == "truncate":
        file.write_text(text[: len(text) // 3], encoding="utf-8")
    elif damage == "binary":
        file.write_bytes(b"\xff\xfe" + text.encode()[:100])
    elif damage == "features":  # a model for another feature set
        manifest = json.loads((path / "bantin_model.json").read_text(encoding="utf-8"))
        manifest["config"]["feature_set"] = "v1"
        (path / "bantin_model.json").write_text(json.dumps(manifest), encoding="utf-8")
    elif damage == "missing":
        file.unlink()
    elif damage == "node":  # a child index past the tree's end
        lines = text.split("\n")
        i = next(k for k, line in enumerate(lines) if line.startswith("left_child="))
        lines[i] = "left_child=" + " ".join(["999"] * len(lines[i].split("=")[1].split()))
        file.write_text("\n".join(lines), encoding="utf-8")
    elif damage == "nan_leaf":  # finite-looking file, a NaN leaf: would silently change summaries
        lines = text.split("\n")
        i = next(k for k, line in enumerate(lines) if line.startswith("leaf_value="))
        lines[i] = "leaf_value=" + " ".join(["nan"] * len(lines[i].split("=")[1].split()))
        file.write_text("\n".join(lines), encoding="utf-8")
    else:
        import pickle

        file.write_bytes(pickle.dumps({"tree": 1}))
    with pytest.raises(BantinModelError):
        load_model(path, task="summarize")


def test_syllable_budget_and_feature_sets():
    examples = fixture_examples()
    ex = examples[0]
    doc = ex.document()
    x2 = sentence_features(doc, None, "v2")
    assert x2.shape == (len(doc.sentences), len(feature_names("v2"))) and np.isfinite(x2).all()
    np.testing.assert_allclose(x2[:, : len(FEATURE_NAMES)], sentence_features(doc, None))  # v2 extends v1
    for model in (LeadSummarizer(), load_model(default_model_dir(), task="summarize")):
        full = model.summarize_sentences([doc], 3)[0]
        for budget in (1, 30, 60):
            sents = model.summarize_sentences([doc], 3, max_syllables=budget)[0]
            sizes = [len(syllables(s)) for s in sents]
            assert 1 <= len(sents) <= 3
            assert sum(sizes) <= budget or len(sents) == 1  # the best sentence is always kept
        assert model.summarize_sentences([doc], 3, max_syllables=10_000)[0] == full
    with pytest.raises(BantinInputError):
        LeadSummarizer().summarize_article(title="", body=ex.body, max_syllables=0)


def test_oracle_ceiling_reads_references():
    from bantin.summarize.baselines import OracleSummarizer
    from bantin.summarize.evaluation import evaluate_model

    examples = fixture_examples()
    oracle = evaluate_model(OracleSummarizer(2), examples, 2).metrics
    lead = evaluate_model(LeadSummarizer(2), examples, 2).metrics
    assert oracle["rouge2_f"] >= lead["rouge2_f"] and oracle["rouge2_f_ascii"] > 0
    with pytest.raises(BantinInputError):
        OracleSummarizer(2).summarize_sentences([examples[0].document()])


def test_extractive_unfitted_and_bad_dirs(tmp_path):
    with pytest.raises(BantinModelError):
        ExtractiveSummarizer().predict([make_document("", "", "Một câu khá dài để tóm tắt thử.")])
    with pytest.raises(BantinModelError):
        load_model(tmp_path / "missing", task="summarize")


def test_embedded_default_summarizes():
    from bantin.summarize.trim import trim_sentence

    model = load_model(default_model_dir(), task="summarize")
    assert model.trim_sentences == "links+time"
    ex = fixture_examples()[0]
    article = make_document(ex.title, "", ex.body.split("\n")).sentences
    for n in (1, 2, 3):
        summary = model.summarize_sentences([make_document(ex.title, "", ex.body.split("\n"))], n)[0]
        assert summary and " ".join(summary) == model.summarize_article(title=ex.title, lead="", body=ex.body.split("\n"), n_sentences=n)
        assert 1 <= len(summary) <= n
        # extractive: whole sentences of the article, trimmed (a trimmed sentence is the end of the original, bar the first letter's case)
        assert all(s in {trim_sentence(a, model.trim_sentences) for a in article} for s in summary)
        assert all(any(a.lower().endswith(s.lower()) or s.lower() in a.lower() for a in article) for s in summary)
    assert model.summarize_article(title="Chỉ có tiêu đề") == ""


@needs_data
@pytest.mark.data
def test_evaluate_summarize_records(tmp_path):
    from bantin.summarize.evaluation import evaluate_from_config
    from bantin.tracking import load_records

    records = evaluate_from_config(None, ["models=[lead-1,textrank@2]", "datasets=[vietnews]", "max_articles=20"], tracking="jsonl")
    assert [r["model"] for r in records] == ["lead-1", "textrank-2"]
    m = records[0]["metrics"]
    for key in ("rouge1_f", "rouge2_f", "rougeL_f", "rouge1_f_ascii", "articles_per_s", "summary_syllables"):
        assert key in m
    assert 0 < m["rouge1_f"] < 1 and m["n_articles"] == 20
    assert m["rouge1_f_ascii"] > m["rouge1_f"]  # the ASCII tokenizer inflates Vietnamese scores
    assert len(load_records()) == 2


@needs_data
@pytest.mark.data
def test_train_from_config_small(tmp_path):
    from bantin.summarize.training import train_from_config

    out = tmp_path / "model"
    rec = train_from_config(None, ["data.max_train_articles=60", "data.max_val_articles=30", f"out_dir={out}"], tracking="jsonl")
    assert rec["kind"] == "train" and rec["metrics"]["val/n_articles"] == 30
    model = load_model(out, task="summarize")
    assert model.training_info["n_train"] == 60
    with pytest.raises(BantinInputError):
        train_from_config(None, ["data.train_split=test", f"out_dir={out}"])


@needs_data
@pytest.mark.data
def test_default_beats_lead3_on_heldout_val():
    """Held-out vietnews val articles (the default was trained on train only)."""
    from bantin.summarize.data import load_vietnews
    from bantin.summarize.evaluation import evaluate_model

    val = load_vietnews("val", limit=150)
    default = load_model(default_model_dir(), task="summarize")
    ours = evaluate_model(default, val, 2, ascii=False).metrics
    lead3 = evaluate_model(LeadSummarizer(3), val, 3, ascii=False).metrics
    assert ours["rouge2_f"] > lead3["rouge2_f"] + 0.02


def test_evaluate_both_datasets_on_fixture_corpora():
    """`bantin evaluate summarize` on the tiny invented corpora: one record per (dataset, model) with the
    report's metric names; split names say which subset was scored."""
    from bantin.summarize.evaluation import evaluate_from_config
    from bantin.tracking import load_records

    records = evaluate_from_config(None, ["models=[lead-1,textrank,default@2]", "datasets=[vietnews,baomoi_sapo]",
                                          f"data_dir={FIXTURES / 'corpora'}"], tracking="jsonl")
    assert [(r["dataset"], r["model"]) for r in records] == [
        ("vietnews", "lead-1"), ("vietnews", "textrank-2"), ("vietnews", "extractive-2 (default)"),
        ("baomoi_sapo", "lead-1"), ("baomoi_sapo", "textrank-2"), ("baomoi_sapo", "extractive-2 (default)")]
    assert records[0]["split"] == "test" and records[3]["split"] == "sample6"
    for r in records:
        m = r["metrics"]
        assert all(0.0 <= m[k] <= 1.0 for k in ("rouge1_f", "rouge2_f", "rougeL_f", "rouge1_f_ascii", "rouge2_f_ascii", "rougeL_f_ascii"))
        assert m["articles_per_s"] > 0 and m["summary_syllables"] > 0
        assert m["rouge1_f_ascii"] >= m["rouge1_f"]  # the ASCII tokenizer's false matches only add overlap here
    assert records[0]["metrics"]["n_articles"] == 8 and records[0]["metrics"]["summary_sentences"] == 1.0
    assert len(load_records()) == 6


def test_benchmark_script_runs_end_to_end(monkeypatch, tmp_path):
    """benchmarks/bench_summarize.py's per-model measurement on the fixture corpus (in-process)."""
    import importlib.util

    monkeypatch.setenv("BANTIN_DATA_DIR", str(FIXTURES / "corpora"))
    path = FIXTURES.parent.parent / "benchmarks" / "bench_summarize.py"
    spec = importlib.util.spec_from_file_location("bench_summarize", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    res = bench.bench_one("default", 5, "vietnews", repeat=1)
    assert res["n_articles"] == 5 and res["model"] == "extractive-2 (default)"
    assert res["articles_per_s"] > 0 and res["articles_per_cpu_s"] > 0 and 0 < res["split_ms"] < res["ms_per_article"] * 2
    assert res["summary_chars"] > 20


def test_single_threaded_blas_is_reentrant():
    from threadpoolctl import threadpool_limits

    from bantin.summarize.features import _blas_libraries, single_threaded_blas

    def blas_threads():  # numpy's BLAS (loaded before the controllers were made); live values
        return [lib.num_threads for lib in _blas_libraries()]

    before = blas_threads()
    assert before
    with threadpool_limits(2, user_api="blas"):  # more than one thread, whatever OMP_NUM_THREADS says
        outer = blas_threads()
        with single_threaded_blas():
            with single_threaded_blas():  # nested use is fine
                assert blas_threads() == [1] * len(before)
            assert blas_threads() == [1] * len(before)
        assert blas_threads() == outer  # put back
    assert blas_threads() == before


def test_update_card_writes_measured_scores(tmp_path):
    import shutil

    from bantin.summarize.evaluation import evaluate_from_config

    model_dir = tmp_path / "default-copy"
    shutil.copytree(default_model_dir(), model_dir)
    evaluate_from_config(None, [f"models=[lead-3,{model_dir}]", "datasets=[vietnews,baomoi_sapo]", f"data_dir={FIXTURES / 'corpora'}",
                                "update_card=true", "ascii=true"], tracking="jsonl")
    manifest = json.loads((model_dir / "bantin_model.json").read_text(encoding="utf-8"))
    m = manifest["metrics"]
    assert m["vietnews_test/n_articles"] == 8 and m["baomoi_sapo_sample6/n_articles"] == 6
    assert 0 < m["vietnews_test/rouge2_f"] < 1 and "vietnews_test/lead-3/rouge2_f" in m
    assert "val/rouge2_f" in m  # the training-time validation score is kept
    card = (model_dir / "README.md").read_text(encoding="utf-8")
    assert "## Measured scores" in card and "| vietnews_test | 8 |" in card
    assert json.loads((model_dir / "idf.json").read_text()) == json.loads((default_model_dir() / "idf.json").read_text())  # weights unchanged
    assert (model_dir / "scorer.lgbm.txt").read_text() == (default_model_dir() / "scorer.lgbm.txt").read_text()


def test_sentences_scored_are_capped_on_a_page_of_many_short_lines(monkeypatch):
    """A hostile page (40,000 short lines, and a 400,000-character line) is only read up to the cap: the
    summarizer's per-document matrices stay at most MAX_SCORED_SENTENCES square (issue 11, item 7)."""
    from bantin.summarize import base as summ_base
    from bantin.summarize.base import MAX_SCORED_CHARS, MAX_SCORED_SENTENCES
    from bantin.summarize.features import sentence_features

    page = "\n".join(f"Dòng số {i} ngắn." for i in range(40_000))
    doc = make_document("Tiêu đề", "", page, sentence_backend="regex")
    assert len(doc.sentences) == MAX_SCORED_SENTENCES
    assert doc.sentences[0] == "Dòng số 0 ngắn." and doc.paragraphs[-1] == MAX_SCORED_SENTENCES - 1  # the start is kept
    assert sentence_features(doc, None).shape[0] == MAX_SCORED_SENTENCES
    # the same as a list of paragraphs, and one huge line without punctuation: bounded by characters
    assert len(make_document("", "", page.split("\n"), sentence_backend="regex").sentences) == MAX_SCORED_SENTENCES
    long_line = make_document("", "", "chữ " * 100_000, sentence_backend="regex")
    assert sum(len(s) for s in long_line.sentences) <= MAX_SCORED_CHARS
    # the splitter never sees more than the budget of text
    seen = []
    real = summ_base.split_sentences
    monkeypatch.setattr(summ_base, "split_sentences", lambda text, backend: seen.append(len(text)) or real(text, backend=backend))
    make_document("", "", page, sentence_backend="regex")
    assert len(seen) <= MAX_SCORED_SENTENCES and sum(seen) <= MAX_SCORED_CHARS
    # a Document built by hand is capped before scoring; the summary comes from the start
    from bantin.summarize.base import Document

    big = Document("", [f"Câu thứ {i} có đủ năm âm tiết." for i in range(1000)], list(range(1000)))
    for model in (LeadSummarizer(), TextRankSummarizer(), LexRankSummarizer(), load_model(default_model_dir(), task="summarize")):
        out = model.summarize_sentences([big], 2)[0]
        assert 1 <= len(out) <= 2 and all(big.sentences.index(s) < MAX_SCORED_SENTENCES for s in out)


def test_cli_summary_syllables(tmp_path):
    """`bantin analyze --summary-syllables 30`: a shorter summary than the default 2 sentences; a bad value is exit 2."""
    from typer.testing import CliRunner

    from bantin.cli import app
    from bantin.text.tokenize import sentences as split_sentences

    page = FIXTURES.parent.parent / "data" / "samples" / "laodongthudo.txt"
    runner = CliRunner()
    base = runner.invoke(app, ["analyze", str(page), "--only", "summarize", "--format", "json"])
    short = runner.invoke(app, ["analyze", str(page), "--only", "summarize", "--format", "json", "--summary-syllables", "30"])
    assert base.exit_code == 0 and short.exit_code == 0, short.output
    s_base, s_short = json.loads(base.stdout)["summary"], json.loads(short.stdout)["summary"]
    assert s_short and len(syllables(s_short)) <= max(30, len(syllables(split_sentences(s_short)[0])))
    assert len(syllables(s_short)) <= len(syllables(s_base)) or len(split_sentences(s_short)) == 1
    bad = runner.invoke(app, ["analyze", str(page), "--summary-syllables", "0"])
    assert bad.exit_code == 2


def test_train_lgbm_on_both_sources_fixture(tmp_path):
    """`bantin train summarize` with the default's recipe (LightGBM, v2 features, vietnews + baomoi sapos) on the
    tiny fixture corpora: the baomoi training sample never shares a line with the evaluation sample."""
    from bantin.summarize.data import BAOMOI_TRAIN_OFFSETS, load_baomoi_sapo
    from bantin.summarize.training import train_from_config

    corpora = FIXTURES / "corpora"
    out = tmp_path / "model"
    rec = train_from_config(FIXTURES.parent.parent / "configs" / "summarize.yaml",
                            [f"data.data_dir={corpora}", "data.max_train_articles=40", "data.baomoi_train_articles=20", "data.max_val_articles=5",
                             "extractive.lgbm_num_trees=5", "extractive.lgbm_min_data_in_leaf=2", "extractive.idf_min_df=1", f"out_dir={out}"], tracking="jsonl")
    assert rec["metrics"]["val/n_articles"] > 0
    model = load_model(out, task="summarize")
    assert model.scorer == "lgbm" and model.feature_set == "v2" and (out / "scorer.lgbm.txt").exists()
    assert model.trim_sentences == "links+time" and model.rerank_targets == "label+centered" and (out / "reranker-centered.lgbm.txt").exists()
    eval_ids = {e.id for e in load_baomoi_sapo(None, data_dir=str(corpora), min_body_sentences=1, min_sapo_syllables=1)}
    train_ids = {e.id for off in BAOMOI_TRAIN_OFFSETS for e in load_baomoi_sapo(None, data_dir=str(corpora), offset=off, min_body_sentences=1, min_sapo_syllables=1)}
    assert eval_ids and train_ids and not eval_ids & train_ids


def test_candidate_features_and_reranker_roundtrip(tmp_path):
    from bantin.summarize.features import CANDIDATE_FEATURE_NAMES, candidate_features, sentence_features_context

    examples = fixture_examples()
    doc = examples[0].document()
    x, ctx = sentence_features_context(doc, None, "v2")
    np.testing.assert_allclose(x, sentence_features(doc, None, "v2"))
    scores = -np.arange(len(doc.sentences), dtype=float)  # ranked in document order
    rows, cands = candidate_features(doc, scores, ctx, top_k=4, max_size=3)
    assert rows.shape == (4 + 6 + 4, len(CANDIDATE_FEATURE_NAMES)) and np.isfinite(rows).all()
    assert cands.sentences(0) == [0] and cands.sentences(4) == [0, 1] and cands.sentences(len(cands) - 1) == [1, 2, 3]
    col = {n: i for i, n in enumerate(CANDIDATE_FEATURE_NAMES)}
    assert rows[4, col["k"]] == 2 and rows[4, col["contiguous"]] == 1 and rows[4, col["has_first"]] == 1
    assert rows[4, col["syllables"]] == len(doc.tokens[0]) + len(doc.tokens[1])
    # the pair's centroid cosine is that of the sum of its two TF-IDF rows
    v = ctx["m"][0] + ctx["m"][1]
    assert rows[4, col["centroid_cos"]] == pytest.approx(v @ ctx["centroid"] / np.linalg.norm(v))
    # train a tiny two-stage model, save, load: same summaries, 1..n sentences, the reranker file is checked
    train, test = examples[:6], examples[6:]
    model = ExtractiveSummarizer(scorer="lgbm", target="oracle", feature_set="v2", idf_min_df=1, lgbm_num_trees=10, lgbm_min_data_in_leaf=3,
                                 rerank_top_k=4, rerank_trees=10)
    model.fit([e.document() for e in train], [e.reference for e in train])
    docs = [e.document() for e in test]
    before = model.summarize_sentences(docs, 3)
    assert all(1 <= len(s) <= 3 for s in before)
    assert all(len(s) == 1 for s in model.summarize_sentences(docs, 1))
    path = model.save(tmp_path / "rr")
    assert (path / "reranker.lgbm.txt").exists()
    assert load_model(path, task="summarize").summarize_sentences(docs, 3) == before
    (path / "reranker.lgbm.txt").write_text("tree\nversion=v4\n", encoding="utf-8")
    with pytest.raises(BantinModelError):
        load_model(path, task="summarize")
    with pytest.raises(ValueError):
        ExtractiveSummarizer(scorer="logistic", rerank_top_k=5)


def test_candidate_features_c2_independent_of_top_k_and_roundtrip(tmp_path):
    """The c2 candidate features: finite, the c1 columns first, and a candidate's row does not depend on how many
    top sentences were enumerated (so the candidates of top 7 restricted to ranks < 5 are exactly those of top 5);
    a two-stage model with them saves and loads with the same summaries; an unknown set is refused."""
    from bantin.summarize.features import candidate_feature_names, candidate_features, sentence_features_context

    examples = fixture_examples()
    doc = max((e.document() for e in examples), key=lambda d: len(d.sentences))
    _, ctx = sentence_features_context(doc, None, "v2")
    scores = np.linspace(0.9, 0.1, len(doc.sentences))[::-1].copy()  # the last sentence scores best
    k_small, k_big = min(3, len(doc.sentences)), min(5, len(doc.sentences))
    small, cs = candidate_features(doc, scores, ctx, top_k=k_small, max_size=3, candidate_set="c2")
    big, cb = candidate_features(doc, scores, ctx, top_k=k_big, max_size=3, candidate_set="c2")
    names = candidate_feature_names("c2")
    assert small.shape[1] == len(names) and np.isfinite(big).all()
    np.testing.assert_allclose(small[:, :25], candidate_features(doc, scores, ctx, top_k=k_small, max_size=3)[0])
    big_rows = {tuple(cb.sentences(r)): big[r] for r in range(len(cb))}
    for r in range(len(cs)):
        np.testing.assert_allclose(small[r], big_rows[tuple(cs.sentences(r))])
    col = {n: i for i, n in enumerate(names)}
    total = ctx["lengths"].sum()
    assert small[0, col["syllables_share"]] == pytest.approx(ctx["lengths"][len(doc.sentences) - 1] / total)
    assert 0 < small[-1, col["distinct_trigram_share"]] <= 1
    train, test = examples[:6], examples[6:]
    model = ExtractiveSummarizer(scorer="lgbm", target="oracle", feature_set="v2", idf_min_df=1, lgbm_num_trees=10, lgbm_min_data_in_leaf=3,
                                 rerank_top_k=6, rerank_trees=10, rerank_features="c2")
    model.fit([e.document() for e in train], [e.reference for e in train])
    docs = [e.document() for e in test]
    before = model.summarize_sentences(docs, 2)
    loaded = load_model(model.save(tmp_path / "c2"), task="summarize")
    assert loaded.rerank_features == "c2" and loaded.summarize_sentences(docs, 2) == before
    with pytest.raises(BantinInputError):
        ExtractiveSummarizer(scorer="lgbm", rerank_top_k=5, rerank_features="c3")


@pytest.mark.parametrize("sentence, trimmed", [
    ("Tuy nhiên, Công an huyện Quỳnh Lưu đã phát đi thông báo tìm người.", "Công an huyện Quỳnh Lưu đã phát đi thông báo tìm người."),
    ("VOV đưa tin, khoảng 9h sáng ngày 25/6, em Lê Diệu Linh rời khỏi nhà.", "Khoảng 9h sáng ngày 25/6, em Lê Diệu Linh rời khỏi nhà."),
    ("Theo đó, theo nguồn tin trên báo Người Lao Động, hiện trường đã được phong toả.", "Hiện trường đã được phong toả."),
    ("(Dân trí) - Sáng nay, Quốc hội biểu quyết thông qua Luật Đất đai sửa đổi.", "Sáng nay, Quốc hội biểu quyết thông qua Luật Đất đai sửa đổi."),
    ("HÀ NỘI - Sáng nay, Quốc hội biểu quyết thông qua Luật Đất đai sửa đổi.", "Sáng nay, Quốc hội biểu quyết thông qua Luật Đất đai sửa đổi."),
    ("Nhiều người sập bẫy lừa đảo của trai ngoại (ảnh minh hoạ).", "Nhiều người sập bẫy lừa đảo của trai ngoại."),
    ("Ông ta đã sát hại vợ mình rồi phi tang xuống sông, theo báo An ninh thủ đô.", "Ông ta đã sát hại vợ mình rồi phi tang xuống sông."),
    # kept: a person's attribution, a parenthesis that is not a photo credit, a trim that would leave too little
    ("Theo ông Nguyễn Văn A, giá điện sẽ tăng trong quý tới.", "Theo ông Nguyễn Văn A, giá điện sẽ tăng trong quý tới."),
    ("Bị cáo Trần Anh Tiến (SN 1992) bị tuyên án chung thân.", "Bị cáo Trần Anh Tiến (SN 1992) bị tuyên án chung thân."),
    ("Tuy nhiên, giá tăng.", "Tuy nhiên, giá tăng."),
    ("TTO - Bộ Y tế công bố thêm 20 ca mắc mới trong cộng đồng.", "Bộ Y tế công bố thêm 20 ca mắc mới trong cộng đồng."),
    ("VOV.VN - Bộ Y tế công bố thêm 20 ca mắc mới trong cộng đồng.", "Bộ Y tế công bố thêm 20 ca mắc mới trong cộng đồng."),
    # kept: a capitalised subject or a title before a dash is not a dateline; "theo kênh" without a comma is the claim
    ("EU - Việt Nam ký hiệp định thương mại tự do sau nhiều năm.", "EU - Việt Nam ký hiệp định thương mại tự do sau nhiều năm."),
    ("Á - Âu là hai châu lục có lịch sử giao thương lâu đời.", "Á - Âu là hai châu lục có lịch sử giao thương lâu đời."),
    ("VIỆT NAM - THÁI LAN: trận đấu quyết định ngôi vô địch.", "VIỆT NAM - THÁI LAN: trận đấu quyết định ngôi vô địch."),
    ("Người dân có thể phản ánh theo kênh đường dây nóng.", "Người dân có thể phản ánh theo kênh đường dây nóng."),
])
def test_trim_sentence(sentence, trimmed):
    from bantin.summarize.trim import trim_sentence

    assert trim_sentence(sentence) == trimmed
    assert trim_sentence(sentence, "none") == sentence


@pytest.mark.parametrize("sentence, trimmed", [
    ("Ngày 22/6, cơ quan CSĐT Công an thị xã Phú Mỹ đã ra quyết định khởi tố vụ án.", "Cơ quan CSĐT Công an thị xã Phú Mỹ đã ra quyết định khởi tố vụ án."),
    ("Vào khoảng 15h ngày 24/7, Thạch Sà Kh. bất ngờ cầm dao truy sát hàng chục người.", "Thạch Sà Kh. bất ngờ cầm dao truy sát hàng chục người."),
    ("Tuy nhiên, chiều cùng ngày, chị Thảo cùng con gái mang thanh long ra bán.", "Chị Thảo cùng con gái mang thanh long ra bán."),
    # kept: a leading clause that is not only time words and numbers
    ("Ngày càng nhiều người dân, nhất là người trẻ, chọn mua nhà ở ngoại thành.", "Ngày càng nhiều người dân, nhất là người trẻ, chọn mua nhà ở ngoại thành."),
    ("Ngày 22/6 cơ quan công an khởi tố, bắt tạm giam hai nhân viên công ty địa ốc.", "Ngày 22/6 cơ quan công an khởi tố, bắt tạm giam hai nhân viên công ty địa ốc."),
    ("Ngày 1, 2 và 3/6, Hà Nội sẽ tổ chức lễ hội ẩm thực lớn nhất năm.", "Ngày 1, 2 và 3/6, Hà Nội sẽ tổ chức lễ hội ẩm thực lớn nhất năm."),
    ("Thứ hai, doanh nghiệp phải công khai báo cáo tài chính hằng năm.", "Thứ hai, doanh nghiệp phải công khai báo cáo tài chính hằng năm."),
])
def test_trim_sentence_time_level(sentence, trimmed):
    from bantin.summarize.trim import trim_sentence

    assert trim_sentence(sentence, "links+time") == trimmed
    with pytest.raises(ValueError):
        trim_sentence(sentence, "all")


def test_rerank_label_and_trim_knobs_roundtrip(tmp_path):
    """rerank_label picks the reranker's training label (mean of ROUGE F columns, syllable or ASCII tokenizer, trimmed or
    not); trim_sentences trims the chosen sentences; both are saved with the model; bad values are refused."""
    from rouge_score import rouge_scorer

    from bantin.summarize.extractive import candidate_labels
    from bantin.summarize.features import candidate_feature_names, candidate_features, sentence_features_context

    examples = fixture_examples()
    ex = examples[0]
    doc = ex.document()
    _, ctx = sentence_features_context(doc, None, "v2")
    _, cands = candidate_features(doc, np.linspace(1, 0, len(doc.sentences)), ctx, top_k=3, max_size=2)
    ascii_r2 = candidate_labels(doc, cands, ex.reference, "a2")
    scorer = rouge_scorer.RougeScorer(["rouge2"])  # rouge-score's default tokenizer
    for r in range(len(cands)):
        text = " ".join(doc.sentences[i] for i in sorted(cands.sentences(r)))
        assert ascii_r2[r] == pytest.approx(scorer.score(ex.reference, text)["rouge2"].fmeasure)
    mean = candidate_labels(doc, cands, ex.reference, "s1+s2+a2")
    np.testing.assert_allclose(mean, (2 * candidate_labels(doc, cands, ex.reference, "s1+s2") + ascii_r2) / 3)
    for bad in ("s3", "", "s1+s1", None):
        with pytest.raises(BantinInputError):
            ExtractiveSummarizer(scorer="lgbm", rerank_top_k=3, rerank_label=bad)
    with pytest.raises(BantinInputError):
        ExtractiveSummarizer(trim_sentences=True)
    with pytest.raises(BantinInputError):
        ExtractiveSummarizer(scorer="lgbm", rerank_top_k=3, rerank_targets="centered")
    train, test = examples[:6], examples[6:]
    model = ExtractiveSummarizer(scorer="lgbm", target="oracle", feature_set="v2", idf_min_df=1, lgbm_num_trees=10, lgbm_min_data_in_leaf=3,
                                 rerank_top_k=4, rerank_trees=10, rerank_features="c2", rerank_label="ts2+ta2", trim_sentences="links+time",
                                 rerank_targets="label+centered")
    model.fit([e.document() for e in train], [e.reference for e in train])
    docs = [e.document() for e in test]
    docs[0].sentences[0] = "Tuy nhiên, " + docs[0].sentences[0]  # the trim shows whichever sentences are chosen
    docs[0]._tokens = None
    trimmed = model.summarize_sentences(docs, 2)
    model.trim_sentences = "none"
    plain = model.summarize_sentences(docs, 2)
    from bantin.summarize.trim import trim_sentence

    assert trimmed == [[trim_sentence(s, "links+time") for s in p] for p in plain]
    assert not any(s.startswith("Tuy nhiên, ") for p in trimmed for s in p)
    model.trim_sentences = "links+time"
    loaded = load_model(model.save(tmp_path / "trim"), task="summarize")
    assert loaded.rerank_label == "ts2+ta2" and loaded.trim_sentences == "links+time" and loaded.rerank_targets == "label+centered"
    assert loaded.summarize_sentences(docs, 2) == trimmed
    # two rerankers (the label, the label minus its article's mean), saved in two files, their ratings averaged
    assert (tmp_path / "trim" / "reranker-centered.lgbm.txt").is_file()
    x = np.random.default_rng(0).random((7, len(candidate_feature_names("c2"))))
    a, b = (p.predict(x) for p in loaded.reranker_.parts)
    np.testing.assert_allclose(loaded.reranker_.predict(x), (a + b) / 2)
    assert not np.allclose(a, b)


def test_fast_sentence_splitter_matches_underthesea():
    """``text.tokenize._fast_punkt`` (jumps between .?! with a regex) gives underthesea's own splits: random strings of the
    characters its rules look at (ellipses, abbreviations, digits, upper case, line breaks) and real paragraphs."""
    import importlib.util
    import random

    from bantin.text.tokenize import _sent_tokenize

    spec = importlib.util.find_spec("underthesea")
    file = Path(list(spec.submodule_search_locations)[0]) / "pipeline" / "sent_tokenize" / "__init__.py"
    mod_spec = importlib.util.spec_from_file_location("_test_underthesea_sent_tokenize", file)
    module = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(module)
    fast = _sent_tokenize()
    rng = random.Random(0)
    alphabet = list("aAbBĐđÀàTt09 .?!\t\n\r,…\"") + ["Tp.", "TS.", "e.g.", "...", "....", "1.500.000", "Ông", "x", "  "]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(20000)]
    texts += ["Ông A nói... Rồi đi. Tp. HCM có 1.500.000 dân! Thật ư?! Vâng.", "...", ". . .", "Hết...", "a...b", "TS. Nguyễn Văn A."]
    assert [fast(t) for t in texts] == [module.sent_tokenize(t) for t in texts]


def test_pagerank_blocked_convergence_test_matches_step_by_step():
    """``features.pagerank`` tests convergence per block of steps; its result is bit for bit the step-by-step loop's."""
    from bantin.summarize.features import pagerank

    def reference(sim, damping=0.85, iters=50, tol=1e-6):
        n = sim.shape[0]
        sim = sim.copy()
        np.fill_diagonal(sim, 0.0)
        rowsum = sim.sum(axis=1, keepdims=True)
        trans = np.where(rowsum > 0, sim / np.where(rowsum > 0, rowsum, 1.0), 1.0 / n)
        r = np.full(n, 1.0 / n)
        for _ in range(iters):
            new = (1 - damping) / n + damping * trans.T @ r
            if np.abs(new - r).sum() < tol:
                return new
            r = new
        return r

    rng = np.random.default_rng(0)
    for n in (1, 2, 3, 5, 17, 40):
        for sparsity in (0.0, 0.5, 0.9):
            sim = rng.random((n, n)) * (rng.random((n, n)) > sparsity)
            sim = (sim + sim.T) / 2
            for iters, tol in ((50, 1e-6), (3, 1e-6), (9, 1e-9), (50, 0.0), (12, 1e-3)):
                assert np.array_equal(pagerank(sim, iters=iters, tol=tol), reference(sim, iters=iters, tol=tol)), (n, sparsity, iters, tol)
    assert pagerank(np.zeros((0, 0))).shape == (0,)

