"""Shared text utilities: Unicode normalization and Vietnamese tokenization."""

from bantin.text.normalize import normalize_text, normalize_whitespace
from bantin.text.tokenize import sentences, syllables, words

__all__ = ["normalize_text", "normalize_whitespace", "syllables", "words", "sentences"]
