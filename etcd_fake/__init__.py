"""etcd_fake: an in-memory etcd v2 server that python-etcd code runs against, answering as etcd 3.5.

    with etcd_fake.FakeEtcd() as fake:
        client = fake.client()  # or etcd.Client(host=fake.host, port=fake.port)

Run-time dependencies: the standard library only (python-etcd for `FakeEtcd.client()`).
"""

from __future__ import annotations

from .clock import Clock
from .server import FakeEtcd

__all__ = ["Clock", "FakeEtcd"]
