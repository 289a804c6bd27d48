"""Summarization data: (document, reference summary) pairs from the public corpora.

* ``vietnews``: title + body, the ``summary`` field (the article's abstract) is the reference. Splits
  train / val / test (deduplicated bodies). Text is de-tokenized by ``bantin.data.corpora``.
* ``baomoi_sapo``: baomoi_articles_2017 title + body, the sapo (lead paragraph) is the reference. No
  split: a fixed, spread-out sample (every ``every``-th line). Articles whose body repeats the sapo are
  left out (the sapo would be copied verbatim by lead-1), as are very short ones.
* your own data: ``dataset`` is a JSON Lines file (``.jsonl``/``.jsonl.gz``) or a folder holding
  ``train.jsonl[.gz]``, ``val.jsonl[.gz]``, ``test.jsonl[.gz]``. One article per line:
  ``{"id": ..., "title": ..., "body": ... (or "text"), "summary": ... (or "abstract"/"sapo")}``; in a single
  file an optional ``"split"`` field picks the split (lines without it belong to every split).
"""

from __future__ import annotations

from dataclasses import dataclass

from bantin.errors import BantinInputError
from bantin.summarize.base import Document, make_document
from bantin.text.tokenize import syllables

DATASETS = ("vietnews", "baomoi_sapo")
#: baomoi_articles_2017 line offsets (modulo 7) of the training and validation samples; 0 is the evaluation sample
BAOMOI_TRAIN_OFFSETS = (1, 2, 3, 4)
BAOMOI_VAL_OFFSET = 5


@dataclass
class SummaryExample:
    """An article (title, body text with paragraphs on lines) and its reference summary."""

    id: str
    title: str
    body: str
    reference: str

    def document(self, sentence_backend: str = "underthesea") -> Document:
        return make_document(self.title, "", self.body, id=self.id, sentence_backend=sentence_backend)


def _corpora():
    from bantin.data import corpora

    return corpora


def load_vietnews(split: str = "test", limit: int | None = None, data_dir: str | None = None, sentence_backend: str = "underthesea") -> list[SummaryExample]:
    out = []
    for rec in _corpora().iter_corpus("vietnews", split=split, data_dir=data_dir, limit=limit):
        if not rec.lead.strip() or not rec.body.strip():
            continue
        out.append(SummaryExample(rec.uid, rec.title, rec.body, rec.lead))
    return out


def load_baomoi_sapo(limit: int | None = 2000, every: int = 7, data_dir: str | None = None, sentence_backend: str = "underthesea",
                     min_sapo_syllables: int = 10, min_body_sentences: int = 3, offset: int = 0) -> list[SummaryExample]:
    """The fixed evaluation sample is ``offset=0`` (lines 0, 7, 14...); training and validation samples use other
    offsets (``BAOMOI_TRAIN_OFFSETS``, ``BAOMOI_VAL_OFFSET``), so they never share an article line with it."""
    if not 0 <= offset < every:
        raise BantinInputError(f"offset must be in 0..{every - 1}")
    out = []
    for rec in _corpora().iter_corpus("baomoi_articles_2017", data_dir=data_dir, every=every, offset=offset):
        sapo, body = rec.lead.strip(), rec.body.strip()
        if len(syllables(sapo)) < min_sapo_syllables or not body:
            continue
        if sapo[:60] in body:  # the body repeats the sapo: not a fair reference
            continue
        ex = SummaryExample(rec.uid, rec.title, body, sapo)
        if len(ex.document(sentence_backend).sentences) < min_body_sentences:
            continue
        out.append(ex)
        if limit is not None and len(out) >= limit:
            break
    return out


USER_BODY_FIELDS = ("body", "text", "content")
USER_SUMMARY_FIELDS = ("summary", "abstract", "sapo", "reference")


def _user_file(dataset: str, split: str):
    from pathlib import Path

    path = Path(dataset)
    if path.is_dir():
        for name in (f"{split}.jsonl", f"{split}.jsonl.gz"):
            if (path / name).exists():
                return path / name, False
        raise BantinInputError(f"{path} has no {split}.jsonl or {split}.jsonl.gz")
    if not path.exists():
        raise BantinInputError(f"summarization data {path}: no such file")
    return path, True


def load_user_examples(dataset: str, split: str = "test", limit: int | None = None) -> list[SummaryExample]:
    """Articles with reference summaries from your own JSON Lines file or folder (format in the module doc).

    A malformed line or a record without body or summary is an error naming the line: training data is
    not silently thinned out."""
    from bantin.io import JsonlError, iter_jsonl_lines

    path, filter_split = _user_file(dataset, split)
    out: list[SummaryExample] = []
    for n, rec in iter_jsonl_lines(path, errors="report"):
        if isinstance(rec, JsonlError):
            raise BantinInputError(f"{path}: line {n}: {rec.reason}")
        if filter_split and rec.get("split") not in (None, split):
            continue
        body = next((rec[f] for f in USER_BODY_FIELDS if isinstance(rec.get(f), str) and rec[f].strip()), None)
        summary = next((rec[f] for f in USER_SUMMARY_FIELDS if isinstance(rec.get(f), str) and rec[f].strip()), None)
        if body is None or summary is None:
            raise BantinInputError(f"{path}: line {n}: needs a non-empty body ({'/'.join(USER_BODY_FIELDS)}) and summary ({'/'.join(USER_SUMMARY_FIELDS)})")
        out.append(SummaryExample(str(rec.get("id", f"{path.name}:{n}")), str(rec.get("title") or ""), body, summary))
        if limit is not None and len(out) >= limit:
            break
    if not out:
        raise BantinInputError(f"{path}: no articles for split {split!r}")
    return out


def load_examples(dataset: str, split: str = "test", limit: int | None = None, data_dir: str | None = None, sentence_backend: str = "underthesea") -> list[SummaryExample]:
    if dataset == "vietnews":
        return load_vietnews(split, limit, data_dir, sentence_backend)
    if dataset == "baomoi_sapo":
        if split not in ("test", "all", "sample"):
            raise BantinInputError("baomoi_sapo has no splits (it is an evaluation sample); use split=test")
        return load_baomoi_sapo(limit if limit is not None else 2000, data_dir=data_dir, sentence_backend=sentence_backend)
    if dataset.endswith((".jsonl", ".jsonl.gz", "/")) or "/" in dataset or dataset.startswith("."):
        return load_user_examples(dataset, split, limit)
    raise BantinInputError(f"unknown summarization dataset {dataset!r}; expected one of {', '.join(DATASETS)} or a JSONL file/folder")
