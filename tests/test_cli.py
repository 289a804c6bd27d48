"""The CLI's train / evaluate / report / data commands: one core with the Python API, clear errors."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bantin.cli import app
from bantin.tracking import load_records

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_train_and_evaluate_topics_on_user_data_are_recorded(tmp_path, monkeypatch):
    exp = tmp_path / "exp"
    monkeypatch.setenv("BANTIN_EXPERIMENTS_DIR", str(exp))
    out = tmp_path / "model"
    res = runner.invoke(app, ["train", "topics", "--config", str(ROOT / "configs" / "topics-user-example.yaml"),
                              "--set", f"data.train_file={ROOT / 'tests/fixtures/topics/news.jsonl'}", f"out_dir={out}"])
    assert res.exit_code == 0, res.output
    assert (out / "bantin_model.json").exists() and (out / "README.md").exists()
    records = load_records(exp)
    assert records and records[-1]["task"] == "topics" and records[-1]["kind"] == "train"
    assert "--set data.train_file=" in records[-1]["command"] and f"out_dir={out}" in records[-1]["command"]
    res = runner.invoke(app, ["report", "--experiments", str(exp)])
    assert res.exit_code == 0 and "## topics" in res.stdout
    assert (exp / "RESULTS.md").exists()


def test_user_errors_are_messages_not_tracebacks(tmp_path):
    res = runner.invoke(app, ["train", "translation"])
    assert res.exit_code == 2 and "unknown task 'translation'" in res.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: [unclosed\n", encoding="utf-8")
    res = runner.invoke(app, ["train", "topics", "--config", str(bad)])
    assert res.exit_code == 2 and "cannot be parsed" in res.stderr
    res = runner.invoke(app, ["evaluate", "summarize", "--set", "no_equals_sign"])
    assert res.exit_code == 2 and "key=value" in res.stderr
    assert not isinstance(res.exception, Exception) or isinstance(res.exception, SystemExit)
    res = runner.invoke(app, ["report", "--readme", str(tmp_path / "missing.md"), "--experiments", str(tmp_path)])
    assert res.exit_code == 2 and "no such file" in res.stderr


def test_python_module_entry_point():
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-m", "bantin", "--help"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and "analyze" in res.stdout and "train" in res.stdout
