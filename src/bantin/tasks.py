"""The one list of bantin's tasks: what the CLI, the run records, the model registry, the training runner and the
pipeline read (a task's name is also its pipeline stage's name: ``--only``, ``--<name>-model``).

Adding a task means one ``Task`` entry here plus its package ``bantin.<name>``: ``config.py`` (``TrainConfig``,
``EvalConfig``), ``training.py`` (the runner's hooks: ``load_data``, ``build_model``, ``fit``, ``score``; see
``bantin.training``), ``evaluation.py`` (``evaluate_model`` -> ``EvalResult``, ``evaluate(run)``) and the model
classes named in ``model_kinds``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, eq=False)
class Task:
    #: the task's name, its package (``bantin.<name>``) and its model directories' ``task`` field
    name: str
    #: the metric that ranks runs in reports (``bantin report``)
    primary_metric: str
    #: the embedded default model's folder under ``bantin/resources/models``, and the sub-folder a user's models
    #: folder (``Pipeline.load(path)``, ``--models``) holds for this task
    model_dir: str
    #: the metrics shown in the report's tables (``bantin report``), primary first
    shown_metrics: tuple[str, ...] = ()
    #: model kind -> "module:Class" that loads its model directories (registered lazily: no heavy imports)
    model_kinds: dict[str, str] = field(default_factory=dict)
    #: more embedded models by name (besides ``default``): name -> folder under ``bantin/resources/models``
    named_models: dict[str, str] = field(default_factory=dict)
    #: the config dataclasses of ``bantin train`` and ``bantin evaluate`` ("module:Class"; default
    #: ``bantin.<name>.config:TrainConfig`` / ``:EvalConfig``)
    train_config: str = ""
    eval_config: str = ""
    #: the module of the training hooks (data loader, model builder, fit, held-out scorer: see ``bantin.training``)
    #: and of the evaluation (``evaluate_model``, ``evaluate(run)``); default ``bantin.<name>.training`` / ``.evaluation``
    training_module: str = ""
    evaluation_module: str = ""

    def __post_init__(self) -> None:
        for name, default in (("train_config", f"{self.package}.config:TrainConfig"), ("eval_config", f"{self.package}.config:EvalConfig"),
                              ("training_module", f"{self.package}.training"), ("evaluation_module", f"{self.package}.evaluation")):
            if not getattr(self, name):
                object.__setattr__(self, name, default)

    @property
    def package(self) -> str:
        return f"bantin.{self.name}"

    def config_type(self, verb: str) -> type:
        """The config dataclass of ``bantin train`` (verb "train") or ``bantin evaluate`` ("evaluate")."""
        module, _, cls = (self.train_config if verb == "train" else self.eval_config).partition(":")
        return getattr(importlib.import_module(module), cls)

    def embedded_model_dir(self, name: str = "default") -> Path:
        from bantin.data.paths import EMBEDDED_MODELS_DIR

        return EMBEDDED_MODELS_DIR / (self.model_dir if name == "default" else self.named_models[name])

    def resolve_model(self, spec: str | Path) -> Path:
        """The one model-spec resolver: ``default`` or another embedded model's name, else a model directory (as given,
        or under the repository root when it is not found from the working directory)."""
        from bantin.data.paths import REPO_ROOT

        p = Path(spec)
        if not p.is_dir() and (str(spec) == "default" or str(spec) in self.named_models):
            return self.embedded_model_dir(str(spec))
        if not p.is_absolute() and not p.exists() and REPO_ROOT is not None and (REPO_ROOT / p).exists():
            return REPO_ROOT / p
        return p


TASKS: dict[str, Task] = {
    t.name: t
    for t in (
        Task("boilerplate", primary_metric="binary_f1", model_dir="boilerplate",
             shown_metrics=("binary_f1", "macro_f1", "token_f1", "pages_per_s"),
             model_kinds={"rules": "bantin.boilerplate.rules:RulesLabeler", "crf": "bantin.boilerplate.crf:CRFLabeler",
                          "transformer": "bantin.boilerplate.transformer:TransformerBlockLabeler"}),
        Task("topics", primary_metric="accuracy", model_dir="topics",
             shown_metrics=("accuracy", "macro_f1", "weighted_f1", "accuracy_dedup", "docs_per_s"),
             model_kinds={"linear": "bantin.topics.linear:LinearTopicModel", "e5": "bantin.topics.embedding:EmbeddingTopicModel",
                          "transformer": "bantin.topics.transformer:TransformerTopicModel"},
             named_models={"vntc10": "topics-vntc10"}),
        Task("summarize", primary_metric="rouge2_f", model_dir="summarize",
             shown_metrics=("rouge1_f", "rouge2_f", "rougeL_f", "rouge1_f_ascii", "rouge2_f_ascii", "rougeL_f_ascii", "articles_per_s"),
             model_kinds={"lead": "bantin.summarize.baselines:LeadSummarizer", "textrank": "bantin.summarize.baselines:TextRankSummarizer",
                          "lexrank": "bantin.summarize.baselines:LexRankSummarizer",
                          "extractive": "bantin.summarize.extractive:ExtractiveSummarizer",
                          "seq2seq": "bantin.summarize.abstractive:Seq2SeqSummarizer"}),
    )
}
