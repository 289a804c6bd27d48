"""Transformer block labeler: fit/predict/save/load with a tiny random encoder built from a config (offline)."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from test_boilerplate import NAMES, text_page  # noqa: E402

from bantin.boilerplate import extract_article  # noqa: E402
from bantin.boilerplate.transformer import TransformerBlockLabeler, block_examples  # noqa: E402
from bantin.errors import BantinInputError  # noqa: E402


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    from bantin.testing import tiny_encoder

    return tiny_encoder(tmp_path_factory.mktemp("enc") / "tiny", max_position_embeddings=96)


def test_block_examples_carry_context():
    page = text_page("site_b_1.tsv")
    texts, contexts = block_examples(page, context_blocks=1, context_chars=20)
    assert len(texts) == len(contexts) == len(page.blocks)
    assert contexts[0].startswith("1/") and "(đầu trang)" in contexts[0]
    assert "(cuối trang)" in contexts[-1]
    assert page.blocks[1].text[:10] in contexts[0]  # the next block is the context of the first


def test_transformer_fit_predict(tiny_dir):
    pages = [text_page(n) for n in NAMES]
    model = TransformerBlockLabeler(model_name_or_path=str(tiny_dir), max_length=48, num_train_epochs=2, per_device_train_batch_size=16,
                                    learning_rate=1e-3, freeze_embeddings=False, device="cpu", context_blocks=1)
    model.fit(pages[:3])
    assert set(model.labels) <= {"title", "lead", "body", "caption", "byline", "related", "section_heading", "nav", "noise"}
    probs = model.predict_proba([pages[3]])[0]
    assert len(probs) == len(pages[3].blocks) and all(abs(sum(d.values()) - 1) < 1e-4 for d in probs)
    labeled = model.label_page(pages[3])
    assert all(b.label in model.labels and 0 <= b.score <= 1 for b in labeled.blocks)
    extract_article(labeled)  # works on any labeling
    assert model.get_config()["context_blocks"] == 1  # save/load/config round trips: tests/test_estimator_contract.py
    with pytest.raises(BantinInputError):
        model.fit(["not", "pages"])
