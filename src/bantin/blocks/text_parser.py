"""Flattened crawler text -> blocks: one block per non-empty line.

Crawlers flatten pages into lines; inline elements of one container are joined on one line, and
table cells/captions often end with " |". Image placeholders appear as "![]()" or "![alt](src)".
Hints per block (all JSON-serializable):

  line_no, blank_before, blank_after   position and spacing in the original text
  rel_pos                              index / (n_blocks - 1), 0 for single-block pages
  n_chars, n_syllables                 length
  trailing_pipe, pipe_count            table/caption markers
  image_marker                         the line has a "![...](...)" marker
  has_date, has_time, starts_with_category_date   timestamps such as "Hoạt động 14/03/2025 23:06"
  ends_with_punct, upper_ratio, digit_ratio
"""

from __future__ import annotations

import re

from bantin.blocks.model import MAX_BLOCKS, Block, Page
from bantin.text.normalize import normalize_text, normalize_whitespace
from bantin.text.tokenize import count_syllables

IMAGE_MARKER = re.compile(r"!\[[^\]]*\]\([^)]*\)")
DATE = re.compile(r"\b\d{1,2}[/\-.]\d{1,2}([/\-.]\d{2,4})?\b|\b\d{4}-\d{2}-\d{2}\b")
TIME = re.compile(r"\b\d{1,2}[:h]\d{2}\b")
CATEGORY_DATE = re.compile(r"^[^\d|]{2,40}\s\d{1,2}/\d{1,2}/\d{4}\s\d{1,2}:\d{2}$")
_TRAILING_PIPE = re.compile(r"\s*\|\s*$")


def clean_line(line: str) -> str:
    """The readable text of a line: image markers and trailing '|' removed, spaces collapsed."""
    text = IMAGE_MARKER.sub(" ", line)
    text = _TRAILING_PIPE.sub("", text)
    return normalize_whitespace(text)


#: Character ratios (upper case, digits) are measured on at most this many characters of a block: exact for any
#: real paragraph, bounded for a page that is one 20 MB line.
MAX_RATIO_CHARS = 20_000


def _count_syllables(text: str, chunk: int = 100_000) -> int:
    """len(syllables(text)) without holding the list of a huge block: chunks cut at spaces (no syllable spans one)."""
    if len(text) <= chunk:
        return count_syllables(text)
    n, start = 0, 0
    while start < len(text):
        end = text.find(" ", start + chunk)
        end = len(text) if end < 0 else end
        n += count_syllables(text[start:end])
        start = end
    return n


#: Characters that ``str.isupper`` calls upper case but ``str.isalpha`` not a letter (Unicode's Other_Uppercase
#: outside the letters: Roman numerals, circled and squared Latin capitals); see ``line_hints``.
_UPPER_NOT_ALPHA = re.compile("[\u2160-\u216f\u24b6-\u24cf\U0001f130-\U0001f149\U0001f150-\U0001f169\U0001f170-\U0001f189]")


#: Texts made only of these characters (ASCII, Latin-1, the Latin Extended blocks, IPA, spacing modifiers and
#: combining marks, Latin Extended Additional -- Vietnamese --, general punctuation) have their letters, upper-case
#: letters and digits counted by character classes (one C-level scan each, with few matches: a space is counted by
#: str.count) rather than one str method call per character; each class is made of exactly the characters of these
#: blocks that the str method accepts, so that the counts are the same.
_COMMON_BLOCKS = [chr(c) for lo, hi in ((0x0000, 0x0370), (0x1E00, 0x1F00), (0x2000, 0x2070)) for c in range(lo, hi)]
_NOT_COMMON = re.compile("[^\\x00-\\u036f\\u1e00-\\u1eff\\u2000-\\u206f]")


def _char_class(chars: list[str]) -> re.Pattern:
    return re.compile("[" + "".join(map(re.escape, chars)) + "]")


