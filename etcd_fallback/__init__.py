"""Typed stand-in for python-etcd 0.4.5's `etcd` package, for where python-etcd is not installed.

Every name, signature and exception class matches python-etcd; using anything raises EtcdStubError.
Importing this package touches only the standard library. `etcd_fallback.compat` gives the real
module when it is installed and this one otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal, NoReturn, overload

from . import client as client, lock as lock
from ._stub import EtcdStubError as EtcdStubError
from .client import Client as Client
from .lock import Lock as Lock

# Annotations only: not imported at run time, to keep the import cheap.
if TYPE_CHECKING:
    from _typeshed import MaybeNone, Unused
    from collections.abc import Generator, Mapping
    from logging import NullHandler as NullHandler
    from typing_extensions import deprecated as _deprecated

    from etcd import _HasHeaders  # the stubs' own protocol
else:

    def _deprecated(message: str) -> Any:
        # python-etcd only says so in a docstring and warns nothing at run time: a mark for the checkers.
        return lambda function: function


if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        # python-etcd's `etcd.NullHandler` is logging's; importing logging costs more than the rest of
        # this package together, so it is imported the first time the name is used.
        if name == "NullHandler":
            from logging import NullHandler

            return NullHandler
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class EtcdResult:
    _node_props: ClassVar[dict[str, bool | None]] = {
        "key": None,
        "value": None,
        "expiration": None,
        "ttl": None,
        "modifiedIndex": None,
        "createdIndex": None,
        "newKey": False,
        "dir": False,
    }
    action: str | MaybeNone
    key: str | MaybeNone
    value: str | MaybeNone
    expiration: str | MaybeNone
    ttl: int | MaybeNone
    modifiedIndex: int | MaybeNone
    createdIndex: int | MaybeNone
    newKey: bool
    dir: bool
    _children: list[dict[str, Any]]
    _prev_node: EtcdResult
    etcd_index: int
    raft_index: int

    @overload
    def __init__(
        self, action: str | None, node: Mapping[str, Any], prevNode: Mapping[str, Any] | None = None, **kwdargs: Unused
    ) -> None: ...
    @overload
    def __init__(
        self, action: str | None = None, *, node: Mapping[str, Any], prevNode: Mapping[str, Any] | None = None, **kwdargs: Unused
    ) -> None: ...
    @overload
    def __init__(self, *, action: object = None, node: object, prevNode: object = None, **kwdargs: Unused) -> None: ...
    def __init__(
        self,
        action: object = None,
        node: object = None,
        prevNode: object = None,
        **kwdargs: object,
    ) -> None:
        raise EtcdStubError("etcd.EtcdResult()")

    def parse_headers(self, response: _HasHeaders) -> None:
        raise EtcdStubError("etcd.EtcdResult.parse_headers()")

    def get_subtree(self, leaves_only: bool = False) -> Generator[EtcdResult]:
        raise EtcdStubError("etcd.EtcdResult.get_subtree()")

    @property
    def leaves(self) -> Generator[EtcdResult]:
        raise EtcdStubError("etcd.EtcdResult.leaves")

    @property
    @_deprecated("Deprecated, use EtcdResult.leaves instead")
    def children(self) -> Generator[EtcdResult]:
        raise EtcdStubError("etcd.EtcdResult.children")

    def __eq__(self, other: object) -> bool:
        raise EtcdStubError("etcd.EtcdResult.__eq__()")

    def __ne__(self, other: object) -> bool:
        raise EtcdStubError("etcd.EtcdResult.__ne__()")

    # Defining __eq__ without __hash__ makes instances unhashable, as in python-etcd.
    __hash__: ClassVar[None]  # type: ignore[assignment]  # pyright: ignore[reportIncompatibleMethodOverride]

    if TYPE_CHECKING:
        # For the checkers only, as in the stubs: python-etcd defines no __bool__ (nor __len__), so every
        # instance is true.
        def __bool__(self) -> Literal[True]:
            return True


class EtcdException(Exception):
    payload: dict[str, Any] | None

    def __init__(self, message: str | None = None, payload: dict[str, Any] | None = None) -> None:
        raise EtcdStubError(f"etcd.{type(self).__name__}()")


class EtcdValueError(EtcdException, ValueError):
    pass


class EtcdCompareFailed(EtcdValueError):
    pass


class EtcdClusterIdChanged(EtcdException):
    pass


class EtcdKeyError(EtcdException):
    pass


class EtcdKeyNotFound(EtcdKeyError):
    pass


class EtcdNotFile(EtcdKeyError):
    pass


class EtcdNotDir(EtcdKeyError):
    pass


class EtcdAlreadyExist(EtcdKeyError):
    pass


class EtcdEventIndexCleared(EtcdException):
    pass


class EtcdConnectionFailed(EtcdException):
    cause: BaseException | None

    def __init__(
        self, message: str | None = None, payload: dict[str, Any] | None = None, cause: BaseException | None = None
    ) -> None:
        raise EtcdStubError(f"etcd.{type(self).__name__}()")


class EtcdInsufficientPermissions(EtcdException):
    pass


class EtcdWatchTimedOut(EtcdConnectionFailed):
    pass


class EtcdWatcherCleared(EtcdException):
    pass


class EtcdLeaderElectionInProgress(EtcdException):
    pass


class EtcdRootReadOnly(EtcdKeyError):
    pass


class EtcdDirNotEmpty(EtcdValueError):
    pass


class EtcdLockExpired(EtcdException):
    pass


class EtcdError:
    error_exceptions: ClassVar[dict[int, type[EtcdException]]] = {
        100: EtcdKeyNotFound,
        101: EtcdCompareFailed,
        102: EtcdNotFile,
        104: EtcdNotDir,
        105: EtcdAlreadyExist,
        107: EtcdRootReadOnly,
        108: EtcdDirNotEmpty,
        110: EtcdInsufficientPermissions,
        **dict.fromkeys(range(200, 211), EtcdValueError),
        301: EtcdLeaderElectionInProgress,
        400: EtcdWatcherCleared,
        401: EtcdEventIndexCleared,
    }

    @classmethod
    def handle(cls, payload: Mapping[str, Any]) -> NoReturn:
        raise EtcdStubError("etcd.EtcdError.handle()")
