"""Render a page's labeled items as flattened crawler text and as site HTML, and check both against the parsers.

A page is a list of :class:`Item`: one labeled line of the flattened text and/or one block of the HTML.
The flattened text has exactly one non-empty line per item with ``text``; the HTML has exactly one
block-level element with text per item with ``html``. ``verify_page`` parses both back with
``bantin.blocks.parse_text`` / ``parse_html`` and returns why they do not align (None if they do).
"""

from __future__ import annotations

import functools
import html as html_lib
import random
import re
import unicodedata
from dataclasses import dataclass, field

from bantin.blocks import Page, parse_html, parse_text
from bantin.blocks.text_parser import clean_line
from bantin.text.normalize import normalize_text

LIST_KINDS = {"menu", "breadcrumb", "related", "list_item", "footer_link"}


@dataclass
class Item:
    label: str
    text: str | None  # the flattened line (None: not in the flattened text)
    html: str | list[str] | None  # the HTML block text; a list: inline links joined in one block; None: not in HTML
    kind: str = "p"  # HTML role: raw (attrs["markup"] is the block's HTML), title, lead, p, subhead, list_item, caption, byline, date, section, related, teaser, meta,
    #                  inline_links, menu, breadcrumb, logo, tags, share, footer, footer_link, noise
    region: str = "div.content"  # container path, "/"-separated "tag.class" steps
    blank_after: bool | str = False  # blank line after it in the flattened text (a string: that whitespace line)
    attrs: dict = field(default_factory=dict)


