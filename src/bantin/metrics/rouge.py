"""ROUGE-1/2/L(Sum) done right for Vietnamese.

rouge-score's default tokenizer (and Hugging Face ``evaluate``'s rouge, which wraps it) lower-cases and then
replaces every character outside ``[a-z0-9]`` with a space, so Vietnamese letters with diacritics vanish:
``"Thủ tướng Phạm Minh Chính"`` becomes ``th t ng ph m minh ch nh``. Short fragments such as ``t``, ``ng``,
``nh`` then match everywhere and inflate the scores. Here the same scorer (``rouge_score.rouge_scorer``)
runs with a Unicode syllable tokenizer instead: NFC, lower-cased, punctuation dropped, optionally
word-segmented (underthesea / pyvi, multi-syllable words joined with ``_``).

``rouge_report`` gives both variants side by side with the metric names used by the report:
``rouge1_f, rouge2_f, rougeL_f`` (syllable tokenizer) and ``rouge1_f_ascii, ...`` (rouge-score's default
tokenizer, how published vietnews figures were most likely computed). ``rougeL`` here is ROUGE-Lsum:
summary-level LCS over newline-separated sentences (``as_lsum_text`` puts one sentence a line).
Scores are means of per-document F1 (precision, recall) over the corpus, in 0..1.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bantin.text.tokenize import sentences, syllables, words

ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")
#: rouge type -> short name used in metric keys
_SHORT = {"rouge1": "rouge1", "rouge2": "rouge2", "rougeL": "rougeL", "rougeLsum": "rougeL"}
_HAS_WORD_CHAR = re.compile(r"\w", re.UNICODE)


class SyllableTokenizer:
    """rouge-score tokenizer object (``tokenize(text) -> list[str]``) for Vietnamese.

    segment=None: Unicode syllables (NFC, lower-cased, punctuation dropped).
    segment="underthesea" | "pyvi": word tokens (``thủ_tướng``), lower-cased, punctuation tokens dropped.
    """

    def __init__(self, segment: str | None = None) -> None:
        if segment not in (None, "syllable", "underthesea", "pyvi"):
            raise ValueError(f"unknown segmentation {segment!r} (None, 'underthesea', 'pyvi')")
        self.segment = None if segment == "syllable" else segment

    def tokenize(self, text: str) -> list[str]:
        if self.segment is None:
            return syllables(text)
        # Keep the inner "_" of compound words; drop tokens that are only punctuation.
        return [w for w in words(text, backend=self.segment, lower=True) if _HAS_WORD_CHAR.search(w.replace("_", ""))]

    def __repr__(self) -> str:
        return f"SyllableTokenizer(segment={self.segment!r})"


def make_scorer(tokenizer: str | Any = "syllable", rouge_types: Sequence[str] = ROUGE_TYPES):
    """A ``rouge_scorer.RougeScorer``; tokenizer: 'syllable', 'word' (underthesea), 'pyvi', 'ascii'
    (rouge-score's default) or any object with ``tokenize(text)``."""
    from rouge_score import rouge_scorer

    if tokenizer == "ascii":
        tok = None  # rouge-score's DefaultTokenizer
    elif tokenizer == "syllable":
        tok = SyllableTokenizer()
    elif tokenizer in ("word", "underthesea"):
        tok = SyllableTokenizer("underthesea")
    elif tokenizer == "pyvi":
        tok = SyllableTokenizer("pyvi")
    elif hasattr(tokenizer, "tokenize"):
        tok = tokenizer
    else:
        raise ValueError(f"unknown ROUGE tokenizer {tokenizer!r} (syllable, word, pyvi, ascii)")
    return rouge_scorer.RougeScorer(list(rouge_types), use_stemmer=False, tokenizer=tok)


def as_lsum_text(text: str | Sequence[str], split: bool = True) -> str:
    """One sentence a line (what ROUGE-Lsum expects). A list is taken as sentences already."""
    if not isinstance(text, str):
        return "\n".join(s.strip() for s in text if s.strip())
    if not split:
        return text
    return "\n".join(sentences(text, backend="underthesea")) if text.strip() else ""


def rouge_scores(
    predictions: Sequence[str],
    references: Sequence[str],
    tokenizer: str | Any = "syllable",
    rouge_types: Sequence[str] = ROUGE_TYPES,
) -> dict[str, float]:
    """Mean per-document ROUGE precision/recall/F1: keys ``{rouge1,rouge2,rougeL}_{p,r,f}``.

    Texts for ROUGE-Lsum must hold one sentence per line (see ``as_lsum_text``).
    """
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions for {len(references)} references")
    scorer = make_scorer(tokenizer, rouge_types)
    totals: dict[str, float] = {}
    for pred, ref in zip(predictions, references):
        for rtype, score in scorer.score(ref, pred).items():  # rouge-score takes (target, prediction)
            name = _SHORT.get(rtype, rtype)
            for suffix, value in (("p", score.precision), ("r", score.recall), ("f", score.fmeasure)):
                totals[f"{name}_{suffix}"] = totals.get(f"{name}_{suffix}", 0.0) + value
    n = max(len(predictions), 1)
    return {k: v / n for k, v in totals.items()}


def rouge_report(predictions: Sequence[str], references: Sequence[str], ascii: bool = True, segment: str | None = None) -> dict[str, float]:
    """Both variants, labeled: syllable tokenizer (``rouge1_f`` ...) and rouge-score's ASCII default
    (``rouge1_f_ascii`` ...); with ``segment`` also word-level scores (``rouge1_f_word`` ...)."""
    out = rouge_scores(predictions, references, "syllable")
    if ascii:
        out.update({f"{k}_ascii": v for k, v in rouge_scores(predictions, references, "ascii").items()})
    if segment:
        out.update({f"{k}_word": v for k, v in rouge_scores(predictions, references, segment).items()})
    return out
