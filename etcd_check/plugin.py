"""pytest plugin: `pytest --etcd-check` checks every call into python-etcd against the installed stubs.

Registered by entry point and off unless asked for; importing this module imports nothing but pytest.
`--etcd-check` (or `=warn`) reports each distinct violation once as an EtcdTypeViolation warning at
the caller's line; `--etcd-check=error` fails the test that made it. A summary closes the run. When
the plugin cannot check, warn mode says why in one line and stands aside; error mode fails the run.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from . import STUBS

if TYPE_CHECKING:
    from collections.abc import Generator

    from .checker import Checker, Violation

PYTHON_ETCD = "0.4.5"  # the version the stubs describe


class EtcdTypeViolation(UserWarning):
    """A call into python-etcd whose arguments, result or returned values differ from the stubs."""


class _Mode(argparse.Action):
    """`--etcd-check`, `--etcd-check=warn` and `--etcd-check=error` are three whole options (argparse
    matches an exact option string before splitting at `=`), so a bare `--etcd-check` takes no value
    and never swallows the path after it."""

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object, option_string: str | None = None
    ) -> None:
        setattr(namespace, self.dest, (option_string or "").partition("=")[2] or "warn")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("etcd-check", "python-etcd calls checked against etcd-stubs")
    group.addoption(
        "--etcd-check",
        "--etcd-check=warn",
        "--etcd-check=error",
        action=_Mode,
        nargs=0,
        dest="etcd_check",
        default=None,
        help="check every call into python-etcd against the installed stubs: warn (the default) or error",
    )
    group.addoption("--etcd-check-stubs", default=None, help="read the stubs from this folder instead of the installed ones")


class _State:
    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.checker: Checker | None = None
        self.notice = ""
        self.pending: list[Violation] = []
        self.expected: set[Violation] = set()  # made on purpose by tests marked etcd_check_expected
        self.warned: set[Violation] = set()  # each distinct violation is warned about once


_KEY = pytest.StashKey[_State]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "etcd_check_expected(reason): the test calls python-etcd against the stubs on purpose; --etcd-check "
        "requires a violation from it and neither warns nor fails for it",
    )
    mode = config.getoption("etcd_check")
    if mode is None:
        return
    state = _State(mode)
    folder = Path(config.getoption("etcd_check_stubs") or STUBS)
    reason = _start(state, folder)
    if reason is not None and mode == "error":
        # Asked to fail on any difference from the stubs, a run that cannot look for one fails.
        raise pytest.UsageError(f"etcd-check: cannot check, so --etcd-check=error fails the run: {reason}")
    config.stash[_KEY] = state
    # Shown as warnings even where the project turns warnings into errors: --etcd-check=error is the
    # way to fail on them.
    config.addinivalue_line("filterwarnings", "default::etcd_check.plugin.EtcdTypeViolation")
    if state.checker is not None:
        members = len(state.checker.stubs.members)
        state.notice = f"etcd-check: on ({mode}): {members} python-etcd members checked against {folder}"
    else:
        state.notice = f"etcd-check: off: {reason}"


def _start(state: _State, stubs_folder: Path) -> str | None:
    """Read the stubs and wrap python-etcd; the one-line reason when that cannot be done."""
    from importlib import metadata

    try:
        version = metadata.version("python-etcd")
    except metadata.PackageNotFoundError:
        return "python-etcd is not installed"
    if version != PYTHON_ETCD:
        return f"python-etcd {version} is installed; the stubs describe {PYTHON_ETCD}"
    try:
        metadata.version("typeguard")
    except metadata.PackageNotFoundError:
        return 'typeguard is not installed (pip install "etcd-stubs[check]")'
    from .stubs import StubError, load

    try:
        stubs = load(stubs_folder)
    except StubError as error:
        return str(error)
    from .checker import Checker

    state.checker = Checker(stubs, state.pending.append)
    state.checker.install()
    return None


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_KEY, None)
    if state is not None and state.checker is not None:
        state.checker.uninstall()


def pytest_report_header(config: pytest.Config) -> str | None:
    state = config.stash.get(_KEY, None)
    return state.notice if state is not None else None


def _flush(item: pytest.Item, state: _State, phase: str, *, failing: bool) -> None:
    """Report what the last phase found: warnings at the caller's line, or the test's failure (unless
    it already fails for its own reason; the summary lists the violations either way)."""
    found = list(state.pending)
    state.pending.clear()
    if item.get_closest_marker("etcd_check_expected") is not None:
        state.expected.update(found)
        if phase == "call" and not failing and not found:
            raise pytest.fail.Exception("marked etcd_check_expected, but no call differed from the stubs", pytrace=False)
        return
    if state.mode == "warn":
        for violation in found:
            if violation not in state.warned:
                state.warned.add(violation)
                warnings.warn_explicit(
                    f"{violation.member}: {violation.message}", EtcdTypeViolation, violation.filename, violation.lineno
                )
    elif found and not failing:
        message = "\n".join(f"python-etcd call differs from the stubs ({phase}): {v}" for v in found)
        raise pytest.fail.Exception(message, pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    yield from _around(item, "setup")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    yield from _around(item, "call")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    yield from _around(item, "teardown")


def _around(item: pytest.Item, phase: str) -> Generator[None, None, None]:
    state = item.config.stash.get(_KEY, None)
    active = state is not None and state.checker is not None
    try:
        yield
    except BaseException:
        if active:
            assert state is not None
            _flush(item, state, phase, failing=True)
        raise
    if active:
        assert state is not None
        _flush(item, state, phase, failing=False)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    state = config.stash.get(_KEY, None)
    if state is None:
        return
    if state.checker is None:
        terminalreporter.write_line(state.notice)
        return
    checker = state.checker
    terminalreporter.section("etcd-check")
    unexpected = [v for v in checker.violations if v not in state.expected]
    for violation in sorted(unexpected, key=lambda v: (v.filename, v.lineno)):
        count = checker.violations[violation]
        terminalreporter.write_line(f"{violation}" + (f" (x{count})" if count > 1 else ""))
    for violation in sorted(state.expected, key=lambda v: (v.filename, v.lineno)):
        terminalreporter.write_line(f"expected by its test: {violation}")
    total = sum(checker.calls.values())
    terminalreporter.write_line(
        f"{len(unexpected)} distinct violations; {total} calls checked over {len(checker.calls)} members:"
    )
    for member, count in sorted(checker.calls.items()):
        terminalreporter.write_line(f"  {count:6d}  {member}")
