"""Tiny random models for tests, smoke runs and examples: offline, a few hundred KB, built in a second.

- ``tiny_encoder`` / ``tiny_seq2seq`` / ``tiny_causal_lm``: random-weight Hugging Face models (with a tokenizer
  trained in-process on a few Vietnamese sentences) saved to a directory; pass that directory as
  ``model_name_or_path`` to any transformer path. Nothing is ever downloaded.
- ``tiny_estimator(task, kind, path)``: an unfitted estimator of every registered model kind, set up to train in
  seconds on tiny data (the shared estimator contract test, ``tests/test_estimator_contract.py``, runs on them).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bantin.errors import BantinInputError
from bantin.models.hf import train_tiny_tokenizer

# A few sentences to train tiny tokenizers on (plus the Vietnamese alphabet, so no character is unknown).
TINY_CORPUS = [
    "Hà Nội là thủ đô của nước Cộng hòa xã hội chủ nghĩa Việt Nam.",
    "Giá vàng trong nước hôm nay tăng mạnh theo đà thế giới.",
    "Đội tuyển bóng đá Việt Nam giành chiến thắng trước Thái Lan.",
    "Bộ Y tế khuyến cáo người dân tiêm vắc xin phòng bệnh cúm mùa.",
    "Ngân hàng Nhà nước điều chỉnh lãi suất điều hành từ ngày mai.",
    "Thành phố Hồ Chí Minh mưa lớn, nhiều tuyến đường ngập sâu.",
    "Học sinh cả nước bước vào kỳ thi tốt nghiệp trung học phổ thông.",
    "Tin liên quan | Xem thêm | Đăng nhập | Chia sẻ bài viết",
    "Phóng viên: Nguyễn Văn An - Ảnh: Trần Bình",
    "Công an tỉnh đã khởi tố vụ án và bắt tạm giam hai đối tượng.",
]

def _save_tiny(model, tokenizer, out_dir: str | os.PathLike) -> Path:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def _seeded(seed: int) -> None:
    import torch

    torch.manual_seed(seed)


def tiny_encoder(
    out_dir: str | os.PathLike,
    architecture: str = "bert",
    hidden_size: int = 32,
    num_layers: int = 2,
    num_heads: int = 2,
    intermediate_size: int = 64,
    max_position_embeddings: int = 128,
    seed: int = 0,
    texts: list[str] | None = None,
) -> Path:
    """A random tiny encoder ("bert" or "xlm-roberta") + tokenizer saved to ``out_dir``; returns the path."""
    from transformers import BertConfig, BertModel, XLMRobertaConfig, XLMRobertaModel

    tokenizer = train_tiny_tokenizer(texts or TINY_CORPUS, model_max_length=max_position_embeddings)
    common = dict(
        vocab_size=len(tokenizer), hidden_size=hidden_size, num_hidden_layers=num_layers,
        num_attention_heads=num_heads, intermediate_size=intermediate_size, pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
    )  # fmt: skip
    _seeded(seed)
    if architecture == "bert":
        config = BertConfig(max_position_embeddings=max_position_embeddings, type_vocab_size=2, **common)
        model = BertModel(config, add_pooling_layer=False)  # sentence vectors come from mean pooling
    elif architecture in ("xlm-roberta", "roberta"):
        mpe = max_position_embeddings + tokenizer.pad_token_id + 1
        model = XLMRobertaModel(XLMRobertaConfig(max_position_embeddings=mpe, type_vocab_size=1, **common), add_pooling_layer=False)
    else:
        raise BantinInputError(f"unknown tiny encoder architecture {architecture!r} (bert, xlm-roberta)")
    return _save_tiny(model, tokenizer, out_dir)


def tiny_seq2seq(
    out_dir: str | os.PathLike,
    architecture: str = "t5",
    d_model: int = 32,
    num_layers: int = 2,
    num_heads: int = 2,
    d_ff: int = 64,
    seed: int = 0,
    texts: list[str] | None = None,
) -> Path:
    """A random tiny encoder-decoder ("t5", like ViT5, or "bart", like BARTpho) + tokenizer in ``out_dir``."""
    from transformers import BartConfig, BartForConditionalGeneration, T5Config, T5ForConditionalGeneration

    tokenizer = train_tiny_tokenizer(texts or TINY_CORPUS, template="seq2seq" if architecture == "t5" else "encoder")
    _seeded(seed)
    if architecture == "t5":
        config = T5Config(
            vocab_size=len(tokenizer), d_model=d_model, d_kv=d_model // num_heads, d_ff=d_ff, num_layers=num_layers,
            num_decoder_layers=num_layers, num_heads=num_heads, pad_token_id=tokenizer.pad_token_id,
            eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=tokenizer.pad_token_id,
            relative_attention_num_buckets=8, relative_attention_max_distance=32,
        )  # fmt: skip
        model = T5ForConditionalGeneration(config)
    elif architecture == "bart":
        config = BartConfig(
            vocab_size=len(tokenizer), d_model=d_model, encoder_layers=num_layers, decoder_layers=num_layers,
            encoder_attention_heads=num_heads, decoder_attention_heads=num_heads, encoder_ffn_dim=d_ff,
            decoder_ffn_dim=d_ff, max_position_embeddings=128, pad_token_id=tokenizer.pad_token_id,
            bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
            decoder_start_token_id=tokenizer.eos_token_id, forced_eos_token_id=tokenizer.eos_token_id,
        )  # fmt: skip
        model = BartForConditionalGeneration(config)
    else:
        raise BantinInputError(f"unknown tiny seq2seq architecture {architecture!r} (t5, bart)")
    return _save_tiny(model, tokenizer, out_dir)


def tiny_causal_lm(
    out_dir: str | os.PathLike,
    architecture: str = "gpt2",
    hidden_size: int = 32,
    num_layers: int = 2,
    num_heads: int = 2,
    intermediate_size: int = 64,
    max_positions: int = 256,
    seed: int = 0,
    texts: list[str] | None = None,
) -> Path:
    """A random tiny decoder-only LM ("gpt2" or "llama", the Qwen/Llama family shape) + tokenizer in ``out_dir``."""
    from transformers import GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM

    tokenizer = train_tiny_tokenizer(texts or TINY_CORPUS, template="causal", model_max_length=max_positions)
    ids = dict(pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id)
    _seeded(seed)
    if architecture == "gpt2":
        config = GPT2Config(
            vocab_size=len(tokenizer), n_embd=hidden_size, n_layer=num_layers, n_head=num_heads,
            n_inner=intermediate_size, n_positions=max_positions, **ids,
        )  # fmt: skip
        model = GPT2LMHeadModel(config)
    elif architecture == "llama":
        config = LlamaConfig(
            vocab_size=len(tokenizer), hidden_size=hidden_size, num_hidden_layers=num_layers,
            num_attention_heads=num_heads, num_key_value_heads=num_heads, intermediate_size=intermediate_size,
            max_position_embeddings=max_positions, **ids,
        )  # fmt: skip
        model = LlamaForCausalLM(config)
    else:
        raise BantinInputError(f"unknown tiny causal LM architecture {architecture!r} (gpt2, llama)")
    return _save_tiny(model, tokenizer, out_dir)


# -- tiny estimators of every registered model kind --------------------------------------------------------

#: kinds that learn nothing (fit is a no-op): "unfitted" means nothing for them
STATELESS_KINDS = frozenset({("boilerplate", "rules"), ("summarize", "lead"), ("summarize", "textrank"), ("summarize", "lexrank")})

#: constructor settings that make each kind train in about a second on tiny data; "{encoder}" / "{seq2seq}" name a
#: tiny random Hugging Face model that ``tiny_estimator`` builds first
TINY_SETTINGS: dict[tuple[str, str], dict[str, Any]] = {
    ("boilerplate", "rules"): {},
    ("boilerplate", "crf"): {"max_iterations": 30, "min_freq": 1},
    ("boilerplate", "transformer"): {
        "model_name_or_path": "{encoder}", "max_length": 48, "max_steps": 3, "per_device_train_batch_size": 32,
        "learning_rate": 1e-3, "freeze_embeddings": False, "max_train_samples": None, "context_blocks": 1, "device": "cpu",
    },
    ("topics", "linear"): {"n_features": 2**16, "max_features": 2000, "min_df": 1},
    ("topics", "e5"): {"encoder": "{encoder}", "engine": "torch", "max_length": 32, "batch_size": 16},
    ("topics", "transformer"): {
        "model_name_or_path": "{encoder}", "max_length": 32, "max_steps": 3, "per_device_train_batch_size": 8, "device": "cpu",
    },
    ("summarize", "lead"): {},
    ("summarize", "textrank"): {},
    ("summarize", "lexrank"): {},
    ("summarize", "extractive"): {"scorer": "logistic", "idf_min_df": 1},
    ("summarize", "seq2seq"): {
        "model_name_or_path": "{seq2seq}", "max_source_length": 64, "max_target_length": 16, "max_steps": 2,
        "per_device_train_batch_size": 4, "num_beams": 1, "generation_max_new_tokens": 6, "device": "cpu", "precision": "fp32",
    },
}


def tiny_settings(task: str, kind: str, workdir: str | os.PathLike, texts: list[str] | None = None) -> dict[str, Any]:
    """``TINY_SETTINGS[(task, kind)]`` with its tiny Hugging Face model (if any) built under ``workdir``."""
    if (task, kind) not in TINY_SETTINGS:
        raise BantinInputError(f"no tiny settings for the {task} model kind {kind!r}")
    settings = dict(TINY_SETTINGS[(task, kind)])
    for key, value in settings.items():
        if value == "{encoder}":
            settings[key] = str(tiny_encoder(Path(workdir) / "tiny-encoder", texts=(texts or []) + TINY_CORPUS, max_position_embeddings=96))
        elif value == "{seq2seq}":
            settings[key] = str(tiny_seq2seq(Path(workdir) / "tiny-seq2seq", texts=(texts or []) + TINY_CORPUS))
    return settings


def tiny_estimator(task: str, kind: str, workdir: str | os.PathLike, texts: list[str] | None = None, **overrides: Any):
    """An unfitted estimator of a registered (task, kind), built from its tiny settings the way ``load_model``
    builds one from a manifest's config (the registered class called with the settings)."""
    import importlib

    from bantin.models.base import _REGISTRY, _ensure_registered

    _ensure_registered()
    if (task, kind) not in _REGISTRY:
        raise BantinInputError(f"unknown model kind {kind!r} for task {task!r}")
    module_name, cls_name = _REGISTRY[(task, kind)].split(":")
    cls = getattr(importlib.import_module(module_name), cls_name)
    return cls(**{**tiny_settings(task, kind, workdir, texts), **overrides})
