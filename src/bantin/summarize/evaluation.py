"""`bantin evaluate summarize`: ROUGE-1/2/L F1 (syllable tokenizer and rouge-score's ASCII default),
summary length and throughput, for baselines and trained models, on vietnews and the baomoi sapo sample.

Throughput is end to end from the raw article text: sentence splitting, features, scoring, selection
(or generation), in one process; ROUGE scoring is not timed. ``articles_per_s`` is wall-clock;
``articles_per_cpu_s`` divides by the process's CPU time (less sensitive to other jobs on a shared machine).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bantin.errors import BantinInputError
from bantin.metrics.rouge import as_lsum_text, rouge_report
from bantin.summarize.base import Summarizer, make_document
from bantin.summarize.config import BaselineConfig, EvalConfig
from bantin.summarize.data import SummaryExample, load_examples
from bantin.text.tokenize import syllables
from bantin.training import EvalResult, Run
from bantin.training import evaluate as run_evaluation

_LEAD_N = re.compile(r"^lead-?(\d+)$")
BUILTINS = ("lead", "textrank", "lexrank")


def resolve_model(spec: str, default_n: int, baseline: BaselineConfig | None = None) -> tuple[str, Summarizer, int, str | None]:
    """(display name, model, n_sentences, model_dir) for an entry of ``EvalConfig.models``."""
    from bantin.models.base import load_model
    from bantin.summarize.baselines import LeadSummarizer, LexRankSummarizer, TextRankSummarizer
    from bantin.tasks import TASKS

    baseline = baseline or BaselineConfig()
    name, _, n_text = spec.partition("@")
    n = default_n
    m = _LEAD_N.match(name)
    if m:
        name, n = "lead", int(m.group(1))
    if n_text:
        try:
            n = int(n_text)
        except ValueError as exc:
            raise BantinInputError(f"model entry {spec!r}: the length after @ must be an integer") from exc
    if name == "lead":
        return f"lead-{n}", LeadSummarizer(n), n, None
    if name == "oracle":
        from bantin.summarize.baselines import OracleSummarizer

        return f"oracle-{n} (ceiling)", OracleSummarizer(n), n, None
    if name == "textrank":
        return f"textrank-{n}", TextRankSummarizer(n, damping=baseline.damping, min_tokens=baseline.min_tokens), n, None
    if name == "lexrank":
        return f"lexrank-{n}", LexRankSummarizer(n, damping=baseline.damping, min_tokens=baseline.min_tokens, threshold=baseline.threshold), n, None
    path = TASKS["summarize"].resolve_model(name)
    model = load_model(path, task="summarize")
    label = f"{model.kind}-{n}" + (" (default)" if name == "default" else f" ({path.name})")
    if model.kind == "seq2seq":
        label = f"seq2seq ({path.name})" if name != "default" else "seq2seq (default)"
    return label, model, n, str(path)


def evaluate_model(model: Summarizer, examples: Sequence[SummaryExample], n_sentences: int, ascii: bool = True, segment: str | None = None,
                   max_syllables: int | None = None) -> EvalResult:
    """Metrics (flat floats) and the predicted summaries (as sentence lists)."""
    if not examples:
        raise BantinInputError("no examples to evaluate on")
    backend = getattr(model, "sentence_backend", "underthesea")
    make_document("", "", "Khởi động. Bộ tách câu.", sentence_backend=backend)  # load the splitter before timing
    t0, c0 = time.perf_counter(), time.process_time()
    docs = [make_document(e.title, "", e.body, id=e.id, sentence_backend=backend) for e in examples]
    if hasattr(model, "with_references"):  # the greedy oracle: a ceiling that reads the references
        model.with_references([e.reference for e in examples])
    preds = model.summarize_sentences(docs, n_sentences, max_syllables)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    refs = [as_lsum_text(e.reference) for e in examples]
    metrics = rouge_report(["\n".join(p) for p in preds], refs, ascii=ascii, segment=segment)
    n = len(examples)
    metrics.update({
        "summary_syllables": sum(len(syllables(" ".join(p))) for p in preds) / n,
        "summary_sentences": sum(len(p) for p in preds) / n,
        "reference_syllables": sum(len(syllables(e.reference)) for e in examples) / n,
        "articles_per_s": n / elapsed if elapsed > 0 else float("inf"),
        # CPU seconds of this process (all its threads): a load-independent view on a shared machine
        "articles_per_cpu_s": n / cpu if cpu > 0 else float("inf"),
        "n_articles": float(n),
    })
    return EvalResult(metrics, [list(p) for p in preds])


def evaluate_from_config(config_path: str | Path | None = None, overrides: list[str] | None = None, tracking: str = "jsonl") -> list[dict[str, Any]]:
    """``bantin evaluate summarize`` (the shared runner, ``bantin.training.evaluate``)."""
    return run_evaluation("summarize", config_path, overrides, tracking)


def evaluate(run: Run) -> list[dict[str, Any]]:
    cfg: EvalConfig = run.cfg
    models = [resolve_model(spec, cfg.n_sentences, cfg.baseline) for spec in cfg.models]
    records = []
    for dataset in cfg.datasets:
        if dataset == "baomoi_sapo":
            examples = load_examples(dataset, "test", cfg.baomoi_articles, cfg.data_dir)
            split = f"sample{len(examples)}"
        else:
            examples = load_examples(dataset, cfg.split, cfg.max_articles, cfg.data_dir)
            split = cfg.split if cfg.max_articles is None else f"{cfg.split}[:{len(examples)}]"
        print(f"{dataset} {split}: {len(examples)} articles")
        for name, model, n, model_dir in models:
            t0 = time.perf_counter()
            result = evaluate_model(model, examples, n, cfg.ascii, cfg.segment, cfg.summary_syllables)
            metrics, preds = result.metrics, result.predictions
            duration = time.perf_counter() - t0
            if cfg.predictions_dir:
                out = Path(cfg.predictions_dir)
                out.mkdir(parents=True, exist_ok=True)
                safe = re.sub(r"[^\w.-]+", "_", name).strip("_")
                with open(out / f"{dataset}-{split}-{safe}.jsonl", "w", encoding="utf-8") as fh:
                    for e, p in zip(examples, preds):
                        fh.write(json.dumps({"id": e.id, "summary": " ".join(p), "reference": e.reference}, ensure_ascii=False) + "\n")
            rec = run.record(
                kind="evaluate", model=name, dataset=dataset, split=split, metrics={k: round(v, 5) for k, v in metrics.items()},
                model_dir=model_dir, duration_s=duration,
                extra={"n_sentences": n, "summary_syllables_budget": cfg.summary_syllables, "rougeL": "ROUGE-Lsum over sentences (one per line)", "tokenizers": "rouge*_f: Unicode syllables (NFC, lower-cased, punctuation dropped); rouge*_ascii: rouge-score default"},
            )
            records.append(rec)
            print(f"  {name:28s} R1 {metrics['rouge1_f']*100:5.2f} R2 {metrics['rouge2_f']*100:5.2f} RL {metrics['rougeL_f']*100:5.2f}"
                  + (f" | ascii R1 {metrics['rouge1_f_ascii']*100:5.2f} R2 {metrics['rouge2_f_ascii']*100:5.2f} RL {metrics['rougeL_f_ascii']*100:5.2f}" if cfg.ascii else "")
                  + f" | {metrics['summary_syllables']:.1f} syl | {metrics['articles_per_s']:.0f} art/s", flush=True)
    if cfg.update_card:
        for name, model, n, model_dir in models:
            if model_dir is not None and n == model.n_sentences:
                write_measured_scores(model_dir, [r for r in records if r["model"] == name or r["model_dir"] is None])
    return records


CARD_KEYS = ("rouge1_f", "rouge2_f", "rougeL_f", "rouge1_f_ascii", "rouge2_f_ascii", "rougeL_f_ascii", "summary_syllables", "articles_per_s", "n_articles")


def write_measured_scores(model_dir: str | Path, records: Sequence[dict[str, Any]]) -> Path:
    """Store evaluation records in a model directory's manifest and card: the model's own records (``model_dir``
    set) as ``<dataset>_<split>/<metric>``, baselines' (``model_dir`` None) R-2 as ``<dataset>_<split>/<name>/rouge2_f``.
    Training-time ``val/`` metrics are kept; the weights are written back unchanged."""
    from bantin.models.base import load_model

    model = load_model(model_dir, task="summarize")
    metrics = {k: v for k, v in model.metrics.items() if k.startswith("val/")}
    for r in records:
        prefix = f"{r['dataset']}_{r['split']}"
        if r.get("model_dir") is not None:
            metrics.update({f"{prefix}/{k}": r["metrics"][k] for k in CARD_KEYS if k in r["metrics"]})
        else:
            metrics[f"{prefix}/{r['model']}/rouge2_f"] = r["metrics"]["rouge2_f"]
    model.metrics = metrics
    print(f"model card updated: {model.save(model_dir)}")
    return Path(model_dir)
