"""Shared infrastructure: typed configs with overrides, run tracking + report, model directories."""

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bantin.errors import BantinError

from bantin.config import config_hash, load_config
from bantin.errors import BantinInputError, BantinModelError
from bantin.models.base import Estimator, load_model, read_manifest, register_model
from bantin.tracking import load_records, record_run, render_report, update_readme


@dataclass
class TrainCfg:
    epochs: int = 3
    lr: float = 1e-3
    max_steps: int | None = None
    use_gpu: bool = False
    labels: list[str] = field(default_factory=list)


@dataclass
class Cfg:
    name: str = "crf"
    train: TrainCfg = field(default_factory=TrainCfg)


def test_config_defaults_file_and_overrides(tmp_path):
    assert load_config(Cfg) == Cfg()
    f = tmp_path / "c.yaml"
    f.write_text("name: big\ntrain:\n  epochs: 5\n")
    cfg = load_config(Cfg, f, ["train.lr=0.5", "train.max_steps=10", "train.use_gpu=true", "train.labels=a,b"])
    assert cfg.name == "big" and cfg.train.epochs == 5 and cfg.train.lr == 0.5
    assert cfg.train.max_steps == 10 and cfg.train.use_gpu is True and cfg.train.labels == ["a", "b"]
    assert config_hash(cfg) != config_hash(Cfg()) and config_hash(cfg) == config_hash(load_config(Cfg, f, ["train.lr=0.5", "train.max_steps=10", "train.use_gpu=true", "train.labels=a,b"]))
    toml = tmp_path / "c.toml"
    toml.write_text('name = "t"\n[train]\nepochs = 7\n')
    assert load_config(Cfg, toml).train.epochs == 7


def test_config_errors_are_clear(tmp_path):
    with pytest.raises(BantinInputError, match="unknown config key"):
        load_config(Cfg, None, ["nope=1"])
    with pytest.raises(BantinInputError, match="no such file"):
        load_config(Cfg, tmp_path / "missing.yaml")
    with pytest.raises(BantinInputError, match="key=value"):
        load_config(Cfg, None, ["train.epochs"])
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n")
    with pytest.raises(BantinInputError, match="cannot be parsed"):
        load_config(Cfg, bad)


def test_record_run_and_report(tmp_path):
    out = tmp_path / "exp"
    for f1, date_model in [(0.90, "crf"), (0.95, "crf"), (0.80, "rules")]:
        record_run(task="boilerplate", kind="evaluate", model=date_model, dataset="seeds", split="all", metrics={"binary_f1": f1, "macro_f1": f1 - 0.1}, out_dir=out, config={"a": 1}, duration_s=1.23)
    record_run(task="topics", kind="train", model="tfidf", dataset="vntc10", split="train", metrics={"accuracy": 0.99}, out_dir=out)
    records = load_records(out)
    assert len(records) == 4
    r = records[0]
    for key in ("task", "model", "dataset", "split", "metrics", "git_commit", "date", "config_hash", "duration_s", "machine"):
        assert key in r
    text = render_report(out)
    assert (out / "RESULTS.md").read_text() == text
    assert "| crf | seeds | all |" in text and "0.9500" in text  # best crf run
    assert "0.9925" not in text and "tfidf" not in text  # training runs are not test scores
    assert "Vu et al." in text  # anchors are listed for tasks even without runs


