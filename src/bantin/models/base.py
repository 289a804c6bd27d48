"""The estimator interface shared by every task, and model directories.

A model directory holds:

  bantin_model.json   manifest: task, kind (which class loads it), label set, config, metrics, versions
  README.md           generated model card
  ...                 the weights, in safe formats only: JSON, safetensors, skops, crfsuite files

``Estimator`` subclasses implement ``fit``/``predict`` plus ``_save_weights``/``_load_weights``; ``save``
and ``load_model`` handle the manifest and the card, so every task's model directories look alike.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import json
from pathlib import Path
from typing import Any, ClassVar

from bantin.errors import BantinModelError

MANIFEST = "bantin_model.json"
CARD = "README.md"

# (task, kind) -> "module:Class"; modules are imported lazily so that loading a CRF never imports torch.
_REGISTRY: dict[tuple[str, str], str] = {}


def register_model(task: str, kind: str, target: str) -> None:
    """Register the class that loads model directories of this task and kind ("pkg.module:Class")."""
    _REGISTRY[(task, kind)] = target


class Estimator:
    """Base class: small estimators with fit/predict, no hidden state beyond what ``save`` writes."""

    task: ClassVar[str] = ""
    kind: ClassVar[str] = ""

    labels: list[str]

    def __init__(self) -> None:
        self.labels = []
        self.metrics: dict[str, Any] = {}
        self.training_info: dict[str, Any] = {}

    # -- to implement -------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """JSON-serializable constructor arguments (stored in the manifest, passed back to __init__)."""
        return {}

    def _save_weights(self, path: Path) -> None:
        raise NotImplementedError

    def _load_weights(self, path: Path) -> None:
        raise NotImplementedError

    def _load_extras(self, path: Path) -> None:
        """Optional files beside the weights (e.g. a calibration); nothing by default."""

    def card_details(self) -> str:
        """Extra markdown for the model card (intended use, features, limits)."""
        return ""

    # -- shared -------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        from bantin import __version__

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self._save_weights(path)
        manifest = {
            "task": self.task,
            "kind": self.kind,
            "labels": list(self.labels),
            "config": self.get_config(),
            "metrics": self.metrics,
            "training": self.training_info,
            "bantin_version": __version__,
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        }
        (path / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
        (path / CARD).write_text(model_card(manifest, self.card_details()), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> Estimator:
        model = load_model(path, task=cls.task or None)
        if not isinstance(model, cls):
            raise BantinModelError(f"{path}: holds a {type(model).__name__}, not a {cls.__name__}")
        return model


def read_manifest(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.exists():
        raise BantinModelError(f"model directory {path} does not exist")
    if not path.is_dir():
        raise BantinModelError(f"{path} is not a model directory")
    mf = path / MANIFEST
    if not mf.exists():
        raise BantinModelError(f"{path} is not a bantin model directory (no {MANIFEST})")
    try:
        return json.loads(mf.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise BantinModelError(f"{mf}: corrupt manifest ({exc})") from exc


def load_model(path: str | Path, task: str | None = None) -> Estimator:
    """Load any bantin model directory; checks the task when given."""
    _ensure_registered()
    manifest = read_manifest(path)
    if task and manifest.get("task") != task:
        raise BantinModelError(f"{path}: is a {manifest.get('task')!r} model, expected a {task!r} model")
    key = (manifest.get("task"), manifest.get("kind"))
    if key not in _REGISTRY:
        raise BantinModelError(f"{path}: unknown model kind {key[1]!r} for task {key[0]!r}")
    module_name, cls_name = _REGISTRY[key].split(":")
    cls = getattr(importlib.import_module(module_name), cls_name)
    model = cls(**manifest.get("config", {}))
    model.labels = list(manifest.get("labels", []))
    model.metrics = manifest.get("metrics", {})
    model.training_info = manifest.get("training", {})
    try:
        model._load_weights(Path(path))
        model._load_extras(Path(path))
    except (OSError, ValueError, KeyError) as exc:
        raise BantinModelError(f"{path}: model files are missing or corrupt ({exc})") from exc
    return model


def _ensure_registered() -> None:
    # Each task package registers its model kinds on import.
    for pkg in ("bantin.boilerplate", "bantin.topics", "bantin.summarize"):
        try:
            importlib.import_module(pkg)
        except ImportError:
            pass


def model_card(manifest: dict[str, Any], details: str = "") -> str:
    """Generate the README.md model card of a model directory."""
    lines = [
        f"# bantin {manifest['task']} model: {manifest['kind']}",
        "",
        f"Generated automatically by bantin {manifest.get('bantin_version')} on {manifest.get('created')}.",
        "",
        "## Use",
        "",
        "```python",
        "from bantin.models import load_model",
        "model = load_model('path/to/this/directory')",
        "```",
        "",
        f"or `bantin analyze --{manifest['task']}-model path/to/this/directory PAGE`.",
        "",
    ]
    if manifest.get("labels"):
        lines += ["## Labels", "", ", ".join(f"`{label}`" for label in manifest["labels"]), ""]
    if manifest.get("training"):
        lines += ["## Training", "", "```json", json.dumps(manifest["training"], ensure_ascii=False, indent=2, default=str), "```", ""]
    if manifest.get("metrics"):
        lines += ["## Evaluation (held-out data, as recorded at save time)", "", "| metric | value |", "|---|---|"]
        for k, v in manifest["metrics"].items():
            lines.append(f"| {k} | {v:.4f} |" if isinstance(v, float) else f"| {k} | {v} |")
        lines.append("")
    if details:
        lines += [details.strip(), ""]
    lines += ["## Configuration", "", "```json", json.dumps(manifest.get("config", {}), ensure_ascii=False, indent=2, default=str), "```", ""]
    return "\n".join(lines)
