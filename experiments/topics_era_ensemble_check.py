"""Quick check on validation data (the samples of topics_era_gap.py): the joint model + the two single-era models, probabilities summed (no corpus known at inference).

    nice -n 10 env OMP_NUM_THREADS=1 PYTHONPATH=src python experiments/topics_era_ensemble_check.py
"""
import sys
import time
sys.path.insert(0, 'experiments')
import numpy as np
from topics_era import BASE, VARIANTS, load_all
from topics_era_weights import Cached, hashed_rows
from bantin.topics.taxonomy import load_taxonomy
from bantin.tracking import record_run

tax = load_taxonomy("configs/taxonomy.yaml")
allowed = {c: set(tax.corpus_labels(c)) for c in ("vntc10", "baomoi_topics_2018")}
vfit, vval, bfit, bval, _, _ = load_all(tax, 10000, 28000)
texts = list(dict.fromkeys(d.text for d in vfit + vval + bfit + bval))
Cached.rows = hashed_rows("strip-trunc120-title2", texts); Cached.index = {t: i for i, t in enumerate(texts)}; Cached.both_df_mask = None
P = {**BASE, **VARIANTS["strip-trunc120-title2"], "calibration_fraction": 0.1}
fit = lambda docs: Cached(**P).fit([d.text for d in docs], [d.labels for d in docs])
t0 = time.perf_counter()
joint, v, b = fit(vfit + bfit), fit(vfit), fit(bfit)
labels = joint.labels
def proba13(m, docs):
    p = m.predict_proba([d.text for d in docs]); out = np.zeros((len(docs), len(labels)))
    for j, lab in enumerate(m.labels): out[:, labels.index(lab)] = p[:, j]
    return out
res = {}
for name, docs, corpus in (("vntc_val", vval, "vntc10"), ("baomoi_val", bval, "baomoi_topics_2018")):
    pj, pv, pb = proba13(joint, docs), proba13(v, docs), proba13(b, docs)
    mask = np.array([lab in allowed[corpus] for lab in labels])
    gold = np.array([labels.index(d.label) for d in docs])
    for ename, p in (("joint", pj), ("joint+v+b", pj + pv + pb), ("v+b", pv + pb), ("2joint+v+b", 2 * pj + pv + pb), ("logjoint+v+b", np.log(pj+1e-9)+np.log(pv+pb+1e-9))):
        res[f"{ename}_{name}_all"] = float(np.mean(p.argmax(1) == gold))
        res[f"{ename}_{name}_restricted"] = float(np.mean(np.where(mask, p, -np.inf).argmax(1) == gold))
    res[f"single_{name}"] = float(np.mean((pv if corpus == "vntc10" else pb).argmax(1) == gold))
for k, val in res.items(): print(k, round(val * 100, 2))
record_run(task="topics", kind="evaluate", model="linear era-gap ensemble (joint + single-era models, probabilities summed)", dataset="vntc10+baomoi_topics_2018",
           split=f"val (vntc train 15% holdout[:{len(vval)}], baomoi val[:{len(bval)}])", metrics={k: round(x, 6) for k, x in res.items()}, config=P,
           duration_s=time.perf_counter() - t0, command="python experiments/topics_era_ensemble_check.py (10k VNTC + 28k baomoi fit docs)",
           extra={"purpose": "can an ensemble of the joint and the single-era models close the two-era gap without knowing the corpus (validation)"})
