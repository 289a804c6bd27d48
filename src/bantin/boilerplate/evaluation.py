"""`bantin evaluate boilerplate`: block-level and text-level scores of models and reference extractors.

For every (model, split, page kind):
  * per-label and macro P/R/F1 over the fine labels (our models), binary content-vs-boilerplate P/R/F1;
  * token P/R/F1 of the extracted article against the gold article (bag of Unicode syllables, mean per page,
    as content-extraction benchmarks report them; micro F1 in ``token_f1_micro``);
  * pages/s of the labeling + extraction step in this process (see benchmarks/bench_boilerplate.py for the
    single-thread speed benchmark).
Splits: ``seeds`` (hand-labeled real pages, never trained on), ``test``/``val`` of the built dataset, and
``loto`` (leave one template out: a model is retrained per fold on the other templates).
Each result is appended to experiments/results.jsonl; all of them also go to ``out_json`` and a markdown
comparison table to ``summary_md``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bantin.blocks import Page
from bantin.boilerplate.config import EvalConfig, TrainConfig
from bantin.boilerplate.data import gold_article, html_sources, load_seeds, load_split, subsample
from bantin.boilerplate.extract import extract_article
from bantin.errors import BantinInputError
from bantin.labels import LABELS, to_binary
from bantin.metrics.classification import binary_scores, classification_scores
from bantin.metrics.extraction import corpus_token_prf
from bantin.training import EvalResult, Run
from bantin.training import evaluate as run_evaluation

REFERENCE = ("justext", "trafilatura")


def score_labels(pages: Sequence[Page], predicted: Sequence[Sequence[str]], texts: Sequence[str]) -> dict[str, Any]:
    """Fine-label, binary and token scores of predicted labels (and the texts extracted from them)."""
    y_true = [b.label for p in pages for b in p.blocks]
    y_pred = [y for pred in predicted for y in pred]
    if len(y_true) != len(y_pred):
        raise ValueError("predictions do not align with the blocks")
    cls = classification_scores(y_true, y_pred, labels=list(LABELS))
    metrics = score_binary(pages, [[to_binary(y) == "content" for y in pred] for pred in predicted], texts)
    metrics.update({"macro_f1": cls["macro_f1"], "macro_precision": cls["macro_precision"], "macro_recall": cls["macro_recall"],
                    "accuracy": cls["accuracy"]})
    for lab, s in cls["per_label"].items():
        if s["support"]:
            metrics[f"f1_{lab}"] = s["f1"]
            metrics[f"precision_{lab}"] = s["precision"]
            metrics[f"recall_{lab}"] = s["recall"]
    return metrics


def score_binary(pages: Sequence[Page], is_content: Sequence[Sequence[bool]], texts: Sequence[str]) -> dict[str, Any]:
    t = [to_binary(b.label) == "content" for p in pages for b in p.blocks]
    pr = [x for row in is_content for x in row]
    if len(t) != len(pr):
        raise ValueError("binary predictions do not align with the blocks")
    bs = binary_scores(t, pr)
    tok = corpus_token_prf(zip(texts, [gold_article(p) for p in pages]))
    return {"binary_f1": bs["f1"], "binary_precision": bs["precision"], "binary_recall": bs["recall"],
            "token_f1": tok["token_f1"], "token_precision": tok["token_precision"], "token_recall": tok["token_recall"],
            "token_f1_micro": tok["token_f1_micro"], "n_pages": len(pages), "n_blocks": len(t)}


def run_model(model, pages: Sequence[Page]) -> tuple[list[list[str]], list[str], float]:
    """Label and extract; returns labels, extracted texts and pages/s."""
    t0 = time.perf_counter()
    labeled = model.label_pages(pages)
    texts = [extract_article(p).text for p in labeled]
    dt = time.perf_counter() - t0
    return [[b.label for b in p.blocks] for p in labeled], texts, len(pages) / dt if dt > 0 else 0.0


def evaluate_model(model, pages: Sequence[Page]) -> EvalResult:
    """Scores of a labeler on pages; predictions: the labels of each page's blocks; details: the extracted texts."""
    labels, texts, pps = run_model(model, pages)
    m = score_labels(pages, labels, texts)
    m["pages_per_s"] = pps
    return EvalResult(m, labels, {"texts": texts})


