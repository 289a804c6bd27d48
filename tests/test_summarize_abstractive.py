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

CONFIGS = FIXTURES.parent.parent / "configs"


def examples():
    rows = [json.loads(line) for line in (FIXTURES / "summarize" / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    return [SummaryExample(r["id"], r["title"], r["body"], r["reference"]) for r in rows]


def _texts():
    ex = examples()
    return [e.title for e in ex] + [e.body for e in ex] + [e.reference for e in ex]


@pytest.mark.parametrize("kind", ["t5", "bart", "llama", "bert2bert"])
def test_tiny_model_trains_generates_and_reloads(tmp_path, kind):
    from bantin.testing import tiny_causal_lm, tiny_encoder, tiny_seq2seq

    base = tmp_path / "base"
    if kind == "bert2bert":  # an encoder warm-starts both sides of an EncoderDecoderModel (the offline e5 path)
        tiny_encoder(base, architecture="bert", texts=_texts())
    elif kind == "llama":
        tiny_causal_lm(base, architecture="llama", max_positions=512, texts=_texts())
    else:
        tiny_seq2seq(base, architecture=kind, texts=_texts())
    cfg = Seq2SeqConfig(model_name_or_path=str(base), max_source_length=96 if kind != "bert2bert" else 64, max_target_length=32, max_steps=4,
                        per_device_train_batch_size=4, learning_rate=1e-3, num_beams=1, generation_max_new_tokens=8, device="cpu")
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
    cfg = Seq2SeqConfig(model_name_or_path="", scratch={"model_type": "t5", "d_model": 32, "d_ff": 64, "num_layers": 1, "num_heads": 2, "d_kv": 16},
                        vocab_size=400, max_source_length=64, max_target_length=24, max_steps=2, per_device_train_batch_size=4, num_beams=1,
                        generation_max_new_tokens=6, device="cpu")
    model = Seq2SeqSummarizer.from_config(cfg)
    model.fit_examples(examples())
    assert model.training_info["base_model"] == "scratch"
    assert len(model.generate(["Hà Nội mưa lớn."])) == 1


def test_train_from_config_seq2seq_records_train_and_test(tmp_path):
    """`bantin train summarize` on the abstractive path, end to end on the tiny fixture corpus: a tiny encoder
    warm-starts an encoder-decoder (vocabulary pruned), trains 2 steps, then writes a train record (val ROUGE)
    and an evaluate record on the test split (syllable and ASCII ROUGE)."""
    from bantin.testing import tiny_encoder
    from bantin.summarize.training import train_from_config
    from bantin.tracking import load_records

    base = tiny_encoder(tmp_path / "base", architecture="bert", texts=_texts())
    out = tmp_path / "model"
    rec = train_from_config(CONFIGS / "summarize-abstractive.yaml", [
        f"seq2seq.model_name_or_path={base}", f"data.data_dir={FIXTURES / 'corpora'}", f"out_dir={out}", "data.max_train_articles=8",
        "data.max_val_articles=3", "data.max_test_articles=4", "seq2seq.max_steps=2", "seq2seq.per_device_train_batch_size=4", "seq2seq.max_source_length=64",
        "seq2seq.max_target_length=16", "seq2seq.num_beams=1", "seq2seq.generation_max_new_tokens=8", "seq2seq.device=cpu",
        "seq2seq.precision=fp32",
    ], tracking="jsonl")
    assert rec["kind"] == "train" and rec["metrics"]["val/n_articles"] == 3
    test = rec["test_record"]
    assert test["kind"] == "evaluate" and test["split"] == "test[:4]" and test["metrics"]["n_articles"] == 4
    for key in ("rouge1_f", "rouge2_f", "rougeL_f", "rouge1_f_ascii", "articles_per_s", "summary_syllables"):
        assert key in test["metrics"]
    assert [r["kind"] for r in load_records()] == ["train", "evaluate"]
    model = load_model(out, task="summarize")
    assert model.training_info["steps"] == 2
    assert model.tokenizer_ is not None and len(model.tokenizer_) == model.training_info["vocab_size"]


def test_abstractive_config_exposes_gpu_knobs():
    from bantin.config import load_config
    from bantin.summarize.config import TrainConfig

    cfg = load_config(TrainConfig, CONFIGS / "summarize-abstractive.yaml", ["seq2seq.max_minutes=1", "data.max_test_articles=10"])
    assert cfg.model == "seq2seq" and cfg.seq2seq.model_name_or_path == "e5-small"
    assert cfg.seq2seq.max_minutes == 1 and cfg.data.max_test_articles == 10
    assert cfg.seq2seq.max_source_length > 0 and cfg.data.max_val_articles > 0
