"""The one fine-tuning engine of bantin: every transformer path (block classifier, topic classifier, seq2seq
summarizer) trains through ``finetune()``, a thin layer over ``transformers.Trainer``.

What the engine does, from ``FineTuneSettings`` (the fields every task's transformer config section inherits):

- optimizer and schedule: the Trainer's AdamW (no weight decay on biases and norms), ``lr_scheduler_type`` with
  ``warmup_ratio`` of the optimizer steps as warmup, gradient clipping at ``max_grad_norm``;
- ``precision``: "auto" = bf16 (or fp16 with loss scaling) on a GPU, fp32 on CPU; gradient accumulation;
- seeding (``seed``: Python, numpy, torch, the data order);
- with held-out data: one evaluation (loss) per epoch, and early stopping after ``early_stopping_patience``
  epochs without a better held-out loss (the best epoch's weights are kept);
- ``max_steps`` and a wall-clock budget ``max_minutes``;
- checkpoints, only when ``output_dir`` is set: Trainer checkpoints (they hold pickled optimizer state, so they
  live there, never in a model directory), ``save_total_limit`` of them; ``resume_from_checkpoint`` (opt-in: a
  checkpoint folder, or ``true`` for the newest one in ``output_dir``) continues an interrupted run.

Offline: nothing is reported anywhere (``report_to`` none) and nothing is pushed. Setting names are the
``transformers.TrainingArguments`` names; the older bantin names are mapped (``upgrade_settings``), with a FutureWarning.
Importing this module needs neither torch nor transformers.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bantin.errors import BantinInputError

log = logging.getLogger(__name__)

Precision = Literal["auto", "fp32", "fp16", "bf16"]


@dataclass
class FineTuneSettings:
    """Fine-tuning settings shared by every transformer path (``transformers.TrainingArguments`` names)."""

    #: Hub name or local path of the pretrained model; "e5-small" is the offline multilingual-e5-small
    model_name_or_path: str = "e5-small"
    num_train_epochs: float = 3.0
    #: stop after this many optimizer steps (-1: num_train_epochs decides)
    max_steps: int = -1
    #: stop after this many minutes of training, whatever the epochs (None: no limit)
    max_minutes: float | None = None
    per_device_train_batch_size: int = 16
    per_device_eval_batch_size: int = 64
    gradient_accumulation_steps: int = 1
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    #: share of the optimizer steps spent warming the learning rate up from 0
    warmup_ratio: float = 0.1
    lr_scheduler_type: str = "linear"
    max_grad_norm: float = 1.0
    #: "auto": bf16 autocast on GPUs that support it, else fp16 (loss scaling); fp32 on CPU
    precision: Precision = "auto"
    #: "auto" (the GPU when there is one), "cpu" or "cuda"
    device: str = "auto"
    #: torch intra-op threads on CPU (None: torch's default)
    cpu_threads: int | None = None
    seed: int = 42
    #: with held-out data: "epoch" evaluates (loss) after every epoch, "no" never
    eval_strategy: Literal["no", "epoch"] = "epoch"
    #: stop after this many evaluations without a better held-out loss, keeping the best weights (None: off)
    early_stopping_patience: int | None = None
    #: Trainer checkpoints go here (for resume; never inside a model directory); None: a temporary folder, removed
    output_dir: str | None = None
    save_total_limit: int = 1
    #: opt-in resume: a checkpoint folder, or "latest" for the newest checkpoint in output_dir
    resume_from_checkpoint: str | None = None
    #: optimizer steps between progress lines
    logging_steps: int = 50

    def __post_init__(self) -> None:
        if self.device is None:  # the older "no preference"
            self.device = "auto"
        if self.max_steps is None:
            self.max_steps = -1
        check_settings(self)

    @classmethod
    def upgrade_keys(cls, data: dict[str, Any]) -> dict[str, Any]:
        """Config files: the older bantin names mapped to these (``bantin.config.from_dict`` calls this)."""
        return upgrade_settings(data, f"config section {cls.__name__}")


SETTING_NAMES = frozenset(f.name for f in dataclasses.fields(FineTuneSettings))

# Older bantin names -> the shared names (and a value conversion where the meaning changed).
RENAMED: dict[str, str] = {
    "pretrained": "model_name_or_path",
    "base_model": "model_name_or_path",
    "lr": "learning_rate",
    "epochs": "num_train_epochs",
    "batch_size": "per_device_train_batch_size",
    "eval_batch_size": "per_device_eval_batch_size",
    "gradient_accumulation": "gradient_accumulation_steps",
    "fp16": "precision",
    "mixed_precision": "precision",
    "log_every": "logging_steps",
}
# Old names without a replacement: accepted with their default value, refused (with the reason) otherwise.
REMOVED: dict[str, tuple[Any, str]] = {
    "head_lr": (None, "the head trains at learning_rate like the encoder"),
    "tiny_config": ({}, "build a tiny model with bantin.testing.tiny_encoder(path) and set model_name_or_path to that path"),
}


def upgrade_settings(data: dict[str, Any], where: str = "config") -> dict[str, Any]:
    """A config (or model manifest config) with the older setting names mapped to the shared ones.

    Each old name found is reported as a ``FutureWarning`` naming its new key (shown by default, so the user of a
    config sees it). Giving both an old name and its new one is an error, as is a removed setting with a
    non-default value.
    """
    out = dict(data)
    for old, new in RENAMED.items():
        if old not in out:
            continue
        value = out.pop(old)
        if old in ("fp16", "mixed_precision") and isinstance(value, bool):
            value = "auto" if value else "fp32"
        if new in data:
            raise BantinInputError(f"{where}: both {old!r} (old name) and {new!r} are set; keep only {new!r}")
        warnings.warn(f"{where}: setting {old!r} is now called {new!r}", FutureWarning, stacklevel=3)
        out[new] = value
    for old, (default, why) in REMOVED.items():
        if old in out:
            value = out.pop(old)
            if value not in (default, None):
                raise BantinInputError(f"{where}: setting {old!r} was removed: {why}")
    if out.get("max_steps", 0) is None:
        out["max_steps"] = -1
    if "device" in out and out["device"] is None:
        out["device"] = "auto"
    return out


def settings_from(config_type: type, config: Any, overrides: dict[str, Any], owner: str) -> Any:
    """``config`` (an instance of ``config_type``, or None for its defaults) with ``overrides`` applied; unknown
    names are an error that names the new setting when an old name was used."""
    names = {f.name for f in dataclasses.fields(config_type)}
    unknown = sorted(set(overrides) - names)
    if unknown:
        shown = [f"{k} (now {RENAMED[k]!r})" if k in RENAMED else k for k in unknown]
        raise BantinInputError(f"unknown {owner} settings: {', '.join(shown)}")
    if config is not None and not isinstance(config, config_type):
        raise BantinInputError(f"{owner}: config must be a {config_type.__name__}, not a {type(config).__name__}")
    return dataclasses.replace(config or config_type(), **overrides)


class FineTunedModel:
    """Mixin of the estimators trained by the engine: ``load_model`` upgrades the older setting names of their
    saved configs (model directories written before the shared names) through ``upgrade_config``."""

    @classmethod
    def upgrade_config(cls, config: dict[str, Any]) -> dict[str, Any]:
        from bantin.errors import BantinModelError

        try:
            return upgrade_settings(config, f"{cls.__name__} config")
        except BantinInputError as exc:
            raise BantinModelError(str(exc)) from exc


def check_settings(s: FineTuneSettings) -> None:
    """Clear errors for values the Trainer would reject later (or silently misuse)."""
    if s.precision not in ("auto", "fp32", "fp16", "bf16"):
        raise BantinInputError(f"precision must be auto, fp32, fp16 or bf16, not {s.precision!r}")
    if s.eval_strategy not in ("no", "epoch"):
        raise BantinInputError(f"eval_strategy must be 'no' or 'epoch', not {s.eval_strategy!r}")
    if s.num_train_epochs <= 0 or s.learning_rate <= 0:
        raise BantinInputError("num_train_epochs > 0 and learning_rate > 0 are required")
    if s.per_device_train_batch_size < 1 or s.per_device_eval_batch_size < 1 or s.gradient_accumulation_steps < 1:
        raise BantinInputError("batch sizes and gradient_accumulation_steps must be >= 1")
    if not 0 <= s.warmup_ratio < 1:
        raise BantinInputError(f"warmup_ratio must be in [0, 1), not {s.warmup_ratio!r}")
    if s.early_stopping_patience is not None and s.early_stopping_patience < 1:
        raise BantinInputError("early_stopping_patience must be >= 1 (or null: off)")
    if s.resume_from_checkpoint and not s.output_dir and s.resume_from_checkpoint in ("latest", True):
        raise BantinInputError("resume_from_checkpoint: latest needs output_dir (the folder the checkpoints are in)")


@dataclass
class FineTuneResult:
    """What a fine-tuning run did (the estimators copy it into their training info)."""

    steps: int
    epochs_done: float
    final_loss: float | None
    train_seconds: float
    device: str
    precision: str
    #: held-out loss after each evaluated epoch
    eval_losses: list[float] = field(default_factory=list)
    best_eval_loss: float | None = None
    stopped_early: bool = False
    resumed_from: str | None = None

    def as_info(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v not in (None, [], False)}


def seed_everything(seed: int) -> None:
    """Seed Python, numpy and torch (call before building a model's new layers, so their init is reproducible)."""
    from transformers import set_seed

    set_seed(seed)


def resolve_precision(settings: FineTuneSettings, device_type: str) -> str:
    """"fp32", "fp16" or "bf16" for this device."""
    import torch

    p = settings.precision
    if device_type != "cuda":
        if p == "fp16":
            log.warning("precision fp16 needs a GPU; training in fp32 on %s", device_type)
        return "bf16" if p == "bf16" else "fp32"
    if p == "auto":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return p


def total_steps(settings: FineTuneSettings, n_examples: int) -> int:
    """Optimizer steps of a run on ``n_examples`` (what the Trainer will do: epochs of whole batches, or max_steps)."""
    batches = math.ceil(n_examples / settings.per_device_train_batch_size)
    per_epoch = max(1, math.ceil(batches / settings.gradient_accumulation_steps))
    steps = max(1, math.ceil(per_epoch * settings.num_train_epochs))
    return min(steps, settings.max_steps) if settings.max_steps > 0 else steps


def finetune(
    model: Any,
    train_dataset: Sequence[dict[str, Any]],
    settings: FineTuneSettings,
    data_collator: Callable[[list[dict[str, Any]]], dict[str, Any]],
    eval_dataset: Sequence[dict[str, Any]] | None = None,
    compute_loss: Callable[..., Any] | None = None,
) -> FineTuneResult:
    """Train ``model`` (a ``torch.nn.Module``; a Hugging Face model computes its own loss from ``labels``,
    another module returns logits and ``compute_loss(outputs, labels, num_items_in_batch=None)`` gives the loss)
    on ``train_dataset`` (a list of feature dicts that ``data_collator`` batches). Leaves the model in eval mode,
    on the training device, holding the final (or, with early stopping, the best) weights."""
    import torch
    from transformers import EarlyStoppingCallback, Trainer, TrainingArguments
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    s = settings
    if not len(train_dataset):
        raise BantinInputError("no training examples")
    use_cpu = s.device == "cpu" or not torch.cuda.is_available()
    if s.device.startswith("cuda") and not torch.cuda.is_available():
        log.warning("device %r is not available here; training on cpu", s.device)
    if use_cpu and s.cpu_threads:
        torch.set_num_threads(int(s.cpu_threads))
    precision = resolve_precision(s, "cpu" if use_cpu else "cuda")
    evaluating = eval_dataset is not None and len(eval_dataset) > 0 and s.eval_strategy == "epoch"
    early = evaluating and s.early_stopping_patience is not None
    if s.early_stopping_patience is not None and not early:
        log.warning("early_stopping_patience needs held-out data and eval_strategy: epoch; training without it")
    keep_checkpoints = s.output_dir is not None
    resume = _resume_point(s)
    out_dir = Path(s.output_dir) if keep_checkpoints else Path(tempfile.mkdtemp(prefix="bantin-finetune-"))
    steps = total_steps(s, len(train_dataset))
    args = TrainingArguments(**_args_kwargs(s, out_dir, steps, precision, use_cpu, evaluating, keep_checkpoints, early))
    recorder = _recorder(s.logging_steps, steps, s.max_minutes)
    callbacks: list[Any] = [recorder]
    if early:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=s.early_stopping_patience))
    trainer = Trainer(
        model=model, args=args, data_collator=data_collator, train_dataset=list(train_dataset),
        eval_dataset=list(eval_dataset) if evaluating else None, compute_loss_func=compute_loss, callbacks=callbacks,
    )  # fmt: skip
    for noisy in (PrinterCallback, ProgressCallback):
        trainer.remove_callback(noisy)
    log.info("fine-tuning %s: %d examples, %d steps on %s (%s)%s", type(model).__name__, len(train_dataset), steps,
             "cpu" if use_cpu else "cuda", precision, f", resuming from {resume}" if resume else "")
    start = time.perf_counter()
    try:
        trainer.train(resume_from_checkpoint=resume)
    except ValueError as exc:
        if resume and "checkpoint" in str(exc).lower():
            raise BantinInputError(f"resume_from_checkpoint: {exc}") from exc
        raise
    finally:
        if not keep_checkpoints:
            shutil.rmtree(out_dir, ignore_errors=True)
    model.eval()
    state = trainer.state
    losses = recorder.losses
    eval_losses = [round(float(e["eval_loss"]), 6) for e in state.log_history if "eval_loss" in e]
    return FineTuneResult(
        steps=int(state.global_step),
        epochs_done=round(float(state.epoch or 0.0), 3),
        final_loss=round(float(sum(losses[-20:]) / len(losses[-20:])), 6) if losses else None,
        train_seconds=round(time.perf_counter() - start, 2),
        device="cpu" if use_cpu else "cuda",
        precision=precision,
        eval_losses=eval_losses,
        best_eval_loss=round(float(state.best_metric), 6) if early and state.best_metric is not None else None,
        stopped_early=early and state.global_step < steps and not recorder.out_of_time,
        resumed_from=str(resume) if resume else None,
    )


