"""Speed benchmark of the summarizers, end to end, one process, one thread.

    python benchmarks/bench_summarize.py --models default lead-3 textrank lexrank --n-articles 1000

Each model runs in its own subprocess (OMP/BLAS threads = 1). Per article the timed call is what the
pipeline calls: ``model.summarize_article(title=, lead="", body=[paragraphs], n_sentences=)`` from the raw
article text, so sentence splitting (underthesea), tokenization, features, scoring and selection are all
inside. Figures per model:
  articles_per_s       wall-clock, best of --repeat passes (the machine is shared; the best pass is the
                       least disturbed one)
  articles_per_cpu_s   same pass, divided by the process's CPU time
  split_ms             mean sentence splitting time per article (make_document alone), for the profile
Articles: the first N of the deduplicated vietnews test split (or --dataset baomoi_sapo).
Writes experiments/bench_summarize.json and one record_run(kind="benchmark") per model.

Side by side with another source tree (speed work):

    python benchmarks/bench_summarize.py --models default --old-src /work/main/src --rounds 2

runs each model under this tree and under ``PYTHONPATH=<old src>``, alternating, --rounds times (the best pass of each
counts), and prints the ratios (this tree / old tree) of both figures; the old tree's records say ``"tree": "old"``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TOKENIZERS_PARALLELISM"):
    os.environ[var] = "false" if var == "TOKENIZERS_PARALLELISM" else "1"

REPO = Path(__file__).resolve().parent.parent


def bench_one(spec: str, n: int, dataset: str, repeat: int) -> dict:
    import resource

    from bantin.summarize.base import make_document
    from bantin.summarize.data import load_examples
    from bantin.summarize.evaluation import resolve_model

    examples = load_examples(dataset, "test", n)
    t0 = time.perf_counter()
    name, model, n_sentences, _ = resolve_model(spec, 2)
    load_s = time.perf_counter() - t0
    articles = [(e.title, e.body.split("\n")) for e in examples]
    for title, body in articles[:5]:  # warm-up: underthesea loads its models lazily
        model.summarize_article(title=title, lead="", body=body, n_sentences=n_sentences)
    best_wall, best_cpu, n_chars = float("inf"), float("inf"), 0
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        n_chars = 0
        for title, body in articles:
            n_chars += len(model.summarize_article(title=title, lead="", body=body, n_sentences=n_sentences))
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        if wall < best_wall:
            best_wall, best_cpu = wall, cpu
    w0 = time.perf_counter()
    for title, body in articles:
        make_document(title, "", body)
    split_s = time.perf_counter() - w0
    return {
        "model": name, "spec": spec, "dataset": dataset, "n_articles": len(articles), "n_sentences": n_sentences,
        "articles_per_s": round(len(articles) / best_wall, 1), "articles_per_cpu_s": round(len(articles) / best_cpu, 1),
        "ms_per_article": round(1000 * best_wall / len(articles), 2), "split_ms": round(1000 * split_s / len(articles), 2),
        "summary_chars": round(n_chars / len(articles), 1), "load_s": round(load_s, 2), "repeat": repeat, "threads": 1,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", nargs="+", default=["default", "lead-3", "textrank", "lexrank"])
    ap.add_argument("--n-articles", type=int, default=1000)
    ap.add_argument("--dataset", default="vietnews", choices=["vietnews", "baomoi_sapo"])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=str(REPO / "experiments" / "bench_summarize.json"))
    ap.add_argument("--no-record", action="store_true")
    ap.add_argument("--old-src", help="another source tree's src directory, benchmarked side by side (ratios printed)")
    ap.add_argument("--rounds", type=int, default=1, help="alternating rounds of every model (and tree); the best pass counts")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(bench_one(args.one, args.n_articles, args.dataset, args.repeat)))
        return []
    from bantin.bench import run_isolated

    trees = [("new", None)] + ([("old", {"PYTHONPATH": str(Path(args.old_src).resolve())})] if args.old_src else [])
    best: dict[tuple[str, str], dict] = {}
    for _ in range(max(args.rounds, 1)):
        for spec in args.models:
            for tree, env in trees:
                cmd = [sys.executable, __file__, "--one", spec, "--n-articles", str(args.n_articles), "--dataset", args.dataset, "--repeat", str(args.repeat)]
                res = run_isolated(cmd, f"{spec} ({tree} tree)", env=env)
                if res is None:
                    continue
                tag = "" if tree == "new" else " [old tree]"
                print(f"{res['model'] + tag:36s} {res['articles_per_s']:7.1f} articles/s  ({res['articles_per_cpu_s']:.1f} per CPU s, "
                      f"{res['ms_per_article']:.2f} ms/article, of which splitting {res['split_ms']:.2f} ms)  [{res['n_articles']} {res['dataset']}]")
                key = (spec, tree)
                if key not in best or res["articles_per_s"] > best[key]["articles_per_s"]:
                    best[key] = {**res, "tree": tree, **({"old_src": args.old_src} if tree == "old" else {})}
    results = []
    for spec in args.models:
        new, old = best.get((spec, "new")), best.get((spec, "old"))
        if new and old:
            new["vs_old_tree"] = {"articles_per_s": round(new["articles_per_s"] / old["articles_per_s"], 3),
                                  "articles_per_cpu_s": round(new["articles_per_cpu_s"] / old["articles_per_cpu_s"], 3), "old_src": args.old_src}
            print(f"{new['model']}: this tree / old tree = {new['vs_old_tree']['articles_per_s']:.3f}x wall, "
                  f"{new['vs_old_tree']['articles_per_cpu_s']:.3f}x per CPU s (best of {args.rounds} rounds each)")
        results.extend(r for r in (new, old) if r)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if not args.no_record:
        from bantin.tracking import record_run

        for res in results:
            record_run(task="summarize", kind="benchmark", model=res["model"] + (" [old tree]" if res["tree"] == "old" else ""), dataset=res["dataset"],
                       split=f"test[:{res['n_articles']}]" if res["dataset"] == "vietnews" else f"sample{res['n_articles']}",
                       metrics={"articles_per_s": res["articles_per_s"], "articles_per_cpu_s": res["articles_per_cpu_s"],
                                "ms_per_article": res["ms_per_article"], "split_ms": res["split_ms"], "peak_rss_mb": res["peak_rss_mb"],
                                **({"vs_old_tree": res["vs_old_tree"]["articles_per_s"]} if "vs_old_tree" in res else {})},
                       command="python benchmarks/bench_summarize.py " + " ".join(argv if argv is not None else sys.argv[1:]), extra=res)
    return results


if __name__ == "__main__":
    main()
