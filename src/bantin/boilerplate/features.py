"""Block features for the boilerplate models: lexical, layout, page context and neighbours.

Every feature is meant to carry over to sites the model never saw (the leave-one-template-out split
and the real seed pages): marker phrases and Vietnamese boilerplate vocabulary, timestamps, how much a
line looks like a sentence, where it sits, whether it repeats the title or another line, whether a
section marker came before it, how the article's long paragraphs are distributed around it. HTML
pages add the parser's hints (tag, heading, link density, landmarks, class-name cues mapped to a
small generic vocabulary, never raw class names).

``page_features(page)`` returns one ``{name: float | str}`` dict per block (python-crfsuite's item
format; string values are one-hot features ``name=value``), neighbours (window +-2) included.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
from bisect import bisect_left
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from bantin.blocks import Block, Page
from bantin.caching import cached, remember

_SYL = re.compile(r"\w+", re.UNICODE)
MAX_FEATURE_CHARS = 50_000

#: Headings of boilerplate sections on Vietnamese news sites (lower-cased, NFC).
SECTION_MARKERS = frozenset(
    """tin khác|nên xem|có thể bạn quan tâm|bạn có thể quan tâm|xem thêm|tin liên quan|bài liên quan|tin cùng chuyên mục
    |cùng chuyên mục|đọc thêm|tin mới|tin mới nhất|tin nổi bật|đọc nhiều|xem nhiều|tin đọc nhiều|đọc nhiều nhất|xem nhiều nhất
    |bài viết liên quan|tin tức liên quan|có thể bạn chưa đọc|đừng bỏ lỡ|tiêu điểm|tin nóng|tin bài khác|các tin khác|tin cũ hơn
    |tin mới hơn|bài đọc nhiều|mới nhất|nổi bật|tin xem nhiều|tin tiêu điểm|chủ đề nóng|tin hot|tin cùng loại|bài cùng chuyên mục
    |tin tức khác|bài khác|các bài khác|tin liên quan khác|video nổi bật|video|multimedia|tin ảnh|bài viết khác|đọc tiếp
    |tin mới cập nhật|có thể bạn muốn xem|bài mới|xem tiếp|tin tức|tin vắn|dòng sự kiện|sự kiện|bình luận|ý kiến bạn đọc
    |tin tài trợ|thông tin doanh nghiệp|quảng cáo|đọc nhanh|tin nhanh|tin mới đăng|cùng tác giả|tin trong ngày""".replace("\n", "")
    .split("|")
)
SECTION_MARKERS = frozenset(m.strip() for m in SECTION_MARKERS if m.strip())

#: Syllables typical of menus, footers, share bars and site chrome.
NAV_VOCAB = frozenset(
    """trang chủ đăng nhập ký liên hệ chia sẻ facebook twitter zalo youtube tiktok in bài gửi bình luận bản quyền hotline email
    tags tag từ khóa khoá chủ đề phiên bản di động quảng cáo theo dõi tòa toà soạn giấy phép tổng biên tập ghi rõ nguồn lên
    đầu về rss thích like share tweet bình chọn tải ứng dụng trở lại quay tiếp theo điện thoại fax địa chỉ copyright
    cơ quan chủ quản phó thư ký trụ sở website menu tìm kiếm search login top video podcast emagazine infographics longform
    megastory thời sự xã hội kinh tế thế giới thể thao giải trí pháp luật giáo dục sức khỏe khoẻ đời sống công nghệ du lịch văn
    hóa hoá xe bất động sản tài chính chính trị quốc tế nhịp số hóa bạn đọc góc nhìn ý kiến chuyên mục mục trang báo điện tử""".split()
)
#: Placeholder lines of ad slots and app banners (whole line, syllables joined by spaces).
AD_LINES = frozenset(("quảng cáo", "advertisement", "ads", "sponsored", "tài trợ", "tải ứng dụng", "tải ứng dụng ngay", "tải app",
                      "nội dung tài trợ", "tin tài trợ", "pr", "qc"))
BYLINE_START = ("theo ", "nguồn:", "nguồn ", "tác giả", "bài và ảnh", "bài, ảnh", "bài:", "ảnh:", "pv ", "nhóm pv", "phóng viên", "người đăng", "tin, ảnh", "tin và ảnh", "thực hiện:")
CAPTION_CUES = ("ảnh minh họa", "ảnh minh hoạ", "(ảnh", "ảnh:", "nguồn ảnh", "ảnh tư liệu", "ảnh chụp", "video:", "clip:", "ảnh: ", "(ảnh minh")
_CAPTION_RE = re.compile("|".join(map(re.escape, CAPTION_CUES)))
#: every caption cue holds one of these: a line with none of them is no caption (``_text_features`` skips the regex)
CAPTION_PARTS = ("ảnh", "video:", "clip:")
_INITIALS = re.compile(r"^(?:[A-ZĐ][a-zđ]?\.){1,4}[A-ZĐ]?[a-zđ]?\.?$")
_PAREN_SOURCE = re.compile(r"^\([^()]{1,25}\)\s*[-–—:]?")
_DATE = re.compile(r"\b\d{1,2}[/\-.]\d{1,2}[/\-.]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b")
_CRUMB = re.compile(r"\s[/>»›]\s|^\S.{0,60}\s[>»›]$")
_TIME = re.compile(r"\b\d{1,2}[:h]\d{2}\b")
# What is left of a timestamp line once dates, times and calendar words are removed: nothing much.
_TS_PARTS = re.compile(
    r"\d{1,2}[/\-.]\d{1,2}(?:[/\-.]\d{2,4})?|\d{4}-\d{2}-\d{2}|\d{1,2}[:h]\d{2}(?::\d{2})?|gmt\s*[+-]?\s*\d*|utc|am|pm|"
    r"thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật|ngày|tháng|năm|giờ|cập nhật|đăng|lúc|[\s,|:()\-–—/+.]", re.IGNORECASE)
#: Frequent function syllables, left out when comparing a block's vocabulary with the title's.
STOP_SYLLABLES = frozenset(
    """và của là có được cho trong với các những một người này đã không khi đến từ theo để thì ra về như tại cũng
    năm ngày sẽ đang nhiều còn rằng vào lại làm nhưng trên hơn bị do sau đó nên nếu phải cùng mà ở nay vì so hay
    thể nhất mới việc số chỉ rất đây tôi chúng họ ông bà anh chị em sự điều""".split()
)
_URL = re.compile(r"https?://|www\.|\.(?:vn|com|net)\b", re.IGNORECASE)

#: Class/id cues in HTML (substring -> generic cue), so that no site's own class names become features.
CLASS_CUES = {
    "relat": "related", "other": "related", "more": "related", "recommend": "related", "suggest": "related", "same": "related",
    "nav": "nav", "menu": "nav", "breadcrumb": "nav", "footer": "footer", "copyright": "footer", "header": "header",
    "share": "social", "social": "social", "like": "social", "comment": "comment", "tag": "tags", "keyword": "tags",
    "sidebar": "aside", "aside": "aside", "widget": "aside", "box": "box", "banner": "ads", "ads": "ads", "advert": "ads", "qc": "ads",
    "caption": "caption", "figure": "caption", "photo": "caption", "image": "caption", "img": "caption",
    "author": "byline", "byline": "byline", "source": "byline", "date": "date", "time": "date", "publish": "date",
    "title": "title", "headline": "title", "sapo": "lead", "lead": "lead", "summary": "lead", "desc": "lead", "intro": "lead",
    "content": "content", "detail": "content", "body": "content", "article": "content", "entry": "content", "post": "content", "main": "content",
    "list": "list", "item": "list", "hot": "related", "most": "related", "popular": "related", "read": "related", "news": "news",
}
_VIET_RE = re.compile("[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]")
_UPPER = re.compile(r"[A-ZĐÀ-ỸĂÂÊÔƠƯ]")
_DIGIT = re.compile(r"\d")
_DIGIT_RUN = re.compile(r"\d+")


def _fold_digits(word: str) -> str:
    """The word with each run of digits as "0" (a word of letters only has none: returned as is)."""
    return word if word.isalpha() else _DIGIT_RUN.sub("0", word)


def _norm_key(text: str) -> str:
    return " ".join(_SYL.findall(text.lower()))


#: the combining diacritical marks (U+0300-U+036F, all of category Mn): every mark of Vietnamese text once in NFD
_COMBINING = re.compile("[\u0300-\u036f]")


def _deaccent(text: str) -> str:
    """The text without đ's stroke and without its combining marks (category Mn) once decomposed."""
    text = text.replace("đ", "d").replace("Đ", "D")
    # the common marks by one regex; the per-character check only for what is left of a text that is not ASCII
    # (no ASCII character is a mark)
    text = _COMBINING.sub("", unicodedata.normalize("NFD", text))
    return text if text.isascii() else "".join(c for c in text if unicodedata.category(c) != "Mn")


