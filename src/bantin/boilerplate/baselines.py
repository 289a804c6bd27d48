"""Reference extractors for the comparison: jusText and trafilatura (the `eval` extras).

Both are scored exactly as our models: the extracted text against ``gold_article`` with the syllable
token P/R/F1, and block-level binary predictions for the binary F1:

* jusText (Vietnamese stoplist, default thresholds): every block of the page is wrapped as its own
  ``<p>``; a block is predicted content when jusText does not mark its paragraph as boilerplate.
  Paragraphs map 1:1 to blocks (aligned by their normalized text).
* trafilatura (``bare_extraction`` with default precision/recall balance, comments off, tables on,
  metadata on so that the title it finds is prepended to its text, since gold articles include the
  title): run on the page's HTML rendering when there is one, else on the ``<p>``-wrapped blocks.
  A block is predicted content when its normalized text occurs in the extracted text (blocks of
  fewer than 2 syllables are judged by the same test; an approximation documented in the results).
"""

from __future__ import annotations

import html as _html
import re
from dataclasses import dataclass, field

from bantin.blocks import Page
from bantin.errors import BantinError

_WS = re.compile(r"\s+")

TRAFILATURA_SETTINGS = {"favor_precision": False, "favor_recall": False, "include_comments": False, "include_tables": True,
                        "with_metadata": True, "deduplicate": False, "output_format": "python"}
JUSTEXT_SETTINGS = {"stoplist": "Vietnamese", "length_low": 70, "length_high": 200, "stopwords_low": 0.3, "stopwords_high": 0.32,
                    "max_link_density": 0.2, "input": "each block wrapped in <p>"}


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip().lower()


def blocks_as_html(page: Page) -> str:
    """The page's blocks, each wrapped as a paragraph of a bare HTML document."""
    body = "\n".join(f"<p>{_html.escape(b.text)}</p>" for b in page.blocks if b.text)
    return f"<html><head><meta charset=\"utf-8\"></head><body>\n{body}\n</body></html>"


@dataclass
class BaselineOutput:
    text: str
    is_content: list[bool] = field(default_factory=list)


class JusTextBaseline:
    name = "justext"
    settings = JUSTEXT_SETTINGS

    def __init__(self) -> None:
        try:
            import justext
        except ImportError as exc:  # pragma: no cover
            raise BantinError("the jusText baseline needs justext: pip install 'bantin[eval]'") from exc
        self._justext = justext
        self._stoplist = justext.get_stoplist("Vietnamese")

    def paragraphs(self, html: str) -> list:
        """jusText's paragraphs of an HTML document (Vietnamese stoplist, default thresholds)."""
        return self._justext.justext(html.encode("utf-8"), self._stoplist, encoding="utf-8")

    def extract(self, html: str) -> str:
        """The text of the paragraphs jusText keeps."""
        return "\n".join(p.text for p in self.paragraphs(html) if not p.is_boilerplate)

    def run(self, page: Page, html: str | None = None) -> BaselineOutput:
        paragraphs = self.paragraphs(blocks_as_html(page))
        kept = [p for p in paragraphs if not p.is_boilerplate]
        # Align paragraphs to blocks in order by their normalized text.
        is_content = [False] * len(page.blocks)
        j = 0
        norms = [_norm(b.text) for b in page.blocks]
        for p in paragraphs:
            t = _norm(p.text)
            k = j
            while k < len(norms) and norms[k] != t:
                k += 1
            if k < len(norms):
                is_content[k] = not p.is_boilerplate
                j = k + 1
        return BaselineOutput("\n".join(p.text for p in kept), is_content)


class TrafilaturaBaseline:
    name = "trafilatura"
    settings = TRAFILATURA_SETTINGS

    def __init__(self) -> None:
        try:
            import trafilatura
        except ImportError as exc:  # pragma: no cover
            raise BantinError("the trafilatura baseline needs trafilatura: pip install 'bantin[eval]'") from exc
        self._trafilatura = trafilatura

    def extract(self, html: str) -> str:
        """trafilatura's title and text of an HTML document ("" when it finds nothing)."""
        doc = self._trafilatura.bare_extraction(html, **{k: v for k, v in TRAFILATURA_SETTINGS.items() if k != "output_format"})
        if doc is None:
            return ""
        return "\n".join(t for t in (getattr(doc, "title", None) or "", getattr(doc, "text", None) or "") if t)

    def run(self, page: Page, html: str | None = None) -> BaselineOutput:
        text = self.extract(html if html else blocks_as_html(page))
        if not text:
            return BaselineOutput("", [False] * len(page.blocks))
        hay = _norm(text)
        return BaselineOutput(text, [bool(_norm(b.text)) and _norm(b.text) in hay for b in page.blocks])


BASELINES = {"justext": JusTextBaseline, "trafilatura": TrafilaturaBaseline}
