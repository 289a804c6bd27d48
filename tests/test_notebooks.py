"""The notebooks in notebooks/ run top to bottom (small settings: BANTIN_NOTEBOOK_SMALL=1) without an error output.

01 and 02 read the public corpora and are skipped where ../shared/data is absent; 03 needs only the repository.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, needs_data

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = REPO / "notebooks"

pytestmark = [pytest.mark.notebook, pytest.mark.slow]


def run_notebook(name: str, monkeypatch, tmp_path: Path) -> str:
    """Execute a notebook in a fresh kernel (cwd notebooks/) and return the text of all its outputs."""
    monkeypatch.setenv("BANTIN_NOTEBOOK_SMALL", "1")  # the kernel inherits the test's environment
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the notebook's work folder (models, run records) lands here
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    texts, errors = [], []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                errors.append(f"{out.ename}: {out.evalue}")
            elif out.output_type == "stream":
                texts.append(out.text)
            else:
                data = out.get("data", {})
                texts.append(str(data.get("text/markdown", "")) + str(data.get("text/html", "")) + str(data.get("text/plain", "")))
    assert not errors, errors
    return "\n".join(texts)


def test_03_use_the_pipeline(monkeypatch, tmp_path):
    out = run_notebook("03_use_the_pipeline.ipynb", monkeypatch, tmp_path)
    assert "loaded in" in out and "CRFLabeler" in out
    # the seed page's title found by the default boilerplate model (on failure, the lines it printed: this once failed
    # in one full run and passed when re-run, unexplained)
    assert "TITLE  : Đổi mới" in out, [ln for ln in out.splitlines() if ln.startswith(("TITLE", "LEAD", "loaded", "0"))]
    assert "source kind: html" in out
    # the malformed JSONL line and the record without text are reported, not dropped
    assert "analyze_paths: 5 records, 2 failed" in out
    assert "malformed JSON line" in out and "record has no non-empty text field" in out


@needs_data
@pytest.mark.data
def test_01_data(monkeypatch, tmp_path):
    out = run_notebook("01_data.ipynb", monkeypatch, tmp_path)
    assert "laodongthudo" in out  # seed pages table
    assert "vntc10" in out and "baomoi_topics_2018" in out  # corpora table
    assert "largest/smallest class ratio" in out


@needs_data
@pytest.mark.data
def test_02_train_and_evaluate(monkeypatch, tmp_path):
    out = run_notebook("02_train_and_evaluate.ipynb", monkeypatch, tmp_path)
    assert "saved crf model to" in out and "saved linear model to" in out
    assert "extractive-2" in out and "rouge1_f" in out
    assert "Summary: latest held-out score" in out  # the tracked-runs report
    # the notebook's runs went to its temporary experiments folder, not the repository's
    assert str(tmp_path) in out
