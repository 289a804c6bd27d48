"""Experiment tracking: every train/evaluate run appends a JSON record to experiments/results.jsonl,
and ``render_report`` turns the records into experiments/RESULTS.md (latest and best per task/dataset,
next to published anchors). Optional MLflow logging when ``mlflow`` is installed.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bantin.data.paths import REPO_ROOT, experiments_dir
from bantin.tasks import TASKS
from bantin.errors import BantinError

RESULTS_FILE = "results.jsonl"
REPORT_FILE = "RESULTS.md"

#: The metric that decides "best" for each task, and the metrics shown in the table.
PRIMARY_METRIC = {name: t.primary_metric for name, t in TASKS.items()}
SHOWN_METRICS = {**{name: list(t.shown_metrics) for name, t in TASKS.items()}, "pipeline": ["articles_per_s", "peak_rss_mb"]}

#: Published figures, as reported by their authors (not measured here).
ANCHORS: list[dict[str, Any]] = [
    {"task": "topics", "dataset": "vntc10", "model": "underthesea TF-IDF + LinearSVC", "metrics": {"accuracy": 0.925}, "source": "underthesea docs"},
    {"task": "topics", "dataset": "vntc10", "model": "SVM (Vu et al., 2007)", "metrics": {"accuracy": 0.934}, "source": "Vu et al., RIVF 2007"},
    {"task": "topics", "dataset": "vntc10", "model": "n-gram LM (Vu et al., 2007)", "metrics": {"accuracy": 0.971}, "source": "Vu et al., RIVF 2007"},
    {"task": "summarize", "dataset": "vietnews", "model": "ViT5-base (ASCII rouge-score, likely)", "metrics": {"rouge1_f_ascii": 0.6277, "rouge2_f_ascii": 0.3316, "rougeL_f_ascii": 0.4275}, "source": "Phan et al., 2022"},
    {"task": "summarize", "dataset": "vietnews", "model": "BARTpho (ASCII rouge-score, likely)", "metrics": {"rouge1_f_ascii": 0.6088, "rouge2_f_ascii": 0.2990, "rougeL_f_ascii": 0.3964}, "source": "Tran et al., 2022"},
    {"task": "summarize", "dataset": "vietnews", "model": "mT5 (ASCII rouge-score, likely)", "metrics": {"rouge1_f_ascii": 0.5805, "rouge2_f_ascii": 0.2676, "rougeL_f_ascii": 0.3738}, "source": "Phan et al., 2022"},
]


def git_commit() -> str | None:
    """The current git commit (with '+dirty' when the tree has changes), or None outside a checkout.

    $BANTIN_GIT_COMMIT overrides it: runs on a copy of the tree without .git (a remote GPU machine)
    still record the commit they ran.
    """
    if os.environ.get("BANTIN_GIT_COMMIT"):
        return os.environ["BANTIN_GIT_COMMIT"]
    cwd = REPO_ROOT or Path.cwd()
    try:
        sha = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=5)
        if sha.returncode != 0:
            return None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=cwd, capture_output=True, text=True, timeout=5)
        return sha.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()}
    try:
        import torch

        info["torch"] = torch.__version__
        if torch.cuda.is_available():
            info["gpu"] = torch.cuda.get_device_name(0)
    except ImportError:
        pass
    return info


def record_run(
    *,
    task: str,
    kind: str,
    model: str,
    dataset: str,
    split: str,
    metrics: dict[str, Any],
    model_dir: str | None = None,
    config: dict[str, Any] | None = None,
    config_hash: str | None = None,
    duration_s: float | None = None,
    command: str | None = None,
    extra: dict[str, Any] | None = None,
    out_dir: str | Path | None = None,
    tracking: str = "jsonl",
) -> dict[str, Any]:
    """Append one run record (kind = 'train' | 'evaluate' | 'benchmark') and return it."""
    record = {
        "task": task,
        "kind": kind,
        "model": model,
        "model_dir": model_dir,
        "dataset": dataset,
        "split": split,
        "metrics": metrics,
        "config_hash": config_hash,
        "config": config,
        "git_commit": git_commit(),
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "duration_s": None if duration_s is None else round(duration_s, 3),
        "machine": machine_info(),
        "command": command,
    }
    if extra:
        record["extra"] = extra
    out = Path(out_dir) if out_dir else experiments_dir()
    out.mkdir(parents=True, exist_ok=True)
    with open(out / RESULTS_FILE, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    if tracking == "mlflow":
        _log_mlflow(record)
    return record


def _log_mlflow(record: dict[str, Any]) -> None:
    try:
        import mlflow
    except ImportError as exc:
        from bantin.errors import BantinError

        raise BantinError("--tracking mlflow needs the mlflow package: pip install mlflow") from exc
    mlflow.set_experiment(f"bantin-{record['task']}")
    with mlflow.start_run(run_name=f"{record['kind']}-{record['model']}-{record['dataset']}-{record['split']}"):
        mlflow.log_params({k: record[k] for k in ("task", "kind", "model", "dataset", "split", "config_hash", "git_commit")})
        mlflow.log_metrics({k: float(v) for k, v in record["metrics"].items() if isinstance(v, (int, float))})


def load_records(out_dir: str | Path | None = None) -> list[dict[str, Any]]:
    path = Path(out_dir or experiments_dir()) / RESULTS_FILE
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a torn line from an interrupted run; the report notes the count below
    return records


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4f}" if abs(v) <= 1.0 else f"{v:,.1f}"
    return "" if v is None else str(v)


def _table(rows: Iterable[dict[str, Any]], metrics: list[str], extra_cols: list[str]) -> list[str]:
    header = ["model", "dataset", "split", *extra_cols, *metrics]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        m = r.get("metrics", {})
        cells = [r.get("model", ""), r.get("dataset", ""), r.get("split", "")]
        cells += [_fmt(r.get(c)) for c in extra_cols]
        cells += [_fmt(m.get(k)) for k in metrics]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return lines


def _held_out_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Scores a training run took on held-out data, as report rows.

    A train record either names its held-out split ("train -> test") or stores prefixed metrics such as
    ``seeds_binary_f1`` / ``test_text_token_f1``; validation scores (``val*``) are left out, since they guided training.
    """
    shown = set(SHOWN_METRICS.get(record.get("task", ""), []))
    metrics = record.get("metrics", {})
    model = f"{record.get('model')} (scored at training)"
    if "->" in str(record.get("split", "")):
        held = {k: v for k, v in metrics.items() if k in shown}
        return [{**record, "model": model, "split": record["split"].split("->")[-1].strip(), "metrics": held}] if held else []
    rows: dict[str, dict[str, Any]] = {}
    for key, value in metrics.items():
        for metric in shown:
            if key.endswith("_" + metric) and not key.startswith(("val", "train")):
                prefix = key[: -len(metric) - 1]
                rows.setdefault(prefix, {})[metric] = value
    out = []
    for prefix, held in rows.items():
        dataset, _, split = prefix.partition("_")
        if dataset == "seeds":
            dataset, split = "seed pages (hand-labeled)", split or "all"
        else:
            dataset, split = record.get("dataset", ""), prefix.replace("_", ":")
        out.append({**record, "model": model, "dataset": dataset, "split": split, "metrics": held})
    return out


