"""Typed configs of `bantin train summarize` and `bantin evaluate summarize` (every field has a default)."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    sentence_backend: str = "underthesea"
    data_dir: str | None = None


@dataclass
class ExtractiveConfig:
    #: lgbm (LightGBM, its text model file) | gbm (HistGradientBoosting, skops file) | logistic (JSON weights)
    scorer: str = "logistic"
    #: oracle (binary labels from the greedy ROUGE oracle) | rouge (regress each sentence's ROUGE F: soft labels) |
    #: precision (regress each sentence's ROUGE precision, length-neutral; pair it with max_syllables) |
    #: rank (LightGBM lambdarank on 0..4 grades from both)
    target: str = "oracle"
    #: v1 (30 features) | v2 (47: + paragraph position, redundancy with earlier sentences, numbers and names shared
    #: with the title, quote and reporting cues)
    feature_set: str = "v1"
    #: trigram | mmr | none
    redundancy: str = "trigram"
    mmr_lambda: float = 0.7
    #: sentences shorter than this (syllables) are never picked unless nothing else is left
    min_tokens: int = 5
    max_oracle_sentences: int = 3
    idf_min_df: int = 3
    gbm_max_iter: int = 300
    gbm_learning_rate: float = 0.08
    gbm_max_leaf_nodes: int = 31
    logistic_c: float = 1.0
    lgbm_num_trees: int = 300
    lgbm_learning_rate: float = 0.05
    lgbm_num_leaves: int = 31
    lgbm_min_data_in_leaf: int = 50
    #: the model's default summary length budget in syllables, on top of n_sentences (None: sentence count only)
    max_syllables: int | None = None
    #: summary reranker: 0 = off; K = score every summary of 1..n_sentences of the K best sentences with a second
    #: LightGBM model trained on summary-level ROUGE (lgbm scorer only; n_sentences is then the most sentences)
    rerank_top_k: int = 0
    rerank_trees: int = 100
    rerank_learning_rate: float = 0.1


@dataclass
class BaselineConfig:
    damping: float = 0.85
    min_tokens: int = 5
    #: LexRank edge threshold on TF-IDF cosine
    threshold: float = 0.1


@dataclass
class Seq2SeqConfig:
    #: Hub name or local path of a seq2seq (T5/BART/mT5/ViT5/BARTpho) or causal LM; "e5-small" warm-starts an
    #: encoder-decoder from the offline multilingual-e5-small (EncoderDecoderModel); "" = build from `scratch`
    pretrained: str = ""
    #: auto | seq2seq | causal | encoder-decoder
    architecture: str = "auto"
    #: randomly initialized model when `pretrained` is empty: {"model_type": "t5", "d_model": 256, ...}
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
    epochs: float = 1.0
    #: stop after this many optimizer steps (-1: epochs decide); also bounded by max_minutes
    max_steps: int = -1
    max_minutes: float | None = None
    batch_size: int = 16
    gradient_accumulation: int = 1
    learning_rate: float = 5e-4
    weight_decay: float = 0.01
    warmup_ratio: float = 0.05
    #: bf16 autocast on GPUs that support it
    mixed_precision: bool = True
    num_beams: int = 4
    generation_max_new_tokens: int = 96
    no_repeat_ngram_size: int = 3
    eval_batch_size: int = 32
    device: str = "auto"
    seed: int = 0


@dataclass
class TrainConfig:
    #: extractive | lead | textrank | lexrank | seq2seq
    model: str = "extractive"
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
