"""Source articles for the page builder: read lazily from the corpora, cleaned, partitioned by corpus id."""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bantin.data.corpora import CORPORA, CorpusRecord, LoadStats, corpus_path, iter_corpus

SPLITS = ("train", "val", "test")

# Average gzipped bytes per row of each corpus (file size / rows in the README): estimates a file's rows from
# its size without reading it, to spread a limited read over the whole file.
BYTES_PER_ROW = {"vntc10": 941, "vietnews": 1003, "baomoi_articles_2017": 1097, "baomoi_topics_2018": 99}


def sampling_step(name: str, limit: int, data_dir: str | Path | None) -> int:
    """Read every n-th line so that about ``limit`` records come from the whole file."""
    size = corpus_path(name, data_dir).stat().st_size
    rows = size / BYTES_PER_ROW.get(name, 1000)
    return max(1, math.ceil(rows / max(1, limit)))

# Upper-case Latin letters with Vietnamese diacritics (a plain range such as À-Ỹ would take lower-case ones too).
UPPER = "".join(sorted({c for c in map(chr, range(0x41, 0x1EFA)) if c.isupper() and unicodedata.name(c, "").startswith("LATIN")}))

# A sentence ends with . ! ? … (optionally a closing quote/bracket) and the next starts with an upper-case
# letter, a digit, a quote or a dash. Good enough to cut long one-line bodies into paragraphs.
_SENTENCE_END = re.compile(rf"([.!?…][\"”’)]?)\s+(?=[\"“‘(\-–]?[{UPPER}0-9])")
_LINE_BREAKS = re.compile(r"[\n\r\u2028\u2029\x0b\x0c\x85]")
_WS = re.compile(r"[ \t\u00a0]+")


def _unit(seed: int, key: str) -> float:
    """A stable pseudo-random number in [0, 1) for a key (independent of Python's hash randomization)."""
    digest = hashlib.blake2b(f"{seed}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def article_partition(uid: str, seed: int, val: float, test: float) -> str:
    """train/val/test for an article id; stable for a seed, independent of the other articles."""
    u = _unit(seed, uid)
    return "test" if u < test else "val" if u < test + val else "train"


def clean_line(text: str) -> str:
    return _WS.sub(" ", _LINE_BREAKS.sub(" ", text)).strip()


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.sub("\\1\x00", text).split("\x00") if s.strip()]


