"""Build the real-page VALIDATION set (``data/realval``) from saved pages and their annotations.

The test set (``../shared/realpages``) must never choose between models, so model choices rested on the built
val split and the seed pages, neither of which looks like the web. This set is other real pages, from other public
repositories than the test set's, annotated here the way the test set was: the article is taken from each page's
article container with a CSS selector (``bantin`` never sees the selector), and checked by eye.

    python experiments/realval_build.py [--src /work/valpages/raw] [--out data/realval]

Input: ``data/realval/annotations.jsonl``, one line per page:
``{"id", "site", "repo", "path", "commit", "url", "file", "parts": [CSS, ...], "drop": [CSS, ...]}``.
``parts`` are the article's pieces in reading order (title, lead, body...); each selected element's blocks, in
document order, become gold lines, after the elements matched by ``drop`` (related boxes, tags, share bars,
comments inside the container) are removed. Output, in the test set's format (``bantin.boilerplate.realpages``):
``gold.jsonl``, ``html/<id>.html`` (copied) and ``txt/<id>.txt`` (the block dump, ``bantin.data.forms``).
Score a model on it with ``bantin evaluate boilerplate --config configs/boilerplate-eval-realval.yaml``.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def gold_lines(html: str, parts: list[str], drop: list[str]) -> list[str]:
    from bs4 import BeautifulSoup

    from bantin.blocks.html_parser import parse_html

    soup = BeautifulSoup(html, "lxml")
    for sel in drop:
        for el in soup.select(sel):
            el.decompose()
    lines: list[str] = []
    seen: set[int] = set()
    for sel in parts:
        found = soup.select(sel)
        if not found:
            raise SystemExit(f"selector {sel!r} matches nothing")
        for el in found:
            if id(el) in seen or any(id(p) in seen for p in el.parents):
                continue
            seen.add(id(el))
            page = parse_html(f"<html><body>{el}</body></html>")
            lines += [b.text for b in page.blocks if b.text.strip()]
    return lines


def main() -> None:
    from bantin.data.forms import render_form

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", default="/work/valpages/raw", help="folder of the saved pages (annotations' 'file')")
    ap.add_argument("--out", default=str(REPO / "data" / "realval"))
    ap.add_argument("--only", nargs="*", default=[], help="print these ids' gold instead of writing")
    args = ap.parse_args()
    out = Path(args.out)
    ann = [json.loads(line) for line in (out / "annotations.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.only:
        for a in ann:
            if a["id"] in args.only:
                html = (Path(args.src) / a["file"]).read_text(encoding="utf-8", errors="replace")
                print(f"== {a['id']}\n" + "\n".join(gold_lines(html, a["parts"], a.get("drop", []))))
        return
    (out / "html").mkdir(parents=True, exist_ok=True)
    (out / "txt").mkdir(parents=True, exist_ok=True)
    with (out / "gold.jsonl").open("w", encoding="utf-8") as f:
        for a in ann:
            src = Path(args.src) / a["file"]
            html = src.read_text(encoding="utf-8", errors="replace")
            gold = "\n".join(gold_lines(html, a["parts"], a.get("drop", [])))
            shutil.copyfile(src, out / "html" / f"{a['id']}.html")
            (out / "txt" / f"{a['id']}.txt").write_text(render_form(html, "txt"), encoding="utf-8")
            rec = {k: a.get(k) for k in ("id", "site", "repo", "path", "commit", "url")}
            f.write(json.dumps({**rec, "gold": gold}, ensure_ascii=False) + "\n")
            print(f"{a['id']:60s} {len(gold.splitlines()):4d} gold lines")


if __name__ == "__main__":
    main()
