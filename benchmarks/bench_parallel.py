"""Throughput of the whole pipeline with 1 vs N worker processes (``Pipeline.pipe(n_process=N)``), and memory per worker.

    python benchmarks/bench_parallel.py --workers 1 2 --n-pages 400

Each setting runs in its own subprocess (its peak memory is its own), one BLAS/torch thread per process. Per setting:
  articles_per_s       steady state: the worker pool is started and every worker has loaded the models and analyzed
                       a warm-up page before the clock starts (what a long batch run sees)
  articles_per_s_e2e   the same pages timed from pool start (spawn, imports, model loading included)
  startup_s            pool start + model loading + warm-up
  worker_peak_rss_mb   peak RSS of each worker (MiB); main_peak_rss_mb for the parent (1 worker: the one process)
  speedup              articles_per_s / the 1-worker articles_per_s (wall clock: depends on the machine's other load)
  worker_cpu_ms_per_page, main_cpu_ms_per_page   CPU time per page in the workers (all together) and in the parent
  cpu_bound_speedup    N x (1-process CPU per page / workers' CPU per page): what N free cores would give at most,
                       independent of the other load on a shared machine
Also the machine's load average at the start: on a shared machine the figures move with the other jobs' load.
Pages: the built dataset's test split when present, else the seed pages repeated (bantin.bench.benchmark_pages).
Writes experiments/bench_parallel.json and one record_run(task="pipeline", kind="benchmark") per setting.
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


def _warm(pipeline, payload):
    """One page per call, to make every worker load its models and lazy resources before timing."""
    time.sleep(0.2)  # keep a worker busy a little so that the next warm-up call goes to another worker
    return len(list(pipeline.pipe([payload], errors="report")))


def _pages(pipeline, payload):
    """One chunk in a worker; also returns the worker's pid, the CPU seconds the chunk took and its peak RSS."""
    from bantin.parallel import worker_peak_rss_mb

    c0 = time.process_time()
    results = list(pipeline.pipe(payload, batch_size=len(payload), errors="report"))
    return os.getpid(), time.process_time() - c0, worker_peak_rss_mb(), results


def bench_one(workers: int, n: int, batch_size: int, dataset_dir: str | None, start_method: str) -> dict:
    from bantin.bench import _peak_rss_mb, benchmark_pages
    from bantin.parallel import WorkerPool, chunked
    from bantin.pipeline import ArticleResult, Pipeline

    texts, source = benchmark_pages(n, dataset_dir)
    t0 = time.perf_counter()
    nlp = Pipeline.load()
    if workers == 1:
        nlp(texts[0])  # warm-up
        startup = time.perf_counter() - t0
        t1, c1 = time.perf_counter(), time.process_time()
        results = list(nlp.pipe(texts, batch_size=batch_size, errors="report"))
        elapsed, main_cpu = time.perf_counter() - t1, time.process_time() - c1
        rss = {os.getpid(): _peak_rss_mb()}
        worker_cpu = main_cpu
    else:
        with WorkerPool(nlp, workers, start_method=start_method) as pool:
            list(pool.map_ordered(_warm, [texts[0]] * (workers * 2)))
            startup = time.perf_counter() - t0
            t1, c1 = time.perf_counter(), time.process_time()
            results, rss, worker_cpu = [], {}, 0.0
            for pid, cpu, peak, chunk in pool.map_ordered(_pages, chunked(texts, batch_size)):
                results.extend(chunk)
                rss[pid] = max(rss.get(pid, 0.0), peak)
                worker_cpu += cpu
            elapsed, main_cpu = time.perf_counter() - t1, time.process_time() - c1
    ok = sum(isinstance(r, ArticleResult) for r in results)
    return {
        "workers": workers,
        "n_pages": len(texts),
        "n_ok": ok,
        "pages": source,
        "batch_size": batch_size,
        "seconds": round(elapsed, 3),
        "articles_per_s": round(len(texts) / elapsed, 2),
        "articles_per_s_e2e": round(len(texts) / (elapsed + startup), 2),
        "startup_s": round(startup, 2),
        "worker_cpu_ms_per_page": round(1000 * worker_cpu / len(texts), 2),
        "main_cpu_ms_per_page": round(1000 * main_cpu / len(texts), 2),
        "worker_peak_rss_mb": sorted(round(v, 1) for v in rss.values()),
        "main_peak_rss_mb": round(_peak_rss_mb(), 1),
        "start_method": start_method if workers > 1 else None,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--n-pages", type=int, default=400)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--dataset-dir", default=None)
    ap.add_argument("--start-method", default="spawn", choices=["spawn", "fork", "forkserver"])
    ap.add_argument("--out", default=str(REPO / "experiments" / "bench_parallel.json"))
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)  # internal: run one setting, print JSON
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(bench_one(args.one, args.n_pages, args.batch_size, args.dataset_dir, args.start_method)))
        return

    from bantin.bench import run_isolated
    from bantin.tracking import record_run

    load = os.getloadavg()
    figures = []
    for w in args.workers:
        cmd = [sys.executable, __file__, "--one", str(w), "--n-pages", str(args.n_pages), "--batch-size", str(args.batch_size),
               "--start-method", args.start_method] + (["--dataset-dir", args.dataset_dir] if args.dataset_dir else [])
        res = run_isolated(cmd, f"{w} worker(s)")
        if res is None:
            continue
        figures.append(res)
    base = next((f for f in figures if f["workers"] == 1), None)
    for f in figures:
        f["speedup"] = round(f["articles_per_s"] / base["articles_per_s"], 2) if base else None
        # On N free cores the wall-clock speedup is bounded by N x (one process's CPU per page / a worker's CPU per page):
        # a load-independent view of the parallel overhead (the parent's own CPU per page is reported beside it).
        f["cpu_bound_speedup"] = round(f["workers"] * base["worker_cpu_ms_per_page"] / f["worker_cpu_ms_per_page"], 2) if base else None
        f["load_avg_1m_at_start"] = round(load[0], 2)
        f["cpu_count"] = os.cpu_count()
        print(f"{f['workers']} worker(s): {f['articles_per_s']} articles/s steady ({f['articles_per_s_e2e']} incl. startup "
              f"{f['startup_s']} s), speedup {f['speedup']} (CPU-bound bound {f['cpu_bound_speedup']}), CPU/page worker "
              f"{f['worker_cpu_ms_per_page']} ms main {f['main_cpu_ms_per_page']} ms, worker peak RSS {f['worker_peak_rss_mb']} MiB, "
              f"main {f['main_peak_rss_mb']} MiB")
        record_run(task="pipeline", kind="benchmark", model=f"default, {f['workers']} worker(s)", dataset=f["pages"], split=f"{f['n_pages']} pages",
                   metrics={k: f[k] for k in ("articles_per_s", "articles_per_s_e2e", "speedup", "cpu_bound_speedup", "startup_s")}
                   | {"worker_peak_rss_mb": max(f["worker_peak_rss_mb"]), "main_peak_rss_mb": f["main_peak_rss_mb"]},
                   duration_s=f["seconds"], extra=f, command="python benchmarks/bench_parallel.py " + " ".join(sys.argv[1:]))
    print(f"load average at start: {load[0]:.2f} on {os.cpu_count()} CPUs (shared machine: figures are noisy)")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
