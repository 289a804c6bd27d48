"""Issue 14: a second-stage summary reranker over the extractive scorer's top sentences, on held-out data.

    OMP_NUM_THREADS=1 python experiments/summarize_rerank.py --cache /tmp/summ2/cache.pkl

Stage 1 is the default sentence scorer (LightGBM over the v2 features, greedy-oracle labels). Stage 2 scores
every candidate summary made of 1..3 of the K best-scored sentences (``features.candidate_features``: length
against the document, scores, ranks, positions, redundancy between the chosen sentences, joint centroid
coverage, title recall) and keeps the best: the summary length (1, 2 or 3 sentences) and redundancy are chosen
per article by a model trained on summary-level ROUGE, instead of fixed rules. Stage-1 scores of the training
articles are out-of-fold (2 folds), so stage 2 sees the score distribution of unseen articles.

The cache (built by ``--build``) holds the split articles and stage-1 training data of: the first --vietnews
vietnews train articles, a --baomoi baomoi_articles_2017 training sample (sapo as the reference, offsets
BAOMOI_TRAIN_OFFSETS), and --val articles of vietnews val and of the baomoi validation sample (BAOMOI_VAL_OFFSET).
Never the test sets. Every variant is written to experiments/results.jsonl (kind="experiment").
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "experiments"))

import numpy as np  # noqa: E402


def build_cache(path: str, n_vn: int, n_bm: int, n_val: int, vn_from: int = 0, idf_cache: str | None = None, val_chunk: bool = False,
                bm_from: int = 0) -> None:
    """--vietnews-from N with --idf-from CACHE builds a further chunk (vietnews train articles N..--vietnews only, no
    baomoi or validation articles) with the idf table of an earlier cache, so the chunks' features can be joined; with
    --val-chunk, vietnews val articles N..--vietnews instead (more validation articles). --baomoi-from N (with
    --idf-from) likewise: the baomoi training articles that a --baomoi sample has beyond the first N's (per offset of
    BAOMOI_TRAIN_OFFSETS, those past the first N / 4), so the chunk never repeats an article of the first cache."""
    from summarize_scorer import baomoi_train_sample, load_sets

    from bantin.summarize.data import load_vietnews
    from bantin.summarize.extractive import ExtractiveSummarizer
    from bantin.summarize.features import IdfTable, single_threaded_blas

    if bm_from:
        sets = {"bm_train": baomoi_train_sample(n_bm, after=bm_from)}
    elif vn_from and val_chunk:
        sets = {"vn_val": load_vietnews("val", n_vn)[vn_from:]}
    elif vn_from:
        sets = {"vn_train": load_vietnews("train", n_vn)[vn_from:]}
    else:
        sets = load_sets(argparse.Namespace(vietnews=n_vn, baomoi=n_bm, val=n_val))
    docs = {k: [e.document() for e in v] for k, v in sets.items()}
    print({k: len(v) for k, v in sets.items()}, "split", flush=True)
    if idf_cache:
        with open(idf_cache, "rb") as f:
            idf = pickle.load(f)["idf"]
    else:
        idf = IdfTable.fit(([t for toks in d.tokens for t in toks] for k in ("vn_train", "bm_train") for d in docs[k]), min_df=3)
    m = ExtractiveSummarizer(feature_set="v2")
    m.idf = idf
    with single_threaded_blas():
        data = {k: m.training_data(docs[k], [e.reference for e in sets[k]]) for k in docs}
    with open(path, "wb") as f:
        pickle.dump({"sets": sets, "docs": docs, "idf": idf, "data": data}, f)


def candidates(docs, scores, idf, top_k, max_size, refs=None, feature_set="c1", capped=False):
    """Per document: (features of ``feature_set``, sentence-index sets[, labels (R1 F, R2 F)]); ``capped``: each
    document's ``capped()`` form, as the summarizer reads it."""
    from bantin.summarize.features import candidate_features, ngrams, rouge_f_pair, sentence_features_context, single_threaded_blas
    from bantin.text.tokenize import syllables

    out = []
    with single_threaded_blas():
        for i, (doc, s) in enumerate(zip(docs, scores)):
            if capped:
                doc = doc.capped()
            _, ctx = sentence_features_context(doc, idf, "v2")
            x, sets = candidate_features(doc, s, ctx, top_k, max_size, feature_set)
            if refs is None:
                out.append((x, sets, None))
                continue
            rt = syllables(refs[i])
            r1, r2 = ngrams(rt, 1), ngrams(rt, 2)
            y = np.array([rouge_f_pair([t for j in sorted(sets.sentences(r)) for t in doc.tokens[j]], r1, r2) for r in range(len(sets))])
            out.append((x, sets, y))
    return out


