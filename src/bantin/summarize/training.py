"""`bantin train summarize --config configs/summarize.yaml`: fit a summarizer and save its model directory."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bantin.config import config_hash, load_config, to_dict
from bantin.errors import BantinInputError
from bantin.summarize.base import Summarizer
from bantin.summarize.config import TrainConfig
from bantin.summarize.data import load_examples

MODELS = ("extractive", "lead", "textrank", "lexrank", "seq2seq")


def build_model(cfg: TrainConfig) -> Summarizer:
    """An unfitted summarizer of the configured kind."""
    from bantin.summarize.baselines import LeadSummarizer, LexRankSummarizer, TextRankSummarizer

    b, backend = cfg.baseline, cfg.data.sentence_backend
    if cfg.model == "extractive":
        from bantin.summarize.extractive import ExtractiveSummarizer

        e = cfg.extractive
        return ExtractiveSummarizer(
            n_sentences=cfg.n_sentences, sentence_backend=backend, scorer=e.scorer, target=e.target, redundancy=e.redundancy,
            mmr_lambda=e.mmr_lambda, min_tokens=e.min_tokens, max_oracle_sentences=e.max_oracle_sentences, idf_min_df=e.idf_min_df,
            gbm_max_iter=e.gbm_max_iter, gbm_learning_rate=e.gbm_learning_rate, gbm_max_leaf_nodes=e.gbm_max_leaf_nodes,
            logistic_c=e.logistic_c, seed=cfg.seed, feature_set=e.feature_set, lgbm_num_trees=e.lgbm_num_trees,
            lgbm_learning_rate=e.lgbm_learning_rate, lgbm_num_leaves=e.lgbm_num_leaves, lgbm_min_data_in_leaf=e.lgbm_min_data_in_leaf, max_syllables=e.max_syllables,
            rerank_top_k=e.rerank_top_k, rerank_trees=e.rerank_trees, rerank_learning_rate=e.rerank_learning_rate,
        )
    if cfg.model == "lead":
        return LeadSummarizer(cfg.n_sentences, backend)
    if cfg.model == "textrank":
        return TextRankSummarizer(cfg.n_sentences, backend, b.damping, b.min_tokens)
    if cfg.model == "lexrank":
        return LexRankSummarizer(cfg.n_sentences, backend, b.damping, b.min_tokens, b.threshold)
    if cfg.model == "seq2seq":
        from bantin.summarize.abstractive import Seq2SeqSummarizer

        return Seq2SeqSummarizer.from_config(cfg.seq2seq, n_sentences=cfg.n_sentences, sentence_backend=backend)
    raise BantinInputError(f"unknown summarization model {cfg.model!r}: expected one of {', '.join(MODELS)}")


def train_from_config(config_path: str | Path | None = None, overrides: list[str] | None = None, tracking: str = "jsonl") -> dict[str, Any]:
    from bantin.summarize.evaluation import evaluate_model
    from bantin.tracking import record_run

    cfg = load_config(TrainConfig, config_path, overrides)
    chash = config_hash(cfg)
    command = "bantin train summarize" + (f" --config {config_path}" if config_path else "") + "".join(f" --set {o}" for o in overrides or [])
    d = cfg.data
    if d.dataset == "baomoi_sapo":
        raise BantinInputError("baomoi_sapo is an evaluation sample without splits; train on vietnews or on your own JSONL data")
    if d.train_split == "test":
        raise BantinInputError("never train on the test split")
    t0 = time.perf_counter()
    model = build_model(cfg)
    n_train = 0
    if cfg.model in ("extractive", "seq2seq"):
        examples = load_examples(d.dataset, d.train_split, d.max_train_articles, d.data_dir)
        if d.baomoi_train_articles and cfg.model == "extractive":
            from bantin.summarize.data import BAOMOI_TRAIN_OFFSETS, load_baomoi_sapo

            per = -(-d.baomoi_train_articles // len(BAOMOI_TRAIN_OFFSETS))
            extra = [e for off in BAOMOI_TRAIN_OFFSETS for e in load_baomoi_sapo(per, offset=off, data_dir=d.data_dir)]
            examples = examples + extra[: d.baomoi_train_articles]
        n_train = len(examples)
        if not examples:
            raise BantinInputError(f"no training articles in {d.dataset} {d.train_split}")
        print(f"training {cfg.model} on {n_train} articles ({d.dataset} {d.train_split}" + (f" + baomoi {d.baomoi_train_articles})" if d.baomoi_train_articles else ")"))
        if cfg.model == "extractive":
            model.fit([e.document(d.sentence_backend) for e in examples], [e.reference for e in examples])
        else:
            val = load_examples(d.dataset, d.val_split, min(d.max_val_articles or 200, 200), d.data_dir) if cfg.evaluate else []
            model.fit_examples(examples, val)
    duration = time.perf_counter() - t0
    model.training_info.update({"dataset": d.dataset, "split": d.train_split, "n_articles": n_train, "config_hash": chash, "duration_s": round(duration, 1)})
    metrics: dict[str, float] = {}
    if cfg.evaluate and d.val_split:
        val = load_examples(d.dataset, d.val_split, d.max_val_articles, d.data_dir)
        m, _ = evaluate_model(model, val, cfg.n_sentences)
        metrics = {f"{d.val_split}/{k}": round(v, 4) for k, v in m.items() if k in ("rouge1_f", "rouge2_f", "rougeL_f", "rouge1_f_ascii", "rouge2_f_ascii", "rougeL_f_ascii", "summary_syllables", "articles_per_s")}
        metrics[f"{d.val_split}/n_articles"] = len(val)
        model.metrics = metrics
        print(f"{d.val_split} ({len(val)} articles): R1 {m['rouge1_f']*100:.2f} R2 {m['rouge2_f']*100:.2f} RL {m['rougeL_f']*100:.2f} "
              f"(ascii R1 {m['rouge1_f_ascii']*100:.2f}) {m['summary_syllables']:.1f} syllables, {m['articles_per_s']:.0f} articles/s")
    out = model.save(cfg.out_dir)
    print(f"saved {out}")
    name = f"{cfg.model}-{cfg.n_sentences}" if cfg.model != "seq2seq" else "seq2seq"
    record = record_run(
        task="summarize", kind="train", model=name, dataset=d.dataset, split=d.train_split, metrics=metrics, model_dir=str(out),
        config=to_dict(cfg), config_hash=chash, duration_s=duration, command=command, tracking=tracking,
    )
    if d.max_test_articles is None or d.max_test_articles > 0:
        record["test_record"] = evaluate_on_test(model, cfg, name, str(out), chash, command, tracking)
    return record


def evaluate_on_test(model: Summarizer, cfg: TrainConfig, name: str, model_dir: str, chash: str, command: str, tracking: str) -> dict[str, Any]:
    """Score the freshly trained model on the vietnews test split (``data.max_test_articles``; None: all 6,000)
    and write a kind="evaluate" record, as `bantin evaluate summarize` would."""
    from bantin.summarize.evaluation import evaluate_model
    from bantin.tracking import record_run

    d = cfg.data
    test = load_examples(d.dataset, "test", d.max_test_articles, d.data_dir)
    t0 = time.perf_counter()
    m, _ = evaluate_model(model, test, cfg.n_sentences)
    split = "test" if d.max_test_articles is None else f"test[:{len(test)}]"
    print(f"test ({len(test)} articles): R1 {m['rouge1_f']*100:.2f} R2 {m['rouge2_f']*100:.2f} RL {m['rougeL_f']*100:.2f} "
          f"(ascii {m['rouge1_f_ascii']*100:.2f}/{m['rouge2_f_ascii']*100:.2f}/{m['rougeL_f_ascii']*100:.2f}) {m['articles_per_s']:.1f} articles/s")
    return record_run(
        task="summarize", kind="evaluate", model=f"{name} ({Path(model_dir).name})", dataset=d.dataset, split=split,
        metrics={k: round(v, 5) for k, v in m.items()}, model_dir=model_dir, config=to_dict(cfg), config_hash=chash,
        duration_s=time.perf_counter() - t0, command=command, tracking=tracking,
        extra={"n_sentences": cfg.n_sentences, "after_training": True, "rougeL": "ROUGE-Lsum over sentences (one per line)",
               "tokenizers": "rouge*_f: Unicode syllables (NFC, lower-cased, punctuation dropped); rouge*_ascii: rouge-score default"},
    )