def to_paragraphs(body: str, max_chars: int, rng, merge_lines: bool = False) -> list[str]:
    """Body lines -> paragraphs; lines longer than max_chars are cut at sentence boundaries into 1-4 sentence groups.

    merge_lines: the lines are sentences (vietnews), so consecutive ones are first joined into paragraphs.
    """
    lines = body.split("\n")
    if merge_lines:
        merged: list[str] = []
        target = rng.randint(max_chars // 4, max_chars // 2)
        for line in lines:
            line = line.strip()
            if not line:
                continue
            if merged and len(merged[-1]) + len(line) < target and not line.startswith(("-", "+", "•")):
                merged[-1] += " " + line
            else:
                merged.append(line)
                target = rng.randint(max_chars // 4, max_chars // 2)
        lines = merged
    paragraphs: list[str] = []
    for line in lines:
        line = clean_line(line)
        if not line:
            continue
        if len(line) <= max_chars:
            paragraphs.append(line)
            continue
        current: list[str] = []
        size = 0
        target = rng.randint(max_chars // 3, max_chars)
        for sent in split_sentences(line):
            if current and size + len(sent) > target:
                paragraphs.append(" ".join(current))
                current, size = [], 0
                target = rng.randint(max_chars // 3, max_chars)
            current.append(sent)
            size += len(sent) + 1
        if current:
            paragraphs.append(" ".join(current))
    return paragraphs


@dataclass
class Article:
    uid: str
    corpus: str
    title: str
    lead: str
    body: str  # lines joined by "\n" (cut into paragraphs per page)
    topic: str | None = None
    author: str | None = None  # a trailing "Name (Source)" line of the source body, shown as the byline


_AUTHOR_LINE = re.compile(rf"^[{UPPER}][^.!?:;\n]{{1,40}}$")


def split_author(body: str) -> tuple[str, str | None]:
    """Sources often end with the author line ("Mộc Miên (Vietnamnet)", "Quốc Vinh"): keep it out of the body."""
    head, _, last = body.rstrip().rpartition("\n")
    if head and _AUTHOR_LINE.match(last.strip()) and len(last.split()) <= 6:
        return head, last.strip()
    return body, None


@dataclass
class Teaser:
    """A related item: another article's title and lead (teaser)."""

    uid: str
    title: str
    lead: str


@dataclass
class SourcePool:
    """Main articles and related-item teasers, both partitioned by id into train/val/test."""

    articles: dict[str, list[Article]] = field(default_factory=lambda: {s: [] for s in SPLITS})
    teasers: dict[str, list[Teaser]] = field(default_factory=lambda: {s: [] for s in SPLITS})
    stats: dict[str, dict] = field(default_factory=dict)


def _usable(rec: CorpusRecord, min_body: int, max_title: int) -> str | None:
    """None if the record can be a page's article, else why not."""
    if not rec.title or len(rec.title) > max_title:
        return "title_missing_or_too_long"
    if len(rec.body) < min_body:
        return "body_too_short"
    return None


# Lines of the source bodies that are themselves boilerplate (links to other articles left in by the corpus
# scrapers): they would be labeled body on our pages, so they are removed from the source text.
_BOILERPLATE_LINE = re.compile(
    r"^\s*(?:>{2,}|Đọc thêm|Xem thêm|Xem tiếp|Còn tiếp|Tin liên quan|Bài liên quan|Ý kiến của bạn|Chú thích ảnh|"
    r"Mời (?:quý )?(?:bạn|độc giả)|Video:|Clip:)",
    re.IGNORECASE,
)


# A related-article title with its date in brackets, "Chùm ảnh hoa Đà Lạt(30/11/2004)": VNTC's bodies end with the
# source site's list of them. Left in, they teach that a dated teaser list is article text.
_DATED_TEASER = re.compile(r"^(?!.*[.!?…]\s+\S)(?!.*[.!?…:]\s*\()\s*(?=(?:\S+\s+){3}\S)\S.{3,200}?\s*\(\s*\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?\s*\)\s*$")


def strip_boilerplate_lines(body: str) -> str:
    return "\n".join(line for line in body.split("\n") if not (_BOILERPLATE_LINE.match(line) or _DATED_TEASER.match(line)))


def _strip_repeats(rec: CorpusRecord) -> str:
    """baomoi bodies often start with the sapo or the title again: drop that repeat."""
    body = rec.body
    for prefix in (rec.lead, rec.title):
        if prefix and body.startswith(prefix):
            body = body[len(prefix):].lstrip(" .:-\n")
    return body


def load_sources(
    corpora: list[str],
    max_articles: int,
    filler_corpus: str | None,
    max_filler: int,
    seed: int,
    val: float,
    test: float,
    data_dir: str | Path | None = None,
    min_body_chars: int = 120,
    max_title_chars: int = 160,
) -> SourcePool:
    """Read up to max_articles per corpus (every n-th line so the sample spans the file) and partition them."""
    pool = SourcePool()
    seen_titles: set[str] = set()
    seen_bodies: set[str] = set()
    for name in corpora:
        stats = LoadStats()
        skipped: Counter = Counter()
        every = sampling_step(name, max_articles, data_dir)
        for rec in iter_corpus(name, data_dir=data_dir, limit=max_articles, every=every, stats=stats):
            if name == "baomoi_articles_2017":
                rec.body = _strip_repeats(rec)
            rec.body = strip_boilerplate_lines(rec.body)
            reason = _usable(rec, min_body_chars, max_title_chars)
            # Near-duplicates (VNTC repeats documents between its splits) would leak articles across our splits.
            tkey, bkey = rec.title.lower(), rec.body[:200].lower()
            if reason is None and (tkey in seen_titles or bkey in seen_bodies):
                reason = "duplicate"
            if reason:
                skipped[reason] += 1
                continue
            seen_titles.add(tkey)
            seen_bodies.add(bkey)
            part = article_partition(rec.uid, seed, val, test)
            lead = clean_line(rec.lead)
            # trailing author lines are reliable in vietnews; in VNTC they are as often a topic word or a name in the story
            body, author = split_author(rec.body) if name == "vietnews" else (rec.body, None)
            pool.articles[part].append(Article(rec.uid, name, clean_line(rec.title), lead, body, rec.label, author))
            pool.teasers[part].append(Teaser(rec.uid, clean_line(rec.title), lead))
        pool.stats[name] = {"read": stats.read, "malformed": stats.malformed, "errors": stats.errors, "skipped": dict(skipped),
                            "every": every}
    if filler_corpus:
        if filler_corpus not in CORPORA:
            from bantin.errors import BantinDataError

            raise BantinDataError(f"unknown filler corpus {filler_corpus!r}")
        stats = LoadStats()
        every = sampling_step(filler_corpus, max_filler, data_dir)
        kept = 0
        for rec in iter_corpus(filler_corpus, data_dir=data_dir, limit=max_filler, every=every, stats=stats):
            title = clean_line(rec.title)
            if not title or len(title) > max_title_chars or title.lower() in seen_titles:
                continue
            seen_titles.add(title.lower())
            part = article_partition(rec.uid, seed, val, test)
            pool.teasers[part].append(Teaser(rec.uid, title, clean_line(rec.lead)))
            kept += 1
        pool.stats[filler_corpus] = {"read": stats.read, "malformed": stats.malformed, "errors": stats.errors, "kept": kept,
                                     "every": every}
    return pool
