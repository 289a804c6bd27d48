"""Enumerate the inputs of a batch run: files, directories, globs, '-' for stdin, JSONL records.

Every input becomes an ``InputRecord``; one that cannot be read carries an ``error`` instead of content,
so that a batch run reports it (id and reason) and goes on.

JSONL identity rules (also in the README):

- ``id`` a string or a number: used as is (numbers as their JSON text, ``7`` -> ``"7"``).
- ``id`` missing or ``null``: the fallback id ``<file name>:<line number>`` (``pages.jsonl:17``; blank lines count).
- ``id`` anything else (object, list, boolean): the record is an error, reported, not analyzed.
- an id seen before in the run: analyzed again, with a warning ("duplicate id"); both results are written.
- invalid UTF-8 in a line: replaced by U+FFFD, with a warning giving the count of replaced bytes.
- several text fields (e.g. both ``html`` and ``text``): the first of ``html, text, content, body`` is used, with a
  warning naming the ignored ones.
"""

from __future__ import annotations

import glob
import json
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bantin.errors import BantinInputError
from bantin.io.decode import MAX_PAGE_BYTES, check_text, decode_page
from bantin.io.jsonl import JsonlError, iter_jsonl_records

PAGE_SUFFIXES = (".txt", ".html", ".htm", ".xhtml", ".md", ".markdown")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")
#: Fields read from a JSONL record, in order of preference.
TEXT_FIELDS = ("html", "text", "content", "body")
#: A JSONL line may hold a page at the page limit even with every character escaped.
MAX_JSONL_LINE_BYTES = 6 * MAX_PAGE_BYTES


@dataclass
class InputRecord:
    id: str
    content: str | None = None
    kind: str = "auto"  # "auto", "text" or "html"
    error: str | None = None
    source: str | None = None
    #: what reading changed (replaced bytes, a duplicate id, ignored fields); copied into the result
    warnings: list[str] = field(default_factory=list)


def _is_jsonl(path: Path) -> bool:
    return any(str(path).endswith(s) for s in JSONL_SUFFIXES)


def _record_id(value, fallback: str) -> tuple[str | None, str | None]:
    """(id, error) from a record's "id" value (see the module's rules)."""
    if value is None:
        return fallback, None
    if isinstance(value, str):
        return check_text(value)[0] if value else fallback, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return json.dumps(value), None
    return None, f"the record's id must be a string or a number, not {type(value).__name__}"


def record_to_input(item: dict, default_id: str, source: str | None = None, warnings: list[str] | None = None) -> InputRecord:
    """One JSON/Parquet record (a dict) as an InputRecord, by the module's id and text-field rules: its id (or
    ``default_id``), the first non-empty text field (others present are named in a warning)."""
    warnings = list(warnings or [])
    rec_id, id_error = _record_id(item.get("id"), default_id)
    if id_error is not None:
        return InputRecord(id=default_id, error=id_error, source=source)
    present = [f for f in TEXT_FIELDS if isinstance(item.get(f), str) and item[f].strip()]
    if not present:
        return InputRecord(id=rec_id, error=f"record has no non-empty text field ({'/'.join(TEXT_FIELDS)})", source=source)
    field_ = present[0]
    if len(present) > 1:
        warnings.append(f"record has {', '.join(present)}: analyzed {field_!r}, ignored {', '.join(present[1:])}")
    content = item[field_]
    if field_ == "body" and isinstance(item.get("title"), str):
        # A corpus-style record: title + (sapo) + body make the page text.
        content = "\n".join(x for x in (item.get("title"), item.get("sapo"), item["body"]) if isinstance(x, str) and x)
    return InputRecord(id=rec_id, content=content, kind="html" if field_ == "html" else "auto", source=source, warnings=warnings)


def _records_from_jsonl(path: Path, name: str | None = None) -> Iterator[InputRecord]:
    name = name or path.name
    try:
        for line_no, item, bad in iter_jsonl_records(path, max_line_bytes=MAX_JSONL_LINE_BYTES):
            fallback = f"{name}:{line_no}"
            if isinstance(item, JsonlError):
                yield InputRecord(id=fallback, error=item.reason, source=str(path))
                continue
            warnings = [f"line {line_no}: {bad:,} byte(s) of invalid UTF-8 replaced by U+FFFD"] if bad else []
            yield record_to_input(item, fallback, str(path), warnings)
    except BantinInputError as exc:
        yield InputRecord(id=str(path), error=str(exc), source=str(path))
    except (OSError, EOFError, zlib.error) as exc:  # unreadable, corrupt or truncated (gzip) file: reported, the run goes on
        yield InputRecord(id=str(path), error=f"cannot be read ({exc or type(exc).__name__})", source=str(path))


def _record_from_bytes(rec_id: str, data: bytes, source: str) -> InputRecord:
    try:
        decoded = decode_page(data)
        return InputRecord(id=rec_id, content=decoded.text, source=source, warnings=decoded.warnings)
    except BantinInputError as exc:
        return InputRecord(id=rec_id, error=str(exc), source=source)


def _record_from_file(path: Path) -> InputRecord:
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:  # refuse before reading it into memory
            raise BantinInputError(f"input is {size:,} bytes, over the {MAX_PAGE_BYTES:,}-byte page limit")
        data = path.read_bytes()
    except OSError as exc:
        return InputRecord(id=path.stem, error=f"cannot be read ({exc.strerror or exc})", source=str(path))
    except BantinInputError as exc:
        return InputRecord(id=path.stem, error=str(exc), source=str(path))
    return _record_from_bytes(path.stem, data, str(path))


def expand_paths(paths: Iterable[str]) -> Iterator[Path | str]:
    """Expand directories (recursively, page and JSONL files) and globs; '-' stays as stdin."""
    for p in paths:
        if p == "-":
            yield "-"
            continue
        matches = sorted(glob.glob(p, recursive=True)) if glob.has_magic(p) else [p]
        if not matches:
            yield Path(p)  # reported as missing below
        for m in matches:
            path = Path(m)
            if path.is_dir():
                for f in sorted(path.rglob("*")):
                    if f.is_file() and (f.suffix.lower() in PAGE_SUFFIXES or _is_jsonl(f)):
                        yield f
            else:
                yield path


def _iter_raw_inputs(paths: Iterable[str], stdin_jsonl: bool) -> Iterator[InputRecord]:
    for path in expand_paths(paths):
        if path == "-":
            if stdin_jsonl:
                yield from _records_from_jsonl(Path("-"), name="stdin")
                continue
            data = sys.stdin.buffer.read(MAX_PAGE_BYTES + 1)
            if len(data) > MAX_PAGE_BYTES:
                yield InputRecord(id="stdin", error=f"input is over the {MAX_PAGE_BYTES:,}-byte page limit", source="-")
                continue
            yield _record_from_bytes("stdin", data, "-")
            continue
        assert isinstance(path, Path)
        if not path.exists():
            yield InputRecord(id=path.stem or str(path), error=f"{path}: no such file", source=str(path))
        elif _is_jsonl(path):
            yield from _records_from_jsonl(path)
        else:
            yield _record_from_file(path)


def iter_inputs(paths: Iterable[str], stdin_jsonl: bool = False) -> Iterator[InputRecord]:
    """Yield one InputRecord per page (a file, a stdin page, or a JSONL line); a repeated id gets a warning."""
    seen: set[str] = set()
    for rec in _iter_raw_inputs(paths, stdin_jsonl):
        if rec.id in seen:
            rec.warnings.append(f"duplicate id {rec.id!r}: an earlier input has the same id")
        seen.add(rec.id)
        yield rec
