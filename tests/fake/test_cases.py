"""Hand-picked requests that random sequences rarely reach, each sent to etcd 3.5.1 and to the fake:
the event history's limit, expiry, stream waits, the other endpoints, and malformed HTTP."""

from __future__ import annotations

import time
from typing import Any

import pytest

from .wire import Answer, Server, Stream, Wait, assert_same

Pair = tuple[Server, Server]
FORM = "application/x-www-form-urlencoded"


def both(pair: Pair, method: str, path: str, query: dict[str, str] | None = None, form: dict[str, str] | None = None,
         **options: Any) -> tuple[Answer, Answer]:  # fmt: skip
    """Send one request to both servers and check that the answers agree."""
    real, fake = pair
    answers = (real.request(method, path, query, form, **options), fake.request(method, path, query, form, **options))
    assert_same(real, fake, answers, sorted_listing=bool(query and query.get("sorted") == "true"))
    return answers


def begin(pair: Pair) -> None:
    for server in pair:
        server.begin()


def test_fresh_servers_agree_on_everything_but_ports(fresh_pair: Pair) -> None:
    """A new server's own records: indexes, members (same name, peer URL and token give the same IDs),
    stats, version and health. Indexes are compared as they are, not as offsets."""
    real, fake = fresh_pair
    answers = (real.request("GET", "/v2/keys/"), fake.request("GET", "/v2/keys/"))
    assert_same(real, fake, answers)
    assert answers[0].headers["X-Etcd-Index"] == answers[1].headers["X-Etcd-Index"] == "3"
    assert answers[0].headers["X-Raft-Index"] == answers[1].headers["X-Raft-Index"]
    # etcd's counters also count the reads that saw it had started: one get of the key and one of
    # the auth switch (absent) for each.
    stats = [s.request("GET", "/v2/stats/store").json() for s in fresh_pair]
    for name in ("getsSuccess", "getsFail"):
        stats[1][name] += real.reads_before
    assert stats[1] == stats[0]
    both(fresh_pair, "GET", "/version")
    both(fresh_pair, "GET", "/health")
    members = (real.request("GET", "/v2/members"), fake.request("GET", "/v2/members"))
    (real_member,), (fake_member,) = (a.json()["members"] for a in members)
    assert real_member["clientURLs"] == [f"http://127.0.0.1:{real.port}"]
    assert fake_member["clientURLs"] == [f"http://127.0.0.1:{fake.port}"]
    assert {**real_member, "clientURLs": None} == {**fake_member, "clientURLs": None}
    assert members[0].headers["X-Etcd-Cluster-Id"] == members[1].headers["X-Etcd-Cluster-Id"]
    leaders = [s.request("GET", "/v2/members/leader").json() for s in fresh_pair]
    assert leaders[0]["id"] == leaders[1]["id"] == real_member["id"]
    machines = [s.request("GET", "/v2/machines").body for s in fresh_pair]
    assert machines == [f"http://127.0.0.1:{s.port}".encode() for s in fresh_pair]
    selves = [s.request("GET", "/v2/stats/self").json() for s in fresh_pair]
    assert {k: v for k, v in selves[0].items() if "Time" not in k and k != "leaderInfo"} == {
        k: v for k, v in selves[1].items() if "Time" not in k and k != "leaderInfo"
    }
    assert selves[0]["leaderInfo"]["leader"] == selves[1]["leaderInfo"]["leader"]
    both(fresh_pair, "GET", "/v2/stats/leader")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/nonexistent"), ("GET", "/v2/nonexistent"), ("POST", "/version"), ("PUT", "/health"),
        ("PATCH", "/v2/keys/a"), ("OPTIONS", "/v2/keys/a"), ("POST", "/v2/stats/self"), ("HEAD", "/v2/stats/store"),
        ("GET", "/v2/machines/"), ("DELETE", "/v2/machines"), ("GET", "/v2/members/nobody"), ("PATCH", "/v2/members"),
        ("GET", "/v2/keys/./x/../y"), ("PUT", "/v2/keys//x//y"), ("GET", "/v2/keys/a/../../b?recursive=true"),
    ],
)  # fmt: skip
def test_other_paths_and_methods(pair: Pair, method: str, path: str) -> None:
    path, _, query = path.partition("?")
    begin(pair)
    both(pair, method, path + ("?" + query if query else ""))


@pytest.mark.parametrize(
    "query",
    ["value=%zz", "recursive=%", "a=%4", "wait=true&waitIndex=", "prevIndex=-1", "ttl=1.5", "value=a;b", "x&&y&=z",
     "value=1&value=2", "prevExist=", "refresh=true&ttl=5&value=", "dir=true&value=v", "ttl=18446744073709551615"],
)  # fmt: skip
def test_raw_queries(pair: Pair, query: str) -> None:
    begin(pair)
    for method in ("GET", "PUT", "DELETE"):
        both(pair, method, f"/v2/keys/raw/{method}?{query}")
    both(pair, "DELETE", "/v2/keys/raw", {"recursive": "true"})


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"value=a%zz", FORM), (b'{"value": "j"}', "application/json"), (b"value=v", ""), (b"value=v", FORM + "; charset=utf-8"),
     (b"value=%E2%82%AC&ttl=100", FORM)],
)  # fmt: skip
def test_bodies(pair: Pair, body: bytes, content_type: str) -> None:
    begin(pair)
    headers = {"Content-Type": content_type} if content_type else {}
    both(pair, "PUT", "/v2/keys/body/k", raw_body=body, headers=headers)
    both(pair, "POST", "/v2/keys/body/q", raw_body=body, headers=headers)
    both(pair, "DELETE", "/v2/keys/body", {"recursive": "true"})


