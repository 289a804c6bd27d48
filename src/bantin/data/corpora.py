"""Loaders for the public Vietnamese news corpora in ``../shared/data`` (see its README.md).

Every corpus is a gzipped JSON Lines file. ``iter_corpus`` yields one :class:`CorpusRecord` per line
with NFC-normalized text and a uniform shape (title / lead / body / label), so the dataset builder and
the task trainers do not need to know each file's field names:

==========================  ===========================  ==========================================
corpus                      lead                         body
==========================  ===========================  ==========================================
vntc10                      "" (or split off the title)  ``text``
vietnews                    ``summary``                  ``body`` (de-tokenized unless raw=True)
baomoi_articles_2017        ``sapo``                     ``body`` (often one long line)
baomoi_topics_2018          ``sapo``                     "" (title + sapo only)
==========================  ===========================  ==========================================

Malformed lines are never dropped silently: they are counted in a :class:`LoadStats` (pass one in to
read the counts) and logged as warnings; ``errors="raise"`` stops at the first one instead.
"""

from __future__ import annotations

import gzip
import logging
import re
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bantin.data.paths import shared_data_dir
from bantin.errors import BantinDataError, BantinInputError
from bantin.io.jsonl import JsonlError, iter_jsonl_lines
from bantin.text.normalize import normalize_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CorpusSpec:
    name: str
    filename: str
    required: tuple[str, ...]
    description: str
    splits: tuple[str, ...] = ()


CORPORA: dict[str, CorpusSpec] = {
    spec.name: spec
    for spec in (
        CorpusSpec("vntc10", "vntc10.jsonl.gz", ("id", "title", "text"), "VNTC news classification, 10 topics", ("train", "test")),
        CorpusSpec("vietnews", "vietnews.jsonl.gz", ("id", "title", "body"), "vietnews summarization", ("train", "val", "test")),
        CorpusSpec("baomoi_articles_2017", "baomoi_articles_2017.jsonl.gz", ("id", "title", "body"), "baomoi.com 2017 articles"),
        CorpusSpec("baomoi_topics_2018", "baomoi_topics_2018.jsonl.gz", ("id", "title", "label"), "baomoi.com 2018 title+sapo, 25 topics"),
    )
}


@dataclass
class CorpusRecord:
    """One article of a corpus, NFC-normalized. ``uid`` ("corpus:id") is unique across corpora."""

    corpus: str
    id: str
    title: str
    lead: str = ""
    body: str = ""
    label: str | None = None
    split: str | None = None

    @property
    def uid(self) -> str:
        return f"{self.corpus}:{self.id}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class LoadStats:
    """What a read saw: rows yielded, malformed lines (first few kept with their line numbers), skipped rows."""

    read: int = 0
    malformed: int = 0
    skipped: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def report(self, path: Path, line_no: int, reason: str) -> None:
        self.malformed += 1
        if len(self.errors) < 20:
            self.errors.append({"file": str(path), "line": line_no, "error": reason})
        log.warning("%s:%d: %s", path, line_no, reason)


def corpus_path(name: str, data_dir: str | Path | None = None) -> Path:
    """The file of a corpus, checked to exist (BantinDataError with what to do otherwise)."""
    if name not in CORPORA:
        raise BantinDataError(f"unknown corpus {name!r}; expected one of {', '.join(CORPORA)}")
    folder = shared_data_dir(data_dir)
    if not folder.is_dir():
        raise BantinDataError(
            f"corpora folder {folder} not found: set BANTIN_DATA_DIR or pass data_dir (expected ../shared/data beside the repository)"
        )
    path = folder / CORPORA[name].filename
    if not path.is_file():
        raise BantinDataError(f"corpus {name!r} not found: {path} is missing")
    return path


# vietnews was word-segmented then de-segmented: punctuation stands apart ("( SN 1994 ) ,"). Glue it back.
_SPACE_BEFORE = re.compile(r"\s+([,.;:!?%)\]}”’…])")
_SPACE_AFTER = re.compile(r"([(\[{“‘])\s+")
_ARROWS = re.compile(r">(?:\s>)+")
_STRAIGHT_QUOTES = re.compile(r'"\s+([^"\n]*?)\s+"')
_SINGLE_QUOTES = re.compile(r"(?<![\w])'\s+([^'\n]*?)\s+'")


def detokenize(text: str) -> str:
    """Undo tokenizer spacing around punctuation (vietnews): 'TP. Đà Nẵng ( SN 1994 ) ,' -> 'TP. Đà Nẵng (SN 1994),'."""
    text = _ARROWS.sub(lambda m: m.group(0).replace(" ", ""), text)
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_AFTER.sub(r"\1", text)
    text = _STRAIGHT_QUOTES.sub(r'"\1"', text)
    return _SINGLE_QUOTES.sub(r"'\1'", text)


# VNTC's "title" is the first line of each file, which often holds the title, the agency tag and the lead:
# "Bắt tên yêu râu xanh (NLĐ) - Ngày 26-8, Công an ..."; split it at the tag.
_VNTC_TAG = re.compile(r"\s*\((?:[A-ZĐ][A-Za-zĐđ.]{0,8}O?)\)\s*[-–—]\s*")
_MISSING_SPACE = re.compile(r"(?<=[a-zà-ỹđ0-9)])([.!?])(?=[A-ZĐÀ-Ỹ])")


def _vntc_title_lead(title: str) -> tuple[str, str]:
    m = _VNTC_TAG.search(title)
    if m and m.start() > 10:
        return title[: m.start()].strip(), _MISSING_SPACE.sub(r"\1 ", title[m.end():].strip())
    return title.strip(), ""


