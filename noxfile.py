"""Checks for etcd-stubs. `nox` runs every session; `nox -s typecheck` is the users' command.

Tool versions live only in pyproject.toml's [dependency-groups].
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PYTHON = "3.11"  # the interpreter the torch 2.13.0 CPU wheel on this machine is built for

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_external_run = True
nox.options.sessions = ["typecheck", "stubtest", "lint", "tests", "build", "torch"]

# pyright's PyPI wrapper would otherwise ask PyPI for a newer release on every run.
QUIET_PYRIGHT = {"PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}


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
    """The stubs against python-etcd 0.4.5 itself."""
    session.install(*group("runtime"), *group("checkers"), ".")
    with tempfile.TemporaryDirectory() as cwd:
        # Run away from the source tree so the installed stubs are the ones found.
        session.chdir(cwd)
        session.run(
            "python", "-m", "mypy.stubtest", "etcd", "--strict-type-check-only",
            "--allowlist", str(ROOT / "tests" / "stubtest_allowlist.txt"),
        )  # fmt: skip


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff with the flake8-pyi rules on the stubs and the usual rules on Python."""
    session.install(*group("lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """pytest: runtime checks and the coverage of the static cases."""
    session.install(*group("tests"), ".")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def build(session: nox.Session) -> None:
    """Build wheel and sdist, check their contents, and resolve the stubs from clean installs."""
    session.install(*group("build"), *group("checkers"))
    session.run("python", "tests/dist/check_dist.py", *group("runtime"), env=QUIET_PYRIGHT)


@nox.session(python=PYTHON, venv_backend="virtualenv")
def torch(session: nox.Session) -> None:
    """torch 2.13.0's etcd modules gain no mypy or pyright error from the stubs.

    torch installs with pip (virtualenv backend): the CPU wheel is a local file that uv does not see.
    """
    session.run("python", "-m", "pip", "install", "--quiet", *group("torch"), *group("runtime"), *group("checkers"))
    session.run("python", "tests/dist/check_torch.py", env=QUIET_PYRIGHT)
