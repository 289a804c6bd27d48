"""Typed configs of `bantin train topics` and `bantin evaluate topics` (every field has a default)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bantin.config import estimator_params
from bantin.errors import BantinInputError
from bantin.topics.embedding import EmbeddingTopicModel
from bantin.topics.linear import LinearTopicModel

from bantin.models.transformer_classifier import TransformerClassifierConfig


@dataclass
class DataConfig:
    #: a public corpus ("vntc10", "baomoi_topics_2018"), several joined by "+" (needs taxonomy), or "file" for a
    #: user taxonomy (JSONL or CSV)
    corpus: str = "vntc10"
    #: a taxonomy file (configs/taxonomy.yaml): relabel the public corpora onto its labels (None: their own labels)
    taxonomy: str | None = None
    #: user data: a .jsonl/.jsonl.gz/.csv file (train); an optional held-out file
    train_file: str | None = None
    test_file: str | None = None
    #: user data fields: the first present of text_fields are joined (title + text...); label_field holds a label
    #: or a list of labels (CSV: labels separated by label_sep)
    text_fields: list[str] = field(default_factory=lambda: ["title", "sapo", "lead", "text", "body"])
    label_field: str = "label"
    label_sep: str = "|"
    #: train on this split of the corpus (vntc10: train; baomoi_topics_2018: our fixed stratified split)
    train_split: str = "train"
    #: at most this many training documents (stratified subsample; None: all)
    max_train: int | None = None
    #: user data without test_file: hold out this fraction (stratified) for the scores after training
    holdout_fraction: float = 0.1
    seed: int = 0
    #: joined corpora ("a+b"): a weight per corpus in the classifier's loss (e.g. {vntc10: 1.5}; a corpus not named: 1)
    corpus_weights: dict[str, float] | None = None
    #: linear.era_adaptation: unlabeled public corpora that teach the era gate an era, {era corpus: unlabeled corpus} (e.g.
    #: {baomoi_topics_2018: baomoi_articles_2017}: full modern articles, so that the gate does not take the form of
    #: baomoi's title + sapo items for the modern era); at most era_gate_max_docs texts of each (fixed sample)
    era_gate_corpora: dict[str, str] | None = None
    era_gate_max_docs: int | None = 20000

    def check(self) -> None:
        """A user file with a public corpus would be silently ignored: refuse it with the fix."""
        if self.corpus != "file" and (self.train_file or self.test_file):
            given = "data.train_file" if self.train_file else "data.test_file"
            raise BantinInputError(f"{given} is set but data.corpus is {self.corpus!r}, so it would be ignored: "
                                   f"add --set data.corpus=file to use it (or drop {given})")
        if self.corpus_weights:
            corpora = self._joined_corpora("corpus_weights", self.corpus_weights, "corpus -> weight")
            for name, w in self.corpus_weights.items():
                if name not in corpora:
                    raise BantinInputError(f"data.corpus_weights names {name!r}, which is not one of data.corpus {self.corpus!r}")
                if isinstance(w, bool) or not isinstance(w, (int, float)) or not w > 0:
                    raise BantinInputError(f"data.corpus_weights.{name} must be a positive number, not {w!r}")
        if self.era_gate_corpora:
            corpora = self._joined_corpora("era_gate_corpora", self.era_gate_corpora, "era corpus -> unlabeled corpus")
            for era, source in self.era_gate_corpora.items():
                if era not in corpora or not isinstance(source, str):
                    raise BantinInputError(f"data.era_gate_corpora: {era!r} -> {source!r}: the key must be one of data.corpus "
                                           f"{self.corpus!r} and the value a corpus name")

    def _joined_corpora(self, knob: str, value: object, mapping: str) -> list[str]:
        """The corpora of ``data.corpus`` ("a+b"), for a knob that maps them to something; a clear error when the knob
        is not a mapping or the corpus is not joined."""
        corpora = self.corpus.split("+")
        if not isinstance(value, dict) or len(corpora) < 2:
            raise BantinInputError(f"data.{knob} is a mapping {mapping}, for joined corpora (data.corpus: a+b)")
        return corpora


LinearConfig = estimator_params("LinearConfig", LinearTopicModel, exclude=("multi_label", "seed"), doc="""TF-IDF on hashed n-grams + a linear
classifier (the fast default). The parameters of ``LinearTopicModel.__init__`` (their one source), but ``multi_label`` and
``seed`` (set by the training config):

