"""The shapes of etcd's HTTP answers that several endpoints share: CORS headers, Go's JSON, its plain
404 and 405 pages, and the `{"message": ...}` errors of the members, stats and auth handlers."""

from __future__ import annotations

import json

from .errors import EtcdError
from .http import Answer

# Headers etcd's CORS layer (default --cors=*) puts on every answer.
CORS = {
    "Access-Control-Allow-Headers": "accept, content-type, authorization",
    "Access-Control-Allow-Methods": "POST, GET, OPTIONS, PUT, DELETE",
    "Access-Control-Allow-Origin": "*",
}
JSON = "application/json"
TEXT = "text/plain; charset=utf-8"


def go_json(value: object) -> bytes:
    """JSON as Go's encoder writes it: compact, UTF-8, with <, > and & escaped."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text.encode("utf-8", "surrogatepass")


def error_answer(error: EtcdError, headers: dict[str, str]) -> Answer:
    """etcd's v2 error: its JSON and a newline, with X-Etcd-Index set to the error's index."""
    return Answer(error.status, {**headers, "X-Etcd-Index": str(error.index)}, go_json(error.to_json()) + b"\n")


def message(status: int, text: str, headers: dict[str, str] | None = None) -> Answer:
    """etcd's HTTPError: `{"message": ...}` with no newline."""
    return Answer(status, {**CORS, "Content-Type": JSON, **(headers or {})}, go_json({"message": text}))


def not_found() -> Answer:
    return Answer(404, {**CORS, "Content-Type": TEXT, "X-Content-Type-Options": "nosniff"}, b"404 page not found\n")


def method_not_allowed(allowed: str) -> Answer:
    headers = {**CORS, "Allow": allowed, "Content-Type": TEXT, "X-Content-Type-Options": "nosniff"}
    return Answer(405, headers, b"Method Not Allowed\n")
