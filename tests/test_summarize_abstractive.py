"""The abstractive path with tiny random models built from configs (no download): a few training steps,
generation, save and load through the model directory."""

import json

import pytest
from conftest import FIXTURES

pytest.importorskip("torch")
pytest.importorskip("transformers")

from bantin.models import load_model  # noqa: E402
from bantin.summarize.abstractive import Seq2SeqSummarizer  # noqa: E402
from bantin.summarize.config import Seq2SeqConfig  # noqa: E402
from bantin.summarize.data import SummaryExample  # noqa: E402


def examples():
    rows = [json.loads(line) for line in (FIXTURES / "summarize" / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    return [SummaryExample(r["id"], r["title"], r["body"], r["reference"]) for r in rows]


def _texts():
    ex = examples()
    return [e.title for e in ex] + [e.body for e in ex] + [e.reference for e in ex]


@pytest.mark.parametrize("kind", ["t5", "bart", "llama", "bert2bert"])
def test_tiny_model_trains_generates_and_reloads(tmp_path, kind):
    from bantin.models.hf import tiny_causal_lm, tiny_encoder, tiny_seq2seq

    base = tmp_path / "base"
    if kind == "bert2bert":  # an encoder warm-starts both sides of an EncoderDecoderModel (the offline e5 path)
        tiny_encoder(base, architecture="bert", texts=_texts())
    elif kind == "llama":
        tiny_causal_lm(base, architecture="llama", max_positions=512, texts=_texts())
    else:
        tiny_seq2seq(base, architecture=kind, texts=_texts())
    cfg = Seq2SeqConfig(pretrained=str(base), max_source_length=96 if kind != "bert2bert" else 64, max_target_length=32, max_steps=4, batch_size=4,
                        learning_rate=1e-3, num_beams=1, generation_max_new_tokens=8, device="cpu")
    model = Seq2SeqSummarizer.from_config(cfg, n_sentences=2)
    ex = examples()
    model.fit_examples(ex[:6])
    assert model.architecture == ("causal" if kind == "llama" else "seq2seq")
    assert model.training_info["steps"] == 4
    docs = [e.document() for e in ex[6:]]
    out = model.summarize_sentences(docs, 2)
    assert len(out) == 2 and all(isinstance(s, list) and len(s) <= 2 for s in out)
    model.save(tmp_path / "m")
    assert list((tmp_path / "m" / "hf").glob("*.safetensors"))
    loaded = load_model(tmp_path / "m", task="summarize")
    assert isinstance(loaded, Seq2SeqSummarizer)
    assert loaded.summarize_sentences(docs, 2) == out  # greedy decoding: same output after reload
    assert isinstance(loaded.summarize_article(title=ex[0].title, body=ex[0].body), str)


def test_scratch_t5_with_trained_tokenizer(tmp_path):
    cfg = Seq2SeqConfig(pretrained="", scratch={"model_type": "t5", "d_model": 32, "d_ff": 64, "num_layers": 1, "num_heads": 2, "d_kv": 16},
                        vocab_size=400, max_source_length=64, max_target_length=24, max_steps=2, batch_size=4, num_beams=1,
                        generation_max_new_tokens=6, device="cpu")
    model = Seq2SeqSummarizer.from_config(cfg)
    model.fit_examples(examples())
    assert model.training_info["base_model"] == "scratch"
    assert len(model.generate(["Hà Nội mưa lớn."])) == 1
