"""The clean article from a labeled page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bantin.blocks import Page
from bantin.boilerplate.features import _DATE, _TIME, _TS_PARTS
from bantin.errors import BantinInputError
from bantin.labels import CONTENT_LABELS


#: the span of a relative time ("2 giờ" in "2 giờ trước"), as a regex piece (comment meta lines use it too)
AGO_SPAN = r"\d{1,3}\s+(?:giây|phút|giờ|ngày|tuần|tháng|năm)"
#: a relative time: "2 giờ trước", "Cập nhật 15 phút trước"
_AGO = re.compile(r"^(?:cập nhật:?\s*|đăng:?\s*)?" + AGO_SPAN + r"\s+trước$", re.IGNORECASE)


def is_date_line(text: str) -> bool:
    """A line that holds only a date and/or time (with a weekday, "GMT+7", "Cập nhật"...) or a relative time ("2 giờ
    trước"), nothing else."""
    if len(text) > 80:
        return False
    if _DATE.search(text) or _TIME.search(text):
        return len(_TS_PARTS.sub("", text.lower())) <= 2
    return bool(_AGO.match(" ".join(text.split())))


@dataclass
class ArticleText:
    title: str = ""
    lead: str = ""
    body: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    byline: list[str] = field(default_factory=list)
    #: every content block's text, in page order (what ``gold_article`` holds in the built dataset)
    content: list[str] = field(default_factory=list)
    #: the byline blocks that hold only a date and/or time ("Thứ Hai, 20/07/2026 - 06:31", "24/03/2019 07:50 GMT+7"):
    #: the article's metadata, kept in ``byline`` and ``content`` but not in ``text``
    dates: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The article as its readers read it: the content blocks in page order, joined by newlines, without its
        date/time lines (``dates``: metadata, as in the real pages' gold and trafilatura's output)."""
        if not self.dates:
            return "\n".join(self.content)
        dates = set(self.dates)
        return "\n".join(t for t in self.content if t not in dates)

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
            if is_date_line(b.text):
                art.dates.append(b.text)
    art.title = " ".join(titles)
    art.lead = " ".join(leads)
    return art
