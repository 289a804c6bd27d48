"""Abstractive path: fine-tune any Hugging Face seq2seq model (T5/ViT5, BART/BARTpho, mT5) or causal LM,
by Hub name or local path, on vietnews (article -> abstract), with bantin's one fine-tuning engine
(``bantin.models.finetune``, on ``transformers.Trainer``); runs on a GPU when there is one.

Offline (no model hub), the choices are:

* ``model_name_or_path: e5-small`` — an encoder-decoder warm-started from the offline multilingual-e5-small
  (``transformers.EncoderDecoderModel``: BERT encoder + BERT decoder with new cross-attention, Rothe et al.
  2020), tokenizer = e5's XLM-R SentencePiece vocabulary;
* ``model_name_or_path: ""`` — a small T5 trained from scratch (``seq2seq.scratch``) with a Unigram tokenizer fitted
  on the training text.

With Hub access: ``model_name_or_path: VietAI/vit5-base`` or ``vinai/bartpho-syllable`` (the published anchors).

The model directory holds the usual manifest plus ``hf/`` (``save_pretrained``: safetensors + tokenizer).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bantin.errors import BantinInputError, BantinModelError
from bantin.models.finetune import FineTunedModel, settings_from
from bantin.summarize.base import Document, Summarizer, _check_budget, _check_n
from bantin.summarize.config import Seq2SeqConfig
from bantin.text.tokenize import sentences as split_sentences
from bantin.text.tokenize import syllables

HF_DIR = "hf"
ENCODER_TYPES = {"bert", "xlm-roberta", "roberta", "camembert", "electra", "deberta-v2"}


def _resolve(name: str) -> str:
    from bantin.models.hf import resolve_pretrained

    return resolve_pretrained(name)


class Seq2SeqSummarizer(FineTunedModel, Summarizer):
    kind = "seq2seq"
    config_type = Seq2SeqConfig

    def __init__(self, n_sentences: int = 3, sentence_backend: str = "underthesea", config: Seq2SeqConfig | None = None,
                 **overrides: Any) -> None:
        super().__init__(n_sentences, sentence_backend)
        self.config = settings_from(Seq2SeqConfig, config, overrides, "Seq2SeqSummarizer")
        self.model_: Any = None
        self.tokenizer_: Any = None

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), **dataclasses.asdict(self.config)}

    @classmethod
    def from_config(cls, cfg: Seq2SeqConfig, n_sentences: int = 3, sentence_backend: str = "underthesea") -> Seq2SeqSummarizer:
        return cls(n_sentences=max(n_sentences, 1), sentence_backend=sentence_backend, config=cfg)

    @property
    def architecture(self) -> str:
        return self.config.architecture

    # -- building ---------------------------------------------------------------------------
    def _build(self, train_texts: Sequence[str]) -> None:
        from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM

        from bantin.models.hf import load_tokenizer

        cfg = self.config
        if not cfg.model_name_or_path:
            self._build_scratch(cfg, train_texts)
            return
        resolved = _resolve(cfg.model_name_or_path)
        try:
            hf_config = AutoConfig.from_pretrained(resolved)
        except (OSError, ValueError) as exc:
            raise BantinModelError(f"cannot load pretrained model {cfg.model_name_or_path!r}: {exc}") from exc
        arch = cfg.architecture
        if arch == "auto":
            if getattr(hf_config, "is_encoder_decoder", False):
                arch = "seq2seq"
            elif hf_config.model_type in ENCODER_TYPES:
                arch = "encoder-decoder"
            else:
                arch = "causal"
        self.tokenizer_ = load_tokenizer(cfg.model_name_or_path)
        if arch == "encoder-decoder":
            model = self._warm_start_encoder_decoder(resolved, train_texts if cfg.prune_vocab else None)
            tok = self.tokenizer_
            start = tok.cls_token_id if tok.cls_token_id is not None else tok.bos_token_id
            end = tok.sep_token_id if tok.sep_token_id is not None else tok.eos_token_id
            model.config.decoder_start_token_id = start
            model.config.pad_token_id = tok.pad_token_id
            model.config.eos_token_id = end
            model.config.vocab_size = model.config.decoder.vocab_size
            model.generation_config.decoder_start_token_id = start
            model.generation_config.pad_token_id = tok.pad_token_id
            model.generation_config.eos_token_id = end
            model.generation_config.bos_token_id = start
        elif arch == "seq2seq":
            model = AutoModelForSeq2SeqLM.from_pretrained(resolved)
        elif arch == "causal":
            model = AutoModelForCausalLM.from_pretrained(resolved)
            if self.tokenizer_.pad_token_id is None:
                self.tokenizer_.pad_token = self.tokenizer_.eos_token
        else:
            raise BantinInputError(f"unknown architecture {arch!r} (auto, seq2seq, causal, encoder-decoder)")
        self.config.architecture = "seq2seq" if arch == "encoder-decoder" else arch
        self.model_ = model

    def _warm_start_encoder_decoder(self, resolved: str, prune_texts: Sequence[str] | None):
        """EncoderDecoderModel with both sides initialized from one encoder checkpoint (Rothe et al., 2020).

        With ``prune_texts`` the (SentencePiece) vocabulary is first cut to the pieces those texts use plus every
        single character (``bantin.models.hf.prune_vocabulary``): for e5-small 250k -> a few 10k pieces, which
        shrinks the decoder's output softmax, the slowest part of training, by the same factor.
        """
        import tempfile

        from transformers import AutoModel, EncoderDecoderModel

        if prune_texts is None:
            return EncoderDecoderModel.from_encoder_decoder_pretrained(resolved, resolved)
        from bantin.models.hf import prune_vocabulary

        encoder = AutoModel.from_pretrained(resolved)
        try:
            tok, encoder, kept = prune_vocabulary(self.tokenizer_, encoder, prune_texts)
        except BantinInputError:  # not a Unigram tokenizer (e.g. WordPiece): keep the full vocabulary
            return EncoderDecoderModel.from_encoder_decoder_pretrained(resolved, resolved)
        with tempfile.TemporaryDirectory(prefix="bantin-pruned-") as tmp:
            encoder.save_pretrained(tmp)
            tok.save_pretrained(tmp)
            model = EncoderDecoderModel.from_encoder_decoder_pretrained(tmp, tmp)
        self.tokenizer_ = tok
        self.training_info["vocab_size"] = len(kept)
        return model

    def _build_scratch(self, cfg: Seq2SeqConfig, train_texts: Sequence[str]) -> None:
        from transformers import BartConfig, BartForConditionalGeneration, T5Config, T5ForConditionalGeneration

        from bantin.models.hf import load_tokenizer, train_tiny_tokenizer

        s = dict(cfg.scratch)
        model_type = s.pop("model_type", "t5")
        if cfg.tokenizer == "train":
            tok = train_tiny_tokenizer(list(train_texts), vocab_size=cfg.vocab_size, template="seq2seq" if model_type == "t5" else "encoder",
                                       model_max_length=cfg.max_source_length)
        else:
            tok = load_tokenizer(cfg.tokenizer)
        ids = dict(pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id)
        if model_type == "t5":
            model = T5ForConditionalGeneration(T5Config(vocab_size=len(tok), decoder_start_token_id=tok.pad_token_id, **ids, **s))
        elif model_type == "bart":
            s.setdefault("max_position_embeddings", max(cfg.max_source_length, cfg.max_target_length) + 2)
            model = BartForConditionalGeneration(BartConfig(vocab_size=len(tok), bos_token_id=tok.bos_token_id, decoder_start_token_id=tok.eos_token_id,
                                                            forced_eos_token_id=tok.eos_token_id, **ids, **s))
        else:
            raise BantinInputError(f"scratch model_type must be t5 or bart, got {model_type!r}")
        self.config.architecture = "seq2seq"
        self.tokenizer_, self.model_ = tok, model

    # -- text formats -----------------------------------------------------------------------
    def source_text(self, title: str, body: str) -> str:
        body = " ".join(line.strip() for line in body.split("\n") if line.strip())
        prefix = self.config.source_prefix
        return f"{prefix}{title}. {body}" if title else f"{prefix}{body}"

    def _prompt_ids(self, source: str) -> list[int]:
        tok = self.tokenizer_
        budget = max(self.config.max_source_length - 8, 16)
        ids = tok(source, add_special_tokens=False, truncation=True, max_length=budget)["input_ids"]
        return ids + tok("\nTóm tắt:", add_special_tokens=False)["input_ids"]

    # -- training ---------------------------------------------------------------------------
    def fit_examples(self, examples, val_examples=()) -> Seq2SeqSummarizer:
        from bantin.models.finetune import finetune, seed_everything

        cfg = self.config
        if not len(examples):
            raise BantinInputError("no training examples")
        seed_everything(cfg.seed)
        sources = [self.source_text(e.title, e.body) for e in examples]
        targets = [e.reference for e in examples]
        if self.model_ is None:
            self._build(sources[:5000] + targets[:5000])
        train = self._features(sources, targets)
        held_out = self._features([self.source_text(e.title, e.body) for e in val_examples], [e.reference for e in val_examples]) if val_examples else None
        from transformers import DataCollatorForSeq2Seq

        collator = DataCollatorForSeq2Seq(self.tokenizer_, label_pad_token_id=-100, padding=True)
        result = finetune(self.model_, train, cfg, collator, eval_dataset=held_out)
        self.training_info.update({"base_model": cfg.model_name_or_path or "scratch", "n_train": len(train), **result.as_info()})
        return self

    def _features(self, sources: Sequence[str], targets: Sequence[str]) -> list[dict[str, list[int]]]:
        """Tokenized (source, target) pairs; the loss is on the target tokens only (``labels``, -100 elsewhere)."""
        tok, cfg = self.tokenizer_, self.config
        features = []
        if self.architecture == "causal":
            for s, t in zip(sources, targets):
                prompt = self._prompt_ids(s)
                answer = tok(" " + t, add_special_tokens=False, truncation=True, max_length=cfg.max_target_length)["input_ids"] + [tok.eos_token_id]
                features.append({"input_ids": prompt + answer, "attention_mask": [1] * (len(prompt) + len(answer)),
                                 "labels": [-100] * len(prompt) + answer})
            return features
        enc = tok(list(sources), truncation=True, max_length=cfg.max_source_length)
        labels = tok(text_target=list(targets), truncation=True, max_length=cfg.max_target_length)["input_ids"]
        # EncoderDecoderModel takes no token_type_ids: only the ids, the mask and the labels go to the model
        return [{"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i], "labels": labels[i]} for i in range(len(labels))]

    # -- inference --------------------------------------------------------------------------
    def generate(self, sources: Sequence[str]) -> list[str]:
        import torch

        from bantin.models.hf import select_device

        if self.model_ is None:
            raise BantinModelError("the seq2seq summarizer has no model (train it or load a model directory)")
        cfg = self.config
        device = select_device(cfg.device)
        model, tok = self.model_.to(device), self.tokenizer_
        model.eval()
        out: list[str] = []
        gen = dict(num_beams=cfg.num_beams, max_new_tokens=cfg.generation_max_new_tokens, no_repeat_ngram_size=cfg.no_repeat_ngram_size or 0)
        for start in range(0, len(sources), cfg.per_device_eval_batch_size):
            chunk = list(sources[start : start + cfg.per_device_eval_batch_size])
            with torch.no_grad():
                if self.architecture == "causal":
                    rows = [self._prompt_ids(s) for s in chunk]
                    width = max(len(r) for r in rows)
                    pad = tok.pad_token_id
                    input_ids = torch.tensor([[pad] * (width - len(r)) + r for r in rows], device=device)  # left padding
                    attention = torch.tensor([[0] * (width - len(r)) + [1] * len(r) for r in rows], device=device)
                    ids = model.generate(input_ids=input_ids, attention_mask=attention, pad_token_id=pad, **gen)
                    texts = tok.batch_decode(ids[:, width:], skip_special_tokens=True)
                else:
                    enc = tok(chunk, truncation=True, max_length=cfg.max_source_length, padding=True, return_tensors="pt")
                    ids = model.generate(input_ids=enc["input_ids"].to(device), attention_mask=enc["attention_mask"].to(device), **gen)
                    texts = tok.batch_decode(ids, skip_special_tokens=True)
            out.extend(t.strip() for t in texts)
        return out

    def summarize_sentences(self, docs: Sequence[Document], n_sentences: int | None = None, max_syllables: int | None = None) -> list[list[str]]:
        """Generated summaries split into sentences, cut to at most ``n_sentences`` (and, when given, to the
        sentences that fit ``max_syllables``; the first sentence is always kept)."""
        n = _check_n(self.n_sentences if n_sentences is None else n_sentences)
        budget = _check_budget(max_syllables)
        texts = self.generate([self.source_text(d.title, d.text()) for d in docs])
        out = []
        for t in texts:
            sents = split_sentences(t, backend=self.sentence_backend) if t else []
            if budget is not None:
                kept, used = [], 0
                for sent in sents[:n]:
                    size = len(syllables(sent))
                    if kept and used + size > budget:
                        break
                    kept.append(sent)
                    used += size
                sents = kept
            out.append(sents[:n])
        return out

    def select(self, doc: Document, n_sentences: int) -> list[int]:
        raise BantinModelError("an abstractive summarizer writes new sentences; it does not select them")

    # -- persistence ------------------------------------------------------------------------
    def _save_weights(self, path: Path) -> None:
        if self.model_ is None:
            raise BantinModelError("cannot save an untrained seq2seq summarizer")
        self.model_.save_pretrained(path / HF_DIR)
        self.tokenizer_.save_pretrained(path / HF_DIR)

    def _load_weights(self, path: Path) -> None:
        from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

        from bantin.models.base import model_tree
        from bantin.models.hf import load_saved_model

        hf = model_tree(path, HF_DIR)
        self.tokenizer_ = load_saved_model(AutoTokenizer, hf)
        config = load_saved_model(AutoConfig, hf)
        # safetensors weights only: a pickled pytorch_model.bin is never read
        if config.model_type == "encoder-decoder":
            from transformers import EncoderDecoderModel

            self.model_ = load_saved_model(EncoderDecoderModel, hf, use_safetensors=True)
        elif self.architecture == "causal":
            self.model_ = load_saved_model(AutoModelForCausalLM, hf, use_safetensors=True)
        else:
            self.model_ = load_saved_model(AutoModelForSeq2SeqLM, hf, use_safetensors=True)
        self.model_.eval()

    def card_details(self) -> str:
        return (
            f"## Model\n\nAbstractive summarizer ({self.architecture}) fine-tuned from `{self.config.model_name_or_path or 'scratch'}` on vietnews "
            "(article -> abstract). Generated text may state things the article does not (hallucination); check before publishing.\n"
        )
