"""One pipeline for the three tasks: page -> labeled blocks -> clean article -> topics -> summary.

    from bantin import Pipeline
    nlp = Pipeline.load()                      # embedded default models
    result = nlp(open("page.txt").read())      # ArticleResult
    print(result.to_json())
    for r in nlp.pipe(texts, batch_size=64):   # streaming
        ...

The CLI (`bantin analyze`) builds the same Pipeline and calls ``pipe``; there is no second code path.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bantin.blocks import Page, parse_page
from bantin.data.paths import EMBEDDED_MODELS_DIR
from bantin.errors import BantinError, BantinInputError, BantinModelError
from bantin.labels import to_binary

STAGES = ("clean", "topics", "summary")
TASK_DIRS = {"boilerplate": "boilerplate", "topics": "topics", "summarize": "summarize"}


@dataclass
class BlockResult:
    index: int
    text: str
    label: str
    score: float | None
    is_content: bool


@dataclass
class TopicScore:
    label: str
    score: float


@dataclass
class ArticleResult:
    """Everything bantin found in one page. Serializes with ``to_dict``/``to_json``."""

    id: str | None
    source_kind: str
    title: str = ""
    lead: str = ""
    body: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    byline: list[str] = field(default_factory=list)
    blocks: list[BlockResult] = field(default_factory=list)
    topics: list[TopicScore] = field(default_factory=list)
    summary: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def clean_text(self) -> str:
        """The article as plain text: title, lead, then body paragraphs."""
        return "\n".join(p for p in (self.title, self.lead, *self.body) if p)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["clean_text"] = self.clean_text
        return d

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_markdown(self) -> str:
        lines = [f"# {self.title or '(no title found)'}", ""]
        if self.lead:
            lines += [f"**{self.lead}**", ""]
        for p in self.body:
            lines += [p, ""]
        if self.byline:
            lines += ["*" + " · ".join(self.byline) + "*", ""]
        if self.topics:
            lines += ["**Chủ đề / topics:** " + ", ".join(f"{t.label} ({t.score:.2f})" for t in self.topics), ""]
        if self.summary:
            lines += ["**Tóm tắt / summary:** " + self.summary, ""]
        return "\n".join(lines).rstrip() + "\n"

    def to_text(self) -> str:
        parts = [self.clean_text]
        if self.topics:
            parts.append("Topics: " + ", ".join(f"{t.label} ({t.score:.2f})" for t in self.topics))
        if self.summary:
            parts.append("Summary: " + self.summary)
        return "\n\n".join(p for p in parts if p)


@dataclass
class FailedRecord:
    """A record of a batch that could not be analyzed; batches report these and go on."""

    id: str | None
    error: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "error": self.error}

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


def _load_stage(task: str, path: str | Path | None):
    from bantin.models.base import load_model

    path = Path(path) if path is not None else EMBEDDED_MODELS_DIR / TASK_DIRS[task]
    return load_model(path, task=task)


class Pipeline:
    """Boilerplate labeler + topic classifier + summarizer. Any stage can be None (skipped) or swapped."""

    def __init__(self, boilerplate=None, topics=None, summarizer=None, *, top_k: int = 3, summary_sentences: int = 2, min_topic_score: float = 0.0,
                 summary_syllables: int | None = None):
        self.boilerplate = boilerplate
        self.topics = topics
        self.summarizer = summarizer
        self.top_k = top_k
        self.summary_sentences = summary_sentences
        #: optional summary length budget in syllables (on top of summary_sentences; see Summarizer.summarize_sentences)
        if summary_syllables is not None and (isinstance(summary_syllables, bool) or not isinstance(summary_syllables, int) or summary_syllables < 1):
            raise BantinInputError(f"summary_syllables must be a positive integer, got {summary_syllables!r}")
        self.summary_syllables = summary_syllables
        self.min_topic_score = min_topic_score

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        *,
        boilerplate: str | Path | None = None,
        topics: str | Path | None = None,
        summarize: str | Path | None = None,
        stages: Iterable[str] = STAGES,
        **kwargs: Any,
    ) -> Pipeline:
        """Load models: ``path`` is a folder with boilerplate/, topics/, summarize/ model directories (any
        missing one falls back to the embedded default); per-stage arguments override single stages.
        ``stages`` picks what runs: 'clean' always runs since topics and summary read the clean article."""
        stages = set(stages)
        unknown = stages - set(STAGES)
        if unknown:
            raise BantinInputError(f"unknown stage(s) {', '.join(sorted(unknown))}; expected {', '.join(STAGES)}")
        if path is not None:
            root = Path(path)
            if not root.is_dir():
                raise BantinModelError(f"model folder {root} does not exist")
            if not any((root / d).is_dir() for d in TASK_DIRS.values()) and not (root / "bantin_model.json").exists():
                raise BantinModelError(f"{root} holds none of boilerplate/, topics/, summarize/")
            boilerplate = boilerplate or (root / "boilerplate" if (root / "boilerplate").is_dir() else None)
            topics = topics or (root / "topics" if (root / "topics").is_dir() else None)
            summarize = summarize or (root / "summarize" if (root / "summarize").is_dir() else None)
        return cls(
            boilerplate=_load_stage("boilerplate", boilerplate),
            topics=_load_stage("topics", topics) if "topics" in stages else None,
            summarizer=_load_stage("summarize", summarize) if "summary" in stages else None,
            **kwargs,
        )

    # -- single page -----------------------------------------------------------------------
    def __call__(self, source: str | bytes | Path | Page, kind: str = "auto", id: str | None = None) -> ArticleResult:
        return self._finish([self._clean(self._to_page(source, kind, id))])[0]

    @staticmethod
    def _to_page(source: str | bytes | Path | Page, kind: str, id: str | None) -> Page:
        if isinstance(source, Page):
            return source
        if isinstance(source, Path):
            from bantin.blocks import load_page

            return load_page(source, kind=kind)
        return parse_page(source, kind=kind, page_id=id)

    def _clean(self, page: Page) -> ArticleResult:
        from bantin.boilerplate.extract import extract_article

        if self.boilerplate is None:
            raise BantinModelError("the pipeline has no boilerplate model")
        labeled = self.boilerplate.label_page(page)
        article = extract_article(labeled)
        result = ArticleResult(
            id=page.id,
            source_kind=page.source_kind,
            title=article.title,
            lead=article.lead,
            body=list(article.body),
            captions=list(article.captions),
            byline=list(article.byline),
            blocks=[
                BlockResult(b.index, b.text, b.label, None if b.score is None else round(float(b.score), 4), to_binary(b.label) == "content")
                for b in labeled.blocks
            ],
        )
        if not result.body and not result.lead:
            result.warnings.append("no article content found on this page")
        return result

    def _finish(self, results: list[ArticleResult]) -> list[ArticleResult]:
        with_text = [r for r in results if r.clean_text]
        if self.topics is not None and with_text:
            for r, topics in zip(with_text, self.topics.top_k([r.clean_text for r in with_text], k=self.top_k)):
                r.topics = [TopicScore(label, round(float(score), 4)) for label, score in topics if score >= self.min_topic_score]
        if self.summarizer is not None:
            for r in with_text:
                r.summary = self.summarizer.summarize_article(title=r.title, lead=r.lead, body=r.body, n_sentences=self.summary_sentences,
                                                              max_syllables=self.summary_syllables)
        return results

    # -- batches ---------------------------------------------------------------------------
    def pipe(
        self,
        items: Iterable[str | bytes | Page | tuple[str, str | bytes]],
        batch_size: int = 32,
        kind: str = "auto",
        errors: str = "raise",
    ) -> Iterator[ArticleResult | FailedRecord]:
        """Analyze a stream of pages. Items are page sources or (id, source) pairs.

        errors='raise' stops at the first bad page; errors='report' yields a FailedRecord (id, reason)
        in its place and goes on, so no input is dropped silently. Output order follows input order.
        """
        if errors not in ("raise", "report"):
            raise ValueError("errors must be 'raise' or 'report'")
        batch: list[ArticleResult | FailedRecord] = []
        for n, item in enumerate(items):
            rec_id, source = item if isinstance(item, tuple) else (None, item)
            try:
                batch.append(self._clean(self._to_page(source, kind, rec_id if rec_id is not None else None)))
                if batch[-1].id is None:
                    batch[-1].id = str(n) if rec_id is None else rec_id
            except BantinError as exc:
                if errors == "raise":
                    raise
                batch.append(FailedRecord(rec_id if rec_id is not None else str(n), str(exc)))
            if len(batch) >= batch_size:
                yield from self._flush(batch, errors)
                batch = []
        if batch:
            yield from self._flush(batch, errors)

    def _flush(self, batch: list[ArticleResult | FailedRecord], errors: str) -> Iterator[ArticleResult | FailedRecord]:
        ok = [r for r in batch if isinstance(r, ArticleResult)]
        try:
            self._finish(ok)
        except BantinError:
            if errors == "raise":
                raise
            # Find the culprit(s): redo the batch one article at a time so that only bad ones fail.
            for i, r in enumerate(batch):
                if isinstance(r, ArticleResult):
                    try:
                        self._finish([r])
                    except BantinError as exc:
                        batch[i] = FailedRecord(r.id, str(exc))
        yield from batch
