from _typeshed import MaybeNone, Unused
from collections.abc import Generator, Mapping
from logging import NullHandler as NullHandler
from typing import Any, ClassVar, Literal, NoReturn, Protocol, overload, type_check_only
from typing_extensions import deprecated

from . import client as client, lock as lock
from .client import Client as Client
from .lock import Lock as Lock

@type_check_only
class _HasHeaders(Protocol):
    def getheaders(self) -> Mapping[str, str]: ...

class EtcdResult:
    _node_props: ClassVar[dict[str, bool | None]]
    # MaybeNone: None only on nested, previous and popped results, which carry no action; every result a
    # Client method returns has one.
    action: str | MaybeNone
    # MaybeNone: None only for the root directory (etcd omits its key); every other node has one.
    key: str | MaybeNone
    # MaybeNone: None for directories and delete/expire events, known from what was read; a key's value is always str.
    value: str | MaybeNone
    # MaybeNone: None when the key has no TTL, known from what was written (`ttl=` given or not), as
    # `value` is known for a key.
    expiration: str | MaybeNone
    ttl: int | MaybeNone
    # MaybeNone: None only for the root directory.
    modifiedIndex: int | MaybeNone
    createdIndex: int | MaybeNone
    newKey: bool
    dir: bool
    _children: list[dict[str, Any]]
    # Set only when the server sent a previous node; missing otherwise.
    _prev_node: EtcdResult
    # Set by parse_headers: present on results the Client returns, missing on nested, previous and popped ones.
    etcd_index: int
    raft_index: int

    # `node` defaults to None at run time, but None raises TypeError: it must be given. Other keywords are
    # taken and dropped (`**kwdargs` is never read).
    @overload
    def __init__(
        self, action: str | None, node: Mapping[str, Any], prevNode: Mapping[str, Any] | None = None, **kwdargs: Unused
    ) -> None: ...
    @overload
    def __init__(
        self, action: str | None = None, *, node: Mapping[str, Any], prevNode: Mapping[str, Any] | None = None, **kwdargs: Unused
    ) -> None: ...
    # A response dict unpacked whole, `EtcdResult(**response)`: python-etcd stores `action` as it is
    # and only indexes `node`, and a checker types a literal response's values as their join
    # (object), so this form takes any values; `node` must still be given.
    @overload
    def __init__(self, *, action: object = None, node: object, prevNode: object = None, **kwdargs: Unused) -> None: ...

    def parse_headers(self, response: _HasHeaders) -> None: ...
    def get_subtree(self, leaves_only: bool = False) -> Generator[EtcdResult]: ...
    @property
    def leaves(self) -> Generator[EtcdResult]: ...
    @property
    @deprecated("Deprecated, use EtcdResult.leaves instead")
    def children(self) -> Generator[EtcdResult]: ...
    def __eq__(self, other: object) -> bool: ...
    def __ne__(self, other: object) -> bool: ...
    # Defining __eq__ without __hash__ makes instances unhashable.
    __hash__: ClassVar[None]  # type: ignore[assignment]
    # Not defined at run time: with neither __bool__ nor __len__, every instance is true, so
    # `result and result.value` is the value.
    def __bool__(self) -> Literal[True]: ...

class EtcdException(Exception):
    # None for errors raised by the client itself; the server's error JSON (plus "status") otherwise.
    payload: dict[str, Any] | None
    def __init__(self, message: str | None = None, payload: dict[str, Any] | None = None) -> None: ...

class EtcdValueError(EtcdException, ValueError): ...
class EtcdCompareFailed(EtcdValueError): ...
class EtcdClusterIdChanged(EtcdException): ...
class EtcdKeyError(EtcdException): ...
class EtcdKeyNotFound(EtcdKeyError): ...
class EtcdNotFile(EtcdKeyError): ...
class EtcdNotDir(EtcdKeyError): ...
class EtcdAlreadyExist(EtcdKeyError): ...
class EtcdEventIndexCleared(EtcdException): ...

class EtcdConnectionFailed(EtcdException):
    # None when raised without an underlying error; the urllib3/socket error otherwise.
    cause: BaseException | None
    def __init__(
        self, message: str | None = None, payload: dict[str, Any] | None = None, cause: BaseException | None = None
    ) -> None: ...

class EtcdInsufficientPermissions(EtcdException): ...
class EtcdWatchTimedOut(EtcdConnectionFailed): ...
class EtcdWatcherCleared(EtcdException): ...
class EtcdLeaderElectionInProgress(EtcdException): ...
class EtcdRootReadOnly(EtcdKeyError): ...
class EtcdDirNotEmpty(EtcdValueError): ...
class EtcdLockExpired(EtcdException): ...

class EtcdError:
    error_exceptions: ClassVar[dict[int, type[EtcdException]]]
    @classmethod
    def handle(cls, payload: Mapping[str, Any]) -> NoReturn: ...
