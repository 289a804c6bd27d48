"""Growth of the summarizer's time and memory with the input size (issue 11, item 7).

    python benchmarks/bench_summarize_scaling.py                 # default model, 1x..256x, plus hostile pages
    python benchmarks/bench_summarize_scaling.py --model lexrank --max-multiple 64

A "normal page" is one news article (the first vietnews test article with at least 15 sentences, or the test
fixture article when the corpus is absent), given as plain text with its paragraphs on lines. Size k is that
text repeated k times (k = 1, 2, 4, ... 256). Each size runs in its own subprocess (one thread): the model is
loaded, warmed up on the 1x article, then ``summarize_article(title=, body=TEXT)`` is timed (best of
--repeat) and the process's peak RSS is read (ru_maxrss, which includes the ~250 MB of imports and models).
The cost exponent is the least-squares slope of log(time) against log(size) over all sizes; 1.0 is linear,
2.0 quadratic. Two hostile pages under the 20 MB input limit are measured too (peak RSS and time only):
20 MB of 2-character lines, and a 20 MB single line without punctuation.

Targets: exponent <= 1.1, peak RSS <= 600 MB for every row. Writes experiments/bench_summarize_scaling.json
and one record_run(kind="benchmark").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[var] = "1"

REPO = Path(__file__).resolve().parent.parent
INPUT_LIMIT = 20 * 1024 * 1024 - 1024  # just under the 20 MB page limit


def normal_article() -> tuple[str, str, str]:
    """(title, body text, source) of one ordinary article."""
    try:
        from bantin.summarize.data import load_examples

        for e in load_examples("vietnews", "test", 50):
            if len(e.document().sentences) >= 15:
                return e.title, e.body, f"vietnews test {e.id}"
    except Exception:  # noqa: BLE001 - corpus absent: use the fixture
        pass
    rows = [json.loads(line) for line in (REPO / "tests" / "fixtures" / "summarize" / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    return rows[0]["title"], "\n".join(r["body"] for r in rows), "tests/fixtures/summarize/articles.jsonl (all articles)"


def make_input(kind: str, title: str, body: str) -> str:
    if kind.startswith("x"):
        k = int(kind[1:])
        return "\n".join([body] * k)
    if kind == "short-lines":
        return "ab\n" * (INPUT_LIMIT // 3)
    if kind == "one-line":
        return ("chữ " * (INPUT_LIMIT // 5))[:INPUT_LIMIT]
    raise ValueError(kind)


def run_one(model_spec: str, kind: str, repeat: int) -> dict:
    import resource

    from bantin.summarize.evaluation import resolve_model

    title, body, source = normal_article()
    _, model, n, _ = resolve_model(model_spec, 2)
    for _ in range(3):
        model.summarize_article(title=title, body=body, n_sentences=n)
    text = make_input(kind, title, body)
    del body
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        summary = model.summarize_article(title=title, body=text, n_sentences=n)
        best = min(best, time.perf_counter() - t0)
    from bantin.summarize.base import make_document

    n_scored = len(make_document(title, "", text).sentences)
    return {"input": kind, "chars": len(text), "seconds": best, "ms": round(1000 * best, 3), "sentences_scored": n_scored,
            "summary_chars": len(summary), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1), "source": source}


def fit_exponent(rows: list[dict]) -> float:
    import numpy as np

    x = np.log([r["chars"] for r in rows])
    y = np.log([r["seconds"] for r in rows])
    return float(np.polyfit(x, y, 1)[0])


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="default", help="default | lead-2 | textrank | lexrank | a model directory")
    ap.add_argument("--max-multiple", type=int, default=256)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-hostile", action="store_true", help="skip the two 20 MB hostile pages")
    ap.add_argument("--out", default=str(REPO / "experiments" / "bench_summarize_scaling.json"))
    ap.add_argument("--no-record", action="store_true")
    ap.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], args.repeat)))
        return {}
    from bantin.bench import run_isolated

    kinds = []
    k = 1
    while k <= args.max_multiple:
        kinds.append(f"x{k}")
        k *= 2
    hostile = [] if args.no_hostile else ["short-lines", "one-line"]
    rows = []
    for kind in kinds + hostile:
        res = run_isolated([sys.executable, __file__, "--one", args.model, kind, "--repeat", str(args.repeat)], kind)
        if res is None:
            print(f"{kind}: failed")
            continue
        rows.append(res)
        print(f"{kind:12s} {res['chars']:>10,d} chars  {res['ms']:9.2f} ms  {res['sentences_scored']:4d} sentences scored  "
              f"peak RSS {res['peak_rss_mb']:6.1f} MB", flush=True)
    scaled = [r for r in rows if r["input"].startswith("x")]
    exponent = fit_exponent(scaled) if len(scaled) >= 2 else float("nan")
    peak = max((r["peak_rss_mb"] for r in rows), default=float("nan"))
    summary = {"model": args.model, "cost_exponent": round(exponent, 3), "max_peak_rss_mb": peak, "rows": rows,
               "targets": {"cost_exponent": 1.1, "peak_rss_mb": 600}, "source": rows[0]["source"] if rows else None}
    print(f"cost exponent (log time vs log size, 1x..{args.max_multiple}x): {exponent:.3f} (target <= 1.1); "
          f"max peak RSS {peak:.1f} MB (target <= 600)")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if not args.no_record:
        from bantin.tracking import record_run

        record_run(task="summarize", kind="benchmark", model=args.model, dataset="scaling", split=f"1x..{args.max_multiple}x",
                   metrics={"cost_exponent": summary["cost_exponent"], "max_peak_rss_mb": peak},
                   command="python benchmarks/bench_summarize_scaling.py " + " ".join(argv if argv is not None else sys.argv[1:]), extra=summary)
    return summary


if __name__ == "__main__":
    main()
