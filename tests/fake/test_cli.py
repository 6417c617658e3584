"""etcd-fake, the command: started with etcd 3.5.1's flags it serves the v2 API until SIGTERM or SIGINT,
then dies of the signal, as etcd does; what etcd refuses, or what it cannot honour, stops it with one line on stderr.

The expected messages, exit codes and IDs are etcd 3.5.1's own, as its binary gave them."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import etcd
import pytest

import etcd_fake

HOST = "127.0.0.1"
ROOT = Path(etcd_fake.__file__).resolve().parent.parent
START_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without ETCD_ variables, with etcd_fake importable, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETCD_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return {**env, **(extra or {})}


def launch(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """etcd-fake started in `cwd` (where a relative --data-dir is made)."""
    command = [sys.executable, "-m", "etcd_fake", *args]
    return subprocess.Popen(command, cwd=cwd, env=environment(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "etcd_fake", *args]
    return subprocess.run(command, cwd=cwd, env=environment(env), capture_output=True, text=True, timeout=START_TIMEOUT)


def etcd_flags(client_port: int, peer_port: int, name: str = "m0", token: str = "etcd-stubs-conformance") -> list[str]:
    """The flags the conformance suite starts a real etcd member with (tests/conformance/servers.py)."""
    client, peer = f"http://{HOST}:{client_port}", f"http://{HOST}:{peer_port}"
    return [
        "--enable-v2", "--name", name, "--data-dir", f"{name}.etcd",
        "--listen-client-urls", client, "--advertise-client-urls", client,
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
        "--initial-cluster", f"{name}={peer}", "--initial-cluster-state", "new",
        "--initial-cluster-token", token,
    ]  # fmt: skip


def get(port: int, path: str) -> tuple[dict[str, str], Any]:
    with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=2) as response:
        return dict(response.headers), json.loads(response.read())


def wait_for_version(process: subprocess.Popen[str], port: int) -> Any:
    """/version's answer, as soon as the command listens."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            return get(port, "/version")[1]
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                _, stderr = process.communicate()
                raise AssertionError(f"etcd-fake did not start (exit {process.returncode}):\n{stderr}") from None
            time.sleep(0.02)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """etcd-fake started in `tmp_path` as the conformance suite starts etcd, and its client port."""
    port = free_port()
    process = launch(etcd_flags(port, free_port()), tmp_path)
    try:
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serves_until_a_signal(served: tuple[subprocess.Popen[str], int], tmp_path: Path, signum: signal.Signals) -> None:
    process, port = served
    assert wait_for_version(process, port) == {"etcdserver": "3.5.1", "etcdcluster": "3.5.0"}
    client = etcd.Client(host=HOST, port=port)
    client.write("/cli/key", "value")
    assert client.read("/cli/key").value == "value"
    assert [m["name"] for m in client.members.values()] == ["m0"]

    process.send_signal(signum)
    assert process.wait(timeout=1) == -signum  # etcd dies of the signal once it has shut down
    stdout, stderr = process.communicate()
    assert stdout == ""
    lines = [json.loads(line) for line in stderr.splitlines()]  # etcd's zap JSON lines, nothing else
    messages = [line["msg"] for line in lines]
    assert "serving client traffic insecurely; this is strongly discouraged!" in messages
    assert messages[-2:] == ["received signal; shutting down", "closed etcd server"]
    assert lines[-2]["signal"] == ("terminated" if signum == signal.SIGTERM else "interrupt")
    data_dir = tmp_path / "m0.etcd"  # made as etcd makes it, and left empty: the fake keeps nothing on disk
    assert data_dir.is_dir() and not any(data_dir.iterdir())
    assert data_dir.stat().st_mode & 0o777 == 0o700


def test_member_and_cluster_ids_are_etcds(tmp_path: Path) -> None:
    """etcd 3.5.1 with these flags answered member 263677702ecf64f8 in cluster a1bfa37036f37502."""
    port = free_port()
    process = launch(etcd_flags(port, 33697, token="tok"), tmp_path)  # the fake does not listen on the peer port
    try:
        wait_for_version(process, port)
        headers, members = get(port, "/v2/members")
        assert members == {
            "members": [
                {
                    "id": "263677702ecf64f8",
                    "name": "m0",
                    "peerURLs": ["http://127.0.0.1:33697"],
                    "clientURLs": [f"http://{HOST}:{port}"],
                }
            ]
        }
        assert headers["X-Etcd-Cluster-Id"] == "a1bfa37036f37502"
    finally:
        process.terminate()
        process.communicate(timeout=5)
    assert process.returncode == -signal.SIGTERM


