"""Stand-in for python-etcd's `etcd.lock` module."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from ._stub import EtcdStubError

if TYPE_CHECKING:
    from types import TracebackType
    from typing_extensions import Self

    from . import EtcdResult
    from .client import Client


class Lock:
    client: Client
    name: str
    path: str
    is_taken: bool
    _uuid: str
    _sequence: str | None

    def __init__(self, client: Client, lock_name: str) -> None:
        raise EtcdStubError("etcd.Lock()")

    @property
    def uuid(self) -> str:
        raise EtcdStubError("etcd.Lock.uuid")

    @uuid.setter
    def uuid(self, value: str) -> None:
        raise EtcdStubError("etcd.Lock.uuid")

    @property
    def is_acquired(self) -> bool:
        raise EtcdStubError("etcd.Lock.is_acquired")

    def acquire(self, blocking: bool = True, lock_ttl: int | None = 3600, timeout: float = 0) -> bool:
        raise EtcdStubError("etcd.Lock.acquire()")

    def release(self) -> None:
        raise EtcdStubError("etcd.Lock.release()")

    def __enter__(self) -> Self:
        raise EtcdStubError("etcd.Lock.__enter__()")

    def __exit__(
        self, type: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> Literal[False]:
        raise EtcdStubError("etcd.Lock.__exit__()")

    @property
    def lock_key(self) -> str:
        raise EtcdStubError("etcd.Lock.lock_key")

    def _acquired(self, blocking: bool = True, timeout: float = 0) -> bool:
        raise EtcdStubError("etcd.Lock._acquired()")

    def _set_sequence(self, key: str) -> None:
        raise EtcdStubError("etcd.Lock._set_sequence()")

    def _find_lock(self) -> bool:
        raise EtcdStubError("etcd.Lock._find_lock()")

    def _get_locker(self) -> tuple[str, EtcdResult | None]:
        raise EtcdStubError("etcd.Lock._get_locker()")
