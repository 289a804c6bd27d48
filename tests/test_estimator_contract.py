"""The estimator contract every registered model kind keeps (scikit-learn's ``check_estimator``, for bantin).

For each (task, kind) of the model registry, built tiny from its settings (``bantin.testing``), offline:
- it fits on tiny data, saves, loads (``load_model``) and gives the same predictions (and probabilities);
- an unfitted one raises ``BantinModelError`` on predict and on save (kinds that learn nothing excepted);
- a model directory with a corrupt manifest, or a corrupt weight file, raises ``BantinModelError`` on load;
- its config round-trips: the class built from ``get_config()`` has the same config, and so does the loaded model.

This replaces the per-model copies of such round-trip tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import FIXTURES

from bantin.errors import BantinModelError
from bantin.models import load_model
from bantin.models.base import _REGISTRY, MANIFEST, _ensure_registered
from bantin.tasks import TASKS
from bantin.testing import STATELESS_KINDS, TINY_SETTINGS, tiny_estimator

_ensure_registered()
# the kinds bantin registers (tests register toy kinds of their own, outside the bantin package)
KINDS = sorted(key for key, target in _REGISTRY.items() if key[0] in TASKS and target.startswith("bantin."))
NEEDS_TORCH = {("boilerplate", "transformer"), ("topics", "e5"), ("topics", "transformer"), ("summarize", "seq2seq")}
# extra settings of kinds with several learned parts (each scorer writes its own file)
VARIANTS = [(t, k, {}) for t, k in KINDS] + [
    ("summarize", "extractive", {"scorer": "gbm", "gbm_max_iter": 20}),
    ("summarize", "extractive", {"scorer": "lgbm", "target": "rank", "feature_set": "v2", "lgbm_num_trees": 10, "lgbm_min_data_in_leaf": 3}),
    # the two-stage default: LightGBM scorer + summary reranker (reranker.lgbm.txt)
    ("summarize", "extractive", {"scorer": "lgbm", "feature_set": "v2", "lgbm_num_trees": 10, "lgbm_min_data_in_leaf": 3,
                                 "rerank_top_k": 3, "rerank_trees": 5}),
    ("topics", "linear", {"multi_label": True}),
]
# files in a model directory that are not weights
NOT_WEIGHTS = {MANIFEST, "README.md"}


def test_every_registered_kind_has_tiny_settings():
    assert KINDS, "no model kinds registered"
    assert set(KINDS) <= set(TINY_SETTINGS), f"add tiny settings to bantin.testing for {sorted(set(KINDS) - set(TINY_SETTINGS))}"


# -- tiny data per task, and the task's fit / predict calls -----------------------------------------------


def _pages():
    from test_boilerplate import NAMES, text_page

    return [text_page(n) for n in NAMES]


def _topic_docs():
    from bantin.topics.data import load_user_file

    return load_user_file(FIXTURES / "topics" / "news.jsonl")


def _summary_examples():
    from bantin.summarize.data import SummaryExample

    rows = [json.loads(line) for line in (FIXTURES / "summarize" / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    return [SummaryExample(r["id"], r["title"], r["body"], r["reference"]) for r in rows]


class Case:
    """Tiny train/test data of a task and how its estimators are fitted and asked for predictions."""

    def __init__(self, task: str, multi_label: bool = False) -> None:
        self.task = task
        if task == "boilerplate":
            pages = _pages()
            self.train, self.test = pages[:3], pages[3:]
            self.texts = [b.text for p in pages for b in p.blocks]
        elif task == "topics":
            docs = _topic_docs()
            self.train, self.test = docs, docs[:6]
            self.texts = [d.text for d in docs]
            self.multi_label = multi_label
        else:
            ex = _summary_examples()
            self.train, self.test = ex[:6], ex[6:]
            self.texts = [e.title for e in ex] + [e.body for e in ex] + [e.reference for e in ex]

    def fit(self, model):
        if self.task == "boilerplate":
            return model.fit(self.train)
        if self.task == "topics":
            labels = [d.labels if self.multi_label else d.labels[0] for d in self.train]
            return model.fit([d.text for d in self.train], labels)
        if model.kind == "seq2seq":
            return model.fit_examples(self.train)
        if hasattr(model, "fit"):
            return model.fit([e.document() for e in self.train], [e.reference for e in self.train])
        return model

    def predict(self, model):
        """(labels or summaries, probabilities or None)."""
        if self.task == "boilerplate":
            probs = model.predict_proba(self.test)
            return model.predict(self.test), np.array([[d[lab] for lab in sorted(d)] for page in probs for d in page])
        if self.task == "topics":
            texts = [d.text for d in self.test]
            return model.predict(texts), model.predict_proba(texts)
        return model.summarize_sentences([e.document() for e in self.test], 2), None


_CASES: dict[tuple[str, bool], Case] = {}


def case_for(task: str, settings: dict) -> Case:
    key = (task, bool(settings.get("multi_label")))
    if key not in _CASES:
        _CASES[key] = Case(task, multi_label=key[1])
    return _CASES[key]


def _id(v):
    return "-".join([v[0], v[1], *[f"{k}={val}" for k, val in v[2].items() if k in ("scorer", "multi_label")]])


@pytest.fixture
def trusted_tmp(tmp_path, monkeypatch):
    """Model directories may name the tiny encoder folder (e5 topic models keep a reference, not a copy)."""
    monkeypatch.setenv("BANTIN_TRUSTED_MODEL_PATHS", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("variant", VARIANTS, ids=[_id(v) for v in VARIANTS])
def test_estimator_contract(variant, trusted_tmp):
    task, kind, extra = variant
    if (task, kind) in NEEDS_TORCH:
        pytest.importorskip("torch")
        pytest.importorskip("transformers")
        import torch

        torch.set_num_threads(1)
    case = case_for(task, extra)
    model = tiny_estimator(task, kind, trusted_tmp / "base", texts=case.texts, **extra)
    stateless = (task, kind) in STATELESS_KINDS

    # unfitted: predicting or saving is a clear error
    if not stateless:
        with pytest.raises(BantinModelError):
            case.predict(model)
        with pytest.raises(BantinModelError):
            model.save(trusted_tmp / "unfitted")

    # fit, save, load: same predictions
    assert case.fit(model) is model
    before, probs = case.predict(model)
    assert len(before) == len(case.test)
    path = model.save(trusted_tmp / "model")
    assert (path / MANIFEST).is_file() and (path / "README.md").is_file()
    assert not [p for p in path.rglob("*") if p.suffix in (".pkl", ".pickle", ".pt", ".bin")], "pickled files in a model directory"
    loaded = load_model(path, task=task)
    assert type(loaded) is type(model) and loaded.labels == model.labels
    after, probs_after = case.predict(loaded)
    assert after == before
    if probs is not None:
        np.testing.assert_allclose(probs_after, probs, atol=0.02)  # some kinds store float16 weights

    # config round trip: constructor <- get_config, and through the manifest
    config = model.get_config()
    json.dumps(config)  # the manifest stores it as JSON
    assert type(model)(**config).get_config() == config
    assert loaded.get_config() == config

    # corrupt directories
    broken = _copy(path, trusted_tmp / "broken-manifest")
    (broken / MANIFEST).write_text("{ not json", encoding="utf-8")
    with pytest.raises(BantinModelError):
        load_model(broken)
    weights = [p for p in sorted(path.rglob("*")) if p.is_file() and p.name not in NOT_WEIGHTS and _is_weights(p)]
    assert stateless or weights, f"{task}/{kind}: no weight files in {sorted(p.name for p in path.rglob('*'))}"
    for i, w in enumerate(weights):
        broken = _copy(path, trusted_tmp / f"broken-{i}")
        (broken / w.relative_to(path)).write_bytes(b"\x00garbage\xff" * 8)
        with pytest.raises(BantinModelError):
            load_model(broken)


def _is_weights(p: Path) -> bool:
    """The files that hold what was learned (tokenizer and HF config files are read by their own libraries)."""
    return p.suffix in (".safetensors", ".crfsuite", ".skops", ".npz") or p.name.startswith("scorer") or (
        p.suffix == ".json" and p.parent.name not in ("encoder", "hf")
    )


def _copy(src: Path, dst: Path) -> Path:
    import shutil

    shutil.copytree(src, dst)
    return dst
