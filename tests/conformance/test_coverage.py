"""Every member the stubs declare has a live check of its own in this folder, or a written reason why not.

A live check is `check(value, Runtime)` in a test_live_*.py file (or a helper there): typeguard checks
the value a real server produced. What a check covers is read as tests/test_static_coverage.py reads a
static case, with the stubs' types: `lock.name` covers `Lock.name`, not `EtcdAuthBase.name`; a
constructor is covered only by calling its class; a module-level name through its own module. And:

- a `check(...)` inside `with pytest.raises(...)` checks no value, since none is produced: it covers
  only a member declared never to return (`NoReturn`), for which raising is what is declared;
- `pytest.raises(X)` is a live check of the class X itself: the server's answer raised an X.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from ..test_static_coverage import CaseFile, Member, Stubs, declared, stubs

HERE = Path(__file__).parent

# Members no live server can show, and why (module.Class.member, or module.name).
EXPLAINED = {
    "etcd.EtcdWatcherCleared": "code 400: etcd clears watchers only while it recovers from a snapshot",
    "etcd.EtcdLeaderElectionInProgress": "code 301: needs a request to land mid-election, which no test can time",
    "etcd.EtcdLockExpired": "raised inside a blocking acquire() when the lock's own key vanishes mid-watch",
    "etcd.client.Client._discover": "reads the _etcd._tcp SRV record of a DNS domain; the test servers have no DNS",
    "etcd.auth.EtcdAuthBase.new": (
        "0.4.5 both indexes `data` and json-decodes it, so every argument raises (TypeError for bytes,"
        " AttributeError for a dict): no value ever comes back (test_auth_members_that_fail_against_etcd_3_5)"
    ),
    "etcd.auth.EtcdAuthBase._to_net": (
        "the base class's own method only raises NotImplementedError; EtcdUser and EtcdRole declare and implement their own"
    ),
}

# Members with no live check yet, though one could be written: the line that would check each. Their
# tests are expected failures (strict), so a check added without taking the entry out fails too.
NOT_YET_CHECKED = {
    # New in the stubs (`__bool__ -> Literal[True]`); python-etcd has no __bool__, so `bool()` is the check.
    "etcd.EtcdResult.__bool__": "test_plain_key: check(bool(read), Literal[True])",
    "etcd.client.Client.set": (
        'test_plain_key: check_node(check(assert_type(client.set(f"{base}/n", 5), etcd.EtcdResult), etcd.EtcdResult), ...)'
    ),
    "etcd.auth.EtcdAuthBase._from_net": (
        "test_auth_objects (EtcdRole implements it; the stubs declare it on the base):"
        " check(assert_type(fetched._from_net(client.api_execute(fetched.uri, client._MGET).data), None), None)"
    ),
    "etcd.auth.EtcdUser._to_net": (
        "test_auth_objects, after user.roles = [role_name]: check(assert_type(user._to_net(), list[dict[str, Any]]),"
        " list[dict[str, Any]]) (it blanks the password, so before user.write() needs the password set again)"
    ),
    "etcd.EtcdException.__init__": (
        'check(assert_type(etcd.EtcdException("m", {"errorCode": 100}), etcd.EtcdException), etcd.EtcdException):'
        " under --etcd-check=error the plugin checks the arguments against the stubs"
    ),
    "etcd.EtcdConnectionFailed.__init__": (
        'check(assert_type(etcd.EtcdConnectionFailed("m", None, cause=OSError()), etcd.EtcdConnectionFailed),'
        " etcd.EtcdConnectionFailed)"
    ),
}


def live_sources(directory: Path = HERE) -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(directory.glob("test_live_*.py"))}


def live_covered(the_stubs: Stubs, sources: Mapping[str, str]) -> set[Member]:
    """The members some live check covers."""
    covered: set[Member] = set()
    for name, source in sources.items():
        case = CaseFile(the_stubs, source, name)
        for check in case.checks:
            uses = case.covered(check)
            covered |= {use.member for use in uses if use.noreturn or not check.in_raises}
        covered |= {use.member for use in case.raised_classes()}
    return covered


@functools.cache
def _covered_now() -> frozenset[Member]:
    return frozenset(live_covered(stubs(), live_sources()))


def test_explanations_are_for_members_that_exist() -> None:
    names = {str(m) for m in declared()}
    listed = set(EXPLAINED) | set(NOT_YET_CHECKED)
    assert listed <= names, f"listed but not declared: {sorted(listed - names)}"
    assert not set(EXPLAINED) & set(NOT_YET_CHECKED)
    checked = {str(m) for m in _covered_now()} & set(EXPLAINED)
    assert not checked, f"an explained member has a live check: drop its explanation: {sorted(checked)}"


def _members() -> list[object]:
    return [
        pytest.param(m, marks=pytest.mark.xfail(strict=True, reason=f"no live check yet: {NOT_YET_CHECKED[str(m)]}"))
        if str(m) in NOT_YET_CHECKED
        else m
        for m in declared()
    ]


@pytest.mark.parametrize("member", _members(), ids=str)
def test_member_is_checked_live_or_explained(member: Member) -> None:
    assert member in _covered_now() or str(member) in EXPLAINED, f"{member} has no live check and no reason in EXPLAINED"


# ---- planted gaps -------------------------------------------------------------------------------------


def _without_lines(source: str, pattern: str) -> str:
    kept = [line for line in source.splitlines() if not re.search(pattern, line)]
    assert len(kept) < len(source.splitlines()), f"no line matches {pattern!r}: the planted gap needs updating"
    return "\n".join(kept) + "\n"


def test_planted_gap_check_inside_raises() -> None:
    """Lock.lock_key's check after acquire() deleted: the one left is inside pytest.raises (the key is
    read before there is one), which produces no value, so the member is reported."""
    sources = live_sources()
    text = sources["test_live_lock_auth.py"]
    lines = text.splitlines()
    raising = [i for i, line in enumerate(lines) if "check(assert_type(lock.lock_key, str), str)" in line]
    assert len(raising) >= 2 and "pytest.raises" in lines[raising[0] - 1], "the planted gap needs updating"
    del lines[raising[1]]
    sources["test_live_lock_auth.py"] = "\n".join(lines) + "\n"
    missing = _covered_now() - live_covered(stubs(), sources)
    assert {str(m) for m in missing} == {"etcd.lock.Lock.lock_key"}


def test_planted_gap_lock_name_and_client() -> None:
    """Deleting the live checks of Lock.name and Lock.client is caught, though the auth objects' `name`
    and `client` are still checked."""
    sources = live_sources()
    sources["test_live_lock_auth.py"] = _without_lines(
        sources["test_live_lock_auth.py"], r"check\(assert_type\(lock\.(name|client),"
    )
    missing = _covered_now() - live_covered(stubs(), sources)
    assert {str(m) for m in missing} == {"etcd.lock.Lock.name", "etcd.lock.Lock.client"}


def test_raises_counts_for_what_never_returns() -> None:
    case = """
import etcd
import pytest
from typing import NoReturn
from typing_extensions import assert_type
from .check import check

def test_it(client: etcd.Client) -> None:
    with pytest.raises(NotImplementedError):
        check(assert_type(client.election, NoReturn), NoReturn)
    with pytest.raises(etcd.EtcdKeyNotFound):
        check(assert_type(client.read("/missing"), etcd.EtcdResult), etcd.EtcdResult)
"""
    covered = {str(m) for m in live_covered(stubs(), {"test_live_planted.py": case})}
    assert "etcd.client.Client.election" in covered  # NoReturn: raising is what it declares
    assert "etcd.client.Client.read" not in covered  # a value was declared, none was produced
    assert "etcd.EtcdKeyNotFound" in covered  # the server's answer raised one
