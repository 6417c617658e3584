"""The --etcd-check plugin offline: off unless asked for, its options, what it does when it cannot check, and
what makes a violation (no server needed)."""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import etcd
import pytest
from hypothesis import given, strategies as st
from typeguard import CollectionCheckStrategy, TypeCheckError, check_type

from etcd_check import STUBS
from etcd_check.checker import _fits
from etcd_check.stubs import Options, _import_names, load

from .isolated_pytest import run_pytest as run

PROBE = """\
import sys
import etcd

def test_untouched():
    # Without --etcd-check nothing of the plugin's checker is loaded and python-etcd is as it was.
    assert "etcd_check.checker" not in sys.modules
    assert etcd.Client.write.__module__ == "etcd.client" and not hasattr(etcd.Client.write, "__wrapped__")
"""

MISUSE = """\
import etcd
import pytest

def test_offline():
    with pytest.raises(TypeError):
        etcd.Client(port="2379")
"""


def test_off_unless_asked_for(tmp_path: Path) -> None:
    (tmp_path / "test_probe.py").write_text(PROBE)
    proc = run(tmp_path)
    assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout + proc.stderr
    assert "etcd-check" not in proc.stdout


def shadow_python_etcd(folder: Path, version: str) -> dict[str, str]:
    """An environment in which importlib.metadata finds python-etcd `version` first."""
    info = folder / f"python_etcd-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: python-etcd\nVersion: {version}\n")
    return {"PYTHONPATH": str(folder)}


CANNOT_CHECK = {
    "unreadable stubs": "cannot read",
    "another python-etcd": "python-etcd 0.4.4 is installed; the stubs describe 0.4.5",
}


@pytest.mark.parametrize("cause", CANNOT_CHECK)
@pytest.mark.parametrize("option", ["--etcd-check", "--etcd-check=error"])
def test_when_it_cannot_check_warn_mode_stands_aside_and_error_mode_fails(tmp_path: Path, option: str, cause: str) -> None:
    (tmp_path / "test_probe.py").write_text(PROBE)
    stubs = tmp_path / "missing" if cause == "unreadable stubs" else STUBS
    env = shadow_python_etcd(tmp_path / "shadow", "0.4.4") if cause == "another python-etcd" else {}
    proc = run(tmp_path, option, f"--etcd-check-stubs={stubs}", env=env)
    if option == "--etcd-check":
        assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout + proc.stderr
        notice = [line for line in proc.stdout.splitlines() if line.startswith(f"etcd-check: off: {CANNOT_CHECK[cause]}")]
        assert len(notice) == 2, proc.stdout  # in the header, and again at the end
    else:
        assert proc.returncode == pytest.ExitCode.USAGE_ERROR and "passed" not in proc.stdout, proc.stdout + proc.stderr
        (reason,) = [line for line in proc.stderr.splitlines() if line.strip()]
        assert reason.startswith("ERROR: etcd-check: cannot check") and CANNOT_CHECK[cause] in reason, proc.stderr


def test_offline_misuse_is_caught(tmp_path: Path) -> None:
    (tmp_path / "test_misuse.py").write_text(MISUSE)
    proc = run(tmp_path, "--etcd-check")
    assert "1 passed" in proc.stdout, proc.stdout + proc.stderr
    assert (
        f"{tmp_path / 'test_misuse.py'}:6: etcd.client.Client.__init__: argument port is str ('2379'), declared int"
        in proc.stdout
    )
    failing = run(tmp_path, "--etcd-check=error")
    assert failing.returncode == 1 and "1 failed" in failing.stdout, failing.stdout


