"""Requests/s and latency of `bantin serve` for single-page POST /analyze requests, on loopback only.

    python benchmarks/bench_serve.py --requests 200 --concurrency 1 2

Starts `bantin serve` (uvicorn, one process, default models) on 127.0.0.1 and a free port, waits for /health, sends
a few warm-up requests, then a bounded number of requests per concurrency level (client threads, each request a
page of the sample/seed set, JSON {"text", "id"}), and stops the server. Figures per concurrency level:
  requests_per_s, latency_ms p50/p95/max (client side, full round trip), errors (non-200 answers)
One server process analyzes one page at a time, so requests/s is bounded by the pipeline's single-core speed;
`bantin serve --workers N` adds processes. On a shared machine the figures move with the other jobs' load.
Writes experiments/bench_serve.json and one record_run(task="pipeline", kind="benchmark") per level.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=200, help="requests per concurrency level (bounded)")
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--server-workers", type=int, default=1)
    ap.add_argument("--startup-timeout", type=float, default=180)
    ap.add_argument("--out", default=str(REPO / "experiments" / "bench_serve.json"))
    args = ap.parse_args()

    import httpx

    from bantin.bench import benchmark_pages
    from bantin.tracking import record_run

    pages, source = benchmark_pages(max(args.requests, 1))
    port = _free_port()
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    env["PYTHONPATH"] = str(REPO / "src") + os.pathsep + env.get("PYTHONPATH", "")
    server = subprocess.Popen([sys.executable, "-m", "bantin", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers",
                               str(args.server_workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    figures = []
    load = os.getloadavg()
    try:
        with httpx.Client(trust_env=False, timeout=120) as client:
            deadline = time.monotonic() + args.startup_timeout
            while True:
                if server.poll() is not None:
                    sys.exit(f"server exited: {server.stderr.read().decode(errors='replace')[-2000:]}")
                try:
                    if client.get(f"{url}/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    sys.exit(f"server not up after {args.startup_timeout} s")
                time.sleep(0.5)
            for i in range(5):  # warm-up: lazy imports and first-call caches in the server
                client.post(f"{url}/analyze", json={"text": pages[i % len(pages)], "id": f"warm{i}"})

            def one(i: int) -> tuple[float, int]:
                t = time.perf_counter()
                r = client.post(f"{url}/analyze", json={"text": pages[i % len(pages)], "id": str(i)})
                return time.perf_counter() - t, r.status_code

            for conc in args.concurrency:
                t0 = time.perf_counter()
                with ThreadPoolExecutor(conc) as pool:
                    answers = list(pool.map(one, range(args.requests)))
                wall = time.perf_counter() - t0
                lat = [a[0] * 1000 for a in answers]
                f = {
                    "concurrency": conc,
                    "server_workers": args.server_workers,
                    "requests": args.requests,
                    "requests_per_s": round(args.requests / wall, 2),
                    "latency_ms_p50": round(statistics.median(lat), 1),
                    "latency_ms_p95": round(_percentile(lat, 0.95), 1),
                    "latency_ms_max": round(max(lat), 1),
                    "errors": sum(code != 200 for _, code in answers),
                    "pages": source,
                    "load_avg_1m_at_start": round(load[0], 2),
                    "cpu_count": os.cpu_count(),
                }
                figures.append(f)
                print(f"concurrency {conc}: {f['requests_per_s']} requests/s, latency p50 {f['latency_ms_p50']} ms, "
                      f"p95 {f['latency_ms_p95']} ms, max {f['latency_ms_max']} ms, errors {f['errors']}")
                record_run(task="pipeline", kind="benchmark", model=f"bantin serve (uvicorn, {args.server_workers} process), concurrency {conc}",
                           dataset=source, split=f"{args.requests} requests",
                           metrics={k: f[k] for k in ("requests_per_s", "latency_ms_p50", "latency_ms_p95", "errors")}, duration_s=wall, extra=f,
                           command="python benchmarks/bench_serve.py " + " ".join(sys.argv[1:]))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    print(f"load average at start: {load[0]:.2f} on {os.cpu_count()} CPUs (shared machine: figures are noisy)")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
