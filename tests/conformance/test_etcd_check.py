"""`pytest --etcd-check` proven on live servers: untyped misuse is reported at the caller's line, and
stubs with planted errors are caught (python-etcd's own integration tests, run under it on both servers,
are in test_python_etcd_suite.py).

Each case runs pytest in a subprocess, with an empty configuration of its own, the way a user's
project would run it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import etcd
import pytest

from etcd_check import STUBS

from .. import isolated_pytest
from .servers import Cluster

SUMMARY = re.compile(r"^(?P<count>\d+) distinct violations; (?P<calls>\d+) calls checked over (?P<members>\d+) members:$", re.M)


@pytest.mark.skipif(
    os.environ.get("NOX_CURRENT_SESSION", "").partition("-")[0] != "conformance",
    reason="nox's conformance session runs the live suite with --etcd-check=error; this proves it is on there",
)
def test_the_conformance_session_is_checked(pytestconfig: pytest.Config) -> None:
    """The live suite's calls are checked, in error mode: were the plugin off, nothing would be."""
    assert pytestconfig.getoption("etcd_check") == "error", "nox -s conformance runs without --etcd-check=error"
    assert hasattr(etcd.Client.write, "__wrapped__"), "--etcd-check=error is given, yet python-etcd is not wrapped"


def run_pytest(folder: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = isolated_pytest.run_pytest(folder, *args, env=env)
    assert "etcd-check: on" in proc.stdout, proc.stdout + proc.stderr
    return proc.stdout


def violations(output: str) -> list[str]:
    section = output.split("= etcd-check =", 1)[1]
    match = SUMMARY.search(section)
    assert match, output
    listed = [line for line in section[: match.start()].splitlines() if line and not line.startswith("=")]
    assert len(listed) == int(match["count"]), output
    return listed


def port_of(server: Cluster) -> str:
    (member,) = server.members
    return str(member.client_port)


# The README's example: three mistakes python-etcd lets through silently, in an untyped test.
MISUSE = """\
import os, etcd


def test_cleanup():
    client = etcd.Client(port=int(os.environ["ETCD_PORT"]))
    client.write("/jobs/a", "x", ttl=30, timeout=5)
    client.delete("/jobs/a", "owner-1", prevValue="x")
    client.read("/jobs", consistent=True)
"""


# What --etcd-check reports for it: (line, report). The README shows the same lines.
MISUSE_REPORT = [
    (6, "etcd.client.Client.write: option timeout=5 is not one that this method sends (python-etcd drops it)"),
    (7, "etcd.client.Client.delete: argument recursive is str ('owner-1'), declared bool | None"),
    (8, "etcd.client.Client.read: option consistent=True is not one that this method sends (python-etcd drops it)"),
]


def test_untyped_misuse_is_reported_at_its_line(server: Cluster, tmp_path: Path) -> None:
    (tmp_path / "test_misuse.py").write_text(MISUSE)
    output = run_pytest(tmp_path, "--etcd-check", env={"ETCD_PORT": port_of(server)})
    assert "1 passed" in output, output  # nothing python-etcd does is changed
    path = tmp_path / "test_misuse.py"
    assert violations(output) == [f"{path}:{line}: {report}" for line, report in MISUSE_REPORT]
    # warn mode: one warning each, at the user's line.
    assert output.count("EtcdTypeViolation") == 3, output
    # error mode: the test fails, and says why.
    failing = run_pytest(tmp_path, "--etcd-check=error", env={"ETCD_PORT": port_of(server)})
    assert "1 failed" in failing and "python-etcd call differs from the stubs (call)" in failing, failing


WORKLOAD = """\
import os, etcd

def test_workload():
    client = etcd.Client(port=int(os.environ["ETCD_PORT"]))
    client.write("/mutations/k", "v", ttl=60, prevExist=False)
    assert client.get("/mutations/k").value == "v"
    for leaf in client.read("/mutations", recursive=True).leaves:
        assert leaf.modifiedIndex > 0
    client.delete("/mutations/k")
"""

# Planted errors, each in a copy of the installed stubs: (file, text, replacement, what must be reported).
MUTATIONS = {
    "wrong return type": (
        "client.pyi",
        "def get(self, key: str) -> EtcdResult: ...",
        "def get(self, key: str) -> str: ...",
        "etcd.client.Client.get: returned EtcdResult, declared str",
    ),
    "wrong attribute type": (
        "__init__.pyi",
        "    modifiedIndex: int | MaybeNone",
        "    modifiedIndex: str | MaybeNone",
        "returned an EtcdResult whose modifiedIndex is int, declared str | MaybeNone",
    ),
    "option removed": (
        "client.pyi",
        "    prevExist: bool | int\n",
        "",
        "etcd.client.Client.write: option prevExist=False is not one that this method sends",
    ),
    "parameter narrowed": (
        "client.pyi",
        "        ttl: int | None = None,\n        dir: bool | int = False,",
        "        ttl: bool | None = None,\n        dir: bool | int = False,",
        "etcd.client.Client.write: argument ttl is int (60), declared bool | None",
    ),
}


@pytest.mark.parametrize("mutation", [None, *MUTATIONS])
def test_planted_stub_errors_are_reported(server: Cluster, tmp_path: Path, mutation: str | None) -> None:
    stubs = tmp_path / "etcd-stubs"
    shutil.copytree(STUBS, stubs)
    if mutation is not None:
        file, text, replacement, _ = MUTATIONS[mutation]
        source = (stubs / file).read_text()
        assert source.count(text) == 1, f"the mutation no longer applies to {file}: {text!r}"
        (stubs / file).write_text(source.replace(text, replacement))
    (tmp_path / "test_workload.py").write_text(WORKLOAD)
    output = run_pytest(tmp_path, "--etcd-check", f"--etcd-check-stubs={stubs}", env={"ETCD_PORT": port_of(server)})
    assert "1 passed" in output, output
    found = violations(output)
    if mutation is None:
        assert found == [], output  # the installed stubs: the same workload is clean
    else:
        assert any(MUTATIONS[mutation][3] in line for line in found), output
