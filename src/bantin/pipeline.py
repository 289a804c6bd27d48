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
from bantin.tasks import TASKS

STAGES = tuple(t.stage for t in TASKS.values())
TASK_DIRS = {name: t.model_dir for name, t in TASKS.items()}


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


def _reason(exc: BaseException) -> str:
    """A failure as one line: bantin's own errors by their message, anything else with its type as well."""
    if isinstance(exc, BantinError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "out of memory while analyzing this page"
    return f"internal error ({type(exc).__name__}: {exc})"


def _load_stage(task: str, path: str | Path | None):
    from bantin.models.base import load_model

    if path is not None:  # the tasks' one model-spec resolver: "default", embedded models by name (--topics-model vntc10), a folder
        path = TASKS[task].resolve_model(path)
    model = load_model(Path(path) if path is not None else EMBEDDED_MODELS_DIR / TASK_DIRS[task], task=task)
    # Where the model came from, so that a Pipeline pickles as "reload from these directories" (never the weights).
    # None = the embedded default, resolved again on the other side (another venv, another node).
    model._bantin_model_dir = None if path is None else str(Path(path).resolve())
    return model


def _model_ref(task: str, model: Any) -> tuple[bool, str | None]:
    """(used, directory) of one stage for pickling: (False, None) for a skipped stage."""
    if model is None:
        return False, None
    if not hasattr(model, "_bantin_model_dir"):
        import pickle

        raise pickle.PicklingError(
            f"the {task} model was not loaded from a model directory, so the Pipeline cannot be sent to another process; "
            "save it (model.save(dir)) and build the pipeline with Pipeline.load(...)"
        )
    return True, model._bantin_model_dir


def _restore_pipeline(refs: dict[str, tuple[bool, str | None]], options: dict[str, Any]) -> Pipeline:
    """Unpickle a Pipeline: load each used stage from its directory (or the embedded default)."""
    stages = {task: _load_stage(task, path) if used else None for task, (used, path) in refs.items()}
    return Pipeline(boilerplate=stages["boilerplate"], topics=stages["topics"], summarizer=stages["summarize"], **options)


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

    def __reduce__(self):
        # Picklable by reloading from the model directories (multiprocessing workers, Ray actors); model files are never pickled.
        refs = {"boilerplate": _model_ref("boilerplate", self.boilerplate), "topics": _model_ref("topics", self.topics),
                "summarize": _model_ref("summarize", self.summarizer)}
        options = {"top_k": self.top_k, "summary_sentences": self.summary_sentences, "min_topic_score": self.min_topic_score}
        return _restore_pipeline, (refs, options)

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
        result.warnings.extend(labeled.meta.get("warnings", []))
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
        n_process: int = 1,
        text_column: str = "text",
        id_column: str = "id",
    ) -> Iterator[ArticleResult | FailedRecord]:
        """Analyze a stream of pages. Items are page sources or (id, source) pairs, or a ``datasets.Dataset``
        (pages from ``text_column``, ids from ``id_column`` when it has one).

        errors='raise' stops at the first bad page; errors='report' yields a FailedRecord (id, reason)
        in its place and goes on, so no input is dropped silently, whatever the failure (a BantinError, a
        MemoryError, any other exception). Output order follows input order. A Pipeline may be shared by threads.
        n_process > 1 runs batches in that many worker processes (each loads the models once; see
        ``bantin.parallel``); results and failures are the same as with one process.
        """
        if errors not in ("raise", "report"):
            raise ValueError("errors must be 'raise' or 'report'")
        if type(items).__module__.startswith("datasets.") and hasattr(items, "column_names"):
            from bantin.io.tabular import dataset_items

            items = dataset_items(items, text_column=text_column, id_column=id_column)
        if n_process != 1:
            from bantin.parallel import pipe_parallel

            yield from pipe_parallel(self, items, batch_size=batch_size, kind=kind, errors=errors, n_process=n_process)
            return
        yield from self._pipe_serial(items, batch_size, kind, errors)

    def _pipe_serial(self, items: Iterable, batch_size: int, kind: str, errors: str, start: int = 0) -> Iterator[ArticleResult | FailedRecord]:
        batch: list[ArticleResult | FailedRecord] = []
        for n, item in enumerate(items, start):
            rec_id, source = item if isinstance(item, tuple) else (None, item)
            try:
                batch.append(self._clean(self._to_page(source, kind, rec_id if rec_id is not None else None)))
                if batch[-1].id is None:
                    batch[-1].id = str(n) if rec_id is None else rec_id
            except Exception as exc:  # any per-record failure (MemoryError included) is reported, the run goes on
                if errors == "raise":
                    raise
                batch.append(FailedRecord(rec_id if rec_id is not None else str(n), _reason(exc)))
            if len(batch) >= batch_size:
                yield from self._flush(batch, errors)
                batch = []
        if batch:
            yield from self._flush(batch, errors)

    def map_dataset(self, dataset, text_column: str = "text", id_column: str = "id", batch_size: int = 32, kind: str = "auto",
                    blocks: bool = False, num_proc: int | None = None):
        """A ``datasets.Dataset`` with the analysis as flat columns added (title, lead, body, topics, topic_scores,
        summary, warnings, error; ``blocks`` too when asked). Bad pages get ``error`` set instead of failing the map."""
        from bantin.io.tabular import map_dataset

        return map_dataset(self, dataset, text_column=text_column, id_column=id_column, batch_size=batch_size, kind=kind,
                           blocks=blocks, num_proc=num_proc)

    def _flush(self, batch: list[ArticleResult | FailedRecord], errors: str) -> Iterator[ArticleResult | FailedRecord]:
        ok = [r for r in batch if isinstance(r, ArticleResult)]
        try:
            self._finish(ok)
        except Exception:
            if errors == "raise":
                raise
            # Find the culprit(s): redo the batch one article at a time so that only bad ones fail.
            for i, r in enumerate(batch):
                if isinstance(r, ArticleResult):
                    try:
                        self._finish([r])
                    except Exception as exc:
                        batch[i] = FailedRecord(r.id, _reason(exc))
        yield from batch
