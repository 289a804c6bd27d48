"""Issue 14: cheap capacity knobs of the shipped two-stage summarizer, on held-out data (vietnews val, baomoi val sample).

    OMP_NUM_THREADS=1 python experiments/summarize_capacity.py --caches /tmp/summ3/cacheA.pkl /tmp/summ3/cacheB.pkl \
        /tmp/summ3/cacheC.pkl /tmp/summ3/cacheV.pkl --vietnews 40000 --baomoi 6000 --save /tmp/summ5/models

The shipped recipe (``configs/summarize.yaml``: v2 features, stage-1 LightGBM 150 trees at 0.1, out-of-fold stage-1
scores (2 folds), reranker over the c2 features of every summary of 1..3 of the top-K sentences, label s1+s2 with
the chosen sentences trimmed at links+time, rerank_targets label+centered) trained once on the caches' stage-1 data
(untrimmed sentences, as the shipped default), and the reranker varied: top-K 5 / 6 / 7 (the candidates of K=7 built
once; a smaller K keeps those whose members all rank below K, exactly that K's candidates), 200 / 400 trees (the
400-tree boosters cut at 200 trees give the 200-tree ones: same seed, same bagging), and a third averaged member
(the label again, bagging seed 1). Every variant is scored with ``ExtractiveSummarizer.summarize_sentences`` at
1..2 sentences on both validation sets, both tokenizers, next to the shipped default, and recorded in
experiments/results.jsonl (kind="experiment"). Never the test sets. --save writes the two-member variants
(loadable models) under DIR/k{K}-t{trees}. ``--third-targets s2 a1+a2`` instead: the top-5 reranker (label+centered,
200 trees) plus a third member regressing another label (R-2 alone; the ASCII-tokenizer (R-1 + R-2) / 2).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "experiments"))

import numpy as np  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--caches", nargs="+", default=["/tmp/summ3/cacheA.pkl", "/tmp/summ3/cacheB.pkl", "/tmp/summ3/cacheC.pkl", "/tmp/summ3/cacheV.pkl"])
    ap.add_argument("--vietnews", type=int, default=40000)
    ap.add_argument("--baomoi", type=int, default=6000)
    ap.add_argument("--top-k", type=int, nargs="+", default=[5, 6, 7])
    ap.add_argument("--save", metavar="MODEL_DIR")
    ap.add_argument("--third-targets", nargs="+", metavar="LABEL", help="instead: top-K 5, 200 trees, label+centered plus a third member "
                    "regressing each of these labels (RERANK_LABELS columns joined by +, e.g. s2 a1+a2), one variant each")
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args(argv)
    command = "python experiments/summarize_capacity.py " + " ".join(argv if argv is not None else sys.argv[1:])

    import lightgbm as lgb
    from summarize_rerank_k import load_caches
    from summarize_trimmed_scorer import score

    from bantin.models.base import load_model
    from bantin.summarize.extractive import RERANK_LABELS, ExtractiveSummarizer, _LgbmScorer, _MeanScorer, candidate_label_table
    from bantin.summarize.features import candidate_feature_names, candidate_features, sentence_features, sentence_features_context, single_threaded_blas
    from bantin.tracking import record_run

    t0 = time.perf_counter()
    train, val, idf = load_caches(args.caches, args.vietnews, args.baomoi)
    data = train["data"]
    group = data["group"]
    print(f"loaded {train['n']} in {time.perf_counter() - t0:.0f} s", flush=True)
    shipped = load_model(str(REPO / "src/bantin/resources/models/summarize"), task="summarize")
    cfg = dict(scorer="lgbm", target="oracle", feature_set="v2", lgbm_num_trees=150, lgbm_learning_rate=0.1, rerank_trees=200, rerank_features="c2",
               rerank_label="s1+s2", rerank_targets="label+centered", trim_sentences="links+time")
    base = ExtractiveSummarizer(rerank_top_k=5, **cfg)
    base.idf = idf
    docs = [d.capped() for d in train["docs"]]
    assert len(docs) == len(group) and all(d.sentences for d in docs)
    # the caches' stage-1 features must be today's features
    bounds = np.concatenate([[0], np.cumsum(group)])
    for i in list(range(0, 20)) + list(range(len(docs) - 20, len(docs))):
        if not np.allclose(sentence_features(docs[i], idf, "v2"), data["x"][bounds[i]:bounds[i + 1]]):
            raise SystemExit(f"cached features differ from today's on training article {i}")
    t = time.perf_counter()
    oof = base.out_of_fold_scores(data)
    base.fit_scorer(data)
    print(f"stage 1 (2 folds + full) in {time.perf_counter() - t:.0f} s", flush=True)
    kmax = 5 if args.third_targets else max(args.top_k)
    cols = list(RERANK_LABELS[:4])
    t = time.perf_counter()
    xs, ys, ranks = [], [], []
    names = candidate_feature_names("c2")
    rank_col = names.index("rank_max")
    with single_threaded_blas():
        for i, (doc, ref) in enumerate(zip(docs, train["refs"])):
            _, ctx = sentence_features_context(doc, idf, "v2")
            x, cands = candidate_features(doc, oof[bounds[i]:bounds[i + 1]], ctx, kmax, 3, "c2")
            xs.append(x)
            ys.append(candidate_label_table(doc, cands, ref, cols, "links+time"))  # s1 s2 a1 a2 (the untrimmed columns)
            if i % 10000 == 0:
                print(f"  candidates {i} {time.perf_counter() - t:.0f} s", flush=True)
    print(f"candidates (top {kmax}) in {time.perf_counter() - t:.0f} s", flush=True)
    params = {"objective": "regression", "learning_rate": 0.1, "num_leaves": 31, "min_data_in_leaf": 50, "feature_fraction": 0.9,
              "bagging_fraction": 0.8, "bagging_freq": 1, "seed": 0, "deterministic": True, "num_threads": 1, "verbose": -1}

    def evaluate(name, k, reranker, extra):
        model = ExtractiveSummarizer(rerank_top_k=k, **cfg)
        model.idf, model.model_, model.reranker_ = idf, base.model_, reranker
        line = [f"{name:40s}"]
        for key, label in (("vn_val", "vietnews"), ("bm_val", "baomoi_sapo")):
            vdocs = [d.capped() for d in val[key]["docs"]]
            split = f"val[:{len(vdocs)}]" if key == "vn_val" else f"val_sample{len(vdocs)}"
            res = score(model, vdocs, val[key]["refs"])
            if not args.no_record:
                record_run(task="summarize", kind="experiment", model=f"extractive two-stage {name}, 1..2 sentences", dataset=label, split=split,
                           metrics={kk: round(v, 5) for kk, v in res.items()}, command=command,
                           extra={**extra, "n_train_articles": train["n"], "tokenizers": "rouge*_f: Unicode syllables; rouge*_ascii: rouge-score default"})
            line.append(f"{label[:2]} {res['rouge2_f'] * 100:5.2f}/{res['rouge2_f_ascii'] * 100:5.2f} ({res['summary_syllables']:.0f})")
        print(" | ".join(line), flush=True)
        return model

    evaluate("shipped default (reference)", 5, shipped.reranker_, {"variant": "shipped"})
    if args.third_targets:
        x = np.vstack(xs)
        y = np.concatenate([a[:, :2].mean(axis=1) for a in ys])  # the shipped label s1+s2
        centered = np.concatenate([a[:, :2].mean(axis=1) - a[:, :2].mean() for a in ys])
        parts = [_LgbmScorer.from_booster(lgb.train(params, lgb.Dataset(x, v, feature_name=names), num_boost_round=200)) for v in (y, centered)]
        evaluate("top 5, 200 trees, label+centered", 5, _MeanScorer(parts), {"variant": "k5-t200", "top_k": 5, "rerank_trees": 200, "members": 2})
        for spec in args.third_targets:
            idx = [cols.index(c) for c in spec.split("+")]
            y3 = np.concatenate([a[:, idx].mean(axis=1) for a in ys])
            third = _LgbmScorer.from_booster(lgb.train(params, lgb.Dataset(x, y3, feature_name=names), num_boost_round=200))
            evaluate(f"top 5, 200 trees, label+centered+{spec}", 5, _MeanScorer(parts + [third]),
                     {"variant": f"k5-t200-3members-{spec}", "top_k": 5, "rerank_trees": 200, "members": 3, "third_label": spec})
        print(f"total {time.perf_counter() - t0:.0f} s", flush=True)
        return
    ys = [a[:, :2].mean(axis=1) for a in ys]  # the shipped label s1+s2
    for k in sorted(args.top_k):
        keep = [a[:, rank_col] < k for a in xs]
        x = np.vstack([a[kp] for a, kp in zip(xs, keep)])
        yk = [y[kp] for y, kp in zip(ys, keep)]
        y = np.concatenate(yk)
        centered = np.concatenate([v - v.mean() for v in yk])
        trees = 400 if k == 5 else 200
        t = time.perf_counter()
        b_label = lgb.train(params, lgb.Dataset(x, y, feature_name=names), num_boost_round=trees)
        b_cent = lgb.train(params, lgb.Dataset(x, centered, feature_name=names), num_boost_round=trees)
        print(f"k={k}: {len(y)} candidates, 2 x {trees} trees in {time.perf_counter() - t:.0f} s", flush=True)
        for t_use in sorted({200, trees}):
            parts = [_LgbmScorer(b.model_to_string(num_iteration=t_use)) for b in (b_label, b_cent)]
            m = evaluate(f"top {k}, {t_use} trees, label+centered", k, _MeanScorer(parts), {"variant": f"k{k}-t{t_use}", "top_k": k, "rerank_trees": t_use, "members": 2})
            if args.save:
                m.rerank_trees = t_use
                m.training_info.update(base.training_info)
                m.training_info.update({"n_articles": train["n"], "command": command, "variant": f"k{k}-t{t_use}"})
                print("saved", m.save(str(Path(args.save) / f"k{k}-t{t_use}")), flush=True)
            if k == 5 and t_use == 200:
                t = time.perf_counter()
                b_seed = lgb.train({**params, "seed": 1}, lgb.Dataset(x, y, feature_name=names), num_boost_round=200)
                print(f"third member in {time.perf_counter() - t:.0f} s", flush=True)
                evaluate("top 5, 200 trees, label+centered+label(seed 1)", 5, _MeanScorer(parts + [_LgbmScorer(b_seed.model_to_string())]),
                         {"variant": "k5-t200-3members", "top_k": 5, "rerank_trees": 200, "members": 3})
        del x, y, centered
    print(f"total {time.perf_counter() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
