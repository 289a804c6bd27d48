"""Issue 12, seventh round: each general fix switched off in turn, on the real-page validation set and the test pages.

    python experiments/boilerplate_fix_ablation.py [--no-record]

The fixes: ``layout`` (prose lines far past the width veto "wrapped", ``bantin.blocks.reflow.detect_layout``),
``duplicates`` (a second copy of the article, ``crf.duplicate_content``), ``dates`` (date/time lines leave the
article text, ``ArticleText.text``), ``repeats`` (copies of a recurring text leave the tagged sequence,
``crf.repeated_copies``), ``comments`` (readers' comments between a comment widget's meta lines,
``crf.comment_content``); eighth round: ``alt texts`` (an image's file name, or markdownify's alt text of an image
inside a table cell, written as text: ``crf.alt_text_content``), ``share links`` (share links whose destination holds
spaces and a title or is broken by html2text's wrap at a space stay links: ``markdown_parser._SPACED_DEST_TITLE``,
``_BROKEN_SPACED_DEST``); the comment meta lines that carry the widget's actions ("... trước Thích 51") are part of
``comments``, as is the section's heading ("Ý kiến bạn đọc (5)") opening it; ``date bylines`` (a content block that is
only a date or a relative time becomes a byline: ``crf.is_date_line`` in the consistency pass). Token F1 per form of the embedded default, with all fixes and with all but one; the
validation set chose, the test pages report. Records ``kind="experiment"`` in experiments/results.jsonl.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys

import bantin.blocks as B
from bantin.boilerplate.evaluation import _load
from bantin.boilerplate.extract import extract_article
from bantin.boilerplate.realpages import FORM_KIND, load_realpages, page_form, token_prf
from bantin.tracking import record_run

R = importlib.import_module("bantin.blocks.reflow")  # (bantin.blocks.reflow is also a function's name)
MP = importlib.import_module("bantin.blocks.markdown_parser")
NEVER = re.compile(r"(?!x)x")
C = importlib.import_module("bantin.boilerplate.crf")
FORMS = ["html", "txt", "markdown", "markdown78", "markdownify", "inscriptis", "lxml_text"]
ORIG_DETECT, ORIG_DUP, ORIG_REP, ORIG_COM, ORIG_ALT = (R.detect_layout, C.duplicate_content, C._first_occurrences,
                                                     C.comment_content, C.alt_text_content)
ORIG_SHARE = (MP._SPACED_DEST_TITLE, MP._BROKEN_SPACED_DEST)
ORIG_DATE_LINE = C.is_date_line
ABLATIONS = ["all fixes", "without layout", "without duplicates", "without dates", "without repeats", "without comments",
             "without alt texts", "without share links", "without date bylines"]


def _detect_before(text: str, max_lines: int = 5000):
    """detect_layout as it was: the prose-line veto undone."""
    lay = ORIG_DETECT(text, max_lines)
    ev = lay.evidence or {}
    if (lay.kind == "lines" and ev.get("unwrapped", 0) >= 2 and ev["wraps"] >= 4 and ev["wraps"] >= 0.8 * ev["near_width"]
            and ev["over"] <= 0.03 * ev["lines"]):
        return R.Layout("wrapped", width=ev["width"], evidence=ev)
    return lay


def score(model, pages, with_dates: bool) -> dict[str, float]:
    out = {}
    for form in FORMS:
        f1 = []
        for p in pages:
            art = extract_article(model.label_page(B.parse_page(page_form(p, form), kind=FORM_KIND[form])))
            f1.append(token_prf("\n".join(art.content) if with_dates else art.text, p.gold)["f1"])
        out[form] = round(sum(f1) / len(f1), 4)
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--realval", default="data/realval")
    ap.add_argument("--no-record", action="store_true")
    ap.add_argument("--only", nargs="*", choices=ABLATIONS, default=ABLATIONS, help="these rows only")
    args = ap.parse_args(argv)
    model = _load("default")
    sets = {"realval": load_realpages(args.realval), "realpages": load_realpages()}
    command = "python experiments/boilerplate_fix_ablation.py " + " ".join(sys.argv[1:] if argv is None else argv)
    for name in args.only:
        B.detect_layout = _detect_before if name == "without layout" else ORIG_DETECT
        C.duplicate_content = (lambda labels, texts: []) if name == "without duplicates" else ORIG_DUP
        # (the labeler finds the copies with _first_occurrences; repeated_copies is its list form)
        C._first_occurrences = (lambda texts: {}) if name == "without repeats" else ORIG_REP
        C.comment_content = (lambda labels, texts: []) if name == "without comments" else ORIG_COM
        C.alt_text_content = (lambda labels, texts, tables, images=None: []) if name == "without alt texts" else ORIG_ALT
        MP._SPACED_DEST_TITLE, MP._BROKEN_SPACED_DEST = (NEVER, NEVER) if name == "without share links" else ORIG_SHARE
        C.is_date_line = (lambda text: False) if name == "without date bylines" else ORIG_DATE_LINE
        for dataset, pages in sets.items():
            s = score(model, pages, with_dates=name == "without dates")
            print(f"{name:20s} {dataset:10s} {s}", flush=True)
            if not args.no_record:
                for form, f1 in s.items():
                    record_run(task="boilerplate", kind="experiment", model=f"crf:default ({name})", dataset=dataset, split=form,
                               metrics={"token_f1": f1, "n_pages": len(pages)}, command=command)
    B.detect_layout, C.duplicate_content, C._first_occurrences, C.comment_content, C.alt_text_content = (
        ORIG_DETECT, ORIG_DUP, ORIG_REP, ORIG_COM, ORIG_ALT)
    MP._SPACED_DEST_TITLE, MP._BROKEN_SPACED_DEST = ORIG_SHARE
    C.is_date_line = ORIG_DATE_LINE


if __name__ == "__main__":
    main()
