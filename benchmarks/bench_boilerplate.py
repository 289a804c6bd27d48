"""Speed benchmark of the boilerplate models and reference extractors on the same pages.

    python benchmarks/bench_boilerplate.py --models default rules justext trafilatura --n-pages 500

Single thread (OMP_NUM_THREADS=1, torch.set_num_threads(1)); each model runs in its own subprocess so that
its peak RSS (resource.getrusage ru_maxrss) is its own. Figures per model:
  pages_per_s        labeling + article extraction of already-parsed pages (the model's own cost)
  pages_per_s_e2e    parsing the raw page text too (what `bantin analyze` pays per page)
  peak_rss_mb        peak resident memory of the process (model loaded, all pages held)
Pages: the built dataset's test split (text rendering; HTML for trafilatura), else the seed pages repeated.
Writes experiments/bench_boilerplate.json and one record_run(kind="benchmark") per model.
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


def load_bench_pages(n: int, dataset_dir: str | None) -> tuple[list[dict], str]:
    """n raw pages {id, text, html?}: the built test split when present, else the seeds repeated."""
    from bantin.data.paths import project_data_dir
    from bantin.io import iter_jsonl

    d = Path(dataset_dir) if dataset_dir else project_data_dir() / "built" / "pages"
    recs: list[dict] = []
    source = ""
    if (d / "test.jsonl.gz").exists():
        recs = [{"id": r["id"], "text": r["text"], "html": r.get("html")} for r in iter_jsonl(d / "test.jsonl.gz", limit=n)]
        source = f"built test split ({d})"
    if not recs:
        from bantin.data.paths import seeds_dir

        files = sorted(seeds_dir().glob("*.txt"))
        recs = [{"id": f.stem, "text": f.read_text(encoding="utf-8"), "html": None} for f in files]
        source = "seed pages (repeated)"
    while recs and len(recs) < n:
        recs += recs[: n - len(recs)]
    return recs[:n], source


def bench_one(spec: str, n: int, dataset_dir: str | None) -> dict:
    import resource

    from bantin.blocks import parse_text
    from bantin.boilerplate.extract import extract_article

    recs, source = load_bench_pages(n, dataset_dir)
    t0 = time.perf_counter()
    if spec in ("justext", "trafilatura"):
        from bantin.boilerplate.baselines import BASELINES

        ex = BASELINES[spec]()
        run = lambda page, rec: ex.run(page, rec.get("html") if spec == "trafilatura" else None)  # noqa: E731
    else:
        from bantin.boilerplate import default_model_dir
        from bantin.boilerplate.rules import RulesLabeler
        from bantin.models import load_model

        model = RulesLabeler() if spec == "rules" else load_model(default_model_dir() if spec == "default" else spec, task="boilerplate")
        if "torch" in sys.modules:  # transformer models: one intra-op thread
            sys.modules["torch"].set_num_threads(1)
        run = lambda page, rec: extract_article(model.label_page(page))  # noqa: E731
    load_s = time.perf_counter() - t0
    pages = [parse_text(r["text"], page_id=r["id"]) for r in recs]
    for p, r in zip(pages[:5], recs[:5]):  # warm-up
        run(p, r)
    t0 = time.perf_counter()
    for p, r in zip(pages, recs):
        run(p, r)
    label_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for r in recs:
        run(parse_text(r["text"], page_id=r["id"]), r)
    e2e_s = time.perf_counter() - t0
    return {
        "model": spec, "n_pages": len(pages), "n_blocks": sum(len(p.blocks) for p in pages), "pages": source,
        "pages_per_s": round(len(pages) / label_s, 3), "pages_per_s_e2e": round(len(pages) / e2e_s, 3),
        "load_s": round(load_s, 2), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1), "threads": 1,
    }


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", nargs="+", default=["default", "rules", "justext", "trafilatura"])
    ap.add_argument("--n-pages", type=int, default=500)
    ap.add_argument("--dataset-dir", default=None)
    ap.add_argument("--out", default=str(REPO / "experiments" / "bench_boilerplate.json"))
    ap.add_argument("--no-record", action="store_true")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(bench_one(args.one, args.n_pages, args.dataset_dir)))
        return []
    from bantin.bench import run_isolated

    results = []
    for spec in args.models:
        cmd = [sys.executable, __file__, "--one", spec, "--n-pages", str(args.n_pages)] + (["--dataset-dir", args.dataset_dir] if args.dataset_dir else [])
        res = run_isolated(cmd, spec)
        if res is None:
            continue
        results.append(res)
        print(f"{spec:28s} {res['pages_per_s']:8.1f} pages/s  (with parsing {res['pages_per_s_e2e']:.1f})  peak RSS {res['peak_rss_mb']:.0f} MB  [{res['n_pages']} pages]")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if not args.no_record:
        from bantin.tracking import record_run

        for res in results:
            record_run(task="boilerplate", kind="benchmark", model=res["model"], dataset=res["pages"], split=f"{res['n_pages']} pages",
                       metrics={"pages_per_s": res["pages_per_s"], "pages_per_s_e2e": res["pages_per_s_e2e"], "peak_rss_mb": res["peak_rss_mb"]},
                       command="python benchmarks/bench_boilerplate.py " + " ".join(argv or sys.argv[1:]), extra=res)
    return results


if __name__ == "__main__":
    main()
