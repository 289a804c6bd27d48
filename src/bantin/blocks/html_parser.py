"""HTML -> blocks with lxml.

Block boundaries follow block-level elements (p, h1-h6, li, figcaption, blockquote, td, div...)
and <br>; script/style/noscript/template/svg/iframe/head are dropped. Hints per block:

  tag            innermost block-level element ("p", "h2", "li", "figcaption", "div"...)
  heading        heading level 1-6, 0 if not in a heading
  in_list, in_link_only, is_caption, in_table   (in_list/in_table leave out container list items and layout
                 tables, told from content: see ``_layout_hints``; such an li/td block is tagged "div")
  link_density   share of the block's characters that sit inside <a>
  landmarks      ancestor landmark tags among nav/header/footer/aside/article/main/figure/form
  class_tokens   lower-cased tokens of ancestors' class and id attributes (e.g. "related", "footer")
  depth          DOM depth of the block element
  main_pos       where the block sits relative to the page's main text container ("in", "before", "after",
                 "none"): the DOM element that holds the most non-link long text, penalized for the other
                 text it holds (readability-style); see ``_container_hints``
  box_long, box_link, box_n   the block's parent container: share of its characters in long non-link blocks,
                 its link density, and how many blocks it holds (consistency between blocks of one container)
  n_chars, n_syllables, has_date, has_time, ... (the same text hints as flattened pages)
  rel_pos        index / (n_blocks - 1)
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

import lxml.etree
import numpy as np

from bantin.blocks.model import CONTAINER_ITEM_BLOCKS, CONTAINER_ITEM_CHARS, MAX_BLOCKS, Block, Page
from bantin.blocks.text_parser import line_hints
from bantin.caching import cached
from bantin.errors import BantinInputError
from bantin.text.normalize import normalize_text, normalize_whitespace

BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd figcaption figure blockquote pre table thead tbody tr td th "
    "section article header footer nav aside main caption address hr form fieldset legend details summary "
    "body center".split()
)
DROP_TAGS = frozenset("script style noscript template svg iframe head object embed canvas math button select option input textarea".split())
LANDMARKS = frozenset("nav header footer aside article main figure form".split())
_TOKEN = re.compile(r"[a-z][a-z0-9]+")


#: Bounds that keep hostile pages linear (with MAX_BLOCKS, blocks per page): class/id
#: characters and tokens read per attribute, and the ancestors whose class/id tokens a block sees.
MAX_ATTR_CHARS = 2_000
MAX_ATTR_TOKENS = 32
MAX_CLASS_ANCESTORS = 64
#: Innermost block ancestors kept per block for the container hints (blocks x depth stays bounded).
MAX_PATH = 256
#: Element nesting that libxml2 accepts with huge_tree (deeper documents are cut at the deep point).
MAX_DEPTH = 2048
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
#: Blocks up to this many characters have their text hints and normalized text cached across pages (menus, footers
#: and teaser titles repeat from page to page of a site; longer blocks are computed each time, so the caches stay small).
CACHE_MAX_CHARS = 1_000


_segment_cache: dict[str, tuple] = {}
_ws_cache: dict[str, str] = {}


def _one_line_text(text: str) -> str:
    """``normalize_text(text)`` on one line, for a text that ``normalize_whitespace`` gave. Such a text that is
    printable and in NFC is its own result: it holds no line break, control or zero-width character (none is
    printable), no space but U+0020 (the others are not printable) and no run of those (collapsed), no space at
    either end (stripped), so that each step of normalize_text leaves it as it is."""
    if text.isprintable() and unicodedata.is_normalized("NFC", text):
        return text
    return normalize_text(text).replace("\n", " ")


def _new_segment(text: str) -> tuple:
    """(raw, line hints, final text) of a block made of ``text``: its whitespace collapsed, ``line_hints(raw, raw)``
    and the block's final text (normalized, on one line); (raw, None, None) for an empty one."""
    raw = normalize_whitespace(text)
    if not raw:
        return raw, None, None
    return raw, line_hints(raw, raw), _one_line_text(raw)


