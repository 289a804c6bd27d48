"""Property tests (hypothesis) of the parsers, the decoder and the batch reader: whatever the input, the result
is a page/record or a BantinError, never another exception, and small inputs finish fast (the deadline)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bantin.blocks import Page, parse_page
from bantin.errors import BantinError
from bantin.io.decode import decode_page
from bantin.text.normalize import normalize_text

FUZZ = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow], derandomize=True)

# Text that looks like pages: Vietnamese letters, markup characters, invisible and bidi marks, surrogates, controls.
_ALPHABET = st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèéẹềếệìíịòóọồốộờớợùúụừứựỳýỵ ÀÁĐƠƯ.,:;!?\"'()[]|-–/\\<>=&#%0123456789\n\n\t\r")
                            + ["\u200b", "\u200e", "\u200f", "\u202e", "\u2066", "\ufeff", "\u00a0", "\x00", "\x07", "\ud800", "\u0301", "\u2028", "![](x)", "<p>", "</p>", "<div class='related'>", "</div>", "<br>", "<a href=x>", "</a>", "<h1>", "<!--", "-->", "<script>", "</script>"])
page_text = st.lists(_ALPHABET, max_size=400).map("".join)

_TAGS = ["div", "p", "span", "a", "h1", "h2", "li", "ul", "table", "td", "tr", "figure", "figcaption", "article", "nav", "footer", "script", "br", "b", "i", "section", "main", "aside"]


@st.composite
def tag_soup(draw) -> str:
    """Unbalanced, deeply nested, attribute-heavy HTML."""
    parts = []
    for _ in range(draw(st.integers(0, 60))):
        kind = draw(st.integers(0, 4))
        tag = draw(st.sampled_from(_TAGS))
        if kind == 0:
            attrs = draw(st.lists(st.sampled_from(["class='a b related'", "id='x'", "class=\"" + "t " * 50 + "\"", "class", "=", "'", "style='x'"]), max_size=3))
            parts.append(f"<{tag} {' '.join(attrs)}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        elif kind == 2:
            parts.append("<div>" * draw(st.integers(0, 300)))
        else:
            parts.append(draw(page_text))
    return "<html><body>" * draw(st.booleans()) + "".join(parts)


def _check_page(source, kind="auto"):
    try:
        page = parse_page(source, kind=kind)
    except BantinError:
        return None
    assert isinstance(page, Page) and page.blocks
    for b in page.blocks:
        assert isinstance(b.text, str)
        b.text.encode("utf-8")  # no lone surrogates left
    json.dumps(page.to_dict(), ensure_ascii=False).encode("utf-8")
    return page


@FUZZ
@given(page_text, st.sampled_from(["auto", "text", "html"]))
def test_parse_page_text_never_crashes(text, kind):
    _check_page(text, kind)


@FUZZ
@given(tag_soup())
def test_parse_html_tag_soup_never_crashes(html):
    _check_page(html, "html")


@FUZZ
@given(st.binary(max_size=2000))
def test_bytes_never_crash(data):
    _check_page(data)
    try:
        decode_page(data)
    except BantinError:
        pass


@FUZZ
@given(st.lists(st.sampled_from(["Tiếng Việt có dấu ".encode(), b"\xff", b"\xe1\xbb", b"\xc3", b"ascii ", b"\n", "đ".encode()]), max_size=200).map(b"".join))
def test_mostly_utf8_bytes_keep_their_valid_text(data):
    try:
        d = decode_page(data)
    except BantinError:
        return
    d.text.encode("utf-8")


@FUZZ
@given(st.lists(st.sampled_from(["à".encode(), "\ufffd".encode(), b"\xff", b"\xe1\xbb", b"\xed\xa0\x80", b"\xf0\x9f", b"a"]), max_size=30).map(b"".join))
def test_invalid_utf8_bytes_are_counted_exactly(data):
    from bantin.io.decode import decode_utf8_counting

    bad, pos, parts = 0, 0, []
    while True:  # reference: decode piece by piece
        try:
            parts.append(data[pos:].decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            parts += [data[pos:pos + exc.start].decode("utf-8"), "\ufffd"]
            bad += exc.end - exc.start
            pos += exc.end
    assert decode_utf8_counting(data) == ("".join(parts), bad)


@FUZZ
@given(page_text)
@example("e\u200b\u0301 a\x07\u0301")  # a mark cut from its letter by an invisible character
def test_normalize_text_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@FUZZ
@given(page_text.map(lambda t: t + "".join(["\x85", " \u1680 ", "\t\n \n"][len(t) % 3])))
def test_normalize_text_strips_every_line_like_str_strip(text):
    import re
    import unicodedata

    ref = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    ref = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]", "", ref)
    ref = unicodedata.normalize("NFC", re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", ref))
    ref = "\n".join(re.sub(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+", " ", line).strip() for line in ref.split("\n"))
    assert normalize_text(text) == ref


_JSONL_LINE = st.one_of(
    st.builds(lambda d: json.dumps(d, ensure_ascii=False).encode("utf-8", "surrogatepass"),
              st.dictionaries(st.sampled_from(["id", "text", "html", "content", "body", "title", "x"]),
                              st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), page_text,
                                        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), st.lists(st.integers(), max_size=2)),
                              max_size=5)),
    st.binary(max_size=80),
    st.just(b""),
    st.just(b"[1, 2]"),
    st.just(b'{"id": "x", "text": "unterminated'),
)


@settings(max_examples=100, deadline=3000, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture], derandomize=True)
@given(st.lists(_JSONL_LINE, max_size=12), st.booleans())
def test_batch_reader_never_crashes_and_keeps_every_line(lines, gz):
    import gzip

    from bantin.io.inputs import iter_inputs

    data = b"\n".join(lines) + b"\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("in.jsonl.gz" if gz else "in.jsonl")
        path.write_bytes(gzip.compress(data) if gz else data)
        records = list(iter_inputs([str(path)]))
    non_blank = sum(1 for raw in data.split(b"\n") if raw.strip())
    assert len(records) == non_blank  # one record (result or error) per non-blank line, none dropped
    for r in records:
        assert isinstance(r.id, str) and r.id
        r.id.encode("utf-8")
        assert (r.content is None) != (r.error is None)


@pytest.fixture(scope="module")
def clean_nlp():
    from bantin.pipeline import Pipeline

    return Pipeline.load(stages=["boilerplate"])


@settings(max_examples=60, deadline=5000, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture], derandomize=True)
@given(st.lists(st.one_of(page_text, tag_soup(), st.binary(max_size=300)), min_size=1, max_size=4))
def test_pipeline_reports_instead_of_crashing(clean_nlp, items):
    from bantin.pipeline import ArticleResult, FailedRecord

    out = list(clean_nlp.pipe(items, errors="report"))
    assert len(out) == len(items)
    for r in out:
        assert isinstance(r, (ArticleResult, FailedRecord))
        r.to_json().encode("utf-8")