def test_flags_from_environment_variables(tmp_path: Path) -> None:
    """ETCD_<FLAG> sets each flag not given; --name alone makes the initial cluster `<name>=<peer URLs>`."""
    port, peer = free_port(), f"http://{HOST}:{free_port()}"
    env = {
        "ETCD_ENABLE_V2": "true",
        "ETCD_NAME": "from-env",
        "ETCD_ADVERTISE_CLIENT_URLS": f"http://{HOST}:{port}",
        "ETCD_INITIAL_ADVERTISE_PEER_URLS": peer,
        "ETCD_VERSION": "3.5.1",  # set by etcd's Docker images; etcd ignores it rather than take it for --version
    }
    process = launch(["--listen-client-urls", f"http://{HOST}:{port}", "--listen-peer-urls", peer], tmp_path, env)
    try:
        wait_for_version(process, port)
        (member,) = get(port, "/v2/members")[1]["members"]
        assert (member["name"], member["peerURLs"]) == ("from-env", [peer])
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=5)
    assert process.returncode == -signal.SIGTERM
    used = [json.loads(line).get("variable-name") for line in stderr.splitlines()]
    assert "ETCD_NAME" in used and "ETCD_VERSION" not in used


@pytest.mark.parametrize(
    ("extra", "env", "code", "message"),
    [
        # etcd's flag parser: its messages, exit 2
        (["--bogus-flag"], {}, 2, "flag provided but not defined: -bogus-flag"),
        (["-bogus-flag=1"], {}, 2, "flag provided but not defined: -bogus-flag"),
        (["--name"], {}, 2, "flag needs an argument: -name"),
        (["--enable-v2=maybe"], {}, 2, 'invalid boolean value "maybe" for -enable-v2: parse error'),
        (["--heartbeat-interval=abc"], {}, 2, 'invalid value "abc" for flag -heartbeat-interval: parse error'),
        (["--listen-client-urls", "127.0.0.1:2379"], {}, 2, "for flag -listen-client-urls: URL scheme must be http"),
        # etcd's other refusals: exit 1
        (["--enable-v2", "false"], {}, 1, "'false' is not a valid flag"),  # a boolean takes no separate value
        ([], {"ETCD_NAME": "m1"}, 1, "environment variable ETCD_NAME is shadowed by corresponding command-line flag --name"),
        ([], {"ETCD_SNAPSHOT_COUNT": "x"}, 1, 'invalid value "x" for ETCD_SNAPSHOT_COUNT: parse error'),
        (["--heartbeat-interval=300"], {}, 1, "should be at least as 5 times as --heartbeat-interval[300ms]"),
        (["--initial-cluster", "m1={peer}"], {}, 1, 'couldn\'t find local name "m0" in the initial cluster configuration'),
        (["--initial-cluster", "m0=http://127.0.0.1:1"], {}, 1, "--initial-cluster has m0=http://127.0.0.1:1 but missing from"),
        # what etcd-fake cannot honour
        (["--enable-v2=false"], {}, 1, "--enable-v2"),
        (["--initial-cluster", "m0={peer},m1=http://127.0.0.1:1"], {}, 1, "cannot honour --initial-cluster="),
        (["--initial-cluster-state", "existing"], {}, 1, "cannot honour --initial-cluster-state=existing"),
        (["--peer-cert-file", "peer.crt"], {}, 1, "cannot honour --peer-cert-file=peer.crt"),
        (["--listen-peer-urls", "https://127.0.0.1:1"], {}, 1, "cannot honour --listen-peer-urls=https://127.0.0.1:1"),
        (["--ca-file", "ca.crt"], {}, 2, "flag provided but not defined: -ca-file"),  # gone from etcd 3.5
        (["--listen-metrics-urls", "http://127.0.0.1:1"], {}, 1, "cannot honour --listen-metrics-urls="),
        (["--proxy", "on"], {}, 1, "cannot honour --proxy=on"),
    ],
)
def test_refused_with_one_line(extra: list[str], env: dict[str, str], code: int, message: str, tmp_path: Path) -> None:
    peer_port = free_port()
    args = [arg.replace("{peer}", f"http://{HOST}:{peer_port}") for arg in extra]
    result = run([*etcd_flags(free_port(), peer_port, name="m0"), *args], tmp_path, env)
    assert (result.returncode, result.stdout) == (code, "")
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


