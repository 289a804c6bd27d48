"""The 13-label taxonomy, its corpus label maps, era-robust text preparation and the named embedded models."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bantin.errors import BantinInputError
from bantin.models.base import load_model
from bantin.topics.data import TopicDoc
from bantin.topics.taxonomy import load_taxonomy, map_docs, parse_taxonomy, resolve_split_docs
from bantin.topics.textprep import prepare_text, strip_sources, truncate_body

from conftest import REPO, needs_data

TAXONOMY = REPO / "configs" / "taxonomy.yaml"
ISSUE_LABELS = ["Chính trị - Xã hội", "Thế giới", "Kinh doanh", "Pháp luật", "Thể thao", "Văn hóa", "Sức khỏe", "Khoa học",
                "Công nghệ", "Đời sống", "Giáo dục", "Du lịch", "Việc làm"]


def test_default_taxonomy_file_has_the_13_labels_and_both_maps():
    tax = load_taxonomy(TAXONOMY)
    assert tax.labels == ISSUE_LABELS
    assert tax.map_label("vntc10", "Vi tính") == "Công nghệ"
    assert len(tax.maps["vntc10"]) == 10 and len(tax.maps["baomoi_topics_2018"]) == 25
    assert tax.map_label("baomoi_topics_2018", "Chính trị và Pháp luật") == ["Chính trị - Xã hội", "Pháp luật"]
    assert tax.split_categories == "drop"
    assert tax.map_label("baomoi_topics_2018", "Thú cưng và Động vật") is None  # no home: left out
    assert tax.map_label("baomoi_topics_2018", "Sức khoẻ") == "Sức khỏe"
    shared = tax.shared_labels("vntc10", "baomoi_topics_2018")
    assert "Thế giới" not in shared and "Giáo dục" not in shared and "Công nghệ" in shared and len(shared) == 7


def test_taxonomy_validation_gives_clear_errors():
    ok = {"labels": ["A", "B"], "maps": {"c": {"x": "A", "y": None, "z": ["A", "B"]}}}
    tax = parse_taxonomy(ok)
    assert tax.map_label("c", "x") == "A" and tax.map_label("c", "y") is None
    with pytest.raises(BantinInputError, match="'C' is not a taxonomy label"):
        parse_taxonomy({"labels": ["A", "B"], "maps": {"c": {"x": "C"}}})
    with pytest.raises(BantinInputError, match="duplicate"):
        parse_taxonomy({"labels": ["A", "A"], "maps": {"c": {}}})
    with pytest.raises(BantinInputError, match="split_categories"):
        parse_taxonomy({**ok, "split_categories": "guess"})
    with pytest.raises(BantinInputError, match="not in its map"):
        tax.map_label("c", "unmapped")
    with pytest.raises(BantinInputError, match="no map for corpus"):
        tax.map_label("other", "x")
    with pytest.raises(BantinInputError, match="not found"):
        load_taxonomy("/nonexistent/taxonomy.yaml")


def test_map_docs_relabels_leaves_out_and_keeps_split_candidates():
    tax = parse_taxonomy({"labels": ["A", "B", "C"], "maps": {"c": {"x": "A", "y": None, "z": ["A", "B"], "w": "C"}}})
    docs = [TopicDoc("1", "t1", ["x"]), TopicDoc("2", "t2", ["y"]), TopicDoc("3", "t3", ["z"]), TopicDoc("4", "t4", ["w"])]
    m = map_docs(tax, "c", docs)
    assert [(d.id, d.label) for d in m.docs] == [("1", "A"), ("4", "C")]
    assert m.left_out == 1 and [(d.id, c) for d, c in m.split] == [("3", ["A", "B"])]
    r = map_docs(tax, "c", docs, labels=["A", "C"])  # restricted: the split category collapses to its one kept label
    assert [(d.id, d.label) for d in r.docs] == [("1", "A"), ("3", "A"), ("4", "C")]


def test_resolve_split_docs_picks_the_better_candidate():
    from bantin.topics.linear import LinearTopicModel

    train = ["bóng đá cầu thủ ghi bàn"] * 6 + ["tòa án xét xử bị cáo"] * 6 + ["chứng khoán cổ phiếu lãi suất"] * 6
    labels = ["Thể thao"] * 6 + ["Pháp luật"] * 6 + ["Kinh doanh"] * 6
    model = LinearTopicModel(min_df=1, max_features=0, calibration_fraction=0).fit(train, labels)
    split = [(TopicDoc("a", "bị cáo ra tòa", ["x"]), ["Pháp luật", "Kinh doanh"]), (TopicDoc("b", "cổ phiếu giảm", ["x"]), ["Pháp luật", "Kinh doanh"])]
    assert [d.label for d in resolve_split_docs(model, split)] == ["Pháp luật", "Kinh doanh"]
    with pytest.raises(BantinInputError, match="no label"):
        resolve_split_docs(model, [(TopicDoc("c", "x", ["x"]), ["Pháp luật", "Du lịch"])])


def test_strip_sources_removes_outlet_tokens_but_not_topic_words():
    text = "Đội tuyển thắng\n(Dân trí) - Sáng nay, trả lời VnExpress, HLV nói về thanh niên\nNội dung bài. Xem www.dantri.com.vn\nTheo TTXVN"
    out = strip_sources(text)
    assert "Dân trí" not in out and "VnExpress" not in out and "TTXVN" not in out and "dantri" not in out
    assert out.startswith("Đội tuyển thắng\nSáng nay") and "thanh niên" in out
    assert strip_sources("Tít\nTTO - Ngày 15-3, Bộ GD-ĐT cho biết") == "Tít\nNgày 15-3, Bộ GD-ĐT cho biết"
    assert strip_sources("Tít\nVOV.VN - Mưa lớn") == "Tít\nMưa lớn"
    assert strip_sources("Tít\ndòng một\nhết bài của mình. Hạnh").endswith("của mình.")  # trailing byline


def test_truncate_and_title_weight():
    assert truncate_body("Tiêu đề dài\na b c d e", 3) == "Tiêu đề dài\na b c"
    assert truncate_body("Tiêu đề\na b", 10) == "Tiêu đề\na b"
    assert prepare_text("T\na b c", max_syllables=1, title_weight=3) == "T\nT\nT\na"
    assert prepare_text("Năm 2006\nthắng 3-1", mask_digits=True) == "Năm 0000\nthắng 0-0"


def test_linear_model_keeps_text_preparation_in_its_config(tmp_path):
    from bantin.topics.linear import LinearTopicModel

    texts = ["bóng đá\n(Dân trí) - cầu thủ ghi bàn thắng", "tòa án\nTTO - xét xử bị cáo"] * 5
    model = LinearTopicModel(min_df=1, max_features=0, calibration_fraction=0, strip_sources=True, max_syllables=40, title_weight=2)
    model.fit(texts, ["Thể thao", "Pháp luật"] * 5)
    model.save(tmp_path / "m")
    back = load_model(tmp_path / "m", task="topics")
    assert (back.strip_sources, back.max_syllables, back.title_weight) == (True, 40, 2)
    assert np.allclose(back.predict_proba(texts), model.predict_proba(texts), atol=1e-3)


def test_named_embedded_models():
    from bantin.topics import default_model_dir, resolve_model_dir

    assert resolve_model_dir("vntc10").name == "topics-vntc10"
    assert resolve_model_dir("default") == default_model_dir()
    assert resolve_model_dir("runs/x") == Path("runs/x")
    vntc = load_model(resolve_model_dir("vntc10"), task="topics")
    assert "Vi tính" in vntc.labels and len(vntc.labels) == 10
    default = load_model(default_model_dir(), task="topics")
    assert set(default.labels) <= set(ISSUE_LABELS) and "Công nghệ" in default.labels and "Giáo dục" in default.labels
    texts = ["Đội tuyển bóng đá Việt Nam thắng 3-0, tiền đạo lập cú đúp trong trận đấu tại vòng loại",
             "Bộ Giáo dục công bố phương án thi tốt nghiệp THPT, học sinh và giáo viên chuẩn bị ôn tập"]
    assert default.predict(texts) == ["Thể thao", "Giáo dục"]


def test_pipeline_and_cli_take_a_topics_model_by_name():
    from typer.testing import CliRunner

    from bantin.cli import app
    from bantin.pipeline import Pipeline

    nlp = Pipeline.load(topics="vntc10", stages=("clean", "topics"))
    assert "Vi tính" in nlp.topics.labels
    assert "Giáo dục" in Pipeline.load(stages=("clean", "topics")).topics.labels
    res = CliRunner().invoke(app, ["analyze", str(REPO / "data" / "samples" / "laodongthudo.txt"), "--only", "topics", "--topics-model", "vntc10"])
    assert res.exit_code == 0, res.stdout


@needs_data
@pytest.mark.data
def test_every_corpus_category_is_mapped():
    import gzip
    import json

    from bantin.data.corpora import VNTC10_LABELS, corpus_path

    tax = load_taxonomy(TAXONOMY)
    with gzip.open(corpus_path("baomoi_topics_2018"), "rt", encoding="utf-8") as fh:
        cats = {json.loads(line)["label"] for line in fh}
    assert len(cats) == 25
    for c in cats:
        tax.map_label("baomoi_topics_2018", c)  # raises on an unmapped category
    for c in VNTC10_LABELS.values():
        assert tax.map_label("vntc10", c) in ISSUE_LABELS


def test_linear_sample_weight_decides_a_conflict_between_corpora():
    from bantin.topics.linear import LinearTopicModel

    # the same kind of story filed under different labels by two "corpora": the weights say which one wins
    school = ["trường học học sinh thi cử giáo viên", "học sinh giáo viên trường học kỳ thi"]
    other = ["bóng đá cầu thủ bàn thắng", "cầu thủ ghi bàn bóng đá trận đấu"]
    texts = school * 3 + school * 3 + other * 6
    labels = ["Giáo dục"] * 6 + ["Chính trị - Xã hội"] * 6 + ["Thể thao"] * 12
    kw = dict(min_df=1, max_features=0, calibration_fraction=0, n_features=2**16)
    for heavy, expected in ((0, "Giáo dục"), (1, "Chính trị - Xã hội")):
        w = np.ones(len(texts))
        w[6 * heavy : 6 * heavy + 6] = 5.0
        assert LinearTopicModel(**kw).fit(texts, labels, sample_weight=w).predict(["giáo viên trường học"]) == [expected]
    for bad in ([1.0] * 3, [-1.0] * len(texts), [float("nan")] * len(texts), [0.0] * len(texts)):
        with pytest.raises(BantinInputError, match="sample_weight"):
            LinearTopicModel(**kw).fit(texts, labels, sample_weight=bad)


def test_corpus_cache_writes_through_a_temporary_name_of_its_own(tmp_path, monkeypatch):
    """Two processes filling the topic corpus cache at once must not share one temporary file (one crashed)."""
    import bantin.data.corpora as corpora
    import bantin.topics.data as tdata

    src = tmp_path / "corpus.jsonl.gz"
    src.write_bytes(b"")
    monkeypatch.setattr(corpora, "corpus_path", lambda name, data_dir=None: src)
    monkeypatch.setattr(tdata, "cache_dir", lambda: tmp_path / "cache")
    rows = [{"id": "1", "label": "Thể thao", "split": "train", "text": "bóng đá"}]
    monkeypatch.setattr(tdata, "_corpus_docs_uncached", lambda name: rows)
    written = []
    real_write = tdata.write_jsonl
    monkeypatch.setattr(tdata, "write_jsonl", lambda path, data: (written.append(path), real_write(path, data))[1])
    assert tdata._cached_rows("toy") == rows
    # a second writer that finds no cache yet (the race) uses another temporary name, and both leave one cache file
    for f in (tmp_path / "cache").glob("*.jsonl.gz"):
        f.unlink()
    assert tdata._cached_rows("toy") == rows
    assert len(written) == 2 and written[0] != written[1]
    assert [p.name for p in (tmp_path / "cache").iterdir() if "tmp" in p.name] == []
    assert tdata._cached_rows("toy") == rows and len(written) == 2  # read back from the cache


def test_corpus_labels_are_what_each_corpus_map_can_produce():
    tax = load_taxonomy(TAXONOMY)
    vntc = tax.corpus_labels("vntc10")
    assert len(vntc) == 10 and "Giáo dục" not in vntc and "Công nghệ" in vntc and "Pháp luật" in vntc
    baomoi = tax.corpus_labels("baomoi_topics_2018")
    # the split category is dropped, so Pháp luật is not reachable; Thế giới and Văn hóa have no baomoi category
    assert "Giáo dục" in baomoi and "Pháp luật" not in baomoi and "Thế giới" not in baomoi and len(baomoi) == 10
    resolved = parse_taxonomy({"labels": ["A", "B", "C"], "maps": {"c": {"x": "A", "z": ["B", "C"]}}, "split_categories": "resolve"})
    assert resolved.corpus_labels("c") == ["A", "B", "C"]
    with pytest.raises(BantinInputError, match="no map for corpus"):
        tax.corpus_labels("other")


def _three_label_model():
    from bantin.topics.linear import LinearTopicModel

    train = ["bóng đá cầu thủ ghi bàn"] * 6 + ["trường học học sinh giáo viên"] * 6 + ["chứng khoán cổ phiếu lãi suất"] * 6
    labels = ["Thể thao"] * 6 + ["Giáo dục"] * 6 + ["Kinh doanh"] * 6
    return LinearTopicModel(min_df=1, max_features=0, calibration_fraction=0, n_features=2**16).fit(train, labels)


def test_answers_restricted_to_a_label_subset():
    model = _three_label_model()
    text = ["học sinh giáo viên trường học"]
    assert model.predict(text) == ["Giáo dục"]
    assert model.predict(text, labels=["Thể thao", "Kinh doanh"]) in (["Thể thao"], ["Kinh doanh"])
    top = model.top_k(text, k=3, labels=["Thể thao", "Kinh doanh"])[0]
    assert len(top) == 2 and {lab for lab, _ in top} == {"Thể thao", "Kinh doanh"}
    assert abs(sum(p for _, p in top) - 1.0) < 1e-6  # renormalized over the allowed labels
    # the restricted answer is the argmax of the model's scores over the subset
    s = model.decision_function(text)[0]
    best = max(["Thể thao", "Kinh doanh"], key=lambda lab: s[model.labels.index(lab)])
    assert top[0][0] == best
    assert model.top_k(text, k=3, labels=["Giáo dục", "Thể thao", "Kinh doanh"]) == model.top_k(text, k=3)
    with pytest.raises(BantinInputError, match="not labels of this topic model"):
        model.predict(text, labels=["Du lịch"])
    with pytest.raises(BantinInputError, match="not labels of this topic model"):
        model.top_k(text, labels=[])
    # several label sets from one pass: each the same as its own predict
    texts = text + ["bóng đá cầu thủ", "cổ phiếu lãi suất"]
    sets = [None, ["Thể thao", "Kinh doanh"], ["Kinh doanh"]]
    assert model.predict_within(texts, sets, batch_size=2) == [model.predict(texts, labels=s) for s in sets]


def test_evaluation_reports_restricted_scores_next_to_the_unrestricted_ones():
    from bantin.topics.evaluation import evaluate_model

    model = _three_label_model()
    docs = [TopicDoc("1", "học sinh giáo viên trường học", ["Kinh doanh"]), TopicDoc("2", "bóng đá ghi bàn", ["Thể thao"])]
    res = evaluate_model(model, docs, corpus_labels=["Thể thao", "Kinh doanh"])
    assert res.metrics["accuracy"] == 0.5  # the first doc is answered Giáo dục, a label this "corpus" never uses
    assert "accuracy_within_corpus_labels" in res.metrics and "macro_f1_within_corpus_labels" in res.metrics
    assert set(res.details["predictions_within_corpus_labels"]) <= {"Thể thao", "Kinh doanh"}
    plain = evaluate_model(model, docs, corpus_labels=model.labels)  # nothing to restrict: no extra figures
    assert "accuracy_within_corpus_labels" not in plain.metrics


def test_pipeline_and_cli_answer_within_given_topic_labels():
    from typer.testing import CliRunner

    from bantin.cli import app
    from bantin.pipeline import Pipeline

    page = REPO / "data" / "samples" / "laodongthudo.txt"
    nlp = Pipeline.load(stages=("boilerplate", "topics"), topic_labels=["Thể thao", "Kinh doanh"])
    assert {t.label for t in nlp(page).topics} <= {"Thể thao", "Kinh doanh"}
    import pickle

    assert pickle.loads(pickle.dumps(nlp)).topic_labels == ["Thể thao", "Kinh doanh"]  # workers keep the restriction
    with pytest.raises(BantinInputError, match="not labels"):
        Pipeline.load(stages=("boilerplate", "topics"), topic_labels=["Nope"])
    res = CliRunner().invoke(app, ["analyze", str(page), "--only", "topics", "--topic-labels", "Thể thao,Kinh doanh", "-f", "json"])
    assert res.exit_code == 0, res.stdout
    import json

    assert {t["label"] for t in json.loads(res.stdout)["topics"]} <= {"Thể thao", "Kinh doanh"}
    bad = CliRunner().invoke(app, ["analyze", str(page), "--only", "topics", "--topic-labels", "Nope"])
    assert bad.exit_code == 2


def test_calibrate_bias_fits_class_offsets_and_round_trips(tmp_path):
    from bantin.topics.base import fit_temperature_and_bias
    from bantin.topics.linear import LinearTopicModel

    # held-out scores that favour class 0 by a constant: the fitted offsets undo it
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 600)
    scores = np.eye(3)[y] * 2.0 + rng.normal(0, 0.5, (600, 3))
    scores[:, 0] += 1.5
    a, off = fit_temperature_and_bias(scores, y)
    assert a > 0 and off[0] < off[1] - 1.0 and off[0] < off[2] - 1.0
    assert np.mean((scores + off).argmax(1) == y) > np.mean(scores.argmax(1) == y)

    texts = ["bóng đá cầu thủ ghi bàn trận đấu", "trường học học sinh giáo viên thi", "chứng khoán cổ phiếu lãi suất ngân hàng"] * 20
    labels = ["Thể thao", "Giáo dục", "Kinh doanh"] * 20
    kw = dict(min_df=1, max_features=0, n_features=2**16, calibration_fraction=0.2)
    plain = LinearTopicModel(**kw).fit(texts, labels)
    biased = LinearTopicModel(**kw, calibrate_bias=True).fit(texts, labels)
    assert not np.allclose(plain.intercept, biased.intercept)
    assert biased.predict(["cầu thủ ghi bàn", "cổ phiếu ngân hàng"]) == ["Thể thao", "Kinh doanh"]
    biased.save(tmp_path / "m")
    back = load_model(tmp_path / "m", task="topics")
    assert back.calibrate_bias and np.allclose(back.predict_proba(texts[:3]), biased.predict_proba(texts[:3]), atol=1e-3)
    with pytest.raises(BantinInputError, match="calibrate_bias"):
        LinearTopicModel(calibrate_bias=True, multi_label=True)


def test_corpus_weights_are_checked():
    from bantin.topics.config import DataConfig

    DataConfig(corpus="vntc10+baomoi_topics_2018", corpus_weights={"vntc10": 1.5}).check()
    for bad, match in (({"vnexpress": 2.0}, "not one of"), ({"vntc10": 0}, "positive"), ({"vntc10": "x"}, "positive")):
        with pytest.raises(BantinInputError, match=match):
            DataConfig(corpus="vntc10+baomoi_topics_2018", corpus_weights=bad).check()
    with pytest.raises(BantinInputError, match="joined corpora"):
        DataConfig(corpus="vntc10", corpus_weights={"vntc10": 2.0}).check()
