"""Carry block labels from one parse of a page to another parse of the same page, by text alignment.

The dataset builder labels the HTML blocks of every page it writes. The same page rendered through a real
converter (html2text, markdownify, inscriptis...) splits into other blocks: a converter may glue blocks,
split them, drop some text (alt attributes, scripts) or add some (list markers the parser did not strip).
:func:`align_labels` gives each target block the label of the source text it contains:

1. Both pages become one token stream each (lower-cased ``\\w+`` tokens after NFC), each token tagged with
   its block.
2. ``difflib.SequenceMatcher`` (no junk heuristic) matches the two streams in order.
3. A target block takes the label that covers the most characters of its matched tokens (a block that spans
   several source blocks gets the majority label by characters).
4. A target block whose tokens are mostly unmatched (below ``min_matched``) gets ``unmatched_label``
   (``"noise"``: text the source page did not show as a block, e.g. an image's alt text or a table rule).
   A block without any token (an image-only line) takes the label of its neighbours when both agree, else
   ``unmatched_label``.

The result also reports the share of target tokens matched, so that a builder can drop a badly aligned page.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass
class Alignment:
    labels: list[str]  # one per target block
    matched_share: float  # share of the target's tokens matched to a source token
    source_covered: float  # share of the source's content-labelled tokens found in the target
    unmatched_blocks: int  # target blocks labelled ``unmatched_label`` for want of a match


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFC", text).lower())


def _token_stream(texts: list[str]) -> tuple[list[str], list[int]]:
    """The blocks' tokens in order, and the block each token comes from."""
    tokens: list[str] = []
    block_of: list[int] = []
    for i, t in enumerate(texts):
        toks = _tokens(t)
        tokens.extend(toks)
        block_of.extend([i] * len(toks))
    return tokens, block_of


def align_labels(source_texts: list[str], source_labels: list[str], target_texts: list[str],
                 unmatched_label: str = "noise", min_matched: float = 0.5,
                 content_labels: frozenset[str] | None = None) -> Alignment:
    """Labels for ``target_texts`` (blocks of another rendering of the page whose blocks are ``source_texts``)."""
    if len(source_texts) != len(source_labels):
        raise ValueError(f"{len(source_texts)} source blocks but {len(source_labels)} labels")
    src_tok, src_block = _token_stream(source_texts)
    tgt_tok, tgt_block = _token_stream(target_texts)
    match_of: list[int] = [-1] * len(tgt_tok)  # target token -> source token
    if src_tok and tgt_tok:
        sm = SequenceMatcher(None, src_tok, tgt_tok, autojunk=False)
        for a, b, size in sm.get_matching_blocks():
            for k in range(size):
                match_of[b + k] = a + k
    votes: list[Counter] = [Counter() for _ in target_texts]
    n_tok = [0] * len(target_texts)
    n_matched = [0] * len(target_texts)
    for k, j in enumerate(tgt_block):
        n_tok[j] += 1
        a = match_of[k]
        if a >= 0:
            n_matched[j] += 1
            votes[j][source_labels[src_block[a]]] += len(tgt_tok[k])
    labels: list[str | None] = []
    unmatched = 0
    for j in range(len(target_texts)):
        if n_tok[j] == 0:
            labels.append(None)  # decided from the neighbours below
        elif n_matched[j] / n_tok[j] < min_matched or not votes[j]:
            labels.append(unmatched_label)
            unmatched += 1
        else:
            labels.append(votes[j].most_common(1)[0][0])
    out: list[str] = []
    for j, lab in enumerate(labels):
        if lab is None:
            prev = next((labels[i] for i in range(j - 1, -1, -1) if labels[i] is not None), None)
            nxt = next((labels[i] for i in range(j + 1, len(labels)) if labels[i] is not None), None)
            lab = prev if prev is not None and prev == nxt else unmatched_label
        out.append(lab)
    matched_share = sum(n_matched) / len(tgt_tok) if tgt_tok else 1.0
    if content_labels is None:
        from bantin.labels import is_content

        content = [is_content(lab) for lab in source_labels]
    else:
        content = [lab in content_labels for lab in source_labels]
    src_content = sum(1 for b in src_block if content[b])
    found = set(a for a in match_of if a >= 0)
    covered = sum(1 for a in found if content[src_block[a]])
    return Alignment(out, round(matched_share, 4), round(covered / src_content, 4) if src_content else 1.0, unmatched)
