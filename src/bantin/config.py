"""Typed configuration: dataclasses filled from YAML/TOML files plus ``key=value`` overrides.

Every training/evaluation entry point takes a dataclass whose fields all have defaults, so a config
file only lists what it changes, and ``--set train.max_steps=10`` style overrides make smoke runs cheap.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import inspect
import json
import sys
import tomllib
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml

from bantin.errors import BantinInputError

T = TypeVar("T")


def _read_file(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.exists():
        raise BantinInputError(f"config {path}: no such file")
    try:
        if path.suffix == ".toml":
            return tomllib.loads(path.read_text(encoding="utf-8"))
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        raise BantinInputError(f"config {path}: cannot be parsed ({exc})") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BantinInputError(f"config {path}: expected a mapping at the top level")
    return data


def _coerce(value: Any, tp: Any) -> Any:
    """Convert override strings (and YAML scalars) to the field's declared type; ``Literal[...]`` choices are checked."""
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        choices = typing.get_args(tp)
        if value not in choices:
            raise BantinInputError(f"expected one of {', '.join(map(repr, choices))}, got {value!r}")
        return value
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None or (isinstance(value, str) and value.lower() in ("none", "null")):
            return None
        return _coerce(value, args[0]) if len(args) == 1 else value
    if dataclasses.is_dataclass(tp) and isinstance(value, dict):
        return from_dict(tp, value)
    if tp is bool and isinstance(value, str):
        if value.lower() in ("1", "true", "yes", "on"):
            return True
        if value.lower() in ("0", "false", "no", "off"):
            return False
        raise BantinInputError(f"expected a boolean, got {value!r}")
    if tp in (int, float) and isinstance(value, str):
        try:
            return tp(value)
        except ValueError as exc:
            raise BantinInputError(f"expected {tp.__name__}, got {value!r}") from exc
    if tp is int and isinstance(value, float) and value.is_integer():
        return int(value)
    if tp is float and isinstance(value, int):
        return float(value)
    if origin in (list, tuple) and isinstance(value, str):
        items = [v.strip() for v in value.split(",") if v.strip()]
        (inner,) = typing.get_args(tp)[:1] or (str,)
        return [_coerce(v, inner) for v in items]
    if origin is list and isinstance(value, (list, tuple)):
        args = typing.get_args(tp)
        return [_coerce(v, args[0]) for v in value] if args else list(value)
    return value


def from_dict(cls: type[T], data: dict[str, Any], _where: str = "") -> T:
    """Build a (nested) config dataclass from a dict, rejecting unknown keys and values outside a field's type
    (``BantinInputError`` naming the key, e.g. ``extractive.scorer: expected one of ...``)."""
    hints = typing.get_type_hints(cls)
    data = cls.upgrade_keys(data) if hasattr(cls, "upgrade_keys") else data  # a section's renamed keys
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(data) - names
    if unknown:
        raise BantinInputError(f"unknown config key(s) for {cls.__name__}: {', '.join(_where + k for k in sorted(unknown))}")
    kwargs = {}
    for k, v in data.items():
        if dataclasses.is_dataclass(hints[k]) and isinstance(v, dict):
            kwargs[k] = from_dict(hints[k], v, f"{_where}{k}.")
            continue
        try:
            kwargs[k] = _coerce(v, hints[k])
        except BantinInputError as exc:
            raise BantinInputError(f"config key {_where}{k}: {exc}") from None
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:  # a section's own checks (__post_init__)
        raise BantinInputError(f"config {_where.rstrip('.') or cls.__name__}: {exc}") from exc


def estimator_params(name: str, estimator: type, exclude: tuple[str, ...] = (), doc: str | None = None) -> type:
    """A config section derived from an estimator's ``__init__`` (scikit-learn style: the signature is the one
    source of the parameters, their defaults and their allowed values, ``Literal[...]`` annotations included).

    ``exclude`` leaves out parameters that the training config sets elsewhere (e.g. ``seed``, ``multi_label``).
    ``estimator(**dataclasses.asdict(section), ...)`` builds the configured estimator.
    """
    sig = inspect.signature(estimator.__init__)
    hints = typing.get_type_hints(estimator.__init__)
    fields = []
    for p in list(sig.parameters.values())[1:]:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name in exclude:
            continue
        if p.default is p.empty:
            raise TypeError(f"{estimator.__name__}.{p.name} has no default: a config section needs one")
        default = p.default
        spec = (dataclasses.field(default_factory=lambda d=default: copy.deepcopy(d))
                if isinstance(default, (list, dict, set)) else dataclasses.field(default=default))
        fields.append((p.name, hints.get(p.name, Any), spec))
    cls = dataclasses.make_dataclass(name, fields)
    cls.__module__ = sys._getframe(1).f_globals.get("__name__", estimator.__module__)  # the config module that names it
    cls.__doc__ = doc or f"The parameters of {estimator.__module__}.{estimator.__qualname__} (defaults from its __init__)."
    return cls


def apply_overrides(data: dict[str, Any], overrides: list[str] | None) -> dict[str, Any]:
    """Apply ``a.b=value`` overrides to a nested dict (values are parsed as YAML scalars)."""
    for item in overrides or []:
        if "=" not in item:
            raise BantinInputError(f"override {item!r} is not of the form key=value")
        key, raw = item.split("=", 1)
        try:
            value = yaml.safe_load(raw)
        except yaml.YAMLError:
            value = raw
        node = data
        parts = key.strip().split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise BantinInputError(f"override {item!r}: {part} is not a section")
        node[parts[-1]] = value
    return data


def load_config(cls: type[T], path: str | Path | None = None, overrides: list[str] | None = None) -> T:
    """Load a config dataclass from an optional file plus overrides."""
    data = _read_file(path) if path else {}
    return from_dict(cls, apply_overrides(data, overrides))


def to_dict(config: Any) -> dict[str, Any]:
    return dataclasses.asdict(config)


def config_hash(config: Any) -> str:
    """Short stable hash of a config, recorded with every run."""
    payload = json.dumps(to_dict(config) if dataclasses.is_dataclass(config) else config, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:12]
