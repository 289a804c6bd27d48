"""TransformerClassifier on a tiny random encoder built from a config (no downloads, a few seconds)."""

from __future__ import annotations


import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from bantin.errors import BantinInputError, BantinModelError  # noqa: E402
from bantin.models import load_model, register_model  # noqa: E402
from bantin.testing import TINY_CORPUS, tiny_encoder  # noqa: E402
from bantin.models.transformer_classifier import TransformerClassifier  # noqa: E402

SPORT = [
    "Đội tuyển bóng đá thắng trận", "Cầu thủ ghi bàn thắng đẹp", "Huấn luyện viên bóng đá khen cầu thủ",
    "Trận bóng đá kết thúc với tỉ số hòa", "Cầu thủ bị thẻ đỏ trong trận", "Giải bóng đá khởi tranh",
    "Thủ môn cản phá quả phạt đền", "Cầu thủ trẻ ra mắt đội tuyển",
]  # fmt: skip
ECONOMY = [
    "Giá vàng tăng mạnh hôm nay", "Ngân hàng giảm lãi suất cho vay", "Giá xăng dầu điều chỉnh tăng",
    "Lãi suất tiết kiệm ngân hàng giảm", "Giá vàng thế giới lao dốc", "Chứng khoán và giá vàng biến động",
    "Ngân hàng công bố lợi nhuận quý", "Thị trường vàng trầm lắng",
]  # fmt: skip
TEXTS = SPORT + ECONOMY
LABELS = ["the_thao"] * len(SPORT) + ["kinh_te"] * len(ECONOMY)
HELD_OUT = (["Cầu thủ đội tuyển ghi bàn", "Ngân hàng tăng giá vàng"], ["the_thao", "kinh_te"])
FAST = dict(num_train_epochs=30, per_device_train_batch_size=8, learning_rate=3e-3, warmup_ratio=0.0, freeze_embeddings=False,
            dropout=0.0, max_length=32)


pytestmark = pytest.mark.usefixtures("torch_one_thread")


class ToyTransformer(TransformerClassifier):
    task = "toy"


register_model("toy", "transformer", "test_transformer_classifier:ToyTransformer")


@pytest.fixture(scope="module")
def encoder_dir(tmp_path_factory):
    return tiny_encoder(tmp_path_factory.mktemp("tiny") / "enc", texts=TINY_CORPUS + TEXTS)


def test_fit_predict(encoder_dir, tmp_path):
    clf = ToyTransformer(model_name_or_path=str(encoder_dir), **FAST)
    clf.fit(TEXTS, LABELS, eval_texts=HELD_OUT[0], eval_labels=HELD_OUT[1])
    assert clf.labels == ["kinh_te", "the_thao"]
    assert clf.training_info["steps"] == 60 and clf.training_info["final_loss"] < 0.3
    assert clf.predict(TEXTS) == LABELS  # it can fit the toy set
    assert clf.predict(HELD_OUT[0]) == HELD_OUT[1]  # and keyword evidence carries to unseen sentences
    assert clf.metrics["accuracy"] == 1.0 and clf.metrics["n"] == 2
    probs = clf.predict_proba(HELD_OUT[0])
    np.testing.assert_allclose(probs.sum(1), 1.0, rtol=1e-5)

    path = clf.save(tmp_path / "model")  # the save/load contract itself: tests/test_estimator_contract.py
    assert (path / "encoder" / "model.safetensors").exists() and (path / "head.safetensors").exists()
    assert "Transformer encoder fine-tuned" in (path / "README.md").read_text()
    assert isinstance(ToyTransformer.load(path), ToyTransformer)


def test_text_pairs_and_task_argument(encoder_dir, tmp_path):
    # the label depends only on the second segment (the "context"), so the pair must reach the model
    context = ["bóng đá cầu thủ"] * 8 + ["giá vàng ngân hàng"] * 8
    first = ["Tin mới"] * 16
    clf = TransformerClassifier(task="toy", model_name_or_path=str(encoder_dir), **FAST)
    clf.fit(first, LABELS, pair_texts=context)
    assert clf.predict(["Tin mới", "Tin mới"], pair_texts=["cầu thủ", "ngân hàng"]) == ["the_thao", "kinh_te"]
    loaded = load_model(clf.save(tmp_path / "pair"))
    assert loaded.predict(["Tin mới"], pair_texts=["giá vàng"]) == ["kinh_te"]
    with pytest.raises(BantinInputError, match="pair_texts"):
        clf.predict(["a", "b"], pair_texts=["only one"])


