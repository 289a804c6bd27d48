"""bantin on Ray Data: many machines (or many cores) over JSONL/Parquet shards, Parquet out.

    import ray
    from bantin import Pipeline
    from bantin.integrations.ray import BantinPredictor

    ds = ray.data.read_parquet("s3://bucket/pages/")                 # columns id, text (or html)
    out = ds.map_batches(BantinPredictor, fn_constructor_kwargs={"pipeline": Pipeline.load()},
                         batch_size=64, batch_format="pyarrow",
                         compute=ray.data.ActorPoolStrategy(size=8))
    out.write_parquet("s3://bucket/analyzed/")

``BantinPredictor`` is a callable class: Ray builds one per actor, so each actor loads the models once (a Pipeline
passed in pickles as its model directories and is reloaded there, never as weights). Rows become the flat columns of
``bantin.io.tabular`` (id, title, lead, body, topics, topic_scores, summary, warnings, error[, blocks]); a bad row
gets ``error`` set and is kept, exactly as ``bantin analyze`` reports it.

``analyze_with_ray`` is ``bantin analyze --engine ray``: JSONL shards are read by bantin's own reader (one Ray task
per shard, same ids and same failure reports as one process); Parquet shards by ``ray.data.read_parquet``.
On a cluster: ``ray start --head`` on one node, ``ray start --address=HEAD:6379`` on the others, bantin installed
on every node, then ``RAY_ADDRESS=HEAD:6379 bantin analyze --engine ray 'shards/*.jsonl.gz' -o out/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bantin.analyze import AnalyzeOptions, analyze_records
from bantin.errors import BantinError, BantinInputError
from bantin.io.inputs import InputRecord, _records_from_jsonl, expand_paths, record_to_input, JSONL_SUFFIXES
from bantin.io.tabular import arrow_schema, flat_columns, flat_record, rows_to_table
from bantin.pipeline import STAGES

#: CPUs Ray reserves per shard-reading task and per analysis actor: reading is light, so N actors and the readers
#: fit on N cores (with whole CPUs, actors holding every core would starve the readers).
READ_CPUS = 0.25
ACTOR_CPUS = 0.75
#: Columns of the rows handed to BantinPredictor by analyze_with_ray's readers.
INPUT_COLUMNS = ("id", "text", "kind", "error")


class BantinPredictor:
    """Callable class for ``Dataset.map_batches(..., batch_format="pyarrow")``: page rows in, flat result rows out.

    pipeline: a loaded Pipeline (sent to each actor as its model directories), or None to load one in the actor
    from ``models``/``stages``. Rows need ``text_column`` (page text or HTML); ``id_column`` is used when present;
    optional ``kind`` (auto | text | html) and ``error`` columns (a row that already failed upstream) are honoured.
    """

    def __init__(self, pipeline: Any = None, *, models: str | None = None, stages: Iterable[str] = STAGES, text_column: str = "text",
                 id_column: str = "id", kind: str = "auto", blocks: bool = True, batch_size: int = 32, top_k: int = 3,
                 summary_sentences: int = 2) -> None:
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        self.options = AnalyzeOptions(kind=kind, only=list(stages), models=Path(models) if models else None, top_k=top_k,
                                      summary_sentences=summary_sentences, batch_size=batch_size)
        self.pipeline = pipeline if pipeline is not None else self.options.build_pipeline()
        self.text_column, self.id_column = text_column, id_column
        self.columns = flat_columns(self.options.only, blocks)

    def __call__(self, batch: Any) -> Any:
        rows = batch.to_pylist() if hasattr(batch, "to_pylist") else batch.to_dict("records")
        records = []
        for n, row in enumerate(rows):
            rec_id = row.get(self.id_column)
            rec_id = str(n) if rec_id is None else str(rec_id)
            if row.get("error"):
                records.append(InputRecord(id=rec_id, error=row["error"]))
            elif not isinstance(row.get(self.text_column), str):
                records.append(InputRecord(id=rec_id, error=f"row has no text in column {self.text_column!r}"))
            else:
                records.append(InputRecord(id=rec_id, content=row[self.text_column], kind=row.get("kind") or "auto"))
        out = [flat_record(r, self.columns) for r in analyze_records(iter(records), self.pipeline, self.options)]
        return rows_to_table(out, self.columns)


def _input_row(rec: InputRecord) -> dict[str, Any]:
    return {"id": rec.id, "text": rec.content, "kind": rec.kind, "error": rec.error}


def _read_jsonl_shard(row: dict[str, Any]) -> list[dict[str, Any]]:
    """One Ray task per shard: bantin's own JSONL reader, so ids and failure reports match one process."""
    return [_input_row(rec) for rec in _records_from_jsonl(Path(row["path"]))]


