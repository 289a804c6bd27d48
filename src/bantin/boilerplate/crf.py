"""The fast default: a linear-chain CRF over the blocks of a page (python-crfsuite, as used by sklearn-crfsuite).

Each block is an item with the features of ``bantin.boilerplate.features`` (its own, its page context and
its neighbours' within +-2); the CRF adds label-transition weights, so that a teaser follows a related
title, a caption follows a photo, and boilerplate sections run on once opened. The model file is
crfsuite's own binary format (no pickle), a few hundred KB to a few MB.
"""

from __future__ import annotations

import copy
import re
import shutil
import struct
import tempfile
import threading
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pycrfsuite

from bantin.blocks import Block, Page
from bantin.boilerplate.base import BlockLabeler, check_training_pages
from bantin.boilerplate.extract import AGO_SPAN, is_date_line
from bantin.boilerplate.features import page_features
from bantin.errors import BantinModelError
from bantin.labels import CONTENT_LABELS, LABELS
from bantin.models.base import model_file

MODEL_FILE = "model.crfsuite"

#: page-level consistency (see ``outlying_content``): content blocks apart by at most this many boilerplate blocks
#: form one cluster, and a cluster under this share of the largest cluster's words is boilerplate. Chosen on the
#: built val split (text, HTML, Markdown, lxml text) and the seed pages, among gaps 4-12 and shares 0.05-0.25.
CONSISTENCY_GAP = 6
CONSISTENCY_MIN_SHARE = 0.15


def _copy_block(b: Block, label: str) -> Block:
    """``copy.copy(b)`` with ``label`` set, without the copy protocol's overhead (a shallow copy: the hints dict
    is shared)."""
    cls = b.__class__
    c = cls.__new__(cls)
    c.__dict__.update(b.__dict__)
    c.label = label
    return c


def outlying_content(labels: Sequence[str], texts: Sequence[str], gap: int = CONSISTENCY_GAP,
                     min_share: float = CONSISTENCY_MIN_SHARE) -> list[int]:
    """Indices of content blocks that lie apart from the page's main article: an article is one contiguous run of
    content (with captions, ads or a related box inside it), so content blocks separated from the largest content
    cluster by more than ``gap`` boilerplate blocks, in a cluster with under ``min_share`` of its words (a teaser
    paragraph under a related box, a comment, a footer line), are outliers. Title blocks are kept."""
    clusters: list[list[int]] = []
    since = gap + 1
    for i, y in enumerate(labels):
        if y in CONTENT_LABELS:
            if since > gap or not clusters:
                clusters.append([])
            clusters[-1].append(i)
            since = 0
        else:
            since += 1
    if len(clusters) < 2:
        return []
    words = [sum(len(texts[i].split()) for i in cl) for cl in clusters]
    main = max(range(len(clusters)), key=words.__getitem__)
    return [i for k, cl in enumerate(clusters) if k != main and words[k] < min_share * words[main]
            for i in cl if labels[i] != "title"]

#: a second copy of the article (a page that carries its article twice, e.g. a hidden mobile copy beside the
#: desktop one): at least this many content blocks of DUPLICATE_MIN_CHARS+ characters repeat earlier content
#: blocks word for word, and they hold at least DUPLICATE_MIN_SHARE of the content's words
DUPLICATE_MIN_BLOCKS = 3
DUPLICATE_MIN_CHARS = 40
DUPLICATE_MIN_SHARE = 0.3


def duplicate_content(labels: Sequence[str], texts: Sequence[str]) -> list[int]:
    """Indices of the content blocks of a second copy of the article: when the page's content holds the same
    article twice (``DUPLICATE_*``), every content block whose text repeats an earlier content block's. A
    paragraph repeated once or twice (a lead repeated as the first paragraph, a pull quote) is left alone."""
    seen: set[str] = set()
    repeats: list[int] = []
    long_repeats = repeated_words = total_words = 0
    for i, y in enumerate(labels):
        if y not in CONTENT_LABELS:
            continue
        key = " ".join(texts[i].split())
        n = len(key.split())
        total_words += n
        if key in seen:
            repeats.append(i)
            repeated_words += n
            long_repeats += len(key) >= DUPLICATE_MIN_CHARS
        else:
            seen.add(key)
    if long_repeats >= DUPLICATE_MIN_BLOCKS and repeated_words >= DUPLICATE_MIN_SHARE * total_words:
        return repeats
    return []


