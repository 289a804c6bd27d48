"""Text that converters glue or lay out side by side: blocks glued without a space (``text_content()`` of
minified HTML), text tables (inscriptis layout tables), markdownify layout-table rows; the main-span feature."""

from __future__ import annotations

import pytest

from bantin.blocks import parse_page
from bantin.blocks.reflow import split_glued, untable
from bantin.boilerplate.features import main_span, page_features

BODY = ["Đoạn văn thứ nhất của bài viết khá dài với nhiều chữ, kể lại sự việc xảy ra sáng nay tại trung tâm thành phố.",
        "Đoạn thứ hai cũng dài như vậy, với ý kiến của người dân và chính quyền địa phương về sự việc này."]


@pytest.mark.parametrize("line, pieces", [
    ("Chỉ còn lại 1-2 người bạnNếu là cô nàng", ["Chỉ còn lại 1-2 người bạn", "Nếu là cô nàng"]),
    ("xem lại.Rất có thể", ["xem lại.", "Rất có thể"]),
    ("minh họa)Bạn chỉ thích", ["minh họa)", "Bạn chỉ thích"]),
    ("Hà NộiTheo tin", ["Hà Nội", "Theo tin"]),
    ("quậnXINH - Nhiều", ["quận", "XINH - Nhiều"]),
    ("Bình Phương20/07/2019 15:17", ["Bình Phương", "20/07/2019 15:17"]),
    ("tháng 6.• Những game", ["tháng 6.", "• Những game"]),
    ("quan tâmMOBA mở cửa (10/12)Lập Ban", ["quan tâm", "MOBA mở cửa (10/12)", "Lập Ban"]),
    ("VietNamNetThời sự Giáo dục", ["VietNamNet", "Thời sự Giáo dục"]),
    ("GAM MÀU ĐỎGam màu đỏ sẫm", ["GAM MÀU ĐỎ", "Gam màu đỏ sẫm"]),
    ("TIN CÙNG SỰ KIỆNNgười đàn ông", ["TIN CÙNG SỰ KIỆN", "Người đàn ông"]),
    ("chín muồi(DNX) – Cristiano", ["chín muồi", "(DNX) – Cristiano"]),
])
def test_split_glued_cuts_block_joins(line, pieces):
    assert split_glued(line) == pieces


@pytest.mark.parametrize("line", ["TP.HCM và Q.Bình Tân, P.Hòa Cường", "iPhone YouTube TikTok WordPress mRNA eBay",
                                  "ông McDonald nói", "VnExpress đưa tin", "COVID-19 và SARS-CoV-2 năm 2020", "2012.Theo",
                                  "hàm f(X) và g(Y)", "ĐTNghệ An", "VNĐ", "HAGLĐức", "ĐHQGHN"])
def test_split_glued_keeps_names_and_abbreviations(line):
    assert split_glued(line) == [line]


def test_glued_lxml_text_is_split_into_blocks():
    page = parse_page("Trang chủThời sự\n" + BODY[0] + BODY[1] + "Tin khácTin A", kind="text")
    assert [b.text for b in page.blocks] == ["Trang chủ", "Thời sự", BODY[0], BODY[1], "Tin khác", "Tin A"]


def _inscriptis_table() -> str:
    inscriptis = pytest.importorskip("inscriptis")
    html = ("<html><body><p>Đầu trang</p><table><tr><td><ul><li>Trang chủ</li><li>Thời sự</li><li>Thể thao</li></ul></td>"
            f"<td><h1>Tiêu đề bài viết</h1><p>{BODY[0][:60]}</p><p>{BODY[1][:50]}</p></td>"
            "<td>Tin khác<br>Tin A<br>Tin B</td></tr></table><p>Chân trang</p></body></html>")
    return inscriptis.get_text(html)


def test_untable_reads_a_layout_table_column_by_column():
    text = _inscriptis_table()
    lines = [ln for ln in untable(text).split("\n") if ln.strip()]
    assert lines == ["Đầu trang", "* Trang chủ", "* Thời sự", "* Thể thao", "Tiêu đề bài viết", BODY[0][:60].strip(),
                     BODY[1][:50].strip(), "Tin khác", "Tin A", "Tin B", "Chân trang"]


def test_untable_leaves_ordinary_text_alone():
    text = "Một dòng  có hai dấu cách\nDòng khác, độ dài khác hẳn\n" + BODY[0]
    assert untable(text) == text


