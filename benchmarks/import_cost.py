"""Import cost of etcd_fallback beside python-etcd (`import etcd`) and torch's `_etcd_stub`.

Run by `nox -s bench` (not part of the default run). Each module is imported in fresh interpreters,
interleaved round by round so machine noise spreads evenly:
- wall time of `python -c "import M"` (median of --rounds starts), and its ratio to a bare
  `python -c pass`;
- `python -X importtime`: the module's own cumulative import time (median), which excludes the
  interpreter start.
torch's `_etcd_stub` is read from the installed torch and imported on its own from a temporary
folder: importing it in place would import all of torch first.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IMPORTTIME = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|\s*(\S+)\s*$")


# -s and a bare environment: no user site and no PYTHON* variables but the folder holding the seed.
def wall(code: str, env_path: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-s", "-c", code], check=True, env={"PYTHONPATH": env_path})
    return time.perf_counter() - start


def cumulative_us(module: str, env_path: str) -> int:
    proc = subprocess.run(
        [sys.executable, "-s", "-X", "importtime", "-c", f"import {module}"],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": env_path},
    )
    for line in proc.stderr.splitlines():
        match = IMPORTTIME.match(line)
        if match and match[3] == module:
            return int(match[2])
    raise RuntimeError(f"no importtime line for {module}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    spec = importlib.util.find_spec("torch")
    if spec is None or spec.origin is None:
        sys.exit("torch is not installed")
    seed = Path(spec.origin).parent / "distributed" / "elastic" / "rendezvous" / "_etcd_stub.py"

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(seed, Path(tmp, "_etcd_stub.py"))
        path = tmp
        modules = {"etcd_fallback": "etcd_fallback", "python-etcd (import etcd)": "etcd", "torch _etcd_stub": "_etcd_stub"}
        walls: dict[str, list[float]] = {name: [] for name in ["bare start", *modules]}
        cumulative: dict[str, list[int]] = {name: [] for name in modules}
        for _ in range(args.rounds):
            walls["bare start"].append(wall("pass", path))
            for name, module in modules.items():
                walls[name].append(wall(f"import {module}", path))
                cumulative[name].append(cumulative_us(module, path))

    bare = statistics.median(walls["bare start"])
    print(f"Python {sys.version.split()[0]}, {args.rounds} interleaved rounds, medians")
    print("| import | wall time of the process | ratio to a bare start | -X importtime cumulative |")
    print("|---|---|---|---|")
    print(f"| (bare `python -c pass`) | {bare * 1000:.1f} ms | 1.00 | - |")
    for name in modules:
        median = statistics.median(walls[name])
        print(f"| {name} | {median * 1000:.1f} ms | {median / bare:.2f} | {statistics.median(cumulative[name]) / 1000:.2f} ms |")


if __name__ == "__main__":
    main()
