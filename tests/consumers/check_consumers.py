"""Real projects' etcd code, type-checked without and with etcd-stubs: the stubs must make nothing worse.

Run by `nox -s consumers` in a venv holding torch, python-etcd, patroni's dependencies, mypy and
pyright. Each project's files are checked by both checkers twice, without etcd-stubs and then with
it, and every diagnostic the stubs add must be listed in expected.toml with its reason: a real bug
in that code, a checker rule that fires whatever any stub says, a config dict forwarded into
`etcd.Client` (see the README), the project's own subclass being incompatible with python-etcd, a
test's own mock data, or python-etcd's test helpers. A listed diagnostic that no longer appears fails
the check too.

Usage: check_consumers.py ROOT SDIST... (the project to install, then patroni's and salt's sdists)
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

HERE = Path(__file__).parent
EXPECTED = HERE / "expected.toml"
KINDS = {
    "bug": "real bugs found",
    "inherent": "checker-inherent",
    "forwarded": "forwarded config",
    "override": "own override",
    "mock-input": "mock input",
    "not-api": "not API",
}
MYPY_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): error: (?P<message>.*?)\s+\[(?P<code>[a-z-]+)\]$")

# A diagnostic, as the expectations name it: the checker, the file (relative to the project's root),
# the source line's text (line numbers move between releases, the text rarely does) and the code.
Key = tuple[str, str, str, str]


@dataclass
class Project:
    name: str
    root: Path
    files: list[str]
    strict: bool  # patroni checks itself with pyright strict; the others are checked at the defaults
    installed: bool = False  # files of an installed package: mypy checks them as modules, from elsewhere

    def source_line(self, file: str, line: int) -> str:
        return (self.root / file).read_text().splitlines()[line - 1].strip()


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd)


def mypy(project: Project) -> Counter[Key]:
    strict = ["--strict"] if project.strict else ["--check-untyped-defs"]
    if project.installed:
        targets = [arg for file in project.files for arg in ("-m", file.removesuffix(".py").replace("/", "."))]
        cwd = project.root.parent / f"{project.name}-mypy"
        cwd.mkdir(exist_ok=True)  # empty: no project configuration, nothing shadowing site-packages
    else:
        targets, cwd = project.files, project.root
    proc = run(
        sys.executable, "-m", "mypy", *strict, "--follow-imports=silent", "--no-incremental", "--no-error-summary",
        "--hide-error-context", "--no-pretty", "--show-absolute-path", *targets, cwd=cwd,
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    found: Counter[Key] = Counter()
    for line in proc.stdout.splitlines():
        if not (match := MYPY_LINE.match(line)):
            continue
        file = Path(match["path"]).relative_to(project.root).as_posix()
        if file in project.files:
            found["mypy", file, project.source_line(file, int(match["line"])), match["code"]] += 1
    return found


def pyright(project: Project) -> Counter[Key]:
    # A configuration of its own, beside the project (never written into site-packages).
    config: dict[str, object] = {
        "typeCheckingMode": "strict" if project.strict else "standard",
        "reportMissingModuleSource": False,
    }
    if not project.installed:
        config["extraPaths"] = [str(project.root)]
    where = project.root.parent / f"{project.name}-pyright"
    where.mkdir(exist_ok=True)
    (where / "pyrightconfig.json").write_text(json.dumps(config))
    files = [str(project.root / file) for file in project.files]
    proc = run(sys.executable, "-m", "pyright", "--outputjson", "-p", where, "--pythonpath", sys.executable, *files, cwd=where)
    report = json.loads(proc.stdout)
    found: Counter[Key] = Counter()
    for d in report["generalDiagnostics"]:
        if d["severity"] == "error":
            file = Path(d["file"]).relative_to(project.root).as_posix()
            found["pyright", file, project.source_line(file, d["range"]["start"]["line"] + 1), d.get("rule", "")] += 1
    return found


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args, "--quiet"], check=True)


def unpack(sdist: Path, into: Path) -> Path:
    with tarfile.open(sdist) as tf:
        if hasattr(tarfile, "data_filter"):
            tf.extractall(into, filter="data")
        else:  # before 3.11.4 (Debian 12 has 3.11.2): the pinned sdists from the index are trusted
            tf.extractall(into)
    (root,) = (p for p in into.iterdir() if p.is_dir() and sdist.name.startswith(p.name))
    return root


def installed(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.origin is not None, f"{package} is not installed"
    return Path(spec.origin).parent


def projects(work: Path, sdists: list[Path]) -> list[Project]:
    patroni_sdist, salt_sdist = sdists
    patroni = unpack(patroni_sdist, work / "patroni")
    salt = unpack(salt_sdist, work / "salt")
    # python-etcd's own tests, copied out of site-packages so that `etcd` there means the stubs.
    etcd_tests = work / "python-etcd"
    shutil.copytree(installed("etcd") / "tests", etcd_tests / "tests")
    # torch's four etcd modules, checked where they are installed (they import torch relatively).
    torch = installed("torch").parent
    rendezvous = "torch/distributed/elastic/rendezvous"
    return [
        Project("patroni", patroni, ["patroni/dcs/etcd.py", "patroni/dcs/etcd3.py"], strict=True),
        Project("salt", salt, ["salt/utils/etcd_util.py"], strict=False),
        Project(
            "python-etcd tests", etcd_tests, sorted(p.relative_to(etcd_tests).as_posix() for p in etcd_tests.rglob("*.py")), False
        ),
        Project(
            "torch",
            torch,
            [f"{rendezvous}/{m}.py" for m in ("etcd_rendezvous", "etcd_store", "etcd_rendezvous_backend", "etcd_server")],
            strict=False,
            installed=True,
        ),
    ]


def load_expected() -> dict[str, list[dict[str, str]]]:
    by_project: dict[str, list[dict[str, str]]] = {}
    for entry in tomllib.loads(EXPECTED.read_text()).get("diagnostic", []):
        assert set(entry) - {"count"} == {"project", "checker", "file", "line", "code", "kind", "reason"}, entry
        assert entry["kind"] in KINDS, f"{entry['kind']!r} is not one of {sorted(KINDS)}"
        by_project.setdefault(entry["project"], []).append(entry)
    return by_project


def main(root: Path, sdists: list[Path]) -> None:
    expected = load_expected()
    failed = False
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        checked = projects(work, sdists)
        pip("uninstall", "--yes", "etcd-stubs")
        before = {p.name: mypy(p) + pyright(p) for p in checked}
        pip("install", str(root))
        after = {p.name: mypy(p) + pyright(p) for p in checked}
    for project in checked:
        added = after[project.name] - before[project.name]
        listed = Counter[Key]()
        kinds = Counter[str]()
        for entry in expected.pop(project.name, []):
            key = (entry["checker"], entry["file"], entry["line"], entry["code"])
            count = int(entry.get("count", 1))
            listed[key] += count
            if added[key] >= listed[key]:
                kinds[entry["kind"]] += count
            else:
                print(f"{project.name}: listed but no longer reported (x{count}): {key}\n  ({entry['reason']})")
                failed = True
        unexpected = added - listed
        for (checker, file, line, code), count in sorted(unexpected.items()):
            print(f"{project.name}: UNEXPECTED {checker} [{code}] {file}: {line}" + (f" (x{count})" if count > 1 else ""))
            failed = True
        counts = [sum(before[project.name].values()), sum(after[project.name].values())]
        rows.append([project.name, *map(str, counts), *(str(kinds[k]) for k in KINDS), str(sum(unexpected.values()))])
    for name in expected:
        print(f"expected.toml names a project that was not checked: {name}")
        failed = True
    header = ["project", "without stubs", "with stubs", *KINDS.values(), "unexpected"]
    print("\nmypy and pyright diagnostics in real projects' etcd code:")
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if failed:
        sys.exit("the stubs change real projects' diagnostics beyond tests/consumers/expected.toml")
    print("every diagnostic the stubs add is listed, with its reason")


if __name__ == "__main__":
    main(Path(sys.argv[1]), [Path(a) for a in sys.argv[2:]])
