"""`bantin serve`: the pipeline as an HTTP service (FastAPI + uvicorn, ``pip install 'bantin[serve]'``).

    POST /analyze        one page as JSON: {"text": ...} | {"html": ...} | {"markdown": ...}, optional "id",
                         "only" (stages: boilerplate, topics, summarize), "blocks" (false leaves the labeled blocks out), "kind"
                         -> the ArticleResult as JSON (the same dict as `bantin analyze -f json`)
    POST /analyze/batch  JSON Lines body, one record a line (fields as `bantin analyze` reads them: id, html | text |
                         content | body) -> JSON Lines, one result or failure ({"id", "error"}) per record, in order
    GET  /health         {"status": "ok", "version", "schema_version", "stages"}

Limits: a request body over ``max_bytes`` gets 413 (checked on Content-Length and while reading a chunked body),
a batch over ``max_records`` records gets 413; a body that is not valid JSON or misses the page gets 422; a page that
bantin cannot read (empty, binary, ...) gets 422 with the reason. One process analyzes one page at a time (the models
are not thread-safe); scale with ``--workers`` (each loads the models once).

Stage names are the task names (``bantin.pipeline.STAGES``); the old ones (clean, summary) are still accepted in
"only" and logged as deprecated. ``schema_version`` (``bantin.pipeline.SCHEMA_VERSION``) is 2 since the stage names
changed; a result's JSON is the same as in version 1.
"""

# No `from __future__ import annotations`: FastAPI and pydantic read the annotations of the app's local classes.
import json
import logging
import os
import re
import threading
from typing import Any

from bantin.analyze import strip_stages
from bantin.errors import BantinError, BantinInputError
from bantin.pipeline import SCHEMA_VERSION, STAGE_ALIASES, STAGES, ArticleResult, FailedRecord, Pipeline, resolve_stages

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_RECORDS = 1000

log = logging.getLogger("bantin.serve")

