"""Every member the stubs declare has a live check in this folder, or a written reason why not."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

from ..test_static_coverage import declared

HERE = Path(__file__).parent

# Members no live server can show, and why.
EXPLAINED = {
    "EtcdWatcherCleared": "code 400: etcd clears watchers only while it recovers from a snapshot",
    "EtcdLeaderElectionInProgress": "code 301: needs a request to land mid-election, which no test can time",
    "EtcdLockExpired": "raised inside a blocking acquire() when the lock's own key vanishes mid-watch",
    "_discover": "reads the _etcd._tcp SRV record of a DNS domain; the test servers have no DNS",
}


@functools.cache
def live_names() -> set[str]:
    """Names inside check(...)'s first argument or pytest.raises(...), in the live tests."""
    names: set[str] = set()
    for path in HERE.glob("test_live_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            if (isinstance(func, ast.Name) and func.id == "check") or (isinstance(func, ast.Attribute) and func.attr == "raises"):
                for sub in ast.walk(node.args[0]):
                    if isinstance(sub, ast.Attribute):
                        names.add(sub.attr)
                    elif isinstance(sub, ast.Name):
                        names.add(sub.id)
    return names


def test_explanations_are_for_members_that_exist() -> None:
    declared_names = {member or cls for _, cls, member in declared()}
    assert set(EXPLAINED) <= declared_names
    assert not set(EXPLAINED) & live_names(), "an explained member has a live check: drop its explanation"


@pytest.mark.parametrize(("module", "cls", "member"), declared())
def test_member_is_checked_live_or_explained(module: str, cls: str, member: str) -> None:
    name = member if member not in ("", "__init__") else cls
    assert name in live_names() or name in EXPLAINED, f"{module}.{cls}.{member} has no live check and no reason"
