"""etcd.Lock and etcd.auth against a real etcd 3.5 server (v2 API)."""

from __future__ import annotations

from typing import Any, Literal
from typing_extensions import assert_type

import etcd
import etcd.auth
import pytest

from .check import check
from .servers import HOST, Cluster


def test_lock(client: etcd.Client, base: str) -> None:
    name = base.lstrip("/")
    lock = check(assert_type(etcd.Lock(client, f"{name}-job"), etcd.Lock), etcd.Lock)
    check(assert_type(lock.client, etcd.Client), etcd.Client)
    check(assert_type(lock.name, str), str)
    check(assert_type(lock.path, str), str)
    assert lock.path == f"/_locks/{name}-job"
    check(assert_type(lock.is_taken, bool), Literal[False])
    check(assert_type(lock._uuid, str), str)
    check(assert_type(lock.uuid, str), str)
    check(assert_type(lock._sequence, "str | None"), None)  # unset before the first acquire
    check(assert_type(lock._find_lock(), bool), Literal[False])
    with pytest.raises(ValueError, match="No sequence present"):
        check(assert_type(lock.lock_key, str), str)
    check(assert_type(lock.is_acquired, bool), Literal[False])

    check(assert_type(lock.acquire(blocking=False, lock_ttl=60), bool), Literal[True])
    check(assert_type(lock.is_acquired, bool), Literal[True])
    check(assert_type(lock.lock_key, str), str)
    check(lock._sequence, str)
    check(assert_type(lock._find_lock(), bool), Literal[True])
    check(assert_type(lock._acquired(blocking=False), bool), Literal[True])
    holder, before_us = check(assert_type(lock._get_locker(), "tuple[str, etcd.EtcdResult | None]"), tuple[str, None])
    assert holder == lock.lock_key and before_us is None

    other = etcd.Lock(client, f"{name}-job")
    check(assert_type(other.acquire(blocking=False), bool), Literal[False])
    holder, before_them = check(other._get_locker(), tuple[str, etcd.EtcdResult])
    assert holder == lock.lock_key and before_them is not None and before_them.key == lock.lock_key
    check(assert_type(other._acquired(blocking=False), bool), Literal[False])
    # The sequence is etcd's zero-padded text, so only a str names the key (str(int(...)) would not).
    number = check(assert_type(lock._sequence, "str | None"), str)
    assert number is not None and number.startswith("0") and lock.lock_key.endswith("/" + number)
    numbered = etcd.Lock(client, f"{name}-job")
    check(assert_type(numbered._set_sequence(lock.lock_key), None), None)
    assert numbered._sequence == number
    # A lock object with no entry of its own adopts the holder's uuid and finds its entry in etcd.
    adopter = etcd.Lock(client, f"{name}-job")
    adopter.uuid = lock.uuid
    check(assert_type(adopter.uuid, str), str)
    assert adopter.lock_key == lock.lock_key

    check(assert_type(lock.release(), None), None)
    check(lock.is_taken, Literal[False])

    with etcd.Lock(client, f"{name}-ctx") as held:
        check(assert_type(held, etcd.Lock), etcd.Lock)
        check(held.is_acquired, Literal[True])
    check(held.is_taken, Literal[False])
    check(assert_type(held.__enter__(), etcd.Lock), etcd.Lock)
    check(assert_type(held.__exit__(None, None, None), Literal[False]), Literal[False])


