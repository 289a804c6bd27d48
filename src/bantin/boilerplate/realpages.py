"""Real pages of real sites (``../shared/realpages``): the test that counts for boilerplate removal.

Each page is scored in every form crawlers emit (``bantin.data.forms``): its HTML, its block dump
(``realpages/txt``), and the forms rendered from its HTML with the real converters (html2text with and
without its 78-column wrap, markdownify, inscriptis, lxml ``text_content()``). The score is the token
F1 of the extracted article against the gold article (bag of lower-cased ``\\w+`` syllables after NFC,
as the realpages README prescribes), mean per page.

Systems:

* a bantin model (``default``, ``rules`` or a model directory): ``parse_page(text, kind)`` -> label ->
  ``extract_article`` -- exactly the cleaning step of ``bantin analyze``;
* ``uncleaned``: the whole input as it came (for HTML: its visible text, ``lxml_text``); a cleaner that
  scores below this on a page did harm;
* ``trafilatura`` and ``justext``: on the HTML, and on the text forms with each line wrapped as ``<p>``.

This folder is a **test set**: nothing here trains a model or tunes a rule.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bantin.data.forms import FORM_KIND, FORMS, lines_as_html, render_form
from bantin.data.paths import shared_data_dir
from bantin.errors import BantinDataError, BantinError, BantinInputError
from bantin.metrics.extraction import token_prf

#: systems other than bantin models
REFERENCE_SYSTEMS = ("uncleaned", "trafilatura", "justext")


@dataclass
class RealPage:
    id: str
    site: str
    html: str
    txt: str
    gold: str


def realpages_dir(path: str | Path | None = None) -> Path:
    """``path`` > ``$BANTIN_REALPAGES_DIR`` > ``realpages/`` beside the public corpora folder (``../shared``)."""
    import os

    if path:
        return Path(path)
    env = os.environ.get("BANTIN_REALPAGES_DIR")
    return Path(env) if env else shared_data_dir().parent / "realpages"


def load_realpages(path: str | Path | None = None) -> list[RealPage]:
    root = realpages_dir(path)
    gold_file = root / "gold.jsonl"
    if not gold_file.exists():
        raise BantinDataError(f"no real pages at {root} (expected gold.jsonl, html/, txt/); set BANTIN_REALPAGES_DIR")
    pages = []
    for line in gold_file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        pid = rec["id"]
        pages.append(RealPage(id=pid, site=rec.get("site", pid.split("__")[0]), gold=rec["gold"],
                              html=(root / "html" / f"{pid}.html").read_text(encoding="utf-8", errors="replace"),
                              txt=(root / "txt" / f"{pid}.txt").read_text(encoding="utf-8", errors="replace")))
    return pages


def page_form(page: RealPage, form: str) -> str:
    """The page in one form: the stored HTML and block dump, the others rendered from the HTML."""
    if form == "html":
        return page.html
    if form == "txt":
        return page.txt
    return render_form(page.html, form)


# -- systems: each maps (input text, form) -> extracted article text -----------------------------------

class ModelSystem:
    """A bantin labeler as a system: parse -> label -> extract. Keeps the last page's blocks as
    (text, P(content)) for the calibration figures: with a calibrated model, P(content) is the calibrated
    probability; without one, the label's raw probability (1 - it for boilerplate labels)."""

    def __init__(self, model) -> None:
        self.model = model
        self.last_blocks: list[tuple[str, float]] = []
        self.last_warnings: list[str] = []

    def __call__(self, text: str, form: str) -> str:
        from bantin.blocks import parse_page
        from bantin.boilerplate.extract import extract_article
        from bantin.labels import CONTENT_LABELS

        labeled = self.model.label_page(parse_page(text, kind=FORM_KIND[form]))
        self.last_blocks = [(b.text, float(b.score) if b.label in CONTENT_LABELS else 1.0 - float(b.score)) for b in labeled.blocks]
        self.last_warnings = list(labeled.meta.get("warnings", []))
        return extract_article(labeled).text


