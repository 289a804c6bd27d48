"""The hand-labeled seed pages: real crawled pages with one gold label per block.

Pages live in ``data/seeds/pages/*.txt`` (copies of ``../shared/seeds``), labels in
``data/seeds/annotations.jsonl``: one line per page, ``{"id", "file", "source", "site", "template",
"blocks": [{"index", "text", "label"}]}``, aligned 1:1 with ``bantin.blocks.parse_text``.
The guidelines and the rationale of the hard cases are in ``data/seeds/ANNOTATION.md``.

    >>> pages = load_seed_pages()
    >>> pages[0].meta["template"], pages[0].labels[:2]
    ('laodongthudo_dated', ['title', 'related'])
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bantin.blocks import Page, parse_text
from bantin.data.paths import project_data_dir, seeds_dir
from bantin.errors import BantinDataError, BantinInputError
from bantin.io import iter_jsonl, read_text
from bantin.labels import LABELS

ANNOTATIONS_NAME = "annotations.jsonl"


def default_pages_dir() -> Path:
    """data/seeds/pages in the repository, else the shared seeds folder (../shared/seeds)."""
    local = project_data_dir() / "seeds" / "pages"
    if local.is_dir() and any(local.glob("*.txt")):
        return local
    return seeds_dir()


def default_annotations_path() -> Path:
    return project_data_dir() / "seeds" / ANNOTATIONS_NAME


def read_annotations(path: str | Path | None = None) -> list[dict]:
    """The annotation records, checked for shape (ids, labels, contiguous indices)."""
    path = Path(path) if path is not None else default_annotations_path()
    if not path.exists():
        raise BantinDataError(f"seed annotations not found: {path}")
    try:
        records = list(iter_jsonl(path))
    except BantinInputError as exc:
        raise BantinDataError(str(exc)) from exc
    seen: set[str] = set()
    for n, rec in enumerate(records, 1):
        where = f"{path}:{n}"
        for key in ("id", "file", "blocks"):
            if key not in rec:
                raise BantinDataError(f"{where}: annotation record has no {key!r} field")
        if rec["id"] in seen:
            raise BantinDataError(f"{where}: duplicate page id {rec['id']!r}")
        seen.add(rec["id"])
        for i, block in enumerate(rec["blocks"]):
            if block.get("index") != i:
                raise BantinDataError(f"{where} ({rec['id']}): block {i} has index {block.get('index')!r}")
            if block.get("label") not in LABELS:
                raise BantinDataError(
                    f"{where} ({rec['id']}): block {i} has label {block.get('label')!r}; "
                    f"expected one of {', '.join(LABELS)}"
                )
    return records


def attach_labels(page: Page, record: dict) -> Page:
    """Copy the record's labels onto the page's blocks after checking the alignment block by block."""
    blocks = record["blocks"]
    if len(blocks) != len(page.blocks):
        raise BantinDataError(
            f"seed {record['id']}: annotations have {len(blocks)} blocks but parse_text gives {len(page.blocks)}; "
            "the page file or the parser changed - re-run data/seeds/annotate.py and review the labels"
        )
    for block, ann in zip(page.blocks, blocks):
        if block.text != ann["text"]:
            raise BantinDataError(
                f"seed {record['id']}: block {block.index} text differs from the annotation "
                f"(page: {block.text[:60]!r}, annotation: {ann['text'][:60]!r})"
            )
        block.label = ann["label"]
    return page


def load_seed_pages(pages_dir: str | Path | None = None, annotations: str | Path | None = None) -> list[Page]:
    """The labeled seed pages, in annotation order.

    Page.meta: file, site, template (layout name, e.g. "laodongthudo_teaser", "ministry"), source,
    gold_article (content blocks' text joined by newlines).
    Raises BantinDataError when a page is missing or its blocks do not match the annotations.
    """
    pages_dir = Path(pages_dir) if pages_dir is not None else default_pages_dir()
    pages: list[Page] = []
    for record in read_annotations(annotations):
        path = pages_dir / record["file"]
        if not path.exists():
            raise BantinDataError(f"seed page {record['id']}: {path} not found")
        try:
            page = parse_text(read_text(path), page_id=record["id"])
        except BantinInputError as exc:
            raise BantinDataError(f"seed page {path}: {exc}") from exc
        attach_labels(page, record)
        page.meta.update(
            file=record["file"],
            site=record.get("site", "unknown"),
            template=record.get("template", "unknown"),
            source=record.get("source", str(pages_dir)),
            gold_article=page.content_text(),
        )
        pages.append(page)
    if not pages:
        raise BantinDataError("seed annotations contain no pages")
    return pages


def seed_label_counts(pages: list[Page] | None = None) -> dict[str, dict[str, int]]:
    """Block counts per label: {"all": {...}, <page id>: {...}} with every label present (zeros included)."""
    pages = pages if pages is not None else load_seed_pages()
    counts: dict[str, dict[str, int]] = {}
    total: Counter[str] = Counter()
    for page in pages:
        c = Counter(b.label for b in page.blocks)
        total.update(c)
        counts[str(page.id)] = {label: c.get(label, 0) for label in LABELS}
    return {"all": {label: total.get(label, 0) for label in LABELS}, **counts}


def seed_template_counts(pages: list[Page] | None = None) -> dict[str, int]:
    """Number of seed pages per template (layout)."""
    pages = pages if pages is not None else load_seed_pages()
    return dict(Counter(p.meta.get("template", "unknown") for p in pages))