#: (not letters, a space left out: it is counted on its own; upper case; digits) among _COMMON_BLOCKS
_NOT_ALPHA = _char_class([c for c in _COMMON_BLOCKS if not c.isalpha() and c != " "])
_UPPER = _char_class([c for c in _COMMON_BLOCKS if c.isupper()])
_DIGITS = _char_class([c for c in _COMMON_BLOCKS if c.isdigit()])
# (no character of these blocks is upper case without being a letter, so _UPPER_NOT_ALPHA needs no check for them;
# checked against this Python's Unicode tables, the per-character counts are used if that ever fails)
_FAST_COUNTS = not _UPPER_NOT_ALPHA.search("".join(_COMMON_BLOCKS)) and all(c.isalpha() for c in _COMMON_BLOCKS if c.isupper())


def _char_counts(head: str) -> tuple[int, int, int]:
    """(letters, upper-case letters, digits) of ``head``: ``str.isalpha``, ``str.isupper`` (of letters) and
    ``str.isdigit`` counted."""
    if _FAST_COUNTS and not _NOT_COMMON.search(head):
        n_letters = len(head) - head.count(" ") - len(_NOT_ALPHA.findall(head))
        return n_letters, len(_UPPER.findall(head)) if n_letters else 0, len(_DIGITS.findall(head))
    # counted with map over C-level str methods: a per-character generator was a fifth of the HTML parse time
    n_letters = sum(map(str.isalpha, head))
    # upper-case letters: every upper-case character, less the few that are not letters (rare: looked for only
    # when the count is not zero)
    n_upper = sum(map(str.isupper, head)) if n_letters else 0
    if n_upper and _UPPER_NOT_ALPHA.search(head):
        n_upper = sum(map(str.isupper, filter(str.isalpha, head)))
    return n_letters, n_upper, sum(map(str.isdigit, head))


def line_hints(raw: str, text: str) -> dict:
    n_chars = len(text)
    head = text[:MAX_RATIO_CHARS]
    n_letters, n_upper, n_digits = _char_counts(head)
    # dates and times need a digit (re's \d is str.isdecimal, a subset of str.isdigit): without one in the text,
    # the searches are skipped
    digits = n_digits or len(text) > MAX_RATIO_CHARS
    pipes = raw.count("|")
    return {
        "n_chars": n_chars,
        "n_syllables": _count_syllables(text),
        # (re's \s is str.isspace, what rstrip removes: the same as _TRAILING_PIPE.search(raw))
        "trailing_pipe": bool(pipes) and raw.rstrip().endswith("|"),
        "pipe_count": pipes,
        "image_marker": "![" in raw and bool(IMAGE_MARKER.search(raw)),
        "has_date": bool(digits and DATE.search(text)),
        "has_time": bool(digits and TIME.search(text)),
        "starts_with_category_date": bool(digits and CATEGORY_DATE.match(text)),
        "ends_with_punct": text.endswith((".", "!", "?", "…", '"', "”", ")", ":")),
        "upper_ratio": round(n_upper / n_letters, 3) if n_letters else 0.0,
        "digit_ratio": round(n_digits / len(head), 3) if n_chars else 0.0,
    }


def parse_text(text: str, page_id: str | None = None, max_blocks: int = MAX_BLOCKS) -> Page:
    """Parse flattened page text (already decoded) into a Page; after ``max_blocks`` non-empty lines the rest
    of the page is dropped, with a warning in ``page.meta["warnings"]``."""
    lines = normalize_text(text).split("\n")  # normalized lines are stripped: empty means blank
    kept: list[tuple[int, str]] = []
    warnings = []
    for i, line in enumerate(lines):
        if line:
            if len(kept) == max_blocks:
                n_lines = max_blocks + sum(map(bool, lines[i:]))
                warnings.append(f"page has {n_lines:,} non-empty lines: only the first {max_blocks:,} are analyzed")
                break
            kept.append((i, line))
    blocks: list[Block] = []
    n = len(kept)
    for k, (line_no, raw) in enumerate(kept):
        text_ = clean_line(raw)
        hints = line_hints(raw, text_)
        hints.update(
            line_no=line_no,
            blank_before=line_no > 0 and not lines[line_no - 1].strip(),
            blank_after=line_no + 1 < len(lines) and not lines[line_no + 1].strip(),
            rel_pos=round(k / (n - 1), 4) if n > 1 else 0.0,
        )
        blocks.append(Block(index=k, text=text_, raw=raw, hints=hints))
    page = Page(blocks=blocks, source_kind="text", id=page_id)
    page.add_warnings(warnings)
    return page
