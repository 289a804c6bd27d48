"""Topics across eras: VNTC-10 (2006, full articles) and baomoi_topics_2018 (title + sapo) in one taxonomy.

    nice -n 10 env OMP_NUM_THREADS=1 PYTHONPATH=src python experiments/topics_era.py select [--n-vntc 12000 --n-baomoi 20000]
    nice -n 10 env OMP_NUM_THREADS=1 PYTHONPATH=src python experiments/topics_era.py final --variant NAME

``select`` compares text-preparation variants on VALIDATION data only: a stratified 15 % of VNTC train
(vntc-val) and baomoi's fixed val split; for each variant it fits (1) both eras -> each val set, all taxonomy
labels, (2) VNTC -> baomoi val and (3) baomoi -> vntc-val over the labels both corpora share. It also compares
the two ways of handling split categories (drop / resolve). ``final`` scores the chosen variant once on the test
splits: cross-era in both directions, each single-era model and the two-era default on each era's test split,
with per-label F1 and confusion plots (jobs cross, single, default). Job ``selftrain`` scores cross-era
self-training (the target era's train texts as unlabeled data, ``--self-train`` share pseudo-labeled); job
``within`` scores the model in ``--default-dir`` on each era's test split over all its labels and, next to it, with
its answers restricted to the labels that corpus's map can produce (``accuracy_within_corpus_labels``): what a
single-era model is scored on, since it can only answer those labels. Every score is a record in experiments/results.jsonl.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from bantin.topics.data import TopicDoc, load_corpus, stratified_holdout, stratified_subsample
from bantin.topics.evaluation import evaluate_model, plot_confusion
from bantin.topics.linear import LinearTopicModel
from bantin.topics.taxonomy import load_taxonomy, map_docs, resolve_split_docs
from bantin.tracking import record_run

BASE = dict(tokenizer="syllable", ngram_max=2, word_features="lexicon", max_features=100_000, min_df=2, classifier="linearsvc",
            C=0.3, class_weight="balanced", calibration_fraction=0.0)
VARIANTS = {
    "full": {},
    "syllables-only": {"word_features": None},
    "syllables-only-trunc120": {"word_features": None, "max_syllables": 120},
    "no-sublinear-trunc120": {"sublinear_tf": False, "max_syllables": 120},
    "no-sublinear": {"sublinear_tf": False},
    "strip": {"strip_sources": True},
    "title2": {"title_weight": 2},
    "trunc60": {"max_syllables": 60},
    "trunc120": {"max_syllables": 120},
    "trunc250": {"max_syllables": 250},
    "strip-trunc120": {"strip_sources": True, "max_syllables": 120},
    "strip-trunc120-title2": {"strip_sources": True, "max_syllables": 120, "title_weight": 2},
    "strip-trunc250-title2": {"strip_sources": True, "max_syllables": 250, "title_weight": 2},
    # C chosen on validation data by experiments/topics_era_weights.py (two-era default 84.78 / 87.72 % vs 83.97 / 87.70 at C=0.3)
    "strip-trunc120-title2-digits0": {"strip_sources": True, "max_syllables": 120, "title_weight": 2, "mask_digits": True},
    "strip-trunc120-title2-ng3": {"strip_sources": True, "max_syllables": 120, "title_weight": 2, "ngram_max": 3},
    "strip-trunc120-title2-C1": {"strip_sources": True, "max_syllables": 120, "title_weight": 2, "C": 1.0},
}
COMMAND = "python experiments/topics_era.py " + " ".join(sys.argv[1:])


class CachedModel(LinearTopicModel):
    """Hashes every text once per variant (the three fits of a variant share the hashed rows)."""

    cache: dict[str, int] = {}
    rows = None

    def _hashed(self, texts):
        missing = [t for t in dict.fromkeys(texts) if t not in type(self).cache]
        if missing:
            H = super()._hashed(missing)
            start = 0 if type(self).rows is None else type(self).rows.shape[0]
            import scipy.sparse as sp

            type(self).rows = H if type(self).rows is None else sp.vstack([type(self).rows, H]).tocsr()
            for i, t in enumerate(missing):
                type(self).cache[t] = start + i
        return type(self).rows[[type(self).cache[t] for t in texts]]


def model_for(params: dict, cached: bool = True) -> LinearTopicModel:
    cls = CachedModel if cached else LinearTopicModel
    return cls(**{**BASE, **params})


def restrict(docs, labels):
    keep = set(labels)
    return [d for d in docs if d.label in keep]


def fit(model, docs):
    model.fit([d.text for d in docs], [d.labels for d in docs])
    return model


def pseudo_label(model, pool, share: float) -> list[TopicDoc]:
    """Self-training on another era's UNLABELED text (their gold labels are not read): the ``share`` of ``pool``
    that ``model`` labels most confidently (top-two score margin), per predicted label, with the predicted label."""
    scores = model.decision_function([d.text for d in pool])
    top2 = np.sort(scores, axis=1)[:, -2:]
    margin, pred = top2[:, 1] - top2[:, 0], scores.argmax(1)
    out = []
    for k, lab in enumerate(model.labels):
        idx = np.flatnonzero(pred == k)
        out += [TopicDoc(pool[i].id, pool[i].text, [lab]) for i in idx[np.argsort(-margin[idx])][: int(len(idx) * share)]]
    return out


def score(model, docs, train=()):
    res = evaluate_model(model, docs, train)
    return res


def load_all(tax, n_vntc: int | None, n_baomoi: int | None):
    vtrain = map_docs(tax, "vntc10", load_corpus("vntc10", "train")).docs
    vfit, vval = stratified_holdout(vtrain, 0.15, seed=0)
    bm = map_docs(tax, "baomoi_topics_2018", load_corpus("baomoi_topics_2018", "train"))
    bval = map_docs(tax, "baomoi_topics_2018", load_corpus("baomoi_topics_2018", "val")).docs
    return (stratified_subsample(vfit, n_vntc, 0), stratified_subsample(vval, 4000, 0),
            stratified_subsample(bm.docs, n_baomoi, 0), stratified_subsample(bval, 4000, 0), bm.split, len(bm.docs))


def select(args):
    tax = load_taxonomy(args.taxonomy)
    shared = tax.shared_labels("vntc10", "baomoi_topics_2018")
    vfit, vval, bfit, bval, bsplit, n_bm_full = load_all(tax, args.n_vntc, args.n_baomoi)
    print(f"vntc fit {len(vfit)} val {len(vval)}; baomoi fit {len(bfit)} val {len(bval)}; shared labels {shared}", flush=True)
    names = args.variants.split(",") if args.variants else list(VARIANTS)
    for name in names:
        params = VARIANTS[name]
        CachedModel.cache, CachedModel.rows = {}, None
        t0 = time.perf_counter()
        both = fit(model_for(params), vfit + bfit)
        v2b = fit(model_for(params), restrict(vfit, shared))
        b2v = fit(model_for(params), restrict(bfit, shared))
        m = {
            "both_vntc_val": score(both, vval).metrics["accuracy"],
            "both_baomoi_val": score(both, bval).metrics["accuracy"],
            "both_baomoi_val_macro_f1": score(both, bval).metrics["macro_f1"],
            "vntc_to_baomoi_val_shared": score(v2b, restrict(bval, shared)).metrics["accuracy"],
            "baomoi_to_vntc_val_shared": score(b2v, restrict(vval, shared)).metrics["accuracy"],
        }
        m["mean"] = float(np.mean([m["both_vntc_val"], m["both_baomoi_val"], m["vntc_to_baomoi_val_shared"], m["baomoi_to_vntc_val_shared"]]))
        secs = time.perf_counter() - t0
        print(name, json.dumps({k: round(v * 100, 2) for k, v in m.items()}), f"{secs:.0f}s", flush=True)
        record_run(task="topics", kind="evaluate", model=f"linear era-variant {name}", dataset="vntc10+baomoi_topics_2018",
                   split=f"val (vntc train 15% holdout[:{len(vval)}], baomoi val[:{len(bval)}])",
                   metrics={k: round(v, 6) for k, v in m.items()}, config={**BASE, **params, "n_vntc_fit": len(vfit), "n_baomoi_fit": len(bfit)},
                   duration_s=secs, command=COMMAND, extra={"purpose": "variant selection on validation data", "shared_labels": shared})
    if args.split_policy:
        params = VARIANTS[args.split_policy]
        CachedModel.cache, CachedModel.rows = {}, None
        for policy in ("drop", "resolve"):
            t0 = time.perf_counter()
            train = vfit + bfit
            if policy == "resolve":
                first = fit(model_for(params), train)
                k = round(len(bsplit) * len(bfit) / n_bm_full)  # the same share as the other baomoi categories
                resolved = resolve_split_docs(first, bsplit[:k])
                print(f"resolved {k} split-category docs:", dict(__import__("collections").Counter(d.label for d in resolved)), flush=True)
                train = train + resolved
            model = fit(model_for(params), train)
            m = {"both_vntc_val": score(model, vval).metrics["accuracy"], "both_baomoi_val": score(model, bval).metrics["accuracy"],
                 "both_baomoi_val_macro_f1": score(model, bval).metrics["macro_f1"]}
            pl = score(model, restrict(vval, ["Pháp luật"])).metrics["accuracy"]
            m["vntc_val_phap_luat_recall"] = pl
            print("split", policy, json.dumps({k: round(v * 100, 2) for k, v in m.items()}), flush=True)
            record_run(task="topics", kind="evaluate", model=f"linear split-categories {policy} ({args.split_policy})",
                       dataset="vntc10+baomoi_topics_2018", split="val", metrics={k: round(v, 6) for k, v in m.items()},
                       config={**BASE, **params}, duration_s=time.perf_counter() - t0, command=COMMAND,
                       extra={"purpose": "split-category policy on validation data"})


def final(args):
    from bantin.data.paths import experiments_dir

    tax = load_taxonomy(args.taxonomy)
    shared = tax.shared_labels("vntc10", "baomoi_topics_2018")
    params = VARIANTS[args.variant]
    vtrain = map_docs(tax, "vntc10", load_corpus("vntc10", "train")).docs
    vtest = map_docs(tax, "vntc10", load_corpus("vntc10", "test")).docs
    bm = map_docs(tax, "baomoi_topics_2018", load_corpus("baomoi_topics_2018", "train"))
    btest = map_docs(tax, "baomoi_topics_2018", load_corpus("baomoi_topics_2018", "test")).docs
    out = experiments_dir() / "topics"
    default_dir = Path(args.default_dir) if args.default_dir else None

    def run(name, model, test, train, dataset, labels_note, corpus_labels=None):
        res = evaluate_model(model, test, train, corpus_labels=corpus_labels)
        m = res.metrics
        stem = f"era_{name}_{dataset}".replace(" ", "_").replace("+", "_")
        png = plot_confusion(res.details["gold"], res.predictions, model.labels, out / f"{stem}_confusion.png",
                             f"{name} on {dataset} test ({labels_note}): acc {m['accuracy']:.4f}")
        rec = record_run(task="topics", kind="evaluate", model=f"linear {name}", dataset=dataset, split=f"test ({labels_note})",
                         metrics={k: round(float(v), 6) for k, v in m.items()}, config={**BASE, **params, "variant": args.variant},
                         duration_s=res.details["seconds"], command=COMMAND,
                         extra={"per_label": res.details["per_label"], "confusion_png": str(png), "n_train": len(train), "labels": list(model.labels),
                                **({"corpus_labels": list(corpus_labels), "per_label_within_corpus_labels": res.details["per_label_within_corpus_labels"]}
                                   if "accuracy_within_corpus_labels" in m else {})})
        print(f"{name} -> {dataset} ({labels_note}): accuracy {m['accuracy']*100:.2f} macro_f1 {m['macro_f1']*100:.2f} n={len(test)}"
              + (f"; answers within the corpus's {len(corpus_labels)} labels: accuracy {m['accuracy_within_corpus_labels']*100:.2f} "
                 f"macro_f1 {m['macro_f1_within_corpus_labels']*100:.2f}" if "accuracy_within_corpus_labels" in m else ""), flush=True)
        return rec

    jobs = args.jobs.split(",")
    if "cross" in jobs:
        v2b = fit(model_for(params, cached=False), restrict(vtrain, shared))
        run("vntc-only (shared labels)", v2b, restrict(btest, shared), [], "baomoi_topics_2018", f"{len(shared)} shared labels")
        run("vntc-only (shared labels)", v2b, restrict(vtest, shared), restrict(vtrain, shared), "vntc10", f"{len(shared)} shared labels")
        del v2b
        b2v = fit(model_for(params, cached=False), restrict(bm.docs, shared))
        run("baomoi-only (shared labels)", b2v, restrict(vtest, shared), [], "vntc10", f"{len(shared)} shared labels")
        run("baomoi-only (shared labels)", b2v, restrict(btest, shared), restrict(bm.docs, shared), "baomoi_topics_2018", f"{len(shared)} shared labels")
        del b2v
    if "selftrain" in jobs:  # cross-era with domain adaptation: the target era's train split as unlabeled text
        for src, src_name, pool, test, dataset in ((vtrain, "vntc-only", bm.docs, btest, "baomoi_topics_2018"),
                                                   (bm.docs, "baomoi-only", vtrain, vtest, "vntc10")):
            first = fit(model_for(params, cached=False), restrict(src, shared))
            pseudo = pseudo_label(first, pool, args.self_train)
            del first
            m = fit(model_for(params, cached=False), restrict(src, shared) + pseudo)
            run(f"{src_name} + self-training {args.self_train} (shared labels)", m, restrict(test, shared), [], dataset, f"{len(shared)} shared labels")
            del m
    if "single" in jobs:
        v = fit(model_for(params, cached=False), vtrain)
        run("vntc-only (taxonomy)", v, vtest, vtrain, "vntc10", "taxonomy labels")
        del v
        b = model_for(params, cached=False)
        fit(b, bm.docs)
        if tax.split_categories == "resolve":
            b = fit(model_for(params, cached=False), bm.docs + resolve_split_docs(b, bm.split))
        run("baomoi-only (taxonomy)", b, btest, bm.docs, "baomoi_topics_2018", "taxonomy labels")
        del b
    if "default" in jobs and default_dir is not None:
        from bantin.models.base import load_model

        d = load_model(default_dir, task="topics")  # all labels: bantin evaluate topics --config configs/topics-eval-default-*.yaml
        run("default (both eras)", d, restrict(vtest, shared), vtrain, "vntc10", f"{len(shared)} shared labels")
        run("default (both eras)", d, restrict(btest, shared), bm.docs, "baomoi_topics_2018", f"{len(shared)} shared labels")
    if "within" in jobs and default_dir is not None:  # the fair comparison with the single-era models ("single")
        from bantin.models.base import load_model

        d = load_model(default_dir, task="topics")
        for dataset, test, train in (("vntc10", vtest, vtrain), ("baomoi_topics_2018", btest, bm.docs)):
            run("default (both eras)", d, test, train, dataset, "taxonomy labels", corpus_labels=tax.corpus_labels(dataset))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["select", "final"])
    ap.add_argument("--taxonomy", default="configs/taxonomy.yaml")
    ap.add_argument("--n-vntc", type=int, default=12000)
    ap.add_argument("--n-baomoi", type=int, default=20000)
    ap.add_argument("--variants", default="")
    ap.add_argument("--split-policy", default="", help="variant with which to compare drop / resolve of split categories")
    ap.add_argument("--variant", default="strip-trunc120")
    ap.add_argument("--jobs", default="cross,single,default")
    ap.add_argument("--default-dir", default="")
    ap.add_argument("--self-train", type=float, default=0.5, help="selftrain job: share of the target era's text pseudo-labeled")
    args = ap.parse_args()
    select(args) if args.mode == "select" else final(args)


if __name__ == "__main__":
    main()
