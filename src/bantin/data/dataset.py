"""Load the built page dataset (notes/DATASET_FORMAT.md) as labeled :class:`~bantin.blocks.Page` objects.

    pages = load_pages("data/built/pages", split="train")              # flattened text, one label per block
    pages = load_pages("data/built/pages", split="test", kind="html")  # the same pages as HTML
    for template, train, test in leave_one_template_out("data/built/pages"):
        ...  # train on every other site layout, test on this one

Each page is re-parsed with ``bantin.blocks.parse_text`` / ``parse_html`` and the stored labels are put on
its blocks, so models see exactly the blocks they will see at prediction time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from bantin.blocks import Page, parse_html, parse_page, parse_text
from bantin.errors import BantinDataError, BantinInputError
from bantin.io.jsonl import JsonlError, iter_jsonl
from bantin.labels import LABELS

log = logging.getLogger(__name__)

SPLITS = ("train", "val", "test")
#: "text" and "html" are the builder's own renderings; the others are the converter forms of
#: ``bantin.data.forms`` stored under the record's "forms" (labels carried over by ``bantin.data.align``)
FORM_KINDS = ("markdown", "markdown78", "markdownify", "inscriptis", "lxml_text")
KINDS = ("text", "html") + FORM_KINDS
META_KEYS = ("template", "article_id", "corpus", "split", "gold_article", "nfd")


def _files(path_or_dir: str | Path, split: str | Iterable[str] | None) -> list[Path]:
    path = Path(path_or_dir)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise BantinDataError(f"{path}: no such page dataset; build it with `bantin data build --config configs/data.yaml`")
    splits = SPLITS if split is None else ([split] if isinstance(split, str) else list(split))
    unknown = [s for s in splits if s not in SPLITS]
    if unknown:
        raise BantinDataError(f"unknown split(s) {', '.join(unknown)}; expected {', '.join(SPLITS)}")
    files = [path / f"{s}.jsonl.gz" for s in splits]
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        raise BantinDataError(f"missing split file(s): {', '.join(missing)}")
    return files


def record_to_page(record: dict[str, Any], kind: str = "text") -> Page:
    """One dataset record -> a labeled Page (BantinDataError if its labels do not align with the parser)."""
    if kind not in KINDS:
        raise BantinInputError(f"unknown page kind {kind!r}; expected one of {', '.join(KINDS)}")
    rid = record.get("id")
    if kind in FORM_KINDS:
        form = (record.get("forms") or {}).get(kind)
        if not isinstance(form, dict) or not isinstance(form.get("text"), str) or not isinstance(form.get("labels"), list):
            raise BantinDataError(f"page {rid}: no {kind!r} form (build the dataset with forms: [{kind}, ...])")
        labels = form["labels"]
        page = parse_page(form["text"], kind=form.get("kind", "auto"), page_id=rid)
        page.meta["form"] = kind
        if len(page.blocks) != len(labels) and isinstance(record.get("html"), str) and isinstance(record.get("html_labels"), list):
            # the parsers changed since the build: align the form's blocks with the HTML blocks again
            from bantin.data.align import align_labels

            source = parse_html(record["html"])
            if len(source.blocks) == len(record["html_labels"]):
                labels = align_labels([b.text for b in source.blocks], record["html_labels"], [b.text for b in page.blocks]).labels
    else:
        source_key, labels_key = ("text", "labels") if kind == "text" else ("html", "html_labels")
        source, labels = record.get(source_key), record.get(labels_key)
        if not isinstance(source, str) or not isinstance(labels, list):
            raise BantinDataError(f"page {rid}: no {source_key!r}/{labels_key!r} fields")
        page = parse_text(source, page_id=rid) if kind == "text" else parse_html(source, page_id=rid)
    if len(page.blocks) != len(labels):
        raise BantinDataError(f"page {rid}: {len(page.blocks)} {kind} blocks but {len(labels)} labels")
    for block, label in zip(page.blocks, labels):
        if label not in LABELS:
            raise BantinDataError(f"page {rid}: unknown label {label!r}")
        block.label = label
    page.meta.update({k: record[k] for k in META_KEYS if k in record})
    return page


def page_records_to_pages(records: Iterable[dict[str, Any]], kind: str = "text", errors: str = "raise") -> list[Page]:
    """Dataset records -> labeled Pages. errors='report' logs and skips a misaligned record instead of raising."""
    pages = []
    for rec in records:
        try:
            pages.append(record_to_page(rec, kind))
        except (BantinDataError, BantinInputError) as exc:
            if errors == "raise":
                raise
            log.warning("skipped page: %s", exc)
    return pages


def iter_records(
    path_or_dir: str | Path,
    split: str | Iterable[str] | None = None,
    limit: int | None = None,
    templates: Iterable[str] | None = None,
    exclude_templates: Iterable[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """The raw JSON records (no parsing), filtered by template; malformed lines are logged and skipped."""
    keep = set(templates) if templates is not None else None
    drop = set(exclude_templates or ())
    n = 0
    for f in _files(path_or_dir, split):
        for rec in iter_jsonl(f, errors="report"):
            if isinstance(rec, JsonlError):
                log.warning("%s:%d: %s", f, rec.line_no, rec.reason)
                continue
            t = rec.get("template")
            if (keep is not None and t not in keep) or t in drop:
                continue
            yield rec
            n += 1
            if limit is not None and n >= limit:
                return


def load_pages(
    path_or_dir: str | Path,
    split: str | Iterable[str] | None = None,
    kind: str = "text",
    limit: int | None = None,
    templates: Iterable[str] | None = None,
    exclude_templates: Iterable[str] | None = None,
) -> list[Page]:
    """Labeled pages of a built dataset directory (all splits unless ``split``) or of one .jsonl.gz file.

    kind: "text" (flattened page, labels), "html" (HTML rendering, html_labels) or a converter form
    (FORM_KINDS: "markdown", "markdown78", "markdownify", "inscriptis", "lxml_text"; pages built without that
    form are skipped with a warning). Page.meta has template,
    article_id, corpus, split, gold_article and nfd.
    """
    if kind not in KINDS:
        raise BantinInputError(f"unknown page kind {kind!r}; expected one of {', '.join(KINDS)}")
    records = iter_records(path_or_dir, split, limit, templates, exclude_templates)
    return page_records_to_pages(records, kind, errors="report" if kind in FORM_KINDS else "raise")


def leave_one_template_out(
    path_or_dir: str | Path,
    kind: str = "text",
    split: str | Iterable[str] | None = None,
    limit_per_template: int | None = None,
    disjoint_articles: bool = True,
) -> Iterator[tuple[str, list[Page], list[Page]]]:
    """Template-level cross-validation over the pages of all splits (or ``split``).

    Yields (template T, train pages = every other template's pages, test pages = T's pages) for each template,
    sorted by name. A model that does well here generalizes to site layouts it has never seen. With
    disjoint_articles, training pages whose source article also appears in T's pages are left out (the
    builder partitions articles by split, so this only matters within a split); related-item filler may
    still be shared between templates of the same split.
    """
    by_template: dict[str, list[Page]] = {}
    for page in load_pages(path_or_dir, split=split, kind=kind):
        group = by_template.setdefault(page.meta["template"], [])
        if limit_per_template is None or len(group) < limit_per_template:
            group.append(page)
    if len(by_template) < 2:
        raise BantinDataError(f"leave-one-template-out needs at least 2 templates, found {len(by_template)}")
    for template in sorted(by_template):
        test = by_template[template]
        held = {p.meta.get("article_id") for p in test} if disjoint_articles else set()
        train = [p for t, group in sorted(by_template.items()) if t != template for p in group
                 if p.meta.get("article_id") not in held]
        yield template, train, test
