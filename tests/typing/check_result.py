"""Static cases for etcd.EtcdResult, the exception tree and etcd.EtcdError."""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import Any, Literal, NoReturn
from typing_extensions import assert_type

import etcd


def check_result(r: etcd.EtcdResult) -> None:
    assert_type(r.action, "str | Any")  # MaybeNone
    assert_type(r.key, "str | Any")  # MaybeNone
    assert_type(r.value, "str | Any")  # MaybeNone
    assert_type(r.expiration, "str | Any")  # MaybeNone
    assert_type(r.ttl, "int | Any")  # MaybeNone
    assert_type(r.modifiedIndex, "int | Any")  # MaybeNone
    assert_type(r.createdIndex, "int | Any")  # MaybeNone
    assert_type(r.newKey, bool)
    assert_type(r.dir, bool)
    assert_type(r.etcd_index, int)
    assert_type(r.raft_index, int)
    assert_type(r._children, list[dict[str, Any]])
    assert_type(r._prev_node, etcd.EtcdResult)
    assert_type(etcd.EtcdResult._node_props, "dict[str, bool | None]")
    assert_type(r.leaves, Generator[etcd.EtcdResult, None, None])
    # python-etcd's docstring deprecates `children` (another name for `leaves`): the checkers that report
    # deprecated names say so (mypy only with its `deprecated` code enabled).
    assert_type(r.children, Generator[etcd.EtcdResult, None, None])  # pyright: ignore[reportDeprecated]  # pyrefly: ignore[deprecated]  # ty: ignore[deprecated]
    assert_type(r.get_subtree(), Generator[etcd.EtcdResult, None, None])
    assert_type(r.get_subtree(leaves_only=True), Generator[etcd.EtcdResult, None, None])
    assert_type(r == r, bool)
    assert_type(r != r, bool)
    assert_type(r.__eq__(1), bool)
    assert_type(r.__ne__(1), bool)
    assert_type(etcd.EtcdResult.__hash__, None)
    # PyTorch assigns to value before update(); it is a plain attribute.
    r.value = "1"
    for leaf in r.leaves:
        assert_type(leaf, etcd.EtcdResult)


def check_truth(r: etcd.EtcdResult, maybe: etcd.EtcdResult | None) -> None:
    # No __bool__ or __len__ at run time: every result is true, so `x and x.attr` is the attribute.
    assert_type(r.__bool__(), Literal[True])
    assert_type(maybe and maybe.value, "str | Any | None")
    assert_type(maybe and maybe.modifiedIndex, "int | Any | None")


def check_result_construction(node: dict[str, Any], raw: dict[str, Any], response: Any) -> None:
    assert_type(etcd.EtcdResult("get", node), etcd.EtcdResult)
    assert_type(etcd.EtcdResult(node=node), etcd.EtcdResult)
    assert_type(etcd.EtcdResult("set", node, prevNode=node), etcd.EtcdResult)
    assert_type(etcd.EtcdResult(**raw), etcd.EtcdResult)
    assert_type(etcd.EtcdResult("get", node).parse_headers(response), None)
    # A literal response unpacked whole, as python-etcd's own tests build expected results.
    literal = {"action": "set", "node": {"key": "/k", "value": "v", "modifiedIndex": 183, "ttl": 19}}
    assert_type(etcd.EtcdResult(**literal), etcd.EtcdResult)
    assert_type(etcd.EtcdResult(**{"action": "get", "node": {"key": "/k", "dir": True}}), etcd.EtcdResult)


def check_known_ttl(c: etcd.Client) -> None:
    # Written with a TTL, so it has one: no None check is forced (MaybeNone).
    assert_type(c.write("/lease", "me", ttl=30).ttl, "int | Any")
    remaining: int = c.write("/lease", "me", ttl=30).ttl
    assert_type(remaining - 1, int)


