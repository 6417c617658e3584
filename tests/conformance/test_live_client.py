"""etcd.Client and etcd.EtcdResult against a real etcd 3.5 server (v2 API).

Every line `check(assert_type(expr, Static), Runtime)` is a claim twice over: the checkers prove the
stubs give `Static`, and the live value must match `Runtime` (the part of `Static` this path yields).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Generator
from typing import Any, Literal, NoReturn, Optional
from typing_extensions import assert_type

import etcd
import pytest
from urllib3 import BaseHTTPResponse, HTTPResponse, PoolManager, Timeout

from .check import check
from .servers import HOST, Cluster, free_ports

NodeJSON = dict[str, Any]


def check_node(r: etcd.EtcdResult, *, action: str | None, key: str, value: str | None, has_index: bool = True) -> None:
    """The attributes every result has, on a plain key or directory below the root."""
    check(assert_type(r.action, "str | Any"), type(action))  # MaybeNone
    assert r.action == action
    check(assert_type(r.key, "str | Any"), str)  # MaybeNone
    assert r.key == key
    check(assert_type(r.value, "str | Any"), type(value))  # MaybeNone
    assert r.value == value
    check(assert_type(r.modifiedIndex, "int | Any"), int)  # MaybeNone
    check(assert_type(r.createdIndex, "int | Any"), int)  # MaybeNone
    check(assert_type(r.newKey, bool), bool)
    check(assert_type(r.dir, bool), bool)
    check(assert_type(r._children, list[dict[str, Any]]), list[NodeJSON])
    if has_index:
        check(assert_type(r.etcd_index, int), int)
        check(assert_type(r.raft_index, int), int)
    else:
        assert not hasattr(r, "etcd_index") and not hasattr(r, "raft_index")


def test_plain_key(client: etcd.Client, base: str) -> None:
    created = check(assert_type(client.write(f"{base}/k", "v"), etcd.EtcdResult), etcd.EtcdResult)
    check_node(created, action="set", key=f"{base}/k", value="v")
    assert created.newKey is True and created.dir is False
    check(assert_type(created.ttl, "int | Any"), None)
    check(assert_type(created.expiration, "str | Any"), None)
    assert not hasattr(created, "_prev_node")

    read = check(assert_type(client.read(f"{base}/k"), etcd.EtcdResult), etcd.EtcdResult)
    check_node(read, action="get", key=f"{base}/k", value="v")
    check(assert_type(client.get(f"{base}/k"), etcd.EtcdResult), etcd.EtcdResult)
    check(assert_type(read == client.get(f"{base}/k"), bool), Literal[True])
    check(assert_type(read != created, bool), bool)
    check(assert_type(read.__eq__(1), bool), Literal[False])
    check(assert_type(read.__ne__(1), bool), Literal[True])
    check(assert_type(f"{base}/k" in client, bool), Literal[True])
    check(assert_type(client.__contains__(f"{base}/missing"), bool), Literal[False])
    with pytest.raises(TypeError, match="unhashable"):
        hash(read)
    check(assert_type(etcd.EtcdResult.__hash__, None), None)

    # Values are stored as text: whatever was written reads back as str.
    check_node(client.set(f"{base}/n", 5), action="set", key=f"{base}/n", value="5")
    check_node(client.read(f"{base}/n"), action="get", key=f"{base}/n", value="5")


def test_overwrite_compare_and_update(client: etcd.Client, base: str) -> None:
    client.write(f"{base}/k", "1")
    swapped = check(assert_type(client.test_and_set(f"{base}/k", "2", "1"), etcd.EtcdResult), etcd.EtcdResult)
    check_node(swapped, action="compareAndSwap", key=f"{base}/k", value="2")
    previous = check(assert_type(swapped._prev_node, etcd.EtcdResult), etcd.EtcdResult)
    check_node(previous, action=None, key=f"{base}/k", value="1", has_index=False)

    swapped.value = "3"
    updated = check(assert_type(client.update(swapped), etcd.EtcdResult), etcd.EtcdResult)
    check_node(updated, action="compareAndSwap", key=f"{base}/k", value="3")

    # int flags and an int prevValue: etcd parses the text ("0"/"1", "3"), as the stubs say (`bool | int`, `str | bytes | float`).
    check_node(client.write(f"{base}/k", 4, prevValue=3, prevExist=1), action="compareAndSwap", key=f"{base}/k", value="4")
    check_node(client.write(f"{base}/new", "x", prevExist=0), action="create", key=f"{base}/new", value="x")
    check_node(
        client.write(f"{base}/k", "5", prevIndex=updated.modifiedIndex + 1), action="compareAndSwap", key=f"{base}/k", value="5"
    )
    # PyTorch's shape: ttl third, options forwarded from a dict.
    options: dict[str, Any] = {"prevExist": True}
    check_node(client.write(f"{base}/k", "6", None, **options), action="update", key=f"{base}/k", value="6")


def test_key_with_ttl_and_refresh(client: etcd.Client, base: str) -> None:
    r = client.write(f"{base}/t", "v", ttl=60)
    check(assert_type(r.ttl, "int | Any"), int)
    check(assert_type(r.expiration, "str | Any"), str)
    refreshed = check(assert_type(client.refresh(f"{base}/t", ttl=120), etcd.EtcdResult), etcd.EtcdResult)
    check_node(refreshed, action="update", key=f"{base}/t", value="v")
    check(refreshed.ttl, int)
    assert refreshed.ttl is not None and refreshed.ttl > 60


def test_directory_and_recursive_read(client: etcd.Client, base: str) -> None:
    made = client.write(f"{base}/d", None, dir=True)
    check_node(made, action="set", key=f"{base}/d", value=None)
    assert made.dir is True
    client.write(f"{base}/d/a", "1")
    client.write(f"{base}/d/sub/b", "2")

    tree = check(assert_type(client.read(f"{base}/d", recursive=True, sorted=True), etcd.EtcdResult), etcd.EtcdResult)
    check_node(tree, action="get", key=f"{base}/d", value=None)
    check(tree._children, list[NodeJSON])
    leaves = check(assert_type(tree.leaves, Generator[etcd.EtcdResult, None, None]), Generator[etcd.EtcdResult, None, None])
    assert [leaf.key for leaf in leaves] == [f"{base}/d/a", f"{base}/d/sub/b"]
    # Deprecated in python-etcd's docstring, which the stubs say with @deprecated.
    children = check(
        assert_type(tree.children, Generator[etcd.EtcdResult, None, None]),  # pyright: ignore[reportDeprecated]  # pyrefly: ignore[deprecated]  # ty: ignore[deprecated]
        Generator[Any, Any, Any],
    )
    for child in children:
        check_node(child, action=None, key=child.key, value=child.value, has_index=False)
    subtree = check(assert_type(tree.get_subtree(), Generator[etcd.EtcdResult, None, None]), Generator[Any, Any, Any])
    assert [n.key for n in subtree] == [f"{base}/d", f"{base}/d/a", f"{base}/d/sub", f"{base}/d/sub/b"]
    only_leaves = tree.get_subtree(leaves_only=True)
    assert len(list(only_leaves)) == 2

    # A non-recursive read of a directory lists its direct children; an empty one yields itself.
    empty = client.write(f"{base}/e", None, dir=True)
    assert [n.key for n in empty.leaves] == [f"{base}/e"]


def test_root(client: etcd.Client) -> None:
    root = client.read("/")
    check(assert_type(root.key, "str | Any"), None)  # MaybeNone: the root has no key
    check(assert_type(root.value, "str | Any"), None)
    check(assert_type(root.modifiedIndex, "int | Any"), None)
    check(assert_type(root.createdIndex, "int | Any"), None)
    assert root.dir is True


def test_in_order_key(client: etcd.Client, base: str) -> None:
    appended = client.write(f"{base}/q", "job", append=True)
    check_node(appended, action="create", key=appended.key, value="job")
    assert appended.key.startswith(f"{base}/q/") and appended.key.rsplit("/", 1)[1].isdigit()


def test_delete_and_pop(client: etcd.Client, base: str) -> None:
    client.write(f"{base}/k", "v")
    deleted = check(assert_type(client.delete(f"{base}/k"), etcd.EtcdResult), etcd.EtcdResult)
    check_node(deleted, action="delete", key=f"{base}/k", value=None)
    check_node(deleted._prev_node, action=None, key=f"{base}/k", value="v", has_index=False)

    client.write(f"{base}/k", "w")
    popped = check(assert_type(client.pop(f"{base}/k"), etcd.EtcdResult), etcd.EtcdResult)
    # pop returns the previous node: no action, no etcd_index.
    check_node(popped, action=None, key=f"{base}/k", value="w", has_index=False)

    client.write(f"{base}/d/a", "1")
    check_node(client.delete(f"{base}/d", recursive=True, dir=True), action="delete", key=f"{base}/d", value=None)
    client.write(f"{base}/c", "x")
    check_node(client.delete(f"{base}/c", prevValue="x"), action="compareAndDelete", key=f"{base}/c", value=None)


def test_watch_event_with_previous_node(client: etcd.Client, base: str) -> None:
    first = client.write(f"{base}/w", "a")
    client.write(f"{base}/w", "b")
    event = check(assert_type(client.watch(f"{base}/w", index=first.modifiedIndex + 1), etcd.EtcdResult), etcd.EtcdResult)
    check_node(event, action="set", key=f"{base}/w", value="b")
    check_node(event._prev_node, action=None, key=f"{base}/w", value="a", has_index=False)

    read_event = client.read(f"{base}/w", wait=True, waitIndex=first.modifiedIndex, timeout=5)
    check_node(read_event, action="set", key=f"{base}/w", value="a")

    events = check(
        assert_type(client.eternal_watch(f"{base}/w", index=first.modifiedIndex), Generator[etcd.EtcdResult, None, NoReturn]),
        Generator[Any, Any, Any],
    )
    assert [next(events).value, next(events).value] == ["a", "b"]
    events.close()


def test_client_properties_and_attributes(client: etcd.Client, server: Cluster) -> None:
    (member,) = server.members
    check(assert_type(client.base_uri, str), str)
    assert client.base_uri == member.client_url
    check(assert_type(client.host, str), str)
    check(assert_type(client.port, int), int)
    assert client.port == member.client_port
    check(assert_type(client.protocol, str), str)
    check(assert_type(client.read_timeout, float), int)
    check(assert_type(client.allow_redirect, bool), bool)
    check(assert_type(client.lock_prefix, str), str)
    check(assert_type(client.key_endpoint, str), str)
    assert client.key_endpoint == "/v2/keys"
    check(assert_type(client.machines, list[str]), list[str])
    check(assert_type(client.members, dict[str, dict[str, Any]]), dict[str, dict[str, Any]])
    check(assert_type(client.leader, dict[str, Any]), dict[str, Any])
    assert client.leader["clientURLs"] == [member.client_url]
    check(assert_type(client.stats, dict[str, Any]), dict[str, Any])
    check(assert_type(client.leader_stats, dict[str, Any]), dict[str, Any])
    check(assert_type(client.store_stats, dict[str, Any]), dict[str, Any])
    check(assert_type(client.version, str), str)
    check(assert_type(client.cluster_version, str), str)

    check(assert_type(client.http, PoolManager), PoolManager)
    check(assert_type(client.version_prefix, str), str)
    check(assert_type(client.username, "str | None"), None)
    check(assert_type(client.password, "str | None"), None)
    client.get("/")  # every response overwrites the expected cluster id
    check(assert_type(client.expected_cluster_id, "str | None"), str)
    check(assert_type(client._base_uri, str), str)
    check(assert_type(client._machines_cache, list[str]), list[str])
    check(assert_type(client._read_timeout, float), int)
    check(assert_type(client._protocol, str), str)
    check(assert_type(client._allow_redirect, bool), bool)
    check(assert_type(client._use_proxies, bool), bool)
    check(assert_type(client._allow_reconnect, bool), bool)
    check(assert_type(client._lock_prefix, str), str)
    fresh = etcd.Client(host=HOST, port=client.port)
    check(assert_type(fresh._version, "str | None"), None)
    check(assert_type(fresh._cluster_version, "str | None"), None)
    check(assert_type(fresh._set_version_info(), None), None)
    check(assert_type(fresh._version, "str | None"), str)
    check(assert_type(fresh._cluster_version, "str | None"), str)
    assert client.members  # the first read sets _members
    check(assert_type(client._members, dict[str, dict[str, Any]]), dict[str, dict[str, Any]])
    check(assert_type(etcd.Client._MGET, Literal["GET"]), Literal["GET"])
    check(assert_type(etcd.Client._MPUT, Literal["PUT"]), Literal["PUT"])
    check(assert_type(etcd.Client._MPOST, Literal["POST"]), Literal["POST"])
    check(assert_type(etcd.Client._MDELETE, Literal["DELETE"]), Literal["DELETE"])
    check(assert_type(etcd.Client._comparison_conditions, set[str]), set[str])
    check(assert_type(etcd.Client._read_options, set[str]), set[str])
    check(assert_type(etcd.Client._del_conditions, set[str]), set[str])


def test_never_returning_members(client: etcd.Client) -> None:
    with pytest.raises(NotImplementedError):
        check(assert_type(client.election, NoReturn), NoReturn)
    with pytest.raises(NotImplementedError):
        check(assert_type(client.get_lock("name"), NoReturn), NoReturn)


def test_protected_request_api(client: etcd.Client, base: str) -> None:
    response = check(
        assert_type(client.api_execute(f"/v2/keys{base}/x", client._MPUT, params={"value": "1"}), BaseHTTPResponse), HTTPResponse
    )
    check(assert_type(response.data, bytes), bytes)
    raw = check(assert_type(client.api_execute_json("/v2/auth/enable", "GET"), BaseHTTPResponse), HTTPResponse)
    assert json.loads(raw.data) == {"enabled": False}
    result = etcd.EtcdResult(**json.loads(client.api_execute(f"/v2/keys{base}/x", "GET").data))
    check(assert_type(result.parse_headers(response), None), None)
    check(result.etcd_index, int)

    # The members subclasses call (patroni's request path does this by hand).
    url = client._base_uri + client.key_endpoint + f"{base}/x"
    own = client.http.request(client._MGET, url, headers=client._get_headers(), preload_content=False)
    assert isinstance(own, HTTPResponse)
    check(assert_type(client._check_cluster_id(own), None), None)
    check(assert_type(client._handle_server_response(own), BaseHTTPResponse), HTTPResponse)
    # What `machines` feeds it: urllib3's answer as http.request returns it, content preloaded.
    machines = client.http.request(client._MGET, client._base_uri + "/v2/machines", headers=client._get_headers())
    assert client._handle_server_response(machines) is machines
    check(assert_type(client._handle_server_response(machines).data, bytes), bytes)
    check_node(
        check(assert_type(client._result_from_response(own), etcd.EtcdResult), etcd.EtcdResult),
        action="get",
        key=f"{base}/x",
        value="1",
    )
    missing = client.http.request(client._MGET, url + "-missing", preload_content=False)
    assert isinstance(missing, HTTPResponse)
    with pytest.raises(etcd.EtcdKeyNotFound):
        client._handle_server_response(missing)
    check(assert_type(client._get_headers(), dict[str, str]), dict[str, str])
    check(assert_type(client._stats("store"), dict[str, Any]), dict[str, Any])
    check(assert_type(client._sanitize_key("k"), str), str)
    assert client._sanitize_key("k") == "/k"
    with pytest.raises(etcd.EtcdConnectionFailed):  # a lone server: no other machine to go to
        check(assert_type(client._next_server(cause=OSError("down")), str), str)
    standby = etcd.Client(host=HOST, port=client.port)
    standby._machines_cache = ["http://127.0.0.1:1"]
    check(assert_type(standby._next_server(), str), str)
    check(assert_type(client.__del__(), None), None)


def test_urllib3_timeouts_go_through(client: etcd.Client, base: str) -> None:
    """read() and watch() hand their time-out to urllib3 as it is, so a urllib3.Timeout works."""
    client.write(f"{base}/t", "v")
    read = client.read(f"{base}/t", timeout=Timeout(connect=2, read=10))
    check_node(check(assert_type(read, etcd.EtcdResult), etcd.EtcdResult), action="get", key=f"{base}/t", value="v")
    with pytest.raises(etcd.EtcdWatchTimedOut):
        client.watch(f"{base}/t", index=read.modifiedIndex + 1, timeout=Timeout(connect=2, read=0.2))
    # read() hands it to api_execute, which hands it to urllib3.
    path = f"/v2/keys{base}/t"
    response = client.api_execute(path, "GET", timeout=Timeout(connect=2, read=10))
    check(assert_type(response, BaseHTTPResponse), HTTPResponse)
    assert json.loads(response.data)["node"]["value"] == "v"
    with pytest.raises(etcd.EtcdWatchTimedOut):
        client.api_execute(path, "GET", {"wait": "true", "waitIndex": read.modifiedIndex + 1}, Timeout(connect=2, read=0.2))
    raw = client.api_execute_json("/v2/auth/enable", "GET", timeout=Timeout(total=5))
    check(assert_type(raw, BaseHTTPResponse), HTTPResponse)


def test_every_result_is_true(client: etcd.Client, base: str) -> None:
    """No __bool__ and no __len__ in python-etcd: a result is always true (the stubs' `__bool__`), so
    `result and result.value` is the value and `maybe and maybe.value` narrows an Optional result."""
    assert "__bool__" not in dir(etcd.EtcdResult) and "__len__" not in dir(etcd.EtcdResult)
    written = client.write(f"{base}/k", "v")
    directory = client.write(f"{base}/d", None, dir=True)
    for result in (written, directory, client.read("/"), etcd.EtcdResult(node={})):
        check(bool(result), Literal[True])

    def value_of(maybe: etcd.EtcdResult | None) -> str | None:
        return check(assert_type(maybe and maybe.value, "str | Any | None"), Optional[str])

    assert value_of(client.read(f"{base}/k")) == "v"
    assert value_of(None) is None


def test_result_from_a_literal_response() -> None:
    """python-etcd's own tests build expected results from a literal response dict, unpacked whole."""
    response = {"action": "set", "node": {"key": "/k", "value": "v", "modifiedIndex": 183, "createdIndex": 183, "ttl": 19}}
    built = check(assert_type(etcd.EtcdResult(**response), etcd.EtcdResult), etcd.EtcdResult)
    check_node(built, action="set", key="/k", value="v", has_index=False)
    check(assert_type(built.ttl, "int | Any"), int)


def test_result_construction_and_error_table() -> None:
    node: NodeJSON = {"key": "/a", "value": "1", "modifiedIndex": 3, "createdIndex": 3}
    built = check(assert_type(etcd.EtcdResult("get", node, prevNode=None, extra=1), etcd.EtcdResult), etcd.EtcdResult)
    check_node(built, action="get", key="/a", value="1", has_index=False)
    check(assert_type(etcd.EtcdResult._node_props, "dict[str, bool | None]"), dict[str, Optional[bool]])
    table = check(
        assert_type(etcd.EtcdError.error_exceptions, dict[int, type[etcd.EtcdException]]), dict[int, type[etcd.EtcdException]]
    )
    assert table[100] is etcd.EtcdKeyNotFound
    with pytest.raises(etcd.EtcdKeyNotFound) as caught:
        check(assert_type(etcd.EtcdError.handle({"errorCode": 100, "message": "m", "cause": "/a"}), NoReturn), NoReturn)
    check(assert_type(caught.value.payload, "dict[str, Any] | None"), dict[str, Any])
    check(assert_type(etcd.NullHandler(), logging.NullHandler), logging.NullHandler)
    check(assert_type(etcd.client.Client(), etcd.Client), etcd.Client)
    check(assert_type(etcd.lock.Lock(etcd.Client(), "l"), etcd.Lock), etcd.Lock)


# ---- error paths: each raises the class the stubs' exception tree declares ------------------------


def test_key_not_found(client: etcd.Client, base: str) -> None:
    with pytest.raises(etcd.EtcdKeyError):
        client.get(f"{base}/missing")
    with pytest.raises(etcd.EtcdKeyNotFound) as caught:
        client.read(f"{base}/missing")
    check(assert_type(caught.value.payload, "dict[str, Any] | None"), dict[str, Any])
    assert caught.value.payload is not None and caught.value.payload["errorCode"] == 100
    assert not isinstance(caught.value, KeyError)
    assert not hasattr(caught.value, "message") and not hasattr(caught.value, "cause")
    with pytest.raises(etcd.EtcdKeyNotFound):
        client.refresh(f"{base}/missing", 10)


def test_already_exists_and_compare_failed(client: etcd.Client, base: str) -> None:
    client.write(f"{base}/k", "v")
    with pytest.raises(etcd.EtcdAlreadyExist):
        client.write(f"{base}/k", "w", prevExist=False)
    with pytest.raises(etcd.EtcdCompareFailed) as caught:
        client.test_and_set(f"{base}/k", "w", "not-v")
    assert isinstance(caught.value, ValueError)


def test_not_a_file_not_a_dir_root_read_only(client: etcd.Client, base: str) -> None:
    client.write(f"{base}/d", None, dir=True)
    client.write(f"{base}/f", "v")
    with pytest.raises(etcd.EtcdNotFile):
        client.write(f"{base}/d", "value")
    with pytest.raises(etcd.EtcdNotDir):
        client.write(f"{base}/f/below", "v")
    with pytest.raises(etcd.EtcdRootReadOnly):
        client.write("/", "v")


def test_dir_not_empty(client: etcd.Client, base: str) -> None:
    client.write(f"{base}/d/a", "1")
    with pytest.raises(etcd.EtcdDirNotEmpty) as caught:
        client.delete(f"{base}/d", dir=True)
    assert isinstance(caught.value, ValueError)


@pytest.mark.etcd_check_expected("ttl=1.5 is the misuse under test")
def test_bad_ttl(client: etcd.Client, base: str) -> None:
    with pytest.raises(etcd.EtcdValueError) as caught:
        client.write(f"{base}/k", "v", ttl=-5)
    assert isinstance(caught.value, ValueError)
    with pytest.raises(etcd.EtcdValueError):
        client.write(f"{base}/k", "v", ttl=1.5)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]


