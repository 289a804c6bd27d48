"""JSON Lines reading that never drops a record silently: bad lines are reported, not skipped quietly."""

from __future__ import annotations

import codecs
import gzip
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bantin.errors import BantinInputError

log = logging.getLogger(__name__)


@dataclass
class JsonlError:
    """A line that could not be read as a JSON object."""

    line_no: int
    reason: str
    raw: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line_no, "error": self.reason}


def _open_binary(path: Path):
    if str(path) == "-":
        import sys

        return sys.stdin.buffer
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    return open(path, "rb")


def _read_line(fh, max_bytes: int | None) -> tuple[bytes, bool]:
    """One line (b"" at the end); (prefix, True) when it is longer than max_bytes (the rest is skipped)."""
    if max_bytes is None:
        return fh.readline(), False
    line = fh.readline(max_bytes + 1)
    if len(line) <= max_bytes or line.endswith(b"\n"):
        return line, False
    while True:  # skip the rest of an over-long line without holding it
        rest = fh.readline(1 << 20)
        if not rest or rest.endswith(b"\n"):
            return line[:200], True


def parse_object(line: str) -> dict[str, Any]:
    """One JSONL line as a dict; ValueError (json.JSONDecodeError included) when it is not a JSON object."""
    obj = json.loads(line)
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
    return obj


def iter_jsonl_records(
    path: str | Path, *, every: int = 1, offset: int = 0, max_line_bytes: int | None = None
) -> Iterator[tuple[int, dict | JsonlError, int]]:
    """``(line_no, dict or JsonlError, invalid UTF-8 bytes replaced in that line)`` for each non-blank line.

    Lines are decoded one by one, so a stray byte costs one U+FFFD in one record (and is counted), not the file;
    a line over ``max_line_bytes`` is reported as a JsonlError without being held in memory.
    every/offset: parse only the lines where ``(line_no - 1) % every == offset``.
    """
    from bantin.io.decode import decode_utf8_counting

    path = Path(path)
    if str(path) != "-" and not path.exists():
        raise BantinInputError(f"{path}: no such file")
    fh = _open_binary(path)
    try:
        line_no = 0
        while True:
            raw, too_long = _read_line(fh, max_line_bytes)
            if not raw:
                return
            line_no += 1
            if line_no == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            if every > 1 and (line_no - 1) % every != offset:
                continue
            if too_long:
                yield line_no, JsonlError(line_no, f"line is over the {max_line_bytes:,}-byte limit", raw.decode("utf-8", "replace")), 0
                continue
            if not raw.strip():
                continue
            line, bad = decode_utf8_counting(raw)
            try:
                yield line_no, parse_object(line), bad
            except ValueError as exc:
                yield line_no, JsonlError(line_no, f"malformed JSON line ({exc})", line[:200]), bad
    finally:
        if str(path) != "-":
            fh.close()


def iter_jsonl_lines(
    path: str | Path, *, errors: str = "raise", limit: int | None = None, every: int = 1, offset: int = 0
) -> Iterator[tuple[int, dict | JsonlError]]:
    """Like :func:`iter_jsonl`, with each item's 1-based line number: ``(line_no, dict or JsonlError)``.

    every/offset: parse only the lines where ``(line_no - 1) % every == offset``, so a sparse read of a big file
    costs little more than decompressing it. Invalid UTF-8 is replaced by U+FFFD and logged (with the count).
    """
    count = 0
    bad_total = 0
    try:
        for line_no, obj, bad in iter_jsonl_records(path, every=every, offset=offset):
            bad_total += bad
            if isinstance(obj, JsonlError):
                if errors == "raise":
                    raise BantinInputError(f"{path}:{line_no}: {obj.reason}")
                yield line_no, obj
                continue
            yield line_no, obj
            count += 1
            if limit is not None and count >= limit:
                return
    finally:
        if bad_total:
            log.warning("%s: %d byte(s) of invalid UTF-8 replaced by U+FFFD", path, bad_total)


def iter_jsonl(path: str | Path, *, errors: str = "raise", limit: int | None = None) -> Iterator[dict | JsonlError]:
    """Yield one dict per line of a (optionally gzipped) JSONL file.

    errors='raise' raises BantinInputError on a malformed line; errors='report' yields a JsonlError in
    its place so that a batch run can report it and go on. Blank lines are ignored.
    """
    for _, obj in iter_jsonl_lines(path, errors=errors, limit=limit):
        yield obj


def write_jsonl(path: str | Path, records: Iterable[dict[str, Any]]) -> int:
    """Write records as UTF-8 JSONL (gzipped if the name ends in .gz). Returns the count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if path.suffix == ".gz" else open
    n = 0
    with opener(path, "wt", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    return n
