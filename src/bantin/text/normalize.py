"""Unicode normalization. Vietnamese text arrives in NFC and NFD (and with odd spaces); we work in NFC."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
#: Invisible characters dropped from text: zero-width spaces/joiners, the BOM, word joiner and the
#: bidirectional marks, embeddings, overrides and isolates (U+200E/F, U+061C, U+202A-E, U+2066-9), which would
#: otherwise turn blank lines into blocks.
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalize_whitespace(text: str) -> str:
    """Collapse runs of horizontal whitespace into one space and strip each end."""
    return _SPACES.sub(" ", text).strip()


def normalize_text(text: str) -> str:
    """NFC-normalize, drop zero-width and control characters, unify line breaks.

    Line structure is kept (it carries block boundaries in flattened pages);
    horizontal whitespace inside lines is collapsed.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _ZERO_WIDTH.sub("", text)
    text = _CONTROL.sub("", text)
    # NFC last: a mark separated from its letter by an invisible character composes too (idempotent result).
    text = unicodedata.normalize("NFC", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
