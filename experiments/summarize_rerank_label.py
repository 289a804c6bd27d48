"""Issue 14: the summary reranker's training label and sentence trimming, on held-out data.

    OMP_NUM_THREADS=1 python experiments/summarize_rerank_label.py --caches /tmp/summ3/cacheA.pkl /tmp/summ3/cacheB.pkl \
        /tmp/summ3/cacheC.pkl /tmp/summ3/cacheV.pkl --vietnews 40000 --baomoi 6000 --work /tmp/summ4/cands.pkl

The shipped recipe (``summarize_rerank_k.py``: stage 1 LightGBM 150 trees at 0.1, its scores of the training articles
out of fold; a 200-tree reranker over the c2 features of every summary of 1..3 of the 5 best sentences) with other
reranker labels. For every training candidate the label table holds its ROUGE-1 and ROUGE-2 F with both tokenizers
(Unicode syllables; rouge-score's default ASCII tokenizer, which the published vietnews figures use), of the
sentences as they are and after ``bantin.summarize.trim.trim_sentence`` (level "links"). Each --labels entry is a mean of some of
those columns (s1 s2 a1 a2; t: trimmed). Each variant is scored on vietnews val (3,000) and the baomoi val sample
(1,000) at 1..2 sentences, with the output trimmed at each --trim-levels level, and written to experiments/results.jsonl
(kind="experiment"). Never the test sets. The stage-1 scores, candidates and label table are kept in --work, so
further label variants only refit the reranker. --objectives: LightGBM regression on the label (the shipped one), on the
label minus its article's mean ("centered") or over its article's best ("ratio"), or lambdarank on 0..10 grades of that
ratio within each article; "shipped+centered": the shipped reranker and a "centered" one, their ratings averaged
(``rerank_targets: label+centered``). --save DIR saves the first --labels variant with the shipped stage-1
scorer (the same recipe on the same articles) and ``trim_sentences`` = the last --trim-levels entry.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "experiments"))

import numpy as np  # noqa: E402

#: label table columns (``extractive.RERANK_LABELS``)
COLUMNS = ["s1", "s2", "a1", "a2", "ts1", "ts2", "ta1", "ta2"]


def build(args):
    from summarize_rerank_k import load_caches, stage1_model

    from bantin.models.base import load_model
    from bantin.summarize.extractive import candidate_label_table
    from bantin.summarize.features import candidate_features, sentence_features_context, single_threaded_blas

    t0 = time.perf_counter()
    train, val, idf = load_caches(args.caches, args.vietnews, args.baomoi)
    data = train["data"]
    group = data["group"]
    print(f"loaded {train['n']} in {time.perf_counter() - t0:.0f} s", flush=True)
    t = time.perf_counter()
    oof = stage1_model(args, idf).out_of_fold_scores(data)  # as ExtractiveSummarizer.fit_reranker (seed 0)
    shipped = load_model(str(REPO / "src/bantin/resources/models/summarize"), task="summarize")
    print(f"stage 1: 2 folds in {time.perf_counter() - t:.0f} s", flush=True)
    bounds = np.concatenate([[0], np.cumsum(group)])

    t = time.perf_counter()
    tr = []
    with single_threaded_blas():
        for i, (doc, ref) in enumerate(zip(train["docs"], train["refs"])):
            doc = doc.capped()
            _, ctx = sentence_features_context(doc, idf, "v2")
            x, cands = candidate_features(doc, oof[bounds[i]:bounds[i + 1]], ctx, args.top_k, 3, "c2")
            tr.append((x.astype(np.float32), candidate_label_table(doc, cands, ref, COLUMNS, "links").astype(np.float32)))
            if i % 5000 == 0:
                print(f"  train candidates {i} {time.perf_counter() - t:.0f} s", flush=True)
        va = {}
        for key in ("vn_val", "bm_val"):
            docs = [d.capped() for d in val[key]["docs"]]
            scores, ctxs = shipped._scores_with_context(docs)
            va[key] = []
            for doc, s, ctx in zip(docs, scores, ctxs):
                x, cands = candidate_features(doc, s, ctx, args.top_k, 3, "c2")
                va[key].append((x, [sorted(cands.sentences(r)) for r in range(len(cands))]))
            val[key]["docs"] = docs
    print(f"candidates + labels: {time.perf_counter() - t:.0f} s", flush=True)
    work = {"tr": tr, "va": va, "val": {k: {"sentences": [d.sentences for d in v["docs"]], "refs": v["refs"]} for k, v in val.items()},
            "n": train["n"], "top_k": args.top_k}
    with open(args.work, "wb") as f:
        pickle.dump(work, f, protocol=pickle.HIGHEST_PROTOCOL)
    return work


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--caches", nargs="+", default=["/tmp/summ3/cacheA.pkl", "/tmp/summ3/cacheB.pkl", "/tmp/summ3/cacheC.pkl", "/tmp/summ3/cacheV.pkl"])
    ap.add_argument("--vietnews", type=int, default=40000)
    ap.add_argument("--baomoi", type=int, default=6000)
    ap.add_argument("--trees", type=int, default=150, help="stage-1 trees")
    ap.add_argument("--stage1-lr", type=float, default=0.1)
    ap.add_argument("--top-k", type=int, default=5)
    ap.add_argument("--rerank-trees", type=int, default=200)
    ap.add_argument("--rerank-lr", type=float, default=0.1)
    ap.add_argument("--labels", nargs="+", default=["s1+s2", "ts1+ts2", "ts2+ta2", "ts1+ts2+ta1+ta2"])
    ap.add_argument("--objectives", nargs="+", default=["regression"], choices=["regression", "centered", "ratio", "lambdarank", "shipped+centered"])
    ap.add_argument("--work", default="/tmp/summ4/cands.pkl")
    ap.add_argument("--save", metavar="MODEL_DIR")
    ap.add_argument("--trim-levels", nargs="+", default=["none", "links", "links+time"])
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args(argv)
    command = "python experiments/summarize_rerank_label.py " + " ".join(argv if argv is not None else sys.argv[1:])

    import lightgbm as lgb

    from bantin.metrics.rouge import as_lsum_text, rouge_report
    from bantin.models.base import load_model
    from bantin.summarize.extractive import _LgbmScorer, _MeanScorer
    from bantin.summarize.features import candidate_feature_names
    from bantin.summarize.trim import trim_sentence
    from bantin.text.tokenize import syllables
    from bantin.tracking import record_run

    if Path(args.work).is_file():
        t = time.perf_counter()
        with open(args.work, "rb") as f:
            work = pickle.load(f)
        print(f"work loaded in {time.perf_counter() - t:.0f} s", flush=True)
    else:
        work = build(args)
    names = candidate_feature_names("c2")
    cx = np.vstack([x for x, _ in work["tr"]])
    table = np.vstack([y for _, y in work["tr"]])
    sizes = np.array([len(x) for x, _ in work["tr"]])
    doc_of = np.repeat(np.arange(len(sizes)), sizes)
    for spec, objective in [(sp, ob) for sp in args.labels for ob in args.objectives]:
        cols = [COLUMNS.index(c) for c in spec.split("+")]
        cy = table[:, cols].mean(axis=1)
        best = np.maximum.reduceat(cy, np.concatenate([[0], np.cumsum(sizes)[:-1]]))[doc_of]
        ratio = np.where(best > 0, cy / np.maximum(best, 1e-9), 0.0)
        params = {"objective": "regression", "learning_rate": args.rerank_lr, "num_leaves": 31, "min_data_in_leaf": 50, "feature_fraction": 0.9,
                  "bagging_fraction": 0.8, "bagging_freq": 1, "seed": 0, "deterministic": True, "num_threads": 1, "verbose": -1}
        if objective in ("centered", "shipped+centered"):
            ds = lgb.Dataset(cx, cy - (np.bincount(doc_of, cy) / sizes)[doc_of], feature_name=names)
        elif objective == "ratio":
            ds = lgb.Dataset(cx, ratio, feature_name=names)
        elif objective == "lambdarank":
            params.update({"objective": "lambdarank", "lambdarank_truncation_level": 3, "eval_at": [1], "label_gain": [float(2 ** i - 1) for i in range(11)]})
            ds = lgb.Dataset(cx, np.rint(10 * ratio).astype(int), group=sizes, feature_name=names)
        else:
            ds = lgb.Dataset(cx, cy, feature_name=names)
        t = time.perf_counter()
        booster = lgb.train(params, ds, num_boost_round=args.rerank_trees)
        fit_s = time.perf_counter() - t
        scorer = _LgbmScorer.from_booster(booster)
        if objective == "shipped+centered":
            scorer = _MeanScorer([load_model(str(REPO / "src/bantin/resources/models/summarize"), task="summarize").reranker_, scorer])
        line = [f"label {spec:18s} {objective:10s}"]
        for key, label in (("vn_val", "vietnews"), ("bm_val", "baomoi_sapo")):
            sents, refs = work["val"][key]["sentences"], work["val"][key]["refs"]
            chosen = []
            for (x, members), ss in zip(work["va"][key], sents):
                ok = x[:, 0] <= 2
                p = np.full(len(x), -np.inf)
                p[ok] = scorer.predict(x[ok])
                chosen.append([ss[i] for i in members[int(np.argmax(p))]])
            for trim in args.trim_levels:
                preds = [[trim_sentence(s, trim) for s in c] for c in chosen]
                m = rouge_report(["\n".join(p) for p in preds], [as_lsum_text(r) for r in refs], ascii=True)
                m["summary_syllables"] = sum(len(syllables(" ".join(p))) for p in preds) / len(preds)
                m["n_articles"] = float(len(preds))
                split = f"val[:{len(preds)}]" if key == "vn_val" else f"val_sample{len(preds)}"
                if not args.no_record:
                    record_run(task="summarize", kind="experiment", model=f"extractive two-stage, reranker label mean({spec}) {objective}, trim={trim}, 1..2 sentences",
                               dataset=label, split=split, metrics={k: round(v, 5) for k, v in m.items()}, command=command, duration_s=fit_s,
                               extra={"n_train_articles": work["n"], "top_k": work["top_k"], "candidate_set": "c2", "rerank_trees": args.rerank_trees,
                                      "label": spec, "objective": objective, "trim_sentences": trim, "max_sentences": 2,
                                      "tokenizers": "rouge*_f: Unicode syllables; rouge*_ascii: rouge-score default"})
                line.append(f"{label[:2]} trim={trim:10s} {m['rouge2_f'] * 100:5.2f}/{m['rouge2_f_ascii'] * 100:5.2f} ({m['summary_syllables']:.0f})")
        print(" | ".join(line) + f" | fit {fit_s:.0f}s", flush=True)
        if args.save and spec == args.labels[0] and objective == args.objectives[0]:
            save(args, spec, scorer, work, command)


def save(args, spec, scorer, work, command):
    from bantin.models.base import load_model
    from bantin.summarize.extractive import _MeanScorer
    from bantin.summarize.features import candidate_feature_names

    model = load_model(str(REPO / "src/bantin/resources/models/summarize"), task="summarize")
    model.reranker_ = scorer
    model.rerank_targets = "label+centered" if isinstance(scorer, _MeanScorer) else "label"
    model.trim_sentences = args.trim_levels[-1]
    model.rerank_label = spec
    model.metrics = {}
    model.training_info["command"] = command
    model.training_info["reranker"] = {"features": candidate_feature_names("c2"), "first_stage": "out of fold (2 folds)",
                                       "label": f"mean of the candidate summary's ROUGE F ({spec}; s: syllable, a: ASCII tokenizer, 1/2: ROUGE-1/2, "
                                                "t: sentences trimmed by trim_sentence)"}
    model.training_info["reranker"]["targets"] = model.rerank_targets
    print(f"saved {model.save(args.save)}", flush=True)


if __name__ == "__main__":
    main()
