"""Fine-tuned transformer encoder for topics: any Hugging Face encoder by name or path (offline: "e5-small").

The shared text classifier (``bantin.models.transformer_classifier.TransformerClassifier``: encoder -> mean
pooling over the attention mask, how e5 was trained -> dropout -> linear), trained by bantin's one fine-tuning
engine. Single-label: cross-entropy, softmax probabilities; multi-label: BCE, sigmoid probabilities, threshold
0.5. Runs on CPU (tiny smoke settings) and uses the GPU when there is one. The model directory holds
``encoder/`` (save_pretrained, safetensors + tokenizer) and ``head.safetensors``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bantin.errors import BantinInputError
from bantin.models.transformer_classifier import TransformerClassifier, TransformerClassifierConfig
from bantin.topics.base import TopicModel, as_label_lists, check_texts


class TransformerTopicModel(TopicModel, TransformerClassifier):
    kind = "transformer"
    config_type = TransformerClassifierConfig

    def __init__(self, config: TransformerClassifierConfig | None = None, **overrides: Any) -> None:
        TransformerClassifier.__init__(self, config, **overrides)
        self.multi_label = self.config.multi_label
        self.thresholds = None

    @classmethod
    def from_config(cls, c: TransformerClassifierConfig, multi_label: bool = False) -> TransformerTopicModel:
        """From the ``transformer`` section of the topics training config (``multi_label`` is a top-level key there)."""
        return cls(c, multi_label=multi_label)

    def fit(self, texts: Sequence[str], labels, eval_texts: Sequence[str] | None = None, eval_labels=None) -> TransformerTopicModel:  # type: ignore[override]
        texts = check_texts(texts)
        if len(texts) != len(labels):
            raise BantinInputError(f"{len(texts)} texts but {len(labels)} labels")
        lists = as_label_lists(labels)
        if not self.multi_label and any(len(y) > 1 for y in lists):
            raise BantinInputError("some documents have several labels: train with multi_label: true")
        targets = lists if self.multi_label else [y[0] for y in lists]
        eval_targets = None
        if eval_texts is not None and eval_labels is not None:
            eval_lists = as_label_lists(eval_labels)
            eval_targets = eval_lists if self.multi_label else [y[0] for y in eval_lists]
        TransformerClassifier.fit(self, texts, targets, eval_texts=eval_texts, eval_labels=eval_targets)
        self.training_info["n_docs"] = len(texts)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:  # type: ignore[override]
        return self._proba(check_texts(texts))

    def predict(self, texts: Sequence[str] | str, batch_size: int = 2048, labels: Sequence[str] | None = None) -> list[str] | list[list[str]]:  # type: ignore[override]
        return TopicModel.predict(self, texts, batch_size, labels=labels)

    def card_details(self) -> str:
        return TransformerClassifier.card_details(self)
