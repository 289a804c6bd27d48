"""Vietnamese tokenization.

* ``syllables``: Unicode-aware syllable tokens (Vietnamese words are space-separated syllables);
  lower-cased, NFC, punctuation dropped. Used by metrics (token F1, ROUGE) and fast features.
* ``words``: word segmentation with underthesea or pyvi (both ship their models offline).
* ``sentences``: sentence splitting with underthesea, with a regex fallback.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# \w in Python's re is Unicode-aware: it keeps letters with diacritics (ư, ơ, ạ...) and digits.
_SYLLABLE = re.compile(r"\w+", re.UNICODE)
_SENT_FALLBACK = re.compile(r"(?<=[.!?…])\s+(?=[\"“'(\[]?[A-ZÀ-Ỹ0-9Đ])")


def syllables(text: str, lower: bool = True) -> list[str]:
    """Split text into syllable tokens: NFC, optionally lower-cased, punctuation dropped."""
    text = unicodedata.normalize("NFC", text)
    if lower:
        text = text.lower()
    return [t for t in _SYLLABLE.findall(text) if t != "_"]


@functools.lru_cache(maxsize=1)
def _underthesea():
    import underthesea  # imported lazily: it takes ~1 s to load its models

    return underthesea


def words(text: str, backend: str = "underthesea", lower: bool = False) -> list[str]:
    """Word-segment Vietnamese text. Multi-syllable words are joined with '_' (e.g. 'công_đoàn').

    backend: 'underthesea' (CRF, more accurate), 'pyvi' (faster) or 'syllable' (no segmentation).
    """
    text = unicodedata.normalize("NFC", text)
    if lower:
        text = text.lower()
    if not text.strip():
        return []
    if backend == "syllable":
        return syllables(text, lower=lower)
    if backend == "pyvi":
        from pyvi import ViTokenizer

        return ViTokenizer.tokenize(text).split()
    if backend == "underthesea":
        return [w.replace(" ", "_") for w in _underthesea().word_tokenize(text)]
    raise ValueError(f"unknown word segmentation backend {backend!r} (underthesea, pyvi, syllable)")


def sentences(text: str, backend: str = "underthesea") -> list[str]:
    """Split text into sentences; every input line break is also a boundary."""
    out: list[str] = []
    for line in unicodedata.normalize("NFC", text).split("\n"):
        line = line.strip()
        if not line:
            continue
        if backend == "underthesea":
            parts = _underthesea().sent_tokenize(line)
        elif backend == "regex":
            parts = _SENT_FALLBACK.split(line)
        else:
            raise ValueError(f"unknown sentence backend {backend!r} (underthesea, regex)")
        out.extend(p.strip() for p in parts if p.strip())
    return out
