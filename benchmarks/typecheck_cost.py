"""What the stubs cost a type check, and how long `nox -s typecheck` takes.

Run by `nox -s bench` (not part of the default run), which passes the checkers' and python-etcd's
pinned requirements. In one run:
1. mypy and pyright, cold, over uses_every_client_method.py in three environments: with etcd-stubs
   (and python-etcd), with python-etcd only (mypy: `--ignore-missing-imports`, so `etcd` is Any;
   pyright infers from python-etcd's source), and with neither (`etcd` is Any to both).
   Medians of --rounds runs; mypy with --no-incremental, pyright has no cache.
2. `nox -s typecheck` cold (new --envdir: venvs created and filled; the package caches stay warm)
   and warm (the same envdir again with -R: venvs and mypy caches reused).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROGRAM = HERE / "uses_every_client_method.py"
TARGETS: list[str] = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["etcd-stubs"]["pythons"]


def timed(*args: str | Path, cwd: Path, check: bool = True) -> float:
    start = time.perf_counter()
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if check and proc.returncode:
        sys.exit(f"{args} failed:\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def venv(where: Path, *requirements: str) -> Path:
    subprocess.run([sys.executable, "-m", "venv", where], check=True)
    python = where / "bin" / "python"
    if requirements:
        subprocess.run([python, "-m", "pip", "install", "--quiet", *requirements], check=True)
    return python


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("runtime", nargs="+", help="python-etcd's pinned requirements")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "program.py").write_text(PROGRAM.read_text())
        (work / "pyrightconfig.json").write_text('{"typeCheckingMode": "standard", "reportMissingModuleSource": false}')
        environments = {
            "with etcd-stubs": venv(work / "stubs", *args.runtime, str(ROOT)),
            "python-etcd only": venv(work / "source", *args.runtime),
            "neither": venv(work / "none"),
        }
        os.environ["PYRIGHT_PYTHON_IGNORE_WARNINGS"] = "1"
        rows: list[tuple[str, float, float]] = []
        for label, python in environments.items():
            stubbed = label == "with etcd-stubs"
            mypy: list[str | Path] = [
                sys.executable,
                "-m",
                "mypy",
                "--no-incremental",
                "--python-executable",
                python,
                "program.py",
            ]
            if not stubbed:
                mypy.insert(3, "--ignore-missing-imports")
            pyright: list[str | Path] = [
                sys.executable,
                "-m",
                "pyright",
                "--pythonpath",
                python,
                "-p",
                "pyrightconfig.json",
                "program.py",
            ]
            mypy_times = [timed(*mypy, cwd=work) for _ in range(args.rounds)]
            # Without stubs pyright reports unknown imports or untyped results; only the time matters here.
            pyright_times = [timed(*pyright, cwd=work, check=stubbed) for _ in range(args.rounds)]
            rows.append((label, statistics.median(mypy_times), statistics.median(pyright_times)))

        nox = [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), "-s", "typecheck", "--envdir", str(work / "nox")]
        cold = timed(*nox, cwd=ROOT)
        warm = timed(*nox, "-R", cwd=ROOT)

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, medians of {args.rounds} cold runs")
    print("| environment | mypy | pyright |")
    print("|---|---|---|")
    for label, mypy_time, pyright_time in rows:
        print(f"| {label} | {mypy_time:.2f} s | {pyright_time:.2f} s |")
    print()
    print(f"| `nox -s typecheck` (5 checkers x {len(TARGETS)} target Pythons, {TARGETS[0]} to {TARGETS[-1]}) | wall time |")
    print("|---|---|")
    print(f"| cold (new venvs, warm package cache) | {cold:.1f} s |")
    print(f"| warm (-R: venvs and caches reused) | {warm:.1f} s |")


if __name__ == "__main__":
    main()
