"""Page -> blocks: flattened text and HTML, Unicode normalization, encodings, bad input."""

import unicodedata

import pytest

from bantin import BantinInputError, load_page, parse_page
from bantin.blocks import parse_html, parse_text
from bantin.io import decode_bytes, looks_like_html

FLAT = """Đổi mới hoạt động Công đoàn từ cơ sở
Ấm lòng hậu phương người lính đảo Tiếp tục đổi mới công tác nữ công |
(LĐTĐ) Công đoàn ngành Giáo dục Hà Nội đã triển khai kế hoạch đổi mới công tác bồi dưỡng.
![]() |
Cán bộ Công đoàn tham gia tập huấn. (Ảnh minh họa) |

Tin khác

Bàn giao 85 Công đoàn cơ sở về Công đoàn UBND tỉnh Nghệ An
Hoạt động 14/03/2025 23:06
"""

HTML = """<!DOCTYPE html><html><head><title>Tin tức</title><meta property="og:title" content="Đổi mới Công đoàn">
<script>var x = "không phải nội dung";</script><style>p{color:red}</style></head>
<body><nav class="main-menu"><ul><li><a href="/">Trang chủ</a></li><li><a href="/xh">Xã hội</a></li></ul></nav>
<article><h1>Đổi mới hoạt động Công đoàn</h1><p class="sapo">Công đoàn ngành Giáo dục <b>Hà Nội</b> triển khai kế hoạch.</p>
<p>Đoạn thân bài thứ nhất.<br>Dòng sau thẻ br.</p>
<figure><img src="a.jpg" alt="anh"><figcaption>Cán bộ Công đoàn tập huấn.</figcaption></figure></article>
<aside class="related-news"><h3>Tin liên quan</h3><ul><li><a href="/1">Bài khác số một</a></li></ul></aside>
<footer>Phiên bản di động</footer></body></html>"""


def test_text_one_block_per_nonempty_line_with_hints():
    page = parse_text(FLAT)
    assert page.source_kind == "text"
    assert [b.index for b in page.blocks] == list(range(len(page.blocks)))
    assert len(page.blocks) == 8
    related = page.blocks[1]
    assert related.hints["trailing_pipe"] and not related.text.endswith("|")
    image = page.blocks[3]
    assert image.hints["image_marker"] and image.text == "" and image.raw == "![]() |"
    heading = page.blocks[5]
    assert heading.text == "Tin khác" and heading.hints["blank_before"] and heading.hints["blank_after"]
    stamp = page.blocks[7]
    assert stamp.hints["has_date"] and stamp.hints["has_time"] and stamp.hints["starts_with_category_date"]
    assert page.blocks[0].hints["rel_pos"] == 0.0 and page.blocks[-1].hints["rel_pos"] == 1.0


def test_nfd_and_nfc_inputs_give_identical_blocks():
    nfd = unicodedata.normalize("NFD", FLAT)
    assert nfd != FLAT
    assert parse_page(nfd).texts == parse_page(FLAT).texts
    assert all(unicodedata.is_normalized("NFC", t) for t in parse_page(nfd).texts)


def test_html_blocks_keep_structure_and_drop_scripts():
    page = parse_html(HTML)
    texts = page.texts
    assert page.source_kind == "html"
    assert not any("không phải nội dung" in t or "color" in t for t in texts)
    assert "Đổi mới hoạt động Công đoàn" in texts
    title = page.blocks[texts.index("Đổi mới hoạt động Công đoàn")]
    assert title.hints["heading"] == 1 and title.hints["tag"] == "h1" and "article" in title.hints["landmarks"]
    assert "Công đoàn ngành Giáo dục Hà Nội triển khai kế hoạch." in texts  # inline <b> stays in its paragraph
    assert "Đoạn thân bài thứ nhất." in texts and "Dòng sau thẻ br." in texts  # <br> splits
    caption = page.blocks[texts.index("Cán bộ Công đoàn tập huấn.")]
    assert caption.hints["is_caption"] and caption.hints["tag"] == "figcaption"
    menu = page.blocks[texts.index("Trang chủ")]
    assert menu.hints["in_list"] and menu.hints["link_density"] == 1.0 and "nav" in menu.hints["landmarks"]
    related = page.blocks[texts.index("Bài khác số một")]
    assert "related" in related.hints["class_tokens"] and "aside" in related.hints["landmarks"]
    assert page.blocks[-1].text == "Phiên bản di động" and "footer" in page.blocks[-1].hints["landmarks"]
    assert page.meta["og:title"] == "Đổi mới Công đoàn"


def test_auto_detects_html_and_text():
    assert looks_like_html(HTML) and not looks_like_html(FLAT)
    assert parse_page(HTML).source_kind == "html"
    assert parse_page(FLAT).source_kind == "text"
    assert parse_page(HTML, kind="text").source_kind == "text"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 stores vowels with circumflex/breve/horn precomposed and tone marks as combining bytes."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            tone = [m for m in marks if m in "\u0300\u0301\u0303\u0309\u0323"]
            rest = "".join(m for m in marks if m not in tone)
            out += unicodedata.normalize("NFC", base + rest).encode("cp1258") + "".join(tone).encode("cp1258")
    return bytes(out)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
def test_encodings_are_detected(encoding):
    text = "Thủ tướng Phạm Minh Chính phát biểu tại hội nghị về kinh tế số.\nĐoạn thứ hai của bài viết."
    data = to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    decoded, used = decode_bytes(data)
    assert decoded == unicodedata.normalize("NFC", text)
    if encoding == "cp1258":
        assert used == "cp1258"


def test_html_meta_charset_is_honoured():
    html = '<html><head><meta charset="windows-1258"></head><body><p>Tiếng Việt có dấu.</p><p>a</p><p>b</p></body></html>'
    data = to_cp1258(html)
    page = parse_page(data)
    assert page.source_kind == "html" and page.texts[0] == "Tiếng Việt có dấu."


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"   \n\n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (bytes(range(256)) * 4, "binary"),
        ("<html><body><script>x=1</script></body></html>".encode(), "no visible text"),
    ],
)
def test_bad_inputs_raise_clear_errors(data, message):
    with pytest.raises(BantinInputError, match=message):
        parse_page(data)


def test_wrong_types_and_kinds():
    with pytest.raises(BantinInputError):
        parse_page(123)  # type: ignore[arg-type]
    with pytest.raises(BantinInputError, match="unknown page kind"):
        parse_page("abc", kind="pdf")
    with pytest.raises(BantinInputError, match="NUL"):
        parse_page("abc\x00def")


def test_load_page_files(tmp_path):
    good = tmp_path / "page.txt"
    good.write_bytes(FLAT.encode("utf-16"))
    assert load_page(good).texts == parse_text(FLAT).texts
    with pytest.raises(BantinInputError, match="no such file"):
        load_page(tmp_path / "missing.txt")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(BantinInputError, match="empty.txt: input is empty"):
        load_page(empty)
    with pytest.raises(BantinInputError, match="directory"):
        load_page(tmp_path)


def test_huge_page_is_refused(monkeypatch):
    import bantin.io.decode as dec

    monkeypatch.setattr(dec, "MAX_PAGE_BYTES", 1000)
    with pytest.raises(BantinInputError, match="page limit"):
        decode_bytes(b"a" * 2000)


def test_page_round_trips_through_json():
    from bantin import Page

    page = parse_page(FLAT)
    page.blocks[0].label = "title"
    again = Page.from_dict(__import__("json").loads(page.to_json()))
    assert again.texts == page.texts and again.blocks[0].label == "title" and again.blocks[0].hints == page.blocks[0].hints
