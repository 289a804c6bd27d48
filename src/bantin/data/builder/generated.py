"""Generated site styles: a family of randomized site layouts ("gen000", "gen001", ...) with chrome at real-page scale.

The eight hand-written templates teach a model eight sites. A generated style is one more "site": its structure is
sampled once from its name (:func:`style_for`), so every page of ``gen017`` shares one layout, and the dataset splits
keep whole styles apart exactly like the hand-written templates (test styles never in train). A style fixes:

* the order of the page regions (top bar, header, breadcrumb, main column, sidebar, after-article boxes, footer) and
  which chrome blocks each region may carry, with their per-page probabilities;
* the markup: HTML5 landmarks, div soup or table layout (older CMSs); lists as ul/li, div items, p items, table rows
  or ``<br>``-separated links; article paragraphs as ``<p>``, ``<div>`` or ``<br>``-separated text;
* the class/id naming scheme: semantic English ("related", "most-read"), Vietnamese without accents ("tin-lien-quan",
  "box-tin-khac"), BEM, obfuscated ("c-2x9"), none at all, or a mix;
* the site's menu taxonomy (mega-menus of 100-300 nested links in the header and again in the footer, or flat ones),
  its date/lead/caption/author conventions, and whether it is a mobile page (simpler, fewer menus).

Per page, the blocks present, the number of items, the teasers (titles and sapos of *other* articles of the page's
partition), comments, widget values and people are drawn again. Each item is one block in both renderings: the
flattened text is the block dump of the HTML (one line per block element), so text and HTML carry the same labels.

Labels (bantin.labels, data/seeds/ANNOTATION.md): menus, breadcrumbs, tags, share/login/newsletter prompts, comment
forms and actions, pagers, footers (address, licence, editors, copyright, hotline) are ``nav``; box headings are
``section_heading``; other articles' titles, teasers, times, numbers, video/photo titles and durations and the
"Xem thêm:"/">>" links inside the body are ``related``; comments (names, times, text), ad labels, widgets
(weather, gold, exchange rates, stocks) and view counters are ``noise``.
"""

from __future__ import annotations

import html as html_lib
import random
import re
from dataclasses import dataclass, field
from datetime import timedelta

from bantin.data.builder import vocab as V
from bantin.data.builder.rendering import Item, slugify
from bantin.data.builder.sources import Teaser, split_sentences
from bantin.data.builder.templates import (
    AGENCIES,
    SITES,
    TEMPLATES,
    PageContext,
    _tags,
    person,
    random_time,
    short_name,
    truncate,
    weekday,
)

GENERATED_PREFIX = "gen"
_NAME = re.compile(rf"^{GENERATED_PREFIX}\d{{3,}}$")


def generated_name(i: int) -> str:
    return f"{GENERATED_PREFIX}{i:03d}"


def is_generated(name: str) -> bool:
    return bool(_NAME.match(name))


# ------------------------------------------------------------------------------------------------ class naming
ROLES = ["page", "topbar", "header", "logo", "menu", "submenu", "mega", "search", "breadcrumb", "main", "article", "title", "meta",
         "date", "author", "sapo", "content", "caption", "inline", "tags", "share", "comments", "comment", "form", "related",
         "item", "teaser", "mostread", "sidebar", "box", "boxtitle", "video", "photo", "widget", "ads", "newsletter", "login",
         "footer", "footmenu", "copyright", "pager", "hotline", "mobile", "sections", "pr", "num", "time"]
SEMANTIC = {
    "page": ["wrapper", "page", "container", "site"], "topbar": ["top-bar", "topbar", "header-top", "top"],
    "header": ["header", "site-header", "masthead"], "logo": ["logo", "brand", "site-logo"],
    "menu": ["menu", "main-nav", "navigation", "nav-main", "main-menu"], "submenu": ["sub-menu", "submenu", "dropdown", "children"],
    "mega": ["mega-menu", "menu-all", "sitemap", "all-categories"], "search": ["search", "search-box"],
    "breadcrumb": ["breadcrumb", "crumbs", "breadcrumbs"], "main": ["main", "content-left", "col-main", "primary"],
    "article": ["article", "post", "detail", "news-detail", "article-detail", "story"], "title": ["title", "headline", "article-title", "post-title"],
    "meta": ["meta", "article-meta", "info", "post-info"], "date": ["date", "time", "publish-date", "datetime"],
    "author": ["author", "byline", "writer"], "sapo": ["sapo", "lead", "summary", "description", "excerpt"],
    "content": ["content", "body", "article-body", "entry-content", "post-content"], "caption": ["caption", "image-caption", "photo-caption"],
    "inline": ["related-inline", "inline-related", "see-also", "read-more"], "tags": ["tags", "tag-list", "keywords", "topics"],
    "share": ["share", "social", "social-share", "share-bar"], "comments": ["comments", "comment-list", "discussion"],
    "comment": ["comment", "comment-item", "reply"], "form": ["comment-form", "form-comment", "respond"],
    "related": ["related", "related-news", "more-news", "other-news", "same-category"], "item": ["item", "news-item", "entry", "story-item"],
    "teaser": ["teaser", "summary", "desc", "excerpt"], "mostread": ["most-read", "most-viewed", "popular", "top-news", "trending"],
    "sidebar": ["sidebar", "col-right", "aside", "right-column"], "box": ["box", "widget", "module", "block"],
    "boxtitle": ["box-title", "widget-title", "heading", "module-title"], "video": ["video", "video-list", "media"],
    "photo": ["photo", "gallery", "photos"], "widget": ["widget", "utility", "market"], "ads": ["ads", "advert", "banner", "ad-slot"],
    "newsletter": ["newsletter", "subscribe", "signup"], "login": ["login", "account", "user"],
    "footer": ["footer", "site-footer", "bottom"], "footmenu": ["footer-menu", "footer-nav", "bottom-menu"],
    "copyright": ["copyright", "footer-info", "legal"], "pager": ["pagination", "pager", "paging"], "hotline": ["hotline", "contact"],
    "mobile": ["mobile-links", "switch-version", "go-top"], "sections": ["category-box", "section-box", "cat-box"],
    "pr": ["sponsored", "pr-news", "partner"], "num": ["num", "rank", "index"], "time": ["time", "ago", "timestamp"],
}
VIETNAMESE = {
    "page": ["trang", "khung"], "topbar": ["thanh-tren", "top-trang"], "header": ["dau-trang", "header"], "logo": ["logo", "bieu-trung"],
    "menu": ["menu-chinh", "danh-muc", "chuyen-muc", "thanh-menu"], "submenu": ["menu-con", "chuyen-muc-con"],
    "mega": ["tat-ca-chuyen-muc", "menu-mo-rong", "ban-do-trang"], "search": ["tim-kiem", "o-tim-kiem"],
    "breadcrumb": ["duong-dan", "vi-tri", "breadcrumb"], "main": ["cot-trai", "noi-dung-chinh", "cot-chinh"],
    "article": ["chi-tiet", "bai-viet", "chi-tiet-tin", "noi-dung-tin"], "title": ["tieu-de", "ten-bai", "tieu-de-tin"],
    "meta": ["thong-tin-bai", "thong-tin"], "date": ["ngay-dang", "thoi-gian", "ngay-gio"], "author": ["tac-gia", "but-danh"],
    "sapo": ["sapo", "tom-tat", "mo-ta", "dan-nhap"], "content": ["noi-dung", "than-bai", "noidung"], "caption": ["chu-thich", "chu-thich-anh"],
    "inline": ["tin-lien-quan-trong-bai", "doc-them", "xem-them"], "tags": ["tu-khoa", "the-tag", "tag-bai-viet"],
    "share": ["chia-se", "mang-xa-hoi"], "comments": ["binh-luan", "y-kien", "y-kien-ban-doc"], "comment": ["binh-luan-item", "y-kien-item"],
    "form": ["gui-binh-luan", "form-binh-luan"], "related": ["tin-lien-quan", "box-tin-lien-quan", "tin-khac", "box-tin-khac", "tin-cung-chuyen-muc"],
    "item": ["tin", "muc-tin", "tin-item"], "teaser": ["mo-ta", "tom-tat", "sapo"], "mostread": ["doc-nhieu", "tin-doc-nhieu", "xem-nhieu"],
    "sidebar": ["cot-phai", "box-phai", "cot-ben"], "box": ["khung", "hop", "box"], "boxtitle": ["tieu-de-box", "ten-box", "tieu-de-khung"],
    "video": ["video", "tin-video"], "photo": ["anh", "thu-vien-anh", "tin-anh"], "widget": ["tien-ich", "thong-tin-thi-truong"],
    "ads": ["quang-cao", "qc", "banner-qc"], "newsletter": ["dang-ky-nhan-tin", "ban-tin"], "login": ["dang-nhap", "tai-khoan"],
    "footer": ["chan-trang", "cuoi-trang", "footer"], "footmenu": ["menu-cuoi", "menu-chan-trang"], "copyright": ["ban-quyen", "thong-tin-toa-soan"],
    "pager": ["phan-trang", "trang"], "hotline": ["duong-day-nong", "lien-he"], "mobile": ["phien-ban", "len-dau-trang"],
    "sections": ["box-chuyen-muc", "khung-chuyen-muc"], "pr": ["tin-doanh-nghiep", "tai-tro"], "num": ["so", "stt"], "time": ["gio", "thoi-gian"],
}
NAMINGS = ["semantic", "vietnamese", "bem", "obfuscated", "none", "mixed"]
NAMING_WEIGHTS = [4, 4, 1, 2, 2, 3]


