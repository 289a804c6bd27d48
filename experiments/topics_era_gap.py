"""Where the two-era default loses to the VNTC-only model on VNTC, and general means of closing that gap.

    nice -n 10 env OMP_NUM_THREADS=1 PYTHONPATH=src python experiments/topics_era_gap.py [--settings a,b] [--per-label]

VALIDATION data only, the samples and cached hashing of experiments/topics_era_weights.py (10,000 VNTC + 28,000
baomoi fit docs, a 15 % VNTC train holdout and baomoi's val split, 4,000 docs each, the default's text
preparation). The default is scored twice on each val set, clearly apart: over all 13 labels (``*_all``) and with
its argmax restricted to the labels that corpus's map can produce (``*_restricted``: VNTC never says Giáo dục,
Du lịch, Việc làm; baomoi never says Thế giới, Pháp luật, Văn hóa), which is what a single-era model is scored on.
``--per-label`` prints per-label recall of the VNTC-only model and of the default (both ways) on vntc-val.

Settings (the classifier side; features and text preparation are those of the default):
* ``base``: the shipped default (LinearSVC C=0.3, balanced class weights).
* ``masked``: one-vs-rest where a corpus's documents are not negatives for a label its map cannot produce (VNTC's
  silence about Giáo dục is no evidence against Giáo dục; baomoi's about Pháp luật none against Pháp luật).
* ``bias``: class offsets fitted with the temperature on a held-out 10 % of the fit data (softmax(a*(s + b)), log
  loss; ``LinearTopicModel(calibrate_bias=True)``): class priors. With ``masked``, the experiment's own version.
* combinations with C and the VNTC corpus weight of topics_era_weights.py.
Each setting is a record in experiments/results.jsonl.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from topics_era import BASE, VARIANTS, restrict  # noqa: E402
from topics_era_weights import Cached, load_tagged  # noqa: E402

from bantin.topics.taxonomy import load_taxonomy  # noqa: E402
from bantin.tracking import record_run  # noqa: E402

COMMAND = "python experiments/topics_era_gap.py " + " ".join(sys.argv[1:])
SETTINGS = {
    "base": {},
    "masked": {"masked": True},
    "bias": {"bias": True},
    "masked-bias": {"masked": True, "bias": True},
    "masked-C1": {"masked": True, "C": 1.0},
    "masked-vntc-x1.5": {"masked": True, "vntc_weight": 1.5},
    "masked-C1-vntc-x1.5": {"masked": True, "C": 1.0, "vntc_weight": 1.5},
    "masked-mf200k": {"masked": True, "max_features": 200_000},
    "C1": {"C": 1.0},
    "C1-mf200k": {"C": 1.0, "max_features": 200_000},
    "vntc-x1.5": {"vntc_weight": 1.5},
    "C1-vntc-x1.5": {"C": 1.0, "vntc_weight": 1.5},
    "C1-mf200k-vntc-x1.5": {"C": 1.0, "max_features": 200_000, "vntc_weight": 1.5},
    "bias-C1": {"bias": True, "C": 1.0},
    "bias-vntc-x1.5": {"bias": True, "vntc_weight": 1.5},
    "bias-C1-vntc-x1.5": {"bias": True, "C": 1.0, "vntc_weight": 1.5},
    "bias-vntc-x2": {"bias": True, "vntc_weight": 2.0},
    "bias-vntc-x2.8": {"bias": True, "vntc_weight": 2.8},
    "bias-group-balanced": {"bias": True, "class_weight": None, "group_balanced": True},
    "group-balanced": {"class_weight": None, "group_balanced": True},
    "logreg-C10": {"classifier": "logreg", "C": 10.0},
    "logreg-C30": {"classifier": "logreg", "C": 30.0},
    # era-invariant vocabulary from UNLABELED text (the fit docs of both eras, labels unread): keep only features whose
    # document frequency, relative to the corpus size, differs by at most this factor between the eras (add-1 smoothed)
    "era-ratio3": {"era_ratio": 3.0},
    "era-ratio10": {"era_ratio": 10.0},
}
PARAMS = ("C", "class_weight", "max_features", "classifier")


def reachable(tax, corpus: str) -> set[str]:
    return {t for v in tax.maps[corpus].values() if v for t in ([v] if isinstance(v, str) else v)
            if not isinstance(v, list) or tax.split_categories != "drop"}


class Masked(Cached):
    """The cached model whose classifier is the masked one-vs-rest of :func:`ovr` (``allowed`` rows x labels, set
    before fit) with optional intercepts re-fitted on held-out data (``bias``)."""

    allowed: np.ndarray | None = None
    bias: bool = False

    def _fit_classifier(self, X, y, w):
        from types import SimpleNamespace

        if not self.bias:
            coef, icpt = ovr(self, X, y, w, self.allowed)
            return SimpleNamespace(coef_=coef, intercept_=icpt)
        held = np.random.default_rng(0).random(len(y)) < 0.1
        sub = lambda a: None if a is None else a[~held]  # noqa: E731
        coef, icpt = ovr(self, X[~held], y[~held], sub(w), sub(self.allowed))
        fix = fit_bias(np.asarray(X[held] @ coef.T) + icpt, y[held], None if self.allowed is None else self.allowed[held])
        coef, icpt = ovr(self, X, y, w, self.allowed)
        return SimpleNamespace(coef_=coef, intercept_=icpt + fix)


def fit(setting: dict, docs, corpus_of: dict, allowed_by_corpus: dict, prep: str):
    params = {k: v for k, v in setting.items() if k in PARAMS}
    w = None
    if "vntc_weight" in setting:
        w = np.array([setting["vntc_weight"] if corpus_of[d.id] == "vntc10" else 1.0 for d in docs])
    if setting.get("group_balanced"):  # every (corpus, label) the same total weight
        from collections import Counter

        groups = [(corpus_of[d.id], d.label) for d in docs]
        n = Counter(groups)
        w = np.array([len(docs) / (len(n) * n[g]) for g in groups])
    texts, labels = [d.text for d in docs], [d.labels for d in docs]
    if not setting.get("masked"):  # bias: the model's own calibrate_bias (offsets fitted on a held-out 10 %)
        if setting.get("bias"):
            params = {**params, "calibrate_bias": True, "calibration_fraction": 0.1}
        return Cached(**{**BASE, **VARIANTS[prep], **params}).fit(texts, labels, sample_weight=w)
    m = Masked(**{**BASE, **VARIANTS[prep], **params})
    m.bias = bool(setting.get("bias"))
    if setting.get("masked"):
        order = sorted({lab for d in docs for lab in d.labels})  # the model's label order (sorted)
        m.allowed = np.array([[lab in allowed_by_corpus[corpus_of[d.id]] for lab in order] for d in docs])
    return m.fit(texts, labels, sample_weight=w)


def ovr(m, X, y, w, allowed):
    """One-vs-rest LinearSVC as liblinear does it (positives weighted by the balanced class weight, negatives 1),
    where row i takes part in label k's problem only if allowed[i, k]."""
    from sklearn.svm import LinearSVC

    K = len(m.labels)
    counts = np.bincount(y, minlength=K)
    cw = len(y) / (K * np.maximum(counts, 1)) if m.class_weight == "balanced" else np.ones(K)
    coef, icpt = np.zeros((K, X.shape[1])), np.zeros(K)
    for k in range(K):
        rows = np.ones(len(y), bool) if allowed is None else allowed[:, k]
        yk = (y[rows] == k).astype(int)
        sw = np.where(yk == 1, cw[k], 1.0) * (1.0 if w is None else w[rows])
        clf = LinearSVC(C=m.C, random_state=m.seed).fit(X[rows], yk, sample_weight=sw)
        coef[k], icpt[k] = clf.coef_[0], clf.intercept_[0]
    return coef, icpt


