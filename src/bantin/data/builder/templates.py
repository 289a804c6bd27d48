"""Site templates: how real Vietnamese news sites lay an article and its boilerplate out.

Each template turns one source article plus teasers of other articles into a list of labeled
:class:`~bantin.data.builder.rendering.Item` (one flattened line and/or one HTML block each).

* ``laodongthudo`` and ``moet`` follow the scraped seed pages (../shared/seeds) closely: Lao Động Thủ Đô's
  "(LĐTĐ)" lead, "![]() |" image markers, captions ending " |", concatenated related titles, "Có thể bạn
  quan tâm" / "Nên xem" / "Tin khác" lists with "Hoạt động 14/03/2025 23:06" lines, "Phiên bản di động";
  the ministry layout with a bare date line, nbsp lines, "- " lists and "Nguồn: ... Người đăng: ..." bylines.
* ``vnexpress``, ``dantri``, ``tuoitre``, ``thanhnien``, ``vietnamnet`` and ``nld`` share one composer driven by a
  per-site style (lead prefix, date format, caption and author conventions, related boxes, tags, share bars,
  menus, footers, CSS classes).

Labels follow bantin.labels: content = title, lead, body (paragraphs, subheadings, list items), caption,
byline (author, source, date of the article); boilerplate = related (other articles' titles, teasers,
their timestamps), section_heading, nav (menus, breadcrumbs, share/tags bars, footers), noise (image
markers, alt-text slugs, ads).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bantin.data.builder.rendering import Item, slugify
from bantin.data.builder.sources import Article, Teaser, split_sentences, to_paragraphs

ADS = ["Quảng cáo", "Advertisement", "ADVERTISEMENT", "Video đang được xử lý", "Nhấn để phóng to ảnh", "Bấm để xem ảnh gốc",
       "Theo dõi chúng tôi trên Google News", "Tải ứng dụng ngay"]
WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Tạ"]
MIDDLE = ["Văn", "Thị", "Minh", "Hữu", "Đức", "Thanh", "Ngọc", "Thu", "Quang", "Hoài", "Xuân", "Kim", "Bảo", "Gia"]
GIVEN = ["An", "Anh", "Bình", "Châu", "Cường", "Dũng", "Diệp", "Giang", "Hà", "Hải", "Hằng", "Hiếu", "Hoa", "Hùng", "Hương", "Huy", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngân", "Nhung", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Thư", "Trang", "Trung", "Tú", "Tùng", "Tuấn", "Vân", "Việt", "Yến"]
AGENCIES = ["TTXVN", "AFP", "Reuters", "VOV", "Chinhphu.vn", "Báo Giáo dục Thời đại", "Báo Tin tức", "VietnamPlus", "Hà Nội mới"]
SECTIONS = ["Thời sự", "Thế giới", "Kinh doanh", "Giải trí", "Thể thao", "Pháp luật", "Giáo dục", "Sức khỏe", "Đời sống",
            "Du lịch", "Khoa học", "Số hóa", "Xe", "Bất động sản", "Văn hóa", "Xã hội"]
SUBSECTIONS = ["Chính trị", "Dân sinh", "Giao thông", "Quân sự", "Phân tích", "Tư liệu", "Ngân hàng", "Chứng khoán", "Hồ sơ phá án",
               "Tuyển sinh", "Du học", "Bóng đá", "Tennis", "Sao Việt", "Âm nhạc", "Dinh dưỡng", "Mẹo vặt", "Công nghệ"]


def person(rng) -> str:
    parts = [rng.choice(SURNAMES)] + ([rng.choice(MIDDLE)] if rng.random() < 0.6 else []) + [rng.choice(GIVEN)]
    return " ".join(parts)


def short_name(rng) -> str:
    """'Thu Hằng', 'H.D', 'Minh Phong'."""
    r = rng.random()
    if r < 0.2:
        return f"{rng.choice(SURNAMES)[0]}.{rng.choice(GIVEN)[0]}"
    if r < 0.75:
        return f"{rng.choice(MIDDLE + GIVEN)} {rng.choice(GIVEN)}"
    return person(rng)


def random_time(rng, start_year: int = 2017, end_year: int = 2025) -> datetime:
    start = datetime(start_year, 1, 1)
    return start + timedelta(minutes=rng.randrange((end_year - start_year + 1) * 365 * 24 * 60))


def weekday(dt: datetime) -> str:
    return WEEKDAYS[dt.weekday()]


def truncate(text: str, n: int, rng) -> str:
    if len(text) <= n or rng.random() < 0.5:
        return text
    cut = text[:n].rsplit(" ", 1)[0]
    return cut + rng.choice(["...", "…", " ..."])


@dataclass
class Story:
    """The article as the page will show it: title, optional lead, body blocks, picture captions, author."""

    title: str
    lead: str | None
    body: list[tuple[str, str]]  # (kind, text) with kind in p, subhead, list_item
    captions: dict[int, str]  # caption shown after body block i
    author: str
    time: datetime
    section: str
    subsection: str


@dataclass
class PageContext:
    article: Article
    teasers: list[Teaser]  # related-item pool of the article's own partition
    rng: object
    var: object  # VariationConfig
    story: Story | None = None
    _used: set = field(default_factory=set)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def related(self, n: int, allow_self: bool = True) -> list[Teaser]:
        """n teasers of other articles of the same partition; maybe the page's own title among them."""
        out: list[Teaser] = []
        tries = 0
        while len(out) < n and tries < n * 6 and self.teasers:
            tries += 1
            t = self.rng.choice(self.teasers)
            if t.uid == self.article.uid or t.uid in self._used:
                continue
            self._used.add(t.uid)
            out.append(t)
        if allow_self and out and self.chance(self.var.p_duplicate_title * 0.5):
            out.insert(self.rng.randrange(len(out) + 1), Teaser(self.article.uid, self.story.title, self.story.lead or ""))
        return out

    def n_related(self) -> int:
        return self.rng.randint(self.var.min_related, self.var.max_related)


