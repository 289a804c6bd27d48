"""Turn raw bytes into NFC text with a clear error for anything that is not a text page.

Order of attempts: BOM (UTF-8/16/32) -> HTML meta charset -> strict UTF-8 -> Windows-1258
(still used by old Vietnamese sites) when it decodes to plausible Vietnamese -> charset-normalizer.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from bantin.errors import BantinInputError
from bantin.text.normalize import normalize_text

#: Pages above this size are refused rather than risking memory blow-up in a batch.
MAX_PAGE_BYTES = 20 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_HTML_START = re.compile(r"^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html|<head|<body|<meta|<article|<div|<p[\s>])", re.I | re.S)
_HTML_TAGS = re.compile(r"</?(p|div|span|h[1-6]|a|br|li|ul|article|section|figure|figcaption|body|html|table)\b[^>]*>", re.I)
# Letters that only Vietnamese text produces; used to judge a Windows-1258 decoding.
_VI_CHARS = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáạảãèéẹẻẽìíịỉĩòóọỏõùúụủũỳýỵỷỹ]")


def _is_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > max(8, len(sample) // 50)


def _decode_raw(data: bytes, declared: str | None = None) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise BantinInputError(f"input starts with a {encoding} byte-order mark but does not decode: {exc}") from exc
    if _is_binary(data):
        raise BantinInputError("input looks binary (NUL or control bytes), not a text or HTML page")
    candidates: list[str] = []
    if declared:
        candidates.append(declared)
    m = _META_CHARSET.search(data[:4096])
    if m:
        candidates.append(m.group(1).decode("ascii", "ignore"))
    candidates.append("utf-8")
    for encoding in candidates:
        try:
            codecs.lookup(encoding)
            return data.decode(encoding), codecs.lookup(encoding).name
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        text = data.decode("cp1258")
        if len(_VI_CHARS.findall(normalize_text(text))) > 0:
            return text, "cp1258"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise BantinInputError("could not detect the text encoding of the input (not UTF-8, UTF-16 or Windows-1258)")
    return str(best), best.encoding


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode page bytes; returns (NFC text, encoding used). Raises BantinInputError on bad input.

    Horizontal whitespace is kept as it is (the page parsers read indentation, space runs and Markdown line
    breaks, and normalize it themselves)."""
    if not isinstance(data, (bytes, bytearray)):
        raise BantinInputError(f"expected bytes, got {type(data).__name__}")
    if len(data) > MAX_PAGE_BYTES:
        raise BantinInputError(f"input is {len(data):,} bytes, over the {MAX_PAGE_BYTES:,}-byte page limit")
    if not data.strip():
        raise BantinInputError("input is empty")
    text, used = _decode_raw(bytes(data), encoding)
    text = normalize_text(text, keep_layout=True)
    if not text.strip():
        raise BantinInputError("input contains no text")
    return text, used


def read_text(path: str | Path, encoding: str | None = None) -> str:
    """Read a page file as NFC text with encoding detection."""
    path = Path(path)
    if not path.exists():
        raise BantinInputError(f"{path}: no such file")
    if path.is_dir():
        raise BantinInputError(f"{path}: is a directory, not a page file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BantinInputError(f"{path}: cannot be read ({exc.strerror})") from exc
    try:
        return decode_bytes(data, encoding)[0]
    except BantinInputError as exc:
        raise BantinInputError(f"{path}: {exc}") from exc


def looks_like_html(text: str) -> bool:
    """Heuristic: the text starts like an HTML document or is dense with block tags."""
    if _HTML_START.match(text[:2000]):
        return True
    head = text[:20000]
    return len(_HTML_TAGS.findall(head)) >= 3