def test_markdownify_layout_row_is_split_into_blocks():
    # markdownify: a layout table's nested tables and paragraphs in one cell of one row, past the header's cells
    md = ("| [Trang chủ](/) |\n| --- |\n"
          f"| [Tin](/t) | | --- | | * [Thời sự](/a) * [Thể thao](/b) |  {BODY[0]}  {BODY[1]}  |  | | --- | | Tin khác [Tin A](/x) |\n")
    texts = [b.text for b in parse_page(md, kind="markdown").blocks]
    assert BODY[0] in texts and BODY[1] in texts
    assert "Thời sự" in texts and "Thể thao" in texts


def test_main_span_is_the_run_of_long_paragraphs():
    lengths = [3, 2, 12, 30, 40, 5, 35, 10, 10, 10, 10]
    long_w = [0, 0, 0, 30, 40, 0, 35, 0, 0, 0, 0]
    assert main_span(lengths, long_w) == (3, 6)
    assert main_span([3, 4], [0, 0]) == (-1, -1)
    page = parse_page("\n".join(["Trang chủ", "Thời sự", *BODY, "Tin khác", "Tin A ngắn", "Tin B ngắn"]), kind="text")
    spans = [f.get("span") for f in page_features(page)]
    assert spans[2:4] == ["in", "in"] and spans[0].startswith("b") and spans[-1].startswith("a")


def test_outlying_content_drops_small_clusters_apart_from_the_article():
    from bantin.boilerplate.crf import outlying_content

    para = "một đoạn văn dài của bài báo " * 4
    labels = ["nav", "title", "lead", "body", "body", "caption", "body"] + ["related"] * 8 + ["body", "nav", "title"]
    texts = ["menu", "Tiêu đề", para, para, para, "ảnh", para] + ["tin"] * 8 + ["một bình luận ngắn", "menu", "Tiêu đề khác"]
    assert outlying_content(labels, texts) == [15]  # the stray body line; titles and the article stay
    assert outlying_content(["body", "nav", "body"], [para, "x", para]) == []  # one cluster: gaps up to 6 blocks


def test_a_second_copy_of_the_article_is_dropped_and_one_repeated_paragraph_kept():
    from bantin.boilerplate.crf import CRFLabeler, duplicate_content

    title, byline = "Báo giấy vẫn thú vị!", "Lê Ngọc Quỳnh"
    paras = BODY + [p.replace("Đoạn", "Phần") for p in BODY]  # 4 paragraphs
    article = [title, byline, *paras]
    labels = ["title", "byline"] + ["body"] * len(paras)
    # a hidden mobile copy, a box, then the desktop copy: the later copy is dropped, titles and bylines too
    all_labels = labels + ["related"] * 3 + labels
    texts = article + ["Tin khác", "Tin A", "Tin B"] + article
    assert duplicate_content(all_labels, texts) == list(range(len(article) + 3, len(texts)))
    # a lead repeated as the first paragraph (one long repeat) is the article as readers see it: kept
    assert duplicate_content(["lead", *["body"] * 4], [paras[0], *paras]) == []
    # three repeated paragraphs that hold little of a long article's words are kept (DUPLICATE_MIN_SHARE)
    long_article = [f"{i} {p} {p}" for i, p in enumerate(paras * 4)]
    texts2 = long_article + long_article[:3]
    assert duplicate_content(["body"] * len(texts2), texts2) == []
    assert duplicate_content(["body"] * 8, paras + paras) == [4, 5, 6, 7]
    # the labeler applies it in its consistency pass
    crf = CRFLabeler()
    crf.consistency = True
    page = parse_page("\n".join(texts), kind="text")
    tags = crf._consistent(list(all_labels), page)
    assert tags[: len(article)] == labels and all(t == "noise" for t in tags[len(article) + 3:])

@pytest.mark.parametrize("line, is_meta", [
    ("phanngan - 13 giờ 28 phút trước", True), ("- 13 giờ 33 phút trước", True), ("2 ngày trước", True), ("Thích 51", True),
    ("Trả lời", True), ("Thích | 724", True), ("Cách đây 2 ngày trước khi về nước, ông đã gặp gỡ nhiều người", False),
    ("Tin mới", False), ("13/06/2013 08:28", False),
    # html2text keeps the widget's inline elements on one line
    ("phanngan - 13 giờ 28 phút trước Thích 51", True), ("hungvq8158 - 12 giờ trước Thích 48 | Trả lời", True),
    ("13 giờ trước thích ăn kem", False),
])
def test_comment_meta_lines(line, is_meta):
    from bantin.boilerplate.crf import COMMENT_META

    assert bool(COMMENT_META.match(line)) is is_meta


