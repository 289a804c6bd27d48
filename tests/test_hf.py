"""Shared Hugging Face helpers: name resolution, device, tiny offline models, model tweaks."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from bantin.errors import BantinInputError, BantinModelError  # noqa: E402
from bantin import testing  # noqa: E402
from bantin.models import hf  # noqa: E402


pytestmark = pytest.mark.usefixtures("torch_one_thread")


def test_resolve_pretrained_passes_other_names_through(tmp_path):
    assert hf.resolve_pretrained("vinai/phobert-base") == "vinai/phobert-base"
    assert hf.resolve_pretrained(tmp_path) == str(tmp_path)
    with pytest.raises(BantinInputError):
        hf.resolve_pretrained("  ")


def test_resolve_pretrained_e5_aliases(tmp_path, monkeypatch):
    import bantin.models.e5 as e5

    monkeypatch.setattr(e5, "ensure_e5_small", lambda cache_dir=None: tmp_path / "e5-small")
    monkeypatch.setattr(hf, "_hub_cache_snapshot", lambda repo_id: None)
    for alias in ("e5-small", "multilingual-e5-small", "intfloat/multilingual-e5-small"):
        assert hf.resolve_pretrained(alias) == str(tmp_path / "e5-small")
    # a copy of the Hub model already in the local Hugging Face cache wins for the Hub id only
    monkeypatch.setattr(hf, "_hub_cache_snapshot", lambda repo_id: "/hf-cache/snapshot")
    assert hf.resolve_pretrained("intfloat/multilingual-e5-small") == "/hf-cache/snapshot"
    assert hf.resolve_pretrained("e5-small") == str(tmp_path / "e5-small")


def test_missing_model_is_a_model_error(tmp_path):
    with pytest.raises(BantinModelError, match="cannot load pretrained model"):
        hf.load_tokenizer(tmp_path / "nothing-here")


def test_select_device():
    assert hf.select_device("cpu").type == "cpu"
    best = hf.select_device()
    assert best.type == ("cuda" if torch.cuda.is_available() else "cpu")
    if not torch.cuda.is_available():
        with pytest.warns(UserWarning, match="not available"):
            assert hf.select_device("cuda").type == "cpu"
    with pytest.raises(BantinInputError):
        hf.select_device("tpu-please")


@pytest.mark.parametrize("architecture", ["bert", "xlm-roberta"])
def test_tiny_encoder(tmp_path, architecture):
    path = testing.tiny_encoder(tmp_path / "enc", architecture=architecture)
    tok, model = hf.load_encoder(path)
    assert sum(p.numel() for p in model.parameters()) < 100_000
    batch = tok(["Hà Nội mưa lớn", "Giá vàng tăng"], ["câu thứ hai", "và nữa"], padding=True, return_tensors="pt")
    assert (batch["input_ids"] == tok.unk_token_id).sum() == 0  # trained vocabulary covers Vietnamese letters
    out = model(**{k: v for k, v in batch.items() if k in ("input_ids", "attention_mask")}).last_hidden_state
    assert out.shape[:2] == batch["input_ids"].shape and out.shape[-1] == 32
    assert hf.effective_max_length(model.config) == 128


def test_tiny_seq2seq_generates(tmp_path):
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    for architecture in ("t5", "bart"):
        path = testing.tiny_seq2seq(tmp_path / architecture, architecture=architecture)
        tok = AutoTokenizer.from_pretrained(path)
        model = AutoModelForSeq2SeqLM.from_pretrained(path)
        batch = tok(["Hà Nội là thủ đô của Việt Nam."], return_tensors="pt")
        loss = model(**batch, labels=tok(["Hà Nội"], return_tensors="pt")["input_ids"]).loss
        assert torch.isfinite(loss)
        out = model.generate(**batch, max_new_tokens=5, do_sample=False)
        assert out.shape[0] == 1 and 1 < out.shape[1] <= 7


def test_tiny_causal_lm_generates(tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    for architecture in ("gpt2", "llama"):
        path = testing.tiny_causal_lm(tmp_path / architecture, architecture=architecture)
        tok = AutoTokenizer.from_pretrained(path)
        assert tok.padding_side == "left"
        model = AutoModelForCausalLM.from_pretrained(path)
        batch = tok(["Tóm tắt: Hà Nội mưa lớn", "Giá vàng"], padding=True, return_tensors="pt")
        assert batch["input_ids"][1, 0] == tok.pad_token_id  # left padded
        out = model.generate(**batch, max_new_tokens=4, do_sample=False, pad_token_id=tok.pad_token_id)
        assert out.shape == (2, batch["input_ids"].shape[1] + 4)


def test_freeze_embeddings_and_max_length(tmp_path):
    tok, model = hf.load_encoder(testing.tiny_encoder(tmp_path / "enc"))
    emb = model.embeddings
    n_emb = sum(p.numel() for p in emb.parameters())
    assert hf.freeze_embeddings(model) == n_emb
    assert not any(p.requires_grad for p in emb.parameters())
    assert all(p.requires_grad for p in model.encoder.parameters())
    assert hf.set_max_length(tok, 64, model) == 64 and tok.model_max_length == 64
    assert hf.set_max_length(tok, 10_000, model) == 128  # clamped to the position table
    with pytest.raises(BantinInputError):
        hf.set_max_length(tok, 0)


def test_prune_vocabulary_keeps_tokenization_of_seen_text(tmp_path):
    tok, model = hf.load_encoder(testing.tiny_encoder(tmp_path / "enc"))
    seen = ["Hà Nội mưa lớn", "Giá vàng tăng mạnh"]
    before = [tok.convert_ids_to_tokens(ids) for ids in tok(seen)["input_ids"]]
    with torch.no_grad():
        ref = model(**tok(seen, padding=True, return_tensors="pt")).last_hidden_state
    new_tok, model, kept = hf.prune_vocabulary(tok, model, seen)
    assert len(new_tok) == len(kept) == model.config.vocab_size < len(tok)
    assert [new_tok.convert_ids_to_tokens(ids) for ids in new_tok(seen)["input_ids"]] == before
    with torch.no_grad():
        out = model(**new_tok(seen, padding=True, return_tensors="pt")).last_hidden_state
    torch.testing.assert_close(out, ref)  # same pieces, same vectors: the model output is unchanged
    assert new_tok.pad_token_id == model.config.pad_token_id == 1
    assert new_tok.unk_token_id not in new_tok("Hà Nội")["input_ids"]  # single characters are all kept
