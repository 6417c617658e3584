"""README.md's etcd_fake examples (tests/typing/readme_fake.py), run as they are written."""

from __future__ import annotations

from etcd_fake import FakeEtcd

from ..typing.readme_fake import shared_etcd, test_a_lease_runs_out, test_with_the_fixture

__all__ = ["shared_etcd", "test_a_lease_runs_out", "test_with_the_fixture"]


def test_the_shared_fixture_is_one_server(shared_etcd: FakeEtcd) -> None:
    shared_etcd.client().write("/shared", "first")


def test_the_shared_fixture_keeps_what_the_module_wrote(shared_etcd: FakeEtcd) -> None:
    assert shared_etcd.client().read("/shared").value == "first"
