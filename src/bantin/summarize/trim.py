"""Sentence trimming for extractive summaries: drop the parts of a chosen sentence that only tie it to its article.

A sentence lifted out of an article carries words a summary writer leaves out: a leading discourse connective
("Tuy nhiên, ", "Theo đó, ", "Trước đó, "), a news-channel attribution ("VOV đưa tin, ", "Theo nguồn tin trên
báo X, ", a trailing ", theo báo X"), a dateline ("(Dân trí) - ", "HÀ NỘI - ") and a photo credit ("(ảnh minh
hoạ)", "(Ảnh: ...)"). ``trim_sentence`` removes them (a closed list of general Vietnamese news patterns, not
per-site rules); everything else of the sentence is kept word for word, so the summary still says only what the
article says. Attributions to people ("Theo ông A, ...") are kept. Level "links+time" also drops a leading clause made
only of time words and numbers ("Ngày 22/6, ", "Chiều cùng ngày, "): the summary loses the date, which the page
shows anyway. A trim that would leave fewer than ``MIN_REST_CHARS`` characters is not made. Measured on held-out
data by ``experiments/summarize_rerank_label.py``.
"""

from __future__ import annotations

import re

#: leading discourse connectives, dropped with their comma ("Tuy nhiên, X" -> "X")
CONNECTIVES = (
    "tuy nhiên", "theo đó", "trước đó", "cụ thể", "đặc biệt", "vì vậy", "bên cạnh đó", "do đó", "đồng thời", "ngoài ra",
    "được biết", "từ đó", "trong khi đó", "ngay sau đó", "thế nhưng", "như vậy", "chính vì vậy", "hơn nữa", "đáng chú ý",
    "mặt khác", "tuy vậy", "vì thế", "do vậy", "thậm chí", "bởi vậy", "trong khi", "song", "nhưng", "dù vậy", "mặc dù vậy",
    "cũng theo đó", "sau đó", "trong đó", "mới đây", "hiện nay", "hiện tại", "trước đó không lâu", "thực tế", "trên thực tế",
    "nói cách khác", "nhìn chung", "tóm lại", "nhất là", "qua đó", "cùng với đó", "không chỉ vậy", "không những thế", "riêng",
)
_CONNECTIVE = re.compile(r"^(?:" + "|".join(re.escape(w) for w in sorted(CONNECTIVES, key=len, reverse=True)) + r")\s*,\s+", re.IGNORECASE)
#: "Theo <news channel> ..., " (not "Theo ông A, ": a person's claim keeps its attribution)
_CHANNEL = re.compile(r"^(?:cũng )?theo (?:thông tin|nguồn tin|báo|trang|tờ|hãng|kênh|đài|ghi nhận|phản ánh|PV|phóng viên|thống kê|"
                      r"số liệu|tin từ|tin tức)\b[^,]{0,60}?,\s+", re.IGNORECASE)
#: "<channel> đưa tin, "
_REPORTED = re.compile(r"^[^,]{1,50}? đưa tin,\s+", re.IGNORECASE)
#: "(Dân trí) - ", "TTO - ", "HÀ NỘI - ", "VOV.VN - ": a parenthesised source, or an upper-case head that is a dotted
#: site name, a news agency of ``AGENCIES`` or two or more words ("HÀ NỘI"), followed by a dash and a sentence that does
#: not go on in capitals ("VIỆT NAM - THÁI LAN: ..." is a title, "EU - Việt Nam ký ..." a subject: both kept)
_DATELINE = re.compile(r"^(?:\((?P<paren>[^()]{1,30})\)|(?P<caps>[^\s()\-–—][^()\-–—]{0,29}?))\s*[-–—]+\s+(?=\S)")
#: single-word news agencies and channels that open a dateline
AGENCIES = frozenset(("TTO", "TTXVN", "VNA", "VOV", "VTV", "VTC", "PV", "TTO.VN", "ANTĐ", "NLĐO", "PLO", "GDVN", "VNE", "TBKTSG",
                      "TNO", "VTC", "VNEXPRESS", "ZING", "LĐTĐ", "CAND", "QĐND", "SGGP", "HNM", "TT", "NDĐT", "VOVGT"))