def test_held_out_scores_of_training_runs_and_readme_summary(tmp_path):
    out = tmp_path / "exp"
    # scored on held-out data at training time: shown; validation and training scores: not shown
    record_run(task="boilerplate", kind="train", model="crf", dataset="built", split="train+val",
               metrics={"seeds_binary_f1": 0.97, "test_text_binary_f1": 0.96, "val_binary_f1": 0.999, "train_binary_f1": 1.0}, out_dir=out)
    record_run(task="topics", kind="train", model="linear", dataset="vntc10", split="train -> test", metrics={"accuracy": 0.93, "train_seconds": 5.0}, out_dir=out)
    text = render_report(out)
    assert "| crf (scored at training) | seed pages (hand-labeled) | all |" in text
    assert "| crf (scored at training) | built | test:text |" in text
    assert "0.9990" not in text and "| 1.0000 |" not in text
    assert "| linear (scored at training) | vntc10 | test |" in text and "0.9300" in text
    readme = tmp_path / "README.md"
    readme.write_text("intro\n<!-- bantin-report:start -->\nold\n<!-- bantin-report:end -->\nrest\n", encoding="utf-8")
    update_readme(readme, out)
    new = readme.read_text(encoding="utf-8")
    assert new.startswith("intro\n") and new.endswith("rest\n") and "old" not in new
    assert "| topics | vntc10 | test | linear (scored at training) | accuracy 93.00 |" in new
    assert "published: Vu et al., RIVF 2007" in new
    # the README shows a model's latest run, not its best: a retrained default keeps its name
    for acc in (0.95, 0.91):
        record_run(task="topics", kind="evaluate", model="linear (embedded default)", dataset="vntc10", split="test", metrics={"accuracy": acc}, out_dir=out)
    readme.write_text("<!-- bantin-report:start -->\n<!-- bantin-report:end -->\n", encoding="utf-8")
    update_readme(readme, out)
    new = readme.read_text(encoding="utf-8")
    assert "| linear (embedded default) | accuracy 91.00 |" in new and "accuracy 95.00" not in new
    assert "(latest run, %)" in new
    # another data build under the same dataset name gets its own row; an experiment's scratch build stays out
    record_run(task="boilerplate", kind="evaluate", model="crf:default", dataset="built-pages:text", split="test",
               metrics={"binary_f1": 0.981}, out_dir=out, config={"dataset_dir": "data/built/pages"})
    record_run(task="boilerplate", kind="evaluate", model="crf:default", dataset="built-pages:text", split="test",
               metrics={"binary_f1": 0.972}, out_dir=out, config={"dataset_dir": "/tmp/x/pagesB"})
    record_run(task="boilerplate", kind="evaluate", model="crf:default", dataset="built-pages:text", split="test",
               metrics={"binary_f1": 0.965}, out_dir=out, config={"dataset_dir": "data/built/pages-classic"})
    update_readme(readme, out)
    new = readme.read_text(encoding="utf-8")
    assert "| built-pages:text | test | crf:default | binary_f1 98.10 |" in new and "97.20" not in new
    assert "| built-pages:text (data/built/pages-classic) | test | crf:default | binary_f1 96.50 |" in new
    # the same build written differently is one row; a training run's scratch build (config.data) stays out too
    from bantin.data.paths import REPO_ROOT
    record_run(task="boilerplate", kind="evaluate", model="crf:default", dataset="built-pages:text", split="test",
               metrics={"binary_f1": 0.983}, out_dir=out, config={"dataset_dir": str(REPO_ROOT / "data/built/./pages")})
    record_run(task="boilerplate", kind="evaluate", model="crf:default", dataset="built-pages:text", split="test",
               metrics={"binary_f1": 0.5}, out_dir=out, config="not a mapping")
    record_run(task="boilerplate", kind="train", model="crf", dataset="built", split="train+val",
               metrics={"seeds_binary_f1": 0.10}, out_dir=out, config={"data": {"dataset_dir": "/tmp/scratch/build"}})
    update_readme(readme, out)
    new = readme.read_text(encoding="utf-8")
    assert "| built-pages:text | test | crf:default | binary_f1 50.00 |" in new  # no build named: the default's row
    assert "binary_f1 10.00" not in new and "seed pages (hand-labeled) | all | crf (scored at training) | binary_f1 97.00" in new
    with open(out / "results.jsonl", "a", encoding="utf-8") as f:  # a hand-edited record without a date
        f.write(json.dumps({"task": "topics", "kind": "evaluate", "model": "x", "dataset": "d", "split": "test", "metrics": {"accuracy": 0.5}}) + "\n")
    render_report(out, write=False)
    readme.write_text("<!-- bantin-report:end -->\n<!-- bantin-report:start -->\n", encoding="utf-8")
    with pytest.raises(BantinError, match="before"):
        update_readme(readme, out)
    readme.write_text("no markers", encoding="utf-8")
    with pytest.raises(BantinError, match="markers"):
        update_readme(readme, out)


