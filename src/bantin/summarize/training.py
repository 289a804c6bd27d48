"""`bantin train summarize --config configs/summarize.yaml`: fit a summarizer and save its model directory."""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bantin.errors import BantinInputError
from bantin.summarize.base import Summarizer
from bantin.summarize.config import TrainConfig
from bantin.summarize.data import load_examples
from bantin.training import HeldOut, RunRecord, TrainData, train

MODELS = ("extractive", "lead", "textrank", "lexrank", "seq2seq")


def build_model(cfg: TrainConfig) -> Summarizer:
    """An unfitted summarizer of the configured kind."""
    from bantin.summarize.baselines import LeadSummarizer, LexRankSummarizer, TextRankSummarizer

    b, backend = cfg.baseline, cfg.data.sentence_backend
    if cfg.model == "extractive":
        from bantin.summarize.extractive import ExtractiveSummarizer

        return ExtractiveSummarizer(n_sentences=cfg.n_sentences, sentence_backend=backend, seed=cfg.seed, **asdict(cfg.extractive))
    if cfg.model == "lead":
        return LeadSummarizer(cfg.n_sentences, backend)
    if cfg.model == "textrank":
        return TextRankSummarizer(cfg.n_sentences, backend, b.damping, b.min_tokens)
    if cfg.model == "lexrank":
        return LexRankSummarizer(cfg.n_sentences, backend, **asdict(b))
    if cfg.model == "seq2seq":
        from bantin.summarize.abstractive import Seq2SeqSummarizer

        return Seq2SeqSummarizer.from_config(cfg.seq2seq, n_sentences=cfg.n_sentences, sentence_backend=backend)
    raise BantinInputError(f"unknown summarization model {cfg.model!r}: expected one of {', '.join(MODELS)}")


def load_data(cfg: TrainConfig) -> TrainData:
    d = cfg.data
    if d.dataset == "baomoi_sapo":
        raise BantinInputError("baomoi_sapo is an evaluation sample without splits; train on vietnews or on your own JSONL data")
    if d.train_split == "test":
        raise BantinInputError("never train on the test split")
    examples: list = []
    if cfg.model in ("extractive", "seq2seq"):
        examples = load_examples(d.dataset, d.train_split, d.max_train_articles, d.data_dir)
        if d.baomoi_train_articles and cfg.model == "extractive":
            from bantin.summarize.data import BAOMOI_TRAIN_OFFSETS, load_baomoi_sapo

            per = -(-d.baomoi_train_articles // len(BAOMOI_TRAIN_OFFSETS))
            extra = [e for off in BAOMOI_TRAIN_OFFSETS for e in load_baomoi_sapo(per, offset=off, data_dir=d.data_dir)]
            examples = examples + extra[: d.baomoi_train_articles]
        if not examples:
            raise BantinInputError(f"no training articles in {d.dataset} {d.train_split}")
    source = f"{d.dataset} {d.train_split}" + (f" + baomoi {d.baomoi_train_articles}" if d.baomoi_train_articles else "")
    return TrainData(examples, len(examples), d.dataset, d.train_split, description=f"{len(examples)} articles ({source})")


def fit(model: Summarizer, data: TrainData, cfg: TrainConfig) -> Summarizer:
    d = cfg.data
    if cfg.model == "extractive":
        model.fit([e.document(d.sentence_backend) for e in data.train], [e.reference for e in data.train])
    elif cfg.model == "seq2seq":
        val = load_examples(d.dataset, d.val_split, min(d.max_val_articles or 200, 200), d.data_dir) if cfg.evaluate else []
        model.fit_examples(data.train, val)
    return model  # the baselines learn nothing


def model_name(cfg: TrainConfig) -> str:
    return f"{cfg.model}-{cfg.n_sentences}" if cfg.model != "seq2seq" else "seq2seq"


def score(model: Summarizer, data: TrainData, cfg: TrainConfig, seconds: float) -> HeldOut:
    """Validation scores (``<val split>/<metric>``, in the train record and the model) and, with
    ``data.max_test_articles``, an evaluate record on the test split (``test_record``)."""
    from bantin.summarize.evaluation import evaluate_model

    d = cfg.data
    metrics: dict[str, float] = {}
    if cfg.evaluate and d.val_split:
        val = load_examples(d.dataset, d.val_split, d.max_val_articles, d.data_dir)
        m = evaluate_model(model, val, cfg.n_sentences).metrics
        metrics = {f"{d.val_split}/{k}": round(v, 4) for k, v in m.items() if k in ("rouge1_f", "rouge2_f", "rougeL_f", "rouge1_f_ascii", "rouge2_f_ascii", "rougeL_f_ascii", "summary_syllables", "articles_per_s")}
        metrics[f"{d.val_split}/n_articles"] = len(val)
        print(f"{d.val_split} ({len(val)} articles): R1 {m['rouge1_f']*100:.2f} R2 {m['rouge2_f']*100:.2f} RL {m['rougeL_f']*100:.2f} "
              f"(ascii R1 {m['rouge1_f_ascii']*100:.2f}) {m['summary_syllables']:.1f} syllables, {m['articles_per_s']:.0f} articles/s")
    records = [RunRecord(model_name(cfg), d.dataset, d.train_split, metrics)]
    if d.max_test_articles is None or d.max_test_articles > 0:
        records.append(score_test(model, cfg))
    return HeldOut(records, model_metrics=metrics if cfg.evaluate and d.val_split else dict(model.metrics))


def score_test(model: Summarizer, cfg: TrainConfig) -> RunRecord:
    """Score the freshly trained model on the vietnews test split (``data.max_test_articles``; None: all 6,000):
    a kind="evaluate" record, as `bantin evaluate summarize` would write."""
    from bantin.summarize.evaluation import evaluate_model

    d = cfg.data
    test = load_examples(d.dataset, "test", d.max_test_articles, d.data_dir)
    t0 = time.perf_counter()
    m = evaluate_model(model, test, cfg.n_sentences).metrics
    split = "test" if d.max_test_articles is None else f"test[:{len(test)}]"
    print(f"test ({len(test)} articles): R1 {m['rouge1_f']*100:.2f} R2 {m['rouge2_f']*100:.2f} RL {m['rougeL_f']*100:.2f} "
          f"(ascii {m['rouge1_f_ascii']*100:.2f}/{m['rouge2_f_ascii']*100:.2f}/{m['rougeL_f_ascii']*100:.2f}) {m['articles_per_s']:.1f} articles/s")
    return RunRecord(
        f"{model_name(cfg)} ({Path(cfg.out_dir).name})", d.dataset, split, {k: round(v, 5) for k, v in m.items()}, kind="evaluate",
        duration_s=time.perf_counter() - t0, key="test_record",
        extra={"n_sentences": cfg.n_sentences, "after_training": True, "rougeL": "ROUGE-Lsum over sentences (one per line)",
               "tokenizers": "rouge*_f: Unicode syllables (NFC, lower-cased, punctuation dropped); rouge*_ascii: rouge-score default"},
    )


def train_from_config(config_path: str | Path | None = None, overrides: list[str] | None = None, tracking: str = "jsonl") -> dict[str, Any]:
    """``bantin train summarize`` (the shared runner, ``bantin.training.train``)."""
    return train("summarize", config_path, overrides, tracking)
