"""Equality check for speed work on the cleaning step: dumps blocks (text, raw, hints), CRF features (in order), labels, scores and the
extracted article for a sample of built test pages in every form and for the seed pages, then compares two dumps.

    PYTHONPATH=src python benchmarks/check_clean_equal.py dump OUT.json [--n 40] [--built-dir data/built/pages]
    python benchmarks/check_clean_equal.py compare A.json B.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")


def dump(out: str, n: int, built_dir: str | None = None) -> None:
    from bantin.blocks import parse_page
    from bantin.boilerplate import default_model_dir
    from bantin.boilerplate.data import load_seeds
    from bantin.boilerplate.extract import extract_article
    from bantin.data.forms import FORM_KIND, FORMS, render_form
    from bantin.data.paths import project_data_dir
    from bantin.io import iter_jsonl
    from bantin.models import load_model

    model = load_model(default_model_dir(), task="boilerplate")

    def rec(page) -> dict:
        labeled = model.label_page(page)
        # sorted: the order of the cls_* features follows set iteration (string hashing differs between processes)
        feats = [sorted([k, sorted(v.items()) if isinstance(v, dict) else v] for k, v in f.items()) for f in model.features(page)]
        return {"meta": page.meta, "kind": page.source_kind, "features": feats,
                "blocks": [[b.text, b.raw, b.hints, b.label, b.score] for b in labeled.blocks],
                "lmeta": labeled.meta, "article": str(extract_article(labeled))}

    res: dict = {}
    test = (Path(built_dir) if built_dir else project_data_dir() / "built" / "pages") / "test.jsonl.gz"
    htmls = [r["html"] for r in iter_jsonl(test, limit=n) if r.get("html")]
    for form in FORMS:
        for i, h in enumerate(htmls):
            try:
                res[f"built/{form}/{i}"] = rec(parse_page(render_form(h, form), kind=FORM_KIND[form]))
            except Exception as exc:  # noqa: BLE001 - recorded, compared like a result
                res[f"built/{form}/{i}"] = {"error": repr(exc)}
    for i, p in enumerate(load_seeds()):
        res[f"seed/{i}"] = rec(p)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(res, fh, ensure_ascii=False, sort_keys=True, default=str)
    print(f"{len(res)} pages dumped to {out}")


def compare(a: str, b: str) -> int:
    A, B = (json.load(open(p, encoding="utf-8")) for p in (a, b))
    bad = [k for k in A if A[k] != B.get(k)] + [k for k in B if k not in A]
    for k in bad[:10]:
        x, y = A.get(k, {}), B.get(k, {})
        for j, (bx, by) in enumerate(zip(x.get("blocks", []), y.get("blocks", []))):
            if bx != by:
                print(k, "block", j, "\n  old", bx, "\n  new", by)
                break
        else:
            print(k, "differs (meta/article/block count/error)")
    print(f"{len(A)} vs {len(B)} pages; {len(bad)} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["dump", "compare"])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--built-dir", default=None, help="the built page dataset (default: data/built/pages)")
    args = ap.parse_args()
    if args.cmd == "dump":
        dump(args.files[0], args.n, args.built_dir)
    else:
        sys.exit(compare(*args.files[:2]))
