"""Throughput of the whole pipeline with 1 vs N worker processes (``Pipeline.pipe(n_process=N)``), where the time goes,
and memory per worker.

    python benchmarks/bench_parallel.py --workers 1 2 --n-pages 400

Each setting runs in its own subprocess (its peak memory is its own), one BLAS/torch thread per process. Per setting:
  path                 pipe: ``Pipeline.pipe(n_process=N)`` (ArticleResults back to the parent); analyze (``--path
                       analyze``): what ``bantin analyze --workers N`` runs (JSON lines rendered in the workers)
  articles_per_s       steady state: the worker pool is started and every worker has loaded the models and analyzed
                       a warm-up page before the clock starts (what a long batch run sees)
  articles_per_s_no_tail   the same, up to the last round of chunks (once fewer chunks than workers are left, a
                       worker idles: the end of a finite input, not the steady state of a long stream)
  articles_per_s_e2e   the same pages timed from pool start (start-up, imports, model loading included)
  startup_s            model loading + pool start + warm-up
  speedup, speedup_no_tail, speedup_e2e   articles_per_s (_no_tail, _e2e) / the 1-process figure (wall clock: moves with the load)
Where the time goes (CPU seconds are what a busy machine cannot take away; wall seconds are):
  pipe_cpu_ms_per_page      CPU per page inside the pipeline's stages (in the workers, all together)
  worker_cpu_ms_per_page    all the workers' CPU per page (/proc): the stages + unpickling pages + pickling results
  ipc_cpu_ms_per_page       worker_cpu - pipe_cpu: what the workers spend on inter-process traffic
  main_cpu_ms_per_page      the parent's CPU per page: cutting chunks, pickling pages, unpickling results
  worker_busy               the workers' CPU / (N x wall): below 1 = workers idle or waiting for a core
  control_cpu_ms_per_page   CPU per page of N independent one-process runs at the same time (``--control``): how much
                            the machine itself slows each process down when N run at once (caches, memory bandwidth,
                            shared cores), with no bantin parallel code involved
  cpu_bound_speedup    N x (1-process CPU per page / (workers' + parent's CPU per page)): the speed-up N free cores
                       would give, independent of the other load on a shared machine
Also the machine's load average at the start and the end: on a shared machine the wall-clock figures move with it.
Pages: the built dataset's test split when present, else the seed pages repeated (bantin.bench.benchmark_pages).
Writes experiments/bench_parallel.json and one record_run(task="pipeline", kind="benchmark") per setting.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TOKENIZERS_PARALLELISM"):
    os.environ[var] = "false" if var == "TOKENIZERS_PARALLELISM" else "1"

REPO = Path(__file__).resolve().parent.parent


def _warm(pipeline, payload):
    """One page per call, to make every worker load its lazy resources before timing."""
    time.sleep(0.2)  # keep a worker busy a little so that the next warm-up call goes to another worker
    return len(list(pipeline.pipe([payload], errors="report")))


def _pages(pipeline, payload):
    """One chunk in a worker, through the same code as ``pipe(n_process=N)`` (path "pipe") or as ``bantin analyze
    --workers N`` (path "analyze": records in, rendered JSON lines out); also returns the worker's pid, the CPU seconds
    the chunk took and its peak RSS."""
    from bantin.parallel import _analyze_chunk, _pipe_chunk, worker_peak_rss_mb

    path, chunk = payload
    c0 = time.process_time()
    results = (_pipe_chunk if path == "pipe" else _analyze_chunk)(pipeline, chunk)
    return os.getpid(), time.process_time() - c0, worker_peak_rss_mb(), results


def _proc_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far, from /proc (Linux)."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_one(workers: int, n: int, batch_size: int, dataset_dir: str | None, start_method: str | None, path: str = "pipe") -> dict:
    from functools import partial

    from bantin.analyze import AnalyzeOptions, analyze_records, render_result
    from bantin.bench import _peak_rss_mb, benchmark_pages
    from bantin.io.inputs import InputRecord
    from bantin.parallel import WorkerPool, chunked
    from bantin.pipeline import STAGES, Pipeline

    texts, source = benchmark_pages(n, dataset_dir)
    options = AnalyzeOptions(batch_size=batch_size)
    finish = partial(render_result, fmt="jsonl", only=list(STAGES))
    records = [InputRecord(id=str(i), content=t) for i, t in enumerate(texts)]
    t0 = time.perf_counter()
    nlp = Pipeline.load()
    method = None
    if workers == 1:
        nlp(texts[0])  # warm-up
        startup = time.perf_counter() - t0
        t1, c1 = time.perf_counter(), time.process_time()
        stream = nlp.pipe(texts, batch_size=batch_size, errors="report") if path == "pipe" else analyze_records(iter(records), nlp, options, finish)
        results, arrivals = [], []
        for r in stream:
            results.append(r)
            if len(results) % batch_size == 0 or len(results) == len(texts):
                arrivals.append((len(results), time.perf_counter() - t1))
        elapsed, main_cpu = time.perf_counter() - t1, time.process_time() - c1
        rss = {os.getpid(): _peak_rss_mb()}
        pipe_cpu = worker_cpu = main_cpu
    else:
        with WorkerPool(nlp, workers, start_method=start_method) as pool:
            method = pool.start_method
            list(pool.map_ordered(_warm, [texts[0]] * (workers * 2)))
            startup = time.perf_counter() - t0
            pids = pool.worker_pids()
            w0 = sum(_proc_cpu_s(p) for p in pids)
            t1, c1 = time.perf_counter(), time.process_time()
            results, rss, pipe_cpu, arrivals = [], {}, 0.0, []
            if path == "pipe":
                payloads = (("pipe", (i * batch_size, chunk, batch_size, "auto", "report")) for i, chunk in enumerate(chunked(texts, batch_size)))
            else:
                payloads = (("analyze", (chunk, options, finish)) for chunk in chunked(records, batch_size))
            for pid, cpu, peak, chunk in pool.map_ordered(_pages, payloads):
                results.extend(chunk)
                arrivals.append((len(results), time.perf_counter() - t1))
                rss[pid] = max(rss.get(pid, 0.0), peak)
                pipe_cpu += cpu
            elapsed, main_cpu = time.perf_counter() - t1, time.process_time() - c1
            worker_cpu = sum(_proc_cpu_s(p) for p in pids) - w0
    # Steady state without the tail: up to the chunk after which fewer chunks than workers were left (from then on
    # a worker has nothing to do; a long stream has no such end, a 400-page benchmark does).
    n_steady, t_steady = arrivals[max(0, len(arrivals) - 1 - workers)] if len(arrivals) > workers else arrivals[-1]
    ok = sum(getattr(r, "error", None) is None for r in results)
    ms = lambda s: round(1000 * s / len(texts), 2)  # noqa: E731
    return {
        "workers": workers,
        "path": path,
        "n_pages": len(texts),
        "n_ok": ok,
        "pages": source,
        "batch_size": batch_size,
        "seconds": round(elapsed, 3),
        "articles_per_s": round(len(texts) / elapsed, 2),
        "articles_per_s_no_tail": round(n_steady / t_steady, 2),
        "articles_per_s_e2e": round(len(texts) / (elapsed + startup), 2),
        "startup_s": round(startup, 2),
        "pipe_cpu_ms_per_page": ms(pipe_cpu),
        "worker_cpu_ms_per_page": ms(worker_cpu),
        "ipc_cpu_ms_per_page": ms(worker_cpu - pipe_cpu) if workers > 1 else 0.0,
        "main_cpu_ms_per_page": ms(main_cpu) if workers > 1 else 0.0,
        "worker_busy": round(worker_cpu / (workers * elapsed), 2),
        "worker_peak_rss_mb": sorted(round(v, 1) for v in rss.values()),
        "main_peak_rss_mb": round(_peak_rss_mb(), 1),
        "start_method": method,
    }


def _one_cmd(w: int, args: argparse.Namespace) -> list[str]:
    return ([sys.executable, __file__, "--one", str(w), "--n-pages", str(args.n_pages), "--batch-size", str(args.batch_size)]
            + ["--path", args.path] + (["--start-method", args.start_method] if args.start_method else [])
            + (["--dataset-dir", args.dataset_dir] if args.dataset_dir else []))


def control(n_copies: int, args: argparse.Namespace) -> float | None:
    """CPU ms per page of ``n_copies`` independent one-process runs started together (the machine's own contention)."""
    procs = [subprocess.Popen(_one_cmd(1, args), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=os.environ.copy())
             for _ in range(n_copies)]
    outs = [p.communicate()[0] for p in procs]
    if any(p.returncode for p in procs):
        return None
    cpus = [json.loads(o.strip().splitlines()[-1])["pipe_cpu_ms_per_page"] for o in outs]
    return round(sum(cpus) / len(cpus), 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--n-pages", type=int, default=800)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--dataset-dir", default=None)
    ap.add_argument("--start-method", default=None, choices=["spawn", "fork", "forkserver"],
                    help="default: bantin's own choice (bantin.parallel.default_start_method)")
    ap.add_argument("--path", default="pipe", choices=["pipe", "analyze"],
                    help="pipe: Pipeline.pipe(n_process=N), results back as ArticleResults; analyze: what `bantin analyze "
                         "--workers N` runs, records in, JSON lines rendered in the workers")
    ap.add_argument("--control", action=argparse.BooleanOptionalAction, default=True,
                    help="also run N independent one-process copies at once (the machine's own slow-down)")
    ap.add_argument("--out", default=str(REPO / "experiments" / "bench_parallel.json"))
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)  # internal: run one setting, print JSON
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(bench_one(args.one, args.n_pages, args.batch_size, args.dataset_dir, args.start_method, args.path)))
        return

    from bantin.bench import run_isolated
    from bantin.tracking import record_run

    load = os.getloadavg()
    figures = []
    for w in args.workers:
        res = run_isolated(_one_cmd(w, args), f"{w} worker(s)")
        if res is None:
            continue
        if w > 1 and args.control:
            res["control_cpu_ms_per_page"] = control(w, args)
        figures.append(res)
    load_end = os.getloadavg()
    base = next((f for f in figures if f["workers"] == 1), None)
    for f in figures:
        f["speedup"] = round(f["articles_per_s"] / base["articles_per_s"], 2) if base else None
        f["speedup_no_tail"] = round(f["articles_per_s_no_tail"] / base["articles_per_s_no_tail"], 2) if base else None
        f["speedup_e2e"] = round(f["articles_per_s_e2e"] / base["articles_per_s_e2e"], 2) if base else None
        # On N free cores the wall-clock speed-up is bounded by N x (one process's CPU per page / all CPU per page of
        # the parallel run): a load-independent view of the parallel overhead.
        f["cpu_bound_speedup"] = (round(f["workers"] * base["pipe_cpu_ms_per_page"] / (f["worker_cpu_ms_per_page"] + f["main_cpu_ms_per_page"]), 2)
                                  if base else None)
        f["load_avg_1m_at_start"], f["load_avg_1m_at_end"] = round(load[0], 2), round(load_end[0], 2)
        f["cpu_count"] = os.cpu_count()
        print(f"{f['workers']} worker(s) [{f['path']}, {f['start_method'] or 'in process'}]: {f['articles_per_s']} articles/s steady ({f['articles_per_s_no_tail']} without the tail), "
              f"{f['articles_per_s_e2e']} incl. start-up {f['startup_s']} s; speedup {f['speedup']} (no tail {f['speedup_no_tail']}, e2e {f['speedup_e2e']}, "
              f"CPU-bound {f['cpu_bound_speedup']}); CPU ms/page: stages {f['pipe_cpu_ms_per_page']}, workers "
              f"{f['worker_cpu_ms_per_page']} (IPC {f['ipc_cpu_ms_per_page']}), parent {f['main_cpu_ms_per_page']}"
              + (f", {f['workers']} independent processes {f['control_cpu_ms_per_page']}" if f.get("control_cpu_ms_per_page") else "")
              + f"; workers busy {f['worker_busy']}; peak RSS workers {f['worker_peak_rss_mb']} MiB, parent {f['main_peak_rss_mb']} MiB")
        metrics = {k: f[k] for k in ("articles_per_s", "articles_per_s_no_tail", "articles_per_s_e2e", "speedup", "speedup_no_tail", "speedup_e2e", "cpu_bound_speedup", "startup_s",
                                     "pipe_cpu_ms_per_page", "worker_cpu_ms_per_page", "main_cpu_ms_per_page", "load_avg_1m_at_start")}
        record_run(task="pipeline", kind="benchmark", model=f"default, {f['workers']} worker(s), {f['path']}", dataset=f["pages"], split=f"{f['n_pages']} pages",
                   metrics=metrics | {"worker_peak_rss_mb": max(f["worker_peak_rss_mb"]), "main_peak_rss_mb": f["main_peak_rss_mb"]},
                   duration_s=f["seconds"], extra=f, command="python benchmarks/bench_parallel.py " + " ".join(sys.argv[1:]))
    print(f"load average: {load[0]:.2f} at start, {load_end[0]:.2f} at end, on {os.cpu_count()} CPUs (on a shared machine the wall-clock "
          "figures move with the other jobs; the CPU figures much less)")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
