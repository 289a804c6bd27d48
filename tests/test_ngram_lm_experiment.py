"""The n-gram language-model classifier of experiments/vntc_ngram_lm.py (reproduction of Vu et al. 2007)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

SCRIPT = Path(__file__).resolve().parent.parent / "experiments" / "vntc_ngram_lm.py"


def _module():
    spec = importlib.util.spec_from_file_location("vntc_ngram_lm", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_bigram_lm_classifier_prefers_the_topic_whose_bigrams_it_saw():
    lm = _module().BigramLMClassifier()
    train = ["đội tuyển bóng đá thắng trận", "tiền đạo ghi bàn trong trận bóng đá", "cầu thủ bóng đá tập luyện",
             "ngân hàng tăng lãi suất cho vay", "giá cổ phiếu ngân hàng tăng", "lãi suất tiết kiệm ngân hàng giảm"]
    y = ["thể thao"] * 3 + ["kinh doanh"] * 3
    lm.fit(train, y)
    # unseen words (OOV), an empty text and a one-syllable text are scored too
    texts = ["trận bóng đá tối qua có ba bàn thắng", "lãi suất ngân hàng hôm nay", "", "bóng"]
    scores = lm.log_likelihood(texts)
    assert scores.shape == (4, 2) and np.isfinite(scores).all()
    assert lm.predict(texts[:2]) == ["thể thao", "kinh doanh"]
    assert (scores[2] == 0).all()  # nothing to score in an empty text
    # scored by the same evaluation as the topic models (the first test text duplicates no training text)
    from bantin.topics.data import TopicDoc
    from bantin.topics.evaluation import evaluate_model

    docs = [TopicDoc("a", texts[0], ["thể thao"]), TopicDoc("b", train[3], ["kinh doanh"])]
    result = evaluate_model(lm, docs, [TopicDoc(str(i), t, [lab]) for i, (t, lab) in enumerate(zip(train, y))])
    assert result.metrics["accuracy"] == 1.0 and result.metrics["n_duplicates"] == 1.0
    # each class LM is a proper distribution over the next syllable given a seen history
    ctx = lm.vocab["ngân"]
    for c in range(2):
        seen = lm.types // lm.V == ctx
        p_seen = np.exp(lm.log_bi[seen, c]).sum()
        unseen_b = np.setdiff1d(np.arange(lm.V), lm.types[seen] % lm.V)
        p_unseen = np.exp(lm.log_gamma[c, ctx] + lm.log_uni[c, unseen_b]).sum()
        assert abs(p_seen + p_unseen - 1) < 1e-4
