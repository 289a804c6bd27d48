"""Vietnamese tokenization.

* ``syllables``: Unicode-aware syllable tokens (Vietnamese words are space-separated syllables);
  lower-cased, NFC, punctuation dropped. Used by metrics (token F1, ROUGE) and fast features.
* ``words``: word segmentation with underthesea or pyvi (both ship their models offline), or ``lexicon``:
  greedy longest match against pyvi's word list (31k entries), about 30x faster than pyvi's CRF.
* ``sentences``: sentence splitting with underthesea, with a regex fallback.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# \w in Python's re is Unicode-aware: it keeps letters with diacritics (ư, ơ, ạ...) and digits.
_SYLLABLE = re.compile(r"\w+", re.UNICODE)
_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_SENT_FALLBACK = re.compile(r"(?<=[.!?…])\s+(?=[\"“'(\[]?[A-ZÀ-Ỹ0-9Đ])")


def syllables(text: str, lower: bool = True) -> list[str]:
    """Split text into syllable tokens: NFC, optionally lower-cased, punctuation dropped."""
    text = unicodedata.normalize("NFC", text)
    if lower:
        text = text.lower()
    toks = _SYLLABLE.findall(text)
    return [t for t in toks if t != "_"] if "_" in text else toks


def count_syllables(text: str) -> int:
    """``len(syllables(text))`` without building the filtered list."""
    toks = _SYLLABLE.findall(unicodedata.normalize("NFC", text).lower())
    return len(toks) - toks.count("_")


@functools.lru_cache(maxsize=1)
def _underthesea():
    import underthesea  # imported lazily: it takes ~1 s to load its models (and pulls torch + transformers)

    return underthesea


@functools.lru_cache(maxsize=1)
def _sent_tokenize():
    """underthesea's sentence tokenizer alone.

    ``import underthesea`` (or any ``underthesea.x`` submodule, which imports the package first) loads every
    pipeline, translate included, and so torch and transformers: 2+ s and 300 MB for a Punkt-style splitter that
    needs only the standard library and its ``punkt_params.json``. So the module file is loaded on its own, under a
    private name, without running the package's ``__init__``; the output is underthesea's own. Falls back to the full
    import when the file is not where this underthesea version keeps it.
    """
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("underthesea")  # finds the package without importing it
    roots = list(spec.submodule_search_locations or []) if spec else []
    for root in roots:
        file = Path(root) / "pipeline" / "sent_tokenize" / "__init__.py"
        if file.is_file():
            mod_spec = importlib.util.spec_from_file_location("_bantin_underthesea_sent_tokenize", file)
            if mod_spec is None or mod_spec.loader is None:
                break
            module = importlib.util.module_from_spec(mod_spec)
            mod_spec.loader.exec_module(module)
            return _fast_punkt(module) or module.sent_tokenize
    return _underthesea().sent_tokenize


#: sha256 of the source of underthesea's ``PunktSentenceTokenizer`` methods ``sentences_from_text``,
#: ``_is_sentence_boundary`` and ``_get_preceding_word`` (underthesea 9.x), which ``_fast_punkt`` reproduces; any other
#: version's splitter is used as it is
_PUNKT_SOURCE_SHA256 = "e941722a83a6cb4652582809f13ac2c8ee908eba982ffa4956b81fb9faf1b6ac"
_SENT_END = re.compile(r"[.?!]")


def _fast_punkt(module):
    """underthesea's Punkt-style ``sentences_from_text``, the same steps, but jumping from one ``.?!`` to the next with a
    regex instead of looking at every character in Python (most of the splitter's time), and its boundary test inlined
    (a period is no boundary between two digits or after one of its abbreviations; anything else is), with its own
    abbreviation list. None when the loaded module's methods are not the ones reproduced here (checked by the hash of
    their source), so the output is always underthesea's own (``tests/test_summarize.py`` compares them)."""
    import hashlib
    import inspect

    try:
        module._load_model()
        tokenizer = module.sentence_tokenizer
        cls = type(tokenizer)
        source = "".join(inspect.getsource(f) for f in (cls.sentences_from_text, cls._is_sentence_boundary, cls._get_preceding_word))
        abbreviations = frozenset(tokenizer.abbrev_types)
        ends = cls.SENT_END_CHARS
    except (AttributeError, OSError, TypeError):
        return None
    if hashlib.sha256(source.encode()).hexdigest() != _PUNKT_SOURCE_SHA256 or ends != frozenset(".?!"):
        return None
    search = _SENT_END.search

    def boundary(text: str, pos: int) -> bool:  # PunktSentenceTokenizer._is_sentence_boundary
        if text[pos] == ".":
            if pos > 0 and text[pos - 1].isdigit() and pos + 1 < len(text) and text[pos + 1].isdigit():
                return False
            start = pos - 1  # the preceding word: letters, digits and periods
            while start >= 0 and (text[start].isalnum() or text[start] == "."):
                start -= 1
            if start + 1 < pos and text[start + 1:pos].lower() in abbreviations:
                return False
        return True

    def sent_tokenize(text: str) -> list[str]:
        if not text or not text.strip():
            return []
        out: list[str] = []
        start, n = 0, len(text)

        def cut(end: int) -> int:
            """Close the sentence at ``end``; the next one starts after the whitespace that follows."""
            sentence = text[start:end].strip()
            if sentence:
                out.append(sentence)
            while end < n and text[end] in " \t\n\r":
                end += 1
            return end

        m = search(text)
        while m is not None:
            i = m.start()
            if text[i] == ".":
                dot_end = i
                while dot_end < n and text[dot_end] == ".":
                    dot_end += 1
                if dot_end - i >= 3:  # an ellipsis: a boundary at the end or before an upper-case letter
                    after = dot_end
                    while after < n and text[after] in " \t":
                        after += 1
                    if after >= n or text[after].isupper():
                        start = dot_end = cut(dot_end)
                    m = search(text, dot_end)
                    continue
            if boundary(text, i):
                end = i + 1
                while end < n and text[end] in ends:
                    end += 1
                start = cut(end)
                m = search(text, start)
                continue
            m = search(text, i + 1)
        final = text[start:].strip()
        if final:
            out.append(final)
        return out

    return sent_tokenize