def make_story(c: PageContext) -> Story:
    a, rng, var = c.article, c.rng, c.var
    paragraphs = to_paragraphs(a.body, var.max_paragraph_chars, rng, merge_lines=a.corpus == "vietnews")
    if not a.lead and len(paragraphs) > 2 and 60 <= len(paragraphs[0]) <= 500 and rng.random() < 0.6:
        # VNTC keeps no separate sapo: its first paragraph usually is one.
        a = Article(a.uid, a.corpus, a.title, paragraphs[0], a.body, a.topic, a.author)
        paragraphs = paragraphs[1:]
    limit = var.max_body_paragraphs
    if rng.random() < var.p_short_body:
        limit = rng.randint(1, 3)
    paragraphs = paragraphs[: max(1, limit)]
    lead = a.lead if a.lead and rng.random() >= var.p_no_lead else None
    if lead and paragraphs and paragraphs[0].startswith(lead[:60]):  # vietnews: summary == first body line sometimes
        paragraphs = paragraphs[1:] or paragraphs
    body: list[tuple[str, str]] = []
    subheads = rng.random() < var.p_subheading and len(paragraphs) >= 4
    for i, p in enumerate(paragraphs):
        if subheads and i > 0 and rng.random() < 0.25:
            head = _subheading(p, rng)
            if head:
                body.append(("subhead", head))
        if rng.random() < var.p_list and len(p) > 120:
            sents = split_sentences(p)
            if len(sents) >= 3:
                body.append(("p", sents[0].rstrip(".") + ":"))
                body.extend(("list_item", rng.choice(["- ", "+ ", "• ", ""]) + s) for s in sents[1:5])
                continue
        body.append(("p", p))
    captions: dict[int, str] = {}
    if rng.random() < var.p_image:
        pool = [s for p in paragraphs[:10] for s in split_sentences(p) if 25 <= len(s) <= 170 and s[0].isupper()]
        rng.shuffle(pool)
        for i in range(len(body)):
            if (i == 0 and rng.random() < 0.5) or rng.random() < var.p_image_per_paragraph:
                captions[i] = _caption_text(pool, rng)
    author = a.author if a.author and rng.random() < 0.8 else short_name(rng)
    return Story(a.title, lead, body, captions, author, random_time(rng), rng.choice(SECTIONS), rng.choice(SUBSECTIONS))


def _subheading(paragraph: str, rng) -> str | None:
    words = re.split(r"[,.:;!?]", paragraph, maxsplit=1)[0].split()
    if len(words) < 3:
        return None
    head = " ".join(words[: rng.randint(3, 9)])
    return head.upper() if rng.random() < 0.15 else head


def _caption_text(pool: list[str], rng) -> str:
    """A caption: a sentence of the article (each used once), else a stock one."""
    if not pool or rng.random() < 0.1:
        return rng.choice(["Ảnh minh họa", "Toàn cảnh hội nghị", "Quang cảnh buổi lễ", "Hiện trường vụ việc", "Các đại biểu tham dự",
                           "Ảnh: Internet", "Ảnh chụp màn hình"])
    return pool.pop()


Template = Callable[[PageContext], list[Item]]
TEMPLATES: dict[str, Template] = {}
SITES: dict[str, dict] = {}


def register(name: str, site: dict):
    def deco(fn: Template) -> Template:
        TEMPLATES[name] = fn
        SITES[name] = site
        return fn

    return deco


def _split_title(title: str, rng) -> list[str]:
    """Long titles with a kicker ('Chương trình ...:' / 'Làm thế nào ...?') sometimes come on two lines."""
    m = re.search(r"[:?]\s", title)
    if m and 15 < m.start() < len(title) - 15 and rng.random() < 0.35:
        return [title[: m.start() + 1], title[m.end():]]
    return [title]


# --------------------------------------------------------------------------------------------- Lao Động Thủ Đô
LDTD_MENU = ["Thời sự", "Công đoàn", "Việc làm", "Pháp luật", "Xã hội", "Văn hóa", "Thể thao", "Longform", "Bạn đọc", "Video"]
LDTD_CATS = ["Hoạt động", "Hoạt động", "Hoạt động", "Công đoàn", "Longform", "Việc làm", "Xã hội", "Pháp luật"]


@register("laodongthudo", {"name": "Lao Động Thủ Đô", "body_class": "ldtd detail", "title": "article-detail-title",
                           "lead": "article-detail-desc", "lead_tag": "div", "section": "box-heading", "teaser": "box-desc",
                           "meta": "box-time", "author": "article-detail-author", "figure": "image-caption", "subhead_tag": "strong"})
