"""Sentence features, similarity graphs and the greedy ROUGE oracle (all on syllable tokens).

Kept in plain numpy: documents have ~20 sentences, so a dense per-document TF-IDF matrix over the
document's own vocabulary is the fastest thing to build (no scipy, no global vocabulary lookups).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from bantin.summarize.base import Document

@functools.lru_cache(maxsize=1)
def _blas_libraries() -> tuple:
    """threadpoolctl's controllers of the BLAS libraries loaded in this process (empty without threadpoolctl)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # threadpoolctl comes with scikit-learn; without it, run as is
        return ()
    return tuple(lib for lib in ThreadpoolController().lib_controllers if lib.user_api == "blas")


_BLAS_STATE = threading.local()


@contextlib.contextmanager
def single_threaded_blas():
    """Context manager: BLAS on one thread. Per-document matrices are ~20 x 300, where OpenBLAS's thread
    pool costs more than it saves (measured: sentence features 7.6 -> 3.1 ms/article on 2 cores). Nested use
    (in the same thread) is free. The outermost one reads each BLAS library's thread count and sets to 1 only those
    that have more, then puts them back: what ``threadpoolctl.threadpool_limits(1, "blas")`` does, without its
    inventory of every library on each call (~0.15 ms, once per summarized article)."""
    if getattr(_BLAS_STATE, "depth", 0):
        _BLAS_STATE.depth += 1
        try:
            yield
        finally:
            _BLAS_STATE.depth -= 1
        return
    _BLAS_STATE.depth = 1
    changed = []
    try:
        for lib in _blas_libraries():
            n = lib.num_threads
            if isinstance(n, int) and n > 1:  # (None: a library that does not say; left as it is)
                lib.set_num_threads(1)
                changed.append((lib, n))
        yield
    finally:
        for lib, n in changed:
            lib.set_num_threads(n)
        _BLAS_STATE.depth = 0


# -- TF-IDF ------------------------------------------------------------------------------------


class IdfTable:
    """Syllable inverse document frequencies learned from a corpus (smooth idf, as scikit-learn)."""

    def __init__(self, idf: dict[str, float] | None = None, n_docs: int = 0) -> None:
        self.idf = idf or {}
        self.n_docs = n_docs
        self.default = math.log((n_docs + 1) / 1) + 1.0 if n_docs else 1.0

    @classmethod
    def fit(cls, token_docs: Iterable[Iterable[str]], min_df: int = 2) -> IdfTable:
        df: Counter[str] = Counter()
        n = 0
        for toks in token_docs:
            df.update(set(toks))
            n += 1
        idf = {t: round(math.log((n + 1) / (c + 1)) + 1.0, 4) for t, c in df.items() if c >= min_df}
        return cls(idf, n)

    def weights(self, vocab: Sequence[str]) -> np.ndarray:
        return np.fromiter(map(self.idf.get, vocab, itertools.repeat(self.default)), np.float64, len(vocab))

    def to_dict(self) -> dict:
        return {"n_docs": self.n_docs, "idf": self.idf}

    @classmethod
    def from_dict(cls, d: dict) -> IdfTable:
        return cls(d["idf"], d["n_docs"])


def doc_tfidf(doc: Document, idf: IdfTable | None = None, return_weights: bool = False):
    """(L2-normalized sentence x vocabulary TF-IDF matrix, vocabulary, raw tf matrix[, idf weights]) of one document.

    Without an ``idf`` table the idf is computed over the document's own sentences (LexRank's setting).
    """
    m, vocab, _, tf, w, _ = _doc_tfidf(doc, idf)
    return (m, vocab, tf, w) if return_weights else (m, vocab, tf)


def _doc_tfidf(doc: Document, idf: IdfTable | None) -> tuple[np.ndarray, list[str], dict[str, int], np.ndarray, np.ndarray, np.ndarray]:
    """``doc_tfidf``'s matrix, vocabulary, vocabulary index (token -> column), tf matrix and idf weights, and the
    tf x idf matrix before its rows are normalized."""
    tokens = doc.tokens
    all_tokens = list(itertools.chain.from_iterable(tokens))
    vocab = list(dict.fromkeys(all_tokens))  # in order of first occurrence
    vocab_index = dict(zip(vocab, range(len(vocab))))
    width = max(len(vocab), 1)
    lengths = np.fromiter(map(len, tokens), np.intp, len(tokens))
    flat = np.fromiter(map(vocab_index.__getitem__, all_tokens), np.intp, len(all_tokens))
    flat += np.repeat(np.arange(0, len(tokens) * width, width, dtype=np.intp), lengths)
    tf = np.bincount(flat, minlength=len(tokens) * width).astype(np.float64).reshape(len(tokens), width)
    if idf is None:
        df = (tf > 0).sum(axis=0)
        w = np.log((len(tokens) + 1) / (df + 1)) + 1.0
    else:
        w = idf.weights(vocab) if vocab else np.ones(1)
    raw = tf * w
    norms = np.linalg.norm(raw, axis=1, keepdims=True)
    m = raw / np.where(norms > 0, norms, 1.0)
    return m, vocab, vocab_index, tf, w, raw