- tokenizer: "syllable" (Unicode syllables, no segmentation), "pyvi" or "underthesea" (word segmentation, slower)
- word_features: words added to the syllable n-grams as separate features: "lexicon" (longest match against pyvi's
  word list, fast), "pyvi" or "underthesea" (CRF segmenters, 30-100x slower), or null (syllables only)
- max_features: features kept after chi2 selection (keeps the model directory small); 0: keep all with df >= min_df
- classifier: linearsvc | logreg | sgd
- class_weight: None or "balanced" (weights inversely proportional to label frequency; +0.06 pt accuracy on vntc10)
- calibration_fraction: share of the training data held out to calibrate probabilities (softmax temperature, or Platt
  per label for multi-label); the final model is then refit on all the data
- calibrate_bias: single-label: also fit per-class offsets (priors) to the intercepts with the temperature on that
  held-out share (log loss); they move the argmax where the classifier misjudges how often each class occurs
- strip_sources, max_syllables, title_weight: era-robust text preparation (bantin.topics.textprep): drop outlet
  tags/names, URLs and bylines; keep the title + the first max_syllables syllables of the rest (None: all); repeat the
  title line title_weight times
""")

#: frozen sentence embeddings (multilingual-e5-small) + logistic regression: ``EmbeddingTopicModel``'s parameters
EmbeddingConfig = estimator_params("EmbeddingConfig", EmbeddingTopicModel, exclude=("multi_label",))


@dataclass
class TransformerConfig(TransformerClassifierConfig):
    """Fine-tuned encoder (any Hugging Face encoder by name or path; "e5-small" offline): the shared fine-tuning
    settings (``bantin.models.finetune.FineTuneSettings``) and classifier settings, with the topics defaults."""

    max_length: int = 256
    num_train_epochs: float = 3.0
    per_device_train_batch_size: int = 32
    per_device_eval_batch_size: int = 64
    warmup_ratio: float = 0.06
    freeze_embeddings: bool = False
    text_prefix: str = "query: "
    seed: int = 0


@dataclass
class TrainConfig:
    model: Literal["linear", "e5", "transformer"] = "linear"
    out_dir: str = "runs/topics/linear-vntc10"
    #: multi-label: every document may carry several labels (one-vs-rest + per-label thresholds)
    multi_label: bool = False
    data: DataConfig = field(default_factory=DataConfig)
    linear: LinearConfig = field(default_factory=LinearConfig)
    e5: EmbeddingConfig = field(default_factory=EmbeddingConfig)
    transformer: TransformerConfig = field(default_factory=TransformerConfig)
    #: after training, score on the corpus test split (recorded; held-out data only)
    evaluate: bool = True
    #: at most this many test documents for the post-training scores (stratified; None: all)
    eval_max_docs: int | None = None


@dataclass
class EvalConfig:
    #: model directory; "default" = the embedded default model
    model_dir: str = "default"
    #: model name in the results table (default: the model kind + training corpus)
    model_name: str | None = None
    data: DataConfig = field(default_factory=DataConfig)
    split: str = "test"
    #: at most this many test documents (stratified subsample, named "test[:N]" in the records)
    max_docs: int | None = None
    #: plots, per-class reports and confusion examples go here (None: <experiments dir>/topics)
    out_dir: str | None = None
    top_confusions: int = 10
    examples_per_confusion: int = 3
    batch_size: int = 2048