#: a comment widget's meta line: "phanngan - 13 giờ 28 phút trước", "2 ngày trước", "Thích 51", "Trả lời"
_COMMENT_ACTION = r"(?:thích|trả lời|báo vi phạm|phản hồi)(?:\s*[|·:]?\s*\d+)?"
COMMENT_META = re.compile(
    r"^(?:.{0,60}?\s?[-–|]\s)?" + AGO_SPAN + r"(?:\s+\d{1,3}\s+(?:giây|phút|giờ|ngày))?\s+trước"
    # a converter that keeps the widget's inline elements on one line adds its actions: "... trước Thích 51"
    r"(?:\s*[|·]?\s*" + _COMMENT_ACTION + r"){0,3}$"
    r"|^" + _COMMENT_ACTION + r"$", re.IGNORECASE)
#: meta lines at most this many blocks apart belong to one comment section
COMMENT_META_GAP = 6
#: a comment section's heading: "Ý kiến bạn đọc (5)", "Bình luận", "Ý kiến của bạn"; comments shown before their
#: meta line (text, then "name - 13 giờ trước") start there
COMMENT_HEADING = re.compile(r"^(?:ý kiến(?: bạn đọc| độc giả| của bạn)?|bình luận|các bình luận|phản hồi)(?:\s*\(\d+\))?:?$",
                             re.IGNORECASE)


def comment_content(labels: Sequence[str], texts: Sequence[str]) -> list[int]:
    """Indices of content blocks inside a comment section: between the first and the last of 2+ comment meta lines
    (``COMMENT_META``) that follow each other within ``COMMENT_META_GAP`` blocks. A reader's comment is prose like
    the article's, but it sits between the widget's "name - 13 giờ trước" and "Thích 51" lines. A section heading
    (``COMMENT_HEADING``) at most ``COMMENT_META_GAP`` blocks before the first meta line opens the section there (a
    widget that shows each comment before its meta line)."""
    meta = [i for i, t in enumerate(texts) if len(t) <= 120 and COMMENT_META.match(" ".join(t.split()))]
    out: list[int] = []
    start = 0
    for k in range(1, len(meta) + 1):
        if k == len(meta) or meta[k] - meta[k - 1] > COMMENT_META_GAP:
            if k - start >= 2:
                first = meta[start]
                for h in range(first - 1, max(-1, first - 1 - COMMENT_META_GAP), -1):
                    if len(texts[h]) <= 40 and COMMENT_HEADING.match(" ".join(texts[h].split())):
                        first = h
                        break
                out += [i for i in range(first, meta[k - 1] + 1) if labels[i] in CONTENT_LABELS]
            start = k
    return out


#: a block that is an image's file name ("6_1398994809.jpg"): an alt text written as text by a converter
_FILE_NAME = re.compile(r"^[\w\-.%~+]{1,200}\.(?:jpe?g|png|gif|webp|bmp|svg|tiff?)$", re.IGNORECASE)
#: an image table's alt row: a cell of a table of at most ALT_TABLE_MAX_BLOCKS blocks whose words recur in the next
#: cell (ALT_COPY_MIN_SHARE+ of them), which is at most 1 / ALT_COPY_MIN_LENGTH times as long
ALT_COPY_MIN_SHARE = 0.8
ALT_COPY_MIN_LENGTH = 0.5
ALT_TABLE_MAX_BLOCKS = 3
_WORD = re.compile(r"\w+")


