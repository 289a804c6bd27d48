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
        link = in_link or tag == "a"
        self.add(el.text, link)
        for child in el:
            self.walk(child, link)
        if is_block:
            self.flush()
            self.stack.pop()
        self.add(el.tail, in_link)


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
    n = len(blocks)
    for b in blocks:
        b.text = normalize_text(b.text).replace("\n", " ")
        b.raw = b.text
        b.hints["rel_pos"] = round(b.index / (n - 1), 4) if n > 1 else 0.0
    return Page(blocks=blocks, source_kind="html", id=page_id, meta=meta)
