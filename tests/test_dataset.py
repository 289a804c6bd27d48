"""Loading the built page dataset: load_pages, page_records_to_pages, leave_one_template_out."""

import pytest
from conftest import FIXTURES

from bantin.blocks import Page
from bantin.config import load_config
from bantin.data.builder import BuilderConfig, build_dataset
from bantin.data.dataset import iter_records, leave_one_template_out, load_pages, page_records_to_pages
from bantin.errors import BantinDataError, BantinInputError
from bantin.io import write_jsonl

FIX = FIXTURES / "corpora"


@pytest.fixture(scope="module")
def built_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("pages")
    config = load_config(BuilderConfig, None, [
        f"data_dir={FIX}", f"out_dir={out}", "pages.train=15", "pages.val=4", "pages.test=6", "max_articles=100",
        "max_filler=100", "article_fractions.val=0.2", "article_fractions.test=0.3", "min_body_chars=60",
        "generated.train=0", "generated.val=0", "generated.test=0",  # the hand-written templates only
    ])
    build_dataset(config)
    return out


def _record(rid, template, text, labels, article="c:1"):
    return {"id": rid, "template": template, "article_id": article, "corpus": "c", "split": "train", "text": text,
            "labels": labels, "html": "<html><body><h1>T</h1><p>Body.</p></body></html>", "html_labels": ["title", "body"],
            "gold_article": "T\nBody."}


def test_load_pages_text_and_html(built_dir):
    train = load_pages(built_dir, split="train")
    assert len(train) == 15 and all(isinstance(p, Page) for p in train)
    for p in train:
        assert all(b.label is not None for b in p.blocks) and p.source_kind == "text"
        assert p.meta["split"] == "train" and p.meta["template"] and p.meta["article_id"] and p.meta["corpus"]
        assert p.content_text() == p.meta["gold_article"]
    html = load_pages(built_dir, split="test", kind="html")
    assert len(html) == 6 and all(p.source_kind == "html" for p in html)
    assert {p.meta["template"] for p in html} == {"thanhnien", "nld"}
    assert all(p.blocks_with("title") for p in html)
    assert len(load_pages(built_dir)) == 25
    assert len(load_pages(built_dir, split=["val", "test"], limit=3)) == 3
    assert len(load_pages(built_dir / "val.jsonl.gz")) == 4


def test_template_filters(built_dir):
    only = load_pages(built_dir, split="train", templates=["moet"])
    assert only and {p.meta["template"] for p in only} == {"moet"}
    rest = load_pages(built_dir, split="train", exclude_templates=["moet"])
    assert len(only) + len(rest) == 15 and "moet" not in {p.meta["template"] for p in rest}


def test_leave_one_template_out(built_dir):
    folds = list(leave_one_template_out(built_dir))
    assert [t for t, _, _ in folds] == sorted(["laodongthudo", "moet", "vnexpress", "dantri", "tuoitre", "vietnamnet",
                                               "thanhnien", "nld"])
    for template, train, test in folds:
        assert test and all(p.meta["template"] == template for p in test)
        assert train and all(p.meta["template"] != template for p in train)
        assert not {p.meta["article_id"] for p in train} & {p.meta["article_id"] for p in test}
        assert len(train) + len(test) <= 25


def test_leave_one_template_out_drops_shared_articles(tmp_path):
    recs = [_record("a", "x", "T\nBody.", ["title", "body"], "c:1"), _record("b", "y", "T\nBody.", ["title", "body"], "c:1"),
            _record("c", "y", "T\nBody.", ["title", "body"], "c:2")]
    write_jsonl(tmp_path / "train.jsonl.gz", recs)
    folds = {t: (tr, te) for t, tr, te in leave_one_template_out(tmp_path / "train.jsonl.gz")}
    assert [p.id for p in folds["x"][0]] == ["c"]  # "b" shares its article with the held-out "a"
    folds = {t: (tr, te) for t, tr, te in leave_one_template_out(tmp_path / "train.jsonl.gz", disjoint_articles=False)}
    assert [p.id for p in folds["x"][0]] == ["b", "c"]
    write_jsonl(tmp_path / "one.jsonl.gz", recs[:1])
    with pytest.raises(BantinDataError, match="at least 2 templates"):
        list(leave_one_template_out(tmp_path / "one.jsonl.gz"))


def test_page_records_to_pages_and_misaligned_records(caplog):
    good = _record("g", "x", "Tiêu đề\n\nThân bài.\nTin khác", ["title", "body", "section_heading"])
    bad = _record("b", "x", "Một dòng\nHai dòng", ["title"])
    pages = page_records_to_pages([good])
    assert pages[0].labels == ["title", "body", "section_heading"] and pages[0].meta["gold_article"]
    assert page_records_to_pages([good], kind="html")[0].labels == ["title", "body"]
    with pytest.raises(BantinDataError, match="2 text blocks but 1 labels"):
        page_records_to_pages([good, bad])
    with caplog.at_level("WARNING"):
        assert len(page_records_to_pages([good, bad], errors="report")) == 1
    assert "skipped page" in caplog.text
    with pytest.raises(BantinDataError, match="unknown label"):
        page_records_to_pages([_record("u", "x", "A", ["headline"])])
    with pytest.raises(BantinInputError, match="unknown page kind"):
        page_records_to_pages([good], kind="pdf")


def test_missing_dataset_and_malformed_lines(tmp_path, caplog):
    with pytest.raises(BantinDataError, match="bantin data build"):
        load_pages(tmp_path / "nowhere")
    with pytest.raises(BantinDataError, match="missing split"):
        load_pages(tmp_path, split="train")
    with pytest.raises(BantinDataError, match="unknown split"):
        load_pages(tmp_path, split="dev")
    path = tmp_path / "train.jsonl"
    write_jsonl(path, [_record("g", "x", "A\nB", ["title", "body"])])
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    with caplog.at_level("WARNING"):
        assert len(list(iter_records(path))) == 1
    assert "malformed" in caplog.text
