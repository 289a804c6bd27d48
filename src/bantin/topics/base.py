"""The interface every topic model shares: labels in, probabilities and top-k topics out.

Single-label models return one label per text (argmax of calibrated probabilities); multi-label models
(one-vs-rest) return every label whose probability reaches its threshold, and at least the best one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bantin.errors import BantinInputError, BantinModelError
from bantin.models.base import Estimator


def as_label_lists(labels: Sequence[str] | Sequence[Sequence[str]]) -> list[list[str]]:
    """Accept one label per doc or a list of labels per doc; always return lists."""
    out = []
    for y in labels:
        if isinstance(y, str):
            out.append([y])
        elif isinstance(y, (list, tuple)) and y and all(isinstance(v, str) for v in y):
            out.append(list(y))
        else:
            raise BantinInputError(f"a label must be a string or a non-empty list of strings, got {y!r}")
    return out


def check_texts(texts: Sequence[str] | str) -> list[str]:
    if isinstance(texts, str):
        texts = [texts]
    texts = list(texts)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise BantinInputError(f"topic models need strings; item {i} is a {type(t).__name__}")
    return texts


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """Scale a so that softmax(a * scores) minimizes the log loss of the (held-out) true classes."""
    from scipy.optimize import minimize_scalar

    def nll(log_a: float) -> float:
        p = softmax(np.exp(log_a) * scores)
        return float(-np.log(np.clip(p[np.arange(len(y)), y], 1e-12, None)).mean())

    res = minimize_scalar(nll, bounds=(-5, 6), method="bounded")
    return float(np.exp(res.x))


def fit_temperature_and_bias(scores: np.ndarray, y: np.ndarray, l2: float = 1e-3) -> tuple[float, np.ndarray]:
    """(a, offsets): softmax(a * (scores + offsets)) minimizing the (held-out) log loss plus a small L2 penalty on
    a * offsets; the offsets are per-class priors in raw-score units (added to a linear model's intercepts), so they
    move the argmax where the classifier's own intercepts misjudge how often each class occurs."""
    from scipy.optimize import minimize

    rows = np.arange(len(y))

    def loss(p: np.ndarray) -> float:
        z = np.exp(p[0]) * scores + p[1:]
        z = z - z.max(axis=1, keepdims=True)
        return float(-(z[rows, y] - np.log(np.exp(z).sum(axis=1))).mean() + l2 * (p[1:] ** 2).sum())

    res = minimize(loss, np.zeros(scores.shape[1] + 1), method="L-BFGS-B")
    a = float(np.exp(res.x[0]))
    return a, (res.x[1:] / a).astype(np.float32)


def fit_platt(scores: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-label sigmoid(a * s + b) fitted on held-out scores (Platt scaling); labels absent there keep a=1, b=0."""
    from sklearn.linear_model import LogisticRegression

    a = np.ones(scores.shape[1], dtype=np.float32)
    b = np.zeros(scores.shape[1], dtype=np.float32)
    for j in range(scores.shape[1]):
        if 0 < Y[:, j].sum() < len(Y):
            lr = LogisticRegression(C=100.0).fit(scores[:, j : j + 1], Y[:, j])
            a[j], b[j] = lr.coef_[0, 0], lr.intercept_[0]
    return a, b


class TopicModel(Estimator):
    """Base class: subclasses implement ``fit(texts, labels)`` and ``predict_proba(texts)``."""

    task = "topics"

    def __init__(self, multi_label: bool = False) -> None:
        super().__init__()
        self.multi_label = multi_label
        self.thresholds: np.ndarray | None = None

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """[n_texts, n_labels] probabilities (rows sum to 1 for single-label models), columns = self.labels."""
        raise NotImplementedError

    def predict(self, texts: Sequence[str] | str, batch_size: int = 2048, labels: Sequence[str] | None = None) -> list[str] | list[list[str]]:
        """One label per text; multi-label models: the labels over their thresholds (at least the best one).
        ``labels``: answer only within these labels (see :meth:`restrict_proba`)."""
        return self.predict_within(texts, [labels], batch_size)[0]

    def predict_within(self, texts: Sequence[str] | str, label_sets: Sequence[Sequence[str] | None],
                       batch_size: int = 2048) -> list[list[str] | list[list[str]]]:
        """``predict`` once per label set (None: every label), from one pass of ``predict_proba``."""
        self._check_fitted()
        texts = check_texts(texts)
        masks = [self.label_mask(labels) for labels in label_sets]
        outs: list[list] = [[] for _ in masks]
        thr = self.thresholds if self.thresholds is not None else np.full(len(self.labels), 0.5)
        for start in range(0, len(texts), batch_size):
            raw = self.predict_proba(texts[start : start + batch_size])
            for allowed, out in zip(masks, outs):
                proba = self.restrict_proba(raw, allowed)
                if not self.multi_label:
                    out.extend(self.labels[i] for i in proba.argmax(axis=1))
                    continue
                for row in proba:
                    picked = [self.labels[j] for j in np.argsort(-row) if allowed[j] and row[j] >= thr[j]]
                    out.append(picked or [self.labels[int(row.argmax())]])
        return outs

    def top_k(self, texts: Sequence[str] | str, k: int = 3, labels: Sequence[str] | None = None) -> list[list[tuple[str, float]]]:
        """The k most probable topics of each text with their probabilities, best first; ``labels``: only these
        labels are answered (probabilities renormalized over them for single-label models)."""
        self._check_fitted()
        texts = check_texts(texts)
        allowed = self.label_mask(labels)
        proba = self.restrict_proba(self.predict_proba(texts), allowed)
        # disallowed labels rank last even when an allowed label's probability underflows to 0 (a tie)
        order = np.argsort(-np.where(allowed, proba, -1.0), axis=1, kind="stable")[:, : min(k, int(allowed.sum()))]
        return [[(self.labels[j], float(proba[i, j])) for j in row] for i, row in enumerate(order)]

    def label_mask(self, labels: Sequence[str] | None = None) -> np.ndarray:
        """A boolean mask over ``self.labels``: all of them, or those in ``labels`` (each must be a label of the
        model: a user restricting a 13-label model to the labels their own data uses, or an evaluation restricting
        it to the labels a test corpus can produce)."""
        self._check_fitted()
        if labels is None:
            return np.ones(len(self.labels), dtype=bool)
        if isinstance(labels, str):
            labels = [labels]
        import unicodedata

        wanted = {unicodedata.normalize("NFC", str(lab)).strip() for lab in labels}
        unknown = sorted(wanted - set(self.labels))
        if unknown or not wanted:
            raise BantinInputError(f"labels {unknown or '[]'} are not labels of this topic model (its labels: {', '.join(self.labels)})")
        return np.array([lab in wanted for lab in self.labels])

    def restrict_proba(self, proba: np.ndarray, allowed: np.ndarray) -> np.ndarray:
        """Probabilities with the labels outside ``allowed`` set to 0; single-label rows are renormalized over the
        allowed labels (the argmax over that subset, as a model trained on those labels only would answer)."""
        if allowed.all():
            return proba
        proba = np.where(allowed, proba, 0.0)
        if not self.multi_label:
            total = proba.sum(axis=1, keepdims=True)
            proba = np.where(total > 0, proba / np.where(total > 0, total, 1.0), allowed / allowed.sum())  # underflow: uniform
        return proba

    def _check_fitted(self) -> None:
        if not self.labels:
            raise BantinModelError(f"the {self.kind} topic model is not fitted or loaded yet")

    def save(self, path):
        self._check_fitted()
        return super().save(path)

    # label encoding shared by the subclasses
    def _encode_labels(self, labels: Sequence[str] | Sequence[Sequence[str]]) -> np.ndarray:
        """Fix self.labels from the data; return class indices (single-label) or an indicator matrix."""
        lists = as_label_lists(labels)
        if not self.multi_label and any(len(y) > 1 for y in lists):
            raise BantinInputError("some documents have several labels: train with multi_label: true")
        self.labels = sorted({lab for y in lists for lab in y})
        if len(self.labels) < 2:
            raise BantinInputError(f"need at least 2 distinct labels to train a topic model, got {self.labels}")
        index = {lab: i for i, lab in enumerate(self.labels)}
        if not self.multi_label:
            return np.array([index[y[0]] for y in lists])
        Y = np.zeros((len(lists), len(self.labels)), dtype=np.int8)
        for i, y in enumerate(lists):
            for lab in y:
                Y[i, index[lab]] = 1
        return Y

    def base_config(self) -> dict[str, Any]:
        return {"multi_label": self.multi_label}
