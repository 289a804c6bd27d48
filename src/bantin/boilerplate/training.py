"""`bantin train boilerplate --config configs/boilerplate.yaml`: fit a block labeler and save its model directory."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from bantin.blocks import Page
from bantin.boilerplate.config import TrainConfig
from bantin.boilerplate.data import load_seeds, load_split, subsample
from bantin.errors import BantinInputError
from bantin.training import HeldOut, RunRecord, TrainData, train


def build_model(cfg: TrainConfig):
    """An unfitted labeler of the configured kind."""
    if cfg.model == "crf":
        from bantin.boilerplate.crf import CRFLabeler

        return CRFLabeler(**asdict(cfg.crf))
    if cfg.model == "rules":
        from bantin.boilerplate.rules import RulesLabeler

        return RulesLabeler(**asdict(cfg.rules))
    if cfg.model == "transformer":
        from bantin.boilerplate.transformer import TransformerBlockLabeler

        return TransformerBlockLabeler.from_config(cfg.transformer)
    raise BantinInputError(f"unknown boilerplate model {cfg.model!r}: expected crf, rules or transformer")


def training_pages(cfg: TrainConfig) -> list[Page]:
    d = cfg.data
    if "seeds" in d.train_splits:
        raise BantinInputError("the seed pages are for evaluation only; never train on them")
    pages: list[Page] = []
    for split in d.train_splits:
        for i, kind in enumerate(d.kinds):
            got = load_split(d.dataset_dir, split, kind, exclude_templates=d.exclude_templates)
            # a different sample of articles per kind: the model sees more articles, each in one or two forms
            pages.extend(subsample(got, d.max_pages, d.seed + i))
        if d.extra_dataset_dir:
            for i, kind in enumerate(d.extra_kinds):
                got = load_split(d.extra_dataset_dir, split, kind, exclude_templates=d.exclude_templates)
                pages.extend(subsample(got, d.extra_max_pages, d.seed + 100 + i))
    if not pages:
        raise BantinInputError(f"no training pages in {d.dataset_dir} for splits {d.train_splits}")
    return pages


def calibrate(model, cfg: TrainConfig) -> None:
    """Fit ``model.calibration`` on the held-out split ``cfg.calibration.split`` (never a training split)."""
    from bantin.boilerplate.calibration import Calibration
    from bantin.labels import to_binary

    c = cfg.calibration
    if c.split in cfg.data.train_splits or c.split == "seeds":
        raise BantinInputError(f"calibration.split {c.split!r} must be a held-out split of the built dataset, not trained on")
    if not 0.0 <= c.ood_quantile < 1.0:
        raise BantinInputError(f"calibration.ood_quantile must be within [0, 1), got {c.ood_quantile}")
    pages = [p for kind in c.kinds for p in subsample(load_split(cfg.data.dataset_dir, c.split, kind), c.max_pages, cfg.data.seed)]
    model.calibration = None
    p_content = model.content_proba(pages)
    gold = [[to_binary(b.label) == "content" for b in p.blocks] for p in pages]
    model.calibration = Calibration.fit(p_content, gold, quantile=c.ood_quantile)
    info = model.calibration.info
    model.training_info["calibration"] = {"split": c.split, "kinds": c.kinds, **info, "ood_threshold": model.calibration.ood_threshold}
    print(f"calibrated on {info['n_pages']} {c.split} pages: ECE {info['ece_before']:.4f} -> {info['ece_after']:.4f}, "
          f"out-of-distribution threshold {model.calibration.ood_threshold:.3f}")


def load_data(cfg: TrainConfig) -> TrainData:
    d = cfg.data
    pages = training_pages(cfg)
    info: dict[str, Any] = {"kinds": d.kinds}
    if d.extra_dataset_dir:
        info["extra_dataset"] = {"dir": d.extra_dataset_dir, "kinds": d.extra_kinds, "max_pages": d.extra_max_pages}
    return TrainData(pages, len(pages), d.dataset_dir, "+".join(d.train_splits), info=info,
                     description=f"{len(pages)} pages ({sum(len(p.blocks) for p in pages)} blocks) from {d.dataset_dir} {d.train_splits} {d.kinds}")


def fit(model, data: TrainData, cfg: TrainConfig):
    model.fit(data.train)
    if cfg.calibration.split:
        calibrate(model, cfg)
    return model


def score(model, data: TrainData, cfg: TrainConfig, seconds: float) -> HeldOut:
    """Scores on held-out data only (never on the training splits), stored as ``<set>/<metric>`` in the model and
    as ``<set>_<metric>`` in the train record."""
    from bantin.boilerplate.evaluation import evaluate_model

    metrics: dict[str, float] = {}
    for split in cfg.evaluate_on:
        if split in cfg.data.train_splits:
            continue
        if split == "seeds":
            try:
                sets = [("seeds", load_seeds())]
            except Exception as exc:  # seeds are optional for training
                print(f"(no seed evaluation: {exc})")
                continue
        else:
            sets = [(f"{split}:{k}", subsample(load_split(cfg.data.dataset_dir, split, k), cfg.eval_max_pages, cfg.data.seed)) for k in cfg.data.kinds]
        for name, eval_pages in sets:
            m = evaluate_model(model, eval_pages).metrics
            for key in ("binary_f1", "macro_f1", "token_f1"):
                metrics[f"{name}/{key}"] = round(m[key], 4)
            print(f"{name}: binary_f1={m['binary_f1']:.4f} macro_f1={m['macro_f1']:.4f} token_f1={m['token_f1']:.4f}")
    flat = {k.replace(":", "_").replace("/", "_"): v for k, v in metrics.items()}
    return HeldOut([RunRecord(cfg.model, cfg.data.dataset_dir, data.split, flat)], model_metrics=metrics)


def train_from_config(config_path: str | Path | None = None, overrides: list[str] | None = None, tracking: str = "jsonl") -> dict[str, Any]:
    """``bantin train boilerplate`` (the shared runner, ``bantin.training.train``)."""
    return train("boilerplate", config_path, overrides, tracking)
