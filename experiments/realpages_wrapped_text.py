"""Hard-wrapped plain text on the real pages: what reflow gains.

lynx/w3m-style dumps and e-mail are plain text hard-wrapped at ~72 columns. No converter in bantin.data.forms
writes that form, so it is made here from each real page's block dump (``realpages/txt``): every block wrapped
with ``textwrap.fill(width=72)``, blocks separated by a blank line (``--dense``: no blank line, as in e-mail
quotes). The same model scores it parsed as lines (one block per wrapped line, what bantin did before) and
parsed by ``parse_page`` (detected as wrapped and reflowed). A test set: nothing is tuned on it.

    PYTHONPATH=src python experiments/realpages_wrapped_text.py [--model default] [--dense]
"""

from __future__ import annotations

import argparse
import textwrap
import time

from bantin.blocks import parse_page
from bantin.blocks.text_parser import parse_text
from bantin.boilerplate.extract import extract_article
from bantin.boilerplate.realpages import load_realpages, score_system
from bantin.models import load_model
from bantin.tracking import record_run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="default")
    ap.add_argument("--width", type=int, default=72)
    ap.add_argument("--dense", action="store_true")
    args = ap.parse_args()
    from bantin.pipeline import Pipeline

    model = Pipeline.load(stages=["clean"]).boilerplate if args.model == "default" else load_model(args.model)
    pages = load_realpages()
    sep = "\n" if args.dense else "\n\n"
    inputs = {p.id: sep.join(textwrap.fill(ln, args.width) for ln in p.txt.splitlines() if ln.strip()) + "\n" for p in pages}
    runs = {
        "as_lines": lambda text, form: extract_article(model.label_page(parse_text(text))).text,
        "parse_page": lambda text, form: extract_article(model.label_page(parse_page(text))).text,
    }
    detected = sum(parse_page(t).meta.get("reflowed", False) for t in inputs.values())
    form = f"txt_wrapped{args.width}" + ("_dense" if args.dense else "")
    for name, run in runs.items():
        t0 = time.perf_counter()
        res = score_system(run, pages, "txt", inputs=inputs)
        print(f"{form:22s} {name:10s} token_f1={res['token_f1']:.4f} (n={res['n_pages']}, detected wrapped {detected})")
        record_run(task="boilerplate", kind="evaluate", model=f"{args.model}:{name}", dataset="realpages", split=form,
                   metrics={"token_f1": round(res["token_f1"], 4), "token_precision": round(res["token_precision"], 4),
                            "token_recall": round(res["token_recall"], 4), "n_pages": res["n_pages"],
                            "detected_wrapped": detected},
                   duration_s=round(time.perf_counter() - t0, 2),
                   command="python experiments/realpages_wrapped_text.py " + " ".join(
                       [f"--model {args.model}", f"--width {args.width}"] + (["--dense"] if args.dense else [])))


if __name__ == "__main__":
    main()
