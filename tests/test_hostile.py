"""Hostile inputs and faults (issue 11, items 8-17 and the CLI): each case at a size small enough for CI.
The full-size pages (a million lines, a million-token class attribute) are in benchmarks/bench_hostile.py."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bantin.blocks import parse_page
from bantin.blocks.model import MAX_BLOCKS
from bantin.cli import app
from bantin.errors import BantinError, BantinInputError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_TXT = ROOT / "data" / "samples" / "laodongthudo.txt"
SAMPLE_HTML = ROOT / "data" / "samples" / "article.html"
runner = CliRunner()


@pytest.fixture(scope="module")
def clean_nlp():
    from bantin.pipeline import Pipeline

    return Pipeline.load(stages=["boilerplate"])


@pytest.fixture(scope="module")
def nlp():
    from bantin.pipeline import Pipeline

    return Pipeline.load()


def _labels(nlp, source, kind="auto"):
    return [(b.text, b.label) for b in nlp(source, kind=kind).blocks]


# -- 8: pages that used to hang ------------------------------------------------------------------------
def test_many_short_lines_are_cut_at_the_block_limit_with_a_warning(clean_nlp):
    text = "\n".join(f"dòng {i}" for i in range(MAX_BLOCKS + 500))
    page = parse_page(text)
    assert len(page.blocks) == MAX_BLOCKS and any("only the first" in w for w in page.meta.get("warnings", []))
    html = "<html><body>" + "".join(f"<p>đoạn {i}</p>" for i in range(MAX_BLOCKS + 50)) + "</body></html>"
    page = parse_page(html)
    assert len(page.blocks) == MAX_BLOCKS and any("only the first" in w for w in page.meta.get("warnings", []))
    res = clean_nlp(text)
    assert len(res.blocks) == MAX_BLOCKS and any("only the first" in w for w in res.warnings)


def test_every_parser_meets_the_block_limit(monkeypatch):
    import bantin.blocks as B

    monkeypatch.setattr(B, "MAX_MARKDOWN_LINES", 60)  # markdown-it costs ~1 ms a line: bounded by lines
    md = "# Tiêu đề\n\n" + "".join(f"- [mục {i}](http://x/{i}) **đậm**\n" for i in range(500))
    page = parse_page(md, kind="markdown")
    assert len(page.blocks) <= 60 and any("only the first 60 are parsed as Markdown" in w for w in page.meta["warnings"])
    page = parse_page(md, kind="markdown")
    B._cap_blocks(page, 10)  # the generic cap after any parser
    assert len(page.blocks) == 10 and page.blocks[-1].hints["rel_pos"] == 1.0 and "only the first 10" in page.meta["warnings"][-1]


def test_page_features_are_linear_in_the_number_of_blocks(monkeypatch):
    """Count the elements that `sum` walks in page_features: it was O(n^2) (a sum over all blocks per block)."""
    import builtins

    import bantin.boilerplate.features as F

    walked = [0]

    def counting_sum(iterable, start=0):
        items = list(iterable)
        walked[0] += len(items)
        return builtins.sum(items, start)

    monkeypatch.setattr(F, "sum", counting_sum, raising=False)
    counts = []
    for n in (1000, 4000):
        walked[0] = 0
        line = "Câu thứ {} của bài báo này khá dài, đủ để giống một đoạn văn bình thường trong bài viết hôm nay."
        F.page_features(parse_page("\n".join(line.format(i) for i in range(n))))
        counts.append(walked[0])
    assert counts[1] < 4.5 * counts[0], counts  # O(n^2) gave 16x


def test_a_huge_class_attribute_is_read_once_and_bounded(monkeypatch):
    """A million-token class used to cost O(tokens^2) per block (list membership); now each attribute is read once,
    at most MAX_ATTR_CHARS characters."""
    import bantin.blocks.html_parser as H

    scanned = [0]
    real = H._TOKEN

    class Counting:
        def findall(self, s):
            scanned[0] += len(s)
            return real.findall(s)

    monkeypatch.setattr(H, "_TOKEN", Counting())
    cls = " ".join(f"c{i}" for i in range(50_000))
    html = f"<html><body><div class='{cls} related'>" + "".join(f"<p>đoạn văn số {i}</p>" for i in range(200)) + "</div></body></html>"
    page = parse_page(html)
    assert len(page.blocks) == 200
    assert scanned[0] <= 2 * H.MAX_ATTR_CHARS * 2, scanned[0]
    assert len(page.blocks[0].hints["class_tokens"]) <= 24


# -- 9: deep nesting -----------------------------------------------------------------------------------
@pytest.mark.parametrize("depth", [300, 3000])
def test_text_after_deep_nesting_survives(depth, clean_nlp):
    html = "<html><body><p>Trước</p>" + "<div>" * depth + "<p>Sâu</p>" + "</div>" * depth + "<p>Sau điểm sâu</p></body></html>"
    page = parse_page(html)
    texts = [b.text for b in page.blocks]
    assert texts == ["Trước", "Sâu", "Sau điểm sâu"]
    assert any("nested deeper" in w for w in page.meta.get("warnings", [])) == (depth > 2048)
    assert clean_nlp(html).blocks[-1].text == "Sau điểm sâu"


# -- 10: a stray byte ----------------------------------------------------------------------------------
def test_one_stray_byte_does_not_reject_a_utf8_page(nlp, tmp_path):
    data = SAMPLE_TXT.read_bytes()
    mid = len(data) // 2
    mid = data.index(b"\n", mid)
    bad = data[:mid] + b" \xff" + data[mid:]
    page = parse_page(bad)
    assert any("1 byte(s) that are not valid UTF-8" in w for w in page.meta.get("warnings", []))
    assert len(page.blocks) == len(parse_page(data).blocks)
    res = nlp(bad)
    assert res.body and any("not valid UTF-8" in w for w in res.warnings)
    f = tmp_path / "stray.txt"
    f.write_bytes(bad)
    out = runner.invoke(app, ["analyze", str(f), "--only", "boilerplate"])
    assert out.exit_code == 0, out.output
    assert any("not valid UTF-8" in w for w in json.loads(out.stdout)["warnings"])
    assert "warning:" in out.stderr


def test_a_windows_1258_page_is_still_read_as_such():
    from bantin.io.decode import decode_page

    import unicodedata

    def cp1258(text: str) -> bytes:  # Windows-1258 writes tones as combining marks after the base letter
        out = b""
        for c in text:
            try:
                out += c.encode("cp1258")
            except UnicodeEncodeError:
                d = unicodedata.normalize("NFD", c)
                tones = "".join(m for m in d if m in "\u0300\u0301\u0303\u0309\u0323")
                base = unicodedata.normalize("NFC", "".join(m for m in d if m not in tones))
                out += (base + tones).encode("cp1258")
        return out

    text = "Hôm nay trời mưa to ở Hà Nội, nhiều tuyến phố bị ngập."
    d = decode_page(cp1258(text))
    assert d.text == text
    assert d.encoding == "cp1258" and not d.warnings


# -- 11: bidi marks --------------------------------------------------------------------------------------
def test_bidi_marks_are_stripped_and_labels_do_not_change(clean_nlp):
    from bantin.text.normalize import normalize_text

    assert normalize_text("a\u200eb\u200f\u202ac\u202e\u2066d\u2069") == "abcd"
    text = SAMPLE_TXT.read_text(encoding="utf-8")
    marked = "\n".join((line + "\u200f") if i % 2 else ("\u200e\u202b" + line) for i, line in enumerate(text.split("\n")))
    assert _labels(clean_nlp, marked) == _labels(clean_nlp, text)


# -- 12: any per-record failure is reported ---------------------------------------------------------------
def test_lone_surrogates_are_replaced_and_the_output_is_encodable(nlp):
    res = nlp("Hà Nội \ud800 mưa to.\nNhiều tuyến phố ngập sâu sau cơn mưa lớn chiều qua, giao thông ùn tắc.")
    assert any("surrogate" in w for w in res.warnings)
    res.to_json().encode("utf-8")


def test_unexpected_exceptions_become_failed_records(clean_nlp, monkeypatch):
    from bantin.pipeline import ArticleResult, FailedRecord

    real = clean_nlp.boilerplate.label_pages

    def flaky(pages):  # the batch fails, then each page alone: only the bad ones fail
        if any(p.id == "boom" for p in pages):
            raise MemoryError()
        if any(p.id == "bug" for p in pages):
            raise RuntimeError("something broke")
        return real(pages)

    monkeypatch.setattr(clean_nlp.boilerplate, "label_pages", flaky)
    text = SAMPLE_TXT.read_text(encoding="utf-8")
    out = list(clean_nlp.pipe([("a", text), ("boom", text), ("bug", text), ("b", text)], errors="report"))
    assert [type(r) for r in out] == [ArticleResult, FailedRecord, FailedRecord, ArticleResult]
    assert "out of memory" in out[1].error and "RuntimeError: something broke" in out[2].error
    with pytest.raises(RuntimeError):
        list(clean_nlp.pipe([("bug", text)]))


def test_cli_goes_on_after_a_surrogate_record(tmp_path):
    src = tmp_path / "in.jsonl"
    text = SAMPLE_TXT.read_text(encoding="utf-8")
    src.write_text(json.dumps({"id": "s", "text": "\ud800" + text}) + "\n" + json.dumps({"id": "ok", "text": text}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["analyze", str(src), "-o", str(out), "--only", "boilerplate"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["s", "ok"] and any("surrogate" in w for w in rows[0]["warnings"])


# -- same size limit on every input path -------------------------------------------------------------------
def test_the_page_size_limit_applies_to_str_and_jsonl(monkeypatch, tmp_path, clean_nlp):
    import bantin.io.decode as D
    import bantin.io.inputs as I

    monkeypatch.setattr(D, "MAX_PAGE_BYTES", 1000)
    monkeypatch.setattr(I, "MAX_PAGE_BYTES", 1000)
    big = "Một câu tiếng Việt khá dài. " * 100
    with pytest.raises(BantinInputError, match="page limit"):
        parse_page(big)
    with pytest.raises(BantinInputError, match="page limit"):
        parse_page(big.encode("utf-8"))
    src = tmp_path / "big.jsonl"
    src.write_text(json.dumps({"id": "big", "text": big}, ensure_ascii=False) + "\n" + json.dumps({"id": "small", "text": "Một câu."}, ensure_ascii=False) + "\n", encoding="utf-8")
    from bantin.analyze import AnalyzeOptions, analyze_paths
    from bantin.pipeline import FailedRecord

    out = list(analyze_paths([str(src)], AnalyzeOptions(only=["boilerplate"]), clean_nlp))
    assert isinstance(out[0], FailedRecord) and "page limit" in out[0].error and out[1].id == "small"
    monkeypatch.setattr(I, "MAX_JSONL_LINE_BYTES", 500)  # an over-long line is skipped without being held
    out = list(analyze_paths([str(src)], AnalyzeOptions(only=["boilerplate"]), clean_nlp))
    assert isinstance(out[0], FailedRecord) and "byte limit" in out[0].error and out[0].id == "big.jsonl:1" and out[1].id == "small"


# -- 13: output safety ---------------------------------------------------------------------------------------
def _jsonl(tmp_path, n=3, name="in.jsonl"):
    text = SAMPLE_TXT.read_text(encoding="utf-8")
    src = tmp_path / name
    src.write_text("".join(json.dumps({"id": f"r{i}", "text": text}, ensure_ascii=False) + "\n" for i in range(n)), encoding="utf-8")
    return src


def test_output_equal_to_an_input_is_refused(tmp_path):
    src = _jsonl(tmp_path)
    before = src.read_bytes()
    res = runner.invoke(app, ["analyze", str(src), "-f", "jsonl", "-o", str(src)])
    assert res.exit_code == 2 and "also an input" in res.stderr
    assert src.read_bytes() == before
    link = tmp_path / "link.jsonl"
    link.symlink_to(src)
    res = runner.invoke(app, ["analyze", str(src), "-o", str(link)])
    assert res.exit_code == 2 and src.read_bytes() == before


@pytest.mark.parametrize("target", ["dir", "missing_parent", "/dev/full"])
def test_unwritable_outputs_are_clear_errors(tmp_path, target):
    if target == "/dev/full" and not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    src = _jsonl(tmp_path, 1)
    out = {"dir": str(tmp_path), "missing_parent": str(tmp_path / "no" / "out.jsonl"), "/dev/full": "/dev/full"}[target]
    res = runner.invoke(app, ["analyze", str(src), "-o", out, "--only", "boilerplate"])
    assert res.exit_code == 2, res.output
    assert "error:" in res.stderr and "Traceback" not in res.output


def test_output_is_replaced_atomically(tmp_path):
    from bantin.io.output import BatchOutput

    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with BatchOutput(out) as sink:
            sink.write("new 1\n")
            assert out.read_text(encoding="utf-8") == "old\n"  # readers never see a half-written file
            raise RuntimeError("crash mid-run")
    assert out.read_text(encoding="utf-8") == "old\n"
    with BatchOutput(out) as sink:
        sink.write("new\n")
    assert out.read_text(encoding="utf-8") == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]  # no temporary or lock file left


# -- 14: one writer at a time ---------------------------------------------------------------------------------
def test_a_second_writer_of_the_same_output_is_refused(tmp_path):
    from bantin.io.output import BatchOutput

    out = tmp_path / "out.jsonl"
    with BatchOutput(out) as first:
        first.write("a\n")
        with pytest.raises(BantinInputError, match="another process is writing"):
            BatchOutput(out).__enter__()
        src = _jsonl(tmp_path, 1)
        res = runner.invoke(app, ["analyze", str(src), "-o", str(out), "--only", "boilerplate"])
        assert res.exit_code == 2 and "another process is writing" in res.stderr
    assert out.read_text(encoding="utf-8") == "a\n"
    with BatchOutput(out) as again:  # released at the end
        again.write("b\n")


# -- 15: resume ------------------------------------------------------------------------------------------------
def test_resume_skips_done_ids_and_retries_failures(tmp_path):
    out = tmp_path / "out.jsonl"
    first = _jsonl(tmp_path, 2, "first.jsonl")
    res = runner.invoke(app, ["analyze", str(first), "-o", str(out), "--only", "boilerplate"])
    assert res.exit_code == 0, res.output
    with out.open("a", encoding="utf-8") as fh:  # a failed record and a torn last line from an older run
        fh.write(json.dumps({"id": "r3", "error": "boom"}) + "\n" + '{"id": "r4", "sour')
    done = out.read_text(encoding="utf-8").splitlines()[:2]
    full = _jsonl(tmp_path, 5, "full.jsonl")
    res = runner.invoke(app, ["analyze", str(full), "-o", str(out), "--only", "boilerplate", "--resume"])
    assert res.exit_code == 0, res.output
    assert "2 already in" in res.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == done
    assert [json.loads(x)["id"] for x in lines] == ["r0", "r1", "r2", "r3", "r4"]
    res = runner.invoke(app, ["analyze", str(full), "--resume"])
    assert res.exit_code == 2 and "--resume needs" in res.stderr


# -- 16: JSONL identity -----------------------------------------------------------------------------------------
def test_jsonl_identity_rules(tmp_path, clean_nlp):
    from bantin.analyze import AnalyzeOptions, analyze_paths
    from bantin.pipeline import FailedRecord

    text = "Hôm nay trời mưa to ở Hà Nội, nhiều tuyến phố bị ngập sâu."
    lines = [
        json.dumps({"id": "a", "text": text}),
        "",  # blank lines count for line numbers
        json.dumps({"text": text}),
        json.dumps({"id": None, "text": text}),
        json.dumps({"id": {"a": 1}, "text": text}),
        json.dumps({"id": 7, "text": text}),
        json.dumps({"id": "a", "text": text}),
        json.dumps({"id": "both", "text": "chữ", "html": f"<p>{text}</p>"}),
    ]
    src = tmp_path / "in.jsonl"
    src.write_bytes(("\n".join(lines) + "\n").encode("utf-8") + b'{"id": "bad", "text": "' + text.encode("utf-8") + b' \xff\xfe"}\n')
    out = {r.id if not isinstance(r, FailedRecord) else "failed:" + r.id: r for r in analyze_paths([str(src)], AnalyzeOptions(only=["boilerplate"]), clean_nlp)}
    assert "in.jsonl:3" in out and "in.jsonl:4" in out  # fallback ids from the line number (missing or null id)
    assert "must be a string or a number" in out["failed:in.jsonl:5"].error
    assert "7" in out
    results = list(analyze_paths([str(src)], AnalyzeOptions(only=["boilerplate"]), clean_nlp))
    dup = [r for r in results if r.id == "a"]
    assert len(dup) == 2 and not any("duplicate" in w for w in dup[0].warnings) and any("duplicate id 'a'" in w for w in dup[1].warnings)
    assert out["both"].source_kind == "html" and any("ignored text" in w for w in out["both"].warnings)
    assert any("2 byte(s) of invalid UTF-8" in w for w in out["bad"].warnings)


def test_a_truncated_gzip_jsonl_keeps_its_records_and_reports_the_rest(tmp_path):
    import gzip

    from bantin.io.inputs import iter_inputs

    data = "".join(json.dumps({"id": f"r{i}", "text": f"Bài số {i} về thời tiết Hà Nội."}, ensure_ascii=False) + "\n" for i in range(200))
    blob = gzip.compress(data.encode("utf-8"))
    src = tmp_path / "cut.jsonl.gz"
    src.write_bytes(blob[: len(blob) // 2])
    records = list(iter_inputs([str(src)]))
    assert records[0].id == "r0" and records[-1].error and "cannot be read" in records[-1].error


# -- 17: thread safety ---------------------------------------------------------------------------------------------
def test_pipeline_is_thread_safe(nlp):

    texts = [SAMPLE_TXT.read_text(encoding="utf-8"), SAMPLE_HTML.read_text(encoding="utf-8")]
    # Pages of different lengths so that a shared tagger would mix their scores up.
    lines = texts[0].split("\n")
    pages = texts + ["\n".join(lines[: k]) for k in range(12, len(lines), max(1, len(lines) // 10))]
    serial = [nlp(p).to_json() for p in pages]
    jobs = [i % len(pages) for i in range(8 * len(pages))]
    barrier = threading.Barrier(8)

    def work(chunk):
        barrier.wait()
        return [(i, nlp(pages[i]).to_json()) for i in chunk]

    with ThreadPoolExecutor(8) as ex:
        parts = list(ex.map(work, [jobs[t::8] for t in range(8)]))
    for part in parts:
        for i, js in part:
            assert js == serial[i]


# -- CLI -------------------------------------------------------------------------------------------------------------
def test_version_quiet_and_log_level():
    from bantin import __version__

    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.stdout.strip() == f"bantin {__version__}"
    res = runner.invoke(app, ["--log-level", "loud", "analyze", str(SAMPLE_TXT)])
    assert res.exit_code == 2 and "--log-level" in res.stderr
    res = runner.invoke(app, ["--quiet", "analyze", str(SAMPLE_TXT), str(SAMPLE_HTML), "--only", "clean"])  # old name: no warning either
    assert res.exit_code == 0 and res.stderr == ""
    res = runner.invoke(app, ["analyze", str(SAMPLE_TXT), str(SAMPLE_HTML), "--only", "boilerplate"])
    assert "2 analyzed, 0 failed" in res.stderr


@pytest.mark.parametrize("option", [["--summary-sentences", "-1"], ["--summary-sentences", "11"], ["--top-k", "0"], ["--batch-size", "0"], ["--kind", "pdf"]])
def test_bad_option_values_exit_2_up_front(option):
    res = runner.invoke(app, ["analyze", str(SAMPLE_TXT), *option])
    assert res.exit_code == 2
    assert "failed:" not in res.stderr


def test_train_file_without_corpus_file_is_refused(tmp_path):
    res = runner.invoke(app, ["train", "topics", "--set", f"data.train_file={ROOT / 'tests/fixtures/topics/news.jsonl'}", f"out_dir={tmp_path / 'm'}"])
    assert res.exit_code == 2 and "data.corpus=file" in res.stderr
