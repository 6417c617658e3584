"""The error every stand-in raises when it is used."""

from __future__ import annotations


class EtcdStubError(ImportError):
    """python-etcd is not installed: etcd_fallback has its names, not its behaviour."""

    def __init__(self, used: str) -> None:
        super().__init__(
            f"{used} needs python-etcd, which is not installed (etcd_fallback only stands in for its names); "
            "install it with: pip install python-etcd",
            name="etcd",
        )
