"""`bantin analyze` and `bantin bench`."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import Annotated, Optional

import typer

from bantin.analyze import FORMATS, AnalyzeOptions, analyze_records, render_result
from bantin.cli import app, fail
from bantin.errors import BantinError, BantinInputError
from bantin.io.inputs import expand_paths, iter_inputs
from bantin.pipeline import STAGES, resolve_stages
from bantin.summarize.base import MAX_SUMMARY_SENTENCES


class _Stdout:
    """stdout as a BatchOutput-like writer: unencodable text is replaced rather than ending the run."""

    def write(self, text: str) -> None:
        try:
            try:
                sys.stdout.write(text)
            except UnicodeEncodeError:
                sys.stdout.write(text.encode("utf-8", "replace").decode("utf-8", "replace"))
        except BrokenPipeError:  # `bantin analyze ... | head`: the reader has gone, stop quietly
            import os

            sys.stdout = open(os.devnull, "w")
            raise typer.Exit(0)
        except OSError as exc:
            raise BantinInputError(f"cannot write the output: {exc.strerror or exc}") from exc

    def flush(self) -> None:
        sys.stdout.flush()


def _skip_done(records, done: set[str], counter: list[int]):
    for rec in records:
        if rec.error is None and rec.id in done:
            counter[0] += 1
            continue
        yield rec


def parse_only(only: list[str] | None) -> list[str]:
    """``--only`` values (repeatable or comma-separated) as stage names; old spellings warn on stderr (not with --quiet)."""
    from bantin.cli import STATE

    items = [s.strip() for item in (only or list(STAGES)) for s in item.split(",") if s.strip()]
    try:
        return resolve_stages(items, warn=lambda msg: None if STATE["quiet"] else typer.echo(f"warning: --only: {msg}", err=True))
    except BantinInputError:
        fail(f"--only takes {', '.join(STAGES)}")


@app.command()
def analyze(
    paths: Annotated[list[str], typer.Argument(help="page files (.txt/.html), directories, globs, JSONL files of records, or - for stdin")],
    format: Annotated[Optional[str], typer.Option("--format", "-f", help="json | jsonl | text | markdown | csv | parquet (default: json for one page, jsonl for more; parquet with --engine ray)")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="write here instead of stdout (atomically: a temporary file renamed at the end)")] = None,
    only: Annotated[Optional[list[str]], typer.Option("--only", help="boilerplate | topics | summarize: what to output (repeatable or comma-separated; boilerplate always runs)")] = None,
    kind: Annotated[str, typer.Option(help="auto (detected) | html | markdown | text (block lines, hard-wrapped or whitespace-separated)")] = "auto",
    models: Annotated[Optional[Path], typer.Option(help="folder with boilerplate/, topics/, summarize/ model dirs")] = None,
    boilerplate_model: Annotated[Optional[Path], typer.Option("--boilerplate-model", help="boilerplate model dir")] = None,
    topics_model: Annotated[Optional[Path], typer.Option("--topics-model", help="topics model dir, or an embedded model by name: default, vntc10 (VNTC-10's own labels)")] = None,
    summarize_model: Annotated[Optional[Path], typer.Option("--summarize-model", help="summarization model dir")] = None,
    top_k: Annotated[int, typer.Option(min=1, help="topics to report")] = 3,
    topic_labels: Annotated[Optional[list[str]], typer.Option("--topic-labels", help="answer topics only within these labels of the model (repeatable or comma-separated), e.g. the labels your own data uses")] = None,
    summary_sentences: Annotated[Optional[int], typer.Option(min=1, max=MAX_SUMMARY_SENTENCES, help="sentences in the summary (default 2; with --summary-syllables: at most this many, default 10)")] = None,
    summary_syllables: Annotated[Optional[int], typer.Option(min=1, help="summary length budget in syllables, e.g. 60 (whole sentences, the best first)")] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="pages per batch")] = 32,
    stdin_jsonl: Annotated[bool, typer.Option("--stdin-jsonl", help="read stdin as JSONL records")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="JSONL output: keep the results already in -o, skip their ids, add the rest")] = False,
    progress: Annotated[Optional[bool], typer.Option(help="progress bar on stderr (default: when more than 3 inputs)")] = None,
    workers: Annotated[int, typer.Option(help="worker processes (each loads the models once; -1: one per CPU); with --engine ray, local Ray CPUs")] = 1,
    engine: Annotated[str, typer.Option(help="local | ray (Ray Data: JSONL/Parquet shards in, Parquet files out; $RAY_ADDRESS joins a cluster)")] = "local",
    no_blocks: Annotated[bool, typer.Option("--no-blocks", help="leave the labeled blocks out of the output")] = False,
) -> None:
    """Clean, classify and summarize pages. Bad inputs are reported (id, reason) and the run goes on;
    the exit code is 1 if any input failed."""
    from bantin.cli import STATE
    from bantin.io.output import BatchOutput, check_output

    quiet = STATE["quiet"]
    stages = parse_only(only)
    from bantin.blocks import KINDS
    from bantin.cli.scale import ENGINES, analyze_tabular
    from bantin.io.tabular import TABULAR_FORMATS

    if kind not in KINDS:
        fail(f"--kind takes {', '.join(KINDS)}")
    if format is not None and format not in FORMATS + TABULAR_FORMATS:
        fail(f"--format takes {', '.join(FORMATS + TABULAR_FORMATS)}")
    if engine not in ENGINES:
        fail(f"--engine takes {', '.join(ENGINES)}")
    if workers < 1 and workers != -1:
        fail("--workers takes a number >= 1, or -1 for one per CPU")
    options = AnalyzeOptions(
        kind=kind,
        only=stages,
        models=models,
        boilerplate_model=boilerplate_model,
        topics_model=topics_model,
        summarize_model=summarize_model,
        top_k=top_k,
        topic_labels=[s.strip() for item in (topic_labels or []) for s in item.split(",") if s.strip()] or None,
        summary_sentences=summary_sentences if summary_sentences is not None else (2 if summary_syllables is None else 10),
        summary_syllables=summary_syllables,
        batch_size=batch_size,
        stdin_jsonl=stdin_jsonl,
        workers=workers,
    )
    try:
        expanded = list(expand_paths(paths))
    except OSError as exc:  # an unreadable directory
        fail(f"cannot list the inputs: {exc}")
    many = len(expanded) > 1 or any(str(p).endswith((".jsonl", ".jsonl.gz", ".ndjson")) for p in expanded) or stdin_jsonl
    fmt = format or ("parquet" if engine == "ray" else "jsonl" if many else "json")
    tabular = fmt in TABULAR_FORMATS or engine != "local"
    if resume and (output is None or fmt != "jsonl"):
        fail("--resume needs JSONL output to a file (-f jsonl -o FILE)")
    try:
        if output is not None and engine == "local":  # Ray writes a folder of Parquet parts and checks it itself
            check_output(output, [p for p in expanded if isinstance(p, Path)])
        pipeline = options.build_pipeline()
        sink = BatchOutput(output, resume=resume) if output is not None and not tabular else None
        if sink is not None:
            sink.__enter__()
    except BantinError as exc:
        fail(str(exc))
    if tabular:
        return analyze_tabular([str(p) for p in expanded], options, pipeline, fmt, output, engine, not no_blocks, progress)
    out = sink if sink is not None else _Stdout()
    n_ok = n_failed = 0
    skipped = [0]
    show_progress = not quiet and (progress if progress is not None else (many and len(expanded) > 3 or any(str(p).endswith((".jsonl", ".jsonl.gz")) for p in expanded)))
    from tqdm import tqdm

    bar = tqdm(desc="analyze", unit="page", file=sys.stderr, disable=not show_progress)
    records = iter_inputs([str(p) for p in expanded], stdin_jsonl=options.stdin_jsonl)
    if sink is not None and sink.done_ids:
        records = _skip_done(records, sink.done_ids, skipped)
    try:
        # Rendering runs where the result is made (in the workers with --workers N): the parent only writes text.
        for res in analyze_records(records, pipeline, options, partial(render_result, fmt=fmt, only=stages, blocks=not no_blocks)):
            bar.update(1)
            if res.error is not None:
                n_failed += 1
                typer.secho(f"failed: {res.id}: {res.error}", fg=typer.colors.YELLOW, err=True)
            else:
                n_ok += 1
                if not quiet:
                    for w in res.warnings:
                        if w != "no article content found on this page":
                            typer.echo(f"warning: {res.id}: {w}", err=True)
            if res.text:
                out.write(res.text)
    except BantinError as exc:  # the output cannot be written
        if sink is not None:
            sink.__exit__(type(exc), exc, None)
        bar.close()
        fail(str(exc))
    except BaseException as exc:
        if sink is not None:
            sink.__exit__(type(exc), exc, None)
        raise
    bar.close()
    if sink is not None:
        try:
            sink.__exit__(None, None, None)
        except BantinError as exc:
            fail(str(exc))
    else:
        try:
            sys.stdout.flush()
        except OSError as exc:
            fail(f"cannot write the output: {exc.strerror or exc}")
    if not quiet and (n_failed or (n_ok + n_failed) > 1 or skipped[0]):
        done = f", {skipped[0]} already in {output} (skipped)" if skipped[0] else ""
        typer.echo(f"{n_ok} analyzed, {n_failed} failed{done}", err=True)
    if n_failed:
        raise typer.Exit(1)


@app.command()
def bench(
    n_pages: Annotated[int, typer.Option("--n-pages", "-n", help="pages to analyze")] = 1000,
    batch_size: Annotated[int, typer.Option(help="pages per batch")] = 64,
    models: Annotated[Optional[Path], typer.Option(help="model folder (default: embedded models)")] = None,
    dataset_dir: Annotated[Optional[Path], typer.Option(help="built dataset folder (default data/built/pages; seeds if absent)")] = None,
    threads: Annotated[Optional[int], typer.Option(help="CPU threads (default: all)")] = None,
    out: Annotated[Path, typer.Option(help="JSON file for the figures")] = Path("experiments/bench_pipeline.json"),
) -> None:
    """Benchmark the default pipeline end to end: articles/s and peak memory; records the run."""
    from bantin.bench import bench_pipeline

    try:
        figures = bench_pipeline(n_pages, batch_size, models, dataset_dir, threads, out)
    except BantinError as exc:
        fail(str(exc))
    for k, v in figures.items():
        typer.echo(f"{k}: {v}")
