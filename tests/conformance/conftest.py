"""Fixtures: one server for the session's tests, a three-member cluster, and a client per test whose
keys live under a directory of their own. Each runs twice: on real etcd 3.5 and on etcd_fake."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import etcd
import pytest

from .servers import HOST, Cluster, running

SERVERS = ["etcd", "fake"]


@pytest.fixture(scope="session", params=SERVERS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with running(request.param, 1, tmp_path_factory.mktemp("etcd")) as cluster:
        yield cluster


@pytest.fixture(params=SERVERS)
def cluster(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Cluster]:
    with running(request.param, 3, tmp_path) as cluster:
        yield cluster


@pytest.fixture(params=SERVERS)
def private_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Cluster]:
    """A server of the test's own, for changes the others must not see (turning auth on)."""
    with running(request.param, 1, tmp_path) as cluster:
        yield cluster


@pytest.fixture
def client(server: Cluster) -> etcd.Client:
    (member,) = server.members
    return etcd.Client(host=HOST, port=member.client_port)


@pytest.fixture
def base(tmp_path: Path) -> str:
    """A key directory no other test uses (named after the test's own temporary folder)."""
    return "/conformance/" + re.sub(r"\W+", "_", tmp_path.name)
