"""Static cases for etcd.auth, which `import etcd` does not import."""

from __future__ import annotations

from typing import Any
from typing_extensions import assert_type

import etcd
import etcd.auth
from etcd.auth import Auth, EtcdAuthBase, EtcdRole, EtcdUser


def check_base(c: etcd.Client, data: Any) -> None:
    base = EtcdAuthBase(c, "name")
    assert_type(EtcdAuthBase.entity, str)
    assert_type(base.client, etcd.Client)
    assert_type(base.name, "str | Any")
    assert_type(base.uri, str)
    assert_type(base.names, "list[Any] | None")
    assert_type(base.read(), None)
    assert_type(base.write(), None)
    assert_type(base.delete(), None)
    assert_type(base._from_net(b"{}"), None)
    assert_type(base._to_net(), list[dict[str, Any]])
    assert_type(base._to_net(old=base), list[dict[str, Any]])
    assert_type(EtcdUser.new(c, data), EtcdUser)
    assert_type(EtcdRole.new(client=c, data=data), EtcdRole)


def check_user(c: etcd.Client) -> None:
    user = EtcdUser(c, "alice")
    assert_type(user, EtcdUser)
    assert_type(user._roles, set[str])
    assert_type(user._password, "str | None")
    assert_type(user.roles, set[str])
    user.roles = ["root", "reader"]
    user.roles = {"root"}
    assert_type(user.password, None)
    user.password = "secret"
    assert_type(user._to_net(prevobj=user), list[dict[str, Any]])
    assert_type(str(user), str)


def check_role(c: etcd.Client) -> None:
    role = etcd.auth.EtcdRole(c, "reader")
    assert_type(role._read_paths, set[str])
    assert_type(role._write_paths, set[str])
    assert_type(role.grant("/data/*", "R"), None)
    assert_type(role.revoke(path="/data/*", permission="rw"), None)
    assert_type(role.acls, dict[str, str])
    role.acls = {"/data/*": "RW"}
    assert_type(role._to_net(None), list[dict[str, Any]])


def check_auth(c: etcd.Client) -> None:
    auth = Auth(c)
    assert_type(Auth(client=c), Auth)
    assert_type(auth.client, etcd.Client)
    assert_type(auth.uri, str)
    assert_type(auth.active, bool)
    auth.active = False


def check_misuse(c: etcd.Client, user: EtcdUser, role: EtcdRole, auth: Auth) -> None:
    EtcdUser(c)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[missing-argument]  # ty: ignore[missing-argument]
    EtcdUser("http://127.0.0.1:2379", "alice")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-argument-type]
    user.roles = [1]  # type: ignore[list-item]  # pyright: ignore[reportAttributeAccessIssue]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-assignment]
    # Read before the assignment below: pyright narrows `user.password` to what was last assigned.
    user.password.upper()  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]  # pyrefly: ignore[missing-attribute]  # ty: ignore[missing-attribute]
    user.password = None  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-assignment]
    role.grant("/data/*")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[missing-argument]  # ty: ignore[missing-argument]
    role.acls = [("/data/*", "R")]  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-assignment]
    auth.active()  # type: ignore[operator]  # pyright: ignore[reportCallIssue]  # pyrefly: ignore[not-callable]  # ty: ignore[not-callable]
    auth.active = "yes"  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]  # pyrefly: ignore[bad-argument-type]  # ty: ignore[invalid-assignment]