#: "(ảnh minh hoạ)", "(Ảnh: ...)", "(nguồn: ...)"
_PHOTO = re.compile(r"\s*\((?:ảnh|nguồn|photo|video|clip)\b[^()]{0,80}\)", re.IGNORECASE)
#: a trailing ", theo báo X" (the comma is required: "phản ánh theo kênh đường dây nóng" is the sentence's own claim)
_TRAILING_CHANNEL = re.compile(r",[ \t]{0,3}theo (?:báo|trang|tờ|hãng|kênh|đài|thông tấn|nguồn tin)\b[^,.!?]{0,50}(?=[.!?]?$)", re.IGNORECASE)
#: the words of a leading time adverbial ("Ngày 22/6, ", "Khoảng 9h sáng ngày 25/6, ", "Chiều cùng ngày, "): with numbers and
#: dates, the only words a leading clause may have to be dropped by trim level "links+time"
TIME_WORDS = frozenset((
    "vào", "khoảng", "lúc", "hồi", "từ", "đến", "rạng", "sáng", "chiều", "tối", "trưa", "đêm", "khuya", "ngày", "hôm", "tuần", "tháng", "năm",
    "giờ", "phút", "h", "nay", "qua", "mai", "cùng", "sau", "trước", "đầu", "cuối", "giữa", "thứ", "chủ", "nhật", "hai", "ba", "tư", "năm",
    "sáu", "bảy", "mùng", "dương", "âm", "lịch", "đó",
))
_TIME_FIRST = frozenset(("vào", "khoảng", "lúc", "hồi", "rạng", "sáng", "chiều", "tối", "trưa", "đêm", "khuya", "ngày", "hôm", "đầu", "cuối", "giữa",
                         "cùng", "tuần", "tháng", "năm", "thứ", "chủ"))
_TIME_TOKEN = re.compile(r"^\d+(?:[/.:h-]\d+)*h?$|^\d+h\d*$")
#: trim levels: none; links (dateline, leading connectives and channel attributions, photo credits, trailing channel);
#: links+time (also a leading time adverbial)
TRIM_LEVELS = ("none", "links", "links+time")
#: a trim never leaves less than this many characters
MIN_REST_CHARS = 20


def _capitalize(s: str) -> str:
    return s[:1].upper() + s[1:]


def _drop_head(s: str, pattern: re.Pattern) -> str:
    m = pattern.match(s)
    return _capitalize(s[m.end():]) if m and len(s) - m.end() > MIN_REST_CHARS else s


def _drop_time(s: str) -> str:
    """``s`` without a leading clause made of time words and numbers only ("Chiều 30/7, ", "Vào khoảng 15h ngày 24/7, ")."""
    head, comma, rest = s.partition(",")
    if not comma or len(head) > 40 or len(rest.strip()) <= MIN_REST_CHARS:
        return s
    words = head.lower().split()
    if not words or words[0] not in _TIME_FIRST or not all(w in TIME_WORDS or _TIME_TOKEN.match(w) for w in words):
        return s
    rest = rest.strip()
    if rest[:1].isdigit() or rest.split(" ", 1)[0].lower() in ("và", "hoặc", "đến", "tới"):
        return s  # the comma is inside the date ("Ngày 1, 2 và 3/6, ...")
    if words[0] == "thứ" and not any(_TIME_TOKEN.match(w) or w in ("ngày", "tuần", "sáng", "chiều", "tối", "trưa", "đêm") for w in words):
        return s  # "Thứ hai, ..." is as often "secondly" as "on Monday"
    return _capitalize(rest)


def _is_dateline(m: re.Match, t: str) -> bool:
    if m.group("paren") is not None:
        return True
    head = m.group("caps").strip()
    if not head.isupper() or not any(c.isalpha() for c in head):
        return False
    follow = t[m.end():].split(" ", 1)[0]
    if follow.isupper() and sum(c.isalpha() for c in follow) > 1:
        return False  # "VIỆT NAM - THÁI LAN: ..." goes on in capitals: a title, not a dateline
    return "." in head or head in AGENCIES or len(head.split()) >= 2


def trim_sentence(sentence: str, level: str = "links") -> str:
    """``sentence`` without its dateline, leading connectives and channel attributions, photo credits and trailing
    ", theo báo X" (level "links", see the module docstring), and with level "links+time" without a leading time
    adverbial ("Ngày 22/6, "); the sentence itself when nothing applies or with level "none"."""
    if level not in TRIM_LEVELS:
        raise ValueError(f"unknown trim level {level!r} ({', '.join(TRIM_LEVELS)})")
    if level == "none":
        return sentence
    t = sentence.strip()
    m = _DATELINE.match(t)
    if m and len(t) - m.end() > MIN_REST_CHARS and _is_dateline(m, t):
        t = t[m.end():]
    for _ in range(2):  # "Tuy nhiên, theo nguồn tin X, ..." needs two passes
        for pattern in (_CONNECTIVE, _CHANNEL, _REPORTED):
            t = _drop_head(t, pattern)
        if level == "links+time":
            t = _drop_time(t)
    if "(" in t:
        t = _PHOTO.sub("", t)
    if "theo" in t.lower():
        t = _TRAILING_CHANNEL.sub("", t)
    return t.strip() or sentence
