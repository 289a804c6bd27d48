"""Write data/seeds/annotations.jsonl from the hand-made label decisions below.

Every label range here was decided by reading the page line by line (see ANNOTATION.md for the
guidelines and the per-page rationale of the hard cases). The script only expands the ranges,
checks that every block of ``bantin.blocks.parse_text(page)`` gets exactly one valid label, and
writes one JSON line per page aligned 1:1 with parse_text.

    python data/seeds/annotate.py            # (re)write annotations.jsonl
    python data/seeds/annotate.py --check    # verify the file is up to date, write nothing
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bantin.blocks import parse_text
from bantin.labels import LABELS

HERE = Path(__file__).resolve().parent
PAGES_DIR = HERE / "pages"
OUT = HERE / "annotations.jsonl"

# page stem -> (site, template, [(first, last, label), ...]) with inclusive block index ranges.
DECISIONS: dict[str, tuple[str, str, list[tuple[int, int, str]]]] = {
    # Lao Động Thủ Đô, "dated" variant: inline related box after the title, sapo not captured,
    # "Có thể bạn quan tâm / Nên xem" list of single titles, "Tin khác" list of title + "Category date time".
    "000_3b77e0abcb352502": ("laodongthudo", "laodongthudo_dated", [
        (0, 0, "title"),
        (1, 1, "related"),           # three related titles concatenated on one line, ends " |"
        (2, 2, "body"),              # "Theo đó, ..." continues a sapo the crawler lost: body, not lead
        (3, 3, "caption"),           # "... (Ảnh minh họa) |"
        (4, 6, "body"),
        (7, 8, "section_heading"),   # Có thể bạn quan tâm / Nên xem
        (9, 15, "related"),          # seven titles of other articles
        (16, 16, "section_heading"), # Tin khác
        (17, 36, "related"),         # 10 x (title, "Hoạt động 23/11/2024 18:16")
    ]),
    "001_0ed22650bbd18efd": ("laodongthudo", "laodongthudo_dated", [
        (0, 0, "title"),
        (1, 2, "body"),              # "Theo đó, ..." : sapo not captured, first line is body
        (3, 3, "noise"),             # "![]() |" image marker, empty text
        (4, 4, "caption"),           # photo caption ending " |"
        (5, 9, "body"),
        (10, 11, "section_heading"), # Có thể bạn quan tâm / Nên xem
        (12, 18, "related"),
        (19, 19, "section_heading"), # Tin khác
        (20, 39, "related"),         # 10 x (title, "Hoạt động|Longform dd/mm/yyyy hh:mm")
    ]),
    # Ministry portal (Bộ GD&ĐT news item republished from Báo Giáo dục & Thời đại): article only,
    # date under the title, bold sapo, captions, "Nguồn: ... Người đăng: ..." and the date again.
    "002_7d5a827492459b79": ("moet", "ministry", [
        (0, 0, "title"),
        (1, 1, "byline"),            # "10-01-2020" publication date under the title
        (2, 2, "lead"),              # "Sáng nay (10/1), ..." one-sentence sapo summarising the event
        (3, 3, "caption"),           # caption printed twice (alt text + caption)
        (4, 7, "body"),
        (8, 8, "caption"),           # "Toàn cảnh Hội nghị"
        (9, 13, "body"),
        (14, 19, "body"),            # "Một số chỉ tiêu thực hiện năm 2020:" + "- ..." list items
        (20, 21, "byline"),          # "Nguồn: ... Người đăng:Minh Phong", date repeated at the end
    ]),
    # Lao Động Thủ Đô, "teaser" variant: (LĐTĐ) sapo, inline related box, image alt text, author
    # initials, then "Có thể bạn quan tâm / Nên xem" and "Tin khác" as (title, title again, teaser)
    # triples, ending with "Xem thêm" and "Phiên bản di động".
    "003_0105cf6336a7651c": ("laodongthudo", "laodongthudo_teaser", [
        (0, 0, "title"),
        (1, 1, "lead"),              # "(LĐTĐ) ..."
        (2, 2, "related"),           # two related titles concatenated (inline box)
        (3, 5, "body"),
        (6, 6, "noise"),             # the page title again as the image's alt text, right before the caption
        (7, 7, "caption"),
        (8, 17, "body"),             # 17 is a highlight box repeating paragraph 4: article text, body
        (18, 18, "byline"),          # "H.D" author initials
        (19, 20, "section_heading"), # Có thể bạn quan tâm / Nên xem
        (21, 41, "related"),         # 7 x (title, title, "(LĐTĐ) teaser")
        (42, 42, "section_heading"), # Tin khác
        (43, 72, "related"),         # 10 x (title, title, teaser)
        (73, 73, "section_heading"), # Xem thêm
        (74, 74, "nav"),             # Phiên bản di động
    ]),
    "004_9008d95002dd26b8": ("laodongthudo", "laodongthudo_teaser", [
        (0, 1, "title"),             # kicker "...thị xã:" + headline "Làm thế nào để nâng cao hiệu quả?"
        (2, 2, "lead"),              # "(LĐTĐ) ..."
        (3, 4, "related"),           # inline related box: alt slug + title of an older article
        (5, 5, "body"),
        (6, 6, "noise"),             # bare alt-text slug "lam the nao de nang cao hieu qua"
        (7, 7, "caption"),
        (8, 21, "body"),
        (22, 22, "byline"),          # "Phạm Diệp"
        (23, 24, "section_heading"),
        (25, 45, "related"),         # 7 x (title, title, teaser)
        (46, 46, "section_heading"), # Tin khác
        (47, 76, "related"),         # 10 x (title, title, teaser)
        (77, 77, "section_heading"), # Xem thêm
        (78, 78, "nav"),             # Phiên bản di động
    ]),
}


def expand(stem: str, n_blocks: int, ranges: list[tuple[int, int, str]]) -> list[str]:
    """Labels per block index; fails unless the ranges cover 0..n_blocks-1 exactly once."""
    labels: list[str | None] = [None] * n_blocks
    for first, last, label in ranges:
        if label not in LABELS:
            raise SystemExit(f"{stem}: unknown label {label!r}")
        if not 0 <= first <= last < n_blocks:
            raise SystemExit(f"{stem}: range {first}-{last} outside 0..{n_blocks - 1}")
        for i in range(first, last + 1):
            if labels[i] is not None:
                raise SystemExit(f"{stem}: block {i} labeled twice")
            labels[i] = label
    missing = [i for i, lab in enumerate(labels) if lab is None]
    if missing:
        raise SystemExit(f"{stem}: blocks without a label: {missing}")
    return labels  # type: ignore[return-value]


def build_records() -> list[dict]:
    records = []
    for path in sorted(PAGES_DIR.glob("*.txt")):
        if path.stem not in DECISIONS:
            raise SystemExit(f"{path.name}: no label decisions in annotate.py")
        site, template, ranges = DECISIONS[path.stem]
        page = parse_text(path.read_text(encoding="utf-8"), page_id=path.stem)
        labels = expand(path.stem, len(page.blocks), ranges)
        records.append({
            "id": path.stem,
            "file": path.name,
            "source": "../shared/seeds",
            "site": site,
            "template": template,
            "blocks": [{"index": b.index, "text": b.text, "label": lab} for b, lab in zip(page.blocks, labels)],
        })
    missing = set(DECISIONS) - {r["id"] for r in records}
    if missing:
        raise SystemExit(f"decisions for pages not in {PAGES_DIR}: {sorted(missing)}")
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the existing file, write nothing")
    args = parser.parse_args(argv)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in build_records())
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is out of date; run python {Path(__file__).name}", file=sys.stderr)
            return 1
        print(f"{OUT} is up to date")
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({text.count(chr(10))} pages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