def alt_text_content(labels: Sequence[str], texts: Sequence[str], tables: Sequence[int | None],
                     images: Sequence[bool] | None = None) -> list[int]:
    """Indices of content blocks that are an image's alt text written as text: a bare file name, or, inside a small
    table without image marks (``tables``: each block's table number, None outside tables; ``images``: whether a
    block carries an image mark; ``ALT_*``), a cell that copies or drafts the next cell of the same table, also
    content. markdownify writes an image inside ``<td>`` as its bare alt text, and old CMS image tables hold the
    picture's row, then its caption's, the alt often a copy or a draft of the caption ("| Leila Lopes kém duyên dáng
    ... |" twice): readers see the caption once. A heading cell above a paragraph that repeats its words, and the rows
    of a layout table that holds the whole article, are left alone."""
    out: list[int] = []
    sizes = Counter(t for t in tables if t is not None)
    # a table whose picture kept its mark (html2text's "![alt](src)") wrote no alt text as a cell
    marked = {t for t, img in zip(tables, images or ()) if img and t is not None}
    for i, t in enumerate(texts):
        if labels[i] not in CONTENT_LABELS:
            continue
        if len(t) <= 220 and _FILE_NAME.match(t.strip()):
            out.append(i)
        elif (tables[i] is not None and sizes[tables[i]] <= ALT_TABLE_MAX_BLOCKS and tables[i] not in marked
              and i + 1 < len(texts) and tables[i + 1] == tables[i] and labels[i + 1] in CONTENT_LABELS):
            words = Counter(_WORD.findall(t.lower()))
            nxt = Counter(_WORD.findall(texts[i + 1].lower()))
            n = sum(words.values())
            if n and n >= ALT_COPY_MIN_LENGTH * sum(nxt.values()) and sum((words & nxt).values()) >= ALT_COPY_MIN_SHARE * n:
                out.append(i)
    return out


#: a text that recurs this often on a page (REPEAT_MIN_CHARS+ characters) is a template element: an image's alt
#: text that a converter wrote as text (markdownify, in table cells), a box heading, a recurring link
REPEAT_MIN_COUNT = 3
REPEAT_MIN_CHARS = 15


def repeated_copies(texts: Sequence[str]) -> list[int]:
    """Indices of the blocks whose text (``REPEAT_MIN_CHARS``+ characters) occurs ``REPEAT_MIN_COUNT``+ times on
    the page, but for each text's first occurrence. The labeler tags the page without them (they are boilerplate,
    and they would break the article's run for its neighbours, where an image's alt text sits between paragraphs)."""
    return list(_first_occurrences(texts))


def _first_occurrences(texts: Sequence[str]) -> dict[int, int]:
    """``repeated_copies``, each copy mapped to its text's first occurrence."""
    keys = [" ".join(t.split()) for t in texts]
    counts = Counter(k for k in keys if len(k) >= REPEAT_MIN_CHARS)
    if not counts or max(counts.values()) < REPEAT_MIN_COUNT:
        return {}
    first: dict[str, int] = {}
    out: dict[int, int] = {}
    for i, k in enumerate(keys):
        if counts.get(k, 0) >= REPEAT_MIN_COUNT:
            if k in first:
                out[i] = first[k]
            else:
                first[k] = i
    return out


# The CRFsuite model file (crfsuite's crf1d_model.c): a 48-byte header (magic "lCRF", the file size, type "FOMC",
# version, counts, then the offsets of five chunks), each chunk opening with its own 4-byte id and its byte size.
_CRF_HEADER = struct.Struct("<4sI4s9I")
_CRF_CHUNKS = (("features", b"FEAT"), ("labels", b"CQDB"), ("attributes", b"CQDB"), ("label refs", b"LFRF"), ("attribute refs", b"AFRF"))
_CRF_FEATURE_SIZE = 20  # type, src, dst (uint32) + weight (float64)