def laodongthudo(c: PageContext) -> list[Item]:
    rng, var, s = c.rng, c.var, c.story
    style = rng.choice(["tight", "gappy_related", "gappy_all"])  # seed 000 / 001 / 003-004
    gap_body = style == "gappy_all"
    gap_rel = style != "tight"
    items: list[Item] = []
    head = "header.header/nav.menu-main"
    in_text = rng.random() < var.p_menu_in_text * 0.3
    items.append(Item("nav", "Lao Động Thủ Đô" if in_text else None, "Lao Động Thủ Đô", "logo", "header.header"))
    for m in LDTD_MENU:
        items.append(Item("nav", m if in_text else None, m, "menu", head))
    art = "div.article-detail"
    for t in _split_title(s.title, rng):
        items.append(Item("title", t, t, "title", art, blank_after=gap_body))
    top_related = c.related(rng.randint(2, 4), allow_self=False) if rng.random() < 0.45 else []
    top_line = None
    if top_related:
        titles = [t.title for t in top_related]
        joined = " ".join(titles) + (" |" if rng.random() < 0.6 else "")
        top_line = Item("related", joined, titles, "inline_links", art + "/div.related-top", blank_after=gap_body)
    if top_line and rng.random() < 0.5:
        items.append(top_line)
        top_line = None
    slug_related = rng.random() < var.p_alt_slug * 0.6
    if s.lead:
        items.append(Item("lead", "(LĐTĐ) " + s.lead, "(LĐTĐ) " + s.lead, "lead", art,
                          blank_after=gap_body and top_line is None and not slug_related))
    if top_line:
        items.append(top_line)
    if slug_related:  # seed 004: alt text of the picture (the page title as a slug) glued to related links
        slug = slugify(s.title, " ")
        for t in c.related(rng.randint(1, 2), allow_self=False):
            items.append(Item("related", f"{slug} {t.title}", t.title, "related", art + "/div.related-inline"))
        items[-1].blank_after = gap_body
    for i, (kind, text) in enumerate(s.body):
        items.append(Item("body", text, text, kind, art + "/div.article-content", blank_after=gap_body))
        if i in s.captions:
            cap = s.captions[i]
            variant = rng.choice(["marker", "pipe", "title_alt", "slug_alt"])
            if variant == "marker":
                items.append(Item("noise", "![]() |", None, "noise"))
                items.append(Item("caption", cap + " |", cap, "caption", art + "/div.article-content", blank_after=gap_body))
            elif variant == "pipe":
                suffix = rng.choice(["", "", " (Ảnh minh họa)", " (Ảnh: LĐTĐ)"])
                items.append(Item("caption", cap + suffix + " |", cap + suffix, "caption", art + "/div.article-content",
                                  blank_after=gap_body))
            else:
                alt = s.title if variant == "title_alt" else slugify(s.title, " ")
                items.append(Item("noise", alt, None, "noise"))
                items.append(Item("caption", cap, cap, "caption", art + "/div.article-content", blank_after=gap_body))
    if rng.random() < 0.8:
        items.append(Item("byline", s.author, s.author, "byline", art, blank_after=gap_body))
    tail: list[list[Item]] = []
    box = "div.box-related"
    rich = style == "gappy_all" and rng.random() < 0.8
    if rng.random() >= var.p_drop_section:
        sec = [Item("section_heading", "Có thể bạn quan tâm", "Có thể bạn quan tâm", "section", box + "-1", blank_after=gap_rel)]
        sec.append(Item("section_heading", "Nên xem", "Nên xem", "section", box + "-2", blank_after=gap_rel))
        sec += _ldtd_list(c, c.related(rng.randint(5, 8)), rich, gap_rel, False, box + "-2")
        tail.append(sec)
    if rng.random() >= var.p_drop_section * 0.6:
        sec = [Item("section_heading", "Tin khác", "Tin khác", "section", "div.box-other", blank_after=gap_rel)]
        sec += _ldtd_list(c, c.related(rng.randint(5, 10)), rich, gap_rel, True, "div.box-other")
        if rng.random() < 0.6:
            # the "load more" link under the list; labeled section_heading like in the hand-labeled seeds
            sec.append(Item("section_heading", "Xem thêm", "Xem thêm", "section", "div.box-other/div.view-more"))
        tail.append(sec)
    if rng.random() < var.p_shuffle_sections:
        rng.shuffle(tail)
    for sec in tail:
        items.extend(sec)
    if rng.random() < 0.85:
        items.append(Item("nav", "Phiên bản di động", "Phiên bản di động", "footer_link", "footer.footer/div.mobile"))
    for line in ["Cơ quan chủ quản: Liên đoàn Lao động Thành phố Hà Nội", f"Tổng Biên tập: {person(rng)}",
                 "Giấy phép số 29/GP-BTTTT do Bộ Thông tin và Truyền thông cấp", "© Bản quyền thuộc về Báo Lao Động Thủ Đô"]:
        items.append(Item("nav", line if in_text else None, line, "footer", "footer.footer/div.info"))
    return items


