"""Static cases for etcd.Client (etcd/client.py)."""

from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any, Literal, NoReturn
from typing_extensions import assert_type

import etcd
from urllib3 import BaseHTTPResponse, HTTPResponse, PoolManager, Timeout


def check_construction(flag: bool) -> None:
    assert_type(etcd.Client(), etcd.Client)
    # PyTorch's call shape: host and port positional.
    assert_type(etcd.Client("127.0.0.1", 2379, read_timeout=10, protocol="https", cert=("c", "k"), ca_cert="ca"), etcd.Client)
    assert_type(etcd.Client(host="h", port=2379, version_prefix="/v2", read_timeout=0.5, cert="both.pem"), etcd.Client)
    hosts = (("127.0.0.1", 2379), ("127.0.0.1", 2380))
    assert_type(etcd.Client(host=hosts, allow_reconnect=True), etcd.Client)
    # A flag known only at run time: python-etcd checks it there.
    assert_type(etcd.Client(host=hosts, allow_reconnect=flag), etcd.Client)
    assert_type(etcd.Client(host="h" if flag else hosts, port=2379, allow_reconnect=flag), etcd.Client)
    assert_type(etcd.Client(hosts, 4001, None, "/v2", 60, True, "http", None, None, None, None, True), etcd.Client)
    assert_type(
        etcd.Client(
            host="h",
            port=1,
            srv_domain="example.com",
            version_prefix="/v2",
            read_timeout=60,
            allow_redirect=False,
            protocol="http",
            cert=None,
            ca_cert=None,
            username="u",
            password="p",
            allow_reconnect=False,
            use_proxies=True,
            expected_cluster_id="id",
            per_host_pool_size=2,
            lock_prefix="/locks",
        ),
        etcd.Client,
    )


def check_attributes(c: etcd.Client) -> None:
    assert_type(c.http, PoolManager)
    assert_type(c.version_prefix, str)
    assert_type(c.username, "str | None")
    assert_type(c.password, "str | None")
    assert_type(c.expected_cluster_id, "str | None")
    assert_type(c._protocol, str)
    assert_type(c._base_uri, str)
    assert_type(c._machines_cache, list[str])
    assert_type(c._read_timeout, float)
    assert_type(c._allow_redirect, bool)
    assert_type(c._use_proxies, bool)
    assert_type(c._allow_reconnect, bool)
    assert_type(c._lock_prefix, str)
    assert_type(c._version, "str | None")
    assert_type(c._cluster_version, "str | None")
    assert_type(c._members, dict[str, dict[str, Any]])
    assert_type(etcd.Client._MGET, Literal["GET"])
    assert_type(etcd.Client._MPUT, Literal["PUT"])
    assert_type(etcd.Client._MPOST, Literal["POST"])
    assert_type(etcd.Client._MDELETE, Literal["DELETE"])
    assert_type(etcd.Client._comparison_conditions, set[str])
    assert_type(etcd.Client._read_options, set[str])
    assert_type(etcd.Client._del_conditions, set[str])


def check_properties(c: etcd.Client) -> None:
    assert_type(c.base_uri, str)
    assert_type(c.host, str)
    assert_type(c.port, int)
    assert_type(c.protocol, str)
    assert_type(c.read_timeout, float)
    assert_type(c.allow_redirect, bool)
    assert_type(c.lock_prefix, str)
    assert_type(c.machines, list[str])
    assert_type(c.members, dict[str, dict[str, Any]])
    assert_type(c.leader, dict[str, Any])
    assert_type(c.stats, dict[str, Any])
    assert_type(c.leader_stats, dict[str, Any])
    assert_type(c.store_stats, dict[str, Any])
    assert_type(c.version, str)
    assert_type(c.cluster_version, str)
    assert_type(c.key_endpoint, str)
    assert_type("/k" in c, bool)
    assert_type(c.__contains__("/k"), bool)


def check_election(c: etcd.Client) -> None:
    assert_type(c.election, NoReturn)


def check_get_lock(c: etcd.Client) -> NoReturn:
    assert_type(c.get_lock("name", ttl=1), NoReturn)


