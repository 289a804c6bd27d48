"""Tabular outputs and Hugging Face ``datasets`` glue: one flat row per page.

Columns (``flat_columns``): id, source_kind, title, lead, body (paragraphs joined by newlines), topics (labels),
topic_scores (same order), summary, warnings, error (null unless the page failed), and ``blocks`` (a list of
{index, text, label, score, is_content}) unless left out with ``--no-blocks``. Stages that ``--only`` skipped
leave their columns out (boilerplate: lead, body, blocks; topics: topics, topic_scores; summarize: summary).

Parquet and ``datasets`` keep lists as lists; CSV writes list cells as JSON arrays (``json.loads`` reads them back).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from bantin.errors import BantinInputError
from bantin.pipeline import STAGES, ArticleResult, FailedRecord, resolve_stages

TABULAR_FORMATS = ("csv", "parquet")
BASE_COLUMNS = ("id", "source_kind", "title", "lead", "body", "topics", "topic_scores", "summary", "warnings", "error")
_STAGE_COLUMNS = {"boilerplate": ("lead", "body", "blocks"), "topics": ("topics", "topic_scores"), "summarize": ("summary",)}
LIST_COLUMNS = ("topics", "topic_scores", "warnings", "blocks")


def flat_columns(only: Iterable[str] = STAGES, blocks: bool = True) -> list[str]:
    """The columns of a run: the base columns, minus those of skipped stages, plus blocks unless left out."""
    only = set(resolve_stages(only))
    dropped = {c for stage, cols in _STAGE_COLUMNS.items() if stage not in only for c in cols}
    cols = list(BASE_COLUMNS) + (["blocks"] if blocks else [])
    return [c for c in cols if c not in dropped]


def flat_record(result: ArticleResult | FailedRecord, columns: Iterable[str] | None = None) -> dict[str, Any]:
    """One result as a flat row (all columns when ``columns`` is None)."""
    if isinstance(result, FailedRecord):
        row: dict[str, Any] = {c: None for c in BASE_COLUMNS}
        row.update(id=result.id, topics=[], topic_scores=[], warnings=[], blocks=[], error=result.error)
    else:
        row = {
            "id": result.id,
            "source_kind": result.source_kind,
            "title": result.title,
            "lead": result.lead,
            "body": "\n".join(result.body),
            "topics": [t.label for t in result.topics],
            "topic_scores": [float(t.score) for t in result.topics],
            "summary": result.summary,
            "warnings": list(result.warnings),
            "error": None,
            "blocks": [{"index": b.index, "text": b.text, "label": b.label, "score": b.score, "is_content": b.is_content} for b in result.blocks],
        }
    return {c: row.get(c) for c in (columns or [*BASE_COLUMNS, "blocks"])}


def arrow_schema(columns: Iterable[str]):
    """The pyarrow schema of the flat columns (stable, so that every shard of a run has the same one)."""
    import pyarrow as pa

    types = {
        "topics": pa.list_(pa.string()),
        "topic_scores": pa.list_(pa.float64()),
        "warnings": pa.list_(pa.string()),
        "blocks": pa.list_(
            pa.struct([("index", pa.int64()), ("text", pa.string()), ("label", pa.string()), ("score", pa.float64()), ("is_content", pa.bool_())])
        ),
    }
    return pa.schema([(c, types.get(c, pa.string())) for c in columns])


def rows_to_table(rows: list[dict[str, Any]], columns: list[str]):
    import pyarrow as pa

    return pa.Table.from_pylist(rows, schema=arrow_schema(columns))


class TableWriter:
    """Streams results into a CSV file (or stdout) or a Parquet file, ``row_group`` rows at a time."""

    def __init__(self, fmt: str, path: str | Path | None, columns: list[str], row_group: int = 1000) -> None:
        if fmt not in TABULAR_FORMATS:
            raise BantinInputError(f"unknown table format {fmt!r}; expected {', '.join(TABULAR_FORMATS)}")
        if fmt == "parquet" and path is None:
            raise BantinInputError("Parquet is binary: give an output file with -o/--output")
        self.fmt, self.columns, self.row_group = fmt, columns, row_group
        self.path = Path(path) if path is not None else None
        self.n = 0
        self._rows: list[dict[str, Any]] = []
        self._pq = None
        if fmt == "csv":
            self._fh = open(self.path, "w", encoding="utf-8", newline="") if self.path else sys.stdout
            self._csv = csv.DictWriter(self._fh, fieldnames=columns)
            self._csv.writeheader()
        else:
            import pyarrow.parquet as pq

            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._pq = pq.ParquetWriter(self.path, arrow_schema(columns))

    def write(self, result: ArticleResult | FailedRecord | dict[str, Any]) -> None:
        """Write one result, or a row already made by ``flat_record(result, self.columns)``."""
        row = result if isinstance(result, dict) else flat_record(result, self.columns)
        self.n += 1
        if self.fmt == "csv":
            self._csv.writerow({k: json.dumps(v, ensure_ascii=False) if k in LIST_COLUMNS else v for k, v in row.items()})
            return
        self._rows.append(row)
        if len(self._rows) >= self.row_group:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            self._pq.write_table(rows_to_table(self._rows, self.columns))
            self._rows = []

    def close(self) -> None:
        if self.fmt == "csv":
            if self.path:
                self._fh.close()
            else:
                self._fh.flush()
        else:
            self._flush()
            self._pq.close()

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def write_table(results: Iterable[ArticleResult | FailedRecord], path: str | Path | None, fmt: str, only: Iterable[str] = STAGES,
                blocks: bool = True) -> int:
    """Write results as CSV or Parquet; returns the number of rows."""
    with TableWriter(fmt, path, flat_columns(only, blocks)) as w:
        for r in results:
            w.write(r)
    return w.n


# -- Hugging Face datasets ------------------------------------------------------------------
def dataset_items(dataset: Any, text_column: str = "text", id_column: str = "id") -> Iterator[tuple[str | None, str]]:
    """(id, page) pairs of a ``datasets.Dataset``, for ``Pipeline.pipe``."""
    if text_column not in dataset.column_names:
        raise BantinInputError(f"the dataset has no {text_column!r} column (columns: {', '.join(dataset.column_names)}); pass text_column=")
    has_id = id_column in dataset.column_names
    for row in dataset.select_columns([text_column, id_column] if has_id else [text_column]):
        yield (None if not has_id or row[id_column] is None else str(row[id_column])), row[text_column]


class _MapBatch:
    """The batched function of ``map_dataset``: pickles as the pipeline's model dirs, so datasets can fingerprint it."""

    def __init__(self, pipeline: Any, text_column: str, id_column: str, batch_size: int, kind: str, columns: list[str]) -> None:
        self.pipeline, self.text_column, self.id_column = pipeline, text_column, id_column
        self.batch_size, self.kind, self.columns = batch_size, kind, columns

    def __call__(self, batch: dict[str, list], indices: list[int]) -> dict[str, list]:
        ids = batch.get(self.id_column) or [None] * len(indices)
        items = [(str(i) if rid is None else str(rid), text) for i, rid, text in zip(indices, ids, batch[self.text_column])]
        out: dict[str, list] = {c: [] for c in self.columns}
        for res in self.pipeline.pipe(items, batch_size=self.batch_size, kind=self.kind, errors="report"):
            for c, v in flat_record(res, self.columns).items():
                out[c].append(v)
        return out


