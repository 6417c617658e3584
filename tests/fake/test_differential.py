"""The same random sequences of v2 requests sent to etcd 3.5.1 and to the fake: every answer agrees.

Each hypothesis example works below a directory of its own, so both servers see exactly the same
requests in the same order; indexes are compared as offsets from where each server stood when the
example began. TTLs here are long (expiry is timed by each server's own 500 ms sync, so it is checked
in test_cases.py instead).
"""

# hypothesis leaves run_state_machine_as_test's first parameter unannotated (pyright reports the member
# as partially unknown; basedpyright does not, so no ignore comment could satisfy both).
# pyright: reportUnknownMemberType=false

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, cast

from hypothesis import assume, settings, stateful, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from .wire import Server, Wait, assert_same

KEYS = st.sampled_from(["", "/a", "/a/b", "/a/b/c", "/d", "/_h", "/a/_h", "/d/e/f"])
VALUES = st.sampled_from(["", "x", "y", "<&>", "é", "x" * 2100])
FLAGS = st.sampled_from([None, "true", "false"])
ODD = st.sampled_from(["", "maybe", "-1", "1.5", "TRUE", "t", "0", "1", "abc", "18446744073709551616"])
TTLS = st.sampled_from([None, "", "100", "1000"])
# An index given as an offset from where the example began (resolved per server), or an odd text.
INDEXES = st.one_of(st.none(), st.integers(0, 12), ODD)
_examples = itertools.count()
run_state_machine_as_test = cast("Callable[..., None]", stateful.run_state_machine_as_test)


class Differential(RuleBasedStateMachine):
    real: Server
    fake: Server

    def __init__(self) -> None:
        super().__init__()
        self.prefix = f"/diff{next(_examples)}"
        self.waits: list[tuple[Wait, Wait]] = []
        for server in (self.real, self.fake):
            server.begin()

    def send(
        self, method: str, key: str, query: dict[str, Any], form: dict[str, Any] | None = None, *, sorted_listing: bool = False
    ) -> None:
        real, fake = (
            server.request(
                method, "/v2/keys" + self.prefix + key, _resolve(query, server), None if form is None else _resolve(form, server)
            )
            for server in (self.real, self.fake)
        )
        assert_same(self.real, self.fake, (real, fake), sorted_listing=sorted_listing)

    @rule(key=KEYS, recursive=FLAGS, sort=FLAGS, quorum=FLAGS, head=st.booleans())
    def read(self, key: str, recursive: str | None, sort: str | None, quorum: str | None, head: bool) -> None:
        query = {"recursive": recursive, "sorted": sort, "quorum": quorum}
        self.send("HEAD" if head else "GET", key, query, sorted_listing=sort == "true")

    @rule(key=KEYS, value=VALUES, dir=FLAGS, ttl=TTLS, prev_exist=FLAGS, prev_value=st.sampled_from([None, "", "x", "y"]),
          prev_index=INDEXES, refresh=FLAGS, in_body=st.booleans(), quiet=st.sampled_from([None, "true"]))  # fmt: skip
    def put(self, key: str, value: str, dir: str | None, ttl: str | None, prev_exist: str | None, prev_value: str | None,
            prev_index: int | str | None, refresh: str | None, in_body: bool, quiet: str | None) -> None:  # fmt: skip
        query = {"dir": dir, "ttl": ttl, "prevExist": prev_exist, "prevValue": prev_value, "prevIndex": prev_index,
                 "refresh": refresh, "noValueOnSuccess": quiet}  # fmt: skip
        if in_body:
            self.send("PUT", key, query, {"value": value})
        else:
            self.send("PUT", key, {**query, "value": value})

    @rule(key=KEYS, value=VALUES, dir=FLAGS, ttl=TTLS)
    def post(self, key: str, value: str, dir: str | None, ttl: str | None) -> None:
        self.send("POST", key, {"dir": dir, "ttl": ttl}, {"value": value})

    @rule(key=KEYS, dir=FLAGS, recursive=FLAGS, prev_value=st.sampled_from([None, "", "x"]), prev_index=INDEXES)
    def delete(
        self, key: str, dir: str | None, recursive: str | None, prev_value: str | None, prev_index: int | str | None
    ) -> None:
        self.send("DELETE", key, {"dir": dir, "recursive": recursive, "prevValue": prev_value, "prevIndex": prev_index})

    @rule(name=st.sampled_from(["recursive", "sorted", "wait", "dir", "quorum", "stream", "prevExist", "refresh",
                                "waitIndex", "prevIndex", "ttl", "noValueOnSuccess"]), value=ODD,
          method=st.sampled_from(["GET", "PUT", "POST", "DELETE", "HEAD"]))  # fmt: skip
    def odd_parameter(self, name: str, value: str, method: str) -> None:
        assume(not (name == "wait" and method == "GET" and value in ("TRUE", "t", "1")))  # a wait: see wait()
        assume(not (name == "ttl" and value in ("0", "1")))  # expiry is timed by each server's own sync
        self.send(method, "/a", {name: value})

    @rule(key=KEYS, recursive=FLAGS, wait_index=st.one_of(st.none(), st.integers(1, 15)))
    def wait(self, key: str, recursive: str | None, wait_index: int | None) -> None:
        query = _resolve({"wait": "true", "recursive": recursive, "waitIndex": wait_index}, self.real)
        real = Wait(self.real, "/v2/keys" + self.prefix + key, query)
        query = _resolve({"wait": "true", "recursive": recursive, "waitIndex": wait_index}, self.fake)
        fake = Wait(self.fake, "/v2/keys" + self.prefix + key, query)
        self.waits.append((real, fake))

    @invariant()
    def waits_agree(self) -> None:
        """A wait answered on one server is answered on the other, with the same event."""
        for pair in list(self.waits):
            real, fake = pair
            if real.join(0) or fake.join(0):
                answered = {"etcd": real.join(2) and real.answer, "fake": fake.join(2) and fake.answer}
                assert all(answered.values()), f"only one server answered the wait {real.target}: {answered}"
                assert real.answer is not None and fake.answer is not None
                assert_same(self.real, self.fake, (real.answer, fake.answer))
                self.waits.remove(pair)
                real.close()
                fake.close()

    def teardown(self) -> None:
        for real, fake in self.waits:
            real.close()
            fake.close()
        self.send("DELETE", "", {"recursive": "true"})
        expected, actual = self.real.counted(), self.fake.counted()
        assert actual == expected, f"the store's counters moved differently: etcd {expected}, fake {actual}"


def _resolve(params: dict[str, Any], server: Server) -> dict[str, str]:
    """Parameters as sent to `server`: left-out ones dropped, index offsets made absolute."""
    resolved: dict[str, str] = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, int):
            value = str(server.etcd_base + value) if value else "0"
        resolved[name] = value
    return resolved


def test_random_request_sequences(pair: tuple[Server, Server]) -> None:
    """As many sequences of 20 requests as the hypothesis profile's examples (1000 "thorough", 100 "quick")."""
    Differential.real, Differential.fake = pair
    run_state_machine_as_test(Differential, settings=settings(stateful_step_count=20))
