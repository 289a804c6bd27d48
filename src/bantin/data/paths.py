"""Where the public corpora and the project's own data live (all configurable)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: The repository root when running from a source checkout (src layout), else None.
REPO_ROOT: Path | None = PACKAGE_DIR.parent.parent if (PACKAGE_DIR.parent.parent / "pyproject.toml").exists() else None
EMBEDDED_MODELS_DIR = PACKAGE_DIR / "resources" / "models"


def shared_data_dir(path: str | Path | None = None) -> Path:
    """The folder with the public corpora: argument > $BANTIN_DATA_DIR > ../shared/data.

    ``../shared/data`` is looked up beside the working directory first, then beside the repository.
    The returned folder may not exist; loaders raise BantinDataError and tests skip in that case.
    """
    if path is not None:
        return Path(path)
    env = os.environ.get("BANTIN_DATA_DIR")
    if env:
        return Path(env)
    cwd_candidate = Path.cwd().parent / "shared" / "data"
    if cwd_candidate.exists() or REPO_ROOT is None:
        return cwd_candidate
    return REPO_ROOT.parent / "shared" / "data"


def seeds_dir(path: str | Path | None = None) -> Path:
    """The folder with the raw seed pages: argument > $BANTIN_SEEDS_DIR > <shared>/seeds > data/seeds."""
    if path is not None:
        return Path(path)
    env = os.environ.get("BANTIN_SEEDS_DIR")
    if env:
        return Path(env)
    shared = shared_data_dir().parent / "seeds"
    if shared.exists():
        return shared
    return project_data_dir() / "seeds"


def project_data_dir() -> Path:
    """The repository's data/ folder (annotations, samples, fixtures)."""
    if REPO_ROOT is not None:
        return REPO_ROOT / "data"
    return Path.cwd() / "data"


def experiments_dir() -> Path:
    """Where run records go: $BANTIN_EXPERIMENTS_DIR, else ./experiments (the repository's when run from it)."""
    env = os.environ.get("BANTIN_EXPERIMENTS_DIR")
    if env:
        return Path(env)
    if REPO_ROOT is not None and Path.cwd().resolve() == REPO_ROOT.resolve():
        return REPO_ROOT / "experiments"
    return Path.cwd() / "experiments"