def evaluate_reference(name: str, pages: Sequence[Page], html: dict[str, str] | None = None) -> dict[str, Any]:
    """jusText / trafilatura on the same pages (trafilatura gets the page's HTML rendering when given)."""
    from bantin.boilerplate.baselines import BASELINES

    extractor = BASELINES[name]()
    t0 = time.perf_counter()
    outs = [extractor.run(p, (html or {}).get(p.meta.get("page_id") or p.id)) for p in pages]
    dt = time.perf_counter() - t0
    m = score_binary(pages, [o.is_content for o in outs], [o.text for o in outs])
    m["pages_per_s"] = len(pages) / dt if dt > 0 else 0.0
    return m


def _model_name(spec: str) -> str:
    return spec if spec in ("rules", "default", *REFERENCE) else Path(spec).name


def _load(spec: str):
    from bantin.boilerplate.rules import RulesLabeler
    from bantin.models import load_model
    from bantin.tasks import TASKS

    if spec == "rules":
        return RulesLabeler()
    return load_model(TASKS["boilerplate"].resolve_model(spec), task="boilerplate")


def _flat(metrics: dict[str, Any]) -> dict[str, float]:
    return {k: float(v) for k, v in metrics.items() if isinstance(v, (int, float))}


def _model_label(spec: str, model) -> str:
    if spec in ("rules", *REFERENCE):
        return spec
    name = _model_name(spec)
    return f"{model.kind}:{name}" if getattr(model, "kind", None) and model.kind not in name else name


def evaluate_from_config(config_path: str | Path | None = None, overrides: list[str] | None = None, tracking: str = "jsonl") -> list[dict[str, Any]]:
    """``bantin evaluate boilerplate`` (the shared runner, ``bantin.training.evaluate``)."""
    return run_evaluation("boilerplate", config_path, overrides, tracking)


def evaluate(run: Run) -> list[dict[str, Any]]:
    cfg: EvalConfig = run.cfg
    unknown = set(cfg.splits) - {"seeds", "test", "val", "train", "loto", "realpages"}
    if unknown:
        raise BantinInputError(f"unknown split(s) {', '.join(sorted(unknown))}: expected seeds, test, val, loto, realpages")
    records: list[dict[str, Any]] = []
    models = {spec: (None if spec in REFERENCE else _load(spec)) for spec in cfg.models}

    def record(model: str, dataset: str, split: str, metrics: dict[str, Any], extra: dict | None = None, duration: float | None = None,
               model_dir: str | None = None) -> None:
        rec = run.record(kind="evaluate", model=model, dataset=dataset, split=split, metrics=_flat(metrics), model_dir=model_dir,
                         duration_s=duration, extra=extra)
        records.append(rec)
        shown = " ".join(f"{k}={metrics[k]:.4f}" for k in ("binary_f1", "macro_f1", "token_f1", "share_below_uncleaned") if k in metrics)
        print(f"{model:28s} {dataset:22s} {split:10s} {shown} pages/s={metrics.get('pages_per_s', 0):.0f} (n={metrics.get('n_pages')})")

    def eval_all(pages: list[Page], dataset: str, split: str, html: dict[str, str] | None) -> None:
        for spec, model in models.items():
            t0 = time.perf_counter()
            if model is None:
                m = evaluate_reference(spec, pages, html)
                extra = {"settings": _reference_settings(spec), "html_input": "page HTML rendering" if html else "blocks wrapped in <p>"}
                name = spec
            else:
                m = evaluate_model(model, pages).metrics
                extra = {"per_label": {k[3:]: m[k] for k in m if k.startswith("f1_")}}
                name = _model_label(spec, model)
            record(name, dataset, split, m, extra, time.perf_counter() - t0, None if model is None or spec in ("rules",) else str(spec))

    for split in cfg.splits:
        if split == "seeds":
            eval_all(load_seeds(), "seeds", "seeds", None)
        elif split == "loto":
            records.extend(_evaluate_loto(cfg, record))
        elif split == "realpages":
            _evaluate_realpages(cfg, models, record)
        else:
            for kind in cfg.kinds:
                pages = subsample(load_split(cfg.dataset_dir, split, kind), cfg.max_pages, cfg.seed)
                html = html_sources(cfg.dataset_dir, split) if kind == "text" else None
                if kind == "html":
                    html = html_sources(cfg.dataset_dir, split)
                eval_all(pages, f"built-pages:{kind}", split, html)
    _write_outputs(cfg, records)
    return records