def test_event_index_cleared(client: etcd.Client, base: str) -> None:
    # etcd v2 keeps the last 1000 events; an older index is gone.
    first = client.write(f"{base}/k", "0")
    for i in range(1001):
        client.write(f"{base}/other", str(i))
    with pytest.raises(etcd.EtcdEventIndexCleared):
        client.watch(f"{base}/k", index=first.modifiedIndex)


def test_watch_timed_out_has_a_cause(client: etcd.Client, base: str) -> None:
    client.write(f"{base}/k", "v")
    with pytest.raises(etcd.EtcdWatchTimedOut) as caught:
        client.watch(f"{base}/k", timeout=0.2)
    check(assert_type(caught.value.cause, "BaseException | None"), BaseException)
    assert isinstance(caught.value, etcd.EtcdConnectionFailed)


def test_connection_failed_has_a_cause() -> None:
    (closed,) = free_ports(1)
    with pytest.raises(etcd.EtcdConnectionFailed) as caught:
        etcd.Client(host=HOST, port=closed, read_timeout=1).read("/k")
    check(assert_type(caught.value.cause, "BaseException | None"), BaseException)


def test_cluster_id_changed(server: Cluster) -> None:
    (member,) = server.members
    client = etcd.Client(host=HOST, port=member.client_port, expected_cluster_id="another-cluster")
    with pytest.raises(etcd.EtcdClusterIdChanged):
        client.read("/")
    # The id is overwritten by the answer: only the first mismatching request raises.
    check(assert_type(client.expected_cluster_id, "str | None"), str)
    check(client.read("/"), etcd.EtcdResult)
