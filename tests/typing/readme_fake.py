"""README.md's etcd_fake examples, type-checked as written (tests/test_readme.py keeps them equal) and
run as tests by tests/fake/test_readme_fake.py."""

from collections.abc import Iterator

import etcd
import pytest

from etcd_fake import FakeEtcd


def test_a_lease_runs_out() -> None:
    with FakeEtcd(frozen_clock=True) as fake:
        client = fake.client()
        client.write("/leases/worker-1", "alive", ttl=30)
        fake.advance(31)  # no sleeping: the clock moves, and what is due expires at once
        with pytest.raises(etcd.EtcdKeyNotFound):
            client.read("/leases/worker-1")


def test_with_the_fixture(etcd_fake: FakeEtcd) -> None:
    client = etcd.Client(host=etcd_fake.host, port=etcd_fake.port)  # as the code under test builds it
    client.write("/jobs/a", "queued")
    assert client.read("/jobs/a").value == "queued"


@pytest.fixture(scope="module")
def shared_etcd() -> Iterator[FakeEtcd]:
    with FakeEtcd() as fake:
        yield fake