_DIGITS = [str(i) for i in range(32)]


def _bucket(x: float, edges: tuple[float, ...]) -> str:
    """Index of the first edge >= x, as a string (a one-hot feature value)."""
    return _DIGITS[bisect_left(edges, x)]


def _int_table(edges: tuple[int, ...]) -> list[str]:
    """``_bucket`` of every integer from 0 to one past the last edge (larger values share the last entry)."""
    return [_bucket(x, edges) for x in range(edges[-1] + 2)]


# integer buckets as table lookups (``t[min(x, len(t) - 1)]`` for x >= 0): the same values, without a call per feature
_T_NSYL = _int_table((0, 1, 2, 3, 5, 8, 12, 18, 25, 40, 70))
_T_NSENT = _int_table((0, 1, 2, 4))
_T_POS = _int_table((0, 1, 2, 3, 5, 8, 12, 20))
_T_POS_END = _int_table((0, 1, 2, 4, 8))
_T_DUP = _int_table((0, 1, 3))
_T_TS_NEAR = _int_table((0, 1, 2))
_T_SHORT_NEAR = _int_table((0, 1, 2, 4))
_T_SINCE = _int_table((1, 2, 4, 8, 16))
_T_SPAN = _int_table((1, 3, 8))
#: ``_bucket(d, (-1, 0, 1, 2, 4))`` of d = -2 ... 5 (d < -2 as -2, d > 5 as 5)
_T_AFTER_TITLE = [_bucket(d, (-1, 0, 1, 2, 4)) for d in range(-2, 6)]


