"""Typed configs of `bantin train summarize` and `bantin evaluate summarize` (every field has a default)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bantin.config import estimator_params
from bantin.summarize.baselines import LexRankSummarizer
from bantin.summarize.extractive import ExtractiveSummarizer
from bantin.models.finetune import FineTuneSettings


@dataclass
class DataConfig:
    #: training corpus (vietnews: the abstract is the reference)
    dataset: str = "vietnews"
    train_split: str = "train"
    #: at most this many training articles (the first ones of the split; None: all 40,000)
    max_train_articles: int | None = 10000
    #: also train on this many baomoi_articles_2017 articles (reference = the sapo; line offsets disjoint from the
    #: baomoi_sapo evaluation sample); 0: vietnews only. Extractive models only.
    baomoi_train_articles: int = 0
    val_split: str = "val"
    #: held-out articles scored after training (None: the whole split)
    max_val_articles: int | None = 1000
    #: after training, also score this many vietnews test articles and write a kind="evaluate" record
    #: (0: skip; None: the whole deduplicated test split, 6,000)
    max_test_articles: int | None = 0
    #: sentence splitter: underthesea (default) or regex
    sentence_backend: Literal["underthesea", "regex"] = "underthesea"
    data_dir: str | None = None


ExtractiveConfig = estimator_params("ExtractiveConfig", ExtractiveSummarizer, exclude=("n_sentences", "sentence_backend", "seed"), doc="""
The supervised extractive summarizer: the parameters of ``ExtractiveSummarizer.__init__`` (their one source), but
``n_sentences``, ``sentence_backend`` and ``seed`` (set by the training config):

