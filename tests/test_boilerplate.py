"""Block labeler: features, rules, CRF, save/load, extraction, baselines, train/evaluate entry points."""

from __future__ import annotations

import gzip
import html as _html
import json
from pathlib import Path

import pytest

from bantin.blocks import Page, parse_html, parse_text
from bantin.boilerplate import default_model_dir, extract_article
from bantin.boilerplate.crf import CRFLabeler, repeated_copies
from bantin.boilerplate.data import gold_article
from bantin.boilerplate.evaluation import score_binary, score_labels
from bantin.boilerplate.features import is_section_marker, page_features
from bantin.boilerplate.rules import RulesLabeler
from bantin.errors import BantinInputError, BantinModelError
from bantin.labels import LABELS
from bantin.models import load_model

FIX = Path(__file__).resolve().parent / "fixtures" / "boilerplate"

_HTML_TAG = {
    "title": ("h1", "title"), "lead": ("p", "sapo"), "body": ("p", "content"), "caption": ("figcaption", "caption"),
    "byline": ("p", "author"), "related": ("li", "related-item"), "section_heading": ("h3", "box-title"),
    "nav": ("div", "footer"), "noise": ("span", "img-alt"),
}


def fixture_rows(name: str) -> list[tuple[str, str]]:
    return [tuple(line.split("\t", 1)) for line in (FIX / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def text_page(name: str) -> Page:
    rows = fixture_rows(name)
    page = parse_text("\n".join(line for _, line in rows), page_id=Path(name).stem)
    assert len(page.blocks) == len(rows)
    for b, (label, _) in zip(page.blocks, rows):
        b.label = label
    page.meta["gold_article"] = page.content_text()
    return page


def html_of(name: str) -> str:
    parts = []
    for label, line in fixture_rows(name):
        tag, cls = _HTML_TAG[label]
        text = _html.escape(line.replace("![](anh1.jpg)", "").replace("![](lua.jpg)", "").rstrip(" |")) or "ảnh"
        parts.append(f'<{tag} class="{cls}">{text}</{tag}>')
    return "<html><head><title>t</title></head><body>" + "".join(parts) + "</body></html>"


def html_page(name: str) -> Page:
    rows = fixture_rows(name)
    page = parse_html(html_of(name), page_id=Path(name).stem + "-html")
    assert len(page.blocks) == len(rows)
    for b, (label, _) in zip(page.blocks, rows):
        b.label = label
    page.meta["gold_article"] = page.content_text()
    return page


NAMES = ["site_a_1.tsv", "site_a_2.tsv", "site_b_1.tsv", "site_b_2.tsv"]


@pytest.fixture(scope="module")
def pages() -> list[Page]:
    return [text_page(n) for n in NAMES]


@pytest.fixture(scope="module")
def crf(pages) -> CRFLabeler:
    train = pages[:3] + [html_page(n) for n in NAMES[:3]]
    return CRFLabeler(max_iterations=60, min_freq=1).fit(train)


def test_section_markers():
    assert is_section_marker("Tin khác")
    assert is_section_marker("Có thể bạn quan tâm")
    assert is_section_marker("XEM THÊM >>")
    assert not is_section_marker("Tin khác biệt của mùa thu năm nay được nhiều người chú ý")


def test_page_features_context(pages):
    feats = page_features(pages[2])
    assert len(feats) == len(pages[2].blocks)
    assert feats[0]["is_title_guess"] == 1.0
    heading = [i for i, b in enumerate(pages[2].blocks) if b.label == "section_heading"][0]
    assert feats[heading]["marker"] == 1.0
    assert feats[heading + 1]["marker_before"] == 1.0 and feats[heading + 1]["-1"]["marker"] == 1.0
    assert "marker_before" not in feats[1] or feats[1]["marker_before"] == 0.0
    assert feats[0]["-1"] == {"pad": 1.0}


def test_html_features(pages):
    page = html_page("site_a_1.tsv")
    feats = page_features(page)
    assert feats[1]["tag"] == "h1" and feats[1]["heading"] == "1"
    rel = [i for i, b in enumerate(page.blocks) if b.label == "related"][0]
    assert feats[rel].get("cls_related") == 1.0


def test_rules_baseline(pages):
    rules = RulesLabeler()
    for page in pages:
        pred = rules.predict([page])[0]
        assert len(pred) == len(page.blocks) and set(pred) <= set(LABELS)
        gold = [b.label for b in page.blocks]
        assert pred[[i for i, y in enumerate(gold) if y == "title"][0]] == "title"
        for i, y in enumerate(gold):
            if y in ("section_heading", "related"):
                assert pred[i] in ("section_heading", "related"), (page.id, i)


def test_crf_generalizes_to_unseen_page(crf, pages):
    # page 4 (site b) was never seen in training; site b was seen once
    held_out = pages[3]
    pred = crf.predict([held_out])[0]
    gold = [b.label for b in held_out.blocks]
    m = score_labels([held_out], [pred], [extract_article(crf.label_page(held_out)).text])
    assert m["binary_f1"] >= 0.9
    assert pred[0] == "title" and gold.count("related") <= sum(p in ("related", "section_heading") for p in pred)


def test_crf_probabilities_and_label_page(crf, pages):
    probs = crf.predict_proba([pages[3]])[0]
    assert len(probs) == len(pages[3].blocks)
    for d in probs:
        assert set(d) == set(crf.labels) and abs(sum(d.values()) - 1.0) < 1e-6
    labeled = crf.label_page(pages[3])
    assert labeled is not pages[3] and pages[3].blocks[0].label == "title"  # input untouched
    assert all(0.0 <= b.score <= 1.0 for b in labeled.blocks)


def test_bad_model_dirs(tmp_path):
    with pytest.raises(BantinModelError):
        load_model(tmp_path / "missing", task="boilerplate")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "bantin_model.json").write_text(json.dumps({"task": "boilerplate", "kind": "crf", "config": {}}))
    with pytest.raises(BantinModelError):
        load_model(tmp_path / "broken", task="boilerplate")
    (tmp_path / "broken" / "model.crfsuite").write_bytes(b"not a model")
    with pytest.raises(BantinModelError):
        load_model(tmp_path / "broken", task="boilerplate")
    with pytest.raises(BantinModelError):
        CRFLabeler().predict([])


def test_fit_needs_labels(pages):
    unlabeled = parse_text("Một dòng\nHai dòng")
    with pytest.raises(BantinInputError):
        CRFLabeler().fit([unlabeled])
    with pytest.raises(BantinInputError):
        CRFLabeler().fit([])


def test_extract_article(pages):
    art = extract_article(pages[0])
    assert art.title.startswith("Hà Nội mở rộng")
    assert art.lead.startswith("(VTD)")
    assert len(art.body) == 3 and art.captions == ["Học sinh trồng cây tại sân trường. (Ảnh: Minh Anh)"]
    assert "Minh Anh" in art.byline and "Thứ hai, 12/09/2024 08:15" in art.byline
    # the date line is the article's metadata: in byline and content, not in the article text (nor in its gold)
    assert art.dates == ["Thứ hai, 12/09/2024 08:15"] and "Thứ hai, 12/09/2024 08:15" in art.content
    assert "12/09/2024" not in art.text and "Minh Anh" in art.text.split("\n")
    assert art.text == gold_article(pages[0]) and "12/09/2024" in pages[0].meta["gold_article"]
    assert "Tin liên quan" not in art.text and "Bản quyền" not in art.text
    with pytest.raises(BantinInputError):
        extract_article(parse_text("một\nhai"))


def test_scores_perfect_and_wrong(pages):
    gold = [[b.label for b in p.blocks] for p in pages]
    texts = [extract_article(p).text for p in pages]  # the gold labels' article
    m = score_labels(pages, gold, texts)
    assert m["binary_f1"] == 1.0 and m["macro_f1"] == 1.0 and m["token_f1"] == 1.0
    everything = score_binary(pages, [[True] * len(p.blocks) for p in pages], ["\n".join(p.texts) for p in pages])
    assert everything["binary_recall"] == 1.0 and everything["binary_precision"] < 0.8 and everything["token_precision"] < 0.8


def test_reference_baselines_run(pages):
    pytest.importorskip("justext", exc_type=ImportError)  # jusText raises ImportError when lxml_html_clean is missing
    pytest.importorskip("trafilatura", exc_type=ImportError)
    from bantin.boilerplate.baselines import JusTextBaseline, TrafilaturaBaseline

    page = pages[0]
    for extractor, html in ((JusTextBaseline(), None), (TrafilaturaBaseline(), html_of("site_a_1.tsv"))):
        out = extractor.run(page, html)
        assert len(out.is_content) == len(page.blocks)
        m = score_binary([page], [out.is_content], [out.text])
        assert 0.0 <= m["binary_f1"] <= 1.0 and 0.0 <= m["token_f1"] <= 1.0


def test_embedded_default_model_loads():
    d = default_model_dir()
    if not (d / "bantin_model.json").exists():
        pytest.skip("embedded default model not built yet")
    model = load_model(d, task="boilerplate")
    page = text_page("site_a_1.tsv")
    labeled = model.label_page(page)
    art = extract_article(labeled)
    assert art.title and art.body
    assert sum(f.stat().st_size for f in d.iterdir()) < 8_000_000  # a few MB at most


def _write_dataset(root: Path) -> None:
    """A tiny built dataset in the documented format (both page kinds) from the fixture pages."""
    root.mkdir(parents=True)
    for split, names in (("train", NAMES[:3]), ("val", NAMES[:1]), ("test", NAMES[3:])):
        with gzip.open(root / f"{split}.jsonl.gz", "wt", encoding="utf-8") as fh:
            for name in names:
                rows = fixture_rows(name)
                tp, hp = text_page(name), html_page(name)
                fh.write(json.dumps({
                    "id": f"{split}-{Path(name).stem}", "template": name[:6], "article_id": f"x:{name}", "corpus": "x", "split": split,
                    "text": "\n".join(line for _, line in rows), "labels": [b.label for b in tp.blocks],
                    "html": html_of(name), "html_labels": [b.label for b in hp.blocks], "gold_article": tp.content_text(),
                }, ensure_ascii=False) + "\n")


def test_train_and_evaluate_from_config(tmp_path):
    pytest.importorskip("bantin.data.dataset")
    from bantin.boilerplate.evaluation import evaluate_from_config
    from bantin.boilerplate.training import train_from_config
    from bantin.tracking import load_records

    data = tmp_path / "pages"
    _write_dataset(data)
    out = tmp_path / "model"
    rec = train_from_config(None, [f"data.dataset_dir={data}", f"out_dir={out}", "crf.max_iterations=30", "crf.min_freq=1",
                                   "evaluate_on=[test]"])
    assert rec["kind"] == "train" and (out / "model.crfsuite").exists()
    assert "test_text_binary_f1" in rec["metrics"]
    records = evaluate_from_config(None, [f"dataset_dir={data}", f"models=[{out},rules]", "splits=[test,loto]", "kinds=[text,html]",
                                          "loto.crf.max_iterations=20", "loto.crf.min_freq=1", "loto.baselines=[rules]",
                                          f"out_json={tmp_path}/e.json", f"summary_md={tmp_path}/s.md"])
    test_recs = [r for r in records if r["split"] == "test"]
    loto_recs = [r for r in records if r["split"] == "loto"]
    assert len(test_recs) == 4 and {r["dataset"] for r in test_recs} == {"built-pages:text", "built-pages:html"}
    assert {r["model"] for r in loto_recs} == {"crf (retrained per fold)", "rules"} and len(loto_recs) == 4
    for r in records:
        assert 0.0 <= r["metrics"]["binary_f1"] <= 1.0 and "token_f1" in r["metrics"]
    for r in loto_recs:
        assert set(r["extra"]["folds"]) == {"site_a", "site_b"}
    assert len([r for r in load_records() if r["kind"] == "evaluate"]) == len(records) == 8
    assert "| model |" in (tmp_path / "s.md").read_text()
    assert len(json.loads((tmp_path / "e.json").read_text())) == 8


def test_speed_benchmark_runs_in_process():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_boilerplate", Path(__file__).resolve().parent.parent / "benchmarks" / "bench_boilerplate.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    try:
        res = bench.bench_one("rules", 3, None)
    except Exception as exc:  # no built dataset and no seed pages here
        pytest.skip(f"no pages to benchmark on: {exc}")
    assert res["n_pages"] == 3 and res["pages_per_s"] > 0 and res["peak_rss_mb"] > 0


def test_generic_cue_features():
    page = parse_text("Hà Nội mở rộng đường vành đai ba trong năm nay\nTags: giao thông, Hà Nội\nQuảng cáo\n"
                      "Người dân đi lại thuận tiện hơn nhiều so với năm trước, theo Sở Giao thông vận tải thành phố.\n"
                      "Tin khác\nMột bài báo khác về giao thông\n19:13\nBài báo khác nữa\n08:45")
    feats = page_features(page)
    assert feats[1]["colon_head"] == "tags"
    assert feats[2].get("ad_line") == 1.0 and "ad_line" not in feats[0]
    # digits are folded: two timestamps give the same word features, and they are dated inside a marker section
    assert feats[6]["w0"] == feats[8]["w0"] == "0"
    assert feats[6]["ts_ctx"].endswith("_marker") and feats[6]["ts_ctx"] == feats[8]["ts_ctx"]


def _default_model():
    d = default_model_dir()
    if not (d / "bantin_model.json").exists():
        pytest.skip("embedded default model not built yet")
    return load_model(d, task="boilerplate")


def test_embedded_default_on_samples():
    from bantin.blocks import load_page

    samples = Path(__file__).resolve().parent.parent / "data" / "samples"
    if not samples.exists():
        pytest.skip("data/samples is absent")
    model = _default_model()
    text = extract_article(model.label_page(load_page(samples / "laodongthudo.txt")))
    assert text.title.startswith("Liên đoàn Lao động huyện Mỹ Đức")
    assert text.lead.startswith("(LĐTĐ)") and len(text.body) >= 3
    assert "Phiên bản di động" not in text.text and "Xem thêm" not in text.content
    html = extract_article(model.label_page(load_page(samples / "article.html")))
    assert "12 tuyến xe buýt điện" in html.title
    assert any("giá vé lượt" in p for p in html.body) and not any(p in ("Trang chủ", "Thời sự") for p in html.content)


def test_embedded_default_on_seed_pages():
    # The seed pages are hand-labeled real pages the model never saw: a regression guard well below the
    # figures of `bantin evaluate boilerplate` (see experiments/boilerplate_summary.md).
    from bantin.boilerplate.evaluation import evaluate_model
    from bantin.data.seeds import load_seed_pages

    model = _default_model()
    try:
        seeds = load_seed_pages()
    except Exception as exc:
        pytest.skip(f"no seed pages: {exc}")
    m = evaluate_model(model, seeds).metrics
    assert m["binary_f1"] >= 0.95 and m["token_f1"] >= 0.95  # speed is measured in benchmarks/, never asserted here


def test_justext_alignment_and_trafilatura_on_html(pages):
    pytest.importorskip("justext", exc_type=ImportError)  # jusText raises ImportError when lxml_html_clean is missing
    pytest.importorskip("trafilatura", exc_type=ImportError)
    from bantin.boilerplate.baselines import JusTextBaseline, TrafilaturaBaseline, blocks_as_html

    page = pages[0]
    doc = blocks_as_html(page)
    assert doc.count("<p>") == sum(1 for b in page.blocks if b.text)
    out = JusTextBaseline().run(page)
    # every kept paragraph is mapped back to the block it came from
    assert sum(out.is_content) == len([t for t in out.text.split("\n") if t])
    long_body = max((b for b in page.blocks if b.label == "body"), key=lambda b: len(b.text))
    traf = TrafilaturaBaseline().run(page, html_of("site_a_1.tsv"))
    assert traf.is_content[long_body.index] and long_body.text in traf.text


def test_training_with_extra_dataset_and_calibration(tmp_path):
    """The extra dataset adds its pages; the calibration is fitted on the held-out split, saved and used; a training
    split as calibration split is refused."""
    from bantin.boilerplate.calibration import CALIBRATION_FILE
    from bantin.boilerplate.training import train_from_config

    data, extra = tmp_path / "pages", tmp_path / "classic"
    _write_dataset(data)
    _write_dataset(extra)
    out = tmp_path / "model"
    common = [f"data.dataset_dir={data}", f"out_dir={out}", "crf.max_iterations=20", "crf.min_freq=1", "evaluate_on=[]",
              "data.train_splits=[train]"]
    train_from_config(None, common)
    plain = load_model(out, task="boilerplate")
    assert plain.calibration is None and not (out / CALIBRATION_FILE).exists()
    rec = train_from_config(None, common + [f"data.extra_dataset_dir={extra}", "data.extra_kinds=[text]", "calibration.split=test",
                                            "calibration.kinds=[text,html]"])
    model = load_model(out, task="boilerplate")
    assert model.training_info["n_train"] == plain.training_info["n_train"] + 3  # three extra text pages
    assert model.calibration is not None and (out / CALIBRATION_FILE).exists()
    assert model.training_info["calibration"]["split"] == "test" and 0.0 <= model.calibration.ood_threshold <= 1.0
    labeled = model.label_page(text_page(NAMES[3]))
    assert all(0.0 <= b.score <= 1.0 for b in labeled.blocks)
    assert rec["kind"] == "train"
    with pytest.raises(BantinInputError, match="held-out split"):
        train_from_config(None, common + ["calibration.split=train"])


def test_sparse_features_tag_exactly_like_the_dense_ones(pages):
    # the CRF tags page_features(sparse=True): zero-valued features left out, neighbours as attribute-name lists;
    # crfsuite must see the same non-zero attributes in the same order (labels and marginals bit for bit)
    from bantin.blocks import load_page

    model = _default_model()
    tagger = model._tagger
    samples = Path(__file__).resolve().parent.parent / "data" / "samples"
    todo = [*pages, html_page("site_a_1.tsv"), *(load_page(p) for p in sorted(samples.glob("*")) if p.suffix in (".txt", ".html"))]
    for page in todo:
        dense, sparse = page_features(page), page_features(page, sparse=True)
        assert all(v.__class__ is str or v for f in sparse for v in f.values() if not isinstance(v, (list, dict)))
        assert isinstance(sparse[0]["-1"], list) and sparse[0]["-1"] == ["pad"]
        runs = []
        for items in (dense, sparse):
            tags = tagger.tag(items)
            runs.append((tags, [tagger.marginal(y, i) for i in range(len(items)) for y in model.labels]))
        assert runs[0] == runs[1]
        if not repeated_copies([b.text for b in page.blocks]):  # else the tagger reads the page without its copies
            assert model.predict([page])[0] == CRFLabeler._consistent(model, list(runs[0][0]), page)


def test_caption_cue_gate():
    # _text_features skips the caption regex for a line without any of CAPTION_PARTS: each cue must hold one
    from bantin.boilerplate.features import CAPTION_CUES, CAPTION_PARTS

    assert all(any(part in cue for part in CAPTION_PARTS) for cue in CAPTION_CUES)


def test_container_sums_match_the_running_sums():
    # _container_hints (numpy.add.at over the paths) against the plain per-container running sums
    import copy

    from bantin.blocks.html_parser import _container_hints, _container_hints_deep, _parse_tree, _Walker

    samples = Path(__file__).resolve().parent.parent / "data" / "samples"
    html = [(samples / "article.html").read_text(encoding="utf-8")] if (samples / "article.html").exists() else []
    html += [html_of(n) for n in NAMES]
    html.append("<html><body><div><p>" + "Một câu dài có đủ mười hai âm tiết để làm văn bản chính. " * 3 + "</p><p><a href=x>liên kết</a> và chữ</p></div>"
                "<div><p>" + "Một câu dài có đủ mười hai âm tiết để làm văn bản chính. " * 3 + "</p></div></body></html>")  # a tie
    for h in html:
        page = parse_html(h)
        doc, _ = _parse_tree(h.encode("utf-8"))
        walker = _Walker()
        walker.walk(doc.find("body"))
        walker.flush()
        a, b = walker.blocks, copy.deepcopy(walker.blocks)
        _container_hints(a, walker.paths)
        _container_hints_deep(b, walker.paths)
        assert [x.hints for x in a] == [y.hints for y in b]
        assert {x.hints["main_pos"] for x in a} & {"in"}
        assert len(page.blocks) == len(a)


def test_cached_hints_and_features_are_copies():
    # the per-text caches (bantin.caching) hand out shared values: a page's hints and feature dicts must be its own
    from bantin.blocks.html_parser import clear_caches as clear_parser
    from bantin.boilerplate.features import clear_caches as clear_features

    html = html_of("site_a_1.tsv")
    clear_parser()
    clear_features()
    first = parse_html(html)
    cold = [dict(b.hints) for b in first.blocks], page_features(first)
    for b, f in zip(first.blocks, cold[1]):
        b.hints["n_chars"] = -1
        f["nsyl"] = "x"
    second = parse_html(html)
    assert [b.hints for b in second.blocks] == cold[0]
    again = page_features(second)
    assert again == page_features(parse_html(html)) and all(f["nsyl"] != "x" for f in again)


@pytest.mark.parametrize("line, is_date", [
    ("Thứ Hai, ngày 20/07/2026 - 06:31", True), ("24/03/2019 07:50 GMT+7", True), ("Cập nhật lúc 10:20 ngày 2/5/2024", True),
    ("2026-07-20 06:12", True), ("Hạ Anh | 17/07/2026 01:00", False), ("Minh Anh", False),
    ("Sáng 2/5, đoàn công tác đến thăm khu công nghiệp", False), ("Tỷ số 2-1 lúc 90:00", False), ("", False),
    # relative times are metadata too; a sentence that opens with one is not
    ("2 giờ trước", True), ("Cập nhật 15 phút trước", True), ("3 năm trước, anh ấy rời quê ra phố", False),
])
def test_date_lines_are_told_from_bylines_and_text(line, is_date):
    from bantin.boilerplate.extract import is_date_line

    assert is_date_line(line) is is_date


def test_content_date_lines_become_bylines_and_leave_the_text():
    """A line that is only a date or a relative time is the article's metadata: the labeler's consistency pass gives
    it the byline label when the tagger called it body, and the article's text leaves it out."""
    from bantin.blocks import Block, Page
    from bantin.boilerplate.crf import CRFLabeler
    from bantin.boilerplate.extract import extract_article

    texts = ["Tiêu đề bài báo", "2 giờ trước", "Đoạn văn thứ nhất của bài viết, đủ dài để là một đoạn thân bài.", "Thứ hai, 20/7/2026 06:12"]
    page = Page(id="p", blocks=[Block(index=i, text=t) for i, t in enumerate(texts)])
    crf = CRFLabeler()
    tags = crf._consistent(["title", "body", "body", "lead"], page)
    assert tags == ["title", "byline", "body", "byline"]
    for b, y in zip(page.blocks, tags):
        b.label = y
    art = extract_article(page)
    assert art.text == "Tiêu đề bài báo\nĐoạn văn thứ nhất của bài viết, đủ dài để là một đoạn thân bài."
    assert art.dates == ["2 giờ trước", "Thứ hai, 20/7/2026 06:12"]