def _ldtd_list(c: PageContext, teasers: list[Teaser], rich: bool, gap: bool, with_time: bool, region: str) -> list[Item]:
    rng = c.rng
    items: list[Item] = []
    dt = random_time(rng, 2024, 2025)
    for t in teasers:
        if rich:  # title as image alt, blank, title, blank, "(LĐTĐ) teaser" and the next title right after (seeds 003/004)
            items.append(Item("related", t.title, None, "related", region, blank_after=True))
            items.append(Item("related", t.title, t.title, "related", region + "/div.item", attrs={"h3": True},
                              blank_after=gap and bool(t.lead)))
            if t.lead:
                teaser = "(LĐTĐ) " + truncate(t.lead, rng.choice([200, 400, 600]), rng)
                items.append(Item("related", teaser, teaser, "teaser", region + "/div.item"))
        else:
            items.append(Item("related", t.title, t.title, "related", region, blank_after=gap and not with_time))
            if with_time:  # newest first, like the site
                dt -= timedelta(minutes=rng.randint(20, 60 * 20))
                meta = f"{rng.choice(LDTD_CATS)} {dt:%d/%m/%Y %H:%M}"
                items.append(Item("related", meta, meta, "meta", region + "/div.item", blank_after=gap))
    return items


# --------------------------------------------------------------------------------------------- ministry portal
@register("moet", {"name": "Bộ Giáo dục và Đào tạo", "body_class": "portal moet", "title": "title-news", "lead": "sapo-news",
                   "lead_tag": "div", "section": "title-other", "author": "author-news", "date": "date-news",
                   "figure": "image-news", "subhead_tag": "strong"})
def moet(c: PageContext) -> list[Item]:
    rng, var, s = c.rng, c.var, c.story
    items: list[Item] = []
    in_text = rng.random() < var.p_menu_in_text * 0.5
    menu = ["Trang chủ", "Giới thiệu", "Tin tức - Sự kiện", "Văn bản", "Thủ tục hành chính", "Công khai", "Hỏi đáp", "Liên hệ"]
    items.append(Item("nav", "Cổng thông tin điện tử Bộ Giáo dục và Đào tạo" if in_text else None,
                      "Cổng thông tin điện tử Bộ Giáo dục và Đào tạo", "logo", "header.banner"))
    if in_text and rng.random() < 0.5:
        items.append(Item("nav", " | ".join(menu), menu, "inline_links", "header.banner/nav.menu", attrs={"class": "menu-top"}))
    else:
        items.extend(Item("nav", m if in_text else None, m, "menu", "header.banner/nav.menu") for m in menu)
    crumbs = ["Tin tức - Sự kiện", rng.choice(["Tin tổng hợp", "Hoạt động của Bộ", "Công đoàn", "Tin địa phương"])]
    if rng.random() < 0.5:
        items.append(Item("nav", " > ".join(crumbs) if in_text else None, crumbs, "inline_links", "div.breadcrumb",
                          attrs={"class": "breadcrumb"}))
    art = "div.content-news"
    date = f"{s.time:%d-%m-%Y}" if rng.random() < 0.7 else f"{s.time:%d/%m/%Y %H:%M}"
    items.append(Item("title", s.title, s.title, "title", art, blank_after=rng.choice(["", "\n", False])))
    items.append(Item("byline", date, date, "date", art, blank_after=False))
    if s.lead:
        items.append(Item("lead", s.lead, s.lead, "lead", art, blank_after="\n\xa0\n"))
    for i, (kind, text) in enumerate(s.body):
        if kind == "list_item" and not text.startswith(("- ", "+ ", "• ")):
            text = "- " + text
        items.append(Item("body", text, text, kind, art + "/div.detail", blank_after=True))
        if i in s.captions:
            cap = s.captions[i]
            if rng.random() < 0.3:  # seed 002: the caption twice on one line (alt + caption)
                line = f"{cap}\xa0{cap}"
                items.append(Item("caption", line, cap, "caption", art + "/div.detail", blank_after=True))
            else:
                items.append(Item("caption", "\xa0" + cap, cap, "caption", art + "/div.detail", blank_after=True))
    if rng.random() < 0.3:
        items[-1].blank_after = "\xa0"
    src = rng.choice(AGENCIES + ["Cổng TTĐT Bộ GD&ĐT", "Vụ Giáo dục Chính trị và Công tác học sinh, sinh viên"])
    sep = rng.choice(["Người đăng:", "Người đăng: ", "- Người đăng: "])
    if rng.random() < 0.85:
        line = f"Nguồn: {src} {sep}{short_name(rng)}"
        items.append(Item("byline", line, line, "byline", art))
        if rng.random() < 0.7:
            items.append(Item("byline", date, date, "date", art + "/div.date-bottom"))
    else:
        items.append(Item("byline", s.author, s.author, "byline", art))
    tools = ["Bản in", "Gửi email", "Quay lại"]
    if rng.random() < 0.4:
        items.append(Item("nav", " ".join(tools), tools, "share", "div.tools"))
    if rng.random() < 0.3:
        views = f"Lượt xem: {rng.randint(50, 20000)}"
        items.append(Item("nav", views, views, "noise", "div.tools", attrs={"class": "view-count"}))
    if rng.random() >= var.p_drop_section * 2:  # like the seed, many portal pages carry no list at all
        head = rng.choice(["Các tin khác", "Tin cùng chuyên mục", "Tin đã đưa"])
        items.append(Item("section_heading", head, head, "section", "div.other-news", blank_after=rng.random() < 0.3))
        for t in c.related(c.n_related()):
            dt = random_time(rng)
            line = f"{t.title} ({dt:%d/%m/%Y})" if rng.random() < 0.7 else t.title
            items.append(Item("related", line, line, "related", "div.other-news"))
    for line in ["Cổng thông tin điện tử Bộ Giáo dục và Đào tạo", "Địa chỉ: 35 Đại Cồ Việt, Hai Bà Trưng, Hà Nội",
                 "Điện thoại: 024.38695144 - Email: bogddt@moet.gov.vn", "Ghi rõ nguồn khi phát hành lại thông tin từ website này"]:
        items.append(Item("nav", line if in_text else None, line, "footer", "footer.footer"))
    return items