def _args_kwargs(s: FineTuneSettings, out_dir: Path, steps: int, precision: str, use_cpu: bool, evaluating: bool,
                 keep_checkpoints: bool, early: bool) -> dict[str, Any]:
    return dict(
        output_dir=str(out_dir), num_train_epochs=s.num_train_epochs, max_steps=s.max_steps if s.max_steps > 0 else -1,
        per_device_train_batch_size=s.per_device_train_batch_size, per_device_eval_batch_size=s.per_device_eval_batch_size,
        gradient_accumulation_steps=s.gradient_accumulation_steps, learning_rate=s.learning_rate, weight_decay=s.weight_decay,
        warmup_steps=int(s.warmup_ratio * steps), lr_scheduler_type=s.lr_scheduler_type, max_grad_norm=s.max_grad_norm,
        fp16=precision == "fp16", bf16=precision == "bf16", use_cpu=use_cpu, seed=s.seed,
        eval_strategy="epoch" if evaluating else "no", save_strategy="epoch" if (keep_checkpoints or early) else "no",
        save_total_limit=s.save_total_limit, load_best_model_at_end=early,
        metric_for_best_model="eval_loss" if early else None, greater_is_better=False if early else None,
        prediction_loss_only=True, label_names=["labels"], logging_strategy="steps", logging_steps=1,
        report_to="none", disable_tqdm=True, remove_unused_columns=False, dataloader_pin_memory=not use_cpu,
    )  # fmt: skip


