"""`bantin serve`: the FastAPI app with its test client, and one real uvicorn process on 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

from bantin import Pipeline  # noqa: E402
from bantin.serve import create_app, markdown_to_text  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TEXT = (ROOT / "data" / "samples" / "laodongthudo.txt").read_text(encoding="utf-8")
HTML = (ROOT / "data" / "samples" / "article.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def nlp() -> Pipeline:
    return Pipeline.load()


@pytest.fixture(scope="module")
def client(nlp) -> TestClient:
    return TestClient(create_app(nlp, max_bytes=200_000, max_records=3))


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "version": "0.1.0", "schema_version": 2,
                                             "stages": ["boilerplate", "topics", "summarize"]}


def test_analyze_text_html_markdown_equal_the_pipeline(client, nlp):
    r = client.post("/analyze", json={"text": TEXT, "id": "p1"})
    assert r.status_code == 200 and r.json() == nlp(TEXT, id="p1").to_dict()
    r = client.post("/analyze", json={"html": HTML})
    assert r.status_code == 200 and r.json() == nlp(HTML, kind="html").to_dict()
    md = "# Tiêu đề bài báo\n\n**Hà Nội** mở thêm [tuyến xe buýt](http://x.vn) điện.\n\n- ý một\n"
    r = client.post("/analyze", json={"markdown": md, "blocks": False, "only": ["boilerplate", "topics"]})
    assert r.status_code == 200
    assert r.json()["blocks"] == [] and r.json()["summary"] == ""
    assert markdown_to_text(md) == "Tiêu đề bài báo\n\nHà Nội mở thêm tuyến xe buýt điện.\n\ný một"


def test_bad_requests_get_clear_4xx(client):
    r = client.post("/analyze", json={"text": ""})
    assert r.status_code == 422 and r.json()["detail"] == "input is empty"
    r = client.post("/analyze", json={"text": "a", "html": "b"})
    assert r.status_code == 422 and "exactly one of text, html, markdown" in r.text
    assert client.post("/analyze", json={"txt": TEXT}).status_code == 422  # unknown field
    assert client.post("/analyze", content=b"{not json", headers={"content-type": "application/json"}).status_code == 422
    r = client.post("/analyze", json={"text": "x" * 300_000})
    assert r.status_code == 413 and "200,000-byte limit" in r.json()["detail"]

    def chunks():  # no Content-Length: the limit holds while reading
        for _ in range(30):
            yield b"x" * 10_000

    assert client.post("/analyze", content=chunks(), headers={"content-type": "application/json"}).status_code == 413
    r = client.post("/analyze", json={"text": TEXT, "only": ["summarize", "bogus"]})
    assert r.status_code == 422
    small = TestClient(create_app(Pipeline.load(stages=["boilerplate"])))
    r = small.post("/analyze", json={"text": TEXT, "only": ["topics"]})
    assert r.status_code == 400 and "not loaded" in r.json()["detail"]


def test_batch_is_jsonl_in_order_with_failures(client, nlp):
    body = "\n".join([json.dumps({"id": "a", "text": TEXT}), "{bad", json.dumps({"id": "e", "text": ""})]) + "\n"
    r = client.post("/analyze/batch", content=body.encode(), headers={"content-type": "application/x-ndjson"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(x) for x in r.text.splitlines()]
    assert [x["id"] for x in rows] == ["a", "line:2", "e"]
    assert rows[0] == nlp(TEXT, id="a").to_dict()
    assert rows[1]["error"].startswith("malformed JSON line") and rows[2]["error"].startswith("record has no non-empty text")
    assert client.post("/analyze/batch", content=("{}\n" * 4).encode()).status_code == 413
    assert client.post("/analyze/batch", content=b"\xff\xfe\x00").status_code == 400
    assert client.post("/analyze/batch", content=b"").status_code in (400, 422)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_real_uvicorn_process_on_loopback():
    import httpx

    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""), OMP_NUM_THREADS="1")
    http = httpx.Client(trust_env=False, timeout=60)  # loopback only: no proxy from the environment
    proc = subprocess.Popen([sys.executable, "-m", "bantin", "serve", "--host", "127.0.0.1", "--port", str(port), "--only", "boilerplate,topics"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:  # bounded wait for the server to come up
            assert proc.poll() is None, proc.stdout.read().decode(errors="replace")[-2000:]
            try:
                if http.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start in 120 s"
            time.sleep(0.5)
        r = http.post(f"http://127.0.0.1:{port}/analyze", json={"text": TEXT, "id": "real"})
        assert r.status_code == 200 and r.json()["id"] == "real" and r.json()["topics"] and r.json()["summary"] == ""
        assert http.post(f"http://127.0.0.1:{port}/analyze", json={"text": ""}).status_code == 422
    finally:
        http.close()
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_serve_cli_rejects_bad_options_before_starting():
    from typer.testing import CliRunner

    from bantin.cli import app

    res = CliRunner().invoke(app, ["serve", "--only", "bogus"])
    assert res.exit_code == 2 and "--only takes" in res.output
    res = CliRunner().invoke(app, ["serve", "--models", "/no/such/models"])
    assert res.exit_code == 2 and "does not exist" in res.output
