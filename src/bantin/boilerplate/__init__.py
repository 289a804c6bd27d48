"""Block labeling (boilerplate vs. article) and clean-article extraction.

    from bantin.models import load_model
    from bantin.boilerplate import extract_article, default_model_dir
    model = load_model(default_model_dir(), task="boilerplate")
    article = extract_article(model.label_page(page))

Model kinds: ``rules`` (baseline), ``crf`` (fast default, embedded), ``transformer`` (Hugging Face encoder).
"""

from __future__ import annotations

from pathlib import Path

from bantin.boilerplate.extract import ArticleText, extract_article


def default_model_dir() -> Path:
    """The embedded default model directory (the CRF shipped in the package)."""
    from bantin.tasks import TASKS

    return TASKS["boilerplate"].embedded_model_dir()


__all__ = ["ArticleText", "extract_article", "default_model_dir"]
