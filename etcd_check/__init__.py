"""Stub-checked test runs: `pytest --etcd-check` checks every call into python-etcd against etcd-stubs.

The plugin lives in `etcd_check.plugin` (registered as a pytest11 entry point); it needs typeguard,
which the `check` extra installs: `pip install "etcd-stubs[check]"`.
"""

from pathlib import Path

STUBS = Path(__file__).resolve().parent.parent / "etcd-stubs"  # installed beside this package
