"""The hand-labeled seed pages: coverage and alignment of the annotations, the loader, the samples."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bantin.blocks import load_page, parse_text
from bantin.data.seeds import load_seed_pages, read_annotations, seed_label_counts, seed_template_counts
from bantin.errors import BantinDataError
from bantin.labels import BOILERPLATE_LABELS, CONTENT_LABELS, LABELS

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "data" / "seeds"
PAGES = SEEDS / "pages"
ANNOTATIONS = SEEDS / "annotations.jsonl"
SAMPLES = REPO / "data" / "samples"

BOILERPLATE_HEADINGS = {"Có thể bạn quan tâm", "Nên xem", "Tin khác", "Xem thêm", "Tin liên quan"}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return read_annotations(ANNOTATIONS)


@pytest.fixture(scope="module")
def pages():
    return load_seed_pages(PAGES, ANNOTATIONS)


def test_every_seed_page_is_annotated(records):
    files = sorted(p.name for p in PAGES.glob("*.txt"))
    assert len(files) == 5
    assert sorted(r["file"] for r in records) == files


def test_annotations_cover_every_block(records):
    for rec in records:
        page = parse_text((PAGES / rec["file"]).read_text(encoding="utf-8"))
        assert len(rec["blocks"]) == len(page.blocks), rec["id"]
        for block, ann in zip(page.blocks, rec["blocks"]):
            assert ann["index"] == block.index
            assert ann["text"] == block.text
            assert ann["label"] in LABELS


def test_one_headline_and_some_body_per_page(pages):
    for page in pages:
        title_idx = [b.index for b in page.blocks if b.label == "title"]
        # Exactly one headline; a kicker + headline split over two lines is one headline on consecutive lines.
        assert title_idx and title_idx[0] <= 1, page.id
        assert title_idx == list(range(title_idx[0], title_idx[0] + len(title_idx))), page.id
        assert len(title_idx) <= 2, page.id
        assert len(page.blocks_with("body")) >= 1, page.id
    assert sum(len(p.blocks_with("title")) == 1 for p in pages) == 4  # only 004 has a kicker line


def test_boilerplate_headings_are_section_headings(pages):
    seen = 0
    for page in pages:
        for block in page.blocks:
            if block.text in BOILERPLATE_HEADINGS:
                assert block.label == "section_heading", (page.id, block.index, block.text)
                seen += 1
    assert seen >= 10


def test_other_articles_timestamps_and_mobile_link_are_boilerplate(pages):
    for page in pages:
        for block in page.blocks:
            if block.hints.get("starts_with_category_date"):
                assert block.label == "related", (page.id, block.text)
            if block.text == "Phiên bản di động":
                assert block.label == "nav"
            if block.raw.strip() == "![]() |":
                assert block.label == "noise"


def test_gold_article_is_the_content(pages):
    for page in pages:
        gold = page.meta["gold_article"]
        assert gold, page.id
        assert page.blocks_with("title")[0].text in gold
        assert "Tin khác" not in gold.split("\n") and "Nên xem" not in gold.split("\n")
        lines = gold.split("\n")
        assert lines == [b.text for b in page.blocks if b.label in CONTENT_LABELS and b.text]


def test_content_and_boilerplate_both_present_on_news_layouts(pages):
    for page in pages:
        assert page.meta["template"] in {"laodongthudo_dated", "laodongthudo_teaser", "ministry"}
        labels = set(page.labels)
        if page.meta["template"].startswith("laodongthudo"):
            assert labels & set(BOILERPLATE_LABELS)
            assert len(page.blocks_with("related")) > len(page.blocks_with("body"))


def test_label_counts_add_up(pages):
    counts = seed_label_counts(pages)
    assert sum(counts["all"].values()) == sum(len(p) for p in pages)
    for page in pages:
        assert sum(counts[page.id].values()) == len(page)
    assert seed_template_counts(pages) == {"laodongthudo_dated": 2, "ministry": 1, "laodongthudo_teaser": 2}


def test_misaligned_annotation_is_reported(tmp_path, records):
    rec = json.loads(json.dumps(records[0]))
    rec["blocks"][2]["text"] = "something else"
    bad = tmp_path / "annotations.jsonl"
    bad.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(BantinDataError, match="text differs"):
        load_seed_pages(PAGES, bad)

    rec["blocks"] = rec["blocks"][:-1]
    bad.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(BantinDataError, match="blocks but parse_text gives"):
        load_seed_pages(PAGES, bad)


def test_bad_label_and_missing_page_are_reported(tmp_path, records):
    rec = json.loads(json.dumps(records[0]))
    rec["blocks"][0]["label"] = "headline"
    bad = tmp_path / "annotations.jsonl"
    bad.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(BantinDataError, match="label 'headline'"):
        load_seed_pages(PAGES, bad)
    with pytest.raises(BantinDataError, match="not found"):
        load_seed_pages(tmp_path, ANNOTATIONS)


def test_loader_reads_another_pages_folder(tmp_path):
    for p in PAGES.glob("*.txt"):
        shutil.copy(p, tmp_path / p.name)
    pages = load_seed_pages(tmp_path, ANNOTATIONS)
    assert [p.id for p in pages] == [r["id"] for r in read_annotations(ANNOTATIONS)]


def test_text_sample_is_a_seed_page():
    page = load_page(SAMPLES / "laodongthudo.txt")
    assert page.source_kind == "text"
    assert page.blocks[1].text.startswith("(LĐTĐ)")
    assert page.blocks[-1].text == "Phiên bản di động"


def test_html_sample_parses_into_article_and_boilerplate():
    page = load_page(SAMPLES / "article.html")
    assert page.source_kind == "html"
    h1 = [b for b in page.blocks if b.hints["heading"] == 1]
    assert len(h1) == 1 and h1[0].text == page.meta["og:title"]
    assert any(b.hints["is_caption"] for b in page.blocks)
    assert any("nav" in b.hints["landmarks"] for b in page.blocks)
    assert any("footer" in b.hints["landmarks"] for b in page.blocks)
    assert any(b.text == "Tin liên quan" for b in page.blocks)
    assert sum(b.hints["tag"] == "p" and "article" in b.hints["landmarks"] for b in page.blocks) >= 5


def test_annotation_file_matches_the_recorded_decisions():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, str(SEEDS / "annotate.py"), "--check"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
