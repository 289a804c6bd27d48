"""One pipeline for the three tasks: page -> labeled blocks -> clean article -> topics -> summary.

    from bantin import Pipeline
    nlp = Pipeline.load()                      # embedded default models
    result = nlp(open("page.txt").read())      # ArticleResult
    print(result.to_json())
    for r in nlp.pipe(texts, batch_size=64):   # streaming
        ...

Stages are named after their tasks (``bantin.tasks.TASKS``): ``boilerplate`` (labeled blocks and the clean
article), ``topics`` and ``summarize``; the same names are used by ``Pipeline.load`` (``boilerplate=``,
``topics=``, ``summarize=``, ``stages=``), the pipeline's attributes, ``--only`` and ``--<stage>-model`` on the
command line and the service. The old spellings ``clean`` (boilerplate), ``summary`` and ``summarizer``
(summarize) still work and warn (``STAGE_ALIASES``).

Each stage has ``pipe(items, batch_size)``: it runs its model once per batch of records (boilerplate: the labeler's
``label_pages``; topics: ``top_k``; summarize: ``predict`` over the batch's documents) and lets records that failed
upstream (``FailedRecord``) pass in place. ``Pipeline.pipe`` parses the pages and chains the stages' ``pipe``.
A batch in which one record fails is redone one record at a time, so only that record becomes a FailedRecord.

The CLI (`bantin analyze`) builds the same Pipeline and calls ``pipe``; there is no second code path.
"""

from __future__ import annotations

import copy
import json
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar

from bantin.blocks import Page, parse_page
from bantin.boilerplate.extract import ArticleText
from bantin.errors import BantinError, BantinInputError, BantinModelError
from bantin.labels import to_binary
from bantin.parallel import chunked
from bantin.tasks import TASKS

#: The pipeline's stages, in running order: the task names.
STAGES: tuple[str, ...] = tuple(TASKS)
#: Old spellings of stage names, still accepted with a FutureWarning.
STAGE_ALIASES: dict[str, str] = {"clean": "boilerplate", "summary": "summarize", "summarizer": "summarize"}
TASK_DIRS = {name: t.model_dir for name, t in TASKS.items()}
#: Version of the JSON the service reports (``GET /health``). 2: stage names are the task names (boilerplate, topics,
#: summarize; was clean, topics, summary). A result's JSON (``ArticleResult.to_dict``) is unchanged from version 1.
SCHEMA_VERSION = 2


def resolve_stages(names: str | Iterable[str], warn: Callable[[str], None] | None = None) -> list[str]:
    """Canonical stage names, in pipeline order. An old spelling (``clean``, ``summary``, ``summarizer``) is mapped to
    its stage with a deprecation message (``warn``; default: a FutureWarning); an unknown name is a BantinInputError."""
    out: set[str] = set()
    for name in [names] if isinstance(names, str) else names:
        if name in STAGE_ALIASES:
            new = STAGE_ALIASES[name]
            (warn or _future_warning)(f"stage name {name!r} is deprecated; use {new!r}")
            name = new
        if name not in STAGES:
            raise BantinInputError(f"unknown stage {name!r}; expected {', '.join(STAGES)}")
        out.add(name)
    return [s for s in STAGES if s in out]


def _future_warning(message: str) -> None:
    warnings.warn(message, FutureWarning, stacklevel=4)


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


def _plain(value: Any) -> Any:
    """A result field as JSON-ready data: lists copied, BlockResult/TopicScore as dicts."""
    if isinstance(value, list):
        return [dict(vars(v)) if isinstance(v, (BlockResult, TopicScore)) else v for v in value]
    return value


#: The keys of a result's JSON, in order (``clean_text`` is added after them); ``content`` (every content block's
#: text, inherited from ArticleText) is left out: the labeled blocks hold it; so is ``dates`` (the byline's
#: date/time lines, which ``byline`` holds).
JSON_FIELDS = ("id", "source_kind", "title", "lead", "body", "captions", "byline", "blocks", "topics", "summary", "warnings")


