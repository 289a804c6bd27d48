"""The real-pages evaluation: forms rendered with the real converters, systems scored per page, site and form."""

from __future__ import annotations

import json

import pytest

from bantin.boilerplate.realpages import (
    RealPage,
    evaluate_realpages,
    load_realpages,
    model_system,
    realpages_dir,
    realpages_table,
    reference_system,
)
from bantin.boilerplate.rules import RulesLabeler
from bantin.data.forms import FORMS, lines_as_html, render_form
from bantin.errors import BantinDataError, BantinInputError

BODY = ("Chiều 1/5, đoàn công tác của Liên đoàn Lao động thành phố đã đến thăm và tặng quà các gia đình công nhân "
        "có hoàn cảnh khó khăn tại khu công nghiệp, động viên họ vượt qua khó khăn và yên tâm làm việc lâu dài.")
MENU = "".join(f'<li><a href="/muc-{i}.html">Chuyên mục {i}</a></li>' for i in range(30))
HTML = f"""<html><head><title>Công đoàn thăm công nhân</title></head><body>
<ul class="menu">{MENU}</ul>
<div class="article"><h1>Công đoàn thăm công nhân khu công nghiệp</h1>
<p>{BODY}</p><p>{BODY.replace('Chiều 1/5', 'Sáng 2/5')}</p></div>
<div class="tin-lien-quan"><h3>Tin khác</h3><ul>
<li><a href="/a.html">Giá vàng hôm nay tăng mạnh sau kỳ nghỉ lễ</a></li>
<li><a href="/b.html">Hà Nội mưa lớn nhiều tuyến phố ngập sâu</a></li></ul></div>
<div class="footer">Bản quyền thuộc về báo điện tử. Giấy phép số 123/GP-BTTTT</div>
<script>var x = "không phải nội dung";</script></body></html>"""
GOLD = "Công đoàn thăm công nhân khu công nghiệp\n" + BODY + "\n" + BODY.replace("Chiều 1/5", "Sáng 2/5")


def _page(i: int = 0) -> RealPage:
    txt = render_form(HTML, "txt")
    return RealPage(id=f"site{i % 2}__p{i}", site=f"site{i % 2}", html=HTML, txt=txt, gold=GOLD)


@pytest.mark.parametrize("form", FORMS)
def test_every_form_renders_visible_text_without_scripts(form):
    out = render_form(HTML, form)
    assert "Giá vàng hôm nay" in out.replace("\n", " ").replace("  ", " ") or form == "html"
    if form != "html":
        assert "không phải nội dung" not in out
        assert "Chiều 1/5" in out


def test_markdown_forms_keep_links_and_wrap():
    md = render_form(HTML, "markdown")
    assert "](/muc-1.html)" in md
    wrapped = render_form(HTML, "markdown78")
    assert max(len(line) for line in wrapped.splitlines()) <= 80 < max(len(line) for line in md.splitlines())


def test_unknown_form_is_a_clear_error():
    with pytest.raises(BantinInputError, match="unknown form"):
        render_form(HTML, "pdf")
    with pytest.raises(BantinInputError, match="unknown form"):
        evaluate_realpages({}, ["pdf"], pages=[_page()])


def test_lines_as_html_escapes_each_line():
    doc = lines_as_html("a <b>\n\n c & d ")
    assert "<p>a &lt;b&gt;</p>" in doc and "<p>c &amp; d</p>" in doc


def test_evaluate_scores_systems_per_form_site_and_page():
    pages = [_page(i) for i in range(4)]
    res = evaluate_realpages({"rules": model_system(RulesLabeler())}, ["html", "txt", "markdown"], pages=pages)
    assert set(res) == {"html", "txt", "markdown"}
    for form, by_system in res.items():
        assert set(by_system) == {"uncleaned", "rules"}
        unc = by_system["uncleaned"]
        # the uncleaned input holds the whole article (recall 1) plus the chrome (precision < 1)
        assert unc["token_recall"] == pytest.approx(1.0)
        assert unc["token_precision"] < 0.9
        rules = by_system["rules"]
        assert rules["n_pages"] == 4 and set(rules["per_site"]) == {"site0", "site1"}
        assert len(rules["worst"]) == 4 and 0.0 <= rules["share_below_uncleaned"] <= 1.0
    # identical pages: identical per-page scores
    f1s = {round(s["f1"], 9) for s in res["html"]["rules"]["per_page"].values()}
    assert len(f1s) == 1
    table = realpages_table(res)
    assert "| html |" in table and "rules: per site" in table