def test_the_root(pair: Pair) -> None:
    begin(pair)
    requests: list[tuple[str, dict[str, str]]] = [
        ("PUT", {"value": "x"}), ("PUT", {"dir": "true"}), ("PUT", {"prevExist": "true"}),
        ("PUT", {"prevValue": "x", "value": "y"}), ("PUT", {"prevExist": "false"}), ("DELETE", {}),
        ("DELETE", {"recursive": "true"}), ("DELETE", {"prevValue": "x"}), ("DELETE", {"prevIndex": "1"}), ("HEAD", {}),
    ]  # fmt: skip
    for method, query in requests:
        both(pair, method, "/v2/keys/", query)
    created = both(pair, "POST", "/v2/keys/", form={"value": "in order, at the root"})
    key = [a.json()["node"]["key"] for a in created]
    for server, name in zip(pair, key):
        server.request("DELETE", "/v2/keys" + name)


def test_quorum_reads_and_failed_writes_take_raft_entries(pair: Pair) -> None:
    """X-Raft-Index moves on with each write, failed or not, and each quorum read; not with a read."""
    begin(pair)
    both(pair, "PUT", "/v2/keys/raft/k", form={"value": "1"})

    def raft_steps(*requests: tuple[str, dict[str, str]]) -> list[list[int]]:
        steps: list[list[int]] = []
        for server in pair:
            first = int(server.request("GET", "/v2/keys/raft/k").headers["X-Raft-Index"])
            seen: list[int] = []
            for method, query in requests:
                server.request(method, "/v2/keys/raft/k", query)
                seen.append(int(server.request("GET", "/v2/keys/raft/k").headers["X-Raft-Index"]) - first)
            steps.append(seen)
        return steps

    real, fake = raft_steps(("GET", {}), ("GET", {"quorum": "true"}), ("PUT", {"prevValue": "nope", "value": "2"}),
                            ("PUT", {"value": "3"}), ("PUT", {"ttl": "abc"}), ("DELETE", {"prevIndex": "1"}))  # fmt: skip
    assert fake == real == [0, 1, 2, 3, 3, 4]
    both(pair, "DELETE", "/v2/keys/raft", {"recursive": "true"})


def test_the_history_keeps_1000_events(fresh_pair: Pair) -> None:
    real, fake = fresh_pair
    begin(fresh_pair)
    for i in range(1100):
        for server in fresh_pair:
            server.request("PUT", "/v2/keys/bulk", form={"value": str(i)})
    oldest = real.etcd_index() - 999
    assert fake.etcd_index() - 999 == oldest
    for wait_index in ["1", str(oldest - 1), str(oldest), str(oldest + 1), str(oldest + 999)]:
        both(fresh_pair, "GET", "/v2/keys/bulk", {"wait": "true", "waitIndex": wait_index})
    for wait_index in ["1", str(oldest - 1)]:  # cleared for every key, even one never written
        both(fresh_pair, "GET", "/v2/keys/other", {"wait": "true", "waitIndex": wait_index, "recursive": "true"})
    both(fresh_pair, "GET", "/v2/keys/", {"wait": "true", "waitIndex": str(oldest), "recursive": "true"})


def _waits(pair: Pair, path: str, query: dict[str, str], wait_index: str | None = None) -> tuple[Wait, Wait]:
    """The same wait on both servers; `wait_index` is an offset from where each began."""
    real, fake = pair
    if wait_index is None:
        return Wait(real, path, query), Wait(fake, path, query)
    at = {"waitIndex": str(real.etcd_base + int(wait_index))}, {"waitIndex": str(fake.etcd_base + int(wait_index))}
    return Wait(real, path, {**query, **at[0]}), Wait(fake, path, {**query, **at[1]})


def _compare_waits(pair: Pair, waits: tuple[Wait, Wait], timeout: float) -> None:
    answered = [w.join(timeout) for w in waits]
    for w in waits:
        w.close()
    assert answered[0] == answered[1], f"etcd answered the wait: {answered[0]}, the fake: {answered[1]}"
    if answered[0]:
        assert waits[0].answer is not None and waits[1].answer is not None
        assert_same(pair[0], pair[1], (waits[0].answer, waits[1].answer))


