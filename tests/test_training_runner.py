"""The shared runner (bantin.training), EvalResult, the model-spec resolver and estimator parameters from one place."""

from __future__ import annotations

import dataclasses
import json
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pytest
from typer.testing import CliRunner

from bantin.cli import app
from bantin.config import load_config
from bantin.errors import BantinInputError
from bantin.models.base import Estimator, load_model, register_model
from bantin.tasks import TASKS, Task
from bantin.tracking import load_records
from bantin.training import EvalResult, HeldOut, RunRecord, TrainData, evaluate, train, training_value


# -- a toy task, registered for these tests only: the runner needs nothing else ------------------------------
class _Mode(Estimator):
    task = "toy"
    kind = "mode"

    def __init__(self, smoothing: float = 0.0, rule: Literal["mode", "first"] = "mode"):
        super().__init__()
        self.smoothing = smoothing
        self.rule = rule
        self.label_: str | None = None

    def fit(self, y):
        self.labels = sorted(set(y))
        self.label_ = max(self.labels, key=y.count) if self.rule == "mode" else y[0]
        self.training_info["n_docs"] = len(y)  # an estimator's own legacy key: the runner replaces it
        return self

    def predict(self, n):
        return [self.label_] * n

    def get_config(self):
        return self.get_params()

    def _save_weights(self, path: Path):
        (path / "weights.json").write_text(json.dumps({"label": self.label_}))

    def _load_weights(self, path: Path):
        self.label_ = json.loads((path / "weights.json").read_text())["label"]


@dataclass
class _TrainConfig:
    model: Literal["mode"] = "mode"
    out_dir: str = "runs/toy"
    labels: list[str] = field(default_factory=lambda: ["a", "b", "a"])
    test: list[str] = field(default_factory=lambda: ["a", "b"])


@dataclass
class _EvalConfig:
    model_dir: str = "default"


def _score(model, gold) -> EvalResult:
    pred = model.predict(len(gold))
    return EvalResult({"accuracy": sum(p == g for p, g in zip(pred, gold)) / len(gold), "n": np.float32(len(gold))}, pred)


# the toy task's training hooks (bantin.training) and evaluation, named by its Task entry
def load_data(cfg):
    return TrainData(cfg.labels, len(cfg.labels), "toyset", "train", info={"note": "toy"})


def build_model(cfg):
    return _Mode()


def fit(model, data, cfg):
    return model.fit(data.train)


def score(model, data, cfg, seconds):
    m = _score(model, cfg.test).metrics
    return HeldOut([RunRecord(cfg.model, "toyset", "train -> test", {"accuracy": m["accuracy"]}),
                    RunRecord(cfg.model, "toyset", "test", {"accuracy": m["accuracy"]}, kind="evaluate", key="test_record")],
                   model_metrics={"test/accuracy": m["accuracy"]})


def evaluate_toy(run):
    model = load_model(run.task.resolve_model(run.cfg.model_dir), task="toy")
    res = _score(model, ["a", "a", "b"])
    return [run.record(kind="evaluate", model="mode", dataset="toyset", split="test", metrics=res.metrics)]


@pytest.fixture
def toy_task(monkeypatch, tmp_path):
    """Adding a task: one Task entry (plus its model code and hooks, here in this module)."""
    evaluation = types.ModuleType("toy_evaluation")  # an evaluation module's entry point is named ``evaluate``
    evaluation.evaluate = evaluate_toy
    monkeypatch.setitem(sys.modules, "toy_evaluation", evaluation)
    task = Task("toy", primary_metric="accuracy", model_dir="toy", model_kinds={"mode": f"{__name__}:_Mode"},
                train_config=f"{__name__}:_TrainConfig", eval_config=f"{__name__}:_EvalConfig", training_module=__name__,
                evaluation_module="toy_evaluation")
    monkeypatch.setitem(TASKS, "toy", task)
    register_model("toy", "mode", f"{__name__}:_Mode")
    monkeypatch.chdir(tmp_path)
    return task


def test_runner_trains_scores_saves_and_records_a_new_task(toy_task, tmp_path):
    rec = train("toy", None, ["labels=[a,b,b,b]"])
    out = tmp_path / "runs" / "toy"  # out_dir: relative to the working directory
    assert rec["kind"] == "train" and rec["split"] == "train -> test" and rec["model_dir"] == "runs/toy"
    assert rec["command"] == "bantin train toy --set labels=[a,b,b,b]" and rec["config"]["labels"] == ["a", "b", "b", "b"]
    assert rec["test_record"]["kind"] == "evaluate" and rec["test_record"]["config_hash"] == rec["config_hash"]
    assert [r["kind"] for r in load_records()] == ["train", "evaluate"]
    model = load_model(out, task="toy")
    info = model.training_info
    assert {"dataset": "toyset", "split": "train", "n_train": 4, "note": "toy", "config_hash": rec["config_hash"]}.items() <= info.items()
    assert "train_seconds" in info and "n_docs" not in info  # one set of keys
    assert model.metrics == {"test/accuracy": 0.5} and model.predict(1) == ["b"]
    # evaluation through the same runner; "default" resolves to the task's embedded folder, a path stays a path
    recs = evaluate("toy", None, [f"model_dir={out}"])
    assert recs[0]["metrics"]["accuracy"] == pytest.approx(1 / 3) and recs[0]["command"].startswith("bantin evaluate toy")
    assert toy_task.resolve_model("default").name == "toy" and toy_task.resolve_model(out) == out


