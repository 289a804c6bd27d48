"""Block label schema shared by annotation, dataset building, models and evaluation."""

from __future__ import annotations

CONTENT_LABELS: tuple[str, ...] = ("title", "lead", "body", "caption", "byline")
BOILERPLATE_LABELS: tuple[str, ...] = ("related", "section_heading", "nav", "noise")
LABELS: tuple[str, ...] = CONTENT_LABELS + BOILERPLATE_LABELS

CONTENT = "content"
BOILERPLATE = "boilerplate"
BINARY_LABELS: tuple[str, ...] = (CONTENT, BOILERPLATE)

LABEL_DESCRIPTIONS: dict[str, str] = {
    "title": "headline of the article",
    "lead": "lead paragraph / sapo",
    "body": "body paragraph, subheading or list item of the article",
    "caption": "photo or video caption",
    "byline": "author, source or date line of the article",
    "related": "title, teaser or timestamp of another article",
    "section_heading": "heading of a boilerplate section (Tin khác, Nên xem, Xem thêm...)",
    "nav": "menus, footers, share/print links, tags bars",
    "noise": "image alt-text slugs, markers and other leftovers",
}


def is_content(label: str) -> bool:
    """True for the labels that belong to the article itself."""
    if label not in LABELS:
        raise ValueError(f"unknown block label {label!r}; expected one of {', '.join(LABELS)}")
    return label in CONTENT_LABELS


def to_binary(label: str) -> str:
    """Project a fine label onto content/boilerplate."""
    return CONTENT if is_content(label) else BOILERPLATE
