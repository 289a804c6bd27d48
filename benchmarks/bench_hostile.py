"""Full-size hostile pages through `bantin analyze` (issue 11, item 8): time and peak memory, with a timeout.

    python benchmarks/bench_hostile.py                      # every case, clean stage and full pipeline
    python benchmarks/bench_hostile.py --cases lines_1m --stages clean --timeout 300

Cases (written to a temporary folder, then read as files, as the CLI does):
  lines_1m      1,000,000 short lines of flattened text (14 MB)
  md_1m         400,000 Markdown list items with links (15 MB; a million would be over the 20 MB page limit)
  one_line_19mb one 19 MB line of Vietnamese sentences (one block)
  class_1m      a 7.9 MB HTML page whose wrapper <div> has a one-million-token class attribute, 200 paragraphs inside
  deep_5000     HTML nested 5,000 <div> levels deep, text before, inside and after the deep point
  stray_byte    the sample page with one invalid UTF-8 byte
Each (case, stages) runs in a fresh process, warmed up on the sample page first (load_s: loading and warm-up; wall_s:
the hostile page alone) (OMP threads = 1, address space capped by --mem-cap-gb), so its peak
RSS is its own; a run past --timeout is killed and reported as such. Writes experiments/bench_hostile.json
and one record_run(kind="benchmark") per run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[var] = "1"

REPO = Path(__file__).resolve().parent.parent
CASES = ("lines_1m", "md_1m", "class_1m", "deep_5000", "stray_byte", "one_line_19mb")


def make_case(name: str, folder: Path) -> Path:
    if name == "lines_1m":
        path = folder / "lines_1m.txt"
        path.write_text("\n".join(f"dòng {i} x" for i in range(1_000_000)), encoding="utf-8")
    elif name == "md_1m":
        path = folder / "md_400k.md.txt"
        path.write_text("# Tiêu đề\n\n" + "".join(f"- [mục {i}](http://x.vn/{i}) **đậm**\n" for i in range(400_000)), encoding="utf-8")
    elif name == "one_line_19mb":
        path = folder / "one_line_19mb.txt"
        sentence = "Hôm nay trời mưa to ở Hà Nội, nhiều tuyến phố bị ngập sâu. "
        path.write_text(sentence * (19 * 2**20 // len(sentence.encode("utf-8"))), encoding="utf-8")
    elif name == "class_1m":
        path = folder / "class_1m.html"
        cls = " ".join(f"c{i}" for i in range(1_000_000))
        paras = "".join(f"<p>Đoạn văn thứ {i} của bài báo, kể chuyện thời tiết ở Hà Nội hôm nay.</p>" for i in range(200))
        path.write_text(f"<html><body><div class='{cls}'><h1>Tiêu đề bài báo</h1>{paras}</div></body></html>", encoding="utf-8")
    elif name == "deep_5000":
        path = folder / "deep_5000.html"
        d = 5000
        path.write_text("<html><body><h1>Tiêu đề</h1><p>Trước điểm sâu, một đoạn văn đủ dài để là nội dung bài báo.</p>"
                        + "<div>" * d + "<p>Sâu</p>" + "</div>" * d + "<p>Sau điểm sâu, đoạn văn này vẫn phải còn.</p></body></html>", encoding="utf-8")
    elif name == "stray_byte":
        path = folder / "stray_byte.txt"
        data = (REPO / "data" / "samples" / "laodongthudo.txt").read_bytes()
        mid = data.index(b"\n", len(data) // 2)
        path.write_bytes(data[:mid] + b" \xff" + data[mid:])
    else:
        raise SystemExit(f"unknown case {name}")
    return path


def run_one(path: str, stages: str) -> dict:
    """In the child: analyze one file through analyze_paths (what the CLI runs)."""
    import resource

    from bantin.analyze import AnalyzeOptions, analyze_paths
    from bantin.pipeline import FailedRecord

    only = ["boilerplate"] if stages == "clean" else ["boilerplate", "topics", "summarize"]
    options = AnalyzeOptions(only=only)
    t0 = time.perf_counter()
    pipeline = options.build_pipeline()
    list(analyze_paths([str(REPO / "data" / "samples" / "laodongthudo.txt")], options, pipeline))  # lazy loads (sentence splitter)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    (res,) = list(analyze_paths([path], options, pipeline))
    wall = time.perf_counter() - t0
    out = {"load_s": round(load_s, 2), "wall_s": round(wall, 2), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    if isinstance(res, FailedRecord):
        return {**out, "outcome": "failed record", "error": res.error}
    return {**out, "outcome": "ok", "n_blocks": len(res.blocks), "n_body": len(res.body), "warnings": res.warnings[:4],
            "last_block": res.blocks[-1].text[:60] if res.blocks else ""}


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", nargs="+", default=list(CASES), choices=CASES)
    ap.add_argument("--stages", nargs="+", default=["clean", "all"], choices=["clean", "all"])
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--mem-cap-gb", type=float, default=6.0, help="address-space limit of each run (protects a shared machine)")
    ap.add_argument("--out", default=str(REPO / "experiments" / "bench_hostile.json"))
    ap.add_argument("--no-record", action="store_true")
    ap.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(*args.one), ensure_ascii=False))
        return []
    results = []
    with tempfile.TemporaryDirectory(prefix="bantin-hostile-") as tmp:
        for case in args.cases:
            path = make_case(case, Path(tmp))
            size_mb = round(path.stat().st_size / 2**20, 2)
            for stages in args.stages:
                cap = int(args.mem_cap_gb * 2**30)
                cmd = [sys.executable, __file__, "--one", str(path), stages]

                def limit() -> None:
                    import resource

                    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

                t0 = time.perf_counter()
                try:
                    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, preexec_fn=limit)
                    total = time.perf_counter() - t0
                    if proc.returncode == 0:
                        res = json.loads(proc.stdout.strip().splitlines()[-1])
                    else:
                        res = {"outcome": f"crashed (rc {proc.returncode})", "error": proc.stderr.strip().splitlines()[-1][:300] if proc.stderr.strip() else ""}
                except subprocess.TimeoutExpired:
                    total = time.perf_counter() - t0
                    res = {"outcome": f"timeout ({args.timeout:g} s)"}
                res = {"case": case, "stages": stages, "size_mb": size_mb, "process_s": round(total, 2), **res}
                results.append(res)
                print(f"{case:11s} {stages:5s} {size_mb:6.2f} MB  {res['outcome']:16s} wall {res.get('wall_s', '-')} s  "
                      f"peak {res.get('peak_rss_mb', '-')} MB  blocks {res.get('n_blocks', '-')}  {res.get('warnings') or res.get('error') or ''}", flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if not args.no_record:
        from bantin.tracking import record_run

        for res in results:
            metrics = {k: res[k] for k in ("wall_s", "peak_rss_mb", "process_s") if k in res}
            record_run(task="pipeline", kind="benchmark", model="default", dataset="hostile", split=f"{res['case']}/{res['stages']}",
                       metrics=metrics, command="python benchmarks/bench_hostile.py " + " ".join(argv if argv is not None else sys.argv[1:]), extra=res)
    return results


if __name__ == "__main__":
    main()
