"""Era-robust text preparation for topic models: what a model should not learn from, and how long a text is.

* :func:`strip_sources` removes tokens that name the outlet rather than the topic: line-start agency tags
  ("(Dân trí) -", "TTO -", "VOV.VN -", "GD&TĐ -"), outlet names anywhere ("Trả lời VnExpress"), URLs,
  trailing "Theo ..." / "Nguồn: ..." lines and a short byline glued after the last sentence. VNTC (2006) and
  baomoi (2018) come from different outlets, so such tokens let a model learn a source instead of a topic.
* :func:`truncate_body` keeps the title line whole and the first ``n`` syllables of the rest, so that full
  articles (VNTC, pages) look like baomoi's title + sapo.
* ``title_weight`` repeats the title line (the most topical line) that many times in total.
* ``mask_digits`` writes every digit as 0, so that years and dates (2006 vs 2018: the strongest era markers that
  experiments/topics_era_markers.py finds) stop telling the eras apart; number shapes ("0-0", "0000") stay.
"""

from __future__ import annotations

import re

_OUTLETS = (
    r"VnExpress|VNExpress|Vnexpress|VietNamNet|VietnamNet|Vietnamnet|VnMedia|VnEconomy|VnReview|Dân trí|Dân Trí|Dantri|"
    r"TTXVN|TTO|TNO|PLO|NLĐ|SGGP|VOV(?:\.VN|\.vn)?|VTV|VTC News|Zing(?:\.vn|News)?|Kenh14|Infonet|Tuổi Trẻ|Thanh Niên|"
    r"Người Lao Động|Tiền Phong|Kiến Thức|Soha|Sài Gòn Giải Phóng|GD&TĐ|NDĐT|ANTT(?:\.VN)?|SKĐS|GiadinhNet|CafeLand|"
    r"CafeF|ICTPress|BVPL|XHTT|PhapluatNet|Baonghean|Vietnam\+|Ngoisao|Báo Mới|Baomoi|BAOMOI"
)
# "(Dân trí) -" / "(NLĐ)-" at a line start, or an upper-case tag ("TTO -", "VOV.VN -", "GD&TĐ –") / a known outlet.
_LEAD_TAG = re.compile(
    r"^[ \t]*(?:\([^()\n]{1,30}\)|[A-ZĐ][A-ZĐ0-9&.+]+(?:\.[A-Za-z]+)?|(?:" + _OUTLETS + r")(?:\s?Online)?)[ \t]*[-–—:][ \t]+",
    re.M,
)
_OUTLET = re.compile(r"(?<!\w)(?:" + _OUTLETS + r")(?!\w)")
_URL = re.compile(r"https?://\S+|www\.\S+|(?<!\w)[\w-]+\.(?:com\.vn|vn|com|net)(?!\w)", re.I)
_SOURCE_LINE = re.compile(r"^[ \t]*(?:\(?Theo|Nguồn:?|Ảnh:|Nguồn ảnh:)[^\n,.]{0,50}\)?[ \t]*$", re.M)
# a 1-4 word capitalized fragment after the last sentence: a byline ("... của mình. Hạnh")
_TAIL_BYLINE = re.compile(r"(?<=[.!?…\"”])[ \t]+(?:[A-ZĐÀ-Ỹ][\w.]*[ \t]?){1,4}\s*$")
_SPACES = re.compile(r"[ \t]{2,}")
_SYLLABLE_END = re.compile(r"\w+")


def strip_sources(text: str) -> str:
    """The text without outlet tags, outlet names, URLs, source lines and a trailing byline."""
    text = _LEAD_TAG.sub("", text)
    text = _SOURCE_LINE.sub("", text)
    text = _URL.sub(" ", text)
    text = _OUTLET.sub(" ", text)
    if text.count("\n") >= 2:  # only full articles carry bylines; title + sapo does not
        text = _TAIL_BYLINE.sub("", text)
    return _SPACES.sub(" ", text)


def truncate_body(text: str, n_syllables: int) -> str:
    """The first line (title) whole plus the first ``n_syllables`` word tokens of the rest."""
    title, sep, rest = text.partition("\n")
    if not rest or n_syllables <= 0:
        return title if n_syllables <= 0 else text
    for i, m in enumerate(_SYLLABLE_END.finditer(rest), 1):
        if i == n_syllables:
            return title + sep + rest[: m.end()]
    return text


_DIGIT = re.compile(r"\d")


def prepare_text(text: str, *, strip: bool = False, max_syllables: int | None = None, title_weight: int = 1, mask_digits: bool = False) -> str:
    if strip:
        text = strip_sources(text)
    if mask_digits:  # "2006" and "2018" both become "0000": years and dates mark an era, not a topic
        text = _DIGIT.sub("0", text)
    if max_syllables is not None:
        text = truncate_body(text, max_syllables)
    if title_weight > 1:
        title = text.partition("\n")[0]
        text = "\n".join([title] * (title_weight - 1) + [text])
    return text
