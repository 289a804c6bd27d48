"""Documents for topic classification: the public corpora and users' own taxonomies (JSONL or CSV).

Every source comes out as a list of :class:`TopicDoc` (id, text, labels). ``labels`` is a list so that
single-label and multi-label data share one shape (single-label data has exactly one label per doc).

* ``vntc10``: the official VNTC train/test split; text = title line + body.
* ``baomoi_topics_2018``: title + sapo; a fixed stratified split (per label, documents ordered by a hash
  of their id: 10 % test, 10 % val, the rest train), so it is the same on every machine and run.
* user files: ``.jsonl``/``.jsonl.gz`` objects or ``.csv`` rows with text fields and a label field holding a
  label or a list of labels (CSV: ``a|b``). Malformed records are reported (line number, reason) and skipped.

Reading a corpus through ``bantin.data.corpora`` (NFC normalization of 84k articles) takes about a minute;
the result is cached as gzipped JSONL under ``~/.cache/bantin/topics`` (``$BANTIN_CACHE``), keyed by the
corpus file's size and mtime.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import os
import random
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bantin.errors import BantinInputError
from bantin.io import iter_jsonl, iter_jsonl_lines, write_jsonl
from bantin.io.jsonl import JsonlError

log = logging.getLogger(__name__)

CORPORA = ("vntc10", "baomoi_topics_2018")
BAOMOI_SPLITS = ("train", "val", "test")


@dataclass
class TopicDoc:
    id: str
    text: str
    labels: list[str]

    @property
    def label(self) -> str:
        return self.labels[0] if self.labels else ""


@dataclass
class LoadReport:
    """What a read of user data saw: records kept, malformed records (first 20 kept)."""

    read: int = 0
    malformed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def bad(self, source: str, line: int, reason: str) -> None:
        self.malformed += 1
        if len(self.errors) < 20:
            self.errors.append({"file": source, "line": line, "error": reason})
        log.warning("%s:%d: %s", source, line, reason)


# -- public corpora -----------------------------------------------------------------------------------
def cache_dir() -> Path:
    root = Path(os.environ.get("BANTIN_CACHE") or Path.home() / ".cache" / "bantin")
    return root / "topics"


def _corpus_docs_uncached(name: str) -> list[dict[str, Any]]:
    from bantin.data.corpora import iter_corpus

    rows = []
    for r in iter_corpus(name):
        text = "\n".join(part for part in (r.title, r.lead, r.body) if part)
        if not text.strip() or not r.label:
            continue
        rows.append({"id": r.id, "label": r.label, "split": r.split, "text": text})
    return rows


def _cached_rows(name: str, data_dir: str | Path | None = None) -> list[dict[str, Any]]:
    from bantin.data.corpora import corpus_path

    src = corpus_path(name, data_dir)
    st = src.stat()
    key = hashlib.sha1(f"{src.resolve()}|{st.st_size}|{int(st.st_mtime)}|v2".encode()).hexdigest()[:12]
    cached = cache_dir() / f"{name}-{key}.jsonl.gz"
    if cached.exists():
        return list(iter_jsonl(cached))
    rows = _corpus_docs_uncached(name)
    cached.parent.mkdir(parents=True, exist_ok=True)
    # a temporary name of this process's own: two processes filling the cache at once must not share one
    tmp = cached.with_name(f"{cached.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp.gz")
    try:
        write_jsonl(tmp, rows)
        tmp.replace(cached)
    finally:
        tmp.unlink(missing_ok=True)
    return rows


def _hash_order(doc_id: str) -> str:
    return hashlib.md5(doc_id.encode("utf-8")).hexdigest()


def baomoi_split_of(rows: Sequence[dict[str, Any]]) -> dict[str, str]:
    """The fixed stratified split of baomoi_topics_2018: id -> train/val/test (10 % test, 10 % val per label)."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        by_label[r["label"]].append(r["id"])
    split: dict[str, str] = {}
    for ids in by_label.values():
        ids = sorted(ids, key=_hash_order)
        n_test = max(1, round(len(ids) * 0.1))
        n_val = max(1, round(len(ids) * 0.1))
        for i, doc_id in enumerate(ids):
            split[doc_id] = "test" if i < n_test else "val" if i < n_test + n_val else "train"
    return split


