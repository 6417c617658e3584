"""etcd's v2 key store: nodes, TTLs, compare-and-swap, events, the event history and its watchers.

Paths here are the keys a client names, cleaned ("/a/b"); the store's root "/" is the directory etcd
keeps them in ("/1" inside etcd), which is why its key is never shown and it cannot be written.
Every method is atomic under the store's lock; each change bumps the index by exactly one and
becomes one event of the history.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from . import errors
from .clock import Clock
from .errors import EtcdError

HISTORY = 1000  # events etcd keeps for waits on past indexes
WATCHER_BACKLOG = 100  # events a stream watcher may hold unread before etcd drops it
_SECOND = 1_000_000_000

# The event actions etcd reports.
GET, SET, CREATE, UPDATE, DELETE = "get", "set", "create", "update", "delete"
COMPARE_AND_SWAP, COMPARE_AND_DELETE, EXPIRE = "compareAndSwap", "compareAndDelete", "expire"

# The counters of /v2/stats/store, in etcd's order.
STAT_NAMES = (
    "getsSuccess", "getsFail", "setsSuccess", "setsFail", "deleteSuccess", "deleteFail", "updateSuccess", "updateFail",
    "createSuccess", "createFail", "compareAndSwapSuccess", "compareAndSwapFail", "compareAndDeleteSuccess",
    "compareAndDeleteFail", "expireCount",
)  # fmt: skip

Json = dict[str, Any]


def clean(path: str) -> str:
    """Go's path.Clean of "/" + path: one slash between names, no "." or "..", no trailing slash."""
    parts: list[str] = []
    for name in path.split("/"):
        if name == "..":
            if parts:
                parts.pop()
        elif name and name != ".":
            parts.append(name)
    return "/" + "/".join(parts)


def _cause(path: str) -> str:
    """A path as an error's cause names it: etcd strips its "/1" from the root's "/1", leaving ""."""
    return "" if path == "/" else path


def _parent_and_name(path: str) -> tuple[str, str]:
    parent, _, name = path.rpartition("/")
    return parent or "/", name


def format_time(ns: int) -> str:
    """A time as Go's JSON writes it: RFC 3339 in UTC with the nanoseconds it has, trailing zeros cut."""
    seconds, nanos = divmod(ns, _SECOND)
    text = datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    if nanos:
        text += "." + f"{nanos:09d}".rstrip("0")
    return text + "Z"


def _ttl(remaining_ns: int) -> int:
    """etcd's ttl: the seconds left, rounded up; truncated toward zero once it is past."""
    seconds = abs(remaining_ns) // _SECOND
    if remaining_ns < 0:
        return -seconds
    return seconds + (1 if remaining_ns % _SECOND else 0)


class Node:
    __slots__ = ("children", "created_index", "expire_ns", "modified_index", "parent", "path", "value")
    path: str
    created_index: int
    modified_index: int
    parent: Node | None
    value: str | None
    children: dict[str, Node] | None
    expire_ns: int | None

    def __init__(self, path: str, index: int, parent: Node | None, value: str | None, expire_ns: int | None) -> None:
        self.path = path
        self.created_index = index
        self.modified_index = index
        self.parent = parent
        self.value = value  # None for a directory
        self.children = {} if value is None else None
        self.expire_ns = expire_ns  # None: permanent

    @property
    def is_dir(self) -> bool:
        return self.children is not None

    @property
    def hidden(self) -> bool:
        return self.path.rpartition("/")[2].startswith("_")

    def render(self, now_ns: int, nodes: list[Json] | None = None) -> Json:
        """The node as etcd shows it (its NodeExtern), in Go's field order, empty fields left out."""
        out: Json = {}
        if self.path != "/":
            out["key"] = self.path
        if self.children is not None:
            out["dir"] = True
        else:
            out["value"] = self.value
        if nodes:
            out["nodes"] = nodes
        if self.expire_ns is not None:
            out["expiration"] = format_time(self.expire_ns)
            ttl = _ttl(self.expire_ns - now_ns)
            if ttl:
                out["ttl"] = ttl
        if self.modified_index:
            out["modifiedIndex"] = self.modified_index
        if self.created_index:
            out["createdIndex"] = self.created_index
        return out

    def render_listed(self, now_ns: int, recursive: bool, sort: bool) -> Json:
        """The node with its visible children; a child directory lists its own only when recursive."""
        if self.children is None:
            return self.render(now_ns)
        shown = [c for c in self.children.values() if not c.hidden]
        if sort:
            shown.sort(key=lambda c: c.path)
        nodes = [c.render_listed(now_ns, recursive, sort) if recursive else c.render(now_ns) for c in shown]
        return self.render(now_ns, nodes)


