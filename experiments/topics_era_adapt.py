"""An era-aware default: one model that knows which era a text looks like (validation first).

    nice -n 10 env OMP_NUM_THREADS=1 PYTHONPATH=src python experiments/topics_era_adapt.py [--methods a,b] [--gate-C 1]

VALIDATION data only, the samples and cached hashing of experiments/topics_era_gap.py (10,000 VNTC + 28,000 baomoi
fit docs, a 15 % VNTC train holdout and baomoi's val split, 4,000 docs each, the default's text preparation and
feature selection: every method below reads the joint model's TF-IDF columns, so it costs one featurization).
At prediction time the corpus is unknown: an era gate (logistic regression over the same features, trained to
tell the two corpora apart) gives p(era | x).

* ``augment``: "frustratingly easy domain adaptation" (Daume III 2007): each feature has a shared copy and one copy
  per era (plus a per-era bias column); one-vs-rest LinearSVC on the augmented rows, where the copy of era e takes
  part in label k's problem only if e's map can produce k (so "VNTC never says Giáo dục" is not learned as evidence
  against Giáo dục: a label an era cannot produce comes from the shared part). Scores: shared + sum_e p(e|x) *
  specific_e (``soft``) or the argmax era's block only (``hard``); ``oracle`` uses the true corpus (upper bound).
* ``model``: the shipped code path, ``LinearTopicModel(era_adaptation="augment")`` fitted with ``domains`` (its own gate
  and temperature; the ``oracle`` rows are its hard routing too, since the model cannot be told the corpus).
  ``--gate-extra N``: N full modern articles of baomoi_articles_2017 (unlabeled) also teach the gate the modern era;
  ``routed_modern_*``: the share of modern full articles it never saw (baomoi 2017 held out, vietnews val) that the
  gate sends to the modern era (p > 0.5).
* ``moe``: a gated mixture of experts over the joint model and the two single-era models (on the same columns):
  each era's expert answers within the labels its corpus can produce, scaled by the joint model's mass on those
  labels; the other labels take the joint model's probabilities; p = sum_e p(e|x) * expert_e (``soft``/``hard``).
* ``augment-shared``: ``augment`` with era parts only for the labels both eras use (``era_part_labels: shared``).
``--gate-extra N``: the gate also learns from N unlabeled full modern articles (baomoi_articles_2017[:N] in a fixed
order). Every run reports, for 2,000 held-out modern full articles (baomoi_articles_2017[30000:32000]), the share the
gate routes to the modern era and the share of answers in VNTC-only labels (Thế giới, Pháp luật, Văn hóa) and in
modern-only labels (Giáo dục, Du lịch, Việc làm), next to the joint model's.
Findings (records in results.jsonl): without --gate-extra the gate tells the corpora apart by form (full article vs
title + sapo): 98 % / 99 % on the val sets, but only 35 % of modern full articles go to the modern era; ``augment``
then closes the gaps (0.02 / -0.05) but its era parts switch label sets (routed to the modern part, those articles
get Thế giới / Pháp luật / Văn hóa 5 % of the time against the joint model's 33 %). With --gate-extra 20000 the gate
sends 96 % of modern full articles to the modern era; ``augment-shared`` keeps the label shares (30.5 / 9.3 % vs
33.0 / 8.9 %) and, with a sharper gate (C 100), closes the gaps to 0.9 / -0.15; ``moe`` 0.65 / -0.05.
Scored on each val set over all 13 labels and within the corpus's labels (the fair comparison with the single-era
models, each with its own feature selection as in topics_era_gap.py). Each method is a record in
experiments/results.jsonl.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from topics_era import BASE, VARIANTS  # noqa: E402
from topics_era_gap import reachable  # noqa: E402
from topics_era_weights import Cached, load_tagged  # noqa: E402

from bantin.topics.base import fit_temperature, softmax  # noqa: E402
from bantin.topics.data import load_unlabeled  # noqa: E402
from bantin.topics.taxonomy import load_taxonomy  # noqa: E402
from bantin.tracking import record_run  # noqa: E402

COMMAND = "python experiments/topics_era_adapt.py " + " ".join(sys.argv[1:])
ERAS = ("vntc10", "baomoi_topics_2018")


def ovr_masked(X, y, K, C, label_cols, class_weight="balanced", seed=0):
    """One-vs-rest LinearSVC as liblinear does it (positives weighted by the balanced class weight), label k fit on
    the columns ``label_cols[k]`` of X only. Returns (coef [K, n_cols] with zeros outside each label's columns, intercept)."""
    from sklearn.svm import LinearSVC

    counts = np.bincount(y, minlength=K)
    cw = len(y) / (K * np.maximum(counts, 1)) if class_weight == "balanced" else np.ones(K)
    coef, icpt = np.zeros((K, X.shape[1]), np.float32), np.zeros(K, np.float32)
    for k in range(K):
        cols = label_cols[k]
        yk = (y == k).astype(int)
        clf = LinearSVC(C=C, random_state=seed).fit(X[:, cols], yk, sample_weight=np.where(yk == 1, cw[k], 1.0))
        coef[k, cols], icpt[k] = clf.coef_[0], clf.intercept_[0]
    return coef, icpt


def augment(X, era, n_eras, scale=1.0):
    """[X | X*[era=0] , 1[era=0] | X*[era=1], 1[era=1] | ...] (each era block: the features and a bias column)."""
    blocks = [X]
    for e in range(n_eras):
        m = (era == e).astype(np.float32) * scale
        blocks += [sp.diags(m) @ X, sp.csr_matrix(m[:, None])]
    return sp.hstack(blocks).tocsr()


class Augmented:
    def __init__(self, K, F, allowed, C, scale=1.0):
        self.K, self.F, self.allowed, self.C, self.scale = K, F, allowed, C, scale  # allowed [E, K]

    def fit(self, X, y, era):
        E = self.allowed.shape[0]
        A = augment(X, era, E, self.scale)
        width = self.F + 1
        cols = [np.concatenate([np.arange(self.F)] + [self.F + e * width + np.arange(width) for e in range(E) if self.allowed[e, k]])
                for k in range(self.K)]
        coef, self.intercept = ovr_masked(A, y, self.K, self.C, cols)
        self.shared = coef[:, : self.F]
        blocks = [coef[:, self.F + e * width : self.F + (e + 1) * width] for e in range(E)]
        self.era_coef = np.stack([b[:, : self.F] for b in blocks]) * self.scale  # [E, K, F]
        self.era_bias = np.stack([b[:, self.F] for b in blocks]) * self.scale  # [E, K]
        return self

    def scores(self, X, gate):
        """gate: [n, E] weights of each era's block."""
        s = np.asarray(X @ self.shared.T) + self.intercept
        for e in range(self.era_coef.shape[0]):
            s += gate[:, e : e + 1] * (np.asarray(X @ self.era_coef[e].T) + self.era_bias[e])
        return s


def fit_expert(X, y, K, C, seed=0):
    """LinearSVC (balanced) on the given rows with a softmax temperature fitted on a held-out 10 % (as the model does)."""
    from sklearn.svm import LinearSVC

    rng = np.random.default_rng(seed)
    held = rng.random(len(y)) < 0.1
    present = np.unique(y)
    local = {k: i for i, k in enumerate(present)}
    yl = np.array([local[v] for v in y])
    clf = LinearSVC(C=C, class_weight="balanced", random_state=seed).fit(X[~held], yl[~held])
    a = fit_temperature(np.asarray(X[held] @ clf.coef_.T) + clf.intercept_, yl[held])
    clf = LinearSVC(C=C, class_weight="balanced", random_state=seed).fit(X, yl)
    coef = np.zeros((K, X.shape[1]), np.float32)
    icpt = np.full(K, -np.inf, np.float32)
    coef[present], icpt[present] = clf.coef_, clf.intercept_
    return coef, icpt, a


def expert_proba(X, coef, icpt, a):
    s = np.asarray(X @ coef.T) + icpt
    return softmax(np.where(np.isfinite(s), s * a, -np.inf))


def fit_gate(X, era, C):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=2000).fit(X, era)


