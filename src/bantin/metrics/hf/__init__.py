"""bantin's metrics as local Hugging Face ``evaluate`` modules, loadable offline:

    import evaluate
    from bantin.metrics.hf import metric_path
    rouge = evaluate.load(metric_path("vi_rouge"))          # Vietnamese syllable ROUGE-1/2/Lsum
    rouge.compute(predictions=[...], references=[...])
    evaluate.load(metric_path("block_f1"))                  # block labels: content P/R/F1, fine-label macro F1
    evaluate.load(metric_path("extraction_f1"))             # extracted text vs gold: bag-of-syllables P/R/F1

Each module is a thin wrapper over ``bantin.metrics`` (one implementation), so the numbers are the same.
"""

from __future__ import annotations

from pathlib import Path

METRICS = ("vi_rouge", "block_f1", "extraction_f1")
HERE = Path(__file__).resolve().parent


def metric_path(name: str) -> str:
    """The folder of a metric module, for ``evaluate.load``."""
    if name not in METRICS:
        raise ValueError(f"unknown bantin metric {name!r}; expected one of {', '.join(METRICS)}")
    return str(HERE / name)
