"""JSON Lines reading that never drops a record silently: bad lines are reported, not skipped quietly."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bantin.errors import BantinInputError


@dataclass
class JsonlError:
    """A line that could not be read as a JSON object."""

    line_no: int
    reason: str
    raw: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line_no, "error": self.reason}


def _open_text(path: Path):
    if str(path) == "-":
        import sys

        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8-sig", errors="replace")


def parse_object(line: str) -> dict[str, Any]:
    """One JSONL line as a dict; ValueError (json.JSONDecodeError included) when it is not a JSON object."""
    obj = json.loads(line)
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
    return obj


def iter_jsonl_lines(
    path: str | Path, *, errors: str = "raise", limit: int | None = None, every: int = 1, offset: int = 0
) -> Iterator[tuple[int, dict | JsonlError]]:
    """Like :func:`iter_jsonl`, with each item's 1-based line number: ``(line_no, dict or JsonlError)``.

    every/offset: parse only the lines where ``(line_no - 1) % every == offset``, so a sparse read of a big file
    costs little more than decompressing it.
    """
    path = Path(path)
    if str(path) != "-" and not path.exists():
        raise BantinInputError(f"{path}: no such file")
    count = 0
    with _open_text(path) as fh:
        for line_no, line in enumerate(fh, 1):
            if (every > 1 and (line_no - 1) % every != offset) or not line.strip():
                continue
            try:
                obj = parse_object(line)
            except ValueError as exc:
                if errors == "raise":
                    raise BantinInputError(f"{path}:{line_no}: malformed JSON line ({exc})") from exc
                yield line_no, JsonlError(line_no, f"malformed JSON line ({exc})", line[:200])
                continue
            yield line_no, obj
            count += 1
            if limit is not None and count >= limit:
                return


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
