"""The fast default: a supervised extractive summarizer.

Each sentence gets cheap features (``feature_set`` v1: 30 — position, length, similarity to the title and to the
document's TF-IDF centroid, LexRank/TextRank centrality, informativeness, surface cues; v2: 47 — plus position in
the paragraph, redundancy with earlier sentences, numbers and names shared with the title, quote/reporting cues;
see ``bantin.summarize.features``) and a scorer rates it: LightGBM (``lgbm``), scikit-learn HistGradientBoosting
(``gbm``) or a logistic/linear model (``logistic``). Targets: greedy ROUGE-oracle membership ("oracle"), each
sentence's own ROUGE F ("rouge") or precision ("precision") against the reference, or lambdarank grades ("rank",
LightGBM only). The top sentences are picked with redundancy control (trigram blocking, MMR or none), within
``n_sentences`` and the optional syllable budget ``max_syllables``, and returned in document order. Optional second
stage (``rerank_top_k`` > 0, LightGBM only): a reranker rates every summary of 1..``n_sentences`` (at most 3) of the
K best sentences as a whole (``features.candidate_features``) and keeps the best one.

Weights, safe formats only: ``idf.json`` (syllable idf) and ``scorer.lgbm.txt`` (LightGBM's text model format, checked
before it is parsed; the reranker: ``reranker.lgbm.txt``), ``scorer.skops`` (skops) or ``scorer.json`` (logistic regression).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from bantin.errors import BantinInputError, BantinModelError
from bantin.models.base import model_file, read_json_file
from bantin.summarize.base import Document, Summarizer, _check_budget, _check_n
from bantin.summarize.features import (
    IdfTable,
    candidate_feature_names,
    candidate_features,
    feature_names,
    greedy_oracle,
    select_with_redundancy,
    ngrams,
    rouge_f_pair,
    sentence_features,
    sentence_features_context,
    sentence_rouge,
    single_threaded_blas,
)
from bantin.summarize.trim import TRIM_LEVELS, trim_sentence
from bantin.text.tokenize import syllables


class ExtractiveSummarizer(Summarizer):
    kind = "extractive"

    def __init__(
        self,
        n_sentences: int = 2,
        sentence_backend: str = "underthesea",
        scorer: Literal["lgbm", "gbm", "logistic"] = "logistic",
        target: Literal["oracle", "rouge", "precision", "rank"] = "oracle",
        redundancy: Literal["trigram", "mmr", "none"] = "trigram",
        mmr_lambda: float = 0.7,
        min_tokens: int = 5,
        max_oracle_sentences: int = 3,
        idf_min_df: int = 3,
        gbm_max_iter: int = 300,
        gbm_learning_rate: float = 0.08,
        gbm_max_leaf_nodes: int = 31,
        logistic_c: float = 1.0,
        seed: int = 0,
        feature_set: Literal["v1", "v2"] = "v1",
        lgbm_num_trees: int = 300,
        lgbm_learning_rate: float = 0.05,
        lgbm_num_leaves: int = 31,
        lgbm_min_data_in_leaf: int = 50,
        max_syllables: int | None = None,
        rerank_top_k: int = 0,
        rerank_trees: int = 100,
        rerank_learning_rate: float = 0.1,
        rerank_features: Literal["c1", "c2"] = "c1",
        rerank_label: str = "s1+s2",
        rerank_targets: Literal["label", "label+centered"] = "label",
        trim_sentences: Literal["none", "links", "links+time"] = "none",
    ) -> None:
        super().__init__(n_sentences, sentence_backend)
        if scorer not in ("gbm", "logistic", "lgbm"):
            raise ValueError(f"scorer must be 'gbm', 'logistic' or 'lgbm', got {scorer!r}")
        if target not in ("oracle", "rouge", "precision", "rank"):
            raise ValueError(f"target must be 'oracle', 'rouge', 'precision' or 'rank', got {target!r}")
        if target == "rank" and scorer != "lgbm":
            raise ValueError("target 'rank' (lambdarank) needs scorer 'lgbm'")
        feature_names(feature_set)  # validates
        self.feature_set = feature_set
        self.lgbm_num_trees, self.lgbm_learning_rate = lgbm_num_trees, lgbm_learning_rate
        self.lgbm_num_leaves, self.lgbm_min_data_in_leaf = lgbm_num_leaves, lgbm_min_data_in_leaf
        #: default summary length budget in syllables (on top of n_sentences); a call's max_syllables overrides it
        self.max_syllables = max_syllables
        #: summary reranker (0: off): every summary of 1..n_sentences of the rerank_top_k best sentences is scored by a
        #: second LightGBM model trained on summary-level ROUGE, the best one is kept (see ``features.candidate_features``)
        if not isinstance(rerank_top_k, int) or isinstance(rerank_top_k, bool) or not 0 <= rerank_top_k <= 8:
            raise BantinInputError(f"rerank_top_k must be an integer in 0..8, got {rerank_top_k!r}")
        if rerank_top_k and scorer != "lgbm":
            raise BantinInputError("the summary reranker (rerank_top_k > 0) needs scorer 'lgbm'")
        self.rerank_top_k, self.rerank_trees, self.rerank_learning_rate = rerank_top_k, rerank_trees, rerank_learning_rate
        if rerank_features not in ("c1", "c2"):
            raise BantinInputError(f"rerank_features must be 'c1' or 'c2', got {rerank_features!r}")
        #: the reranker's candidate features: c1 (25) or c2 (+ positional pattern, members' sentence cues, log-odds scores...)
        self.rerank_features = rerank_features
        #: the reranker's training label: the mean of these ROUGE F columns of a candidate summary (``RERANK_LABELS``)
        self.rerank_label = _check_rerank_label(rerank_label)
        if rerank_targets not in RERANK_TARGETS:
            raise BantinInputError(f"rerank_targets must be one of {', '.join(RERANK_TARGETS)}, got {rerank_targets!r}")
        #: label: one reranker regresses the label; label+centered: a second one regresses the label minus its article's
        #: mean label (only the ranking within an article counts) and the two ratings are averaged
        self.rerank_targets = rerank_targets
        if trim_sentences not in TRIM_LEVELS:
            raise BantinInputError(f"trim_sentences must be one of {', '.join(TRIM_LEVELS)}, got {trim_sentences!r}")
        #: trimming of the chosen sentences (``trim.trim_sentence``): none; links (dateline, leading connectives, channel
        #: attributions, photo credits); links+time (also a leading time adverbial such as "Ngày 22/6, ")
        self.trim_sentences = trim_sentences
        self.reranker_: _LgbmScorer | _MeanScorer | None = None
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
            "feature_set": self.feature_set, "lgbm_num_trees": self.lgbm_num_trees, "lgbm_learning_rate": self.lgbm_learning_rate,
            "lgbm_num_leaves": self.lgbm_num_leaves, "lgbm_min_data_in_leaf": self.lgbm_min_data_in_leaf,
            "max_syllables": self.max_syllables, "rerank_top_k": self.rerank_top_k, "rerank_trees": self.rerank_trees,
            "rerank_learning_rate": self.rerank_learning_rate, "rerank_features": self.rerank_features,
            "rerank_label": self.rerank_label, "rerank_targets": self.rerank_targets, "trim_sentences": self.trim_sentences,
        }

    # -- training -------------------------------------------------------------------------
    def training_data(self, docs: Sequence[Document], references: Sequence[str]) -> dict[str, np.ndarray]:
        """Features and every kind of target for documents with sentences: ``x``, ``oracle`` (0/1 greedy-oracle
        membership), ``rouge`` (each sentence's own (R-1 F + R-2 F) / 2 against the reference), ``grade`` (0..4 relevance
        for lambdarank: the rouge target scaled to the document's best sentence, +1 for oracle sentences), ``group``
        (sentences per document)."""
        xs, oracle, soft, prec, grade, group = [], [], [], [], [], []
        for doc, ref in zip(docs, references):
            doc = doc.capped()
            if not doc.sentences:
                continue
            ref_toks = syllables(ref)
            xs.append(sentence_features(doc, self.idf, self.feature_set))
            y = np.zeros(len(doc.sentences))
            y[greedy_oracle(doc, ref_toks, self.max_oracle_sentences)] = 1.0
            r = sentence_rouge(doc, ref_toks)
            oracle.append(y)
            soft.append(r)
            prec.append(sentence_rouge(doc, ref_toks, "p"))
            top = r.max()
            grade.append(np.rint(3 * r / top if top > 0 else np.zeros_like(r)) + y)
            group.append(len(y))
        if not xs:
            raise BantinModelError("no training documents with sentences")
        return {"x": np.vstack(xs), "oracle": np.concatenate(oracle), "rouge": np.concatenate(soft), "precision": np.concatenate(prec), "grade": np.concatenate(grade).astype(np.int32),
                "group": np.array(group, dtype=np.int64)}

    def training_matrix(self, docs: Sequence[Document], references: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        d = self.training_data(docs, references)
        return d["x"], d["grade" if self.target == "rank" else self.target]

    def fit(self, docs: Sequence[Document], references: Sequence[str]) -> ExtractiveSummarizer:
        docs, references = list(docs), list(references)
        self.idf = IdfTable.fit(([t for toks in d.capped().tokens for t in toks] for d in docs), min_df=self.idf_min_df)
        data = self.training_data(docs, references)
        if self.rerank_top_k:
            self.fit_reranker(docs, references, data)
        self.fit_scorer(data)
        self.training_info["n_documents"] = len(docs)
        return self

    def out_of_fold_scores(self, data: dict[str, np.ndarray]) -> np.ndarray:
        """First-stage sentence scores of ``training_data`` rows, out of fold: the documents split in two halves (seeded
        by ``seed``), each half scored by a sentence scorer fitted on the other. Leaves this model's scorer as fitted
        on the last half (``fit_reranker`` refits it on all the data)."""
        group = data["group"]
        fold = np.random.default_rng(self.seed).integers(0, 2, len(group))
        row_fold = np.repeat(fold, group)
        oof = np.zeros(len(row_fold))
        for f in (0, 1):
            part = {k: (v[row_fold != f] if k != "group" else v[fold != f]) for k, v in data.items()}
            oof[row_fold == f] = self.fit_scorer(part).model_.predict(data["x"][row_fold == f])
        return oof

    def fit_reranker(self, docs: Sequence[Document], references: Sequence[str], data: dict[str, np.ndarray]) -> ExtractiveSummarizer:
        """Fit the summary reranker: first-stage scores of the training documents are out of fold (two halves, each
        scored by a sentence scorer fitted on the other), every candidate summary's label is its (R-1 F + R-2 F) / 2
        against the reference, LightGBM regression. ``docs``: those ``training_data`` read (all with sentences)."""
        import lightgbm as lgb

        docs = [d.capped() for d in docs if d.sentences]
        refs = [r for d, r in zip(docs, references) if d.sentences]
        group = data["group"]
        if len(docs) != len(group):
            raise BantinModelError("fit_reranker: the documents do not match the training data")
        oof = self.out_of_fold_scores(data)
        bounds = np.concatenate([[0], np.cumsum(group)])
        xs, ys = [], []
        with single_threaded_blas():
            for i, (doc, ref) in enumerate(zip(docs, refs)):
                _, ctx = sentence_features_context(doc, self.idf, self.feature_set)
                x, cands = candidate_features(doc, oof[bounds[i]:bounds[i + 1]], ctx, self.rerank_top_k, RERANK_MAX_SENTENCES, self.rerank_features)
                xs.append(x)
                ys.append(candidate_labels(doc, cands, ref, self.rerank_label, self.trim_sentences))
        params = {"objective": "regression", "learning_rate": self.rerank_learning_rate, "num_leaves": 31, "min_data_in_leaf": 50, "feature_fraction": 0.9,
                  "bagging_fraction": 0.8, "bagging_freq": 1, "seed": self.seed, "deterministic": True, "num_threads": 1, "verbose": -1}
        x, y = np.vstack(xs), np.concatenate(ys)
        names = candidate_feature_names(self.rerank_features)
        parts = [_LgbmScorer.from_booster(lgb.train(params, lgb.Dataset(x, y, feature_name=names), num_boost_round=self.rerank_trees))]
        if self.rerank_targets == "label+centered":
            centered = np.concatenate([v - v.mean() for v in ys])
            parts.append(_LgbmScorer.from_booster(lgb.train(params, lgb.Dataset(x, centered, feature_name=names), num_boost_round=self.rerank_trees)))
        self.reranker_ = parts[0] if len(parts) == 1 else _MeanScorer(parts)
        self.training_info["reranker"] = {"candidates": int(sum(len(x) for x in xs)), "features": list(names),
                                          "label": f"mean ROUGE F of the candidate summary ({self.rerank_label})", "first_stage": "out of fold (2 folds)"}
        return self

    def fit_scorer(self, data: dict[str, np.ndarray]) -> ExtractiveSummarizer:
        """Fit the sentence scorer on ``training_data`` output (the idf table must be set)."""
        x = data["x"]
        y = data["grade"] if self.target == "rank" else data[self.target]
        if self.scorer == "lgbm":
            import lightgbm as lgb

            objective = {"oracle": "binary", "rouge": "regression", "precision": "regression", "rank": "lambdarank"}[self.target]
            params = {"objective": objective, "learning_rate": self.lgbm_learning_rate, "num_leaves": self.lgbm_num_leaves,
                      "min_data_in_leaf": self.lgbm_min_data_in_leaf, "feature_fraction": 0.9, "bagging_fraction": 0.8, "bagging_freq": 1,
                      "seed": self.seed, "deterministic": True, "num_threads": 1, "verbose": -1}
            if objective == "lambdarank":
                params.update({"lambdarank_truncation_level": 10, "eval_at": [3]})
            ds = lgb.Dataset(x, y, group=data["group"] if objective == "lambdarank" else None,
                             feature_name=feature_names(self.feature_set), free_raw_data=True)
            self.model_ = _LgbmScorer.from_booster(lgb.train(params, ds, num_boost_round=self.lgbm_num_trees))
        elif self.scorer == "gbm":
            from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

            cls = HistGradientBoostingClassifier if self.target == "oracle" else HistGradientBoostingRegressor
            self.model_ = cls(max_iter=self.gbm_max_iter, learning_rate=self.gbm_learning_rate, max_leaf_nodes=self.gbm_max_leaf_nodes,
                              early_stopping=False, random_state=self.seed)
            self.model_.fit(x, y)
        else:
            from sklearn.linear_model import LinearRegression, LogisticRegression
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import StandardScaler

            est = LogisticRegression(C=self.logistic_c, max_iter=1000) if self.target == "oracle" else LinearRegression()
            self.model_ = make_pipeline(StandardScaler(), est)
            self.model_.fit(x, y)
        self.training_info.update({"n_documents": len(data["group"]), "n_sentences": int(len(y)),
                                   "positive_rate": float(np.mean(data["oracle"])), "features": feature_names(self.feature_set)})
        return self

    # -- inference --------------------------------------------------------------------------
    def _scores(self, x: np.ndarray) -> np.ndarray:
        if self.model_ is None:
            raise BantinModelError("the extractive summarizer is not trained (fit it or load a model directory)")
        if isinstance(self.model_, _LgbmScorer):
            out = self.model_.predict(x)
        elif self.target == "oracle":
            out = self.model_.predict_proba(x)[:, 1]
        else:
            out = self.model_.predict(x)
        if not np.all(np.isfinite(out)):  # a NaN leaf or weight of a tampered model file
            raise BantinModelError("the sentence scorer gives non-finite scores (corrupt or tampered model file)")
        return out

    def sentence_scores(self, docs: Sequence[Document]) -> list[np.ndarray]:
        return self._scores_with_context(docs)[0]

    def _scores_with_context(self, docs: Sequence[Document]) -> tuple[list[np.ndarray], list[dict]]:
        with single_threaded_blas():
            both = [sentence_features_context(d, self.idf, self.feature_set) for d in docs]
        feats = [f for f, _ in both]
        sizes = [len(f) for f in feats]
        if not sum(sizes):
            return [np.zeros(0) for _ in docs], [c for _, c in both]
        if len(feats) == 1:  # one article (summarize_article): no stacking and splitting
            return [self._scores(feats[0])], [both[0][1]]
        scores = self._scores(np.vstack([f for f in feats if len(f)]))
        return list(np.split(scores, np.cumsum(sizes)[:-1])), [c for _, c in both]

    def select_many(self, docs: Sequence[Document], n_sentences: int) -> list[list[int]]:
        """With the reranker (and ``n_sentences`` <= 3), the best-rated summary of 1..``n_sentences`` sentences;
        otherwise the top ``n_sentences`` with redundancy control."""
        if self.reranker_ is not None and n_sentences <= RERANK_MAX_SENTENCES:
            return self._rerank(docs, n_sentences, None)
        out = []
        for doc, s in zip(docs, self.sentence_scores(docs)):
            if not doc.sentences:
                out.append([])
                continue
            out.append(select_with_redundancy(s, doc, n_sentences, self.redundancy, self.mmr_lambda, self.min_tokens))
        return out

    def _rerank(self, docs: Sequence[Document], n_sentences: int, budget: int | None) -> list[list[int]]:
        """The reranker's best candidate of 1..n_sentences sentences; with a syllable ``budget``, the best one within it
        (when no candidate fits, the best single sentence: summaries are whole sentences)."""
        with single_threaded_blas():
            scores, contexts = self._scores_with_context(docs)
            return [self._best_candidate(doc, s, ctx, n_sentences, budget) for doc, s, ctx in zip(docs, scores, contexts)]

    def _best_candidate(self, doc: Document, scores: np.ndarray, ctx: dict, n_sentences: int, budget: int | None) -> list[int]:
        if not doc.sentences:
            return []
        x, cands = candidate_features(doc, scores, ctx, self.rerank_top_k, n_sentences, self.rerank_features)
        rating = self.reranker_.predict(x)
        if not np.all(np.isfinite(rating)):  # a NaN leaf of a tampered model file: no silently different summary
            raise BantinModelError("the summary reranker gives non-finite ratings (corrupt or tampered model file)")
        if budget is not None:
            fits = x[:, 1] <= budget
            rating = np.where(fits if fits.any() else x[:, 0] == 1, rating, -np.inf)
        return cands.sentences(int(np.argmax(rating)))

    def summarize_sentences(self, docs: Sequence[Document], n_sentences: int | None = None, max_syllables: int | None = None) -> list[list[str]]:
        """As ``Summarizer.summarize_sentences``; with the reranker (``n_sentences`` <= 3) a syllable budget is applied
        to the reranker's candidates (the best-rated summary that fits) instead of to a ranking."""
        n = _check_n(self.n_sentences if n_sentences is None else n_sentences)
        budget = _check_budget(max_syllables if max_syllables is not None else self.max_syllables)
        if self.reranker_ is None or n > RERANK_MAX_SENTENCES or budget is None:
            out = super().summarize_sentences(docs, n, budget)
        else:
            docs = [d.capped() for d in docs]
            with single_threaded_blas():
                selected = self._rerank(docs, n, budget)
            out = [[doc.sentences[i] for i in sorted(idx)] for doc, idx in zip(docs, selected)]
        if self.trim_sentences != "none":
            out = [[trim_sentence(s, self.trim_sentences) for s in summary] for summary in out]
        return out

    def select(self, doc: Document, n_sentences: int) -> list[int]:
        return self.select_many([doc], n_sentences)[0]

    # -- persistence ------------------------------------------------------------------------
    def _save_weights(self, path: Path) -> None:
        if self.model_ is None or self.idf is None:
            raise BantinModelError("cannot save an untrained extractive summarizer")
        (path / "idf.json").write_text(json.dumps(self.idf.to_dict(), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        if self.reranker_ is not None:
            parts = self.reranker_.parts if isinstance(self.reranker_, _MeanScorer) else [self.reranker_]
            for file, part in zip(RERANKER_FILES, parts):
                (path / file).write_text(part.text, encoding="utf-8")
        if isinstance(self.model_, _LgbmScorer):
            (path / LGBM_FILE).write_text(self.model_.text, encoding="utf-8")
        elif self.scorer == "gbm":
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
        n_features = len(feature_names(self.feature_set))
        if self.scorer == "lgbm":
            self.model_ = _LgbmScorer.load(model_file(path, LGBM_FILE), n_features)
            if self.rerank_top_k:
                n = len(candidate_feature_names(self.rerank_features))
                parts = [_LgbmScorer.load(model_file(path, file), n) for file in RERANKER_FILES[: len(self.rerank_targets.split("+"))]]
                self.reranker_ = parts[0] if len(parts) == 1 else _MeanScorer(parts)
        elif self.scorer == "gbm":
            self.model_ = _read_skops_scorer(path, n_features)
            if self.target == "oracle" and not hasattr(self.model_, "predict_proba"):
                raise BantinModelError(f"{path}: target 'oracle' needs a classifier, scorer.skops holds a {type(self.model_).__name__}")
        else:
            self.model_ = _LinearScorer(_read_linear_scorer(path, n_features), self.target)

    def card_details(self) -> str:
        scorer = {"lgbm": "LightGBM gradient-boosted trees (saved in LightGBM's text format)", "gbm": "gradient boosting",
                  "logistic": "a linear model"}[self.scorer]
        target = {"oracle": "greedy ROUGE-oracle labels", "rouge": "per-sentence ROUGE F", "precision": "per-sentence ROUGE precision",
                  "rank": "lambdarank grades from the oracle and per-sentence ROUGE"}[self.target]
        source = self.training_info.get("dataset", "vietnews train")
        budget = f"; length: at most {self.n_sentences} sentences" + (f" and {self.max_syllables} syllables" if self.max_syllables else "")
        if self.rerank_top_k:
            budget += (f". A second LightGBM model (saved as {RERANKER_FILE}) rates every summary of 1..{RERANK_MAX_SENTENCES} of the "
                       f"{self.rerank_top_k} best-scored sentences (length against the article, scores and ranks, positions, redundancy "
                       "between the chosen sentences, joint coverage of the article's centroid, title recall"
                       + ("; feature set c2 adds the summary's share of the article, its positional pattern, the chosen sentences' "
                          "paragraph, informativeness and cues, log-odds scores, title bigrams, distinct trigrams and the title's and "
                          "first sentence's length" if self.rerank_features == "c2" else "") + "), trained on each "
                       "candidate's summary-level ROUGE (the mean of " + _label_words(self.rerank_label) + ") with out-of-fold first-stage "
                       "scores" + (f" (two models averaged: one regresses that label, one the label minus its article's mean, saved as {RERANKER_FILES[1]})"
                                   if self.rerank_targets == "label+centered" else "") + ", and the best-rated one is kept: the summary length and redundancy are chosen per article (without a "
                       "syllable budget)")
        if self.trim_sentences != "none":
            budget += (". The chosen sentences are trimmed: a dateline, leading discourse connectives (\"Tuy nhiên, \"), news-channel "
                       "attributions (\"X đưa tin, \", \"Theo báo X, \", a trailing \", theo báo X\") and photo credits (\"(ảnh: ...)\") are "
                       "dropped" + (", and a leading time adverbial (\"Ngày 22/6, \")" if self.trim_sentences == "links+time" else "")
                       + "; the rest of each sentence is kept word for word")
        return (
            "## Model\n\nSupervised extractive summarizer: per-sentence features (position in the article and in its paragraph, length, "
            "title and centroid TF-IDF similarity, LexRank/TextRank centrality, informativeness, redundancy with earlier sentences, "
            "numbers and names shared with the title, quote/caption cues"
            + (")" if self.feature_set == "v2" else "; feature set v1: without the paragraph, redundancy, number/name and quote cues)")
            + f" scored by {scorer} trained on {target} ({source}); redundancy control: {self.redundancy}{budget}. Only the first "
            "200 sentences / 60,000 characters of an article are read. Summaries are whole sentences of the article (extractive), "
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


def _read_linear_scorer(path: Path, n: int) -> dict:
    d = read_json_file(path, "scorer.json")
    for key in ("mean", "scale", "coef"):
        v = d.get(key)
        if not isinstance(v, list) or len(v) != n or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
            raise BantinModelError(f"{path / 'scorer.json'}: {key!r} must be a list of {n} numbers (one per sentence feature)")
    if not isinstance(d.get("intercept"), (int, float)) or isinstance(d.get("intercept"), bool):
        raise BantinModelError(f"{path / 'scorer.json'}: 'intercept' must be a number")
    return d


def _read_skops_scorer(path: Path, n_features: int) -> Any:
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
    if not hasattr(model, "predict") or getattr(model, "n_features_in_", None) != n_features:
        raise BantinModelError(f"{file}: holds a {type(model).__name__}, not a scorer of the {n_features} sentence features")
    return model


LGBM_FILE = "scorer.lgbm.txt"
RERANKER_FILE = "reranker.lgbm.txt"
#: the reranker files of each ``rerank_targets`` entry, in order
RERANKER_FILES = (RERANKER_FILE, "reranker-centered.lgbm.txt")
#: the reranker's targets: the label alone, or also the label centered on its article's mean (ratings averaged)
RERANK_TARGETS = ("label", "label+centered")
#: the reranker's candidates have 1..3 sentences
RERANK_MAX_SENTENCES = 3


#: the reranker's label columns: ROUGE-1/2 F of a candidate summary with the syllable tokenizer (s1, s2) or rouge-score's
#: default ASCII tokenizer (a1, a2, how published vietnews figures are computed), of its sentences as they are or
#: trimmed by ``trim.trim_sentence`` (ts1, ts2, ta1, ta2); ``rerank_label`` is a "+"-joined set of them, their mean
RERANK_LABELS = ("s1", "s2", "a1", "a2", "ts1", "ts2", "ta1", "ta2")


def _label_words(spec: str) -> str:
    words = {"s": "syllable", "a": "ASCII-tokenizer", "ts": "trimmed-sentence syllable", "ta": "trimmed-sentence ASCII-tokenizer"}
    return ", ".join(f"{words[p[:-1]]} ROUGE-{p[-1]} F" for p in spec.split("+"))


def _check_rerank_label(spec: str) -> str:
    parts = spec.split("+") if isinstance(spec, str) else []
    if not parts or any(p not in RERANK_LABELS for p in parts) or len(set(parts)) != len(parts):
        raise BantinInputError(f"rerank_label must be distinct columns of {', '.join(RERANK_LABELS)} joined by '+' (e.g. 's1+s2'), got {spec!r}")
    return spec


def candidate_labels(doc: Document, cands, reference: str, spec: str = "s1+s2", trim_level: str = "links") -> np.ndarray:
    """The reranker's label of each candidate summary of ``cands`` (``CandidateSets``): the mean of the ``spec`` columns
    (``RERANK_LABELS``) of ``candidate_label_table``."""
    return candidate_label_table(doc, cands, reference, _check_rerank_label(spec).split("+"), trim_level).mean(axis=1)


def candidate_label_table(doc: Document, cands, reference: str, columns: Sequence[str] = RERANK_LABELS, trim_level: str = "links") -> np.ndarray:
    """(candidates x ``columns``) ROUGE F of each candidate summary of ``cands`` against ``reference``: columns of
    ``RERANK_LABELS``; the trimmed ones (ts*, ta*) trim the sentences at ``trim_level``. The ASCII columns use
    rouge-score's own tokenizer."""
    from rouge_score.tokenize import tokenize as ascii_tokenize

    if any(c not in RERANK_LABELS for c in columns):
        raise BantinInputError(f"label columns must be among {', '.join(RERANK_LABELS)}, got {list(columns)!r}")
    kinds = {c[:-1] for c in columns}  # "s", "a", "ts", "ta"
    refs = {}
    if kinds & {"s", "ts"}:
        rt = syllables(reference)
        refs["s"] = (ngrams(rt, 1), ngrams(rt, 2))
    if kinds & {"a", "ta"}:
        rt = ascii_tokenize(reference, None)
        refs["a"] = (ngrams(rt, 1), ngrams(rt, 2))
    toks: dict[int, dict[str, list[str]]] = {}
    for i in {int(j) for j in cands.order}:
        text = doc.sentences[i]
        trimmed = trim_sentence(text, trim_level) if kinds & {"ts", "ta"} else text
        toks[i] = {"s": doc.tokens[i], "a": ascii_tokenize(text, None) if "a" in kinds else [],
                   "ts": syllables(trimmed) if "ts" in kinds else [], "ta": ascii_tokenize(trimmed, None) if "ta" in kinds else []}
    out = np.zeros((len(cands), len(columns)))
    for r in range(len(cands)):
        members = sorted(cands.sentences(r))
        values = {}
        for kind in kinds:
            values[kind + "1"], values[kind + "2"] = rouge_f_pair([t for j in members for t in toks[j][kind]], *refs[kind[-1]])
        out[r] = [values[c] for c in columns]
    return out


class _LgbmScorer:
    """A LightGBM model in LightGBM's own text format (no pickle), checked, then evaluated with numpy.

    Inference does not import lightgbm (which pulls in scikit-learn, scipy and pandas: ~150 MB and seconds at start);
    the trees are parsed into arrays and walked for all rows and trees at once. Numerical splits only (the features
    are numbers); ``tests/test_summarize.py`` checks the output against LightGBM's own ``predict``. Training returns a
    scorer around the trained booster's text."""

    def __init__(self, text: str, source: str = "LightGBM model") -> None:
        self.text = text
        self.source = source
        self._parse(text, source)

    @classmethod
    def from_booster(cls, booster) -> _LgbmScorer:
        return cls(booster.model_to_string())

    def _parse(self, text: str, source: str) -> None:
        head, _, rest = text.partition("\nTree=")
        fields = dict(line.split("=", 1) for line in head.split("\n") if "=" in line)
        self.n_features = int(fields.get("max_feature_idx", "-2")) + 1
        objective = fields.get("objective", "")
        self.sigmoid = float(objective.split("sigmoid:")[1].split()[0]) if objective.startswith("binary") and "sigmoid:" in objective else None
        trees = []
        body = rest.split("\nend of trees")[0]
        for block in ("Tree=" + body).split("\nTree=") if body else []:
            kv = dict(line.split("=", 1) for line in block.strip().split("\n") if "=" in line)
            nl = int(kv["num_leaves"])
            leaves = np.array(kv["leaf_value"].split(), dtype=np.float64)
            if nl == 1:
                trees.append((np.zeros(0, int), np.zeros(0), np.zeros(0, int), np.zeros(0, int), np.zeros(0, int), leaves))
                continue
            if int(kv.get("num_cat", "0")) != 0:
                raise BantinModelError(f"{source}: categorical splits are not supported")
            arrays = (np.array(kv["split_feature"].split(), dtype=np.int64), np.array(kv["threshold"].split(), dtype=np.float64),
                      np.array(kv["decision_type"].split(), dtype=np.int64), np.array(kv["left_child"].split(), dtype=np.int64),
                      np.array(kv["right_child"].split(), dtype=np.int64), leaves)
            if len(leaves) != nl or any(len(a) != nl - 1 for a in arrays[:5]):
                raise BantinModelError(f"{source}: inconsistent tree arrays")
            if (arrays[0] < 0).any() or (arrays[0] >= self.n_features).any() or (arrays[3] >= nl - 1).any() or (arrays[4] >= nl - 1).any() \
                    or (arrays[3] < -nl).any() or (arrays[4] < -nl).any():
                raise BantinModelError(f"{source}: a split refers to a feature or node that does not exist")
            trees.append(arrays)
        if not trees:
            raise BantinModelError(f"{source}: no trees")
        t, m, k = len(trees), max(max(len(tr[0]) for tr in trees), 1), max(len(tr[5]) for tr in trees)
        self.feature = np.zeros((t, m), np.int64)
        self.threshold = np.zeros((t, m))
        self.default_left = np.zeros((t, m), bool)
        self.missing = np.zeros((t, m), np.int64)  # 0 none, 1 zero, 2 NaN
        self.left = np.full((t, m), -1, np.int64)
        self.right = np.full((t, m), -1, np.int64)
        self.leaf = np.zeros((t, k))
        self.start = np.zeros(t, np.int64)
        for i, (f, th, dt, lc, rc, lv) in enumerate(trees):
            n = len(f)
            self.feature[i, :n], self.threshold[i, :n], self.left[i, :n], self.right[i, :n] = f, th, lc, rc
            self.default_left[i, :n], self.missing[i, :n] = (dt & 2) > 0, (dt >> 2) & 3
            if (dt & 1).any():
                raise BantinModelError(f"{source}: categorical splits are not supported")
            self.leaf[i, : len(lv)] = lv
            self.start[i] = 0 if n else -1  # a one-leaf tree starts at its leaf
        self.max_depth = m + 1
        # flat copies with global node ids (leaves: -(global leaf id) - 1) for the fast path: no missing-value rules
        off_n, off_l = np.arange(t) * m, np.arange(t) * k
        def glob(child):
            return np.where(child >= 0, child + off_n[:, None], -(off_l[:, None] + (-child - 1)) - 1)
        # one table of internal nodes, then leaves (a leaf points to itself)
        n_int = t * m
        def to_table(g):  # global child id -> table index
            return np.where(g >= 0, g, n_int + (-g - 1))
        leaf_ids = np.arange(t * k) + n_int
        self.flat_feature = np.concatenate([self.feature.ravel(), np.zeros(t * k, np.int64)])
        self.flat_threshold = np.concatenate([self.threshold.ravel(), np.full(t * k, np.inf)])
        self.flat_left = np.concatenate([to_table(glob(self.left).ravel()), leaf_ids])
        self.flat_right = np.concatenate([to_table(glob(self.right).ravel()), leaf_ids])
        self.flat_start = to_table(np.where(self.start >= 0, off_n, -off_l - 1))
        self.flat_value = np.concatenate([np.zeros(n_int), self.leaf.ravel()])
        self.n_internal = n_int
        self.simple = not (self.missing != 0).any()  # NaN becomes 0, then a plain <= test
        # the fast path's children, interleaved: node i goes to child[2 i] when x > threshold (or either is NaN), to
        # child[2 i + 1] when x <= threshold (one gather per step instead of two and a where)
        self.flat_child = np.empty(2 * len(self.flat_left), np.intp)
        self.flat_child[0::2], self.flat_child[1::2] = self.flat_right, self.flat_left
        self.flat_start = self.flat_start.astype(np.intp)
        self.flat_feature = self.flat_feature.astype(np.intp)

    def raw_score(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if self.simple:
            nan = np.isnan(x)
            return self._raw_simple(np.where(nan, 0.0, x) if nan.any() else x)
        return self._raw_general(x)

    #: steps every walk takes before the finished ones are dropped: in the shipped models (31 leaves, depth up to 19) few
    #: walks end in fewer steps, so the first steps run on whole arrays, cheaper than selecting the walks still going
    #: (measured: 6 beats 0, 4 and 8 and a fixed full-depth walk); a leaf points to itself, so a walk that ended early stays
    #: where it is
    DENSE_STEPS = 6

    def _raw_simple(self, x: np.ndarray) -> np.ndarray:
        n, t = x.shape[0], len(self.start)
        child, feature, threshold, n_int = self.flat_child, self.flat_feature, self.flat_threshold, self.n_internal
        nodes = np.broadcast_to(self.flat_start, (n, t)).ravel()  # np.tile's result, without its Python overhead
        base = np.arange(0, n * x.shape[1], x.shape[1], dtype=np.intp).repeat(t)
        xf = x.ravel()
        for _ in range(self.DENSE_STEPS):
            nodes = child[2 * nodes + (xf[base + feature[nodes]] <= threshold[nodes])]
        idx = np.flatnonzero(nodes < n_int)
        while len(idx):  # only the walks that have not reached a leaf yet
            nd = nodes[idx]
            nd = child[2 * nd + (xf[base[idx] + feature[nd]] <= threshold[nd])]
            nodes[idx] = nd
            idx = idx[nd < n_int]
        return self.flat_value[nodes].reshape(n, t).sum(axis=1)

    def _raw_general(self, x: np.ndarray) -> np.ndarray:
        n, t = x.shape[0], len(self.start)
        nodes = np.broadcast_to(self.start, (n, t)).copy()
        for _ in range(self.max_depth):
            r, tr = np.nonzero(nodes >= 0)
            if not len(r):
                break
            nd = nodes[r, tr]
            v = x[r, self.feature[tr, nd]]
            miss = self.missing[tr, nd]
            nan = np.isnan(v)
            v = np.where(nan & (miss != 2), 0.0, v)
            is_missing = ((miss == 2) & nan) | ((miss == 1) & (np.abs(v) <= 1e-35))
            go_left = np.where(is_missing, self.default_left[tr, nd], v <= self.threshold[tr, nd])
            nodes[r, tr] = np.where(go_left, self.left[tr, nd], self.right[tr, nd])
        return self.leaf[np.arange(t)[None, :], -nodes - 1].sum(axis=1)

    def predict(self, x: np.ndarray) -> np.ndarray:
        raw = self.raw_score(x)
        return 1.0 / (1.0 + np.exp(-self.sigmoid * raw)) if self.sigmoid is not None else raw

    @classmethod
    def load(cls, file: Path, n_features: int) -> _LgbmScorer:
        try:
            text = file.read_bytes().decode("utf-8")
        except FileNotFoundError as exc:
            raise BantinModelError(f"{file}: missing (the model directory's manifest needs this LightGBM file)") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise BantinModelError(f"{file}: not a readable UTF-8 LightGBM text model ({exc})") from exc
        head = text[:4000].split("\n")
        fields = dict(line.split("=", 1) for line in head if "=" in line)
        if not head or head[0] != "tree" or fields.get("version") != "v4" or "end of trees" not in text or "end of parameters" not in text:
            raise BantinModelError(f"{file}: not a complete LightGBM v4 text model")
        if fields.get("max_feature_idx") != str(n_features - 1) or fields.get("num_class") != "1":
            raise BantinModelError(f"{file}: the model expects {fields.get('max_feature_idx')!r}+1 features, "
                                   f"the configured feature set has {n_features}")
        try:
            model = cls(text, str(file))
        except (KeyError, ValueError, IndexError) as exc:
            raise BantinModelError(f"{file}: malformed LightGBM tree ({exc!r})") from exc
        if not np.all(np.isfinite(model.leaf)):
            raise BantinModelError(f"{file}: non-finite leaf values (corrupt or tampered LightGBM model)")
        return model


class _MeanScorer:
    """The mean rating of several regression reranker models (``rerank_targets`` "label+centered"). ``parts`` keep each
    model (saved one file each); the ratings come from one model of all their trees, each leaf value divided by the
    number of models (the same sum, one tree walk instead of one per model)."""

    def __init__(self, parts: Sequence[_LgbmScorer]) -> None:
        self.parts = list(parts)
        if any(p.sigmoid is not None for p in self.parts):
            raise BantinModelError("only regression rerankers can be averaged (rerank_targets label+centered): "
                                   + ", ".join(str(p.source) for p in self.parts if p.sigmoid is not None) + " is a binary model")
        trees = []
        for p in self.parts:
            body = p.text.partition("\nTree=")[2].split("\nend of trees")[0]
            for block in ("Tree=" + body).split("\nTree="):
                lines = block.strip().split("\n")[1:]  # without its "Tree=i" line
                trees.append([line if not line.startswith("leaf_value=") else
                              "leaf_value=" + " ".join(repr(float(v) / len(self.parts)) for v in line[len("leaf_value="):].split())
                              for line in lines])
        head = self.parts[0].text.partition("\nTree=")[0]
        self._joint = _LgbmScorer(head + "".join(f"\nTree={i}\n" + "\n".join(t) + "\n" for i, t in enumerate(trees)) + "\nend of trees\n",
                                  "averaged rerankers")

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self._joint.predict(x)


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
