"""Corpus loaders: tiny invented fixtures (tests/fixtures/corpora) plus data-marked checks on ../shared/data."""

import gzip
import json
import unicodedata

import pytest
from conftest import FIXTURES, needs_data, shared_data_dir

from bantin.data.corpora import CORPORA, CorpusRecord, LoadStats, corpora_info, detokenize, iter_corpus
from bantin.errors import BantinDataError

FIX = FIXTURES / "corpora"


def test_every_corpus_loads_as_typed_nfc_records():
    for name in CORPORA:
        records = list(iter_corpus(name, data_dir=FIX))
        assert records, name
        for r in records:
            assert isinstance(r, CorpusRecord) and r.corpus == name and r.title
            assert r.uid == f"{name}:{r.id}"
            for text in (r.title, r.lead, r.body):
                assert unicodedata.is_normalized("NFC", text)


def test_fields_per_corpus():
    bm = next(iter_corpus("baomoi_articles_2017", data_dir=FIX))
    assert bm.lead and bm.body and bm.label is None
    topics = next(iter_corpus("baomoi_topics_2018", data_dir=FIX))
    assert topics.label and topics.lead and topics.body == ""
    vntc = list(iter_corpus("vntc10", data_dir=FIX))
    assert {r.split for r in vntc} == {"train", "test"} and all(r.label for r in vntc)
    # VNTC's first line "title (NLĐ) - lead" is split into title and lead
    tagged = [r for r in vntc if r.lead]
    assert tagged and all("(NLĐ)" not in r.title for r in tagged)
    raw = list(iter_corpus("vntc10", data_dir=FIX, raw=True))
    assert any("(NLĐ) -" in r.title for r in raw)


def test_vietnews_is_detokenized_unless_raw():
    rec = next(iter_corpus("vietnews", data_dir=FIX))
    assert " ," not in rec.lead and " ." not in rec.body and "( " not in rec.body
    raw = next(iter_corpus("vietnews", data_dir=FIX, raw=True))
    assert " ," in raw.lead or " ." in raw.lead
    assert detokenize("TAND TP. Đà Nẵng ( SN 1994 ) , “ nổ ” là") == "TAND TP. Đà Nẵng (SN 1994), “nổ” là"


def test_split_limit_and_sampling():
    val = list(iter_corpus("vietnews", split="val", data_dir=FIX))
    assert len(val) == 6 and all(r.split == "val" for r in val)
    assert len(list(iter_corpus("baomoi_articles_2017", data_dir=FIX, limit=5))) == 5
    every3 = list(iter_corpus("baomoi_articles_2017", data_dir=FIX, every=3))
    all_ids = [r.id for r in iter_corpus("baomoi_articles_2017", data_dir=FIX)]
    assert [r.id for r in every3] == all_ids[::3]
    with pytest.raises(BantinDataError, match="no split"):
        list(iter_corpus("vietnews", split="dev", data_dir=FIX))
    with pytest.raises(BantinDataError, match="has no splits"):
        list(iter_corpus("baomoi_articles_2017", split="train", data_dir=FIX))


def test_malformed_lines_are_counted_and_logged_not_dropped_silently(caplog):
    stats = LoadStats()
    with caplog.at_level("WARNING"):
        records = list(iter_corpus("baomoi_topics_2018", data_dir=FIX, stats=stats))
    assert len(records) == 60 and stats.read == 60
    assert stats.malformed == 1 and stats.errors[0]["line"] == 61
    assert "malformed" in caplog.text
    with pytest.raises(BantinDataError, match="malformed"):
        list(iter_corpus("baomoi_topics_2018", data_dir=FIX, errors="raise"))
    # the sampled reader reports the same way
    stats = LoadStats()
    list(iter_corpus("baomoi_topics_2018", data_dir=FIX, every=2, stats=stats))  # line 61 is kept by every=2
    assert stats.malformed == 1


def test_missing_fields_and_nfd_input(tmp_path):
    rows = [
        {"id": "1", "title": unicodedata.normalize("NFD", "Hà Nội mùa thu"), "sapo": "Sapo", "body": "Thân bài."},
        {"id": "2", "title": 42, "body": "x"},  # wrong type: reported
    ]
    with gzip.open(tmp_path / "baomoi_articles_2017.jsonl.gz", "wt", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    stats = LoadStats()
    recs = list(iter_corpus("baomoi_articles_2017", data_dir=tmp_path, stats=stats))
    assert [r.title for r in recs] == ["Hà Nội mùa thu"] and unicodedata.is_normalized("NFC", recs[0].title)
    assert stats.malformed == 1 and "missing" in stats.errors[0]["error"]


def test_missing_folder_file_or_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(BantinDataError, match="not found"):
        list(iter_corpus("vntc10", data_dir=tmp_path / "nowhere"))
    with pytest.raises(BantinDataError, match="vntc10.jsonl.gz is missing"):
        list(iter_corpus("vntc10", data_dir=tmp_path))
    with pytest.raises(BantinDataError, match="unknown corpus"):
        list(iter_corpus("wikipedia", data_dir=FIX))
    with pytest.raises(BantinDataError, match="not found"):
        corpora_info(tmp_path / "nowhere")


def test_corpora_info_counts_lines(tmp_path):
    info = {row["name"]: row for row in corpora_info(FIX)}
    assert set(info) == set(CORPORA)
    assert info["baomoi_articles_2017"]["rows"] == 40
    assert info["baomoi_topics_2018"]["rows"] == 61  # 60 records + the malformed line
    assert info["vietnews"]["size"] == (FIX / "vietnews.jsonl.gz").stat().st_size
    assert list(info["vntc10"]) == ["name", "path", "rows", "size"]
    (tmp_path / "vntc10.jsonl.gz").write_bytes((FIX / "vntc10.jsonl.gz").read_bytes())
    partial = {row["name"]: row for row in corpora_info(tmp_path)}
    assert partial["vntc10"]["rows"] == 30 and partial["vietnews"]["rows"] is None


def test_cli_data_info(tmp_path):
    from typer.testing import CliRunner

    from bantin.cli import app

    result = CliRunner().invoke(app, ["data", "info", "--data-dir", str(FIX)])
    assert result.exit_code == 0, result.output
    assert "baomoi_articles_2017" in result.output and "\t40\t" in result.output
    result = CliRunner().invoke(app, ["data", "info", "--data-dir", str(tmp_path / "nowhere")])
    assert result.exit_code != 0 and "not found" in result.output


@pytest.mark.data
@needs_data
def test_real_corpora_load():
    for name in CORPORA:
        stats = LoadStats()
        recs = list(iter_corpus(name, limit=30, every=101, stats=stats))
        assert len(recs) == 30 and stats.malformed == 0, name
        assert all(r.title for r in recs)
        if name != "baomoi_topics_2018":
            assert sum(len(r.body) > 100 for r in recs) > 20, name
    assert {r.split for r in iter_corpus("vietnews", split="val", limit=5)} == {"val"}


@pytest.mark.data
@pytest.mark.slow
@needs_data
def test_real_corpora_info_matches_readme():
    rows = {r["name"]: r["rows"] for r in corpora_info(shared_data_dir())}
    assert rows == {"vntc10": 84132, "vietnews": 49000, "baomoi_articles_2017": 34870, "baomoi_topics_2018": 126659}