def is_section_marker(text: str, key: str | None = None) -> bool:
    """A boilerplate section heading ("Tin khác", "Xem thêm >>")? ``key``: the line's syllables joined by spaces."""
    key = _norm_key(text) if key is None else key
    return bool(key) and len(key) <= 40 and key in SECTION_MARKERS


#: The block hints that the text features read (with the text and the marker flag they make the cache key).
_TEXT_HINTS = ("upper_ratio", "digit_ratio", "has_date", "has_time", "starts_with_category_date", "pipe_count", "trailing_pipe", "image_marker")
#: Blocks up to this many characters have their text features cached across pages (menus, footers and teaser
#: titles repeat from page to page of a site); like every per-block cache (``bantin.caching.remember``) it is emptied
#: when it reaches ``bantin.caching.CACHE_SIZE`` entries.
TEXT_CACHE_MAX_CHARS = 1_000
_MISSING = object()
_TEXT_HINT_VALUES = operator.itemgetter(*_TEXT_HINTS)
_text_cache: dict[tuple, dict[str, Any]] = {}


def clear_caches() -> None:
    """Empty the feature caches (benchmarks time cold runs with it)."""
    _text_cache.clear()
    _info_cache.clear()
    _html_cache.clear()
    _box_cache.clear()
    _class_cues.cache_clear()
    _cue_features.cache_clear()
    _nb_items.clear()


def _base_features(block: Block, syls: Sequence[str], marker: bool) -> dict[str, Any]:
    """Features of one block on its own. ``syls``: the block's syllables as ``page_features`` reads them."""
    text = block.text
    h = block.hints
    f = None
    if len(text) <= TEXT_CACHE_MAX_CHARS:
        try:
            try:
                key = (text, marker, _TEXT_HINT_VALUES(h))
            except KeyError:
                key = (text, marker, tuple(h.get(k, _MISSING) for k in _TEXT_HINTS))
            f = _text_cache.get(key)
        except TypeError:  # an unhashable hint value: computed, not cached
            key = None
        if f is None:
            f = _text_features(text, syls, marker, h)
            if key is not None:
                remember(_text_cache, key, f)
        f = dict(f)
    else:
        f = _text_features(text, syls, marker, h)
    # (the HTML and layout features have names of their own: added after the text features, in the same order as
    # if all were filtered at once)
    if h.get("tag"):
        f.update(_html_features_of(h))
        if "main_pos" in h:
            f.update(_box_features_of(h))
    if "blank_before" in h:
        g = {"blank_before": float(bool(h["blank_before"])), "blank_after": float(bool(h["blank_after"]))}
        f.update(_nonzero(g))
    return f


#: The hints that ``_html_features`` reads besides the landmark and class-token lists, and those of ``_box_features``.
_HTML_HINTS = operator.itemgetter("tag", "heading", "in_list", "in_table", "is_caption", "link_density")
_BOX_HINTS = operator.itemgetter("main_pos", "box_long", "box_link", "box_n")
_html_cache: dict[tuple, dict[str, Any]] = {}
_box_cache: dict[tuple, dict[str, Any]] = {}


def _html_key(h: dict[str, Any]) -> tuple:
    """The cache key of ``_html_features_of``: the hints that ``_html_features`` reads."""
    vals = _HTML_HINTS(h)
    # (the heading's type by name: True and 1 give different features; a name, unlike the type, leaves the key
    # untracked by the garbage collector)
    return (vals, type(vals[1]).__name__, tuple(h["landmarks"]), tuple(h["class_tokens"]))


def _cached_nonzero(h: dict[str, Any], cache: dict, key_of: Callable, compute: Callable) -> dict[str, Any]:
    """The non-zero features that ``compute(g, h)`` writes, cached on ``key_of(h)`` (for hints with every key it reads
    and hashable values; otherwise computed, not cached): the dict is shared, read it only."""
    try:
        key = key_of(h)
        g = cache.get(key)
    except (KeyError, TypeError):  # a hint missing or unhashable: computed, not cached
        key, g = None, None
    if g is None:
        g = {}
        compute(g, h)
        g = _nonzero(g)
        if key is not None:
            remember(cache, key, g)
    return g


def _html_features_of(h: dict[str, Any]) -> dict[str, Any]:
    """The block's non-zero HTML features (cached): the element's own, which repeat from page to page of a site;
    those of its place in the page are ``_box_features_of``."""
    return _cached_nonzero(h, _html_cache, _html_key, _html_features)


def _box_features_of(h: dict[str, Any]) -> dict[str, Any]:
    """The block's non-zero ``_box_features`` (cached like ``_html_features_of``)."""
    return _cached_nonzero(h, _box_cache, _BOX_HINTS, _box_features)


def _nonzero(f: dict[str, Any]) -> dict[str, Any]:
    """Zero-valued features carry nothing: leaving them out makes tagging faster."""
    return {k: v for k, v in f.items() if v != 0.0}


