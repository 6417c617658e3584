import builtins
from _typeshed import Unused
from collections.abc import Generator
from typing import Any, ClassVar, Final, NoReturn, TypedDict, type_check_only
from typing_extensions import Unpack

from urllib3 import BaseHTTPResponse, PoolManager, Timeout

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
    # Set by __init__ from its arguments. `_read_timeout` stays a number: __init__ compares it with 0.
    _protocol: str
    _base_uri: str
    _machines_cache: list[str]
    _read_timeout: float
    _allow_redirect: bool
    _use_proxies: bool
    _allow_reconnect: bool
    _lock_prefix: str
    # None from __init__ until `version` or `cluster_version` is first read; then the server's version
    # strings ("3.5.1", "3.5.0") from its /version answer.
    _version: str | None
    _cluster_version: str | None
    # Set by the first `members` read.
    _members: dict[str, dict[str, Any]]

    # `host` is a str or a tuple of (host, port) pairs: python-etcd tests isinstance(host, tuple), so a list
    # is formatted into a broken URL. A tuple also needs allow_reconnect=True (EtcdException at once
    # without it), which a checker could tell only from a literal True, not from a bool flag.
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
    # nothing. `dir` and `append` are only tested for truth (`if dir:`, `append and ...`), so 0 and 1
    # work as well as False and True.
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
    # Raises NotImplementedError whatever it is given.
    def get_lock(self, *args: Unused, **kwargs: Unused) -> NoReturn: ...
    @property
    def election(self) -> NoReturn: ...
    # `params` is a dict: python-etcd's own callers pass one, and only a dict with wait="true" turns a read
    # time-out into EtcdWatchTimedOut. `timeout` reaches urllib3 as it is (None means the client's
    # read_timeout, 0 no time-out), so a urllib3.Timeout goes too: read() hands its own `timeout` here.
    def api_execute(
        self, path: str, method: str, params: dict[str, Any] | None = None, timeout: float | Timeout | None = None
    ) -> BaseHTTPResponse: ...
    # The body is json.dumps(params), so any JSON-serialisable value goes; `timeout` as for api_execute.
    def api_execute_json(
        self, path: str, method: str, params: Any = None, timeout: float | Timeout | None = None
    ) -> BaseHTTPResponse: ...
    def _set_version_info(self) -> None: ...
    def _discover(self, domain: str) -> tuple[tuple[str, int], ...]: ...
    def _stats(self, what: str = "self") -> dict[str, Any]: ...
    def _sanitize_key(self, key: str) -> str: ...
    def _result_from_response(self, response: BaseHTTPResponse) -> EtcdResult: ...
    def _next_server(self, cause: BaseException | None = None) -> str: ...
    def _check_cluster_id(self, response: BaseHTTPResponse) -> None: ...
    # Returns the response it is given when its status is 200 or 201, and raises the matching EtcdException
    # otherwise. python-etcd feeds it what urllib3's request methods return: `machines` calls
    # `http.request(...)` without preload_content=False, and urllib3 2 types every such answer as a
    # BaseHTTPResponse (its HTTP/2 and Emscripten responses are no HTTPResponse).
    def _handle_server_response(self, response: BaseHTTPResponse) -> BaseHTTPResponse: ...
    def _get_headers(self) -> dict[str, str]: ...