def _obfuscated(rng) -> str:
    alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
    form = rng.randrange(4)
    if form == 0:
        return "c-" + "".join(rng.choice(alnum) for _ in range(3))
    if form == 1:
        return "sc-" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(6))
    if form == 2:
        return rng.choice("abcdefghijklmnopqrstuvwxyz") + "".join(rng.choice(alnum) for _ in range(rng.randint(3, 6)))
    return "_" + "".join(rng.choice(alnum) for _ in range(5))


def _class_names(rng, naming: str) -> dict[str, str]:
    prefix = rng.choice(["", "", "", "vn-", "ns-", "bx-", "tt-", "m-"])
    block = rng.choice(["site", "news", "page", "ct"])
    out: dict[str, str] = {}
    for role in ROLES:
        scheme = rng.choice(["semantic", "vietnamese", "obfuscated"]) if naming == "mixed" else naming
        if scheme == "none" or (scheme != "obfuscated" and rng.random() < 0.12):
            out[role] = ""  # this element carries no class at all
        elif scheme == "obfuscated":
            out[role] = _obfuscated(rng)
        elif scheme == "bem":
            out[role] = f"{block}__{rng.choice(SEMANTIC[role])}"
        else:
            words = (SEMANTIC if scheme == "semantic" else VIETNAMESE)[role]
            out[role] = prefix + rng.choice(words)
    return out


# ------------------------------------------------------------------------------------------------ the style
CHROME_AFTER = ["tags", "share", "related_list", "related_teasers", "comments", "comment_form", "mostread", "newsletter", "pager", "pr",
                "video", "photo", "section_boxes", "ads", "login"]
CHROME_SIDE = ["mostread", "weather", "gold", "exchange", "stocks", "video", "photo", "ads", "section_boxes", "newsletter",
               "related_teasers", "related_list", "hotline", "login", "date_archive"]
CHROME_TOP = ["date_line", "login", "weather", "hotline", "top_links", "search", "ads"]
CHROME_FOOT = ["menu", "top_links", "address", "licence", "editors", "copyright", "hotline", "seo", "partners", "mobile_links"]

DATE_FORMATS = [
    lambda dt: f"{weekday(dt)}, {dt:%d/%m/%Y} | {dt:%H:%M} GMT+7",
    lambda dt: f"{weekday(dt)}, {dt:%d/%m/%Y - %H:%M}",
    lambda dt: f"{dt:%d/%m/%Y %H:%M}",
    lambda dt: f"{dt:%H:%M %d/%m/%Y}",
    lambda dt: f"{dt:%d-%m-%Y %H:%M}",
    lambda dt: f"Cập nhật: {dt:%H:%M, %d/%m/%Y}",
    lambda dt: f"{dt:%d/%m/%Y} {dt:%H:%M} (GMT+7)",
    lambda dt: f"Ngày {dt.day} tháng {dt.month} năm {dt.year}",
    lambda dt: f"{weekday(dt)}, {dt.day}/{dt.month}/{dt.year}, {dt:%H:%M} (GMT+7)",
    lambda dt: f"{dt:%H:%M} ngày {dt:%d/%m/%Y}",
    lambda dt: f"Đăng lúc: {dt:%d/%m/%Y %H:%M}",
    lambda dt: f"{dt:%d/%m/%Y}",
]
REL_TIME_FORMATS = ["%d/%m/%Y", "%H:%M", "%d/%m", "%H:%M %d/%m/%Y", "%d/%m/%Y %H:%M", "(%d/%m)", "%d-%m-%Y"]
URL_SUFFIXES = [".html", ".htm", ".chn", ".html", ".vn", ""]


@dataclass
class GenStyle:
    """One generated site layout (fixed by its name); see the module doc."""

    name: str
    site_name: str
    domain: str
    short: str  # the name in sapo prefixes: "(Short) - "
    mobile: bool
    naming: str
    layout: str  # html5 | divs | table
    list_markup: str  # ul | div | p | table | br
    p_markup: str  # p | div | br
    cls: dict[str, str]
    menu: list[tuple[str, list[str]]]
    menu_markup: str  # nested | columns | inline_subs | flat
    sub_prefix: str
    header_mega: bool
    footer_menu: str  # none | top | full
    extra_menu_copies: int
    top: list[str]
    side: list[str]
    after: list[str]
    foot: list[str]
    p_block: dict[str, float]
    sidebar_pos: str  # before | after | none
    after_pos: str  # main | page (after the sidebar)
    crumb_pos: str  # none | top | article
    date_pos: str  # before_title | after_title | after_sapo | bottom
    author_pos: str  # top | bottom
    date_fmt: int
    rel_time_fmt: str
    lead_prefix: str
    title_tag: str
    sapo_tag: str
    subhead_tag: str
    caption_markup: str  # figure | table | div | p
    item_title_tag: str
    box_head_tag: str
    inline_kinds: list[str]
    p_inline: float
    url_suffix: str
    head_case: str  # as | upper | lower
    seed: int = 0
    extras: dict = field(default_factory=dict)

    def c(self, role: str) -> str:
        return self.cls.get(role, "")

    def step(self, role: str, tag: str | None = None) -> str:
        """One region step for a role: 'nav.main-nav', 'div.menu-chinh', 'div' (no class) ..."""
        html5 = {"header": "header", "menu": "nav", "mega": "nav", "main": "main", "article": "article", "sidebar": "aside",
                 "footer": "footer", "comments": "section", "related": "section", "breadcrumb": "nav"}
        if tag is None:
            tag = html5.get(role, "div") if self.layout == "html5" else "div"
        cls = self.c(role)
        return f"{tag}.{cls.replace(' ', '.')}" if cls else tag

    def column(self, role: str) -> str:
        """The main column or the sidebar: a table cell in table layouts."""
        if self.layout == "table":
            return f"table.{self.c('page') or 'tbl'}/tr/td.{self.c(role) or role}"
        return self.step("page") + "/" + self.step(role)

    def head(self, text: str) -> str:
        if self.head_case == "upper":
            return text.upper()
        if self.head_case == "lower":
            return text.lower()
        return text

    def a(self, text: str, cls: str = "") -> str:
        href = "/" + slugify(text[:70])[:60] + self.url_suffix if text else "#"
        c = f' class="{cls}"' if cls else ""
        return f'<a href="{href}"{c}>{esc(text)}</a>'

    def table_step(self) -> str:
        cls = self.extras.get("table_class", "")
        return f"table.{cls}" if cls else "table"

    def cell(self, region: str, i: int, cols: int) -> str:
        """Cell ``i`` of a layout table under ``region``, ``cols`` cells to a row."""
        return f"{region}/{self.table_step()}/tr.r{i // cols}/td.c{i % cols}"

    def attr(self, role: str) -> str:
        cls = self.c(role)
        return f' class="{cls}"' if cls else ""


def esc(text: str) -> str:
    return html_lib.escape(text, quote=True)


def _site_identity(rng) -> tuple[str, str, str]:
    words = rng.sample(V.SITE_WORDS, k=rng.choice([1, 2, 2]))
    core = " ".join(words)
    prefix = rng.choice(V.SITE_PREFIX)
    name = f"{prefix} {core}".strip()
    domain = slugify(core, "") + rng.choice(V.TLDS)
    short = core if rng.random() < 0.5 else "".join(w[0] for w in core.split()).upper() + rng.choice(["", "O", "VN"])
    return name, domain, short


def _menu(rng, mobile: bool) -> list[tuple[str, list[str]]]:
    names = list(V.SECTION_TREE)
    n_top = rng.randint(8, 18) if mobile else rng.randint(12, min(len(names), 34))
    tops = rng.sample(names, k=n_top)
    out: list[tuple[str, list[str]]] = []
    for top in tops:
        subs = list(V.SECTION_TREE[top])
        if top in ("Thời sự", "Xã hội", "Bạn đọc") and rng.random() < 0.5:
            subs += [f"Tin {p}" for p in rng.sample(V.PROVINCES, k=rng.randint(2, 8))]
        if top == "Thể thao" and rng.random() < 0.7:
            subs += [f"Bóng đá {lg}" if rng.random() < 0.4 else lg for lg in rng.sample(V.LEAGUES, k=rng.randint(3, 9))]
        rng.shuffle(subs)
        out.append((top, subs[: rng.randint(0 if rng.random() < 0.15 else 2, len(subs))]))
    extra = rng.sample(V.EXTRA_TOP, k=rng.randint(0, 4))
    return [(e, []) for e in extra] + out


_LEAF_WORDS = ["Tin mới", "Tin nóng", "Phân tích", "Bình luận", "Hỏi đáp", "Tư vấn", "Góc nhìn", "Chuyên đề", "Ảnh", "Video",
               "Infographic", "Podcast", "Sự kiện", "Nhân vật", "Thị trường", "Chính sách", "Lịch thi đấu", "Kết quả",
               "Bảng xếp hạng", "Chuyển nhượng", "Xu hướng", "Đánh giá", "Mẹo hay", "Kinh nghiệm", "Tuyển sinh", "Du học"]


