"""Parallel batches on one machine: ``Pipeline.pipe(..., n_process=N)`` and ``bantin analyze --workers N``.

Like spaCy's ``n_process``: N worker processes each hold the models once, the input is cut into chunks of
``batch_size`` pages, at most ``IN_FLIGHT_PER_WORKER * N`` chunks are in flight (memory stays bounded on endless streams), and results
come back in input order with the same ids and FailedRecords as one process.

Start method (``default_start_method``): ``fork`` on Linux when it is safe, i.e. torch is not loaded in the parent
(torch's thread pools do not survive a fork) and the pool is started from the main thread with no other thread
running but daemons: the workers inherit the loaded models, so nothing is pickled or loaded
again and a pool starts in milliseconds. Otherwise ``spawn`` (macOS, Windows, or torch loaded): the pool's initializer
unpickles the Pipeline, which reloads it from its model directories (weights are never pickled), and a script that
calls ``pipe(n_process=...)`` needs the usual ``if __name__ == "__main__":`` guard. ``$BANTIN_START_METHOD``
(fork, spawn, forkserver) overrides the choice.
"""

from __future__ import annotations

import gc
import itertools
import logging
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from bantin.errors import BantinError

log = logging.getLogger(__name__)

#: Chunks in flight per worker: enough to keep every worker busy while the parent waits for a slow chunk (results
#: come back in order), few enough to bound memory.
IN_FLIGHT_PER_WORKER = 4
START_METHODS = ("fork", "spawn", "forkserver")

_WORKER_PIPELINE = None


def default_start_method() -> str:
    """$BANTIN_START_METHOD, else fork where it is safe (Linux, torch not loaded, no other thread running but
    daemons), else spawn."""
    env = os.environ.get("BANTIN_START_METHOD")
    if env:
        if env not in START_METHODS:
            raise BantinError(f"BANTIN_START_METHOD takes {', '.join(START_METHODS)}, got {env!r}")
        return env
    if sys.platform.startswith("linux") and "torch" not in sys.modules and _no_other_threads():
        return "fork"
    return "spawn"


def _no_other_threads() -> bool:
    """Called from the main thread, and no other thread but daemons (such as tqdm's monitor) is running: a fork
    copies no lock that another thread of the caller's may hold in the middle of its work."""
    import threading

    main = threading.main_thread()
    return threading.current_thread() is main and all(t is main or t.daemon for t in threading.enumerate())


def _init_worker(pipeline: Any, threads: int | None) -> None:
    """Pool initializer: runs once per worker. Spawned workers get the pipeline pickled (it reloads from its model
    directories, once, here); forked ones inherit the parent's loaded models."""
    global _WORKER_PIPELINE
    if threads:
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ[var] = str(threads)
        torch = sys.modules.get("torch")  # only when a model brought it: importing torch costs ~180 MiB per worker
        if torch is not None:
            torch.set_num_threads(threads)
    _WORKER_PIPELINE = pipeline


def _call(fn: Callable, payload: Any) -> Any:
    return fn(_WORKER_PIPELINE, payload)


def worker_peak_rss_mb() -> float:
    """Peak resident memory of the calling process, MiB (Linux ru_maxrss is in KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_task(pipeline: Any, _: Any) -> tuple[int, float]:
    import time

    time.sleep(0.2)  # stay busy a moment so that the other probes go to the other workers
    return os.getpid(), worker_peak_rss_mb()


def resolve_workers(n_process: int) -> int:
    """-1 means one worker per CPU; anything else must be >= 1."""
    if n_process == -1:
        return os.cpu_count() or 1
    if n_process < 1:
        raise BantinError(f"n_process must be >= 1 or -1 (one per CPU), got {n_process}")
    return n_process


class WorkerPool:
    """A pool of pipeline workers; ``map_ordered`` runs ``fn(pipeline, chunk)`` over chunks, in order."""

    def __init__(self, pipeline: Any, n_process: int, start_method: str | None = None, threads_per_worker: int | None = 1) -> None:
        self.n_process = resolve_workers(n_process)
        self.start_method = start_method or default_start_method()
        ctx = multiprocessing.get_context(self.start_method)
        log.info("starting %d worker processes (%s)", self.n_process, self.start_method)
        #: forked workers share the parent's loaded models copy-on-write; the cyclic garbage collector walking those
        #: objects in every worker would touch (and so copy) their pages: freeze them out of its reach while the
        #: pool lives (the gc module's advice for fork; undone in close())
        self._frozen = self.start_method == "fork"
        if self._frozen:
            gc.collect()
            gc.freeze()
        self._executor = ProcessPoolExecutor(self.n_process, mp_context=ctx, initializer=_init_worker, initargs=(pipeline, threads_per_worker))

    def map_ordered(self, fn: Callable[[Any, Any], Any], chunks: Iterable[Any]) -> Iterator[Any]:
        window: deque[Future] = deque()
        limit = IN_FLIGHT_PER_WORKER * self.n_process
        try:
            for chunk in chunks:
                window.append(self._executor.submit(_call, fn, chunk))
                if len(window) >= limit:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        except BrokenProcessPool as exc:
            raise BantinError(f"a worker process died ({exc}); rerun with fewer workers or check memory") from exc
        finally:
            for f in window:
                f.cancel()

    def worker_pids(self) -> list[int]:
        """The worker processes' ids (those started so far)."""
        return list(getattr(self._executor, "_processes", None) or {})

    def worker_rss_mb(self) -> dict[int, float]:
        """Peak RSS (MiB) of each worker that answers (one probe per worker, best effort)."""
        futures = [self._executor.submit(_call, _rss_task, None) for _ in range(self.n_process * 2)]
        return dict(f.result() for f in futures)

    def close(self) -> None:
        try:
            self._executor.shutdown(wait=True, cancel_futures=True)
        finally:
            if self._frozen:
                self._frozen = False
                gc.unfreeze()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _pipe_chunk(pipeline: Any, payload: tuple[int, list, int, str, str]) -> list:
    start, items, batch_size, kind, errors = payload
    return list(pipeline._pipe_serial(items, batch_size, kind, errors, start=start))


def pipe_parallel(pipeline: Any, items: Iterable[Any], *, batch_size: int, kind: str, errors: str, n_process: int,
                  start_method: str | None = None) -> Iterator[Any]:
    """``Pipeline.pipe`` over worker processes: same results, same order, same ids as one process."""
    payloads = ((i * batch_size, chunk, batch_size, kind, errors) for i, chunk in enumerate(chunked(items, batch_size)))
    with WorkerPool(pipeline, n_process, start_method) as pool:
        for results in pool.map_ordered(_pipe_chunk, payloads):
            yield from results


def _analyze_chunk(pipeline: Any, payload: tuple[list, Any, Callable | None]) -> list:
    from bantin.analyze import analyze_records

    records, options, finish = payload
    return list(analyze_records(iter(records), pipeline, options, finish))


def analyze_records_parallel(records: Iterable[Any], pipeline: Any, options: Any, finish: Callable | None = None) -> Iterator[Any]:
    """``analyze_records`` over ``options.workers`` processes; unreadable inputs stay FailedRecords, in order.
    ``finish`` runs in the workers (e.g. rendering the output), so the parent only writes what they send back."""
    from dataclasses import replace

    serial = replace(options, workers=1)
    with WorkerPool(pipeline, options.workers) as pool:
        for results in pool.map_ordered(_analyze_chunk, ((chunk, serial, finish) for chunk in chunked(records, options.batch_size))):
            yield from results
