"""`bantin analyze` and `bantin bench`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from bantin.analyze import FORMATS, AnalyzeOptions, analyze_paths, render, strip_stages
from bantin.cli import app, fail
from bantin.errors import BantinError
from bantin.pipeline import STAGES, FailedRecord
from bantin.io.inputs import expand_paths


@app.command()
def analyze(
    paths: Annotated[list[str], typer.Argument(help="page files (.txt/.html), directories, globs, JSONL files of records, or - for stdin")],
    format: Annotated[Optional[str], typer.Option("--format", "-f", help="json | jsonl | text | markdown (default: json for one page, jsonl for more)")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="write here instead of stdout")] = None,
    only: Annotated[Optional[list[str]], typer.Option("--only", help="clean | topics | summary (repeatable or comma-separated)")] = None,
    kind: Annotated[str, typer.Option(help="auto | text | html")] = "auto",
    models: Annotated[Optional[Path], typer.Option(help="folder with boilerplate/, topics/, summarize/ model dirs")] = None,
    boilerplate_model: Annotated[Optional[Path], typer.Option("--boilerplate-model", help="boilerplate model dir")] = None,
    topics_model: Annotated[Optional[Path], typer.Option("--topics-model", help="topics model dir")] = None,
    summarize_model: Annotated[Optional[Path], typer.Option("--summarize-model", help="summarization model dir")] = None,
    top_k: Annotated[int, typer.Option(help="topics to report")] = 3,
    summary_sentences: Annotated[Optional[int], typer.Option(help="sentences in the summary (default 2; with --summary-syllables: at most this many, default 10)")] = None,
    summary_syllables: Annotated[Optional[int], typer.Option(help="summary length budget in syllables, e.g. 60 (whole sentences, the best first)")] = None,
    batch_size: Annotated[int, typer.Option(help="pages per batch")] = 32,
    stdin_jsonl: Annotated[bool, typer.Option("--stdin-jsonl", help="read stdin as JSONL records")] = False,
    progress: Annotated[Optional[bool], typer.Option(help="progress bar on stderr (default: when more than 3 inputs)")] = None,
) -> None:
    """Clean, classify and summarize pages. Bad inputs are reported (id, reason) and the run goes on;
    the exit code is 1 if any input failed."""
    stages = [s.strip() for item in (only or list(STAGES)) for s in item.split(",") if s.strip()]
    if any(s not in STAGES for s in stages):
        fail(f"--only takes {', '.join(STAGES)}")
    if format is not None and format not in FORMATS:
        fail(f"--format takes {', '.join(FORMATS)}")
    options = AnalyzeOptions(
        kind=kind,
        only=stages,
        models=models,
        boilerplate_model=boilerplate_model,
        topics_model=topics_model,
        summarize_model=summarize_model,
        top_k=top_k,
        summary_sentences=summary_sentences if summary_sentences is not None else (2 if summary_syllables is None else 10),
        summary_syllables=summary_syllables,
        batch_size=batch_size,
        stdin_jsonl=stdin_jsonl,
    )
    expanded = list(expand_paths(paths))
    many = len(expanded) > 1 or any(str(p).endswith((".jsonl", ".jsonl.gz", ".ndjson")) for p in expanded) or stdin_jsonl
    fmt = format or ("jsonl" if many else "json")
    try:
        pipeline = options.build_pipeline()
    except BantinError as exc:
        fail(str(exc))
    out = open(output, "w", encoding="utf-8") if output else sys.stdout
    n_ok = n_failed = 0
    show_progress = progress if progress is not None else (many and len(expanded) > 3 or any(str(p).endswith((".jsonl", ".jsonl.gz")) for p in expanded))
    from tqdm import tqdm

    bar = tqdm(desc="analyze", unit="page", file=sys.stderr, disable=not show_progress)
    try:
        for res in analyze_paths([str(p) for p in expanded], options, pipeline):
            bar.update(1)
            if isinstance(res, FailedRecord):
                n_failed += 1
                typer.secho(f"failed: {res.id}: {res.error}", fg=typer.colors.YELLOW, err=True)
                if fmt in ("json", "jsonl"):
                    out.write(render(res, fmt) + "\n")
                continue
            n_ok += 1
            out.write(render(strip_stages(res, stages), fmt) + ("\n" if fmt in ("json", "jsonl") else "\n\n"))
    finally:
        bar.close()
        if output:
            out.close()
    if n_failed or (n_ok + n_failed) > 1:
        typer.echo(f"{n_ok} analyzed, {n_failed} failed", err=True)
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
