"""Issue 14: a small neural sentence scorer over frozen e5-small sentence embeddings with document context
(BertSumExt-style, without fine-tuning), measured for speed and, on a small sample, for quality.

    OMP_NUM_THREADS=1 python experiments/summarize_e5_scorer.py --cache /tmp/summ2/cache.pkl --train 80 --val 40

Each sentence is embedded once (e5-small, "query: " prefix, max_length 64); its input to the scorer is
[sentence embedding, document mean embedding, cosine to the document mean, cosine to the title embedding,
position features]. Scorer: logistic regression on greedy-oracle labels, top 2 with trigram blocking. As a
same-sample reference, the LightGBM v2 scorer is trained on the same few articles. Speed: embedding seconds per
article on this CPU (the scorer itself is negligible). The articles come from the summarize_rerank.py cache
(vietnews train / val, never test). Written to experiments/results.jsonl (kind="experiment").
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", default="/tmp/summ2/cache.pkl")
    ap.add_argument("--train", type=int, default=80)
    ap.add_argument("--val", type=int, default=40)
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args(argv)
    command = "python experiments/summarize_e5_scorer.py " + " ".join(argv if argv is not None else sys.argv[1:])
    import torch
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from bantin.metrics.rouge import as_lsum_text, rouge_report
    from bantin.models.embeddings import embed_texts
    from bantin.summarize.extractive import ExtractiveSummarizer
    from bantin.summarize.features import select_with_redundancy
    from bantin.tracking import record_run

    torch.set_num_threads(1)
    with open(args.cache, "rb") as f:
        c = pickle.load(f)
    sets, docs, idf, data = c["sets"], c["docs"], c["idf"], c["data"]
    part = {"train": ("vn_train", args.train), "val": ("vn_val", args.val)}
    embed_texts(["khởi động"], max_length=64)  # load the encoder outside the timing
    feats, timing = {}, {"sentences": 0, "articles": 0, "seconds": 0.0}
    for name, (key, n) in part.items():
        rows = []
        for doc in docs[key][:n]:
            t = time.perf_counter()
            e = embed_texts(doc.sentences + [doc.title or doc.sentences[0]], max_length=64, batch_size=64)
            timing["seconds"] += time.perf_counter() - t
            timing["sentences"] += len(doc.sentences)
            timing["articles"] += 1
            s, title = e[:-1], e[-1]
            mean = s.mean(axis=0)
            mean /= np.linalg.norm(mean) or 1.0
            k = len(s)
            pos = np.arange(k)
            extra = np.column_stack([s @ mean, s @ title, np.minimum(pos, 50), 1.0 / (pos + 1), pos / max(k - 1, 1)])
            rows.append(np.hstack([s, np.broadcast_to(mean, s.shape), extra]))
        feats[name] = rows
    per_article = timing["seconds"] / timing["articles"]
    print(f"e5-small embeddings: {timing['sentences']} sentences of {timing['articles']} articles in {timing['seconds']:.1f} s: "
          f"{timing['sentences'] / timing['seconds']:.1f} sentences/s, {1 / per_article:.2f} articles/s", flush=True)

    def labels(key, n):
        d = data[key]
        b = np.concatenate([[0], np.cumsum(d["group"])])
        return [d["oracle"][b[i]:b[i + 1]] for i in range(n)], [d["x"][b[i]:b[i + 1]] for i in range(n)]

    ytr, xtr_v2 = labels("vn_train", args.train)
    _, xva_v2 = labels("vn_val", args.val)
    refs = [as_lsum_text(e.reference) for e in sets["vn_val"][: args.val]]
    val_docs = docs["vn_val"][: args.val]

    def evaluate(scores):
        preds = ["\n".join(d.sentences[i] for i in sorted(select_with_redundancy(s, d, 2, "trigram", 0.7, 5))) for d, s in zip(val_docs, scores)]
        return rouge_report(preds, refs, ascii=True)

    clf = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000))
    clf.fit(np.vstack(feats["train"]), np.concatenate(ytr))
    m_e5 = evaluate([clf.predict_proba(x)[:, 1] for x in feats["val"]])
    ref = ExtractiveSummarizer(scorer="lgbm", target="oracle", feature_set="v2", lgbm_num_trees=100, lgbm_min_data_in_leaf=20)
    ref.idf = idf
    ref.fit_scorer({"x": np.vstack(xtr_v2), "oracle": np.concatenate(ytr), "group": np.ones(args.train)})
    m_lgbm = evaluate([ref._scores(x) for x in xva_v2])
    from bantin.summarize.baselines import LeadSummarizer

    m_lead = rouge_report(["\n".join(p) for p in LeadSummarizer(2).summarize_sentences(val_docs, 2)], refs, ascii=True)
    for name, m in (("e5-small frozen + logistic (document context)", m_e5), ("lgbm-v2-oracle (same training sample)", m_lgbm), ("lead-2", m_lead)):
        print(f"{name:50s} val[:{args.val}] R2 {m['rouge2_f'] * 100:5.2f} ascii {m['rouge2_f_ascii'] * 100:5.2f}", flush=True)
        if not args.no_record:
            speed = {"embed_articles_per_s": 1 / per_article, "embed_sentences_per_s": timing["sentences"] / timing["seconds"]} if "e5" in name else {}
            record_run(task="summarize", kind="experiment", model=f"extractive {name}", dataset="vietnews", split=f"val[:{args.val}]",
                       metrics={k: round(v, 5) for k, v in {**m, **speed}.items()}, command=command,
                       extra={"n_train_articles": args.train, "note": "small sample: quality figures are indicative only; speed on a shared 2-core CPU, torch 1 thread",
                              "tokenizers": "rouge*_f: Unicode syllables; rouge*_ascii: rouge-score default"})


if __name__ == "__main__":
    main()
