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
On a busy shared machine separate processes see different loads; ``--paired`` loads both trees in ONE process (the
old tree's modules swapped into ``sys.modules`` while it runs) and times them on the same batches of --batch articles,
alternating which goes first, --rounds times over all articles; the ratio is of the summed times (and the median of
the per-batch ratios is printed). Summaries of both trees are compared on the way.
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


def _load_tree(src: str | None, spec: str) -> tuple[dict, object, int]:
    """(bantin's modules, the model, n_sentences) with ``src`` first on sys.path (None: the tree this process imports)."""
    import importlib

    for name in [k for k in sys.modules if k == "bantin" or k.startswith("bantin.")]:
        del sys.modules[name]
    if src:
        sys.path.insert(0, src)
    importlib.invalidate_caches()
    try:
        from bantin.summarize.evaluation import resolve_model

        _, model, n_sentences, _ = resolve_model(spec, 2)
        model.summarize_article(title="Khởi động", lead="", body=["Bộ tách câu. Lần đầu."], n_sentences=n_sentences)  # lazy loads
    finally:
        if src:
            sys.path.remove(src)
    return {k: v for k, v in sys.modules.items() if k == "bantin" or k.startswith("bantin.")}, model, n_sentences


def bench_paired(spec: str, old_src: str, n: int, dataset: str, rounds: int, batch: int) -> dict:
    """This tree and ``old_src`` in one process, timed on the same batches, alternating (see the module docstring)."""
    import statistics

    from bantin.summarize.data import load_examples

    articles = [(e.title, e.body.split("\n")) for e in load_examples(dataset, "test", n)]
    trees = {"new": _load_tree(None, spec), "old": _load_tree(old_src, spec)}
    wall = {"new": 0.0, "old": 0.0}
    cpu = {"new": 0.0, "old": 0.0}
    ratios, differ = [], 0
    for r in range(rounds):
        for b, start in enumerate(range(0, len(articles), batch)):
            part = articles[start:start + batch]
            out, took = {}, {}
            for tree in (("new", "old") if (r + b) % 2 == 0 else ("old", "new")):
                mods, model, k = trees[tree]
                sys.modules.update(mods)  # the tree's own modules for its lazy imports
                w0, c0 = time.perf_counter(), time.process_time()
                out[tree] = [model.summarize_article(title=t, lead="", body=body, n_sentences=k) for t, body in part]
                took[tree] = time.perf_counter() - w0
                wall[tree] += took[tree]
                cpu[tree] += time.process_time() - c0
            ratios.append(took["old"] / took["new"])
            differ += sum(a != b for a, b in zip(out["new"], out["old"]))
    sys.modules.update(trees["new"][0])
    total = rounds * len(articles)
    return {"spec": spec, "dataset": dataset, "n_articles": len(articles), "rounds": rounds, "batch": batch, "old_src": old_src,
            "articles_per_s": round(total / wall["new"], 1), "old_articles_per_s": round(total / wall["old"], 1),
            "articles_per_cpu_s": round(total / cpu["new"], 1), "old_articles_per_cpu_s": round(total / cpu["old"], 1),
            "speedup_wall": round(wall["old"] / wall["new"], 3), "speedup_cpu": round(cpu["old"] / cpu["new"], 3),
            "speedup_batch_median": round(statistics.median(ratios), 3), "speedup_batch_min": round(min(ratios), 3),
            "speedup_batch_max": round(max(ratios), 3), "summaries_differ": differ, "threads": 1}


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
    ap.add_argument("--paired", action="store_true", help="with --old-src: both trees in one process, same batches, alternating")
    ap.add_argument("--batch", type=int, default=50, help="--paired: articles per timed batch")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--one-paired", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(bench_one(args.one, args.n_articles, args.dataset, args.repeat)))
        return []
    if args.one_paired:
        print(json.dumps(bench_paired(args.one_paired, args.old_src, args.n_articles, args.dataset, args.rounds, args.batch)))
        return []
    if args.paired:
        return _main_paired(args, argv)
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


def _main_paired(args, argv: list[str] | None) -> list[dict]:
    from bantin.bench import run_isolated

    if not args.old_src:
        raise SystemExit("--paired needs --old-src")
    loadavg = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    results = []
    for spec in args.models:
        cmd = [sys.executable, __file__, "--one-paired", spec, "--old-src", args.old_src, "--n-articles", str(args.n_articles),
               "--dataset", args.dataset, "--rounds", str(args.rounds), "--batch", str(args.batch)]
        res = run_isolated(cmd, f"{spec} (paired)")
        if res is None:
            continue
        res["loadavg_before"] = loadavg
        results.append(res)
        print(f"{spec}: this tree {res['articles_per_s']:.1f} articles/s ({res['articles_per_cpu_s']:.1f} per CPU s), old tree "
              f"{res['old_articles_per_s']:.1f} ({res['old_articles_per_cpu_s']:.1f}); speedup {res['speedup_wall']:.3f}x wall, "
              f"{res['speedup_cpu']:.3f}x CPU, per-batch median {res['speedup_batch_median']:.3f}x (min {res['speedup_batch_min']:.3f}, "
              f"max {res['speedup_batch_max']:.3f}); summaries that differ: {res['summaries_differ']}  "
              f"[{res['n_articles']} {res['dataset']} x {res['rounds']} rounds, batches of {res['batch']}; load {' '.join(loadavg)}]")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if not args.no_record:
        from bantin.tracking import record_run

        for res in results:
            record_run(task="summarize", kind="benchmark", model=f"{res['spec']} vs old tree (paired)", dataset=res["dataset"],
                       split=f"test[:{res['n_articles']}]" if res["dataset"] == "vietnews" else f"sample{res['n_articles']}",
                       metrics={k: res[k] for k in ("articles_per_s", "old_articles_per_s", "articles_per_cpu_s", "old_articles_per_cpu_s",
                                                    "speedup_wall", "speedup_cpu", "speedup_batch_median", "summaries_differ")},
                       command="python benchmarks/bench_summarize.py " + " ".join(argv if argv is not None else sys.argv[1:]), extra=res)
    return results


if __name__ == "__main__":
    main()
