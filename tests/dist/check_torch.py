"""PyTorch is the first consumer: its etcd modules must gain no mypy or pyright error from the stubs.

Run by `nox -s torch` in a venv holding torch, python-etcd, mypy and pyright. Each checker runs over
torch's own files twice, without and then with etcd-stubs installed, and the error sets are compared.
The only new error allowed is mypy's `no-redef` on torch's fallback import line
(`from . import _etcd_stub as etcd`), which exists because `etcd` now has a type.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "torch.distributed.elastic.rendezvous"
MODULES = ("etcd_rendezvous", "etcd_store", "etcd_rendezvous_backend", "etcd_server")
MYPY_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): error: (?P<message>.*?)\s+\[(?P<code>[a-z-]+)\]$")

Error = tuple[str, int, str]  # file name, line, mypy code or pyright rule


def rendezvous_dir() -> Path:
    spec = importlib.util.find_spec("torch")
    assert spec is not None and spec.origin is not None, "torch is not installed"
    return Path(spec.origin).parent / "distributed" / "elastic" / "rendezvous"


def mypy_errors(cwd: Path) -> set[Error]:
    modules = [arg for module in MODULES for arg in ("-m", f"{PACKAGE}.{module}")]
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--check-untyped-defs", "--follow-imports=silent", "--no-incremental", *modules],
        capture_output=True,
        text=True,
        cwd=cwd,
    )
    errors: set[Error] = set()
    for line in proc.stdout.splitlines():
        if match := MYPY_LINE.match(line):
            errors.add((Path(match["path"]).name, int(match["line"]), match["code"]))
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    return errors


def pyright_errors(folder: Path, cwd: Path) -> set[Error]:
    files = [str(folder / f"{module}.py") for module in MODULES]
    proc = subprocess.run(
        [sys.executable, "-m", "pyright", "--outputjson", "--pythonpath", sys.executable, *files],
        capture_output=True,
        text=True,
        cwd=cwd,
    )
    report = json.loads(proc.stdout)
    return {
        (Path(d["file"]).name, d["range"]["start"]["line"] + 1, d.get("rule", d["message"]))
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    }


def fallback_import_lines(folder: Path) -> set[tuple[str, int]]:
    lines: set[tuple[str, int]] = set()
    for module in MODULES:
        text = (folder / f"{module}.py").read_text().splitlines()
        lines |= {(f"{module}.py", n) for n, line in enumerate(text, 1) if "import _etcd_stub as etcd" in line}
    return lines


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args, "--quiet"], check=True)


def main() -> None:
    folder = rendezvous_dir()
    with tempfile.TemporaryDirectory() as tmp:
        # Default settings of each checker (basic pyright, mypy with --check-untyped-defs): an empty
        # folder, so no project configuration is picked up.
        cwd = Path(tmp)
        pip("uninstall", "--yes", "etcd-stubs")
        before = {"mypy": mypy_errors(cwd), "pyright": pyright_errors(folder, cwd)}
        pip("install", str(ROOT))
        after = {"mypy": mypy_errors(cwd), "pyright": pyright_errors(folder, cwd)}
    allowed = {(name, line, "no-redef") for name, line in fallback_import_lines(folder)}

    failed = False
    for checker in ("mypy", "pyright"):
        new = after[checker] - before[checker] - (allowed if checker == "mypy" else set())
        gone = before[checker] - after[checker]
        print(f"{checker}: {len(before[checker])} errors without the stubs, {len(after[checker])} with them")
        for error in sorted(after[checker] & allowed):
            print(f"  expected no-redef on the fallback import: {error[0]}:{error[1]}")
        for error in sorted(gone):
            print(f"  gone with the stubs: {error}")
        for error in sorted(new):
            print(f"  NEW: {error}")
            failed = True
    if failed:
        sys.exit("the stubs add errors to torch's etcd modules")
    print("torch's etcd modules gain no error from the stubs")


if __name__ == "__main__":
    main()
