import pytest

from bantin.labels import BOILERPLATE_LABELS, CONTENT_LABELS, LABELS, to_binary
from bantin.text import normalize_text, sentences, syllables, words


def test_label_schema_and_binary_projection():
    assert set(CONTENT_LABELS) == {"title", "lead", "body", "caption", "byline"}
    assert set(BOILERPLATE_LABELS) == {"related", "section_heading", "nav", "noise"}
    assert all(to_binary(lab) == "content" for lab in CONTENT_LABELS)
    assert all(to_binary(lab) == "boilerplate" for lab in BOILERPLATE_LABELS)
    assert len(set(LABELS)) == 9
    with pytest.raises(ValueError):
        to_binary("footer")


def test_syllables_keep_vietnamese_letters():
    assert syllables("Thủ tướng Phạm Minh Chính, 2024!") == ["thủ", "tướng", "phạm", "minh", "chính", "2024"]
    assert syllables("Thủ tướng", lower=False) == ["Thủ", "tướng"]


def test_normalize_text_nfc_spaces_and_zero_width():
    import unicodedata

    raw = unicodedata.normalize("NFD", "Hà\u00a0 Nội\u200b\r\nline 2  ")
    assert normalize_text(raw) == "Hà Nội\nline 2"


def test_word_segmentation_backends():
    text = "Công đoàn ngành giáo dục Hà Nội"
    seg = words(text, backend="pyvi")
    assert "Công_đoàn" in seg or "công_đoàn" in [w.lower() for w in seg]
    seg2 = words(text, backend="underthesea")
    assert any("_" in w for w in seg2)
    assert words(text, backend="syllable") == syllables(text, lower=False)
    assert words("   ") == []
    with pytest.raises(ValueError):
        words(text, backend="nope")


def test_lexicon_segmentation_longest_match_within_punctuation():
    from bantin.text.tokenize import segment_syllables

    assert segment_syllables(["bóng", "đá", "là", "môn", "thể", "thao"]) == ["bóng_đá", "là", "môn", "thể_thao"]
    assert segment_syllables([]) == []
    # "nội công" is a word of the list, but a comma sits between the two syllables here
    assert words("Tại Hà Nội, công đoàn cơ sở", backend="lexicon") == ["tại", "hà", "nội", "công_đoàn", "cơ_sở"]
    # already-segmented input ("_") is matched again, not kept as one token
    assert words("Công_đoàn ngành", backend="lexicon") == ["công_đoàn", "ngành"]


def test_sentences_split_on_punctuation_and_lines():
    text = "Câu thứ nhất. Câu thứ hai!\nDòng mới"
    assert sentences(text) == ["Câu thứ nhất.", "Câu thứ hai!", "Dòng mới"]
    assert sentences(text, backend="regex") == ["Câu thứ nhất.", "Câu thứ hai!", "Dòng mới"]


def test_count_syllables_is_the_length_of_syllables():
    import unicodedata

    from bantin.text.tokenize import count_syllables, syllables

    for text in ["", "Công đoàn _ cơ sở", "a_b _ _c __", unicodedata.normalize("NFD", "Hà Nội, 20/07/2019!"), "  …  "]:
        assert count_syllables(text) == len(syllables(text))
