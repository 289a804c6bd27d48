"""Hostile and broken model directories: each is a clear BantinModelError (CLI exit 2), never a traceback, a crash,
a file read from outside the directory or code run from a model file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from bantin.cli import app
from bantin.data.paths import EMBEDDED_MODELS_DIR
from bantin.errors import BantinModelError
from bantin.models import load_model, model_file

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
PAGE = REPO / "data" / "samples" / "laodongthudo.txt"
WEIGHTS = {"boilerplate": "model.crfsuite", "topics": "linear.safetensors", "summarize": "idf.json"}
runner = CliRunner()


def copy_model(task: str, tmp_path: Path) -> Path:
    dst = tmp_path / task
    shutil.copytree(EMBEDDED_MODELS_DIR / task, dst)
    return dst


def edit_manifest(model_dir: Path, edit) -> None:
    path = model_dir / "bantin_model.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    edit(manifest)
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def cli_fails_cleanly(option: str, model_dir: Path) -> str:
    res = runner.invoke(app, ["analyze", str(PAGE), option, str(model_dir)])
    assert res.exit_code == 2, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output
    return res.stderr


# -- 3. skops: only the types a bantin scorer holds -----------------------------------------------------------------
def gbm_summarizer_dir(tmp_path: Path, estimator) -> Path:
    import skops.io as sio

    d = copy_model("summarize", tmp_path)
    for f in ("scorer.json", "scorer.lgbm.txt"):  # whichever scorer the embedded model ships
        (d / f).unlink(missing_ok=True)
    edit_manifest(d, lambda m: m["config"].update(scorer="gbm", target="oracle", rerank_top_k=0))
    sio.dump(estimator, d / "scorer.skops")
    return d


def summarizer_n_features() -> int:
    """How many sentence features the embedded summarizer's configured feature set has."""
    from bantin.summarize.features import feature_names

    config = json.loads((EMBEDDED_MODELS_DIR / "summarize" / "bantin_model.json").read_text(encoding="utf-8"))["config"]
    return len(feature_names(config.get("feature_set", "v1")))


def test_skops_payload_under_numpy_is_refused_without_running(tmp_path):
    from numpy.testing._private.utils import runstring
    from sklearn.preprocessing import FunctionTransformer

    marker = tmp_path / "pwned"
    payload = FunctionTransformer(func=runstring, kw_args={"dict": {}})
    payload.fit(np.zeros((2, 1)))
    d = gbm_summarizer_dir(tmp_path, payload)
    with pytest.raises(BantinModelError, match="numpy.testing._private.utils.runstring"):
        load_model(d)
    assert "refuses" in cli_fails_cleanly("--summarize-model", d)
    assert not marker.exists()


def test_skops_scorer_that_bantin_saves_still_loads(tmp_path):
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, summarizer_n_features()))
    model = HistGradientBoostingClassifier(max_iter=3, early_stopping=False).fit(x, x[:, 0] > 0)
    loaded = load_model(gbm_summarizer_dir(tmp_path, model))
    assert np.allclose(loaded.model_.predict_proba(x), model.predict_proba(x))


def test_skops_corrupt_or_wrong_estimator(tmp_path):
    from sklearn.ensemble import HistGradientBoostingRegressor

    rng = np.random.default_rng(0)
    regressor = HistGradientBoostingRegressor(max_iter=2).fit(rng.normal(size=(40, 3)), rng.normal(size=40))
    d = gbm_summarizer_dir(tmp_path, regressor)
    with pytest.raises(BantinModelError, match="not a scorer"):  # 3 features, not the summarizer's
        load_model(d)
    (d / "scorer.skops").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(BantinModelError, match="not a skops file"):
        load_model(d)


