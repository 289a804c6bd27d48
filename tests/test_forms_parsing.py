"""Every input form: kind detection, Markdown blocks and hints, reflow of hard-wrapped text, blobs, alignment."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from bantin.blocks import detect_kind, parse_page
from bantin.blocks.markdown_parser import parse_markdown, repair_markdown
from bantin.blocks.reflow import detect_layout, reflow, split_blob
from bantin.data.align import align_labels

ROOT = Path(__file__).resolve().parents[1]

BODY = [
    "Sáng nay, Ủy ban nhân dân thành phố đã tổ chức hội nghị tổng kết công tác năm và triển khai nhiệm vụ trọng tâm "
    "của năm tới, với sự tham dự của đại diện các sở, ban, ngành và các quận, huyện trên địa bàn thành phố.",
    "Phát biểu tại hội nghị, lãnh đạo thành phố nhấn mạnh yêu cầu đẩy mạnh cải cách hành chính, nâng cao chất lượng "
    "phục vụ người dân và doanh nghiệp, đồng thời tập trung tháo gỡ khó khăn cho các dự án đầu tư đang bị chậm tiến độ.",
    "Theo báo cáo, tổng thu ngân sách trên địa bàn năm qua đạt hơn 100 nghìn tỷ đồng, vượt dự toán được giao; tốc độ "
    "tăng trưởng kinh tế ước đạt 7,2%, cao hơn mức bình quân chung của cả nước trong cùng kỳ.",
]
MENU = ["Trang chủ", "Thời sự", "Xã hội", "Kinh tế", "Thể thao", "Giải trí"]
RELATED = ["Hà Nội công bố kế hoạch chỉnh trang đô thị dịp cuối năm", "Giá vàng hôm nay tăng mạnh phiên đầu tuần",
           "Nhiều tuyến phố ngập sâu sau trận mưa lớn chiều qua"]


def _page_html() -> tuple[str, list[str]]:
    """A small news page and the label of each of its HTML blocks (in parse_html order)."""
    menu = "".join(f'<li><a href="/{i}.html">{m}</a></li>' for i, m in enumerate(MENU))
    body = "".join(f"<p>{p}</p>" for p in BODY)
    related = "".join(f'<li><a href="/tin-{i}-la-mot-duong-dan-rat-dai-de-bi-ngat-dong.html" title="{t}">{t}</a></li>'
                      for i, t in enumerate(RELATED))
    html = (f"<html><head><title>Hội nghị tổng kết</title></head><body><nav><ul>{menu}</ul></nav>"
            f"<article><h1>Thành phố tổng kết công tác năm, triển khai nhiệm vụ năm tới</h1>"
            f"<p><b>Hội nghị diễn ra trong không khí khẩn trương, với nhiều ý kiến thẳng thắn.</b></p>{body}"
            f"<p>Minh Anh</p></article><h3>Tin liên quan</h3><ul>{related}</ul>"
            f"<footer><p>Bản quyền thuộc về Báo Điện tử<br>Địa chỉ: 12 Lê Lợi, Hà Nội</p></footer></body></html>")
    labels = (["nav"] * len(MENU) + ["title", "lead"] + ["body"] * len(BODY) + ["byline", "section_heading"]
              + ["related"] * len(RELATED) + ["nav", "nav"])
    return html, labels


@pytest.fixture(scope="module")
def forms():
    pytest.importorskip("html2text")
    pytest.importorskip("markdownify")
    pytest.importorskip("inscriptis")
    from bantin.data.forms import FORMS, render_form

    html, _ = _page_html()
    return {f: render_form(html, f) for f in FORMS}


def test_every_form_is_detected(forms):
    expected = {"html": "html", "txt": "text", "markdown": "markdown", "markdown78": "markdown",
                "markdownify": "markdown", "inscriptis": "text", "lxml_text": "text"}
    for form, kind in expected.items():
        assert detect_kind(forms[form]) == kind, form
        page = parse_page(forms[form])
        assert page.meta["detected_kind"] == kind
        texts = " ".join(b.text for b in page.blocks)
        assert "Phát biểu tại hội nghị" in texts and "http" not in texts and "](" not in texts, form


def test_wrapped_and_unwrapped_markdown_give_the_same_blocks(forms):
    assert BODY[1] in forms["markdown"] and BODY[1] not in forms["markdown78"]  # hard-wrapped at 78 columns
    a, b = parse_page(forms["markdown"]), parse_page(forms["markdown78"])
    assert [x.text for x in a.blocks] == [x.text for x in b.blocks]
    body = [x for x in b.blocks if x.text.startswith("Phát biểu")]
    assert len(body) == 1 and body[0].text == BODY[1]


def test_seed_and_flattened_pages_stay_block_text():
    """Image marks and ' |' joins do not make a page Markdown; nor is a page of one block per line 'wrapped'."""
    pages = sorted((ROOT / "data" / "seeds" / "pages").glob("*.txt"))
    realpages = Path(ROOT.parent / "shared" / "realpages" / "txt")
    pages += sorted(realpages.glob("*.txt")) if realpages.is_dir() else []
    assert pages
    for path in pages:
        text = path.read_text(encoding="utf-8")
        page = parse_page(text)
        assert page.meta["detected_kind"] == "text" and page.meta["layout"] == "lines", path.name
        assert not page.meta["reflowed"]


def test_markdown_hints():
    md = textwrap.dedent("""\
        1. [Xã hội](xa-hoi.html)
        2. [Kinh tế](/kinh-te.html "Kinh tế")
           * [Chứng khoán](/ck.html)

        # Tiêu đề bài viết

        Đoạn văn có [một liên kết](http://a.vn/x) ở giữa câu, và chữ **đậm** \\- có ký tự thoát\\.

        ![Ảnh minh họa](http://a.vn/anh.jpg)

        > Trích dẫn một đoạn.

        * * *

        | Cột 1 | Cột 2 |
        |---|---|
        | [Ô một](/o1) | Ô hai |

        Xem thêm [tin khác][1]

        Bản quyền 2024  
        Địa chỉ: Hà Nội

          [1]: http://a.vn/khac.html
        """)
    assert detect_kind(md) == "markdown"
    page = parse_markdown(md)
    by_text = {b.text: b.hints for b in page.blocks}
    assert by_text["Xã hội"]["in_list"] and by_text["Xã hội"]["ordered"] and by_text["Xã hội"]["link_density"] == 1.0
    assert by_text["Xã hội"]["in_link_only"] and by_text["Kinh tế"]["tag"] == "li"
    assert by_text["Chứng khoán"]["list_depth"] == 2 and not by_text["Chứng khoán"]["ordered"]
    assert by_text["Tiêu đề bài viết"]["heading"] == 1 and by_text["Tiêu đề bài viết"]["tag"] == "h1"
    para = "Đoạn văn có một liên kết ở giữa câu, và chữ đậm - có ký tự thoát."
    assert para in by_text and 0 < by_text[para]["link_density"] < 0.3 and not by_text[para]["in_list"]
    assert not any(not b.text for b in page.blocks)  # the image goes to the next block, as in HTML
    assert by_text["Trích dẫn một đoạn."]["image_marker"] and by_text["Trích dẫn một đoạn."]["n_images"] == 1
    image = [b for b in parse_markdown(md, image_blocks=True).blocks if b.hints.get("image_marker") and not b.text]
    assert len(image) == 1 and image[0].hints["alt"] == "Ảnh minh họa"
    assert by_text["Trích dẫn một đoạn."]["in_blockquote"]
    assert by_text["Ô một Ô hai"]["in_table"] and by_text["Ô một Ô hai"]["tag"] == "td"
    assert by_text["Xem thêm tin khác"]["link_density"] > 0.4  # reference-style link resolved
    assert "Bản quyền 2024" in by_text and "Địa chỉ: Hà Nội" in by_text  # hard break ends a block
    assert not any(t.startswith(("*", "#", "1.", "[")) for t in by_text)
    assert page.source_kind == "markdown" and all(b.hints["rel_pos"] <= 1 for b in page.blocks)


def test_indented_lines_are_read_as_markdown_not_code():
    # html2text indents nested menu lists by 4 spaces; with no list open, CommonMark reads them as code
    md = ("Trang chủ\n\n    * [Di động](/di-dong.chn \"Di động\")\n    * ###  [ Lời yêu ](/gl/loi-yeu/)\n    * Tuyệt vời \n\n"
          "```\nx = 1\n```\n")
    blocks = parse_markdown(md).blocks
    assert [b.text for b in blocks] == ["Trang chủ", "Di động", "Lời yêu", "Tuyệt vời", "x = 1"]
    assert [b.hints["tag"] for b in blocks] == ["p", "li", "h3", "li", "pre"]
    assert [b.hints["link_density"] for b in blocks[1:4]] == [1.0, 1.0, 0.0]
    assert blocks[1].hints["in_list"] and blocks[1].hints["indented"] and blocks[2].hints["heading"] == 3


def test_html2text_quirks_are_repaired():
    wrapped = ('[Những tỷ phú đứng sau kỳ Olympic](http://m.cafef.vn/tai-\nchinh-quoc-te/nhung-ty-phu-\n2014.chn '
               '"Khi chính phủ đi "outsource"")\n')
    fixed = repair_markdown(wrapped)
    assert "http://m.cafef.vn/tai-chinh-quoc-te/nhung-ty-phu-2014.chn)" in fixed
    page = parse_markdown(wrapped + "\n* [Khác](javascript:void\\(0\\))\n\n[Ảnh ![](http://a.vn/can lo.jpg)](/x y.html)\n")
    assert [b.text for b in page.blocks] == ["Những tỷ phú đứng sau kỳ Olympic", "Khác", "Ảnh"]
    assert all(b.hints["link_density"] == 1.0 for b in page.blocks) and page.blocks[-1].hints["image_marker"]
    # a heading hard-wrapped by html2text stays one heading; a list nested past markdown-it's limit is parsed on
    long_heading = "## " + " ".join(["Showbiz Hoa ngữ có lẽ sẽ rất buồn chán"] * 2) + " nếu hàng ngày thiếu"
    wrapped_page = "\n".join([textwrap.fill(BODY[0], 78), "", long_heading, "những chiêu trò", "", textwrap.fill(BODY[1], 78),
                              "", textwrap.fill(BODY[2], 78), ""] * 2)
    texts = [b.text for b in parse_markdown(wrapped_page).blocks]
    assert texts[:4] == [BODY[0], long_heading[3:] + " những chiêu trò", BODY[1], BODY[2]]
    deep = "\n".join("  " * i + "* [x](y)" for i in range(60)) + "\n\nĐoạn cuối cùng.\n"
    texts = [b.text for b in parse_markdown(deep).blocks]
    assert texts == ["x"] * 60 + ["Đoạn cuối cùng."]


def test_share_links_with_spaces_in_their_destination_stay_links():
    """Share links carry the title in their URL ("mailto:?subject=...&body=...", "twitter.com/home?status=..."),
    spaces included, often with a title attribute, and html2text's 78-column wrap breaks them at a space or after a
    hyphen: each is still one link (no text of it becomes a block)."""
    mail = ('[ ](mailto:?&subject=\\[\'GenK.vn\'\\]Vì sao Apple cắt quà?&body=https://genk.vn/a-b.chn0D0AChương trình '
            'ưu đãi. "Chia sẻ bài viết qua email")')
    tweet = ("[![Twitter](http://a.vn/icon/twitter.png)](http://twitter.com/home?status=Những\nngười khổ hạnh vì bớt "
             'lạ - http://ione.vn/tin-tuc/vui-\nla/anh/41584-nhung.html "Twitter")')
    share = '[Chia sẻ](http://linkhay.com/submit?link_url=http://a.vn/x-\ny.html&link_title=Hoa hậu Hoàn\nvũ "Hot!")'
    md = "\n\n".join(["# Tiêu đề bài viết", mail, tweet, share, BODY[0]]) + "\n"
    blocks = parse_markdown(md).blocks
    assert [b.text for b in blocks] == ["Tiêu đề bài viết", "Chia sẻ", BODY[0]]
    assert blocks[1].hints["link_density"] == 1.0 and blocks[1].hints["image_marker"]  # the tweet's icon marks the next
    fixed = repair_markdown(md)
    assert "status=Những%20người%20khổ%20hạnh%20vì%20bớt%20lạ%20-%20http://ione.vn/tin-tuc/vui-la/anh/41584-nhung.html)" in fixed
    assert "link_url=http://a.vn/x-y.html&link_title=Hoa%20hậu%20Hoàn%20vũ)" in fixed
    # a long line of spaced pieces with no closing parenthesis is left as it is, in linear time
    hostile = "](" + " a" * 200_000 + "\n" + "b\n"
    assert repair_markdown(hostile) == hostile


def test_markdownify_card_links_spanning_paragraphs_stay_links():
    # markdownify writes <a><img><h3>title</h3><span>date</span></a> as one link over three paragraphs
    cards = "".join(f'* [![{t}](http://a.vn/{i}.jpg)\n\n  ### {t}\n\n  *14/03/2016*](/tin-{i}.htm "{t} \\"x\\"")\n'
                    for i, t in enumerate(RELATED))
    md = f"{BODY[0]}\n\n### [Tin cùng chuyên mục](/xa-hoi.htm)\n\n{cards}\n{BODY[1]}\n"
    blocks = parse_markdown(md).blocks
    texts = [b.text for b in blocks]
    assert texts == [BODY[0], "Tin cùng chuyên mục"] + [x for t in RELATED for x in (t, "14/03/2016")] + [BODY[1]]
    assert all(b.hints["link_density"] == 1.0 and b.hints["in_list"] for b in blocks[2:-1])
    assert not any("](" in t or t.startswith("[") for t in texts)
    # a stray bracket inside a paragraph is no card: left as CommonMark reads it
    stray = "Đoạn văn có [ngoặc không đóng.\n\nĐoạn sau](/y) tiếp.\n"
    assert repair_markdown(stray) == stray
    # hostile input: many unclosed brackets stay linear and lose no text
    hostile = "[" * 5000 + "\n\n" + "](/x)\n" * 2000
    assert parse_markdown(hostile).blocks[0].text == "[" * 5000


def test_paragraphs_run_together_between_images_are_split_back():
    """A converter that writes an article's <p>s on one line (html2text does, in some containers) leaves the images
    between them as the only trace of the paragraphs: an image after a finished sentence of 80+ characters opens a
    new block; an image inside a sentence, after a short run, or inside a link does not."""
    md = (f"{BODY[0]} ![Ảnh 1](http://a.vn/1.jpg) {BODY[1]} ![](http://a.vn/2.jpg) Chú thích ngắn.\n\n"
          f"Một câu có ![](i.png) ảnh nhỏ ở giữa câu, dài hơn tám mươi ký tự để thử quy tắc tách đoạn theo ảnh này"
          f" ![](j.png) rồi tiếp.\n\n[{BODY[2]} ![](k.png) đuôi](/tin.htm)\n")
    blocks = parse_markdown(md).blocks
    assert [b.text for b in blocks[:3]] == [BODY[0], BODY[1], "Chú thích ngắn."]
    assert [b.hints["n_images"] for b in blocks[:3]] == [0, 1, 1]
    assert blocks[3].text.startswith("Một câu có ảnh nhỏ") and blocks[3].text.endswith("rồi tiếp.")
    assert blocks[4].text.startswith(BODY[2][:20]) and blocks[4].text.endswith("đuôi") and len(blocks) == 5


def test_container_list_items_and_layout_tables_read_as_paragraphs():
    # a page whose article sits in one <li> (markdownify/html2text: one list item holding the whole article) and
    # whose steps sit in layout tables (one text cell beside an empty image cell)
    steps = "".join(f"  |  |  |\n  | --- | --- |\n  |  | **Bước {i}:** {p} |\n\n" for i, p in enumerate(BODY, 1))
    md = ("* [Trang chủ](/)\n* [Thời sự](/thoi-su)\n\n---\n\n* # Tiêu đề bài viết\n\n"
          + "".join(f"  {p}\n\n" for p in BODY) + "  - Bột mỳ\n  - Trứng gà\n\n" + steps
          + "| Đội | Điểm |\n| --- | --- |\n| A | 3 |\n")
    blocks = {b.text: b.hints for b in parse_markdown(md).blocks}
    assert blocks["Trang chủ"]["in_list"] and blocks["Thời sự"]["tag"] == "li"  # a real list stays a list
    assert blocks["Tiêu đề bài viết"]["tag"] == "h1" and not blocks["Tiêu đề bài viết"]["in_list"]
    assert all(not blocks[p]["in_list"] and blocks[p]["tag"] == "p" for p in BODY)
    assert blocks["Bột mỳ"]["in_list"] and blocks["Bột mỳ"]["list_depth"] == 1  # a list inside the container
    for i, p in enumerate(BODY, 1):
        assert not blocks[f"Bước {i}: {p}"]["in_table"] and blocks[f"Bước {i}: {p}"]["tag"] == "p"
    assert blocks["A 3"]["in_table"] and blocks["A 3"]["tag"] == "td"  # a data table stays a table


def test_reflow_of_hard_wrapped_text():
    menu = "\n".join(MENU)
    paras = "\n\n".join(textwrap.fill(p, 72) for p in BODY)
    bullets = "\n".join(f"* {t}" for t in RELATED)
    text = f"{menu}\n\n{paras}\n\nTin liên quan\n{bullets}\n"
    layout = detect_layout(text)
    assert layout.kind == "wrapped" and 60 <= layout.width <= 72
    page = parse_page(text)
    assert page.meta["reflowed"] and page.meta["detected_kind"] == "text"
    texts = [b.text for b in page.blocks]
    assert all(p in texts for p in BODY)
    assert all(m in texts for m in MENU) and "Tin liên quan" in texts  # short lines are not glued
    assert sum(t.startswith("* ") for t in texts) == len(RELATED)
    # without blank lines between paragraphs (lynx -dump, e-mail), the width test alone splits them
    dense = "\n".join(textwrap.fill(p, 70) for p in BODY)
    assert reflow(dense, 70).split("\n") == BODY


def test_block_dump_with_titles_and_dates_is_not_taken_for_wrapped_text():
    """A modern page's block dump: a long "latest news" list of ~100-character titles, each followed by its
    date line, piles up lines under one width, and each date looks like a word that did not fit on the title's
    line. The article's paragraphs, lines of prose far past that width, say it is not hard-wrapped."""
    titles = [f"{t}, theo thông tin được cập nhật mới nhất từ các địa phương trong ngày số {i}"[:100]
              for i, t in enumerate(RELATED * 25)]
    teasers = "\n".join(f"{t}\n{20 - i % 9:02d}/07/2026 {10 + i % 12}:{i % 60:02d}" for i, t in enumerate(titles))
    long_paras = [p + " " + p for p in BODY]  # 400+ characters each, one line each, as a block dump writes them
    text = "\n".join(MENU) + "\n" + "\n".join(long_paras) + "\nMinh Anh\nTin mới\n" + teasers + "\n"
    layout = detect_layout(text)
    assert layout.kind == "lines", layout.evidence
    texts = [b.text for b in parse_page(text).blocks]
    assert all(p in texts for p in long_paras) and "Minh Anh" in texts
    # the same page hard-wrapped is still reflowed
    wrapped = "\n\n".join(textwrap.fill(line, 72) for line in text.splitlines())
    assert detect_layout(wrapped).kind == "wrapped"


def test_blob_text_is_split_at_whitespace_runs():
    blob = "    Trang chủ     Thời sự     Xã hội\n        " + BODY[0] + "      Minh Anh   \n\n   Tin liên quan    "
    assert detect_layout(blob).kind == "blob"
    assert split_blob("a    b\tc").split("\n") == ["a", "b", "c"]
    page = parse_page(blob)
    assert page.meta["layout"] == "blob"
    assert [b.text for b in page.blocks] == ["Trang chủ", "Thời sự", "Xã hội", BODY[0], "Minh Anh", "Tin liên quan"]


def test_alignment_carries_labels_over():
    src = ["Trang chủ", "Thời sự", "Tiêu đề bài", "Đoạn một của bài viết dài.", "Đoạn hai của bài viết.", "Tin khác", "Tin A liên quan"]
    labs = ["nav", "nav", "title", "body", "body", "section_heading", "related"]
    tgt = ["Trang chủ Thời sự", "Tiêu đề bài", "", "Đoạn một của bài viết dài. Đoạn hai", "của bài viết.",
           "ảnh minh họa alt slug không có", "Tin khác", "Tin A liên quan"]
    al = align_labels(src, labs, tgt)
    assert al.labels == ["nav", "title", "noise", "body", "body", "noise", "section_heading", "related"]
    assert al.unmatched_blocks == 1 and al.source_covered == 1.0 and 0.7 < al.matched_share < 1
    # a target block spanning two source blocks takes the majority label by characters
    al = align_labels(["Tiêu đề", "Một đoạn thân bài khá dài có nhiều chữ"], ["title", "body"],
                      ["Tiêu đề Một đoạn thân bài khá dài có nhiều chữ"])
    assert al.labels == ["body"]
    # an image-only block between two body blocks is body
    assert align_labels(["a b c", "d e f"], ["body", "body"], ["a b c", "", "d e f"]).labels == ["body"] * 3


def test_builder_forms_are_aligned_and_loadable(forms, tmp_path):
    import gzip

    from bantin.data.builder.build import render_forms
    from bantin.data.dataset import load_pages

    html, labels = _page_html()
    from bantin.blocks import parse_html

    assert len(parse_html(html).blocks) == len(labels)
    out = render_forms(html, labels, ["markdown", "markdown78", "markdownify", "inscriptis", "lxml_text"])
    assert set(out) >= {"markdown", "markdown78", "markdownify", "inscriptis"}
    for form, rec in out.items():
        page = parse_page(rec["text"], kind=rec["kind"])
        assert len(page.blocks) == len(rec["labels"]) and rec["matched"] >= 0.8, form
        got = {b.text.removeprefix("* "): lab for b, lab in zip(page.blocks, rec["labels"])}  # inscriptis bullets
        if form != "lxml_text":
            assert got[BODY[1]] == "body" and got["Thời sự"] == "nav" and got[RELATED[0]] == "related", form
    record = {"id": "p1", "template": "t", "text": "x", "labels": ["noise"], "html": html, "html_labels": labels, "forms": out}
    path = tmp_path / "test.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    pages = load_pages(path, kind="markdown78")
    assert len(pages) == 1 and pages[0].meta["form"] == "markdown78"
    assert any(b.label == "title" for b in pages[0].blocks)
    assert load_pages(path, kind="markdown")[0].labels == out["markdown"]["labels"]
    # labels stored for another parser version (one block more or less) are aligned again from the HTML
    expected = list(out["markdown"]["labels"])
    record["forms"]["markdown"] = dict(out["markdown"], labels=expected[:-1])
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    assert load_pages(path, kind="markdown")[0].labels == expected


def test_bytes_keep_markdown_layout():
    page = parse_page("* [Trang chủ](/)\n* [Thời sự](/ts)\n\n# Tiêu đề\n\nDòng một  \nDòng hai\n".encode("utf-8"))
    assert page.meta["detected_kind"] == "markdown"
    assert [b.text for b in page.blocks] == ["Trang chủ", "Thời sự", "Tiêu đề", "Dòng một", "Dòng hai"]


def test_cli_kind_markdown(tmp_path):
    from typer.testing import CliRunner

    from bantin.cli import app

    md = tmp_path / "page.md"
    md.write_text("\n".join(f"* [{m}](/{i}.html)" for i, m in enumerate(MENU)) + "\n\n# Thành phố tổng kết công tác năm\n\n"
                  + "\n\n".join(BODY) + "\n", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["analyze", str(md), "--kind", "markdown", "--only", "boilerplate"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["source_kind"] == "markdown"
    assert "Phát biểu tại hội nghị" in json.dumps(out, ensure_ascii=False)
    assert "](" not in json.dumps(out, ensure_ascii=False)
    res = runner.invoke(app, ["analyze", str(md), "--kind", "pdf"])
    assert res.exit_code == 2 and "--kind takes" in res.stderr


def test_html_container_list_items_and_layout_tables():
    """The HTML parser tells layout from content as the Markdown parser does: an article inside one <li> and steps
    in one-text-cell tables are paragraphs; a menu list and a data table keep their hints."""
    from bantin.blocks import parse_html

    html = ("<html><body><ul><li><a href='/'>Trang chủ</a></li><li><a href='/x'>Thời sự</a></li></ul>"
            "<ul><li><h1>Tiêu đề bài viết</h1>" + "".join(f"<p>{p}</p>" for p in BODY)
            + "<ul><li>Bột mỳ</li><li>Trứng gà</li></ul>"
            + "".join(f"<table><tr><td><img src='a.jpg'></td><td>Bước {i}: {p}</td></tr></table>" for i, p in enumerate(BODY, 1))
            + "</li></ul><table><tr><td>Đội</td><td>Điểm</td></tr><tr><td>A</td><td>3</td></tr></table></body></html>")
    blocks = {b.text: b.hints for b in parse_html(html).blocks}
    assert blocks["Trang chủ"]["in_list"] and blocks["Trang chủ"]["tag"] == "li"
    assert not blocks["Tiêu đề bài viết"]["in_list"] and all(not blocks[p]["in_list"] for p in BODY)
    assert blocks["Bột mỳ"]["in_list"] and blocks["Bột mỳ"]["tag"] == "li"
    for i, p in enumerate(BODY, 1):
        assert not blocks[f"Bước {i}: {p}"]["in_table"] and blocks[f"Bước {i}: {p}"]["tag"] == "div"
    assert blocks["A"]["in_table"] and blocks["A"]["tag"] == "td"
    # the same page with short items only is left as it is (no long text in a list item or cell)
    short = "<ul><li><p>Một</p><p>Hai</p><p>Ba</p></li></ul><table><tr><td>x</td></tr></table>"
    assert all(b.hints["in_list"] or b.hints["in_table"] for b in parse_html(short).blocks)
