"""ROUGE with the Unicode syllable tokenizer, checked against hand-computed values, and the ASCII
tokenizer's error on Vietnamese shown explicitly."""

import unicodedata

import pytest

from bantin.metrics.rouge import SyllableTokenizer, as_lsum_text, rouge_report, rouge_scores

REF = "Thủ tướng Phạm Minh Chính"
PRED = "Thủ tướng Chính phủ"


def f1(p, r):
    return 2 * p * r / (p + r) if p + r else 0.0


def test_syllable_tokenizer_keeps_vietnamese_letters():
    tok = SyllableTokenizer()
    assert tok.tokenize("Thủ tướng Phạm Minh Chính, (TTXVN).") == ["thủ", "tướng", "phạm", "minh", "chính", "ttxvn"]
    # NFD input gives the same tokens as NFC
    assert tok.tokenize(unicodedata.normalize("NFD", REF)) == tok.tokenize(REF)


def test_ascii_tokenizer_mangles_vietnamese():
    from rouge_score import tokenize

    # rouge-score's default tokenizer drops every non-ASCII letter
    assert tokenize.tokenize(REF, None) == ["th", "t", "ng", "ph", "m", "minh", "ch", "nh"]


def test_hand_computed_syllable_scores():
    # ref syllables: thủ tướng phạm minh chính (5); pred: thủ tướng chính phủ (4)
    # unigram overlap 3 -> P 3/4, R 3/5; bigram overlap 1 ("thủ tướng") -> P 1/3, R 1/4;
    # LCS "thủ tướng chính" = 3 -> same as ROUGE-1
    s = rouge_scores([PRED], [REF], "syllable")
    assert s["rouge1_p"] == pytest.approx(3 / 4)
    assert s["rouge1_r"] == pytest.approx(3 / 5)
    assert s["rouge1_f"] == pytest.approx(f1(3 / 4, 3 / 5))  # 0.6667
    assert s["rouge2_f"] == pytest.approx(f1(1 / 3, 1 / 4))  # 0.2857
    assert s["rougeL_f"] == pytest.approx(f1(3 / 4, 3 / 5))


def test_ascii_variant_inflates_the_same_pair():
    # ASCII tokens: ref th t ng ph m minh ch nh (8); pred th t ng ch nh ph (6): all 6 pred tokens "match"
    s = rouge_scores([PRED], [REF], "ascii")
    assert s["rouge1_p"] == pytest.approx(1.0)
    assert s["rouge1_r"] == pytest.approx(6 / 8)
    assert s["rouge1_f"] == pytest.approx(f1(1.0, 6 / 8))  # 0.857 instead of 0.667
    # bigrams: ref (th t)(t ng)(ng ph)(ph m)(m minh)(minh ch)(ch nh) = 7; pred (th t)(t ng)(ng ch)(ch nh)(nh ph) = 5;
    # shared (th t)(t ng)(ch nh) = 3 -> P 3/5, R 3/7, F 0.5 (syllables: 0.2857)
    assert s["rouge2_p"] == pytest.approx(3 / 5)
    assert s["rouge2_r"] == pytest.approx(3 / 7)
    assert s["rouge2_f"] == pytest.approx(0.5)
    # LCS "th t ng ch nh" = 5 -> P 5/6, R 5/8 (syllables: 3/4, 3/5)
    assert s["rougeL_p"] == pytest.approx(5 / 6)
    assert s["rougeL_r"] == pytest.approx(5 / 8)
    assert s["rouge1_f"] > rouge_scores([PRED], [REF], "syllable")["rouge1_f"] + 0.15


def test_ascii_tokenizer_matches_different_words():
    # "người" and "ngày" share nothing, but ASCII keeps "ng" from both (and "y" from ngày): a false match.
    syl = rouge_scores(["người"], ["ngày"], "syllable")
    asc = rouge_scores(["người"], ["ngày"], "ascii")
    assert syl["rouge1_f"] == 0.0
    # ASCII tokens: pred "ng i", ref "ng y": one shared of two each -> P = R = F = 1/2
    assert asc["rouge1_f"] == pytest.approx(0.5)


def test_rouge_lsum_over_sentences():
    # Two reference sentences, one line each; prediction "a b" + "c d" style with Vietnamese syllables.
    ref = "Hà Nội mưa lớn.\nĐường phố ngập sâu."
    pred = "Đường phố ngập sâu.\nHà Nội mưa lớn."
    s = rouge_scores([pred], [ref], "syllable")
    # summary-level LCS: each reference sentence is fully covered by one prediction sentence -> 8/8
    assert s["rougeL_f"] == pytest.approx(1.0)
    # whereas ROUGE-2 misses only the bigram across the sentence boundary: ref "lớn đường" vs pred "sâu hà"
    assert s["rouge2_f"] == pytest.approx(6 / 7)


def test_as_lsum_text_and_report_keys():
    assert as_lsum_text(["Câu một.", " Câu hai. "]) == "Câu một.\nCâu hai."
    assert as_lsum_text("Câu một. Câu hai.").split("\n") == ["Câu một.", "Câu hai."]
    r = rouge_report([PRED], [REF])
    for key in ("rouge1_f", "rouge2_f", "rougeL_f", "rouge1_f_ascii", "rouge2_f_ascii", "rougeL_f_ascii"):
        assert 0.0 <= r[key] <= 1.0
    assert r["rouge1_f"] < r["rouge1_f_ascii"]


def test_word_segmented_rouge():
    tok = SyllableTokenizer("underthesea")
    toks = tok.tokenize("Thủ tướng Phạm Minh Chính phát biểu.")
    assert "thủ_tướng" in toks and "." not in toks
    s = rouge_scores(["Thủ tướng phát biểu."], ["Thủ tướng Phạm Minh Chính phát biểu."], "word")
    assert 0.0 < s["rouge1_f"] < 1.0


def test_length_mismatch_raises():
    with pytest.raises(ValueError):
        rouge_scores(["a"], [], "syllable")
    with pytest.raises(ValueError):
        rouge_scores(["a"], ["b"], "nonsense")