# -- 4. files outside the model directory --------------------------------------------------------------------------
@pytest.mark.parametrize("task", ["boilerplate", "topics", "summarize"])
def test_weights_symlinked_outside_are_refused(task, tmp_path, monkeypatch):
    d = copy_model(task, tmp_path / "models")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (d / WEIGHTS[task]).rename(outside / WEIGHTS[task])
    (d / WEIGHTS[task]).symlink_to(outside / WEIGHTS[task])
    with pytest.raises(BantinModelError, match="outside the model directory"):
        load_model(d)
    assert "outside the model directory" in cli_fails_cleanly(f"--{task}-model", d)
    monkeypatch.setenv("BANTIN_TRUSTED_MODEL_PATHS", str(outside))  # the user names the folder: allowed
    assert load_model(d).task == task


def test_manifest_symlinked_to_a_system_file_is_refused(tmp_path):
    d = copy_model("topics", tmp_path)
    target = tmp_path / "secret.json"
    (d / "bantin_model.json").rename(target)
    (d / "bantin_model.json").symlink_to(target)
    with pytest.raises(BantinModelError, match="outside the model directory"):
        load_model(d)


def test_symlinks_inside_the_directory_and_a_symlinked_directory_are_fine(tmp_path):
    d = copy_model("topics", tmp_path / "real")
    (d / "weights").mkdir()
    (d / "linear.safetensors").rename(d / "weights" / "linear.safetensors")
    (d / "linear.safetensors").symlink_to(Path("weights") / "linear.safetensors")
    link = tmp_path / "current"
    link.symlink_to(d, target_is_directory=True)
    assert load_model(link).task == "topics"


def test_model_file_refuses_dotdot_and_absolute_names(tmp_path):
    (tmp_path / "m").mkdir()
    for name in ("../x", "/etc/passwd", "a/../../x"):
        with pytest.raises(BantinModelError, match="outside the model directory"):
            model_file(tmp_path / "m", name)
    assert model_file(tmp_path / "m", "a/../b") == (tmp_path / "m" / "b").resolve()


def e5_topic_dir(tmp_path: Path, encoder: str) -> Path:
    from safetensors.numpy import save_file

    d = tmp_path / "e5model"
    d.mkdir(parents=True)
    (d / "bantin_model.json").write_text(json.dumps({"task": "topics", "kind": "e5", "labels": ["a", "b"], "config": {"encoder": encoder}}),
                                         encoding="utf-8")
    save_file({"coef": np.zeros((2, 4), np.float32), "intercept": np.zeros(2, np.float32)}, str(d / "logreg.safetensors"))
    return d


def test_e5_encoder_paths_never_resolve_outside_or_against_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "enc").mkdir()
    for encoder in (str(tmp_path / "enc"), "../enc"):
        d = e5_topic_dir(tmp_path / encoder.replace("/", "_"), encoder)
        with pytest.raises(BantinModelError, match="outside the model directory"):
            load_model(d)
    # "e5-small" is an alias, but from_pretrained would load ./e5-small from the working directory
    d = e5_topic_dir(tmp_path / "alias", "e5-small")
    assert load_model(d)._encoder_source == "e5-small"
    work = tmp_path / "work"
    (work / "e5-small").mkdir(parents=True)
    monkeypatch.chdir(work)
    with pytest.raises(BantinModelError, match="outside the model directory"):
        load_model(d)
    # a folder inside the model directory is resolved against the model directory, wherever bantin runs
    d = e5_topic_dir(tmp_path / "inside", "my-encoder")
    (d / "my-encoder").mkdir()
    assert load_model(d)._encoder_source == str((d / "my-encoder").resolve())