def test_auth_objects(client: etcd.Client, base: str) -> None:
    auth = check(assert_type(etcd.auth.Auth(client), etcd.auth.Auth), etcd.auth.Auth)
    check(assert_type(auth.client, etcd.Client), etcd.Client)
    check(assert_type(auth.uri, str), str)
    check(assert_type(auth.active, bool), Literal[False])
    auth.active = False  # unchanged: no request is made

    role_name = base.rsplit("/", 1)[1]
    role = check(assert_type(etcd.auth.EtcdRole(client, role_name), etcd.auth.EtcdRole), etcd.auth.EtcdRole)
    check(assert_type(etcd.auth.EtcdRole.entity, str), Literal["role"])
    check(assert_type(role.client, etcd.Client), etcd.Client)
    check(assert_type(role.name, "str | Any"), str)  # MaybeNone
    check(assert_type(role.uri, str), str)
    check(assert_type(role.grant(f"{base}/*", "RW"), None), None)
    check(assert_type(role.revoke(f"{base}/*", "W"), None), None)
    check(assert_type(role.acls, dict[str, str]), dict[str, str])
    assert role.acls == {f"{base}/*": "R"}
    role.acls = {f"{base}/*": "R"}
    check(assert_type(role._read_paths, set[str]), set[str])
    check(assert_type(role._write_paths, set[str]), set[str])
    check(assert_type(role._to_net(), list[dict[str, Any]]), list[dict[str, Any]])
    check(assert_type(role.write(), None), None)
    fetched = etcd.auth.EtcdRole(client, role_name)
    check(assert_type(fetched.read(), None), None)
    assert fetched.acls == {f"{base}/*": "R"}
    # etcd >= 2.3 answers with dicts, not names (etcd 2.2 gave list[str]).
    names = check(assert_type(role.names, "list[Any] | None"), list[dict[str, Any]])
    assert names is not None and any(entry["role"] == role_name for entry in names)

    user = check(assert_type(etcd.auth.EtcdUser(client, f"u-{role_name}"), etcd.auth.EtcdUser), etcd.auth.EtcdUser)
    # etcd 3.5 has no users yet: `"users": null`.
    check(assert_type(user.names, "list[Any] | None"), None)
    user.password = "secret"
    check(assert_type(user.password, None), None)  # write-only
    check(assert_type(user._password, "str | None"), str)
    user.roles = [role_name]
    check(assert_type(user.roles, set[str]), set[str])
    check(assert_type(user._roles, set[str]), set[str])
    check(assert_type(user.write(), None), None)
    check(user.names, list[dict[str, Any]])
    check(assert_type(user.delete(), None), None)
    check(assert_type(role.delete(), None), None)
    with pytest.raises(etcd.EtcdKeyNotFound):
        etcd.auth.EtcdRole(client, role_name).read()


def test_auth_members_that_fail_against_etcd_3_5(client: etcd.Client) -> None:
    base_object = etcd.auth.EtcdAuthBase(client, "x")
    check(assert_type(etcd.auth.EtcdAuthBase.entity, str), Literal["example"])
    # The abstract base: its conversions are not implemented, and its list endpoint is a 404 page.
    with pytest.raises(NotImplementedError):
        check(assert_type(base_object._from_net(b"{}"), None), None)
    with pytest.raises(NotImplementedError):
        check(assert_type(base_object._to_net(), list[dict[str, Any]]), list[dict[str, Any]])
    with pytest.raises(etcd.EtcdException):
        check(assert_type(base_object.names, "list[Any] | None"), None)
    # python-etcd 0.4.5 parses etcd <= 2.2 user records: reading one from etcd 3.5 fails.
    # (etcd 3.5 lists a user's roles as dicts, which 0.4.5 puts in a set.)
    role = etcd.auth.EtcdRole(client, "role-of-reader")
    role.write()
    created = etcd.auth.EtcdUser(client, "reader-of-users")
    created.password = "password"
    created.roles = ["role-of-reader"]
    created.write()
    with pytest.raises(TypeError, match="unhashable"):
        check(assert_type(etcd.auth.EtcdUser(client, "reader-of-users").read(), None), None)
    created.delete()
    role.delete()
    # new() both indexes and decodes its data: no value gets through.
    with pytest.raises(TypeError):
        check(assert_type(etcd.auth.EtcdUser.new(client, b'{"user": "root"}'), etcd.auth.EtcdUser), etcd.auth.EtcdUser)
    with pytest.raises(AttributeError):
        check(assert_type(etcd.auth.EtcdRole.new(client, {"role": "r"}), etcd.auth.EtcdRole), etcd.auth.EtcdRole)


def test_insufficient_permissions_once_auth_is_on(private_server: Cluster) -> None:
    (member,) = private_server.members
    anonymous = etcd.Client(host=HOST, port=member.client_port)
    root_user = etcd.auth.EtcdUser(anonymous, "root")
    root_user.password = "root-password"
    root_user.write()
    etcd.auth.Auth(anonymous).active = True
    as_root = etcd.Client(host=HOST, port=member.client_port, username="root", password="root-password")
    check(assert_type(as_root.username, "str | None"), str)
    check(assert_type(as_root.password, "str | None"), str)
    check(assert_type(etcd.auth.Auth(as_root).active, bool), Literal[True])
    # Take the guest role's permissions away: anonymous requests are then refused.
    guest = etcd.auth.EtcdRole(as_root, "guest")
    guest.acls = {}
    guest.write()
    with pytest.raises(etcd.EtcdInsufficientPermissions) as caught:
        anonymous.write("/k", "v")
    check(caught.value.payload, dict[str, Any])
    with pytest.raises(etcd.EtcdInsufficientPermissions):
        etcd.auth.Auth(anonymous).active = False
    etcd.auth.Auth(as_root).active = False
    check(etcd.auth.Auth(anonymous).active, Literal[False])
