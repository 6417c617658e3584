import builtins
from collections.abc import Generator
from typing import Any, ClassVar, Final, Literal, NoReturn, TypedDict, overload, type_check_only
from typing_extensions import Unpack

from urllib3 import BaseHTTPResponse, HTTPResponse, PoolManager, Timeout

from . import EtcdResult

# The keyword options each method forwards to the server. The runtime takes **kwdargs and silently
# drops every other name, so a misspelled or unsupported option is a type error here.
@type_check_only
class _WriteOptions(TypedDict, total=False):
    # prevValue is compared with the stored text, so it takes what `value` takes (but None).
    prevValue: str | bytes | float
    prevIndex: int
    # etcd reads the flag options' text with Go's ParseBool, so 0 and 1 work too; see `write`.
    prevExist: bool | int
    refresh: bool | int

@type_check_only
class _ReadOptions(TypedDict, total=False):
    # None means "not sent" for every read option.
    recursive: bool | None
    wait: bool | None
    waitIndex: int | None
    sorted: bool | None
    quorum: bool | None
    # Passed to urllib3 as it is (0 means no time-out), so a urllib3.Timeout goes too.
    timeout: float | Timeout | None

@type_check_only
class _DeleteOptions(TypedDict, total=False):
    prevValue: str | bytes | float
    prevIndex: int

# refresh() passes these through to write(); it sets prevExist and refresh itself. `dir` is not one:
# etcd 3.5 refuses to refresh a directory ("Not a file", code 300) with or without it.
@type_check_only
class _RefreshOptions(TypedDict, total=False):
    prevValue: str | bytes | float
    prevIndex: int

