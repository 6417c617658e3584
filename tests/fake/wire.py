"""Raw HTTP to an etcd (real or fake) and the comparison of two answers, for the differential tests.

An answer is compared on its status, the headers python-etcd and other clients read, and its body.
Only what must differ between two servers is normalised: indexes are compared as offsets from where
each server stood when the comparison began, `expiration` times are left out and a `ttl` may differ
by one second (both are wall-clock readings), and a directory listing not asked to be sorted is
sorted (etcd lists a directory in Go's random map order).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Union
from urllib.parse import urlencode

# A JSON value, as an answer's body holds it.
JSON = Union[dict[str, "JSON"], list["JSON"], str, int, float, bool, None]

COMPARED: Counter[str] = Counter()  # pairs of answers compared, by test
DIFFERENCES: Counter[str] = Counter()  # of which differed

# Headers compared by value (besides the indexes, which are compared as offsets).
COMPARED_HEADERS = (
    "Content-Type", "X-Etcd-Cluster-Id", "X-Raft-Term", "Allow", "Location", "X-Content-Type-Options",
    "Access-Control-Allow-Headers", "Access-Control-Allow-Methods", "Access-Control-Allow-Origin",
)  # fmt: skip


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    chunked: bool

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Server:
    """One server's address and where its indexes stood when the comparison began."""

    name: str
    port: int
    etcd_base: int = 0
    reads_before: int = 0  # reads of /v2/keys/ made while it started, before the tests' first request
    stats_base: dict[str, int] = field(default_factory=dict[str, int])
    _connection: http.client.HTTPConnection | None = field(default=None, repr=False)

    def request(
        self,
        method: str,
        path: str,
        query: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        *,
        raw_body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 10,
    ) -> Answer:
        target = path + ("?" + urlencode(query) if query else "")
        body = raw_body if raw_body is not None else (urlencode(form).encode() if form is not None else None)
        sent = dict(headers or {})
        if form is not None and raw_body is None:
            sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        connection = self._connection or http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        self._connection = None
        try:
            connection.request(method, target, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        except Exception:
            connection.close()
            raise
        if response.getheader("Connection", "").lower() != "close":
            self._connection = connection  # kept alive for the next request, as clients do
        else:
            connection.close()
        chunked = response.getheader("Transfer-Encoding", "") == "chunked"
        return Answer(response.status, dict(response.getheaders()), data, chunked)

    def etcd_index(self) -> int:
        return int(self.request("GET", "/v2/keys/").headers["X-Etcd-Index"])

    def stats(self) -> dict[str, int]:
        return dict(self.request("GET", "/v2/stats/store").json())

    def begin(self) -> None:
        """Take the server's current index as the base the next answers' indexes are offsets from, and
        its counters as the base of `counted()`."""
        self.stats_base = self.stats()
        self.etcd_base = self.etcd_index()

    def counted(self) -> dict[str, int]:
        """How far /v2/stats/store's counters moved since begin() (but "watchers", a current count)."""
        now = self.stats()
        return {name: now[name] - self.stats_base[name] for name in now if name != "watchers"}

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class Wait:
    """A wait (`?wait=true`) on a connection of its own. Both servers send a wait's headers as soon as
    it is registered, so the constructor returns only once they have come: what is sent next cannot
    overtake it. Its body (the event) is read by a thread."""

    def __init__(self, server: Server, path: str, query: dict[str, str]) -> None:
        self.target = path + "?" + urlencode(query)
        self._connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        self._connection.request("GET", self.target)
        self._response = self._connection.getresponse()
        self.answer: Answer | None = None
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        response = self._response
        try:
            data = response.read()
        except (OSError, http.client.HTTPException):  # closed unanswered
            return
        chunked = response.getheader("Transfer-Encoding", "") == "chunked"
        self.answer = Answer(response.status, dict(response.getheaders()), data, chunked)

    def join(self, timeout: float) -> bool:
        """Whether the wait has ended (been answered) within `timeout` seconds."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def close(self) -> None:
        """Close the wait's connection (as a client that stops waiting does, if it is unanswered)."""
        sock = self._connection.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:  # the server closed it already
                pass
        self._thread.join(5)
        self._connection.close()


class Stream:
    """A stream wait (`?wait=true&stream=true`) read off its raw connection: the events so far. Like a
    Wait, it returns once the server has sent the headers, that is, once the wait is registered."""

    def __init__(self, server: Server, path: str, query: dict[str, str]) -> None:
        self.server = server
        self._socket = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        self._socket.sendall(f"GET {path}?{urlencode(query)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        self._data = b""
        while b"\r\n\r\n" not in self._data:
            chunk = self._socket.recv(65536)
            assert chunk, "the server closed a stream wait before answering it"
            self._data += chunk

    def events(self, settle: float) -> list[Any]:
        """Every event received, read until nothing more comes for `settle` seconds; then closed."""
        self._socket.settimeout(settle)
        try:
            while chunk := self._socket.recv(65536):
                self._data += chunk
        except socket.timeout:  # TimeoutError from 3.10 on
            pass
        self._socket.close()
        head, _, body = self._data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 OK\r\n") and b"Transfer-Encoding: chunked" in head
        lines = [line for line in body.split(b"\r\n") if line.startswith(b"{")]
        return [_normalise_json(json.loads(line), self.server.etcd_base, False) for line in lines]


def normalise(answer: Answer, server: Server, *, sorted_listing: bool) -> dict[str, Any]:
    """What of an answer two etcd servers must agree on."""
    headers: dict[str, Any] = {name: answer.headers[name] for name in COMPARED_HEADERS if name in answer.headers}
    for name in ("X-Etcd-Index",):
        if name in answer.headers:
            value = int(answer.headers[name])
            headers[name] = value - server.etcd_base if value else 0
    headers["has X-Raft-Index"] = "X-Raft-Index" in answer.headers
    out: dict[str, Any] = {"status": answer.status, "headers": headers, "chunked": answer.chunked}
    if answer.headers.get("Content-Type") == "application/json" and answer.body:
        body = json.loads(answer.body)
        out["body"] = _normalise_json(body, server.etcd_base, sorted_listing)
        out["newline"] = answer.body.endswith(b"\n")
    else:
        out["body"] = answer.body
    return out


def _normalise_json(value: JSON, base: int, sorted_listing: bool) -> JSON:
    if isinstance(value, dict):
        out: dict[str, JSON] = {}
        for key, item in value.items():
            if key == "expiration":
                out[key] = "<time>"
            elif isinstance(item, int) and (key in ("modifiedIndex", "createdIndex") or (key == "index" and item)):
                out[key] = item - base
            elif key == "key" and isinstance(item, str):
                out[key] = _normalise_in_order_key(item, base)
            elif key == "cause" and isinstance(item, str):
                out[key] = _normalise_cause(item, base)
            else:
                out[key] = _normalise_json(item, base, sorted_listing)
        nodes = out.get("nodes")
        if isinstance(nodes, list) and not sorted_listing:
            out["nodes"] = sorted(nodes, key=lambda node: str(node.get("key", "")) if isinstance(node, dict) else "")
        return out
    if isinstance(value, list):
        return [_normalise_json(item, base, sorted_listing) for item in value]
    return value


def _normalise_in_order_key(key: str, base: int) -> str:
    """An in-order (POST) key is named after its index: name it by its offset instead."""
    parts = key.split("/")
    return "/".join(f"<{int(p) - base}>" if len(p) == 20 and p.isdigit() else p for p in parts)


def _normalise_cause(cause: str, base: int) -> str:
    for part in cause.split("/"):
        if len(part) == 20 and part.isdigit():
            cause = cause.replace(part, f"<{int(part) - base}>")
    return cause


def ttls_close(a: JSON, b: JSON) -> bool:
    """Equal, but for `ttl` values that differ by at most one second."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return False
        return all(_ttl_close(a[k], b[k]) if k == "ttl" else ttls_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(ttls_close(x, y) for x, y in zip(a, b))
    return a == b


def _ttl_close(a: JSON, b: JSON) -> bool:
    if isinstance(a, int) and isinstance(b, int):
        return abs(a - b) <= 1
    return a == b


def assert_same(real: Server, fake: Server, answers: tuple[Answer, Answer], *, sorted_listing: bool = False) -> None:
    """The two servers' answers to the same request agree, but for what must differ (see above)."""
    test = os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0]
    expected, actual = (
        normalise(answers[0], real, sorted_listing=sorted_listing),
        normalise(answers[1], fake, sorted_listing=sorted_listing),
    )
    COMPARED[test] += 1
    if not ttls_close(expected, actual):
        DIFFERENCES[test] += 1
        assert actual == expected, f"etcd 3.5.1 answered {answers[0]!r}, the fake {answers[1]!r}"
