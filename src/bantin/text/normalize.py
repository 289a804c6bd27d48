"""Unicode normalization. Vietnamese text arrives in NFC and NFD (and with odd spaces); we work in NFC."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# The same runs, except a lone plain space (nothing to change: most matches of _SPACES in ordinary text).
_SPACE_RUNS = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000][ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]*| [ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
#: Invisible characters dropped from text: zero-width spaces/joiners, the BOM, word joiner and the
#: bidirectional marks, embeddings, overrides and isolates (U+200E/F, U+061C, U+202A-E, U+2066-9), which would
#: otherwise turn blank lines into blocks.
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
# What str.strip() would still remove from a line once _SPACES has collapsed runs, the line breaks unified and
# the control characters dropped: spaces, NEL (U+0085) and U+1680.
_STRIP_CHARS = " \x85\u1680"
_AROUND_NEWLINE = re.compile(r"[ \x85\u1680]+\n[ \x85\u1680]*|\n[ \x85\u1680]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalize_whitespace(text: str) -> str:
    """Collapse runs of horizontal whitespace into one space and strip each end."""
    return _SPACES.sub(" ", text).strip()


def normalize_text(text: str, keep_layout: bool = False) -> str:
    """NFC-normalize, drop zero-width and control characters, unify line breaks.

    Line structure is kept (it carries block boundaries in flattened pages);
    horizontal whitespace inside lines is collapsed, unless ``keep_layout`` (indentation, runs of spaces and
    Markdown's trailing-space line breaks are layout that the page parsers read).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _ZERO_WIDTH.sub("", text)
    text = _CONTROL.sub("", text)
    # NFC last: a mark separated from its letter by an invisible character composes too (idempotent result).
    text = unicodedata.normalize("NFC", text)
    if keep_layout:
        return text
    # Whole-text regexes rather than a loop over lines (a page of a million short lines costs 1 s, not 10 s):
    # collapse horizontal whitespace, then strip it around line breaks and at both ends, as line.strip() would.
    text = _SPACE_RUNS.sub(" ", text)
    if " \n" in text or "\n " in text or "\x85" in text or "\u1680" in text:
        text = _AROUND_NEWLINE.sub("\n", text)
    return text.strip(_STRIP_CHARS)
