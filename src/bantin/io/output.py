"""Safe batch output: never the input, never half-written, one writer at a time, resumable.

``BatchOutput`` writes into a temporary file next to the output and renames it into place at the end (readers
see the old file or the complete new one, never a partial one); an exclusive lock (``.NAME.lock`` next to the
output, ``fcntl.flock``) makes a second process writing the same output stop with a clear message.

``resume=True`` (JSONL only) keeps the results already in the output (lines with an ``id`` and no ``error``),
copies them into the temporary file and appends the new results after them; the ids it kept are in
``done_ids`` so that the caller skips those inputs. An interrupted resumable run still renames what it has into
place (it is a superset of the old file); an interrupted ordinary run leaves the old output untouched.
Outputs that are not regular files (``/dev/stdout``, a pipe) are written directly.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path
from typing import IO

from bantin.errors import BantinInputError

try:  # POSIX; elsewhere the lock is skipped
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_output(path: Path, inputs: list[Path]) -> None:
    """Refuse an output that cannot be written or that is one of the inputs (BantinInputError)."""
    if path.is_dir():
        raise BantinInputError(f"output {path} is a directory")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise BantinInputError(f"output {path}: the folder {parent} does not exist")
    for inp in inputs:
        if inp.resolve() == path.resolve() or _same_file(inp, path):
            raise BantinInputError(f"output {path} is also an input: refusing to overwrite it")


def read_done_ids(path: Path) -> tuple[list[str], set[str], int]:
    """(lines to keep, their ids, lines dropped) of an existing JSONL output: results with an id are kept;
    failed records (``error``) and unreadable lines are dropped so that they are tried again."""
    keep: list[str] = []
    ids: set[str] = set()
    dropped = 0
    with open(path, "rb") as fh:
        for raw in fh:
            try:
                obj = json.loads(raw.decode("utf-8"))
            except ValueError:
                dropped += raw.strip() != b""
                continue
            if isinstance(obj, dict) and isinstance(obj.get("id"), str) and "error" not in obj:
                keep.append(raw.decode("utf-8").rstrip("\n") + "\n")
                ids.add(obj["id"])
            else:
                dropped += 1
    return keep, ids, dropped


class BatchOutput:
    """``with BatchOutput(path, resume=...) as out: out.write(line)``; see the module docstring."""

    def __init__(self, path: Path, *, resume: bool = False) -> None:
        self.path = Path(path)
        self.resume = resume
        self.done_ids: set[str] = set()
        self.dropped = 0
        self._fh: IO[str] | None = None
        self._tmp: Path | None = None
        self._lock_fh = None
        self._lock_path: Path | None = None

    # -- lock ------------------------------------------------------------------------------
    def _lock(self) -> None:
        if fcntl is None:
            return
        self._lock_path = self.path.parent / f".{self.path.name}.lock"
        while True:
            fh = open(self._lock_path, "a+")
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                fh.close()
                raise BantinInputError(f"another process is writing {self.path} (lock {self._lock_path}); wait for it or choose another output")
            # The holder before us may have removed the lock file after we opened it: lock the current one.
            try:
                same = os.fstat(fh.fileno()).st_ino == os.stat(self._lock_path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self._lock_fh = fh
                return
            fh.close()

    def _unlock(self) -> None:
        if self._lock_fh is not None:
            try:
                self._lock_path.unlink(missing_ok=True)
            finally:
                self._lock_fh.close()
                self._lock_fh = None

    # -- context ---------------------------------------------------------------------------
    def __enter__(self) -> BatchOutput:
        try:
            regular = not self.path.exists() or stat.S_ISREG(self.path.stat().st_mode)
            if not regular:  # a device or a pipe: no temporary file, no rename, no lock
                self._fh = open(self.path, "w", encoding="utf-8")
                return self
            self._lock()
            try:
                keep: list[str] = []
                if self.resume and self.path.exists():
                    keep, self.done_ids, self.dropped = read_done_ids(self.path)
                fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
                self._tmp = Path(tmp)
                mode = self.path.stat().st_mode & 0o777 if self.path.exists() else 0o666 & ~_umask()
                os.fchmod(fd, mode)
                self._fh = os.fdopen(fd, "w", encoding="utf-8")
                self._fh.writelines(keep)
            except BaseException:
                self._abort()
                raise
        except OSError as exc:
            raise BantinInputError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
        return self

    def write(self, text: str) -> None:
        try:
            self._fh.write(text)
        except UnicodeEncodeError:
            self._fh.write(text.encode("utf-8", "replace").decode("utf-8"))
        except OSError as exc:
            raise BantinInputError(f"cannot write {self.path}: {exc.strerror or exc}") from exc

    def flush(self) -> None:
        self._fh.flush()

    def _abort(self) -> None:
        try:
            if self._fh is not None:
                try:
                    self._fh.close()
                except OSError:
                    pass
            if self._tmp is not None:
                self._tmp.unlink(missing_ok=True)
        finally:
            self._unlock()

    def _commit(self) -> None:
        try:
            self._fh.flush()
            if self._tmp is not None:
                os.fsync(self._fh.fileno())
            self._fh.close()
            if self._tmp is not None:
                os.replace(self._tmp, self.path)
                self._tmp = None
        except OSError as exc:
            self._abort()
            raise BantinInputError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
        self._unlock()

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None or (self.resume and issubclass(exc_type, KeyboardInterrupt)):
            self._commit()
        else:
            self._abort()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
