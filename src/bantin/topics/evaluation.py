"""`bantin evaluate topics`: accuracy, macro/weighted F1, per-class report, confusion matrix (PNG) and the
top confusions with examples, on a held-out split; duplicates of training documents are counted and the
scores are also given without them (``*_dedup``).

Records go to experiments/results.jsonl (metrics: accuracy, macro_f1, weighted_f1, accuracy_dedup,
macro_f1_dedup, docs_per_s, n_test, n_duplicates); plots and reports to experiments/topics/.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bantin.errors import BantinInputError
from bantin.metrics.classification import classification_scores
from bantin.topics.config import DataConfig, EvalConfig
from bantin.topics.data import TopicDoc, duplicates_of, load_corpus, load_user_file, stratified_subsample
from bantin.training import EvalResult, Run, training_value
from bantin.training import evaluate as run_evaluation


def load_eval_docs(data: DataConfig, split: str, max_docs: int | None) -> tuple[list[TopicDoc], list[TopicDoc], str, str]:
    """(test docs, train docs for the duplicate check, dataset name, split name as recorded)."""
    data.check()
    if data.corpus == "file":
        if not data.test_file:
            raise BantinInputError("evaluating on user data needs data.test_file (and data.train_file for the duplicate check)")
        kw = dict(text_fields=data.text_fields, label_field=data.label_field, label_sep=data.label_sep)
        test = load_user_file(data.test_file, **kw)
        train = load_user_file(data.train_file, **kw) if data.train_file else []
        dataset = Path(data.test_file).name
        split = "file"
    else:
        test = load_corpus(data.corpus, split)
        train = load_corpus(data.corpus, data.train_split)
        dataset = data.corpus
        if data.taxonomy:  # relabel onto the taxonomy; split categories and categories without a home are left out
            from bantin.topics.taxonomy import load_taxonomy, map_docs

            tax = load_taxonomy(data.taxonomy)
            test, train = map_docs(tax, data.corpus, test).docs, map_docs(tax, data.corpus, train).docs
    full = len(test)
    test = stratified_subsample(test, max_docs, data.seed)
    split_name = split if len(test) == full else f"{split}[:{len(test)}]"
    return test, train, dataset, split_name


def score_single(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    return classification_scores(y_true, y_pred, labels=list(labels))


def score_multi(y_true: Sequence[Sequence[str]], y_pred: Sequence[Sequence[str]], labels: Sequence[str]) -> dict[str, Any]:
    """Multi-label: subset accuracy, micro/macro/weighted F1 over the label indicator matrices."""
    from sklearn.metrics import f1_score, precision_recall_fscore_support
    from sklearn.preprocessing import MultiLabelBinarizer

    mlb = MultiLabelBinarizer(classes=list(labels))
    T, P = mlb.fit_transform(y_true), mlb.transform(y_pred)
    p, r, f, s = precision_recall_fscore_support(T, P, zero_division=0)
    return {
        "accuracy": float((T == P).all(axis=1).mean()) if len(T) else 0.0,
        "micro_f1": float(f1_score(T, P, average="micro", zero_division=0)),
        "macro_f1": float(f1_score(T, P, average="macro", zero_division=0)),
        "weighted_f1": float(f1_score(T, P, average="weighted", zero_division=0)),
        "n": len(T),
        "per_label": {lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
                      for i, lab in enumerate(labels)},
    }


def top_confusions(docs: Sequence[TopicDoc], y_pred: Sequence[str], k: int, n_examples: int) -> list[dict[str, Any]]:
    """The k most frequent (gold, predicted) errors with a few example documents (id + first 200 chars)."""
    pairs = Counter((d.label, p) for d, p in zip(docs, y_pred) if d.label != p)
    out = []
    for (gold, pred), count in pairs.most_common(k):
        ex = [{"id": d.id, "text": " ".join(d.text.split())[:200]} for d, p in zip(docs, y_pred) if d.label == gold and p == pred][:n_examples]
        out.append({"gold": gold, "predicted": pred, "count": count, "examples": ex})
    return out


def plot_confusion(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str], path: Path, title: str) -> Path:
    """Row-normalized confusion matrix (recall per gold label) with raw counts, as a PNG."""
    # A bare Figure (no pyplot) draws off-screen without switching the session's backend (notebooks keep inline plots).
    from matplotlib.figure import Figure
    from sklearn.metrics import confusion_matrix

    cm = confusion_matrix(y_true, y_pred, labels=list(labels))
    norm = cm / np.clip(cm.sum(axis=1, keepdims=True), 1, None)
    n = len(labels)
    size = max(6.0, 0.45 * n + 3)
    fig = Figure(figsize=(size, size * 0.9))
    ax = fig.subplots()
    im = ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(n), labels=list(labels), rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(n), labels=list(labels), fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title, fontsize=10)
    if n <= 30:
        for i in range(n):
            for j in range(n):
                if cm[i, j]:
                    ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=6 if n > 12 else 8,
                            color="white" if norm[i, j] > 0.5 else "black")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return path


def _slug(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", s).strip("_")


def evaluate_model(model, docs: Sequence[TopicDoc], train_docs: Sequence[TopicDoc] = (), batch_size: int = 2048,
                   corpus_labels: Sequence[str] | None = None) -> EvalResult:
    """Scores of a topic model on docs (+ the same without docs whose text is in train_docs) and its speed;
    details: ``per_label`` scores, the ``gold`` labels and the prediction ``seconds``.

    ``corpus_labels`` (single-label models; the labels the test corpus can produce, fewer than the model's): the
    scores are also given with the model's answers restricted to them (``accuracy_within_corpus_labels``,
    ``macro_f1_within_corpus_labels``, details ``predictions_within_corpus_labels`` / ``per_label_within_corpus_labels``),
    next to the unrestricted ones, which stay the headline figures."""
    texts = [d.text for d in docs]
    restrict = corpus_labels is not None and not model.multi_label and not model.label_mask(corpus_labels).all()
    t0 = time.perf_counter()
    if restrict:  # both answers from one pass of the model
        pred, restricted = model.predict_within(texts, [None, corpus_labels], batch_size)
    else:
        pred, restricted = model.predict(texts, batch_size=batch_size), None
    seconds = time.perf_counter() - t0
    dup = duplicates_of(docs, train_docs) if train_docs else [False] * len(docs)
    keep = [i for i, x in enumerate(dup) if not x]
    labels = list(model.labels)
    if model.multi_label:
        gold = [d.labels for d in docs]
        scores = score_multi(gold, pred, labels)
        dedup = score_multi([gold[i] for i in keep], [pred[i] for i in keep], labels) if keep else None
    else:
        gold = [d.label for d in docs]
        unknown = sorted(set(gold) - set(labels))
        if unknown:
            raise BantinInputError(f"test labels unknown to the model: {unknown[:5]} (model labels: {labels[:10]}...)")
        scores = score_single(gold, pred, labels)
        dedup = score_single([gold[i] for i in keep], [pred[i] for i in keep], labels) if keep else None
    metrics = {k: scores[k] for k in ("accuracy", "macro_f1", "weighted_f1", "micro_f1", "macro_precision", "macro_recall") if k in scores}
    if dedup is not None:
        metrics["accuracy_dedup"] = dedup["accuracy"]
        metrics["macro_f1_dedup"] = dedup["macro_f1"]
    metrics.update({"docs_per_s": len(docs) / seconds if seconds else 0.0, "n_test": float(len(docs)),
                    "n_duplicates": float(sum(dup)), "n_test_dedup": float(len(keep))})
    details = {"per_label": scores["per_label"], "gold": gold, "seconds": seconds}
    if restricted is not None:
        within = score_single(gold, restricted, [lab for lab in labels if lab in set(corpus_labels)])
        metrics["accuracy_within_corpus_labels"] = within["accuracy"]
        metrics["macro_f1_within_corpus_labels"] = within["macro_f1"]
        details.update({"predictions_within_corpus_labels": list(restricted), "per_label_within_corpus_labels": within["per_label"],
                        "corpus_labels": list(corpus_labels)})
    return EvalResult(metrics, list(pred), details)


def evaluate_from_config(config_path: str | Path | None = None, overrides: list[str] | None = None, tracking: str = "jsonl") -> list[dict[str, Any]]:
    """``bantin evaluate topics`` (the shared runner, ``bantin.training.evaluate``)."""
    return run_evaluation("topics", config_path, overrides, tracking)


def evaluate(run: Run) -> list[dict[str, Any]]:
    from bantin.data.paths import experiments_dir
    from bantin.models.base import load_model
    from bantin.topics import default_model_dir

    cfg: EvalConfig = run.cfg
    model_dir = run.task.resolve_model(cfg.model_dir or "default")
    model = load_model(model_dir, task="topics")
    docs, train_docs, dataset, split_name = load_eval_docs(cfg.data, cfg.split, cfg.max_docs)
    trained_on = model.training_info.get("dataset", "?")
    name = cfg.model_name or (f"{model.kind} (embedded default)" if cfg.model_dir in ("default", "", None) else f"{model.kind}:{Path(model_dir).name}")
    if model_dir.parent == default_model_dir().parent and model_dir.name == "topics-vntc10":
        name = cfg.model_name or f"{model.kind} (embedded vntc10)"
    print(f"evaluating {name} (trained on {trained_on}) on {dataset} {split_name}: {len(docs)} docs")
    corpus_labels = None
    if cfg.data.taxonomy and cfg.data.corpus != "file":  # the fair comparison with a model of this corpus alone
        from bantin.topics.taxonomy import load_taxonomy

        corpus_labels = load_taxonomy(cfg.data.taxonomy).corpus_labels(cfg.data.corpus)
    result = evaluate_model(model, docs, train_docs, batch_size=cfg.batch_size, corpus_labels=corpus_labels)
    m = result.metrics
    out_dir = Path(cfg.out_dir) if cfg.out_dir else experiments_dir() / "topics"
    stem = _slug(f"{name}_{dataset}_{split_name}")
    extra: dict[str, Any] = {"trained_on": trained_on, "subset": "stratified subsample" if "[" in split_name else "full split",
                             "per_label": result.details["per_label"], "eval_seconds": round(result.details["seconds"], 2),
                             "train_seconds": training_value(model.training_info, "train_seconds")}
    if not model.multi_label:
        extra["top_confusions"] = top_confusions(docs, result.predictions, cfg.top_confusions, cfg.examples_per_confusion)
        png = plot_confusion(result.details["gold"], result.predictions, model.labels, out_dir / f"{stem}_confusion.png",
                             f"{name} on {dataset} {split_name}: acc {m['accuracy']:.4f}")
        extra["confusion_png"] = str(png)
    if "accuracy_within_corpus_labels" in m:
        extra["corpus_labels"] = result.details["corpus_labels"]
        extra["per_label_within_corpus_labels"] = result.details["per_label_within_corpus_labels"]
    report_path = out_dir / f"{stem}_report.json"
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(json.dumps({"model": name, "dataset": dataset, "split": split_name, "metrics": m, **extra},
                                      ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    extra["report_json"] = str(report_path)
    rec = run.record(kind="evaluate", model=name, dataset=dataset, split=split_name, metrics={k: round(float(v), 6) for k, v in m.items()},
                     model_dir=str(model_dir), duration_s=result.details["seconds"], extra=extra)
    print(f"{dataset} {split_name}: accuracy={m['accuracy']:.4f} macro_f1={m['macro_f1']:.4f} weighted_f1={m['weighted_f1']:.4f} "
          + (f"accuracy_dedup={m['accuracy_dedup']:.4f} " if "accuracy_dedup" in m else "")
          + f"({int(m['n_duplicates'])} of {int(m['n_test'])} test docs also in train) docs/s={m['docs_per_s']:.0f}")
    if "accuracy_within_corpus_labels" in m:
        print(f"  answers restricted to the {len(extra['corpus_labels'])} labels {dataset} can produce: "
              f"accuracy={m['accuracy_within_corpus_labels']:.4f} macro_f1={m['macro_f1_within_corpus_labels']:.4f}")
    for c in extra.get("top_confusions", [])[:5]:
        print(f"  {c['gold']} -> {c['predicted']}: {c['count']}")
    if "confusion_png" in extra:
        print(f"  confusion matrix: {extra['confusion_png']}")
    return [rec]