def _evaluate_realpages(cfg: EvalConfig, models: dict[str, Any], record) -> None:
    """Every system on ``../shared/realpages`` in every form of ``cfg.realpages_forms``; one record per (system, form),
    with per-page, per-site and worst-page figures in ``extra``, and the markdown report in ``cfg.realpages_md``."""
    from bantin.boilerplate.realpages import evaluate_realpages, model_system, realpages_table, reference_system

    systems = {}
    for spec, model in models.items():
        systems[spec if model is None else _model_label(spec, model)] = reference_system(spec) if model is None else model_system(model)
    by_form = evaluate_realpages(systems, cfg.realpages_forms, cfg.realpages_dir)
    # records name the page set: "realpages" (the test set, ../shared/realpages) or the folder's name
    dataset = Path(cfg.realpages_dir).name if cfg.realpages_dir else "realpages"
    for form, res in by_form.items():
        for name, r in res.items():
            metrics = {k: r[k] for k in ("token_f1", "token_precision", "token_recall", "n_pages", "n_errors", "pages_per_s")}
            if "share_below_uncleaned" in r:
                metrics["share_below_uncleaned"] = r["share_below_uncleaned"]
            extra = {"per_site": r["per_site"], "worst": r["worst"], "below_uncleaned": r.get("below_uncleaned", []),
                     "per_page_f1": {pid: round(s["f1"], 4) for pid, s in r["per_page"].items()}, "errors": r["errors"]}
            if "calibration" in r:
                metrics["ece"] = r["calibration"]["ece"]
                metrics["share_warned"] = r["calibration"]["share_warned"]
                extra["calibration"] = r["calibration"]
            record(name, dataset, form, metrics, extra)
    if cfg.realpages_md:
        path = _place(cfg.realpages_md)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(realpages_table(by_form, None if dataset == "realpages" else str(cfg.realpages_dir)), encoding="utf-8")
        from bantin.boilerplate.calibration import reliability_plot

        curves = {(name, form): r["calibration"]["reliability"] for form, res in by_form.items() for name, r in res.items() if "calibration" in r}
        for name in {n for n, _ in curves}:
            png = path.with_name(f"{path.stem}_reliability_{name.replace(':', '_')}.png")
            try:
                reliability_plot({f: c for (n, f), c in curves.items() if n == name}, png, f"{name} on real pages: reliability")
            except ImportError:  # matplotlib is in the eval extra: no diagrams without it
                break


def _reference_settings(name: str) -> dict[str, Any]:
    from bantin.boilerplate.baselines import BASELINES

    return dict(BASELINES[name].settings)