def pagerank(sim: np.ndarray, damping: float = 0.85, iters: int = 50, tol: float = 1e-6) -> np.ndarray:
    """Power-iteration PageRank over a non-negative similarity matrix (rows normalized; dangling rows uniform)."""
    n = sim.shape[0]
    if n == 0:
        return np.zeros(0)
    sim = sim.copy()
    np.fill_diagonal(sim, 0.0)
    rowsum = sim.sum(axis=1, keepdims=True)
    trans = np.where(rowsum > 0, sim / np.where(rowsum > 0, rowsum, 1.0), 1.0 / n)
    step = damping * trans.T  # (the same array as the loop's ``damping * trans.T`` was, made once)
    teleport = (1 - damping) / n
    # r_{k+1} = teleport + step @ r_k until |r_{k+1} - r_k|_1 < tol (that r_{k+1} is returned) or ``iters`` steps. The
    # steps run in blocks and the test is made for a whole block at once (one call instead of three per step): the
    # same iterates and the same first one that passes, at the cost of a few steps past it. News articles take 7..50
    # steps (most 9..20): a first block of 8, then blocks of 4.
    iterates = [np.full(n, 1.0 / n)]
    done = 0
    while done < iters:
        for _ in range(min(8 if done == 0 else 4, iters - done)):
            iterates.append(teleport + step @ iterates[-1])
        chunk = np.array(iterates[done:])
        passed = np.flatnonzero(np.add.reduce(np.abs(chunk[1:] - chunk[:-1]), axis=1) < tol)
        if len(passed):
            return iterates[done + int(passed[0]) + 1]
        done = len(iterates) - 1
    return iterates[-1]


def textrank_similarity(tokens: Sequence[Sequence[str]], presence: np.ndarray | None = None) -> np.ndarray:
    """TextRank (Mihalcea & Tarau 2004): shared token types / (log|Si| + log|Sj|).

    ``presence``: optional sentence x vocabulary 0/1 matrix (saves rebuilding it from the tokens)."""
    n = len(tokens)
    if presence is None:
        index: dict[str, int] = {}
        ids = [[index.setdefault(t, len(index)) for t in toks] for toks in tokens]
        presence = np.zeros((n, max(len(index), 1)))
        for i, row in enumerate(ids):
            presence[i, row] = 1.0
    shared = presence @ presence.T
    logs = np.log(np.maximum(np.array([len(t) for t in tokens], dtype=np.float64), 1.0))
    denom = logs[:, None] + logs[None, :]
    short = np.array([len(t) <= 1 for t in tokens])
    sim = np.where(denom > 0, shared / np.where(denom > 0, denom, 1.0), 0.0)
    sim[short, :] = 0.0
    sim[:, short] = 0.0
    np.fill_diagonal(sim, 0.0)
    return sim


# -- ROUGE oracle (fast n-gram counting, no rouge-score round trip) --------------------------


def ngrams(tokens: Sequence[str], n: int) -> Counter:
    return Counter(zip(*(tokens[i:] for i in range(n)))) if n > 1 else Counter(tokens)


def _f1(overlap: int, n_pred: int, n_ref: int) -> float:
    if overlap == 0 or n_pred == 0 or n_ref == 0:
        return 0.0
    p, r = overlap / n_pred, overlap / n_ref
    return 2 * p * r / (p + r)


def rouge_f_pair(tokens: Sequence[str], ref1: Counter, ref2: Counter) -> tuple[float, float]:
    """(ROUGE-1 F, ROUGE-2 F) of a token sequence against a reference's unigram and bigram counts."""
    c1, c2 = ngrams(tokens, 1), ngrams(tokens, 2)
    return (_f1(sum((c1 & ref1).values()), len(tokens), sum(ref1.values())),
            _f1(sum((c2 & ref2).values()), max(len(tokens) - 1, 0), sum(ref2.values())))


def greedy_oracle(doc: Document, reference_tokens: Sequence[str], max_sentences: int = 3) -> list[int]:
    """Greedy extractive oracle (Nallapati et al., 2017): add the sentence that most improves
    ROUGE-1 F + ROUGE-2 F against the reference; stop when nothing improves or at ``max_sentences``."""
    ref1, ref2 = ngrams(reference_tokens, 1), ngrams(reference_tokens, 2)
    n_ref1, n_ref2 = sum(ref1.values()), sum(ref2.values())
    sent1 = [ngrams(t, 1) for t in doc.tokens]
    sent2 = [ngrams(t, 2) for t in doc.tokens]
    chosen: list[int] = []
    cur1: Counter = Counter()
    cur2: Counter = Counter()
    best_score = 0.0
    while len(chosen) < max_sentences:
        best_i, best_new = -1, best_score
        for i in range(len(doc.sentences)):
            if i in chosen or not doc.tokens[i]:
                continue
            c1, c2 = cur1 + sent1[i], cur2 + sent2[i]
            score = _f1(sum((c1 & ref1).values()), sum(c1.values()), n_ref1) + _f1(sum((c2 & ref2).values()), sum(c2.values()), n_ref2)
            if score > best_new:
                best_i, best_new = i, score
        if best_i < 0:
            break
        chosen.append(best_i)
        cur1 += sent1[best_i]
        cur2 += sent2[best_i]
        best_score = best_new
    return chosen