class Client:
    _MGET: Final = "GET"
    _MPUT: Final = "PUT"
    _MPOST: Final = "POST"
    _MDELETE: Final = "DELETE"
    _comparison_conditions: ClassVar[builtins.set[str]]
    _read_options: ClassVar[builtins.set[str]]
    _del_conditions: ClassVar[builtins.set[str]]
    # None only on the class itself; every instance gets a PoolManager in __init__.
    http: PoolManager
    version_prefix: str
    # Both None unless both were given and non-empty.
    username: str | None
    password: str | None
    # Overwritten with the server's cluster id by every response that carries one.
    expected_cluster_id: str | None
    # Set by __init__ from its arguments; subclasses (patroni's) read and reset them. `_read_timeout`
    # stays a number: __init__ compares it with 0.
    _protocol: str
    _base_uri: str
    _machines_cache: list[str]
    _read_timeout: float
    _allow_redirect: bool
    _use_proxies: bool
    _allow_reconnect: bool
    _lock_prefix: str
    # `_version` and `_cluster_version` (None until the first version read) are left out: patroni's v3
    # client reuses `_cluster_version` for a tuple of ints, and no code reads python-etcd's.
    # Set by the first `members` read.
    _members: dict[str, dict[str, Any]]

    # A tuple of (host, port) pairs needs allow_reconnect=True; without it the constructor raises EtcdException.
    @overload
    def __init__(
        self,
        host: str = "127.0.0.1",
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
    ) -> None: ...
    @overload
    def __init__(
        self,
        host: tuple[tuple[str, int], ...],
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
        *,
        allow_reconnect: Literal[True],
        use_proxies: bool = False,
        expected_cluster_id: str | None = None,
        per_host_pool_size: int = 10,
        lock_prefix: str = "/_locks",
    ) -> None: ...
    @overload
    def __init__(
        self,
        host: tuple[tuple[str, int], ...],
        port: int,
        srv_domain: str | None,
        version_prefix: str,
        read_timeout: float,
        allow_redirect: bool,
        protocol: str,
        cert: str | tuple[str, str] | None,
        ca_cert: str | None,
        username: str | None,
        password: str | None,
        allow_reconnect: Literal[True],
        use_proxies: bool = False,
        expected_cluster_id: str | None = None,
        per_host_pool_size: int = 10,
        lock_prefix: str = "/_locks",
    ) -> None: ...

    def __del__(self) -> None: ...
    @property
    def base_uri(self) -> str: ...
    @property
    def host(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def protocol(self) -> str: ...
    @property
    def read_timeout(self) -> float: ...
    @property
    def allow_redirect(self) -> bool: ...
    @property
    def lock_prefix(self) -> str: ...
    @property
    def machines(self) -> list[str]: ...
    @property
    def members(self) -> dict[str, dict[str, Any]]: ...
    @property
    def leader(self) -> dict[str, Any]: ...
    @property
    def stats(self) -> dict[str, Any]: ...
    @property
    def leader_stats(self) -> dict[str, Any]: ...
    @property
    def store_stats(self) -> dict[str, Any]: ...
    @property
    def version(self) -> str: ...
    @property
    def cluster_version(self) -> str: ...
    @property
    def key_endpoint(self) -> str: ...
    def __contains__(self, key: str) -> bool: ...
    # `value` is sent as a form field and etcd stores it as text, so it reads back as str; None sends
    # nothing. `dir` and `append` are only tested for truth; taking int as well keeps a forwarded dict
    # of mixed int/bool options (PyTorch's `write(key, value, ttl, **kwargs)`) type-correct under mypy,
    # which checks the dict's value type against every parameter it could fill.
    def write(
        self,
        key: str,
        value: str | bytes | float | None,
        ttl: int | None = None,
        dir: bool | int = False,
        append: bool | int = False,
        **kwdargs: Unpack[_WriteOptions],
    ) -> EtcdResult: ...
    def refresh(self, key: str, ttl: int, **kwdargs: Unpack[_RefreshOptions]) -> EtcdResult: ...
    def update(self, obj: EtcdResult) -> EtcdResult: ...
    def read(self, key: str, **kwdargs: Unpack[_ReadOptions]) -> EtcdResult: ...
    def delete(
        self, key: str, recursive: bool | None = None, dir: bool | None = None, **kwdargs: Unpack[_DeleteOptions]
    ) -> EtcdResult: ...
    def pop(
        self, key: str, recursive: bool | None = None, dir: bool | None = None, **kwdargs: Unpack[_DeleteOptions]
    ) -> EtcdResult: ...
    def test_and_set(
        self, key: str, value: str | bytes | float | None, prev_value: str | bytes | float, ttl: int | None = None
    ) -> EtcdResult: ...
    def set(self, key: str, value: str | bytes | float | None, ttl: int | None = None) -> EtcdResult: ...
    def get(self, key: str) -> EtcdResult: ...
    def watch(
        self, key: str, index: int | None = None, timeout: float | Timeout | None = None, recursive: bool | None = None
    ) -> EtcdResult: ...
    def eternal_watch(
        self, key: str, index: int | None = None, recursive: bool | None = None
    ) -> Generator[EtcdResult, None, NoReturn]: ...
    def get_lock(self, *args: object, **kwargs: object) -> NoReturn: ...
    @property
    def election(self) -> NoReturn: ...
    # `params` is a dict: only a dict with wait="true" turns a read time-out into EtcdWatchTimedOut, and
    # subclasses (patroni's) override this with a dict parameter. `timeout` reaches urllib3, which also
    # takes a urllib3.Timeout, but patroni's override takes `float | None`: widening it here would make
    # that override incompatible, so the stubs keep the numbers that python-etcd itself passes.
    def api_execute(
        self, path: str, method: str, params: dict[str, Any] | None = None, timeout: float | None = None
    ) -> BaseHTTPResponse: ...
    # The body is json.dumps(params), so any JSON-serialisable value goes.
    def api_execute_json(self, path: str, method: str, params: Any = None, timeout: float | None = None) -> BaseHTTPResponse: ...
    def _set_version_info(self) -> None: ...
    def _discover(self, domain: str) -> tuple[tuple[str, int], ...]: ...
    def _stats(self, what: str = "self") -> dict[str, Any]: ...
    def _sanitize_key(self, key: str) -> str: ...
    def _result_from_response(self, response: BaseHTTPResponse) -> EtcdResult: ...
    def _next_server(self, cause: BaseException | None = None) -> str: ...
    def _check_cluster_id(self, response: BaseHTTPResponse) -> None: ...
    # Returns the response when its status is 200 or 201 and raises the matching EtcdException otherwise.
    # It is always an HTTPResponse (requests are made with preload_content=False), as patroni's override
    # says. The result is left open: subclasses override this hook with their own decoding (patroni's v3
    # client returns the JSON as a dict).
    def _handle_server_response(self, response: HTTPResponse) -> Any: ...
    def _get_headers(self) -> dict[str, str]: ...
