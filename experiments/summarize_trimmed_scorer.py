"""Issue 14: the two-stage extractive summarizer trained on trimmed sentences, on held-out data.

    OMP_NUM_THREADS=1 python experiments/summarize_trimmed_scorer.py --caches /tmp/summ3/cacheA.pkl /tmp/summ3/cacheB.pkl \
        /tmp/summ3/cacheC.pkl /tmp/summ3/cacheV.pkl --vietnews 40000 --baomoi 6000 --save /tmp/sspeed/trimmed_model

The shipped default scores the article's sentences as they are and trims only the chosen ones
(``trim_sentences: links+time``). Here every sentence of every training and validation article is trimmed first
(``bantin.summarize.trim.trim_sentence``, level links+time), so the sentence features, the greedy-oracle labels, the
out-of-fold stage-1 scores, the reranker's candidates and its labels (syllable (R-1 F + R-2 F) / 2) all see the text
the summary will show. The recipe is the shipped one (``configs/summarize.yaml``: v2 features, LightGBM 150 trees at
0.1, idf table of the caches, reranker over the c2 features of every summary of 1..3 of the 5 best sentences,
200 trees, label + centered), trained with ``ExtractiveSummarizer.training_data`` / ``fit_reranker`` / ``fit_scorer``.
Scored on vietnews val (3,000) and the baomoi val sample (1,000) at 1..2 sentences, both tokenizers, next to the
shipped default on the same (untrimmed) validation articles; written to experiments/results.jsonl (kind="experiment").
``--control`` trains the same way on the untrimmed sentences (so a difference is the trimming's, not this training
path's). Never the test sets. Caches: ``summarize_rerank.py --build`` (see ``summarize_rerank_k.py``).
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


def trimmed(doc, level: str):
    from bantin.summarize.base import Document
    from bantin.summarize.trim import trim_sentence

    return Document(doc.title, [trim_sentence(s, level) for s in doc.sentences], list(doc.paragraphs), doc.id)


def score(model, docs, refs) -> dict:
    from bantin.metrics.rouge import as_lsum_text, rouge_report
    from bantin.text.tokenize import syllables

    preds = model.summarize_sentences(docs, 2)
    m = rouge_report(["\n".join(p) for p in preds], [as_lsum_text(r) for r in refs], ascii=True)
    m["summary_syllables"] = sum(len(syllables(" ".join(p))) for p in preds) / len(preds)
    m["n_articles"] = float(len(preds))
    return m


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--caches", nargs="+", default=["/tmp/summ3/cacheA.pkl", "/tmp/summ3/cacheB.pkl", "/tmp/summ3/cacheC.pkl", "/tmp/summ3/cacheV.pkl"])
    ap.add_argument("--vietnews", type=int, default=40000)
    ap.add_argument("--baomoi", type=int, default=6000)
    ap.add_argument("--level", default="links+time")
    ap.add_argument("--control", action="store_true", help="train on the untrimmed sentences (same training path)")
    ap.add_argument("--save", metavar="MODEL_DIR")
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args(argv)
    command = "python experiments/summarize_trimmed_scorer.py " + " ".join(argv if argv is not None else sys.argv[1:])

    from summarize_rerank_k import load_caches

    from bantin.models.base import load_model
    from bantin.summarize.extractive import ExtractiveSummarizer
    from bantin.summarize.features import single_threaded_blas
    from bantin.tracking import record_run

    t0 = time.perf_counter()
    train, val, idf = load_caches(args.caches, args.vietnews, args.baomoi)
    print(f"loaded {train['n']} in {time.perf_counter() - t0:.0f} s", flush=True)
    shipped = load_model(str(REPO / "src/bantin/resources/models/summarize"), task="summarize")
    variant = "control (untrimmed, same training path)" if args.control else f"trained on trimmed sentences ({args.level})"
    prep = (lambda d: d.capped()) if args.control else (lambda d: trimmed(d.capped(), args.level))
    t = time.perf_counter()
    docs = [prep(d) for d in train["docs"]]
    keep = [i for i, d in enumerate(docs) if d.sentences]
    docs, refs = [docs[i] for i in keep], [train["refs"][i] for i in keep]
    model = ExtractiveSummarizer(scorer="lgbm", target="oracle", feature_set="v2", lgbm_num_trees=150, lgbm_learning_rate=0.1, rerank_top_k=5,
                                 rerank_trees=200, rerank_features="c2", rerank_label="s1+s2", rerank_targets="label+centered",
                                 trim_sentences=args.level)
    model.idf = idf
    with single_threaded_blas():
        data = model.training_data(docs, refs)
    print(f"training data ({len(docs)} articles, {len(data['oracle'])} sentences) in {time.perf_counter() - t:.0f} s", flush=True)
    t = time.perf_counter()
    model.fit_reranker(docs, refs, data)
    model.fit_scorer(data)
    model.training_info.update({"n_documents": len(docs), "command": command, "variant": variant})
    print(f"fitted in {time.perf_counter() - t:.0f} s", flush=True)
    if args.save:
        print("saved", model.save(args.save), flush=True)
    line = []
    for key, label in (("vn_val", "vietnews"), ("bm_val", "baomoi_sapo")):
        vdocs = [d.capped() for d in val[key]["docs"]]
        refs_v = val[key]["refs"]
        split = f"val[:{len(vdocs)}]" if key == "vn_val" else f"val_sample{len(vdocs)}"
        for name, m in (("shipped default (reference, same articles)", shipped), (f"extractive two-stage {variant}", model)):
            docs_v = vdocs if (m is shipped or args.control) else [trimmed(d, args.level) for d in vdocs]
            res = score(m, docs_v, refs_v)
            if not args.no_record:
                record_run(task="summarize", kind="experiment", model=f"{name}, 1..2 sentences", dataset=label, split=split,
                           metrics={k: round(v, 5) for k, v in res.items()}, command=command,
                           extra={"variant": variant if m is model else "shipped", "n_train_articles": train["n"], "trim_sentences": args.level,
                                  "tokenizers": "rouge*_f: Unicode syllables; rouge*_ascii: rouge-score default"})
            line.append(f"{label[:2]} {'shipped' if m is shipped else 'variant'} {res['rouge2_f'] * 100:5.2f}/{res['rouge2_f_ascii'] * 100:5.2f} "
                        f"({res['summary_syllables']:.0f})")
    print(" | ".join(line), flush=True)


if __name__ == "__main__":
    main()