@functools.lru_cache(maxsize=65536)
def slugify(text: str, sep: str = "-") -> str:
    """'Làm thế nào để...' -> 'lam-the-nao-de' (what image alt texts and URLs look like)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return sep.join(re.findall(r"[a-z0-9]+", text))


def render_text(items: list[Item], blank_line: str = "") -> tuple[str, list[str]]:
    """Flattened text and its labels (one per non-empty line)."""
    lines: list[str] = []
    labels: list[str] = []
    for it in items:
        if it.text is None:
            continue
        lines.append(it.text)
        labels.append(it.label)
        if it.blank_after:
            lines.append(it.blank_after if isinstance(it.blank_after, str) else blank_line)
    return "\n".join(lines) + "\n", labels


def _esc(text: str) -> str:
    return html_lib.escape(text, quote=True)


def _open(step: str) -> str:
    """'div.box.tin-khac#c7' -> '<div class="box tin-khac" id="c7">' (classes and id optional)."""
    step, _, ident = step.partition("#")
    tag, _, cls = step.partition(".")
    attrs = (f' class="{cls.replace(".", " ")}"' if cls else "") + (f' id="{ident}"' if ident else "")
    return f"<{tag}{attrs}>"


def _close(step: str) -> str:
    return f"</{step.partition('#')[0].partition('.')[0]}>"


def _element(it: Item, site: dict) -> str:
    if it.kind == "raw":  # the generated site styles write each block's markup themselves (already escaped)
        return it.attrs["markup"]
    href = it.attrs.get("href") or "/" + slugify(it.html[:70] if isinstance(it.html, str) else "tin")[:60] + ".html"
    text = it.html
    k = it.kind
    if k == "inline_links":
        links = " ".join(f'<a href="/{slugify(t[:60])[:50]}.html">{_esc(t)}</a>' for t in text)
        return f'<div class="{it.attrs.get("class", "related-inline")}">{links}</div>'
    if k == "tags":
        head, items = text[0], text[1:]
        links = ", ".join(f'<a href="/tag/{slugify(t)}">{_esc(t)}</a>' for t in items)
        return f'<div class="{site.get("tags", "tags")}"><span>{_esc(head)}</span> {links}</div>'
    if k == "share":
        links = " ".join(f'<a href="#" class="share-{slugify(t)}">{_esc(t)}</a>' for t in text)
        return f'<div class="{site.get("share", "social-share")}">{links}</div>'
    assert isinstance(text, str)
    t = _esc(text)
    if k == "title":
        return f'<h1 class="{site.get("title", "title-detail")}">{t}</h1>'
    if k == "lead":
        tag = site.get("lead_tag", "p")
        return f'<{tag} class="{site.get("lead", "description")}">{t}</{tag}>'
    if k == "p":
        return f"<p>{t}</p>"
    if k == "subhead":
        tag = site.get("subhead_tag", "h2")
        return f"<p><strong>{t}</strong></p>" if tag == "strong" else f"<{tag}>{t}</{tag}>"
    if k == "caption":
        alt = _esc(it.attrs.get("alt", ""))
        img = f'<img src="/images/{slugify(text[:50])[:40]}.jpg" alt="{alt}">'
        markup = site.get("caption_markup", "figure")
        if markup == "table":  # the CMS layout many Vietnamese sites use: image and caption in table cells
            return (f'<table class="{site.get("figure", "image")}"><tbody><tr><td>{img}</td></tr>'
                    f'<tr><td><p class="Image">{t}</p></td></tr></tbody></table>')
        if markup == "div":
            return f'<div class="{site.get("figure", "image")}">{img}<div class="caption">{t}</div></div>'
        return f'<figure class="{site.get("figure", "image")}">{img}<figcaption>{t}</figcaption></figure>'
    if k == "byline":
        return f'<p class="{site.get("author", "author")}"><strong>{t}</strong></p>'
    if k == "date":
        return f'<div class="{site.get("date", "date")}">{t}</div>'
    if k == "section":
        tag = site.get("section_tag", "h3")
        return f'<{tag} class="{site.get("section", "box-title")}">{t}</{tag}>'
    if k == "teaser":
        return f'<p class="{site.get("teaser", "sapo")}">{t}</p>'
    if k == "meta":
        return f'<div class="{site.get("meta", "time")}">{t}</div>'
    if k == "logo":
        return f'<div class="logo"><a href="/">{t}</a></div>'
    if k in ("menu", "breadcrumb", "footer_link"):
        return f'<li><a href="{href}">{t}</a></li>'
    if k == "related":
        return f'<li><h3><a href="{href}">{t}</a></h3></li>' if it.attrs.get("h3") else f'<li><a href="{href}">{t}</a></li>'
    if k == "list_item":
        return f"<li>{t}</li>"
    if k == "footer":
        return f"<p>{t}</p>"
    if k == "noise":
        return f'<div class="{it.attrs.get("class", "ads")}">{t}</div>'
    raise ValueError(f"unknown item kind {k!r}")


@dataclass
class HtmlStyle:
    """Per-page markup variation, so that HTML models cannot rely on one fixed set of tags and class names."""

    caption_markup: str = "figure"  # figure | table | div
    plain_tags: bool = False  # header/nav/aside/footer/article/section/main written as <div> (older CMSs)
    class_names: dict[str, str] | None = None  # class token -> replacement (generic or hashed names); None keeps them
    rng: random.Random = field(default_factory=lambda: random.Random(0), repr=False, compare=False)

    @classmethod
    def sample(cls, rng, p_plain_tags: float, p_generic_classes: float) -> HtmlStyle:
        markup = rng.choices(["figure", "table", "div"], weights=[5, 3, 2])[0]
        plain = rng.random() < p_plain_tags
        names = {} if rng.random() < p_generic_classes else None
        return cls(markup, plain, names, rng)

    def rename(self, token: str) -> str:
        if self.class_names is None:
            return token
        if token not in self.class_names:
            rng = self.rng
            if rng.random() < 0.5:
                self.class_names[token] = rng.choice(GENERIC_CLASSES)
            else:
                self.class_names[token] = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(6))
        return self.class_names[token]


GENERIC_CLASSES = ["box", "row", "col-md-8", "col-4", "wrapper", "clearfix", "item", "block", "container", "inner", "content",
                   "section", "left", "right", "main", "wrap", "module", "w-100", "mb-3", "text"]
_CLASS_ATTR = re.compile(r'class="([^"]*)"')
_LANDMARK_TAG = re.compile(r"<(/?)(header|nav|aside|footer|article|section|main)\b")


def restyle(html: str, style: HtmlStyle) -> str:
    if style.class_names is not None:
        html = _CLASS_ATTR.sub(lambda m: 'class="' + " ".join(style.rename(t) for t in m.group(1).split()) + '"', html)
    if style.plain_tags:
        html = _LANDMARK_TAG.sub(r"<\1div", html)
    return html


def render_html(items: list[Item], site: dict, title: str, description: str,
                style: HtmlStyle | None = None) -> tuple[str, list[str]]:
    """The page as HTML and its labels (one per block that parse_html will find)."""
    style = style or HtmlStyle()
    site = dict(site, caption_markup=style.caption_markup)
    out = [
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">',
        f"<title>{_esc(title)} - {_esc(site['name'])}</title>",
        f'<meta property="og:title" content="{_esc(title)}"><meta name="description" content="{_esc(description)}">',
        f'<style>.{site.get("title", "t")}{{font-weight:bold}}</style><script>var page = "article";</script>',
        f'</head>\n<body class="{site["body_class"]}">\n',
    ]
    labels: list[str] = []
    stack: list[str] = []
    in_list = False
    for it in items:
        if it.html is None:
            continue
        path = [s for s in it.region.split("/") if s]
        common = 0
        while common < min(len(stack), len(path)) and stack[common] == path[common]:
            common += 1
        if in_list and (common < len(stack) or it.kind not in LIST_KINDS):
            out.append("</ul>")
            in_list = False
        while len(stack) > common:
            out.append(_close(stack.pop()) + "\n")
        for step in path[common:]:
            out.append(_open(step))
            stack.append(step)
        if it.kind in LIST_KINDS and not in_list:
            out.append("<ul>")
            in_list = True
        out.append(_element(it, site))
        labels.append(it.label)
    if in_list:
        out.append("</ul>")
    while stack:
        out.append(_close(stack.pop()) + "\n")
    out.append("</body></html>\n")
    return restyle("".join(out), style), labels


_NO_SPACE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _NO_SPACE.sub("", normalize_text(text))


def verify_text(text: str, items: list[Item]) -> tuple[str | None, Page]:
    """(None or what is wrong, the parsed page): one block per item line, each with the item's cleaned text."""
    expected = [clean_line(normalize_text(it.text)) for it in items if it.text is not None]
    page = parse_text(text)
    if len(page.blocks) != len(expected):
        return f"text: {len(page.blocks)} blocks parsed, {len(expected)} labels", page
    for b, exp in zip(page.blocks, expected):
        if b.text != exp:
            return f"text: block {b.index} is {b.text[:40]!r}, expected {exp[:40]!r}", page
    return None, page


def html_block_text(it: Item) -> str:
    """The text parse_html should find for an item (up to spacing)."""
    if isinstance(it.html, list):
        if it.kind == "tags":
            return it.html[0] + " " + ", ".join(it.html[1:])
        return " ".join(it.html)
    return it.html or ""


def verify_html(html: str, items: list[Item]) -> str | None:
    expected = [_squash(html_block_text(it)) for it in items if it.html is not None]
    page = parse_html(html)
    if len(page.blocks) != len(expected):
        return f"html: {len(page.blocks)} blocks parsed, {len(expected)} labels"
    for b, exp in zip(page.blocks, expected):
        if _squash(b.text) != exp:
            return f"html: block {b.index} is {b.text[:40]!r}, expected {exp[:40]!r}"
    return None