def check_exceptions(payload: dict[str, Any]) -> None:
    e = etcd.EtcdException("m", payload)
    assert_type(e, etcd.EtcdException)
    assert_type(e.payload, "dict[str, Any] | None")
    assert_type(e.args, tuple[Any, ...])
    assert_type(etcd.EtcdException(), etcd.EtcdException)
    c = etcd.EtcdConnectionFailed("m", None, cause=OSError())
    assert_type(etcd.EtcdConnectionFailed("m", payload={"errorCode": 1}), etcd.EtcdConnectionFailed)
    assert_type(c.cause, "BaseException | None")
    w = etcd.EtcdWatchTimedOut("m", cause=OSError())
    assert_type(w.cause, "BaseException | None")
    # The real tree: value errors are ValueError, key errors are not KeyError.
    value_errors: list[ValueError] = [etcd.EtcdValueError(), etcd.EtcdCompareFailed(), etcd.EtcdDirNotEmpty()]
    assert_type(value_errors, list[ValueError])
    cf: etcd.EtcdValueError = etcd.EtcdCompareFailed()
    dn: etcd.EtcdValueError = etcd.EtcdDirNotEmpty()
    knf: etcd.EtcdKeyError = etcd.EtcdKeyNotFound()
    nf: etcd.EtcdKeyError = etcd.EtcdNotFile()
    nd: etcd.EtcdKeyError = etcd.EtcdNotDir()
    ae: etcd.EtcdKeyError = etcd.EtcdAlreadyExist()
    ro: etcd.EtcdKeyError = etcd.EtcdRootReadOnly()
    ce: etcd.EtcdConnectionFailed = etcd.EtcdWatchTimedOut()
    base: list[etcd.EtcdException] = [
        cf,
        dn,
        knf,
        nf,
        nd,
        ae,
        ro,
        ce,
        etcd.EtcdClusterIdChanged(),
        etcd.EtcdEventIndexCleared(),
        etcd.EtcdInsufficientPermissions(),
        etcd.EtcdWatcherCleared(),
        etcd.EtcdLeaderElectionInProgress(),
        etcd.EtcdLockExpired(),
    ]
    assert_type(base, list[etcd.EtcdException])
    try:
        pass
    except etcd.EtcdKeyNotFound as k:
        assert_type(k, etcd.EtcdKeyNotFound)
        assert_type(k.payload, "dict[str, Any] | None")
    except (etcd.EtcdCompareFailed, etcd.EtcdDirNotEmpty) as ve:
        assert_type(ve, "etcd.EtcdCompareFailed | etcd.EtcdDirNotEmpty")


def check_error_table(payload: dict[str, Any]) -> NoReturn:
    assert_type(etcd.EtcdError.error_exceptions, dict[int, type[etcd.EtcdException]])
    assert_type(etcd.EtcdError.error_exceptions[100], type[etcd.EtcdException])
    assert_type(etcd.EtcdError.handle(payload), NoReturn)


def check_module() -> None:
    assert_type(etcd.NullHandler(), logging.NullHandler)
    assert_type(etcd.client.Client(), etcd.Client)
    assert_type(etcd.lock.Lock(etcd.Client(), "l"), etcd.Lock)


def check_misuse(r: etcd.EtcdResult, e: etcd.EtcdException, k: etcd.EtcdKeyNotFound) -> None:
    etcd.EtcdResult("get")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[no-matching-overload]  # ty: ignore[no-matching-overload]
    etcd.EtcdResult()  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[no-matching-overload]  # ty: ignore[no-matching-overload]
    # mypy has no hashability check; pyright rejects an unhashable set member.
    _ = {r}  # pyright: ignore[reportUnhashable]
    r.leaves[0]  # type: ignore[index]  # pyright: ignore[reportIndexIssue]  # pyrefly: ignore[bad-index]  # ty: ignore[not-subscriptable]
    len(r.leaves)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    r.get_subtree()[0]  # type: ignore[index]  # pyright: ignore[reportIndexIssue]  # pyrefly: ignore[bad-index]  # ty: ignore[not-subscriptable]
    r.leaves()  # type: ignore[operator]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[not-callable]  # ty: ignore[not-callable]
    e.message  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]  # pyrefly: ignore[missing-attribute]  # ty: ignore[missing-attribute]
    e.cause  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]  # pyrefly: ignore[missing-attribute]  # ty: ignore[missing-attribute]
    k_as_key_error: KeyError = k  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]  # pyrefly: ignore[bad-assignment]  # ty: ignore[invalid-assignment]
    etcd.EtcdKeyError("m", payload="x")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    etcd.EtcdWatchTimedOut(cause="timeout")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    etcd.EtcdWatchTimeOut  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]  # pyrefly: ignore[missing-attribute]  # ty: ignore[missing-attribute]
    etcd.auth  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]  # ty: ignore[possibly-missing-submodule]  # pyrefly: ignore[implicit-import]
    del k_as_key_error
