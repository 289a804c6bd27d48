"""Topic classification of news articles.

    from bantin.models import load_model
    from bantin.topics import default_model_dir
    model = load_model(default_model_dir(), task="topics")
    model.predict(["Đội tuyển Việt Nam thắng 2-0 ..."])      # -> ["Thể thao"]
    model.top_k(["..."], k=3)                                 # -> [[("Thể thao", 0.97), ...]]

Model kinds: ``linear`` (TF-IDF + linear model, the embedded fast default trained on VNTC-10),
``e5`` (frozen multilingual-e5-small embeddings + logistic regression), ``transformer`` (fine-tuned encoder).
"""

from __future__ import annotations

from pathlib import Path

from bantin.models.base import register_model

register_model("topics", "linear", "bantin.topics.linear:LinearTopicModel")
register_model("topics", "e5", "bantin.topics.embedding:EmbeddingTopicModel")
register_model("topics", "transformer", "bantin.topics.transformer:TransformerTopicModel")


def default_model_dir() -> Path:
    """The embedded default model directory (the linear model trained on VNTC-10, shipped in the package)."""
    from bantin.data.paths import EMBEDDED_MODELS_DIR

    return EMBEDDED_MODELS_DIR / "topics"


__all__ = ["default_model_dir"]
