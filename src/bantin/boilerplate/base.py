"""The interface every block labeler implements.

    model.fit(pages)                 # pages whose blocks carry .label
    model.predict(pages)             # -> list[list[str]], one label per block
    model.predict_proba(pages)       # -> list[list[dict[label, prob]]]
    model.label_page(page)           # -> a copy of the page with block.label / block.score set
    model.save(dir); load_model(dir, task="boilerplate")
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

from bantin.blocks import Page
from bantin.errors import BantinInputError, BantinModelError
from bantin.labels import LABELS
from bantin.models.base import Estimator


def check_training_pages(pages: Sequence[Page]) -> None:
    if not pages:
        raise BantinInputError("no training pages")
    for p in pages:
        for b in p.blocks:
            if b.label not in LABELS:
                raise BantinInputError(f"page {p.id}: block {b.index} has no valid label ({b.label!r})")


class BlockLabeler(Estimator):
    """Base class of the boilerplate models (rules, CRF, transformer)."""

    task = "boilerplate"

    def fit(self, pages: Sequence[Page]) -> BlockLabeler:
        raise NotImplementedError

    def predict_proba(self, pages: Sequence[Page]) -> list[list[dict[str, float]]]:
        raise NotImplementedError

    def predict(self, pages: Sequence[Page]) -> list[list[str]]:
        return [[max(d, key=d.get) for d in page_probs] for page_probs in self.predict_proba(pages)]

    def _check_fitted(self) -> None:
        if not self.labels:
            raise BantinModelError(f"{type(self).__name__} is not fitted")

    def label_pages(self, pages: Sequence[Page]) -> list[Page]:
        """Copies of the pages with every block's label and score (the label's probability) set."""
        out = []
        for page, probs in zip(pages, self.predict_proba(pages)):
            labeled = copy.copy(page)
            labeled.blocks = [copy.copy(b) for b in page.blocks]
            for b, d in zip(labeled.blocks, probs):
                b.label = max(d, key=d.get)
                b.score = float(d[b.label])
            out.append(labeled)
        return out

    def label_page(self, page: Page) -> Page:
        return self.label_pages([page])[0]