@functools.lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, bool], int]:
    """pyvi's word list, lower-cased: every 2+ syllable prefix of its multi-syllable words (space-joined), mapped to
    whether that prefix is itself a word; and the longest word length."""
    from pathlib import Path

    import pyvi

    path = Path(pyvi.__file__).parent / "models" / "words.txt"
    entries = {tuple(line.lower().split()) for line in path.read_text(encoding="utf-8").splitlines()}
    # A handful of entries are 5-9 syllable phrases; 4 covers the words that matter and keeps matching cheap.
    multi = [w for w in entries if 2 <= len(w) <= 4]
    # prefix -> True when the prefix is itself a word, False when it only starts longer words
    table: dict[str, bool] = {}
    for w in multi:
        for k in range(2, len(w) + 1):
            key = " ".join(w[:k])
            table[key] = table.get(key, False) or k == len(w)
    return table, max((len(w) for w in multi), default=1)


def segment_syllables(tokens: list[str]) -> list[str]:
    """Greedy longest-match word segmentation of (lower-cased) syllable tokens against pyvi's word list.

    ['bóng', 'đá', 'việt', 'nam'] -> ['bóng_đá', 'việt', 'nam']. Cruder than a CRF (no context), but it runs at
    thousands of documents per second, which is what the fast topic model needs.
    """
    table, longest = _lexicon()
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        best = 1
        key = tokens[i]
        for k in range(2, min(longest, n - i) + 1):
            key = key + " " + tokens[i + k - 1]
            is_word = table.get(key)
            if is_word is None:  # not even a prefix: no longer match possible
                break
            if is_word:
                best = k
        out.append(tokens[i] if best == 1 else "_".join(tokens[i : i + best]))
        i += best
    return out


def syllables_and_lexicon_words(text: str) -> tuple[list[str], list[str]]:
    """One pass over lower-cased ``text``: its syllables and its ``lexicon`` words (``words(text, backend="lexicon")``).
    The fast topic model needs both. Words never span punctuation: matching runs within each punctuation-free stretch."""
    text = unicodedata.normalize("NFC", text).lower().replace("_", " ")
    sylls: list[str] = []
    out: list[str] = []
    for chunk in _PUNCT.split(text):
        toks = _SYLLABLE.findall(chunk)
        sylls.extend(toks)
        out.extend(segment_syllables(toks))
    return sylls, out


def words(text: str, backend: str = "underthesea", lower: bool = False) -> list[str]:
    """Word-segment Vietnamese text. Multi-syllable words are joined with '_' (e.g. 'công_đoàn').

    backend: 'underthesea' (CRF, most accurate), 'pyvi' (CRF, faster), 'lexicon' (longest match against pyvi's
    word list, fastest; always lower-cased) or 'syllable' (no segmentation).
    """
    text = unicodedata.normalize("NFC", text)
    if lower:
        text = text.lower()
    if not text.strip():
        return []
    if backend == "syllable":
        return syllables(text, lower=lower)
    if backend == "lexicon":
        return syllables_and_lexicon_words(text)[1]
    if backend == "pyvi":
        from pyvi import ViTokenizer

        return ViTokenizer.tokenize(text).split()
    if backend == "underthesea":
        return [w.replace(" ", "_") for w in _underthesea().word_tokenize(text)]
    raise ValueError(f"unknown word segmentation backend {backend!r} (underthesea, pyvi, lexicon, syllable)")


def sentences(text: str, backend: str = "underthesea") -> list[str]:
    """Split text into sentences; every input line break is also a boundary."""
    out: list[str] = []
    for line in unicodedata.normalize("NFC", text).split("\n"):
        line = line.strip()
        if not line:
            continue
        if backend == "underthesea":
            parts = _sent_tokenize()(line)
        elif backend == "regex":
            parts = _SENT_FALLBACK.split(line)
        else:
            raise ValueError(f"unknown sentence backend {backend!r} (underthesea, regex)")
        out.extend(p.strip() for p in parts if p.strip())
    return out