class Event:
    __slots__ = ("action", "etcd_index", "key", "node", "prev_dir_key", "prev_node", "refresh")
    action: str
    key: str
    node: Json
    prev_node: Json | None
    etcd_index: int
    refresh: bool
    prev_dir_key: str | None

    def __init__(self, action: str, key: str, node: Json, prev_node: Json | None, etcd_index: int) -> None:
        self.action = action
        self.key = key
        self.node = node
        self.prev_node = prev_node
        self.etcd_index = etcd_index
        self.refresh = False
        # A deleted or expired directory's key: waits below it are answered by this event.
        self.prev_dir_key = None

    @property
    def index(self) -> int:
        return int(self.node.get("modifiedIndex", 0))

    def to_json(self) -> Json:
        out: Json = {"action": self.action, "node": self.node}
        if self.prev_node is not None:
            out["prevNode"] = self.prev_node
        return out


class Watcher:
    """One wait: the event that answers it, or for a stream every event, handed over through a mailbox."""

    key: str
    recursive: bool
    stream: bool
    since: int
    start_index: int
    closed: bool

    def __init__(self, hub: WatcherHub, key: str, recursive: bool, stream: bool, since: int, start_index: int) -> None:
        self._hub = hub
        self.key = key
        self.recursive = recursive
        self.stream = stream
        self.since = since
        self.start_index = start_index  # the store's index when the wait began (X-Etcd-Index)
        self._events: collections.deque[Event] = collections.deque()
        self._ready = threading.Condition()
        self.closed = False  # no more events will come (dropped, or the server stopped)

    def offer(self, event: Event, original_path: bool, deleted: bool) -> bool:
        """Deliver the event if this watcher wants it; a full stream backlog closes the watcher."""
        if not (self.recursive or original_path or deleted) or event.index < self.since:
            return False
        with self._ready:
            if len(self._events) >= WATCHER_BACKLOG:
                self.closed = True
            else:
                self._events.append(event)
            self._ready.notify_all()
        if self.closed:
            self.remove()
        return True

    def next_event(self, timeout: float) -> Event | None:
        """The next event, or None when there is none within `timeout` seconds or the watcher is closed."""
        with self._ready:
            if not self._events and not self.closed:
                self._ready.wait(timeout)
            return self._events.popleft() if self._events else None

    def close(self) -> None:
        with self._ready:
            self.closed = True
            self._ready.notify_all()

    def remove(self) -> None:
        self._hub.remove(self)


def _hidden_below(watch_path: str, key: str) -> bool:
    """Whether `key` is hidden as seen from a watch on `watch_path` (a "_" name below it)."""
    if len(watch_path) > len(key):
        return False
    return "/_" in clean("/" + key[len(watch_path) :])


