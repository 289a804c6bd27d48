"""Batch analysis of files, directories, globs, stdin and JSONL records: the core of `bantin analyze`,
usable from Python as well (``analyze_paths``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bantin.io.inputs import InputRecord, iter_inputs
from bantin.pipeline import STAGES, ArticleResult, FailedRecord, Pipeline, resolve_stages

FORMATS = ("json", "jsonl", "text", "markdown")


@dataclass
class AnalyzeOptions:
    """Everything `bantin analyze` can be told; the CLI only fills this in."""

    kind: str = "auto"  # auto | text | html | markdown (bantin.blocks.KINDS)
    only: list[str] = field(default_factory=lambda: list(STAGES))  # boilerplate, topics, summarize (old names warn)
    models: Path | None = None
    boilerplate_model: Path | None = None
    topics_model: Path | None = None
    summarize_model: Path | None = None
    top_k: int = 3
    topic_labels: list[str] | None = None  # answer topics only within these labels
    summary_sentences: int = 2
    summary_syllables: int | None = None
    batch_size: int = 32
    stdin_jsonl: bool = False
    workers: int = 1  # > 1: worker processes (bantin.parallel)

    def __post_init__(self) -> None:
        self.only = resolve_stages(self.only)

    def build_pipeline(self) -> Pipeline:
        return Pipeline.load(
            self.models,
            boilerplate=self.boilerplate_model,
            topics=self.topics_model,
            summarize=self.summarize_model,
            stages=self.only,
            top_k=self.top_k,
            topic_labels=self.topic_labels,
            summary_sentences=self.summary_sentences,
            summary_syllables=self.summary_syllables,
        )


def analyze_records(records: Iterator[InputRecord], pipeline: Pipeline, options: AnalyzeOptions,
                    finish: Callable[[ArticleResult | FailedRecord], Any] | None = None) -> Iterator[Any]:
    """Run the pipeline over input records; unreadable records come out as FailedRecord, in order.
    ``finish`` (picklable: a module-level function or a ``functools.partial`` of one), when given, is applied to
    each result where it is made, in the worker processes with ``options.workers`` > 1, so that the parent only
    gets what ``finish`` returns (``render_result``: the output text)."""
    if options.workers != 1:
        from bantin.parallel import analyze_records_parallel

        yield from analyze_records_parallel(records, pipeline, options, finish)
        return
    if finish is not None:
        yield from map(finish, analyze_records(records, pipeline, options))
        return
    pending: list[InputRecord] = []

    def run(chunk: list[InputRecord]) -> Iterator[ArticleResult | FailedRecord]:
        good = [(r.id, r.content) for r in chunk if r.error is None]
        results = iter(pipeline.pipe(good, batch_size=options.batch_size, kind=options.kind, errors="report")) if good else iter(())
        for r in chunk:
            if r.error is not None:
                yield FailedRecord(r.id, r.error)
            else:
                res = next(results)
                if isinstance(res, ArticleResult):
                    if r.kind == "html" and options.kind == "auto":
                        res.source_kind = "html"
                    res.warnings[:0] = r.warnings  # what reading the input changed comes first
                yield res

    for rec in records:
        pending.append(rec)
        if len(pending) >= options.batch_size:
            yield from run(pending)
            pending = []
    if pending:
        yield from run(pending)


def analyze_paths(paths: list[str], options: AnalyzeOptions | None = None, pipeline: Pipeline | None = None,
                  finish: Callable[[ArticleResult | FailedRecord], Any] | None = None) -> Iterator[Any]:
    """Analyze pages from paths (files, directories, globs, '-' for stdin, JSONL files of records); ``finish`` as in
    ``analyze_records``."""
    options = options or AnalyzeOptions()
    pipeline = pipeline or options.build_pipeline()
    yield from analyze_records(iter_inputs(paths, stdin_jsonl=options.stdin_jsonl), pipeline, options, finish)


def render(result: ArticleResult | FailedRecord, fmt: str) -> str:
    """One result in an output format (json is indented; jsonl is one line)."""
    if isinstance(result, FailedRecord):
        return result.to_json(indent=2 if fmt == "json" else None)
    if fmt == "json":
        return result.to_json(indent=2)
    if fmt == "jsonl":
        return result.to_json()
    if fmt == "markdown":
        return result.to_markdown()
    return result.to_text()


@dataclass
class Rendered:
    """One result as it goes out: its output text, and what the command line reports about it."""

    id: str | None
    text: str
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def render_result(result: ArticleResult | FailedRecord, fmt: str, only: list[str], blocks: bool = True) -> Rendered:
    """A result rendered for `bantin analyze` output (failures are written in JSON/JSONL only)."""
    if isinstance(result, FailedRecord):
        return Rendered(result.id, render(result, fmt) + "\n" if fmt in ("json", "jsonl") else "", result.error)
    if not blocks:
        result.blocks = []
    text = render(strip_stages(result, only), fmt) + ("\n" if fmt in ("json", "jsonl") else "\n\n")
    return Rendered(result.id, text, warnings=list(result.warnings))


def strip_stages(result: ArticleResult, only: list[str]) -> ArticleResult:
    """Drop what was not asked for, so `--only topics` prints topics and not the whole article (the boilerplate
    stage always runs, since the others read its clean article; the title and clean_text stay)."""
    if "boilerplate" not in only:
        result.blocks = []
        result.body, result.captions, result.byline, result.content = [], [], [], []
        result.lead = ""
    if "topics" not in only:
        result.topics = []
    if "summarize" not in only:
        result.summary = ""
    return result