def sentence_rouge(doc: Document, reference_tokens: Sequence[str], kind: str = "f") -> np.ndarray:
    """Per-sentence (ROUGE-1 + ROUGE-2) / 2 against the reference, F1 (``kind="f"``) or precision (``"p"``: the share of
    the sentence's n-grams found in the reference, which does not grow with the sentence's length): soft training targets."""
    ref1, ref2 = ngrams(reference_tokens, 1), ngrams(reference_tokens, 2)
    n1, n2 = sum(ref1.values()), sum(ref2.values())
    out = np.zeros(len(doc.sentences))
    for i, toks in enumerate(doc.tokens):
        s1, s2 = ngrams(toks, 1), ngrams(toks, 2)
        o1, o2, l1, l2 = sum((s1 & ref1).values()), sum((s2 & ref2).values()), len(toks), max(len(toks) - 1, 0)
        if kind == "p":
            out[i] = ((o1 / l1 if l1 else 0.0) + (o2 / l2 if l2 else 0.0)) / 2
        else:
            out[i] = (_f1(o1, l1, n1) + _f1(o2, l2, n2)) / 2
    return out


# -- sentence features ------------------------------------------------------------------------

_DIGIT = re.compile(r"\d")
_QUOTE = re.compile(r"[\"“”«»]")
_CAPTION = re.compile(r"^(ảnh|video|clip|nguồn|theo)\b|\bảnh:|\(ảnh|- ảnh\b", re.IGNORECASE)

FEATURE_NAMES = [
    "pos", "rel_pos", "inv_pos", "is_first", "is_last", "paragraph", "first_in_paragraph", "n_sentences",
    "length", "log_length", "length_ratio", "title_cos", "title_recall", "title_bigram_recall",
    "centroid_cos", "lexrank", "textrank", "mean_idf", "keyword_share", "doc_overlap",
    "digits", "capitalized", "quote", "question", "colon_end", "caption_like", "parenthesis",
    "title_cos_rank", "centroid_rank", "lexrank_rank",
]


#: extra features of ``feature_set="v2"`` (appended to FEATURE_NAMES)
FEATURE_NAMES_V2 = [
    "pos_in_paragraph", "rel_pos_in_paragraph", "paragraph_sentences", "n_paragraphs", "log_doc_length",
    "max_cos_earlier", "lead_cos", "title_number_share", "numbers", "title_name_share", "names",
    "starts_quote", "reporting_verb", "textrank_rank", "title_recall_rank", "mean_idf_rank", "centroid_cos_vs_max",
]
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
#: two or more capitalized words, not at the start of the sentence or after a sentence end: at a word boundary, not
#: at position 0, not after "[.!?] ". Written with the first letter first and the conditions on its position as
#: lookbehinds over it (the same matches as ``(?<!^)(?<![.!?] )\b[A-ZÀ-ỸĐ]...``), so the regex engine skips the positions
#: that cannot start a name (half the time)
_NAME = re.compile(r"[A-ZÀ-ỸĐ](?<=\b.)(?<!^.)(?<![.!?] .)[\wÀ-ỹ]*(?: [A-ZÀ-ỸĐ][\wÀ-ỹ]*)+")
_REPORTING_WORDS = ("cho biết", "cho hay", "nói", "khẳng định", "nhấn mạnh", "chia sẻ", "thông tin", "theo ông", "theo bà", "phát biểu")
_REPORTING = re.compile(r"\b(" + "|".join(_REPORTING_WORDS) + r")\b", re.IGNORECASE)


_REPORTING_ANY = re.compile("|".join(re.escape(w) for w in _REPORTING_WORDS))


def _reporting(sent: str, low: str) -> bool:
    """``_REPORTING.search(sent)``, with a substring pre-check on the lower-cased sentence (the case-insensitive
    regex is run only when one of its words occurs: same answer, a fraction of the time)."""
    return _REPORTING_ANY.search(low) is not None and _REPORTING.search(sent) is not None


def _caption_like(sent: str, low: str) -> bool:
    """``_CAPTION.search(sent)`` with a pre-check: every alternative needs "ảnh" or one of the leading words."""
    return ("ảnh" in low or low.startswith(("video", "clip", "nguồn", "theo"))) and _CAPTION.search(sent) is not None


