"""Write constraints.txt: the exact version of every package that `pip install -e ".[dev]"` installs.

Run with the Python of a venv where bantin[dev] is installed (and up to date):
    python .ci/lock_constraints.py > constraints.txt
It walks the requirements of pyproject.toml (its dependencies and the dev extra, recursively through
extras) over the installed distributions, so packages installed by hand for other work are left out.
"""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name = canonicalize_name(project["name"])
    extras_of_self = project.get("optional-dependencies", {})
    todo: list[tuple[Requirement, str]] = [(Requirement(r), "") for r in project["dependencies"]]
    todo += [(Requirement(r), "dev") for r in extras_of_self["dev"]]
    seen_extras: set[tuple[str, str]] = set()
    pinned: dict[str, str] = {}
    while todo:
        req, extra = todo.pop()
        if req.marker and not req.marker.evaluate({"extra": extra}):
            continue
        key = canonicalize_name(req.name)
        if key == name:  # bantin[eval,train] inside the dev extra
            for e in req.extras:
                todo += [(Requirement(r), e) for r in extras_of_self[e]]
            continue
        dist = metadata.distribution(req.name)  # raises when a requirement is not installed: install it first
        for e in ("", *sorted(req.extras)):
            if (key, e) in seen_extras:
                continue
            seen_extras.add((key, e))
            todo += [(Requirement(r), e) for r in dist.requires or []]
        pinned[key] = dist.version
    sys.stdout.write("# Exact versions of bantin's dependencies (dev extra included), used by the README's set-up commands and\n"
                     "# .ci/run: pip install -c constraints.txt -e \".[dev]\". Regenerate: python .ci/lock_constraints.py > constraints.txt\n")
    for key in sorted(pinned):
        sys.stdout.write(f"{key}=={pinned[key]}\n")


if __name__ == "__main__":
    main()