class WatcherHub:
    """The waiting watchers by path, and the history of the last 1000 events."""

    def __init__(self, lock: threading.RLock, placeholders: int) -> None:
        self._lock = lock
        self._watchers: dict[str, list[Watcher]] = {}
        # etcd's history also holds its own events (the cluster's records, written before any client
        # could), which no client's wait matches: they count toward the history's 1000 all the same.
        self._history: collections.deque[Event | None] = collections.deque([None] * placeholders, maxlen=HISTORY)
        self._first = 1 if placeholders else 0  # index of the oldest event kept
        self._last = placeholders

    @property
    def count(self) -> int:
        with self._lock:
            return sum(len(ws) for ws in self._watchers.values())

    def add(self, event: Event) -> None:
        self.append(event, event.index)

    def append(self, event: Event | None, index: int) -> None:
        """Keep an event (None: one of etcd's own, which no client's wait matches) in the history."""
        if len(self._history) == HISTORY:
            self._first += 1
        elif not self._history:
            self._first = index
        self._history.append(event)
        self._last = index

    def scan(self, key: str, recursive: bool, index: int, store_index: int) -> Event | None:
        """The first kept event at or after `index` that a wait on `key` matches."""
        if index < self._first:
            cause = f"the requested history has been cleared [{self._first}/{index}]"
            raise EtcdError(errors.EVENT_INDEX_CLEARED, cause, store_index)
        if index > self._last:
            return None
        prefix = key if key.endswith("/") else key + "/"
        for position in range(index - self._first, len(self._history)):
            event = self._history[position]
            if event is None or event.refresh:
                continue
            if event.key == key or (recursive and event.key.startswith(prefix)):
                return event
            if event.prev_dir_key is not None and key.startswith(event.prev_dir_key):
                return event
        return None

    def watch(self, key: str, recursive: bool, stream: bool, since: int, store_index: int) -> Watcher:
        found = self.scan(key, recursive, since, store_index)
        watcher = Watcher(self, key, recursive, stream, since, store_index)
        if found is not None:
            watcher.offer(found, True, False)
            return watcher
        self._watchers.setdefault(key, []).append(watcher)
        return watcher

    def remove(self, watcher: Watcher) -> None:
        with self._lock:
            listed = self._watchers.get(watcher.key)
            if listed is not None and watcher in listed:
                listed.remove(watcher)
                if not listed:
                    del self._watchers[watcher.key]

    def notify(self, event: Event) -> None:
        """Record the event and hand it to the watchers of its key and of every directory above it."""
        self.add(event)
        path = ""
        for name in ["", *event.key.strip("/").split("/")]:
            path = clean(path + "/" + name)
            self.notify_path(event, path, deleted=False)

    def notify_path(self, event: Event, path: str, deleted: bool) -> None:
        listed = self._watchers.get(path)
        if not listed:
            return
        original = event.key == path
        for watcher in list(listed):
            if (original or not _hidden_below(path, event.key)) and watcher.offer(event, original, deleted):
                if not watcher.stream and watcher in listed:
                    listed.remove(watcher)
        if not listed:
            self._watchers.pop(path, None)

    def close_all(self) -> None:
        with self._lock:
            for listed in self._watchers.values():
                for watcher in listed:
                    watcher.close()
            self._watchers.clear()