def load_unlabeled(name: str, max_docs: int | None = None, offset: int = 0, split: str | None = None,
                   data_dir: str | Path | None = None) -> list[str]:
    """Texts (title, lead, body joined by newlines) of any public corpus, labels unread (e.g. baomoi_articles_2017's
    full modern articles), in a fixed pseudo-random order (md5 of the id): items ``[offset : offset + max_docs]``, so
    disjoint slices are disjoint samples."""
    from bantin.data.corpora import iter_corpus

    rows = [(r.id, "\n".join(part for part in (r.title, r.lead, r.body) if part)) for r in iter_corpus(name, split, data_dir)]
    rows = sorted((r for r in rows if r[1].strip()), key=lambda r: _hash_order(r[0]))
    return [text for _, text in rows[offset : None if max_docs is None else offset + max_docs]]


def load_corpus(name: str, split: str, data_dir: str | Path | None = None) -> list[TopicDoc]:
    """Documents of one split of a public topic corpus (vntc10: train/test; baomoi_topics_2018: train/val/test)."""
    if name not in CORPORA:
        raise BantinInputError(f"unknown topic corpus {name!r}: expected one of {', '.join(CORPORA)} (or corpus: file)")
    rows = _cached_rows(name, data_dir)
    if name == "baomoi_topics_2018":
        if split not in BAOMOI_SPLITS:
            raise BantinInputError(f"baomoi_topics_2018 splits are {', '.join(BAOMOI_SPLITS)}, not {split!r}")
        assign = baomoi_split_of(rows)
        return [TopicDoc(r["id"], r["text"], [r["label"]]) for r in rows if assign[r["id"]] == split]
    if split not in ("train", "test"):
        raise BantinInputError(f"vntc10 splits are train and test, not {split!r}")
    return [TopicDoc(r["id"], r["text"], [r["label"]]) for r in rows if r["split"] == split]


# -- user taxonomies ----------------------------------------------------------------------------------
def _labels_of(value: Any, sep: str) -> list[str] | None:
    if isinstance(value, str):
        parts = [v.strip() for v in value.split(sep)] if sep else [value.strip()]
        parts = [p for p in parts if p]
        return parts or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list) and value and all(isinstance(v, (str, int)) and str(v).strip() for v in value):
        return [str(v).strip() for v in value]
    return None


def _doc_from(obj: dict[str, Any], text_fields: Sequence[str], label_field: str, sep: str, fallback_id: str) -> TopicDoc | str:
    """A TopicDoc, or the reason why the record is malformed."""
    parts = [obj[f].strip() for f in text_fields if isinstance(obj.get(f), str) and obj[f].strip()]
    if not parts:
        return f"no text in any of the fields {', '.join(text_fields)}"
    if label_field not in obj:
        return f"no {label_field!r} field"
    labels = _labels_of(obj[label_field], sep)
    if labels is None:
        return f"{label_field!r} is empty or not a label / list of labels"
    text = unicodedata.normalize("NFC", "\n".join(parts))
    doc_id = str(obj.get("id", fallback_id))
    return TopicDoc(doc_id, text, list(dict.fromkeys(labels)))


