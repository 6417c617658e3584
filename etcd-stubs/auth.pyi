from _typeshed import MaybeNone
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar
from typing_extensions import Self

from .client import Client

class EtcdAuthBase:
    entity: ClassVar[str]
    client: Client
    # MaybeNone: set to None only when a server reply lacks the name.
    name: str | MaybeNone
    uri: str
    def __init__(self, client: Client, name: str) -> None: ...
    # list[str] from etcd <= 2.2, list[dict] from etcd >= 2.3, None when there are none.
    @property
    def names(self) -> list[Any] | None: ...
    def read(self) -> None: ...
    def write(self) -> None: ...
    def delete(self) -> None: ...
    def _from_net(self, data: bytes) -> None: ...
    def _to_net(self, old: Self | None = None) -> list[dict[str, Any]]: ...
    # 0.4.5 both indexes and decodes `data`, so no real value gets through; kept as the runtime declares it.
    @classmethod
    def new(cls, client: Client, data: Any) -> Self: ...

class EtcdUser(EtcdAuthBase):
    _roles: set[str]
    _password: str | None

    @property
    def roles(self) -> set[str]: ...
    @roles.setter
    def roles(self, val: Iterable[str]) -> None: ...

    # The getter always returns None: a password is write-only.
    @property
    def password(self) -> None: ...
    @password.setter
    def password(self, new_password: str) -> None: ...

    # The runtime names this parameter `prevobj`, not the base class's `old`.
    def _to_net(self, prevobj: Self | None = None) -> list[dict[str, Any]]: ...  # pyrefly: ignore[bad-override-param-name]

class EtcdRole(EtcdAuthBase):
    _read_paths: set[str]
    _write_paths: set[str]
    def grant(self, path: str, permission: str) -> None: ...
    def revoke(self, path: str, permission: str) -> None: ...

    @property
    def acls(self) -> dict[str, str]: ...
    @acls.setter
    def acls(self, acls: Mapping[str, str]) -> None: ...

    def _to_net(self, prevobj: Self | None = None) -> list[dict[str, Any]]: ...  # pyrefly: ignore[bad-override-param-name]

class Auth:
    client: Client
    uri: str
    def __init__(self, client: Client) -> None: ...

    @property
    def active(self) -> bool: ...
    @active.setter
    def active(self, value: bool) -> None: ...
