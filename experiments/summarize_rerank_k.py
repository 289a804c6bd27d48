"""Issue 14: the summary reranker with more training data, a bigger top-K and more candidate features, on held-out data.

    OMP_NUM_THREADS=1 python experiments/summarize_rerank_k.py --caches /tmp/summ3/cacheA.pkl /tmp/summ3/cacheB.pkl \
        --vietnews 20000 --baomoi 6000 --top-k 5 6 7 --sets c1 c2

The caches come from ``summarize_rerank.py --build`` (the first holds vietnews train articles 0..N, the baomoi
training sample and both validation sets; further ones, built with ``--vietnews-from N --idf-from FIRST``, more
vietnews train articles with the first cache's idf table). Training articles: the first --vietnews vietnews train
articles and the first --baomoi baomoi ones. Stage 1 is the shipped sentence scorer (LightGBM, oracle labels), its
scores of the training articles out of fold (2 folds, the split ``ExtractiveSummarizer.fit_reranker`` uses).

The candidates of the largest K (every summary of 1..3 of the K best sentences, the c2 feature set: c1 is its first
25 columns) are computed once; a smaller K keeps the candidates whose members all rank below K, which are exactly
that K's candidates. Every variant (K, feature set, reranker trees) is scored on vietnews val and the baomoi val
sample at 1..2 (and 1..3) sentences and written to experiments/results.jsonl (kind="experiment"). Never the test
sets. --save DIR saves every variant's model under DIR/k{K}-{set}-t{trees}, with the stage-1 scorer trained on all
the chosen training articles.
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

import numpy as np  # noqa: E402


def stage1_model(args, idf, part=None):
    """The first-stage sentence scorer of these experiments (``--trees``, ``--stage1-lr``), fitted on ``part`` unless None."""
    from bantin.summarize.extractive import ExtractiveSummarizer

    m = ExtractiveSummarizer(scorer="lgbm", target="oracle", feature_set="v2", lgbm_num_trees=args.trees, lgbm_learning_rate=args.stage1_lr)
    m.idf = idf
    return m if part is None else m.fit_scorer(part)


def load_caches(paths, n_vn, n_bm):
    """Training docs/refs/stage-1 data (first n_vn vietnews + first n_bm baomoi), validation docs/refs/data, idf."""
    caches = []
    for p in paths:
        with open(p, "rb") as f:
            caches.append(pickle.load(f))
    first = caches[0]

    def take(data, n):
        g = data["group"][:n]
        rows = int(g.sum())
        return {k: (v[:n] if k == "group" else v[:rows]) for k, v in data.items()}

    def cat(parts):
        return {k: np.concatenate([p[k] for p in parts]) if k != "x" else np.vstack([p[k] for p in parts]) for k in parts[0]}

    def first_n(key, n):
        """The first n training articles of one source across the caches, in order (the first cache's, then further
        chunks: summarize_rerank.py --build --vietnews-from / --baomoi-from)."""
        docs, refs, data = [], [], []
        for c in caches:
            left = n - len(docs)
            if left <= 0 or key not in c["docs"]:
                continue
            d = c["docs"][key][:left]
            docs += d
            refs += [e.reference for e in c["sets"][key][: len(d)]]
            data.append(take(c["data"][key], len(d)))
        return docs, refs, data

    vn_docs, vn_refs, vn_data = first_n("vn_train", n_vn)
    bm_docs, bm_refs, bm_data = first_n("bm_train", n_bm)
    train = {"docs": vn_docs + bm_docs, "refs": vn_refs + bm_refs, "data": cat(vn_data + bm_data), "n": {"vn_train": len(vn_docs), "bm_train": len(bm_docs)}}
    val = {k: {"docs": first["docs"][k], "refs": [e.reference for e in first["sets"][k]], "data": first["data"][k]} for k in ("vn_val", "bm_val")}
    for c in caches[1:]:  # validation chunks (summarize_rerank.py --build --val-chunk): more vietnews val articles
        if "vn_val" in c["docs"]:
            v = val["vn_val"]
            v["docs"] = v["docs"] + c["docs"]["vn_val"]
            v["refs"] = v["refs"] + [e.reference for e in c["sets"]["vn_val"]]
            v["data"] = cat([v["data"], c["data"]["vn_val"]])
    return train, val, first["idf"]


def make_candidates(docs, scores, idf, top_k, refs=None):
    """Per document: (c2 features of every summary of 1..3 of the top_k, CandidateSets, labels (R-1 F, R-2 F) or None)."""
    from summarize_rerank import candidates

    return candidates(docs, scores, idf, top_k, 3, refs, feature_set="c2", capped=True)


def score_models(args, command):
    """Score saved models on the caches' validation sets (the same articles and numbers as the variants)."""
    from bantin.metrics.rouge import as_lsum_text, rouge_report
    from bantin.summarize.evaluation import resolve_model
    from bantin.text.tokenize import syllables
    from bantin.tracking import record_run

    _, val, _ = load_caches(args.caches, 0, 0)
    for spec in args.score_models:
        name, model, _, _ = resolve_model(spec, 2)
        line = [f"{name:55s}"]
        for key, label in (("vn_val", "vietnews"), ("bm_val", "baomoi_sapo")):
            for most in args.max_sentences:
                preds = model.summarize_sentences(val[key]["docs"], most)
                m = rouge_report(["\n".join(p) for p in preds], [as_lsum_text(r) for r in val[key]["refs"]], ascii=True)
                m["summary_syllables"] = sum(len(syllables(" ".join(p))) for p in preds) / len(preds)
                m["n_articles"] = float(len(preds))
                split = f"val[:{len(preds)}]" if key == "vn_val" else f"val_sample{len(preds)}"
                if not args.no_record:
                    record_run(task="summarize", kind="experiment", model=f"{name} (saved model), 1..{most} sentences", dataset=label, split=split,
                               metrics={kk: round(v, 5) for kk, v in m.items()}, command=command, model_dir=None if spec == "default" else spec,
                               extra={"max_sentences": most, "tokenizers": "rouge*_f: Unicode syllables; rouge*_ascii: rouge-score default"})
                line.append(f"{label[:2]}@{most} {m['rouge2_f']*100:5.2f}/{m['rouge2_f_ascii']*100:5.2f} ({m['summary_syllables']:.0f})")
                if key == "vn_val" and len(preds) > 1000:
                    m1 = rouge_report(["\n".join(p) for p in preds[:1000]], [as_lsum_text(r) for r in val[key]["refs"][:1000]])
                    line.append(f"vi[:1000]@{most} {m1['rouge2_f']*100:5.2f}")
        print(" | ".join(line), flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--caches", nargs="+", default=["/tmp/summ3/cacheA.pkl"])
    ap.add_argument("--vietnews", type=int, default=10000)
    ap.add_argument("--baomoi", type=int, default=6000)
    ap.add_argument("--top-k", type=int, nargs="+", default=[5, 6, 7])
    ap.add_argument("--sets", nargs="+", default=["c1", "c2"])
    ap.add_argument("--trees", type=int, default=300, help="stage-1 trees")
    ap.add_argument("--stage1-lr", type=float, default=0.05, help="stage-1 learning rate")
    ap.add_argument("--rerank-trees", type=int, nargs="+", default=[100])
    ap.add_argument("--rerank-lr", type=float, default=0.1)
    ap.add_argument("--rerank-leaves", type=int, default=31)
    ap.add_argument("--max-sentences", type=int, nargs="+", default=[2, 3])
    ap.add_argument("--save", metavar="MODEL_DIR")
    ap.add_argument("--no-record", action="store_true")
    ap.add_argument("--score-models", nargs="+", metavar="MODEL", help="instead: score these models (default or a model directory) "
                    "on the caches' validation sets at --max-sentences")
    args = ap.parse_args(argv)
    command = "python experiments/summarize_rerank_k.py " + " ".join(argv if argv is not None else sys.argv[1:])

    import lightgbm as lgb

    from bantin.metrics.rouge import as_lsum_text, rouge_report
    from bantin.summarize.extractive import ExtractiveSummarizer, _LgbmScorer
    from bantin.summarize.features import candidate_feature_names
    from bantin.text.tokenize import syllables
    from bantin.tracking import record_run

    t0 = time.perf_counter()
    if args.score_models:
        return score_models(args, command)
    train, val, idf = load_caches(args.caches, args.vietnews, args.baomoi)
    data = train["data"]
    group = data["group"]
    assert len(group) == len(train["docs"])
    print(f"loaded {train['n']}, val {({k: len(v['docs']) for k, v in val.items()})} in {time.perf_counter() - t0:.0f} s", flush=True)

    def stage1(part):
        return stage1_model(args, idf, part)

    t = time.perf_counter()
    oof = stage1(None).out_of_fold_scores(data)  # as ExtractiveSummarizer.fit_reranker (seed 0)
    full = stage1(data)
    print(f"stage 1: 2 folds + full in {time.perf_counter() - t:.0f} s", flush=True)
    bounds = np.concatenate([[0], np.cumsum(group)])
    kmax = max(args.top_k)
    t = time.perf_counter()
    tr = make_candidates(train["docs"], [oof[bounds[i]:bounds[i + 1]] for i in range(len(group))], idf, kmax, train["refs"])
    va = {}
    for key in ("vn_val", "bm_val"):
        d = val[key]
        s = full._scores(d["data"]["x"])
        b = np.concatenate([[0], np.cumsum(d["data"]["group"])])
        va[key] = make_candidates(d["docs"], [s[b[i]:b[i + 1]] for i in range(len(d["data"]["group"]))], idf, kmax)
    print(f"candidates (top {kmax}, c2): {time.perf_counter() - t:.0f} s", flush=True)
    names_c2 = candidate_feature_names("c2")
    rank_col = names_c2.index("rank_max")

    def save_model(out, k, cset, trees, scorer):
        model = ExtractiveSummarizer(n_sentences=2, scorer="lgbm", target="oracle", feature_set="v2", lgbm_num_trees=args.trees,
                                     lgbm_learning_rate=args.stage1_lr, rerank_top_k=k,
                                     rerank_trees=trees, rerank_learning_rate=args.rerank_lr, rerank_features=cset)
        model.idf, model.model_, model.reranker_ = idf, full.model_, scorer
        model.training_info.update(full.training_info)
        model.training_info.update({"dataset": "vietnews train + baomoi_articles_2017 sample (sapo as reference)", "n_articles": train["n"],
                                    "command": command, "reranker": {"features": candidate_feature_names(cset), "label": "(R-1 F + R-2 F) / 2 of the candidate summary",
                                                                     "first_stage": "out of fold (2 folds)", "leaves": args.rerank_leaves}})
        print(f"saved {model.save(out)}", flush=True)

    def report(key, preds):
        m = rouge_report(["\n".join(p) for p in preds], [as_lsum_text(r) for r in val[key]["refs"]], ascii=True)
        m["summary_syllables"] = sum(len(syllables(" ".join(p))) for p in preds) / len(preds)
        m["n_articles"] = float(len(preds))
        return m

    for k in args.top_k:
        for cset in args.sets:
            ncol = len(candidate_feature_names(cset))
            keep = [a[0][:, rank_col] < k for a in tr]
            cx = np.vstack([a[0][kp, :ncol] for a, kp in zip(tr, keep)])
            cy = np.concatenate([a[2][kp].mean(axis=1) for a, kp in zip(tr, keep)])
            for trees in args.rerank_trees:
                params = {"objective": "regression", "learning_rate": args.rerank_lr, "num_leaves": args.rerank_leaves, "min_data_in_leaf": 50,
                          "feature_fraction": 0.9, "bagging_fraction": 0.8, "bagging_freq": 1, "seed": 0, "deterministic": True, "num_threads": 1, "verbose": -1}
                t = time.perf_counter()
                booster = lgb.train(params, lgb.Dataset(cx, cy, feature_name=candidate_feature_names(cset)), num_boost_round=trees)
                fit_s = time.perf_counter() - t
                scorer = _LgbmScorer.from_booster(booster)
                name = f"two-stage reranker top {k}, {cset}, {trees} trees (lr {args.rerank_lr}, {args.rerank_leaves} leaves)"
                line = [f"{name:55s}"]
                for key, label in (("vn_val", "vietnews"), ("bm_val", "baomoi_sapo")):
                    for most in args.max_sentences:
                        preds = []
                        for doc, (xx, ss, _) in zip(val[key]["docs"], va[key]):
                            doc = doc.capped()
                            ok = (xx[:, rank_col] < k) & (xx[:, 0] <= most)
                            p = np.full(len(xx), -np.inf)
                            p[ok] = scorer.predict(xx[ok, :ncol])
                            preds.append([doc.sentences[i] for i in sorted(ss.sentences(int(np.argmax(p))))])
                        m = report(key, preds)
                        split = f"val[:{len(preds)}]" if key == "vn_val" else f"val_sample{len(preds)}"
                        if not args.no_record:
                            record_run(task="summarize", kind="experiment", model=f"extractive {name}, 1..{most} sentences", dataset=label, split=split,
                                       metrics={kk: round(v, 5) for kk, v in m.items()}, command=command, duration_s=fit_s,
                                       extra={"n_train_articles": train["n"], "top_k": k, "candidate_set": cset, "rerank_trees": trees,
                                              "rerank_learning_rate": args.rerank_lr, "rerank_leaves": args.rerank_leaves, "max_sentences": most,
                                              "stage1_trees": args.trees, "stage1_lr": args.stage1_lr, "tokenizers": "rouge*_f: Unicode syllables; rouge*_ascii: rouge-score default"})
                        line.append(f"{label[:2]}@{most} {m['rouge2_f']*100:5.2f}/{m['rouge2_f_ascii']*100:5.2f} ({m['summary_syllables']:.0f})")
                        if key == "vn_val" and len(preds) > 1000:  # comparable with runs on the first 1,000 only
                            m1 = rouge_report(["\n".join(p) for p in preds[:1000]], [as_lsum_text(r) for r in val[key]["refs"][:1000]])
                            line.append(f"vi[:1000]@{most} {m1['rouge2_f']*100:5.2f}")
                print(" | ".join(line) + f" | fit {fit_s:.0f}s", flush=True)
                if args.save:
                    save_model(Path(args.save) / f"k{k}-{cset}-t{trees}", k, cset, trees, scorer)


if __name__ == "__main__":
    main()