def _report_rows(out: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for r in load_records(out):
        if r.get("kind") in ("evaluate", "benchmark"):
            rows.append(r)
        elif r.get("kind") == "train":
            rows.extend(_held_out_rows(r))
    return rows


#: The columns of the summary table (primary metric first).
SUMMARY_METRICS = {
    "boilerplate": ["binary_f1", "token_f1", "macro_f1"],
    "topics": ["accuracy", "macro_f1", "accuracy_dedup"],
    "summarize": ["rouge2_f", "rouge1_f", "rougeL_f", "rouge1_f_ascii", "rouge2_f_ascii", "rougeL_f_ascii"],
}


def _data_build(record: dict[str, Any]) -> str | None:
    """The data build a record was scored on when it is not the project's default one: the relative directory (e.g.
    ``data/built/pages-classic``), "scratch" for an absolute path outside the project (an experiment's own build), or
    None for the default. Builds share a dataset name, so the summary must not put their scores in one row."""
    config = record.get("config")
    config = config if isinstance(config, dict) else {}
    data = config.get("data")
    d = config.get("dataset_dir")
    if d is None and isinstance(data, dict):  # training runs keep their build under data.dataset_dir
        d = data.get("dataset_dir")
    if not isinstance(d, str) or not d.strip():
        return None
    path = Path(os.path.normpath(d))
    if path.is_absolute():
        try:
            path = path.relative_to(REPO_ROOT)
        except ValueError:
            return "scratch"
    return None if path.as_posix() == "data/built/pages" else path.as_posix()


def render_summary(records: list[dict[str, Any]]) -> list[str]:
    """One compact table: for each task, data set and model, the latest run (scores as %, benchmarks left out) and
    the published anchors beside them. The latest, not the best: a model name such as the embedded default keeps its
    name across retrains, and its best run may be a version that was not shipped (RESULTS.md lists both)."""
    lines = ["| task | dataset | split | model | " + " | ".join(["metrics (latest run, %)", "run"]) + " |", "|---|---|---|---|---|---|"]
    for task, metrics in SUMMARY_METRICS.items():
        primary = metrics[0]
        groups: dict[tuple, list[dict[str, Any]]] = {}
        for r in records:
            if r.get("task") == task and r.get("kind") != "benchmark" and r["metrics"].get(primary) is not None:
                build = _data_build(r)
                if build == "scratch":  # an experiment's own data build: listed in RESULTS.md, not in the summary
                    continue
                dataset = r["dataset"] if build is None else f"{r['dataset']} ({build})"
                groups.setdefault((dataset, r["split"], r["model"]), []).append({**r, "dataset": dataset})
        latest = [sorted(g, key=lambda r: str(r.get("date", "")))[-1] for g in groups.values()]  # ties: the later line
        anchors = [{**a, "split": "test", "git_commit": "published", "date": a["source"]} for a in ANCHORS if a["task"] == task]
        rows = sorted(latest, key=lambda r: (r["dataset"], r["split"], -r["metrics"][primary])) + anchors
        for r in rows:
            m = r["metrics"]
            shown = ", ".join(f"{k} {100 * m[k]:.2f}" for k in metrics if m.get(k) is not None)
            run = "published: " + r["source"] if r.get("git_commit") == "published" else f"{r.get('git_commit') or ''} {str(r.get('date', ''))[:10]}"
            lines.append(f"| {task} | {r['dataset']} | {r['split']} | {r['model']} | {shown} | {run} |")
    return lines


README_START = "<!-- bantin-report:start -->"
README_END = "<!-- bantin-report:end -->"


def update_readme(readme: str | Path, out_dir: str | Path | None = None) -> None:
    """Replace the text between the report markers of a README with the summary table."""
    readme = Path(readme)
    if not readme.is_file():
        raise BantinError(f"{readme}: no such file")
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        raise BantinError(f"{readme} has no {README_START} ... {README_END} markers")
    table = "\n".join(render_summary(_report_rows(Path(out_dir or experiments_dir()))))
    head, rest = text.split(README_START, 1)
    if README_END not in rest:
        raise BantinError(f"{readme}: the {README_END} marker comes before {README_START}")
    _, tail = rest.split(README_END, 1)
    readme.write_text(f"{head}{README_START}\n{table}\n{README_END}{tail}", encoding="utf-8")


def render_report(out_dir: str | Path | None = None, write: bool = True) -> str:
    """Render RESULTS.md from results.jsonl: for each task, latest and best evaluation per (model, dataset, split)."""
    out = Path(out_dir or experiments_dir())
    records = _report_rows(out)
    lines = [
        "# bantin results",
        "",
        "Generated by `bantin report` from `experiments/results.jsonl`; every row links to a recorded run (git commit, date).",
        "ROUGE: `*_f` columns use the Unicode syllable tokenizer (correct for Vietnamese); `*_ascii` columns use",
        "rouge-score's default ASCII tokenizer, which drops Vietnamese letters (how published vietnews figures were most likely computed).",
        "",
        "## Summary: latest held-out score per task, data and model, with the published anchors",
        "",
        *render_summary(records),
        "",
    ]
    tasks = list(dict.fromkeys([*PRIMARY_METRIC, *(r["task"] for r in records)]))
    for task in tasks:
        task_records = [r for r in records if r["task"] == task]
        anchors = [a for a in ANCHORS if a["task"] == task]
        if not task_records and not anchors:
            continue
        metrics = SHOWN_METRICS.get(task) or sorted({k for r in task_records for k in r["metrics"]})[:8]
        primary = PRIMARY_METRIC.get(task, metrics[0])
        groups: dict[tuple, list[dict[str, Any]]] = {}
        for r in task_records:
            groups.setdefault((r["model"], r["dataset"], r["split"]), []).append(r)
        latest = [sorted(g, key=lambda r: str(r.get("date", "")))[-1] for g in groups.values()]
        best = [max(g, key=lambda r: (r["metrics"].get(primary) is not None, r["metrics"].get(primary) or 0)) for g in groups.values()]
        order = lambda r: (r["dataset"], r["split"], -(r["metrics"].get(primary) or 0))  # noqa: E731
        lines += [f"## {task}", "", f"Primary metric: `{primary}`.", ""]
        if latest:
            lines += ["### Latest run per model, dataset and split", ""]
            lines += _table(sorted(latest, key=order), metrics, ["git_commit", "date"]) + [""]
            lines += ["### Best run per model, dataset and split", ""]
            lines += _table(sorted(best, key=order), metrics, ["git_commit", "date"]) + [""]
        if anchors:
            lines += ["### Published anchors (reported by their authors, not measured here)", ""]
            lines += _table([{**a, "split": "test"} for a in anchors], metrics, ["source"]) + [""]
    text = "\n".join(lines).rstrip() + "\n"
    if write:
        out.mkdir(parents=True, exist_ok=True)
        (out / REPORT_FILE).write_text(text, encoding="utf-8")
    return text
