"""Typed configuration of the page dataset builder (configs/data.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field

ALL_TEMPLATES = ["laodongthudo", "moet", "vnexpress", "dantri", "tuoitre", "thanhnien", "vietnamnet", "nld"]


@dataclass
class SplitSizes:
    """Pages per split."""

    train: int = 4000
    val: int = 600
    test: int = 1200


@dataclass
class ArticleFractions:
    """Share of the source articles (by corpus id) reserved for val and test; the rest is train."""

    val: float = 0.12
    test: float = 0.22


@dataclass
class VariationConfig:
    """Probabilities of the page variations (each drawn per page or per element)."""

    p_nfd: float = 0.08  # the whole page text in NFD (the parser must normalize it back)
    p_no_lead: float = 0.15
    p_drop_section: float = 0.25  # each boilerplate section independently left out
    p_shuffle_sections: float = 0.2  # boilerplate sections after the article in another order
    p_duplicate_title: float = 0.3  # the article's own title repeated in a related list
    p_image: float = 0.75  # page has pictures at all
    p_image_per_paragraph: float = 0.18
    p_alt_slug: float = 0.3  # image alt text written out as a slug without diacritics
    p_subheading: float = 0.25  # body has subheadings
    p_list: float = 0.1  # a paragraph becomes a bulleted list
    p_pipe_join: float = 0.35  # related titles concatenated on one line ending with " |"
    p_blank_lines: float = 0.5  # blank lines between blocks
    p_menu_in_text: float = 0.5  # menus/breadcrumbs survive in the flattened text
    p_short_body: float = 0.1  # cut the body to 1-3 paragraphs
    p_html_plain_tags: float = 0.35  # HTML landmarks (header, nav, aside, footer, article) written as <div>
    p_html_generic_classes: float = 0.35  # HTML class names replaced by generic/hashed ones ("col-md-8", "x7f3a2")
    #: generated styles use their deep nested menus (3-4 levels), layout tables (boxes, menus, footers and article
    #: content in table cells) and photo stories (builder/generated.py ``_layout_extras``); off, the pages are those of
    #: the builds without them (the embedded default's training data)
    layout_structures: bool = False
    #: generated styles' comment sections as real sites write them: many comments of several sentences, meta lines
    #: such as "name - 7 ngày trước Thích | 724", "Hiển thị thêm" and page numbers, and the site's moderation
    #: notice ("... hoan nghênh ý kiến của bạn đọc ..."); off, the pages are those of the builds without them
    real_comments: bool = False
    #: generated styles' photo stories alone (pictures with short captions after most paragraphs), without the rest
    #: of layout_structures
    photo_stories: bool = False
    #: generated styles' article images as many CMSs write them: on some pages every image's alt text is the
    #: article's title (or the title with its keywords: "Tiêu đề, Chuyên mục, tieu de, tin tuc"), and some images
    #: stand without a caption (markdownify writes an image in a table cell as its bare alt text); off, the pages
    #: are those of the builds without it
    image_alt_title: bool = False
    min_related: int = 3
    max_related: int = 10
    max_body_paragraphs: int = 24
    max_paragraph_chars: int = 700  # longer lines are split into paragraphs at sentence boundaries


@dataclass
class GeneratedStyles:
    """How many generated site styles (templates gen000, gen001, ...) each split gets; see builder.generated.

    Styles are numbered train first, then val, then test, so the splits never share one.
    """

    train: int = 40
    val: int = 8
    test: int = 12
    #: share of each split's pages laid out in the generated styles (the rest cycle through the hand-written ones)
    share: float = 0.5

    def names(self) -> dict[str, list[str]]:
        from bantin.data.builder.generated import generated_name

        out, i = {}, 0
        for split in ("train", "val", "test"):
            n = getattr(self, split)
            out[split] = [generated_name(j) for j in range(i, i + n)]
            i += n
        return out


@dataclass
class BuilderConfig:
    """Everything the build depends on; the card records it, with the seed, so a build can be reproduced."""

    seed: int = 13
    data_dir: str | None = None  # None: bantin.data.paths.shared_data_dir()
    out_dir: str = "data/built/pages"
    pages: SplitSizes = field(default_factory=SplitSizes)
    #: corpora that give the articles, with how many articles to read from each at most (read lazily, spread out)
    corpora: list[str] = field(default_factory=lambda: ["baomoi_articles_2017", "vietnews", "vntc10"])
    max_articles: int = 5000  # per article corpus
    filler_corpus: str | None = "baomoi_topics_2018"  # extra related titles/teasers (title + sapo only)
    max_filler: int = 8000
    article_fractions: ArticleFractions = field(default_factory=ArticleFractions)
    templates: list[str] = field(default_factory=lambda: list(ALL_TEMPLATES))
    val_templates: list[str] = field(default_factory=lambda: ["vietnamnet"])
    test_templates: list[str] = field(default_factory=lambda: ["thanhnien", "nld"])
    variation: VariationConfig = field(default_factory=VariationConfig)
    #: generated site styles added to the templates above (0/0/0: the hand-written templates only)
    generated: GeneratedStyles = field(default_factory=GeneratedStyles)
    write_html: bool = True
    workers: int = 1  # processes generating pages (the output does not depend on it)
    min_body_chars: int = 120
    max_title_chars: int = 160
    #: converter forms (bantin.data.forms) each page's HTML is also rendered into, labels carried over by
    #: alignment (bantin.data.align); [] for none. Needs the converters of bantin[eval].
    forms: list[str] = field(default_factory=lambda: ["markdown", "markdown78", "markdownify", "inscriptis", "lxml_text"])
    form_min_matched: float = 0.8  # a form whose tokens align worse than this with the HTML is left out of the page

    def template_lists(self) -> tuple[list[str], list[str], list[str]]:
        """(all templates, val templates, test templates) with the generated styles added."""
        if not 0.0 <= self.generated.share <= 1.0:
            from bantin.errors import BantinInputError

            raise BantinInputError(f"generated.share must be within [0, 1], got {self.generated.share}")
        gen = self.generated.names()
        return (list(self.templates) + [n for names in gen.values() for n in names],
                list(self.val_templates) + gen["val"], list(self.test_templates) + gen["test"])
