"""FakeEtcd itself: concurrency, its clock, a cluster of several members, and a clean stop."""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import etcd
import pytest
from hypothesis import given, settings, strategies as st

from etcd_fake import FakeEtcd
from etcd_fake.clock import Clock
from etcd_fake.errors import EtcdError
from etcd_fake.store import Store


@pytest.fixture
def fake() -> Iterator[FakeEtcd]:
    with FakeEtcd() as server:
        yield server


def _sockets_on(ports: list[int]) -> set[str]:
    """This process's open TCP sockets whose own end is one of `ports` (the server's side)."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) in ports:
                inodes.add(f"socket:[{fields[9]}]")
    open_here: set[str] = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            open_here.add(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:  # closed meanwhile
            continue
    return inodes & open_here


@pytest.fixture
def frequent_thread_switches() -> Iterator[None]:
    """Switch threads as often as the interpreter can, so that a missing lock shows as a lost update."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


@pytest.mark.usefixtures("frequent_thread_switches")
def test_compare_and_swap_increments_lose_no_update(fake: FakeEtcd) -> None:
    """Threads racing to increment one counter by compare-and-swap end at exactly the count they made."""
    fake.client().write("/counter", "0")
    made: list[int] = []
    indexes: list[list[int]] = []

    def increment(times: int) -> None:
        client = fake.client()
        seen: list[int] = []
        done = 0
        while done < times:
            current = client.read("/counter")
            try:
                result = client.test_and_set("/counter", str(int(current.value) + 1), current.value)
            except etcd.EtcdCompareFailed:
                continue
            seen.append(result.modifiedIndex)
            done += 1
        made.append(done)
        indexes.append(seen)

    threads = [threading.Thread(target=increment, args=(50,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert int(fake.client().read("/counter").value) == sum(made) == 400
    every = sorted(i for seen in indexes for i in seen)
    assert len(set(every)) == len(every) == 400  # each successful swap had an index of its own
    assert all(seen == sorted(seen) for seen in indexes)  # and each thread saw them increase


@pytest.mark.usefixtures("frequent_thread_switches")
def test_the_store_swaps_atomically_under_contention() -> None:
    """The same race without HTTP in between, so that threads meet inside the store far more often."""
    store = Store(Clock())
    store.set("/n", False, "0", None)
    successes: list[int] = []

    def increment() -> None:
        done = 0
        for _ in range(3000):
            current = store.get("/n").node["value"]
            try:
                store.compare_and_swap("/n", current, 0, str(int(current) + 1), None)
            except EtcdError:
                continue
            done += 1
        successes.append(done)

    threads = [threading.Thread(target=increment) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert int(store.get("/n").node["value"]) == sum(successes)
    assert store.index == store.get("/n").node["modifiedIndex"] == 1 + sum(successes)


def test_many_waits_held_open_at_once(fake: FakeEtcd) -> None:
    client = fake.client()
    results: list[str] = []

    def wait(key: str) -> None:
        results.append(fake.client().watch(key, timeout=10).value)

    threads = [threading.Thread(target=wait, args=(f"/w/{i}",)) for i in range(40)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 5
    while fake.client().store_stats["watchers"] < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake.client().store_stats["watchers"] == 40
    for i in range(40):
        client.write(f"/w/{i}", f"v{i}")
    for thread in threads:
        thread.join(10)
    assert sorted(results) == sorted(f"v{i}" for i in range(40))


def test_a_wait_the_client_gives_up_is_removed(fake: FakeEtcd) -> None:
    client = fake.client()
    with pytest.raises(etcd.EtcdWatchTimedOut):
        client.watch("/never", timeout=0.2)
    deadline = time.monotonic() + 2
    while client.store_stats["watchers"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.store_stats["watchers"] == 0


def test_stop_leaves_no_thread_or_socket_behind() -> None:
    threads_before = set(threading.enumerate())
    fake = FakeEtcd(members=3).start()
    ports = fake.ports
    client = fake.client()
    client.write("/k", "v", ttl=100)
    ended: list[etcd.EtcdException] = []

    def hold() -> None:
        try:
            client.watch("/held")
        except etcd.EtcdException as error:  # the server went away under the wait
            ended.append(error)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.2)
    assert len(set(threading.enumerate()) - threads_before) > 3
    assert _sockets_on(ports)  # listening, and serving the client's connections
    fake.stop()
    holder.join(5)
    assert len(ended) == 1
    assert set(threading.enumerate()) - threads_before == set()
    assert _sockets_on(ports) == set()
    for port in ports:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=1)


def test_a_frozen_clock_moves_only_when_advanced() -> None:
    with FakeEtcd(frozen_clock=True) as fake:
        client = fake.client()
        written = client.write("/t", "v", ttl=10)
        assert written.ttl == 10
        time.sleep(1.1)
        assert client.read("/t").ttl == 10
        fake.advance(4.5)
        assert client.read("/t").ttl == 6
        fake.advance(5.5)
        with pytest.raises(etcd.EtcdKeyNotFound):
            client.read("/t")
        assert client.store_stats["expireCount"] == 1


def test_advance_wakes_waits_on_what_expires() -> None:
    with FakeEtcd(frozen_clock=True) as fake:
        client = fake.client()
        client.write("/lease", "held", ttl=30)
        seen: list[etcd.EtcdResult] = []
        waiter = threading.Thread(target=lambda: seen.append(fake.client().watch("/lease", timeout=5)))
        waiter.start()
        time.sleep(0.2)
        fake.advance(31)
        waiter.join(5)
        assert [r.action for r in seen] == ["expire"]


def test_the_real_clock_expires_keys_by_itself(fake: FakeEtcd) -> None:
    client = fake.client()
    client.write("/short", "v", ttl=1)
    time.sleep(1.6)  # the TTL, and the 500 ms sync after it
    with pytest.raises(etcd.EtcdKeyNotFound):
        client.read("/short")


def test_a_cluster_member_can_be_stopped_and_started() -> None:
    with FakeEtcd(members=3) as fake:
        client = fake.client()
        assert sorted(client.machines) == sorted(fake.urls)
        assert len(client.members) == 3
        client.write("/k", "1")
        first = client.base_uri
        fake.stop_member(fake.urls.index(first))
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", fake.ports[fake.urls.index(first)]), timeout=1)
        assert client.read("/k").value == "1"
        assert client.base_uri != first
        fake.start_member(fake.urls.index(first))
        assert etcd.Client(host="127.0.0.1", port=fake.ports[fake.urls.index(first)]).read("/k").value == "1"


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one member"):
        FakeEtcd(members=0)
    with pytest.raises(ValueError, match="a cluster of several takes free ports"):
        FakeEtcd(members=2, port=2379)
    with pytest.raises(RuntimeError, match="not started"):
        FakeEtcd().client()
    with FakeEtcd() as fake, pytest.raises(OSError):
        FakeEtcd(port=fake.port).start()
    with pytest.raises(ValueError, match="only moves forward"):
        FakeEtcd().clock.advance(-1)


def _request_line(method: str, path: str, version: str) -> bytes:
    return f"{method} {path} {version}".encode()


REQUEST_LINES = st.one_of(
    st.binary(max_size=300),
    st.builds(
        _request_line,
        st.sampled_from(["GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS", "BREW", ""]),
        st.text(alphabet="/v2keys%?=&+;._-az0123456789\u00e9", max_size=40),
        st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/2", "", "HTTP/1.1 x"]),
    ),
)
HEADERS = st.lists(st.sampled_from([b"Content-Length: 5", b"Content-Length: x", b"Transfer-Encoding: chunked",
                                    b"Content-Type: application/x-www-form-urlencoded", b"Bad header", b"Connection: close"]),
                   max_size=4)  # fmt: skip


@settings(deadline=None)
@given(line=REQUEST_LINES, headers=HEADERS, body=st.binary(max_size=20))
def test_any_bytes_get_an_http_answer_and_leave_the_server_serving(line: bytes, headers: list[bytes], body: bytes) -> None:
    """Whatever arrives, the fake answers with a status line or closes the connection, never with a
    traceback; and it goes on serving. (A thread's uncaught exception fails the test.)"""
    with FakeEtcd() as fake:
        with socket.create_connection(("127.0.0.1", fake.port), timeout=5) as sock:
            sock.sendall(line + b"\r\n" + b"\r\n".join(headers) + b"\r\n\r\n" + body)
            sock.shutdown(socket.SHUT_WR)
            received = b""
            while chunk := sock.recv(65536):
                received += chunk
        assert received == b"" or received.startswith(b"HTTP/1.1 ")
        assert b" 500 " not in received.split(b"\r\n", 1)[0] or b"Raft Internal Error" in received
        assert fake.client().write("/still", "serving").value == "serving"


@pytest.mark.parametrize(
    "head",
    [b"Content-Length: \xc2\xb2", b"Content-Length: 99999999999999999999999", b"Transfer-Encoding: chunked"],
)
def test_bodies_it_cannot_read_get_400(fake: FakeEtcd, head: bytes) -> None:
    """A length that is no ASCII number, one past any body it reads, a chunk of that size: 400, and on."""
    with socket.create_connection(("127.0.0.1", fake.port), timeout=5) as sock:
        sock.sendall(b"PUT /v2/keys/k HTTP/1.1\r\nHost: x\r\n" + head + b"\r\n\r\nffffffffffffffffff\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert fake.client().write("/still", "serving").value == "serving"


def test_raw_utf8_in_the_path_and_body_is_kept(fake: FakeEtcd) -> None:
    """Bytes sent unescaped are read as sent: the key and value below are é, as etcd stores them."""
    with socket.create_connection(("127.0.0.1", fake.port), timeout=5) as sock:
        body = "value=é".encode()
        sock.sendall(b"PUT /v2/keys/\xc3\xa9 HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))  # fmt: skip
        assert sock.recv(65536).startswith(b"HTTP/1.1 201 Created\r\n")
    assert fake.client().read("/é").value == "é"


def test_json_nested_too_deep_is_invalid_json(fake: FakeEtcd) -> None:
    with socket.create_connection(("127.0.0.1", fake.port), timeout=5) as sock:
        body = b"[" * 200_000
        sock.sendall(b"PUT /v2/auth/users/u HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))  # fmt: skip
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
            answer += sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n") and answer.endswith(b'{"message":"Invalid JSON in request body."}')