def cache_texts(texts, params):
    """Hash texts that are not in the shared cache yet (extra, unlabeled texts) and add them to it."""
    new = [t for t in dict.fromkeys(texts) if t not in Cached.index]
    if new:
        from bantin.topics.linear import LinearTopicModel

        start = Cached.rows.shape[0]
        Cached.rows = sp.vstack([Cached.rows, LinearTopicModel(**params)._hashed(new)], format="csr")
        Cached.index.update({t: start + i for i, t in enumerate(new)})
    return list(texts)


def acc(s, docs, labels, allowed=None):
    if allowed is not None:
        s = np.where(np.array([lab in allowed for lab in labels]), s, -np.inf)
    pred = s.argmax(1)
    return float(np.mean([labels[p] == d.label for p, d in zip(pred, docs)]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--prep", default="strip-trunc120-title2")
    ap.add_argument("--methods", default="augment,moe")
    ap.add_argument("--gate-C", type=float, default=1.0)
    ap.add_argument("--scale", type=float, default=1.0, help="augment: scale of the era-specific copies")
    ap.add_argument("--n-vntc", type=int, default=10000)
    ap.add_argument("--n-baomoi", type=int, default=28000)
    ap.add_argument("--gate-extra", type=int, default=0, help="model: this many baomoi_articles_2017 full articles (unlabeled) "
                    "teach the era gate the modern era (gate_texts)")
    args = ap.parse_args()
    tax = load_taxonomy("configs/taxonomy.yaml")
    allowed_by_corpus = {c: reachable(tax, c) for c in ERAS}
    vfit, vval, bfit, bval, corpus_of = load_tagged(tax, args.n_vntc, args.n_baomoi, args.prep)
    Cached.both_df_mask = None
    t0 = time.perf_counter()
    P = {**BASE, **VARIANTS[args.prep]}
    fitdocs = vfit + bfit
    joint = Cached(**{**P, "calibration_fraction": 0.1}).fit([d.text for d in fitdocs], [d.labels for d in fitdocs])
    labels, K = joint.labels, len(joint.labels)
    y = np.array([labels.index(d.label) for d in fitdocs])
    era = np.array([ERAS.index(corpus_of[d.id]) for d in fitdocs])
    Xf = joint.features([d.text for d in fitdocs])
    Xv, Xb = joint.features([d.text for d in vval]), joint.features([d.text for d in bval])
    F = Xf.shape[1]
    allowed = np.array([[lab in allowed_by_corpus[c] for lab in labels] for c in ERAS])
    print(f"joint fitted ({F} columns) in {time.perf_counter() - t0:.0f}s", flush=True)
    # single-era references, each with its own feature selection (as topics_era_gap.py)
    ref = {}
    for c, fd, vd in (("vntc10", vfit, vval), ("baomoi_topics_2018", bfit, bval)):
        m = Cached(**P).fit([d.text for d in fd], [d.labels for d in fd])
        ref[c] = acc(m.decision_function([d.text for d in vd]), vd, m.labels)
    print("single-era references", ref, flush=True)
    if args.gate_extra:  # the experiment's own gate also learns from the modern full articles
        Xe = joint.features(cache_texts(load_unlabeled("baomoi_articles_2017", args.gate_extra), P))
        gate = fit_gate(sp.vstack([Xf, Xe], format="csr"), np.concatenate([era, np.full(Xe.shape[0], ERAS.index("baomoi_topics_2018"))]), args.gate_C)
    else:
        gate = fit_gate(Xf, era, args.gate_C)
    # modern full articles never seen (unlabeled): where the gate sends them and which labels come out
    modern_texts = cache_texts(load_unlabeled("baomoi_articles_2017", 2000, offset=30000), P)
    Xm = joint.features(modern_texts)
    gm = gate.predict_proba(Xm)
    only = {"vntc_only": [labels.index(x) for x in ("Thế giới", "Pháp luật", "Văn hóa")],
            "modern_only": [labels.index(x) for x in ("Giáo dục", "Du lịch", "Việc làm")]}

    def label_shares(s, prefix):
        pred = s.argmax(1)
        return {f"{prefix}_share_{k}_labels": float(np.isin(pred, v).mean()) for k, v in only.items()}
    g = {"vntc10": gate.predict_proba(Xv), "baomoi_topics_2018": gate.predict_proba(Xb)}
    base = {}
    for c, X, docs in (("vntc10", Xv, vval), ("baomoi_topics_2018", Xb, bval)):
        base[f"gate_accuracy_{c}"] = float(np.mean(g[c].argmax(1) == ERAS.index(c)))
        s = joint.decision_function([d.text for d in docs])
        base[f"joint_{c}_all"], base[f"joint_{c}_restricted"] = acc(s, docs, labels), acc(s, docs, labels, allowed_by_corpus[c])
        base[f"single_{c}"] = ref[c]
    base["modern2017_routed_modern"] = float(np.mean(gm.argmax(1) == ERAS.index("baomoi_topics_2018")))
    base.update(label_shares(np.asarray(Xm @ joint.coef.T) + joint.intercept, "modern2017_joint"))
    print("base", json.dumps({k: round(v * 100, 2) for k, v in base.items()}), flush=True)
    for method in args.methods.split(","):
        t1 = time.perf_counter()
        m = dict(base)
        if method in ("augment", "augment-shared"):  # -shared: era parts for the labels both eras use only
            parts = allowed if method == "augment" else np.tile(allowed.all(0), (len(ERAS), 1))
            aug = Augmented(K, F, parts, joint.C, args.scale).fit(Xf, y, era)
            score_fn = lambda X, gw: aug.scores(X, gw)  # noqa: E731
        elif method == "moe":
            experts = [fit_expert(Xf[era == e], y[era == e], K, joint.C) for e in range(len(ERAS))]

            def score_fn(X, gw, experts=experts):
                s = np.asarray(X @ joint.coef.T) + joint.intercept
                pj = softmax(s * float(joint.calib_a[0]))
                out = np.zeros_like(pj)
                for e, (coef, icpt, a) in enumerate(experts):
                    pe = expert_proba(X, coef, icpt, a)
                    mass = (pj * allowed[e]).sum(1, keepdims=True)
                    out += gw[:, e : e + 1] * np.where(allowed[e], pe * mass, pj)
                return np.log(out + 1e-12)
        elif method == "model":  # the shipped code path: LinearTopicModel(era_adaptation="augment"), its own gate and temperature
            shipped = {r: Cached(**{**P, "calibration_fraction": 0.1, "era_adaptation": "augment", "era_gate_C": args.gate_C, "era_routing": r})
                       for r in ("soft", "hard")}
            gate_texts = cache_texts(load_unlabeled("baomoi_articles_2017", args.gate_extra), P) if args.gate_extra else []
            shipped["soft"].fit([d.text for d in fitdocs], [d.labels for d in fitdocs], domains=[corpus_of[d.id] for d in fitdocs],
                                gate_texts=gate_texts, gate_domains=["baomoi_topics_2018"] * len(gate_texts))
            # where the gate sends modern full articles it never saw: baomoi 2017 (held-out slice) and vietnews val
            modern = {"baomoi_articles_2017_heldout": cache_texts(load_unlabeled("baomoi_articles_2017", 2000, offset=30000), P),
                      "vietnews_val": cache_texts(load_unlabeled("vietnews", 2000, split="val"), P)}
            for name, texts in modern.items():
                p = shipped["soft"].era_proba(texts)[:, shipped["soft"].eras.index("baomoi_topics_2018")]
                m[f"routed_modern_{name}"] = float(np.mean(p > 0.5))
                m[f"mean_p_modern_{name}"] = float(p.mean())
            for name in ("coef", "intercept", "era_coef", "era_bias", "gate_coef", "gate_intercept", "feature_index", "idf", "calib_a", "calib_b", "eras", "labels"):
                setattr(shipped["hard"], name, getattr(shipped["soft"], name))

            def score_fn(X, gw, shipped=shipped):  # routing by the model's own gate: "soft"/"hard" rows; oracle unavailable
                r = "hard" if np.allclose(gw.sum(1), 1) and set(np.unique(gw)) <= {0.0, 1.0} else "soft"
                return shipped[r]._scores(X, shipped[r].coef, shipped[r].intercept, shipped[r].era_coef, shipped[r].era_bias)
        else:
            raise SystemExit(f"unknown method {method}")
        if method != "model":
            m.update(label_shares(score_fn(Xm, gm), "modern2017_soft"))
        for c, X, docs in (("vntc10", Xv, vval), ("baomoi_topics_2018", Xb, bval)):
            gates = {"soft": g[c], "hard": np.eye(len(ERAS))[g[c].argmax(1)], "oracle": np.tile(np.eye(len(ERAS))[ERAS.index(c)], (X.shape[0], 1))}
            for gname, gw in gates.items():
                s = score_fn(X, gw)
                m[f"{gname}_{c}_all"] = acc(s, docs, labels)
                m[f"{gname}_{c}_restricted"] = acc(s, docs, labels, allowed_by_corpus[c])
            for gname in ("soft", "hard"):
                m[f"gap_{gname}_{c}_restricted"] = ref[c] - m[f"{gname}_{c}_restricted"]
        secs = time.perf_counter() - t1
        print(method, json.dumps({k: round(v * 100, 2) for k, v in m.items() if k not in base}), f"{secs:.0f}s", flush=True)
        record_run(task="topics", kind="evaluate", model=f"linear era-aware {method} (gate logreg C={args.gate_C}"
                   + (f", gate + {args.gate_extra} baomoi_articles_2017 texts" if method == "model" and args.gate_extra else "")
                   + (f", scale {args.scale}" if method == "augment" else "") + f", prep {args.prep})",
                   dataset="vntc10+baomoi_topics_2018", split=f"val (vntc train 15% holdout[:{len(vval)}], baomoi val[:{len(bval)}])",
                   metrics={k: round(v, 6) for k, v in m.items()}, config={**P, "method": method, "gate_C": args.gate_C, "scale": args.scale,
                                                                        "gate_extra": args.gate_extra if method == "model" else 0,
                                                                        "n_vntc_fit": len(vfit), "n_baomoi_fit": len(bfit)},
                   duration_s=secs, command=COMMAND,
                   extra={"purpose": "era-aware default (domain-adaptation augmentation / gated experts) vs single-era models (validation)"})


if __name__ == "__main__":
    main()