def check_crfsuite_file(path: Path) -> None:
    """Check a CRFsuite model file's structure before crfsuite maps it; ``BantinModelError`` when it is not sound.

    crfsuite reads the file through the offsets and sizes it declares, without bounds checks, so a truncated or
    altered file crashes the process. This checks the header (magic, type, declared size = actual size) and that
    every chunk lies inside the file with the id and size its header declares.
    """
    data = path.read_bytes()
    if len(data) < _CRF_HEADER.size:
        raise BantinModelError(f"{path}: not a crfsuite model ({len(data)} bytes, shorter than the header)")
    magic, size, kind, _version, _n_feat, _n_labels, _n_attrs, *offsets = _CRF_HEADER.unpack_from(data)
    if magic != b"lCRF" or kind != b"FOMC":
        raise BantinModelError(f"{path}: not a crfsuite model (magic {magic!r}, type {kind!r})")
    if size != len(data):
        raise BantinModelError(f"{path}: truncated or corrupt crfsuite model (declares {size} bytes, has {len(data)})")
    for (what, chunk_id), offset in zip(_CRF_CHUNKS, offsets):
        if offset < _CRF_HEADER.size or offset + 12 > size:
            raise BantinModelError(f"{path}: corrupt crfsuite model ({what} chunk offset {offset} outside the file)")
        got_id, chunk_size, count = struct.unpack_from("<4sII", data, offset)
        if got_id != chunk_id or chunk_size < 12 or offset + chunk_size > size:
            raise BantinModelError(f"{path}: corrupt crfsuite model ({what} chunk at {offset}: {got_id!r}, {chunk_size} bytes)")
        if chunk_id == b"FEAT" and 12 + count * _CRF_FEATURE_SIZE != chunk_size:
            raise BantinModelError(f"{path}: corrupt crfsuite model ({count} features do not fill {chunk_size} bytes)")