_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_PREFIX = re.compile(r"^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def markdown_to_text(md: str) -> str:
    """Markdown as the line-per-block text bantin's text parser reads: markers, links and images dropped."""
    lines = []
    for line in md.splitlines():
        if re.fullmatch(r"\s*(```.*|[-*_]{3,}\s*)", line):
            continue
        line = _MD_IMAGE.sub("", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_PREFIX.sub("", line)
        line = _MD_EMPHASIS.sub(r"\2", line)
        lines.append(line.rstrip())
    return "\n".join(lines)


class BodyLimitMiddleware:
    """Pure ASGI middleware: 413 for request bodies over ``max_bytes``, declared or streamed."""

    def __init__(self, app: Any, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def _reject(self, scope: Any, receive: Any, send: Any, size: str) -> None:
        from starlette.responses import JSONResponse

        detail = f"request body is {size} bytes, over the {self.max_bytes:,}-byte limit"
        await JSONResponse({"detail": detail}, status_code=413)(scope, receive, send)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(scope, receive, send, f"{int(declared):,}")
            return
        chunks, total = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            total += len(chunks[-1])
            if total > self.max_bytes:
                await self._reject(scope, receive, send, f"more than {self.max_bytes:,}")
                return
            if not message.get("more_body"):
                break
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _result_dict(result: ArticleResult | FailedRecord, only: list[str], blocks: bool) -> dict[str, Any]:
    if isinstance(result, FailedRecord):
        return result.to_dict()
    result = strip_stages(result, only)
    if not blocks:
        result.blocks = []
    return result.to_dict()


def create_app(pipeline: "Pipeline | None" = None, *, max_bytes: int | None = None, max_records: int | None = None):
    """The FastAPI app. Without ``pipeline``, one is loaded from $BANTIN_SERVE_MODELS / $BANTIN_SERVE_ONLY
    (how ``bantin serve`` passes its options to each uvicorn worker)."""
    from typing import Literal

    from fastapi import Body, FastAPI, HTTPException
    from fastapi.responses import Response
    from pydantic import BaseModel, ConfigDict, Field, model_validator

    import bantin

    max_bytes = max_bytes or int(os.environ.get("BANTIN_SERVE_MAX_BYTES", DEFAULT_MAX_BYTES))
    max_records = max_records or int(os.environ.get("BANTIN_SERVE_MAX_RECORDS", DEFAULT_MAX_RECORDS))
    if pipeline is None:
        only = [s for s in os.environ.get("BANTIN_SERVE_ONLY", ",".join(STAGES)).split(",") if s]
        pipeline = Pipeline.load(os.environ.get("BANTIN_SERVE_MODELS") or None, stages=only)
    loaded = pipeline.loaded_stages
    lock = threading.Lock()

    class PageRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        id: str | None = None
        text: str | None = None
        html: str | None = None
        markdown: str | None = None
        kind: Literal["auto", "text", "html"] = "auto"
        only: list[Literal[STAGES + tuple(STAGE_ALIASES)]] | None = Field(  # type: ignore[valid-type]
            default=None, description=f"stages to return: {', '.join(STAGES)} (deprecated: {', '.join(STAGE_ALIASES)})")
        blocks: bool = True

        @model_validator(mode="after")
        def _one_page(self):
            given = [f for f in ("text", "html", "markdown") if getattr(self, f) is not None]
            if len(given) != 1:
                raise ValueError(f"give exactly one of text, html, markdown (got {', '.join(given) or 'none'})")
            return self

    app = FastAPI(title="bantin", version=bantin.__version__, description="Clean, classify and summarize Vietnamese news pages.")
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_bytes)

    def _stages(only: list[str] | None) -> list[str]:
        only = resolve_stages(only or loaded, warn=log.warning)
        missing = [s for s in only if s not in loaded]
        if missing:
            raise HTTPException(400, f"stage(s) {', '.join(missing)} not loaded by this server (loaded: {', '.join(loaded)})")
        return only

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "version": bantin.__version__, "schema_version": SCHEMA_VERSION, "stages": loaded}

    @app.post("/analyze")
    def analyze(req: PageRequest) -> dict[str, Any]:
        only = _stages(req.only)
        if req.markdown is not None:
            source, kind = markdown_to_text(req.markdown), "text"
        else:
            source, kind = (req.html, "html") if req.html is not None else (req.text, req.kind)
        try:
            with lock:
                result = pipeline(source, kind=kind, id=req.id)
        except BantinInputError as exc:
            raise HTTPException(422, str(exc)) from exc
        except BantinError as exc:
            raise HTTPException(500, str(exc)) from exc
        if result.id is None:
            result.id = req.id
        return _result_dict(result, only, req.blocks)

    @app.post("/analyze/batch")
    def analyze_batch(body: bytes = Body(..., media_type="application/x-ndjson"), blocks: bool = True) -> Response:
        from bantin.analyze import AnalyzeOptions, analyze_records
        from bantin.io.inputs import InputRecord, record_to_input
        from bantin.io.jsonl import parse_object

        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise HTTPException(400, f"the body is not UTF-8 JSON Lines ({exc})") from exc
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        if not lines:
            raise HTTPException(400, "empty body: send JSON Lines, one record ({\"id\", \"text\" | \"html\"}) a line")
        if len(lines) > max_records:
            raise HTTPException(413, f"{len(lines)} records, over the {max_records}-record batch limit")
        records = []
        for n, line in lines:
            try:
                records.append(record_to_input(parse_object(line), f"line:{n}"))
            except ValueError as exc:
                records.append(InputRecord(id=f"line:{n}", error=f"malformed JSON line ({exc})"))
        with lock:
            results = list(analyze_records(iter(records), pipeline, AnalyzeOptions()))
        out = "".join(json.dumps(_result_dict(r, loaded, blocks), ensure_ascii=False) + "\n" for r in results)
        return Response(out, media_type="application/x-ndjson")

    return app


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1, models: str | None = None, only: list[str] | None = None,
          max_bytes: int = DEFAULT_MAX_BYTES, max_records: int = DEFAULT_MAX_RECORDS, log_level: str = "info") -> None:
    """Run the service with uvicorn (blocking). Options reach every worker process through the environment."""
    try:
        import uvicorn
    except ImportError as exc:
        raise BantinError("bantin serve needs FastAPI and uvicorn: pip install 'bantin[serve]'") from exc
    os.environ["BANTIN_SERVE_MODELS"] = models or ""
    only = resolve_stages(only or STAGES)
    os.environ["BANTIN_SERVE_ONLY"] = ",".join(only)
    os.environ["BANTIN_SERVE_MAX_BYTES"] = str(max_bytes)
    os.environ["BANTIN_SERVE_MAX_RECORDS"] = str(max_records)
    Pipeline.load(models or None, stages=only)  # fail fast (exit 2) on a bad model folder, before uvicorn starts
    uvicorn.run("bantin.serve:create_app", factory=True, host=host, port=port, workers=workers, log_level=log_level)