def test_a_failing_page_is_scored_zero_and_listed():
    from bantin.errors import BantinError

    def boom(text, form):
        raise BantinError("bad page")

    res = evaluate_realpages({"boom": boom}, ["txt"], pages=[_page()])
    assert res["txt"]["boom"]["token_f1"] == 0.0 and res["txt"]["boom"]["n_errors"] == 1
    assert res["txt"]["boom"]["share_below_uncleaned"] == 1.0


def test_missing_folder_is_a_data_error(tmp_path):
    with pytest.raises(BantinDataError, match="no real pages"):
        load_realpages(tmp_path)


def test_loader_reads_gold_html_and_txt(tmp_path):
    (tmp_path / "html").mkdir()
    (tmp_path / "txt").mkdir()
    (tmp_path / "html" / "s__x.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "txt" / "s__x.txt").write_text("t\nb", encoding="utf-8")
    (tmp_path / "gold.jsonl").write_text(json.dumps({"id": "s__x", "site": "s", "gold": GOLD}) + "\n\n", encoding="utf-8")
    [p] = load_realpages(tmp_path)
    assert p.site == "s" and p.txt == "t\nb" and p.html == HTML


@pytest.mark.parametrize("name", ["trafilatura", "justext"])
def test_reference_extractors_run_on_html_and_text(name):
    pytest.importorskip(name)
    run = reference_system(name)
    for form in ("html", "txt"):
        text = HTML if form == "html" else render_form(HTML, "txt")
        out = run(text, form)
        assert isinstance(out, str)


@pytest.mark.data
def test_shared_realpages_load():
    root = realpages_dir()
    if not (root / "gold.jsonl").exists():
        pytest.skip("../shared/realpages is absent")
    pages = load_realpages()
    assert len(pages) >= 20 and all(p.gold and p.html and p.txt for p in pages)


def test_evaluation_on_another_page_folder_names_its_records(tmp_path):
    """The real-page validation set (data/realval) is scored by the same split, from its own folder; its
    records and report name that folder, so that they are never mistaken for the test set's."""
    from bantin.boilerplate.evaluation import evaluate_from_config

    root = tmp_path / "myval"
    (root / "html").mkdir(parents=True)
    (root / "txt").mkdir()
    (root / "html" / "s__x.html").write_text(HTML, encoding="utf-8")
    (root / "txt" / "s__x.txt").write_text(render_form(HTML, "txt"), encoding="utf-8")
    (root / "gold.jsonl").write_text(json.dumps({"id": "s__x", "site": "s", "gold": GOLD}) + "\n", encoding="utf-8")
    records = evaluate_from_config(None, ["models=[rules]", "splits=[realpages]", f"realpages_dir={root}", "realpages_forms=[html,txt]",
                                          f"out_json={tmp_path}/e.json", f"summary_md={tmp_path}/s.md", f"realpages_md={tmp_path}/r.md"])
    assert {r["dataset"] for r in records} == {"myval"} and {r["split"] for r in records} == {"html", "txt"}
    assert {r["model"] for r in records} == {"uncleaned", "rules"}
    assert f"(`{root}`)" in (tmp_path / "r.md").read_text(encoding="utf-8")


def test_committed_realval_gold_is_what_its_annotations_select():
    """data/realval: every page's gold is what its CSS selectors take from its HTML (experiments/realval_build.py),
    and the set shares no page, URL or source repository with the test set."""
    pytest.importorskip("bs4")
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("realval_build", root / "experiments" / "realval_build.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    val = root / "data" / "realval"
    ann = [json.loads(x) for x in (val / "annotations.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    pages = {p.id: p for p in load_realpages(val)}
    assert len(ann) >= 10 and set(pages) == {a["id"] for a in ann} and len(pages) == len(ann)
    for a in ann:
        p = pages[a["id"]]
        assert p.gold.splitlines() == mod.gold_lines(p.html, a["parts"], a.get("drop", [])), a["id"]
        assert p.txt == render_form(p.html, "txt")
    test_repos = {"dungvn3000/myfeed", "truongleeuet/demomobiles", "advancedlogic/GoOse", "napoleon789/duhoc"}
    assert not {a["repo"] for a in ann} & test_repos
    shared = realpages_dir()
    if (shared / "gold.jsonl").exists():
        test = [json.loads(x) for x in (shared / "gold.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
        assert not {t["id"] for t in test} & set(pages) and not {t.get("url") for t in test} & {a["url"] for a in ann}