def _resume_point(s: FineTuneSettings) -> str | None:
    """The checkpoint folder to resume from (``resume_from_checkpoint``), or None."""
    value = s.resume_from_checkpoint
    if not value:
        return None
    if value in ("latest", True, "true"):
        from transformers.trainer_utils import get_last_checkpoint

        out_dir = Path(str(s.output_dir))
        last = get_last_checkpoint(str(out_dir)) if out_dir.is_dir() else None
        if last is None:
            raise BantinInputError(f"resume_from_checkpoint: latest: no checkpoint in {out_dir}")
        return last
    path = Path(str(value))
    if not path.is_dir():
        raise BantinInputError(f"resume_from_checkpoint: {path} is not a checkpoint folder")
    return str(path)


def _recorder(every: int, total: int, max_minutes: float | None):
    """A Trainer callback that keeps every step's loss, prints a progress line every ``every`` steps and stops
    training after ``max_minutes``."""
    from transformers import TrainerCallback

    class Recorder(TrainerCallback):
        def __init__(self) -> None:
            self.losses: list[float] = []
            self.out_of_time = False
            self.t0 = time.perf_counter()

        def on_train_begin(self, args, state, control, **kwargs):
            self.t0 = time.perf_counter()

        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs and "loss" in logs:
                self.losses.append(float(logs["loss"]))
                if every and state.global_step % every == 0:
                    recent = self.losses[-every:]
                    log.info("step %d/%d loss %.4f (%.0fs)", state.global_step, state.max_steps or total,
                             sum(recent) / len(recent), time.perf_counter() - self.t0)
            if logs and "eval_loss" in logs:
                log.info("epoch %.2f held-out loss %.4f", state.epoch or 0, logs["eval_loss"])

        def on_step_end(self, args, state, control, **kwargs):
            if max_minutes is not None and time.perf_counter() - self.t0 > max_minutes * 60:
                self.out_of_time = True
                control.should_training_stop = True
            return control

    return Recorder()
