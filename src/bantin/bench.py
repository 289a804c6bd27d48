"""End-to-end pipeline benchmark: articles/s and peak memory on N pages (`bantin bench`)."""

from __future__ import annotations

import json
import os
import resource
import time
from pathlib import Path
from typing import Any

from bantin.errors import BantinDataError


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def benchmark_pages(n: int, dataset_dir: str | Path | None = None) -> tuple[list[str], str]:
    """N page texts: the built dataset's test split when present, else the seed pages repeated."""
    from bantin.data.paths import project_data_dir

    dataset_dir = Path(dataset_dir) if dataset_dir else project_data_dir() / "built" / "pages"
    texts: list[str] = []
    source = ""
    test_file = dataset_dir / "test.jsonl.gz"
    if test_file.exists():
        from bantin.io import iter_jsonl

        for rec in iter_jsonl(test_file, limit=n):
            texts.append(rec["text"])
        source = f"built:{dataset_dir}/test"
    if not texts:
        from bantin.data.seeds import load_seed_pages

        seeds = ["\n".join(b.raw for b in p.blocks) for p in load_seed_pages()]
        if not seeds:
            raise BantinDataError("no pages to benchmark on: build the dataset or provide the seed pages")
        texts = seeds
        source = "seeds (repeated)"
    while len(texts) < n:
        texts.extend(texts[: n - len(texts)])
    return texts[:n], source


def bench_pipeline(
    n_pages: int = 1000,
    batch_size: int = 64,
    models: str | Path | None = None,
    dataset_dir: str | Path | None = None,
    threads: int | None = None,
    out_json: str | Path | None = None,
    record: bool = True,
) -> dict[str, Any]:
    """Time the default pipeline (all three stages) over N pages, after one warm-up page."""
    if threads:
        os.environ["OMP_NUM_THREADS"] = str(threads)
        try:
            import torch

            torch.set_num_threads(threads)
        except ImportError:
            pass
    from bantin.pipeline import ArticleResult, Pipeline

    texts, source = benchmark_pages(n_pages, dataset_dir)
    t0 = time.perf_counter()
    nlp = Pipeline.load(models)
    nlp(texts[0])  # warm-up: lazy imports, first-call caches
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    results = list(nlp.pipe(texts, batch_size=batch_size, errors="report"))
    elapsed = time.perf_counter() - t0
    ok = sum(isinstance(r, ArticleResult) for r in results)
    figures = {
        "n_pages": len(texts),
        "n_ok": ok,
        "seconds": round(elapsed, 3),
        "articles_per_s": round(len(texts) / elapsed, 2),
        "load_and_warmup_s": round(load_s, 3),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "batch_size": batch_size,
        "threads": threads or os.cpu_count(),
        "pages": source,
    }
    if out_json:
        Path(out_json).parent.mkdir(parents=True, exist_ok=True)
        Path(out_json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if record:
        from bantin.tracking import record_run

        record_run(
            task="pipeline", kind="benchmark", model="default" if models is None else str(models), dataset=source, split=f"{len(texts)} pages",
            metrics={"articles_per_s": figures["articles_per_s"], "peak_rss_mb": figures["peak_rss_mb"]}, duration_s=elapsed, extra=figures,
            command="bantin bench",
        )
    return figures


def run_isolated(cmd: list[str], label: str, env: dict[str, str] | None = None) -> dict[str, Any] | None:
    """Run one benchmark in a fresh process (so peak memory is its own) and parse the JSON of its last output line;
    on failure, print the tail of its stderr and return None so the other benchmarks still run. ``env``: variables set
    on top of this process's environment (e.g. ``PYTHONPATH`` of another source tree)."""
    import os
    import subprocess
    import sys

    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if proc.returncode != 0:
        print(f"{label}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])
