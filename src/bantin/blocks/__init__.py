"""Pages and blocks: parse flattened text or HTML into an ordered list of blocks."""

from __future__ import annotations

from pathlib import Path

from bantin.blocks.html_parser import parse_html
from bantin.blocks.model import Block, Page
from bantin.blocks.text_parser import parse_text
from bantin.errors import BantinInputError
from bantin.io.decode import check_text, decode_page, looks_like_html, read_page

__all__ = ["Block", "Page", "parse_page", "load_page", "parse_text", "parse_html"]

KINDS = ("auto", "text", "html")


def parse_page(source: str | bytes, kind: str = "auto", page_id: str | None = None) -> Page:
    """Parse page content (a decoded string or raw bytes) into a Page.

    kind: 'auto' (HTML detected by its tags), 'text' (flattened crawler text) or 'html'.
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
    if kind == "html" or (kind == "auto" and looks_like_html(source)):
        page = parse_html(source, page_id=page_id)
    else:
        page = parse_text(source, page_id=page_id)
    if not page.blocks:
        raise BantinInputError("input contains no text")
    page.warnings[:0] = warnings
    return page


def load_page(path: str | Path, kind: str = "auto", encoding: str | None = None) -> Page:
    """Read and parse a page file (text or HTML), with encoding detection."""
    path = Path(path)
    decoded = read_page(path, encoding=encoding)
    try:
        page = parse_page(decoded.text, kind=kind, page_id=path.stem)
    except BantinInputError as exc:
        raise BantinInputError(f"{path}: {exc}") from exc
    page.warnings[:0] = decoded.warnings
    return page
