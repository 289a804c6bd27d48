"""Throughput of the embedded topic models on one core: docs/s of ``predict`` (text preparation, hashing,
selection, TF-IDF, scores).

    OMP_NUM_THREADS=1 python benchmarks/bench_topics.py --models default vntc10 --n-docs 2000

Workloads (from ../shared/data): ``articles`` = vntc10 test documents (title + full body, ~500 syllables: the
length of a cleaned news page) and ``title+sapo`` = baomoi_topics_2018 test items (~50 syllables). Threads are
pinned to one before numpy loads. Best of --repeat runs after a warm-up; the machine's load average is recorded
(a shared machine slows every figure). Writes experiments/bench_topics.json and one record_run(kind="benchmark")
per model and workload. Target of the default: >= 300 docs/s on articles.
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def workloads(n_docs: int) -> dict[str, list[str]]:
    from bantin.topics.data import load_corpus

    out = {}
    for name, corpus in (("articles", "vntc10"), ("title+sapo", "baomoi_topics_2018")):
        docs = load_corpus(corpus, "test")
        step = max(1, len(docs) // n_docs)
        out[name] = [d.text for d in docs[::step][:n_docs]]
    return out


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", nargs="+", default=["default", "vntc10"], help="embedded names or model dirs")
    ap.add_argument("--n-docs", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--out", default=str(REPO / "experiments" / "bench_topics.json"))
    args = ap.parse_args(argv)

    from bantin.models.base import load_model
    from bantin.topics import resolve_model_dir
    from bantin.tracking import record_run

    work = workloads(args.n_docs)
    records = []
    for name in args.models:
        model = load_model(resolve_model_dir(name), task="topics")
        for wname, texts in work.items():
            model.predict(texts[:50], batch_size=args.batch_size)  # warm-up (imports, lexicon)
            best = float("inf")
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                model.predict(texts, batch_size=args.batch_size)
                best = min(best, time.perf_counter() - t0)
            rec = {"model": name, "workload": wname, "n_docs": len(texts), "docs_per_s": round(len(texts) / best, 1),
                   "seconds": round(best, 3), "threads": 1, "loadavg_1m": round(os.getloadavg()[0], 2),
                   "config": {k: model.get_config().get(k) for k in ("word_features", "strip_sources", "max_syllables", "title_weight", "era_adaptation")}}
            print(json.dumps(rec, ensure_ascii=False))
            records.append(rec)
            record_run(task="topics", kind="benchmark", model=f"linear {name}", dataset=wname, split=f"{len(texts)} docs",
                       metrics={"docs_per_s": rec["docs_per_s"], "loadavg_1m": rec["loadavg_1m"]}, model_dir=str(resolve_model_dir(name)),
                       duration_s=best, command="python benchmarks/bench_topics.py " + " ".join(argv or []), extra=rec)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(records, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return records


if __name__ == "__main__":
    main()