def _menu_children(st: GenStyle, sec: str, sub: str, levels: int) -> list:
    """The deeper levels under one sub-section of a style's mega-menu (the same on every page of the style)."""
    if levels <= 0:
        return []
    rng = random.Random(f"bantin-gen-menu:{st.name}:{sec}:{sub}")
    if rng.random() < 0.7:  # most items are leaves: the menu stays at real-page scale (a few hundred links)
        return []
    pool = _LEAF_WORDS + [f"Tin {p}" for p in V.PROVINCES] + list(V.LEAGUES) + [x for subs in V.SECTION_TREE.values() for x in subs]
    names = rng.sample(pool, k=min(len(pool), rng.randint(2, 5)))
    return [(n, _menu_children(st, sub, n, levels - 1) if rng.random() < 0.4 else []) for n in names]


def sample_style(name: str) -> GenStyle:
    """The style of a generated template, drawn from its name only (the same in every build and process)."""
    rng = random.Random(f"bantin-gen-style:{name}")
    mobile = rng.random() < 0.25
    naming = rng.choices(NAMINGS, weights=NAMING_WEIGHTS)[0]
    layout = "divs" if mobile else rng.choices(["html5", "divs", "table"], weights=[4, 5, 2])[0]
    site_name, domain, short = _site_identity(rng)
    top = [b for b in CHROME_TOP if rng.random() < (0.3 if mobile else 0.5)]
    if mobile:
        top = ["mobile_head"] + top
    side = [] if mobile else rng.sample(CHROME_SIDE, k=rng.randint(2, 8))
    after = rng.sample(CHROME_AFTER, k=rng.randint(3, 9 if not mobile else 6))
    foot = [b for b in CHROME_FOOT if rng.random() < 0.55]
    if mobile:
        foot = [b for b in foot if b != "menu"] + ["mobile_links"]
    p_block = {b: rng.uniform(0.45, 0.95) for b in set(top + side + after + foot) | {"breadcrumb", "inline", "ads_in_body"}}
    return GenStyle(
        name=name, site_name=site_name, domain=domain, short=short, mobile=mobile, naming=naming, layout=layout,
        list_markup=rng.choices(["ul", "div", "p", "table", "br"], weights=[6, 3, 1, 2 if layout == "table" else 0.5, 1])[0],
        p_markup=rng.choices(["p", "div", "br"], weights=[7, 2, 2])[0],
        cls=_class_names(rng, naming),
        menu=_menu(rng, mobile),
        menu_markup=rng.choice(["nested", "columns", "inline_subs", "flat"]),
        sub_prefix=rng.choice(["", "", "", "__", "- ", "» ", "+ ", "· "]),
        header_mega=not mobile and rng.random() < 0.55,
        footer_menu="none" if mobile else rng.choice(["none", "top", "full", "full"]),
        extra_menu_copies=0 if mobile else rng.choice([0, 0, 1, 2]),
        top=top, side=side, after=after, foot=foot, p_block=p_block,
        sidebar_pos="none" if mobile else rng.choice(["before", "after", "after"]),
        after_pos=rng.choice(["main", "main", "page"]),
        crumb_pos=rng.choice(["none", "top", "article"]),
        date_pos=rng.choice(["before_title", "after_title", "after_title", "after_sapo", "bottom"]),
        author_pos=rng.choice(["top", "bottom", "bottom", "bottom"]),
        date_fmt=rng.randrange(len(DATE_FORMATS)),
        rel_time_fmt=rng.choice(REL_TIME_FORMATS),
        lead_prefix=rng.choice(["", "", "", f"({short}) - ", f"({short}) – ", f"{short.upper()} - ", f"({short})- "]),
        title_tag=rng.choice(["h1", "h1", "h1", "h2", "div", "p"]),
        sapo_tag=rng.choice(["h2", "p", "div", "strong", "p"]),
        subhead_tag=rng.choice(["h2", "h3", "strong", "b", "h4"]),
        caption_markup=rng.choice(["figure", "table", "div", "p"]),
        item_title_tag=rng.choice(["h3", "h4", "h2", "p", "div", "a"]),
        box_head_tag=rng.choice(["h2", "h3", "h4", "div", "span", "p"]),
        inline_kinds=rng.sample(["xem_them", "arrows", "box", "box_teaser", "suffix"], k=rng.randint(1, 3)),
        p_inline=rng.uniform(0.2, 0.8),
        url_suffix=rng.choice(URL_SUFFIXES),
        head_case=rng.choices(["as", "upper", "lower"], weights=[6, 3, 1])[0],
        seed=rng.randrange(2**31),
        extras=_layout_extras(rng, mobile),
    )


def _layout_extras(rng, mobile: bool) -> dict:
    """How a style uses deep nested lists and layout tables (drawn last, so older style fields keep their values).

    * ``menu_depth``: levels of the nested mega-menu (2: section > sub-section; 3-4: ul > li > ul > li nested
      further, as real mega-menus are, which html2text and markdownify indent by 2/4 spaces per level);
    * ``p_table_box``: per box (related, most read, video, section boxes...), the chance that its items are laid
      out as cells of a table, ``table_cols`` to a row (markdownify renders such rows as ``| a | b |``, inscriptis
      as columns of text);
    * ``table_menu``: the header menu is a table row of links (older CMSs);
    * ``table_footer``: the footer's blocks (address, licence, links...) sit in the cells of a layout table;
    * ``p_table_article``: per page, the chance that the article's content sits in a layout table (one cell, or
      one row per paragraph);
    * ``p_photo_story``: per page, the chance of a photo story (pictures with short captions after most paragraphs).
    """
    table_heavy = not mobile and rng.random() < 0.45
    return {
        "menu_depth": 2 if mobile else rng.choices([2, 3, 4], weights=[3, 4, 3])[0],
        "p_table_box": rng.uniform(0.4, 0.95) if table_heavy else (rng.uniform(0.0, 0.3) if rng.random() < 0.4 else 0.0),
        "table_cols": rng.choice([1, 2, 2, 3, 4]),
        "table_menu": table_heavy and rng.random() < 0.5,
        "table_footer": table_heavy and rng.random() < 0.6 or rng.random() < 0.1,
        "footer_cols": rng.choice([1, 2, 2, 3]),
        "p_table_article": rng.uniform(0.3, 0.9) if table_heavy and rng.random() < 0.6 else (0.1 if rng.random() < 0.3 else 0.0),
        "table_class": rng.choice(["", "", "tbl", "layout", "main-table", "box-table", "w-100"]),
        "p_photo_story": rng.choice([0.0, 0.0, 0.1, 0.25, 0.5]),
    }


_STYLES: dict[str, GenStyle] = {}


def style_for(name: str) -> GenStyle:
    if name not in _STYLES:
        _STYLES[name] = sample_style(name)
    return _STYLES[name]


def ensure_generated(names) -> None:
    """Register the generated templates among ``names`` (idempotent; other names are left alone)."""
    for name in names:
        if is_generated(name) and name not in TEMPLATES:
            st = style_for(name)
            TEMPLATES[name] = _composer(name)
            SITES[name] = {"name": st.site_name, "body_class": st.c("page") or "home", "title": st.c("title") or "t"}


