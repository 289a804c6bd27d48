"""Build the labeled page dataset: sources -> story -> template items -> text + HTML, verified against the parsers."""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import random
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from bantin.config import config_hash, load_config, to_dict
from bantin.data.builder.card import write_card
from bantin.data.builder.config import BuilderConfig
from bantin.data.builder.rendering import HtmlStyle, render_html, render_text, verify_html, verify_text
from bantin.data.builder.sources import SPLITS, Article, SourcePool, load_sources
from bantin.data.builder.splits import slot_template, template_splits
from bantin.data.builder.templates import SITES, TEMPLATES, PageContext, make_story
from bantin.errors import BantinDataError
from bantin.labels import is_content
from bantin.text.normalize import normalize_text

log = logging.getLogger(__name__)

ID_PREFIX = {"laodongthudo": "ldtd", "moet": "moet", "vnexpress": "vne", "dantri": "dtri", "tuoitre": "tto", "thanhnien": "tn",
             "vietnamnet": "vnn", "nld": "nld"}


class PageFailure(Exception):
    """A generated page whose labels do not align with the parsers (dropped and counted)."""


def make_page(article: Article, template: str, teasers, rng: random.Random, config: BuilderConfig, page_id: str,
              split: str) -> dict[str, Any]:
    """One page record (see notes/DATASET_FORMAT.md); raises PageFailure if it does not parse back aligned."""
    var = config.variation
    ctx = PageContext(article=article, teasers=teasers, rng=rng, var=var)
    ctx.story = make_story(ctx)
    items = TEMPLATES[template](ctx)
    text, labels = render_text(items)
    problem, page = verify_text(text, items)
    if problem:
        raise PageFailure(problem)
    nfd = rng.random() < var.p_nfd
    if nfd:
        # Some crawlers hand over NFD text. parse_text starts with normalize_text, so the NFD page parses into
        # the same blocks exactly when it normalizes to the same string (checked here instead of re-parsing).
        nfc_text, text = text, unicodedata.normalize("NFD", text)
        if normalize_text(text) != normalize_text(nfc_text):
            raise PageFailure("nfd: normalization changes the lines")
    blocks = page.blocks
    gold = "\n".join(b.text for b, lab in zip(blocks, labels) if is_content(lab) and b.text)
    if not gold:
        raise PageFailure("no content block")
    record: dict[str, Any] = {
        "id": page_id,
        "template": template,
        "article_id": article.uid,
        "corpus": article.corpus,
        "split": split,
        "text": text,
        "labels": labels,
    }
    if config.write_html:
        style = HtmlStyle.sample(rng, var.p_html_plain_tags, var.p_html_generic_classes)
        html, html_labels = render_html(items, SITES[template], ctx.story.title, ctx.story.lead or "", style)
        problem = verify_html(html, items)
        if problem:
            raise PageFailure(problem)
        record["html"] = html
        record["html_labels"] = html_labels
        if config.forms:
            record["forms"] = render_forms(html, html_labels, config.forms, config.form_min_matched)
    record["gold_article"] = gold
    record["nfd"] = nfd
    return record


def render_forms(html: str, html_labels: list[str], forms: list[str], min_matched: float = 0.8) -> dict[str, dict[str, Any]]:
    """The page rendered through each converter form, labelled by alignment with its HTML blocks.

    Returns ``{form: {"text", "kind", "labels", "matched"}}``: ``kind`` is what ``parse_page`` detected (the
    loader re-parses with it), ``labels`` one per block of that parse, ``matched`` the share of the form's
    tokens aligned with the HTML. A form that aligns worse than ``min_matched`` or parses to nothing is left out.
    """
    from bantin.blocks import parse_html, parse_page
    from bantin.data.align import align_labels
    from bantin.data.forms import FORM_KIND, render_form
    from bantin.errors import BantinInputError

    source = parse_html(html)
    if len(source.blocks) != len(html_labels):
        raise PageFailure(f"forms: {len(source.blocks)} html blocks but {len(html_labels)} labels")
    texts = [b.text for b in source.blocks]
    out: dict[str, dict[str, Any]] = {}
    for form in forms:
        text = render_form(html, form)
        try:
            page = parse_page(text, kind=FORM_KIND.get(form, "auto"))
        except BantinInputError:
            continue
        al = align_labels(texts, html_labels, [b.text for b in page.blocks])
        if al.matched_share < min_matched:
            continue
        kind = page.meta.get("detected_kind") or page.meta.get("kind_given") or "text"
        out[form] = {"text": text, "kind": kind, "labels": al.labels, "matched": al.matched_share}
    return out