def _read_parquet_shard(row: dict[str, Any]) -> list[dict[str, Any]]:
    """One Ray task per Parquet shard; a row's id defaults to FILE:ROW (1-based) like a JSONL line's."""
    import pyarrow.parquet as pq

    path = Path(row["path"])
    out, n = [], 0
    try:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
            for item in batch.to_pylist():
                n += 1
                out.append(_input_row(record_to_input({k: v for k, v in item.items() if v is not None}, f"{path.name}:{n}", str(path))))
    except Exception as exc:  # pyarrow raises several kinds for a corrupt file; report it as the shard's failure
        out.append(_input_row(InputRecord(id=str(path), error=f"cannot read Parquet shard ({exc})", source=str(path))))
    return out


def _read_shard(row: dict[str, Any]) -> list[dict[str, Any]]:
    return _read_parquet_shard(row) if row["path"].endswith(".parquet") else _read_jsonl_shard(row)


def _shards(paths: Iterable[str]) -> list[str]:
    shards = []
    for p in expand_paths(paths):
        if p == "-":
            raise BantinInputError("--engine ray reads files (JSONL or Parquet shards), not stdin")
        s = str(p)
        if not Path(s).exists():
            raise BantinInputError(f"{s}: no such file")
        if not s.endswith((*JSONL_SUFFIXES, ".parquet")):
            raise BantinInputError(f"{s}: --engine ray reads .jsonl[.gz] or .parquet shards")
        shards.append(str(Path(s).resolve()))
    if not shards:
        raise BantinInputError("no JSONL or Parquet shards among the inputs")
    return shards


def init_ray(num_cpus: int | None = None) -> None:
    """Join the cluster named by $RAY_ADDRESS, or start a local Ray with ``num_cpus`` CPUs."""
    import ray

    if ray.is_initialized():
        return
    if os.environ.get("RAY_ADDRESS"):
        ray.init(address=os.environ["RAY_ADDRESS"], log_to_driver=False, logging_level="WARNING")
    else:
        ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False, logging_level="WARNING")


def build_dataset(paths: Iterable[str], pipeline: Any, options: AnalyzeOptions, blocks: bool = True, concurrency: int | None = None):
    """The lazy Ray dataset of flat result rows for JSONL/Parquet shards, in input order."""
    import ray
    import ray.data

    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True
    ctx.enable_progress_bars = False
    shards = _shards(paths)
    ds = ray.data.from_items([{"path": p} for p in shards], override_num_blocks=len(shards)).flat_map(_read_shard, num_cpus=READ_CPUS)
    if concurrency is None:
        concurrency = max(1, int(ray.cluster_resources().get("CPU", 1)))
    return ds.map_batches(
        BantinPredictor,
        fn_constructor_kwargs={"pipeline": pipeline, "stages": options.only, "kind": options.kind, "blocks": blocks,
                               "batch_size": options.batch_size, "top_k": options.top_k, "summary_sentences": options.summary_sentences},
        batch_size=options.batch_size,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=concurrency),
        num_cpus=ACTOR_CPUS,
    )


def analyze_with_ray(paths: Iterable[str], output: str | Path, pipeline: Any, options: AnalyzeOptions, blocks: bool = True,
                     num_cpus: int | None = None) -> tuple[int, list[tuple[str, str]]]:
    """``bantin analyze --engine ray``: write Parquet files under ``output``; returns (rows, [(id, error) of failures])."""
    try:
        import ray  # noqa: F401
    except ImportError as exc:
        raise BantinError("--engine ray needs Ray: pip install 'bantin[ray]'") from exc
    import pyarrow.dataset as pads

    init_ray(num_cpus)
    out = Path(output)
    if out.exists() and any(out.iterdir()):
        raise BantinInputError(f"{out}: output folder is not empty (Ray writes its Parquet files there)")
    build_dataset(paths, pipeline, options, blocks, concurrency=num_cpus).write_parquet(str(out))
    table = pads.dataset(str(out), format="parquet", schema=arrow_schema(flat_columns(options.only, blocks))).to_table(columns=["id", "error"])
    failed = [(i, e) for i, e in zip(table.column("id").to_pylist(), table.column("error").to_pylist()) if e is not None]
    return table.num_rows, failed