# --------------------------------------------------------------------------------------------- generic news sites
GENERIC_STYLES: dict[str, dict] = {
    "vnexpress": {
        "site": {"name": "VnExpress", "body_class": "vne page-detail", "title": "title-detail", "lead": "description",
                 "lead_tag": "p", "section": "title-box", "author": "author_mail", "date": "date", "figure": "tplCaption",
                 "tags": "tags", "share": "social_share", "subhead_tag": "h2"},
        "logo": "VnExpress",
        "menu": ["Mới nhất", "Thời sự", "Góc nhìn", "Thế giới", "Video", "Podcasts", "Kinh doanh", "Bất động sản", "Khoa học",
                 "Giải trí", "Thể thao", "Pháp luật", "Giáo dục", "Sức khỏe", "Đời sống", "Du lịch", "Số hóa", "Xe", "Ý kiến"],
        "menu_join": " ",
        "lead_prefix": [""],
        "date": lambda dt: f"{weekday(dt)}, {dt.day}/{dt.month}/{dt.year}, {dt:%H:%M} (GMT+7)",
        "date_pos": "before_title",
        "caption": lambda cap, rng: f"{cap.rstrip('.')}. Ảnh: {short_name(rng)}" if rng.random() < 0.7 else cap,
        "image_line": lambda slug, rng: f"![{slug}](https://i1-vnexpress.vnecdn.net/2017/{slug[:30]}.jpg)",
        "author": lambda rng: short_name(rng) if rng.random() < 0.75 else f"{short_name(rng)} (theo {rng.choice(AGENCIES)})",
        "inline_related": ("Xem thêm: {}", 0.5),
        "tags_head": None,
        "share": ["Chia sẻ", "Lưu"],
        "boxes": [("Tin liên quan", "title", None), ("Xem nhiều", "title", None), ("Tin khác", "teaser", None)],
        "footer": ["© Copyright 1997 VnExpress.net, All rights reserved", "® VnExpress giữ bản quyền nội dung trên website này.",
                   "Báo tiếng Việt nhiều người xem nhất", "Thuộc Bộ Khoa học và Công nghệ"],
        "breadcrumb": True,
    },
    "dantri": {
        "site": {"name": "Báo điện tử Dân trí", "body_class": "dantri dt-news", "title": "dt-news__title",
                 "lead": "dt-news__sapo", "lead_tag": "div", "section": "dt-section__title", "author": "dt-news__author",
                 "date": "dt-news__time", "figure": "image align-center", "tags": "dt-news__tag", "share": "dt-social",
                 "subhead_tag": "h2"},
        "logo": "Dân trí",
        "menu": ["Xã hội", "Thế giới", "Kinh doanh", "Bất động sản", "Thể thao", "Lao động - Việc làm", "Tấm lòng nhân ái",
                 "Sức khỏe", "Văn hóa", "Giải trí", "Giáo dục", "An sinh", "Pháp luật", "Nhịp sống trẻ", "Du lịch"],
        "menu_join": " ",
        "lead_prefix": ["(Dân trí) - ", "(Dân trí) - ", "Dân trí "],
        "date": lambda dt: f"{weekday(dt)}, {dt:%d/%m/%Y - %H:%M}",
        "date_pos": "after_title",
        "caption": lambda cap, rng: f"{cap.rstrip('.')} (Ảnh: {short_name(rng)})." if rng.random() < 0.6 else cap,
        "image_line": None,
        "author": lambda rng: short_name(rng) if rng.random() < 0.8 else f"{short_name(rng)} - {short_name(rng)}",
        "inline_box": ("Tin liên quan", 0.5),
        "inline_related": ("Đọc thêm >>> {}", 0.15),
        "tags_head": "Từ khóa:",
        "share": ["Chia sẻ", "Facebook", "Twitter"],
        "boxes": [("Tin cùng chuyên mục", "title", "%H:%M %d/%m/%Y"), ("Tin nổi bật", "teaser", None)],
        "footer": ["Báo điện tử Dân trí", "Cơ quan của Bộ Lao động - Thương binh và Xã hội",
                   "Giấy phép hoạt động báo điện tử số 298/GP-BTTTT", "Địa chỉ tòa soạn: Số 48 ngõ 2 Giảng Võ, Hà Nội"],
        "breadcrumb": True,
    },
    "tuoitre": {
        "site": {"name": "Tuổi Trẻ Online", "body_class": "tto detail-page", "title": "article-title", "lead": "detail-sapo",
                 "lead_tag": "h2", "section": "box-heading", "author": "author-info", "date": "date-time", "figure": "VCSortableInPreviewMode",
                 "tags": "detail-tab", "share": "detail-social", "subhead_tag": "strong"},
        "logo": "Tuổi Trẻ Online",
        "menu": ["Thời sự", "Thế giới", "Pháp luật", "Kinh doanh", "Công nghệ", "Xe", "Du lịch", "Nhịp sống trẻ", "Văn hóa",
                 "Giải trí", "Thể thao", "Giáo dục", "Nhà đất", "Sức khỏe", "Giả thật", "Bạn đọc"],
        "menu_join": " ",
        "lead_prefix": ["TTO - ", "TTO - ", ""],
        "date": lambda dt: f"{dt:%d/%m/%Y %H:%M} GMT+7",
        "date_pos": "after_title",
        "caption": lambda cap, rng: f"{cap.rstrip('.')} - Ảnh: {short_name(rng).upper()}" if rng.random() < 0.7 else cap,
        "image_line": lambda slug, rng: "![]()" if rng.random() < 0.5 else f"![{slug}]()",
        "author": lambda rng: short_name(rng).upper(),
        "inline_related": ("Xem thêm: {}", 0.3),
        "tags_head": "Tags:",
        "share": ["Chia sẻ", "Facebook", "Twitter", "Zalo"],
        "extra_nav": ["Bình luận (0)", "Gửi bình luận", "Xem thêm bình luận"],
        "boxes": [("Tin liên quan", "teaser", None), ("Tin mới nhất", "title", "%H:%M"), ("Đọc nhiều", "title", None)],
        "footer": ["Tuổi Trẻ Online", "Cơ quan chủ quản: Thành Đoàn TP Hồ Chí Minh", "Tổng biên tập: " + "Lê Thế Chữ",
                   "Giấy phép số 561/GP-BTTTT"],
        "breadcrumb": False,
    },
    "thanhnien": {
        "site": {"name": "Báo Thanh Niên", "body_class": "tn detail", "title": "detail-title", "lead": "detail-sapo",
                 "lead_tag": "div", "section": "box-category-title", "author": "detail-author", "date": "detail-time",
                 "figure": "picture", "tags": "detail-tags", "share": "detail-share", "subhead_tag": "h2"},
        "logo": "Thanh Niên",
        "menu": ["Thời sự", "Chính trị", "Thế giới", "Kinh tế", "Đời sống", "Sức khỏe", "Giới trẻ", "Giáo dục", "Du lịch",
                 "Văn hóa", "Giải trí", "Thể thao", "Công nghệ", "Xe", "Video", "Tiêu dùng"],
        "menu_join": " ",
        "lead_prefix": [""],
        "date": lambda dt: f"{dt:%d/%m/%Y %H:%M} GMT+7",
        "date_pos": "after_title",
        "caption": lambda cap, rng: f"{cap.rstrip('.')} ẢNH: {short_name(rng).upper()}" if rng.random() < 0.7 else cap,
        "image_line": lambda slug, rng: slug,  # alt text slug line "lam-the-nao-de-..."
        "author": lambda rng: short_name(rng),
        "top_box": ("Tin liên quan", 0.6),
        "inline_related": ("Đọc thêm >>> {}", 0.3),
        "tags_head": "Từ khóa:",
        "share": ["Chia sẻ Facebook Twitter"],
        "extra_nav": ["Xem thêm bình luận", "Gửi bình luận"],
        "boxes": [("Đọc nhiều", "title", None), ("Tin mới", "title", "%H:%M - %d/%m/%Y")],
        "footer": ["Báo Thanh Niên", "Cơ quan của Trung ương Hội LHTN Việt Nam", "Giấy phép số 585/GP-BTTTT",
                   "Bản quyền thuộc về Báo Thanh Niên"],
        "breadcrumb": True,
    },
    "vietnamnet": {
        "site": {"name": "VietNamNet", "body_class": "vnn article-detail", "title": "content-detail-title",
                 "lead": "content-detail-sapo", "lead_tag": "h2", "section": "vnn-title", "author": "article-detail-author",
                 "date": "bread-crumb-detail__time", "figure": "image", "tags": "tag-cotnent", "share": "social-share",
                 "subhead_tag": "h3"},
        "logo": "VietNamNet",
        "menu": ["Chính trị", "Thời sự", "Kinh doanh", "Dân tộc và Tôn giáo", "Thể thao", "Giáo dục", "Thế giới", "Đời sống",
                 "Văn hóa - Giải trí", "Sức khỏe", "Công nghệ", "Pháp luật", "Ô tô xe máy", "Bất động sản", "Du lịch"],
        "menu_join": " ",
        "lead_prefix": ["", "", "VietNamNet - "],
        "date": lambda dt: f"{weekday(dt)}, {dt:%d/%m/%Y - %H:%M}",
        "date_pos": "before_title",
        "caption": lambda cap, rng: f"{cap.rstrip('.')}. Ảnh: {short_name(rng)}" if rng.random() < 0.5 else cap,
        "image_line": lambda slug, rng: f"![{slug.replace('-', ' ')}]()",
        "author": lambda rng: short_name(rng),
        "inline_box": ("Bài viết liên quan", 0.4),
        "inline_related": ("Xem thêm: {}", 0.2),
        "tags_head": "Từ khóa:",
        "share": ["Chia sẻ", "Facebook", "Zalo", "Sao chép liên kết"],
        "boxes": [("Tin nổi bật", "teaser", None), ("Cùng chuyên mục", "title", "%d/%m/%Y")],
        "footer": ["Báo VietNamNet", "Cơ quan chủ quản: Bộ Thông tin và Truyền thông", "Giấy phép số 27/GP-BTTTT",
                   "© Bản quyền thuộc về Báo VietNamNet"],
        "breadcrumb": True,
    },
    "nld": {
        "site": {"name": "Báo Người Lao Động", "body_class": "nld detail", "title": "title-content", "lead": "sapo-detail",
                 "lead_tag": "h2", "section": "box-title", "author": "author-name", "date": "date-time", "figure": "VCSortableInPreviewMode",
                 "tags": "tag-list", "share": "social-btn", "subhead_tag": "h3"},
        "logo": "Người Lao Động",
        "menu": ["Thời sự", "Quốc tế", "Lao động", "Bạn đọc", "Net Zero", "Kinh tế", "Sức khỏe", "Giáo dục", "Pháp luật",
                 "Văn hóa - Văn nghệ", "Giải trí", "Thể thao", "AI 365", "Du lịch xanh"],
        "menu_join": " | ",
        "lead_prefix": ["(NLĐO) - ", "(NLĐO)- ", "(NLĐ) - "],
        "date": lambda dt: f"{dt:%d-%m-%Y - %H:%M}",
        "date_pos": "after_lead",
        "caption": lambda cap, rng: f"{cap.rstrip('.')}. Ảnh: {short_name(rng).upper()}" if rng.random() < 0.6 else cap,
        "image_line": lambda slug, rng: "![]() |",
        "author": lambda rng: short_name(rng).upper(),
        "inline_box": ("Tin liên quan", 0.4),
        "inline_related": ("Xem thêm: {}", 0.2),
        "tags_head": "Từ khóa:",
        "share": ["Chia sẻ", "Facebook", "Zalo", "Email", "In bài"],
        "boxes": [("Tin cùng chuyên mục", "teaser", "%d/%m/%Y %H:%M"), ("Đọc nhiều", "title", None)],
        "footer": ["Báo Người Lao Động Online", "Cơ quan chủ quản: Thành ủy TP Hồ Chí Minh", "Giấy phép số 115/GP-BTTTT",
                   "Địa chỉ: 127 Võ Văn Tần, Phường Xuân Hòa, TP HCM"],
        "breadcrumb": True,
    },
}