def map_dataset(pipeline: Any, dataset: Any, text_column: str = "text", id_column: str = "id", batch_size: int = 32, kind: str = "auto",
                blocks: bool = False, num_proc: int | None = None):
    """``dataset`` with the flat analysis columns added (an existing column of the same name is replaced;
    ``id`` is kept as is). Bad pages get ``error`` set; nothing is dropped."""
    if text_column not in dataset.column_names:
        raise BantinInputError(f"the dataset has no {text_column!r} column (columns: {', '.join(dataset.column_names)}); pass text_column=")
    from datasets import Features

    columns = [c for c in flat_columns(blocks=blocks) if c != "id"]
    features_schema = arrow_schema(columns)
    new = Features.from_arrow_schema(features_schema)
    keep = {k: v for k, v in dataset.features.items() if k not in columns}
    fn = _MapBatch(pipeline, text_column, id_column, batch_size, kind, columns)
    drop = [c for c in columns if c in dataset.column_names]
    features = Features({**keep, **new})
    return dataset.map(fn, batched=True, batch_size=max(batch_size, 1), with_indices=True, remove_columns=drop or None, features=features,
                       num_proc=num_proc, desc="bantin")


def load_page_dataset(folder: str | Path, split: str | None = None):
    """The built page dataset (``bantin data build``) as a ``datasets.DatasetDict`` (or one split's ``Dataset``),
    with the card's features; the same as ``datasets.load_dataset(folder)``, which reads the card's YAML header."""
    import gzip

    import datasets

    from bantin.data.builder.card import page_features
    from bantin.errors import BantinDataError

    folder = Path(folder)
    splits = [s for s in ("train", "val", "test") if (folder / f"{s}.jsonl.gz").exists()]
    if split is not None:
        if split not in splits:
            raise BantinDataError(f"{folder}: no {split}.jsonl.gz; build the dataset with `bantin data build`")
        splits = [split]
    if not splits:
        raise BantinDataError(f"{folder}: no train/val/test .jsonl.gz files; build the dataset with `bantin data build`")
    with gzip.open(folder / f"{splits[0]}.jsonl.gz", "rt", encoding="utf-8") as fh:
        first = json.loads(fh.readline() or "{}")

    def feature(f: dict):
        if "sequence" in f:
            return datasets.Sequence(datasets.Value(f["sequence"]))
        if "struct" in f:
            return {g["name"]: feature(g) for g in f["struct"]}
        return datasets.Value(f["dtype"])

    forms = sorted(first.get("forms") or {})
    if (folder / "card.json").exists():  # the forms the build rendered (a page may lack one that did not align)
        card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
        forms = sorted({f for sp in card.get("splits", {}).values() for f, v in sp.get("forms", {}).items() if v.get("pages")})
    feats = datasets.Features({f["name"]: feature(f) for f in page_features("html" in first, forms)})
    ds = datasets.load_dataset("json", data_files={s: str(folder / f"{s}.jsonl.gz") for s in splits}, features=feats)
    return ds[split] if split is not None else ds
