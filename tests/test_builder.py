"""The page dataset builder on the tiny fixture corpora: alignment, split disjointness, determinism, card."""

import gzip
import json
import unicodedata
from collections import Counter

import pytest
from conftest import FIXTURES, needs_data

from bantin.blocks import parse_html, parse_text
from bantin.config import load_config
from bantin.data.builder import TEMPLATES, BuilderConfig, build_dataset, build_from_config
from bantin.data.builder.sources import load_sources
from bantin.errors import BantinInputError
from bantin.labels import LABELS, is_content

FIX = FIXTURES / "corpora"
TINY = [
    f"data_dir={FIX}",
    "pages.train=25",
    "pages.val=8",
    "pages.test=12",
    "max_articles=100",
    "max_filler=100",
    "article_fractions.val=0.2",
    "article_fractions.test=0.3",
    "min_body_chars=60",
    "variation.p_nfd=0.3",
    "forms=[markdown]",  # one converter form keeps the tiny builds quick (every form: tests/test_forms_parsing.py)
]


def tiny_config(out_dir, *extra) -> BuilderConfig:
    return load_config(BuilderConfig, None, TINY + [f"out_dir={out_dir}", *extra])


def read_split(out_dir, split):
    with gzip.open(out_dir / f"{split}.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("pages")
    card = build_dataset(tiny_config(out))
    return out, card, {s: read_split(out, s) for s in ("train", "val", "test")}


def test_files_and_sizes(built):
    out, _, pages = built
    for name in ("train.jsonl.gz", "val.jsonl.gz", "test.jsonl.gz", "card.md", "card.json"):
        assert (out / name).exists()
    assert [len(pages[s]) for s in ("train", "val", "test")] == [25, 8, 12]
    ids = [r["id"] for s in pages for r in pages[s]]
    assert len(ids) == len(set(ids))


def test_labels_align_with_text_and_html_parsers(built):
    _, _, pages = built
    with_boilerplate = 0
    for split, records in pages.items():
        for r in records:
            assert r["split"] == split
            blocks = parse_text(r["text"]).blocks
            assert len(blocks) == len(r["labels"]) and set(r["labels"]) <= set(LABELS)
            assert len(parse_html(r["html"]).blocks) == len(r["html_labels"])
            assert r["labels"].count("title") >= 1 and "body" in r["labels"]
            with_boilerplate += bool({"related", "nav"} & set(r["labels"]))
            gold = "\n".join(b.text for b, lab in zip(blocks, r["labels"]) if is_content(lab) and b.text)
            assert gold == r["gold_article"]
    # nearly every page carries related items or navigation (all sections may be left out of a few)
    assert with_boilerplate >= 0.9 * sum(len(rs) for rs in pages.values())


def test_html_and_text_carry_the_same_article(built):
    """Title, lead and body blocks are the same texts in both renderings (captions and boilerplate may differ)."""
    _, _, pages = built
    for r in pages["train"] + pages["test"]:
        text_blocks = [b.text for b, lab in zip(parse_text(r["text"]).blocks, r["labels"]) if lab in ("title", "lead", "body")]
        html_blocks = [b.text for b, lab in zip(parse_html(r["html"]).blocks, r["html_labels"]) if lab in ("title", "lead", "body")]
        squash = lambda xs: ["".join(x.split()) for x in xs]
        assert squash(text_blocks) == squash(html_blocks), r["id"]


def test_splits_are_disjoint_by_article_and_template(built):
    _, card, pages = built
    articles = {s: {r["article_id"] for r in rs} for s, rs in pages.items()}
    templates = {s: {r["template"] for r in rs} for s, rs in pages.items()}
    assert not articles["train"] & articles["val"] and not articles["train"] & articles["test"]
    assert not articles["val"] & articles["test"]
    assert not templates["train"] & templates["val"] and not templates["train"] & templates["test"]
    assert not templates["val"] & templates["test"]
    gen = {s: {f"gen{i:03d}" for i in rng} for s, rng in (("train", range(40)), ("val", range(40, 48)), ("test", range(48, 60)))}
    assert card["template_splits"]["val"] == ["vietnamnet"] + sorted(gen["val"])
    assert card["template_splits"]["test"] == ["thanhnien", "nld"] + sorted(gen["test"])
    assert card["template_splits"]["train"] == ["laodongthudo", "moet", "vnexpress", "dantri", "tuoitre"] + sorted(gen["train"])
    assert templates["val"] <= {"vietnamnet"} | gen["val"] and templates["test"] <= {"thanhnien", "nld"} | gen["test"]
    assert templates["train"] <= set(card["template_splits"]["train"])


def test_related_filler_comes_from_the_same_partition(built):
    out, _, pages = built
    config = tiny_config(out)
    pool = load_sources(config.corpora, config.max_articles, config.filler_corpus, config.max_filler, config.seed,
                        config.article_fractions.val, config.article_fractions.test, config.data_dir,
                        config.min_body_chars, config.max_title_chars)
    titles = {s: {t.title for t in pool.teasers[s]} for s in pool.teasers}
    for split in ("val", "test"):
        other = set().union(*(titles[s] for s in titles if s != split))
        n_related = 0
        for r in pages[split]:
            for b, lab in zip(parse_text(r["text"]).blocks, r["labels"]):
                if lab == "related" and b.text in titles[split] | other:
                    n_related += 1
                    assert b.text not in other, (split, b.text)
        assert n_related > 0


def test_nfd_pages_parse_back_to_the_same_blocks(built):
    _, card, pages = built
    nfd = [r for rs in pages.values() for r in rs if r["nfd"]]
    assert nfd and card["splits"]["train"]["nfd_pages"] == sum(r["nfd"] for r in pages["train"])
    for r in nfd:
        assert not unicodedata.is_normalized("NFC", r["text"])
        nfc = parse_text(unicodedata.normalize("NFC", r["text"])).blocks
        blocks = parse_text(r["text"]).blocks
        assert [b.text for b in blocks] == [b.text for b in nfc] and len(blocks) == len(r["labels"])
        assert unicodedata.is_normalized("NFC", r["gold_article"])


def test_card_counts(built):
    out, card, pages = built
    on_disk = json.loads((out / "card.json").read_text(encoding="utf-8"))
    assert on_disk["splits"] == card["splits"] and on_disk["config"]["seed"] == 13
    for split, rs in pages.items():
        st = card["splits"][split]
        assert st["pages"] == len(rs)
        assert st["labels"] == dict(Counter(lab for r in rs for lab in r["labels"]))
        assert st["html_labels"] == dict(Counter(lab for r in rs for lab in r["html_labels"]))
        assert st["templates"] == dict(Counter(r["template"] for r in rs))
        assert st["corpora"] == dict(Counter(r["corpus"] for r in rs))
    assert card["dropped"]["total"] == sum(card["dropped"]["by_reason"].values())
    md = (out / "card.md").read_text(encoding="utf-8")
    assert "| train | 25 |" in md and "Dropped pages" in md


def test_same_seed_same_files_other_seed_other_pages(built, tmp_path):
    out, _, pages = built
    again = tmp_path / "again"
    build_dataset(tiny_config(again))
    for name in ("train.jsonl.gz", "val.jsonl.gz", "test.jsonl.gz", "card.json", "card.md"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
    other = tmp_path / "other"
    build_dataset(tiny_config(other, "seed=14", "pages.val=2", "pages.test=2"))
    assert [r["text"] for r in read_split(other, "train")] != [r["text"] for r in pages["train"]]


def test_misaligned_pages_are_dropped_and_counted(tmp_path, monkeypatch):
    """A template that emits a line with an embedded newline breaks the 1:1 alignment: the page is dropped, counted."""
    original = TEMPLATES["moet"]

    def broken(ctx):
        items = original(ctx)
        items[0].text = items[0].text + "\nextra line" if items[0].text else "a\nb"
        return items

    monkeypatch.setitem(TEMPLATES, "moet", broken)
    card = build_dataset(tiny_config(tmp_path, "pages.val=2", "pages.test=2"))
    assert card["dropped"]["total"] > 0
    assert any(k.startswith("moet: text") for k in card["dropped"]["by_reason"])
    assert card["splits"]["train"]["templates"].get("moet", 0) < 5  # the other templates still fill the split
    assert "moet" in (tmp_path / "card.md").read_text(encoding="utf-8")


def test_bad_template_config_is_a_clear_error(tmp_path):
    with pytest.raises(BantinInputError, match="both"):
        build_dataset(tiny_config(tmp_path, "val_templates=nld", "test_templates=nld"))
    with pytest.raises(BantinInputError, match="unknown template"):
        build_dataset(tiny_config(tmp_path, "test_templates=bbc"))


def test_cli_build(tmp_path):
    from typer.testing import CliRunner

    from bantin.cli import app

    cfg = tmp_path / "tiny.yaml"
    cfg.write_text("seed: 5\npages: {train: 6, val: 2, test: 3}\nwrite_html: false\n", encoding="utf-8")
    args = ["data", "build", "--config", str(cfg)]
    for o in TINY + [f"out_dir={tmp_path / 'out'}"]:
        if not o.startswith("pages."):
            args += ["--set", o]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    rec = read_split(tmp_path / "out", "val")[0]
    assert "html" not in rec and len(parse_text(rec["text"]).blocks) == len(rec["labels"])
    result = CliRunner().invoke(app, ["data", "build", "--config", str(cfg), "--set", "nonsense=1"])
    assert result.exit_code != 0 and "unknown config key" in result.output


def test_build_from_config_returns_the_card(tmp_path, capsys):
    card = build_from_config(None, TINY + [f"out_dir={tmp_path}", "pages.train=5", "pages.val=1", "pages.test=1"])
    assert card["splits"]["train"]["pages"] == 5
    assert "train: 5 pages" in capsys.readouterr().out


@pytest.mark.data
@needs_data
def test_real_build_small(tmp_path):
    config = load_config(BuilderConfig, None, [f"out_dir={tmp_path}", "pages.train=60", "pages.val=10", "pages.test=20",
                                               "max_articles=300", "max_filler=400"])
    card = build_dataset(config)
    assert [card["splits"][s]["pages"] for s in ("train", "val", "test")] == [60, 10, 20]
    assert card["dropped"]["total"] <= 2
    assert set(card["splits"]["train"]["corpora"]) == {"baomoi_articles_2017", "vietnews", "vntc10"}
    for r in read_split(tmp_path, "test"):
        assert len(parse_text(r["text"]).blocks) == len(r["labels"])
        assert len(parse_html(r["html"]).blocks) == len(r["html_labels"])


def test_workers_do_not_change_the_output(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    build_dataset(tiny_config(one, "pages.train=50", "pages.val=4", "pages.test=4"))
    build_dataset(tiny_config(two, "pages.train=50", "pages.val=4", "pages.test=4", "workers=2"))
    for name in ("train.jsonl.gz", "val.jsonl.gz", "test.jsonl.gz"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_html_markup_varies_between_pages(built):
    """Landmark tags, class names and caption markup vary, so HTML models cannot key on one fixed skeleton."""
    _, _, pages = built
    htmls = [r["html"] for rs in pages.values() for r in rs]
    assert any("<aside" in h or "<footer" in h for h in htmls)
    assert any("<aside" not in h and "<footer" not in h and "<header" not in h for h in htmls)
    assert any("<figcaption>" in h for h in htmls) and any('<p class="Image">' in h for h in htmls)


def test_source_bodies_lose_their_dated_related_lists():
    """VNTC bodies end with the source site's related titles, each with its date in brackets: they are not article
    text, so the builder drops them (else every page teaches that a dated teaser list is body). Sentences that end
    in a bracketed date, short score lines and bracketed dates inside a sentence stay."""
    from bantin.data.builder.sources import strip_boilerplate_lines

    body = "\n".join([
        "Ông A sinh năm 1990 (12/5/1990).",
        "Giá vàng tăng mạnh. Chiều nay (12/5)",
        "Tỷ số (2/1)",
        "Theo lịch (12/3) đoàn sẽ đến Hà Nội trong ngày.",
        "Chùm ảnh hoa Đà Lạt(30/11/2004)",
        "Tòa tuyên Đồng Đăng Phúc án tù chung thân (29/05/2003)",
        "Cha mẹ ngăn cản vì gia đình người yêu không tốt (26/12)",
    ])
    assert strip_boilerplate_lines(body).split("\n") == body.split("\n")[:4]
