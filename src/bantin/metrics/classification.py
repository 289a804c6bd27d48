"""Classification scores shared by the block labeler and the topic classifier."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.metrics import accuracy_score, precision_recall_fscore_support


def classification_scores(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str] | None = None) -> dict[str, Any]:
    """Accuracy, macro and weighted P/R/F1, and a per-label report {label: {precision, recall, f1, support}}.

    Labels absent from both y_true and y_pred are left out of the macro average (they have no support
    and would count as zeros), but still listed per label.
    """
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} items, y_pred {len(y_pred)}")
    labels = list(labels) if labels is not None else sorted(set(y_true) | set(y_pred))
    present = [lab for lab in labels if lab in set(y_true) or lab in set(y_pred)]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    per_label = {
        lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])} for i, lab in enumerate(labels)
    }
    mp, mr, mf, _ = precision_recall_fscore_support(y_true, y_pred, labels=present, average="macro", zero_division=0)
    wp, wr, wf, _ = precision_recall_fscore_support(y_true, y_pred, labels=present, average="weighted", zero_division=0)
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)) if len(y_true) else 0.0,
        "macro_precision": float(mp),
        "macro_recall": float(mr),
        "macro_f1": float(mf),
        "weighted_f1": float(wf),
        "n": len(y_true),
        "per_label": per_label,
    }


def binary_scores(y_true: Sequence[bool], y_pred: Sequence[bool]) -> dict[str, float]:
    """Precision/recall/F1 of the positive class (e.g. 'content')."""
    tp = sum(1 for t, p in zip(y_true, y_pred) if t and p)
    fp = sum(1 for t, p in zip(y_true, y_pred) if not t and p)
    fn = sum(1 for t, p in zip(y_true, y_pred) if t and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}