def _named_columns(sets: dict[str, tuple[list[str], ...]], key: str, what: str) -> list[str]:
    """The column names of ``sets[key]`` (its lists joined), or a ValueError naming the known keys."""
    if key not in sets:
        raise ValueError(f"unknown {what} {key!r} ({', '.join(sets)})")
    return [name for part in sets[key] for name in part]


def feature_names(feature_set: str = "v1") -> list[str]:
    return _named_columns({"v1": (FEATURE_NAMES,), "v2": (FEATURE_NAMES, FEATURE_NAMES_V2)}, feature_set, "feature set")


def _rank01(values: np.ndarray) -> np.ndarray:
    """Rank within the document scaled to 0..1 (0 = highest value; ties in document order). ``values``: one column, or
    several (n x c: each column ranked on its own, in one sort call)."""
    n = len(values)
    if n <= 1:
        return np.zeros(values.shape)
    order = np.argsort(-values, axis=0, kind="stable")
    ranks = np.empty(values.shape)
    if values.ndim == 1:
        ranks[order] = np.arange(n)
    else:
        ranks[order, np.arange(values.shape[1])] = np.arange(n)[:, None]
    return ranks / (n - 1)


def sentence_features(doc: Document, idf: IdfTable | None, feature_set: str = "v1") -> np.ndarray:
    """One row of ``feature_names(feature_set)`` per sentence."""
    return sentence_features_context(doc, idf, feature_set)[0]


def sentence_features_context(doc: Document, idf: IdfTable | None, feature_set: str = "v1") -> tuple[np.ndarray, dict]:
    """``sentence_features`` and the per-document matrices it built (``m``: L2-normalized TF-IDF rows, ``cos``:
    sentence x sentence cosine, ``centroid``: unit document centroid, ``lengths``), reused by ``candidate_features``."""
    n = len(doc.sentences)
    if n == 0:
        return np.zeros((0, len(feature_names(feature_set)))), {}
    m, vocab, index, tf, w, tf_idf = _doc_tfidf(doc, idf)
    lengths = np.array([len(t) for t in doc.tokens], dtype=np.float64)
    present = tf > 0
    centroid = m.sum(axis=0)
    cnorm = np.linalg.norm(centroid)
    centroid_cos = m @ (centroid / cnorm) if cnorm > 0 else np.zeros(n)
    cos = m @ m.T
    lexrank = pagerank(np.where(cos >= 0.1, cos, 0.0)) * n
    textrank = pagerank(textrank_similarity(doc.tokens, present.astype(np.float64))) * n
    # title similarity
    title_toks = doc.title_tokens
    title_cos = np.zeros(n)
    title_recall = np.zeros(n)
    title_bi = np.zeros(n)
    if title_toks and vocab:
        tvec = np.zeros(m.shape[1])
        for t in title_toks:
            if t in index:
                tvec[index[t]] += 1.0
        tvec *= w if idf is not None else 1.0
        tn = np.linalg.norm(tvec)
        if tn > 0:
            title_cos = m @ (tvec / tn)
        tset = set(title_toks)
        tbi = set(zip(title_toks, title_toks[1:]))
        for i, toks in enumerate(doc.tokens):  # (the title's sets intersected with each sentence's tokens, no set of those built)
            title_recall[i] = len(tset.intersection(toks)) / len(tset)
            if tbi:
                title_bi[i] = len(tbi.intersection(zip(toks, toks[1:]))) / len(tbi)
    # informativeness
    idf_w = w if idf is not None else np.ones(tf.shape[1])
    doc_tf = tf.sum(axis=0)
    keywords = np.argsort(-(doc_tf * idf_w))[:10]
    kw_mask = np.zeros(tf.shape[1], dtype=bool)
    kw_mask[keywords] = True
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_idf = np.where(lengths > 0, (tf_idf if idf is not None else tf * idf_w).sum(axis=1) / np.maximum(lengths, 1), 0.0)
        keyword_share = present[:, kw_mask].sum(axis=1) / max(kw_mask.sum(), 1)
        # share of the sentence's token types that occur elsewhere in the document
        elsewhere = (doc_tf[None, :] - tf) > 0
        types = present.sum(axis=1)
        doc_overlap = np.where(types > 0, (present & elsewhere).sum(axis=1) / np.maximum(types, 1), 0.0)
    paragraphs = doc.paragraphs or list(range(n))
    rows = np.zeros((n, len(FEATURE_NAMES)))
    mean_len = lengths.mean() if n else 1.0
    # position and paragraph structure (vectorized), then surface cues (one Python pass, built as lists)
    pos = np.arange(n, dtype=np.float64)
    para = np.asarray(paragraphs[:n], dtype=np.float64)
    rows[:, 0] = np.minimum(pos, 50)
    rows[:, 1] = pos / max(n - 1, 1)
    rows[:, 2] = 1.0 / (pos + 1)
    rows[0, 3] = 1.0
    rows[n - 1, 4] = 1.0
    rows[:, 5] = np.minimum(para, 50)
    rows[:, 6] = np.concatenate([[1.0], (para[1:] != para[:-1]).astype(np.float64)])
    rows[:, 7] = min(n, 200)
    rows[:, 8] = lengths
    rows[:, 9] = np.log1p(lengths)
    rows[:, 10] = lengths / mean_len if mean_len else 0.0
    surface = []
    lows = [sent.lower() for sent in doc.sentences]
    upper_words = []  # each sentence's words that start with an upper-case letter (also read by _features_v2)
    for sent, low in zip(doc.sentences, lows):
        words = sent.split()
        upper = [w for w in words if w[0].isupper()]
        upper_words.append(upper)
        caps = (len(upper) - (1 if words and words[0][0].isupper() else 0)) / max(len(words) - 1, 1)
        tail = sent.rstrip()
        surface.append((len(_DIGIT.findall(sent)) / max(len(sent), 1), caps, _QUOTE.search(sent) is not None, tail.endswith("?"),
                        tail.endswith(":"), _caption_like(sent, low), "(" in sent))
    rows[:, 20:27] = np.array(surface, dtype=np.float64)
    rows[:, 11] = title_cos
    rows[:, 12] = title_recall
    rows[:, 13] = title_bi
    rows[:, 14] = centroid_cos
    rows[:, 15] = lexrank
    rows[:, 16] = textrank
    rows[:, 17] = mean_idf
    rows[:, 18] = keyword_share
    rows[:, 19] = doc_overlap
    rows[:, 27:30] = _rank01(rows[:, [11, 14, 15]])  # title_cos, centroid_cos, lexrank
    context = {"m": m, "cos": cos, "centroid": centroid / cnorm if cnorm > 0 else centroid, "lengths": lengths}
    if feature_set == "v1":
        context["x"] = rows
        return rows, context
    rows = np.hstack([rows, _features_v2(doc, rows, cos, para, lengths, mean_idf, lows, upper_words)])
    context["x"] = rows
    return rows, context


