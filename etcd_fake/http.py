"""HTTP/1.1 on a socket, framed as etcd's Go server frames it: keep-alive connections, `Date`, a
`Content-Length` for answers of up to 2048 bytes and chunks past that, and waits whose headers go out
at once and whose events follow as chunks."""

from __future__ import annotations

import re
import select
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from typing import BinaryIO
from urllib.parse import unquote_to_bytes

MAX_HEADER_BYTES = 1 << 20  # Go's http.DefaultMaxHeaderBytes
MAX_BODY_BYTES = 10 << 20  # what the fake reads of a request body (Go reads 10 MiB of a form body)
_BUFFER = 2048  # Go answers with Content-Length when the whole body fits its first buffer
DISCONNECT_POLL = 0.25  # how often a held wait checks whether its client went away


@dataclass
class Request:
    method: str
    path: str  # percent-decoded, as Go's URL.Path
    query: str  # raw, as Go's URL.RawQuery
    headers: dict[str, str]  # names lower-cased
    body: bytes


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict[str, str])
    body: bytes = b""
    # A wait: the headers go out at once, then each chunk this yields as it comes (None: keep waiting).
    chunks: Iterator[bytes | None] | None = None
    # Called when the answer is over, whether it was written whole or the client went away.
    done: Callable[[], None] | None = None


class BadRequest(Exception):
    """The request cannot be read as HTTP: answered with a plain 400 (or 431) and the connection closed."""

    def __init__(self, status: int = 400) -> None:
        super().__init__(status)
        self.status = status


def _read_line(reader: BinaryIO, budget: list[int]) -> bytes:
    line = reader.readline(budget[0] + 1)
    budget[0] -= len(line)
    if budget[0] < 0:
        raise BadRequest(431)
    return line


def read_request(reader: BinaryIO) -> Request | None:
    """The next request on a connection, or None when the client closed it."""
    budget = [MAX_HEADER_BYTES]
    line = _read_line(reader, budget)
    while line in (b"\r\n", b"\n"):  # Go skips blank lines before a request
        line = _read_line(reader, budget)
    if not line:
        return None
    parts = line.decode("latin-1").rstrip("\r\n").split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise BadRequest
    method, target, _version = parts
    headers: dict[str, str] = {}
    while True:
        raw = _read_line(reader, budget)
        if raw in (b"\r\n", b"\n", b""):
            break
        name, sep, value = raw.decode("latin-1").partition(":")
        if not sep:
            raise BadRequest
        headers.setdefault(name.strip().lower(), value.strip())  # Go's Header.Get: the first of a name
    if _version == "HTTP/1.0" and headers.get("connection", "").lower() != "keep-alive":
        headers.setdefault("connection", "close")
    body = _read_body(reader, headers)
    raw_path, _, query = target.partition("?")
    if BAD_ESCAPE.search(raw_path):  # Go refuses such a URL before any handler sees it
        raise BadRequest
    # The request line's bytes as sent (read as latin-1, one character a byte), then percent-decoded.
    path = unquote_to_bytes(raw_path.encode("latin-1")).decode("utf-8", "replace")
    return Request(method, path, query, headers, body)


BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")  # a "%" not followed by two hex digits


def _read_body(reader: BinaryIO, headers: dict[str, str]) -> bytes:
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size_line = reader.readline(1024)
            try:
                size = int(size_line.split(b";")[0].strip(), 16)
            except ValueError:
                raise BadRequest from None
            if size == 0:
                while reader.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return body
            if size < 0 or len(body) + size > MAX_BODY_BYTES:
                raise BadRequest
            body += reader.read(size)
            reader.readline(2)
    length = headers.get("content-length")
    if length is None:
        return b""
    if not (length.isascii() and length.isdigit()) or int(length) > MAX_BODY_BYTES:
        raise BadRequest
    body = reader.read(int(length))
    if len(body) != int(length):
        raise BadRequest
    return body


def _head(status: int, headers: dict[str, str], extra: list[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}"]
    lines += [f"{name}: {value}" for name, value in sorted(headers.items())]
    lines.append(f"Date: {formatdate(usegmt=True)}")
    lines += [f"{name}: {value}" for name, value in extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def write_answer(sock: socket.socket, method: str, answer: Answer, stopping: threading.Event) -> None:
    headers = dict(answer.headers)
    sniffed: list[tuple[str, str]] = []  # Go adds a Content-Type the handler did not set, after the others
    if "Content-Type" not in headers and (answer.body or answer.chunks is not None):
        sniffed = [("Content-Type", "text/plain; charset=utf-8")]
    if answer.chunks is None:
        body = b"" if method == "HEAD" else answer.body
        if len(answer.body) <= _BUFFER or method == "HEAD":
            sock.sendall(_head(answer.status, headers, [("Content-Length", str(len(answer.body))), *sniffed]) + body)
        else:
            sock.sendall(
                _head(answer.status, headers, [("Transfer-Encoding", "chunked"), *sniffed]) + _chunk(body) + b"0\r\n\r\n"
            )
        return
    try:
        sock.sendall(_head(answer.status, headers, [("Transfer-Encoding", "chunked"), *sniffed]))
        for data in answer.chunks:
            if data is not None:
                sock.sendall(_chunk(data))
            elif stopping.is_set() or _peer_closed(sock):
                raise ConnectionAbortedError
        sock.sendall(b"0\r\n\r\n")
    finally:
        if answer.done is not None:
            answer.done()


def _peer_closed(sock: socket.socket) -> bool:
    """Whether the client of a held wait went away. Over TLS nothing can be peeked at: a client that
    sends anything while it waits (python-etcd never does) is taken as gone too."""
    readable, _, _ = select.select([sock], (), (), 0)
    if not readable:
        return False
    try:
        if isinstance(sock, ssl.SSLSocket):
            sock.setblocking(False)
            try:
                sock.recv(1)
            finally:
                sock.setblocking(True)
            return True
        return sock.recv(1, socket.MSG_PEEK) == b""
    except ssl.SSLWantReadError:  # part of a TLS record: nothing to read yet
        return False
    except OSError:
        return True


def serve_connection(sock: socket.socket, handle: Callable[[Request], Answer], stopping: threading.Event) -> None:
    """Answer the requests on one connection until the client closes it, asks to, or the server stops."""
    reader = sock.makefile("rb")
    try:
        while not stopping.is_set():
            try:
                request = read_request(reader)
            except BadRequest as bad:
                phrase = HTTPStatus(bad.status).phrase
                sock.sendall(f"HTTP/1.1 {bad.status} {phrase}\r\nContent-Type: text/plain; charset=utf-8\r\n"
                             f"Connection: close\r\n\r\n{bad.status} {phrase}".encode())  # fmt: skip
                return
            if request is None:
                return
            write_answer(sock, request.method, handle(request), stopping)
            if request.headers.get("connection", "").lower() == "close":
                return
    except OSError:  # the client went away, or the server closed the socket to stop
        return
    finally:
        reader.close()
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
