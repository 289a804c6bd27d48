"""Shared metrics: classification scores, extraction token P/R/F1, ROUGE (syllable and ASCII)."""
