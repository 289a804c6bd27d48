"""Source-token stripping check: what still tells the two eras apart after the default's text preparation.

    nice -n 10 env OMP_NUM_THREADS=1 PYTHONPATH=src python experiments/topics_era_markers.py [--n 3000]

On --n training documents of each corpus (VNTC-10 train, baomoi_topics_2018 train; labels unread): the share of
documents that still carry an outlet name, a line-start agency tag or a URL after ``strip_sources``, and an era
classifier (VNTC vs baomoi, logistic regression on syllable uni+bigrams of the prepared text, 3-fold CV): its
accuracy and the n-grams that most mark each era. Source-like tokens among them would be leaks that the stripping
misses; topical or stylistic ones are the era gap itself. One record in experiments/results.jsonl.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from bantin.topics.data import load_corpus, stratified_subsample
from bantin.topics.textprep import _LEAD_TAG, _OUTLET, _URL, prepare_text
from bantin.tracking import record_run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=3000)
    args = ap.parse_args()
    t0 = time.perf_counter()
    texts = {c: [d.text for d in stratified_subsample(load_corpus(c, "train"), args.n, 0)] for c in ("vntc10", "baomoi_topics_2018")}
    m: dict[str, float] = {}
    for c, ts in texts.items():
        prepared = [prepare_text(t, strip=True, max_syllables=120) for t in ts]
        for name, rx in (("outlet", _OUTLET), ("lead_tag", _LEAD_TAG), ("url", _URL)):
            m[f"{c}_{name}_before"] = float(np.mean([bool(rx.search(t)) for t in ts]))
            m[f"{c}_{name}_after"] = float(np.mean([bool(rx.search(t)) for t in prepared]))
        texts[c] = prepared
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    X_text = texts["vntc10"] + texts["baomoi_topics_2018"]
    y = np.array([0] * len(texts["vntc10"]) + [1] * len(texts["baomoi_topics_2018"]))
    vec = CountVectorizer(ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", min_df=5, binary=True)
    X = vec.fit_transform(X_text)
    clf = LogisticRegression(C=1.0, max_iter=2000)
    m["era_classifier_cv_accuracy"] = float(cross_val_score(clf, X, y, cv=3).mean())
    clf.fit(X, y)
    names = np.array(vec.get_feature_names_out())
    order = np.argsort(clf.coef_[0])
    markers = {"vntc10": names[order[:30]].tolist(), "baomoi_topics_2018": names[order[::-1][:30]].tolist()}
    for k, v in m.items():
        print(f"{k}: {v * 100:.1f} %")
    for c, v in markers.items():
        print(f"{c} markers: {', '.join(v)}")
    record_run(task="topics", kind="evaluate", model="era markers after strip_sources (era classifier, logreg on syllable 1-2-grams)",
               dataset="vntc10+baomoi_topics_2018", split=f"train (stratified {args.n} per corpus, labels unread)",
               metrics={k: round(v, 6) for k, v in m.items()}, config={"strip_sources": True, "max_syllables": 120, "n_per_corpus": args.n},
               duration_s=time.perf_counter() - t0, command="python experiments/topics_era_markers.py " + " ".join(sys.argv[1:]),
               extra={"purpose": "source-token stripping check: what still tells the eras apart", "markers": markers})


if __name__ == "__main__":
    main()
