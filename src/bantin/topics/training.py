"""`bantin train topics --config configs/topics.yaml`: fit a topic model, score it on held-out data, save it.

Data: a public corpus (vntc10: official train/test; baomoi_topics_2018: our fixed stratified split) or a
user taxonomy (``data.corpus: file`` + ``data.train_file``, JSONL or CSV, single- or multi-label; without
``data.test_file`` a stratified share is held out for the scores and the final model is fit on the rest).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bantin.errors import BantinInputError
from bantin.topics.config import TrainConfig
from bantin.topics.data import LoadReport, TopicDoc, load_corpus, load_user_file, stratified_holdout, stratified_subsample
from bantin.training import HeldOut, RunRecord, TrainData, train


def build_model(cfg: TrainConfig):
    """An unfitted topic model of the configured kind."""
    if cfg.model == "linear":
        from bantin.topics.linear import LinearTopicModel

        return LinearTopicModel(**asdict(cfg.linear), multi_label=cfg.multi_label, seed=cfg.data.seed)
    if cfg.model == "e5":
        from bantin.topics.embedding import EmbeddingTopicModel

        return EmbeddingTopicModel(**asdict(cfg.e5), multi_label=cfg.multi_label)
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
    elif d.taxonomy or "+" in d.corpus:
        return _taxonomy_data(cfg)
    else:
        train = load_corpus(d.corpus, d.train_split)
        test = load_corpus(d.corpus, "test")
        dataset, split = d.corpus, "test"
    n_full = len(train)
    train = stratified_subsample(train, d.max_train, d.seed)
    if len(train) < n_full:  # say so in the record: scores of a subsample are not the full benchmark
        info = {**info, "train_subset": f"stratified {len(train)} of {n_full} (seed {d.seed})"}
    return train, test, dataset, split, info


def _taxonomy_data(cfg: TrainConfig) -> tuple[list[TopicDoc], list[TopicDoc], str, str, dict[str, Any]]:
    """Public corpora relabeled onto a taxonomy (configs/taxonomy.yaml). info["tests"] holds each corpus's test
    split and info["split_docs"] the training documents of split categories with their candidate labels."""
    from bantin.topics.taxonomy import load_taxonomy, map_docs

    d = cfg.data
    if not d.taxonomy:
        raise BantinInputError(f"data.corpus {d.corpus!r} joins several corpora: set data.taxonomy (e.g. configs/taxonomy.yaml)")
    tax = load_taxonomy(d.taxonomy)
    train: list[TopicDoc] = []
    split_docs: list = []
    tests: dict[str, list[TopicDoc]] = {}
    counts: dict[str, Any] = {}
    for corpus in d.corpus.split("+"):
        raw = load_corpus(corpus, d.train_split)
        n_full = len(raw)
        raw = stratified_subsample(raw, d.max_train, d.seed)
        m = map_docs(tax, corpus, raw)
        train += [TopicDoc(f"{corpus}:{x.id}", x.text, x.labels) for x in m.docs]
        if tax.split_categories == "resolve":
            split_docs += [(TopicDoc(f"{corpus}:{x.id}", x.text, x.labels), cands) for x, cands in m.split]
        tm = map_docs(tax, corpus, load_corpus(corpus, "test"))
        tests[corpus] = tm.docs
        counts[corpus] = {"train": len(m.docs), "train_of": n_full, "split_category_docs": len(m.split), "left_out": m.left_out,
                          "test": len(tm.docs), "test_split_category_left_out": len(tm.split), "test_left_out": tm.left_out}
    info = {"taxonomy": {"file": str(d.taxonomy), "split_categories": tax.split_categories, "docs": counts},
            "tests": tests, "split_docs": split_docs}
    return train, [x for docs in tests.values() for x in docs], d.corpus, "test", info


def load_data(cfg: TrainConfig) -> TrainData:
    train_docs, test, dataset, split, load_info = load_training_data(cfg)
    info: dict[str, Any] = {}
    if "malformed" in load_info:
        info["data_report"] = {k: load_info[k] for k in ("read", "malformed")}
    extra = {"tests": load_info.pop("tests", None) or {dataset: test}, "split_docs": load_info.pop("split_docs", []),
             "test_split": split, "load_info": load_info}
    return TrainData(train_docs, len(train_docs), dataset, cfg.data.train_split if cfg.data.corpus != "file" else "file", info=info, extra=extra,
                     description=f"{len(train_docs)} {dataset} docs ({'multi' if cfg.multi_label else 'single'}-label)")


def _era_gate(cfg: TrainConfig) -> dict[str, list[str]] | None:
    """For a linear model with era adaptation, the era gate's unlabeled texts and their eras (``data.era_gate_corpora``,
    read once per training run; empty without it); None without era adaptation."""
    if cfg.model != "linear" or cfg.linear.era_adaptation == "none":
        if cfg.data.era_gate_corpora:
            raise BantinInputError("data.era_gate_corpora teaches the era gate of linear.era_adaptation: augment (a linear model)")
        return None
    if "+" not in cfg.data.corpus:
        raise BantinInputError(f"linear.era_adaptation {cfg.linear.era_adaptation!r} learns one part per corpus (era): "
                               f"it needs joined corpora (data.corpus: a+b), not {cfg.data.corpus!r}")
    if not cfg.data.era_gate_corpora:
        return {}
    from bantin.topics.data import load_unlabeled

    gate: dict[str, list[str]] = {"gate_texts": [], "gate_domains": []}
    for era, source in cfg.data.era_gate_corpora.items():  # unlabeled texts that teach the era gate only
        texts = load_unlabeled(source, cfg.data.era_gate_max_docs)
        gate["gate_texts"] += texts
        gate["gate_domains"] += [era] * len(texts)
    return gate


def _era_args(docs: list[TopicDoc], gate: dict[str, list[str]] | None) -> dict[str, list[str]]:
    """``fit``'s era arguments: the corpus of each training document ("<corpus>:<id>" ids of joined corpora) and the
    gate's texts; none without era adaptation (``gate`` None)."""
    return {} if gate is None else {"domains": [x.id.split(":", 1)[0] for x in docs], **gate}


