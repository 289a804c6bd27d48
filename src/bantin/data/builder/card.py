"""Dataset card: card.json (machine-readable) and card.md (the same figures as tables)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bantin.labels import LABELS


def _table(rows: dict[str, dict[str, int]], cols: list[str], first: str) -> list[str]:
    lines = [f"| {first} | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
    for name, counts in rows.items():
        lines.append(f"| {name} | " + " | ".join(str(counts.get(c, 0)) for c in cols) + " |")
    return lines


def write_card(out_dir: Path, card: dict[str, Any]) -> None:
    (out_dir / "card.json").write_text(json.dumps(card, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    splits = list(card["splits"])
    md = [
        "# Built page dataset (bantin)",
        "",
        (
            "Synthetic but realistic Vietnamese news pages: real article text (title, lead, body) from public corpora laid out "
            "in the templates of several news sites, with boilerplate (related titles and teasers from *other* articles, section "
            "headings, menus, share bars, footers, image markers, alt-text slugs). Every page is stored as flattened crawler "
            "text with one label per `bantin.blocks.parse_text` block, and as HTML with one label per `parse_html` block."
        ),
        "",
        (
            "Splits are disjoint by source article (partitioned by corpus id) **and** by site template; the related-item "
            "filler of a split comes from that split's article partition only. `bantin.data.dataset.leave_one_template_out` "
            "gives a template-level cross-validation over all pages."
        ),
        "",
        (
            f"Seed {card['config']['seed']}; config hash `{card['config_hash']}` (build time: build_time.json, kept out of "
            "the card so that the same build gives the same card)."
        ),
        "",
        "## Pages",
        "",
    ]
    md += _table({s: {"pages": card["splits"][s]["pages"], "blocks": card["splits"][s]["blocks"],
                      "html_blocks": card["splits"][s]["html_blocks"], "nfd_pages": card["splits"][s]["nfd_pages"],
                      "articles": card["splits"][s]["articles"], "articles_reused": card["splits"][s]["articles_reused"]}
                  for s in splits}, ["pages", "blocks", "html_blocks", "nfd_pages", "articles", "articles_reused"], "split")
    md += ["", "## Templates per split (pages)", ""]
    templates = sorted({t for s in splits for t in card["splits"][s]["templates"]})
    md += _table({s: card["splits"][s]["templates"] for s in splits}, templates, "split")
    md += ["", "## Corpora per split (pages)", ""]
    corpora = sorted({t for s in splits for t in card["splits"][s]["corpora"]})
    md += _table({s: card["splits"][s]["corpora"] for s in splits}, corpora, "split")
    md += ["", "## Labels per split (flattened-text blocks)", ""]
    md += _table({s: card["splits"][s]["labels"] for s in splits}, list(LABELS), "split")
    md += ["", "## Labels per split (HTML blocks)", ""]
    md += _table({s: card["splits"][s]["html_labels"] for s in splits}, list(LABELS), "split")
    forms = sorted({f for s in splits for f in card["splits"][s].get("forms", {})})
    if forms:
        md += ["", "## Converter forms (pages / blocks)", "",
               "Each page's HTML rendered through the converters of `bantin.data.forms` (record field `forms`), labels "
               "carried over from the HTML blocks by `bantin.data.align` (unmatched text: `noise`); a form aligned below "
               "`form_min_matched` is left out of its page. Load with `load_pages(dir, kind=<form>)`.", ""]
        md += _table({s: {f: f"{v['pages']} / {v['blocks']}" for f, v in card["splits"][s].get("forms", {}).items()} for s in splits},
                     forms, "split")
    md += ["", "## Labels per template (flattened text)", ""]
    md += _table(card["labels_per_template"], list(LABELS), "template")
    md += ["", "## Dropped pages", "",
           "Pages whose labels did not align 1:1 with the parsers are dropped and counted here (never silently).", ""]
    dropped = card["dropped"]
    md.append(f"Total: {dropped['total']}")
    for reason, n in dropped["by_reason"].items():
        md.append(f"- {reason}: {n}")
    for ex in dropped["examples"]:
        md.append(f"- example: `{ex}`")
    md += ["", "## Source articles", ""]
    for name, st in card["sources"].items():
        md.append(f"- {name}: {json.dumps(st, ensure_ascii=False)}")
    md += ["", "Articles per partition: " + json.dumps(card["partitions"]), "", "## Config", "", "```json",
           json.dumps(card["config"], ensure_ascii=False, indent=2), "```", ""]
    (out_dir / "card.md").write_text("\n".join(md), encoding="utf-8")
