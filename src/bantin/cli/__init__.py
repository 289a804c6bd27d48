"""The ``bantin`` command line (typer). Every command builds options and calls the same functions
as the Python API; no logic lives here beyond argument handling and error reporting."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from bantin.errors import BantinError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="bantin: clean, classify and summarize Vietnamese news pages.")
data_app = typer.Typer(no_args_is_help=True, help="Build and inspect datasets.")
app.add_typer(data_app, name="data")

from bantin.tasks import TASKS
LOG_LEVELS = ("debug", "info", "warning", "error")
#: Global options (set by the callback below): quiet = only errors on stderr.
STATE = {"quiet": False}


def _print_version(value: bool) -> None:
    if value:
        from bantin import __version__

        typer.echo(f"bantin {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True, help="print the version and exit")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="only errors on stderr: no progress bar, warnings or totals")] = False,
    log_level: Annotated[str, typer.Option("--log-level", help="debug | info | warning | error (messages of bantin's modules on stderr)")] = "warning",
) -> None:
    """bantin: clean, classify and summarize Vietnamese news pages."""
    if log_level.lower() not in LOG_LEVELS:
        fail(f"--log-level takes {', '.join(LOG_LEVELS)}")
    STATE["quiet"] = quiet
    level = logging.ERROR if quiet else getattr(logging, log_level.upper())
    logger = logging.getLogger("bantin")
    logger.setLevel(level)
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s: %(name)s: %(message)s"))
        logger.addHandler(handler)


class _StderrHandler(logging.StreamHandler):
    """Logs to whatever sys.stderr is now (tests swap it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def fail(message: str, code: int = 2) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)




ConfigOpt = Annotated[Optional[Path], typer.Option("--config", "-c", help="YAML/TOML config file (every key has a default)")]
SetOpt = Annotated[Optional[list[str]], typer.Option("--set", "-s", help="override a config key: key.sub=value (repeatable)")]
TrackingOpt = Annotated[str, typer.Option("--tracking", help="jsonl (experiments/results.jsonl) or mlflow (also logs to MLflow)")]


def _run_task(ctx: typer.Context, task: str, verb: str, config: Path | None, set_: list[str] | None, tracking: str) -> None:
    """Call the shared runner, bantin.training.train|evaluate(task, config, overrides, tracking), with CLI error handling."""
    from bantin import training

    if task not in TASKS:
        fail(f"unknown task {task!r}; expected one of {', '.join(TASKS)}")
    overrides = list(set_ or []) + list(ctx.args)
    try:
        getattr(training, verb)(task, config, overrides, tracking=tracking)
    except BantinError as exc:
        fail(str(exc))


TaskArg = Annotated[str, typer.Argument(help=" | ".join(TASKS))]
EXTRA_ARGS = {"allow_extra_args": True, "ignore_unknown_options": False}


@app.command(context_settings=EXTRA_ARGS)
def train(ctx: typer.Context, task: TaskArg, config: ConfigOpt = None, set_: SetOpt = None, tracking: TrackingOpt = "jsonl") -> None:
    """Train a model from a config; trailing key=value arguments override config keys."""
    _run_task(ctx, task, "train", config, set_, tracking)


@app.command(context_settings=EXTRA_ARGS)
def evaluate(ctx: typer.Context, task: TaskArg, config: ConfigOpt = None, set_: SetOpt = None, tracking: TrackingOpt = "jsonl") -> None:
    """Evaluate models and append the scores to experiments/results.jsonl."""
    _run_task(ctx, task, "evaluate", config, set_, tracking)


@app.command()
def report(
    experiments: Annotated[Optional[Path], typer.Option(help="experiments folder (default: ./experiments)")] = None,
    write: Annotated[bool, typer.Option(help="also write RESULTS.md")] = True,
    readme: Annotated[Optional[Path], typer.Option(help="also put the summary table into this README (between its report markers)")] = None,
) -> None:
    """Print the score table (latest and best per task and dataset) and write experiments/RESULTS.md."""
    from bantin.tracking import render_report, update_readme

    typer.echo(render_report(experiments, write=write))
    if readme is not None:
        try:
            update_readme(readme, experiments)
        except BantinError as exc:
            fail(str(exc))


@data_app.command("build")
def data_build(config: ConfigOpt = None, set_: SetOpt = None) -> None:
    """Build the labeled page dataset from the public corpora (deterministic given the seed)."""
    from bantin.data.builder import build_from_config

    try:
        build_from_config(config, list(set_ or []))
    except BantinError as exc:
        fail(str(exc))


@data_app.command("info")
def data_info(data_dir: Annotated[Optional[Path], typer.Option(help="corpora folder (default ../shared/data)")] = None) -> None:
    """List the public corpora found and their sizes."""
    from bantin.data.corpora import corpora_info

    try:
        for row in corpora_info(data_dir):
            typer.echo("\t".join(str(v) for v in row.values()))
    except BantinError as exc:
        fail(str(exc))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)


from bantin.cli import analyze as _analyze  # noqa: E402,F401  (registers `analyze` and `bench`)
from bantin.cli import scale as _scale  # noqa: E402,F401  (registers `serve`)
