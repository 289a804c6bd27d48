"""Where the era gate of an era-adapted topic model sends text from outside its two training corpora (a diagnostic).

    PYTHONPATH=src python experiments/topics_era_routing.py [--model-dir DIR]

Texts: 2,000 held-out modern full articles of baomoi_articles_2017 and 2,000 of vietnews val (unlabeled: the share
of answers in VNTC-only and in modern-only labels is reported, a shift, not an accuracy), the 26 gold articles of ../shared/realpages (news sites as served in 2012-2016: between VNTC's 2006 and
baomoi's 2018; read only, nothing is tuned on them) and the clean articles of data/samples (2020s pages, cleaned
by the default boilerplate model). Prints p(era | text) for each and records the mean and the share of texts
whose most likely era is each training corpus. No label is scored here.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from bantin.models import load_model
from bantin.topics import resolve_model_dir
from bantin.tracking import record_run

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", default="default")
    args = ap.parse_args()
    t0 = time.perf_counter()
    model = load_model(resolve_model_dir(args.model_dir), task="topics")
    gold = REPO.parent / "shared" / "realpages" / "gold.jsonl"
    sets: dict[str, list[tuple[str, str]]] = {}
    if gold.exists():
        rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
        sets["realpages gold (2012-2016)"] = [(r["id"], r["gold"]) for r in rows]
    from bantin.pipeline import Pipeline

    nlp = Pipeline.load(stages=("boilerplate",))
    samples = sorted(p for p in (REPO / "data" / "samples").iterdir() if p.suffix in (".txt", ".html"))
    sets["data/samples (2020s)"] = [(p.stem, nlp(p.read_text(encoding="utf-8")).clean_text) for p in samples]
    from bantin.topics.data import load_unlabeled

    # unlabeled modern full articles never trained on (the default's gate learned from baomoi_articles_2017[:20000])
    sets["baomoi_articles_2017[30000:32000]"] = [(str(i), t) for i, t in enumerate(load_unlabeled("baomoi_articles_2017", 2000, offset=30000))]
    sets["vietnews val[:2000]"] = [(str(i), t) for i, t in enumerate(load_unlabeled("vietnews", 2000, split="val"))]
    metrics, extra = {}, {"eras": model.eras}
    only = {"vntc_only": ("Thế giới", "Pháp luật", "Văn hóa"), "modern_only": ("Giáo dục", "Du lịch", "Việc làm")}
    for name, items in sets.items():
        items = [(i, t) for i, t in items if t and t.strip()]
        key = name.split(" ")[0]
        pred = model.predict([t for _, t in items])
        for k, labs in only.items():  # which labels come out (no gold labels: a shift, not an accuracy)
            metrics[f"{key}_share_{k}_labels"] = round(float(np.mean([x in labs for x in pred])), 4)
        metrics[f"{key}_n"] = len(items)
        if not getattr(model, "eras", None):  # a model without era gate: the label shares only
            continue
        p = model.era_proba([t for _, t in items])
        if len(items) <= 50:
            for (i, _), row in zip(items, p):
                print(f"{name:28s} {i[:60]:60s} " + " ".join(f"{e}={v:.2f}" for e, v in zip(model.eras, row)))
        for j, era in enumerate(model.eras):
            metrics[f"{key}_mean_p_{era}"] = round(float(p[:, j].mean()), 4)
            metrics[f"{key}_share_routed_{era}"] = round(float(np.mean(p.argmax(1) == j)), 4)
    print(json.dumps(metrics, ensure_ascii=False))
    record_run(task="topics", kind="evaluate", model=f"linear era gate ({args.model_dir})", dataset="realpages gold + data/samples + baomoi_articles_2017[30000:32000] + vietnews val[:2000]",
               split="unlabeled (era routing and label shares, no gold)", metrics=metrics, model_dir=str(resolve_model_dir(args.model_dir)),
               duration_s=time.perf_counter() - t0, command="python experiments/topics_era_routing.py " + " ".join(sys.argv[1:]),
               extra={**extra, "purpose": "which training era the gate sends text from other years to, and which labels come out (diagnostic)"})


if __name__ == "__main__":
    main()