def test_comments_between_their_meta_lines_are_boilerplate():
    from bantin.boilerplate.crf import comment_content

    para = "Chúc mừng cháu Đức khi đã chọn được học bổng bằng cách mà chú rất ấn tượng, mong cháu học tốt."
    texts = ["Tiêu đề", BODY[0], BODY[1], "Ý kiến bạn đọc (3)", para, "Vu - 13 giờ trước", "Thích 121", para + " Thật tuyệt.",
             "phanngan - 12 giờ trước", "Thích 51", "Tin khác"]
    labels = ["title", "body", "body", "section_heading", "body", "noise", "nav", "body", "noise", "nav", "section_heading"]
    # between the first and the last meta line, and from the section's heading on; the article stays
    assert comment_content(labels, texts) == [4, 7]
    no_heading = texts[:3] + ["Tin nổi bật"] + texts[4:]
    assert comment_content(labels, no_heading) == [7]
    # one relative time alone ("2 giờ trước" under a title) is no comment section, nor are meta lines far apart
    assert comment_content(["byline", "body"], ["2 giờ trước", BODY[0]]) == []
    far = ["5 phút trước"] + [BODY[0]] * 8 + ["7 phút trước"]
    assert comment_content(["related"] + ["body"] * 8 + ["related"], far) == []
    # a widget that shows each comment before its meta line: the section opens at its heading
    first_shown = ["Tiêu đề", BODY[0], "Bình Minh", "Ý kiến bạn đọc (5)", para, "Vu", "- 13 giờ trước Thích 121", para,
                   "phanngan - 12 giờ trước Thích 51", "Tin khác"]
    labels = ["title", "body", "byline", "section_heading", "body", "body", "related", "body", "related", "section_heading"]
    assert comment_content(labels, first_shown) == [4, 5, 7]


def test_copies_of_a_recurring_text_leave_the_tagged_sequence():
    """markdownify writes a picture in a table cell as its bare alt text, often the title on every picture: the
    copies of a text that recurs 3+ times are tagged noise, out of the sequence, so the paragraphs around them
    keep their article context; the first occurrence stays in the sequence."""
    from bantin.boilerplate import default_model_dir
    from bantin.boilerplate.crf import repeated_copies
    from bantin.models import load_model

    alt = "Cách sử dụng bản đồ để giám sát vị trí của trẻ nhỏ"
    assert repeated_copies(["a", alt, "b", alt, alt, "x" * 14, "x" * 14, "x" * 14]) == [3, 4]  # short texts stay
    assert repeated_copies([alt, "b", alt]) == []  # twice is not recurring
    paras = [p.replace("Đoạn", f"Phần {i}") for i in range(3) for p in BODY]
    lines = ["# " + alt, "", paras[0], ""]
    for p in paras[1:]:
        lines += ["|  |", "| --- |", f"| {alt} |", "", p, ""]
    page = parse_page("\n".join(lines), kind="markdown")
    model = load_model(default_model_dir(), task="boilerplate")
    labeled = model.label_page(page)
    texts = [b.text for b in labeled.blocks]
    assert len(labeled.blocks) == len(page.blocks) and texts.count(alt) == len(paras)
    copies = repeated_copies(texts)
    assert len(copies) == len(paras) - 1
    # copies of the title (content) are noise; copies of a boilerplate text keep its label
    assert labeled.blocks[0].label == "title"
    assert all(labeled.blocks[i].label == "noise" and labeled.blocks[i].score > 0.99 for i in copies)
    assert model.predict([page])[0] == [b.label for b in labeled.blocks]
    probs = model.predict_proba([page])[0]
    assert all(probs[i]["noise"] == 1.0 for i in copies) and len(probs) == len(page.blocks)
    menu = ["Trang chủ", "Thời sự hôm nay", "Kinh doanh và tài chính"] * 3
    page2 = parse_page("\n".join(menu + [alt] + paras), kind="text")
    labeled2 = model.label_page(page2)
    firsts = {b.text: b.label for b in labeled2.blocks[:3]}
    for i in repeated_copies([b.text for b in page2.blocks]):
        b = labeled2.blocks[i]
        assert b.label == (firsts[b.text] if firsts[b.text] not in ("title", "lead", "body", "caption", "byline") else "noise")


