"""The one fine-tuning engine (bantin.models.finetune on transformers.Trainer) and its shared settings: step
counts, gradient accumulation, per-epoch evaluation, early stopping, the time budget, checkpoints kept out of model
directories, opt-in resume, and the older setting names (configs and model manifests) mapped to the new ones."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from bantin.config import load_config  # noqa: E402
from bantin.errors import BantinInputError, BantinModelError  # noqa: E402
from bantin.models import load_model  # noqa: E402
from bantin.models.finetune import FineTuneSettings, total_steps, upgrade_settings  # noqa: E402
from bantin.testing import TINY_CORPUS, tiny_encoder  # noqa: E402
from bantin.topics.transformer import TransformerTopicModel  # noqa: E402

TEXTS = ["Cầu thủ ghi bàn thắng", "Giá vàng tăng mạnh", "Đội tuyển bóng đá thắng", "Ngân hàng giảm lãi suất"] * 4
LABELS = ["the_thao", "kinh_te"] * 8
HELD_OUT = (["Cầu thủ đội tuyển", "Giá vàng ngân hàng"], ["the_thao", "kinh_te"])
TINY = dict(max_length=32, per_device_train_batch_size=4, learning_rate=1e-3, warmup_ratio=0.0, device="cpu")

pytestmark = pytest.mark.usefixtures("torch_one_thread")


@pytest.fixture(scope="module")
def encoder(tmp_path_factory):
    return str(tiny_encoder(tmp_path_factory.mktemp("enc") / "tiny", texts=TINY_CORPUS + TEXTS))


def test_step_counts_and_gradient_accumulation(encoder):
    s = FineTuneSettings(per_device_train_batch_size=4, gradient_accumulation_steps=2, num_train_epochs=1.0)
    assert total_steps(s, 16) == 2 and total_steps(s, 17) == 3
    assert total_steps(FineTuneSettings(per_device_train_batch_size=4, max_steps=5, num_train_epochs=9), 16) == 5
    model = TransformerTopicModel(model_name_or_path=encoder, gradient_accumulation_steps=2, num_train_epochs=1.0, **TINY)
    model.fit(TEXTS, LABELS)
    info = model.training_info
    assert info["steps"] == 2 and info["epochs_done"] == 1.0 and info["device"] == "cpu" and info["precision"] == "fp32"
    assert info["n_docs"] == 16 and info["final_loss"] > 0


def test_eval_per_epoch_early_stopping_and_time_budget(encoder):
    model = TransformerTopicModel(model_name_or_path=encoder, num_train_epochs=3.0, early_stopping_patience=1, **TINY)
    model.fit(TEXTS, LABELS, eval_texts=HELD_OUT[0], eval_labels=HELD_OUT[1])
    info = model.training_info
    assert 2 <= len(info["eval_losses"]) <= 3  # one held-out loss per epoch (patience 1 may stop after the 2nd)
    assert info["best_eval_loss"] == min(info["eval_losses"])  # the best epoch's weights are the ones kept
    assert model.metrics["n"] == 2
    quick = TransformerTopicModel(model_name_or_path=encoder, num_train_epochs=50.0, max_minutes=0.0, **TINY).fit(TEXTS, LABELS)
    assert quick.training_info["steps"] == 1  # the time budget stops training after the step that exceeds it


def test_checkpoints_stay_out_of_the_model_directory_and_resume_is_opt_in(encoder, tmp_path):
    ckpt = tmp_path / "run.checkpoints"
    first = TransformerTopicModel(model_name_or_path=encoder, num_train_epochs=1.0, output_dir=str(ckpt), **TINY).fit(TEXTS, LABELS)
    assert first.training_info["steps"] == 4 and sorted(p.name for p in ckpt.iterdir()) == ["checkpoint-4"]
    path = first.save(tmp_path / "model")
    assert not [p for p in path.rglob("*") if p.suffix in (".pt", ".bin", ".pkl")]  # optimizer state stays in ckpt
    # resume: the same run continued to 2 epochs starts at step 4
    again = TransformerTopicModel(model_name_or_path=encoder, num_train_epochs=2.0, output_dir=str(ckpt), resume_from_checkpoint="latest", **TINY)
    again.fit(TEXTS, LABELS)
    assert again.training_info["steps"] == 8 and again.training_info["resumed_from"].endswith("checkpoint-4")
    with pytest.raises(BantinInputError, match="output_dir"):
        FineTuneSettings(resume_from_checkpoint="latest")
    with pytest.raises(BantinInputError, match="no checkpoint"):
        TransformerTopicModel(model_name_or_path=encoder, output_dir=str(tmp_path / "empty"), resume_from_checkpoint="latest",
                              **TINY).fit(TEXTS, LABELS)


def test_settings_are_checked():
    for bad in (dict(precision="fp8"), dict(learning_rate=0), dict(warmup_ratio=1.5), dict(early_stopping_patience=0),
                dict(per_device_train_batch_size=0)):
        with pytest.raises(BantinInputError):
            FineTuneSettings(**bad)


def test_old_setting_names_in_configs_are_mapped_with_a_warning():
    from bantin.boilerplate.config import TrainConfig as BoilerplateTrain
    from bantin.summarize.config import TrainConfig as SummarizeTrain
    from bantin.topics.config import TrainConfig as TopicsTrain

    with pytest.warns(FutureWarning, match="'lr' is now called 'learning_rate'"):
        cfg = load_config(BoilerplateTrain, None, ["transformer.lr=1e-4", "transformer.batch_size=8", "transformer.epochs=2"])
    t = cfg.transformer
    assert (t.learning_rate, t.per_device_train_batch_size, t.num_train_epochs) == (1e-4, 8, 2.0)
    with pytest.warns(FutureWarning, match="'pretrained' is now called 'model_name_or_path'"):
        topics = load_config(TopicsTrain, None, ["transformer.pretrained=x", "transformer.fp16=false"]).transformer
    assert topics.model_name_or_path == "x" and topics.precision == "fp32"
    with pytest.warns(FutureWarning):
        s2s = load_config(SummarizeTrain, None, ["seq2seq.mixed_precision=true", "seq2seq.gradient_accumulation=4"]).seq2seq
    assert s2s.precision == "auto" and s2s.gradient_accumulation_steps == 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        with pytest.raises(BantinInputError, match="keep only 'learning_rate'"):
            load_config(BoilerplateTrain, None, ["transformer.lr=1e-4", "transformer.learning_rate=1e-3"])
        with pytest.raises(BantinInputError, match="bantin.testing.tiny_encoder"):
            load_config(TopicsTrain, None, ["transformer.tiny_config={hidden_size: 32}"])
    # every transformer section has the same shared names
    shared = {f for f in FineTuneSettings.__dataclass_fields__}
    for section in (t, topics, s2s):
        assert shared <= set(section.__dataclass_fields__)


def test_model_directories_saved_with_the_old_names_still_load(encoder, tmp_path):
    model = TransformerTopicModel(model_name_or_path=encoder, max_steps=2, **TINY).fit(TEXTS, LABELS)
    path = model.save(tmp_path / "m")
    proba = model.predict_proba(TEXTS[:4])
    # rewrite it the way the topic transformer wrote its directories before the shared engine
    manifest = json.loads((path / "bantin_model.json").read_text())
    c = manifest["config"]
    old = {"pretrained": c["model_name_or_path"], "max_length": 32, "epochs": 3.0, "learning_rate": 1e-3, "batch_size": 4,
           "eval_batch_size": 64, "weight_decay": 0.01, "warmup_ratio": 0.06, "max_steps": -1, "device": "cpu", "fp16": True,
           "seed": 0, "text_prefix": c["text_prefix"], "multi_label": False, "tiny_config": {}}
    manifest["config"] = old
    (path / "bantin_model.json").write_text(json.dumps(manifest))
    from safetensors.torch import load_file, save_file

    head = load_file(str(path / "head.safetensors"))
    save_file({f"1.{k}": v for k, v in head.items()}, str(path / "head.safetensors"))  # Sequential(Dropout, Linear)
    with pytest.warns(FutureWarning, match="'pretrained' is now called 'model_name_or_path'"):
        loaded = load_model(path, task="topics")
    np.testing.assert_allclose(loaded.predict_proba(TEXTS[:4]), proba, atol=1e-6)
    assert loaded.config.per_device_train_batch_size == 4 and loaded.config.precision == "auto"
    manifest["config"]["tiny_config"] = {"hidden_size": 32}
    (path / "bantin_model.json").write_text(json.dumps(manifest))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        with pytest.raises(BantinModelError, match="tiny_config"):
            load_model(path)


def test_upgrade_settings_leaves_new_names_alone():
    data = {"learning_rate": 1e-3, "max_steps": None, "device": None}
    assert upgrade_settings(data) == {"learning_rate": 1e-3, "max_steps": -1, "device": "auto"}


CONFIGS = __import__("pathlib").Path(__file__).resolve().parents[1] / "configs"


def test_boilerplate_transformer_recipe_from_its_config(encoder, tmp_path):
    """`bantin train boilerplate --config configs/boilerplate-transformer.yaml`, tiny and offline, end to end."""
    pytest.importorskip("bantin.data.dataset")
    from test_boilerplate import _write_dataset

    from bantin.boilerplate.training import train_from_config

    data = tmp_path / "pages"
    _write_dataset(data)
    out = tmp_path / "model"
    rec = train_from_config(CONFIGS / "boilerplate-transformer.yaml", [
        f"data.dataset_dir={data}", f"out_dir={out}", f"transformer.model_name_or_path={encoder}", "transformer.max_steps=2",
        "transformer.max_length=32", "transformer.per_device_train_batch_size=16", "transformer.device=cpu", "evaluate_on=[test]",
        "data.extra_dataset_dir=null", "data.kinds=[text,html]", "calibration.kinds=[text,html]",
    ])  # fmt: skip
    assert rec["kind"] == "train" and "test_text_binary_f1" in rec["metrics"]
    model = load_model(out, task="boilerplate")
    assert model.training_info["steps"] == 2 and model.config.learning_rate == 5e-5


def test_topics_transformer_recipe_from_its_config(encoder, tmp_path):
    """`bantin train topics --config configs/topics-transformer.yaml` on a user file, tiny and offline, end to end."""
    from bantin.topics.training import train_from_config

    fix = __import__("pathlib").Path(__file__).parent / "fixtures" / "topics"
    out = tmp_path / "model"
    rec = train_from_config(CONFIGS / "topics-transformer.yaml", [
        f"out_dir={out}", "data.corpus=file", f"data.train_file={fix / 'news.jsonl'}", f"transformer.model_name_or_path={encoder}",
        "transformer.max_steps=3", "transformer.max_length=32", "transformer.device=cpu",
    ])  # fmt: skip
    assert rec["kind"] == "train" and 0 <= rec["metrics"]["accuracy"] <= 1
    model = load_model(out, task="topics")
    assert model.kind == "transformer" and model.training_info["steps"] == 3
