"""Reproduce the n-gram language-model classifier of Vu et al. (2007) on VNTC-10 (their 97.1 % anchor).

    python experiments/vntc_ngram_lm.py                 # full official split, writes a record
    python experiments/vntc_ngram_lm.py --max-train 3000 --max-test 3000 --no-record   # quick look

One syllable bigram language model per topic (interpolated Kneser-Ney: absolute discounting D, backing off to
a continuation-count unigram distribution with add-k smoothing); a document goes to the topic whose model gives
it the highest likelihood (uniform prior). Everything is vectorised over (bigram type x topic) count tables,
so the full split (16M training tokens, 1.8M bigram types) runs in about a minute.

This is a measurement script, not a shipped model: it records accuracy / macro-F1 / accuracy without the test
documents that duplicate a training document under experiments/ (task "topics"), next to the linear default.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from bantin.text.tokenize import syllables


def encode(texts, vocab: dict[str, int], grow: bool) -> tuple[np.ndarray, np.ndarray]:
    """Lower-cased syllable ids of every text, concatenated, plus the per-text lengths (id 0 = unknown)."""
    seqs = []
    for text in texts:
        ids = []
        for tok in syllables(text):
            j = vocab.get(tok)
            if j is None:
                j = vocab.setdefault(tok, len(vocab)) if grow else 0
            ids.append(j)
        seqs.append(np.asarray(ids, dtype=np.int64))
    lens = np.array([len(s) for s in seqs], dtype=np.int64)
    return (np.concatenate(seqs) if seqs else np.zeros(0, np.int64)), lens


def _bigrams(ids: np.ndarray, lens: np.ndarray):
    doc = np.repeat(np.arange(len(lens)), lens)
    same = doc[1:] == doc[:-1]
    return ids[:-1][same], ids[1:][same], doc[1:][same]


class BigramLMClassifier:
    """Per-class syllable bigram LMs with interpolated Kneser-Ney smoothing; predict = argmax likelihood.

    ``labels`` / ``multi_label`` / ``predict(texts, batch_size=)`` match the topic models, so that
    ``bantin.topics.evaluation.evaluate_model`` scores it like the shipped ones."""

    multi_label = False

    def __init__(self, discount: float = 0.75, add_k: float = 0.1) -> None:
        self.discount, self.add_k = discount, add_k

    @property
    def labels(self) -> list:
        return list(self.classes_)

    def fit(self, texts, y) -> BigramLMClassifier:
        self.classes_, yi = np.unique(np.asarray(y), return_inverse=True)
        K = len(self.classes_)
        self.vocab: dict[str, int] = {"<unk>": 0}
        ids, lens = encode(texts, self.vocab, grow=True)
        V = self.V = len(self.vocab)
        a, b, d = _bigrams(ids, lens)
        self.types, inv = np.unique(a * V + b, return_inverse=True)
        counts = np.bincount(inv * K + yi[d], minlength=len(self.types) * K).reshape(-1, K).astype(np.float64)
        ta, tb = self.types // V, self.types % V
        seen = counts > 0
        # continuation counts (distinct left contexts) give the lower-order distribution, as in Kneser-Ney
        cont = np.stack([np.bincount(tb[seen[:, c]], minlength=V) for c in range(K)]).astype(np.float64) + self.add_k
        p_uni = cont / cont.sum(axis=1, keepdims=True)  # [K, V]
        history = np.stack([np.bincount(ta, weights=counts[:, c], minlength=V) for c in range(K)])
        followers = np.stack([np.bincount(ta[seen[:, c]], minlength=V) for c in range(K)]).astype(np.float64)
        gamma = np.where(history > 0, self.discount * followers / np.maximum(history, 1), 1.0)  # back-off mass
        h = history[:, ta].T
        p_bi = np.where(h > 0, np.maximum(counts - self.discount, 0) / np.maximum(h, 1) + gamma[:, ta].T * p_uni[:, tb].T,
                        p_uni[:, tb].T)
        self.log_uni, self.log_gamma, self.log_bi = np.log(p_uni), np.log(gamma), np.log(p_bi).astype(np.float32)
        return self

    def log_likelihood(self, texts, chunk: int = 2_000_000) -> np.ndarray:
        ids, lens = encode(texts, self.vocab, grow=False)
        K, n = len(self.classes_), len(lens)
        scores = np.zeros((n, K))
        starts = np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(np.int64)
        nonempty = lens > 0
        scores[nonempty] += self.log_uni[:, ids[starts[nonempty]]].T  # first syllable
        a, b, d = _bigrams(ids, lens)
        for s in range(0, len(a), chunk):
            aa, bb, dd = a[s : s + chunk], b[s : s + chunk], d[s : s + chunk]
            key = aa * self.V + bb
            pos = np.minimum(np.searchsorted(self.types, key), len(self.types) - 1)
            hit = self.types[pos] == key
            lp = np.empty((len(aa), K))
            lp[hit] = self.log_bi[pos[hit]]
            lp[~hit] = (self.log_gamma[:, aa[~hit]] + self.log_uni[:, bb[~hit]]).T  # unseen bigram: back off
            for c in range(K):
                scores[:, c] += np.bincount(dd, weights=lp[:, c], minlength=n)
        return scores

    def predict(self, texts, batch_size: int | None = None) -> list:  # batch_size: unused, scored in chunks
        return list(self.classes_[self.log_likelihood(texts).argmax(axis=1)])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", default=None, help="folder with vntc10.jsonl.gz (default ../shared/data)")
    ap.add_argument("--discount", type=float, default=0.75)
    ap.add_argument("--max-train", type=int, default=None, help="stratified subsample of the train split")
    ap.add_argument("--max-test", type=int, default=None, help="stratified subsample of the test split")
    ap.add_argument("--no-record", action="store_true", help="print only; write no record under experiments/")
    args = ap.parse_args(argv)

    from bantin.topics.data import load_corpus, stratified_subsample
    from bantin.topics.evaluation import evaluate_model
    from bantin.tracking import record_run

    train = stratified_subsample(load_corpus("vntc10", "train", args.data_dir), args.max_train)
    test = stratified_subsample(load_corpus("vntc10", "test", args.data_dir), args.max_test)
    t0 = time.perf_counter()
    model = BigramLMClassifier(discount=args.discount).fit([d.text for d in train], [d.label for d in train])
    fit_s = time.perf_counter() - t0
    result = evaluate_model(model, test, train)
    metrics = {**result.metrics, "train_s": round(fit_s, 1)}
    n_dup = int(metrics["n_duplicates"])
    print(f"n-gram LM (bigram, KN D={args.discount}) on {len(train)} train / {len(test)} test vntc10 docs "
          f"({n_dup} test docs duplicate a train doc): {metrics}")
    if not args.no_record:
        sub = args.max_train is not None or args.max_test is not None
        record_run(task="topics", kind="evaluate", model=f"ngram-lm bigram (KN D={args.discount})", dataset="vntc10",
                   split=f"test ({len(test)} docs)" + (" subsample" if sub else ""), metrics=metrics, duration_s=fit_s + result["seconds"],
                   command="python " + " ".join([str(Path(sys.argv[0]))] + (argv if argv is not None else sys.argv[1:])),
                   extra={"n_train": len(train), "n_test": len(test), "duplicates": n_dup, "per_label": result["per_label"],
                          "anchor": "Vu et al. 2007, n-gram LM: 97.1 %"})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
