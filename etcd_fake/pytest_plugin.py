"""pytest plugin: the `etcd_fake` fixture, a fresh in-memory etcd v2 server for each test.

Registered by entry point (importing it imports etcd_fake, standard library only). To share one
server among a module's or a session's tests, make a fixture of your own with that scope:

    @pytest.fixture(scope="module")
    def shared_etcd():
        with etcd_fake.FakeEtcd() as fake:
            yield fake
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import FakeEtcd


@pytest.fixture
def etcd_fake() -> Iterator[FakeEtcd]:
    """A FakeEtcd serving on a free loopback port for this test, stopped after it."""
    with FakeEtcd() as fake:
        yield fake
