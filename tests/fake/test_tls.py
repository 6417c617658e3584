"""TLS on the client port: etcd 3.5.1 and etcd-fake started with the same TLS flags, and FakeEtcd with
a TLS context, answer python-etcd clients alike: served over https, a client certificate required with
--client-cert-auth, every client that cannot make the handshake refused."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import etcd
import pytest

from etcd_fake import FakeEtcd
from etcd_fake.tls import server_context

from ..conformance.servers import etcd_binary, free_ports
from .certs import Certificates, make_certificates

HOST = "127.0.0.1"
COMMANDS = {"etcd": [etcd_binary()], "fake": [sys.executable, "-m", "etcd_fake"]}


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("certificates"))


def _flags(certificates: Certificates, port: int, peer: int, data_dir: Path) -> list[str]:
    url, peer_url = f"https://{HOST}:{port}", f"http://{HOST}:{peer}"
    return [
        "--enable-v2", "--name", "tls", "--data-dir", str(data_dir),
        "--listen-client-urls", url, "--advertise-client-urls", url,
        "--listen-peer-urls", peer_url, "--initial-advertise-peer-urls", peer_url, "--initial-cluster", f"tls={peer_url}",
        "--cert-file", str(certificates.server_cert), "--key-file", str(certificates.server_key),
        "--trusted-ca-file", str(certificates.ca), "--client-cert-auth",
    ]  # fmt: skip


@pytest.fixture(params=sorted(COMMANDS))
def tls_server(request: pytest.FixtureRequest, certificates: Certificates, tmp_path: Path) -> Iterator[tuple[str, int]]:
    """etcd 3.5.1 or etcd-fake serving https with client certificates required; its name and port."""
    port, peer = free_ports(2)
    command = [*COMMANDS[request.param], *_flags(certificates, port, peer, tmp_path / "data")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = _client(port, certificates, with_cert=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                client.read("/")
                break
            except etcd.EtcdException:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        yield request.param, port
    finally:
        process.terminate()
        process.wait(10)


def _client(port: int, certificates: Certificates, *, with_cert: bool, with_ca: bool = True) -> etcd.Client:
    cert = (str(certificates.client_cert), str(certificates.client_key)) if with_cert else None
    ca = str(certificates.ca) if with_ca else None
    return etcd.Client(host=HOST, port=port, protocol="https", ca_cert=ca, cert=cert, read_timeout=5)


def _outcome(call: Callable[[], object]) -> str:
    try:
        return repr(call())
    except etcd.EtcdException as error:
        return type(error).__name__


def test_the_same_answers_over_tls(tls_server: tuple[str, int], certificates: Certificates) -> None:
    """Each server's outcomes are etcd's; the fake's run is compared with the etcd run's, kept here."""
    name, port = tls_server
    trusted = _client(port, certificates, with_cert=True)
    written = trusted.write("/tls/k", "v")
    outcomes = {
        "write": (written.action, written.value),
        "read": trusted.read("/tls/k").value,
        "members": [member["clientURLs"] for member in trusted.members.values()],
        "no client certificate": _outcome(lambda: _client(port, certificates, with_cert=False).read("/tls/k")),
        "server not trusted": _outcome(lambda: _client(port, certificates, with_cert=True, with_ca=False).read("/tls/k")),
        "plain HTTP": _outcome(lambda: etcd.Client(host=HOST, port=port, read_timeout=5).read("/tls/k")),
    }
    assert outcomes == {
        "write": ("set", "v"),
        "read": "v",
        "members": [[f"https://{HOST}:{port}"]],
        "no client certificate": "EtcdConnectionFailed",
        "server not trusted": "EtcdConnectionFailed",
        "plain HTTP": "EtcdConnectionFailed",
    }, name


def test_fake_etcd_in_process(certificates: Certificates) -> None:
    context = server_context(str(certificates.server_cert), str(certificates.server_key))
    with FakeEtcd(tls=context) as fake:
        assert fake.url.startswith("https://")
        client = fake.client(ca_cert=str(certificates.ca))
        assert client.write("/k", "v").value == "v"
        assert client.machines == [fake.url]


def test_client_certificates_need_a_ca(certificates: Certificates) -> None:
    with pytest.raises(ValueError, match="client_cert_auth needs trusted_ca_file"):
        server_context(str(certificates.server_cert), str(certificates.server_key), client_cert_auth=True)
