"""Issue 12: do several CRFs together beat one? Averaged marginals (an ensemble) and averaged weights (a "soup").

    python experiments/boilerplate_ensemble.py --models default runs/bp6-A runs/bp6-C [--val-dir data/built/pages] [--realval data/realval] [--real]

Systems scored, each on the seed pages (binary F1), the built val split (binary F1 per form; held-out articles and site styles) and, with
--realval, on the real-page validation set (token F1 per form: for choosing), and with --real, on ../shared/realpages
(token F1 per form, a test set: reported, never used to choose):
- ``single``: the first model as shipped (Viterbi labels);
- ``ensemble``: the models' per-block marginals averaged; a block is content when its averaged P(content) is at
  least 0.5, labeled with the likeliest label of that side; the page-level consistency pass as shipped;
- ``soup``: one CRF whose weights are the models' averaged weights (the first model's features only, so that it
  could be written into the first model's file: crfsuite reads its feature table as is), tagged by a numpy Viterbi
  that reproduces crfsuite's (checked: identical tags for the first model alone).
Every figure is recorded in experiments/results.jsonl (kind="experiment").
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402

FORMS_VAL = ["text", "html", "markdown", "markdown78", "markdownify", "inscriptis", "lxml_text"]
FORMS_REAL = ["html", "txt", "markdown", "markdown78", "markdownify", "inscriptis", "lxml_text"]


def _attributes(item, prefix: str = ""):
    """(attribute name, value) of one item, by python-crfsuite's conventions: ``{k: "v"}`` -> ``k:v`` (1.0), ``{k: x}``
    -> ``k`` (x), ``{k: [a, b]}`` -> ``k:a``, ``k:b`` (1.0), ``{k: {...}}`` -> ``k:`` before each name of the inner item."""
    if not isinstance(item, dict):  # a list of names
        for name in item:
            yield prefix + name, 1.0
        return
    for key, v in item.items():
        if isinstance(v, str):
            yield f"{prefix}{key}:{v}", 1.0
        elif isinstance(v, (dict, list, tuple, set)):
            yield from _attributes(v, f"{prefix}{key}:")
        else:
            yield prefix + key, float(v)


class _Labeler:
    """label_pages() for a list of CRFLabelers, combined as ``mode`` (single, ensemble, soup)."""

    def __init__(self, models, mode: str) -> None:
        from bantin.labels import CONTENT_LABELS

        self.models, self.mode, self.content = models, mode, CONTENT_LABELS
        if mode == "soup":
            labels = list(models[0].labels)
            self.labels = labels
            li = {lab: i for i, lab in enumerate(labels)}
            base = models[0]._tagger.info().state_features
            self.w = {a: np.zeros(len(labels)) for a, _ in base}
            self.t = np.zeros((len(labels), len(labels)))
            for m in models:
                info = m._tagger.info()
                for (a, lab), v in info.state_features.items():
                    if (a, lab) in base:
                        self.w[a][li[lab]] += v / len(models)
                for (a, b), v in info.transitions.items():
                    self.t[li[a], li[b]] += v / len(models)

    def _emissions(self, items) -> np.ndarray:
        e = np.zeros((len(items), len(self.labels)))
        for i, item in enumerate(items):
            for name, weight in _attributes(item):
                r = self.w.get(name)
                if r is not None:
                    e[i] += weight * r
        return e

    def _viterbi(self, e: np.ndarray) -> list[str]:
        dp, back = e[0].copy(), np.zeros(e.shape, dtype=int)
        for i in range(1, len(e)):
            s = dp[:, None] + self.t
            back[i] = s.argmax(0)
            dp = s.max(0) + e[i]
        path = [int(dp.argmax())]
        for i in range(len(e) - 1, 0, -1):
            path.append(int(back[i][path[-1]]))
        return [self.labels[k] for k in reversed(path)]

    def label_pages(self, pages):
        from bantin.boilerplate.crf import _copy_block

        m0 = self.models[0]
        if self.mode == "single":
            return m0.label_pages(pages)
        out = []
        for page in pages:
            labeled = copy.copy(page)
            labeled.blocks = []
            if page.blocks:
                items = m0._items(page)
                if self.mode == "soup":
                    tags = self._viterbi(self._emissions(items))
                else:
                    acc = [dict.fromkeys(m0.labels, 0.0) for _ in page.blocks]
                    for m in self.models:
                        tagger = m._tagger
                        tagger.set(items)
                        for i in range(len(page.blocks)):
                            for lab in m.labels:
                                acc[i][lab] = acc[i].get(lab, 0.0) + tagger.marginal(lab, i) / len(self.models)
                    tags = []
                    for a in acc:
                        side = (sum(v for lab, v in a.items() if lab in self.content) >= 0.5)
                        tags.append(max((lab for lab in a if (lab in self.content) == side), key=a.get))
                tags = m0._consistent(tags, page)
                labeled.blocks = [_copy_block(b, y) for b, y in zip(page.blocks, tags)]
            out.append(labeled)
        return out

    def label_page(self, page):
        return self.label_pages([page])[0]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", nargs="+", required=True, help="'default' or model directories; the first is the base")
    ap.add_argument("--modes", nargs="+", default=["single", "ensemble", "soup"])
    ap.add_argument("--val-dir", default="data/built/pages")
    ap.add_argument("--real", action="store_true", help="also score ../shared/realpages (test set: report only)")
    ap.add_argument("--realval", default=None, help="also score this real-page VALIDATION folder (data/realval: for choosing)")
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args(argv)

    from bantin.blocks import parse_page
    from bantin.boilerplate.data import load_seeds, load_split
    from bantin.boilerplate.evaluation import _load, score_labels
    from bantin.boilerplate.extract import extract_article
    from bantin.boilerplate.realpages import load_realpages, page_form, token_prf
    from bantin.data.forms import FORM_KIND
    from bantin.tracking import record_run

    models = [_load(s) for s in args.models]
    command = "python experiments/boilerplate_ensemble.py " + " ".join(sys.argv[1:] if argv is None else argv)
    name = "+".join(Path(s).name for s in args.models)
    for mode in args.modes:
        labeler = _Labeler(models, mode)
        model_name = f"crf {mode} of {name}" if mode != "single" else f"crf {Path(args.models[0]).name} (single)"
        scores = {}
        seeds = load_seeds()
        labeled = labeler.label_pages(seeds)
        m = score_labels(seeds, [[b.label for b in p.blocks] for p in labeled], [extract_article(p).text for p in labeled])
        scores["seeds"] = round(m["binary_f1"], 4)
        if not args.no_record:
            record_run(task="boilerplate", kind="experiment", model=model_name, dataset="seeds", split="seeds",
                       metrics={"binary_f1": m["binary_f1"], "token_f1": m["token_f1"]}, command=command)
        for kind in FORMS_VAL:
            pages = load_split(args.val_dir, "val", kind)
            labeled = labeler.label_pages(pages)
            texts = [extract_article(p).text for p in labeled]
            m = score_labels(pages, [[b.label for b in p.blocks] for p in labeled], texts)
            scores[f"val:{kind}"] = round(m["binary_f1"], 4)
            if not args.no_record:
                record_run(task="boilerplate", kind="experiment", model=model_name, dataset=str(args.val_dir), split=f"val:{kind}",
                           metrics={"binary_f1": m["binary_f1"], "token_f1": m["token_f1"]}, command=command)
        for real_dir, key, dataset in ([(args.realval, "realval", Path(args.realval).name)] if args.realval else []) + (
                [(None, "real", "realpages")] if args.real else []):
            pages = load_realpages(real_dir)
            for form in FORMS_REAL:
                f1 = [token_prf(extract_article(labeler.label_page(parse_page(page_form(p, form), kind=FORM_KIND[form]))).text, p.gold)["f1"]
                      for p in pages]
                scores[f"{key}:{form}"] = round(sum(f1) / len(f1), 4)
                if not args.no_record:
                    record_run(task="boilerplate", kind="experiment", model=model_name, dataset=dataset, split=form,
                               metrics={"token_f1": sum(f1) / len(f1), "n_pages": len(f1)}, command=command)
        print(model_name, scores, flush=True)


if __name__ == "__main__":
    main()