class CRFLabeler(BlockLabeler):
    kind = "crf"

    def __init__(self, c1: float = 0.05, c2: float = 0.05, max_iterations: int = 100, window: int = 2, min_freq: int = 2,
                 all_possible_transitions: bool = True, consistency: bool = True) -> None:
        super().__init__()
        self.c1 = c1
        self.c2 = c2
        self.max_iterations = max_iterations
        self.window = window
        self.min_freq = min_freq
        self.all_possible_transitions = all_possible_transitions
        #: relabel content blocks apart from the main article as boilerplate (``outlying_content``)
        self.consistency = consistency
        self._model_path: Path | None = None
        # A crfsuite Tagger keeps the last sequence it tagged (marginals read it), so threads must not share one:
        # each thread opens its own from the model file.
        self._local = threading.local()
        self._tmpdir: tempfile.TemporaryDirectory | None = None

    def get_config(self) -> dict:
        return {"c1": self.c1, "c2": self.c2, "max_iterations": self.max_iterations, "window": self.window,
                "min_freq": self.min_freq, "all_possible_transitions": self.all_possible_transitions, "consistency": self.consistency}

    def features(self, page: Page) -> list[dict[str, float]]:
        return page_features(page, window=self.window)

    def _items(self, page: Page) -> list[dict]:
        """What the tagger reads: ``features(page)`` in its sparse form (the same scores, see ``page_features``)."""
        return page_features(page, window=self.window, sparse=True)

    def fit(self, pages: Sequence[Page]) -> CRFLabeler:
        check_training_pages(pages)
        trainer = pycrfsuite.Trainer(verbose=False)
        for p in pages:
            if p.blocks:
                trainer.append(self.features(p), [b.label for b in p.blocks])
        trainer.set_params({
            "c1": self.c1, "c2": self.c2, "max_iterations": self.max_iterations,
            "feature.minfreq": self.min_freq, "feature.possible_transitions": self.all_possible_transitions,
        })
        self._tmpdir = tempfile.TemporaryDirectory(prefix="bantin-crf-")
        path = Path(self._tmpdir.name) / MODEL_FILE
        trainer.train(str(path))
        self._open(path)
        self.training_info.update({"n_pages": len(pages), "n_blocks": sum(len(p.blocks) for p in pages),
                                   "iterations": trainer.logparser.iterations[-1]["num"] if trainer.logparser.iterations else None})
        return self

    def _open(self, path: Path) -> None:
        tagger = pycrfsuite.Tagger()
        tagger.open(str(path))
        self._local = threading.local()
        self._local.tagger = tagger
        self._model_path = path
        self.labels = list(tagger.labels())

    @property
    def _tagger(self) -> pycrfsuite.Tagger | None:
        """This thread's tagger (None when the model is not fitted)."""
        if self._model_path is None:
            return None
        tagger = getattr(self._local, "tagger", None)
        if tagger is None:
            tagger = pycrfsuite.Tagger()
            tagger.open(str(self._model_path))
            self._local.tagger = tagger
        return tagger

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_local", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._local = threading.local()

    def _save_weights(self, path: Path) -> None:
        if self._model_path is None:
            raise BantinModelError("CRFLabeler is not fitted")
        if self._model_path.resolve() != (path / MODEL_FILE).resolve():
            shutil.copyfile(self._model_path, path / MODEL_FILE)

    def _load_weights(self, path: Path) -> None:
        f = model_file(path, MODEL_FILE)
        if not f.is_file():
            raise OSError(f"{path / MODEL_FILE} is missing")
        check_crfsuite_file(f)  # crfsuite trusts its input: a truncated file crashes the process (SIGSEGV)
        try:
            self._open(f)
        except (OSError, ValueError) as exc:
            raise BantinModelError(f"{f}: not a crfsuite model ({exc})") from exc
        unknown = sorted(set(self.labels) - set(LABELS))
        if unknown:
            raise BantinModelError(f"{f}: unknown block labels {unknown} (expected some of {', '.join(LABELS)})")

    def predict(self, pages: Sequence[Page]) -> list[list[str]]:
        tagger = self._tagger
        if tagger is None:
            raise BantinModelError("CRFLabeler is not fitted")
        return [self._tag(tagger, p)[0] if p.blocks else [] for p in pages]

    def _sequence(self, page: Page) -> tuple[Page, list[int | None] | None, dict[int, int]]:
        """The page the tagger reads: without the copies of recurring texts (``repeated_copies``, with the
        consistency pass on); each block's position in it (None for a copy; None for the whole list when nothing
        was left out); and each copy's first occurrence."""
        of = _first_occurrences([b.text for b in page.blocks]) if self.consistency else {}
        if not of:
            return page, None, {}
        sub = copy.copy(page)
        sub.blocks = [b for i, b in enumerate(page.blocks) if i not in of]
        kept = iter(range(len(sub.blocks)))
        return sub, [None if i in of else next(kept) for i in range(len(page.blocks))], of

    @staticmethod
    def _copy_label(first_label: str) -> str:
        """A copy's label: its first occurrence's when that is boilerplate (a menu item, a box heading), else noise
        (an alt text that copies the title: readers see the title once)."""
        return "noise" if first_label in CONTENT_LABELS else first_label

    def _tag(self, tagger, page: Page) -> tuple[list[str], list[int | None] | None]:
        """Viterbi tags of every block (copies of recurring texts: ``_copy_label``) after the consistency pass, and
        each block's position in the tagger's sequence (see ``_sequence``)."""
        seq, pos, of = self._sequence(page)
        sub_tags = list(tagger.tag(self._items(seq))) if seq.blocks else []
        return self._page_tags(sub_tags, page, pos, of)

    def _page_tags(self, sub_tags: list[str], page: Page, pos: list[int | None] | None,
                   of: dict[int, int]) -> tuple[list[str], list[int | None] | None]:
        """The tags of the tagged sequence (``_sequence``) spread over the whole page (copies: ``_copy_label``),
        after the consistency pass; and each block's position in that sequence."""
        if pos is None:
            return self._consistent(sub_tags, page), None
        tags = ["" if j is None else sub_tags[j] for j in pos]
        for i, f in of.items():
            tags[i] = self._copy_label(tags[f])
        return self._consistent(tags, page), pos

    def _consistent(self, tags: list[str], page: Page) -> list[str]:
        """The tags with outlying content blocks (``outlying_content``), a second copy of the article
        (``duplicate_content``), readers' comments (``comment_content``) and alt texts written as text
        (``alt_text_content``) relabeled as boilerplate, and content blocks that are only a date or a relative time
        (``extract.is_date_line``) relabeled ``byline``."""
        if self.consistency:
            texts = [b.text for b in page.blocks]
            for i in outlying_content(tags, texts):
                tags[i] = "related"
            for i in duplicate_content(tags, texts):
                tags[i] = "noise"
            for i in comment_content(tags, texts):
                tags[i] = "noise"
            # a line that is only a date or a time is the article's metadata, never its text (ArticleText.dates)
            for i, y in enumerate(tags):
                if y in CONTENT_LABELS and y != "byline" and is_date_line(texts[i]):
                    tags[i] = "byline"
            hints = [b.hints for b in page.blocks]
            tables = [h.get("table_no") for h in hints]
            for i in alt_text_content(tags, texts, tables, [bool(h.get("image_marker")) for h in hints]):
                tags[i] = "noise"
        return tags

    def predict_proba(self, pages: Sequence[Page]) -> list[list[dict[str, float]]]:
        """Per-block marginal probabilities of every label."""
        tagger = self._tagger
        if tagger is None:
            raise BantinModelError("CRFLabeler is not fitted")
        out = []
        for p in pages:
            if not p.blocks:
                out.append([])
                continue
            seq, pos, of = self._sequence(p)
            tagger.set(self._items(seq))
            probs = [{lab: tagger.marginal(lab, i) for lab in self.labels} for i in range(len(seq.blocks))]
            if pos is not None:
                full = [{} if j is None else probs[j] for j in pos]
                for i, f in of.items():  # a copy is surely boilerplate (label_pages gives it P(content) 0)
                    label = self._copy_label(max(full[f], key=full[f].get))
                    full[i] = {lab: float(lab == label) for lab in self.labels}
                probs = full
            out.append(probs)
        return out

    def label_pages(self, pages: Sequence[Page]) -> list[Page]:
        """Viterbi labels (the best sequence), scored by each block's marginal probability."""
        tagger = self._tagger
        if tagger is None:
            raise BantinModelError("CRFLabeler is not fitted")
        out = []
        for page in pages:
            labeled = copy.copy(page)
            labeled.blocks = []
            if page.blocks:
                tags, pos = self._tag(tagger, page)
                marginal = tagger.marginal
                labeled.blocks = [_copy_block(b, y) for b, y in zip(page.blocks, tags)]
                # the tagger's position of each block (None: a copy left out of its sequence, surely boilerplate)
                pos = list(range(len(tags))) if pos is None else pos
                if self.calibration is not None:
                    # P(content) of each block: the calibration gives every score from it (finish_page)
                    content = [lab for lab in self.labels if lab in CONTENT_LABELS]
                    p_content = [0.0 if j is None else min(1.0, sum([marginal(lab, j) for lab in content])) for j in pos]
                    labeled = self.finish_page(labeled, p_content)
                else:
                    for j, b, y in zip(pos, labeled.blocks, tags):
                        b.score = 1.0 if j is None else float(marginal(y, j))
            out.append(labeled)
        return out

    def card_details(self) -> str:
        return (
            "## Method\n\n"
            "Linear-chain CRF (python-crfsuite, L-BFGS with L1+L2) over the blocks of a page. Features: lexical cues "
            "(marker headings, Vietnamese boilerplate vocabulary, dates/times, sentence-ness, length, capitalization), "
            "layout (position, blank lines, trailing pipe, image markers), page context (repeats of the title or of other "
            "lines, distance to section headings, where the long paragraphs lie), HTML hints when the page is HTML, and "
            f"the neighbours' features within +-{self.window} blocks.\n\n"
            "## Limits\n\nTrained on synthetic renderings of public news articles in a handful of site templates; sites with "
            "very different layouts or boilerplate vocabulary may need more data. Check on your own pages."
        )