def train_from_cache(args, command):
    """The shipped recipe on the cached training articles (both sources, their features already computed): sentence
    scorer + reranker, saved to --save; then scored on both validation sets at 1..3 and 1..2 sentences."""
    from bantin.metrics.rouge import as_lsum_text, rouge_report
    from bantin.summarize.extractive import ExtractiveSummarizer
    from bantin.text.tokenize import syllables
    from bantin.tracking import record_run

    with open(args.cache, "rb") as f:
        c = pickle.load(f)
    sets, docs, data = c["sets"], c["docs"], c["data"]
    keys = ["vn_train", "bm_train"]
    joined = {k: np.concatenate([data[s][k] for s in keys]) for k in ("oracle", "rouge", "precision", "grade", "group")}
    joined["x"] = np.vstack([data[s]["x"] for s in keys])
    t = time.perf_counter()
    model = ExtractiveSummarizer(n_sentences=3, scorer="lgbm", target="oracle", feature_set="v2", rerank_top_k=args.top_k[0],
                                 rerank_trees=args.rerank_trees, rerank_learning_rate=args.rerank_lr)
    model.idf = c["idf"]
    model.fit_reranker([d for s in keys for d in docs[s]], [e.reference for s in keys for e in sets[s]], joined)
    model.fit_scorer(joined)
    fit_s = time.perf_counter() - t
    model.training_info.update({"dataset": "vietnews train + baomoi_articles_2017 sample (sapo as reference)",
                                "n_articles": {s: len(docs[s]) for s in keys}, "command": command, "duration_s": round(fit_s, 1)})
    metrics = {}
    for vkey, label in (("vn_val", "vietnews"), ("bm_val", "baomoi_sapo")):
        for n in (3, 2):
            preds = model.summarize_sentences(docs[vkey], n)
            m = rouge_report(["\n".join(p) for p in preds], [as_lsum_text(e.reference) for e in sets[vkey]], ascii=True)
            m["summary_syllables"] = sum(len(syllables(" ".join(p))) for p in preds) / len(preds)
            split = f"val[:{len(sets[vkey])}]" if vkey == "vn_val" else f"val_sample{len(sets[vkey])}"
            if vkey == "vn_val" and n == 3:
                metrics = {f"val/{k}": round(v, 4) for k, v in m.items() if k in ("rouge1_f", "rouge2_f", "rougeL_f", "rouge1_f_ascii", "rouge2_f_ascii", "rougeL_f_ascii", "summary_syllables")}
            if not args.no_record:
                record_run(task="summarize", kind="experiment", model=f"extractive two-stage (reranker top {args.top_k[0]}, {args.rerank_trees} trees, 1..{n} sentences)",
                           dataset=label, split=split, metrics={k: round(v, 5) for k, v in m.items()}, command=command, duration_s=fit_s,
                           config=model.get_config(), extra={"n_train_articles": {s: len(docs[s]) for s in keys}, "max_sentences": n})
            print(f"two-stage 1..{n} -> {label:12s} R2 {m['rouge2_f']*100:5.2f} ascii {m['rouge2_f_ascii']*100:5.2f} ({m['summary_syllables']:.0f} syl) fit {fit_s:.0f}s", flush=True)
    model.metrics = metrics
    print(f"saved {model.save(args.save)}", flush=True)


