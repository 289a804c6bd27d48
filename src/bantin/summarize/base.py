"""What every summarizer shares: the document shape (title + sentences), sentence splitting, and the
``summarize_article`` / ``summarize`` / ``predict`` interface the pipeline and the evaluation call.

Extractive summarizers implement ``select(doc, n_sentences) -> list[int]`` (indices of the chosen
sentences); the summary is those sentences in document order. Abstractive ones override ``generate``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bantin.errors import BantinInputError
from bantin.models.base import Estimator
from bantin.text.normalize import normalize_text
from bantin.text.tokenize import sentences as split_sentences
from bantin.text.tokenize import syllables

MIN_SUMMARY_SENTENCES, MAX_SUMMARY_SENTENCES = 1, 10

#: Bounded work on any input. A summary is built from the start of the article only: paragraphs are read in
#: document order until MAX_SCORED_SENTENCES sentences or MAX_SCORED_CHARS characters have been collected (a
#: paragraph that crosses the character budget is cut at the last space before it). Everything after that is
#: never split, tokenized or scored, so the per-document matrices (TF-IDF, LexRank/TextRank graphs, MMR) are at
#: most MAX_SCORED_SENTENCES square. A news article has ~20 sentences and ~4,000 characters (vietnews test:
#: 99.9 % have fewer than 150 sentences), so ordinary articles are untouched.
MAX_SCORED_SENTENCES = 200
MAX_SCORED_CHARS = 60_000


@dataclass
class Document:
    """A clean article ready to summarize: title and body sentences (lead first), with paragraph numbers."""

    title: str
    sentences: list[str]
    paragraphs: list[int] = field(default_factory=list)
    id: str | None = None
    _tokens: list[list[str]] | None = field(default=None, repr=False)

    @property
    def tokens(self) -> list[list[str]]:
        """Syllable tokens of each sentence (computed once)."""
        if self._tokens is None:
            self._tokens = [syllables(s) for s in self.sentences]
        return self._tokens

    @functools.cached_property
    def title_tokens(self) -> list[str]:
        return syllables(self.title[:MAX_SCORED_CHARS])

    def capped(self) -> Document:
        """This document, or its first MAX_SCORED_SENTENCES sentences when it has more (for Documents built by
        hand: ``make_document`` already applies the cap)."""
        if len(self.sentences) <= MAX_SCORED_SENTENCES:
            return self
        k = MAX_SCORED_SENTENCES
        return Document(self.title, self.sentences[:k], self.paragraphs[:k], self.id, self._tokens[:k] if self._tokens is not None else None)

    def text(self) -> str:
        return "\n".join(self.sentences)


def _cut(text: str, budget: int) -> str:
    """``text`` cut to at most ``budget`` characters, at the last space before the cut when there is one."""
    if len(text) <= budget:
        return text
    head = text[:budget]
    space = head.rfind(" ")
    return head[:space] if space > budget // 2 else head


def make_document(title: str = "", lead: str = "", body: str | Sequence[str] = "", id: str | None = None, sentence_backend: str = "underthesea") -> Document:
    """Split lead and body paragraphs into sentences (underthesea; every line break is a boundary).

    Only the start of the article is read: at most MAX_SCORED_SENTENCES sentences and MAX_SCORED_CHARS characters
    (see their definition), so time and memory are bounded whatever the input size."""
    if body is None:
        body = ""
    for name, value in (("title", title), ("lead", lead)):
        if value is not None and not isinstance(value, str):
            raise BantinInputError(f"{name} must be a string, got {type(value).__name__}")
    if not isinstance(body, str) and not isinstance(body, Sequence):
        raise BantinInputError(f"body must be a string or a list of paragraph strings, got {type(body).__name__}")
    if not isinstance(body, str) and not all(isinstance(p, str) for p in body):
        raise BantinInputError("body must be a string or a list of paragraph strings")
    # normalization only shortens text (it drops invisible characters and collapses spaces): reading twice the
    # character budget of raw text leaves room for that without normalizing text that is never used
    raw_budget = 2 * MAX_SCORED_CHARS
    paragraphs = [_cut(lead, raw_budget)] if lead else []
    if isinstance(body, str):
        paragraphs.extend(_cut(body, raw_budget).replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    else:
        used = 0
        for p in body:
            if used >= raw_budget:
                break
            paragraphs.append(_cut(p, raw_budget - used))
            used += len(paragraphs[-1]) + 1
    sents: list[str] = []
    para_ids: list[int] = []
    chars = 0
    pi = 0
    for raw in paragraphs:
        para = normalize_text(raw).strip() if raw else ""
        if not para:
            continue
        if chars + len(para) > MAX_SCORED_CHARS:
            para = _cut(para, MAX_SCORED_CHARS - chars)
        for s in split_sentences(para, backend=sentence_backend):
            sents.append(s)
            para_ids.append(pi)
            if len(sents) >= MAX_SCORED_SENTENCES:
                break
        chars += len(para) + 1
        pi += 1
        if len(sents) >= MAX_SCORED_SENTENCES or chars >= MAX_SCORED_CHARS:
            break
    return Document(title=_cut(normalize_text(_cut(title or "", raw_budget)), MAX_SCORED_CHARS).strip(), sentences=sents, paragraphs=para_ids, id=id)


class Summarizer(Estimator):
    """Base class of the summarization models (task ``summarize``)."""

    task = "summarize"

    def __init__(self, n_sentences: int = 2, sentence_backend: str = "underthesea") -> None:
        super().__init__()
        self.n_sentences = _check_n(n_sentences)
        self.sentence_backend = sentence_backend

    def get_config(self) -> dict[str, Any]:
        return {"n_sentences": self.n_sentences, "sentence_backend": self.sentence_backend}

    # -- weights: baselines have none beyond the manifest --------------------------------
    def _save_weights(self, path) -> None:
        pass

    def _load_weights(self, path) -> None:
        pass

    def fit(self, docs: Iterable[Document] = (), references: Iterable[str] = ()) -> Summarizer:
        return self

    # -- to implement ---------------------------------------------------------------------
    def select(self, doc: Document, n_sentences: int) -> list[int]:
        raise NotImplementedError

    def select_many(self, docs: Sequence[Document], n_sentences: int) -> list[list[int]]:
        return [self.select(d, n_sentences) for d in docs]

    # -- shared ---------------------------------------------------------------------------
    def summarize_sentences(self, docs: Sequence[Document], n_sentences: int | None = None, max_syllables: int | None = None) -> list[list[str]]:
        """The summary of each document as a list of sentences (document order).

        ``max_syllables``: a length budget on top of the sentence count (default: the model's own ``max_syllables``
        setting, when it has one). Sentences are taken in the model's order of
        preference; one that would take the summary over the budget is skipped (a shorter one further down may still
        fit), until ``n_sentences`` are taken or none is left. The best sentence is always taken, even when it alone is
        over the budget (summaries are whole sentences)."""
        from bantin.summarize.features import single_threaded_blas

        n = _check_n(self.n_sentences if n_sentences is None else n_sentences)
        budget = _check_budget(max_syllables if max_syllables is not None else getattr(self, "max_syllables", None))
        docs = [d.capped() for d in docs]
        with single_threaded_blas():
            selected = self.select_many(docs, n if budget is None else MAX_SUMMARY_SENTENCES)
        if budget is not None:
            selected = [_fit_budget(idx, doc, n, budget) for idx, doc in zip(selected, docs)]
        out = []
        for doc, idx in zip(docs, selected):
            out.append([doc.sentences[i] for i in sorted(idx)])
        return out

    def predict(self, docs: Sequence[Document], n_sentences: int | None = None, max_syllables: int | None = None) -> list[str]:
        return [" ".join(s) for s in self.summarize_sentences(docs, n_sentences, max_syllables)]

    def summarize_article(self, title: str = "", lead: str = "", body: str | Sequence[str] = "", n_sentences: int | None = None,
                          max_syllables: int | None = None) -> str:
        """A 1–3 sentence summary (``n_sentences``) of a clean article, at most ``max_syllables`` syllables when given
        (see ``summarize_sentences``); "" when there is no text."""
        doc = make_document(title, lead, body, sentence_backend=self.sentence_backend)
        if not doc.sentences:
            return ""
        return self.predict([doc], n_sentences, max_syllables)[0]

    def summarize(self, text: str, title: str = "", n_sentences: int | None = None, max_syllables: int | None = None) -> str:
        """Summarize plain text (paragraphs on separate lines)."""
        if not isinstance(text, str):
            raise BantinInputError(f"expected text, got {type(text).__name__}")
        return self.summarize_article(title=title, body=text, n_sentences=n_sentences, max_syllables=max_syllables)


def _fit_budget(ranked: Sequence[int], doc: Document, n: int, budget: int) -> list[int]:
    chosen: list[int] = []
    used = 0
    for i in ranked:
        size = len(doc.tokens[i])
        if chosen and used + size > budget:
            continue
        chosen.append(i)
        used += size
        if len(chosen) == n:
            break
    return chosen


def _check_budget(max_syllables: int | None) -> int | None:
    if max_syllables is None:
        return None
    if isinstance(max_syllables, bool) or not isinstance(max_syllables, int) or max_syllables < 1:
        raise BantinInputError(f"max_syllables must be a positive integer, got {max_syllables!r}")
    return max_syllables


def _check_n(n: int) -> int:
    try:
        n = int(n)
    except (TypeError, ValueError) as exc:
        raise BantinInputError(f"n_sentences must be an integer, got {n!r}") from exc
    if not MIN_SUMMARY_SENTENCES <= n <= MAX_SUMMARY_SENTENCES:
        raise BantinInputError(f"n_sentences must be between {MIN_SUMMARY_SENTENCES} and {MAX_SUMMARY_SENTENCES}, got {n}")
    return n
