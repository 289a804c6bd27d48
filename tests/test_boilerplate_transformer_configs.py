"""The shipped transformer boilerplate configs: both load, train on every form and never on a test set; a tiny run
of the CPU config (a tiny random encoder in place of e5-small, a few steps) trains, calibrates, saves and loads
end to end offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from bantin.boilerplate.config import TrainConfig
from bantin.config import load_config

REPO = Path(__file__).resolve().parent.parent
CPU = REPO / "configs" / "boilerplate-transformer-cpu.yaml"
FULL = REPO / "configs" / "boilerplate-transformer.yaml"
ALL_FORMS = {"text", "html", "markdown", "markdown78", "markdownify", "inscriptis", "lxml_text"}


@pytest.mark.parametrize("path", [CPU, FULL], ids=["cpu", "full"])
def test_transformer_configs_load(path):
    cfg = load_config(TrainConfig, path)
    assert cfg.model == "transformer" and cfg.transformer.model_name_or_path == "e5-small"
    assert set(cfg.data.kinds) == ALL_FORMS  # every form crawlers emit, like the CRF default
    assert not {"test", "seeds", "realpages"} & set(cfg.data.train_splits)
    assert cfg.calibration.split not in cfg.data.train_splits
    assert cfg.transformer.freeze_embeddings


def test_cpu_config_is_sized_for_one_core():
    """~3 training examples/s on one core at 64 tokens (README): the CPU config must stay well under an hour."""
    cpu, full = load_config(TrainConfig, CPU), load_config(TrainConfig, FULL)
    t = cpu.transformer
    assert t.device == "cpu" and t.num_train_epochs <= 1.0 and t.max_length <= 64
    assert t.max_train_samples and t.max_train_samples / 3.0 < 45 * 60
    assert t.max_length < full.transformer.max_length and t.max_train_samples < full.transformer.max_train_samples


def test_cpu_config_tiny_run_end_to_end(tmp_path, torch_one_thread):
    pytest.importorskip("torch")
    from test_boilerplate import NAMES, _write_dataset, text_page

    from bantin.boilerplate import extract_article
    from bantin.boilerplate.training import train_from_config
    from bantin.models import load_model
    from bantin.testing import tiny_encoder

    enc = tiny_encoder(tmp_path / "tiny", max_position_embeddings=96)
    data, extra = tmp_path / "pages", tmp_path / "classic"
    _write_dataset(data)
    _write_dataset(extra)
    out = tmp_path / "model"
    # everything else (max_length, context, lr, batch size, freezing, calibration quantile) comes from the config;
    # the fixture dataset has the text and HTML forms only
    rec = train_from_config(CPU, [
        f"transformer.model_name_or_path={enc}", f"data.dataset_dir={data}", f"data.extra_dataset_dir={extra}",
        "data.kinds=[text,html]", "calibration.kinds=[text,html]", f"out_dir={out}", "transformer.max_steps=3",
        "transformer.max_train_samples=64",
    ])
    assert rec["kind"] == "train" and rec["model"] == "transformer"
    assert "seeds_token_f1" in rec["metrics"]  # the post-training check on the seed pages ran
    model = load_model(out, task="boilerplate")
    assert model.kind == "transformer" and model.config.max_length == 64 and model.context_chars == 40
    assert model.training_info["steps"] == 3 and model.training_info["n_examples"] == 64
    assert model.calibration is not None and model.training_info["calibration"]["split"] == "val"
    labeled = model.label_page(text_page(NAMES[3]))
    assert all(0.0 <= b.score <= 1.0 for b in labeled.blocks)
    extract_article(labeled)
