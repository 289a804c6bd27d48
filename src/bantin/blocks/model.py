"""The Page and Block types every task works on."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from bantin.labels import LABELS, to_binary

#: Blocks analyzed per page: the parsers drop the rest with a warning (news pages have a few hundred; a page
#: of a million short lines would otherwise cost minutes and gigabytes in every later stage).
MAX_BLOCKS = 10_000

#: Layout told from content, in every parser: a list item holding at least this much text outside links, in at
#: least this many blocks, is a container (a page whose article sits in an ``<li>``), not an item of a list; its
#: blocks get no list hints. (A table with at most one non-empty cell per row lays text out: no table hints.)
CONTAINER_ITEM_CHARS = 600
CONTAINER_ITEM_BLOCKS = 3


@dataclass
class Block:
    """One block of a page: a line of flattened text, or a paragraph/heading/list item/caption of HTML.

    ``hints`` holds the structural evidence the parser saw (see ``bantin.blocks.text_parser`` and
    ``bantin.blocks.html_parser`` for the keys); ``label``/``score`` are filled by annotation or a model.
    """

    index: int
    text: str
    raw: str = ""
    hints: dict[str, Any] = field(default_factory=dict)
    label: str | None = None
    score: float | None = None

    @property
    def binary_label(self) -> str | None:
        return None if self.label is None else to_binary(self.label)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Block:
        label = d.get("label")
        if label is not None and label not in LABELS:
            raise ValueError(f"block {d.get('index')}: unknown label {label!r}")
        return cls(
            index=int(d["index"]),
            text=d["text"],
            raw=d.get("raw", d["text"]),
            hints=dict(d.get("hints", {})),
            label=label,
            score=d.get("score"),
        )


@dataclass
class Page:
    """A parsed page: an ordered list of blocks plus where it came from."""

    blocks: list[Block]
    source_kind: str = "text"  # "text" (flattened by a crawler) or "html"
    id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def add_warnings(self, warnings: list[str], first: bool = False) -> None:
        """Record what parsing changed or dropped (``meta["warnings"]``, which the pipeline's result reports);
        a new list, so that copies of the page keep their own."""
        if warnings:
            old = self.meta.get("warnings", [])
            self.meta["warnings"] = [*warnings, *old] if first else [*old, *warnings]

    def __len__(self) -> int:
        return len(self.blocks)

    def __iter__(self):
        return iter(self.blocks)

    @property
    def texts(self) -> list[str]:
        return [b.text for b in self.blocks]

    @property
    def labels(self) -> list[str | None]:
        return [b.label for b in self.blocks]

    def content_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.label is not None and b.binary_label == "content"]

    def blocks_with(self, *labels: str) -> list[Block]:
        return [b for b in self.blocks if b.label in labels]

    def content_text(self) -> str:
        """The clean article: content blocks joined by newlines (needs labels)."""
        return "\n".join(b.text for b in self.content_blocks() if b.text)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source_kind": self.source_kind,
            "meta": self.meta,
            "blocks": [b.to_dict() for b in self.blocks],
        }

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Page:
        return cls(
            blocks=[Block.from_dict(b) for b in d["blocks"]],
            source_kind=d.get("source_kind", "text"),
            id=d.get("id"),
            meta=dict(d.get("meta", {})),
        )
