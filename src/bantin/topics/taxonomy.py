"""The default topic taxonomy and the label maps of the public corpora onto it (``configs/taxonomy.yaml``).

A map sends each source label to one taxonomy label, to ``None`` (no home: the documents are left out) or to a
list of candidate labels (a category that splits across labels, e.g. baomoi's "Chính trị và Pháp luật").
Split categories are either dropped or resolved as a partial label: each document takes whichever of its
candidate labels a model trained on the unsplit documents scores higher (:func:`resolve_split_docs`).
The map is validated on load: an unknown target label or an unmapped source label is a clear error.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bantin.errors import BantinInputError
from bantin.topics.data import TopicDoc

SPLIT_POLICIES = ("drop", "resolve")


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s).strip()


@dataclass
class Taxonomy:
    labels: list[str]
    #: corpus -> source label -> target label | None (left out) | list of candidates (split category)
    maps: dict[str, dict[str, str | list[str] | None]]
    split_categories: str = "resolve"
    source: str = ""
    _warned: set = field(default_factory=set, repr=False)

    def map_label(self, corpus: str, label: str) -> str | list[str] | None:
        if corpus not in self.maps:
            raise BantinInputError(f"taxonomy {self.source}: no map for corpus {corpus!r} (maps: {', '.join(self.maps)})")
        m = self.maps[corpus]
        key = _nfc(label)
        if key not in m:
            raise BantinInputError(f"taxonomy {self.source}: {corpus} label {label!r} is not in its map; map it to a label, a list of labels or null")
        return m[key]

    def corpus_labels(self, corpus: str) -> list[str]:
        """The taxonomy labels a corpus's map can produce (taxonomy order): its single-target categories, plus the
        candidates of split categories when they are resolved rather than dropped. A model trained on that corpus
        alone can only answer these; scoring the default with its answers restricted to them is the fair
        comparison (``bantin evaluate topics`` reports it next to the unrestricted figure)."""
        if corpus not in self.maps:
            raise BantinInputError(f"taxonomy {self.source}: no map for corpus {corpus!r} (maps: {', '.join(self.maps)})")
        reach = {t for t in self.maps[corpus].values() if isinstance(t, str)}
        if self.split_categories != "drop":
            reach |= {t for v in self.maps[corpus].values() if isinstance(v, list) for t in v}
        return [lab for lab in self.labels if lab in reach]

    def shared_labels(self, a: str, b: str) -> list[str]:
        """Taxonomy labels that both corpora reach with single-target (unsplit) categories, in taxonomy order."""

        def reach(c: str) -> set[str]:
            return {t for t in self.maps[c].values() if isinstance(t, str)}

        both = reach(a) & reach(b)
        return [lab for lab in self.labels if lab in both]


def default_taxonomy_path() -> Path:
    from bantin.data.paths import REPO_ROOT

    if REPO_ROOT is not None and (REPO_ROOT / "configs" / "taxonomy.yaml").is_file():
        return REPO_ROOT / "configs" / "taxonomy.yaml"
    return Path("configs") / "taxonomy.yaml"


def parse_taxonomy(raw: Any, source: str = "<taxonomy>") -> Taxonomy:
    if not isinstance(raw, dict):
        raise BantinInputError(f"{source}: a taxonomy is a mapping with 'labels' and 'maps'")
    labels = raw.get("labels")
    if not isinstance(labels, list) or len(labels) < 2 or not all(isinstance(x, str) and x.strip() for x in labels):
        raise BantinInputError(f"{source}: 'labels' must be a list of at least 2 label names")
    labels = [_nfc(x) for x in labels]
    if len(set(labels)) != len(labels):
        raise BantinInputError(f"{source}: duplicate labels in 'labels'")
    policy = raw.get("split_categories", "resolve")
    if policy not in SPLIT_POLICIES:
        raise BantinInputError(f"{source}: split_categories must be one of {', '.join(SPLIT_POLICIES)}, not {policy!r}")
    maps_raw = raw.get("maps")
    if not isinstance(maps_raw, dict) or not maps_raw:
        raise BantinInputError(f"{source}: 'maps' must map corpus names to label maps")
    known = set(labels)
    maps: dict[str, dict[str, str | list[str] | None]] = {}
    for corpus, m in maps_raw.items():
        if not isinstance(m, dict):
            raise BantinInputError(f"{source}: maps.{corpus} must map source labels to taxonomy labels")
        out: dict[str, str | list[str] | None] = {}
        for src, tgt in m.items():
            targets = [] if tgt is None else [tgt] if isinstance(tgt, str) else tgt
            if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
                raise BantinInputError(f"{source}: maps.{corpus}.{src}: expected a label, a list of labels or null, got {tgt!r}")
            targets = [_nfc(t) for t in targets]
            unknown = [t for t in targets if t not in known]
            if unknown:
                raise BantinInputError(f"{source}: maps.{corpus}.{src} -> {unknown[0]!r} is not a taxonomy label (labels: {', '.join(labels)})")
            out[_nfc(str(src))] = None if not targets else targets[0] if len(targets) == 1 else targets
        maps[str(corpus)] = out
    return Taxonomy(labels, maps, policy, source)


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read and validate a taxonomy YAML file (default: configs/taxonomy.yaml)."""
    import yaml

    p = Path(path) if path else default_taxonomy_path()
    if not p.is_file():
        raise BantinInputError(f"taxonomy file {p} not found")
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BantinInputError(f"{p}: not valid YAML ({exc})") from exc
    return parse_taxonomy(raw, str(p))


@dataclass
class MappedDocs:
    docs: list[TopicDoc]  # single-target documents, relabeled
    split: list[tuple[TopicDoc, list[str]]]  # documents of split categories with their candidate labels
    left_out: int = 0


def map_docs(tax: Taxonomy, corpus: str, docs: Sequence[TopicDoc], labels: Sequence[str] | None = None) -> MappedDocs:
    """Relabel a corpus's documents into the taxonomy; ``labels`` restricts the result to those labels."""
    keep = set(labels) if labels is not None else None
    out, split, left = [], [], 0
    for d in docs:
        t = tax.map_label(corpus, d.label)
        if isinstance(t, list):
            cands = [x for x in t if keep is None or x in keep]
            if len(cands) >= 2:
                split.append((d, cands))
                continue
            t = cands[0] if cands else None
        if t is None or (keep is not None and t not in keep):
            left += 1
            continue
        out.append(TopicDoc(d.id, d.text, [t]))
    return MappedDocs(out, split, left)


def resolve_split_docs(model, split: Sequence[tuple[TopicDoc, list[str]]]) -> list[TopicDoc]:
    """Partial labels: each split document takes the candidate label the (fitted) model scores highest."""
    if not split:
        return []
    index = {lab: i for i, lab in enumerate(model.labels)}
    missing = sorted({c for _, cands in split for c in cands if c not in index})
    if missing:
        raise BantinInputError(f"cannot resolve split categories: the model has no label {missing[0]!r}")
    scores = model.decision_function([d.text for d, _ in split])
    out = []
    for row, (d, cands) in zip(scores, split):
        best = max(cands, key=lambda c: row[index[c]])
        out.append(TopicDoc(d.id, d.text, [best]))
    return out