def model_system(model) -> ModelSystem:
    return ModelSystem(model)


def _norm_tokens(text: str) -> str:
    from bantin.text.tokenize import syllables

    return " ".join(syllables(text))


def block_gold(blocks_text: Sequence[str], gold: str) -> list[bool]:
    """Which blocks hold gold article text: a block of 4+ syllables whose syllables occur in order in the gold
    article, or a shorter one equal to a whole gold line. (Blocks without syllables count as boilerplate.)"""
    gold_norm = " " + " ".join(_norm_tokens(line) for line in gold.splitlines()) + " "
    gold_lines = {_norm_tokens(line) for line in gold.splitlines()}
    out = []
    for t in blocks_text:
        n = _norm_tokens(t)
        out.append(bool(n) and ((n.count(" ") >= 3 and f" {n} " in gold_norm) or n in gold_lines))
    return out


def reference_system(name: str) -> Callable[[str, str], str]:
    if name == "uncleaned":
        return lambda text, form: render_form(text, "lxml_text") if form == "html" else text
    if name in ("trafilatura", "justext"):
        from bantin.boilerplate.baselines import BASELINES

        extractor = BASELINES[name]()  # the same settings as everywhere else in the evaluation
        return lambda text, form: extractor.extract(text if form == "html" else lines_as_html(text))
    raise BantinInputError(f"unknown reference system {name!r}; expected one of {', '.join(REFERENCE_SYSTEMS)}")


# -- scoring ----------------------------------------------------------------------------------------

def score_system(run: Callable[[str, str], str], pages: Sequence[RealPage], form: str,
                 inputs: dict[str, str] | None = None) -> dict[str, Any]:
    """Per-page token P/R/F1 of one system on one form; a page whose input fails is scored 0 and listed."""
    from bantin.boilerplate.calibration import expected_calibration_error

    per_page: dict[str, dict[str, float]] = {}
    errors: dict[str, str] = {}
    probs: list[float] = []
    truth: list[bool] = []
    warned: list[str] = []
    t0 = time.perf_counter()
    for p in pages:
        text = inputs[p.id] if inputs else page_form(p, form)
        try:
            out = run(text, form)
        except BantinError as exc:
            errors[p.id] = str(exc)
            out = ""
        else:
            if isinstance(run, ModelSystem):
                probs += [pc for _, pc in run.last_blocks]
                truth += block_gold([t for t, _ in run.last_blocks], p.gold)
                if run.last_warnings:
                    warned.append(p.id)
        per_page[p.id] = token_prf(out, p.gold)
    dt = time.perf_counter() - t0
    n = len(per_page) or 1
    calibration: dict[str, Any] = {}
    if probs:
        ece, bins = expected_calibration_error(probs, truth)
        calibration = {"ece": ece, "reliability": bins, "n_blocks": len(probs), "warned_pages": warned,
                       "share_warned": len(warned) / n}
    return {
        **({"calibration": calibration} if calibration else {}),
        "token_f1": sum(s["f1"] for s in per_page.values()) / n,
        "token_precision": sum(s["precision"] for s in per_page.values()) / n,
        "token_recall": sum(s["recall"] for s in per_page.values()) / n,
        "n_pages": len(per_page),
        "n_errors": len(errors),
        "pages_per_s": len(per_page) / dt if dt > 0 else 0.0,
        "per_page": per_page,
        "errors": errors,
    }


def summarize_form(results: dict[str, dict[str, Any]], pages: Sequence[RealPage], n_worst: int = 5) -> dict[str, dict[str, Any]]:
    """Add per-site means, the worst pages and the share of pages scored below their uncleaned input."""
    site_of = {p.id: p.site for p in pages}
    base = results.get("uncleaned", {}).get("per_page", {})
    for res in results.values():
        per_page = res["per_page"]
        by_site: dict[str, list[float]] = defaultdict(list)
        for pid, s in per_page.items():
            by_site[site_of[pid]].append(s["f1"])
        res["per_site"] = {site: sum(v) / len(v) for site, v in sorted(by_site.items())}
        res["worst"] = sorted(((pid, round(s["f1"], 4)) for pid, s in per_page.items()), key=lambda x: x[1])[:n_worst]
        if base:
            below = [pid for pid, s in per_page.items() if pid in base and s["f1"] < base[pid]["f1"] - 1e-9]
            res["share_below_uncleaned"] = len(below) / len(per_page) if per_page else 0.0
            res["below_uncleaned"] = below
    return results


