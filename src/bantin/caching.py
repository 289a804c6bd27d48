"""The bounded per-text caches of the page parsers and the block features.

Plain dicts rather than ``functools.lru_cache``: an lru entry is a linked-list node that the garbage collector
tracks, while a dict entry of strings, numbers and tuples of them costs it nothing; with tens of thousands of
entries that is most of a full collection. A cache that reaches its size is emptied (menus and footers repeat
within a site, so it refills with what is current).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

#: entries per cache before it is emptied
CACHE_SIZE = 32_768

V = TypeVar("V")


def remember(cache: dict, key: Any, value: V, size: int = CACHE_SIZE) -> V:
    """Store ``value`` under ``key`` in ``cache`` (emptied first when it holds ``size`` entries) and return it."""
    if len(cache) >= size:
        cache.clear()
    cache[key] = value
    return value


def cached(cache: dict, fn: Callable[[str], V], text: str, max_chars: int) -> V:
    """``fn(text)``, remembered in ``cache`` for texts of at most ``max_chars`` characters (the value is shared:
    read it only); longer texts are computed each time."""
    if len(text) > max_chars:
        return fn(text)
    out = cache.get(text)
    if out is None:
        out = remember(cache, text, fn(text))
    return out
