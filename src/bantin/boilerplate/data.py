"""Loading labeled pages for the boilerplate models: the built dataset, its LOTO folds and the seeds."""

from __future__ import annotations

from pathlib import Path

from bantin.blocks import Page
from bantin.data.paths import REPO_ROOT
from bantin.errors import BantinDataError


def resolve(path: str | Path) -> Path:
    """Relative paths are taken from the working directory, else from the repository root."""
    p = Path(path)
    if p.is_absolute() or p.exists() or REPO_ROOT is None:
        return p
    return REPO_ROOT / p


def dataset_dir(path: str | Path) -> Path:
    d = resolve(path)
    if not (d / "train.jsonl.gz").exists() and not (d / "test.jsonl.gz").exists():
        raise BantinDataError(f"no built page dataset in {d}: run `bantin data build` first")
    return d


def load_split(path: str | Path, split: str, kind: str, limit: int | None = None, templates=None, exclude_templates=None) -> list[Page]:
    from bantin.data.dataset import load_pages

    pages = load_pages(dataset_dir(path), split=split, kind=kind, limit=limit, templates=templates or None,
                       exclude_templates=exclude_templates or None)
    for p in pages:
        p.meta.setdefault("kind", kind)
    return pages


def load_seeds() -> list[Page]:
    from bantin.data.seeds import load_seed_pages

    pages = load_seed_pages()
    if not pages:
        raise BantinDataError("no annotated seed pages (data/seeds/annotations.jsonl)")
    return pages


def html_sources(path: str | Path, split: str) -> dict[str, str]:
    """Page id -> the HTML rendering, read from the raw dataset records (for trafilatura)."""
    from bantin.io import iter_jsonl

    f = dataset_dir(path) / f"{split}.jsonl.gz"
    return {rec["id"]: rec["html"] for rec in iter_jsonl(f) if "html" in rec}


def gold_article(page: Page) -> str:
    """The page's gold article text, one block a line, without its date/time lines: the same definition of the
    article as ``ArticleText.text`` (dates are metadata there, and in the real pages' gold)."""
    from bantin.boilerplate.extract import is_date_line

    gold = page.meta.get("gold_article")
    gold = gold if gold is not None else page.content_text()
    return "\n".join(line for line in gold.split("\n") if not is_date_line(line))


def subsample(pages: list[Page], n: int | None, seed: int = 0) -> list[Page]:
    """A deterministic sample of n pages (all when n is None or larger), keeping page order."""
    if n is None or n <= 0 or len(pages) <= n:
        return pages
    import random

    idx = sorted(random.Random(seed).sample(range(len(pages)), n))
    return [pages[i] for i in idx]
