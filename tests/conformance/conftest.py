"""Fixtures: one etcd server for the module's tests, a three-member cluster, and a client per test
whose keys live under a directory of their own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import etcd
import pytest

from .servers import HOST, Cluster, running_cluster


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with running_cluster(1, tmp_path_factory.mktemp("etcd")) as cluster:
        yield cluster


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    with running_cluster(3, tmp_path) as cluster:
        yield cluster


@pytest.fixture
def private_server(tmp_path: Path) -> Iterator[Cluster]:
    """A server of the test's own, for changes the others must not see (turning auth on)."""
    with running_cluster(1, tmp_path) as cluster:
        yield cluster


@pytest.fixture
def client(server: Cluster) -> etcd.Client:
    (member,) = server.members
    return etcd.Client(host=HOST, port=member.client_port)


@pytest.fixture
def base(tmp_path: Path) -> str:
    """A key directory no other test uses (named after the test's own temporary folder)."""
    return "/conformance/" + re.sub(r"\W+", "_", tmp_path.name)
