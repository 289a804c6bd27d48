"""The forms crawlers emit, rendered from a page's HTML with the real converters.

Users feed bantin whatever their crawler wrote. The evaluation (``bantin evaluate boilerplate`` on the
``realpages`` split) and the dataset builder render every HTML page into each of these forms:

- ``html``: the page itself;
- ``txt``: block dump: ``<title>`` first, then one line per block element of ``<body>`` (inline text joined
  with spaces; scripts and styles dropped), as the seed pages and ``realpages/txt`` are;
- ``markdown``: ``html2text`` with ``body_width=0`` (no hard wrap), as LLM-era crawlers emit;
- ``markdown78``: ``html2text`` with its default 78-column hard wrap;
- ``markdownify``: ``markdownify`` with ATX headings (scripts and styles dropped first);
- ``inscriptis``: ``inscriptis.get_text`` (layout-preserving plain text);
- ``lxml_text``: ``lxml``'s ``text_content()`` of ``<body>`` after dropping scripts and styles.

``FORM_KIND`` says which ``parse_page`` kind a form is: ``html`` for HTML, ``auto`` for the text forms
(detection decides between block text, Markdown and hard-wrapped text).
"""

from __future__ import annotations

import html as _html
from collections.abc import Callable

from bantin.errors import BantinError, BantinInputError

FORMS = ("html", "txt", "markdown", "markdown78", "markdownify", "inscriptis", "lxml_text")
FORM_KIND = {f: ("html" if f == "html" else "auto") for f in FORMS}
_DROP = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed")


def _html2text(html: str, width: int) -> str:
    import html2text

    h = html2text.HTML2Text()
    h.body_width = width
    return h.handle(html)


def _markdownify(html: str) -> str:
    import lxml.html
    from markdownify import markdownify

    # markdownify keeps the text of <script>/<style>: drop them first, as a crawler's cleaning step does
    return markdownify(lxml.html.tostring(_lxml_doc(html), encoding="unicode"), heading_style="ATX")


def _inscriptis(html: str) -> str:
    from inscriptis import get_text

    return get_text(html)


def _lxml_doc(html: str):
    import lxml.html

    doc = lxml.html.document_fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8", huge_tree=True))
    for el in list(doc.iter(*_DROP)):
        el.drop_tree()
    return doc


def _lxml_text(html: str) -> str:
    doc = _lxml_doc(html)
    body = doc.find("body")
    return (body if body is not None else doc).text_content()


def _txt(html: str) -> str:
    from bantin.blocks.html_parser import parse_html

    page = parse_html(html)
    title = page.meta.get("html_title", "")
    return "\n".join(([title] if title else []) + [b.text for b in page.blocks]) + "\n"


_RENDER: dict[str, Callable[[str], str]] = {
    "html": lambda h: h,
    "txt": _txt,
    "markdown": lambda h: _html2text(h, 0),
    "markdown78": lambda h: _html2text(h, 78),
    "markdownify": _markdownify,
    "inscriptis": _inscriptis,
    "lxml_text": _lxml_text,
}


def render_form(html: str, form: str) -> str:
    """Render one HTML page (a decoded string) into ``form`` (one of ``FORMS``)."""
    if form not in _RENDER:
        raise BantinInputError(f"unknown form {form!r}; expected one of {', '.join(FORMS)}")
    try:
        return _RENDER[form](html)
    except ImportError as exc:
        raise BantinError(f"rendering the {form} form needs {exc.name}: pip install 'bantin[eval]'") from exc


def lines_as_html(text: str) -> str:
    """A text form as a bare HTML document, one ``<p>`` per non-empty line: how the HTML extractors
    (trafilatura, jusText) are given text input."""
    body = "\n".join(f"<p>{_html.escape(line.strip())}</p>" for line in text.splitlines() if line.strip())
    return f"<html><head><meta charset=\"utf-8\"></head><body>\n{body}\n</body></html>"
