"""Static cases for etcd.Lock (etcd/lock.py)."""

from __future__ import annotations

from typing import Literal
from typing_extensions import assert_type

import etcd
import etcd.lock


def check_lock(c: etcd.Client) -> None:
    lock = etcd.Lock(c, "job")
    assert_type(lock, etcd.Lock)
    assert_type(etcd.lock.Lock(client=c, lock_name="job"), etcd.lock.Lock)
    assert_type(lock.client, etcd.Client)
    assert_type(lock.name, str)
    assert_type(lock.path, str)
    assert_type(lock.is_taken, bool)
    assert_type(lock._uuid, str)
    assert_type(lock._sequence, "str | None")
    assert_type(lock._acquired(), bool)
    assert_type(lock._acquired(blocking=False, timeout=1.5), bool)
    assert_type(lock._set_sequence("/_locks/job/10"), None)
    assert_type(lock._find_lock(), bool)
    assert_type(lock._get_locker(), "tuple[str, etcd.EtcdResult | None]")
    assert_type(lock.uuid, str)
    lock.uuid = "0123456789abcdef0123456789abcdef"
    assert_type(lock.is_acquired, bool)
    assert_type(lock.lock_key, str)
    assert_type(lock.acquire(), bool)
    assert_type(lock.acquire(blocking=False, lock_ttl=None, timeout=2.5), bool)
    assert_type(lock.acquire(True, 60, 0), bool)
    assert_type(lock.release(), None)
    with lock as held:
        assert_type(held, etcd.Lock)
    assert_type(lock.__enter__(), etcd.Lock)
    assert_type(lock.__exit__(None, None, None), Literal[False])


def check_lock_reraises(c: etcd.Client) -> int:
    # __exit__ returns Literal[False]: the checkers know the block's exception propagates.
    with etcd.Lock(c, "job"):
        return 1


def check_misuse(c: etcd.Client, lock: etcd.Lock) -> None:
    etcd.Lock(c)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[missing-argument]  # ty: ignore[missing-argument]
    etcd.Lock("/_locks", "job")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    lock.acquire(lock_ttl="60")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    lock.is_acquired()  # type: ignore[operator]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[not-callable]  # ty: ignore[not-callable]
    lock.lock_key = "/_locks/job/1"  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]  # pyrefly: ignore[read-only]  # ty: ignore[invalid-assignment]
    lock.uuid = 1  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-assignment]