# -- 5. truncated crfsuite file: an error, not a segfault -----------------------------------------------------------
def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "bantin", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def test_truncated_crfsuite_model_is_an_error_not_a_crash(tmp_path):
    d = copy_model("boilerplate", tmp_path)
    os.truncate(d / "model.crfsuite", 100)
    res = run_cli("analyze", str(PAGE), "--boilerplate-model", str(d))  # a subprocess: a segfault fails, not kills, pytest
    assert res.returncode == 2, (res.returncode, res.stderr[-2000:])
    assert "truncated or corrupt crfsuite model" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.parametrize(
    "offset, value, message",
    [(0, b"xCRF", "not a crfsuite model"), (8, b"XXXX", "not a crfsuite model"), (28, (10**8).to_bytes(4, "little"), "outside the file"),
     (48, b"JUNK", "features chunk"), (56, (7).to_bytes(4, "little"), "do not fill")],
)
def test_altered_crfsuite_header_is_refused(tmp_path, offset, value, message):
    d = copy_model("boilerplate", tmp_path)
    data = bytearray((d / "model.crfsuite").read_bytes())
    data[offset : offset + len(value)] = value
    (d / "model.crfsuite").write_bytes(bytes(data))
    with pytest.raises(BantinModelError, match=message):
        load_model(d)


def test_tiny_or_empty_crfsuite_file(tmp_path):
    d = copy_model("boilerplate", tmp_path)
    for content in (b"", b"lCRF"):
        (d / "model.crfsuite").write_bytes(content)
        with pytest.raises(BantinModelError, match="shorter than the header"):
            load_model(d)


