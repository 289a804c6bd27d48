"""The fast default: a supervised extractive summarizer.

Each sentence gets ~30 cheap features (position, length, similarity to the title and to the document's
TF-IDF centroid, LexRank/TextRank centrality, informativeness, surface cues; see
``bantin.summarize.features``) and a gradient-boosting model (scikit-learn HistGradientBoosting) or a
logistic regression scores it. Targets come from the greedy ROUGE oracle on the vietnews train split
("oracle": 1 for sentences the oracle picks) or are the sentences' own ROUGE against the reference
("rouge", regression). The top sentences are picked with redundancy control (trigram blocking or MMR)
and returned in document order.

Weights: ``idf.json`` (syllable idf) and ``scorer.skops`` (gradient boosting) or ``scorer.json``
(logistic regression) — safe formats only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bantin.errors import BantinModelError
from bantin.models.base import model_file, read_json_file
from bantin.summarize.base import Document, Summarizer
from bantin.summarize.features import (
    FEATURE_NAMES,
    IdfTable,
    greedy_oracle,
    select_with_redundancy,
    sentence_features,
    sentence_rouge,
    single_threaded_blas,
)
from bantin.text.tokenize import syllables


class ExtractiveSummarizer(Summarizer):
    kind = "extractive"

    def __init__(
        self,
        n_sentences: int = 2,
        sentence_backend: str = "underthesea",
        scorer: str = "gbm",
        target: str = "oracle",
        redundancy: str = "trigram",
        mmr_lambda: float = 0.7,
        min_tokens: int = 5,
        max_oracle_sentences: int = 3,
        idf_min_df: int = 3,
        gbm_max_iter: int = 300,
        gbm_learning_rate: float = 0.08,
        gbm_max_leaf_nodes: int = 31,
        logistic_c: float = 1.0,
        seed: int = 0,
    ) -> None:
        super().__init__(n_sentences, sentence_backend)
        if scorer not in ("gbm", "logistic"):
            raise ValueError(f"scorer must be 'gbm' or 'logistic', got {scorer!r}")
        if target not in ("oracle", "rouge"):
            raise ValueError(f"target must be 'oracle' or 'rouge', got {target!r}")
        self.scorer, self.target, self.redundancy, self.mmr_lambda = scorer, target, redundancy, mmr_lambda
        self.min_tokens, self.max_oracle_sentences, self.idf_min_df = min_tokens, max_oracle_sentences, idf_min_df
        self.gbm_max_iter, self.gbm_learning_rate, self.gbm_max_leaf_nodes = gbm_max_iter, gbm_learning_rate, gbm_max_leaf_nodes
        self.logistic_c, self.seed = logistic_c, seed
        self.idf: IdfTable | None = None
        self.model_: Any = None

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(), "scorer": self.scorer, "target": self.target, "redundancy": self.redundancy,
            "mmr_lambda": self.mmr_lambda, "min_tokens": self.min_tokens, "max_oracle_sentences": self.max_oracle_sentences,
            "idf_min_df": self.idf_min_df, "gbm_max_iter": self.gbm_max_iter, "gbm_learning_rate": self.gbm_learning_rate,
            "gbm_max_leaf_nodes": self.gbm_max_leaf_nodes, "logistic_c": self.logistic_c, "seed": self.seed,
        }

    # -- training -------------------------------------------------------------------------
    def training_matrix(self, docs: Sequence[Document], references: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        xs, ys = [], []
        for doc, ref in zip(docs, references):
            if not doc.sentences:
                continue
            ref_toks = syllables(ref)
            xs.append(sentence_features(doc, self.idf))
            if self.target == "oracle":
                y = np.zeros(len(doc.sentences))
                y[greedy_oracle(doc, ref_toks, self.max_oracle_sentences)] = 1.0
            else:
                y = sentence_rouge(doc, ref_toks)
            ys.append(y)
        if not xs:
            raise BantinModelError("no training documents with sentences")
        return np.vstack(xs), np.concatenate(ys)

    def fit(self, docs: Sequence[Document], references: Sequence[str]) -> ExtractiveSummarizer:
        docs, references = list(docs), list(references)
        self.idf = IdfTable.fit(([t for toks in d.tokens for t in toks] for d in docs), min_df=self.idf_min_df)
        x, y = self.training_matrix(docs, references)
        if self.scorer == "gbm":
            from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

            cls = HistGradientBoostingClassifier if self.target == "oracle" else HistGradientBoostingRegressor
            self.model_ = cls(max_iter=self.gbm_max_iter, learning_rate=self.gbm_learning_rate, max_leaf_nodes=self.gbm_max_leaf_nodes,
                              early_stopping=False, random_state=self.seed)
        else:
            from sklearn.linear_model import LinearRegression, LogisticRegression
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import StandardScaler

            est = LogisticRegression(C=self.logistic_c, max_iter=1000) if self.target == "oracle" else LinearRegression()
            self.model_ = make_pipeline(StandardScaler(), est)
        self.model_.fit(x, y)
        self.training_info.update({"n_documents": len(docs), "n_sentences": int(len(y)), "positive_rate": float(np.mean(y > 0.5)) if self.target == "oracle" else None,
                                   "features": FEATURE_NAMES})
        return self

    # -- inference --------------------------------------------------------------------------
    def _scores(self, x: np.ndarray) -> np.ndarray:
        if self.model_ is None:
            raise BantinModelError("the extractive summarizer is not trained (fit it or load a model directory)")
        if self.target == "oracle":
            return self.model_.predict_proba(x)[:, 1]
        return self.model_.predict(x)

    def sentence_scores(self, docs: Sequence[Document]) -> list[np.ndarray]:
        with single_threaded_blas():
            feats = [sentence_features(d, self.idf) for d in docs]
        sizes = [len(f) for f in feats]
        if not sum(sizes):
            return [np.zeros(0) for _ in docs]
        scores = self._scores(np.vstack([f for f in feats if len(f)]))
        return list(np.split(scores, np.cumsum(sizes)[:-1]))

    def select_many(self, docs: Sequence[Document], n_sentences: int) -> list[list[int]]:
        out = []
        for doc, s in zip(docs, self.sentence_scores(docs)):
            if not doc.sentences:
                out.append([])
                continue
            out.append(select_with_redundancy(s, doc, n_sentences, self.redundancy, self.mmr_lambda, self.min_tokens))
        return out

    def select(self, doc: Document, n_sentences: int) -> list[int]:
        return self.select_many([doc], n_sentences)[0]

    # -- persistence ------------------------------------------------------------------------
    def _save_weights(self, path: Path) -> None:
        if self.model_ is None or self.idf is None:
            raise BantinModelError("cannot save an untrained extractive summarizer")
        (path / "idf.json").write_text(json.dumps(self.idf.to_dict(), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        if self.scorer == "gbm":
            import skops.io as sio

            sio.dump(self.model_, path / "scorer.skops")
        elif isinstance(self.model_, _LinearScorer):  # loaded from a model directory: save it back as it is
            (path / "scorer.json").write_text(json.dumps(self.model_.to_dict()), encoding="utf-8")
        else:
            scaler, est = self.model_[0], self.model_[-1]
            (path / "scorer.json").write_text(json.dumps({
                "mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist(),
                "coef": np.ravel(est.coef_).tolist(), "intercept": float(np.ravel(est.intercept_)[0]),
            }), encoding="utf-8")

    def _load_weights(self, path: Path) -> None:
        self.idf = _read_idf(path)
        if self.scorer == "gbm":
            self.model_ = _read_skops_scorer(path)
            if self.target == "oracle" and not hasattr(self.model_, "predict_proba"):
                raise BantinModelError(f"{path}: target 'oracle' needs a classifier, scorer.skops holds a {type(self.model_).__name__}")
        else:
            self.model_ = _LinearScorer(_read_linear_scorer(path), self.target)

    def card_details(self) -> str:
        return (
            "## Model\n\nSupervised extractive summarizer: per-sentence features (position, length, title and centroid "
            "TF-IDF similarity, LexRank/TextRank centrality, informativeness, surface cues) scored by "
            f"{'gradient boosting' if self.scorer == 'gbm' else 'a linear model'} trained on "
            f"{'greedy ROUGE-oracle labels' if self.target == 'oracle' else 'per-sentence ROUGE'} from the vietnews train split; "
            f"redundancy control: {self.redundancy}. Summaries are whole sentences of the article (extractive), "
            "so they never state anything the article does not; they read less fluently than an abstract.\n"
            + _measured_note(self.metrics)
        )


def _measured_note(metrics: dict) -> str:
    """Model-card paragraph on the evaluation keys written by `bantin evaluate summarize --set update_card=true`."""
    prefixes = sorted({k.split("/")[0] for k in metrics if "/" in k and not k.startswith("val/")})
    if not prefixes:
        return ""
    rows = []
    for p in prefixes:
        get = lambda k: metrics.get(f"{p}/{k}")  # noqa: E731
        if get("rouge2_f") is None:
            continue
        base = ", ".join(f"{k.split('/')[1]} {v * 100:.2f}" for k, v in metrics.items() if k.startswith(f"{p}/") and k.count("/") == 2)
        rows.append(f"| {p} | {int(get('n_articles') or 0)} | {get('rouge1_f') * 100:.2f} / {get('rouge2_f') * 100:.2f} / {get('rougeL_f') * 100:.2f} | "
                    f"{get('rouge1_f_ascii') * 100:.2f} / {get('rouge2_f_ascii') * 100:.2f} / {get('rougeL_f_ascii') * 100:.2f} | "
                    f"{get('summary_syllables'):.1f} | {get('articles_per_s'):.0f} | {base} |")
    if not rows:
        return ""
    return (
        "\n## Measured scores\n\n`bantin evaluate summarize --config configs/summarize-eval.yaml --set update_card=true`: ROUGE F1 (%) "
        "with the Unicode syllable tokenizer and, for comparison with published figures, rouge-score's default ASCII tokenizer "
        "(which drops Vietnamese letters with diacritics and inflates scores). R-L is ROUGE-Lsum. vietnews: the deduplicated "
        "test split, reference = abstract; baomoi_sapo: fixed sample of baomoi_articles_2017, reference = the sapo. "
        "Throughput is end to end (sentence splitting included), one process, on a shared 2-core machine.\n\n"
        "| data | articles | R-1 / R-2 / R-L | ASCII R-1 / R-2 / R-L | summary syllables | articles/s | baselines R-2 |\n"
        "|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n"
    )


# The only types beyond skops' own safe defaults that a saved scorer (HistGradientBoosting classifier or
# regressor) holds; from ``skops.io.get_untrusted_types`` on saved models. Nothing is trusted by prefix: every
# numpy or sklearn callable (numpy.testing's runstring calls exec) would otherwise pass.
SKOPS_TRUSTED = frozenset({"sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"})


def _read_idf(path: Path) -> IdfTable:
    d = read_json_file(path, "idf.json")
    idf, n_docs = d.get("idf"), d.get("n_docs")
    if not isinstance(idf, dict) or not isinstance(n_docs, int) or isinstance(n_docs, bool) or n_docs < 0:
        raise BantinModelError(f"{path / 'idf.json'}: expected {{\"n_docs\": <count>, \"idf\": {{syllable: weight}}}}")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v) for v in idf.values()):
        raise BantinModelError(f"{path / 'idf.json'}: idf weights must be finite numbers")
    return IdfTable(idf, n_docs)


def _read_linear_scorer(path: Path) -> dict:
    d = read_json_file(path, "scorer.json")
    n = len(FEATURE_NAMES)
    for key in ("mean", "scale", "coef"):
        v = d.get(key)
        if not isinstance(v, list) or len(v) != n or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
            raise BantinModelError(f"{path / 'scorer.json'}: {key!r} must be a list of {n} numbers (one per sentence feature)")
    if not isinstance(d.get("intercept"), (int, float)) or isinstance(d.get("intercept"), bool):
        raise BantinModelError(f"{path / 'scorer.json'}: 'intercept' must be a number")
    return d


def _read_skops_scorer(path: Path) -> Any:
    import skops.io as sio

    file = model_file(path, "scorer.skops")
    if not file.is_file():
        raise BantinModelError(f"{path / 'scorer.skops'}: missing")
    try:
        untrusted = sio.get_untrusted_types(file=file)
    except Exception as exc:  # noqa: BLE001 - a corrupt archive raises zipfile/json/skops errors of many types
        raise BantinModelError(f"{file}: not a skops file ({type(exc).__name__}: {exc})") from exc
    bad = sorted(set(untrusted) - SKOPS_TRUSTED)
    if bad:
        raise BantinModelError(f"{file}: refuses to load types a bantin scorer never holds: {bad}")
    try:
        model = sio.load(file, trusted=list(untrusted))
    except Exception as exc:  # noqa: BLE001
        raise BantinModelError(f"{file}: corrupt skops file ({type(exc).__name__}: {exc})") from exc
    if not hasattr(model, "predict") or getattr(model, "n_features_in_", None) != len(FEATURE_NAMES):
        raise BantinModelError(f"{file}: holds a {type(model).__name__}, not a scorer of the {len(FEATURE_NAMES)} sentence features")
    return model


class _LinearScorer:
    """The saved logistic/linear model, evaluated with numpy (no pickle)."""

    def __init__(self, d: dict, target: str) -> None:
        self.mean, self.scale = np.array(d["mean"]), np.array(d["scale"])
        self.coef, self.intercept, self.target = np.array(d["coef"]), d["intercept"], target

    def to_dict(self) -> dict:
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist(), "coef": self.coef.tolist(), "intercept": self.intercept}

    def _z(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / np.where(self.scale > 0, self.scale, 1.0)) @ self.coef + self.intercept

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self._z(x)))
        return np.stack([1 - p, p], axis=1)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self._z(x)