def check_key_operations(c: etcd.Client, r: etcd.EtcdResult, options: dict[str, Any]) -> None:
    assert_type(c.write("/k", "v"), etcd.EtcdResult)
    assert_type(c.write("/k", b"v", 10), etcd.EtcdResult)
    assert_type(c.write("/k", 5, ttl=None, prevExist=False), etcd.EtcdResult)
    assert_type(c.write("/k", "v", prevValue="old", prevIndex=3, refresh=False), etcd.EtcdResult)
    assert_type(c.write(key="/d", value=None, dir=True, prevExist=False, ttl=None), etcd.EtcdResult)
    assert_type(c.write("/queue", "job", append=True), etcd.EtcdResult)
    # PyTorch's rendezvous backend forwards a dict of options.
    assert_type(c.write("/k", "v", 30, **options), etcd.EtcdResult)
    assert_type(c.refresh("/k", ttl=30), etcd.EtcdResult)
    assert_type(c.refresh("/k", 30, prevIndex=4, prevValue="x"), etcd.EtcdResult)
    assert_type(c.update(r), etcd.EtcdResult)
    assert_type(c.read("/k"), etcd.EtcdResult)
    assert_type(c.read("/k", recursive=True, wait=False, waitIndex=7, sorted=True, quorum=True, timeout=1.5), etcd.EtcdResult)
    assert_type(c.read("/k", recursive=None, timeout=None), etcd.EtcdResult)
    assert_type(c.delete("/k"), etcd.EtcdResult)
    assert_type(c.delete("/d", recursive=True, dir=True), etcd.EtcdResult)
    assert_type(c.delete(key="/k", prevValue="v", prevIndex=2), etcd.EtcdResult)
    assert_type(c.pop("/k"), etcd.EtcdResult)
    assert_type(c.pop("/k", None, None, prevValue="v"), etcd.EtcdResult)
    assert_type(c.test_and_set("/k", "new", "old"), etcd.EtcdResult)
    assert_type(c.test_and_set(key="/k", value="new", prev_value=r.value, ttl=None), etcd.EtcdResult)
    assert_type(c.set("/k", "v"), etcd.EtcdResult)
    assert_type(c.set("/k", value=None, ttl=5), etcd.EtcdResult)
    assert_type(c.get("/k"), etcd.EtcdResult)
    assert_type(c.get(key="/k"), etcd.EtcdResult)
    assert_type(c.watch("/k"), etcd.EtcdResult)
    assert_type(c.watch(key="/k", index=r.etcd_index + 1, recursive=True, timeout=2.5), etcd.EtcdResult)
    # The time-out goes to urllib3 as it is.
    assert_type(c.read("/k", timeout=Timeout(connect=2, read=10)), etcd.EtcdResult)
    assert_type(c.watch("/k", timeout=Timeout(total=5)), etcd.EtcdResult)
    assert_type(c.eternal_watch("/k"), Generator[etcd.EtcdResult, None, NoReturn])
    assert_type(c.eternal_watch("/k", index=3, recursive=True), Generator[etcd.EtcdResult, None, NoReturn])
    for event in c.eternal_watch("/k"):
        assert_type(event, etcd.EtcdResult)


def check_protected_api(c: etcd.Client) -> None:
    assert_type(c.api_execute("/v2/keys/k", c._MGET), BaseHTTPResponse)
    assert_type(c.api_execute("/v2/keys/k", "PUT", params={"value": "v"}, timeout=1), BaseHTTPResponse)
    assert_type(c.api_execute_json("/v2/auth/users/u", "PUT", params={"user": "u"}), BaseHTTPResponse)
    assert_type(c.api_execute_json("/v2/auth/enable", c._MDELETE, None, 0), BaseHTTPResponse)
    # The time-out goes to urllib3 as it is, as read() hands it on.
    assert_type(c.api_execute("/v2/keys/k", "GET", {"wait": "true"}, Timeout(connect=2, read=10)), BaseHTTPResponse)
    assert_type(c.api_execute_json("/v2/auth/enable", "GET", timeout=Timeout(total=5)), BaseHTTPResponse)
    assert_type(c.api_execute("/v2/machines", "GET").data, bytes)
    assert_type(c.__del__(), None)
    response = c.http.request("GET", c._base_uri + "/v2/keys/k", preload_content=False)
    assert_type(c._handle_server_response(response), BaseHTTPResponse)
    # What `machines` does: any urllib3 response, preloaded or not.
    assert_type(c._handle_server_response(c.http.request("GET", c._base_uri + "/v2/machines")).data, bytes)
    assert_type(c._check_cluster_id(response), None)
    assert_type(c._result_from_response(response), etcd.EtcdResult)
    assert_type(c._get_headers(), dict[str, str])
    assert_type(c._next_server(), str)
    assert_type(c._next_server(cause=OSError("down")), str)
    assert_type(c._discover("example.com"), tuple[tuple[str, int], ...])
    assert_type(c._stats(), dict[str, Any])
    assert_type(c._stats("leader"), dict[str, Any])
    assert_type(c._sanitize_key("k"), str)
    assert_type(c._set_version_info(), None)


class ReconnectingClient(etcd.Client):
    """A subclass in the shape real code uses: it overrides the request path and reads protected state."""

    def api_execute(self, path: str, method: str, params: Any = None, timeout: float | Timeout | None = None) -> BaseHTTPResponse:
        self._machines_cache.append(self._base_uri)
        return super().api_execute(path, method, params, timeout if timeout is not None else self._read_timeout)


