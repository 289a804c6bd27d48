"""The one training and evaluation runner of every task (``bantin train TASK``, ``bantin evaluate TASK``).

What every task does alike lives here: load the config, its hash and the command line, time the fit, the training
info (one set of keys: ``dataset``, ``split``, ``n_train``, ``train_seconds``, ``config_hash``), the held-out scores
stored with the model, the output folder (``out_dir``, relative to the working directory), saving, and the run
records. A task supplies only its specifics through its ``Task`` entry (``bantin.tasks``) and the hooks of its
``training`` module:

    load_data(cfg) -> TrainData              the training data, its name and size
    build_model(cfg) -> Estimator            an unfitted model of the configured kind
    fit(model, data, cfg) -> Estimator       fit it (and calibrate, resolve partial labels...)
    score(model, data, cfg, seconds) -> HeldOut   held-out scores: the records to write, the metrics to store

and of its ``evaluation`` module: ``evaluate(run) -> list[record]`` (``run.cfg``, ``run.record(...)``). Every task's
``evaluate_model`` returns one ``EvalResult``.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bantin.config import config_hash, load_config, to_dict
from bantin.errors import BantinInputError
from bantin.tasks import TASKS, Task

#: training-info keys of model directories saved before the keys were unified, by the key that replaced them
LEGACY_INFO_KEYS = {"n_train": ("n_pages", "n_docs", "n_articles"), "train_seconds": ("fit_seconds", "duration_s")}


@dataclass
class EvalResult:
    """What every task's ``evaluate_model`` returns: flat metrics, the predictions (one per input, JSON types)
    and task-specific details (per-label scores, gold labels, extracted texts, timings)."""

    metrics: dict[str, float]
    predictions: list[Any] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return json.loads(self.to_json())

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, default=_json_default)


def _json_default(value: Any) -> Any:
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return value.tolist()
    return str(value)


@dataclass
class TrainData:
    """A task's training data as its ``load_data`` hook returns it."""

    #: what the task's ``fit`` hook reads (pages, documents, examples...)
    train: Any
    n_train: int
    #: recorded as the model's training ``dataset`` and ``split``
    dataset: str
    split: str
    #: shown in the "training ..." line, e.g. "1,200 pages (30,000 blocks) from data/built/pages"
    description: str = ""
    #: more training info stored in the model directory
    info: dict[str, Any] = field(default_factory=dict)
    #: anything else the task's hooks pass along (held-out sets, load reports)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class RunRecord:
    """One run record to write once the model is saved (``tracking.record_run`` fields)."""

    model: str
    dataset: str
    split: str
    metrics: dict[str, Any]
    kind: str = "train"
    extra: dict[str, Any] | None = None
    #: seconds of the run (None: the training time)
    duration_s: float | None = None
    #: a later record is attached to the first (the one returned) under this key
    key: str | None = None


@dataclass
class HeldOut:
    """A task's held-out scores: the records to write and the metrics stored in the model directory."""

    records: list[RunRecord]
    model_metrics: dict[str, Any] = field(default_factory=dict)


def training_value(info: dict[str, Any], key: str) -> Any:
    """A training-info value by its unified key, read from older model directories under the key they used."""
    for name in (key, *LEGACY_INFO_KEYS.get(key, ())):
        if info.get(name) is not None:
            return info[name]
    return None


def output_dir(out_dir: str | Path) -> Path:
    """Where a trained model is saved: ``out_dir`` as given, a relative one under the working directory."""
    return Path(out_dir)


def command_line(verb: str, task: str, config_path: str | Path | None, overrides: list[str] | None) -> str:
    return f"bantin {verb} {task}" + (f" --config {config_path}" if config_path else "") + "".join(f" --set {o}" for o in overrides or [])


@dataclass
class Run:
    """One ``bantin train|evaluate TASK`` run: its loaded config, hash and command line, and ``record`` to write
    a run record with them."""

    task: Task
    cfg: Any
    config_hash: str
    command: str
    tracking: str = "jsonl"

    @classmethod
    def start(cls, task: str, verb: str, config_path: str | Path | None, overrides: list[str] | None, tracking: str = "jsonl") -> Run:
        if task not in TASKS:
            raise BantinInputError(f"unknown task {task!r}; expected one of {', '.join(TASKS)}")
        t = TASKS[task]
        cfg = load_config(t.config_type(verb), config_path, overrides)
        return cls(t, cfg, config_hash(cfg), command_line(verb, task, config_path, overrides), tracking)

    def record(self, *, kind: str, model: str, dataset: str, split: str, metrics: dict[str, Any], model_dir: str | None = None,
               duration_s: float | None = None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        from bantin.tracking import record_run

        return record_run(task=self.task.name, kind=kind, model=model, dataset=dataset, split=split, metrics=metrics, model_dir=model_dir,
                          config=to_dict(self.cfg), config_hash=self.config_hash, duration_s=duration_s, command=self.command,
                          extra=extra, tracking=self.tracking)


def train(task: str, config_path: str | Path | None = None, overrides: list[str] | None = None, tracking: str = "jsonl") -> dict[str, Any]:
    """``bantin train TASK``: fit, score on held-out data, save to ``out_dir`` and record; returns the first record
    (later ones attached to it under their ``key``)."""
    run = Run.start(task, "train", config_path, overrides, tracking)
    hooks = importlib.import_module(run.task.training_module)
    cfg = run.cfg
    data = hooks.load_data(cfg)
    model = hooks.build_model(cfg)
    print(f"training {cfg.model} on {data.description or f'{data.n_train} {data.dataset} examples'}")
    t0 = time.perf_counter()
    model = hooks.fit(model, data, cfg) or model
    seconds = time.perf_counter() - t0
    info = model.training_info
    for old in (k for keys in LEGACY_INFO_KEYS.values() for k in keys):
        info.pop(old, None)  # an estimator's own count or timing: the runner's unified keys below replace them
    info.update({"dataset": data.dataset, "split": data.split, "n_train": data.n_train, "train_seconds": round(seconds, 1),
                 "config_hash": run.config_hash, **data.info})
    held = hooks.score(model, data, cfg, seconds)
    model.metrics = dict(held.model_metrics)
    out = output_dir(cfg.out_dir)
    model.save(out)
    print(f"trained in {seconds:.1f}s; saved {cfg.model} model to {out}")
    records = [(r.key, run.record(kind=r.kind, model=r.model, dataset=r.dataset, split=r.split, metrics=r.metrics, model_dir=str(out),
                                  duration_s=seconds if r.duration_s is None else r.duration_s, extra=r.extra)) for r in held.records]
    first = records[0][1]
    for key, rec in records[1:]:
        if key:
            first[key] = rec
    return first


def evaluate(task: str, config_path: str | Path | None = None, overrides: list[str] | None = None, tracking: str = "jsonl") -> list[dict[str, Any]]:
    """``bantin evaluate TASK``: the task's ``evaluation.evaluate(run)`` with the loaded config; returns its records."""
    run = Run.start(task, "evaluate", config_path, overrides, tracking)
    return importlib.import_module(run.task.evaluation_module).evaluate(run)
