"""HTML -> blocks with lxml.

Block boundaries follow block-level elements (p, h1-h6, li, figcaption, blockquote, td, div...)
and <br>; script/style/noscript/template/svg/iframe/head are dropped. Hints per block:

  tag            innermost block-level element ("p", "h2", "li", "figcaption", "div"...)
  heading        heading level 1-6, 0 if not in a heading
  in_list, in_link_only, is_caption, in_table
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

import re

import lxml.etree
import lxml.html

from bantin.blocks.model import Block, Page
from bantin.blocks.text_parser import line_hints
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


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        #: per block, the serial numbers of its block-level ancestors (outermost first), for the container hints
        self.paths: list[tuple[int, ...]] = []
        self.stack_ids: list[int] = []
        self.n_pushed = 0
        self.segments: list[tuple[str, bool]] = []  # (text, inside a link)
        self.stack: list[lxml.html.HtmlElement] = []

    def add(self, text: str | None, in_link: bool) -> None:
        if text:
            self.segments.append((text, in_link))

    def flush(self) -> None:
        if not self.segments:
            return
        raw = normalize_whitespace(" ".join(s for s, _ in self.segments))
        link_chars = sum(len(normalize_whitespace(s)) for s, link in self.segments if link)
        self.segments = []
        if not raw:
            return
        tags = [el.tag for el in self.stack]
        top = tags[-1] if tags else "body"
        heading = next((int(t[1]) for t in reversed(tags) if len(t) == 2 and t[0] == "h" and t[1].isdigit()), 0)
        class_tokens: list[str] = []
        for el in self.stack:
            for attr in ("class", "id"):
                for tok in _TOKEN.findall((el.get(attr) or "").lower()):
                    if tok not in class_tokens:
                        class_tokens.append(tok)
        hints = line_hints(raw, raw)
        hints.update(
            tag=top,
            heading=heading,
            in_list="li" in tags,
            in_table="td" in tags or "th" in tags,
            is_caption="figcaption" in tags or "caption" in tags or any("caption" in t for t in class_tokens),
            link_density=round(min(1.0, link_chars / max(1, len(raw))), 3),
            landmarks=sorted({t for t in tags if t in LANDMARKS}),
            class_tokens=class_tokens[-24:],
            depth=len(tags),
        )
        self.blocks.append(Block(index=len(self.blocks), text=raw, raw=raw, hints=hints))
        self.paths.append(tuple(self.stack_ids))

    def walk(self, el, in_link: bool = False) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:  # comment or processing instruction: keep only its tail
            self.add(el.tail, in_link)
            return
        tag = tag.lower()
        if tag in DROP_TAGS:
            self.add(el.tail, in_link)
            return
        is_block = tag in BLOCK_TAGS
        if tag == "br":
            self.flush()
            self.add(el.tail, in_link)
            return
        if is_block:
            self.flush()
            self.stack.append(el)
            self.stack_ids.append(self.n_pushed)
            self.n_pushed += 1
        link = in_link or tag == "a"
        self.add(el.text, link)
        for child in el:
            self.walk(child, link)
        if is_block:
            self.flush()
            self.stack.pop()
            self.stack_ids.pop()
        self.add(el.tail, in_link)


#: a block counts as long article-like text from this many syllables on, when under this link density
LONG_SYLLABLES = 12
LONG_MAX_LINK_DENSITY = 0.3
#: weight of a container's other (non-long) text and of its link text against its long text
OTHER_PENALTY = 0.3
LINK_PENALTY = 1.0


def _container_hints(blocks: list[Block], paths: list[tuple[int, ...]]) -> None:
    """Hints from the DOM containers: the main text container and each block's parent box. Linear in the
    total path length (blocks x depth)."""
    long_c: dict[int, float] = {}
    all_c: dict[int, float] = {}
    link_c: dict[int, float] = {}
    n_c: dict[int, int] = {}
    depth: dict[int, int] = {}
    first: dict[int, int] = {}
    for i, (b, path) in enumerate(zip(blocks, paths)):
        h = b.hints
        n_chars = float(h.get("n_chars", len(b.text)))
        ld = float(h.get("link_density", 0.0))
        is_long = h.get("n_syllables", 0) >= LONG_SYLLABLES and ld < LONG_MAX_LINK_DENSITY
        for d, key in enumerate(path):
            long_c[key] = long_c.get(key, 0.0) + (n_chars if is_long else 0.0)
            all_c[key] = all_c.get(key, 0.0) + n_chars
            link_c[key] = link_c.get(key, 0.0) + n_chars * ld
            n_c[key] = n_c.get(key, 0) + 1
            depth.setdefault(key, d)
            first.setdefault(key, i)
    main = None
    if any(long_c.values()):
        def score(k: int) -> float:
            return long_c[k] - OTHER_PENALTY * (all_c[k] - long_c[k]) - LINK_PENALTY * link_c[k]

        # the best score; among ties the deepest container
        main = max(long_c, key=lambda k: (score(k), depth[k]))
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
            tot = all_c[box] or 1.0
            h.update(box_long=round(long_c[box] / tot, 3), box_link=round(min(1.0, link_c[box] / tot), 3), box_n=n_c[box])


def parse_html(html: str, page_id: str | None = None) -> Page:
    """Parse an HTML page (already decoded) into a Page."""
    try:
        doc = lxml.html.document_fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (lxml.etree.ParserError, ValueError) as exc:
        raise BantinInputError(f"HTML could not be parsed: {exc}") from exc
    meta: dict[str, str] = {}
    title_el = doc.find(".//title")
    if title_el is not None and title_el.text_content().strip():
        meta["html_title"] = normalize_whitespace(normalize_text(title_el.text_content()))
    for m in doc.iter("meta"):
        prop = (m.get("property") or m.get("name") or "").lower()
        if prop in ("og:title", "og:description", "description", "author", "article:published_time") and m.get("content"):
            meta[prop] = normalize_whitespace(normalize_text(m.get("content")))
    body = doc.find("body")
    walker = _Walker()
    walker.walk(body if body is not None else doc)
    walker.flush()
    blocks = walker.blocks
    if not blocks:
        raise BantinInputError("HTML page has no visible text")
    _container_hints(blocks, walker.paths)
    n = len(blocks)
    for b in blocks:
        b.text = normalize_text(b.text).replace("\n", " ")
        b.raw = b.text
        b.hints["rel_pos"] = round(b.index / (n - 1), 4) if n > 1 else 0.0
    return Page(blocks=blocks, source_kind="html", id=page_id, meta=meta)