def _generic(name: str) -> Template:
    st = GENERIC_STYLES[name]

    def compose(c: PageContext) -> list[Item]:
        rng, var, s = c.rng, c.var, c.story
        gap = rng.random() < var.p_blank_lines
        menu_in_text = rng.random() < var.p_menu_in_text
        items: list[Item] = []
        items.append(Item("nav", st["logo"] if menu_in_text and rng.random() < 0.5 else None, st["logo"], "logo", "header.header"))
        menu = rng.sample(st["menu"], k=min(len(st["menu"]), rng.randint(8, len(st["menu"]))))
        if menu_in_text and rng.random() < 0.6:  # crawlers often glue a menu on one line
            items.append(Item("nav", st["menu_join"].join(menu), menu, "inline_links", "header.header/nav.main-nav",
                              attrs={"class": "menu"}, blank_after=gap))
        else:
            items.extend(Item("nav", m if menu_in_text else None, m, "menu", "header.header/nav.main-nav") for m in menu)
        art = "article.fck_detail" if name == "vnexpress" else f"div.{st['site']['body_class'].split()[0]}-article"
        if st.get("breadcrumb") and rng.random() < 0.8:
            crumbs = [s.section, s.subsection]
            sep = rng.choice([" ", " > ", " / ", " » "])
            items.append(Item("nav", sep.join(crumbs) if rng.random() < 0.85 else None, crumbs, "inline_links",
                              art + "/div.breadcrumb", attrs={"class": "breadcrumb"}, blank_after=gap))
        date = st["date"](s.time)
        if st["date_pos"] == "before_title":
            items.append(Item("byline", date, date, "date", art + "/div.header-content", blank_after=gap))
        for t in _split_title(s.title, rng) if rng.random() < 0.3 else [s.title]:
            items.append(Item("title", t, t, "title", art, blank_after=gap))
        if st["date_pos"] == "after_title":
            items.append(Item("byline", date, date, "date", art + "/div.meta", blank_after=gap))
        top_box = st.get("top_box")
        if top_box and rng.random() < top_box[1] and rng.random() >= var.p_drop_section:
            items.extend(_box(c, top_box[0], c.related(rng.randint(2, 3)), "title", None, art + "/div.related-top", gap))
        if s.lead:
            prefix = rng.choice(st["lead_prefix"])
            items.append(Item("lead", prefix + s.lead, prefix + s.lead, "lead", art, blank_after=gap))
        if st["date_pos"] == "after_lead":
            items.append(Item("byline", date, date, "date", art + "/div.meta", blank_after=gap))
        body_region = art + "/div.content"
        inline_box = st.get("inline_box")
        box_at = rng.randint(1, max(1, len(s.body) - 1)) if inline_box and rng.random() < inline_box[1] else -1
        inline_rel = st.get("inline_related")
        ad_at = rng.randrange(len(s.body)) if rng.random() < 0.3 else -1
        for i, (kind, text) in enumerate(s.body):
            if i == ad_at:  # ad slots leave a line of text behind
                ad = rng.choice(ADS)
                items.append(Item("noise", ad, ad, "noise", body_region + "/div.ads", blank_after=gap, attrs={"class": "adsbygoogle"}))
            if i == box_at and rng.random() >= var.p_drop_section:
                items.extend(_box(c, inline_box[0], c.related(rng.randint(2, 4)), "title", None, body_region + "/div.box-related", gap))
            items.append(Item("body", text, text, kind, body_region, blank_after=gap))
            if i in s.captions:
                cap = st["caption"](s.captions[i], rng)
                slug = slugify(s.title)[: rng.randint(20, 80)].strip("-")
                if st.get("image_line") and rng.random() < 0.7:
                    line = st["image_line"](slug, rng)
                    if line.strip():
                        items.append(Item("noise", line, None, "noise"))
                elif rng.random() < var.p_alt_slug:
                    items.append(Item("noise", slug if rng.random() < 0.5 else slug.replace("-", " "), None, "noise"))
                items.append(Item("caption", cap, cap, "caption", body_region, blank_after=gap, attrs={"alt": slug}))
            if inline_rel and i < len(s.body) - 1 and i > 0 and rng.random() < inline_rel[1] * 0.3:
                for t in c.related(1, allow_self=False):
                    line = inline_rel[0].format(t.title)
                    items.append(Item("related", line, line, "p", body_region, blank_after=gap))
        author = c.article.author if c.article.author and rng.random() < 0.7 else st["author"](rng)
        if rng.random() < 0.85:
            items.append(Item("byline", author, author, "byline", art, blank_after=gap))
        if rng.random() < 0.15:
            src = f"Theo {rng.choice(AGENCIES)}"
            items.append(Item("byline", src, src, "byline", art))
        tail: list[list[Item]] = []
        if st.get("tags_head") and rng.random() >= var.p_drop_section:
            tags = _tags(s, rng)
            line = st["tags_head"] + " " + ", ".join(tags) if rng.random() < 0.7 else st["tags_head"] + " " + " ".join(tags)
            tail.append([Item("nav", line, [st["tags_head"]] + tags, "tags", art + "/div.tags", blank_after=gap)])
        if rng.random() >= var.p_drop_section:
            share = st["share"]
            tail.append([Item("nav", " ".join(share), share, "share", art + "/div.share", blank_after=gap)])
        for extra in st.get("extra_nav", []):
            if rng.random() < 0.4:
                tail.append([Item("nav", extra, extra, "footer_link", "div.comment")])
        for head, style, time_fmt in st["boxes"]:
            if rng.random() >= var.p_drop_section:
                tail.append(_box(c, head, c.related(c.n_related()), style, time_fmt, f"aside.box-{slugify(head)}", gap))
        if rng.random() < var.p_shuffle_sections:
            rng.shuffle(tail)
        for sec in tail:
            items.extend(sec)
        footer_in_text = menu_in_text and rng.random() < 0.7
        for line in st["footer"]:
            items.append(Item("nav", line if footer_in_text else None, line, "footer", "footer.footer"))
        return items

    compose.__name__ = name
    compose.__doc__ = f"{st['site']['name']} style page."
    return compose


