"""The fast default: TF-IDF over hashed syllable n-grams plus segmented words + a linear classifier, calibrated.

Why this design:
* Features: ``HashingVectorizer`` needs no vocabulary to store; after fitting, chi2 keeps the
  ``max_features`` most informative hashed columns, so the model directory holds only those column ids,
  their idf and a float16 weight matrix (about 1.3 MB for 50k features x 10 labels).
* Syllable uni+bigrams (Unicode ``\\w+`` tokens, lower-cased): a Vietnamese word is one to three syllables, so
  bigrams cover most two-syllable words without a segmenter. Word segmentation (pyvi / underthesea) is
  available with ``tokenizer`` but is 30-600x slower (pyvi ~46 docs/s); measured on a 3,000/3,000 vntc10
  sample, pyvi words alone did not beat syllables, but words *added* to syllable n-grams did (``word_features``:
  each word also counts as a "w:" feature, so "bóng" alone and "bóng_đá" differ). The default segments with
  ``lexicon`` (greedy longest match against pyvi's 31k-word list, ~1 ms/doc): on vntc10 it lifts 3-fold CV
  accuracy on the train split from 92.55 % to 92.78 %, and official-test accuracy from 93.28 % to 93.44 %,
  at about a third of the syllable-only throughput. Character n-grams (char_wb 3-5) scored lower than
  syllables, alone or added to them, at 5x the vectorizing cost.
* Classifier: LinearSVC (one-vs-rest; balanced class weights help VNTC's small labels a little), or logistic
  regression / SGD (neither beat LinearSVC on vntc10, nor did their ensembles). Probabilities: softmax(a * scores)
  with the temperature a fitted on a held-out share of the training data (multi-label: Platt scaling per
  label, threshold 0.5); the classifier is then refit on all the data.
* Era adaptation (``era_adaptation: augment``, for training data from several corpora/eras, ``fit(domains=...)``):
  "frustratingly easy domain adaptation" (Daume III 2007). Each feature has a shared copy and one copy per era (plus
  a per-era bias); one-vs-rest LinearSVC on the augmented rows. ``era_part_labels``: which labels an era's copy takes
  part in: ``shared`` (the labels every era uses; the default) or ``used`` (the labels that era's documents use).
  With ``used`` the era parts switch label sets (routed to baomoi's part, modern world news lost Thế giới), so an era
  part only re-weighs the labels both eras file, and a label one era never uses comes from the shared weights. The
  corpus of a new text is unknown: an era gate (logistic regression over the same features, ``era_gate_C``) gives
  p(era | x), and the scores are shared + sum_e p(e | x) * era_e (``era_routing: soft``) or shared + the most likely
  era's part (``hard``). ``gate_texts``: unlabeled texts of known era that only the gate learns from; without full
  modern articles among them the gate tells VNTC's full articles from baomoi's title + sapo by form, and sends two
  thirds of modern full articles to the 2006 part. One featurization, a few more products at prediction time.
  Validation figures: experiments/topics_era_adapt.py.
Weights are saved as safetensors + the manifest's config: no pickles.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp

from bantin.errors import BantinInputError, BantinModelError
from bantin.topics.base import TopicModel, check_texts, fit_platt, fit_temperature, fit_temperature_and_bias, sigmoid, softmax

WEIGHTS = "linear.safetensors"
TOKENIZERS = ("syllable", "pyvi", "underthesea")
WORD_FEATURES = (None, "lexicon", "pyvi", "underthesea")
CLASSIFIERS = ("linearsvc", "logreg", "sgd")
ERA_ADAPTATIONS = ("none", "augment")
ERA_ROUTINGS = ("soft", "hard")
ERA_PART_LABELS = ("shared", "used")
ERAS_FILE = "eras.json"


class LinearTopicModel(TopicModel):
    kind = "linear"

    def __init__(
        self,
        tokenizer: Literal["syllable", "pyvi", "underthesea"] = "syllable",
        ngram_max: int = 2,
        word_features: Literal["lexicon", "pyvi", "underthesea"] | None = "lexicon",
        n_features: int = 2**21,
        max_features: int = 50_000,
        min_df: int = 2,
        sublinear_tf: bool = True,
        classifier: Literal["linearsvc", "logreg", "sgd"] = "linearsvc",
        C: float = 0.5,
        class_weight: Literal["balanced"] | None = None,
        calibration_fraction: float = 0.1,
        max_chars: int = 20_000,
        strip_sources: bool = False,
        max_syllables: int | None = None,
        title_weight: int = 1,
        calibrate_bias: bool = False,
        mask_digits: bool = False,
        era_adaptation: Literal["none", "augment"] = "none",
        era_routing: Literal["soft", "hard"] = "soft",
        era_gate_C: float = 10.0,
        era_part_labels: Literal["shared", "used"] = "shared",
        multi_label: bool = False,
        seed: int = 0,
    ) -> None:
        super().__init__(multi_label=multi_label)
        if tokenizer not in TOKENIZERS:
            raise BantinInputError(f"unknown tokenizer {tokenizer!r}: expected one of {', '.join(TOKENIZERS)}")
        if word_features not in WORD_FEATURES:
            raise BantinInputError(f"unknown word_features {word_features!r}: expected null, lexicon, pyvi or underthesea")
        if word_features and tokenizer != "syllable":
            raise BantinInputError("word_features adds words to syllable n-grams: it needs tokenizer 'syllable' (set word_features: null to n-gram segmented words instead)")
        if classifier not in CLASSIFIERS:
            raise BantinInputError(f"unknown classifier {classifier!r}: expected one of {', '.join(CLASSIFIERS)}")
        if class_weight not in (None, "balanced"):
            raise BantinInputError(f"class_weight must be null or 'balanced', not {class_weight!r}")
        self.tokenizer = tokenizer
        self.ngram_max = ngram_max
        self.word_features = word_features
        self.n_features = n_features
        self.max_features = max_features
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.classifier = classifier
        self.C = C
        self.class_weight = class_weight
        self.calibration_fraction = calibration_fraction
        self.max_chars = max_chars
        self.strip_sources = strip_sources
        self.max_syllables = max_syllables
        self.title_weight = int(title_weight)
        self.calibrate_bias = bool(calibrate_bias)
        self.mask_digits = bool(mask_digits)
        if self.calibrate_bias and multi_label:
            raise BantinInputError("calibrate_bias is for single-label models (multi-label models calibrate each label with Platt scaling)")
        if era_adaptation not in ERA_ADAPTATIONS:
            raise BantinInputError(f"unknown era_adaptation {era_adaptation!r}: expected one of {', '.join(ERA_ADAPTATIONS)}")
        if era_routing not in ERA_ROUTINGS:
            raise BantinInputError(f"unknown era_routing {era_routing!r}: expected one of {', '.join(ERA_ROUTINGS)}")
        if era_adaptation != "none" and (multi_label or classifier != "linearsvc" or calibrate_bias):
            raise BantinInputError("era_adaptation is for single-label linearsvc models without calibrate_bias")
        if isinstance(era_gate_C, bool) or not isinstance(era_gate_C, (int, float)) or not era_gate_C > 0:
            raise BantinInputError(f"era_gate_C must be a positive number, not {era_gate_C!r}")
        self.era_adaptation = era_adaptation
        self.era_routing = era_routing
        self.era_gate_C = float(era_gate_C)
        if era_part_labels not in ERA_PART_LABELS:
            raise BantinInputError(f"unknown era_part_labels {era_part_labels!r}: expected one of {', '.join(ERA_PART_LABELS)}")
        self.era_part_labels = era_part_labels
        self.seed = seed
        # fitted state
        self.feature_index: np.ndarray | None = None  # hashed columns kept (sorted)
        self.idf: np.ndarray | None = None
        self.coef: np.ndarray | None = None  # [n_labels, n_kept]
        self.intercept: np.ndarray | None = None
        self.calib_a: np.ndarray | None = None  # temperature (single-label, 1 value) or Platt slopes
        self.calib_b: np.ndarray | None = None
        self._column_map: np.ndarray | None = None
        # era adaptation (fitted): the eras (training corpora), each era's part of the scores and the era gate
        self.eras: list[str] = []
        self.era_coef: np.ndarray | None = None  # [n_eras, n_labels, n_kept], zero rows for labels an era never uses
        self.era_bias: np.ndarray | None = None  # [n_eras, n_labels]
        self.gate_coef: np.ndarray | None = None  # [n_eras, n_kept]
        self.gate_intercept: np.ndarray | None = None  # [n_eras]

    # -- features ------------------------------------------------------------------------------------
    def _analyzer(self):
        """text -> the list of features to hash."""
        if self.word_features:
            return self._syllables_and_words
        from sklearn.feature_extraction.text import CountVectorizer

        # Segmented text joins word syllables with "_", which \w+ keeps inside one token.
        return CountVectorizer(ngram_range=(1, self.ngram_max), token_pattern=r"(?u)\b\w+\b", lowercase=True).build_analyzer()

    def _syllables_and_words(self, text: str) -> list[str]:
        """Syllable 1..ngram_max-grams (as sklearn builds them) plus one "w:"-prefixed feature per segmented word.

        The words add what syllable n-grams cannot say: whether a syllable stands alone or inside a longer word
        ("bóng" vs "bóng_đá"). On vntc10 (3-fold CV on train) they lift accuracy by about 0.2 points.
        """
        from bantin.text.tokenize import syllables, syllables_and_lexicon_words, words

        if self.word_features == "lexicon":
            toks, segmented = syllables_and_lexicon_words(text)
        else:
            toks, segmented = syllables(text), words(text, backend=self.word_features, lower=True)
        feats = list(toks)
        for n in range(2, self.ngram_max + 1):
            feats.extend(" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1))
        feats.extend("w:" + w for w in segmented)
        return feats

    def _prepare(self, texts: Sequence[str]) -> list[str]:
        texts = [t[: self.max_chars] for t in texts]
        if self.strip_sources or self.max_syllables is not None or self.title_weight > 1 or self.mask_digits:
            from bantin.topics.textprep import prepare_text

            texts = [prepare_text(t, strip=self.strip_sources, max_syllables=self.max_syllables, title_weight=self.title_weight,
                                  mask_digits=self.mask_digits) for t in texts]
        if self.tokenizer == "syllable":
            return texts
        from bantin.text import words

        return [" ".join(words(t, backend=self.tokenizer)) for t in texts]

    def _hashed(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Feature counts in hashed columns, exactly as scikit-learn's ``HashingVectorizer(alternate_sign=False,
        norm=None)`` computes them (MurmurHash3 x86 32-bit, seed 0, of the UTF-8 feature, abs() mod n_features), with
        the ``mmh3`` package: importing scikit-learn costs 1.5 s and 160 MB, most of a one-page cold start."""
        import mmh3

        analyze, hash_ = self._analyzer(), mmh3.hash
        indptr, indices = [0], []
        for text in self._prepare(texts):
            indices.extend(hash_(f) for f in analyze(text))
            indptr.append(len(indices))
        cols = np.abs(np.asarray(indices, dtype=np.int64)) % self.n_features
        X = sp.csr_matrix((np.ones(len(cols), np.float32), cols, np.asarray(indptr, np.int64)), shape=(len(indptr) - 1, self.n_features))
        X.sum_duplicates()
        return X

    def _select(self, X: sp.csr_matrix) -> sp.csr_matrix:
        """Keep only the selected hashed columns, renumbered 0..n_kept-1 (fast column remap)."""
        if self._column_map is None:
            self._column_map = np.full(self.n_features, -1, dtype=np.int64)
            self._column_map[self.feature_index] = np.arange(len(self.feature_index))
        X = X.tocoo()
        cols = self._column_map[X.col]
        keep = cols >= 0
        return sp.csr_matrix((X.data[keep], (X.row[keep], cols[keep])), shape=(X.shape[0], len(self.feature_index)), dtype=np.float32)

    def _tfidf(self, X: sp.csr_matrix) -> sp.csr_matrix:
        X = X.copy()
        if self.sublinear_tf:
            np.log(X.data, out=X.data)
            X.data += 1.0
        X = X @ sp.diags(self.idf.astype(np.float32))
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1))).ravel()
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ X, dtype=np.float32)

    def features(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self._tfidf(self._select(self._hashed(texts)))

    # -- training ------------------------------------------------------------------------------------
    def _make_classifier(self):
        from sklearn.linear_model import LogisticRegression, SGDClassifier
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.svm import LinearSVC

        if self.classifier == "linearsvc":
            clf = LinearSVC(C=self.C, class_weight=self.class_weight, random_state=self.seed)
        elif self.classifier == "logreg":
            clf = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=1000)
        else:
            clf = SGDClassifier(loss="modified_huber", alpha=1e-5 / max(self.C, 1e-6), class_weight=self.class_weight,
                                random_state=self.seed, max_iter=30, tol=1e-4)
        return OneVsRestClassifier(clf) if self.multi_label else clf

    def _fit_classifier(self, X: sp.csr_matrix, y: np.ndarray, w: np.ndarray | None):
        clf = self._make_classifier()
        return clf.fit(X, y) if w is None else clf.fit(X, y, sample_weight=w)

    def _weights(self, clf) -> tuple[np.ndarray, np.ndarray]:
        if self.multi_label:
            coef = np.vstack([e.coef_ for e in clf.estimators_])
            intercept = np.concatenate([np.ravel(e.intercept_) for e in clf.estimators_])
        else:
            coef, intercept = clf.coef_, np.ravel(clf.intercept_)
        if coef.shape[0] == 1:  # binary problems: sklearn keeps one row for the positive class
            coef = np.vstack([-coef, coef]) / 2
            intercept = np.array([-intercept[0], intercept[0]]) / 2
        return coef.astype(np.float32), intercept.astype(np.float32)

    def fit(self, texts: Sequence[str], labels, sample_weight: Sequence[float] | None = None,
            domains: Sequence[str] | None = None, gate_texts: Sequence[str] | None = None,
            gate_domains: Sequence[str] | None = None) -> LinearTopicModel:
        """Fit on ``texts``; ``sample_weight`` (one non-negative weight per text, e.g. to balance corpora) scales
        each document in the classifier's loss (feature selection and idf count documents unweighted). ``domains``:
        the corpus (era) of each text, needed by ``era_adaptation: augment`` (at least two), ignored otherwise.
        ``gate_texts`` / ``gate_domains``: unlabeled texts of known era (each one of ``domains``) that only the era
        gate learns from, e.g. full modern articles, so that the gate does not take the form of one era's labeled
        texts (full articles vs title + lead) for the era itself."""
        texts = check_texts(texts)
        era = self._encode_domains(domains, len(texts))
        gate_texts, gate_era = self._encode_gate_texts(gate_texts, gate_domains)
        if len(texts) != len(labels):
            raise BantinInputError(f"{len(texts)} texts but {len(labels)} labels")
        w = None
        if sample_weight is not None:
            w = np.asarray(sample_weight, dtype=np.float64)
            if w.shape != (len(texts),) or not np.all(np.isfinite(w)) or np.any(w < 0) or not np.any(w > 0):
                raise BantinInputError(f"sample_weight must be {len(texts)} finite non-negative numbers, not all zero")
            if self.multi_label:
                raise BantinInputError("sample_weight is for single-label models")
        t0 = time.perf_counter()
        y = self._encode_labels(labels)
        X = self._hashed(texts)
        self._choose_features(X, y)
        Xs = self._select(X)
        df = np.bincount(Xs.indices, minlength=Xs.shape[1])
        self.idf = (np.log((1 + len(texts)) / (1 + df)) + 1).astype(np.float32)
        Xt = self._tfidf(Xs)
        if era is not None:
            if gate_texts:
                self._fit_gate(sp.vstack([Xt, self.features(gate_texts)], format="csr"), np.concatenate([era, gate_era]))
            else:
                self._fit_gate(Xt, era)
        offsets = self._calibrate(Xt, y, w, era)
        self.coef, self.intercept, self.era_coef, self.era_bias = self._fit_linear(Xt, y, w, era)
        if era is not None:
            self.training_info["eras"] = {name: int(n) for name, n in zip(self.eras, np.bincount(era, minlength=len(self.eras)))}
            if gate_texts:
                self.training_info["era_gate_extra_texts"] = {name: int(n) for name, n in
                                                              zip(self.eras, np.bincount(gate_era, minlength=len(self.eras))) if n}
        if offsets is not None:  # class priors fitted on held-out data (calibrate_bias), in raw-score units
            self.intercept = (self.intercept + offsets).astype(np.float32)
        self.training_info.update({"n_docs": len(texts), "n_features_kept": int(len(self.feature_index)),
                                   "fit_seconds": round(time.perf_counter() - t0, 1)})
        return self

    def _encode_domains(self, domains: Sequence[str] | None, n: int) -> np.ndarray | None:
        """Era indices of the training texts (``self.eras`` sorted), or None without era adaptation."""
        self.eras, self.era_coef, self.era_bias, self.gate_coef, self.gate_intercept = [], None, None, None, None
        if self.era_adaptation == "none":
            return None
        if domains is None or isinstance(domains, str) or len(domains) != n or not all(isinstance(d, str) and d for d in domains):
            raise BantinInputError(f"era_adaptation {self.era_adaptation!r} needs domains: the corpus (era) of each of the {n} texts, as strings")
        self.eras = sorted(set(domains))
        if len(self.eras) < 2:
            raise BantinInputError(f"era_adaptation {self.era_adaptation!r} needs texts from at least two corpora (eras), got {self.eras}")
        index = {d: i for i, d in enumerate(self.eras)}
        return np.array([index[d] for d in domains])

    def _encode_gate_texts(self, gate_texts: Sequence[str] | None, gate_domains: Sequence[str] | None) -> tuple[list[str], np.ndarray | None]:
        if not gate_texts:
            return [], None
        if self.era_adaptation == "none":
            raise BantinInputError("gate_texts teach the era gate: they need era_adaptation 'augment'")
        gate_texts = check_texts(gate_texts)
        if gate_domains is None or isinstance(gate_domains, str) or len(gate_domains) != len(gate_texts):
            raise BantinInputError(f"gate_texts need gate_domains: the era of each of the {len(gate_texts)} texts")
        unknown = sorted(set(gate_domains) - set(self.eras))
        if unknown:
            raise BantinInputError(f"gate_domains {unknown} are not eras of the labeled texts ({', '.join(self.eras)})")
        return gate_texts, np.array([self.eras.index(d) for d in gate_domains])

    def _fit_linear(self, X: sp.csr_matrix, y: np.ndarray, w: np.ndarray | None, era: np.ndarray | None):
        """(coef, intercept, era_coef, era_bias): the plain classifier's weights (era parts None), or the era-augmented one's."""
        if era is None:
            return (*self._weights(self._fit_classifier(X, y, w)), None, None)
        from sklearn.svm import LinearSVC

        E, K, F = len(self.eras), len(self.labels), X.shape[1]
        uses = np.zeros((E, K), dtype=bool)  # uses[e, k]: era e's documents include label k
        uses[era, y] = True
        if self.era_part_labels == "shared":  # era parts only for the labels every era uses
            uses[:] = uses.all(axis=0)
        blocks = [X]
        for e in range(E):  # era e's copy of the features and its bias column, non-zero on its rows only
            on = (era == e).astype(np.float32)
            blocks += [sp.diags(on) @ X, sp.csr_matrix(on[:, None])]
        A = sp.hstack(blocks, format="csr")
        counts = np.bincount(y, minlength=K)
        cw = len(y) / (K * np.maximum(counts, 1)) if self.class_weight == "balanced" else np.ones(K)
        coef, intercept = np.zeros((K, A.shape[1]), np.float32), np.zeros(K, np.float32)
        for k in range(K):  # one-vs-rest as liblinear runs it (positives weighted by their class weight)
            cols = np.concatenate([np.arange(F)] + [F + e * (F + 1) + np.arange(F + 1) for e in range(E) if uses[e, k]])
            yk = (y == k).astype(np.int64)
            if not yk.any():
                intercept[k] = -1.0
                continue
            sw = np.where(yk == 1, cw[k], 1.0) * (1.0 if w is None else w)
            clf = LinearSVC(C=self.C, random_state=self.seed).fit(A[:, cols], yk, sample_weight=sw)
            coef[k, cols], intercept[k] = clf.coef_[0], clf.intercept_[0]
        parts = [coef[:, F + e * (F + 1) : F + (e + 1) * (F + 1)] for e in range(E)]
        era_coef = np.ascontiguousarray(np.stack([p[:, :F] for p in parts]))
        era_bias = np.ascontiguousarray(np.stack([p[:, F] for p in parts]))
        return coef[:, :F].copy(), intercept, era_coef, era_bias

    def _fit_gate(self, X: sp.csr_matrix, era: np.ndarray) -> None:
        """The era gate: logistic regression over the model's features, p(era | x) (softmax over the eras)."""
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=self.era_gate_C, max_iter=2000).fit(X, era)
        coef, intercept = lr.coef_.astype(np.float32), np.ravel(lr.intercept_).astype(np.float32)
        if coef.shape[0] == 1:  # two eras: sklearn keeps one row (era 1 against era 0); softmax([-z/2, z/2]) = sigmoid
            coef, intercept = np.vstack([-coef, coef]) / 2, np.array([-intercept[0], intercept[0]]) / 2
        self.gate_coef, self.gate_intercept = coef, intercept

    def _era_weights(self, X: sp.csr_matrix) -> np.ndarray:
        """[n, n_eras]: p(era | x) (soft routing) or its one-hot argmax (hard routing)."""
        p = softmax(np.asarray(X @ self.gate_coef.T) + self.gate_intercept)
        if self.era_routing == "hard":
            p = np.eye(len(self.eras), dtype=p.dtype)[p.argmax(axis=1)]
        return p

    def era_proba(self, texts: Sequence[str] | str) -> np.ndarray:
        """[n_texts, n_eras] p(era | text) from the era gate, columns = ``self.eras`` (rows sum to 1)."""
        self._check_fitted()
        if self.gate_coef is None:
            raise BantinModelError("this topic model has no era gate (trained with era_adaptation: none)")
        X = self.features(check_texts(texts))
        return softmax(np.asarray(X @ self.gate_coef.T) + self.gate_intercept)

    def _scores(self, X: sp.csr_matrix, coef: np.ndarray, intercept: np.ndarray, era_coef: np.ndarray | None = None,
                era_bias: np.ndarray | None = None) -> np.ndarray:
        """Raw label scores: X @ coef + intercept, plus each era's part weighted by the gate (era adaptation)."""
        s = np.asarray(X @ coef.T) + intercept
        if era_coef is not None:
            g = self._era_weights(X)
            for e in range(len(era_coef)):
                s += g[:, e : e + 1] * (np.asarray(X @ era_coef[e].T) + era_bias[e])
        return s

    def _choose_features(self, X: sp.csr_matrix, y: np.ndarray) -> None:
        df = np.bincount(X.indices, minlength=X.shape[1])
        candidates = np.flatnonzero(df >= self.min_df)
        if self.max_features and len(candidates) > self.max_features:
            Xc = X[:, candidates]
            Xc.data = np.log1p(Xc.data)
            Y = y if y.ndim == 2 else np.eye(len(self.labels), dtype=np.float32)[y]
            scores = _chi2(Xc, Y.astype(np.float32))
            top = np.argsort(-scores, kind="stable")[: self.max_features]
            candidates = np.sort(candidates[top])
        if len(candidates) == 0:
            raise BantinInputError("no features left: the training texts are empty or min_df is too high")
        self.feature_index = candidates.astype(np.int64)
        self._column_map = None

    def _calibrate(self, X: sp.csr_matrix, y: np.ndarray, w: np.ndarray | None = None, era: np.ndarray | None = None) -> np.ndarray | None:
        """Fit the probability calibration on a held-out share of the training data; with ``calibrate_bias``, also
        per-class offsets to the intercepts (returned, in raw-score units) that the final fit adds."""
        from bantin.topics.data import stratified_holdout

        n = X.shape[0]
        self.calib_a, self.calib_b = np.ones(1, np.float32), np.zeros(1, np.float32)
        if self.multi_label:
            self.calib_a, self.calib_b = np.ones(len(self.labels), np.float32), np.zeros(len(self.labels), np.float32)
        if not self.calibration_fraction or n < 20:
            return None
        from bantin.topics.data import TopicDoc

        first = [self.labels[int(np.argmax(r))] if y.ndim == 2 else self.labels[r] for r in y]
        rest, held = stratified_holdout([TopicDoc(str(i), "", [lab]) for i, lab in enumerate(first)], self.calibration_fraction, self.seed)
        fit_idx = np.array([int(d.id) for d in rest])
        cal_idx = np.array([int(d.id) for d in held])
        if len(cal_idx) == 0 or len(np.unique(y[fit_idx] if y.ndim == 1 else y[fit_idx].argmax(1))) < 2:
            return None
        parts = self._fit_linear(X[fit_idx], y[fit_idx], None if w is None else w[fit_idx], None if era is None else era[fit_idx])
        scores = self._scores(X[cal_idx], *parts)  # era adaptation: routed by the gate fitted on all the data
        if self.multi_label:
            self.calib_a, self.calib_b = fit_platt(scores, y[cal_idx])
        elif self.calibrate_bias:
            a, offsets = fit_temperature_and_bias(scores, y[cal_idx])
            self.calib_a = np.array([a], np.float32)
            return offsets
        else:
            self.calib_a = np.array([fit_temperature(scores, y[cal_idx])], np.float32)
        return None

    # -- inference -----------------------------------------------------------------------------------
    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        X = self.features(check_texts(texts))
        return self._scores(X, self.coef, self.intercept, self.era_coef, self.era_bias)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):
            scores = self.decision_function(texts)
            p = sigmoid(scores * self.calib_a + self.calib_b) if self.multi_label else softmax(scores * float(self.calib_a[0]))
        if not np.all(np.isfinite(p)):  # finite but huge weights of a tampered model overflow: no silent NaN answer
            raise BantinModelError("the topic model's weights give non-finite scores (corrupt or tampered weights)")
        return p

    # -- persistence ---------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        return {"tokenizer": self.tokenizer, "ngram_max": self.ngram_max, "word_features": self.word_features, "n_features": self.n_features,
                "max_features": self.max_features, "min_df": self.min_df, "sublinear_tf": self.sublinear_tf,
                "classifier": self.classifier, "C": self.C, "class_weight": self.class_weight,
                "calibration_fraction": self.calibration_fraction,
                "max_chars": self.max_chars, "strip_sources": self.strip_sources, "max_syllables": self.max_syllables,
                "title_weight": self.title_weight, "calibrate_bias": self.calibrate_bias, "mask_digits": self.mask_digits,
                "era_adaptation": self.era_adaptation, "era_routing": self.era_routing, "era_gate_C": self.era_gate_C,
                "era_part_labels": self.era_part_labels, "multi_label": self.multi_label, "seed": self.seed}

    def _save_weights(self, path: Path) -> None:
        from safetensors.numpy import save_file

        if self.coef is None:
            raise BantinInputError("the model is not fitted")
        tensors = {
            "feature_index": self.feature_index.astype(np.int32 if self.n_features < 2**31 else np.int64),
            "idf": self.idf.astype(np.float16),
            "coef": self.coef.astype(np.float16),
            "intercept": self.intercept.astype(np.float32),
            "calib_a": self.calib_a.astype(np.float32),
            "calib_b": self.calib_b.astype(np.float32),
        }
        if self.thresholds is not None:
            tensors["thresholds"] = np.asarray(self.thresholds, np.float32)
        if self.era_coef is not None:  # only the labels some era part scores (era_part_labels shared: those all eras use)
            rows = np.flatnonzero(self.era_coef.any(axis=(0, 2)) | self.era_bias.any(axis=0)).astype(np.int32)
            tensors.update({"era_labels": rows, "era_coef": self.era_coef[:, rows].astype(np.float16), "era_bias": self.era_bias[:, rows].astype(np.float32),
                            "gate_coef": self.gate_coef.astype(np.float32), "gate_intercept": self.gate_intercept.astype(np.float32)})
            (path / ERAS_FILE).write_text(json.dumps({"eras": self.eras}, ensure_ascii=False) + "\n", encoding="utf-8")
        # safetensors writes the raw buffer: sklearn's coef_ is Fortran-ordered, so make every array C-contiguous
        save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, str(path / WEIGHTS))

    def _load_weights(self, path: Path) -> None:
        from safetensors.numpy import load_file

        from bantin.models.base import model_file

        try:
            t = load_file(str(model_file(path, WEIGHTS)))
        except BantinModelError:
            raise
        except Exception as exc:  # safetensors raises its own error type for corrupt files
            raise ValueError(f"{WEIGHTS}: {exc}") from exc
        missing = sorted({"feature_index", "idf", "coef", "intercept", "calib_a", "calib_b"} - set(t))
        if missing:
            raise BantinModelError(f"{path / WEIGHTS}: missing tensors {missing}")
        n_labels = len(self.labels)
        if not n_labels:
            raise BantinModelError(f"{path}: the manifest lists no labels")
        index = t["feature_index"]
        if index.ndim != 1 or index.dtype.kind not in "iu" or len(index) == 0:
            raise BantinModelError(f"{path / WEIGHTS}: feature_index must be a non-empty 1-D integer array")
        if index.min() < 0 or index.max() >= self.n_features or np.any(np.diff(index.astype(np.int64)) <= 0):
            raise BantinModelError(f"{path / WEIGHTS}: feature_index must be increasing hashed columns in [0, n_features={self.n_features})")
        n_calib = n_labels if self.multi_label else 1
        expected = {"idf": (len(index),), "coef": (n_labels, len(index)), "intercept": (n_labels,), "calib_a": (n_calib,), "calib_b": (n_calib,)}
        if "thresholds" in t:
            expected["thresholds"] = (n_labels,)
        for name, shape in expected.items():
            if t[name].shape != shape or t[name].dtype.kind != "f" or not np.all(np.isfinite(t[name])):
                raise BantinModelError(f"{path / WEIGHTS}: {name} must be finite floats of shape {shape} ({n_labels} labels, "
                                       f"{len(index)} features), found {t[name].dtype} {t[name].shape}")
        self.feature_index = index.astype(np.int64)
        self.idf = t["idf"].astype(np.float32)
        self.coef = t["coef"].astype(np.float32)
        self.intercept = t["intercept"].astype(np.float32)
        self.calib_a, self.calib_b = t["calib_a"], t["calib_b"]
        self.thresholds = t.get("thresholds")
        self._column_map = None
        self._load_era_parts(path, t, n_labels, len(index))

    def _load_era_parts(self, path: Path, t: dict[str, np.ndarray], n_labels: int, n_kept: int) -> None:
        """The era parts and gate of an era-adapted model (``eras.json`` + four tensors), checked against each other."""
        self.eras, self.era_coef, self.era_bias, self.gate_coef, self.gate_intercept = [], None, None, None, None
        if self.era_adaptation == "none":
            return
        from bantin.models.base import read_json_file

        eras = read_json_file(path, ERAS_FILE).get("eras")
        if not isinstance(eras, list) or len(eras) < 2 or not all(isinstance(e, str) and e for e in eras) or len(set(eras)) != len(eras):
            raise BantinModelError(f"{path / ERAS_FILE}: 'eras' must list at least two distinct era names")
        E = len(eras)
        rows = t.get("era_labels")
        if rows is None or rows.ndim != 1 or rows.dtype.kind not in "iu" or (len(rows) and (rows.min() < 0 or rows.max() >= n_labels
                                                                                           or np.any(np.diff(rows.astype(np.int64)) <= 0))):
            raise BantinModelError(f"{path / WEIGHTS}: era_labels must be increasing label indices in [0, {n_labels})")
        R = len(rows)
        expected = {"era_coef": (E, R, n_kept), "era_bias": (E, R), "gate_coef": (E, n_kept), "gate_intercept": (E,)}
        for name, shape in expected.items():
            if name not in t:
                raise BantinModelError(f"{path / WEIGHTS}: missing tensor {name!r} (era_adaptation {self.era_adaptation!r})")
            if t[name].shape != shape or t[name].dtype.kind != "f" or not np.all(np.isfinite(t[name])):
                raise BantinModelError(f"{path / WEIGHTS}: {name} must be finite floats of shape {shape} ({E} eras, {R} labels with era "
                                       f"parts, {n_kept} features), found {t[name].dtype} {t[name].shape}")
        self.eras = eras
        self.era_coef = np.zeros((E, n_labels, n_kept), np.float32)
        self.era_bias = np.zeros((E, n_labels), np.float32)
        self.era_coef[:, rows], self.era_bias[:, rows] = t["era_coef"], t["era_bias"]
        self.gate_coef, self.gate_intercept = t["gate_coef"].astype(np.float32), t["gate_intercept"].astype(np.float32)

    def card_details(self) -> str:
        seg = {"syllable": "Unicode syllables (no word segmentation)", "pyvi": "pyvi word segmentation",
               "underthesea": "underthesea word segmentation"}[self.tokenizer]
        if self.word_features:
            seg += f" plus the words of {self.word_features} word segmentation"
        kept = len(self.feature_index) if self.feature_index is not None else self.max_features
        prep = [x for x in ("outlet tags, names, URLs and bylines removed" if self.strip_sources else "",
                            f"title + the first {self.max_syllables} syllables of the rest" if self.max_syllables is not None else "",
                            f"title line counted {self.title_weight}x" if self.title_weight > 1 else "") if x]
        return (
            "## Model\n\n"
            + (f"Text preparation (bantin.topics.textprep): {'; '.join(prep)}. " if prep else "")
            +
            f"TF-IDF (sublinear tf={self.sublinear_tf}) over hashed 1..{self.ngram_max}-grams of {seg}, "
            f"{kept:,} hashed columns kept by chi2 out of {self.n_features:,}; {self.classifier} (C={self.C}"
            + (", balanced class weights" if self.class_weight else "") + "), "
            + ("one-vs-rest, Platt-scaled probabilities, threshold 0.5 per label (multi-label)." if self.multi_label
               else "softmax probabilities with a temperature" + (" and class offsets (priors)" if self.calibrate_bias else "")
               + " fitted on held-out training data.")
            + (f" Era adaptation ({self.era_adaptation}, Daume III 2007): shared weights plus one part per training era "
               f"({', '.join(self.eras) or 'set at training'}), mixed by an era gate (logistic regression, C={self.era_gate_C:g}; "
               f"{self.era_routing} routing)." if self.era_adaptation != "none" else "")
            + "\n\n## Limits\n\nTrained on news; topics outside the label set are forced into the closest label. "
            "Texts are cut to max_chars characters."
        )


def _chi2(X: sp.csr_matrix, Y: np.ndarray) -> np.ndarray:
    """chi2 statistic of each (non-negative) feature against the label indicator matrix Y, summed over labels."""
    observed = np.asarray((X.T @ Y).T)  # [labels, features]
    feature_count = np.asarray(X.sum(axis=0)).ravel()
    class_prob = Y.mean(axis=0)
    expected = np.outer(class_prob, feature_count)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = (observed - expected) ** 2 / expected
    return np.nan_to_num(terms).sum(axis=0)
