"""The --etcd-check plugin stands aside unless asked for, and when it cannot work (no server needed)."""

from __future__ import annotations

from pathlib import Path

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


def test_unreadable_stubs_leave_the_run_alone(tmp_path: Path) -> None:
    (tmp_path / "test_probe.py").write_text(PROBE)
    proc = run(tmp_path, "--etcd-check=error", f"--etcd-check-stubs={tmp_path / 'missing'}")
    assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout + proc.stderr
    notice = [line for line in proc.stdout.splitlines() if line.startswith("etcd-check: off: cannot read")]
    assert len(notice) == 2, proc.stdout  # in the header, and again at the end


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
