"""Issue 14: summary length control on held-out data: sentence count x syllable budget, for one model directory.

    OMP_NUM_THREADS=1 python experiments/summarize_length.py MODEL_DIR --val 1000 --n 2 3 --budgets 0 40 50 60

ROUGE F1 depends on the summary's length against the reference's, so the length rule is tuned here, on the
vietnews val split and a baomoi sample at BAOMOI_VAL_OFFSET (never the test sets). Budget 0 = sentence count
only. Each point is written to experiments/results.jsonl (kind="experiment").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
REPO = Path(__file__).resolve().parent.parent


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model_dir", nargs="+")
    ap.add_argument("--val", type=int, default=1000)
    ap.add_argument("--n", type=int, nargs="+", default=[2, 3])
    ap.add_argument("--budgets", type=int, nargs="+", default=[0, 40, 50, 60])
    ap.add_argument("--redundancy", nargs="*", default=[], help="also try these redundancy methods (trigram, mmr, none)")
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args(argv)

    from summarize_scorer import score  # same directory

    from bantin.models.base import load_model
    from bantin.summarize.data import BAOMOI_VAL_OFFSET, load_baomoi_sapo, load_vietnews
    from bantin.tracking import record_run

    command = "python experiments/summarize_length.py " + " ".join(argv if argv is not None else sys.argv[1:])
    sets = {"vietnews": load_vietnews("val", args.val), "baomoi_sapo": load_baomoi_sapo(args.val, offset=BAOMOI_VAL_OFFSET)}
    docs = {k: [e.document() for e in v] for k, v in sets.items()}
    rows = []
    for model_dir in args.model_dir:
        model = load_model(model_dir, task="summarize")
        for red in [None, *args.redundancy]:
            if red is not None:
                model.redundancy = red
            for n in args.n:
                for budget in args.budgets:
                    row = {"model_dir": model_dir, "n": n, "budget": budget or None, "redundancy": getattr(model, "redundancy", None)}
                    for label in ("vietnews", "baomoi_sapo"):
                        m = score(model, docs[label], sets[label], n, budget or None)
                        row[label] = {k: m[k] for k in ("rouge1_f", "rouge2_f", "rougeL_f", "rouge1_f_ascii", "rouge2_f_ascii", "rougeL_f_ascii", "summary_syllables")}
                        if not args.no_record:
                            split = f"val[:{len(docs[label])}]" if label == "vietnews" else f"val_sample{len(docs[label])}"
                            record_run(task="summarize", kind="experiment", model=f"{Path(model_dir).name} n={n} budget={budget or None} red={row['redundancy']}",
                                       dataset=label, split=split, metrics={k: round(v, 5) for k, v in m.items()}, model_dir=model_dir,
                                       command=command, extra={"n_sentences": n, "summary_syllables_budget": budget or None, "redundancy": row["redundancy"]})
                    rows.append(row)
                    print(f"{Path(model_dir).name:20s} red={row['redundancy']!s:8s} n={n} budget={budget or '-':>4} | vietnews val R2 {row['vietnews']['rouge2_f']*100:5.2f} "
                          f"(ascii {row['vietnews']['rouge2_f_ascii']*100:5.2f}, {row['vietnews']['summary_syllables']:.0f} syl) | baomoi val R2 "
                          f"{row['baomoi_sapo']['rouge2_f']*100:5.2f} (ascii {row['baomoi_sapo']['rouge2_f_ascii']*100:5.2f}, {row['baomoi_sapo']['summary_syllables']:.0f} syl)", flush=True)
    (REPO / "experiments" / "summarize_length.json").write_text(json.dumps({"command": command, "rows": rows}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
