"""Pages and blocks: parse flattened text or HTML into an ordered list of blocks."""

from __future__ import annotations

import re
from pathlib import Path

from bantin.blocks.html_parser import parse_html
from bantin.blocks.markdown_parser import looks_like_markdown, parse_markdown
from bantin.blocks.model import MAX_BLOCKS, Block, Page
from bantin.blocks.reflow import detect_layout, reflow, split_blob, unglue, untable
from bantin.blocks.text_parser import parse_text
from bantin.errors import BantinInputError
from bantin.io.decode import check_text, decode_page, looks_like_html, read_page

__all__ = ["Block", "Page", "parse_page", "load_page", "parse_text", "parse_html", "parse_markdown", "detect_kind", "KINDS"]

KINDS = ("auto", "text", "html", "markdown")


_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*\b[^<>]*>")


def _html_dense(source: str) -> bool:
    """Tags make up the page, not a few tag-like strings quoted in a text dump (lxml's text_content() keeps them)."""
    head = source[:50000]
    if head.lstrip()[:1] == "<":
        return True
    n_lines = sum(1 for ln in head.split("\n") if ln.strip())
    return len(_TAG.findall(head)) >= max(3, 0.3 * n_lines)


def detect_kind(source: str) -> str:
    """'html', 'markdown' or 'text' for a decoded page (what ``kind='auto'`` parses it as).

    HTML by its tags; Markdown by the density of its link, heading, table and emphasis syntax (image marks and
    bullets alone are not enough: flattened crawler text and inscriptis output have them); else text.
    """
    if looks_like_html(source) and _html_dense(source):
        return "html"
    if looks_like_markdown(source):
        return "markdown"
    return "text"


def _parse_plain(source: str, page_id: str | None) -> Page:
    """Plain text in any layout: block-per-line, hard-wrapped (reflowed first) or a whitespace blob (split first)."""
    source = untable(source)  # text tables (inscriptis) read column by column
    layout = detect_layout(source)
    text = source
    if layout.kind == "wrapped":
        text = reflow(source, layout.width)
    elif layout.kind == "blob":
        text = split_blob(source)
    text = unglue(text, MAX_BLOCKS)  # blocks glued without a space (minified HTML through text_content())
    page = parse_text(text, page_id=page_id)
    page.meta["layout"] = layout.kind
    page.meta["reflowed"] = layout.kind == "wrapped"
    if layout.width:
        page.meta["wrap_width"] = layout.width
    return page


#: Markdown parsing (markdown-it) costs about 1 ms a line: a page is parsed up to this many lines (the block
#: limit is reached well before on any real page).
MAX_MARKDOWN_LINES = 2 * MAX_BLOCKS


def _head_lines(text: str, max_lines: int) -> tuple[str, int]:
    """(the first max_lines lines, the page's line count if it was cut, else 0)."""
    n = text.count("\n") + 1
    if n <= max_lines:
        return text, 0
    end = -1
    for _ in range(max_lines):
        end = text.index("\n", end + 1)
    return text[:end], n


def _cap_blocks(page: Page, max_blocks: int = MAX_BLOCKS) -> None:
    """The block limit for every parser (the text and HTML parsers stop early by themselves)."""
    n = len(page.blocks)
    if n <= max_blocks:
        return
    page.blocks = page.blocks[:max_blocks]
    for b in page.blocks:
        b.hints["rel_pos"] = round(b.index / (max_blocks - 1), 4) if max_blocks > 1 else 0.0
    page.add_warnings([f"page has {n:,} blocks: only the first {max_blocks:,} are analyzed"])


def parse_page(source: str | bytes, kind: str = "auto", page_id: str | None = None) -> Page:
    """Parse page content (a decoded string or raw bytes) into a Page.

    kind: 'auto' (detected, see ``detect_kind``), 'text' (plain text: block-per-line, hard-wrapped or a
    whitespace blob, told apart by ``bantin.blocks.reflow.detect_layout``), 'html' or 'markdown'.
    ``page.meta["detected_kind"]`` records what the page was parsed as (``meta["kind_given"]`` when named),
    ``meta["layout"]``/``meta["reflowed"]`` the plain-text layout.
    Raises BantinInputError for empty, binary or undecodable input.
    """
    if kind not in KINDS:
        raise BantinInputError(f"unknown page kind {kind!r}; expected one of {', '.join(KINDS)}")
    if isinstance(source, (bytes, bytearray)):
        decoded = decode_page(bytes(source))
        source, warnings = decoded.text, decoded.warnings
    elif isinstance(source, str):
        source, warnings = check_text(source)
    else:
        raise BantinInputError(f"expected page text or bytes, got {type(source).__name__}")
    if not source.strip():
        raise BantinInputError("input is empty")
    if "\x00" in source:
        raise BantinInputError("input contains NUL characters: it looks binary, not a text or HTML page")
    parsed_as = detect_kind(source) if kind == "auto" else kind
    if parsed_as == "html":
        page = parse_html(source, page_id=page_id)
    elif parsed_as == "markdown":
        source, cut = _head_lines(source, MAX_MARKDOWN_LINES)
        page = parse_markdown(source, page_id=page_id)
        if cut:
            page.add_warnings([f"page has {cut:,} lines: only the first {MAX_MARKDOWN_LINES:,} are parsed as Markdown"])
    else:
        page = _parse_plain(source, page_id=page_id)
    if not page.blocks:
        raise BantinInputError("input contains no text")
    _cap_blocks(page)
    page.meta["detected_kind" if kind == "auto" else "kind_given"] = parsed_as
    page.add_warnings(warnings, first=True)
    return page


def load_page(path: str | Path, kind: str = "auto", encoding: str | None = None) -> Page:
    """Read and parse a page file (text or HTML), with encoding detection."""
    path = Path(path)
    decoded = read_page(path, encoding=encoding)
    try:
        page = parse_page(decoded.text, kind=kind, page_id=path.stem)
    except BantinInputError as exc:
        raise BantinInputError(f"{path}: {exc}") from exc
    page.add_warnings(decoded.warnings, first=True)
    return page
