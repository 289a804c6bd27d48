"""Splits by site template and by source article: nothing of a test page (its article, its layout, its
related-item filler) is seen in training; val likewise."""

from __future__ import annotations

from bantin.data.builder.generated import ensure_generated, is_generated
from bantin.data.builder.sources import SPLITS
from bantin.data.builder.templates import TEMPLATES
from bantin.errors import BantinInputError


def template_splits(templates: list[str], val_templates: list[str], test_templates: list[str]) -> dict[str, list[str]]:
    """{'train': [...], 'val': [...], 'test': [...]}: train gets every template not held out for val or test.

    Generated styles (gen000, ...) are registered on first use.
    """
    ensure_generated(list(templates) + list(val_templates) + list(test_templates))
    unknown = [t for t in list(templates) + list(val_templates) + list(test_templates) if t not in TEMPLATES]
    if unknown:
        raise BantinInputError(f"unknown template(s) {', '.join(sorted(set(unknown)))}; known: {', '.join(TEMPLATES)}")
    missing = [t for t in list(val_templates) + list(test_templates) if t not in templates]
    if missing:
        raise BantinInputError(f"val/test template(s) {', '.join(missing)} are not in templates")
    overlap = set(val_templates) & set(test_templates)
    if overlap:
        raise BantinInputError(f"template(s) {', '.join(sorted(overlap))} are in both val_templates and test_templates")
    held = set(val_templates) | set(test_templates)
    out = {"train": [t for t in templates if t not in held], "val": list(val_templates), "test": list(test_templates)}
    for split in SPLITS:
        if not out[split]:
            raise BantinInputError(f"no template left for the {split} split; change templates/val_templates/test_templates")
    return out


def slot_template(templates: list[str], i: int, generated_share: float) -> str:
    """The template of page slot i of a split: ``generated_share`` of the slots go to the generated styles, the rest
    to the hand-written templates, each group cycled in order (exact shares, independent of the other slots)."""
    gen = [t for t in templates if is_generated(t)]
    hand = [t for t in templates if not is_generated(t)]
    if not gen or not hand:
        return templates[i % len(templates)]
    n_gen_before = int(i * generated_share)
    if int((i + 1) * generated_share) > n_gen_before:
        return gen[n_gen_before % len(gen)]
    return hand[(i - n_gen_before) % len(hand)]
