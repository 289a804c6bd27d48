"""Batch at scale on the command line: `bantin analyze -f csv|parquet`, `--engine ray`, and `bantin serve`."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated, Optional

import typer

from bantin.cli import app, fail
from bantin.errors import BantinError

ENGINES = ("local", "ray")


def analyze_tabular(paths: list[str], options, pipeline, fmt: str, output: Path | None, engine: str, blocks: bool,
                    progress: bool | None = None) -> None:
    """`bantin analyze` for CSV/Parquet output or the Ray engine; exit code 1 when any input failed, as for JSON."""
    import sys

    n_ok = n_failed = 0
    show_progress = progress if progress is not None else (len(paths) > 3 or any(p.endswith((".jsonl", ".jsonl.gz")) for p in paths))
    try:
        if engine == "ray":
            if fmt != "parquet":
                fail("--engine ray writes Parquet: use -f parquet (the default with --engine ray)")
            if output is None:
                fail("--engine ray needs -o/--output, a folder for the Parquet files")
            from bantin.integrations.ray import analyze_with_ray

            n, failed = analyze_with_ray(paths, output, pipeline, options, blocks=blocks, num_cpus=options.workers if options.workers > 1 else None)
            for rec_id, error in failed:
                typer.secho(f"failed: {rec_id}: {error}", fg=typer.colors.YELLOW, err=True)
            n_ok, n_failed = n - len(failed), len(failed)
        else:
            from tqdm import tqdm

            from bantin.analyze import analyze_paths
            from bantin.io.tabular import TableWriter, flat_columns, flat_record

            columns = flat_columns(options.only, blocks)
            with TableWriter(fmt, output, columns) as writer, \
                    tqdm(desc="analyze", unit="page", file=sys.stderr, disable=not show_progress) as bar:
                # rows are made where the results are (in the workers with --workers N)
                for row in analyze_paths(paths, options, pipeline, finish=partial(flat_record, columns=columns)):
                    bar.update(1)
                    if row["error"] is not None:
                        n_failed += 1
                        typer.secho(f"failed: {row['id']}: {row['error']}", fg=typer.colors.YELLOW, err=True)
                    else:
                        n_ok += 1
                    writer.write(row)
    except BantinError as exc:
        fail(str(exc))
    if n_failed or (n_ok + n_failed) > 1:
        typer.echo(f"{n_ok} analyzed, {n_failed} failed", err=True)
    if n_failed:
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on (127.0.0.1: this machine only)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(help="server processes (each loads the models once)")] = 1,
    models: Annotated[Optional[Path], typer.Option(help="folder with boilerplate/, topics/, summarize/ model dirs")] = None,
    only: Annotated[Optional[list[str]], typer.Option("--only", help="stages to load: boilerplate | topics | summarize")] = None,
    max_bytes: Annotated[int, typer.Option(help="largest request body, bytes (413 above)")] = 5 * 1024 * 1024,
    max_records: Annotated[int, typer.Option(help="most records in one /analyze/batch request (413 above)")] = 1000,
) -> None:
    """Serve the pipeline over HTTP: POST /analyze (one page), POST /analyze/batch (JSON Lines), GET /health."""
    from bantin.serve import serve as run_server

    from bantin.cli.analyze import parse_only

    stages = parse_only(only)
    try:
        run_server(host, port, workers, str(models) if models else None, stages, max_bytes, max_records)
    except BantinError as exc:
        fail(str(exc))