def _features_v2(doc: Document, rows: np.ndarray, cos: np.ndarray, para: np.ndarray, lengths: np.ndarray, mean_idf: np.ndarray,
                 lows: list[str], upper_words: list[list[str]]) -> np.ndarray:
    """Paragraph structure, redundancy with earlier sentences, numbers and names shared with the title,
    quote/reporting cues, a few more within-document ranks. ``lows``: the sentences lower-cased; ``upper_words``: each
    sentence's words that start with an upper-case letter."""
    n = len(doc.sentences)
    out = np.zeros((n, len(FEATURE_NAMES_V2)))
    # position within the paragraph
    starts = np.concatenate([[True], para[1:] != para[:-1]])
    start_idx = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    pos_in = np.arange(n) - start_idx
    para_ids = np.cumsum(starts) - 1
    para_sizes = np.bincount(para_ids)[para_ids]
    out[:, 0] = np.minimum(pos_in, 20)
    out[:, 1] = pos_in / np.maximum(para_sizes - 1, 1)
    out[:, 2] = np.minimum(para_sizes, 20)
    out[:, 3] = min(int(para_ids[-1]) + 1, 100)
    out[:, 4] = np.log1p(lengths.sum())
    # redundancy with the sentences before (the lead is never redundant)
    if n > 1:
        lower = np.tril(cos, k=-1)
        out[1:, 5] = lower[1:].max(axis=1)
        out[:, 6] = cos[0]
    title = doc.title
    t_numbers = set(_NUMBER.findall(title))
    t_names = {m.lower() for m in _NAME.findall(title)} | {w.lower() for w in title.split()[1:] if w[:1].isupper()}
    cols: list[tuple] = []  # (number share, numbers, name share, names, starts quote, reporting) per sentence
    for sent, low, upper in zip(doc.sentences, lows, upper_words):
        nums = _NUMBER.findall(sent)
        names = {m.lower() for m in _NAME.findall(sent)}
        name_share = 0.0
        if t_names:
            caps = names | {w.lower().strip(".,:;\"“”()") for w in upper}
            name_share = len(t_names & caps) / len(t_names)
        cols.append((len(t_numbers & set(nums)) / len(t_numbers) if t_numbers else 0.0, min(len(nums), 10), name_share,
                     min(len(names), 10), sent[:1] in "\"“«-–", _reporting(sent, low)))
    out[:, 7:13] = np.array(cols, dtype=np.float64)
    out[:, 13:16] = _rank01(rows[:, [16, 12, 17]])  # textrank, title_recall, mean_idf
    cmax = rows[:, 14].max()
    out[:, 16] = rows[:, 14] / cmax if cmax > 0 else 0.0
    return out


# -- redundancy control -------------------------------------------------------------------------


def trigrams(tokens: Sequence[str]) -> set:
    return set(zip(tokens, tokens[1:], tokens[2:]))


