"""The rules baseline: marker headings, timestamps, repetition and position, no training.

Reading order of a Vietnamese news page: site chrome, the title, a date/byline, the lead, body paragraphs
with photo captions, the author, then boilerplate sections opened by a marker heading ("Tin khác",
"Nên xem", "Có thể bạn quan tâm"...) that list other articles (titles, teasers, timestamps), then the footer.
The rules follow that order; ``fit`` only records the label set.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bantin.blocks import Page
from bantin.boilerplate.base import BlockLabeler
from bantin.boilerplate.features import page_features
from bantin.labels import LABELS


class RulesLabeler(BlockLabeler):
    kind = "rules"

    def __init__(self, min_body_syllables: int = 12) -> None:
        super().__init__()
        self.min_body_syllables = min_body_syllables
        self.labels = list(LABELS)

    def get_config(self) -> dict:
        return {"min_body_syllables": self.min_body_syllables}

    def fit(self, pages: Sequence[Page]) -> RulesLabeler:
        return self

    def _save_weights(self, path: Path) -> None:  # nothing learned
        pass

    def _load_weights(self, path: Path) -> None:
        pass

    def card_details(self) -> str:
        return "## Method\n\nHand-written rules (marker headings, timestamps, repetition, position); a baseline, not trained."

    def label_one(self, page: Page) -> list[str]:
        feats = page_features(page, window=0)
        n = len(feats)
        out = ["body"] * n
        title_i = next((i for i, f in enumerate(feats) if f.get("is_title_guess")), 0)
        lead_done = False
        in_boilerplate = False
        for i, (b, f) in enumerate(zip(page.blocks, feats)):
            nsyl = len(b.text.split())
            ended = f["end"] in ("p", "q")
            if f.get("empty"):
                out[i] = "noise"
            elif i < title_i:
                out[i] = "nav"
            elif i == title_i:
                out[i] = "title"
            elif f.get("marker"):
                out[i] = "section_heading"
                in_boilerplate = True
            elif f.get("copyright") or (f.get("nav_vocab") in ("3", "4") and nsyl <= 12) or f.get("url"):
                out[i] = "nav"
            elif in_boilerplate:
                out[i] = "related"
            elif f.get("slug_of_title") or (f.get("viet_marks") == "0" and nsyl >= 4):
                out[i] = "noise"
            elif f.get("same_title") or f.get("dup_next") or f.get("dup_prev"):
                out[i] = "related"
            elif f.get("date_line") or (f.get("short_ts") and i - title_i <= 3):
                out[i] = "byline"
            elif f.get("caption_cue") or f.get("trailing_pipe") or f.get("is_caption") or (i > 0 and page.blocks[i - 1].hints.get("image_marker") and not ended):
                out[i] = "caption"
            elif f.get("byline_start") or f.get("initials") or (nsyl <= 5 and not ended and f["long_before"] > 0.9 and f.get("first_upper")):
                out[i] = "byline"
            elif not lead_done and nsyl >= self.min_body_syllables:
                out[i] = "lead"
                lead_done = True
            elif nsyl >= self.min_body_syllables or ended or f["long_after"] > 0.0:
                out[i] = "body"
                lead_done = True
            else:
                out[i] = "nav" if f["long_before"] > 0.99 or f["long_after"] == 0.0 else "body"
        return out

    def predict_proba(self, pages: Sequence[Page]) -> list[list[dict[str, float]]]:
        return [[{lab: float(lab == y) for lab in self.labels} for y in self.label_one(p)] for p in pages]
