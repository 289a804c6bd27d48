"""The cleaning step (parse, label, extract) on the first N built test pages, nothing else: a fixed workload to count
instructions with, which a shared machine's load does not move (wall-clock ratios do).

    valgrind --tool=callgrind python benchmarks/clean_workload.py --src /path/to/src --n 60
    valgrind --tool=callgrind python benchmarks/clean_workload.py --src /path/to/src --n 0   # imports and loading only

The cleaning step's count is the difference ("I refs" of the first run less the second's); compare two code trees
(``--src``) that way. The pages are read before the cleaning starts in both runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", default=str(Path(__file__).resolve().parent.parent / "src"), help="the code tree to import bantin from")
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--built-dir", default=None, help="the built page dataset (default: data/built/pages)")
    args = ap.parse_args()
    sys.path.insert(0, args.src)
    from bantin.blocks import parse_page
    from bantin.boilerplate import default_model_dir
    from bantin.boilerplate.extract import extract_article
    from bantin.data.paths import project_data_dir
    from bantin.io import iter_jsonl
    from bantin.models import load_model

    model = load_model(default_model_dir(), task="boilerplate")
    test = (Path(args.built_dir) if args.built_dir else project_data_dir() / "built" / "pages") / "test.jsonl.gz"
    pages = [r["html"] for r in iter_jsonl(test, limit=200) if r.get("html")][: args.n]
    for html in pages:
        extract_article(model.label_page(parse_page(html, kind="html")))


if __name__ == "__main__":
    main()
