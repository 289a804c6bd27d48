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

from bantin.tasks import TASKS

#: embedded topic models by name -> directory under resources/models
NAMED_MODELS = {"default": TASKS["topics"].model_dir, **TASKS["topics"].named_models}


def default_model_dir() -> Path:
    """The embedded default model directory (the linear model in the 13-label taxonomy, shipped in the package)."""
    return resolve_model_dir("default")


def resolve_model_dir(name_or_path: str | Path) -> Path:
    """An existing model directory as given, else an embedded model by name (``default``, ``vntc10``): the tasks'
    one model-spec resolver, ``bantin.tasks.Task.resolve_model``."""
    return TASKS["topics"].resolve_model(name_or_path)


__all__ = ["NAMED_MODELS", "default_model_dir", "resolve_model_dir"]