def test_multi_label(encoder_dir, tmp_path):
    labels = [["the_thao"]] * 8 + [["kinh_te"]] * 8
    labels[0] = labels[8] = ["kinh_te", "the_thao"]
    texts = list(TEXTS)
    texts[0] = texts[8] = "Cầu thủ bóng đá mua vàng ngân hàng"
    clf = ToyTransformer(model_name_or_path=str(encoder_dir), multi_label=True, **FAST)
    clf.fit(texts, labels)
    pred = clf.predict(texts)
    assert pred[0] == ["kinh_te", "the_thao"] and pred[1] == ["the_thao"] and pred[9] == ["kinh_te"]
    probs = clf.predict_proba(texts[:2])
    assert probs.shape == (2, 2) and (probs[0] > 0.5).all()  # independent sigmoids, not a softmax
    loaded = load_model(clf.save(tmp_path / "ml"))
    assert loaded.config.multi_label and loaded.predict(texts[:2]) == pred[:2]
    assert set(clf.evaluate(texts, labels)) >= {"micro_f1", "macro_f1"}


def test_bad_input_and_settings(encoder_dir, tmp_path):
    with pytest.raises(BantinInputError, match="unknown"):
        TransformerClassifier(learning_rat=1.0)
    with pytest.raises(BantinInputError, match="lr \\(now 'learning_rate'\\)"):
        TransformerClassifier(lr=1.0)
    with pytest.raises(BantinInputError):
        TransformerClassifier(pooling="max")
    clf = ToyTransformer(model_name_or_path=str(encoder_dir), **FAST)
    with pytest.raises(BantinModelError):
        clf.predict(["chưa huấn luyện"])
    with pytest.raises(BantinInputError, match="2 classes"):
        clf.fit(["a", "b"], ["x", "x"])
    with pytest.raises(BantinInputError, match="labels"):
        clf.fit(["a", "b"], ["x"])
    with pytest.raises(BantinInputError, match="string"):
        clf.fit(["a", None], ["x", "y"])
    # max_train_samples subsamples, max_steps caps; the e5 prefix is only used for e5 models
    small = ToyTransformer(model_name_or_path=str(encoder_dir), max_train_samples=6, max_steps=2, **FAST)
    small.fit(TEXTS, LABELS)
    assert small.training_info["n_train"] == 6 and small.training_info["steps"] == 2
    assert small.prefix == "" and TransformerClassifier().prefix == "query: "
    (tmp_path / "broken").mkdir()
    small.save(tmp_path / "broken")
    (tmp_path / "broken" / "head.safetensors").unlink()
    with pytest.raises(BantinModelError):
        load_model(tmp_path / "broken")


def test_pruned_vocabulary_and_half_precision_save(encoder_dir, tmp_path):
    clf = ToyTransformer(model_name_or_path=str(encoder_dir), prune_vocab=True, save_dtype="float16", **FAST)
    clf.fit(TEXTS, LABELS)
    n_vocab = clf.model.encoder.config.vocab_size
    assert n_vocab < 295 and clf.model.encoder.get_input_embeddings().num_embeddings == n_vocab
    assert clf.predict(TEXTS) == LABELS
    path = clf.save(tmp_path / "small")
    loaded = load_model(path)
    assert next(loaded.model.parameters()).dtype == torch.float32
    np.testing.assert_allclose(loaded.predict_proba(TEXTS), clf.predict_proba(TEXTS), atol=2e-2)
    assert loaded.predict(TEXTS) == LABELS
    with pytest.raises(BantinInputError):
        ToyTransformer(save_dtype="int4")


def test_word_segmentation_for_phobert_style_models(encoder_dir):
    # PhoBERT expects word-segmented input; the name alone decides under "auto" (no weights are loaded here)
    assert TransformerClassifier(task="toy", model_name_or_path="vinai/phobert-base").segmenter == "pyvi"
    assert TransformerClassifier(task="toy", model_name_or_path=str(encoder_dir)).segmenter is None
    clf = TransformerClassifier(task="toy", model_name_or_path=str(encoder_dir), word_segmentation="pyvi")
    assert clf._segment(["Công đoàn cơ sở"]) == ["Công_đoàn cơ_sở"]
    with pytest.raises(BantinInputError, match="word_segmentation"):
        TransformerClassifier(task="toy", model_name_or_path=str(encoder_dir), word_segmentation="jieba").segmenter