def test_alt_texts_written_as_table_cells_are_boilerplate():
    """markdownify writes an image inside <td> as its bare alt text: in an old CMS image table (the picture's row,
    then the caption's) the alt row repeats or drafts the caption, or is the image's file name."""
    from bantin.boilerplate import default_model_dir
    from bantin.boilerplate.crf import alt_text_content
    from bantin.models import load_model

    cap = "Nữ ca sĩ mang theo bó hoa hồng vàng tươi thắm đến thăm mộ người bạn tri kỷ."
    draft = "Nữ ca sĩ mang theo một bó hoa hồng vàng tươi thắm đến thăm mộ người bạn."
    texts = ["Tiêu đề bài viết", BODY[0], draft, cap, "6_1398994809.JPG", BODY[1], "Ảnh: IMG_2034.jpg", BODY[0]]
    labels = ["title", "body", "body", "caption", "body", "body", "byline", "body"]
    tables = [None, None, 0, 0, 1, 1, None, None]
    # the draft alt row before its caption (same table), the bare file name; "Ảnh: ..." is more than a file name
    assert alt_text_content(labels, texts, tables) == [2, 4]
    # outside a table, or across two tables, or before a boilerplate block, a near-copy is left alone
    assert alt_text_content(labels, texts, [None] * len(texts)) == [4]
    assert alt_text_content(labels, texts, [None, None, 0, 1, None, None, None, None]) == [4]
    assert alt_text_content(["title", "body", "body", "related"], texts[:4], tables[:4]) == []
    # a data table's rows that share some words are no alt texts
    rows = ["Bước 1: trộn bột với đường", "Bước 2: trộn bột với trứng gà"]
    assert alt_text_content(["body", "body"], rows, [0, 0]) == []
    # nor is a heading cell above the paragraph that repeats it, a table whose picture kept its mark (html2text),
    # or a row of a layout table that holds the whole article
    assert alt_text_content(["body", "body"], ["UBND thị trấn Liên Hương", "UBND thị trấn Liên Hương cho biết, tàu "
                                                 "đánh cá bị nạn của ông Nguyễn Văn A đã được kéo vào bờ chiều qua."], [0, 0]) == []
    assert alt_text_content(labels[:4], texts[:4], tables[:4], [False, False, True, False]) == []
    assert alt_text_content(["body"] * 5, [draft, cap, BODY[0], BODY[1], BODY[0]], [0] * 5) == []

    # end to end: markdownify's image tables; the parser numbers each table's blocks
    lines = ["# Khánh Ly đến viếng mộ Trịnh Công Sơn", "", BODY[0], ""]
    for alt, caption in ((draft, cap), ("4_1398994837.jpg", BODY[1])):
        lines += ["|  |", "| --- |", f"| {alt} |", f"| {caption} |", ""]
    page = parse_page("\n".join(lines), kind="markdown")
    assert [b.hints.get("table_no") for b in page.blocks] == [None, None, 0, 0, 1, 1]
    labeled = load_model(default_model_dir(), task="boilerplate").label_page(page)
    assert [b.label for b in labeled.blocks][2] == "noise" and labeled.blocks[4].label == "noise"
    assert all(b.label in ("title", "lead", "body", "caption") for k, b in enumerate(labeled.blocks) if k not in (2, 4))


def test_alt_slug_of_any_top_headline_is_flagged():
    # the alt slug copies the second headline (the title after a kicker), not the first; a date line is no slug
    text = "\n".join(["Chương trình phối hợp công tác năm học mới:", "Làm thế nào để nâng cao hiệu quả?",
                      "27/06/2022 10:55 GMT+7", BODY[0], "lam the nao de nang cao hieu qua Ký kết kế hoạch phối hợp",
                      BODY[1], "27/06/2022 10:55 Hà Nội có mưa"])
    feats = page_features(parse_page(text, kind="text"))
    assert feats[4].get("slug_of_title") == 1.0 and feats[4].get("slug_then_text") == 1.0
    assert "slug_of_title" not in feats[2] and "slug_of_title" not in feats[3]


def test_diacritic_joins_are_cut_only_on_glued_pages():
    from bantin.blocks.reflow import unglue

    # one join in a list of names: left alone; a page glued throughout (text_content()): cut
    assert unglue("Italy: Paolo Rossi, Dino ZoffĐức: Franz Beckenbauer") == "Italy: Paolo Rossi, Dino ZoffĐức: Franz Beckenbauer"
    glued = "Trang chủThời sự\nVietNamNetThời sự Giáo dục\nngười bạnNếu là\nxem lại.Rất có thể\nHà NộiTheo tin\nquậnXINH - Nhiều"
    assert unglue(glued).split("\n")[:4] == ["Trang chủ", "Thời sự", "VietNamNet", "Thời sự Giáo dục"]


def test_unglue_cuts_only_the_analyzed_head_of_a_huge_page():
    from bantin.blocks.reflow import unglue

    glued = "người bạnNếu là"
    text = "\n".join([glued, "", glued, glued])
    # the first two non-empty lines are cut, the rest passes through as it is (a parser capped at 2 reads no more)
    assert unglue(text, max_lines=2).split("\n") == ["người bạn", "Nếu là", "", "người bạn", "Nếu là", glued]
    assert unglue(text, max_lines=2).split("\n")[:5] == unglue(text).split("\n")[:5]
    assert unglue(text, max_lines=10) == unglue(text)
