"""Speed of the page dataset builder: pages/s and blocks per page, hand-written templates vs generated site styles.

    python benchmarks/bench_builder.py --pages 300 [--data-dir ../shared/data]

Single process (workers=1), one build per template family on the same source articles (read once). Figures:
  pages_per_s        generation + rendering + verification against both parsers, per page
  text_blocks_per_page, html_blocks_per_page
Writes experiments/bench_builder.json and one record_run(kind="benchmark") per family.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
REPO = Path(__file__).resolve().parent.parent

FAMILIES = {
    "hand_written": ["generated.train=0", "generated.val=0", "generated.test=0"],
    "generated": ["templates=[]", "val_templates=[]", "test_templates=[]"],
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=300, help="train pages per family (val/test get a tenth each)")
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--max-articles", type=int, default=1500)
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO / "src"))
    from bantin.config import load_config
    from bantin.data.builder import BuilderConfig
    from bantin.data.builder.build import build_pages
    from bantin.data.builder.sources import load_sources

    base = [f"pages.train={args.pages}", f"pages.val={max(1, args.pages // 10)}", f"pages.test={max(1, args.pages // 10)}",
            f"max_articles={args.max_articles}", f"max_filler={args.max_articles}", "out_dir=unused"]
    if args.data_dir:
        base.append(f"data_dir={args.data_dir}")
    cfg0 = load_config(BuilderConfig, None, base)
    pool = load_sources(cfg0.corpora, cfg0.max_articles, cfg0.filler_corpus, cfg0.max_filler, cfg0.seed,
                        cfg0.article_fractions.val, cfg0.article_fractions.test, cfg0.data_dir, cfg0.min_body_chars,
                        cfg0.max_title_chars)
    results = []
    for family, overrides in FAMILIES.items():
        config = load_config(BuilderConfig, None, base + overrides)
        t0 = time.perf_counter()
        pages, card = build_pages(config, pool)
        dt = time.perf_counter() - t0
        n = sum(len(v) for v in pages.values())
        text_blocks = sum(len(r["labels"]) for v in pages.values() for r in v)
        html_blocks = sum(len(r.get("html_labels", [])) for v in pages.values() for r in v)
        res = {"family": family, "pages": n, "seconds": round(dt, 2), "pages_per_s": round(n / dt, 2),
               "text_blocks_per_page": round(text_blocks / max(1, n), 1), "html_blocks_per_page": round(html_blocks / max(1, n), 1),
               "dropped": card["dropped"]["total"]}
        print(json.dumps(res))
        results.append(res)
        if not args.no_record:
            from bantin.tracking import record_run

            record_run(task="data", kind="benchmark", model=f"builder:{family}", dataset="built pages", split=f"{n} pages",
                       metrics={k: v for k, v in res.items() if k != "family"}, duration_s=dt,
                       command="python benchmarks/bench_builder.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    out = REPO / "experiments" / "bench_builder.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
