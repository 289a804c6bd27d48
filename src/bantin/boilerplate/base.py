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
from typing import TYPE_CHECKING

from bantin.blocks import Page
from bantin.errors import BantinInputError, BantinModelError
from bantin.labels import CONTENT_LABELS, LABELS
from bantin.models.base import Estimator

if TYPE_CHECKING:
    from bantin.boilerplate.calibration import Calibration


def content_probability(probs: dict[str, float]) -> float:
    """P(content) of one block: the sum of its content labels' probabilities."""
    return float(min(1.0, sum(v for k, v in probs.items() if k in CONTENT_LABELS)))


def check_training_pages(pages: Sequence[Page]) -> None:
    if not pages:
        raise BantinInputError("no training pages")
    for p in pages:
        for b in p.blocks:
            if b.label not in LABELS:
                raise BantinInputError(f"page {p.id}: block {b.index} has no valid label ({b.label!r})")


class BlockLabeler(Estimator):
    """Base class of the boilerplate models (rules, CRF, transformer).

    With a ``calibration`` (fitted on held-out pages, saved as ``calibration.json``), a block's score is the
    calibrated probability that its content/boilerplate decision is right, and a page unlike the training
    pages gets a warning in ``page.meta["warnings"]`` (see ``bantin.boilerplate.calibration``).
    """

    task = "boilerplate"
    calibration: Calibration | None = None

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
            out.append(self.finish_page(labeled, [content_probability(d) for d in probs]))
        return out

    def content_proba(self, pages: Sequence[Page]) -> list[list[float]]:
        """Raw (uncalibrated) probability that each block is article content."""
        return [[content_probability(d) for d in page] for page in self.predict_proba(pages)]

    def finish_page(self, labeled: Page, p_content: Sequence[float]) -> Page:
        """Apply the calibration to a labeled page (scores, out-of-distribution warning); no-op without one."""
        if self.calibration is None or not labeled.blocks:
            return labeled
        calibrated = self.calibration(p_content).tolist()
        for b, pc in zip(labeled.blocks, calibrated):
            b.score = pc if b.label in CONTENT_LABELS else 1.0 - pc
        warning = self.calibration.warning(p_content)
        if warning:
            labeled.meta = {**labeled.meta, "warnings": [*labeled.meta.get("warnings", []), warning]}
        return labeled

    def save(self, path):
        out = super().save(path)
        from bantin.boilerplate.calibration import CALIBRATION_FILE

        if self.calibration is not None:
            self.calibration.save(out)
        elif (out / CALIBRATION_FILE).exists():
            (out / CALIBRATION_FILE).unlink()  # a stale calibration of an earlier model
        return out

    def _load_extras(self, path) -> None:
        from bantin.boilerplate.calibration import Calibration

        self.calibration = Calibration.load(path)

    def label_page(self, page: Page) -> Page:
        return self.label_pages([page])[0]