def test_expiry(pair: Pair) -> None:
    """A key with a TTL disappears at the first 500 ms sync after its time, and its waits see it go."""
    begin(pair)
    both(pair, "PUT", "/v2/keys/ttl/dir", {"ttl": "1", "dir": "true"})
    both(pair, "PUT", "/v2/keys/ttl/dir/child", form={"value": "c"})
    (created, _) = both(pair, "PUT", "/v2/keys/ttl/one", {"ttl": "1"}, {"value": "o"})
    after = str(int(created.headers["X-Etcd-Index"]) + 1 - pair[0].etcd_base)
    waits = [
        _waits(pair, "/v2/keys/ttl/one", {"wait": "true"}, wait_index=after),
        _waits(pair, "/v2/keys/ttl/dir/child", {"wait": "true"}, wait_index=after),
    ]
    streams = [Stream(server, "/v2/keys/ttl", {"wait": "true", "recursive": "true", "stream": "true"}) for server in pair]
    # Last, as it may expire at the next sync, at a moment each server's own clock chooses.
    both(pair, "PUT", "/v2/keys/ttl/zero", {"ttl": "0"}, {"value": "z"})
    time.sleep(2.6)  # past the expirations and the sync after them, on both servers
    for name in ("zero", "dir", "dir/child", "one"):
        both(pair, "GET", f"/v2/keys/ttl/{name}")
    for single in waits:
        _compare_waits(pair, single, 1)
    # Each server expired the three in the order its own clock and syncs gave: compare them as a set.
    real, fake = (sorted(s.events(0.3), key=lambda e: (e["node"]["key"], e["action"])) for s in streams)
    assert [e["action"] for e in real] == ["expire", "expire", "expire", "set"]  # dir, one, zero; zero
    assert [{**e, "node": {**e["node"], "modifiedIndex": None}} for e in fake] == [
        {**e, "node": {**e["node"], "modifiedIndex": None}} for e in real
    ]
    assert pair[1].counted() == pair[0].counted()
    both(pair, "DELETE", "/v2/keys/ttl", {"recursive": "true"})


def test_refresh_keeps_waits_waiting(pair: Pair) -> None:
    begin(pair)
    both(pair, "PUT", "/v2/keys/refresh/k", {"ttl": "100"}, {"value": "v"})
    waits = _waits(pair, "/v2/keys/refresh/k", {"wait": "true"})
    both(pair, "PUT", "/v2/keys/refresh/k", {"ttl": "200", "refresh": "true", "prevExist": "true"})
    _compare_waits(pair, waits, 0.5)
    both(pair, "DELETE", "/v2/keys/refresh", {"recursive": "true"})


def test_stream_waits_see_every_event(pair: Pair) -> None:
    """A stream wait gets each event, and a removal twice when it watches the removed node itself."""
    begin(pair)
    both(pair, "PUT", "/v2/keys/stream/d/k", form={"value": "1"})
    watched: list[tuple[str, dict[str, str]]] = [
        ("/v2/keys/stream/d/k", {}),
        ("/v2/keys/stream", {"recursive": "true"}),
        ("/v2/keys/stream/d", {}),
        ("/v2/keys/stream/d/k", {"waitIndex": "1"}),
    ]
    streams = [[Stream(server, path, {"wait": "true", "stream": "true", **query}) for server in pair] for path, query in watched]
    time.sleep(0.2)
    both(pair, "PUT", "/v2/keys/stream/d/k", form={"value": "2"})
    both(pair, "PUT", "/v2/keys/stream/d/k", {"prevValue": "2"}, {"value": "3"})
    both(pair, "DELETE", "/v2/keys/stream/d/k", {"prevIndex": "0", "prevValue": "3"})
    both(pair, "PUT", "/v2/keys/stream/d/k", form={"value": "4"})
    both(pair, "DELETE", "/v2/keys/stream/d", {"recursive": "true"})
    for real, fake in streams:
        expected = real.events(0.3)
        assert fake.events(0.3) == expected
        assert expected


def test_big_answers_are_chunked(pair: Pair) -> None:
    begin(pair)
    for size in (1900, 1950, 1960, 2100, 5000):
        both(pair, "PUT", f"/v2/keys/big/{size}", form={"value": "v" * size})
        both(pair, "GET", f"/v2/keys/big/{size}")
        both(pair, "HEAD", f"/v2/keys/big/{size}")
    both(pair, "GET", "/v2/keys/big", {"recursive": "true", "sorted": "true"})
    both(pair, "DELETE", "/v2/keys/big", {"recursive": "true"})


def test_keys_that_need_escaping(pair: Pair) -> None:
    begin(pair)
    for key in ("sp%20ace", "sl%2Fash", "uni%C3%A9", "q%3Fmark", "plus+sign", "a%25b", "%E2%80%A8"):
        both(pair, "PUT", f"/v2/keys/esc/{key}", form={"value": "<&>\u2028"})
        both(pair, "GET", f"/v2/keys/esc/{key}")
    both(pair, "GET", "/v2/keys/esc", {"recursive": "true", "sorted": "true"})
    both(pair, "DELETE", "/v2/keys/esc", {"recursive": "true"})