def _write_jsonl_gz(path: Path, records: list[dict[str, Any]]) -> None:
    """Deterministic gzip (no timestamp or file name in the header): same seed, same bytes.

    Written to a temporary name then renamed, so that a reader of the previous build never sees a half-written file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with (
        open(tmp, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz,
        io.TextIOWrapper(gz, encoding="utf-8") as fh,
    ):
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


RETRIES = 3  # a slot whose page fails to align is retried with another article (each failure is counted)

# Worker state: set before the pool forks, so that child processes inherit it instead of pickling the sources.
_STATE: dict[str, Any] = {}


def _make_slot(job: tuple[str, int]) -> tuple[dict | None, list[tuple[str, str]]]:
    """Page slot i of a split: its template is fixed by i, its article and random stream by (i, retry).

    Slots are independent of each other, so the output does not depend on the number of workers or on which
    other pages failed.
    """
    split, i = job
    config, tsplits, pool, articles = _STATE["config"], _STATE["tsplits"], _STATE["pool"], _STATE["articles"][split]
    templates = tsplits[split]
    template = slot_template(templates, i, config.generated.share)
    failures: list[tuple[str, str]] = []
    for retry in range(RETRIES):
        article = articles[(i + retry * 7919) % len(articles)]
        rng = random.Random(f"{config.seed}:{split}:{i}:{retry}")
        page_id = f"{ID_PREFIX.get(template, template)}-{split}-{i:06d}"
        try:
            return make_page(article, template, pool.teasers[split], rng, config, page_id, split), failures
        except PageFailure as exc:
            failures.append((template, f"{split}/{template}/{article.uid}: {exc}"))
    return None, failures


def build_pages(config: BuilderConfig, pool: SourcePool | None = None) -> tuple[dict[str, list[dict]], dict[str, Any]]:
    """Generate the pages of every split in memory; returns (pages per split, card dict)."""
    t0 = time.perf_counter()
    tsplits = template_splits(*config.template_lists())
    if pool is None:
        pool = load_sources(config.corpora, config.max_articles, config.filler_corpus, config.max_filler, config.seed,
                            config.article_fractions.val, config.article_fractions.test, config.data_dir,
                            config.min_body_chars, config.max_title_chars)
    ordered: dict[str, list[Article]] = {}
    for split in SPLITS:
        articles = list(pool.articles[split])
        if getattr(config.pages, split) and not articles:
            raise BantinDataError(f"no source article in the {split} partition: read more articles (max_articles) "
                                  f"or change article_fractions")
        random.Random(f"{config.seed}:order:{split}").shuffle(articles)
        ordered[split] = articles
    _STATE.update(config=config, tsplits=tsplits, pool=pool, articles=ordered)
    jobs = [(split, i) for split in SPLITS for i in range(getattr(config.pages, split))]
    try:
        if config.workers > 1 and len(jobs) > 50:
            import multiprocessing

            with multiprocessing.get_context("fork").Pool(config.workers) as workers:
                results = workers.map(_make_slot, jobs, chunksize=25)
        else:
            results = [_make_slot(job) for job in jobs]
    finally:
        _STATE.clear()
    pages: dict[str, list[dict]] = {split: [] for split in SPLITS}
    dropped: Counter = Counter()
    examples: list[str] = []
    for (split, _), (record, failures) in zip(jobs, results):
        for template, message in failures:
            reason = message.split(": ", 1)[1].split(":")[0]
            dropped[f"{template}: {reason}"] += 1
            if len(examples) < 10:
                examples.append(message)
            log.warning("dropped page %s", message)
        if record is not None:
            pages[split].append(record)
    card_splits: dict[str, Any] = {}
    per_template: dict[str, Counter] = defaultdict(Counter)
    for split in SPLITS:
        out = pages[split]
        labels = Counter(lab for r in out for lab in r["labels"])
        for r in out:
            per_template[r["template"]].update(r["labels"])
        used = [r["article_id"] for r in out]
        card_splits[split] = {
            "pages": len(out),
            "blocks": sum(len(r["labels"]) for r in out),
            "html_blocks": sum(len(r.get("html_labels", [])) for r in out),
            "nfd_pages": sum(r["nfd"] for r in out),
            "articles": len(set(used)),
            "articles_reused": len(used) - len(set(used)),
            "templates": dict(sorted(Counter(r["template"] for r in out).items())),
            "corpora": dict(sorted(Counter(r["corpus"] for r in out).items())),
            "labels": dict(sorted(labels.items())),
            "html_labels": dict(sorted(Counter(lab for r in out for lab in r.get("html_labels", [])).items())),
            "forms": {f: {"pages": sum(1 for r in out if f in r.get("forms", {})),
                          "blocks": sum(len(r["forms"][f]["labels"]) for r in out if f in r.get("forms", {}))}
                      for f in config.forms},
        }
    card = {
        "format": "bantin-pages-v1",
        "requested": {s: getattr(config.pages, s) for s in SPLITS},
        "splits": card_splits,
        "template_splits": tsplits,
        "labels_per_template": {t: dict(sorted(c.items())) for t, c in sorted(per_template.items())},
        "dropped": {"total": sum(dropped.values()), "by_reason": dict(sorted(dropped.items())), "examples": examples},
        "partitions": {s: {"articles": len(pool.articles[s]), "teasers": len(pool.teasers[s])} for s in SPLITS},
        "sources": pool.stats,
        # out_dir is left out: the card sits in it, and the same build written elsewhere must give the same card
        "config": {k: v for k, v in to_dict(config).items() if k != "out_dir"},
        "config_hash": config_hash({k: v for k, v in to_dict(config).items() if k != "out_dir"}),
        "build_seconds": round(time.perf_counter() - t0, 1),
    }
    return pages, card


def build_dataset(config: BuilderConfig, pool: SourcePool | None = None) -> dict[str, Any]:
    """Build and write train/val/test .jsonl.gz plus card.md/card.json into config.out_dir; returns the card."""
    t0 = time.perf_counter()
    pages, card = build_pages(config, pool)
    out_dir = Path(config.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for split, records in pages.items():
        _write_jsonl_gz(out_dir / f"{split}.jsonl.gz", records)
    card["build_seconds"] = round(time.perf_counter() - t0, 1)
    # The card must be identical for identical builds: timings go to a separate file.
    timing = {"build_seconds": card.pop("build_seconds")}
    card_for_file = dict(card, build_seconds="see build_time.json")
    write_card(out_dir, card_for_file)
    (out_dir / "build_time.json").write_text(json.dumps(timing) + "\n", encoding="utf-8")
    card["build_seconds"] = timing["build_seconds"]
    return card


def build_from_config(config_path: str | Path | None = None, overrides: list[str] | None = None) -> dict[str, Any]:
    """Entry point of `bantin data build --config configs/data.yaml [--set key=value ...]`."""
    config = load_config(BuilderConfig, config_path, overrides)
    card = build_dataset(config)
    out = Path(config.out_dir)
    print(f"built {out} in {card['build_seconds']} s")
    for split, st in card["splits"].items():
        print(f"  {split}: {st['pages']} pages, {st['blocks']} text blocks, {st['html_blocks']} html blocks, "
              f"templates {','.join(st['templates'])}")
    print(f"  dropped: {card['dropped']['total']} (see {out / 'card.md'})")
    return card