def evaluate_realpages(systems: dict[str, Callable[[str, str], str]], forms: Sequence[str] = FORMS,
                       path: str | Path | None = None, pages: Sequence[RealPage] | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    """{form: {system: scores}} for every form and system (the ``uncleaned`` reference is always included)."""
    unknown = set(forms) - set(FORMS)
    if unknown:
        raise BantinInputError(f"unknown form(s) {', '.join(sorted(unknown))}; expected some of {', '.join(FORMS)}")
    pages = list(pages) if pages is not None else load_realpages(path)
    systems = {"uncleaned": reference_system("uncleaned"), **systems}
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for form in forms:
        inputs = {p.id: page_form(p, form) for p in pages}
        results = {name: score_system(run, pages, form, inputs) for name, run in systems.items()}
        out[form] = summarize_form(results, pages)
    return out


def realpages_table(by_form: dict[str, dict[str, dict[str, Any]]], where: str | None = None) -> str:
    """Markdown: token F1 per form and system, the share of pages below uncleaned, the per-site table and the
    worst pages of each bantin model. ``where``: the page folder named in the title (None: the test set)."""
    systems = list(dict.fromkeys(s for res in by_form.values() for s in res))
    lines = [f"# Boilerplate removal on real pages (`{where or '../shared/realpages'}`)", "",
             "Generated by `bantin evaluate boilerplate` (split `realpages`). Token F1 of the extracted article against "
             "the gold article, mean per page; in brackets, the share of pages scored below their uncleaned input. "
             "trafilatura and jusText get the HTML, or the text forms with each line wrapped as `<p>`.", "",
             "| form | " + " | ".join(systems) + " |", "|---|" + "---|" * len(systems)]
    for form, res in by_form.items():
        cells = []
        for s in systems:
            r = res.get(s)
            if r is None:
                cells.append("")
                continue
            below = r.get("share_below_uncleaned")
            cells.append(f"{r['token_f1']:.3f}" + (f" ({below:.0%})" if below is not None and s != "uncleaned" else ""))
        lines.append(f"| {form} | " + " | ".join(cells) + " |")
    cal = [(form, s, r["calibration"]) for form, res in by_form.items() for s, r in res.items() if "calibration" in r]
    if cal:
        lines += ["", "Block scores: expected calibration error (10 bins) against block labels derived from the gold text, and the "
                  "share of pages that got the out-of-distribution warning.", "", "| form | system | ECE | pages warned |", "|---|---|---|---|"]
        lines += [f"| {form} | {s} | {c['ece']:.3f} | {c['share_warned']:.0%} |" for form, s, c in cal]
    for s in systems:
        if s in REFERENCE_SYSTEMS:
            continue
        sites = sorted({site for res in by_form.values() if s in res for site in res[s]["per_site"]})
        lines += ["", f"## {s}: per site (token F1)", "", "| site | " + " | ".join(by_form) + " |", "|---|" + "---|" * len(by_form)]
        for site in sites:
            lines.append(f"| {site} | " + " | ".join(f"{by_form[f][s]['per_site'].get(site, float('nan')):.3f}" if s in by_form[f] else ""
                                                     for f in by_form) + " |")
        lines += ["", f"Worst pages of {s}:", ""]
        for form, res in by_form.items():
            if s in res:
                lines.append(f"- {form}: " + ", ".join(f"{pid} {f1:.3f}" for pid, f1 in res[s]["worst"]))
    return "\n".join(lines) + "\n"
