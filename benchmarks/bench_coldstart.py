"""Cold start of the command line: one page analyzed by a fresh process with the embedded default models.

    python benchmarks/bench_coldstart.py [--runs 7] [--page data/samples/laodongthudo.txt]

Each run is `python -m bantin analyze PAGE -f json -o /dev/null` in its own process (interpreter start, imports,
model loading, one page through all three stages); its CPU time (user + system) and peak RSS come from the
kernel's accounting of that child (os.wait4 -> ru_utime + ru_stime, ru_maxrss). Also measured: a bare
`python -c pass`, the floor that no change in bantin can lower. Prints the median, min and max per figure,
the targets (<= 1.0 s CPU, <= 250 MB peak) and which heavy libraries the analysis imported; writes
experiments/bench_coldstart.json and one record_run(kind="benchmark").
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_CPU_S, TARGET_RSS_MB = 1.0, 250.0
HEAVY = ("torch", "transformers", "datasets", "sklearn", "scipy", "pandas", "underthesea")


def run_child(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run one command; its own CPU seconds, peak RSS (MB) and wall seconds, from os.wait4."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {proc.returncode}:\n{err[-2000:]}")
    return {"cpu_s": usage.ru_utime + usage.ru_stime, "user_s": usage.ru_utime, "sys_s": usage.ru_stime,
            "peak_rss_mb": usage.ru_maxrss / 1024, "wall_s": wall}


def summary(runs: list[dict[str, float]]) -> dict[str, float]:
    out = {}
    for key in runs[0]:
        values = [r[key] for r in runs]
        out[f"{key}_median"] = round(statistics.median(values), 3)
        out[f"{key}_min"] = round(min(values), 3)
        out[f"{key}_max"] = round(max(values), 3)
    return out


def heavy_imports(page: Path, env: dict[str, str]) -> list[str]:
    code = ("import sys\nfrom bantin.cli import main\n"
            f"sys.argv = ['bantin', 'analyze', {str(page)!r}, '-f', 'json', '-o', {os.devnull!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(HEAVY)!r}))))")
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=REPO)
    return res.stdout.split()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--page", type=Path, default=REPO / "data" / "samples" / "laodongthudo.txt")
    ap.add_argument("--out", type=Path, default=REPO / "experiments" / "bench_coldstart.json")
    ap.add_argument("--no-record", action="store_true", help="do not append to experiments/results.jsonl")
    args = ap.parse_args()

    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / "src") + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    analyze = [sys.executable, "-m", "bantin", "analyze", str(args.page), "-f", "json", "-o", os.devnull]
    run_child(analyze, env)  # warm the file cache and the bytecode cache: every run measures the same thing
    floor = summary([run_child([sys.executable, "-c", "pass"], env) for _ in range(args.runs)])
    runs = [run_child(analyze, env) for _ in range(args.runs)]
    figures = summary(runs)
    figures.update({"python_floor_cpu_s_median": floor["cpu_s_median"], "python_floor_peak_rss_mb_median": floor["peak_rss_mb_median"],
                    "runs": args.runs, "target_cpu_s": TARGET_CPU_S, "target_peak_rss_mb": TARGET_RSS_MB,
                    "meets_cpu_target": figures["cpu_s_median"] <= TARGET_CPU_S,
                    "meets_rss_target": figures["peak_rss_mb_median"] <= TARGET_RSS_MB})
    imported = heavy_imports(args.page, env)
    command = "python benchmarks/bench_coldstart.py " + " ".join(sys.argv[1:])
    result = {"command": command.strip(), "page": str(args.page.relative_to(REPO) if args.page.is_relative_to(REPO) else args.page),
              "measured": " ".join(analyze[1:]).replace(str(REPO) + "/", ""), "figures": figures, "heavy_modules_imported": imported,
              "runs": [{k: round(v, 3) for k, v in r.items()} for r in runs], "cpus": os.cpu_count(),
              "load_average": [round(x, 2) for x in os.getloadavg()]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"one-page `bantin analyze` cold start, {args.runs} runs (median [min-max]):")
    print(f"  CPU time   {figures['cpu_s_median']:.2f} s [{figures['cpu_s_min']:.2f}-{figures['cpu_s_max']:.2f}]"
          f"  (user {figures['user_s_median']:.2f}, sys {figures['sys_s_median']:.2f}; target <= {TARGET_CPU_S} s:"
          f" {'met' if figures['meets_cpu_target'] else 'MISSED'})")
    print(f"  peak RSS   {figures['peak_rss_mb_median']:.0f} MB [{figures['peak_rss_mb_min']:.0f}-{figures['peak_rss_mb_max']:.0f}]"
          f"  (target <= {TARGET_RSS_MB:.0f} MB: {'met' if figures['meets_rss_target'] else 'MISSED'})")
    print(f"  wall       {figures['wall_s_median']:.2f} s; bare `python -c pass`: {floor['cpu_s_median']:.2f} s CPU, "
          f"{floor['peak_rss_mb_median']:.0f} MB")
    print(f"  heavy libraries imported: {', '.join(imported) or 'none'}")
    print(f"wrote {args.out}")
    if not args.no_record:
        sys.path.insert(0, str(REPO / "src"))
        from bantin.tracking import record_run

        record_run(task="pipeline", kind="benchmark", model="default (embedded)", dataset=result["page"], split="one page",
                   metrics={k: v for k, v in figures.items() if isinstance(v, (int, float)) and not isinstance(v, bool)},
                   command=command.strip(), extra={"benchmark": "coldstart", "heavy_modules_imported": imported,
                                                   "load_average": result["load_average"]})


if __name__ == "__main__":
    main()
