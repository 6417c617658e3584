"""Stand-in for python-etcd's `etcd.client` module."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any, ClassVar, Final, NoReturn

from ._stub import EtcdStubError

# Annotations only: not imported at run time, to keep the import cheap. The option sets and aliases
# are the stubs' own (etcd-stubs ships beside this package), so both always say the same.
if TYPE_CHECKING:
    from _typeshed import Unused
    from collections.abc import Generator
    from typing_extensions import Unpack

    from etcd.client import _DeleteOptions, _ReadOptions, _RefreshOptions, _WriteOptions
    from urllib3 import BaseHTTPResponse, PoolManager, Timeout

    from . import EtcdResult


class Client:
    _MGET: Final = "GET"
    _MPUT: Final = "PUT"
    _MPOST: Final = "POST"
    _MDELETE: Final = "DELETE"
    _comparison_conditions: ClassVar[builtins.set[str]] = {"prevValue", "prevIndex", "prevExist", "refresh"}
    _read_options: ClassVar[builtins.set[str]] = {"recursive", "wait", "waitIndex", "sorted", "quorum"}
    _del_conditions: ClassVar[builtins.set[str]] = {"prevValue", "prevIndex"}
    # python-etcd's class-level placeholder; instances would hold a PoolManager.
    http: PoolManager = None  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]  # pyrefly: ignore[bad-assignment]  # ty: ignore[invalid-assignment]
    version_prefix: str
    username: str | None
    password: str | None
    expected_cluster_id: str | None
    _protocol: str
    _base_uri: str
    _machines_cache: list[str]
    _read_timeout: float
    _allow_redirect: bool
    _use_proxies: bool
    _allow_reconnect: bool
    _lock_prefix: str
    _version: str | None
    _cluster_version: str | None
    _members: dict[str, dict[str, Any]]

    def __init__(
        self,
        host: str | tuple[tuple[str, int], ...] = "127.0.0.1",
        port: int = 4001,
        srv_domain: str | None = None,
        version_prefix: str = "/v2",
        read_timeout: float = 60,
        allow_redirect: bool = True,
        protocol: str = "http",
        cert: str | tuple[str, str] | None = None,
        ca_cert: str | None = None,
        username: str | None = None,
        password: str | None = None,
        allow_reconnect: bool = False,
        use_proxies: bool = False,
        expected_cluster_id: str | None = None,
        per_host_pool_size: int = 10,
        lock_prefix: str = "/_locks",
    ) -> None:
        raise EtcdStubError("etcd.Client()")

    def __del__(self) -> None:
        # Nothing to release: __init__ never ran. Raising here would only print a warning at exit.
        return None

    @property
    def base_uri(self) -> str:
        raise EtcdStubError("etcd.Client.base_uri")

    @property
    def host(self) -> str:
        raise EtcdStubError("etcd.Client.host")

    @property
    def port(self) -> int:
        raise EtcdStubError("etcd.Client.port")

    @property
    def protocol(self) -> str:
        raise EtcdStubError("etcd.Client.protocol")

    @property
    def read_timeout(self) -> float:
        raise EtcdStubError("etcd.Client.read_timeout")

    @property
    def allow_redirect(self) -> bool:
        raise EtcdStubError("etcd.Client.allow_redirect")

    @property
    def lock_prefix(self) -> str:
        raise EtcdStubError("etcd.Client.lock_prefix")

    @property
    def machines(self) -> list[str]:
        raise EtcdStubError("etcd.Client.machines")

    @property
    def members(self) -> dict[str, dict[str, Any]]:
        raise EtcdStubError("etcd.Client.members")

    @property
    def leader(self) -> dict[str, Any]:
        raise EtcdStubError("etcd.Client.leader")

    @property
    def stats(self) -> dict[str, Any]:
        raise EtcdStubError("etcd.Client.stats")

    @property
    def leader_stats(self) -> dict[str, Any]:
        raise EtcdStubError("etcd.Client.leader_stats")

    @property
    def store_stats(self) -> dict[str, Any]:
        raise EtcdStubError("etcd.Client.store_stats")

    @property
    def version(self) -> str:
        raise EtcdStubError("etcd.Client.version")

    @property
    def cluster_version(self) -> str:
        raise EtcdStubError("etcd.Client.cluster_version")

    @property
    def key_endpoint(self) -> str:
        raise EtcdStubError("etcd.Client.key_endpoint")

    def __contains__(self, key: str) -> bool:
        raise EtcdStubError("etcd.Client.__contains__()")

    def write(
        self,
        key: str,
        value: str | bytes | float | None,
        ttl: int | None = None,
        dir: bool | int = False,
        append: bool | int = False,
        **kwdargs: Unpack[_WriteOptions],
    ) -> EtcdResult:
        raise EtcdStubError("etcd.Client.write()")

    def refresh(self, key: str, ttl: int, **kwdargs: Unpack[_RefreshOptions]) -> EtcdResult:
        raise EtcdStubError("etcd.Client.refresh()")

    def update(self, obj: EtcdResult) -> EtcdResult:
        raise EtcdStubError("etcd.Client.update()")

    def read(self, key: str, **kwdargs: Unpack[_ReadOptions]) -> EtcdResult:
        raise EtcdStubError("etcd.Client.read()")

    def delete(
        self, key: str, recursive: bool | None = None, dir: bool | None = None, **kwdargs: Unpack[_DeleteOptions]
    ) -> EtcdResult:
        raise EtcdStubError("etcd.Client.delete()")

    def pop(
        self, key: str, recursive: bool | None = None, dir: bool | None = None, **kwdargs: Unpack[_DeleteOptions]
    ) -> EtcdResult:
        raise EtcdStubError("etcd.Client.pop()")

    def test_and_set(
        self, key: str, value: str | bytes | float | None, prev_value: str | bytes | float, ttl: int | None = None
    ) -> EtcdResult:
        raise EtcdStubError("etcd.Client.test_and_set()")

    def set(self, key: str, value: str | bytes | float | None, ttl: int | None = None) -> EtcdResult:
        raise EtcdStubError("etcd.Client.set()")

    def get(self, key: str) -> EtcdResult:
        raise EtcdStubError("etcd.Client.get()")

    def watch(
        self, key: str, index: int | None = None, timeout: float | Timeout | None = None, recursive: bool | None = None
    ) -> EtcdResult:
        raise EtcdStubError("etcd.Client.watch()")

    # Raises on the call, not on the first next(): there is nothing to wait for.
    def eternal_watch(
        self, key: str, index: int | None = None, recursive: bool | None = None
    ) -> Generator[EtcdResult, None, NoReturn]:
        raise EtcdStubError("etcd.Client.eternal_watch()")

    def get_lock(self, *args: Unused, **kwargs: Unused) -> NoReturn:
        raise EtcdStubError("etcd.Client.get_lock()")

    @property
    def election(self) -> NoReturn:
        raise EtcdStubError("etcd.Client.election")

    def api_execute(
        self, path: str, method: str, params: dict[str, Any] | None = None, timeout: float | Timeout | None = None
    ) -> BaseHTTPResponse:
        raise EtcdStubError("etcd.Client.api_execute()")

    def api_execute_json(
        self, path: str, method: str, params: Any = None, timeout: float | Timeout | None = None
    ) -> BaseHTTPResponse:
        raise EtcdStubError("etcd.Client.api_execute_json()")

    def _set_version_info(self) -> None:
        raise EtcdStubError("etcd.Client._set_version_info()")

    def _discover(self, domain: str) -> tuple[tuple[str, int], ...]:
        raise EtcdStubError("etcd.Client._discover()")

    def _stats(self, what: str = "self") -> dict[str, Any]:
        raise EtcdStubError("etcd.Client._stats()")

    def _sanitize_key(self, key: str) -> str:
        raise EtcdStubError("etcd.Client._sanitize_key()")

    def _result_from_response(self, response: BaseHTTPResponse) -> EtcdResult:
        raise EtcdStubError("etcd.Client._result_from_response()")

    def _next_server(self, cause: BaseException | None = None) -> str:
        raise EtcdStubError("etcd.Client._next_server()")

    def _check_cluster_id(self, response: BaseHTTPResponse) -> None:
        raise EtcdStubError("etcd.Client._check_cluster_id()")

    def _handle_server_response(self, response: BaseHTTPResponse) -> BaseHTTPResponse:
        raise EtcdStubError("etcd.Client._handle_server_response()")

    def _get_headers(self) -> dict[str, str]:
        raise EtcdStubError("etcd.Client._get_headers()")
