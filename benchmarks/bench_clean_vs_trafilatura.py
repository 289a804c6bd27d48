"""bantin's cleaning step (parse, label, extract) side by side with ``trafilatura.extract`` on the same HTML pages.

    python benchmarks/bench_clean_vs_trafilatura.py [--rounds 5] [--model default] [--forms html txt markdown ...]

One process, one thread; the two run in alternating rounds over the same pages, so that the noise of a shared
machine hits both alike; the figure that counts is the ratio of the median round times (bantin / trafilatura,
below 1.0 = bantin faster). Pages: ``../shared/realpages`` (HTML) and the built dataset's test split HTML (first
``--n-built`` pages) when present. With ``--forms``, bantin's own throughput on the other forms is measured too
(trafilatura reads HTML only). Writes experiments/bench_clean_vs_trafilatura.json and a benchmark record.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[var] = "1"

REPO = Path(__file__).resolve().parent.parent


def page_sets(n_built: int, built_dir: str | None = None) -> dict[str, list[str]]:
    from bantin.boilerplate.realpages import load_realpages
    from bantin.data.paths import project_data_dir
    from bantin.errors import BantinDataError
    from bantin.io import iter_jsonl

    sets: dict[str, list[str]] = {}
    try:
        sets["realpages"] = [p.html for p in load_realpages()]
    except BantinDataError:
        pass
    test = (Path(built_dir) if built_dir else project_data_dir() / "built" / "pages") / "test.jsonl.gz"
    if test.exists() and n_built:
        sets["built-test"] = [r["html"] for r in iter_jsonl(test, limit=n_built) if r.get("html")]
    return sets


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--n-built", type=int, default=200)
    ap.add_argument("--built-dir", default=None, help="the built page dataset (default: data/built/pages)")
    ap.add_argument("--model", default="default", help="'default' or a boilerplate model directory")
    ap.add_argument("--forms", nargs="*", default=[], help="also time bantin on these forms of the real pages")
    ap.add_argument("--out", default=str(REPO / "experiments" / "bench_clean_vs_trafilatura.json"))
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args(argv)

    import trafilatura

    from bantin.blocks import parse_page
    from bantin.boilerplate import default_model_dir
    from bantin.boilerplate.extract import extract_article
    from bantin.data.forms import FORM_KIND, render_form
    from bantin.models import load_model

    model = load_model(default_model_dir() if args.model == "default" else args.model, task="boilerplate")

    from bantin.blocks.html_parser import clear_caches as clear_parser_caches
    from bantin.boilerplate.features import clear_caches as clear_feature_caches

    def ours(texts: list[str], kind: str) -> None:
        # every round starts cold (the per-block caches fill up within the round, across its pages, as in a crawl;
        # without clearing them, rounds 2+ would find every page already seen)
        clear_parser_caches()
        clear_feature_caches()
        for t in texts:
            extract_article(model.label_page(parse_page(t, kind=kind)))

    def theirs(texts: list[str]) -> None:
        for t in texts:
            trafilatura.extract(t)

    def timed(fn, *a) -> float:
        t0 = time.perf_counter()
        fn(*a)
        return time.perf_counter() - t0

    results: dict = {"rounds": args.rounds, "model": args.model, "sets": {}}
    for name, pages in page_sets(args.n_built, args.built_dir).items():
        ours(pages[:3], "html")  # warm-up (caches, lazy imports)
        theirs(pages[:3])
        a, b = [], []
        for _ in range(args.rounds):
            a.append(timed(ours, pages, "html"))
            b.append(timed(theirs, pages))
        ratio = statistics.median(a) / statistics.median(b)
        results["sets"][name] = {"n_pages": len(pages), "bantin_pages_per_s": round(len(pages) / statistics.median(a), 1),
                                 "trafilatura_pages_per_s": round(len(pages) / statistics.median(b), 1), "ratio": round(ratio, 3),
                                 "ratios_per_round": [round(x / y, 3) for x, y in zip(a, b)]}
        print(f"{name:12s} {len(pages):4d} pages  bantin {len(pages) / statistics.median(a):7.1f} pages/s  trafilatura.extract "
              f"{len(pages) / statistics.median(b):7.1f} pages/s  time ratio bantin/trafilatura {ratio:.2f}")
        if name == "realpages":
            for form in args.forms:
                texts = [render_form(p, form) for p in pages]
                ours(texts[:3], FORM_KIND[form])
                t = statistics.median(timed(ours, texts, FORM_KIND[form]) for _ in range(args.rounds))
                results["sets"][name].setdefault("forms_pages_per_s", {})[form] = round(len(texts) / t, 1)
                print(f"{'':12s} bantin on {form:11s} {len(texts) / t:7.1f} pages/s")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if not args.no_record:
        from bantin.tracking import record_run

        for name, r in results["sets"].items():
            record_run(task="boilerplate", kind="benchmark", model=f"clean:{args.model} vs trafilatura.extract", dataset=name, split="html",
                       metrics={k: v for k, v in r.items() if isinstance(v, (int, float))}, command="python " + " ".join([Path(__file__).name, *sys.argv[1:]]),
                       extra={k: v for k, v in r.items() if not isinstance(v, (int, float))})
    return results


if __name__ == "__main__":
    main()
