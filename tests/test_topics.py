"""Topic classification: data loading (JSONL/CSV, multi-label, malformed records), linear model round trip,
training/evaluation entry points, the embedded default model, and real-corpus smoke tests (data marker)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import needs_data

from bantin.errors import BantinInputError, BantinModelError
from bantin.models import load_model
from bantin.topics.data import (
    LoadReport,
    TopicDoc,
    duplicates_of,
    load_user_file,
    stratified_holdout,
    stratified_subsample,
    text_key,
)
from bantin.topics.linear import LinearTopicModel

FIX = Path(__file__).parent / "fixtures" / "topics"
SMALL = dict(n_features=2**16, max_features=2000, min_df=1)


@pytest.fixture(scope="module")
def docs():
    return load_user_file(FIX / "news.jsonl")


@pytest.fixture(scope="module")
def fitted(docs):
    return LinearTopicModel(**SMALL).fit([d.text for d in docs], [d.labels for d in docs])


# -- data ---------------------------------------------------------------------------------------------
def test_jsonl_and_csv_give_the_same_documents(docs):
    csv_docs = load_user_file(FIX / "news.csv", text_fields=["title", "text"])
    assert len(docs) == len(csv_docs) == 32
    assert {d.label for d in docs} == {"the_thao", "kinh_te", "suc_khoe", "cong_nghe"}
    by_id = {d.id: d for d in csv_docs}
    assert by_id["s1"].text == docs[0].text  # same fields joined the same way
    assert by_id["k4"].labels == ["kinh_te", "cong_nghe"]  # "a|b" in a CSV cell = two labels


def test_multilabel_jsonl_lists():
    ml = load_user_file(FIX / "news_multilabel.jsonl")
    assert sum(len(d.labels) > 1 for d in ml) == 5
    assert all(d.labels for d in ml)


@pytest.mark.parametrize("name,kept,bad", [("malformed.jsonl", 2, 4), ("malformed.csv", 1, 3)])
def test_malformed_records_are_reported_and_skipped(name, kept, bad):
    report = LoadReport()
    got = load_user_file(FIX / name, report=report)
    assert len(got) == kept and report.read == kept
    assert report.malformed == bad
    assert all({"file", "line", "error"} <= set(e) for e in report.errors)
    assert any("label" in e["error"] for e in report.errors)


def test_bad_user_files(tmp_path):
    with pytest.raises(BantinInputError):
        load_user_file(tmp_path / "missing.jsonl")
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(BantinInputError):
        load_user_file(tmp_path / "x.txt")
    (tmp_path / "nolabel.csv").write_text("title,text\nA,B\n", encoding="utf-8")
    with pytest.raises(BantinInputError, match="label"):
        load_user_file(tmp_path / "nolabel.csv")


def test_duplicates_use_normalized_text():
    train = [TopicDoc("a", "Giá  vàng TĂNG\nmạnh", ["x"])]
    test = [TopicDoc("b", "giá vàng tăng mạnh", ["x"]), TopicDoc("c", "giá vàng giảm", ["x"])]
    assert duplicates_of(test, train) == [True, False]
    assert text_key("Giá vàng") == text_key("giá   VÀNG ")


def test_stratified_subsample_and_holdout(docs):
    sub = stratified_subsample(docs, 8, seed=1)
    assert len(sub) == 8 and {d.label for d in sub} == {d.label for d in docs}
    rest, held = stratified_holdout(docs, 0.25, seed=0)
    assert len(rest) + len(held) == len(docs) and {d.label for d in held} == {d.label for d in docs}
    assert not {d.id for d in rest} & {d.id for d in held}


# -- linear model -------------------------------------------------------------------------------------
def test_linear_predicts_held_out_sentences(fitted):
    # sentences written for this test, not in the fixture
    texts = ["Tiền đạo ghi hai bàn thắng trong trận bóng đá tối qua", "Ngân hàng tăng lãi suất cho vay doanh nghiệp",
             "Bác sĩ bệnh viện điều trị cho bệnh nhân sốt", "Phần mềm mới trên điện thoại bị tin tặc tấn công"]
    assert fitted.predict(texts) == ["the_thao", "kinh_te", "suc_khoe", "cong_nghe"]
    proba = fitted.predict_proba(texts)
    assert proba.shape == (4, 4) and np.allclose(proba.sum(axis=1), 1, atol=1e-5)
    top = fitted.top_k(texts[0], k=3)[0]
    assert len(top) == 3 and top[0][0] == "the_thao" and top[0][1] >= top[1][1] >= top[2][1]


def test_linear_multilabel(tmp_path):
    ml = load_user_file(FIX / "news_multilabel.jsonl")
    model = LinearTopicModel(multi_label=True, **SMALL).fit([d.text for d in ml], [d.labels for d in ml])
    pred = model.predict(["Cổ phiếu các công ty công nghệ phần mềm tăng giá trên sàn chứng khoán"])
    assert isinstance(pred[0], list) and pred[0] and "kinh_te" in pred[0]
    proba = model.predict_proba(["Bác sĩ khuyên vận động viên ngủ đủ giấc"])
    assert proba.shape == (1, 4) and ((proba >= 0) & (proba <= 1)).all()


def test_linear_rejects_bad_input(docs):
    with pytest.raises(BantinInputError, match="multi_label"):
        LinearTopicModel(**SMALL).fit(["a b", "c d"], [["x", "y"], ["x"]])
    with pytest.raises(BantinInputError):
        LinearTopicModel(**SMALL).fit(["a b", "c d"], ["x", "x"])  # one label only
    with pytest.raises(BantinInputError):
        LinearTopicModel(tokenizer="nope")
    with pytest.raises(BantinInputError, match="class_weight"):
        LinearTopicModel(class_weight="heavy")


def test_linear_word_features_add_words_to_syllable_ngrams(docs, tmp_path):
    model = LinearTopicModel(word_features="lexicon", **SMALL)
    feats = model._syllables_and_words("Bóng đá, thể thao")
    assert feats == ["bóng", "đá", "thể", "thao", "bóng đá", "đá thể", "thể thao", "w:bóng_đá", "w:thể_thao"]
    model.fit([d.text for d in docs], [d.label for d in docs])
    texts = ["Tiền đạo ghi hai bàn thắng trong trận bóng đá tối qua", "Ngân hàng tăng lãi suất cho vay doanh nghiệp"]
    assert model.predict(texts) == ["the_thao", "kinh_te"]
    model.save(tmp_path / "w")
    loaded = load_model(tmp_path / "w")
    assert loaded.word_features == "lexicon" and loaded.predict(texts) == model.predict(texts)
    assert "lexicon word segmentation" in (tmp_path / "w" / "README.md").read_text(encoding="utf-8")
    with pytest.raises(BantinInputError, match="word_features"):
        LinearTopicModel(word_features="nope")
    with pytest.raises(BantinInputError, match="tokenizer"):
        LinearTopicModel(tokenizer="pyvi", word_features="lexicon")


@pytest.mark.parametrize("options", [{"word_features": "pyvi"}, {"word_features": "underthesea"},
                                     {"tokenizer": "pyvi", "word_features": None}])
def test_linear_with_crf_word_segmenters(docs, options, tmp_path):
    model = LinearTopicModel(**options, **SMALL).fit([d.text for d in docs], [d.label for d in docs])
    texts = ["Tiền đạo ghi hai bàn thắng trong trận bóng đá tối qua", "Ngân hàng tăng lãi suất cho vay doanh nghiệp"]
    assert model.predict(texts) == ["the_thao", "kinh_te"]
    if options["word_features"]:  # CRF words, lower-cased, as "w:" features next to the syllables
        assert "w:bóng_đá" in model._syllables_and_words("Trận bóng đá")
    loaded = load_model(model.save(tmp_path / "m"))
    assert loaded.get_config() == model.get_config() and loaded.predict(texts) == model.predict(texts)


@pytest.mark.parametrize("classifier", ["linearsvc", "logreg", "sgd"])
def test_linear_classifiers_with_balanced_weights(docs, classifier):
    model = LinearTopicModel(classifier=classifier, class_weight="balanced", C=1.0, **SMALL)
    model.fit([d.text for d in docs], [d.label for d in docs])
    assert model.get_config()["class_weight"] == "balanced"
    assert model.predict(["Tiền đạo ghi hai bàn thắng trong trận bóng đá tối qua"]) == ["the_thao"]


def test_corrupt_model_dir(fitted, tmp_path):
    fitted.save(tmp_path / "m")
    (tmp_path / "m" / "linear.safetensors").write_bytes(b"garbage")
    with pytest.raises(BantinModelError):
        load_model(tmp_path / "m")


# -- entry points -------------------------------------------------------------------------------------
def test_train_and_evaluate_from_config_on_user_files(tmp_path):
    from bantin.topics.evaluation import evaluate_from_config
    from bantin.topics.training import train_from_config

    out = tmp_path / "model"
    rec = train_from_config(None, ["model=linear", f"out_dir={out}", "data.corpus=file", f"data.train_file={FIX / 'news.jsonl'}",
                                   "linear.min_df=1", "linear.n_features=65536", "linear.max_features=2000"])
    assert rec["kind"] == "train" and rec["metrics"]["n_train"] < 32  # a stratified share was held out
    assert {"accuracy", "macro_f1", "train_seconds"} <= set(rec["metrics"])
    assert (out / "bantin_model.json").exists()
    plots = tmp_path / "plots"
    recs = evaluate_from_config(None, [f"model_dir={out}", "data.corpus=file", f"data.test_file={FIX / 'news.csv'}",
                                       f"data.train_file={FIX / 'malformed.jsonl'}", f"out_dir={plots}"])
    m = recs[0]["metrics"]
    assert {"accuracy", "macro_f1", "weighted_f1", "accuracy_dedup", "docs_per_s", "n_duplicates"} <= set(m)
    assert 0 <= m["accuracy"] <= 1 and m["n_test"] == 32
    png = Path(recs[0]["extra"]["confusion_png"])
    assert png.exists() and png.read_bytes()[:4] == b"\x89PNG"
    report = json.loads(Path(recs[0]["extra"]["report_json"]).read_text())
    assert set(report["per_label"]) == {"the_thao", "kinh_te", "suc_khoe", "cong_nghe"}
    results = (tmp_path / "experiments" / "results.jsonl").read_text().splitlines()
    assert [json.loads(r)["kind"] for r in results] == ["train", "evaluate"]


def test_multilabel_training_from_csv(tmp_path):
    from bantin.topics.training import train_from_config

    rec = train_from_config(None, [f"out_dir={tmp_path / 'm'}", "multi_label=true", "data.corpus=file",
                                   f"data.train_file={FIX / 'news.csv'}", f"data.test_file={FIX / 'news_multilabel.jsonl'}",
                                   "linear.min_df=1", "linear.n_features=65536", "linear.max_features=2000"])
    assert "macro_f1" in rec["metrics"]
    assert load_model(tmp_path / "m").multi_label


def test_subsampled_runs_say_so_in_the_record(tmp_path):
    from bantin.topics.training import train_from_config

    rec = train_from_config(None, [f"out_dir={tmp_path / 'm'}", "data.corpus=file", f"data.train_file={FIX / 'news.jsonl'}",
                                   f"data.test_file={FIX / 'news.csv'}", "data.max_train=16", "eval_max_docs=8",
                                   "linear.min_df=1", "linear.n_features=65536", "linear.max_features=2000"])
    assert rec["metrics"]["n_train"] == 16 and rec["metrics"]["n_test"] == 8
    assert rec["extra"]["train_subset"].startswith("stratified 16 of 32")
    assert rec["extra"]["test_subset"].startswith("stratified 8 of 32") and rec["split"] == "train -> test_file[:8]"


def test_training_config_errors(tmp_path):
    from bantin.topics.training import train_from_config

    with pytest.raises(BantinInputError):
        train_from_config(None, ["data.corpus=file"])  # no train_file
    with pytest.raises(BantinInputError):
        train_from_config(None, ["model=nope", "data.corpus=file", f"data.train_file={FIX / 'news.jsonl'}"])


# -- other model kinds (tiny, offline) -----------------------------------------------------------------
def test_embedding_model_with_stub_encoder(docs, tmp_path, monkeypatch):
    from bantin.topics.embedding import EmbeddingTopicModel

    def fake_embed(self, texts):  # a deterministic bag-of-syllables projection instead of e5
        from sklearn.feature_extraction.text import HashingVectorizer

        X = HashingVectorizer(n_features=64, alternate_sign=False).transform(texts).toarray()
        return X.astype(np.float32)

    monkeypatch.setattr(EmbeddingTopicModel, "embed", fake_embed)
    model = EmbeddingTopicModel().fit([d.text for d in docs], [d.label for d in docs])
    model.save(tmp_path / "e5")
    loaded = load_model(tmp_path / "e5")
    assert loaded.kind == "e5" and np.allclose(loaded.predict_proba([docs[0].text]), model.predict_proba([docs[0].text]))


# -- embedded default + real corpora -------------------------------------------------------------------
def test_embedded_vntc10_model():
    from bantin.topics import resolve_model_dir

    d = resolve_model_dir("vntc10")  # VNTC-10's own labels (the published comparison)
    size = sum(f.stat().st_size for f in d.iterdir())
    assert size < 5_000_000  # the embedded default stays small
    model = load_model(d, task="topics")
    assert model.kind == "linear" and len(model.labels) == 10
    texts = ["Đội tuyển bóng đá Việt Nam thắng 3-0, tiền đạo lập cú đúp trong trận đấu tại vòng loại",
             "Ngân hàng Nhà nước điều chỉnh lãi suất, giá cổ phiếu ngân hàng tăng mạnh trên sàn chứng khoán"]
    assert model.predict(texts) == ["Thể thao", "Kinh doanh"]
    top = model.top_k(texts, k=3)
    assert [len(t) for t in top] == [3, 3]
    assert top[0][0][0] == "Thể thao" and 0.5 < top[0][0][1] <= 1.0 and top[0][0][1] >= top[0][1][1] >= top[0][2][1]
    assert np.allclose(model.predict_proba(texts).sum(axis=1), 1, atol=1e-5)
    assert "vntc10" in (d / "README.md").read_text(encoding="utf-8")


@needs_data
@pytest.mark.data
def test_vntc10_model_on_a_vntc_test_sample():
    from bantin.data.corpora import iter_corpus
    from bantin.topics import resolve_model_dir

    model = load_model(resolve_model_dir("vntc10"), task="topics")
    # every 400th line: a spread-out sample of the label-sorted file (test split only: never trained on)
    docs = [r for r in iter_corpus("vntc10", split="test", every=400)][:100]
    pred = model.predict(["\n".join(p for p in (r.title, r.lead, r.body) if p) for r in docs])
    acc = np.mean([p == r.label for p, r in zip(pred, docs)])
    assert len(docs) >= 50 and acc > 0.8


@needs_data
@pytest.mark.data
@pytest.mark.slow
def test_baomoi_split_is_fixed_and_stratified():
    from bantin.topics.data import load_corpus

    test = load_corpus("baomoi_topics_2018", "test")
    train = load_corpus("baomoi_topics_2018", "train")
    assert len({d.label for d in test}) == 25
    assert not {d.id for d in test} & {d.id for d in train}
    assert abs(len(test) / (len(test) + len(train) + len(load_corpus("baomoi_topics_2018", "val"))) - 0.1) < 0.01
    assert [d.id for d in load_corpus("baomoi_topics_2018", "test")] == [d.id for d in test]
