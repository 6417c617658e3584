"""A real etcd 3.5 and an etcd_fake.FakeEtcd side by side, with the same member name, peer URL and
cluster token, so that both report the same member and cluster IDs."""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from etcd_fake import FakeEtcd

from ..conformance.servers import TOKEN, Member, running_cluster
from .wire import COMPARED, DIFFERENCES, Server


@contextlib.contextmanager
def _pair(workdir: Path) -> Generator[tuple[Server, Server]]:
    with running_cluster(1, workdir) as cluster:
        (member,) = cluster.members
        assert isinstance(member, Member)
        with FakeEtcd(name=member.name, token=TOKEN, peer_urls=[member.peer_url]) as fake:
            real, twin = Server("etcd", member.client_port, reads_before=member.keys_reads), Server("fake", fake.port)
            yield real, twin
            real.close()
            twin.close()


@pytest.fixture(scope="session")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    with _pair(tmp_path_factory.mktemp("etcd")) as servers:
        yield servers


@pytest.fixture
def fresh_pair(tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    """A new pair for a test that needs servers nobody else has written to (history, indexes)."""
    with _pair(tmp_path) as servers:
        yield servers


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if COMPARED:
        total, differing = sum(COMPARED.values()), sum(DIFFERENCES.values())
        terminalreporter.write_line(f"etcd_fake differential: {total} answers compared with etcd 3.5.1's, {differing} differed")
