"""README.md's fallback import example, type-checked as written (tests/test_readme.py keeps them equal)."""

from etcd_fallback.compat import etcd


def read_or_create(client: etcd.Client, key: str) -> etcd.EtcdResult:
    try:
        return client.read(key)
    except etcd.EtcdKeyNotFound:
        return client.write(key, "", prevExist=False)
