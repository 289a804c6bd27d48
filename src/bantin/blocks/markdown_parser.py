"""Markdown -> blocks with markdown-it-py (CommonMark plus GFM tables).

Markdown is what html2text, markdownify and LLM-oriented crawlers emit. One block per paragraph, heading,
list item paragraph, table row, blockquote paragraph, code block and image; a hard line break (``  \\n``,
html2text's ``<br>``) also ends a block, as ``<br>`` does in ``bantin.blocks.html_parser``. Link text is kept,
URLs are dropped; images are dropped from the text and counted in the ``image_marker``/``n_images`` hints of
their block (an image alone in its paragraph goes to the next block, as in HTML where images make no block;
``image_blocks=True`` keeps it as a block of its own, with empty text and its alt text in ``hints["alt"]``). The Markdown syntax becomes hints, with the keys
``bantin.blocks.html_parser`` uses where they mean the same thing, so that the HTML features carry over:

  tag            "p", "h1".."h6", "li", "td"/"th", "blockquote", "pre" (fenced code; html2text's indented
                 lines, which CommonMark reads as code, are read as Markdown again: ``indented``)
  heading        heading level 1-6, 0 if not a heading
  in_list, list_depth, ordered   list item (nesting depth, numbered list)
  in_table, in_blockquote
  table_no       the number of the table a block comes from (layout tables too; absent outside tables)
  link_density   share of the block's characters inside links
  in_link_only   every character of the block is link text
  image_marker, n_images, alt    images in (or just before) the block; alt text of an image-only block
  depth          container nesting depth
  line_no        first source line of the block
  n_chars, n_syllables, has_date, ... (the text hints of ``bantin.blocks.text_parser.line_hints``)
  rel_pos        index / (n_blocks - 1)

html2text quirks handled before parsing: link/image destinations broken across lines by its 78-column wrap
(``](http://site/a-\\nb.html)``) are joined back. ``* * *`` rules, backslash escapes (``\\-``, ``\\.``) and
reference-style links are CommonMark and handled by the parser.

markdownify quirks: a link around block elements (a news card: image, heading, date) spans paragraphs, which
CommonMark cannot link; each of its lines becomes a link to the same destination. Layout is told from content
as readers of HTML do: a list item holding a long run of unlinked text (a page whose article sits in an ``<li>``)
is a container, not a list item, and a table with at most one non-empty cell per row (a column of paragraphs, a
text cell beside an empty image cell) lays text out; their blocks get no list or table hints.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bantin.blocks.model import CONTAINER_ITEM_BLOCKS, CONTAINER_ITEM_CHARS, Block, Page
from bantin.blocks.text_parser import line_hints
from bantin.text.normalize import normalize_text, normalize_whitespace

# Markdown syntax evidence, per line (used by ``markdown_evidence``; the parsing itself is markdown-it's).
_LINK = re.compile(r"(?<!!)\[[^\]\n]{0,300}\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\)|(?<!!)\[[^\]\n]{1,300}\]\[[^\]\n]*\]")
_HEADING = re.compile(r"^ {0,3}#{1,6}\s+\S")
_LIST_ITEM = re.compile(r"^\s*(?:[*+-]|\d{1,3}[.)])\s+\S")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")
_EMPHASIS = re.compile(r"(\*\*|__)\S[^*_\n]{0,200}\S?\1")
_REF_DEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s+\S+")
# A link destination (escapes and one level of parentheses allowed, no space).
_DEST = r"(?:\\.|[^\s()\\]|\((?:\\.|[^\s()\\])*\))*"
# html2text's wrap breaks long URLs after a hyphen (textwrap's break_on_hyphens): join the pieces back.
_BROKEN_DEST = re.compile(r"(\]\(" + _DEST + r"-)\n[ \t]*(?=[^\s])")
# html2text copies src/href attributes as they are, spaces included ("](http://a.vn/can lo lo.jpg)"), which is no
# destination in CommonMark: spaces inside a destination that is not followed by a quoted title are encoded.
_DEST_PIECE = r"(?:[^()\s\"]|\([^()\s\"]*\))+"
_SPACED_DEST = re.compile(r"(\]\()(" + _DEST_PIECE + r"(?: +" + _DEST_PIECE + r")+)(\))")
# ... and followed by a title: a share-by-mail link ("[ ](mailto:?&subject=Tiêu đề bài&body=... "Chia sẻ qua email")"),
# whose title is dropped as below (the pieces' run is possessive: it never gives back, against backtracking)
_SPACED_DEST_TITLE = re.compile(r"(\]\()(" + _DEST_PIECE + r"(?: +" + _DEST_PIECE + r")++) +\"(?:[^\"]|\"(?!\))){0,600}?\"(\))")
# html2text's wrap also breaks such a destination at a space (which it drops) or after a hyphen: a destination still
# open at the end of its line goes on in the next one (joined with a space, or with nothing after a hyphen)
_BROKEN_SPACED_DEST = re.compile(r"(\]\(" + _DEST_PIECE + r"(?: +" + _DEST_PIECE + r")*+)[ \t]*\n[ \t]*(?=[^\s])")
# Cheap tests first (one scan each): a destination with a space, a destination still open at a line's end. Most
# Markdown has neither, and the repairs above then cost nothing.
_HAS_SPACED_DEST = re.compile(r"\]\(" + _DEST_PIECE + r" ")
_HAS_OPEN_DEST = re.compile(r"\]\((?:[^()\n]|\([^()\n]*\))*\n")
# Link titles: html2text writes the element's title attribute unescaped ("Khi chính phủ đi "outsource""),
# which breaks the link. Titles carry nothing bantin uses, so they are dropped.
_TITLE = re.compile(r"(\]\(" + _DEST + r")\s+\"(?:[^\"]|\"(?!\))){0,600}?\"\)")


def markdown_evidence(text: str, max_lines: int = 4000) -> dict[str, float]:
    """Counts of Markdown syntax per kind of mark, over the first ``max_lines`` lines.

    Images (``![alt](src)``) are not counted: flattened crawler text carries image marks too.
    """
    lines = [ln for ln in text.split("\n", max_lines)[:max_lines] if ln.strip()]
    links = headings = items = tables = emph = refs = 0
    link_lines = 0
    for ln in lines:
        n = len(_LINK.findall(ln))
        links += n
        link_lines += n > 0
        headings += bool(_HEADING.match(ln))
        items += bool(_LIST_ITEM.match(ln))
        tables += bool(_TABLE_RULE.match(ln))
        emph += bool(_EMPHASIS.search(ln))
        refs += bool(_REF_DEF.match(ln))
    return {"lines": len(lines), "links": links, "link_lines": link_lines, "headings": headings, "list_items": items,
            "table_rules": tables, "emphasis": emph, "ref_defs": refs}


def looks_like_markdown(text: str) -> bool:
    """Markdown by its syntax density: links, headings, tables, bold and reference definitions.

    List bullets alone do not count (inscriptis and lynx print bullets too), nor do image marks (flattened
    crawler text has them). A page needs several marks, and marks on a fair share of its lines.
    """
    ev = markdown_evidence(text)
    if not ev["lines"]:
        return False
    strong = ev["link_lines"] + 2 * ev["headings"] + 3 * ev["table_rules"] + ev["emphasis"] + ev["ref_defs"]
    # a list item counts when the page also has links or headings (markdown lists of links are the nav menus)
    if ev["link_lines"] + ev["headings"] >= 2:
        strong += 0.5 * ev["list_items"]
    return strong >= 3 and strong / ev["lines"] >= 0.04


_BLOCK_START = re.compile(r"^\s*(?:#|[*+-]\s|\d{1,3}[.)]\s|>|\||!\[|```|~~~|$)")


def looks_wrapped(text: str, width: int = 80) -> bool:
    """Hard-wrapped Markdown (html2text's default): lines filled close to the wrap width go on, on the next line,
    with text that is not a new block (unwrapped Markdown separates its paragraphs with blank lines)."""
    lines = text.split("\n", 5000)[:5000]
    near = wraps = 0
    for ln, nxt in zip(lines, lines[1:]):
        if width - 16 <= len(ln) <= width:
            near += 1
            wraps += bool(nxt.strip()) and not _BLOCK_START.match(nxt)
    return wraps >= 5 and wraps >= 0.5 * near


# markdownify writes an <a> that holds block elements (a news card: image, heading, date) as one link whose text
# spans paragraphs ("[![](img)\n\n  ### Title\n\n  *14/03*](/a.html)"). CommonMark ends a link at a blank line or a
# heading, so the brackets and the URL would leak into the text and the card would read as unlinked body text.
# Each line of such a link is made a link of its own to the same destination.
_LINK_END = re.compile(r"\(\s*(<[^>\n]*>|" + _DEST + r")(?:\s+(?:\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|\([^()\n]*\)))?\s*\)")
_LINE_PREFIX = re.compile(r"^(\s*(?:(?:[*+-]|\d{1,3}[.)])\s+)?(?:#{1,6}\s+)?(?:>\s*)?)")
#: how many lines one link may span before it is taken for a stray bracket
MAX_LINK_LINES = 16
_BRACKET = re.compile(r"\\.|[\[\]]")


def _wrap_line(line: str, dest: str) -> str:
    prefix = _LINE_PREFIX.match(line).group(1)
    body = line[len(prefix):].rstrip()
    return f"{prefix}[{body}]({dest})" if body else line


def _link_close(lines: list[str], i: int, budget: list[int]) -> tuple[int, int, int] | None:
    """(line offset, column of "]", column of "[") of a link opened on ``lines[i]`` and closed on one of the next
    ``MAX_LINK_LINES`` lines, or None. ``budget[0]``: bracket tokens left to scan (spent here)."""
    end = min(len(lines), i + 1 + MAX_LINK_LINES)
    if "[" not in lines[i] or budget[0] <= 0 or not any("](" in ln for ln in lines[i + 1:end]):
        return None
    opens: list[tuple[int, int]] = []  # (line offset from i, column) of each open bracket
    for k in range(end - i):
        for m in _BRACKET.finditer(lines[i + k]):
            budget[0] -= 1
            if m.group() == "[":
                opens.append((k, m.start()))
            elif m.group() == "]" and opens:
                start = opens.pop()
                if not opens and start[0] == 0 and k > 0:
                    return k, m.start(), start[1]
        if not opens or budget[0] <= 0:
            return None
    return None


def _split_links(text: str) -> str:
    """Make each line of a link that spans paragraphs, headings or list items a link of its own (see above)."""
    if "](" not in text:
        return text
    lines = text.split("\n")
    out: list[str] = []
    budget = [2_000_000]  # bracket tokens scanned at most (hostile input: lines of brackets)
    i = 0
    while i < len(lines):
        line = lines[i]
        close = _link_close(lines, i, budget)
        if close is not None:
            k, j, col = close
            last = lines[i + k]
            m = _LINK_END.match(last, j + 1)
            middle = lines[i + 1:i + k]
            # the link opens its line (after a list marker, heading hashes or indentation), as a card's link does
            if (m and col == len(_LINE_PREFIX.match(line).group(1))
                    and any(not ln.strip() or _BLOCK_START.match(ln) for ln in middle + [last])):
                dest = m.group(1)
                head = line[col + 1:].rstrip()
                out.append(line[:col] + (f"[{head}]({dest})" if head else ""))
                out.extend(_wrap_line(ln, dest) for ln in middle)
                prefix = _LINE_PREFIX.match(last).group(1)
                body = last[len(prefix):j]
                out.append(prefix + (f"[{body}]({dest})" if body.strip() else "") + last[m.end():])
                i += k + 1
                continue
        out.append(line)
        i += 1
    return "\n".join(out)


def repair_markdown(text: str) -> str:
    """Undo html2text's hard wrap where Markdown cannot take it: inside link destinations (a URL never contains a
    line break), in link titles, and in ATX headings (one line in CommonMark: the rest of a wrapped heading
    would become a paragraph)."""
    for _ in range(20):  # one join per URL per pass; a wrapped URL has a few breaks (bounded against hostile input)
        prev, text = text, _BROKEN_DEST.sub(r"\1", text)
        if text == prev:
            break
    # (told before the spaced destinations are joined: their joined lines, hundreds of characters, are no wrap's)
    wrapped = looks_wrapped(text)
    for _ in range(20 if _HAS_OPEN_DEST.search(text) else 0):
        prev, text = text, _BROKEN_SPACED_DEST.sub(lambda m: m.group(1) + ("" if m.group(1).endswith("-") else " "), text)
        if text == prev:
            break
    text = _TITLE.sub(r"\1)", text)
    text = _split_links(text)
    if _HAS_SPACED_DEST.search(text):
        for spaced in (_SPACED_DEST_TITLE, _SPACED_DEST):  # (a title is dropped: group 3 is the closing parenthesis)
            text = spaced.sub(lambda m: m.group(1) + re.sub(" +", "%20", m.group(2)) + m.group(3), text)
    if wrapped:
        lines = text.split("\n")
        out: list[str] = []
        joining = False
        for ln in lines:
            # the line was broken there because the next word did not fit in the width
            if joining and ln.strip() and not _BLOCK_START.match(ln) and len(out[-1]) + 1 + len(ln.split()[0]) > 76:
                out[-1] = out[-1].rstrip() + " " + ln.strip()
                continue
            out.append(ln)
            joining = bool(_HEADING.match(ln))
        text = "\n".join(out)
    return text


@lru_cache(maxsize=1)
def _md():
    from markdown_it import MarkdownIt

    # html off: raw tags stay text (crawled Markdown rarely has any and html_block would swallow lines)
    # past maxNesting markdown-it silently stops; _token_chunks parses the rest (markdownify nests menus 40+ deep)
    md = MarkdownIt("commonmark", {"html": False, "maxNesting": 40}).enable(["table", "strikethrough"])
    # markdown-it refuses javascript:/data: links (an XSS guard for HTML output); menus are full of them, and
    # bantin never renders the URL: every destination is a link
    md.validateLink = lambda url: True
    return md


# markdownify writes a layout table's nested tables into one cell of one row ("| a | | --- | | b |"), and a cell's
# paragraphs, line breaks and list items joined by 2+ spaces or " * " / " + " bullets. GFM drops the cells past
# the header's count, which on table-layout pages is the whole article. Such a row is split back into its pieces.
_NESTED_RULE = re.compile(r"\|\s*:?-{3,}:?\s*\|")
_CELL_SEP = re.compile(r"(?<!\\)\|")
_RULE_CELL = re.compile(r"^\s*:?-{3,}:?\s*$")
_CELL_BREAK = re.compile(r"\s{2,}|\s+(?=[*+]\s+\S)")
#: a table row longer than this is split into its pieces even without nested tables (one row holding a page)
LONG_ROW = 600


def _is_layout_row(line: str, n_header_cells: int) -> bool:
    s = line.strip()
    if len(s) > LONG_ROW:
        return True
    if _TABLE_RULE.match(s):
        return False
    return bool(_NESTED_RULE.search(s)) or len(_CELL_SEP.findall(s.strip("|"))) + 1 > n_header_cells + 1


def _row_pieces(line: str) -> list[str]:
    """The text pieces of a layout row: its cells, each cut at the 2+ spaces and bullets that joined them."""
    out = []
    for cell in _CELL_SEP.split(line):
        if not cell.strip() or _RULE_CELL.match(cell):
            continue
        for piece in _CELL_BREAK.split(cell):
            piece = piece.strip()
            if piece.startswith(("* ", "+ ")):
                piece = piece[2:].strip()
            if piece:
                out.append(piece)
    return out


_LEAVES = frozenset(("inline", "fence", "code_block", "hr", "html_block", "tr_open"))


def _covered(tokens) -> int:
    """The line after the last one markdown-it turned into content (a list's own map spans lines it skipped)."""
    return max((t.map[1] for t in tokens if t.map and t.type in _LEAVES), default=0)


def _token_chunks(text: str):
    """(tokens, first line) chunks covering the whole text.

    markdown-it stops where nesting gets too deep (markdownify writes menus as lists nested dozens deep); the
    rest is parsed again as a new document with its indentation removed, until every line is covered.
    """
    lines = text.split("\n")
    offset = 0
    chunk = text
    while True:
        tokens = _md().parse(chunk)
        yield tokens, offset
        covered = _covered(tokens)
        rest = lines[offset + covered:]
        if covered <= 0 or not any(ln.strip() for ln in rest):
            return
        # the stop came from the nesting limit: go on from there, flattened
        nxt = next(i for i, ln in enumerate(rest) if ln.strip())
        offset += covered + nxt
        chunk = "\n".join(ln.lstrip() for ln in lines[offset:])


#: default of parse_markdown's image_blocks. Folding images into the next block (as HTML does) scored 3-5 points
#: of token F1 higher on real pages than image blocks, whose empty blocks break the labeler's neighbour context
IMAGE_BLOCKS = False


class _Segments:
    """The inline pieces of one block being built: text with a link flag, plus its images."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, bool]] = []
        self.images: list[str] = []
        #: unlinked characters so far and the last unlinked piece with text (kept as they come: no rescan per image)
        self.unlinked_chars = 0
        self.last_text = ""

    def add(self, text: str, in_link: bool) -> None:
        if text:
            self.parts.append((text, in_link))
            if not in_link and not text.isspace():
                self.unlinked_chars += len(text.strip())
                self.last_text = text

    def empty(self) -> bool:
        return not self.parts and not self.images


#: an image that follows this many characters of text ending a sentence starts a new block (``_inline_segments``)
IMAGE_SPLIT_CHARS = 80
_SENTENCE_ENDS = (".", "!", "?", "…")
_CLOSERS = "\"'”’)]"


def _ends_sentence_run(seg: _Segments) -> bool:
    """The segment so far is a run of unlinked prose that ends a sentence (an image after it opens a new paragraph)."""
    if seg.unlinked_chars < IMAGE_SPLIT_CHARS:
        return False
    # the tail only: a long piece followed by many images is not rescanned per image
    return seg.last_text[-64:].rstrip().rstrip(_CLOSERS).endswith(_SENTENCE_ENDS)


def _inline_segments(inline) -> list[_Segments]:
    """The segments of an inline token, split at hard breaks and at an image after a finished sentence
    (``_ends_sentence_run``): converters such as html2text write some pages' ``<p>``s on one line, with only the
    images between them left to tell the paragraphs apart."""
    out = [_Segments()]
    link_depth = 0
    children = inline.children or []
    i = 0
    while i < len(children):
        tok = children[i]
        t = tok.type
        if t == "text" or t == "code_inline" or t == "html_inline":
            out[-1].add(tok.content, link_depth > 0)
        elif t == "softbreak":
            out[-1].add(" ", link_depth > 0)
        elif t == "hardbreak":
            out.append(_Segments())
        elif t == "link_open":
            link_depth += 1
        elif t == "link_close":
            link_depth = max(0, link_depth - 1)
        elif t == "image":
            if link_depth == 0 and _ends_sentence_run(out[-1]):
                out.append(_Segments())
            out[-1].images.append(normalize_whitespace(tok.content or ""))
            # a space keeps the words on either side of an image apart
            out[-1].add(" ", link_depth > 0)
        i += 1
    return [s for s in out if not s.empty()]


_LINE_MARK = re.compile(r"^(?:(?P<item>[*+-]|\d{1,3}[.)])|(?P<hashes>#{1,6}))(?:\s+|$)")


def _indented_lines(content: str) -> list[tuple[str, dict, _Segments]]:
    """(tag, hints, segments) of the lines of an indented code block read as Markdown: a list marker or heading
    hashes are stripped into hints (as for any list item or heading), links keep their text and link flag."""
    out = []
    for ln in content.split("\n"):
        ln = ln.strip()
        if not ln:
            continue
        tag, extra = "p", {"indented": True}
        # a list marker, then maybe heading hashes ("* ###  [ Lời yêu ](/gl/...)")
        for _ in range(2):
            m = _LINE_MARK.match(ln)
            if not m:
                break
            if m.group("item"):
                tag = "li"
                extra.update(in_list=True, list_depth=1, ordered=m.group("item")[0].isdigit())
            else:
                level = len(m.group("hashes"))
                tag = f"h{level}"
                extra["heading"] = level
            ln = ln[m.end():]
        for segs in _inline_segments(_md().parseInline(ln)[0]) if ln else []:
            out.append((tag, extra, segs))
    return out


# A container list item (``bantin.blocks.model.CONTAINER_ITEM_CHARS``): a page that puts its article in an ``<li>``
# comes out of markdownify/html2text as one list item holding the whole article. Its blocks get no list hints
# (lists nested inside it keep theirs).


def _unlinked_chars(inline) -> int:
    depth = n = 0
    for c in inline.children or []:
        if c.type == "link_open":
            depth += 1
        elif c.type == "link_close":
            depth = max(0, depth - 1)
        elif c.type == "text" and not depth:
            n += len(c.content.strip())
    return n


def _layout_structure(tokens) -> tuple[set[int], set[int]]:
    """(container list items, layout tables) of a token stream, by the index of their opening token.

    A layout table has at most one non-empty cell in every row (a column of paragraphs, or a text cell beside an
    empty image cell): it lays text out, it holds no data, and its cells are read as paragraphs.
    """
    items: set[int] = set()
    tables: set[int] = set()
    item_stack: list[list[int]] = []  # [index, unlinked chars, blocks]
    table_open = -1
    row_cells = max_cells = 0
    for i, tok in enumerate(tokens):
        t = tok.type
        if t == "list_item_open":
            item_stack.append([i, 0, 0])
        elif t == "list_item_close" and item_stack:
            idx, chars, blocks = item_stack.pop()
            if chars >= CONTAINER_ITEM_CHARS and blocks >= CONTAINER_ITEM_BLOCKS:
                items.add(idx)
            if item_stack:
                item_stack[-1][1] += chars
                item_stack[-1][2] += blocks
        elif t == "inline":
            if item_stack:
                item_stack[-1][1] += _unlinked_chars(tok)
                item_stack[-1][2] += 1
            if table_open >= 0 and tok.content.strip():
                row_cells += 1
        elif t == "table_open":
            table_open, max_cells = i, 0
        elif t == "tr_open":
            row_cells = 0
        elif t == "tr_close":
            max_cells = max(max_cells, row_cells)
        elif t == "table_close" and table_open >= 0:
            if max_cells <= 1:
                tables.add(table_open)
            table_open = -1
    return items, tables


def parse_markdown(text: str, page_id: str | None = None, image_blocks: bool = IMAGE_BLOCKS) -> Page:
    """Parse a Markdown page (already decoded) into a Page.

    image_blocks: an image alone in its paragraph is a block of its own (empty text, ``hints["alt"]``), as an
    image line of a flattened page is; when False it is folded into the next block's ``image_marker`` hint
    instead, as in HTML, where images make no block.
    """
    text = repair_markdown(normalize_text(text, keep_layout=True))
    blocks: list[Block] = []
    pending_images: list[str] = []
    src_lines = text.split("\n")
    # container state
    list_stack: list[bool] = []  # ordered?
    in_item = 0
    in_quote = 0
    heading = 0
    in_table = False
    hidden_lists = 0
    cell_tag = "td"
    row: list[tuple[_Segments, int]] = []
    row_line = 0
    n_header_cells = n_cells_seen = 0
    n_tables = 0  # tables opened so far: a table's blocks carry its number (``table_no``)
    table_no: int | None = None

    def emit(segs: _Segments, tag: str, line_no: int, extra: dict | None = None) -> None:
        raw_text = "".join(s for s, _ in segs.parts)
        body = normalize_whitespace(raw_text)
        link_chars = sum(len(normalize_whitespace(s)) for s, link in segs.parts if link)
        if not body and not segs.images:
            return
        if not body and not image_blocks:
            pending_images.extend(segs.images)
            return
        images = pending_images + segs.images
        pending_images.clear()
        hints = line_hints(body, body)
        n_lists = max(0, len(list_stack) - hidden_lists)  # lists, less those of container items
        hints.update(
            tag=tag,
            heading=heading,
            in_list=n_lists > 0,
            list_depth=n_lists,
            ordered=bool(n_lists and list_stack[-1]),
            in_table=in_table,
            in_blockquote=in_quote > 0,
            is_caption=False,
            link_density=round(min(1.0, link_chars / max(1, len(body))), 3) if body else 0.0,
            landmarks=[],
            class_tokens=[],
            depth=n_lists + in_quote + (1 if in_table else 0) + 1,
            image_marker=bool(images),
            n_images=len(images),
            line_no=line_no,
        )
        hints["in_link_only"] = bool(body) and hints["link_density"] >= 0.99
        if not body:
            hints["alt"] = " ".join(a for a in segs.images if a)
        if table_no is not None:
            hints["table_no"] = table_no
        if extra:
            hints.update(extra)
        raw = "\n".join(src_lines[line_no:line_no + 1]) if 0 <= line_no < len(src_lines) else body
        blocks.append(Block(index=len(blocks), text=body, raw=raw, hints=hints))

    def block_tag() -> str:
        if heading:
            return f"h{heading}"
        if in_table:
            return cell_tag
        if in_item:
            return "li"
        if in_quote:
            return "blockquote"
        return "p"

    for tokens, offset in _token_chunks(text):
        list_stack.clear()
        in_item = in_quote = heading = hidden_lists = 0
        in_table = layout_table = False
        item_kinds: list[bool] = []  # container? per open list item
        containers, layout_tables = _layout_structure(tokens)
        for k_tok, tok in enumerate(tokens):
            t = tok.type
            line_no = offset + tok.map[0] if tok.map else (blocks[-1].hints["line_no"] if blocks else 0)
            if t in ("bullet_list_open", "ordered_list_open"):
                list_stack.append(t == "ordered_list_open")
            elif t in ("bullet_list_close", "ordered_list_close"):
                if list_stack:
                    list_stack.pop()
            elif t == "list_item_open":
                item_kinds.append(k_tok in containers)
                if item_kinds[-1]:
                    hidden_lists += 1
                else:
                    in_item += 1
            elif t == "list_item_close":
                if item_kinds and item_kinds.pop():
                    hidden_lists = max(0, hidden_lists - 1)
                else:
                    in_item = max(0, in_item - 1)
            elif t == "blockquote_open":
                in_quote += 1
            elif t == "blockquote_close":
                in_quote = max(0, in_quote - 1)
            elif t == "heading_open":
                heading = int(tok.tag[1]) if tok.tag[1:].isdigit() else 1
            elif t == "heading_close":
                heading = 0
            elif t == "table_open":
                in_table = True
                layout_table = k_tok in layout_tables
                n_header_cells = 0
                table_no = n_tables
                n_tables += 1
            elif t == "table_close":
                in_table = layout_table = False
                table_no = None
            elif t == "tr_open":
                row = []
                row_line = line_no
                n_cells_seen = 0
            elif t in ("th_open", "td_open"):
                cell_tag = tok.tag
                n_cells_seen += 1
            elif t == "tr_close":
                if cell_tag == "th":
                    n_header_cells = n_cells_seen
                src = src_lines[row_line] if 0 <= row_line < len(src_lines) else ""
                if src.lstrip().startswith("|") and _is_layout_row(src, n_header_cells or n_cells_seen):
                    for piece in _row_pieces(src):
                        for segs in _inline_segments(_md().parseInline(piece)[0]):
                            emit(segs, "td", row_line, {"layout_row": True})
                    row = []
                    continue
                if layout_table:
                    # a layout table's cells are paragraphs
                    in_table = False
                    tag = block_tag()
                    for segs, _ in row:
                        if not segs.empty():
                            emit(segs, tag, row_line)
                    in_table = True
                    row = []
                    continue
                merged = _Segments()
                n_cells = 0
                for segs, _ in row:
                    if segs.empty():
                        continue
                    if merged.parts:
                        merged.add(" ", False)
                    merged.parts.extend(segs.parts)
                    merged.images.extend(segs.images)
                    n_cells += 1
                emit(merged, cell_tag, row_line, {"n_cells": n_cells, "pipe_count": max(0, n_cells - 1)})
                row = []
            elif t == "inline":
                if in_table:
                    merged = _Segments()
                    for segs in _inline_segments(tok):
                        if merged.parts:
                            merged.add(" ", False)
                        merged.parts.extend(segs.parts)
                        merged.images.extend(segs.images)
                    row.append((merged, line_no))
                    continue
                tag = block_tag()
                for k, segs in enumerate(_inline_segments(tok)):
                    emit(segs, tag, line_no + k if k and tok.map and line_no + k < offset + tok.map[1] else line_no)
            elif t == "code_block":
                # html2text indents nested lists and their items by 4+ spaces, which CommonMark reads as an
                # indented code block when no list is open: each line is read as Markdown again
                for tag, extra, segs in _indented_lines(tok.content):
                    emit(segs, tag, line_no, extra)
            elif t == "fence":
                segs = _Segments()
                for ln in tok.content.split("\n"):
                    if ln.strip():
                        s = _Segments()
                        s.add(ln, False)
                        emit(s, "pre", line_no)
    n = len(blocks)
    for b in blocks:
        b.hints["rel_pos"] = round(b.index / (n - 1), 4) if n > 1 else 0.0
    return Page(blocks=blocks, source_kind="markdown", id=page_id)
