"""The estimator interface shared by every task, and model directories.

A model directory holds:

  bantin_model.json   manifest: task, kind (which class loads it), label set, config, metrics, versions
  README.md           generated model card
  ...                 the weights, in safe formats only: JSON, safetensors, skops, crfsuite files

``Estimator`` subclasses implement ``fit``/``predict`` plus ``_save_weights``/``_load_weights``; ``save``
and ``load_model`` handle the manifest and the card, so every task's model directories look alike.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import datetime as _dt
import importlib
import inspect
import json
import os
import types
import typing
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
    # the dataclass that ``**overrides`` of __init__ fill in, if any: lets load_model check a manifest's config
    config_type: ClassVar[type | None] = None

    labels: list[str]

    def __init__(self) -> None:
        self.labels = []
        self.metrics: dict[str, Any] = {}
        self.training_info: dict[str, Any] = {}

    # -- parameters, scikit-learn style: the __init__ signature is their one source ---------
    @classmethod
    def _get_param_names(cls) -> list[str]:
        """The named parameters of ``__init__`` (``self``, ``*args`` and ``**kwargs`` left out)."""
        params = inspect.signature(cls.__init__).parameters.values()
        return [p.name for p in params if p.name != "self" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor arguments, read back from the attributes of the same names (so ``sklearn.base.clone``
        and ``GridSearchCV`` work); ``deep`` is accepted for scikit-learn compatibility (no nested estimators)."""
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params: Any) -> Estimator:
        valid = set(self._get_param_names())
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"invalid parameter {name!r} for {type(self).__name__}: expected one of {', '.join(sorted(valid))}")
            setattr(self, name, value)
        return self

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


# Directories (os.pathsep-separated) that model directories may reference besides their own files: the user's
# explicit consent for, e.g., an embedding model whose ``encoder`` is a local folder elsewhere.
TRUSTED_PATHS_ENV = "BANTIN_TRUSTED_MODEL_PATHS"


def _trusted_roots() -> list[Path]:
    return [Path(p).resolve() for p in os.environ.get(TRUSTED_PATHS_ENV, "").split(os.pathsep) if p.strip()]


def _is_within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def model_file(model_dir: str | Path, name: str | Path) -> Path:
    """The resolved path of ``name`` inside ``model_dir``; every loader reads its files through this.

    Refuses (``BantinModelError``) a file that resolves outside the model directory: a symlink pointing out of
    it, ``..`` components, an absolute path. The model directory itself may be a symlink (the user named it);
    folders listed in ``$BANTIN_TRUSTED_MODEL_PATHS`` are allowed too.
    """
    root = Path(model_dir).resolve()
    resolved = (root / name).resolve()  # an absolute name replaces root
    if _is_within(resolved, root) or any(_is_within(resolved, t) for t in _trusted_roots()):
        return resolved
    raise BantinModelError(
        f"{model_dir}: {name} resolves to {resolved}, outside the model directory; refused (a model directory reads "
        f"only its own files; to allow a folder, name it in ${TRUSTED_PATHS_ENV})"
    )


def model_tree(model_dir: str | Path, name: str | Path) -> Path:
    """``model_file`` for a folder handed whole to another library (a Hugging Face ``from_pretrained`` directory):
    every file and folder below it must resolve inside the model directory too."""
    folder = model_file(model_dir, name)
    if folder.is_dir():
        for child in folder.rglob("*"):
            model_file(model_dir, child)
    return folder


def read_json_file(model_dir: str | Path, name: str, expect: type | tuple[type, ...] = dict) -> Any:
    """A JSON file of a model directory (through ``model_file``), checked to be UTF-8, valid JSON and of type ``expect``."""
    file = model_file(model_dir, name)
    shown = Path(model_dir) / name
    what = "manifest" if name == MANIFEST else "model file"
    if not file.is_file():
        raise BantinModelError(f"{shown}: missing")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise BantinModelError(f"{shown}: corrupt {what} (not UTF-8 text: {exc})") from exc
    except json.JSONDecodeError as exc:
        raise BantinModelError(f"{shown}: corrupt {what} (not valid JSON: {exc})") from exc
    except RecursionError as exc:
        raise BantinModelError(f"{shown}: corrupt {what} (JSON nested too deeply)") from exc
    types = expect if isinstance(expect, tuple) else (expect,)
    if not isinstance(data, types):
        names = " or ".join({"dict": "object", "list": "array"}.get(t.__name__, t.__name__) for t in types)
        raise BantinModelError(f"{shown}: corrupt {what} (expected a JSON {names}, found a {type(data).__name__})")
    return data