@dataclass(kw_only=True)
class ArticleResult(ArticleText):
    """Everything bantin found in one page: the clean article (the fields of ``ArticleText``: title, lead, body,
    captions, byline, content) plus where it came from, its labeled blocks, topics, summary and warnings.
    Serializes with ``to_dict``/``to_json`` (keys ``JSON_FIELDS`` and ``clean_text``)."""

    id: str | None
    source_kind: str
    blocks: list[BlockResult] = field(default_factory=list)
    topics: list[TopicScore] = field(default_factory=list)
    summary: str = ""
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def from_article(cls, article: ArticleText, **kwargs: Any) -> ArticleResult:
        """A result holding ``article``'s fields; ``kwargs`` sets the others (id and source_kind are required)."""
        return cls(**{f.name: getattr(article, f.name) for f in fields(ArticleText)}, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        # As dataclasses.asdict, without its generic recursive deep copy (5x faster: ~100 blocks per page).
        d = {k: _plain(getattr(self, k)) for k in JSON_FIELDS}
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


# -- stages ------------------------------------------------------------------------------------
class Stage:
    """One model of the pipeline, run a batch at a time: ``pipe(items, batch_size)`` yields one output per item, in
    order. Items this stage does not work on (a FailedRecord from upstream) pass through unchanged.

    errors='report': a batch that raises is redone one record at a time and only the records that fail become
    FailedRecords (id and reason); errors='raise': the first failure propagates."""

    name: ClassVar[str]

    def __init__(self, model: Any, errors: str = "report") -> None:
        if errors not in ("raise", "report"):
            raise ValueError("errors must be 'raise' or 'report'")
        self.model, self.errors = model, errors

    def accepts(self, item: Any) -> bool:
        return isinstance(item, ArticleResult)

    def process(self, items: list[Any]) -> list[Any]:
        """The stage's outputs for a batch of accepted items (one model call per batch)."""
        raise NotImplementedError

    def pipe(self, items: Iterable[Any], batch_size: int = 32) -> Iterator[ArticleResult | FailedRecord]:
        for batch in chunked(items, max(1, batch_size)):
            yield from self.run_batch(batch)

    def run_batch(self, batch: list[Any]) -> list[ArticleResult | FailedRecord]:
        todo = [i for i, item in enumerate(batch) if self.accepts(item)]
        if not todo:
            return batch
        out = list(batch)
        try:
            done = self.process([batch[i] for i in todo])
        except Exception:  # any per-record failure (MemoryError included) is reported, the run goes on
            if self.errors == "raise":
                raise
            done = [self._one(batch[i]) for i in todo]  # find the culprit(s): only the bad records fail
        for i, res in zip(todo, done):
            out[i] = res
        return out

    def _one(self, item: Any) -> ArticleResult | FailedRecord:
        try:
            return self.process([item])[0]
        except Exception as exc:
            return FailedRecord(getattr(item, "id", None), _reason(exc))


class BoilerplateStage(Stage):
    """Pages -> ArticleResults: labeled blocks (the labeler's ``label_pages`` over the batch) and the clean article."""

    name = "boilerplate"

    def accepts(self, item: Any) -> bool:
        return isinstance(item, Page)

    def process(self, pages: list[Page]) -> list[ArticleResult]:
        from bantin.boilerplate.extract import extract_article

        if self.model is None:
            raise BantinModelError("the pipeline has no boilerplate model")
        results = []
        for page, labeled in zip(pages, self.model.label_pages(pages)):
            result = ArticleResult.from_article(
                extract_article(labeled),
                id=page.id,
                source_kind=page.source_kind,
                blocks=[BlockResult(b.index, b.text, b.label, None if b.score is None else round(float(b.score), 4), to_binary(b.label) == "content")
                        for b in labeled.blocks],
                warnings=list(labeled.meta.get("warnings", [])),
            )
            if not result.body and not result.lead:
                result.warnings.append("no article content found on this page")
            results.append(result)
        return results


class TopicsStage(Stage):
    """Topics of the clean articles (one ``top_k`` call per batch); pages without article text get none."""

    name = "topics"

    def __init__(self, model: Any, errors: str = "report", *, top_k: int = 3, min_score: float = 0.0, labels: list[str] | None = None) -> None:
        super().__init__(model, errors)
        self.top_k, self.min_score, self.labels = top_k, min_score, labels

    def process(self, results: list[ArticleResult]) -> list[ArticleResult]:
        with_text = [r for r in results if r.clean_text]
        if with_text:
            kw = {"labels": self.labels} if self.labels else {}  # answers within a subset of the model's labels
            for r, topics in zip(with_text, self.model.top_k([r.clean_text for r in with_text], k=self.top_k, **kw)):
                r.topics = [TopicScore(label, round(float(score), 4)) for label, score in topics if score >= self.min_score]
        return results


class SummarizeStage(Stage):
    """Summaries of the clean articles: one ``predict`` call per batch over the articles that have sentences."""

    name = "summarize"

    def __init__(self, model: Any, errors: str = "report", *, n_sentences: int = 2, max_syllables: int | None = None) -> None:
        super().__init__(model, errors)
        self.n_sentences, self.max_syllables = n_sentences, max_syllables

    def process(self, results: list[ArticleResult]) -> list[ArticleResult]:
        from bantin.summarize.base import make_document

        backend = getattr(self.model, "sentence_backend", "underthesea")
        docs = [(r, make_document(r.title, r.lead, r.body, sentence_backend=backend)) for r in results if r.clean_text]
        docs = [(r, d) for r, d in docs if d.sentences]
        if docs:
            summaries = self.model.predict([d for _, d in docs], self.n_sentences, self.max_syllables)
            for (r, _), summary in zip(docs, summaries):
                r.summary = summary
        return results


STAGE_TYPES: dict[str, type[Stage]] = {s.name: s for s in (BoilerplateStage, TopicsStage, SummarizeStage)}
assert tuple(STAGE_TYPES) == STAGES, "a task without a pipeline stage (or the other way round)"


# -- loading and pickling ----------------------------------------------------------------------
def _load_stage(task: str, path: str | Path | None):
    from bantin.models.base import load_model

    if path is not None:  # the tasks' one model-spec resolver: "default", embedded models by name (--topics-model vntc10), a folder
        path = TASKS[task].resolve_model(path)
    model = load_model(Path(path) if path is not None else TASKS[task].embedded_model_dir(), task=task)
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
    refs = {STAGE_ALIASES.get(k, k): v for k, v in refs.items()}
    return Pipeline(**{task: _load_stage(task, path) if used else None for task, (used, path) in refs.items()}, **options)


class Pipeline:
    """Boilerplate labeler + topic classifier + summarizer, one attribute per stage (``boilerplate``, ``topics``,
    ``summarize``). Any stage can be None (skipped) or swapped."""

    def __init__(self, boilerplate=None, topics=None, summarize=None, *, top_k: int = 3, summary_sentences: int = 2, min_topic_score: float = 0.0,
                 summary_syllables: int | None = None, summarizer=None, topic_labels: list[str] | None = None):
        if summarizer is not None:
            _future_warning("Pipeline(summarizer=...) is deprecated; use Pipeline(summarize=...)")
            if summarize is not None:
                raise BantinInputError("give summarize= or the deprecated summarizer=, not both")
            summarize = summarizer
        self.boilerplate = boilerplate
        self.topics = topics
        self.summarize = summarize
        self.top_k = top_k
        self.summary_sentences = summary_sentences
        #: optional summary length budget in syllables (on top of summary_sentences; see Summarizer.summarize_sentences)
        if summary_syllables is not None and (isinstance(summary_syllables, bool) or not isinstance(summary_syllables, int) or summary_syllables < 1):
            raise BantinInputError(f"summary_syllables must be a positive integer, got {summary_syllables!r}")
        self.summary_syllables = summary_syllables
        self.min_topic_score = min_topic_score
        #: answer topics only within these labels of the topics model (None: all of them)
        self.topic_labels = list(topic_labels) if topic_labels else None
        if self.topic_labels and topics is not None and hasattr(topics, "label_mask"):
            topics.label_mask(self.topic_labels)  # unknown labels: BantinInputError now, not per page

    @property
    def summarizer(self):
        """Deprecated name of ``summarize`` (the summarization model)."""
        _future_warning("Pipeline.summarizer is deprecated; use Pipeline.summarize")
        return self.summarize

    @property
    def loaded_stages(self) -> list[str]:
        """The stages that have a model, in running order."""
        return [name for name in STAGES if getattr(self, name) is not None]

    def stages(self, errors: str = "report") -> list[Stage]:
        """The pipeline's stages with a model, in running order, each with its ``pipe(items, batch_size)``."""
        options = {"topics": {"top_k": self.top_k, "min_score": self.min_topic_score, "labels": self.topic_labels},
                   "summarize": {"n_sentences": self.summary_sentences, "max_syllables": self.summary_syllables}}
        if self.boilerplate is None:
            raise BantinModelError("the pipeline has no boilerplate model")
        return [STAGE_TYPES[name](getattr(self, name), errors, **options.get(name, {})) for name in self.loaded_stages]

    def __reduce__(self):
        # Picklable by reloading from the model directories (multiprocessing workers, Ray actors); model files are never pickled.
        refs = {name: _model_ref(name, getattr(self, name)) for name in STAGES}
        options = {"top_k": self.top_k, "summary_sentences": self.summary_sentences, "min_topic_score": self.min_topic_score,
                   "summary_syllables": self.summary_syllables, "topic_labels": self.topic_labels}
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
        ``stages`` picks what runs: 'boilerplate' always runs since topics and summarize read the clean article."""
        stages = set(resolve_stages(stages))
        dirs = {"boilerplate": boilerplate, "topics": topics, "summarize": summarize}
        if path is not None:
            root = Path(path)
            if not root.is_dir():
                raise BantinModelError(f"model folder {root} does not exist")
            if not any((root / d).is_dir() for d in TASK_DIRS.values()) and not (root / "bantin_model.json").exists():
                raise BantinModelError(f"{root} holds none of {', '.join(d + '/' for d in TASK_DIRS.values())}")
            dirs = {t: d or (root / TASK_DIRS[t] if (root / TASK_DIRS[t]).is_dir() else None) for t, d in dirs.items()}
        return cls(**{t: _load_stage(t, d) if t == "boilerplate" or t in stages else None for t, d in dirs.items()}, **kwargs)

    # -- single page -----------------------------------------------------------------------
    def __call__(self, source: str | bytes | Path | Page, kind: str = "auto", id: str | None = None) -> ArticleResult:
        page = self._to_page(source, kind, id)
        items: list[Any] = [page]
        for stage in self.stages(errors="raise"):
            items = stage.run_batch(items)
        return items[0]

    @staticmethod
    def _to_page(source: str | bytes | Path | Page, kind: str, id: str | None) -> Page:
        if isinstance(source, Page):
            return source
        if isinstance(source, Path):
            from bantin.blocks import load_page

            return load_page(source, kind=kind)
        return parse_page(source, kind=kind, page_id=id)

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
        Pages go through the stages ``batch_size`` at a time (each stage calls its model once per batch).
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

    def _pages(self, items: Iterable[Any], kind: str, errors: str, start: int = 0) -> Iterator[Page | FailedRecord]:
        """Parse each item into a Page whose id is the item's id, else its position; a bad one becomes a FailedRecord."""
        for n, item in enumerate(items, start):
            rec_id, source = item if isinstance(item, tuple) else (None, item)
            try:
                page = self._to_page(source, kind, rec_id)
            except Exception as exc:  # any per-record failure (MemoryError included) is reported, the run goes on
                if errors == "raise":
                    raise
                yield FailedRecord(rec_id if rec_id is not None else str(n), _reason(exc))
                continue
            if page.id is None:
                page = copy.copy(page)  # never change the caller's Page
                page.id = str(n) if rec_id is None else rec_id
            yield page

    def _pipe_serial(self, items: Iterable, batch_size: int, kind: str, errors: str, start: int = 0) -> Iterator[ArticleResult | FailedRecord]:
        stream: Iterable[Any] = self._pages(items, kind, errors, start)
        for stage in self.stages(errors):
            stream = stage.pipe(stream, batch_size)
        yield from stream

    def map_dataset(self, dataset, text_column: str = "text", id_column: str = "id", batch_size: int = 32, kind: str = "auto",
                    blocks: bool = False, num_proc: int | None = None):
        """A ``datasets.Dataset`` with the analysis as flat columns added (title, lead, body, topics, topic_scores,
        summary, warnings, error; ``blocks`` too when asked). Bad pages get ``error`` set instead of failing the map."""
        from bantin.io.tabular import map_dataset

        return map_dataset(self, dataset, text_column=text_column, id_column=id_column, batch_size=batch_size, kind=kind,
                           blocks=blocks, num_proc=num_proc)