def _clean(value: Any) -> str:
    return normalize_text(value).strip() if isinstance(value, str) else ""


#: VNTC's labels are its folder names, written without diacritics; records carry the Vietnamese names.
VNTC10_LABELS = {
    "Chinh tri Xa hoi": "Chính trị - Xã hội",
    "The thao": "Thể thao",
    "The gioi": "Thế giới",
    "Van hoa": "Văn hóa",
    "Suc khoe": "Sức khỏe",
    "Kinh doanh": "Kinh doanh",
    "Phap luat": "Pháp luật",
    "Vi tinh": "Vi tính",
    "Doi song": "Đời sống",
    "Khoa hoc": "Khoa học",
}


def _to_record(name: str, obj: dict[str, Any], raw: bool) -> CorpusRecord | None:
    spec = CORPORA[name]
    if any(not isinstance(obj.get(k), str) for k in spec.required):
        return None
    rid = obj["id"]
    if name == "vntc10":
        title, lead = _vntc_title_lead(_clean(obj["title"])) if not raw else (_clean(obj["title"]), "")
        label = obj.get("label") if raw else VNTC10_LABELS.get(obj.get("label"), obj.get("label"))
        return CorpusRecord(name, rid, title, lead, _clean(obj["text"]), label, obj.get("split"))
    if name == "vietnews":
        fix = (lambda s: s) if raw else detokenize
        return CorpusRecord(
            name, rid, fix(_clean(obj["title"])), fix(_clean(obj.get("summary"))), fix(_clean(obj["body"])), None, obj.get("split")
        )
    if name == "baomoi_articles_2017":
        return CorpusRecord(name, rid, _clean(obj["title"]), _clean(obj.get("sapo")), _clean(obj["body"]))
    return CorpusRecord(name, rid, _clean(obj["title"]), _clean(obj.get("sapo")), "", obj.get("label"))


def iter_corpus(
    name: str,
    split: str | None = None,
    data_dir: str | Path | None = None,
    limit: int | None = None,
    *,
    errors: str = "report",
    every: int = 1,
    offset: int = 0,
    raw: bool = False,
    stats: LoadStats | None = None,
) -> Iterator[CorpusRecord]:
    """Yield the records of one corpus, lazily.

    split: keep only that split (vntc10: train/test; vietnews: train/val/test; others have none).
    limit: stop after that many records. every/offset: read every n-th line only (a cheap spread-out
    sample of a big, label-sorted file such as vntc10). raw: keep the text as stored (no vietnews
    de-tokenization, no VNTC title/lead split). errors: "report" counts and logs malformed lines in
    ``stats`` and goes on; "raise" raises BantinDataError.
    """
    if errors not in ("report", "raise"):
        raise ValueError("errors must be 'report' or 'raise'")
    path = corpus_path(name, data_dir)
    spec = CORPORA[name]
    if split is not None and spec.splits and split not in spec.splits:
        raise BantinDataError(f"corpus {name!r} has no split {split!r}; expected one of {', '.join(spec.splits)}")
    if split is not None and not spec.splits:
        raise BantinDataError(f"corpus {name!r} has no splits")
    stats = stats if stats is not None else LoadStats()
    n = 0
    try:
        for line_no, obj in iter_jsonl_lines(path, errors=errors, every=every, offset=offset):
            if isinstance(obj, JsonlError):
                stats.report(path, line_no, obj.reason)
                continue
            if split is not None and obj.get("split") != split:
                continue
            record = _to_record(name, obj, raw)
            if record is None:
                reason = f"missing or non-string field(s) among {', '.join(spec.required)}"
                if errors == "raise":
                    raise BantinDataError(f"{path}:{line_no}: {reason}")
                stats.report(path, line_no, reason)
                continue
            stats.read += 1
            yield record
            n += 1
            if limit is not None and n >= limit:
                return
    except BantinInputError as exc:  # iter_jsonl_lines(errors="raise")
        raise BantinDataError(str(exc)) from exc
    except (OSError, EOFError, zlib.error) as exc:
        raise BantinDataError(f"{path}: cannot be read ({exc})") from exc


def count_lines(path: Path) -> int:
    """Number of non-empty lines of a (gzipped) file, counted in binary chunks."""
    opener = gzip.open if path.suffix == ".gz" else open
    n = 0
    last = b"\n"
    try:
        with opener(path, "rb") as fh:
            while chunk := fh.read(1 << 22):
                n += chunk.count(b"\n")
                last = chunk[-1:]
    except (OSError, EOFError, zlib.error) as exc:
        raise BantinDataError(f"{path}: cannot be read ({exc})") from exc
    return n + (last != b"\n")


def corpora_info(data_dir: str | Path | None = None, count_rows: bool = True) -> list[dict[str, Any]]:
    """One dict per known corpus: name, path, rows (line count, None if the file is missing), size (bytes).

    Raises BantinDataError when the folder itself is missing.
    """
    folder = shared_data_dir(data_dir)
    if not folder.is_dir():
        raise BantinDataError(f"corpora folder {folder} not found: set BANTIN_DATA_DIR or pass --data-dir")
    rows = []
    for spec in CORPORA.values():
        path = folder / spec.filename
        exists = path.is_file()
        rows.append(
            {
                "name": spec.name,
                "path": str(path),
                "rows": (count_lines(path) if count_rows else None) if exists else None,
                "size": path.stat().st_size if exists else None,
            }
        )
    return rows
