"""Training-free baselines: lead-k, TextRank and LexRank over sentences."""

from __future__ import annotations

from typing import Any

import numpy as np

from bantin.summarize.base import Document, Summarizer
from bantin.summarize.features import doc_tfidf, pagerank, textrank_similarity


class LeadSummarizer(Summarizer):
    """The first ``n`` sentences (lead-1, lead-3...): the strong news baseline."""

    kind = "lead"

    def select(self, doc: Document, n_sentences: int) -> list[int]:
        return list(range(min(n_sentences, len(doc.sentences))))

    def card_details(self) -> str:
        return "Lead baseline: the summary is the first sentences of the article (no training)."


class TextRankSummarizer(Summarizer):
    """TextRank (Mihalcea & Tarau, 2004): PageRank over syllable-overlap sentence similarities; top-n."""

    kind = "textrank"

    def __init__(self, n_sentences: int = 2, sentence_backend: str = "underthesea", damping: float = 0.85, min_tokens: int = 5) -> None:
        super().__init__(n_sentences, sentence_backend)
        self.damping = damping
        self.min_tokens = min_tokens

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "damping": self.damping, "min_tokens": self.min_tokens}

    def sentence_scores(self, doc: Document) -> np.ndarray:
        return pagerank(textrank_similarity(doc.tokens), self.damping)

    def select(self, doc: Document, n_sentences: int) -> list[int]:
        if not doc.sentences:
            return []
        scores = self.sentence_scores(doc)
        order = [int(i) for i in np.argsort(-scores, kind="stable")]
        long_enough = [i for i in order if len(doc.tokens[i]) >= self.min_tokens] or order
        return long_enough[:n_sentences]

    def card_details(self) -> str:
        return "TextRank baseline: PageRank over sentence similarity (shared syllables / (log|Si| + log|Sj|)); no training."


class LexRankSummarizer(TextRankSummarizer):
    """LexRank (Erkan & Radev, 2004): PageRank over the thresholded TF-IDF cosine graph; top-n."""

    kind = "lexrank"

    def __init__(self, n_sentences: int = 2, sentence_backend: str = "underthesea", damping: float = 0.85, min_tokens: int = 5, threshold: float = 0.1) -> None:
        super().__init__(n_sentences, sentence_backend, damping, min_tokens)
        self.threshold = threshold

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "threshold": self.threshold}

    def sentence_scores(self, doc: Document) -> np.ndarray:
        m, _, _ = doc_tfidf(doc)  # idf over the document's own sentences
        cos = m @ m.T
        return pagerank(np.where(cos >= self.threshold, 1.0, 0.0), self.damping)

    def card_details(self) -> str:
        return "LexRank baseline: PageRank over the TF-IDF cosine graph (edges where cosine >= threshold); no training."


class OracleSummarizer(Summarizer):
    """The greedy ROUGE oracle (``features.greedy_oracle``) as a ceiling row of an evaluation: it reads the
    reference summaries, so it is an upper bound for sentence selection, never a usable model. Give the references
    with ``with_references`` (aligned with the documents passed to ``summarize_sentences``)."""

    kind = "oracle"

    def __init__(self, n_sentences: int = 2, sentence_backend: str = "underthesea") -> None:
        super().__init__(n_sentences, sentence_backend)
        self.references: list[str] | None = None

    def with_references(self, references: list[str]) -> OracleSummarizer:
        self.references = list(references)
        return self

    def select_many(self, docs, n_sentences: int) -> list[list[int]]:
        from bantin.errors import BantinInputError
        from bantin.summarize.features import greedy_oracle
        from bantin.text.tokenize import syllables

        if self.references is None or len(self.references) != len(docs):
            raise BantinInputError("the oracle needs one reference summary per document (with_references)")
        return [greedy_oracle(d, syllables(r), n_sentences) for d, r in zip(docs, self.references)]

    def card_details(self) -> str:
        return "Greedy ROUGE oracle: the ceiling of sentence selection (reads the reference; not a model)."