def fit(model, data: TrainData, cfg: TrainConfig):
    train_docs = data.train
    gate = _era_gate(cfg)
    if data.extra["split_docs"]:  # partial labels: a first model on the unsplit docs picks each split doc's label among its candidates
        from bantin.topics.taxonomy import resolve_split_docs

        model.fit([x.text for x in train_docs], [x.labels for x in train_docs], **_era_args(train_docs, gate))
        resolved = resolve_split_docs(model, data.extra["split_docs"])
        data.extra["load_info"]["taxonomy"]["resolved"] = dict(Counter(x.label for x in resolved))
        train_docs = data.train = train_docs + resolved
        data.n_train = len(train_docs)
        model = build_model(cfg)
    kw = _era_args(train_docs, gate)
    weights = cfg.data.corpus_weights
    if weights:  # joined corpora: training ids are "<corpus>:<id>"
        if cfg.model != "linear":
            raise BantinInputError("data.corpus_weights is supported by the linear model")
        kw["sample_weight"] = [float(weights.get(x.id.split(":", 1)[0], 1.0)) for x in train_docs]
    return model.fit([x.text for x in train_docs], [x.labels for x in train_docs], **kw)


def score(model, data: TrainData, cfg: TrainConfig, seconds: float) -> HeldOut:
    """One train record per held-out test set (``train -> <split>``), its scores stored as ``<set>/<split>/<metric>``."""
    from bantin.topics.evaluation import evaluate_model

    train_docs, tests, split, load_info = data.train, data.extra["tests"], data.extra["test_split"], data.extra["load_info"]
    model.training_info["docs_per_s_train"] = round(len(train_docs) / seconds, 1) if seconds else None
    base_metrics: dict[str, float] = {"train_seconds": round(seconds, 2), "n_train": float(len(train_docs))}
    extra: dict[str, Any] = {k: v for k, v in load_info.items() if k in ("train_subset", "taxonomy")}
    if "malformed" in load_info:
        extra["data_report"] = {k: load_info[k] for k in ("read", "malformed", "errors")}
    if cfg.model in ("e5", "transformer"):
        extra["max_length_tokens"] = cfg.e5.max_length if cfg.model == "e5" else cfg.transformer.max_length
    records, model_metrics = [], {}
    for test_name, test_docs in tests.items():
        metrics, rec_extra, eval_split = dict(base_metrics), dict(extra), split
        if "taxonomy" in extra:
            rec_extra["trained_on"] = data.dataset
        if cfg.evaluate and test_docs:
            full = len(test_docs)
            test_docs = stratified_subsample(test_docs, cfg.eval_max_docs, cfg.data.seed)
            eval_split = split if len(test_docs) == full else f"{split}[:{len(test_docs)}]"
            if len(test_docs) < full:
                rec_extra["test_subset"] = f"stratified {len(test_docs)} of {full} (seed {cfg.data.seed})"
            res = evaluate_model(model, test_docs, train_docs, corpus_labels=_corpus_labels(cfg, test_name))
            m = res.metrics
            for k in ("accuracy", "macro_f1", "weighted_f1", "accuracy_dedup", "docs_per_s", "n_test",
                      "accuracy_within_corpus_labels", "macro_f1_within_corpus_labels"):
                if k in m:
                    metrics[k] = round(float(m[k]), 6)
            if len(tests) > 1:
                rec_extra["per_label"] = res.details["per_label"]
            model_metrics.update({f"{test_name}/{eval_split}/{k}": v for k, v in metrics.items() if k in ("accuracy", "macro_f1", "weighted_f1", "accuracy_dedup")})
            print(f"{test_name} {eval_split}: accuracy={m['accuracy']:.4f} macro_f1={m['macro_f1']:.4f} docs/s={m['docs_per_s']:.0f}"
                  + (f" (answers within the corpus's labels: accuracy={m['accuracy_within_corpus_labels']:.4f})" if "accuracy_within_corpus_labels" in m else ""))
        records.append(RunRecord(cfg.model, test_name, f"train -> {eval_split}", metrics, extra=rec_extra or None))
    return HeldOut(records, model_metrics)


def _corpus_labels(cfg: TrainConfig, corpus: str) -> list[str] | None:
    """The taxonomy labels ``corpus`` can produce when the model is trained in a taxonomy (None otherwise)."""
    if not getattr(cfg.data, "taxonomy", None):
        return None
    from bantin.topics.taxonomy import load_taxonomy

    tax = load_taxonomy(cfg.data.taxonomy)
    return tax.corpus_labels(corpus) if corpus in tax.maps else None


def train_from_config(config_path: str | Path | None = None, overrides: list[str] | None = None, tracking: str = "jsonl") -> dict[str, Any]:
    """``bantin train topics`` (the shared runner, ``bantin.training.train``)."""
    return train("topics", config_path, overrides, tracking)