class _Majority(Estimator):
    task = "boilerplate"
    kind = "majority-test"

    def __init__(self, smoothing: float = 0.0):
        super().__init__()
        self.smoothing = smoothing
        self.label_ = None

    def fit(self, y):
        self.labels = sorted(set(y))
        self.label_ = max(self.labels, key=y.count)
        return self

    def predict(self, n):
        return [self.label_] * n

    def get_config(self):
        return {"smoothing": self.smoothing}

    def _save_weights(self, path: Path):
        (path / "weights.json").write_text(json.dumps({"label": self.label_}))

    def _load_weights(self, path: Path):
        self.label_ = json.loads((path / "weights.json").read_text())["label"]


register_model("boilerplate", "majority-test", f"{__name__}:_Majority")


def test_model_directory_round_trip_and_card(tmp_path):
    m = _Majority(smoothing=0.5).fit(["body", "nav", "body"])
    m.metrics = {"binary_f1": 0.5}
    m.save(tmp_path / "m")
    manifest = read_manifest(tmp_path / "m")
    assert manifest["task"] == "boilerplate" and manifest["labels"] == ["body", "nav"] and manifest["config"] == {"smoothing": 0.5}
    card = (tmp_path / "m" / "README.md").read_text()
    assert "majority-test" in card and "binary_f1" in card and "`body`" in card
    again = load_model(tmp_path / "m")
    assert isinstance(again, _Majority) and again.smoothing == 0.5 and again.predict(2) == ["body", "body"]
    assert _Majority.load(tmp_path / "m").labels == ["body", "nav"]


def test_model_directory_errors(tmp_path):
    with pytest.raises(BantinModelError, match="does not exist"):
        load_model(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(BantinModelError, match="not a bantin model directory"):
        load_model(tmp_path / "empty")
    _Majority().fit(["body"]).save(tmp_path / "m")
    with pytest.raises(BantinModelError, match="expected a 'topics' model"):
        load_model(tmp_path / "m", task="topics")
    (tmp_path / "m" / "weights.json").unlink()
    with pytest.raises(BantinModelError, match="missing or corrupt"):
        load_model(tmp_path / "m")
    (tmp_path / "m" / "bantin_model.json").write_text("{not json")
    with pytest.raises(BantinModelError, match="corrupt manifest"):
        load_model(tmp_path / "m")


def test_mlflow_tracking_is_optional(tmp_path, monkeypatch):
    import sys
    import types

    logged: dict = {}

    class _Run:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    fake = types.ModuleType("mlflow")
    fake.set_experiment = lambda name: logged.setdefault("experiment", name)
    fake.start_run = lambda run_name: logged.setdefault("run", run_name) and _Run()
    fake.log_params = lambda p: logged.setdefault("params", p)
    fake.log_metrics = lambda m: logged.setdefault("metrics", m)
    monkeypatch.setitem(sys.modules, "mlflow", fake)
    record_run(task="topics", kind="evaluate", model="linear", dataset="vntc10", split="test", metrics={"accuracy": 0.9}, out_dir=tmp_path, tracking="mlflow")
    assert logged["experiment"] == "bantin-topics" and logged["metrics"] == {"accuracy": 0.9}
    assert logged["params"]["model"] == "linear"
    assert len(load_records(tmp_path)) == 1  # the JSONL record is written too
    monkeypatch.setitem(sys.modules, "mlflow", None)  # not installed
    with pytest.raises(BantinError, match="pip install mlflow"):
        record_run(task="topics", kind="evaluate", model="linear", dataset="vntc10", split="test", metrics={"accuracy": 0.9}, out_dir=tmp_path, tracking="mlflow")


def test_one_task_list_feeds_cli_records_registry_and_pipeline():
    from bantin import pipeline, tracking
    from bantin.cli import TASKS as CLI_TASKS
    from bantin.models.base import _REGISTRY, _ensure_registered
    from bantin.tasks import TASKS

    assert CLI_TASKS is TASKS
    assert set(tracking.PRIMARY_METRIC) == set(TASKS)
    assert pipeline.TASK_DIRS == {n: t.model_dir for n, t in TASKS.items()}
    assert pipeline.STAGES == tuple(TASKS)
    _ensure_registered()
    assert {task for task, _ in _REGISTRY} >= set(TASKS)
    for t in TASKS.values():
        default = __import__(t.package, fromlist=["default_model_dir"]).default_model_dir()
        assert default == t.embedded_model_dir() and (default / "bantin_model.json").exists()