def _segment(text: str) -> tuple:
    """``_new_segment(text)``, cached for short texts: one lookup per block, where the whitespace, the line hints
    and the final text were three (the hints are shared: flush copies them into the block's hints)."""
    return cached(_segment_cache, _new_segment, text, CACHE_MAX_CHARS)


def _ws(text: str) -> str:
    """``normalize_whitespace`` (cached for short strings)."""
    return cached(_ws_cache, normalize_whitespace, text, CACHE_MAX_CHARS)


def clear_caches() -> None:
    """Empty the parser's per-block caches (benchmarks time cold runs with it)."""
    _ws_cache.clear()
    _tokens_of.cache_clear()
    _segment_cache.clear()


def _attr_tokens(el) -> tuple[str, ...]:
    """Lower-cased class and id tokens of one element, bounded (a million-token class costs nothing)."""
    cls, id_ = el.get("class"), el.get("id")
    if not cls and not id_:
        return ()
    return _tokens_of(cls[:MAX_ATTR_CHARS] if cls else None, id_[:MAX_ATTR_CHARS] if id_ else None)


@functools.lru_cache(maxsize=8192)
def _tokens_of(cls: str | None, id_: str | None) -> tuple[str, ...]:
    """The tokens of (bounded) class and id values (cached: pages repeat their class names many times)."""
    out: dict[str, None] = {}
    for value in (cls, id_):
        if value:
            for tok in _TOKEN.findall(value.lower())[:MAX_ATTR_TOKENS]:
                out[tok] = None
    return tuple(out)


#: the state of an empty stack of open elements (see ``_Walker._push``)
_EMPTY_LEVEL: tuple = ((), False, (), False, False, False, "body", 0)