def read_manifest(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.exists():
        raise BantinModelError(f"model directory {path} does not exist")
    if not path.is_dir():
        raise BantinModelError(f"{path} is not a model directory")
    if not (path / MANIFEST).exists():
        raise BantinModelError(f"{path} is not a bantin model directory (no {MANIFEST})")
    manifest = read_json_file(path, MANIFEST)
    for key, kind in (("task", str), ("kind", str), ("config", dict), ("labels", list), ("metrics", dict), ("training", dict)):
        if key in manifest and not isinstance(manifest[key], kind):
            raise BantinModelError(f"{path / MANIFEST}: {key!r} must be a JSON {'string' if kind is str else 'object' if kind is dict else 'array'}")
    if not all(isinstance(label, str) for label in manifest.get("labels", [])):
        raise BantinModelError(f"{path / MANIFEST}: 'labels' must be a list of strings")
    return manifest


def check_config(cls: type, config: dict[str, Any], where: str) -> None:
    """Check a manifest's config against ``cls.__init__``: known keys only, each of the type its annotation says.

    Raises ``BantinModelError`` naming the key, instead of a ``TypeError`` at construction or a crash at first use.
    """
    params = inspect.signature(cls.__init__).parameters
    known = {n for n, p in params.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)} - {"self"}
    defaults = {n: params[n].default for n in known}
    targets = [cls.__init__]
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        # **overrides: checkable only when the class names the dataclass they fill in (``config_type``)
        if not dataclasses.is_dataclass(cls.config_type):
            return
        fields = dataclasses.fields(cls.config_type)
        known |= {f.name for f in fields}
        defaults.update({f.name: f.default for f in fields})
        targets.append(cls.config_type)
    unknown = sorted(set(config) - known)
    if unknown:
        raise BantinModelError(f"{where}: unknown config key(s) {', '.join(map(repr, unknown))} for a {cls.__name__}")
    hints: dict[str, Any] = {}
    for target in targets:
        try:
            hints.update(typing.get_type_hints(target))
        except Exception:  # noqa: BLE001 - unresolvable annotations: fall back to the defaults' types
            pass
    for key, value in config.items():
        expected = hints.get(key)
        if expected is None:
            default = defaults.get(key, inspect.Parameter.empty)
            if default is inspect.Parameter.empty or default is None or default is dataclasses.MISSING:
                continue
            expected = type(default)
        if not _matches(value, expected):
            raise BantinModelError(f"{where}: config key {key!r} = {value!r} is not a valid {_type_name(expected)}")


def _matches(value: Any, expected: Any) -> bool:
    if expected is Any:
        return True
    origin = typing.get_origin(expected)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, arg) for arg in typing.get_args(expected))
    if origin is typing.Literal:
        return value in typing.get_args(expected)
    if expected is None or expected is type(None):
        return value is None
    if origin is not None:
        expected = origin
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(expected, type):
        if issubclass(expected, collections.abc.Sequence) and not issubclass(expected, str):
            return isinstance(value, (list, tuple))
        return isinstance(value, expected)
    return True


def _type_name(expected: Any) -> str:
    origin = typing.get_origin(expected)
    if origin is typing.Literal:
        return "choice (one of " + ", ".join(map(repr, typing.get_args(expected))) + ")"
    if origin in (typing.Union, types.UnionType):
        return " or ".join("null" if a is type(None) else _type_name(a) for a in typing.get_args(expected))
    return getattr(expected, "__name__", None) or str(expected).replace("typing.", "")


def load_model(path: str | Path, task: str | None = None) -> Estimator:
    """Load any bantin model directory; checks the task when given.

    Every problem with the directory (missing or corrupt files, a bad manifest or config, files outside the
    directory, unsafe types) is a ``BantinModelError``.
    """
    _ensure_registered()
    manifest = read_manifest(path)
    if task and manifest.get("task") != task:
        raise BantinModelError(f"{path}: is a {manifest.get('task')!r} model, expected a {task!r} model")
    key = (manifest.get("task"), manifest.get("kind"))
    if key not in _REGISTRY:
        raise BantinModelError(f"{path}: unknown model kind {key[1]!r} for task {key[0]!r}")
    module_name, cls_name = _REGISTRY[key].split(":")
    try:
        cls = getattr(importlib.import_module(module_name), cls_name)
    except ImportError as exc:
        raise BantinModelError(f"{path}: a {key[1]!r} {key[0]} model needs {exc.name or exc}, which is not installed "
                               "(pip install 'bantin[train]')") from exc
    config = manifest.get("config", {})
    if hasattr(cls, "upgrade_config"):  # older setting names in the manifest, mapped by the class
        config = cls.upgrade_config(config)
    check_config(cls, config, f"{Path(path) / MANIFEST}")
    try:
        model = cls(**config)
    except (TypeError, ValueError) as exc:  # the constructors' own checks (BantinInputError is a ValueError)
        raise BantinModelError(f"{Path(path) / MANIFEST}: invalid config ({exc})") from exc
    model.labels = list(manifest.get("labels", []))
    model.metrics = manifest.get("metrics", {})
    model.training_info = manifest.get("training", {})
    try:
        model._load_weights(Path(path))
        model._load_extras(Path(path))
    except ImportError as exc:
        raise BantinModelError(f"{path}: a {key[1]!r} {key[0]} model needs {exc.name or exc}, which is not installed "
                               "(pip install 'bantin[train]')") from exc
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise BantinModelError(f"{path}: model files are missing or corrupt ({type(exc).__name__}: {exc})") from exc
    return model


def _ensure_registered() -> None:
    # The model kinds of every task come from its entry in bantin.tasks (classes are imported when a model loads).
    from bantin.tasks import TASKS

    for task in TASKS.values():
        for kind, target in task.model_kinds.items():
            _REGISTRY.setdefault((task.name, kind), target)


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
