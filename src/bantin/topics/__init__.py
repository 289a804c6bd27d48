"""Topic classification of news articles.

    from bantin.models import load_model
    from bantin.topics import default_model_dir
    model = load_model(default_model_dir(), task="topics")
    model.predict(["Đội tuyển Việt Nam thắng 2-0 ..."])      # -> ["Thể thao"]
    model.top_k(["..."], k=3)                                 # -> [[("Thể thao", 0.97), ...]]

Embedded models, by name: ``default`` (the 13-label taxonomy of configs/taxonomy.yaml, trained on VNTC-10 and
baomoi 2018) and ``vntc10`` (VNTC-10's own 10 labels, the published comparison); ``resolve_model_dir("vntc10")``.

Model kinds: ``linear`` (TF-IDF + linear model, the embedded fast default),
``e5`` (frozen multilingual-e5-small embeddings + logistic regression), ``transformer`` (fine-tuned encoder).
"""

from __future__ import annotations

from pathlib import Path

from bantin.models.base import register_model
from bantin.tasks import TASKS

register_model("topics", "linear", "bantin.topics.linear:LinearTopicModel")
register_model("topics", "e5", "bantin.topics.embedding:EmbeddingTopicModel")
register_model("topics", "transformer", "bantin.topics.transformer:TransformerTopicModel")


#: embedded topic models by name -> directory under resources/models
NAMED_MODELS = {"default": TASKS["topics"].model_dir, "vntc10": "topics-vntc10"}


def default_model_dir() -> Path:
    """The embedded default model directory (the linear model in the 13-label taxonomy, shipped in the package)."""
    return resolve_model_dir("default")


def resolve_model_dir(name_or_path: str | Path) -> Path:
    """An existing model directory as given, else an embedded model by name (``default``, ``vntc10``)."""
    from bantin.data.paths import EMBEDDED_MODELS_DIR

    p = Path(name_or_path)
    if p.is_dir() or str(name_or_path) not in NAMED_MODELS:
        return p
    return EMBEDDED_MODELS_DIR / NAMED_MODELS[str(name_or_path)]


__all__ = ["NAMED_MODELS", "default_model_dir", "resolve_model_dir"]