def fit_bias(s: np.ndarray, y: np.ndarray, allowed) -> np.ndarray:
    """Per-class offsets b (and a temperature a) minimizing the held-out log loss of softmax(a*s + b), the softmax
    over the labels each row's corpus can produce; returns b / a (an offset on the raw scores)."""
    from scipy.optimize import minimize

    K = s.shape[1]
    mask = np.zeros_like(s) if allowed is None else np.where(allowed, 0.0, -np.inf)

    def loss(p):
        a, b = np.exp(p[0]), p[1:]
        z = a * s + b + mask
        z = z - z.max(1, keepdims=True)
        lse = np.log(np.exp(z).sum(1))
        return float(-(z[np.arange(len(y)), y] - lse).mean() + 1e-3 * (b ** 2).sum())

    res = minimize(loss, np.zeros(K + 1), method="L-BFGS-B")
    return res.x[1:] / np.exp(res.x[0])


def scores(model, docs, labels_allowed=None):
    s = model.decision_function([d.text for d in docs])
    if labels_allowed is not None:
        s = np.where(np.array([lab in labels_allowed for lab in model.labels]), s, -np.inf)
    pred = [model.labels[i] for i in s.argmax(1)]
    return pred, float(np.mean([p == d.label for p, d in zip(pred, docs)]))


