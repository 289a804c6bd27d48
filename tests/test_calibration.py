"""Calibrated block scores, the out-of-distribution warning, and the HTML container hints."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bantin.blocks import parse_html
from bantin.boilerplate.calibration import CALIBRATION_FILE, Calibration, expected_calibration_error, page_confidence
from bantin.boilerplate.realpages import block_gold
from bantin.errors import BantinModelError


def _overconfident(n_pages=40, seed=0):
    """Raw probabilities that are too sure: blocks said 0.95 content are content only 70% of the time."""
    rng = np.random.default_rng(seed)
    pages_p, pages_t = [], []
    for _ in range(n_pages):
        p = rng.choice([0.05, 0.95], size=20)
        t = np.where(p > 0.5, rng.random(20) < 0.7, rng.random(20) < 0.3)
        pages_p.append(p.tolist())
        pages_t.append(t.tolist())
    return pages_p, pages_t


def test_ece_of_a_perfectly_calibrated_and_an_overconfident_predictor():
    assert expected_calibration_error([0.0, 1.0, 1.0], [0, 1, 1])[0] == pytest.approx(0.0)
    ece, bins = expected_calibration_error([0.9] * 10, [1] * 5 + [0] * 5)
    assert ece == pytest.approx(0.4) and bins == [{"bin": 9, "mean_predicted": 0.9, "observed": 0.5, "count": 10}]


def test_isotonic_calibration_lowers_the_error_and_roundtrips(tmp_path):
    p, t = _overconfident()
    cal = Calibration.fit(p, t)
    flat_p = [v for page in p for v in page]
    flat_t = [v for page in t for v in page]
    before = expected_calibration_error(flat_p, flat_t)[0]
    after = expected_calibration_error(cal(flat_p), flat_t)[0]
    assert before > 0.2 and after < 0.05
    assert cal.info["ece_after"] < cal.info["ece_before"]
    assert cal(0.95) == pytest.approx(np.mean([tt for pp, tt in zip(flat_p, flat_t) if pp > 0.5]), abs=1e-9)
    cal.save(tmp_path)
    again = Calibration.load(tmp_path)
    assert again.x == cal.x and again.y == cal.y and again.ood_threshold == cal.ood_threshold
    assert Calibration.load(tmp_path / "nowhere") is None


def test_calibration_needs_both_classes():
    with pytest.raises(BantinModelError, match="both classes"):
        Calibration.fit([[0.9] * 20], [[True] * 20])


@pytest.mark.parametrize("content", [
    "[]", "not json", '{"x": [0, 1]}', '{"x": [0, 1], "y": [0]}', '{"x": [1, 0], "y": [0, 1]}', '{"x": [0, 2], "y": [0, 1]}',
    '{"x": [0, "a"], "y": [0, 1]}', '{"x": [0, 1], "y": [0, 1], "ood_threshold": "high"}', '{"x": [0, 1], "y": [0, 1], "code": 1}',
    '{"x": [0, NaN], "y": [0, 1]}',
])
def test_malformed_calibration_files_are_model_errors(tmp_path, content):
    (tmp_path / CALIBRATION_FILE).write_text(content, encoding="utf-8")
    with pytest.raises(BantinModelError):
        Calibration.load(tmp_path)


def test_ood_warning_only_below_the_threshold():
    cal = Calibration(x=[0.0, 1.0], y=[0.0, 1.0], ood_threshold=0.8)
    assert cal.warning([0.99, 0.01, 0.97]) is None
    msg = cal.warning([0.5, 0.6, 0.4])
    assert msg and "unlike the pages" in msg
    assert page_confidence([]) == 1.0 and cal.warning([]) is None


def test_calibrated_labeler_scores_and_warns_in_the_pipeline(tmp_path):
    from bantin import Pipeline
    from bantin.boilerplate import default_model_dir
    from bantin.models import load_model

    model = load_model(default_model_dir(), task="boilerplate")
    # a calibration that halves every confidence and flags every page
    model.calibration = Calibration(x=[0.0, 1.0], y=[0.25, 0.75], ood_threshold=1.0)
    model.save(tmp_path / "bp")
    assert json.loads((tmp_path / "bp" / CALIBRATION_FILE).read_text())["ood_threshold"] == 1.0
    reloaded = load_model(tmp_path / "bp", task="boilerplate")
    assert reloaded.calibration is not None
    page = "Tiêu đề bài báo về công nhân\nCông nhân khu công nghiệp được hỗ trợ tiền thuê nhà trong ba tháng tới, theo quyết định mới.\nTin khác"
    labeled = reloaded.label_page(__import__("bantin.blocks", fromlist=["parse_page"]).parse_page(page))
    assert all(0.25 <= b.score <= 0.75 for b in labeled.blocks)
    assert labeled.meta["warnings"] and "unlike the pages" in labeled.meta["warnings"][0]
    result = Pipeline.load(boilerplate=tmp_path / "bp", stages=["clean"])(page)
    assert any("unlike the pages" in w for w in result.warnings)
    # saving a model without calibration removes a stale file
    reloaded.calibration = None
    reloaded.save(tmp_path / "bp")
    assert not (tmp_path / "bp" / CALIBRATION_FILE).exists()


def test_block_gold_matches_runs_of_gold_text_and_whole_short_lines():
    gold = "Tiêu đề ngắn\nMột đoạn văn dài của bài báo về công nhân và công đoàn.\nẢnh: T.L"
    blocks = ["Một đoạn văn dài của bài báo", "bài báo về", "Tiêu đề ngắn", "Tin khác", "Ảnh: T.L", ""]
    assert block_gold(blocks, gold) == [True, False, True, False, True, False]


def test_container_hints_find_the_main_text_and_boxes():
    para = "Công nhân khu công nghiệp được hỗ trợ tiền thuê nhà trong ba tháng tới theo quyết định mới của thành phố."
    menu = "".join(f'<li><a href="/{i}">Mục {i}</a></li>' for i in range(12))
    html = (f'<html><body><ul id="menu">{menu}</ul><div id="article"><h1>Tiêu đề</h1><p>{para}</p><p>{para}</p></div>'
            f'<div id="related"><h3>Tin khác</h3><ul><li><a href="/x">Một tin khác rất dài về chuyện khác nữa của thành phố hôm nay</a></li>'
            '</ul></div><div id="footer">Bản quyền</div></body></html>')
    page = parse_html(html)
    pos = {b.text[:12]: b.hints["main_pos"] for b in page.blocks}
    assert pos["Mục 0"] == "before" and pos["Tiêu đề"] == "in" and pos[para[:12]] == "in"
    assert pos["Tin khác"] == "after" and pos["Bản quyền"] == "after"
    menu_block = page.blocks[0]
    assert menu_block.hints["box_link"] == 1.0 and menu_block.hints["box_n"] == 12 and menu_block.hints["box_long"] == 0.0
    para_block = next(b for b in page.blocks if b.text == para)
    assert para_block.hints["box_long"] > 0.8


def test_a_calibration_file_outside_the_model_directory_is_refused(tmp_path):
    outside = tmp_path / "outside.json"
    outside.write_text('{"x": [0, 1], "y": [0, 1]}', encoding="utf-8")
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / CALIBRATION_FILE).symlink_to(outside)
    with pytest.raises(BantinModelError, match="outside the model directory"):
        Calibration.load(tmp_path / "model")