def _evaluate_loto(cfg: EvalConfig, record) -> list[dict[str, Any]]:
    """Leave one template out: per fold, retrain the model on the other templates' pages (both renderings, as the
    default is trained) and score every extractor on the held-out template's pages; the recorded figures pool
    all folds (per-fold figures in ``extra``)."""
    from bantin.boilerplate.baselines import BASELINES
    from bantin.boilerplate.data import dataset_dir
    from bantin.boilerplate.rules import RulesLabeler
    from bantin.boilerplate.training import build_model
    from bantin.data.dataset import leave_one_template_out

    root = dataset_dir(cfg.dataset_dir)
    lc = cfg.loto
    train_cfg = TrainConfig(model=lc.model, crf=lc.crf, transformer=lc.transformer)
    systems = [lc.model] + [b for b in lc.baselines if b != lc.model]
    html_all = {k: v for s in ("train", "val", "test") if (root / f"{s}.jsonl.gz").exists() for k, v in html_sources(root, s).items()}
    folds: dict[str, dict[str, tuple[list[Page], list[Page]]]] = {}
    for kind in cfg.kinds:
        for template, train_pages, test_pages in leave_one_template_out(root, kind=kind):
            folds.setdefault(template, {})[kind] = (subsample(train_pages, lc.max_train_pages, cfg.seed),
                                                    subsample(test_pages, lc.max_test_pages, cfg.seed))
    pooled: dict[tuple[str, str], dict[str, list]] = {}
    per_fold: dict[tuple[str, str], dict[str, Any]] = {}
    t_start = time.perf_counter()
    for template, by_kind in sorted(folds.items()):
        t0 = time.perf_counter()
        model = build_model(train_cfg).fit([p for tr, _ in by_kind.values() for p in tr])
        for kind, (_, test_pages) in by_kind.items():
            for name in systems:
                labels = None
                if name in BASELINES:
                    ex = BASELINES[name]()
                    outs = [ex.run(p, html_all.get(p.id)) for p in test_pages]
                    texts, bin_pred = [o.text for o in outs], [o.is_content for o in outs]
                    m = score_binary(test_pages, bin_pred, texts)
                else:
                    labeler = model if name == lc.model else RulesLabeler()
                    labels, texts, _ = run_model(labeler, test_pages)
                    bin_pred = [[to_binary(y) == "content" for y in row] for row in labels]
                    m = score_labels(test_pages, labels, texts)
                acc = pooled.setdefault((name, kind), {"pages": [], "labels": [], "texts": [], "bin": []})
                acc["pages"] += test_pages
                acc["texts"] += texts
                acc["bin"] += bin_pred
                if labels is not None:
                    acc["labels"] += labels
                per_fold.setdefault((name, kind), {})[template] = {
                    k: round(float(m[k]), 4) for k in ("binary_f1", "macro_f1", "token_f1", "n_pages") if k in m}
        sizes = {k: (len(tr), len(te)) for k, (tr, te) in by_kind.items()}
        print(f"  loto fold {template}: (train, test) pages per kind {sizes}; "
              + ", ".join(f"{k} {lc.model} binary_f1={per_fold[(lc.model, k)][template]['binary_f1']:.4f}" for k in by_kind)
              + f" ({time.perf_counter() - t0:.0f} s)")
    out = []
    for (name, kind), acc in pooled.items():
        m = score_labels(acc["pages"], acc["labels"], acc["texts"]) if acc["labels"] else score_binary(acc["pages"], acc["bin"], acc["texts"])
        fold_scores = per_fold[(name, kind)]
        m["min_fold_binary_f1"] = min(f["binary_f1"] for f in fold_scores.values())
        m["min_fold_token_f1"] = min(f["token_f1"] for f in fold_scores.values())
        for key in ("binary_f1", "token_f1", "macro_f1"):
            if all(key in f for f in fold_scores.values()):
                m[f"mean_fold_{key}"] = sum(f[key] for f in fold_scores.values()) / len(fold_scores)
        label = f"{name} (retrained per fold)" if name == lc.model else name
        record(label, f"built-pages:{kind}", "loto", m, {"folds": fold_scores, "max_train_pages": lc.max_train_pages,
                                                          "max_test_pages": lc.max_test_pages}, time.perf_counter() - t_start)
    return out


def _place(p: str) -> Path:
    """An output path of the config: ``experiments/...`` goes to the experiments folder in use (tests redirect it)."""
    from bantin.data.paths import experiments_dir

    path = Path(p)
    if path.parts and path.parts[0] == "experiments":
        return experiments_dir().joinpath(*path.parts[1:])
    return path


def _write_outputs(cfg: EvalConfig, records: list[dict[str, Any]]) -> None:
    if not records:
        return
    out_json = _place(cfg.out_json)
    out_json.parent.mkdir(parents=True, exist_ok=True)
    slim = [{k: r[k] for k in ("model", "dataset", "split", "metrics", "date", "git_commit", "command", "extra") if k in r} for r in records]
    out_json.write_text(json.dumps(slim, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    _place(cfg.summary_md).write_text(comparison_table(records), encoding="utf-8")


def comparison_table(records: list[dict[str, Any]]) -> str:
    cols = ["binary_f1", "binary_precision", "binary_recall", "macro_f1", "token_f1", "token_precision", "token_recall", "pages_per_s"]
    lines = ["# Boilerplate removal: models vs. jusText and trafilatura", "",
             "Generated by `bantin evaluate boilerplate`. Binary F1 = content-vs-boilerplate blocks (content is the positive "
             "class); token scores = extracted article vs. gold article, bag of Unicode syllables, mean per page. "
             "jusText: Vietnamese stoplist, each block wrapped as <p>. trafilatura: on the HTML rendering of built pages "
             "(blocks wrapped as <p> for the seeds); a block counts as kept when its text occurs in trafilatura's output. "
             "LOTO: the model is retrained per fold on the other templates; figures pool all folds.", "",
             "| model | dataset | split | " + " | ".join(cols) + " |", "|" + "---|" * (3 + len(cols))]
    for r in sorted(records, key=lambda r: (r["split"], r["dataset"], -(r["metrics"].get("binary_f1") or 0))):
        m = r["metrics"]
        cells = [f"{m[c]:.4f}" if c in m and c != "pages_per_s" else (f"{m[c]:.0f}" if c in m else "") for c in cols]
        lines.append(f"| {r['model']} | {r['dataset']} | {r['split']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
