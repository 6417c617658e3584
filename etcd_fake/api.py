"""The v2 API over HTTP: each request to a member answered as etcd 3.5's client handler answers it.

Routes: /v2/keys (the store), /v2/members, /v2/machines, /v2/stats/{self,leader,store}, /version,
/health, /v2/auth/* (auth.py); anything else is Go's 404 page. Requests are read as Go reads them
(form values from the body before the query, `strconv` booleans and numbers) and every malformed
one gets etcd's own error answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from . import errors
from .answers import CORS, JSON, error_answer, go_json, message, method_not_allowed, not_found
from .auth import Auth
from .cluster import CLUSTER_VERSION, SERVER_VERSION, Cluster, Member
from .errors import EtcdError
from .http import DISCONNECT_POLL, Answer, Request
from .store import COMPARE_AND_SWAP, CREATE, SET, UPDATE, Event, Watcher, clean, format_time

_MIN_EXPIRE_NS = 946_684_800 * 1_000_000_000  # etcd takes an expiry before 2000 as none at all
_KEY_METHODS = ("HEAD", "GET", "PUT", "POST", "DELETE")


def go_duration(ns: int) -> str:
    """A duration as Go's time.Duration.String writes it ("1.5s", "2m3.000000001s", "350µs")."""
    if ns == 0:
        return "0s"
    sign, ns = ("-" if ns < 0 else ""), abs(ns)
    if ns < 1_000_000_000:
        for unit, scale, digits in (("ns", 1, 0), ("µs", 1_000, 3), ("ms", 1_000_000, 6)):
            if ns < scale * 1000:
                whole, frac = divmod(ns, scale)
                text = str(whole) + (("." + f"{frac:0{digits}d}".rstrip("0")) if frac else "")
                return sign + text + unit
    seconds, frac = divmod(ns, 1_000_000_000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = str(seconds) + (("." + f"{frac:09d}".rstrip("0")) if frac else "") + "s"
    if hours or minutes:
        text = f"{minutes}m" + text
    if hours:
        text = f"{hours}h" + text
    return sign + text


# Go's request parsing.


def _unescape(text: str) -> str:
    """Go's url.QueryUnescape: "+" is a space, and a "%" must start two hex digits."""
    raw = bytearray()
    i = 0
    data = text.encode("latin-1")  # the bytes as sent: the query and body are read one character a byte
    while i < len(data):
        byte = data[i]
        if byte == 0x25:  # %
            pair = data[i + 1 : i + 3]
            if len(pair) < 2 or any(chr(b) not in "0123456789abcdefABCDEF" for b in pair):
                bad = data[i : i + 3].decode("utf-8", "replace")
                raise ValueError(f"invalid URL escape {json.dumps(bad)}")
            raw.append(int(pair, 16))
            i += 3
            continue
        raw.append(0x20 if byte == 0x2B else byte)
        i += 1
    return raw.decode("utf-8", "replace")


def parse_query(query: str, form: dict[str, list[str]]) -> str | None:
    """Go 1.16's url.ParseQuery into `form`: pairs split at "&" or ";"; returns the first error."""
    error = None
    for pair in query.replace(";", "&").split("&"):
        if not pair:
            continue
        key, _, value = pair.partition("=")
        try:
            form.setdefault(_unescape(key), []).append(_unescape(value))
        except ValueError as bad:
            error = error or str(bad)
    return error


def parse_form(request: Request) -> dict[str, list[str]]:
    """Go's Request.ParseForm: a urlencoded PUT or POST body first, then the query."""
    form: dict[str, list[str]] = {}
    error = None
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.method in ("PUT", "POST", "PATCH") and content_type == "application/x-www-form-urlencoded":
        error = parse_query(request.body.decode("latin-1"), form)
    query_error = parse_query(request.query, form)
    if error or query_error:
        raise EtcdError(errors.INVALID_FORM, error or query_error or "")
    return form


def _bool(form: dict[str, list[str]], name: str, cause: str | None = None) -> bool:
    if name not in form:
        return False
    value = form[name][0]
    if value in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if value in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    raise EtcdError(errors.INVALID_FIELD, cause or f'invalid value for "{name}"')


def _uint(form: dict[str, list[str]], name: str, code: int) -> int:
    if name not in form:
        return 0
    value = form[name][0]
    if not (value.isascii() and value.isdigit()) or int(value) >= 1 << 64:
        raise EtcdError(code, f'invalid value for "{name}"')
    return int(value)


def _int64(value: int) -> int:
    return (value + (1 << 63)) % (1 << 64) - (1 << 63)


class KeyRequest:
    """A /v2/keys request as etcd's parseKeyRequest reads it, its checks in etcd's order."""

    method: str
    key: str
    prev_index: int
    wait_index: int
    recursive: bool
    sorted: bool
    wait: bool
    dir: bool
    quorum: bool
    stream: bool
    prev_value: str
    no_value_on_success: bool
    expire_ns: int | None
    prev_exist: bool | None
    refresh: bool
    value: str

    def __init__(self, request: Request, now_ns: int) -> None:
        form = parse_form(request)
        self.method = request.method
        self.key = clean(request.path[len("/v2/keys") :])
        self.prev_index = _uint(form, "prevIndex", errors.INDEX_NAN)
        self.wait_index = _uint(form, "waitIndex", errors.INDEX_NAN)
        self.recursive = _bool(form, "recursive")
        self.sorted = _bool(form, "sorted")
        self.wait = _bool(form, "wait")
        self.dir = _bool(form, "dir")
        self.quorum = _bool(form, "quorum")
        self.stream = _bool(form, "stream")
        if self.wait and request.method != "GET":
            raise EtcdError(errors.INVALID_FIELD, '"wait" can only be used with GET requests')
        self.prev_value = form.get("prevValue", [""])[0]
        if "prevValue" in form and not self.prev_value:
            raise EtcdError(errors.PREV_VALUE_REQUIRED, '"prevValue" cannot be empty')
        self.no_value_on_success = _bool(form, "noValueOnSuccess")
        self.expire_ns = None
        if form.get("ttl", [""])[0]:
            ttl = _uint(form, "ttl", errors.TTL_NAN)
            self.expire_ns = now_ns + _int64(_int64(ttl) * 1_000_000_000)
        self.prev_exist = _bool(form, "prevExist", "invalid value for prevExist") if "prevExist" in form else None
        self.refresh = _bool(form, "refresh", "invalid value for refresh")
        self.value = form.get("value", [""])[0]
        if self.refresh:
            if self.value:
                raise EtcdError(errors.REFRESH_VALUE, "A value was provided on a refresh")
            if self.expire_ns is None:
                raise EtcdError(errors.REFRESH_TTL_REQUIRED, "No TTL value set")

    @property
    def writes(self) -> bool:
        return self.method in ("PUT", "POST", "DELETE")


class Api:
    """One member's client handler."""

    def __init__(self, cluster: Cluster, member: Member, auth: Auth) -> None:
        self.cluster = cluster
        self.member = member
        self.auth = auth

    def handle(self, request: Request) -> Answer:
        if request.method == "OPTIONS":  # etcd's CORS layer answers these itself
            return Answer(200, dict(CORS))
        path = request.path
        cleaned = _clean_url_path(path)
        if cleaned != path:
            return _redirect(request, cleaned)
        if path == "/v2/keys" or path.startswith("/v2/keys/"):
            return self.keys(request)
        if path == "/version":
            if request.method != "GET":
                return method_not_allowed("GET")
            return Answer(
                200, {**CORS, "Content-Type": JSON}, go_json({"etcdserver": SERVER_VERSION, "etcdcluster": CLUSTER_VERSION})
            )
        if path == "/health":
            if request.method != "GET":
                return method_not_allowed("GET")
            self.cluster.propose()  # etcd checks its health with a quorum read
            self.cluster.store.count_get(True)
            return Answer(200, dict(CORS), go_json({"health": "true", "reason": ""}))
        if path == "/v2/machines":
            if request.method not in ("GET", "HEAD"):
                return method_not_allowed("GET,HEAD")
            urls = sorted(url for m in self.cluster.members for url in m.client_urls)
            return Answer(200, dict(CORS), ", ".join(urls).encode())
        if path == "/v2/members" or path.startswith("/v2/members/"):
            return self.members(request)
        if path in ("/v2/stats/self", "/v2/stats/leader", "/v2/stats/store"):
            if request.method != "GET":
                return method_not_allowed("GET")
            return self.stats(path.rsplit("/", 1)[1])
        if path.startswith("/v2/auth/"):
            return self.auth.handle(request)
        return not_found()

    # /v2/keys

    def keys(self, request: Request) -> Answer:
        if request.method not in _KEY_METHODS:
            return method_not_allowed(",".join(_KEY_METHODS))
        headers = {**CORS, "Content-Type": JSON, "X-Etcd-Cluster-Id": format(self.cluster.id, "x")}
        try:
            parsed = KeyRequest(request, self.cluster.clock.now_ns())
            if not self.auth.may_access(request, parsed.recursive, parsed.writes):
                raise EtcdError(errors.UNAUTHORIZED, "Insufficient credentials")
            if parsed.method == "GET" and parsed.wait and not parsed.quorum:
                watcher = self.cluster.store.watch(parsed.key, parsed.recursive, parsed.stream, parsed.wait_index)
                return self._watch(watcher, headers)
            event = self._apply(parsed)
        except EtcdError as error:
            return error_answer(error, headers)
        status = 201 if event.action == CREATE or (event.action == SET and event.prev_node is None) else 200
        headers.update(self._indexes(event.etcd_index))
        body = event.to_json()
        if parsed.no_value_on_success and event.action in (SET, COMPARE_AND_SWAP, CREATE, UPDATE):
            body = {"action": event.action}
        return Answer(status, headers, go_json(body) + b"\n")

    def _indexes(self, etcd_index: int) -> dict[str, str]:
        return {
            "X-Etcd-Index": str(etcd_index),
            "X-Raft-Index": str(self.cluster.raft_index),
            "X-Raft-Term": str(self.cluster.term),
        }

    def _apply(self, r: KeyRequest) -> Event:
        store = self.cluster.store
        if r.method in ("GET", "HEAD"):
            if r.method == "GET" and r.quorum:
                self.cluster.propose()
            return store.get(r.key, r.recursive, r.sorted)
        self.cluster.propose()  # a write takes its place in the raft log whether or not it succeeds
        expire = r.expire_ns
        if r.method == "POST":
            return store.create(r.key, r.dir, r.value, True, _create_expiry(expire))
        if r.method == "DELETE":
            if r.prev_index or r.prev_value:
                return store.compare_and_delete(r.key, r.prev_value, r.prev_index)
            return store.delete(r.key, r.dir, r.recursive)
        if r.prev_exist is True:
            if not r.prev_index and not r.prev_value:
                return store.update(r.key, r.value, expire, r.refresh)
            return store.compare_and_swap(r.key, r.prev_value, r.prev_index, r.value, expire, r.refresh)
        if r.prev_exist is False:
            return store.create(r.key, r.dir, r.value, False, _create_expiry(expire))
        if r.prev_index or r.prev_value:
            return store.compare_and_swap(r.key, r.prev_value, r.prev_index, r.value, expire, r.refresh)
        return store.set(r.key, r.dir, r.value, _create_expiry(expire), r.refresh)

    def _watch(self, watcher: Watcher, headers: dict[str, str]) -> Answer:
        headers.update(self._indexes(watcher.start_index))

        def chunks() -> Iterator[bytes | None]:
            while True:
                event = watcher.next_event(DISCONNECT_POLL)
                if event is not None:
                    yield go_json(event.to_json()) + b"\n"
                    if not watcher.stream:
                        return
                elif watcher.closed:
                    return
                else:
                    yield None

        return Answer(200, headers, chunks=chunks(), done=watcher.remove)

    # /v2/members, /v2/stats

    def members(self, request: Request) -> Answer:
        if request.method not in ("GET", "POST", "DELETE", "PUT"):
            return method_not_allowed("GET,POST,DELETE,PUT")
        headers = {"X-Etcd-Cluster-Id": format(self.cluster.id, "x")}
        if request.method != "GET":
            return message(501, "etcd-fake does not change a cluster's members", headers)
        rest = request.path[len("/v2/members") :].strip("/")
        if rest == "":
            body: Any = {"members": [m.to_json() for m in self.cluster.members]}
        elif rest == "leader":
            body = self.cluster.leader.to_json()
        else:
            return message(404, "Not found", headers)
        return Answer(200, {**CORS, "Content-Type": JSON, **headers}, go_json(body) + b"\n")

    def stats(self, which: str) -> Answer:
        cluster, member = self.cluster, self.member
        now = cluster.clock.now_ns()
        leading = member is cluster.leader
        if which == "store":
            body: Any = cluster.store.stats()
        elif which == "leader":
            if not leading:
                return message(403, "not current leader")
            body = {"leader": cluster.leader.hex_id, "followers": cluster.follower_stats()}
        else:
            body = {
                "name": member.name,
                "id": member.hex_id,
                "state": "StateLeader" if leading else "StateFollower",
                "startTime": format_time(member.start_ns),
                "leaderInfo": {
                    "leader": cluster.leader.hex_id,
                    "uptime": go_duration(now - cluster.leader_since_ns),
                    "startTime": format_time(cluster.leader_since_ns),
                },
                "recvAppendRequestCnt": 0 if leading else cluster.raft_index,
                "sendAppendRequestCnt": cluster.raft_index * (len(cluster.members) - 1) if leading else 0,
            }
        return Answer(200, {**CORS, "Content-Type": JSON}, go_json(body))


def _create_expiry(expire_ns: int | None) -> int | None:
    return None if expire_ns is not None and expire_ns < _MIN_EXPIRE_NS else expire_ns


def _clean_url_path(path: str) -> str:
    """Go's ServeMux path cleaning: like clean(), but a trailing slash stays."""
    if path == "":
        return "/"
    cleaned = clean(path)
    if path.endswith("/") and cleaned != "/":
        cleaned += "/"
    return cleaned


def _redirect(request: Request, path: str) -> Answer:
    """Go's ServeMux redirect to the cleaned path: escaped as Go escapes a URL path, the query as sent."""
    location = quote(path, safe="$&+,/:;=@")
    if request.query:
        location += "?" + request.query
    headers = {**CORS, "Location": location}
    body = b""
    if request.method in ("GET", "HEAD"):
        headers["Content-Type"] = "text/html; charset=utf-8"
        escaped = "".join(_HTML.get(char, char) for char in location)
        body = f'<a href="{escaped}">Moved Permanently</a>.\n\n'.encode()
    return Answer(301, headers, body)


_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"}  # Go's htmlEscape