def per_label(docs, preds: dict[str, list[str]]) -> None:
    labs = sorted({d.label for d in docs})
    print(f"{'label':22s} {'n':>5s} " + " ".join(f"{k[:16]:>16s}" for k in preds))
    for lab in labs:
        idx = [i for i, d in enumerate(docs) if d.label == lab]
        print(f"{lab:22s} {len(idx):5d} " + " ".join(f"{100 * np.mean([p[i] == lab for i in idx]):16.1f}" for p in preds.values()))
    for name, p in preds.items():  # where the errors go
        from collections import Counter

        print(name, "top errors:", Counter((d.label, x) for d, x in zip(docs, p) if d.label != x).most_common(6))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--prep", default="strip-trunc120-title2")
    ap.add_argument("--settings", default="base,masked")
    ap.add_argument("--n-vntc", type=int, default=10000)
    ap.add_argument("--n-baomoi", type=int, default=28000)
    ap.add_argument("--per-label", action="store_true")
    ap.add_argument("--cross", action="store_true", help="also the cross-era scores (7 shared labels) of each setting")
    args = ap.parse_args()
    tax = load_taxonomy("configs/taxonomy.yaml")
    shared = tax.shared_labels("vntc10", "baomoi_topics_2018")
    allowed_by_corpus = {c: reachable(tax, c) for c in ("vntc10", "baomoi_topics_2018")}
    print("labels each corpus can produce:", {c: sorted(v) for c, v in allowed_by_corpus.items()}, flush=True)
    vfit, vval, bfit, bval, corpus_of = load_tagged(tax, args.n_vntc, args.n_baomoi, args.prep)
    Cached.both_df_mask = None
    singles: dict[str, tuple] = {}
    vrows = Cached.rows[[Cached.index[d.text] for d in vfit]]
    brows = Cached.rows[[Cached.index[d.text] for d in bfit]]
    for name in args.settings.split(","):
        setting, t0 = SETTINGS[name], time.perf_counter()
        Cached.both_df_mask = None
        if "era_ratio" in setting:
            dv = (np.bincount(vrows.indices, minlength=vrows.shape[1]) + 1) / (vrows.shape[0] + 1)
            db = (np.bincount(brows.indices, minlength=brows.shape[1]) + 1) / (brows.shape[0] + 1)
            Cached.both_df_mask = np.abs(np.log(dv / db)) <= np.log(setting["era_ratio"])
            print(f"{name}: {int(Cached.both_df_mask.sum())} of {len(dv)} hashed columns kept", flush=True)
        both = fit(setting, vfit + bfit, corpus_of, allowed_by_corpus, args.prep)
        pv_all, m_v_all = scores(both, vval)
        pv_in, m_v_in = scores(both, vval, allowed_by_corpus["vntc10"])
        _, m_b_all = scores(both, bval)
        _, m_b_in = scores(both, bval, allowed_by_corpus["baomoi_topics_2018"])
        key = json.dumps({k: v for k, v in setting.items() if k in PARAMS}, sort_keys=True)
        if key not in singles:
            single = {k: v for k, v in setting.items() if k in PARAMS}
            v_only = fit(single, vfit, corpus_of, allowed_by_corpus, args.prep)
            b_only = fit(single, bfit, corpus_of, allowed_by_corpus, args.prep)
            singles[key] = (scores(v_only, vval), scores(b_only, bval)[1])
        (pv_single, m_v_single), m_b_single = singles[key]
        m = {"both_vntc_val_all": m_v_all, "both_vntc_val_restricted": m_v_in, "both_baomoi_val_all": m_b_all,
             "both_baomoi_val_restricted": m_b_in, "vntc_only_vntc_val": m_v_single, "baomoi_only_baomoi_val": m_b_single}
        m["gap_vntc_restricted"] = m_v_single - m_v_in
        m["gap_baomoi_restricted"] = m_b_single - m_b_in
        if args.cross:
            single = {k: v for k, v in setting.items() if k in ("C", "max_features", "bias")}
            m["vntc_to_baomoi_val_shared"] = scores(fit(single, restrict(vfit, shared), corpus_of, allowed_by_corpus, args.prep), restrict(bval, shared))[1]
            m["baomoi_to_vntc_val_shared"] = scores(fit(single, restrict(bfit, shared), corpus_of, allowed_by_corpus, args.prep), restrict(vval, shared))[1]
        secs = time.perf_counter() - t0
        print(name, json.dumps({k: round(v * 100, 2) for k, v in m.items()}), f"{secs:.0f}s", flush=True)
        if args.per_label:
            per_label(vval, {"vntc-only": pv_single, f"{name} all": pv_all, f"{name} restricted": pv_in})
        record_run(task="topics", kind="evaluate", model=f"linear era-gap {name} (prep {args.prep})", dataset="vntc10+baomoi_topics_2018",
                   split=f"val (vntc train 15% holdout[:{len(vval)}], baomoi val[:{len(bval)}])",
                   metrics={k: round(v, 6) for k, v in m.items()},
                   config={**BASE, **VARIANTS[args.prep], **setting, "n_vntc_fit": len(vfit), "n_baomoi_fit": len(bfit)},
                   duration_s=secs, command=COMMAND,
                   extra={"purpose": "two-era default vs single-era gap, restricted to each corpus's labels (validation)",
                          "corpus_labels": {c: sorted(v) for c, v in allowed_by_corpus.items()}})


if __name__ == "__main__":
    main()