def test_without_enable_v2(tmp_path: Path) -> None:
    """etcd 3.5 serves no /v2 without --enable-v2 (its default is false), and the fake serves only /v2."""
    result = run([], tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "--enable-v2" in result.stderr


def test_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(etcd_flags(port, free_port()), tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert f"--listen-client-urls=http://{HOST}:{port}: listen tcp {HOST}:{port}: bind: address already in use" in result.stderr


def test_data_dir_of_a_member(tmp_path: Path) -> None:
    """etcd would restart from a data dir holding a member, not start the new member the flags describe."""
    (tmp_path / "member").mkdir()
    result = run([*etcd_flags(free_port(), free_port()), "--data-dir", str(tmp_path)], tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and f"--data-dir={tmp_path}" in result.stderr


def test_data_dir_not_made(tmp_path: Path) -> None:
    """etcd cannot start where it cannot make its data dir, here below a file."""
    (tmp_path / "file").touch()
    result = run([*etcd_flags(free_port(), free_port()), "--data-dir", "file/m0.etcd"], tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "--data-dir: cannot access data directory: mkdir" in result.stderr


def test_version_and_help(tmp_path: Path) -> None:
    version = run(["--version"], tmp_path)
    assert (version.returncode, version.stderr) == (0, "")
    assert version.stdout.startswith("etcd Version: 3.5.1\n")
    usage = run(["-h"], tmp_path)
    assert (usage.returncode, usage.stderr) == (0, "")
    assert usage.stdout.startswith("Usage: etcd-fake [flags]")


def test_the_readmes_command(tmp_path: Path) -> None:
    """README.md's etcd-fake command as written, but for its port and data dir."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    command = readme.split("<!-- fake-command -->\n```\n", 1)[1].split("\n```", 1)[0]
    port = free_port()
    args = command.replace("2379", str(port)).replace("/tmp/etcd", str(tmp_path / "etcd")).split()
    assert args[0] == "etcd-fake"
    process = launch(args[1:], tmp_path)
    try:
        assert wait_for_version(process, port) == {"etcdserver": "3.5.1", "etcdcluster": "3.5.0"}
        assert etcd.Client(host=HOST, port=port).write("/readme", "v").value == "v"
    finally:
        process.terminate()
        process.communicate(timeout=5)
    assert process.returncode == -signal.SIGTERM


def test_https_needs_a_certificate_and_key(tmp_path: Path) -> None:
    """etcd's own message; and a certificate it cannot read stops it as its listener fails."""
    port = free_port()
    https = ["--listen-client-urls", f"https://{HOST}:{port}", "--advertise-client-urls", f"https://{HOST}:{port}"]
    result = run([*etcd_flags(free_port(), free_port()), *https], tmp_path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    needed = f"TLS key/cert (--cert-file, --key-file) must be provided for client url https://{HOST}:{port} with HTTPS scheme"
    assert needed in result.stderr
    missing = run([*etcd_flags(free_port(), free_port()), *https, "--cert-file", "none.crt", "--key-file", "none.key"], tmp_path)
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1, missing.stderr
    assert "--cert-file=none.crt: listener failed: open none.crt: no such file or directory" in missing.stderr
    (tmp_path / "junk.crt").write_text("not a certificate")
    junk = run([*etcd_flags(free_port(), free_port()), *https, "--cert-file", "junk.crt", "--key-file", "junk.crt"], tmp_path)
    assert junk.returncode == 1 and junk.stderr.count("\n") == 1, junk.stderr
    assert "--cert-file=junk.crt, --key-file=junk.crt: listener failed:" in junk.stderr
