"""Issue 14: stronger sentence scorers for the extractive summarizer, across sources, on held-out data.

    OMP_NUM_THREADS=1 python experiments/summarize_scorer.py --vietnews 6000 --baomoi 4000 --val 1000

Training data: the first N vietnews train articles (reference = abstract) and a baomoi_articles_2017 sample
(reference = the sapo, body without it; line offsets BAOMOI_TRAIN_OFFSETS, disjoint from the evaluation
sample). Held-out data for choosing: the first --val vietnews val articles and a baomoi sample at
BAOMOI_VAL_OFFSET (never the test sets). Sentences are split once and reused by every variant; each variant
is scored with ROUGE (syllable and ASCII tokenizers) at 2 sentences and written to experiments/results.jsonl
(kind="experiment"). Speed is measured separately by benchmarks/bench_summarize.py.

Variants: the current recipe (logistic regression, 30 features, oracle labels), LightGBM on the same
features, LightGBM on the v2 features (paragraph position, redundancy with earlier sentences, numbers and
names shared with the title, quote/reporting cues) with three targets (oracle 0/1, per-sentence ROUGE,
lambdarank grades), redundancy control trigram / mmr / none, and cross-source runs (train on one source,
score both). --save-best DIR writes the chosen model directory.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parent.parent


def baomoi_train_sample(n: int, after: int = 0):
    """The baomoi training sample of n articles: the first ceil(n / k) of each of the k BAOMOI_TRAIN_OFFSETS, cut to
    n. With ``after``: only what that sample has beyond the sample of ``after`` articles (a further chunk of it)."""
    from bantin.summarize.data import BAOMOI_TRAIN_OFFSETS, load_baomoi_sapo

    k = len(BAOMOI_TRAIN_OFFSETS)
    skip = -(-after // k) if after else 0
    sample = [e for off in BAOMOI_TRAIN_OFFSETS for e in load_baomoi_sapo(-(-n // k), offset=off)[skip:]]
    return sample if after else sample[:n]


def load_sets(args):
    from bantin.summarize.data import BAOMOI_VAL_OFFSET, load_baomoi_sapo, load_vietnews

    return {
        "vn_train": load_vietnews("train", args.vietnews),
        "bm_train": baomoi_train_sample(args.baomoi),
        "vn_val": load_vietnews("val", args.val),
        "bm_val": load_baomoi_sapo(args.val, offset=BAOMOI_VAL_OFFSET),
    }


def score(model, docs, examples, n=2, max_syllables=None) -> dict:
    from bantin.metrics.rouge import as_lsum_text, rouge_report
    from bantin.text.tokenize import syllables

    t0 = time.process_time()
    preds = model.summarize_sentences(docs, n, max_syllables)
    cpu = time.process_time() - t0
    m = rouge_report(["\n".join(p) for p in preds], [as_lsum_text(e.reference) for e in examples], ascii=True)
    m["summary_syllables"] = sum(len(syllables(" ".join(p))) for p in preds) / len(preds)
    m["select_ms_per_article"] = 1000 * cpu / len(preds)  # features + scoring + selection (no sentence splitting)
    m["n_articles"] = float(len(preds))
    return m


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vietnews", type=int, default=6000)
    ap.add_argument("--baomoi", type=int, default=4000)
    ap.add_argument("--val", type=int, default=1000)
    ap.add_argument("--trees", type=int, default=300)
    ap.add_argument("--only", nargs="*", help="run only the variants with these names")
    ap.add_argument("--save-best", help="train the chosen configuration (--best) on both sources and save it here")
    ap.add_argument("--best", default="lgbm-v2-rouge", help="variant name saved by --save-best")
    ap.add_argument("--budgets", type=int, nargs="*", default=[], help="also score each variant at up to 3 sentences within these syllable budgets")
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args(argv)

    from bantin.summarize.extractive import ExtractiveSummarizer
    from bantin.summarize.features import IdfTable
    from bantin.tracking import record_run

    command = "python experiments/summarize_scorer.py " + " ".join(argv if argv is not None else sys.argv[1:])
    t0 = time.perf_counter()
    sets = load_sets(args)
    docs = {k: [e.document() for e in v] for k, v in sets.items()}
    print({k: len(v) for k, v in sets.items()}, f"loaded and split in {time.perf_counter() - t0:.0f} s", flush=True)

    def idf_of(keys):
        return IdfTable.fit(([t for toks in d.tokens for t in toks] for k in keys for d in docs[k]), min_df=3)

    idfs = {"vn": idf_of(["vn_train"]), "bm": idf_of(["bm_train"]), "both": idf_of(["vn_train", "bm_train"])}
    cache: dict = {}

    def data(key, idf_name):  # v2 training data (v1 = its first 30 columns) of one source with one idf table
        if (key, idf_name) not in cache:
            t = time.perf_counter()
            m = ExtractiveSummarizer(feature_set="v2")
            m.idf = idfs[idf_name]
            cache[key, idf_name] = m.training_data(docs[key], [e.reference for e in sets[key]])
            print(f"  features {key} idf={idf_name}: {len(cache[key, idf_name]['x'])} sentences, {time.perf_counter() - t:.0f} s", flush=True)
        return cache[key, idf_name]

    def joined(keys, idf_name, feature_set):
        import numpy as np

        parts = [data(k, idf_name) for k in keys]
        out = {k: np.concatenate([p[k] for p in parts]) for k in ("oracle", "rouge", "precision", "grade", "group")}
        x = np.vstack([p["x"] for p in parts])
        out["x"] = x[:, :30] if feature_set == "v1" else x
        return out

    sources = {"both": ["vn_train", "bm_train"], "vietnews": ["vn_train"], "baomoi": ["bm_train"]}
    idf_for = {"both": "both", "vietnews": "vn", "baomoi": "bm"}
    variants = [
        # name, train source, scorer, target, feature set, redundancy
        ("logistic-v1-oracle", "both", "logistic", "oracle", "v1", "trigram"),
        ("logistic-v2-oracle", "both", "logistic", "oracle", "v2", "trigram"),
        ("lgbm-v1-oracle", "both", "lgbm", "oracle", "v1", "trigram"),
        ("lgbm-v1-rouge", "both", "lgbm", "rouge", "v1", "trigram"),
        ("lgbm-v2-oracle", "both", "lgbm", "oracle", "v2", "trigram"),
        ("lgbm-v2-rouge", "both", "lgbm", "rouge", "v2", "trigram"),
        ("lgbm-v2-rank", "both", "lgbm", "rank", "v2", "trigram"),
        ("lgbm-v2-precision", "both", "lgbm", "precision", "v2", "trigram"),
        ("lgbm-v2-oracle-vietnews-only", "vietnews", "lgbm", "oracle", "v2", "trigram"),
        ("lgbm-v2-oracle-baomoi-only", "baomoi", "lgbm", "oracle", "v2", "trigram"),
        ("lgbm-v2-oracle-mmr", "both", "lgbm", "oracle", "v2", "mmr"),
        ("lgbm-v2-oracle-noblock", "both", "lgbm", "oracle", "v2", "none"),
        ("lgbm-v2-rouge-mmr", "both", "lgbm", "rouge", "v2", "mmr"),
        ("lgbm-v2-rouge-noblock", "both", "lgbm", "rouge", "v2", "none"),
        ("lgbm-v2-rouge-vietnews-only", "vietnews", "lgbm", "rouge", "v2", "trigram"),
        ("lgbm-v2-rouge-baomoi-only", "baomoi", "lgbm", "rouge", "v2", "trigram"),
        ("logistic-v1-oracle-vietnews-only", "vietnews", "logistic", "oracle", "v1", "trigram"),
    ]
    if args.only:
        variants = [v for v in variants if v[0] in args.only]
    results = []
    for name, source, scorer, target, fset, red in variants:
        t = time.perf_counter()
        model = ExtractiveSummarizer(scorer=scorer, target=target, feature_set=fset, redundancy=red, lgbm_num_trees=args.trees)
        model.idf = idfs[idf_for[source]]
        model.fit_scorer(joined(sources[source], idf_for[source], fset))
        fit_s = time.perf_counter() - t
        for n, budget in [(2, None)] + [(3, b) for b in args.budgets]:
            row = {"variant": name, "train": source, "fit_s": round(fit_s, 1), "n": n, "budget": budget}
            for key, label in (("vn_val", "vietnews"), ("bm_val", "baomoi_sapo")):
                m = score(model, docs[key], sets[key], n, budget)
                row[label] = m
                split = f"val[:{len(sets[key])}]" if key == "vn_val" else f"val_sample{len(sets[key])}"
                if not args.no_record:
                    record_run(task="summarize", kind="experiment", model=f"extractive {name}" + (f" n={n} budget={budget}" if budget else ""),
                               dataset=label, split=split, metrics={k: round(v, 5) for k, v in m.items()}, duration_s=fit_s, command=command,
                               config=model.get_config(),
                               extra={"train_source": source, "n_train_articles": {s: len(sets[s]) for s in sources[source]}, "n_sentences": n,
                                      "summary_syllables_budget": budget, "tokenizers": "rouge*_f: Unicode syllables; rouge*_ascii: rouge-score default"})
            results.append(row)
            print(f"{name + (f' n={n} b={budget}' if budget else ''):40s} fit {fit_s:4.0f}s | vietnews val R2 {row['vietnews']['rouge2_f']*100:5.2f} (ascii {row['vietnews']['rouge2_f_ascii']*100:5.2f}, "
                  f"{row['vietnews']['summary_syllables']:.0f} syl, {row['vietnews']['select_ms_per_article']:.2f} ms) | "
                  f"baomoi val R2 {row['baomoi_sapo']['rouge2_f']*100:5.2f} (ascii {row['baomoi_sapo']['rouge2_f_ascii']*100:5.2f}, {row['baomoi_sapo']['summary_syllables']:.0f} syl)", flush=True)
    # references: lead-2 and the greedy oracle on the same held-out sets
    from bantin.summarize.baselines import LeadSummarizer, OracleSummarizer

    for label_model, mdl in (("lead-2", LeadSummarizer(2)), ("lead-3", LeadSummarizer(3)), ("oracle-2", None)):
        row = {"variant": label_model}
        for key, label in (("vn_val", "vietnews"), ("bm_val", "baomoi_sapo")):
            if mdl is None:
                mdl_k = OracleSummarizer(2).with_references([e.reference for e in sets[key]])
                m = score(mdl_k, docs[key], sets[key])
            else:
                m = score(mdl, docs[key], sets[key], mdl.n_sentences)
            if not args.no_record:
                split = f"val[:{len(sets[key])}]" if key == "vn_val" else f"val_sample{len(sets[key])}"
                record_run(task="summarize", kind="experiment", model=label_model + (" (ceiling)" if mdl is None else ""), dataset=label, split=split,
                           metrics={k: round(v, 5) for k, v in m.items()}, command=command, extra={"n_sentences": 2 if mdl is None else mdl.n_sentences})
            row[label] = m
        results.append(row)
        print(f"{label_model:34s}          | vietnews val R2 {row['vietnews']['rouge2_f']*100:5.2f} (ascii {row['vietnews']['rouge2_f_ascii']*100:5.2f}) | "
              f"baomoi val R2 {row['baomoi_sapo']['rouge2_f']*100:5.2f} (ascii {row['baomoi_sapo']['rouge2_f_ascii']*100:5.2f})", flush=True)
    out = REPO / "experiments" / "summarize_scorer.json"
    out.write_text(json.dumps({"command": command, "n": {k: len(v) for k, v in sets.items()}, "results": results}, indent=1) + "\n", encoding="utf-8")
    if args.save_best:
        spec = next(v for v in variants if v[0] == args.best)
        _, source, scorer, target, fset, red = spec
        model = ExtractiveSummarizer(scorer=scorer, target=target, feature_set=fset, redundancy=red, lgbm_num_trees=args.trees)
        model.idf = idfs[idf_for[source]]
        model.fit_scorer(joined(sources[source], idf_for[source], fset))
        model.training_info.update({"dataset": "+".join(sources[source]), "n_train": sum(len(sets[s]) for s in sources[source]),
                                    "n_train_by_source": {s: len(sets[s]) for s in sources[source]},
                                    "command": command, "variant": args.best})
        model.metrics = {f"val/{k}": round(v, 4) for k, v in next(r for r in results if r["variant"] == args.best)["vietnews"].items()
                         if k in ("rouge1_f", "rouge2_f", "rougeL_f", "rouge1_f_ascii", "rouge2_f_ascii", "rougeL_f_ascii", "summary_syllables")}
        print(f"saved {model.save(args.save_best)}")
    return results


if __name__ == "__main__":
    main()
