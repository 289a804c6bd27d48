"""The clean article from a labeled page."""

from __future__ import annotations

from dataclasses import dataclass, field

from bantin.blocks import Page
from bantin.errors import BantinInputError
from bantin.labels import CONTENT_LABELS


@dataclass
class ArticleText:
    title: str = ""
    lead: str = ""
    body: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    byline: list[str] = field(default_factory=list)
    #: every content block's text, in page order (what ``gold_article`` holds in the built dataset)
    content: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All content blocks in page order, joined by newlines (comparable to the gold article)."""
        return "\n".join(self.content)

    @property
    def clean_text(self) -> str:
        """Title, lead and body only (what topics and summaries read)."""
        return "\n".join(p for p in (self.title, self.lead, *self.body) if p)


def extract_article(page: Page) -> ArticleText:
    """Collect the content blocks of a labeled page into title, lead, body, captions and byline.

    Several title blocks (a kicker line plus the headline) are joined with a space, several lead blocks too.
    """
    if any(b.label is None for b in page.blocks):
        raise BantinInputError("extract_article needs a labeled page: call model.label_page(page) first")
    titles: list[str] = []
    leads: list[str] = []
    art = ArticleText()
    for b in page.blocks:
        if b.label not in CONTENT_LABELS or not b.text:
            continue
        art.content.append(b.text)
        if b.label == "title":
            titles.append(b.text)
        elif b.label == "lead":
            leads.append(b.text)
        elif b.label == "body":
            art.body.append(b.text)
        elif b.label == "caption":
            art.captions.append(b.text)
        elif b.label == "byline":
            art.byline.append(b.text)
    art.title = " ".join(titles)
    art.lead = " ".join(leads)
    return art
