"""The one list of bantin's tasks: what the CLI, the run records, the model registry and the pipeline read
(a task's name is also its pipeline stage's name: ``--only``, ``--<name>-model``).

Adding a task starts here: one ``Task`` entry, plus its package ``bantin.<name>`` with ``training.train_from_config``,
``evaluation.evaluate_from_config`` and the model classes it registers on import.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Task:
    #: the task's name, its package (``bantin.<name>``) and its model directories' ``task`` field
    name: str
    #: the metric that ranks runs in reports (``bantin report``)
    primary_metric: str
    #: the embedded default model's folder under ``bantin/resources/models``, and the sub-folder a user's models
    #: folder (``Pipeline.load(path)``, ``--models``) holds for this task
    model_dir: str

    @property
    def package(self) -> str:
        return f"bantin.{self.name}"

    def embedded_model_dir(self) -> Path:
        from bantin.data.paths import EMBEDDED_MODELS_DIR

        return EMBEDDED_MODELS_DIR / self.model_dir


TASKS: dict[str, Task] = {
    t.name: t
    for t in (
        Task("boilerplate", primary_metric="binary_f1", model_dir="boilerplate"),
        Task("topics", primary_metric="accuracy", model_dir="topics"),
        Task("summarize", primary_metric="rouge2_f", model_dir="summarize"),
    )
}
