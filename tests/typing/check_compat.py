"""The documented import line: python-etcd's types, no ignore, whichever module runs."""

from __future__ import annotations

from typing_extensions import assert_type

from etcd_fallback import EtcdStubError
from etcd_fallback.compat import etcd


def read_or_create(client: etcd.Client, key: str) -> etcd.EtcdResult:
    try:
        return client.read(key)
    except etcd.EtcdKeyNotFound:
        return client.write(key, "", prevExist=False)


def check_compat() -> None:
    assert_type(etcd.Client("127.0.0.1", 2379), etcd.Client)
    assert_type(read_or_create(etcd.Client(), "/k"), etcd.EtcdResult)
    assert_type(EtcdStubError("etcd.Client()"), EtcdStubError)
    error: ImportError = EtcdStubError("etcd.Client()")
    assert_type(error.name, "str | None")