class _Walker:
    """Walks the tree without recursion (nesting depth is only bounded by the parser) and keeps the state of
    the block ancestors incrementally, so that a block costs O(1) whatever the depth."""

    def __init__(self, max_blocks: int = MAX_BLOCKS) -> None:
        self.blocks: list[Block] = []
        #: per block, the serial numbers of its block-level ancestors (outermost first, at most MAX_PATH innermost
        #: ones), for the container hints
        self.paths: list[tuple[int, ...]] = []
        self.stack_ids: list[int] = []
        self.id_tags: list[str] = []  # tag of each block-level element, by serial number
        self.n_pushed = 0
        self.segments: list[tuple[str, bool]] = []  # (text, inside a link)
        self.tokens: list[tuple[str, ...]] = []  # class/id tokens of the open block elements
        self.levels: list[tuple] = []  # per open block element, the state its blocks read: see _push
        self.max_blocks = max_blocks
        self.truncated = False

    def add(self, text: str | None, in_link: bool) -> None:
        if text:
            self.segments.append((text, in_link))

    def flush(self) -> None:
        if not self.segments:
            return
        segments = self.segments
        if len(segments) == 1:
            text, link = segments[0]
            raw, own_hints, final = _segment(text)
            link_chars = len(raw) if link else 0
        else:
            raw, own_hints, final = _segment(" ".join([s for s, _ in segments]))
            link_chars = sum([len(_ws(s)) for s, link in segments if link])
        segments.clear()
        if not raw:
            return
        if len(self.blocks) >= self.max_blocks:
            self.truncated = True
            return
        levels = self.levels
        merged, caption_token, landmarks, in_list, in_table, caption_tag, tag, heading = levels[-1] if levels else _EMPTY_LEVEL
        if len(levels) <= MAX_CLASS_ANCESTORS:
            tokens = merged
        else:  # a deep stack: the innermost MAX_CLASS_ANCESTORS ancestors' tokens
            class_tokens: dict[str, None] = {}
            for toks in self.tokens[-MAX_CLASS_ANCESTORS:]:
                for tok in toks:
                    if tok not in class_tokens:
                        class_tokens[tok] = None
            tokens = list(class_tokens)
            caption_token = any("caption" in t for t in tokens)
        n_raw = len(raw)
        hints = {
            **own_hints,
            "tag": tag,
            "heading": heading,
            "in_list": in_list,
            "in_table": in_table,
            "is_caption": caption_tag or caption_token,
            # (a block all in or all out of links, most of them, without the division and the rounding)
            "link_density": 0.0 if not link_chars else 1.0 if link_chars >= n_raw else round(link_chars / n_raw, 3),
            "landmarks": list(landmarks),
            "class_tokens": list(tokens[-24:]),
            "depth": len(levels),
        }
        # (the final text right away: the container and layout hints read the hints' n_chars, not the text)
        self.blocks.append(Block(len(self.blocks), final, final, hints))
        ids = self.stack_ids
        self.paths.append(tuple(ids) if len(ids) <= MAX_PATH else tuple(ids[-MAX_PATH:]))

    def _push(self, el, tag: str) -> None:
        self.stack_ids.append(self.n_pushed)
        self.id_tags.append(tag)
        self.n_pushed += 1
        toks = _attr_tokens(el)
        self.tokens.append(toks)
        # the open elements' class/id tokens merged outermost first (first occurrence kept), whether one holds
        # "caption", the sorted landmark tags among them, whether one is an li, a td/th, a figcaption/caption, the
        # innermost one's tag and the level of the innermost heading (0: none): kept per level, in one tuple, so
        # that a block reads them in O(1)
        merged, caption_token, landmarks, in_list, in_table, caption_tag, _, heading = self.levels[-1] if self.levels else _EMPTY_LEVEL
        if toks and len(self.tokens) <= MAX_CLASS_ANCESTORS:  # (deeper, flush reads the innermost ancestors itself)
            new = [t for t in toks if t not in merged]
            if new:
                merged = (*merged, *new)
                caption_token = caption_token or any("caption" in t for t in new)
        if tag in LANDMARKS and tag not in landmarks:
            landmarks = tuple(sorted((*landmarks, tag)))
        self.levels.append((merged, caption_token, landmarks, in_list or tag == "li", in_table or tag in ("td", "th"),
                            caption_tag or tag in ("figcaption", "caption"), tag, _HEADINGS.get(tag, heading)))

    def _pop(self) -> None:
        self.stack_ids.pop()
        self.tokens.pop()
        self.levels.pop()

    def walk(self, root) -> None:
        """Collect the blocks under ``root`` in document order (text, children, then each element's tail).

        A whitespace-only text that would open a block's segments is left out: flush strips it anyway (its
        characters are all str.isspace, what strip removes), so the blocks are the same, in fewer steps.
        """
        todo: list[tuple] = [(True, root, False, False)]  # (entering?, element, inside a link, is a block)
        pop, push, extend, segments = todo.pop, todo.append, todo.extend, self.segments  # (flush empties segments in place)
        flush = self.flush
        while todo and not self.truncated:
            entering, el, in_link, is_block = pop()
            if not entering:
                if is_block:
                    if segments:
                        flush()
                    self._pop()
                text = el.tail
                if text and (segments or not text.isspace()):
                    segments.append((text, in_link))
                continue
            tag = el.tag
            if isinstance(tag, str):
                tag = tag.lower()
                if tag not in DROP_TAGS:
                    if tag == "br":
                        if segments:
                            flush()
                    else:
                        is_block = tag in BLOCK_TAGS
                        if is_block:
                            if segments:
                                flush()
                            self._push(el, tag)
                        link = in_link or tag == "a"
                        text = el.text
                        if text and (segments or not text.isspace()):
                            segments.append((text, link))
                        if len(el):
                            push((False, el, in_link, is_block))
                            extend([(True, child, link, False) for child in reversed(el)])
                            continue
                        if is_block:  # a leaf: its exit right away (nothing comes between)
                            if segments:
                                flush()
                            self._pop()
            # a leaf element, a comment or processing instruction, a dropped element or <br>: its tail comes next
            text = el.tail
            if text and (segments or not text.isspace()):
                segments.append((text, in_link))