def test_runner_refuses_bad_config_values_with_the_key(toy_task):
    with pytest.raises(BantinInputError, match="config key model: expected one of 'mode', got 'median'"):
        train("toy", None, ["model=median"])
    with pytest.raises(BantinInputError, match="unknown task"):
        train("nope")


def test_eval_result_is_json_serializable():
    res = EvalResult({"accuracy": np.float64(0.5), "n": np.float32(2)}, [["a"], ["b"]], {"per_label": {"a": {"f1": 1.0}}, "v": np.arange(2)})
    back = json.loads(res.to_json())
    assert back == {"metrics": {"accuracy": 0.5, "n": 2.0}, "predictions": [["a"], ["b"]], "details": {"per_label": {"a": {"f1": 1.0}}, "v": [0, 1]}}
    assert res.to_dict() == back


def test_training_value_reads_old_model_directories():
    from bantin.topics import resolve_model_dir

    old = load_model(resolve_model_dir("vntc10"), task="topics").training_info  # saved with fit_seconds / n_docs
    assert training_value(old, "train_seconds") == old["fit_seconds"] and training_value(old, "n_train") == old["n_docs"]
    assert training_value({"n_train": 3, "n_pages": 9}, "n_train") == 3 and training_value({}, "n_train") is None


def test_one_model_spec_resolver():
    from bantin.data.paths import EMBEDDED_MODELS_DIR

    topics = TASKS["topics"]
    assert topics.resolve_model("default") == EMBEDDED_MODELS_DIR / "topics"
    assert topics.resolve_model("vntc10") == EMBEDDED_MODELS_DIR / "topics-vntc10"
    assert TASKS["summarize"].resolve_model("default") == EMBEDDED_MODELS_DIR / "summarize"
    assert TASKS["boilerplate"].resolve_model("runs/none-such") == Path("runs/none-such")


# -- estimator parameters from one place ------------------------------------------------------------------
def _estimators():
    from bantin.boilerplate.config import CRFConfig, RulesConfig
    from bantin.boilerplate.crf import CRFLabeler
    from bantin.boilerplate.rules import RulesLabeler
    from bantin.summarize.baselines import LexRankSummarizer, TextRankSummarizer
    from bantin.summarize.config import BaselineConfig, ExtractiveConfig
    from bantin.summarize.extractive import ExtractiveSummarizer
    from bantin.topics.config import EmbeddingConfig, LinearConfig
    from bantin.topics.embedding import EmbeddingTopicModel
    from bantin.topics.linear import LinearTopicModel

    return [(CRFLabeler, CRFConfig), (RulesLabeler, RulesConfig), (LinearTopicModel, LinearConfig), (EmbeddingTopicModel, EmbeddingConfig),
            (ExtractiveSummarizer, ExtractiveConfig), (LexRankSummarizer, BaselineConfig), (TextRankSummarizer, None)]


@pytest.mark.parametrize("index", range(7))
def test_config_sections_take_their_defaults_from_the_estimator(index):
    estimator, section = _estimators()[index]
    params = estimator().get_params()
    if section is not None:
        cfg = dataclasses.asdict(section())
        assert cfg and cfg.items() <= params.items()  # same names, same defaults
        assert estimator(**cfg).get_params().items() >= cfg.items()


@pytest.mark.parametrize("index", range(7))
def test_estimators_clone_with_sklearn(index):
    from sklearn.base import clone

    estimator, _ = _estimators()[index]
    est = estimator()
    name = next(iter(est.get_params()))
    est.set_params(**{name: est.get_params()[name]})
    copy = clone(est)
    assert type(copy) is estimator and copy is not est and copy.get_params() == est.get_params()
    with pytest.raises(ValueError, match="invalid parameter"):
        est.set_params(no_such_parameter=1)


def test_defaults_that_used_to_disagree_now_agree():
    from bantin.boilerplate.config import TrainConfig as BTrain
    from bantin.boilerplate.crf import CRFLabeler
    from bantin.summarize.config import TrainConfig as STrain
    from bantin.summarize.extractive import ExtractiveSummarizer
    from bantin.topics.config import TrainConfig as TTrain
    from bantin.topics.linear import LinearTopicModel

    assert LinearTopicModel().word_features == TTrain().linear.word_features == "lexicon"
    assert ExtractiveSummarizer().scorer == STrain().extractive.scorer == "logistic"
    assert CRFLabeler().max_iterations == BTrain().crf.max_iterations == 100


def test_literal_choices_are_checked_when_the_config_loads():
    from bantin.summarize.config import TrainConfig
    from bantin.topics.config import TrainConfig as TopicsConfig

    with pytest.raises(BantinInputError, match=r"extractive\.scorer: expected one of 'lgbm', 'gbm', 'logistic', got 'xyz'"):
        load_config(TrainConfig, None, ["extractive.scorer=xyz"])
    with pytest.raises(BantinInputError, match=r"linear\.word_features"):
        load_config(TopicsConfig, None, ["linear.word_features=words"])
    assert load_config(TopicsConfig, None, ["linear.word_features=null"]).linear.word_features is None
    with pytest.raises(BantinInputError, match="config key model"):
        load_config(TopicsConfig, None, ["model=svm"])


def test_cli_bad_choice_is_an_error_message_and_exit_2():
    result = CliRunner().invoke(app, ["train", "summarize", "--set", "extractive.scorer=xyz"])
    assert result.exit_code == 2
    assert "error: config key extractive.scorer: expected one of" in result.output and "Traceback" not in result.output
