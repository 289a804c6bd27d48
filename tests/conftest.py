from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_experiments(tmp_path, monkeypatch):
    """Runs made by tests never write to the repository's experiments/ folder."""
    monkeypatch.setenv("BANTIN_EXPERIMENTS_DIR", str(tmp_path / "experiments"))


def shared_data_dir() -> Path:
    from bantin.data.paths import shared_data_dir as _d

    return _d()


def _has_corpora() -> bool:
    d = shared_data_dir()
    return d.exists() and any(d.glob("*.jsonl.gz"))


needs_data = pytest.mark.skipif(not _has_corpora(), reason="../shared/data (public corpora) is absent")


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="module")
def torch_one_thread():
    """Tiny models run fastest on one thread (and the test machine is shared)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