#: a block counts as long article-like text from this many syllables on, when under this link density
LONG_SYLLABLES = 12
LONG_MAX_LINK_DENSITY = 0.3
#: weight of a container's other (non-long) text and of its link text against its long text
OTHER_PENALTY = 0.3
LINK_PENALTY = 1.0


def _container_sums(blocks: list[Block], paths: list[tuple[int, ...]]) -> tuple[list[float], list[float], list[float], list[int], int | None]:
    """Per container (by serial number): its long text chars, all chars, link chars and blocks, and the main text
    container (None when no block is long text).

    Each container's sums add its blocks' values one by one in document order (``numpy.add.at`` adds in index
    order), so they are the same floats as a running sum per container; the container ids, given in opening order,
    are the order in which the blocks meet them, so ties for the main container go to the same one.
    """
    lens = [len(p) for p in paths]
    total = sum(lens)
    if not total:
        return [], [], [], [], None
    long_c, chars, link_c = [], [], []
    for b in blocks:
        h = b.hints
        n_chars = float(h.get("n_chars", len(b.text)))
        ld = float(h.get("link_density", 0.0))
        long_c.append(n_chars if h.get("n_syllables", 0) >= LONG_SYLLABLES and ld < LONG_MAX_LINK_DENSITY else 0.0)
        chars.append(n_chars)
        link_c.append(n_chars * ld)
    ids = np.fromiter(itertools.chain.from_iterable(paths), dtype=np.intp, count=total)
    n = int(ids.max()) + 1
    counts = np.asarray(lens)
    sums = []
    for values in (long_c, chars, link_c):
        acc = np.zeros(n)
        np.add.at(acc, ids, np.repeat(np.asarray(values, dtype=float), counts))
        sums.append(acc)
    long_s, chars_s, link_s = sums
    n_blocks = np.bincount(ids, minlength=n)
    main = None
    if long_s.any():
        # depth of each container: its place in the paths (the same in every path, since none is cut at MAX_PATH)
        depth = np.zeros(n, dtype=np.intp)
        depth[ids] = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        present = np.flatnonzero(n_blocks)
        score = (long_s - OTHER_PENALTY * (chars_s - long_s) - LINK_PENALTY * link_s)[present]
        best = present[score == score.max()]
        main = int(best[np.argmax(depth[best])])  # among ties the deepest, the first of those
    return long_s.tolist(), chars_s.tolist(), link_s.tolist(), n_blocks.tolist(), main


def _container_hints(blocks: list[Block], paths: list[tuple[int, ...]]) -> None:
    """Hints from the DOM containers: the main text container and each block's parent box. Linear in the
    total path length (blocks x depth)."""
    if any(len(p) >= MAX_PATH for p in paths):  # paths cut at MAX_PATH: a container's depth differs between them
        _container_hints_deep(blocks, paths)
        return
    long_s, chars_s, link_s, n_blocks, main = _container_sums(blocks, paths)
    pos = "none" if main is None else "before"
    for b, path in zip(blocks, paths):
        h = b.hints
        if main is None:
            h["main_pos"] = pos
        elif main in path:
            h["main_pos"] = "in"
            pos = "after"
        else:
            h["main_pos"] = pos
        if path:
            box = path[-2] if len(path) >= 2 else path[-1]
            tot = chars_s[box] or 1.0
            h["box_long"] = round(long_s[box] / tot, 3)
            h["box_link"] = round(min(1.0, link_s[box] / tot), 3)
            h["box_n"] = n_blocks[box]
        else:
            h["box_long"], h["box_link"], h["box_n"] = 0.0, 0.0, 1