def select_with_redundancy(scores: np.ndarray, doc: Document, n: int, method: str = "trigram", mmr_lambda: float = 0.7,
                           min_tokens: int = 0, sim: np.ndarray | None = None) -> list[int]:
    """Pick ``n`` sentences by score. 'trigram': skip a sentence sharing a syllable trigram with one
    already picked (Paulus et al., 2018); 'mmr': maximal marginal relevance with TF-IDF cosine; 'none'."""
    order = [int(i) for i in np.argsort(-scores, kind="stable") if len(doc.tokens[i]) >= min_tokens]
    if not order:  # every sentence is too short: fall back to all of them
        order = [int(i) for i in np.argsort(-scores, kind="stable")]
    if method == "none":
        return order[:n]
    if method == "trigram":
        chosen, seen = [], set()
        for i in order:
            tri = trigrams(doc.tokens[i])
            if tri & seen:
                continue
            chosen.append(i)
            seen |= tri
            if len(chosen) == n:
                break
        return chosen if chosen else order[:n]
    if method == "mmr":
        if sim is None:
            m, _, _ = doc_tfidf(doc)
            sim = m @ m.T
        s = (scores - scores.min()) / (np.ptp(scores) or 1.0)
        chosen: list[int] = []
        cands = list(order)
        while cands and len(chosen) < n:
            best = max(cands, key=lambda i: mmr_lambda * s[i] - (1 - mmr_lambda) * (max(sim[i, j] for j in chosen) if chosen else 0.0))
            chosen.append(best)
            cands.remove(best)
        return chosen
    raise ValueError(f"unknown redundancy method {method!r} (trigram, mmr, none)")


# -- summary-level reranking ----------------------------------------------------------------------

#: features of one candidate summary (a set of 1..3 of the document's top-K sentences), see ``candidate_features``
CANDIDATE_FEATURE_NAMES = [
    "k", "syllables", "log_syllables", "syllables_vs_mean_sentence", "score_sum", "score_mean", "score_min", "score_max",
    "rank_max", "rank_sum", "pos_min", "pos_max", "has_first", "contiguous", "cos_max", "cos_mean", "shares_trigram",
    "centroid_cos", "title_recall", "doc_sentences", "doc_log_syllables", "top1", "top2", "top3", "top1_gap",
]
#: extra candidate features of ``candidate_set="c2"`` (appended): the summary's share of the document, the positional
#: pattern, the members' sentence features (paragraph, informativeness, cues), scores in log-odds and as a share of
#: the document's score mass, title bigram recall, the distinct-trigram share of the union, and the title's and first
#: sentence's length (cues to the reference's length)
CANDIDATE_FEATURE_NAMES_C2 = [
    "syllables_share", "pos_second", "pos_span", "has_second", "paragraph_min", "paragraph_max", "mean_idf_mean",
    "title_cos_max", "reporting_max", "quote_max", "caption_max", "numbers_sum", "logit_sum", "logit_min",
    "score_share", "title_bigram_recall", "distinct_trigram_share", "length_min", "length_max", "title_syllables",
    "lead_syllables", "syllables_vs_lead",
]


def candidate_feature_names(candidate_set: str = "c1") -> list[str]:
    return _named_columns({"c1": (CANDIDATE_FEATURE_NAMES,), "c2": (CANDIDATE_FEATURE_NAMES, CANDIDATE_FEATURE_NAMES_C2)},
                          candidate_set, "candidate feature set")


