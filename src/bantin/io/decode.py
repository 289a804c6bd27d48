"""Turn raw bytes into NFC text with a clear error for anything that is not a text page.

Order of attempts: BOM (UTF-8/16/32) -> HTML meta charset -> strict UTF-8 -> UTF-8 with a few stray bytes
(at most one invalid byte per 40 valid non-ASCII bytes; replaced by U+FFFD, with a warning giving the count)
-> Windows-1258 (still used by old Vietnamese sites) when it decodes to plausible Vietnamese ->
charset-normalizer -> mostly-ASCII UTF-8 with at most max(8, 1 %) invalid bytes (replaced, with a warning).
Every input path has the same size limit (:data:`MAX_PAGE_BYTES`, :func:`check_size`, :func:`check_text`).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
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


_ASCII = bytes(range(128))
_SURROGATES = re.compile("[\ud800-\udfff]")


def _is_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > max(8, len(sample) // 50)


def decode_utf8_counting(data: bytes) -> tuple[str, int]:
    """UTF-8 decoding with U+FFFD for each invalid sequence; returns (text, number of invalid bytes). Linear time."""
    try:
        return data.decode("utf-8"), 0
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", "replace")
    n_replaced = text.count("\ufffd") - data.count("\ufffd".encode("utf-8"))  # minus the U+FFFD already there
    # each replaced sequence became the 3 bytes of U+FFFD; the valid bytes are unchanged
    bad = len(data) - (len(text.encode("utf-8")) - 3 * n_replaced)
    return text, bad


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """Text that is UTF-8 but for a few stray bytes: (text with U+FFFD, invalid bytes), else None.

    "A few": at most one invalid byte per 20 valid non-ASCII characters; a Windows-1258 page has almost no
    valid multi-byte sequences, so it never passes."""
    text, bad = decode_utf8_counting(data)
    valid_non_ascii_bytes = len(data.translate(None, _ASCII)) - bad  # ~2-3 bytes per Vietnamese letter
    return (text, bad) if bad * 40 <= valid_non_ascii_bytes else None


@dataclass
class Decoded:
    text: str
    encoding: str
    #: what decoding changed (replaced bytes), for the result's warnings
    warnings: list[str] = field(default_factory=list)


def _replaced_warning(bad: int) -> str:
    return f"{bad:,} byte(s) that are not valid UTF-8 were replaced by U+FFFD"


def _decode_raw(data: bytes, declared: str | None = None) -> Decoded:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
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
            return Decoded(data.decode(encoding), codecs.lookup(encoding).name)
        except (LookupError, UnicodeDecodeError):
            continue
    # UTF-8 with a few stray bytes (a truncated download, one bad byte): keep the page, say what was replaced.
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return Decoded(mostly[0], "utf-8", [_replaced_warning(mostly[1])])
    try:
        text = data.decode("cp1258")
        if len(_VI_CHARS.findall(normalize_text(text))) > 0:
            return Decoded(text, "cp1258")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        # Mostly ASCII with a few bad bytes: still readable as UTF-8.
        text, bad = decode_utf8_counting(data)
        if bad <= max(8, len(data) // 100):
            return Decoded(text, "utf-8", [_replaced_warning(bad)])
        raise BantinInputError("could not detect the text encoding of the input (not UTF-8, UTF-16 or Windows-1258)")
    return Decoded(str(best), best.encoding)


def check_size(n_bytes: int) -> None:
    """The one page-size limit, for every input path (files, bytes, str, JSONL records)."""
    if n_bytes > MAX_PAGE_BYTES:
        raise BantinInputError(f"input is {n_bytes:,} bytes, over the {MAX_PAGE_BYTES:,}-byte page limit")


def decode_page(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode page bytes into NFC text, with the encoding used and warnings. Raises BantinInputError on bad input.

    Horizontal whitespace is kept as it is (the page parsers read indentation, space runs and Markdown line
    breaks, and normalize it themselves)."""
    if not isinstance(data, (bytes, bytearray)):
        raise BantinInputError(f"expected bytes, got {type(data).__name__}")
    check_size(len(data))
    if not data.strip():
        raise BantinInputError("input is empty")
    decoded = _decode_raw(bytes(data), encoding)
    decoded.text = normalize_text(decoded.text, keep_layout=True)
    if not decoded.text.strip():
        raise BantinInputError("input contains no text")
    return decoded


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode page bytes; returns (NFC text, encoding used). Raises BantinInputError on bad input.
    (:func:`decode_page` also returns the warnings.)"""
    decoded = decode_page(data, encoding)
    return decoded.text, decoded.encoding


def check_text(text: str) -> tuple[str, list[str]]:
    """A page given as ``str`` meets the same size limit as bytes; lone surrogates (from JSON "\\ud800" or
    surrogateescape) would make the output unencodable, so they become U+FFFD with a warning."""
    warnings: list[str] = []
    if len(text) * 4 > MAX_PAGE_BYTES or _SURROGATES.search(text):  # cheap test first: a UTF-8 char is <= 4 bytes
        text, n = _SURROGATES.subn("\ufffd", text)
        if n:
            warnings.append(f"{n:,} lone surrogate code point(s) were replaced by U+FFFD")
        check_size(len(text.encode("utf-8")))
    return text, warnings


def read_text(path: str | Path, encoding: str | None = None) -> str:
    """Read a page file as NFC text with encoding detection."""
    return read_page(path, encoding).text


def read_page(path: str | Path, encoding: str | None = None) -> Decoded:
    """Read a page file: NFC text, the encoding and decoding warnings."""
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
        return decode_page(data, encoding)
    except BantinInputError as exc:
        raise BantinInputError(f"{path}: {exc}") from exc


def looks_like_html(text: str) -> bool:
    """Heuristic: the text starts like an HTML document or is dense with block tags."""
    if _HTML_START.match(text[:2000]):
        return True
    head = text[:20000]
    return len(_HTML_TAGS.findall(head)) >= 3