def _container_hints_deep(blocks: list[Block], paths: list[tuple[int, ...]]) -> None:
    """``_container_hints`` for paths cut at MAX_PATH (a container's depth is where it first appears)."""
    # per container: [long text chars, all chars, link chars, blocks, depth] (one dict lookup per path step)
    acc: dict[int, list] = {}
    for b, path in zip(blocks, paths):
        h = b.hints
        n_chars = float(h.get("n_chars", len(b.text)))
        ld = float(h.get("link_density", 0.0))
        long_chars = n_chars if h.get("n_syllables", 0) >= LONG_SYLLABLES and ld < LONG_MAX_LINK_DENSITY else 0.0
        link_chars = n_chars * ld
        for d, key in enumerate(path):
            a = acc.get(key)
            if a is None:
                acc[key] = [0.0 + long_chars, 0.0 + n_chars, 0.0 + link_chars, 1, d]
            else:
                a[0] += long_chars
                a[1] += n_chars
                a[2] += link_chars
                a[3] += 1
    main = None
    if any(a[0] for a in acc.values()):
        def score(k: int) -> tuple[float, int]:
            a = acc[k]
            return (a[0] - OTHER_PENALTY * (a[1] - a[0]) - LINK_PENALTY * a[2], a[4])

        # the best score; among ties the deepest container
        main = max(acc, key=score)
    seen_main = False
    for b, path in zip(blocks, paths):
        h = b.hints
        if main is None:
            h["main_pos"] = "none"
        elif main in path:
            h["main_pos"] = "in"
            seen_main = True
        else:
            h["main_pos"] = "after" if seen_main else "before"
        box = path[-2] if len(path) >= 2 else (path[-1] if path else None)
        if box is None:
            h.update(box_long=0.0, box_link=0.0, box_n=1)
        else:
            a = acc[box]
            tot = a[1] or 1.0
            h.update(box_long=round(a[0] / tot, 3), box_link=round(min(1.0, a[2] / tot), 3), box_n=a[3])


def _layout_hints(blocks: list[Block], paths: list[tuple[int, ...]], id_tags: list[str]) -> None:
    """Layout told from content, as in the Markdown parser: blocks in a container ``<li>`` (one holding a long run
    of unlinked text: a page whose article sits in a list item) get no list hints, and blocks in a layout table (at
    most one non-empty cell per row) no table hints; a block whose own element is such an li/td is tagged "div".

    Only pages with long text inside a list item or table cell are looked at (the rest cost one pass over blocks).
    """
    if not any((h := b.hints).get("n_syllables", 0) >= LONG_SYLLABLES and (h["in_list"] or h["in_table"])
               and h["link_density"] < LONG_MAX_LINK_DENSITY for b in blocks):
        return
    unlinked: dict[int, float] = {}
    n_in: dict[int, int] = {}
    cells: dict[int, dict[int, set]] = {}  # table -> row -> its cells with text
    for b, path in zip(blocks, paths):
        h = b.hints
        free = float(h.get("n_chars", len(b.text))) * (1.0 - float(h.get("link_density", 0.0)))
        cell = row = None
        for i in reversed(path):
            tag = id_tags[i]
            if tag == "li":
                unlinked[i] = unlinked.get(i, 0.0) + free
                n_in[i] = n_in.get(i, 0) + 1
            elif tag in ("td", "th"):
                if cell is None:
                    cell = i
            elif tag == "tr":
                if cell is not None and row is None:
                    row = i
            elif tag == "table" and cell is not None:
                cells.setdefault(i, {}).setdefault(row if row is not None else cell, set()).add(cell)
                cell = row = None
    containers = {i for i, c in unlinked.items() if c >= CONTAINER_ITEM_CHARS and n_in[i] >= CONTAINER_ITEM_BLOCKS}
    layout = {t for t, rows in cells.items() if max(map(len, rows.values())) <= 1}
    if not containers and not layout:
        return
    for b, path in zip(blocks, paths):
        h = b.hints
        if not (h["in_list"] or h["in_table"]):
            continue
        in_list = in_table = False
        open_cell = False  # a cell seen, its table not yet
        own = path[-1] if path else -1
        own_layout = False  # the block's own element is a container li or a layout table's cell
        for i in reversed(path):
            tag = id_tags[i]
            if tag == "li":
                if i in containers:
                    own_layout = own_layout or i == own
                else:
                    in_list = True
            elif tag in ("td", "th"):
                if not open_cell:
                    open_cell = True
                    own_cell = i == own
            elif tag == "table" and open_cell:
                if i in layout:
                    own_layout = own_layout or own_cell
                else:
                    in_table = True
                open_cell = False
        in_table = in_table or open_cell  # a cell whose table lies past MAX_PATH
        if len(path) >= MAX_PATH:  # cut paths: keep what lies beyond
            in_list, in_table = in_list or h["in_list"], in_table or h["in_table"]
        if own_layout and h["tag"] in ("li", "td", "th"):
            h["tag"] = "div"
        h["in_list"], h["in_table"] = in_list, in_table