@pytest.mark.parametrize(
    "args",
    [["--etcd-check", "tests"], ["tests", "--etcd-check"], ["--etcd-check=warn", "tests"], ["--etcd-check=error", "tests"]],
)
def test_the_option_goes_before_or_after_paths(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_misuse.py").write_text(MISUSE)
    proc = run(tmp_path, *args)
    mode = "error" if "--etcd-check=error" in args else "warn"
    assert f"etcd-check: on ({mode})" in proc.stdout, proc.stdout + proc.stderr
    assert ("1 failed" if mode == "error" else "1 passed") in proc.stdout, proc.stdout


REPEATED = """\
import etcd
import pytest

class Port:
    pass

def test_twice():
    for port in [Port(), Port()]:  # two objects alive at once: two addresses in their reprs
        with pytest.raises(TypeError):
            etcd.Client(port=port)
"""


def test_a_violation_is_its_place_and_types_not_a_repr(tmp_path: Path) -> None:
    (tmp_path / "test_repeated.py").write_text(REPEATED)
    proc = run(tmp_path, "--etcd-check")
    assert "1 passed" in proc.stdout, proc.stdout + proc.stderr
    assert "1 distinct violations;" in proc.stdout, proc.stdout
    report = f"{tmp_path / 'test_repeated.py'}:10: etcd.client.Client.__init__: argument port is Port ("
    (line,) = [line for line in proc.stdout.splitlines() if line.startswith(f"{report}<test_repeated.Port object at 0x")]
    assert line.endswith("), declared int (x2)"), proc.stdout
    assert proc.stdout.count("EtcdTypeViolation") == 1, proc.stdout  # warned about once


MISSING = """\
import etcd

def test_missing(monkeypatch):
    monkeypatch.delitem(etcd.EtcdResult._node_props, "ttl")  # EtcdResult.__init__ no longer sets ttl
    etcd.EtcdResult("get", {"key": "/a", "value": "x"})
"""


def test_an_attribute_always_set_that_is_missing_is_reported(tmp_path: Path) -> None:
    (tmp_path / "test_missing.py").write_text(MISSING)
    proc = run(tmp_path, "--etcd-check")
    assert "1 passed" in proc.stdout, proc.stdout + proc.stderr
    # ttl only: _prev_node, etcd_index and raft_index are set on some results alone, and missing here.
    assert "1 distinct violations;" in proc.stdout, proc.stdout
    path = tmp_path / "test_missing.py"
    assert f"{path}:5: etcd.EtcdResult.__init__: returned an EtcdResult without ttl, declared int | MaybeNone" in proc.stdout


def test_typesheds_helpers_have_their_run_time_meaning() -> None:
    names = _import_names(ast.parse("from _typeshed import MaybeNone, Unused"), "__init__")
    assert names == {"MaybeNone": type(None), "Unused": object}


@functools.cache
def declared_types() -> dict[str, tuple[Any, Callable[[object], bool]]]:
    """Every type the installed stubs declare (parameters, options, results, attributes), by its repr,
    with the test the checker compiles for it."""
    stubs = load(STUBS)
    found: list[Any] = [expected for declared in stubs.attributes.values() for expected, _ in declared.values()]
    for member in stubs.members:
        for signature in [*member.signatures, *member.setter]:
            found.append(signature.returns)
            for expected in signature.annotations.values():
                found += expected.types.values() if isinstance(expected, Options) else [expected]
    return {repr(expected): (expected, _fits(expected)) for expected in found}


VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=2)
    | st.binary(max_size=2)
    | st.builds(etcd.EtcdResult, st.just("get"), st.fixed_dictionaries({"key": st.text(max_size=2)}))
    | st.builds(etcd.EtcdException),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2) | st.integers(), inner, max_size=3),
    max_leaves=6,
)


@given(VALUES)
def test_the_quick_checks_pass_what_typeguard_passes_and_no_more(value: object) -> None:
    """The fast path for common exact types changes no verdict: each declared type, compiled once,
    fits exactly the values that typeguard says fit it."""
    for text, (expected, fits) in declared_types().items():
        try:
            check_type(value, expected, collection_check_strategy=CollectionCheckStrategy.ALL_ITEMS)
        except TypeCheckError:
            assert not fits(value), f"{value!r} passes as {text}, which typeguard refuses"
        else:
            assert fits(value), f"{value!r} fails as {text}, which typeguard accepts"