- scorer: lgbm (LightGBM, its text model file) | gbm (HistGradientBoosting, skops file) | logistic (JSON weights)
- target: oracle (binary labels from the greedy ROUGE oracle) | rouge (regress each sentence's ROUGE F: soft labels) |
  precision (regress each sentence's ROUGE precision, length-neutral; pair it with max_syllables) |
  rank (LightGBM lambdarank on 0..4 grades from both)
- feature_set: v1 (30 features) | v2 (47: + paragraph position, redundancy with earlier sentences, numbers and names
  shared with the title, quote and reporting cues)
- redundancy: trigram | mmr | none
- min_tokens: sentences shorter than this (syllables) are never picked unless nothing else is left
- max_syllables: the model's default summary length budget in syllables, on top of n_sentences (None: sentence count only)
- rerank_top_k: the summary reranker: 0 = off; K = score every summary of 1..n_sentences of the K best sentences with a
  second LightGBM model trained on summary-level ROUGE (lgbm scorer only; n_sentences is then the most sentences);
  rerank_trees, rerank_learning_rate: that model's boosting settings; rerank_features: its candidate features, c1 (25:
  length, scores, ranks, positions, redundancy, centroid and title coverage) or c2 (44: + the summary's share of the
  article, positional pattern, the members' paragraph, informativeness and cues, log-odds scores, title bigrams);
  rerank_label: the reranker's training label, the mean of a candidate summary's ROUGE F columns joined by "+": s1, s2
  (syllable ROUGE-1/2), a1, a2 (rouge-score's ASCII tokenizer), ts1, ts2, ta1, ta2 (the same of the trimmed sentences)
  rerank_targets: label (one reranker regresses the label) | label+centered (a second one regresses the label minus
  its article's mean; the two ratings are averaged)
- trim_sentences: none | links (drop a chosen sentence's dateline, leading discourse connectives, news-channel
  attributions and photo credits, ``bantin.summarize.trim``) | links+time (also a leading time adverbial, "Ngày 22/6, ");
  the rest is kept word for word
""")

#: TextRank / LexRank settings (``threshold``: LexRank's edge threshold on TF-IDF cosine), from LexRankSummarizer.__init__
BaselineConfig = estimator_params("BaselineConfig", LexRankSummarizer, exclude=("n_sentences", "sentence_backend"))


@dataclass
class Seq2SeqConfig(FineTuneSettings):
    """The abstractive summarizer: the shared fine-tuning settings (``bantin.models.finetune.FineTuneSettings``:
    learning_rate, num_train_epochs, per_device_train_batch_size, precision, ...) plus the seq2seq ones."""

    #: Hub name or local path of a seq2seq (T5/BART/mT5/ViT5/BARTpho) or causal LM; "e5-small" warm-starts an
    #: encoder-decoder from the offline multilingual-e5-small (EncoderDecoderModel); "" = build from `scratch`
    model_name_or_path: str = ""
    architecture: Literal["auto", "seq2seq", "causal", "encoder-decoder"] = "auto"
    #: randomly initialized model when `model_name_or_path` is empty: {"model_type": "t5", "d_model": 256, ...}
    scratch: dict = field(default_factory=lambda: {"model_type": "t5", "d_model": 256, "d_ff": 1024, "num_layers": 4, "num_decoder_layers": 4, "num_heads": 4, "d_kv": 64})
    #: tokenizer to use with a scratch model: a name/path, or "train" (a Unigram tokenizer fitted on the training text)
    tokenizer: str = "train"
    vocab_size: int = 16000
    #: encoder-decoder warm start only: cut the SentencePiece vocabulary to the pieces of the training texts (plus
    #: every single character); e5-small: 250k -> a few 10k pieces, a much smaller decoder softmax
    prune_vocab: bool = True
    source_prefix: str = ""
    #: source tokens kept (article truncated); targets: max_target_length tokens
    max_source_length: int = 512
    max_target_length: int = 96
    num_train_epochs: float = 1.0
    per_device_train_batch_size: int = 16
    per_device_eval_batch_size: int = 32
    learning_rate: float = 5e-4
    warmup_ratio: float = 0.05
    num_beams: int = 4
    generation_max_new_tokens: int = 96
    no_repeat_ngram_size: int = 3
    seed: int = 0


@dataclass
class TrainConfig:
    model: Literal["extractive", "lead", "textrank", "lexrank", "seq2seq"] = "extractive"
    out_dir: str = "runs/summarize/extractive"
    #: summary length (sentences) used by extractive models and for the validation score
    n_sentences: int = 2
    data: DataConfig = field(default_factory=DataConfig)
    extractive: ExtractiveConfig = field(default_factory=ExtractiveConfig)
    baseline: BaselineConfig = field(default_factory=BaselineConfig)
    seq2seq: Seq2SeqConfig = field(default_factory=Seq2SeqConfig)
    #: score on the validation split after training (recorded as a train run's metrics)
    evaluate: bool = True
    seed: int = 0


@dataclass
class EvalConfig:
    #: models to score: "lead-1", "lead-3", "textrank", "lexrank", "oracle" (the greedy ROUGE oracle, a ceiling that reads
    #: the references), "default" (the embedded model) or a model
    #: directory; "NAME@N" sets the summary length (sentences) for that entry
    models: list[str] = field(default_factory=lambda: ["lead-1", "lead-2", "lead-3", "textrank", "lexrank", "default"])
    #: vietnews (reference: abstract) and/or baomoi_sapo (reference: the sapo, fixed sample)
    datasets: list[str] = field(default_factory=lambda: ["vietnews", "baomoi_sapo"])
    split: str = "test"
    #: at most this many vietnews articles (None: the whole split, 6,000 for test)
    max_articles: int | None = None
    #: size of the fixed baomoi sapo sample
    baomoi_articles: int = 2000
    #: summary length budget in syllables on top of the sentence count (None: sentences only)
    summary_syllables: int | None = None
    #: summary length (sentences) unless an entry says NAME@N
    n_sentences: int = 2
    #: also score with rouge-score's default ASCII tokenizer (``*_ascii`` keys)
    ascii: bool = True
    #: also word-level ROUGE with this segmenter (underthesea | pyvi), ``*_word`` keys; slow
    segment: str | None = None
    baseline: BaselineConfig = field(default_factory=BaselineConfig)
    #: write the measured scores of model-directory entries ("default" or a path) into their manifest and model
    #: card (at the entry's length when it equals the model's n_sentences), with the R-2 of the baselines evaluated
    update_card: bool = False
    #: write each model's predictions as JSONL here (None: do not)
    predictions_dir: str | None = None
    data_dir: str | None = None
