"""Input/output: decoding bytes into text, reading pages and JSON Lines records robustly."""

from bantin.io.decode import decode_bytes, looks_like_html, read_text
from bantin.io.jsonl import JsonlError, iter_jsonl, iter_jsonl_lines, write_jsonl

__all__ = ["decode_bytes", "read_text", "looks_like_html", "iter_jsonl", "iter_jsonl_lines", "write_jsonl", "JsonlError"]