def cross_source(args, command):
    """Train the shipped recipe on one source only (its cached features; the idf table of the cache, fitted on both
    sources' training articles) and score it on the other source's validation set, at 1..2 sentences."""
    from bantin.metrics.rouge import as_lsum_text, rouge_report
    from bantin.summarize.extractive import ExtractiveSummarizer
    from bantin.text.tokenize import syllables
    from bantin.tracking import record_run

    with open(args.cache, "rb") as f:
        c = pickle.load(f)
    sets, docs, data = c["sets"], c["docs"], c["data"]
    for key, name, vkey, label in (("bm_train", "baomoi-only", "vn_val", "vietnews"), ("vn_train", "vietnews-only", "bm_val", "baomoi_sapo")):
        t = time.perf_counter()
        model = ExtractiveSummarizer(n_sentences=2, scorer="lgbm", target="oracle", feature_set="v2", rerank_top_k=5, rerank_trees=100, rerank_learning_rate=0.1)
        model.idf = c["idf"]
        model.fit_reranker(docs[key], [e.reference for e in sets[key]], data[key])
        model.fit_scorer(data[key])
        fit_s = time.perf_counter() - t
        model.training_info.update({"dataset": key, "n_articles": len(docs[key]), "command": command})
        out = model.save(Path(args.cross_source) / name)
        preds = model.summarize_sentences(docs[vkey], 2)
        m = rouge_report(["\n".join(p) for p in preds], [as_lsum_text(e.reference) for e in sets[vkey]], ascii=True)
        m["summary_syllables"] = sum(len(syllables(" ".join(p))) for p in preds) / len(preds)
        split = f"val[:{len(sets[vkey])}]" if vkey == "vn_val" else f"val_sample{len(sets[vkey])}"
        if not args.no_record:
            record_run(task="summarize", kind="experiment", model=f"extractive two-stage (reranker top 5, 1..2 sentences) trained on {name}",
                       dataset=label, split=split, metrics={k: round(v, 5) for k, v in m.items()}, command=command, duration_s=fit_s,
                       model_dir=str(out), extra={"train_source": key, "n_train_articles": len(docs[key]), "max_sentences": 2,
                                                  "idf": "fitted on both sources' training articles (the cache's table)"})
        print(f"{name:16s} -> {label:12s} R2 {m['rouge2_f']*100:5.2f} ascii {m['rouge2_f_ascii']*100:5.2f} ({m['summary_syllables']:.0f} syl) fit {fit_s:.0f}s", flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", default="/tmp/summ2/cache.pkl")
    ap.add_argument("--build", action="store_true")
    ap.add_argument("--vietnews", type=int, default=6000)
    ap.add_argument("--baomoi", type=int, default=3000)
    ap.add_argument("--val", type=int, default=1000)
    ap.add_argument("--vietnews-from", type=int, default=0, help="with --build: a further chunk of vietnews train articles from here")
    ap.add_argument("--baomoi-from", type=int, default=0, help="with --build: a further chunk of baomoi training articles (see build_cache)")
    ap.add_argument("--idf-from", help="with --build: the idf table of this cache")
    ap.add_argument("--build-only", action="store_true", help="with --build: stop once the cache is written")
    ap.add_argument("--val-chunk", action="store_true", help="with --vietnews-from: a chunk of vietnews val articles instead of train")
    ap.add_argument("--top-k", type=int, nargs="+", default=[5])
    ap.add_argument("--trees", type=int, default=300)
    ap.add_argument("--rerank-trees", type=int, default=100)
    ap.add_argument("--rerank-lr", type=float, default=0.1)
    ap.add_argument("--label", nargs="+", default=["r2", "mean"], help="r2: R-2 F; mean: (R-1 F + R-2 F) / 2")
    ap.add_argument("--objective", nargs="+", default=["regression", "lambdarank"])
    ap.add_argument("--max-sentences", type=int, nargs="+", default=[3], help="also score with candidates of at most 2 (or 1) sentences")
    ap.add_argument("--no-record", action="store_true")
    ap.add_argument("--cross-source", metavar="OUT_DIR", help="instead: train the two-stage model (rerank_top_k=5, 100 trees) on one "
                    "source only, for each source, save it under OUT_DIR/{vietnews,baomoi}-only and score the other source's validation set")
    ap.add_argument("--save", metavar="MODEL_DIR", help="instead: train the shipped recipe (first --top-k, --rerank-trees, --rerank-lr) "
                    "on the cached training articles, score it on both validation sets and save it here")
    args = ap.parse_args(argv)
    command = "python experiments/summarize_rerank.py " + " ".join(argv if argv is not None else sys.argv[1:])
    if args.cross_source:
        return cross_source(args, command)
    if args.save:
        return train_from_cache(args, command)
    if args.build:
        t = time.perf_counter()
        build_cache(args.cache, args.vietnews, args.baomoi, args.val, args.vietnews_from, args.idf_from, args.val_chunk, args.baomoi_from)
        if args.vietnews_from or args.baomoi_from or args.build_only:
            return
        print(f"cache built in {time.perf_counter() - t:.0f} s", flush=True)
    import lightgbm as lgb

    from bantin.metrics.rouge import as_lsum_text, rouge_report
    from bantin.summarize.extractive import ExtractiveSummarizer
    from bantin.summarize.features import CANDIDATE_FEATURE_NAMES, select_with_redundancy
    from bantin.text.tokenize import syllables
    from bantin.tracking import record_run

    with open(args.cache, "rb") as f:
        c = pickle.load(f)
    sets, docs, idf, data = c["sets"], c["docs"], c["idf"], c["data"]
    for k in docs:
        assert len(data[k]["group"]) == len(docs[k]), k  # every article has sentences
    train_keys = ["vn_train", "bm_train"]
    tr_docs = [d for k in train_keys for d in docs[k]]
    tr_refs = [e.reference for k in train_keys for e in sets[k]]
    x = np.vstack([data[k]["x"] for k in train_keys])
    y = np.concatenate([data[k]["oracle"] for k in train_keys])
    group = np.concatenate([data[k]["group"] for k in train_keys])
    bounds = np.concatenate([[0], np.cumsum(group)])

    def stage1(rows):
        m = ExtractiveSummarizer(scorer="lgbm", target="oracle", feature_set="v2", lgbm_num_trees=args.trees)
        m.idf = idf
        m.fit_scorer({"x": x[rows], "oracle": y[rows], "group": np.ones(1), "grade": None})
        return m

    t0 = time.perf_counter()
    rng = np.random.default_rng(0)
    fold = rng.integers(0, 2, len(group))
    row_fold = np.repeat(fold, group)
    oof = np.zeros(len(y))
    for f_ in (0, 1):
        m = stage1(row_fold != f_)
        oof[row_fold == f_] = m._scores(x[row_fold == f_])
    full = stage1(np.ones(len(y), bool))
    print(f"stage 1: 2 folds + full in {time.perf_counter() - t0:.0f} s", flush=True)
    tr_scores = [oof[bounds[i]:bounds[i + 1]] for i in range(len(group))]
    val = {}
    for key, label in (("vn_val", "vietnews"), ("bm_val", "baomoi_sapo")):
        d = data[key]
        s = full._scores(d["x"])
        b = np.concatenate([[0], np.cumsum(d["group"])])
        val[label] = (key, [s[b[i]:b[i + 1]] for i in range(len(d["group"]))])

    def report(label, preds):
        key = val[label][0]
        m = rouge_report(["\n".join(p) for p in preds], [as_lsum_text(e.reference) for e in sets[key]], ascii=True)
        m["summary_syllables"] = sum(len(syllables(" ".join(p))) for p in preds) / len(preds)
        m["n_articles"] = float(len(preds))
        return m

    def record(name, label, m, extra):
        if args.no_record:
            return
        key = val[label][0]
        split = f"val[:{len(sets[key])}]" if key == "vn_val" else f"val_sample{len(sets[key])}"
        record_run(task="summarize", kind="experiment", model=name, dataset=label, split=split, metrics={k: round(v, 5) for k, v in m.items()},
                   command=command, extra={"n_train_articles": {k: len(sets[k]) for k in train_keys}, **extra,
                                           "tokenizers": "rouge*_f: Unicode syllables; rouge*_ascii: rouge-score default"})

    results = []
    # the stage-1 model alone (the current recipe), as the reference point
    for red in ("trigram",):
        row = {"variant": f"stage1-top2-{red}"}
        for label, (key, sc) in val.items():
            preds = [[doc.sentences[i] for i in sorted(select_with_redundancy(s, doc, 2, red, 0.7, 5))] for doc, s in zip(docs[key], sc)]
            row[label] = report(label, preds)
            record(f"extractive lgbm-v2-oracle (stage 1 only, {red})", label, row[label], {"stage": 1})
        results.append(row)
        print(f"{row['variant']:40s} | vietnews R2 {row['vietnews']['rouge2_f']*100:5.2f} ascii {row['vietnews']['rouge2_f_ascii']*100:5.2f} "
              f"({row['vietnews']['summary_syllables']:.0f} syl) | baomoi R2 {row['baomoi_sapo']['rouge2_f']*100:5.2f} ascii {row['baomoi_sapo']['rouge2_f_ascii']*100:5.2f} "
              f"({row['baomoi_sapo']['summary_syllables']:.0f} syl)", flush=True)
    for top_k in args.top_k:
        t = time.perf_counter()
        tr = candidates(tr_docs, tr_scores, idf, top_k, 3, tr_refs)
        va = {label: candidates(docs[key], sc, idf, top_k, 3) for label, (key, sc) in val.items()}
        print(f"candidates top_k={top_k}: {time.perf_counter() - t:.0f} s", flush=True)
        cx = np.vstack([a[0] for a in tr])
        cy = np.vstack([a[2] for a in tr])
        cg = np.array([len(a[0]) for a in tr])
        for lab in args.label:
            target = cy[:, 1] if lab == "r2" else cy.mean(axis=1)
            for obj in args.objective:
                params = {"objective": obj, "learning_rate": args.rerank_lr, "num_leaves": 31, "min_data_in_leaf": 50, "feature_fraction": 0.9,
                          "bagging_fraction": 0.8, "bagging_freq": 1, "seed": 0, "deterministic": True, "num_threads": 1, "verbose": -1}
                if obj == "lambdarank":
                    # graded relevance: the candidate's label scaled to its article's best candidate, 0..10
                    gb = np.concatenate([[0], np.cumsum(cg)])
                    mx = np.concatenate([np.full(g, target[gb[i]:gb[i + 1]].max()) for i, g in enumerate(cg)])
                    yy = np.rint(10 * np.where(mx > 0, target / np.where(mx > 0, mx, 1), 0)).astype(int)
                    params.update({"lambdarank_truncation_level": 3, "eval_at": [1], "label_gain": [float(2 ** i - 1) for i in range(11)]})
                    ds = lgb.Dataset(cx, yy, group=cg, feature_name=CANDIDATE_FEATURE_NAMES)
                else:
                    ds = lgb.Dataset(cx, target, feature_name=CANDIDATE_FEATURE_NAMES)
                t = time.perf_counter()
                booster = lgb.train(params, ds, num_boost_round=args.rerank_trees)
                fit_s = time.perf_counter() - t
                name = f"rerank-k{top_k}-{lab}-{obj}-t{args.rerank_trees}"
                row = {"variant": name, "fit_s": round(fit_s, 1)}
                for label, (key, _) in val.items():
                    for most in args.max_sentences:
                        preds = []
                        for doc, (xx, ss, _) in zip(docs[key], va[label]):
                            p = booster.predict(xx)
                            p[xx[:, 0] > most] = -np.inf
                            best = ss.sentences(int(np.argmax(p)))
                            preds.append([doc.sentences[i] for i in sorted(best)])
                        row[label if most == 3 else f"{label}@{most}"] = m = report(label, preds)
                        record(f"extractive lgbm-v2-oracle + reranker (top {top_k}, label {lab}, {obj}, {args.rerank_trees} trees, 1..{most} sentences)", label, m,
                               {"stage": 2, "top_k": top_k, "label": lab, "objective": obj, "rerank_trees": args.rerank_trees,
                                "rerank_learning_rate": args.rerank_lr, "max_sentences": most})
                        if most != 3:
                            print(f"   1..{most} sentences: {label} R2 {m['rouge2_f']*100:5.2f} ascii {m['rouge2_f_ascii']*100:5.2f} ({m['summary_syllables']:.0f} syl)", flush=True)
                results.append(row)
                imp = sorted(zip(booster.feature_importance("gain"), CANDIDATE_FEATURE_NAMES), reverse=True)[:8]
                print(f"{name:40s} | vietnews R2 {row['vietnews']['rouge2_f']*100:5.2f} ascii {row['vietnews']['rouge2_f_ascii']*100:5.2f} "
                      f"({row['vietnews']['summary_syllables']:.0f} syl) | baomoi R2 {row['baomoi_sapo']['rouge2_f']*100:5.2f} ascii {row['baomoi_sapo']['rouge2_f_ascii']*100:5.2f} "
                      f"({row['baomoi_sapo']['summary_syllables']:.0f} syl) fit {fit_s:.0f}s | {[n for _, n in imp]}", flush=True)
    out = REPO / "experiments" / "summarize_rerank.json"
    out.write_text(json.dumps({"command": command, "n": {k: len(v) for k, v in sets.items()}, "results": results}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
