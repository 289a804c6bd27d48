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


def _generated_styles(card: dict[str, Any]) -> list[str]:
    """One row per generated site style: what its layout was drawn as (see bantin.data.builder.generated)."""
    from bantin.data.builder.generated import is_generated, style_for

    rows = [(split, name) for split, names in card.get("template_splits", {}).items() for name in names if is_generated(name)]
    if not rows:
        return []
    md = ["", "## Generated site styles", "",
          "Each `genNNN` template is one randomized site layout, drawn from its name (builder/generated.py).", "",
          "| style | split | mobile | layout | class names | lists | paragraphs | menu | menu links | sidebar |",
          "|---|---|---|---|---|---|---|---|---:|---|"]
    for split, name in rows:
        st = style_for(name)
        links = sum(1 + len(subs) for _, subs in st.menu)
        md.append(f"| {name} | {split} | {'yes' if st.mobile else 'no'} | {st.layout} | {st.naming} | {st.list_markup} | {st.p_markup} | "
                  f"{st.menu_markup} | {links} | {st.sidebar_pos} |")
    return md


def write_card(out_dir: Path, card: dict[str, Any]) -> None:
    (out_dir / "card.json").write_text(json.dumps(card, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    splits = list(card["splits"])
    md = [
        "# Built page dataset (bantin)",
        "",
        (
            "Synthetic but realistic Vietnamese news pages: real article text (title, lead, body) from public corpora laid out "
            "in the templates of several news sites and in randomized generated site styles (`genNNN`), with boilerplate (related titles and teasers from *other* articles, section "
            "headings, menus and mega-menus, breadcrumbs, tags, 'most read' lists, comments, share/login/newsletter prompts, "
            "ads, video and photo strips, widgets, footers with addresses and licence lines, image markers, alt-text slugs). Every page is stored as flattened crawler "
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
    md += _table({t: {s: card["splits"][s]["templates"].get(t, 0) for s in splits} for t in templates}, splits, "template")
    md += _generated_styles(card)
    md += ["", "## Corpora per split (pages)", ""]
    corpora = sorted({t for s in splits for t in card["splits"][s]["corpora"]})
    md += _table({s: card["splits"][s]["corpora"] for s in splits}, corpora, "split")
    md += ["", "## Labels per split (flattened-text blocks)", ""]
    md += _table({s: card["splits"][s]["labels"] for s in splits}, list(LABELS), "split")
    md += ["", "## Labels per split (HTML blocks)", ""]
    md += _table({s: card["splits"][s]["html_labels"] for s in splits}, list(LABELS), "split")
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
