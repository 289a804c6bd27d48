"""Text-level scores of an extracted article against the gold article.

As the content-extraction benchmarks (trafilatura's evaluation, the ScrapingHub article-extraction
benchmark) do: both texts become bags of tokens, and precision/recall/F1 count the multiset overlap.
Tokens are Unicode syllables (``bantin.text.tokenize.syllables``), not ASCII words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from bantin.text.tokenize import syllables


def token_prf(predicted: str, gold: str) -> dict[str, float]:
    """Bag-of-syllables precision, recall and F1 of one extracted text against its gold text.

    An empty prediction of an empty gold text is a perfect score; otherwise empty sides score 0.
    """
    p, g = Counter(syllables(predicted)), Counter(syllables(gold))
    n_p, n_g = sum(p.values()), sum(g.values())
    if n_p == 0 and n_g == 0:
        return {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    overlap = sum((p & g).values())
    precision = overlap / n_p if n_p else 0.0
    recall = overlap / n_g if n_g else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def corpus_token_prf(pairs: Iterable[tuple[str, str]]) -> dict[str, float]:
    """Mean per-document token P/R/F1 (the benchmarks' convention) plus micro-averaged F1 over all tokens."""
    scores, tot_overlap, tot_p, tot_g = [], 0, 0, 0
    for predicted, gold in pairs:
        scores.append(token_prf(predicted, gold))
        p, g = Counter(syllables(predicted)), Counter(syllables(gold))
        tot_overlap += sum((p & g).values())
        tot_p += sum(p.values())
        tot_g += sum(g.values())
    if not scores:
        return {"token_precision": 0.0, "token_recall": 0.0, "token_f1": 0.0, "token_f1_micro": 0.0, "n_docs": 0}
    mp = tot_overlap / tot_p if tot_p else 0.0
    mr = tot_overlap / tot_g if tot_g else 0.0
    return {
        "token_precision": sum(s["precision"] for s in scores) / len(scores),
        "token_recall": sum(s["recall"] for s in scores) / len(scores),
        "token_f1": sum(s["f1"] for s in scores) / len(scores),
        "token_f1_micro": 2 * mp * mr / (mp + mr) if mp + mr else 0.0,
        "n_docs": len(scores),
    }
