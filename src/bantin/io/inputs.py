"""Enumerate the inputs of a batch run: files, directories, globs, '-' for stdin, JSONL records.

Every input becomes an ``InputRecord``; one that cannot be read carries an ``error`` instead of content,
so that a batch run reports it (id and reason) and goes on.
"""

from __future__ import annotations

import glob
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bantin.errors import BantinInputError
from bantin.io.decode import decode_bytes
from bantin.io.jsonl import JsonlError, iter_jsonl

PAGE_SUFFIXES = (".txt", ".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")
#: Fields read from a JSONL record, in order of preference.
TEXT_FIELDS = ("html", "text", "content", "body")


@dataclass
class InputRecord:
    id: str
    content: str | None = None
    kind: str = "auto"  # "auto", "text" or "html"
    error: str | None = None
    source: str | None = None


def _is_jsonl(path: Path) -> bool:
    return any(str(path).endswith(s) for s in JSONL_SUFFIXES)


def record_to_input(item: dict, default_id: str, source: str | None = None) -> InputRecord:
    """One JSON/Parquet record (a dict) as an InputRecord: the first non-empty text field, its id or ``default_id``."""
    rec_id = str(item.get("id", default_id))
    field = next((f for f in TEXT_FIELDS if isinstance(item.get(f), str) and item[f].strip()), None)
    if field is None:
        return InputRecord(id=rec_id, error=f"record has no non-empty text field ({'/'.join(TEXT_FIELDS)})", source=source)
    content = item[field]
    if field == "body" and isinstance(item.get("title"), str):
        # A corpus-style record: title + (sapo) + body make the page text.
        content = "\n".join(x for x in (item.get("title"), item.get("sapo"), item["body"]) if isinstance(x, str) and x)
    return InputRecord(id=rec_id, content=content, kind="html" if field == "html" else "auto", source=source)


def _records_from_jsonl(path: Path) -> Iterator[InputRecord]:
    try:
        for n, item in enumerate(iter_jsonl(path, errors="report"), 1):
            if isinstance(item, JsonlError):
                yield InputRecord(id=f"{path.name}:{item.line_no}", error=item.reason, source=str(path))
                continue
            yield record_to_input(item, f"{path.name}:{n}", str(path))
    except BantinInputError as exc:
        yield InputRecord(id=str(path), error=str(exc), source=str(path))


def _record_from_file(path: Path) -> InputRecord:
    try:
        data = path.read_bytes()
        text, _ = decode_bytes(data)
        return InputRecord(id=path.stem, content=text, source=str(path))
    except OSError as exc:
        return InputRecord(id=path.stem, error=f"cannot be read ({exc.strerror})", source=str(path))
    except BantinInputError as exc:
        return InputRecord(id=path.stem, error=str(exc), source=str(path))


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


def iter_inputs(paths: Iterable[str], stdin_jsonl: bool = False) -> Iterator[InputRecord]:
    """Yield one InputRecord per page (a file, a stdin page, or a JSONL line)."""
    for path in expand_paths(paths):
        if path == "-":
            data = sys.stdin.buffer.read()
            if stdin_jsonl:
                import tempfile

                with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as tmp:
                    tmp.write(data)
                yield from _records_from_jsonl(Path(tmp.name))
                Path(tmp.name).unlink(missing_ok=True)
                continue
            try:
                yield InputRecord(id="stdin", content=decode_bytes(data)[0], source="-")
            except BantinInputError as exc:
                yield InputRecord(id="stdin", error=str(exc), source="-")
            continue
        assert isinstance(path, Path)
        if not path.exists():
            yield InputRecord(id=path.stem or str(path), error=f"{path}: no such file", source=str(path))
        elif _is_jsonl(path):
            yield from _records_from_jsonl(path)
        else:
            yield _record_from_file(path)