def _text_features(text: str, syls: Sequence[str], marker: bool, h: dict[str, Any]) -> dict[str, Any]:
    """The non-zero features of a block's text (a new dict; the values are strings and floats).

    Written as ``_nonzero`` of the full dict would leave them, in the same order: a feature that is 0.0 is not set
    at all (rather than a full dict built, then filtered, for every new text).
    """
    low = text.lower()
    n = len(syls)
    f: dict[str, Any] = {"bias": 1.0}
    f["nsyl"] = nsyl = _T_NSYL[min(n, 71)]
    if n:
        f["log_nsyl"] = math.log1p(n) / 5
    else:
        f["empty"] = 1.0
    stripped = text.rstrip()
    f["end"] = end = "p" if stripped.endswith((".", "!", "?", "…", "...")) else ("q" if stripped.endswith(('"', "”", "»")) else (
        ":" if stripped.endswith(":") else (")" if stripped.endswith(")") else ("-" if stripped.endswith(("-", "–", "|", "»", ">")) else "n"))))
    n_sent = text.count(". ") + text.count("? ") + text.count("! ") + (end == "p")
    f["nsent"] = _T_NSENT[min(n_sent, 5)]
    n_let = sum(map(len, syls))
    if n_let:
        # the parser's ratios (computed once per block) where it gave them
        upper = h["upper_ratio"] if "upper_ratio" in h else len(_UPPER.findall(text)) / n_let
        f["upper"] = _bucket(upper, (0.05, 0.15, 0.3, 0.6, 0.95))
        if n <= 30:  # tells diacritic-less slugs and foreign lines from Vietnamese; paragraphs need no check
            f["viet_marks"] = _bucket(len(_VIET_RE.findall(low)) / n_let, (0.0, 0.05, 0.15))
    if text[:1].isupper():
        f["first_upper"] = 1.0
    if 0 < n <= 30:
        words_ = text.split()
        cap_words = sum(map(str.isupper, [w[0] for w in words_]))  # (split() gives no empty word)
        f["cap_ratio"] = _bucket(cap_words / len(words_), (0.2, 0.5, 0.8, 0.99))
    digit = h["digit_ratio"] if "digit_ratio" in h else len(_DIGIT.findall(text)) / max(1, len(text))
    f["digit"] = _bucket(digit, (0.0, 0.1, 0.3))
    date = float(h["has_date"] if "has_date" in h else bool(_DATE.search(text)))
    if date:
        f["date"] = date
    time_ = float(h["has_time"] if "has_time" in h else bool(_TIME.search(text)))
    if time_:
        f["time"] = time_
    if n <= 16 and (date or time_) and len(_TS_PARTS.sub("", low)) <= 2:
        f["date_line"] = 1.0
    if h.get("starts_with_category_date"):
        f["cat_date"] = 1.0
    if n and n <= 12 and (date or time_):
        f["short_ts"] = 1.0
    if marker:
        f["marker"] = float(marker)
    elif n >= 3 and (" ".join(syls[:2]) in SECTION_MARKERS or " ".join(syls[:3]) in SECTION_MARKERS):
        f["marker_prefix"] = 1.0  # "Đọc thêm >>> ...", "Xem thêm: ..."
    if n:
        # (no menu syllable: a share of 0.0, without building the set of the block's syllables)
        nav_share = len(NAV_VOCAB.intersection(syls)) / len(set(syls)) if not NAV_VOCAB.isdisjoint(syls) else 0.0
        f["nav_vocab"] = _bucket(nav_share, (0.0, 0.3, 0.6, 0.99))
    f["pipes"] = _bucket(text.count("|") + h.get("pipe_count", 0), (0, 1, 3))
    if h.get("trailing_pipe"):
        f["trailing_pipe"] = 1.0
    if h.get("image_marker"):
        f["image"] = 1.0
    if n <= 40 and ("." in text or ":" in text) and _URL.search(text):  # (each form of _URL has one)
        f["url"] = 1.0
    if "©" in text or "bản quyền" in low or "copyright" in low:
        f["copyright"] = 1.0
    if low.startswith(BYLINE_START):
        f["byline_start"] = 1.0
    if any(map(low.__contains__, CAPTION_PARTS)) and _CAPTION_RE.search(low):
        f["caption_cue"] = 1.0
    if _INITIALS.match(text.strip()):
        f["initials"] = 1.0
    if _PAREN_SOURCE.match(text):
        f["paren_source"] = 1.0
    if text[:1] in "\"“'‘«":  # (an empty text too: "" is in every string)
        f["quote_start"] = 1.0
    if text[:1] in "-–—•+*":
        f["dash_start"] = 1.0
    colon = text.find(":")
    if 0 < colon < 60:
        f["colon_mid"] = 1.0
    if 0 < colon <= 20 and not text[:colon].strip().isdigit():
        # A short label before a colon ("Tags:", "Từ khóa:", "Ảnh:", "Nguồn:") names what the line is.
        head = _SYL.findall(low[:colon])
        if 0 < len(head) <= 3:
            f["colon_head"] = " ".join(head)
    if n <= 4 and (key := " ".join(syls)) and key in AD_LINES:
        f["ad_line"] = 1.0
    if n <= 12 and _CRUMB.search(text):
        f["crumb"] = 1.0
    # Length x ending: a long line that does not end like a sentence is a glued list of titles, not a paragraph.
    f["len_end"] = nsyl + end
    if n >= 5:
        # Leading syllables without any diacritic (an image alt slug glued to the next title: "lam the nao de ...").
        ascii_lead = 0
        for w in syls:
            if w.isascii() and w.isalpha():
                ascii_lead += 1
            else:
                break
        if ascii_lead >= 4:
            f["ascii_lead"] = "all" if ascii_lead == n else "then_text"
    if n and n <= 10:
        # Word identity matters for short lines (headings, menus, labels), not for paragraphs. Digits are
        # folded ("19:13" and "08:45" give the same features) so that numbers do not become vocabulary.
        w0 = _fold_digits(syls[0])
        f["w0"] = w0
        if n > 1:
            f["w01"] = w0 + "_" + _fold_digits(syls[1])
        f["wl"] = _fold_digits(syls[-1])
    elif n:
        f["w0_long"] = _fold_digits(syls[0])
    return f


