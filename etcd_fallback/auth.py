"""Stand-in for python-etcd's `etcd.auth` module (which `import etcd` does not import either)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from ._stub import EtcdStubError

# Annotations only: not imported at run time, to keep the import cheap.
if TYPE_CHECKING:
    from _typeshed import MaybeNone
    from collections.abc import Iterable, Mapping
    from typing_extensions import Self

    from .client import Client


class EtcdAuthBase:
    entity: ClassVar[str] = "example"
    client: Client
    name: str | MaybeNone
    uri: str

    def __init__(self, client: Client, name: str) -> None:
        raise EtcdStubError(f"etcd.auth.{type(self).__name__}()")

    @property
    def names(self) -> list[Any] | None:
        raise EtcdStubError("etcd.auth.EtcdAuthBase.names")

    def read(self) -> None:
        raise EtcdStubError("etcd.auth.EtcdAuthBase.read()")

    def write(self) -> None:
        raise EtcdStubError("etcd.auth.EtcdAuthBase.write()")

    def delete(self) -> None:
        raise EtcdStubError("etcd.auth.EtcdAuthBase.delete()")

    def _from_net(self, data: bytes) -> None:
        raise EtcdStubError("etcd.auth.EtcdAuthBase._from_net()")

    def _to_net(self, old: Self | None = None) -> list[dict[str, Any]]:
        raise EtcdStubError("etcd.auth.EtcdAuthBase._to_net()")

    @classmethod
    def new(cls, client: Client, data: Any) -> Self:
        raise EtcdStubError(f"etcd.auth.{cls.__name__}.new()")


class EtcdUser(EtcdAuthBase):
    entity = "user"
    _roles: set[str]
    _password: str | None

    @property
    def roles(self) -> set[str]:
        raise EtcdStubError("etcd.auth.EtcdUser.roles")

    @roles.setter
    def roles(self, val: Iterable[str]) -> None:
        raise EtcdStubError("etcd.auth.EtcdUser.roles")

    @property
    def password(self) -> None:
        raise EtcdStubError("etcd.auth.EtcdUser.password")

    @password.setter
    def password(self, new_password: str) -> None:
        raise EtcdStubError("etcd.auth.EtcdUser.password")

    def _to_net(self, prevobj: Self | None = None) -> list[dict[str, Any]]:  # pyright: ignore[reportIncompatibleMethodOverride]  # pyrefly: ignore[bad-override-param-name]  # ty: ignore[lost-keyword-for-regular-parameter]
        raise EtcdStubError("etcd.auth.EtcdUser._to_net()")


class EtcdRole(EtcdAuthBase):
    entity = "role"
    _read_paths: set[str]
    _write_paths: set[str]

    def grant(self, path: str, permission: str) -> None:
        raise EtcdStubError("etcd.auth.EtcdRole.grant()")

    def revoke(self, path: str, permission: str) -> None:
        raise EtcdStubError("etcd.auth.EtcdRole.revoke()")

    @property
    def acls(self) -> dict[str, str]:
        raise EtcdStubError("etcd.auth.EtcdRole.acls")

    @acls.setter
    def acls(self, acls: Mapping[str, str]) -> None:
        raise EtcdStubError("etcd.auth.EtcdRole.acls")

    def _to_net(self, prevobj: Self | None = None) -> list[dict[str, Any]]:  # pyright: ignore[reportIncompatibleMethodOverride]  # pyrefly: ignore[bad-override-param-name]  # ty: ignore[lost-keyword-for-regular-parameter]
        raise EtcdStubError("etcd.auth.EtcdRole._to_net()")


class Auth:
    client: Client
    uri: str

    def __init__(self, client: Client) -> None:
        raise EtcdStubError("etcd.auth.Auth()")

    @property
    def active(self) -> bool:
        raise EtcdStubError("etcd.auth.Auth.active")

    @active.setter
    def active(self, value: bool) -> None:
        raise EtcdStubError("etcd.auth.Auth.active")
