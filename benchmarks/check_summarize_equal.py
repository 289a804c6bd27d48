"""Equality check for speed work on the default summarizer: dumps every summary (and the first-stage sentence scores and
reranker ratings, bit for bit) of the default model for vietnews test[:N] and the baomoi sapo sample[:M], under a few call
shapes (``summarize_article`` with 2 sentences as the benchmark calls it, 1 and 3 sentences, a 40-syllable budget), then
compares two dumps, or runs a dump under another source tree and compares it with this tree's.

    PYTHONPATH=src python benchmarks/check_summarize_equal.py dump OUT.json [--n 1000] [--n-baomoi 200]
    python benchmarks/check_summarize_equal.py compare A.json B.json
    PYTHONPATH=src python benchmarks/check_summarize_equal.py against /work/main/src [--n 1000] [--n-baomoi 200]

``against`` dumps with ``PYTHONPATH=<old src>`` in a subprocess and with this tree, then compares (exit 1 when any
summary differs) and records the counts (``record_run(kind="experiment")``; --no-record to skip). Scores and ratings are
compared too and reported (they are what the summaries are chosen from).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

#: (label, summarize_article keyword arguments)
CALLS = (("n2", {"n_sentences": 2}), ("n1", {"n_sentences": 1}), ("n3", {"n_sentences": 3}),
         ("n2_syl40", {"n_sentences": 2, "max_syllables": 40}))


def dump(out: str, n: int, n_baomoi: int) -> None:
    import numpy as np

    from bantin.summarize.base import make_document
    from bantin.summarize.data import load_examples
    from bantin.summarize.evaluation import resolve_model

    _, model, _, _ = resolve_model("default", 2)
    res: dict = {}
    for dataset, limit in (("vietnews", n), ("baomoi_sapo", n_baomoi)):
        if not limit:
            continue
        for i, e in enumerate(load_examples(dataset, "test", limit)):
            body = e.body.split("\n")
            rec = {label: model.summarize_article(title=e.title, lead="", body=body, **kw) for label, kw in CALLS}
            doc = make_document(e.title, "", body)
            if doc.sentences:
                scores, ctx = model._scores_with_context([doc])
                rec["scores"] = scores[0].tobytes().hex()
                if model.reranker_ is not None:
                    from bantin.summarize.features import candidate_features

                    x, _ = candidate_features(doc, scores[0], ctx[0], model.rerank_top_k, 3, model.rerank_features)
                    rec["ratings"] = np.asarray(model.reranker_.predict(x)).tobytes().hex()
            res[f"{dataset}/{i}"] = rec
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(res, fh, ensure_ascii=False, sort_keys=True)
    print(f"{len(res)} articles dumped to {out}")


def compare(a: str, b: str) -> int:
    return _compare(a, b)["exit"]


def _compare(a: str, b: str) -> dict:
    A, B = (json.load(open(p, encoding="utf-8")) for p in (a, b))
    keys = sorted(set(A) | set(B))
    summary_keys = [label for label, _ in CALLS]
    bad_summary = [k for k in keys if any((A.get(k) or {}).get(s) != (B.get(k) or {}).get(s) for s in summary_keys)]
    bad_scores = [k for k in keys if (A.get(k) or {}).get("scores") != (B.get(k) or {}).get("scores")]
    bad_ratings = [k for k in keys if (A.get(k) or {}).get("ratings") != (B.get(k) or {}).get("ratings")]
    for k in bad_summary[:10]:
        for s in summary_keys:
            if (A.get(k) or {}).get(s) != (B.get(k) or {}).get(s):
                print(k, s, "\n  old", (A.get(k) or {}).get(s), "\n  new", (B.get(k) or {}).get(s))
    n_summaries = len(keys) * len(summary_keys)
    print(f"{len(A)} vs {len(B)} articles, {n_summaries} summaries ({', '.join(summary_keys)}): {len(bad_summary)} articles differ; "
          f"sentence scores differ (bitwise) in {len(bad_scores)}, reranker ratings in {len(bad_ratings)}")
    return {"exit": 1 if bad_summary or set(A) != set(B) else 0, "articles": len(keys), "summaries": n_summaries,
            "articles_differ": len(bad_summary), "scores_differ": len(bad_scores), "ratings_differ": len(bad_ratings)}


def against(old_src: str, n: int, n_baomoi: int, record: bool = True) -> int:
    with tempfile.TemporaryDirectory(prefix="check_summarize_") as tmp:
        old, new = str(Path(tmp) / "old.json"), str(Path(tmp) / "new.json")
        env = {**os.environ, "PYTHONPATH": old_src}
        subprocess.run([sys.executable, __file__, "dump", old, "--n", str(n), "--n-baomoi", str(n_baomoi)], env=env, check=True)
        dump(new, n, n_baomoi)
        res = _compare(old, new)
    if record:
        from bantin.tracking import record_run

        record_run(task="summarize", kind="experiment", model="default (this tree vs old tree: equality check)", dataset="vietnews+baomoi_sapo",
                   split=f"vietnews test[:{n}] + baomoi_sapo sample[:{n_baomoi}]", metrics={k: v for k, v in res.items() if k != "exit"},
                   command="python benchmarks/check_summarize_equal.py " + " ".join(sys.argv[1:]),
                   extra={"old_src": old_src, "calls": [label for label, _ in CALLS]})
    return res["exit"]


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cmd", choices=["dump", "compare", "against"])
    ap.add_argument("files", nargs="+", help="dump: OUT; compare: A B; against: the old tree's src directory")
    ap.add_argument("--n", type=int, default=1000, help="vietnews test articles")
    ap.add_argument("--n-baomoi", type=int, default=200, help="baomoi sapo sample articles")
    ap.add_argument("--no-record", action="store_true", help="against: do not record the result")
    args = ap.parse_args()
    if args.cmd == "dump":
        dump(args.files[0], args.n, args.n_baomoi)
    elif args.cmd == "compare":
        sys.exit(compare(*args.files[:2]))
    else:
        sys.exit(against(args.files[0], args.n, args.n_baomoi, not args.no_record))
