"""Cross-era check of the accurate CPU option (frozen multilingual-e5-small embeddings + logistic regression) on a
small stratified sample, with the linear default's text preparation for a same-input comparison.

    nice -n 10 env OMP_NUM_THREADS=1 PYTHONPATH=src python experiments/topics_era_e5.py --per-label 80

Samples (seed 0) of the 7 labels both corpora share: train sets from each corpus's train split, test sets from
each test split; e5 and the linear model (same samples, default config) are scored both ways, with docs/s.
"""

from __future__ import annotations

import argparse
import sys
import time

from bantin.topics.data import load_corpus, stratified_subsample
from bantin.topics.embedding import EmbeddingTopicModel
from bantin.topics.linear import LinearTopicModel
from bantin.topics.taxonomy import load_taxonomy, map_docs
from bantin.topics.textprep import prepare_text
from bantin.tracking import record_run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-label", type=int, default=80)
    ap.add_argument("--max-length", type=int, default=128)
    args = ap.parse_args()
    tax = load_taxonomy("configs/taxonomy.yaml")
    shared = tax.shared_labels("vntc10", "baomoi_topics_2018")
    n = args.per_label * len(shared)
    sets = {}
    for corpus in ("vntc10", "baomoi_topics_2018"):
        for split in ("train", "test"):
            docs = map_docs(tax, corpus, load_corpus(corpus, split), labels=shared).docs
            sets[(corpus, split)] = stratified_subsample(docs, n, 0)
    prep = lambda docs: [prepare_text(d.text, strip=True, max_syllables=120, title_weight=1) for d in docs]  # noqa: E731
    e5 = EmbeddingTopicModel(max_length=args.max_length, batch_size=16)
    emb, secs = {}, 0.0
    for key, docs in sets.items():
        t0 = time.perf_counter()
        emb[key] = e5.embed(prep(docs))
        secs += time.perf_counter() - t0
        print(key, len(docs), f"{time.perf_counter() - t0:.0f}s", flush=True)
    e5_dps = sum(len(d) for d in sets.values()) / secs
    for a, b in (("vntc10", "baomoi_topics_2018"), ("baomoi_topics_2018", "vntc10")):
        tr, te = sets[(a, "train")], sets[(b, "test")]
        m = EmbeddingTopicModel(max_length=args.max_length).fit(prep(tr), [d.label for d in tr], embeddings=emb[(a, "train")])
        p = m.proba_from_embeddings(emb[(b, "test")]).argmax(1)
        acc_e5 = sum(m.labels[i] == d.label for i, d in zip(p, te)) / len(te)
        lin = LinearTopicModel(word_features="lexicon", min_df=2, C=0.3, class_weight="balanced", calibration_fraction=0,
                               strip_sources=True, max_syllables=120, title_weight=2).fit([d.text for d in tr], [d.label for d in tr])
        t0 = time.perf_counter()
        pl = lin.predict([d.text for d in te])
        lin_dps = len(te) / (time.perf_counter() - t0)
        acc_lin = sum(x == d.label for x, d in zip(pl, te)) / len(te)
        print(f"{a} -> {b}: e5 {acc_e5*100:.2f} ({e5_dps:.1f} docs/s), linear {acc_lin*100:.2f} ({lin_dps:.0f} docs/s), n_train {len(tr)} n_test {len(te)}", flush=True)
        for name, acc, dps in (("e5-small + logreg", acc_e5, e5_dps), ("linear (default config)", acc_lin, lin_dps)):
            record_run(task="topics", kind="evaluate", model=f"{name} trained on {a} sample", dataset=b,
                       split=f"test[:{len(te)}] ({len(shared)} shared labels)", metrics={"accuracy": round(acc, 6), "docs_per_s": round(dps, 2)},
                       command="python experiments/topics_era_e5.py " + " ".join(sys.argv[1:]),
                       extra={"n_train": len(tr), "purpose": "cross-era check of the e5 option on a small sample, one core"})


if __name__ == "__main__":
    main()