class FailoverClient(etcd.Client):
    """patroni's shape: a config dict forwarded to the constructor, its own request path, the protected
    flags reset, and python-etcd's hooks overridden with python-etcd's own parameter types."""

    def __init__(self, config: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(read_timeout=config["retry_timeout"], **kwargs)
        self._allow_reconnect = True

    def api_execute(
        self, path: str, method: str, params: dict[str, Any] | None = None, timeout: float | Timeout | None = None
    ) -> BaseHTTPResponse:
        if not self._use_proxies:
            self._machines_cache = [self._base_uri]
        return super().api_execute(path, method, params, timeout)

    def _handle_server_response(self, response: BaseHTTPResponse) -> BaseHTTPResponse:
        self._check_cluster_id(response)
        return super()._handle_server_response(response)

    def _get_headers(self) -> dict[str, str]:
        return {**super()._get_headers(), "Connection": "close"}

    def members_by_hand(self) -> list[str]:
        # What python-etcd's own `machines` does: the hook fed what urllib3's request returns.
        response = self._handle_server_response(self.http.request(self._MGET, self._base_uri + "/v2/machines"))
        return response.data.decode("utf-8").split(",")

    def version_by_hand(self) -> dict[str, Any]:
        # Decoding is the caller's: the hook returns the response it is given.
        decoded: dict[str, Any] = json.loads(self._handle_server_response(self.http.urlopen("GET", self._base_uri)).data)
        return decoded


class NarrowingClient(etcd.Client):
    """Overrides that accept less than python-etcd passes, or return something else: each is the
    subclass's own incompatibility (python-etcd's `machines` hands `_handle_server_response` what
    `http.request` returns, and read() hands api_execute a urllib3.Timeout)."""

    def _handle_server_response(self, response: HTTPResponse) -> BaseHTTPResponse:  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]  # pyrefly: ignore[bad-override]  # ty: ignore[incompatible-method-override]
        return response

    def api_execute(self, path: str, method: str, params: Any = None, timeout: float | None = None) -> BaseHTTPResponse:  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]  # pyrefly: ignore[bad-override]  # ty: ignore[incompatible-method-override]
        return super().api_execute(path, method, params, timeout)


class DecodingClient(etcd.Client):
    """patroni's v3 shape: the hook returns the decoded JSON, not the response python-etcd returns."""

    def _handle_server_response(self, response: BaseHTTPResponse) -> dict[str, Any]:  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]  # pyrefly: ignore[bad-override]  # ty: ignore[incompatible-method-override]
        decoded: dict[str, Any] = json.loads(super()._handle_server_response(response).data)
        return decoded


def check_forwarded_options(options: dict[str, Any], h: str, p: int) -> None:
    # A config dict forwarded whole: annotated dict[str, Any] (what the README tells), it checks.
    assert_type(etcd.Client(host=h, port=p, **options), etcd.Client)


def check_misuse(c: etcd.Client, r: etcd.EtcdResult) -> None:
    c.read(b"/k")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    c.get(1)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    c.write("/k", "v", ttl="10")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    c.write("/k", "v", ttl=1.5)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    c.write("/k", {"a": 1})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    c.set("/k", "v", "10")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    c.test_and_set("/k", "v")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[missing-argument]  # ty: ignore[missing-argument]
    c.test_and_set("/k", "v", "old", prevValue="old")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[unexpected-keyword]  # ty: ignore[unknown-argument]
    c.write("/k", "v", prevvalue="old")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[unexpected-keyword]
    c.write("/k", "v", prev_exist=True)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[unexpected-keyword]
    c.write("/k", "v", recursive=True)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[unexpected-keyword]
    c.write("/k", "v", prevIndex="3")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    c.read("/k", prevExist=True)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[unexpected-keyword]
    c.read("/k", waitindex=3)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[unexpected-keyword]
    c.read("/k", timeout="1")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    c.delete("/k", prevExist=True)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[unexpected-keyword]
    c.pop("/k", prevExist=True)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[unexpected-keyword]
    c.refresh("/k", 10, refresh=True)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[unexpected-keyword]
    c.refresh("/k", 10, value="v")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[unexpected-keyword]
    c.refresh("/k", 10, prevExist=False)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[unexpected-keyword]
    c.refresh("/d", 10, dir=True)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[unexpected-keyword]
    c.refresh("/k")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[missing-argument]  # ty: ignore[missing-argument]
    c.get("/k", recursive=True)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[unexpected-keyword]  # ty: ignore[unknown-argument]
    c.watch("/k", timeout="5")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    c.update({"key": "/k"})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    c.machines()  # type: ignore[operator]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[not-callable]  # ty: ignore[not-callable]
    c.version()  # type: ignore[operator]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[not-callable]  # ty: ignore[not-callable]
    c.base_uri = "http://other:2379"  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]  # pyrefly: ignore[read-only]  # ty: ignore[invalid-assignment]
    c.eternal_watch("/k")[0]  # type: ignore[index]  # pyright: ignore[reportIndexIssue]  # pyrefly: ignore[bad-index]  # ty: ignore[not-subscriptable]
    len(c.eternal_watch("/k"))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    etcd.Client(port="2379")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    etcd.Client(read_timeout=None)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    etcd.Client(host=[("h", 1)], allow_reconnect=True)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    etcd.Client(hosts="h")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[unexpected-keyword]  # ty: ignore[unknown-argument]