@functools.lru_cache(maxsize=65536)
def _class_cues(token: str) -> frozenset[str]:
    """The generic cues of one class/id token (cached: pages repeat their class names many times)."""
    return frozenset(cue for sub, cue in CLASS_CUES.items() if sub in token)


@functools.lru_cache(maxsize=8192)
def _cue_features(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The ``cls_*`` feature names of a block's class/id tokens (cached: the blocks of one container share them)."""
    cues: set[str] = set()
    for tok in tokens:
        cues.update(_class_cues(tok))
    return tuple("cls_" + cue for cue in cues)


def _html_features(f: dict[str, Any], h: dict[str, Any]) -> None:
    f["html"] = 1.0
    tag = h.get("tag", "div")
    f["tag"] = tag if tag in ("p", "div", "li", "figcaption", "td", "span", "a", "dd", "dt", "blockquote", "th") or tag.startswith("h") else "other"
    f["heading"] = str(h.get("heading", 0))
    f["in_list"] = float(bool(h.get("in_list")))
    f["in_table"] = float(bool(h.get("in_table")))
    f["is_caption"] = float(bool(h.get("is_caption")))
    f["link_density"] = _bucket(float(h.get("link_density", 0.0)), (0.0, 0.3, 0.7, 0.99))
    for lm in h.get("landmarks", []):
        f["lm_" + lm] = 1.0
    tokens = h.get("class_tokens")
    if tokens:
        for name in _cue_features(tuple(tokens)):
            f[name] = 1.0


def _box_features(f: dict[str, Any], h: dict[str, Any]) -> None:
    """The HTML features of the block's place in the page (for a block with ``main_pos``)."""
    f["main_pos"] = h["main_pos"]
    f["box_long"] = _bucket(float(h.get("box_long", 0.0)), (0.0, 0.2, 0.5, 0.8))
    f["box_link"] = _bucket(float(h.get("box_link", 0.0)), (0.0, 0.3, 0.7, 0.99))
    f["box_n"] = _bucket(int(h.get("box_n", 1)), (1, 2, 4, 8, 16))


#: Features copied to the neighbours' dicts (window +-2): the cheap, telling ones.
NEIGHBOUR_KEYS = ("nsyl", "end", "span", "marker", "marker_prefix", "title_cont", "zone", "recur", "crumb", "date_line", "short_ts", "cat_date", "image", "trailing_pipe", "dup_prev", "dup_next",
                  "same_title", "nav_vocab", "paren_source", "empty", "link_density", "heading", "tag", "caption_cue", "byline_start", "main_pos")


def main_span(lengths: list[int], long_w: list[int]) -> tuple[int, int]:
    """(first, last) block of the page's main article span, (-1, -1) when the page has no long sentence block.

    The contiguous run of blocks with the best score (maximum subarray): a long sentence block scores its
    syllables, any other block costs half of its syllables (at least 2), so a run of short teaser titles, menu
    items or timestamps ends the span while a caption or a short line between paragraphs stays inside it.
    """
    best, best_lo, best_hi = 0.0, -1, -1
    cur, lo = 0.0, 0
    for i, n in enumerate(lengths):
        s_ = float(long_w[i]) if long_w[i] else -max(2.0, 0.5 * n)
        if cur <= 0:
            cur, lo = s_, i
        else:
            cur += s_
        if cur > best:
            best, best_lo, best_hi = cur, lo, i
    return best_lo, best_hi


_info_cache: dict[str, tuple[tuple[str, ...], str, tuple[str, ...], tuple[str, ...]]] = {}


def _new_text_info(text: str) -> tuple[tuple[str, ...], str, tuple[str, ...], tuple[str, ...]]:
    syls = _SYL.findall(text[:MAX_FEATURE_CHARS].lower())
    uniq = tuple(dict.fromkeys(syls))
    return tuple(syls), " ".join(syls), uniq, tuple(itertools.filterfalse(STOP_SYLLABLES.__contains__, uniq))


def _text_info(text: str) -> tuple[tuple[str, ...], str, tuple[str, ...], tuple[str, ...]]:
    """A block's lower-cased syllables (of its first MAX_FEATURE_CHARS characters), those joined by spaces (its key),
    its distinct syllables, and those less STOP_SYLLABLES: cached for short blocks. Tuples of strings, not lists
    and sets: the cache holds thousands of them, and the garbage collector stops tracking such tuples (sets it
    would go through at every full collection)."""
    return cached(_info_cache, _new_text_info, text, TEXT_CACHE_MAX_CHARS)


def _window_sums(flags: list[bool]) -> list[int]:
    """Prefix sums: ``sum(flags[a:b]) == p[min(b, n)] - p[a]`` (a, b >= 0)."""
    p = [0]
    for x in flags:
        p.append(p[-1] + x)
    return p


def _headline_slugs(keys: list[str], lengths: list[int], top: int = 30) -> dict[int, set[str]]:
    """The diacritic-less prefixes (9-20 characters, by length) of the headline-like blocks (3-40 syllables) near
    the top of the page that carry diacritics: an image alt slug written from a headline ("lam the nao de ...")
    is the headline without its marks, whichever of the top headlines (kicker, title, subtitle) it copies."""
    out: dict[int, set[str]] = {}
    for k, n in zip(keys[:top], lengths[:top]):
        if 3 <= n <= 40 and not k[:20].isascii():
            a = _deaccent(k[:64])[:20]
            # (a prefix with diacritics that opens with a word: dates and numbers are no slug)
            if len(a) > 8 and a[:1].isalpha():
                out.setdefault(len(a), set()).add(a)
    return out


def _is_slug_of(key: str, slugs: dict[int, set[str]]) -> bool:
    """Whether a block's text opens with one of ``_headline_slugs`` (only blocks that open without diacritics)."""
    if not key[:9].isascii():
        return False
    return any(key[:n] in s for n, s in slugs.items())


#: the neighbour items of ``_neighbour_items``, per tuple of the NEIGHBOUR_KEYS values (menus repeat them)
_nb_items: dict[tuple, list[str]] = {}


def _neighbour_item(values: tuple) -> list[str] | None:
    """The attribute names of one block's neighbour features (its NEIGHBOUR_KEYS values, None where absent):
    ``name:value`` for a string value, ``name`` for 1.0; None when another value is among them."""
    out = []
    for k, v in zip(NEIGHBOUR_KEYS, values):
        if v is not None:
            if v.__class__ is str:
                out.append(f"{k}:{v}")
            elif v == 1.0:
                out.append(k)
            else:
                return None
    return out


def _neighbour_items(feats: list[dict[str, Any]]) -> list[list[str] | dict[str, Any]]:
    """Each block's neighbour features as python-crfsuite reads them (under an offset, "-1"): the list of attribute
    names, the same attributes in the same order as the dict of the dense form, without the per-value work of
    crfsuite's conversion (the lists are shared between blocks with the same values: read them only); that dict
    itself for a block with a value other than a string or 1.0 (zero-valued page features are already left out)."""
    cache = _nb_items
    out: list[list[str] | dict[str, Any]] = []
    for f in feats:
        values = tuple(map(f.get, NEIGHBOUR_KEYS))
        try:
            item, hashable = cache.get(values), True
        except TypeError:  # an unhashable value
            item, hashable = None, False
        if item is None:
            item = _neighbour_item(values)
            if item is None:
                out.append({k: f[k] for k in NEIGHBOUR_KEYS if k in f})
                continue
            if hashable:
                remember(cache, values, item)
        out.append(item)
    return out


def page_features(page: Page, window: int = 2, sparse: bool = False) -> list[dict[str, Any]]:
    """One feature dict per block of the page, with page context and neighbours.

    ``sparse``: the form the CRF tags (``CRFLabeler``), the same model input in less work: zero-valued features
    are left out (crfsuite adds weight x 0.0 for them, which changes no score) and the neighbours' features are
    lists of attribute names (see ``_neighbour_items``). The default form is the one training and the other
    models read.
    """
    blocks = page.blocks
    n = len(blocks)
    if n == 0:
        return []
    # A block's syllables are read up to MAX_FEATURE_CHARS characters (paragraphs are far shorter; a page that is
    # one 20 MB line would otherwise hold millions of syllable strings).
    texts = [b.text for b in blocks]
    info = [_text_info(t) for t in texts]
    syls = [x[0] for x in info]
    keys = [x[1] for x in info]
    # per block: its distinct syllables and those less the function syllables (shared, read only)
    sets = [x[2:] for x in info]
    counts = Counter(k for k in keys if k)
    lengths = [len(s) for s in syls]
    sorted_len = sorted(lengths)
    median = max(1, sorted_len[n // 2])
    # "Article-like" blocks: long sentences. Their distribution tells where the article sits.
    long_w = [lengths[i] if lengths[i] >= 20 and texts[i].rstrip().endswith((".", "!", "?", "…", '"', "”", ":")) else 0 for i in range(n)]
    any_long = sum(long_w) > 0
    total_long = sum(long_w) or 1
    markers = [is_section_marker(t, k) for t, k in zip(texts, keys)]
    # Title guess: the HTML <h1> if any, else the first headline-like block near the top (5-40 syllables, not a
    # menu, breadcrumb, marker or timestamp line).
    title_i = next((i for i, b in enumerate(blocks) if b.hints.get("heading") == 1 and lengths[i] >= 3), None)
    if title_i is None:
        title_i = next((i for i in range(min(n, 20)) if 5 <= lengths[i] <= 40 and not markers[i]
                        and not _CRUMB.search(texts[i]) and not blocks[i].hints.get("has_date")
                        and len(NAV_VOCAB.intersection(syls[i])) / len(sets[i][0]) < 0.5), 0)
    title_set = set(sets[title_i][0])
    title_key = keys[title_i]
    title_ascii = _deaccent(title_key[:64])  # only its first 20 characters are compared: a prefix is exact and O(1)
    slugs = _headline_slugs(keys, lengths)
    title_prefix = title_ascii[: min(len(title_ascii), 20)] if title_ascii and len(title_ascii) > 8 else None
    meta_title = page.meta.get("og:title") or page.meta.get("html_title") or ""
    meta_set = set(_SYL.findall(meta_title.lower())) if meta_title else set()
    # Topic words of the article: the title's (and the first long paragraph's) syllables minus function words.
    first_long = next((i for i in range(n) if long_w[i] and i > title_i), None)
    topic = set(sets[title_i][1])
    lead_topic = set(sets[first_long][1]) if first_long is not None else set()
    # Words that recur across the page's paragraphs are the article's topic; a teaser of another article has its own.
    content_sets = [s_[1] if lengths[i] >= 5 else () for i, s_ in enumerate(sets)]
    df = Counter(itertools.chain.from_iterable(content_sets))  # (one count in C, not an update per block)
    frequent = {w for w, c in df.items() if c >= 3}
    span_lo, span_hi = main_span(lengths, long_w)
    is_ts = [bool(b.hints.get("has_time") or b.hints.get("has_date")) and lengths[i] <= 12 for i, b in enumerate(blocks)]
    shortish = [0 < lengths[i] <= 25 and not texts[i].rstrip().endswith((".", "!", "?")) for i in range(n)]

    ts_sum, short_sum = _window_sums(is_ts), _window_sums(shortish)
    feats: list[dict[str, Any]] = []
    cum_long = 0
    last_marker = -1
    n_title, n_meta, n_topic, n_lead = len(title_set), len(meta_set), len(topic), len(lead_topic)
    dense = not sparse  # (the sparse form leaves the zero-valued page features out)
    # (the buckets of the page-context features are written out as comparisons: the same values as ``_bucket``,
    # whose edges are given in the comments, for the finite numbers these are)
    for i, b in enumerate(blocks):
        f = _base_features(b, syls[i], markers[i])
        k = keys[i]
        # (the tables' last entries by comparisons: min() and max() calls were a tenth of this loop)
        f["pos"] = _T_POS[i if i < 21 else 21]
        j = n - 1 - i
        f["pos_end"] = _T_POS_END[j if j < 9 else 9]
        x = i / (n - 1) if n > 1 else 0.0
        if x or dense:
            f["rel_pos"] = x
        x = lengths[i] / median  # (0.25, 0.5, 1.0, 2.0, 4.0)
        f["len_rel"] = "0" if x <= 0.25 else "1" if x <= 0.5 else "2" if x <= 1.0 else "3" if x <= 2.0 else "4" if x <= 4.0 else "5"
        long_before = cum_long / total_long
        if long_before or dense:
            f["long_before"] = long_before
        cum_long += long_w[i]
        long_after = (total_long - cum_long) / total_long if any_long else 0.0  # (sum once: O(n), not O(n^2))
        if long_after or dense:
            f["long_after"] = long_after
        # (0.0, 0.3, 0.7, 0.99)
        f["long_before_b"] = "0" if long_before <= 0.0 else "1" if long_before <= 0.3 else "2" if long_before <= 0.7 else "3" if long_before <= 0.99 else "4"
        f["long_after_b"] = "0" if long_after <= 0.0 else "1" if long_after <= 0.3 else "2" if long_after <= 0.7 else "3" if long_after <= 0.99 else "4"
        if k:
            dup = counts[k] - 1
            f["dup"] = _T_DUP[dup if dup < 4 else 4]
            flag = i > 0 and keys[i - 1] == k
            if flag or dense:
                f["dup_prev"] = float(flag)
            flag = i + 1 < n and keys[i + 1] == k
            if flag or dense:
                f["dup_next"] = float(flag)
            if i + 1 < n and keys[i + 1] and keys[i + 1] != k and lengths[i] >= 4 and keys[i + 1].startswith(k[: max(8, len(k) // 2)]):
                f["prefix_next"] = 1.0
        if i == title_i or dense:
            f["is_title_guess"] = float(i == title_i)
        j = i - title_i  # (clipped to -2 ... 5)
        f["after_title"] = _T_AFTER_TITLE[0 if j <= -2 else 7 if j >= 5 else j + 2]
        sset, own = sets[i]  # (intersected below with sets: made sets when long, tuples are read faster when short)
        if len(sset) > 16:
            sset, own = set(sset), set(own)
        if i != title_i and k:
            if k == title_key or dense:
                f["same_title"] = float(k == title_key)
            if n_title:
                common = len(title_set.intersection(sset))
                x = common / (n_title + len(sset) - common)  # (= |a & b| / |a | b|, no union built; 0.1, 0.3, 0.6, 0.99)
                f["sim_title"] = "0" if x <= 0.1 else "1" if x <= 0.3 else "2" if x <= 0.6 else "3" if x <= 0.99 else "4"
            if (title_prefix and k.startswith(title_prefix)) or (slugs and _is_slug_of(k, slugs)):
                f["slug_of_title"] = 1.0
        if n_meta and k:
            common = len(meta_set.intersection(sset))
            x = common / (n_meta + len(sset) - common)  # (0.3, 0.7, 0.99)
            f["sim_meta_title"] = "0" if x <= 0.3 else "1" if x <= 0.7 else "2" if x <= 0.99 else "3"
        if k and i != title_i:
            if n_topic:
                x = len(topic.intersection(own)) / n_topic  # (0.0, 0.1, 0.2, 0.35, 0.6)
                f["title_cont"] = "0" if x <= 0.0 else "1" if x <= 0.1 else "2" if x <= 0.2 else "3" if x <= 0.35 else "4" if x <= 0.6 else "5"
            if n_lead and i != first_long and own:
                x = len(lead_topic.intersection(own)) / min(len(own), n_lead)  # (0.0, 0.1, 0.2, 0.35, 0.6)
                f["lead_cont"] = "0" if x <= 0.0 else "1" if x <= 0.1 else "2" if x <= 0.2 else "3" if x <= 0.35 else "4" if x <= 0.6 else "5"
        if content_sets[i]:
            x = len(frequent.intersection(own)) / len(own)  # (0.05, 0.15, 0.3, 0.5)
            f["recur"] = "0" if x <= 0.05 else "1" if x <= 0.15 else "2" if x <= 0.3 else "3" if x <= 0.5 else "4"
        lo3, hi4 = i - 3 if i > 3 else 0, i + 4 if i + 4 < n else n
        j = ts_sum[hi4] - ts_sum[lo3] - is_ts[i]
        f["ts_near"] = _T_TS_NEAR[j if j < 3 else 3]
        j = short_sum[hi4] - short_sum[lo3] - shortish[i]
        f["short_near"] = _T_SHORT_NEAR[j if j < 5 else 5]
        if "slug_of_title" in f and _VIET_RE.search(texts[i].lower()):
            f["slug_then_text"] = 1.0
        if first_long is not None:
            f["zone"] = "before" if i < first_long else ("long" if long_w[i] else ("in" if long_after > 0 else "after"))
        if last_marker >= 0 or dense:
            f["marker_before"] = float(last_marker >= 0)
        if "date_line" in f or "short_ts" in f:
            f["ts_where"] = ts_where = "top" if long_before == 0.0 else ("end" if long_after == 0.0 else "mid")
            # A timestamp inside a section opened by a marker dates another article, not this one.
            f["ts_ctx"] = ts_where + ("_marker" if last_marker >= 0 else "")
        if last_marker >= 0:
            j = i - last_marker
            f["since_marker"] = _T_SINCE[j if j < 17 else 17]
        if markers[i]:
            last_marker = i
        # How many of the next three lines are short, title-like lines (related lists, menus).
        f["next_short"] = _DIGITS[short_sum[hi4] - short_sum[i + 1]]  # (hi4 is min(n, i + 4); i + 1 <= n)
        if span_hi >= 0:
            # where the block lies against the page's main article span (form-independent page consistency)
            j = span_lo - i if i < span_lo else i - span_hi
            f["span"] = "in" if span_lo <= i <= span_hi else ("b" if i < span_lo else "a") + _T_SPAN[j if j < 9 else 9]
        feats.append(f)
    # The rest of the page after the last marker: related lists run to the end.
    after_last = [False] * n
    seen = False
    for i in range(n - 1, -1, -1):
        if markers[i]:
            seen = True
        after_last[i] = seen
    for i in range(n):
        flag = after_last[i] and not markers[i]
        if flag or dense:
            feats[i]["marker_after"] = float(flag)
    if window:
        # Neighbours as nested dicts: python-crfsuite prefixes their keys ("-1:end:p"), nothing is copied.
        base: list[Any]
        pad: Any
        if sparse:
            base, pad = _neighbour_items(feats), ["pad"]
        else:
            base, pad = [{k: f[k] for k in NEIGHBOUR_KEYS if k in f} for f in feats], {"pad": 1.0}
        # padded on both sides: block i's neighbour at offset d is padded[i + window + d]
        padded = [pad] * window + base + [pad] * window
        for d in range(-window, window + 1):
            if d:
                name = f"{d:+d}"
                for f, item in zip(feats, padded[window + d:]):
                    f[name] = item
    return feats


def flatten(f: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """One feature dict as flat {name: weight} (strings one-hot as 'name=value', neighbours as '-1:name'), for
    models other than the CRF (python-crfsuite reads the nested form directly)."""
    out: dict[str, float] = {}
    for k, v in f.items():
        if isinstance(v, dict):
            out.update(flatten(v, f"{prefix}{k}:"))
        elif isinstance(v, str):
            out[f"{prefix}{k}={v}"] = 1.0
        elif v:
            out[prefix + k] = float(v)
    return out
