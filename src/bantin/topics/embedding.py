"""Frozen sentence embeddings (multilingual-e5-small via ``bantin.models.embeddings``) + logistic regression.

The encoder is not stored in the model directory (it is the offline e5-small, or any encoder name/path the
config names); only the logistic-regression weights are (safetensors).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bantin.errors import BantinInputError
from bantin.topics.base import TopicModel, check_texts, sigmoid, softmax

WEIGHTS = "logreg.safetensors"


class EmbeddingTopicModel(TopicModel):
    kind = "e5"

    def __init__(self, encoder: str = "e5-small", engine: str = "auto", max_length: int = 256, batch_size: int = 32,
                 prefix: str = "query: ", C: float = 10.0, multi_label: bool = False) -> None:
        super().__init__(multi_label=multi_label)
        self.encoder, self.engine, self.max_length = encoder, engine, max_length
        self.batch_size, self.prefix, self.C = batch_size, prefix, C
        self.coef: np.ndarray | None = None
        self.intercept: np.ndarray | None = None
        self._encoder_source: str | None = None  # set by loading: the encoder resolved against the model directory

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        from bantin.models.embeddings import embed_texts

        return embed_texts(list(texts), model=self._encoder_source or self.encoder, batch_size=self.batch_size, max_length=self.max_length,
                           prefix=self.prefix, engine=self.engine)

    def fit(self, texts: Sequence[str], labels, embeddings: np.ndarray | None = None) -> EmbeddingTopicModel:
        """Fit on texts (embedded here) or on precomputed ``embeddings`` of the same texts."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier

        texts = check_texts(texts)
        if len(texts) != len(labels):
            raise BantinInputError(f"{len(texts)} texts but {len(labels)} labels")
        y = self._encode_labels(labels)
        X = self.embed(texts) if embeddings is None else embeddings
        if self.multi_label:
            clf = OneVsRestClassifier(LogisticRegression(C=self.C, max_iter=2000)).fit(X, y)
            self.coef = np.vstack([e.coef_ for e in clf.estimators_]).astype(np.float32)
            self.intercept = np.concatenate([e.intercept_ for e in clf.estimators_]).astype(np.float32)
        else:
            clf = LogisticRegression(C=self.C, max_iter=2000).fit(X, y)
            coef, intercept = clf.coef_, clf.intercept_
            if coef.shape[0] == 1:
                coef, intercept = np.vstack([-coef, coef]) / 2, np.array([-intercept[0], intercept[0]]) / 2
            self.coef, self.intercept = coef.astype(np.float32), intercept.astype(np.float32)
        self.training_info.update({"n_docs": len(texts), "dim": int(X.shape[1])})
        return self

    def proba_from_embeddings(self, X: np.ndarray) -> np.ndarray:
        scores = X @ self.coef.T + self.intercept
        return sigmoid(scores) if self.multi_label else softmax(scores)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.proba_from_embeddings(self.embed(check_texts(texts)))

    def get_config(self) -> dict[str, Any]:
        return {"encoder": self.encoder, "engine": self.engine, "max_length": self.max_length, "batch_size": self.batch_size,
                "prefix": self.prefix, "C": self.C, "multi_label": self.multi_label}

    def _save_weights(self, path: Path) -> None:
        from safetensors.numpy import save_file

        if self.coef is None:
            raise BantinInputError("the model is not fitted")
        save_file({"coef": np.ascontiguousarray(self.coef), "intercept": np.ascontiguousarray(self.intercept)}, str(path / WEIGHTS))

    def _load_weights(self, path: Path) -> None:
        from safetensors.numpy import load_file

        from bantin.errors import BantinModelError
        from bantin.models.base import model_file

        try:
            t = load_file(str(model_file(path, WEIGHTS)))
        except BantinModelError:
            raise
        except Exception as exc:  # safetensors raises its own error type for corrupt files
            raise ValueError(f"{WEIGHTS}: {exc}") from exc
        self.coef, self.intercept = t["coef"], t["intercept"]
        if self.coef.ndim != 2 or self.coef.shape[0] != len(self.labels) or self.intercept.shape != (len(self.labels),):
            raise ValueError(f"weights of shape {self.coef.shape} / {self.intercept.shape} do not fit {len(self.labels)} labels")
        self._encoder_source = resolve_encoder(path, self.encoder)


def resolve_encoder(model_dir: Path, encoder: str) -> str:
    """The encoder a saved model names, as ``embed`` will load it, never resolved against the current directory.

    A folder inside the model directory (relative to it) -> its absolute path; an e5 alias -> the alias; any other
    path (absolute, with ``..``, or a folder that exists where bantin runs) must be inside the model directory or a
    folder named in $BANTIN_TRUSTED_MODEL_PATHS; a Hub id that names no local folder is left to ``from_pretrained``
    (offline: the local Hugging Face cache).
    """
    from bantin.errors import BantinModelError
    from bantin.models.base import model_file

    if not isinstance(encoder, str) or not encoder.strip():
        raise BantinModelError(f"{model_dir}: the config's encoder must be a model name or a folder")
    candidate = Path(model_dir) / encoder
    if candidate.exists() or Path(encoder).is_absolute() or ".." in Path(encoder).parts:
        return str(model_file(model_dir, encoder))
    if Path(encoder).exists():  # from_pretrained and the alias check would pick this up from the working directory
        return str(model_file(model_dir, Path(encoder).resolve()))
    return encoder

    def card_details(self) -> str:
        return ("## Model\n\nFrozen sentence embeddings of `" + self.encoder + f"` (prefix {self.prefix!r}, first {self.max_length} "
                "tokens, mean pooling, L2-normalized) + logistic regression (C=" + f"{self.C}). The encoder is loaded by name "
                "(offline alias e5-small); only the classifier weights are stored here.")