@functools.lru_cache(maxsize=16)
def candidate_sets(k: int, max_size: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every subset of 1..max_size of range(k) (positions in the score ranking) as arrays: ``index`` (C x max_size,
    padded with 0), ``mask`` (C x max_size), ``member`` (C x k 0/1 matrix) and ``pairs`` (C x P x 2 index pairs
    within each subset, padded with (0, 0); P = max_size choose 2, at least 1) with ``pair_mask``."""
    from itertools import combinations

    subsets = [c for size in range(1, max_size + 1) for c in combinations(range(k), size)]
    width = max(max_size, 1)
    index = np.zeros((len(subsets), width), np.int64)
    mask = np.zeros((len(subsets), width), bool)
    member = np.zeros((len(subsets), k))
    n_pairs = max(width * (width - 1) // 2, 1)
    pairs = np.zeros((len(subsets), n_pairs, 2), np.int64)
    pair_mask = np.zeros((len(subsets), n_pairs), bool)
    for r, c in enumerate(subsets):
        index[r, : len(c)], mask[r, : len(c)], member[r, list(c)] = c, True, 1.0
        for p, ab in enumerate(combinations(c, 2)):
            pairs[r, p], pair_mask[r, p] = ab, True
    for a in (index, mask, member, pairs, pair_mask):
        a.setflags(write=False)
    return index, mask, member, (pairs, pair_mask)


@functools.lru_cache(maxsize=16)
def _candidate_constants(k: int, max_size: int) -> dict[str, np.ndarray]:
    """What ``candidate_features`` derives from ``candidate_sets(k, max_size)`` alone (the same for every article with
    k top sentences), computed once: float mask, sizes, which candidates have a pair, rank max and sum, pair counts."""
    index, mask, _, (_, pair_mask) = candidate_sets(k, max_size)
    maskf = mask.astype(np.float64)
    size = maskf.sum(axis=1)
    out = {"maskf": maskf, "maskf3": maskf[..., None], "mask3": mask[..., None], "size": size, "size_int": size.astype(np.int64),
           "multi": size > 1, "open_tail": ~mask[:, 1:], "has_pair": pair_mask.any(axis=1), "rank_max": np.where(mask, index, 0).max(axis=1),
           "rank_sum": (index * maskf).sum(axis=1), "pair_count": np.maximum(pair_mask.sum(axis=1), 1)}
    for a in out.values():
        a.setflags(write=False)
    return out


def candidate_features(doc: Document, scores: np.ndarray, context: dict, top_k: int = 5, max_size: int = 3,
                       candidate_set: str = "c1") -> tuple[np.ndarray, CandidateSets]:
    """Rows of ``CANDIDATE_FEATURE_NAMES`` for every candidate summary made of 1..``max_size`` of the ``top_k``
    best-scored sentences (sentence scores from the first-stage scorer), and the candidates (``CandidateSets``).
    The reranker scores whole summaries: length against the document, redundancy between the chosen sentences
    and their joint coverage of the document's centroid, which per-sentence scores cannot see. Vectorized over
    the candidates (25 for top 5, up to 3 sentences)."""
    n = len(scores)
    order = np.argsort(-scores, kind="stable")[: min(top_k, n)]
    k = len(order)
    index, mask, member, (pairs, pair_mask) = candidate_sets(k, min(max_size, k))
    const = _candidate_constants(k, min(max_size, k))
    cos = context["cos"][order][:, order]
    lengths = context["lengths"][order]
    s = scores[order]
    maskf, size, has_pair = const["maskf"], const["size"], const["has_pair"]
    syl = (lengths[index] * maskf).sum(axis=1)
    sc = s[index]
    total = float(context["lengths"].sum())
    mean_len = total / n if n else 1.0
    pos = np.where(mask, order[index], 10**6)
    pos_sorted = np.sort(pos, axis=1)
    pos_min = pos_sorted[:, 0]
    pos_max = np.where(mask, order[index], -1).max(axis=1)
    pc = cos[pairs[..., 0], pairs[..., 1]]
    tri = [trigrams(doc.tokens[i]) for i in order]
    inter = np.zeros((k, k))  # shared trigram counts of each pair of the top sentences
    for a in range(k):
        for b in range(a + 1, k):
            inter[a, b] = len(tri[a] & tri[b])
    shared = (inter > 0).astype(np.float64)
    ptri = shared[pairs[..., 0], pairs[..., 1]]
    mc = context["m"][order] @ context["centroid"]
    norm2 = np.einsum("ck,kl,cl->c", member, cos, member)
    title = list(set(doc.title_tokens))
    if title:
        tindex = {t: j for j, t in enumerate(title)}
        presence = np.zeros((k, len(title)))
        for a, i in enumerate(order):
            presence[a, [tindex[t] for t in set(doc.tokens[i]) if t in tindex]] = 1.0
        title_recall = ((member @ presence) > 0).sum(axis=1) / len(title)
    else:
        title_recall = np.zeros(len(size))
    top = np.zeros(3)
    top[: min(3, k)] = s[:3]
    gaps = np.diff(pos_sorted, axis=1)
    contiguous = const["multi"] & ((gaps == 1) | const["open_tail"]).all(axis=1)
    score_sum = (sc * maskf).sum(axis=1)
    rows = np.array([
        size, syl, np.log1p(syl), syl / mean_len if mean_len else np.zeros_like(syl), score_sum,
        score_sum / size, np.where(mask, sc, np.inf).min(axis=1), np.where(mask, sc, -np.inf).max(axis=1),
        const["rank_max"], const["rank_sum"], np.minimum(pos_min, 50), np.minimum(pos_max, 50),
        (pos_min == 0).astype(np.float64), contiguous.astype(np.float64),
        np.where(has_pair, np.where(pair_mask, pc, -np.inf).max(axis=1), 0.0),
        np.where(has_pair, (pc * pair_mask).sum(axis=1) / const["pair_count"], 0.0),
        np.where(has_pair, (ptri * pair_mask).max(axis=1), 0.0),
        np.where(norm2 > 0, (member @ mc) / np.sqrt(np.maximum(norm2, 1e-12)), 0.0), title_recall,
        *(np.full(len(size), v) for v in (min(n, 200), math.log1p(total), top[0], top[1], top[2], top[0] - top[1])),
    ], dtype=np.float64).T
    if candidate_set == "c2":
        rows = np.hstack([rows, _candidate_features_c2(doc, scores, context, order, index, mask, const, member, tri, inter, syl, total, pos_sorted)])
    elif candidate_set != "c1":
        raise ValueError(f"unknown candidate feature set {candidate_set!r} (c1, c2)")
    return rows, CandidateSets(order, index, const["size_int"])


#: the members' sentence-feature columns _candidate_features_c2 reads (the last three are v2 features)
_C2_COLUMNS = [(FEATURE_NAMES + FEATURE_NAMES_V2).index(name) for name in
               ("paragraph", "title_cos", "caption_like", "mean_idf", "reporting_verb", "starts_quote", "numbers")]


def _candidate_features_c2(doc: Document, scores: np.ndarray, context: dict, order: np.ndarray, index: np.ndarray, mask: np.ndarray,
                           const: dict[str, np.ndarray], member: np.ndarray, tri: list, inter: np.ndarray, syl: np.ndarray, total: float,
                           pos_sorted: np.ndarray) -> np.ndarray:
    """Rows of ``CANDIDATE_FEATURE_NAMES_C2`` (see ``candidate_features``). Few, whole-table numpy calls: an article
    has only 5..63 candidates, so the cost is per call, not per row."""
    x = context["x"][order]
    c = len(index)
    s = scores[order]
    p = np.clip(s, 1e-6, 1 - 1e-6)
    # the members' values, one table: (candidates, members, columns); v2 columns are zero for the v1 feature set
    v2 = x.shape[1] > len(FEATURE_NAMES)
    table = np.column_stack([x[:, _C2_COLUMNS if v2 else _C2_COLUMNS[:4]], context["lengths"][order], np.log(p / (1 - p))])
    if not v2:
        table = np.column_stack([table[:, :4], np.zeros((len(order), 3)), table[:, 4:]])
    g = table[index]
    m3, maskf, size = const["mask3"], const["maskf"], const["size"]
    gmax = np.where(m3, g, -np.inf).max(axis=1)
    gmin = np.where(m3, g, np.inf).min(axis=1)
    gsum = (g * const["maskf3"]).sum(axis=1)
    pos_second = np.where(pos_sorted[:, 1] < 10**6, np.minimum(pos_sorted[:, 1], 50), -1) if pos_sorted.shape[1] > 1 else np.full(c, -1.0)
    members = np.where(mask, order[index], -1)
    tbi = list(set(zip(doc.title_tokens, doc.title_tokens[1:])))
    if tbi:
        pres = np.array([[b in sb for b in tbi] for sb in (set(zip(doc.tokens[i], doc.tokens[i][1:])) for i in order)], dtype=np.float64)
        title_bi = ((member @ pres) > 0).sum(axis=1) / len(tbi)
    else:
        title_bi = np.zeros(c)
    # distinct trigrams of the union by inclusion-exclusion: sizes - pairwise overlaps + the triple overlap
    n_tri = np.array([len(t) for t in tri], dtype=np.float64)
    tot = (n_tri[index] * maskf).sum(axis=1)
    sym = inter + inter.T
    union = tot.copy()
    width = index.shape[1]
    for a in range(width):
        for b in range(a + 1, width):
            union -= sym[index[:, a], index[:, b]] * (mask[:, a] & mask[:, b])
    if width >= 3:
        full3 = np.flatnonzero(mask[:, 2])
        union[full3] += [len(tri[int(index[r, 0])] & tri[int(index[r, 1])] & tri[int(index[r, 2])]) for r in full3]
    distinct = np.where(tot > 0, union / np.where(tot > 0, tot, 1.0), 1.0)
    lead = float(context["lengths"][0])
    # table columns: 0 paragraph, 1 title_cos, 2 caption_like, 3 mean_idf, 4 reporting, 5 quote, 6 numbers, 7 length, 8 logit
    return np.array([  # one (columns, candidates) array, transposed: cheaper than column_stack's per-column copies
        syl / total if total else np.zeros(c), pos_second, members.max(axis=1) - pos_sorted[:, 0], (members == 1).any(axis=1),
        gmin[:, 0], gmax[:, 0], gsum[:, 3] / size, gmax[:, 1], gmax[:, 4], gmax[:, 5], gmax[:, 2], gsum[:, 6],
        gsum[:, 8], gmin[:, 8], (s[index] * maskf).sum(axis=1) / max(float(scores.sum()), 1e-9),
        title_bi, distinct, gmin[:, 7], gmax[:, 7], np.full(c, float(len(doc.title_tokens))), np.full(c, lead), syl / max(lead, 1.0),
    ], dtype=np.float64).T

class CandidateSets:
    """The candidate summaries of ``candidate_features``: ``sentences(r)`` are the document's sentence indices of row r."""

    __slots__ = ("order", "index", "size")

    def __init__(self, order: np.ndarray, index: np.ndarray, size: np.ndarray) -> None:
        self.order, self.index, self.size = order, index, size

    def __len__(self) -> int:
        return len(self.size)

    def sentences(self, r: int) -> list[int]:
        return [int(i) for i in self.order[self.index[r, : self.size[r]]]]
