"""Short summaries (1–3 sentences) of clean articles, and ROUGE that works for Vietnamese.

    from bantin.models import load_model
    from bantin.summarize import default_model_dir
    model = load_model(default_model_dir(), task="summarize")
    model.summarize_article(title=..., lead=..., body=[...], n_sentences=2)

Model kinds: ``lead``, ``textrank``, ``lexrank`` (baselines), ``extractive`` (supervised sentence scorer,
the embedded default), ``seq2seq`` (abstractive: any Hugging Face seq2seq or causal LM, fine-tuned).
"""

from __future__ import annotations

from pathlib import Path


def default_model_dir() -> Path:
    """The embedded default model directory (the extractive summarizer shipped in the package)."""
    from bantin.tasks import TASKS

    return TASKS["summarize"].embedded_model_dir()


__all__ = ["default_model_dir"]
