"""Era adaptation of the linear topic model (``era_adaptation: augment``): shared + per-era weights mixed by an era gate.

Tiny offline fixture: the topic fixture split into two "eras" ("old", "new"); the old era never uses cong_nghe, and
each era's texts carry a marker word of their own, so the gate has something to learn.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bantin.errors import BantinInputError, BantinModelError
from bantin.models import load_model
from bantin.topics.data import load_user_file
from bantin.topics.linear import ERAS_FILE, LinearTopicModel

FIX = Path(__file__).parent / "fixtures" / "topics"
SMALL = dict(n_features=2**16, max_features=2000, min_df=1, calibration_fraction=0.25)
HELD_OUT = ["Tiền đạo ghi hai bàn thắng trong trận bóng đá tối qua", "Ngân hàng tăng lãi suất cho vay doanh nghiệp",
            "Bác sĩ bệnh viện điều trị cho bệnh nhân sốt", "Phần mềm mới trên điện thoại bị tin tặc tấn công"]


@pytest.fixture(scope="module")
def era_data():
    docs = load_user_file(FIX / "news.jsonl")
    texts, labels, domains = [], [], []
    for i, d in enumerate(docs):
        era = "new" if d.label == "cong_nghe" or i % 2 else "old"
        texts.append(d.text + (" thưa quý vị" if era == "old" else " các bạn nhé"))
        labels.append(d.label)
        domains.append(era)
    return texts, labels, domains


@pytest.fixture(scope="module")
def adapted(era_data):
    texts, labels, domains = era_data
    return LinearTopicModel(era_adaptation="augment", **SMALL).fit(texts, labels, domains=domains)


def test_gate_probabilities_sum_to_one_over_the_eras(adapted, era_data):
    texts, _, domains = era_data
    assert adapted.eras == ["new", "old"]
    p = adapted.era_proba(texts)
    assert p.shape == (len(texts), 2) and np.allclose(p.sum(axis=1), 1, atol=1e-5) and (p >= 0).all()
    # the gate learned the eras' marker words: most training texts go to their own era
    assert np.mean(p.argmax(axis=1) == np.array([adapted.eras.index(d) for d in domains])) > 0.9
    assert adapted.training_info["eras"] == {"new": domains.count("new"), "old": domains.count("old")}


def test_adapted_model_predicts_and_keeps_labels_an_era_never_uses(adapted):
    assert adapted.predict(HELD_OUT) == ["the_thao", "kinh_te", "suc_khoe", "cong_nghe"]
    proba = adapted.predict_proba(HELD_OUT)
    assert proba.shape == (4, 4) and np.allclose(proba.sum(axis=1), 1, atol=1e-5)
    # "old" never uses cong_nghe: by default (era_part_labels "shared") no era part scores it, only the shared weights
    old, new, k = adapted.eras.index("old"), adapted.eras.index("new"), adapted.labels.index("cong_nghe")
    assert not adapted.era_coef[:, k].any() and not adapted.era_bias[:, k].any()
    assert adapted.era_coef[old, adapted.labels.index("the_thao")].any() and adapted.era_coef[new, adapted.labels.index("the_thao")].any()
    # an old-era tech text still gets cong_nghe
    assert adapted.predict(["Phần mềm mới trên điện thoại bị tin tặc tấn công thưa quý vị"]) == ["cong_nghe"]


def test_era_parts_for_the_labels_each_era_uses(era_data):
    texts, labels, domains = era_data
    used = LinearTopicModel(era_adaptation="augment", era_part_labels="used", **SMALL).fit(texts, labels, domains=domains)
    old, new, k = used.eras.index("old"), used.eras.index("new"), used.labels.index("cong_nghe")
    assert not used.era_coef[old, k].any() and used.era_bias[old, k] == 0
    assert used.era_coef[new, k].any()
    with pytest.raises(BantinInputError, match="era_part_labels"):
        LinearTopicModel(era_adaptation="augment", era_part_labels="all")


def test_scores_are_shared_plus_gated_era_parts(adapted):
    X = adapted.features(HELD_OUT)
    g = adapted.era_proba(HELD_OUT)
    expected = np.asarray(X @ adapted.coef.T) + adapted.intercept
    for e in range(len(adapted.eras)):
        expected += g[:, e : e + 1] * (np.asarray(X @ adapted.era_coef[e].T) + adapted.era_bias[e])
    assert np.allclose(adapted.decision_function(HELD_OUT), expected, atol=1e-5)
    hard = LinearTopicModel(era_adaptation="augment", era_routing="hard", **SMALL)
    for name in ("labels", "feature_index", "idf", "coef", "intercept", "calib_a", "calib_b", "eras", "era_coef", "era_bias", "gate_coef", "gate_intercept"):
        setattr(hard, name, getattr(adapted, name))
    one = g.argmax(axis=1)
    routed = np.asarray(X @ adapted.coef.T) + adapted.intercept
    routed += np.stack([np.asarray(X[i] @ adapted.era_coef[e].T).ravel() + adapted.era_bias[e] for i, e in enumerate(one)])
    assert np.allclose(hard.decision_function(HELD_OUT), routed, atol=1e-5)


def test_save_load_round_trip(adapted, era_data, tmp_path):
    texts = era_data[0] + HELD_OUT
    adapted.save(tmp_path / "m")
    assert json.loads((tmp_path / "m" / ERAS_FILE).read_text())["eras"] == ["new", "old"]
    from safetensors.numpy import load_file

    stored = load_file(str(tmp_path / "m" / "linear.safetensors"))  # era parts stored for the labels that have them only
    assert stored["era_labels"].tolist() == [k for k in range(len(adapted.labels)) if adapted.era_coef[:, k].any()]
    assert stored["era_coef"].shape == (2, len(stored["era_labels"]), len(adapted.feature_index))
    loaded = load_model(tmp_path / "m")
    assert isinstance(loaded, LinearTopicModel) and loaded.get_config() == adapted.get_config()
    assert loaded.get_config()["era_adaptation"] == "augment" and loaded.eras == adapted.eras
    assert loaded.predict(texts) == adapted.predict(texts)
    assert np.allclose(loaded.predict_proba(texts), adapted.predict_proba(texts), atol=1e-3)  # float16 weights
    assert np.allclose(loaded.era_proba(texts), adapted.era_proba(texts), atol=1e-3)  # float16 idf
    # answers within given labels still work: only those labels, renormalized
    top = loaded.top_k(HELD_OUT, k=3, labels=["kinh_te", "suc_khoe"])
    assert all(len(row) == 2 and {lab for lab, _ in row} == {"kinh_te", "suc_khoe"} for row in top)
    assert all(abs(sum(p for _, p in row) - 1) < 1e-5 for row in top)
    assert loaded.predict(HELD_OUT[2:3], labels=["kinh_te", "suc_khoe"]) == ["suc_khoe"]
    with pytest.raises(BantinInputError):
        loaded.predict(HELD_OUT, labels=["not a label"])


def test_corrupt_era_parts_are_refused(adapted, tmp_path):
    adapted.save(tmp_path / "m")
    (tmp_path / "m" / ERAS_FILE).unlink()
    with pytest.raises(BantinModelError, match=ERAS_FILE):
        load_model(tmp_path / "m")
    adapted.save(tmp_path / "m2")
    (tmp_path / "m2" / ERAS_FILE).write_text(json.dumps({"eras": ["new", "old", "third"]}))
    with pytest.raises(BantinModelError, match="era_coef"):
        load_model(tmp_path / "m2")
    # huge but finite weights pass the load checks, then overflow: an error, not a NaN answer
    from safetensors.numpy import load_file, save_file

    adapted.save(tmp_path / "m3")
    tensors = load_file(str(tmp_path / "m3" / "linear.safetensors"))
    tensors["gate_coef"] = np.full_like(tensors["gate_coef"], 3e38)
    save_file(tensors, str(tmp_path / "m3" / "linear.safetensors"))
    with pytest.raises(BantinModelError, match="non-finite"):
        load_model(tmp_path / "m3").predict_proba(HELD_OUT)
    # a JSON file nested too deeply is a corrupt file, not a RecursionError
    adapted.save(tmp_path / "m4")
    (tmp_path / "m4" / ERAS_FILE).write_text("[" * 100000 + "]" * 100000)
    with pytest.raises(BantinModelError, match="nested"):
        load_model(tmp_path / "m4")


def test_era_adaptation_input_errors(era_data):
    texts, labels, domains = era_data
    with pytest.raises(BantinInputError, match="domains"):
        LinearTopicModel(era_adaptation="augment", **SMALL).fit(texts, labels)
    with pytest.raises(BantinInputError, match="at least two"):
        LinearTopicModel(era_adaptation="augment", **SMALL).fit(texts, labels, domains=["one"] * len(texts))
    with pytest.raises(BantinInputError, match="era_adaptation"):
        LinearTopicModel(era_adaptation="mix")
    with pytest.raises(BantinInputError, match="era_routing"):
        LinearTopicModel(era_adaptation="augment", era_routing="maybe")
    with pytest.raises(BantinInputError, match="single-label"):
        LinearTopicModel(era_adaptation="augment", multi_label=True)
    plain = LinearTopicModel(**SMALL).fit(texts, labels, domains=domains)  # domains are ignored without adaptation
    assert plain.eras == [] and plain.era_coef is None
    with pytest.raises(BantinModelError, match="era gate"):
        plain.era_proba(texts[:1])


def test_training_config_needs_joined_corpora(tmp_path):
    from bantin.topics.training import train_from_config

    with pytest.raises(BantinInputError, match="joined corpora"):
        train_from_config(None, [f"out_dir={tmp_path / 'm'}", "data.corpus=file", f"data.train_file={FIX / 'news.jsonl'}",
                                 "linear.era_adaptation=augment", "linear.min_df=1", "linear.n_features=65536", "linear.max_features=2000"])


def test_gate_texts_teach_only_the_gate(era_data):
    texts, labels, domains = era_data
    # unlabeled "new"-era texts written in the old era's style: the gate learns that style is not the era
    extra = [t.replace(" các bạn nhé", " thưa quý vị") for t, d in zip(texts, domains) if d == "new"]
    base = LinearTopicModel(era_adaptation="augment", **SMALL).fit(texts, labels, domains=domains)
    taught = LinearTopicModel(era_adaptation="augment", **SMALL).fit(texts, labels, domains=domains, gate_texts=extra,
                                                                     gate_domains=["new"] * len(extra))
    assert taught.training_info["era_gate_extra_texts"] == {"new": len(extra)}
    new = taught.eras.index("new")
    assert taught.era_proba(extra)[:, new].mean() > base.era_proba(extra)[:, new].mean()
    assert np.array_equal(taught.feature_index, base.feature_index)  # features and idf come from the labeled texts only
    with pytest.raises(BantinInputError, match="gate_domains"):
        LinearTopicModel(era_adaptation="augment", **SMALL).fit(texts, labels, domains=domains, gate_texts=extra)
    with pytest.raises(BantinInputError, match="not eras"):
        LinearTopicModel(era_adaptation="augment", **SMALL).fit(texts, labels, domains=domains, gate_texts=extra[:1], gate_domains=["other"])
    with pytest.raises(BantinInputError, match="augment"):
        LinearTopicModel(**SMALL).fit(texts, labels, gate_texts=extra[:1], gate_domains=["new"])


def test_era_gate_corpora_config_errors(tmp_path):
    from bantin.topics.training import train_from_config

    base = [f"out_dir={tmp_path / 'm'}", "linear.min_df=1", "linear.n_features=65536", "linear.max_features=2000"]
    with pytest.raises(BantinInputError, match="joined corpora"):  # one corpus: nothing to tell apart
        train_from_config(None, base + ["data.corpus=file", f"data.train_file={FIX / 'news.jsonl'}",
                                        "data.era_gate_corpora={vntc10: baomoi_articles_2017}"])
    with pytest.raises(BantinInputError, match="key must be one of"):
        train_from_config(None, base + ["data.corpus=vntc10+baomoi_topics_2018", "data.era_gate_corpora={vietnews: baomoi_articles_2017}"])
