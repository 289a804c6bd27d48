"""Typed configs of `bantin train boilerplate` and `bantin evaluate boilerplate` (every field has a default)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bantin.boilerplate.crf import CRFLabeler
from bantin.boilerplate.rules import RulesLabeler
from bantin.config import estimator_params

from bantin.models.transformer_classifier import TransformerClassifierConfig


@dataclass
class DataConfig:
    dataset_dir: str = "data/built/pages"
    train_splits: list[str] = field(default_factory=lambda: ["train", "val"])
    #: page renderings to train on: one model for flattened text and HTML
    kinds: list[str] = field(default_factory=lambda: ["text", "html"])
    #: at most this many pages per split and kind (None: all)
    max_pages: int | None = None
    exclude_templates: list[str] = field(default_factory=list)
    seed: int = 0
    #: a second built dataset mixed into training (e.g. one of the hand-written site templates only, at a
    #: larger share than they get among many generated styles); its own kinds and per-kind page cap
    extra_dataset_dir: str | None = None
    extra_kinds: list[str] = field(default_factory=lambda: ["text", "html"])
    extra_max_pages: int | None = None


#: the CRF's parameters: its __init__ is their one source (``CRFLabeler(**asdict(cfg.crf))``)
CRFConfig = estimator_params("CRFConfig", CRFLabeler)
RulesConfig = estimator_params("RulesConfig", RulesLabeler)


@dataclass
class TransformerConfig(TransformerClassifierConfig):
    """Settings of the transformer block labeler: the shared fine-tuning settings
    (``bantin.models.finetune.FineTuneSettings``: model_name_or_path, learning_rate, num_train_epochs, ...), the
    classifier settings, and the context window; boilerplate defaults."""

    #: neighbouring blocks on each side given as context (the pair segment), each cut to context_chars
    context_blocks: int = 2
    context_chars: int = 120
    num_train_epochs: float = 1.0
    per_device_train_batch_size: int = 32
    per_device_eval_batch_size: int = 128
    warmup_ratio: float = 0.06
    #: random subsample of the training blocks (each block is one example)
    max_train_samples: int | None = 80000


@dataclass
class CalibrationConfig:
    """Fit the score calibration and the out-of-distribution threshold on held-out pages after training."""

    #: a split of the built dataset that is not trained on (null: no calibration)
    split: str | None = None
    kinds: list[str] = field(default_factory=lambda: ["text", "html"])
    max_pages: int | None = 400
    #: pages whose confidence is below this quantile of the held-out pages' get a warning
    ood_quantile: float = 0.02


@dataclass
class TrainConfig:
    model: Literal["crf", "rules", "transformer"] = "crf"
    out_dir: str = "runs/boilerplate/crf"
    data: DataConfig = field(default_factory=DataConfig)
    crf: CRFConfig = field(default_factory=CRFConfig)
    rules: RulesConfig = field(default_factory=RulesConfig)
    transformer: TransformerConfig = field(default_factory=TransformerConfig)
    calibration: CalibrationConfig = field(default_factory=CalibrationConfig)
    #: after training, score on these (recorded): split names of the built dataset and/or "seeds"
    evaluate_on: list[str] = field(default_factory=lambda: ["seeds"])
    eval_max_pages: int | None = 500


@dataclass
class LotoConfig:
    #: model retrained per fold (on all other templates): crf | rules | transformer
    model: Literal["crf", "rules", "transformer"] = "crf"
    crf: CRFConfig = field(default_factory=CRFConfig)
    transformer: TransformerConfig = field(default_factory=TransformerConfig)
    max_train_pages: int | None = 3000
    max_test_pages: int | None = 300
    #: also score these reference extractors on every fold
    baselines: list[str] = field(default_factory=lambda: ["rules", "justext", "trafilatura"])


@dataclass
class EvalConfig:
    #: model directories, or "default" (embedded), "rules", "justext", "trafilatura"
    models: list[str] = field(default_factory=lambda: ["runs/boilerplate/crf", "rules", "justext", "trafilatura"])
    #: seeds | test | val | loto
    splits: list[str] = field(default_factory=lambda: ["seeds", "test", "loto"])
    kinds: list[str] = field(default_factory=lambda: ["text", "html"])
    dataset_dir: str = "data/built/pages"
    max_pages: int | None = 2000
    loto: LotoConfig = field(default_factory=LotoConfig)
    out_json: str = "experiments/boilerplate_eval.json"
    summary_md: str = "experiments/boilerplate_summary.md"
    seed: int = 0
    #: the realpages split: folder (None: $BANTIN_REALPAGES_DIR or ../shared/realpages), forms scored, report file
    realpages_dir: str | None = None
    realpages_forms: list[str] = field(default_factory=lambda: ["html", "txt", "markdown", "markdown78", "markdownify", "inscriptis", "lxml_text"])
    realpages_md: str = "experiments/boilerplate_realpages.md"