_FLATTEN_BLOCK = re.compile(r"</?(?:div|section|article|main|header|footer|aside|nav|center|blockquote|ul|ol|dl|li|dd|dt|table|thead|tbody|tr|td|th|figure|form)\b[^>]*>", re.I)
_FLATTEN_INLINE = re.compile(r"</?(?:span|font|b|i|em|strong|u|small|big|sub|sup|mark|label)\b[^>]*>", re.I)


def _parse_tree(data: bytes):
    """(document, True if libxml2 stopped at its nesting limit)."""
    # lxml.etree's own parser, not lxml.html's: the same tree, without a Python element-class lookup for every
    # element the walk touches (lxml.html.document_fromstring is this call plus the empty-document check)
    parser = lxml.etree.HTMLParser(encoding="utf-8", huge_tree=True)
    doc = lxml.etree.fromstring(data, parser)
    if doc is None:
        raise lxml.etree.ParserError("Document is empty")
    too_deep = any("Excessive depth" in e.message for e in parser.error_log)
    return doc, too_deep


def parse_html(html: str, page_id: str | None = None, max_blocks: int = MAX_BLOCKS) -> Page:
    """Parse an HTML page (already decoded) into a Page.

    Bounded on hostile pages: nesting up to 2048 levels is parsed as is (libxml2's huge_tree); deeper
    nesting is flattened (container tags become line breaks) and parsed again, with a warning; class/id
    attributes are read up to MAX_ATTR_CHARS; after ``max_blocks`` blocks the rest of the page is dropped,
    with a warning in ``page.meta["warnings"]``.
    """
    warnings: list[str] = []
    try:
        doc, too_deep = _parse_tree(html.encode("utf-8", "replace"))
        if too_deep:
            flat = _FLATTEN_INLINE.sub("", _FLATTEN_BLOCK.sub("<br>", html))
            doc, still_too_deep = _parse_tree(flat.encode("utf-8", "replace"))
            warnings.append(
                f"HTML nested deeper than {MAX_DEPTH} levels: container tags were flattened to line breaks"
                + ("; text past the deepest point may be lost" if still_too_deep else "")
            )
    except (lxml.etree.ParserError, ValueError) as exc:
        raise BantinInputError(f"HTML could not be parsed: {exc}") from exc
    meta: dict[str, str] = {}
    title_el = doc.find(".//title")
    title = title_el.xpath("string()") if title_el is not None else ""  # what HtmlElement.text_content() returns
    if title.strip():
        meta["html_title"] = normalize_whitespace(normalize_text(title))
    for m in doc.iter("meta"):
        prop = (m.get("property") or m.get("name") or "").lower()
        if prop in ("og:title", "og:description", "description", "author", "article:published_time") and m.get("content"):
            meta[prop] = normalize_whitespace(normalize_text(m.get("content")))
    body = doc.find("body")
    walker = _Walker(max_blocks)
    walker.walk(body if body is not None else doc)
    walker.flush()
    blocks = walker.blocks
    if not blocks:
        raise BantinInputError("HTML page has no visible text")
    _container_hints(blocks, walker.paths)
    _layout_hints(blocks, walker.paths, walker.id_tags)
    if walker.truncated:
        warnings.append(f"page has more than {max_blocks:,} blocks: only the first {max_blocks:,} are analyzed")
    n = len(blocks)
    for b in blocks:
        b.hints["rel_pos"] = round(b.index / (n - 1), 4) if n > 1 else 0.0
    page = Page(blocks=blocks, source_kind="html", id=page_id, meta=meta)
    page.add_warnings(warnings)
    return page
