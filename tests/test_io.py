"""JSONL reading and batch input enumeration: nothing is dropped silently."""

import gzip
import json

import pytest

from bantin.errors import BantinInputError
from bantin.io import iter_jsonl, iter_jsonl_lines, write_jsonl
from bantin.io.inputs import iter_inputs
from bantin.io.jsonl import JsonlError


def test_jsonl_reports_bad_lines(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text('{"id": 1}\n\n{broken\n[1, 2]\n{"id": 2}\n', encoding="utf-8")
    items = list(iter_jsonl(f, errors="report"))
    assert [type(i) for i in items] == [dict, JsonlError, JsonlError, dict]
    assert items[1].line_no == 3 and "malformed" in items[1].reason and items[2].line_no == 4
    with pytest.raises(BantinInputError, match=":3: malformed"):
        list(iter_jsonl(f))
    assert [r["id"] for r in iter_jsonl(f, errors="report") if isinstance(r, dict)] == [1, 2]


def test_jsonl_lines_carry_true_line_numbers_and_sample(tmp_path):
    f = tmp_path / "c.jsonl"
    f.write_text('{"id": 1}\n\n{broken\n{"id": 4}\n{"id": 5}\n', encoding="utf-8")
    got = list(iter_jsonl_lines(f, errors="report"))
    assert [n for n, _ in got] == [1, 3, 4, 5]  # the blank line 2 is skipped but still counted
    assert isinstance(got[1][1], JsonlError) and got[3][1] == {"id": 5}
    # every/offset: only lines 2 and 4 ((n - 1) % 2 == 1) are parsed; line 2 is blank
    assert list(iter_jsonl_lines(f, every=2, offset=1)) == [(4, {"id": 4})]
    assert list(iter_jsonl_lines(f, errors="report", limit=1)) == [(1, {"id": 1})]


def test_jsonl_gzip_round_trip_and_limit(tmp_path):
    f = tmp_path / "b.jsonl.gz"
    assert write_jsonl(f, ({"i": i, "t": "Hà Nội"} for i in range(5))) == 5
    with gzip.open(f, "rt", encoding="utf-8") as fh:
        assert json.loads(fh.readline())["t"] == "Hà Nội"
    assert [r["i"] for r in iter_jsonl(f, limit=3)] == [0, 1, 2]


def test_iter_inputs_files_dirs_globs_jsonl_and_failures(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.txt").write_text("Tiêu đề\nNội dung bài viết.", encoding="utf-8")
    (tmp_path / "pages" / "b.html").write_text("<html><body><h1>T</h1><p>x</p><p>y</p></body></html>", encoding="utf-8")
    (tmp_path / "pages" / "empty.txt").write_bytes(b"")
    (tmp_path / "pages" / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "pages" / "ignored.png").write_bytes(b"\x89PNG")
    recs = tmp_path / "recs.jsonl"
    recs.write_text('{"id": "x1", "text": "Tiêu đề\\nThân bài."}\nnot json\n{"id": "x2"}\n{"id": "x3", "html": "<p>a</p><p>b</p><p>c</p>"}\n', encoding="utf-8")
    out = list(iter_inputs([str(tmp_path / "pages"), str(recs), str(tmp_path / "missing.txt"), str(tmp_path / "pages" / "*.txt")]))
    ids = [r.id for r in out]
    assert ids[:4] == ["a", "b", "bin", "empty"]
    assert ids[4:8] == ["x1", "recs.jsonl:2", "x2", "x3"]
    by_id = {r.id: r for r in out}
    assert by_id["a"].error is None and "Nội dung" in by_id["a"].content
    assert "binary" in by_id["bin"].error and "empty" in by_id["empty"].error
    assert "malformed" in by_id["recs.jsonl:2"].error and "no non-empty text field" in by_id["x2"].error
    assert by_id["x3"].kind == "html"
    assert "no such file" in out[8].error
    assert [r.id for r in out[9:]] == ["a", "bin", "empty"]  # the glob