# ------------------------------------------------------------------------------------------------ page building
class Page:
    """Collects one page's items; ``add`` makes one block (its text is the HTML block's text)."""

    def __init__(self, c: PageContext, st: GenStyle) -> None:
        self.c, self.st, self.rng, self.s = c, st, c.rng, c.story
        self.items: list[Item] = []
        self.gap = self.rng.random() < c.var.p_blank_lines * 0.3
        # the style's deep menus, layout tables and photo stories, when the build asks for them (off: the pages are
        # those of the builds before they existed, draw for draw)
        self.ex = st.extras if c.var.layout_structures else {}
        self.grid = 0  # > 0: list items are table cells, that many to a row (see box)
        self.cell = 0
        # CMS image alt texts (variation.image_alt_title): the alt every image of the page gets, and the chance
        # of a caption-less image after a paragraph
        self.alt, self.p_bare_image = None, 0.0
        if c.var.image_alt_title:
            r = self.rng.random()
            title = self.s.title
            if r < 0.35:
                self.alt = title
            elif r < 0.55:
                self.alt = f"{title}, {self.rng.choice(list(V.SECTION_TREE))}, {slugify(title, ' ')}, tin tuc, tin nhanh"
            if self.alt:
                self.p_bare_image = self.rng.choice([0.0, 0.1, 0.25, 0.4])

    def add(self, label: str, text: str, region: str, markup: str) -> None:
        text = " ".join(text.split())
        if not text:
            return
        self.items.append(Item(label, text, text, "raw", region, blank_after=self.gap, attrs={"markup": markup}))

    def on(self, block: str) -> bool:
        return self.rng.random() < self.st.p_block.get(block, 0.5)

    # -------------------------------------------------------------- lists and boxes
    def list_region(self, base: str, role: str) -> str:
        if self.grid:
            self.cell = 0
            return base + "/" + self.st.step(role, "table")
        m = self.st.list_markup
        tag = {"ul": "ul", "table": "table"}.get(m, "div")
        return base + "/" + self.st.step(role, tag)

    def _grid_li(self, inner: str, first: bool, last: bool) -> str:
        """An item as a table cell, ``self.grid`` cells to a row (the row is closed by its last cell)."""
        col = self.cell % self.grid
        out = ("<tr>" if col == 0 else "") + "<td>" if first else ""
        out += inner
        if last:
            self.cell += 1
            out += "</td>" + ("</tr>" if col == self.grid - 1 else "")
        return out

    def li(self, inner: str, first: bool = True, last: bool = True) -> str:
        if self.grid:
            return self._grid_li(inner, first, last)
        m = self.st.list_markup
        open_, close = {"ul": ("<li>", "</li>"), "div": (f'<div{self.st.attr("item")}>', "</div>"), "p": ("<p>", "</p>"),
                        "table": ("<tr><td>", "</td></tr>"), "br": ("", "<br>")}[m]
        if m == "br" and not (first and last):  # several blocks of one item: each its own line
            return inner + "<br>"
        if m == "p" and not (first and last):  # a <p> cannot hold the item's title and sapo blocks
            open_, close = "<div>", "</div>"
        return (open_ if first else "") + inner + (close if last else "")

    def heading(self, text: str, region: str, role: str = "boxtitle") -> None:
        text = self.st.head(text)
        tag = self.st.box_head_tag
        inner = self.st.a(text) if self.rng.random() < 0.3 else esc(text)
        self.add("section_heading", text, region, f"<{tag}{self.st.attr(role)}>{inner}</{tag}>")

    def title_list(self, teasers: list[Teaser], region: str, numbered: bool = False, times: bool = False) -> None:
        st, rng = self.st, self.rng
        num_style = rng.randrange(4)
        stamp_after = st.rel_time_fmt.startswith("(") or rng.random() < 0.5  # one position for the whole list
        dt = random_time(rng, 2013, 2025)
        for i, t in enumerate(teasers, 1):
            title = t.title
            stamp = ""
            if times:
                dt -= timedelta(minutes=rng.randint(10, 60 * 30))
                stamp = dt.strftime(st.rel_time_fmt)
            if numbered and num_style == 3:  # the number is a block of its own
                n = f"{i:02d}" if rng.random() < 0.5 else str(i)
                self.add("related", n, region, self.li(f'<div{st.attr("num")}>{n}</div>', True, False))
                self.add("related", title, region, self.li(f"<{st.item_title_tag}>{st.a(title)}</{st.item_title_tag}>"
                                                            if st.item_title_tag != "a" else st.a(title), False, True))
                continue
            text, inner = title, st.a(title)
            if numbered:
                n = str(i) if num_style != 2 else f"{i:02d}"
                sep = "." if num_style == 1 else ""
                text, inner = f"{n}{sep} {title}", f'<span{st.attr("num")}>{n}{sep}</span> {inner}'
            if stamp:
                if stamp_after:
                    text, inner = f"{text} {stamp}", f'{inner} <span{st.attr("time")}>{esc(stamp)}</span>'
                else:
                    text, inner = f"{stamp} {text}", f'<span{st.attr("time")}>{esc(stamp)}</span> {inner}'
            self.add("related", text, region, self.li(inner))

    def teaser_list(self, teasers: list[Teaser], region: str, all_sapo: bool) -> None:
        """Titles with their sapos (long, sentence-like: the hard case), sometimes only the first one.

        Some sites print the title twice (a text link over the thumbnail, then the headline) and start each sapo
        with the site's own lead prefix, as on the article itself.
        """
        st, rng = self.st, self.rng
        tt = st.item_title_tag if st.item_title_tag != "a" else "h3"
        twice = rng.random() < 0.2
        prefixed = bool(st.lead_prefix) and rng.random() < 0.5
        for i, t in enumerate(teasers):
            with_sapo = bool(t.lead) and (all_sapo or i == 0)
            title_markup = f"<{tt}>{st.a(t.title)}</{tt}>"
            if twice:
                self.add("related", t.title, region, self.li(f'<div{st.attr("item")}>{st.a(t.title)}</div>', True, False))
            elif rng.random() < 0.4:
                title_markup = f'<a href="#"><img src="/img/{i}.jpg" alt=""></a>' + title_markup
            if not with_sapo:
                self.add("related", t.title, region, self.li(title_markup, not twice, True))
                continue
            sapo = truncate(t.lead, rng.choice([140, 220, 400, 600]), rng)
            if prefixed:
                sapo = st.lead_prefix + sapo
            self.add("related", t.title, region, self.li(title_markup, not twice, False))
            self.add("related", sapo, region, self.li(f'<p{st.attr("teaser")}>{esc(sapo)}</p>', False, True))

    def box(self, head: str | None, region: str, role: str, fill) -> None:
        """A boilerplate box: its own container (role class, sometimes the style's generic box class), heading, items."""
        st = self.st
        tag = "section" if st.layout == "html5" and self.rng.random() < 0.5 else "div"
        base = region + "/" + st.step(role, tag)
        if st.c("box") and self.rng.random() < 0.5:
            base += ("." if "." in base.rsplit("/", 1)[-1] else ".") + st.c("box")
        if head:
            self.heading(head, base)
        ex = self.ex
        if ex.get("p_table_box") and self.rng.random() < ex["p_table_box"]:
            self.grid = max(1, ex["table_cols"] + self.rng.choice([-1, 0, 0, 1]))
        try:
            fill(base)
        finally:
            self.grid = 0

    # -------------------------------------------------------------- menus
    def menu(self, region: str, full: bool, markup: str | None = None) -> None:
        st, rng = self.st, self.rng
        markup = markup or st.menu_markup
        sections = st.menu
        if rng.random() < 0.3:  # a page may show a shorter menu (collapsed groups)
            sections = sections[: rng.randint(max(4, len(sections) // 2), len(sections))]
        pre = st.sub_prefix
        if self.ex.get("table_menu") and (markup == "flat" or not full) and rng.random() < 0.8:
            names = [s for s, _ in sections] + ([pre + x for _, subs in sections for x in subs] if full else [])
            reg = region + "/" + st.step("menu", "table")
            per_row = rng.choice([len(names), 8, 12])
            for i, n in enumerate(names):
                col = i % per_row
                close = "</td></tr>" if col == per_row - 1 or i == len(names) - 1 else "</td>"
                self.add("nav", n, reg, ("<tr>" if col == 0 else "") + f"<td>{st.a(n)}{close}")
            return
        if markup == "flat" or not full:
            reg = region + "/" + st.step("menu", "ul" if st.list_markup != "br" else "div")
            names = [s for s, _ in sections] + ([pre + x for _, subs in sections for x in subs] if full else [])
            for n in names:
                self.add("nav", n, reg, f"<li>{st.a(n)}</li>" if reg.rsplit("/", 1)[-1].startswith("ul") else f"{st.a(n)}<br>")
            return
        if markup == "inline_subs":
            joiner = rng.choice([" ", " | ", " - ", " · ", " , "])
            for sec, subs in sections:
                self.add("nav", sec, region, f'<div{st.attr("menu")}>{st.a(sec)}</div>')
                if subs:
                    subs = [pre + x for x in subs]
                    text = joiner.join(subs)
                    links = joiner.join(st.a(x) for x in subs)
                    self.add("nav", text, region, f'<div{st.attr("submenu")}>{links}</div>')
            return
        if markup == "columns":
            htag = rng.choice(["h4", "h3", "strong", "div"])
            self.menu_tree(sections, region, lambda sec: f'<div class="col"><{htag}>{st.a(sec)}</{htag}>', "</div>")
            return
        self.menu_tree(sections, region + "/" + st.step("menu", "ul"), lambda sec: f"<li>{st.a(sec)}", "</li>")  # nested ul/li

    def menu_tree(self, sections, region: str, head, end: str) -> None:
        """Sections with their sub-items in a nested list: ``head(section)`` opens a section, ``end`` closes it (after
        its ``<ul>`` of sub-items when it has some)."""
        st, pre = self.st, self.st.sub_prefix
        depth = self.ex.get("menu_depth", 2)
        for sec, subs in sections:
            if not subs:
                self.add("nav", sec, region, head(sec) + end)
                continue
            self.add("nav", sec, region, f'{head(sec)}<ul{st.attr("submenu")}>')
            for j, sub in enumerate(subs):
                close = "</ul>" + end if j == len(subs) - 1 else ""
                kids = _menu_children(st, sec, sub, depth - 2)
                if not kids:
                    self.add("nav", pre + sub, region, f"<li>{st.a(pre + sub)}</li>{close}")
                    continue
                self.add("nav", pre + sub, region, f"<li>{st.a(pre + sub)}<ul>")
                self._subtree(kids, region, "</ul></li>" + close)

    def _subtree(self, nodes: list, region: str, close: str) -> None:
        """Deeper menu levels: ``nodes`` are (name, children) pairs, each an ``<li>`` with a nested ``<ul>`` when it has
        children; ``close`` ends the last one (the enclosing lists' closing tags)."""
        st = self.st
        for k, (name, kids) in enumerate(nodes):
            end = close if k == len(nodes) - 1 else ""
            if kids:
                self.add("nav", name, region, f"<li>{st.a(name)}<ul>")
                self._subtree(kids, region, "</ul></li>" + end)
            else:
                self.add("nav", name, region, f"<li>{st.a(name)}</li>{end}")

    def inline_links(self, words: list[str], region: str, role: str, label: str = "nav", joiner: str | None = None,
                     lead: str | None = None) -> None:
        """Several links in one block ("Chia sẻ Facebook Zalo", "Từ khóa: a, b, c")."""
        joiner = joiner if joiner is not None else self.rng.choice([" ", " | ", " - ", ", "])
        text = joiner.join(words)
        links = joiner.join(self.st.a(w) for w in words)
        if lead:
            text, links = f"{lead} {text}", f"<span>{esc(lead)}</span> {links}"
        self.add(label, text, region, f"<div{self.st.attr(role)}>{links}</div>")

    def breadcrumb(self, region: str) -> None:
        s, rng = self.s, self.rng
        crumbs = [x for x in [rng.choice(["Trang chủ", "Trang chủ", "Home", ""]), s.section, s.subsection if rng.random() < 0.7 else ""] if x]
        if rng.random() < 0.5:
            self.inline_links(crumbs, region + "/" + self.st.step("breadcrumb"), "breadcrumb",
                              joiner=rng.choice([" > ", " / ", " » ", " - ", " › "]))
        else:
            reg = region + "/" + self.st.step("breadcrumb", "ul")
            for cr in crumbs:
                self.add("nav", cr, reg, f"<li>{self.st.a(cr)}</li>")


# ------------------------------------------------------------------------------------------------ chrome blocks
def _phone(rng) -> str:
    d = lambda n: "".join(str(rng.randint(0, 9)) for _ in range(n))
    form = rng.randrange(5)
    if form == 0:
        return f"0{rng.choice(['24', '28', '236', '225'])} {d(4)} {d(4)}"
    if form == 1:
        return f"0{rng.choice(['9', '8', '3', '7'])}{d(2)}.{d(3)}.{d(3)}"
    if form == 2:
        return f"(0{rng.choice(['24', '28'])}) {d(8)}"
    if form == 3:
        return f"1900 {d(4)}"
    return f"0{rng.choice(['9', '8'])}{d(2)} {d(3)} {d(3)}"


def _address(rng) -> str:
    parts = [f"Số {rng.randint(1, 300)}{rng.choice(['', '', 'A', 'B', '/12'])} {rng.choice(V.STREETS)}"]
    if rng.random() < 0.5:
        parts.append(rng.choice(V.WARDS))
    parts += [rng.choice(V.DISTRICTS), rng.choice(V.CITIES)]
    return ", ".join(parts)


def _nick(rng) -> str:
    if rng.random() < 0.5:
        return person(rng) if rng.random() < 0.6 else short_name(rng)
    return "".join(rng.sample(V.NICK_WORDS, k=rng.randint(1, 2))) + (str(rng.randint(1, 99)) if rng.random() < 0.6 else "")


def _comment_text(c: PageContext, rng) -> str:
    parts = []
    if rng.random() < 0.6:
        parts.append(rng.choice(V.COMMENT_REACTIONS) + rng.choice([".", "!", "!!", "...", ""]))
    if rng.random() < 0.7 and c.teasers:
        t = rng.choice(c.teasers)
        sents = split_sentences(t.lead) if t.lead else []
        if sents:
            parts.append(rng.choice(sents))
    return " ".join(parts) or rng.choice(V.COMMENT_REACTIONS)


def chrome_block(p: Page, block: str, region: str) -> None:
    """Add one chrome block (if this page draws it) under ``region``."""
    st, rng, c, s = p.st, p.rng, p.c, p.s
    if not p.on(block):
        return
    if block == "tags":
        tags = _tags(s, rng)
        head = rng.choice(["Từ khóa:", "Tags:", "Tag:", "Chủ đề:", "Xem thêm chủ đề:", "Từ khóa", "TAGS", "Chủ đề liên quan:"])
        if rng.random() < 0.5:
            p.inline_links(tags, region, "tags", joiner=rng.choice([", ", " , ", " ", " | "]), lead=head)
        else:
            reg = region + "/" + st.step("tags")
            p.add("nav", head, reg, f"<{st.box_head_tag}>{esc(head)}</{st.box_head_tag}>")
            for t in tags:
                p.add("nav", t, reg, f"<li>{st.a(t)}</li>" if st.list_markup == "ul" else f"<div>{st.a(t)}</div>")
    elif block == "share":
        words = rng.sample(V.SHARE_WORDS, k=rng.randint(2, 6))
        lead = rng.choice(V.SHARE_LINES) if rng.random() < 0.4 else None
        p.inline_links(words, region, "share", joiner=" ", lead=lead)
        if rng.random() < 0.3:
            n = f"{rng.randint(0, 999)} {rng.choice(['lượt thích', 'chia sẻ', 'Thích', 'Like'])}"
            p.add("nav", n, region, f'<div{st.attr("share")}><span>{esc(n)}</span></div>')
    elif block == "login":
        p.inline_links(rng.sample(V.LOGIN_WORDS, k=rng.randint(1, 3)), region, "login", joiner=rng.choice([" ", " | ", " / "]))
    elif block == "newsletter":
        words = rng.sample(V.NEWSLETTER, k=rng.randint(1, 3))
        reg = region + "/" + st.step("newsletter")
        for w in words:
            p.add("nav", w, reg, f"<p>{esc(w)}</p>" if rng.random() < 0.6 else f"<div>{st.a(w)}</div>")
    elif block in ("related_list", "related_teasers"):
        head = rng.choice(V.RELATED_HEADS) if rng.random() < 0.92 else None
        teasers = c.related(c.n_related())
        if block == "related_list":
            p.box(head, region, "related", lambda base: p.title_list(teasers, p.list_region(base, "item"), times=rng.random() < 0.4))
        else:
            p.box(head, region, "related", lambda base: p.teaser_list(teasers, p.list_region(base, "item"), rng.random() < 0.6))
        if rng.random() < 0.2:
            more = rng.choice(["Xem thêm", "Xem tiếp", "Xem tất cả", "Tải thêm"])
            p.add("section_heading", more, region, f"<div>{st.a(more)}</div>")
    elif block == "mostread":
        head = rng.choice(V.MOST_READ_HEADS)
        teasers = c.related(rng.randint(5, 10), allow_self=False)
        p.box(head, region, "mostread", lambda base: p.title_list(teasers, p.list_region(base, "mostread"), numbered=True))
    elif block == "comments":
        _comments(p, region)
    elif block == "comment_form":
        reg = region + "/" + st.step("form")
        words = rng.sample(V.COMMENT_FORM, k=rng.randint(2, 6))
        for w in words:
            tag = rng.choice(["label", "div", "p", "span"])
            p.add("nav", w, reg, f"<div><{tag}>{esc(w)}</{tag}></div>" if tag in ("label", "span") else f"<{tag}>{esc(w)}</{tag}>")
        if p.c.var.real_comments and rng.random() < 0.6:
            _comment_notice(p, reg)
    elif block == "pager":
        words = rng.choice(V.PAGER)
        p.inline_links(words, region, "pager", joiner=rng.choice([" ", " , ", " | "]))
    elif block == "pr":
        head = rng.choice(V.PR_HEADS)
        teasers = c.related(rng.randint(2, 6), allow_self=False)
        p.box(head, region, "pr", lambda base: p.title_list(teasers, p.list_region(base, "pr")))
    elif block in ("video", "photo"):
        head = rng.choice(V.VIDEO_HEADS if block == "video" else V.PHOTO_HEADS)
        teasers = c.related(rng.randint(3, 8), allow_self=False)

        def fill(base: str) -> None:
            reg = p.list_region(base, block)
            for t in teasers:
                extra = (f"{rng.randint(0, 12):02d}:{rng.randint(0, 59):02d}" if block == "video"
                         else rng.choice([f"({rng.randint(5, 40)} ảnh)", f"{rng.randint(5, 40)} ảnh", "Ảnh"]))
                if rng.random() < 0.5:
                    p.add("related", f"{t.title} {extra}", reg, p.li(f'{st.a(t.title)} <span{st.attr("time")}>{esc(extra)}</span>'))
                else:
                    p.add("related", extra, reg, p.li(f'<div{st.attr("time")}>{esc(extra)}</div>', True, False))
                    p.add("related", t.title, reg, p.li(f"<{'h3' if st.item_title_tag == 'a' else st.item_title_tag}>"
                                                         f"{st.a(t.title)}</{'h3' if st.item_title_tag == 'a' else st.item_title_tag}>",
                                                         False, True))
        p.box(head, region, block, fill)
    elif block == "section_boxes":
        for sec, subs in rng.sample(st.menu, k=min(len(st.menu), rng.randint(1, 3))):
            teasers = c.related(rng.randint(3, 6), allow_self=False)
            if not teasers:
                continue

            def fill(base: str, subs=subs, teasers=teasers) -> None:
                if subs and rng.random() < 0.6:
                    p.inline_links(subs[:5], base, "submenu", joiner=rng.choice([" ", " | "]))
                p.teaser_list(teasers, p.list_region(base, "item"), all_sapo=False)
            p.box(sec, region, "sections", fill)
    elif block == "ads":
        label = rng.choice(V.AD_LABELS)
        p.add("noise", label, region + "/" + st.step("ads"), f'<div{st.attr("ads")}><span>{esc(label)}</span></div>')
    elif block == "weather":
        reg = region + "/" + st.step("widget")
        p.heading(rng.choice(["Thời tiết", "Dự báo thời tiết", "Thời tiết hôm nay"]), reg)
        for city in rng.sample(V.PROVINCES, k=rng.randint(1, 4)):
            lo = rng.randint(12, 28)
            line = f"{city} {lo}°C - {lo + rng.randint(2, 9)}°C" if rng.random() < 0.6 else f"{city} {lo}°C {rng.choice(V.WEATHER)}"
            p.add("noise", line, reg, f"<div>{esc(line)}</div>")
    elif block == "gold":
        reg = region + "/" + st.step("widget")
        p.heading(rng.choice(["Giá vàng", "Giá vàng hôm nay", "Bảng giá vàng"]), reg)
        if rng.random() < 0.5:
            p.add("noise", "Loại Mua Bán", reg, "<div><span>Loại</span> <span>Mua</span> <span>Bán</span></div>")
        for g in rng.sample(V.GOLD, k=rng.randint(2, 4)):
            buy = rng.randint(3400, 8900) / 100
            line = f"{g} {buy:.2f} {buy + rng.randint(10, 60) / 100:.2f}".replace(".", ",")
            p.add("noise", line, reg, f"<div>{esc(line)}</div>")
    elif block == "exchange":
        reg = region + "/" + st.step("widget")
        p.heading(rng.choice(["Tỷ giá", "Tỷ giá ngoại tệ", "Tỷ giá hôm nay"]), reg)
        for cur in rng.sample(V.CURRENCIES, k=rng.randint(2, 5)):
            v = rng.randint(100, 30000)
            line = f"{cur} {v:,} {v + rng.randint(5, 200):,}".replace(",", ".")
            p.add("noise", line, reg, f"<div>{esc(line)}</div>")
    elif block == "stocks":
        reg = region + "/" + st.step("widget")
        for idx in rng.sample(V.STOCKS, k=rng.randint(1, 3)):
            v, d = rng.randint(300, 1500) + rng.random(), rng.uniform(-20, 20)
            line = f"{idx} {v:,.2f} {d:+.2f} ({d / v * 100:+.2f}%)"
            p.add("noise", line, reg, f"<div>{esc(line)}</div>")
    elif block == "hotline":
        reg = region + "/" + st.step("hotline")
        lines = [f"{rng.choice(['Hotline', 'Đường dây nóng', 'Hotline tòa soạn', 'Điện thoại'])}: {_phone(rng)}"]
        if rng.random() < 0.5:
            lines.append(f"{rng.choice(['Email', 'Thư điện tử', 'Liên hệ'])}: {rng.choice(['toasoan', 'bandoc', 'lienhe', 'info'])}@{st.domain}")
        if rng.random() < 0.4:
            lines.append(f"{rng.choice(['Liên hệ quảng cáo', 'Quảng cáo'])}: {_phone(rng)}")
        for line in lines:
            p.add("nav", line, reg, f"<p>{esc(line)}</p>")
    elif block == "date_archive":
        now = s.time
        days = [(now - timedelta(days=k)).strftime("%d/%m") for k in range(1, rng.randint(3, 6))]
        word = rng.choice(V.DATE_WORDS)
        p.inline_links([rng.choice(["Hôm nay", "Hôm qua"])] + days, region, "pager", joiner=" , ", lead=f"{word}:")
    elif block == "date_line":
        dt = s.time + timedelta(hours=rng.randint(0, 200))
        line = f"{weekday(dt)}, {dt:%d/%m/%Y}" if rng.random() < 0.6 else f"{weekday(dt)}, ngày {dt.day}/{dt.month}/{dt.year}"
        p.add("nav", line, region, f'<div{st.attr("date")}>{esc(line)}</div>')
    elif block == "top_links":
        p.inline_links(rng.sample(V.TOP_LINKS, k=rng.randint(2, 6)), region, "footmenu", joiner=rng.choice([" ", " | ", " - "]))
    elif block == "search":
        w = rng.choice(V.SEARCH)
        p.add("nav", w, region + "/" + st.step("search"), f'<div{st.attr("search")}><a href="/tim-kiem">{esc(w)}</a></div>')
    elif block == "mobile_head":
        words = rng.sample(V.MOBILE_LINKS[:12], k=rng.randint(2, 5))
        reg = region + "/" + st.step("mobile")
        for w in words:
            p.add("nav", w, reg, f"<div>{st.a(w)}</div>")
    elif block == "mobile_links":
        words = rng.sample(V.MOBILE_LINKS, k=rng.randint(1, 3))
        if rng.random() < 0.5:
            words = [f"[ {w} ]" for w in words]
        reg = region + "/" + st.step("mobile")
        for w in words:
            p.add("nav", w, reg, f"<div>{st.a(w)}</div>")
    elif block == "address":
        lines = [f"{rng.choice(['Địa chỉ', 'Tòa soạn', 'Trụ sở', 'Địa chỉ tòa soạn', 'Văn phòng'])}: {_address(rng)}"]
        if rng.random() < 0.4:
            lines.append(f"{rng.choice(['Văn phòng đại diện', 'VPĐD phía Nam', 'Chi nhánh'])}: {_address(rng)}")
        if rng.random() < 0.6:
            lines.append(f"Điện thoại: {_phone(rng)}" + (f" - Fax: {_phone(rng)}" if rng.random() < 0.4 else ""))
        for line in lines:
            p.add("nav", line, region, f"<p>{esc(line)}</p>")
    elif block == "licence":
        org = rng.choice(V.ORGS)
        day = random_time(rng, 2005, 2022)
        lines = [rng.choice([
            f"Giấy phép số {rng.randint(1, 700)}/GP-BTTTT do Bộ Thông tin và Truyền thông cấp ngày {day:%d/%m/%Y}",
            f"Giấy phép hoạt động báo điện tử số {rng.randint(1, 700)}/GP-BTTTT",
            f"Giấy phép số {rng.randint(1, 700)}/GP-BTTTT ngày {day:%d/%m/%Y} của Bộ TT&TT",
            f"GPXB số {rng.randint(1, 700)}/GP-BC do Cục Báo chí cấp ngày {day:%d/%m/%Y}",
            f"Giấy phép thiết lập trang TTĐT tổng hợp số {rng.randint(1, 500)}/GP-TTĐT",
        ])]
        if rng.random() < 0.7:
            lines.insert(0, f"{rng.choice(['Cơ quan chủ quản:', 'Cơ quan chủ quản', 'Cơ quan của', 'Đơn vị chủ quản:'])} {org}")
        for line in lines:
            p.add("nav", line, region, f"<p>{esc(line)}</p>" if rng.random() < 0.7 else f"<div><span>{esc(line)}</span></div>")
    elif block == "editors":
        titles = rng.sample(V.EDITOR_TITLES, k=rng.randint(1, 3))
        lines = [f"{t}: {person(rng)}" for t in titles]
        if rng.random() < 0.5:
            p.add("nav", " - ".join(lines), region, f"<p>{esc(' - '.join(lines))}</p>")
        else:
            for line in lines:
                p.add("nav", line, region, f"<p>{esc(line)}</p>")
    elif block == "copyright":
        y = s.time.year
        line = rng.choice([f"© {y} {st.site_name}. All rights reserved", f"Copyright © {y - rng.randint(0, 15)} {st.domain}",
                           f"Bản quyền thuộc về {st.site_name}", f"® Ghi rõ nguồn \"{st.site_name}\" khi phát hành lại thông tin từ website này",
                           f"© Copyright {y - rng.randint(0, 20)} - {y} {st.site_name.upper()}", f"Copyright {y} - {st.site_name}"])
        p.add("nav", line, region, f'<div{st.attr("copyright")}>{esc(line)}</div>')
        if rng.random() < 0.3:
            line = rng.choice(["Không được sao chép khi chưa có sự đồng ý bằng văn bản", "Chỉ được phát hành lại thông tin khi có sự đồng ý",
                               f"Thiết kế bởi {rng.choice(V.SITE_WORDS)} Media"])
            p.add("nav", line, region, f"<p>{esc(line)}</p>")
    elif block == "seo":
        words = [slugify(x, " ") if rng.random() < 0.4 else x.lower() for x, _ in rng.sample(st.menu, k=min(len(st.menu), rng.randint(5, 12)))]
        words += ["tin tức", "báo", "tin nhanh", st.domain.split(".")[0]]
        p.add("nav", " , ".join(words), region, f"<div>{' , '.join(st.a(w) for w in words)}</div>")
    elif block == "partners":
        reg = region + "/" + st.step("footmenu")
        for _ in range(rng.randint(2, 6)):
            _, dom, _ = _site_identity(rng)
            desc = rng.choice(["Tin tức tổng hợp", "Cộng đồng chia sẻ", "Kênh thông tin", "Chuyên trang", "Trang tin", "Mua sắm"])
            line = f"{dom.capitalize()} {desc}"
            p.add("nav", line, reg, f"<div>{st.a(dom.capitalize())} <span>{esc(desc)}</span></div>")
    elif block == "menu":
        p.menu(region, full=st.footer_menu == "full")
    else:
        raise ValueError(f"unknown chrome block {block!r}")


def _real_comment_text(c: PageContext, rng) -> str:
    """A reader's comment as real ones run: often several sentences (other articles' sentences, so that the words
    are news words and only the place and the meta lines tell a comment), maybe opened in the first person."""
    parts = [rng.choice(V.COMMENT_OPENERS)] if rng.random() < 0.5 else []
    for _ in range(rng.choice([1, 1, 2, 3, 4])):
        t = rng.choice(c.teasers) if c.teasers else None
        sents = split_sentences(t.lead) if t and t.lead else []
        if sents:
            parts.append(rng.choice(sents))
    if rng.random() < 0.3:
        parts.append(rng.choice(V.COMMENT_REACTIONS) + rng.choice([".", "!", "!!", "..."]))
    text = " ".join(parts) or rng.choice(V.COMMENT_REACTIONS)
    if rng.random() < 0.15:  # a "most liked" widget's cut comment
        words = text.split()
        text = " ".join(words[:rng.randint(min(len(words), 15), max(15, len(words)))]) + " ..."
    return text


def _real_comment_meta(name: str, when: str, rng) -> str:
    likes = rng.randint(0, 999)
    return rng.choice([f"{name} - {when}", f"{name} - {when} Thích | {likes}", f"{name} ({when})", f"{when} Thích | {likes}",
                       f"{name} · {when} · Trả lời · Thích {likes}", f"{name}, {when}"])


def _comment_notice(p: Page, region: str) -> None:
    """The site's moderation notice of its comments (``variation.real_comments``)."""
    notice = p.rng.choice(V.COMMENT_NOTICES).format(site=p.st.site_name)
    p.add("noise", notice, region, f"<p>{esc(notice)}</p>")


def _comment_sort(p: Page, base: str) -> None:
    """Sometimes the comment list's sort links ("Mới nhất | Quan tâm nhất")."""
    if p.rng.random() < 0.4:
        p.inline_links(p.rng.sample(["Mới nhất", "Cũ nhất", "Quan tâm nhất", "Hay nhất"], k=2), base, "pager", joiner=" | ")


def _comment_slots(p: Page, n: int, p_ago: float):
    """(opening markup, closing markup, name, time) of each of ``n`` comments and their replies, drawn lazily in
    the order the builds have always drawn them (the caller's own draws for a comment come between)."""
    st, rng = p.st, p.rng
    for _ in range(n):
        for reply in ([False] + ([True] if rng.random() < 0.25 else [])):
            wrap = f'<div{st.attr("comment")}>' + ('<div class="reply">' if reply else "")
            end = "</div></div>" if reply else "</div>"
            name = _nick(rng)
            when = rng.choice(V.TIME_AGO).format(n=rng.randint(1, 50)) if rng.random() < p_ago else \
                f"{random_time(rng, 2013, 2025):%H:%M %d/%m/%Y}"
            yield wrap, end, name, when


def _comments(p: Page, region: str) -> None:
    st, rng, c = p.st, p.rng, p.c
    n = rng.randint(1, 8)
    head = rng.choice(V.COMMENT_HEADS)
    if rng.random() < 0.5:
        head = f"{head} ({n})"
    if c.var.real_comments:
        _real_comments(p, region, n, head)
        return

    def fill(base: str) -> None:
        _comment_sort(p, base)
        for wrap, end, name, when in _comment_slots(p, n, 0.5):
            if rng.random() < 0.5:
                p.add("noise", f"{name} {when}", base, f"{wrap}<strong>{esc(name)}</strong> <span>{esc(when)}</span>")
            else:
                p.add("noise", name, base, f"{wrap}<div><strong>{esc(name)}</strong></div>")
                p.add("noise", when, base, f"<div>{esc(when)}</div>")
            text = _comment_text(c, rng)
            p.add("noise", text, base, f"<p>{esc(text)}</p>")
            acts = rng.sample(V.COMMENT_ACTIONS, k=rng.randint(1, 3))
            if rng.random() < 0.4:
                acts = [f"{a} ({rng.randint(0, 99)})" if a == "Thích" else a for a in acts]
            text_a = " · ".join(acts) if rng.random() < 0.3 else " ".join(acts)
            joiner = " · " if "·" in text_a else " "
            p.add("nav", text_a, base, f"<div>{joiner.join(st.a(a) for a in acts)}</div>{end}")
    p.box(head, region, "comments", fill)


def _real_comments(p: Page, region: str, n: int, head: str) -> None:
    """The comment section of ``variation.real_comments``: up to 14 comments of several sentences, meta lines
    before or after each, "show more" and page numbers, and the site's moderation notice."""
    st, rng, c = p.st, p.rng, p.c
    n = rng.choice([n, n + rng.randint(2, 6)])
    if head.endswith(")"):
        head = f"{head.rsplit(' (', 1)[0]} ({n + rng.randint(0, 40)})"

    def fill(base: str) -> None:
        if rng.random() < 0.4:
            _comment_notice(p, base)
        _comment_sort(p, base)
        meta_after = rng.random() < 0.5
        for wrap, end, name, when in _comment_slots(p, n, 0.6):
            meta = _real_comment_meta(name, when, rng)
            text = _real_comment_text(c, rng)
            if meta_after:
                p.add("noise", text, base, f"{wrap}<p>{esc(text)}</p>")
                p.add("noise", meta, base, f"<div>{esc(meta)}</div>{end}")
            else:
                p.add("noise", meta, base, f"{wrap}<div>{esc(meta)}</div>")
                p.add("noise", text, base, f"<p>{esc(text)}</p>{end}")
        if rng.random() < 0.5:
            more = rng.choice(V.COMMENT_MORE)
            p.add("nav", more, base, f"<div>{st.a(more)}</div>")
        if rng.random() < 0.3:
            p.inline_links([str(k) for k in range(1, rng.randint(3, 7))], base, "pager", joiner=" ")
        if rng.random() < 0.3:
            _comment_notice(p, base)
    p.box(head, region, "comments", fill)


# ------------------------------------------------------------------------------------------------ the article
def _article(p: Page, region: str) -> None:
    st, rng, c, s = p.st, p.rng, p.c, p.s
    art = region + "/" + st.step("article")
    date = DATE_FORMATS[st.date_fmt](s.time)
    author = c.article.author if c.article.author and rng.random() < 0.7 else short_name(rng)
    if rng.random() < 0.15:
        author = f"{author} (theo {rng.choice(AGENCIES)})"

    def add_date() -> None:
        p.add("byline", date, art, f'<div{st.attr("date")}>{esc(date)}</div>')

    def add_author(top: bool) -> None:
        tag = rng.choice(["p", "div"]) if not top else "div"
        inner = f"<strong>{esc(author)}</strong>" if rng.random() < 0.6 else esc(author)
        p.add("byline", author, art, f'<{tag}{st.attr("author")}>{inner}</{tag}>')

    if st.crumb_pos == "article" and p.on("breadcrumb"):
        p.breadcrumb(art)
    if st.date_pos == "before_title":
        add_date()
    title_inner = esc(s.title) if st.title_tag != "p" else f"<strong>{esc(s.title)}</strong>"
    p.add("title", s.title, art, f'<{st.title_tag}{st.attr("title")}>{title_inner}</{st.title_tag}>')
    if st.date_pos == "after_title":
        add_date()
    if st.author_pos == "top":
        add_author(True)
    if rng.random() < 0.25:
        views = rng.choice(["Lượt xem", "Lượt đọc", "Đã xem"]) + f": {rng.randint(10, 90000)}"
        p.add("noise", views, art, f'<div{st.attr("meta")}>{esc(views)}</div>')
    if "share" in st.after and rng.random() < 0.3:
        chrome_block(p, "share", art)
    if s.lead:
        lead = st.lead_prefix + s.lead
        p.add("lead", lead, art, f'<{st.sapo_tag}{st.attr("sapo")}>{esc(lead)}</{st.sapo_tag}>')
    if st.date_pos == "after_sapo":
        add_date()
    body = art + "/" + st.step("content")
    n = len(s.body)
    inline_at = {i for i in range(n) if 0 < i < n and rng.random() < st.p_inline / max(3, n / 2)}
    if s.lead and rng.random() < st.p_inline * 0.5:
        inline_at.add(0)
    ad_at = rng.randrange(n) if rng.random() < st.p_block.get("ads_in_body", 0.3) * 0.5 else -1
    p_table = p.ex.get("p_table_article", 0.0)
    table_mode = rng.choice(["cell", "rows"]) if p_table and rng.random() < p_table else ""
    content = body
    # photo stories come with layout_structures, or alone with photo_stories (no draw when neither is on)
    p_photo = p.ex.get("p_photo_story", 0.0) if p.ex else (p.st.extras.get("p_photo_story", 0.0) if p.c.var.photo_stories else 0.0)
    photos = _photo_story(s, rng) if (p.ex or p.c.var.photo_stories) and rng.random() < p_photo else {}
    for i, (kind, text) in enumerate(s.body):
        if table_mode:  # the content in a layout table: one cell, or a row per paragraph
            body = content + "/" + st.table_step() + ("/tbody/tr/td" if table_mode == "cell" else f"/tbody/tr.r{i}/td")
        if i in inline_at:
            _inline_related(p, body)
        if i == ad_at:
            ad = rng.choice(V.AD_LABELS)
            p.add("noise", ad, body, f'<div{st.attr("ads")}>{esc(ad)}</div>')
        if kind == "subhead":
            tag = st.subhead_tag
            markup = f"<p><{tag}>{esc(text)}</{tag}></p>" if tag in ("strong", "b") else f"<{tag}>{esc(text)}</{tag}>"
        elif st.p_markup == "br":
            markup = f"{esc(text)}<br><br>"
        else:
            markup = f"<{st.p_markup}>{esc(text)}</{st.p_markup}>"
        p.add("body", text, body, markup)
        if p.alt and p.p_bare_image and p.items and rng.random() < p.p_bare_image:
            # a picture without a caption after the paragraph: no block in the HTML, its alt text in markdownify
            p.items[-1].attrs["markup"] += _image_markup(p, p.alt)
        if i in s.captions:
            _caption(p, body, s.captions[i])
        for cap in photos.get(i, ()):
            _caption(p, body, cap)
    if rng.random() < 0.1 and n > 1:
        _inline_related(p, body)
    body = content
    if st.author_pos == "bottom" and rng.random() < 0.9:
        add_author(False)
    if rng.random() < 0.12:
        src = f"Theo {rng.choice(AGENCIES)}" if rng.random() < 0.6 else f"Nguồn: {rng.choice(AGENCIES)}"
        p.add("byline", src, art, f"<p><em>{esc(src)}</em></p>")
    if st.date_pos == "bottom":
        add_date()


_CLAUSE = re.compile(r"[,;:]\s+")


def _photo_story(s, rng) -> dict[int, list[str]]:
    """A photo story (galleries, entertainment and "ảnh" articles): after most paragraphs one to three pictures,
    each with a short caption (a clause of the article, 3-14 words, often no final full stop). The captions are
    article content: what a model must keep even though they look like teaser titles."""
    clauses = []
    for kind, text in s.body:
        if kind != "p":
            continue
        for sent in split_sentences(text):
            for cl in _CLAUSE.split(sent):
                words = cl.split()
                if 3 <= len(words) <= 14 and cl[:1].isupper():
                    clauses.append(cl.rstrip(".") if rng.random() < 0.7 else cl)
    rng.shuffle(clauses)
    out: dict[int, list[str]] = {}
    for i in range(len(s.body)):
        if not clauses or rng.random() > 0.75:
            continue
        out[i] = [clauses.pop() for _ in range(min(len(clauses), rng.choice([1, 1, 2, 3])))]
    return out


def _picture(p: Page, img: str, cap: str | None = None) -> str:
    """A picture in the style's caption markup, with its caption (escaped here) or without one (no text block:
    the HTML parsers see none)."""
    st, c = p.st, esc(cap) if cap else ""
    m = st.caption_markup
    if m == "figure":
        return f"<figure>{img}" + (f'<figcaption{st.attr("caption")}>{c}</figcaption>' if c else "") + "</figure>"
    if m == "table":
        return f'<table{st.attr("caption")}><tr><td>{img}</td></tr>' + (f"<tr><td>{c}</td></tr>" if c else "") + "</table>"
    if m == "div":
        return f'<div{st.attr("caption")}>{img}' + (f"<div>{c}</div>" if c else "") + "</div>"
    return f'<p style="text-align:center">{img}</p>' + (f"<p><em>{c}</em></p>" if c else "")


def _image_markup(p: Page, alt: str) -> str:
    """A caption-less picture whose alt text is ``alt``."""
    return _picture(p, f'<img src="/data/{slugify(alt[:40])[:30]}-{p.rng.randrange(1000)}.jpg" alt="{esc(alt)}">')


def _caption(p: Page, region: str, cap: str) -> None:
    rng = p.rng
    if rng.random() < 0.4:
        cap = f"{cap.rstrip('.')}{rng.choice(['. Ảnh: ', ' - Ảnh: ', ' (Ảnh: '])}{short_name(rng)}"
        cap += ")" if cap.count("(") > cap.count(")") else ""
    alt = esc(cap[:60]) if rng.random() < 0.3 else ""
    if p.alt:  # (the draw above is made either way: the pages built with the knob keep their draws)
        alt = esc(p.alt)
    p.add("caption", cap, region, _picture(p, f'<img src="/data/{slugify(cap[:40])[:30]}.jpg" alt="{alt}">', cap))


def _inline_related(p: Page, region: str) -> None:
    """Links to other articles inside the body: "Xem thêm:", ">>" lines, inline "Tin liên quan" boxes."""
    st, rng, c = p.st, p.rng, p.c
    kind = rng.choice(st.inline_kinds)
    if kind in ("box", "box_teaser"):
        teasers = c.related(rng.randint(1, 4), allow_self=False)
        if not teasers:
            return
        reg = region + "/" + st.step("inline")
        if rng.random() < 0.8:
            sec = p.s.section.lower()
            head = rng.choice(["Tin liên quan", "Bài liên quan", "Đọc thêm", "Xem thêm", "Có thể bạn quan tâm", "Tin cùng chủ đề",
                               f"Đọc những thông tin {sec} mới nhất trên {st.short}:", f"Mời bạn đọc xem thêm tin {sec}:",
                               f"Xem thêm các bài viết về {sec}:", "Tin liên quan:", "Bài viết liên quan:"])
            head = st.head(head) if len(head) < 30 else head
            p.add("section_heading", head, reg, f"<{st.box_head_tag}>{esc(head)}</{st.box_head_tag}>")
        if kind == "box":
            sep = rng.choice(["", "", "- ", "• ", "» "])
            dated = rng.random() < 0.3
            for t in teasers:
                stamp = f" ({random_time(rng, 2013, 2025):%d/%m})" if dated else ""
                inner = f"{esc(sep)}{st.a(t.title)}{esc(stamp)}"
                p.add("related", sep + t.title + stamp, reg, f"<p>{inner}</p>")
        else:
            p.teaser_list(teasers, p.list_region(reg, "item"), all_sapo=rng.random() < 0.5)
        return
    teasers = c.related(rng.randint(1, 2), allow_self=False)
    for t in teasers:
        if kind == "xem_them":
            word = rng.choice(["Xem thêm:", "Xem thêm", "Đọc thêm:", "Tin liên quan:", "Xem tiếp:", "Mời xem:", ">> Xem thêm:"])
            text, markup = f"{word} {t.title}", f"<p><strong>{esc(word)}</strong> {st.a(t.title)}</p>"
        elif kind == "arrows":
            word = rng.choice([">>", ">>>", "»", "►", "→", "-"])
            text, markup = f"{word} {t.title}", f"<p>{esc(word)} {st.a(t.title)}</p>"
        else:
            word = rng.choice([">>", "(Xem thêm)", "- Đọc tiếp"])
            text, markup = f"{t.title} {word}", f"<p>{st.a(t.title)} {esc(word)}</p>"
        p.add("related", text, region, f'<div{st.attr("inline")}>{markup}</div>' if rng.random() < 0.4 else markup)


# ------------------------------------------------------------------------------------------------ the page
def _composer(name: str):
    def compose(c: PageContext) -> list[Item]:
        st = style_for(name)
        p = Page(c, st)
        rng = p.rng
        page = st.step("page")
        if rng.random() < 0.3:  # block dumps may start with the document <title> (not a block of the HTML body)
            sep = rng.choice([" - ", " | ", " – ", " :: "])
            line = f"{p.s.title}{sep}{st.site_name if rng.random() < 0.7 else st.domain}"
            p.items.append(Item("noise", line, None, "raw", "", blank_after=p.gap))
        # top bar and header
        top_reg = page + "/" + st.step("topbar")
        for b in st.top:
            chrome_block(p, b, top_reg)
        head = page + "/" + st.step("header")
        if rng.random() < 0.7:
            logo = st.site_name if rng.random() < 0.6 else st.domain
            p.add("nav", logo, head, f'<div{st.attr("logo")}><a href="/">{esc(logo)}</a></div>')
        p.menu(head, full=st.header_mega, markup=st.menu_markup if st.header_mega else "flat")
        for _ in range(st.extra_menu_copies):
            if rng.random() < 0.7:
                p.menu(head + "/" + st.step("mega"), full=rng.random() < 0.5)
        if st.crumb_pos == "top" and p.on("breadcrumb"):
            p.breadcrumb(page)
        main = st.column("main")
        side = st.column("sidebar")

        def sidebar() -> None:
            blocks = list(st.side)
            if rng.random() < c.var.p_shuffle_sections:
                rng.shuffle(blocks)
            for b in blocks:
                chrome_block(p, b, side)

        if st.sidebar_pos == "before":
            sidebar()
        _article(p, main)
        after = list(st.after)
        if rng.random() < c.var.p_shuffle_sections:
            rng.shuffle(after)
        if st.after_pos == "main":
            for b in after:
                chrome_block(p, b, main)
        if st.sidebar_pos == "after":
            sidebar()
        if st.after_pos == "page":
            for b in after:
                chrome_block(p, b, page + "/" + st.step("related"))
        foot = page + "/" + st.step("footer")
        cols = p.ex.get("footer_cols", 1) if p.ex.get("table_footer") else 0
        for i, b in enumerate(st.foot):
            chrome_block(p, b, st.cell(foot, i, cols) if cols else foot)
        return p.items

    compose.__name__ = name
    compose.__doc__ = f"Generated site style {name}."
    return compose
