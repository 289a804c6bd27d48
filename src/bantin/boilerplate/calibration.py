"""Calibrated block scores and a warning for pages unlike the training pages.

A labeler's raw probability that a block is article content (for the CRF: the sum of the content labels'
marginals) is over-confident on pages unlike the ones it was trained on. ``Calibration`` maps it through an
isotonic regression fitted on held-out pages (scikit-learn's ``IsotonicRegression``; its thresholds are
stored as JSON and applied by linear interpolation, exactly as ``IsotonicRegression.predict`` with
``out_of_bounds="clip"`` does). A block's ``score`` is then the calibrated probability that its
content/boilerplate decision is right.

The same held-out pages give the out-of-distribution check: a page's *confidence* is the mean over its
blocks of max(p, 1 - p) of the raw content probability. Pages of the kind the model knows are confidently
labeled; a page whose confidence is below ``ood_threshold`` (a low quantile of the held-out pages'
confidences) gets a warning in its result instead of a silently confident wrong answer.

``calibration.json`` in a model directory holds ``{"x": [...], "y": [...], "ood_threshold": float,
"info": {...}}``; it is validated on load (numbers only, sorted, within [0, 1]).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bantin.errors import BantinModelError

CALIBRATION_FILE = "calibration.json"
#: pages below this quantile of the held-out pages' confidence are flagged
OOD_QUANTILE = 0.02
OOD_WARNING = ("this page looks unlike the pages the boilerplate model was trained on (confidence {conf:.2f} < {thr:.2f}): "
               "check the cleaned article")


def page_confidence(p_content: Sequence[float]) -> float:
    """Mean over blocks of max(p, 1 - p): 1.0 for an empty page."""
    if not len(p_content):
        return 1.0
    p = np.asarray(p_content, dtype=float)
    return float(np.mean(np.maximum(p, 1.0 - p)))


@dataclass
class Calibration:
    x: list[float]
    y: list[float]
    ood_threshold: float | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def fit(cls, p_content: Sequence[Sequence[float]], is_content: Sequence[Sequence[bool]], quantile: float = OOD_QUANTILE) -> Calibration:
        """Fit on held-out pages: per page, the raw content probabilities of its blocks and their gold binary labels."""
        from sklearn.isotonic import IsotonicRegression

        p = np.array([v for page in p_content for v in page], dtype=float)
        t = np.array([bool(v) for page in is_content for v in page], dtype=float)
        if len(p) != len(t) or len(p) < 10 or len(set(t.tolist())) < 2:
            raise BantinModelError("calibration needs at least 10 held-out blocks of both classes")
        iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(p, t)
        confs = [page_confidence(page) for page in p_content if len(page)]
        thr = float(np.quantile(confs, quantile)) if confs else None
        before = expected_calibration_error(p, t)[0]
        after = expected_calibration_error(np.interp(p, iso.X_thresholds_, iso.y_thresholds_), t)[0]
        return cls(x=[float(v) for v in iso.X_thresholds_], y=[float(v) for v in iso.y_thresholds_], ood_threshold=thr,
                   info={"n_pages": len(p_content), "n_blocks": int(len(p)), "ood_quantile": quantile,
                         "ece_before": round(before, 4), "ece_after": round(after, 4)})

    def __call__(self, p: Sequence[float]) -> np.ndarray:
        return np.clip(np.interp(np.asarray(p, dtype=float), self.x, self.y), 0.0, 1.0)

    def warning(self, p_content: Sequence[float]) -> str | None:
        """The out-of-distribution warning for a page, or None."""
        if self.ood_threshold is None or not len(p_content):
            return None
        conf = page_confidence(p_content)
        return OOD_WARNING.format(conf=conf, thr=self.ood_threshold) if conf < self.ood_threshold else None

    # -- files ------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"x": self.x, "y": self.y, "ood_threshold": self.ood_threshold, "info": self.info}

    def save(self, directory: str | Path) -> None:
        (Path(directory) / CALIBRATION_FILE).write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path) -> Calibration | None:
        """The model directory's calibration, None when it has none; BantinModelError when it is malformed."""
        from bantin.models.base import model_file

        if not (Path(directory) / CALIBRATION_FILE).exists() and not (Path(directory) / CALIBRATION_FILE).is_symlink():
            return None
        path = model_file(directory, CALIBRATION_FILE)  # refuses a file outside the model directory
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BantinModelError(f"{path}: not a JSON file ({exc})") from exc
        if not isinstance(d, dict) or set(d) - {"x", "y", "ood_threshold", "info"} or not {"x", "y"} <= set(d):
            raise BantinModelError(f"{path}: expected an object with keys x, y, ood_threshold, info")
        x, y, thr = d["x"], d["y"], d.get("ood_threshold")

        def numbers(v: Any) -> bool:
            return isinstance(v, list) and all(isinstance(a, (int, float)) and not isinstance(a, bool) and math.isfinite(a) for a in v)

        if not (numbers(x) and numbers(y)) or len(x) != len(y) or not x:
            raise BantinModelError(f"{path}: x and y must be non-empty lists of numbers of equal length")
        if any(b < a for a, b in zip(x, x[1:])) or any(b < a for a, b in zip(y, y[1:])):
            raise BantinModelError(f"{path}: x and y must be non-decreasing")
        if not all(0.0 <= v <= 1.0 for v in (*x, *y)):
            raise BantinModelError(f"{path}: x and y must lie within [0, 1]")
        if thr is not None and not (isinstance(thr, (int, float)) and not isinstance(thr, bool) and 0.0 <= thr <= 1.0):
            raise BantinModelError(f"{path}: ood_threshold must be a number within [0, 1] or null")
        info = d.get("info") if isinstance(d.get("info"), dict) else {}
        return cls(x=[float(v) for v in x], y=[float(v) for v in y], ood_threshold=None if thr is None else float(thr), info=info)


def expected_calibration_error(p: Sequence[float], t: Sequence[float], n_bins: int = 10) -> tuple[float, list[dict[str, float]]]:
    """ECE of probabilities ``p`` of the positive class against 0/1 outcomes ``t`` (equal-width bins), and the
    reliability diagram's bins (mean predicted, observed frequency, count)."""
    p = np.asarray(p, dtype=float)
    t = np.asarray(t, dtype=float)
    if len(p) == 0:
        return 0.0, []
    idx = np.minimum((p * n_bins).astype(int), n_bins - 1)
    ece = 0.0
    bins = []
    for k in range(n_bins):
        m = idx == k
        n = int(m.sum())
        if not n:
            continue
        conf, acc = float(p[m].mean()), float(t[m].mean())
        ece += n / len(p) * abs(conf - acc)
        bins.append({"bin": k, "mean_predicted": round(conf, 4), "observed": round(acc, 4), "count": n})
    return float(ece), bins


def reliability_plot(curves: dict[str, list[dict[str, float]]], path: str | Path, title: str = "") -> Path:
    """A reliability diagram (one line per curve) as a PNG."""
    from matplotlib.figure import Figure  # no pyplot: the caller's backend is left alone

    fig = Figure(figsize=(4.5, 4.5))
    ax = fig.add_subplot(1, 1, 1)
    ax.plot([0, 1], [0, 1], ls="--", c="grey", lw=1)
    for name, bins in curves.items():
        ax.plot([b["mean_predicted"] for b in bins], [b["observed"] for b in bins], marker="o", label=name)
    ax.set_xlabel("predicted P(content)")
    ax.set_ylabel("observed share of content blocks")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    return path