def load_user_file(
    path: str | Path,
    text_fields: Sequence[str] = ("title", "sapo", "lead", "text", "body"),
    label_field: str = "label",
    label_sep: str = "|",
    report: LoadReport | None = None,
) -> list[TopicDoc]:
    """Read a user taxonomy from JSONL (``.jsonl``, ``.jsonl.gz``, ``.json`` lines) or CSV (header row).

    A JSONL label may be a string or a list of strings; a CSV label cell may hold several labels joined by
    ``label_sep``. Malformed records are reported in ``report`` (and logged) and skipped.
    """
    path = Path(path)
    if not path.is_file():
        raise BantinInputError(f"topic data file {path} not found")
    report = report if report is not None else LoadReport()
    docs: list[TopicDoc] = []
    name = path.name.lower()
    if name.endswith(".csv") or name.endswith(".csv.gz"):
        docs = _read_csv(path, text_fields, label_field, label_sep, report)
    elif name.endswith((".jsonl", ".jsonl.gz", ".json", ".ndjson")):
        for line, obj in iter_jsonl_lines(path, errors="report"):
            if isinstance(obj, JsonlError):
                report.bad(str(path), line, obj.reason)
                continue
            got = _doc_from(obj, text_fields, label_field, "", f"{path.stem}:{line}")
            if isinstance(got, str):
                report.bad(str(path), line, got)
            else:
                docs.append(got)
    else:
        raise BantinInputError(f"{path}: unsupported topic data format (use .jsonl, .jsonl.gz or .csv)")
    report.read += len(docs)
    if not docs:
        raise BantinInputError(f"{path}: no usable records ({report.malformed} malformed)")
    return docs


def _read_csv(path: Path, text_fields, label_field, sep, report: LoadReport) -> list[TopicDoc]:
    import gzip

    opener = gzip.open if path.name.lower().endswith(".gz") else open
    docs = []
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or label_field not in reader.fieldnames:
                raise BantinInputError(f"{path}: CSV header has no {label_field!r} column (columns: {reader.fieldnames})")
            for row in reader:
                line = reader.line_num
                if None in row:  # more cells than header columns
                    report.bad(str(path), line, "more cells than header columns")
                    continue
                got = _doc_from({k: v for k, v in row.items() if v is not None}, text_fields, label_field, sep, f"{path.stem}:{line}")
                if isinstance(got, str):
                    report.bad(str(path), line, got)
                else:
                    docs.append(got)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise BantinInputError(f"{path}: cannot be read as UTF-8 CSV ({exc})") from exc
    return docs


# -- splits, subsamples, duplicates -------------------------------------------------------------------
def stratified_subsample(docs: Sequence[TopicDoc], n: int | None, seed: int = 0) -> list[TopicDoc]:
    """At most n docs, keeping label proportions (by first label); order as in the input. None: all."""
    if n is None or n >= len(docs):
        return list(docs)
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(docs):
        by_label[d.label].append(i)
    rng = random.Random(seed)
    keep: list[int] = []
    total = len(docs)
    for idx in by_label.values():
        k = max(1, round(n * len(idx) / total))
        keep.extend(rng.sample(idx, min(k, len(idx))))
    keep = sorted(keep)[: max(n, 0)] if len(keep) > n else sorted(keep)
    return [docs[i] for i in keep]


def stratified_holdout(docs: Sequence[TopicDoc], fraction: float, seed: int = 0) -> tuple[list[TopicDoc], list[TopicDoc]]:
    """(rest, held out): about ``fraction`` of each label's docs held out (at least 1 when a label has >= 2)."""
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(docs):
        by_label[d.label].append(i)
    rng = random.Random(seed)
    held: set[int] = set()
    for idx in by_label.values():
        if len(idx) < 2:
            continue
        k = min(len(idx) - 1, max(1, round(len(idx) * fraction)))
        held.update(rng.sample(idx, k))
    return [d for i, d in enumerate(docs) if i not in held], [d for i, d in enumerate(docs) if i in held]


def text_key(text: str) -> str:
    """Hash of the normalized text (NFC, lower-case, whitespace collapsed): equal keys = duplicate documents."""
    norm = " ".join(unicodedata.normalize("NFC", text).lower().split())
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()


def duplicates_of(test: Iterable[TopicDoc], train: Iterable[TopicDoc]) -> list[bool]:
    """For each test doc, whether its normalized text also appears in train."""
    seen = {text_key(d.text) for d in train}
    return [text_key(d.text) in seen for d in test]