def _box(c: PageContext, head: str, teasers: list[Teaser], style: str, time_fmt: str | None, region: str, gap: bool) -> list[Item]:
    rng = c.rng
    if not teasers:
        return []
    items = [Item("section_heading", head, head, "section", region, blank_after=gap)]
    if rng.random() < c.var.p_pipe_join * 0.3 and style == "title":  # a whole related box glued on one line
        titles = [t.title for t in teasers]
        items.append(Item("related", " ".join(titles) + " |", titles, "inline_links", region, blank_after=gap))
        return items
    for t in teasers:
        items.append(Item("related", t.title, t.title, "related", region, blank_after=gap and style == "title" and not time_fmt,
                          attrs={"h3": style == "teaser"}))
        if style == "teaser" and t.lead and rng.random() < 0.8:
            teaser = truncate(t.lead, 180, rng)
            items.append(Item("related", teaser, teaser, "teaser", region + "/div.item", blank_after=gap))
        if time_fmt:
            stamp = random_time(rng, 2024, 2025).strftime(time_fmt)
            items.append(Item("related", stamp, stamp, "meta", region + "/div.item", blank_after=gap))
    return items


_WORD = re.compile(r"[^\W\d_]+|\S")


def _names(text: str) -> list[str]:
    """Runs of 2-4 capitalized words ("Hà Nội", "Ngày thơ Việt Nam" gives "Việt Nam")."""
    out, run = [], []
    for tok in _WORD.findall(text) + ["."]:
        if tok[0].isalpha() and tok[0].isupper():
            run.append(tok)
            continue
        if 2 <= len(run) <= 4 and len(run[-1]) > 1:
            out.append(" ".join(run))
        run = []
    return out


def _tags(s: Story, rng) -> list[str]:
    """Tags as sites show them: names found in the article (runs of capitalized words) plus the section."""
    text = " ".join([s.title] + [t for _, t in s.body[:6]])
    names = [m for m in _names(text) if len(m) > 4]
    names = list(dict.fromkeys(n.lower() if rng.random() < 0.4 else n for n in names))
    rng.shuffle(names)
    tags = names[: rng.randint(1, 4)]
    if len(tags) < 2:
        words = s.title.split()
        if len(words) >= 3:
            i = rng.randrange(len(words) - 2)
            tags.append(" ".join(words[i: i + 2]).strip(",.:;!?\"“”'").lower())
    return [t for t in dict.fromkeys(tags + [s.section.lower()]) if t]


for _name, _style in GENERIC_STYLES.items():
    register(_name, _style["site"])(_generic(_name))
