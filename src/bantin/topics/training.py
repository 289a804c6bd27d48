"""`bantin train topics --config configs/topics.yaml`: fit a topic model, score it on held-out data, save it.

Data: a public corpus (vntc10: official train/test; baomoi_topics_2018: our fixed stratified split) or a
user taxonomy (``data.corpus: file`` + ``data.train_file``, JSONL or CSV, single- or multi-label; without
``data.test_file`` a stratified share is held out for the scores and the final model is fit on the rest).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bantin.config import config_hash, load_config, to_dict
from bantin.errors import BantinInputError
from bantin.topics.config import TrainConfig
from bantin.topics.data import LoadReport, TopicDoc, load_corpus, load_user_file, stratified_holdout, stratified_subsample


def build_model(cfg: TrainConfig):
    """An unfitted topic model of the configured kind."""
    if cfg.model == "linear":
        from bantin.topics.linear import LinearTopicModel

        c = cfg.linear
        return LinearTopicModel(tokenizer=c.tokenizer, ngram_max=c.ngram_max, word_features=c.word_features, n_features=c.n_features, max_features=c.max_features,
                                min_df=c.min_df, sublinear_tf=c.sublinear_tf, classifier=c.classifier, C=c.C, class_weight=c.class_weight,
                                calibration_fraction=c.calibration_fraction, max_chars=c.max_chars,
                                multi_label=cfg.multi_label, seed=cfg.data.seed)
    if cfg.model == "e5":
        from bantin.topics.embedding import EmbeddingTopicModel

        c = cfg.e5
        return EmbeddingTopicModel(encoder=c.encoder, engine=c.engine, max_length=c.max_length, batch_size=c.batch_size,
                                   prefix=c.prefix, C=c.C, multi_label=cfg.multi_label)
    if cfg.model == "transformer":
        from bantin.topics.transformer import TransformerTopicModel

        return TransformerTopicModel.from_config(cfg.transformer, multi_label=cfg.multi_label)
    raise BantinInputError(f"unknown topics model {cfg.model!r}: expected linear, e5 or transformer")


def load_training_data(cfg: TrainConfig) -> tuple[list[TopicDoc], list[TopicDoc], str, str, dict[str, Any]]:
    """(train docs, held-out docs, dataset name, held-out split name, load report)."""
    d = cfg.data
    d.check()
    info: dict[str, Any] = {}
    if d.corpus == "file":
        if not d.train_file:
            raise BantinInputError("data.corpus: file needs data.train_file (a .jsonl, .jsonl.gz or .csv file)")
        kw = dict(text_fields=d.text_fields, label_field=d.label_field, label_sep=d.label_sep)
        report = LoadReport()
        train = load_user_file(d.train_file, report=report, **kw)
        if d.test_file:
            test = load_user_file(d.test_file, report=report, **kw)
            split = "test_file"
        else:
            train, test = stratified_holdout(train, d.holdout_fraction, d.seed)
            split = f"holdout{d.holdout_fraction:g}"
        info = {"read": report.read, "malformed": report.malformed, "errors": report.errors}
        if report.malformed:
            print(f"{report.malformed} malformed record(s) skipped, e.g. {report.errors[0]}")
        dataset = Path(d.train_file).name
    else:
        train = load_corpus(d.corpus, d.train_split)
        test = load_corpus(d.corpus, "test")
        dataset, split = d.corpus, "test"
    n_full = len(train)
    train = stratified_subsample(train, d.max_train, d.seed)
    if len(train) < n_full:  # say so in the record: scores of a subsample are not the full benchmark
        info = {**info, "train_subset": f"stratified {len(train)} of {n_full} (seed {d.seed})"}
    return train, test, dataset, split, info


def train_from_config(config_path: str | Path | None = None, overrides: list[str] | None = None, tracking: str = "jsonl") -> dict[str, Any]:
    from bantin.data.paths import REPO_ROOT
    from bantin.topics.evaluation import evaluate_model
    from bantin.tracking import record_run

    cfg = load_config(TrainConfig, config_path, overrides)
    chash = config_hash(cfg)
    command = "bantin train topics" + (f" --config {config_path}" if config_path else "") + "".join(f" --set {o}" for o in overrides or [])
    train, test, dataset, split, load_info = load_training_data(cfg)
    model = build_model(cfg)
    print(f"training {cfg.model} on {len(train)} {dataset} docs ({'multi' if cfg.multi_label else 'single'}-label)")
    t0 = time.perf_counter()
    model.fit([x.text for x in train], [x.labels for x in train])
    train_seconds = time.perf_counter() - t0
    model.training_info.update({"dataset": dataset, "split": cfg.data.train_split if cfg.data.corpus != "file" else "file",
                                "n_docs": len(train), "config_hash": chash, "fit_seconds": round(train_seconds, 1),
                                "docs_per_s_train": round(len(train) / train_seconds, 1) if train_seconds else None})
    if "malformed" in load_info:
        model.training_info["data_report"] = {k: load_info[k] for k in ("read", "malformed")}
    metrics: dict[str, float] = {"train_seconds": round(train_seconds, 2), "n_train": float(len(train))}
    eval_split = split
    extra: dict[str, Any] = {k: v for k, v in load_info.items() if k == "train_subset"}
    if "malformed" in load_info:
        extra["data_report"] = {k: load_info[k] for k in ("read", "malformed", "errors")}
    if cfg.model in ("e5", "transformer"):
        extra["max_length_tokens"] = cfg.e5.max_length if cfg.model == "e5" else cfg.transformer.max_length
    if cfg.evaluate and test:
        full = len(test)
        test = stratified_subsample(test, cfg.eval_max_docs, cfg.data.seed)
        eval_split = split if len(test) == full else f"{split}[:{len(test)}]"
        if len(test) < full:
            extra["test_subset"] = f"stratified {len(test)} of {full} (seed {cfg.data.seed})"
        res = evaluate_model(model, test, train)
        m = res["metrics"]
        for k in ("accuracy", "macro_f1", "weighted_f1", "accuracy_dedup", "docs_per_s", "n_test"):
            if k in m:
                metrics[k] = round(float(m[k]), 6)
        model.metrics = {f"{dataset}/{eval_split}/{k}": v for k, v in metrics.items() if k in ("accuracy", "macro_f1", "weighted_f1", "accuracy_dedup")}
        print(f"{dataset} {eval_split}: accuracy={m['accuracy']:.4f} macro_f1={m['macro_f1']:.4f} docs/s={m['docs_per_s']:.0f}")
    out = Path(cfg.out_dir)
    if not out.is_absolute() and REPO_ROOT is not None and Path.cwd().resolve() != REPO_ROOT.resolve():
        out = Path.cwd() / out
    model.save(out)
    print(f"trained in {train_seconds:.1f}s; saved {cfg.model} model to {out}")
    return record_run(task="topics", kind="train", model=cfg.model, dataset=dataset, split=f"train -> {eval_split}", metrics=metrics,
                      model_dir=str(out), config=to_dict(cfg), config_hash=chash, duration_s=train_seconds, command=command,
                      extra=extra or None, tracking=tracking)
