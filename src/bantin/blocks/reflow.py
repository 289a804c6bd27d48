"""Plain-text layouts: block-per-line text, hard-wrapped text and whitespace blobs.

Crawlers hand over plain text in three layouts, and each needs its own idea of a block:

- ``lines``: one block per line (the flattened pages of ``bantin.blocks.text_parser``, inscriptis output);
- ``wrapped``: paragraphs hard-wrapped at a fixed width (html2text's 78 columns, ``lynx -dump``/``w3m -dump``,
  e-mail). :func:`reflow` joins the lines of each paragraph back into one line;
- ``blob``: lxml's ``text_content()``, where blocks are glued into long lines and separated only by runs of
  spaces, tabs and newlines. :func:`split_blob` turns each run of 3+ spaces or a tab into a line break.

In every layout, text of two block elements glued without any space (minified HTML through ``text_content()``:
"...người bạnNếu là...", "...xem lại.Rất có thể...") is split again by :func:`split_glued`.

:func:`detect_layout` tells them apart from line-length statistics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BULLET = re.compile(r"^\s*(?:[*+•·◦▪–-]|\d{1,3}[.)]|\[\d+\]|[a-zA-Z][.)])\s+\S")
_WS_RUN = re.compile(r"[ \u00a0]{3,}|\t+")
_SENT_END = (".", "!", "?", "…", ":", '"', "”", ")")


@dataclass
class Layout:
    kind: str  # "lines" | "wrapped" | "blob"
    width: int = 0  # wrap width for "wrapped"
    evidence: dict | None = None


def _wrap_width(lengths: list[int]) -> int:
    """The wrap width: the line length that the longest lines pile up under (a high quantile)."""
    s = sorted(lengths)
    return s[min(len(s) - 1, int(0.97 * len(s)))]


def detect_layout(text: str, max_lines: int = 5000) -> Layout:
    """Which plain-text layout ``text`` is in (see the module doc)."""
    raw_lines = text.split("\n", max_lines)[:max_lines]
    lines = [ln.rstrip() for ln in raw_lines]
    nonempty = [ln for ln in lines if ln.strip()]
    if not nonempty:
        return Layout("lines")
    # blob: blocks glued on long lines, separated by whitespace runs
    inner_runs = sum(len(_WS_RUN.findall(ln.strip())) for ln in nonempty)
    if inner_runs >= 3 and inner_runs >= 0.02 * len(nonempty):
        return Layout("blob", evidence={"inner_runs": inner_runs, "lines": len(nonempty)})
    # wrapped: almost every line is at most W long, many lines are close to W, and they continue on the next line
    lengths = [len(ln) for ln in nonempty]
    if len(nonempty) < 6:
        return Layout("lines")
    width = _wrap_width(lengths)
    if not 30 <= width <= 140:
        return Layout("lines", evidence={"width": width})
    over = sum(1 for n in lengths if n > width + 2)
    # Lines of prose far past the width (many words a wrapper would have broken: a block dump's paragraphs)
    # mean the text is not wrapped, however many short lines (titles, dates) pile up under a width.
    unwrapped = sum(1 for n, ln in zip(lengths, nonempty) if n > 1.5 * width and ln.count(" ") >= 8)
    # A line filled close to the width and followed by a line whose first word would not have fit on it:
    # the signature of a hard wrap. In block text, lines near the width are followed by anything.
    near = wraps = 0
    for i, ln in enumerate(lines[:-1]):
        n = len(ln)
        nxt = lines[i + 1]
        if width - 15 <= n <= width + 2 and nxt.strip() and not _BULLET.match(nxt):
            near += 1
            wraps += n + 1 + len(_first_word(nxt)) > width - 2
    evidence = {"width": width, "near_width": near, "wraps": wraps, "over": over, "unwrapped": unwrapped, "lines": len(nonempty)}
    if wraps >= 4 and wraps >= 0.8 * near and over <= 0.03 * len(nonempty) and unwrapped < 2:
        return Layout("wrapped", width=width, evidence=evidence)
    return Layout("lines", evidence=evidence)


def _first_word(line: str) -> str:
    s = line.strip()
    return s.split(None, 1)[0] if s else ""


def reflow(text: str, width: int) -> str:
    """Join hard-wrapped lines back into paragraphs, one per line.

    A line continues the previous one when the previous line was broken because the next word did not fit:
    ``len(prev) + 1 + len(first word) > width`` (with some slack). Blank lines, list bullets and lines that
    would have fit on the previous line start a new paragraph, so headings, menus and short lines stay apart.
    Continuation lines of a list item (indented) stay in the item.
    """
    out: list[str] = []
    cur = ""
    prev_len = 0
    slack = 3
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            if cur:
                out.append(cur)
            out.append("")
            cur, prev_len = "", 0
            continue
        joins = bool(cur) and not _BULLET.match(line) and prev_len + 1 + len(_first_word(line)) > width - slack
        if joins:
            cur = cur + " " + stripped
        else:
            if cur:
                out.append(cur)
            cur = stripped
        prev_len = len(line.rstrip())
    if cur:
        out.append(cur)
    return "\n".join(out)


_VIET_MARKED = frozenset("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")
#: the marked letters but đ (which abbreviations in capitals have: "ĐT", "ĐH", "VNĐ")
_VIET_TONED = _VIET_MARKED - {"đ"}
_OPENERS = "([\"“'‘"
_CLOSERS = ".!?…:;)]\"”'"
_TOKEN = re.compile(r"\S+")


_PAREN_DATE = re.compile(r"\(\d{1,2}[/\-.]\d{1,2}(?:[/\-.]\d{2,4})?\)$")
_DATE_START = re.compile(r"\d{1,2}[/\-.]\d{1,2}[/\-.]\d{2,4}")


def _glued_left(word: str, caps_next: bool) -> bool:
    """Is ``word`` (a token's text before a cut candidate) a whole word that ended a block?

    ``caps_next``: the next word is in capitals ("quậnXINH - ..."), which only a lower-case word may precede.
    """
    if _PAREN_DATE.search(word):
        return True  # "(10/12)Lập ...": a dated teaser title, then the next one
    core = word.lstrip(_OPENERS).rstrip(_CLOSERS)
    if len(core) < 2 or not core.isalpha():
        return False  # "TP.HCM", "Q.Bình", "1-2Theo", "iPhone": not a glued word
    if core.islower():
        return True
    # a capitalized word ("Nội" in "Hà NộiTheo"): only with Vietnamese diacritics, which no camel-case brand
    # name (YouTube, TikTok, McDonald) has
    return not caps_next and core[0].isupper() and core[1:].islower() and bool(_VIET_MARKED.intersection(core.lower()))


def _glued_marked(tok: str, start: int, j: int) -> bool:
    """Joins that Vietnamese diacritics tell apart from brand names and acronyms (no brand or Latin acronym has
    them): a capitalized word with diacritics right after a lower-case letter ("VietNamNetThời sự"); a capitalized
    word right after a word in capitals with diacritics ("GAM MÀU ĐỎGam màu", "TIN CÙNG SỰ KIỆNNgười"); a source
    tag in brackets right after a lower-case word ("chín muồi(DNX) – Cristiano", "(Dân trí) -" leads)."""
    c = tok[j]
    left = tok[start:j]
    if c == "(":
        core = left.lstrip(_OPENERS)
        return len(core) >= 2 and core.isalpha() and core.islower() and tok[j + 1: j + 2].isupper()
    if not c.isupper() or not left[-1:].isalpha():
        return False
    end = j + 1
    while end < len(tok) and tok[end].isalpha():
        end += 1
    right = tok[j:end]
    if len(right) < 2 or not right[1:].islower():
        return False
    if left[-1].islower():
        return bool(_VIET_MARKED.intersection(right.lower()))
    core = left.lstrip(_OPENERS)
    return len(core) >= 2 and core.isalpha() and core.isupper() and bool(_VIET_TONED.intersection(core.lower()))


def _glue_cuts(line: str) -> tuple[list[int], list[int]]:
    """The cut offsets of ``split_glued`` in one pass: (the plain rules' cuts, the cuts with the diacritic joins
    of ``_glued_marked`` too)."""
    plain: list[int] = []
    every: list[int] = []
    for m in _TOKEN.finditer(line):
        tok = m.group()
        if len(tok) < 3:
            continue
        if tok[1:].islower() and "•" not in tok and not any(map(str.isdigit, tok)):
            continue
        start_p = start_e = 0  # where the current piece starts in the token, with either set of rules
        for j in range(1, len(tok)):
            c = tok[j]
            if c == "•":
                plain.append(m.start() + j)
                every.append(m.start() + j)
                start_p = start_e = j
                continue
            upper, digit = c.isupper(), c.isdigit()
            if not (upper or digit or c == "("):
                continue
            nxt = tok[j + 1] if j + 1 < len(tok) else ""
            for start, out in ((start_p, plain), (start_e, every)):
                if (j >= 2 and upper and nxt.isalpha() and _glued_left(tok[start:j], nxt.isupper())) or (
                        digit and tok[j - 1].isalpha() and _DATE_START.match(tok, j) and _glued_left(tok[start:j], False)) or (
                        out is every and j >= 2 and _glued_marked(tok, start, j)):
                    out.append(m.start() + j)
                    if out is plain:
                        start_p = j
                    else:
                        start_e = j
    return plain, every


def _pieces(line: str, cuts: list[int]) -> list[str]:
    if not cuts:
        return [line]
    pieces = [line[a:b] for a, b in zip([0, *cuts], [*cuts, len(line)])]
    return [p for p in pieces if p.strip()]


def split_glued(line: str, marked: bool = True) -> list[str]:
    """A line cut where block elements were glued without a space ("người bạnNếu là", "xem lại.Rất có thể",
    "Bình Phương20/07/2019", "tháng 6.• Những"); ``marked``: also the joins that diacritics tell (``_glued_marked``).

    A cut needs a whole lower-case word of 2+ letters (or a capitalized word with Vietnamese diacritics) directly
    followed by a capitalized word or a date; "TP.HCM", "iPhone", "YouTube", "VnExpress" are kept whole.
    """
    plain, every = _glue_cuts(line)
    return _pieces(line, every if marked else plain)


#: a page whose lines the plain rules cut this many times or more is glued throughout (``text_content()`` of
#: minified HTML: 8+ cuts on nearly every built page, 0 on nearly every inscriptis or block-dump page)
GLUED_PAGE_CUTS = 4


def unglue(text: str, max_lines: int | None = None) -> str:
    """:func:`split_glued` on every line of ``text``; on a page glued throughout (``GLUED_PAGE_CUTS`` cuts by the
    plain rules) also the joins that diacritics tell, which elsewhere are more often names in a list than blocks.

    ``max_lines``: only the first this many non-empty lines are cut (each gives at least one piece, so they hold
    every line a parser capped at that many reads); the rest pass through as they are, so a hostile page of a
    million lines costs no more than its analyzed head."""
    lines = text.split("\n")
    tail: list[str] = []
    if max_lines is not None and len(lines) > max_lines:
        n = 0
        for i, line in enumerate(lines):
            if line.strip():
                n += 1
                if n == max_lines:
                    lines, tail = lines[: i + 1], lines[i + 1:]
                    break
    cuts = [_glue_cuts(line) for line in lines]
    glued = sum(len(plain) for plain, _ in cuts) >= GLUED_PAGE_CUTS
    head = (piece for line, (plain, every) in zip(lines, cuts) for piece in _pieces(line, every if glued else plain))
    return "\n".join([*head, *tail])


def split_blob(text: str) -> str:
    """lxml ``text_content()`` style text: runs of 3+ spaces and tabs become line breaks."""
    return "\n".join(piece for line in text.split("\n") for piece in _WS_RUN.split(line))


# -- text tables (inscriptis, lynx/w3m dumps): columns side by side -----------------------------------------

#: a text table's columns are apart by at least this many spaces (inscriptis pads its cells with 2)
MIN_GUTTER = 2
_INNER_GAP = re.compile(r"\S {2,}\S")
_WORDS = re.compile(r"\S+(?: \S+)*")
#: text tables wider or longer than this are left as they are (bounded work on hostile input)
MAX_TABLE_WIDTH = 4000
MAX_TABLE_LINES = 20000
_TRUE = [True] * MAX_TABLE_WIDTH


def _gutters(lines: list[str], width: int) -> list[tuple[int, int]]:
    """The column spans (start, end) of equal-width lines: runs of positions that are not blank in every line,
    apart by MIN_GUTTER+ positions blank in every line."""
    used = [False] * width
    for ln in lines:
        for m in _WORDS.finditer(ln):  # words joined by single spaces
            used[m.start():m.end()] = _TRUE[: m.end() - m.start()]
    spans: list[tuple[int, int]] = []
    k = 0
    while k < width:
        if not used[k]:
            k += 1
            continue
        start = k
        while True:
            while k < width and used[k]:
                k += 1
            gap = k
            while gap < width and not used[gap]:
                gap += 1
            if gap < width and gap - k < MIN_GUTTER:
                k = gap  # a single space inside a column
                continue
            break
        spans.append((start, k))
        k = gap
    return spans


def _columns(lines: list[str], depth: int = 0) -> list[str]:
    """The lines of one text table, column by column (a blank line between columns), nested tables too."""
    width = max(map(len, lines))
    lines = [ln.ljust(width) for ln in lines]
    spans = _gutters(lines, width)
    if len(spans) < 2 or depth > 4:
        return [ln.strip() for ln in lines]
    out: list[str] = []
    for a, b in spans:
        col = [ln[a:b] for ln in lines]
        # within a column, runs of lines between blank ones may be nested tables of their own
        run: list[str] = []
        for piece in col + [""]:
            if piece.strip():
                run.append(piece)
                continue
            if run:
                out.extend(_columns(run, depth + 1) if len(run) > 1 and any(_INNER_GAP.search(r) for r in run) else [r.strip() for r in run])
                run = []
            out.append("")
        out.append("")
    return out


def untable(text: str) -> str:
    """Text tables laid out side by side (inscriptis pads every line of a table to the table's width and its
    cells with 2+ spaces: a page layout table interleaves the menu, the article and the sidebar line by line)
    rewritten column by column, so that each column's lines follow each other again.

    A table is a run of 2+ consecutive lines of one width (trailing padding included) of which some have a
    2+ space gap inside; other text is left as it is.
    """
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    n = len(lines)
    while i < n:
        w = len(lines[i])
        j = i + 1
        while j < n and len(lines[j]) == w:
            j += 1
        region = lines[i:j]
        if 10 <= w <= MAX_TABLE_WIDTH and 2 <= j - i <= MAX_TABLE_LINES and any(_INNER_GAP.search(ln) for ln in region) and any(ln.endswith(" ") or not ln.strip() for ln in region):
            out.extend(_columns(region))
        else:
            out.extend(region)
        i = j
    return "\n".join(out)