class Store:
    """The v2 key space. `index` starts where a new etcd 3.5 member's does (its own records first)."""

    clock: Clock
    lock: threading.RLock
    index: int
    root: Node
    hub: WatcherHub

    def __init__(self, clock: Clock, initial_index: int = 0) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.index = initial_index
        self.root = Node("/", 0, None, None, None)
        self.hub = WatcherHub(self.lock, initial_index)
        self._ttl_nodes: set[Node] = set()
        self._stats: dict[str, int] = dict.fromkeys(STAT_NAMES, 0)

    # Reads.

    def _walk(self, path: str) -> Node:
        node = self.root
        walked = ""
        for name in path.strip("/").split("/") if path != "/" else []:
            if node.children is None:
                raise EtcdError(errors.NOT_DIR, node.path, self.index)
            walked += "/" + name
            child = node.children.get(name)
            if child is None:
                raise EtcdError(errors.KEY_NOT_FOUND, walked, self.index)
            node = child
        return node

    def get(self, key: str, recursive: bool = False, sort: bool = False) -> Event:
        with self.lock:
            try:
                node = self._walk(clean(key))
            except EtcdError:
                self.count("getsFail")
                raise
            self.count("getsSuccess")
            rendered = node.render_listed(self.clock.now_ns(), recursive, sort)
            return Event(GET, node.path, rendered, None, self.index)

    def has_ttl_keys(self) -> bool:
        with self.lock:
            return bool(self._ttl_nodes)

    def stats(self) -> Json:
        with self.lock:
            return {**self._stats, "watchers": self.hub.count}

    def seed_stats(self, **counts: int) -> None:
        """Start the counters where a new etcd's stand after writing its own records."""
        with self.lock:
            self._stats.update(counts)

    def count_get(self, found: bool) -> None:
        """A read etcd makes of its own records (v2 auth's switch, a health check) counts as a get."""
        self.count("getsSuccess" if found else "getsFail")

    def count(self, name: str) -> None:
        """One more in a counter of /v2/stats/store (etcd's own writes to its records count too)."""
        with self.lock:
            self._stats[name] += 1

    # Writes.

    # Writes. Each counts in /v2/stats/store as etcd's does, which counts some refusals as successes:
    # a refused write to the root (update, compare-and-swap, delete), an update of a directory, and a
    # compare-and-delete of a directory or whose comparison failed.

    def set(self, key: str, dir: bool, value: str, expire_ns: int | None, refresh: bool = False) -> Event:
        with self.lock:
            path = clean(key)
            try:
                try:
                    previous: Node | None = self._walk(path)
                except EtcdError as error:
                    if error.code != errors.KEY_NOT_FOUND or refresh:
                        raise
                    previous = None
                prev_json = None
                if previous is not None:
                    prev_json = previous.render(self.clock.now_ns())
                    if refresh:
                        value = previous.value or ""
                event = self._create(path, dir, value, replace=True, expire_ns=expire_ns, action=SET)
            except EtcdError:
                self.count("setsFail")
                raise
            self.count("setsSuccess")
            event.prev_node = prev_json
            self._publish(event, refresh)
            return event

    def create(self, key: str, dir: bool, value: str, unique: bool, expire_ns: int | None) -> Event:
        with self.lock:
            path = clean(key)
            if unique:
                path = clean(f"{path}/{self.index + 1:020d}")
            try:
                event = self._create(path, dir, value, replace=False, expire_ns=expire_ns, action=CREATE)
            except EtcdError:
                self.count("createFail")
                raise
            self.count("createSuccess")
            self.hub.notify(event)
            return event

    def _create(self, path: str, dir: bool, value: str, *, replace: bool, expire_ns: int | None, action: str) -> Event:
        if path == "/":
            raise EtcdError(errors.ROOT_READ_ONLY, "/", self.index)
        parent_path, name = _parent_and_name(path)
        try:
            parent = self._make_dirs(parent_path)
        except EtcdError:
            self.count("setsFail")  # etcd counts a path through a file as a failed set, whatever the write
            raise
        next_index = self.index + 1
        assert parent.children is not None
        existing = parent.children.get(name)
        if existing is not None:
            if not replace:
                raise EtcdError(errors.NODE_EXIST, path, self.index)
            if existing.is_dir:
                raise EtcdError(errors.NOT_FILE, path, self.index)
            self._unlink(existing)
        node = Node(path, next_index, parent, None if dir else value, expire_ns)
        parent.children[name] = node
        if expire_ns is not None:
            self._ttl_nodes.add(node)
        self.index = next_index
        return Event(action, path, node.render(self.clock.now_ns()), None, next_index)

    def _make_dirs(self, path: str) -> Node:
        """The directory at `path`, made with its missing parents (which stay, whatever happens next)."""
        node = self.root
        for name in path.strip("/").split("/") if path != "/" else []:
            assert node.children is not None
            child = node.children.get(name)
            if child is None:
                child = Node(clean(f"{node.path}/{name}"), self.index + 1, node, None, None)
                node.children[name] = child
            elif not child.is_dir:
                raise EtcdError(errors.NOT_DIR, child.path, self.index)
            node = child
        return node

    def _target(self, path: str, operation: str, *, root: bool = True) -> Node:
        """The existing node a write changes. A missing one (or a path through a file) counts as the
        operation's failure; the root, which `root` writes refuse, counts as its success."""
        if root and path == "/":
            self.count(operation + "Success")
            raise EtcdError(errors.ROOT_READ_ONLY, "/", self.index)
        try:
            return self._walk(path)
        except EtcdError:
            self.count(operation + "Fail")
            raise

    def update(self, key: str, value: str, expire_ns: int | None, refresh: bool = False) -> Event:
        with self.lock:
            path = clean(key)
            node = self._target(path, "update")
            self.count("updateSuccess")
            if node.is_dir and value:
                raise EtcdError(errors.NOT_FILE, path, self.index)
            if node.is_dir:
                # etcd then fails writing the directory's value: an internal error, not one of the
                # store's, naming the key as etcd stores it (under "/1"), with index 0.
                raise EtcdError(errors.RAFT_INTERNAL, f"nodePath /1{path} : Not a file ()", 0)
            if refresh:
                value = node.value or ""
            event = self._rewrite(UPDATE, node, value, expire_ns)
            self._publish(event, refresh)
            return event

    def compare_and_swap(
        self, key: str, prev_value: str, prev_index: int, value: str, expire_ns: int | None, refresh: bool = False
    ) -> Event:
        with self.lock:
            path = clean(key)
            node = self._target(path, "compareAndSwap")
            try:
                self._compare(node, prev_value, prev_index)
            except EtcdError:
                self.count("compareAndSwapFail")
                raise
            self.count("compareAndSwapSuccess")
            if refresh:
                value = node.value or ""
            event = self._rewrite(COMPARE_AND_SWAP, node, value, expire_ns)
            self._publish(event, refresh)
            return event

    def compare_and_delete(self, key: str, prev_value: str, prev_index: int) -> Event:
        with self.lock:
            node = self._target(clean(key), "compareAndDelete", root=False)
            self.count("compareAndDeleteSuccess")
            self._compare(node, prev_value, prev_index)
            return self._remove(COMPARE_AND_DELETE, node)

    def _compare(self, node: Node, prev_value: str, prev_index: int) -> None:
        if node.is_dir:
            raise EtcdError(errors.NOT_FILE, _cause(node.path), self.index)
        value_ok = not prev_value or node.value == prev_value
        index_ok = not prev_index or node.modified_index == prev_index
        if value_ok and index_ok:
            return
        if value_ok:
            cause = f"[{prev_index} != {node.modified_index}]"
        elif index_ok:
            cause = f"[{prev_value} != {node.value}]"
        else:
            cause = f"[{prev_value} != {node.value}] [{prev_index} != {node.modified_index}]"
        raise EtcdError(errors.TEST_FAILED, cause, self.index)

    def _rewrite(self, action: str, node: Node, value: str, expire_ns: int | None) -> Event:
        """A new value and TTL for an existing node, as an update or a compare-and-swap writes them."""
        now = self.clock.now_ns()
        next_index = self.index + 1
        prev_json = node.render(now)
        node.modified_index = next_index
        if node.children is None:
            node.value = value
        node.expire_ns = expire_ns
        if expire_ns is None:
            self._ttl_nodes.discard(node)
        else:
            self._ttl_nodes.add(node)
        self.index = next_index
        return Event(action, node.path, node.render(now), prev_json, next_index)

    def _publish(self, event: Event, refresh: bool) -> None:
        """Tell the watchers; a refresh only goes into the history, where no wait ever matches it."""
        if refresh:
            event.refresh = True
            self.hub.add(event)
        else:
            self.hub.notify(event)

    def delete(self, key: str, dir: bool, recursive: bool) -> Event:
        with self.lock:
            node = self._target(clean(key), "delete")
            if node.children is not None and not (dir or recursive):
                self.count("deleteFail")
                raise EtcdError(errors.NOT_FILE, node.path, self.index)
            if node.children and not recursive:
                self.count("deleteFail")
                raise EtcdError(errors.DIR_NOT_EMPTY, node.path, self.index)
            self.count("deleteSuccess")
            return self._remove(DELETE, node)

    def _remove(self, action: str, node: Node) -> Event:
        """Remove the node and all below it as one event, which every watcher below it receives."""
        next_index = self.index + 1
        # etcd shows a removed node by its key and indexes alone (and "dir"); its value is in prevNode.
        shown: Json = {"key": node.path}
        if node.is_dir:
            shown["dir"] = True
        shown.update(modifiedIndex=next_index, createdIndex=node.created_index)
        event = Event(action, node.path, shown, node.render(self.clock.now_ns()), next_index)
        if node.is_dir:
            event.prev_dir_key = node.path
        self.index = next_index
        for removed in _post_order(node):
            self.hub.notify_path(event, removed.path, deleted=True)
        self._unlink(node)
        self.hub.notify(event)
        return event

    def _unlink(self, node: Node) -> None:
        assert node.parent is not None and node.parent.children is not None
        del node.parent.children[node.path.rpartition("/")[2]]
        for removed in _post_order(node):
            self._ttl_nodes.discard(removed)

    def delete_expired(self, cutoff_ns: int) -> int:
        """Expire every node whose time has come by `cutoff_ns`, soonest first; returns how many."""
        expired = 0
        with self.lock:
            while True:
                due = [n for n in self._ttl_nodes if n.expire_ns is not None and n.expire_ns <= cutoff_ns]
                if not due:
                    return expired
                node = min(due, key=lambda n: (n.expire_ns, n.created_index))
                self.count("expireCount")
                self._remove(EXPIRE, node)
                expired += 1

    def record_internal(self, count: int = 1) -> None:
        """Changes etcd makes to its own records in the same store (v2 auth's users, roles and switch):
        each takes an index and a place in the history, though no client's key or wait sees it."""
        with self.lock:
            for _ in range(count):
                self.index += 1
                self.hub.append(None, self.index)

    # Waits.

    def watch(self, key: str, recursive: bool, stream: bool, since: int) -> Watcher:
        with self.lock:
            return self.hub.watch(clean(key), recursive, stream, since or self.index + 1, self.index)


def _post_order(node: Node) -> Iterator[Node]:
    if node.children is not None:
        for child in list(node.children.values()):
            yield from _post_order(child)
    yield node