# -- 6. bad manifests, configs and weights ---------------------------------------------------------------------------
def test_manifest_that_is_a_list_or_not_utf8(tmp_path):
    d = copy_model("boilerplate", tmp_path)
    (d / "bantin_model.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(BantinModelError, match="expected a JSON object, found a list"):
        load_model(d)
    assert "corrupt manifest" in cli_fails_cleanly("--boilerplate-model", d)
    (d / "bantin_model.json").write_bytes(b'{"task": "boilerplate", "kind": "crf", "labels": ["\xff\xfe"]}')
    with pytest.raises(BantinModelError, match="not UTF-8"):
        load_model(d)
    assert "not UTF-8" in cli_fails_cleanly("--boilerplate-model", d)


@pytest.mark.parametrize(
    "task, edit, message",
    [
        ("boilerplate", lambda m: m["config"].update(no_such_key=1), "unknown config key"),
        ("boilerplate", lambda m: m["config"].update(window="abc"), "'window' = 'abc' is not a valid int"),
        ("topics", lambda m: m["config"].update(ngram_max="2"), "'ngram_max'"),
        ("topics", lambda m: m.update(config=[1]), "'config' must be a JSON object"),
        ("topics", lambda m: m.update(labels="abc"), "'labels' must be a JSON array"),
        ("topics", lambda m: m["config"].update(classifier="magic"), r"'classifier' = 'magic' is not a valid choice \(one of 'linearsvc'"),
        ("topics", lambda m: m["config"].update(word_features="words"), r"'word_features' = 'words' is not a valid choice \(one of 'lexicon', 'pyvi', 'underthesea'\) or null"),
        ("summarize", lambda m: m["config"].update(scorer="forest"), r"'scorer' = 'forest' is not a valid choice"),
        ("summarize", lambda m: m["config"].update(n_sentences=None), "'n_sentences'"),
    ],
)
def test_bad_config_is_a_model_error(task, edit, message, tmp_path):
    d = copy_model(task, tmp_path)
    edit_manifest(d, edit)
    with pytest.raises(BantinModelError, match=message):
        load_model(d)
    cli_fails_cleanly(f"--{task}-model", d)


@pytest.mark.parametrize("content", ["[]", '{"idf": [], "n_docs": 3}', '{"idf": {"a": "x"}, "n_docs": 3}', '{"idf": {}}'])
def test_bad_idf_file(content, tmp_path):
    d = copy_model("summarize", tmp_path)
    (d / "idf.json").write_text(content, encoding="utf-8")
    with pytest.raises(BantinModelError, match="idf.json"):
        load_model(d)
    cli_fails_cleanly("--summarize-model", d)


def test_bad_linear_scorer_file(tmp_path):
    d = copy_model("summarize", tmp_path)
    (d / "scorer.lgbm.txt").unlink(missing_ok=True)
    edit_manifest(d, lambda m: m["config"].update(scorer="logistic", rerank_top_k=0))
    n = summarizer_n_features()
    scorer = {"mean": [0.0] * n, "scale": [1.0] * n, "coef": [0.1] * (n - 1), "intercept": 0.0}  # one weight short
    (d / "scorer.json").write_text(json.dumps(scorer), encoding="utf-8")
    with pytest.raises(BantinModelError, match="'coef' must be a list of"):
        load_model(d)


def rewrite_topic_weights(d: Path, **changes) -> None:
    from safetensors.numpy import load_file, save_file

    t = load_file(str(d / "linear.safetensors"))
    t.update(changes)
    save_file({k: np.ascontiguousarray(v) for k, v in t.items() if v is not None}, str(d / "linear.safetensors"))


def test_out_of_range_feature_index(tmp_path):
    d = copy_model("topics", tmp_path)
    from safetensors.numpy import load_file

    index = load_file(str(d / "linear.safetensors"))["feature_index"].copy()
    index[-1] = 2**30  # beyond n_features = 2**21: used to be an IndexError at the first page
    rewrite_topic_weights(d, feature_index=index)
    with pytest.raises(BantinModelError, match="feature_index"):
        load_model(d)
    assert "feature_index" in cli_fails_cleanly("--topics-model", d)
    index[-1] = -5
    rewrite_topic_weights(d, feature_index=index)
    with pytest.raises(BantinModelError, match="feature_index"):
        load_model(d)


def test_topic_weights_of_the_wrong_shape(tmp_path):
    d = copy_model("topics", tmp_path)
    rewrite_topic_weights(d, intercept=np.zeros(3, np.float32))
    with pytest.raises(BantinModelError, match="intercept must be finite floats of shape"):
        load_model(d)
    (d / "linear.safetensors").write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{\"a\":1}")
    with pytest.raises(BantinModelError, match="missing or corrupt"):
        load_model(d)


def test_crf_with_unknown_labels_is_refused(tmp_path):
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    trainer.append([{"a": 1.0}, {"b": 1.0}], ["body", "evil_label"])
    d = copy_model("boilerplate", tmp_path)
    trainer.train(str(d / "model.crfsuite"))
    with pytest.raises(BantinModelError, match="unknown block labels"):
        load_model(d)


def test_a_model_kind_whose_library_is_missing(tmp_path, monkeypatch):
    import builtins

    d = copy_model("boilerplate", tmp_path)
    real_import = builtins.__import__

    def no_pycrfsuite(name, *args, **kwargs):
        if name == "pycrfsuite":
            raise ModuleNotFoundError("No module named 'pycrfsuite'", name="pycrfsuite")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "bantin.boilerplate.crf", raising=False)
    monkeypatch.delitem(sys.modules, "pycrfsuite", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_pycrfsuite)
    with pytest.raises(BantinModelError, match="needs pycrfsuite, which is not installed"):
        load_model(d)


@pytest.mark.parametrize("config, message", [({"max_length": "abc"}, "'max_length' = 'abc'"), ({"no_such_key": 1}, "unknown config key"),
                                             ({"pooling": "max"}, "'pooling' = 'max'")])
def test_transformer_config_is_checked_before_loading_weights(config, message, tmp_path):
    d = tmp_path / "transformer"
    d.mkdir()
    (d / "bantin_model.json").write_text(json.dumps({"task": "boilerplate", "kind": "transformer", "labels": ["body"], "config": config}),
                                         encoding="utf-8")
    with pytest.raises(BantinModelError, match=message):
        load_model(d)


def test_embedding_model_without_torch_is_a_model_error(monkeypatch):
    import builtins

    from bantin.models.embeddings import TorchEmbedder

    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name == "torch":
            raise ModuleNotFoundError("No module named 'torch'", name="torch")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    with pytest.raises(BantinModelError, match=r"needs torch.*bantin\[train\]"):
        TorchEmbedder("e5-small")
