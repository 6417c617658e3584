"""FakeEtcd: the fake served over HTTP on loopback ports, from threads of this process."""

from __future__ import annotations

import socket
import ssl
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .api import Api
from .auth import Auth
from .clock import Clock
from .cluster import DEFAULT_TOKEN, SYNC_INTERVAL, Cluster, Member
from .http import serve_connection

if TYPE_CHECKING:
    from typing_extensions import Self

    import etcd


class _Listener:
    """One member's client port: an accepting thread and a thread per connection."""

    def __init__(self, host: str, port: int, tls: ssl.SSLContext | None) -> None:
        self.api: Api | None = None  # set before it serves
        self.host = host
        self.port = port
        self.tls = tls
        self._socket: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    @property
    def running(self) -> bool:
        return self._socket is not None

    def bind(self) -> None:
        """Take the port (a free one for 0), so that the members' URLs are known before they serve."""
        server = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            server.bind((self.host, self.port))
            server.listen(128)
        except OSError:
            server.close()
            raise
        self.port = server.getsockname()[1]
        self._socket = server

    def serve(self) -> None:
        assert self._socket is not None and self.api is not None
        self._stopping = threading.Event()
        self._spawn(self._accept, self._socket, self._stopping)

    def _spawn(self, target: Any, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=f"etcd-fake:{self.port}", daemon=True)
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()

    def _accept(self, server: socket.socket, stopping: threading.Event) -> None:
        while not stopping.is_set():
            try:
                connection, _ = server.accept()
            except OSError:  # closed by stop(), or no descriptor free for a moment
                stopping.wait(0.01)
                continue
            try:
                connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:  # the client reset it already
                connection.close()
                continue
            with self._lock:
                if stopping.is_set():
                    connection.close()
                    return
                self._connections.add(connection)
            self._spawn(self._serve, connection, stopping)

    def _serve(self, connection: socket.socket, stopping: threading.Event) -> None:
        assert self.api is not None
        try:
            if self.tls is not None:
                secure = self._handshake(connection)
                if secure is None:
                    return
                connection = secure
            serve_connection(connection, self.api.handle, stopping)
        finally:
            with self._lock:
                self._connections.discard(connection)

    def _handshake(self, connection: socket.socket) -> ssl.SSLSocket | None:
        """The connection over TLS; None when the handshake fails (no client certificate, not TLS at
        all, ...), and then it is closed, as etcd closes it."""
        assert self.tls is not None
        secure = self.tls.wrap_socket(connection, server_side=True, do_handshake_on_connect=False)
        with self._lock:  # stop() closes the TLS socket from now on
            self._connections.discard(connection)
            self._connections.add(secure)
        try:
            secure.settimeout(10)
            secure.do_handshake()
        except OSError:
            with self._lock:
                self._connections.discard(secure)
            secure.close()
            return None
        secure.settimeout(None)
        return secure

    def stop(self) -> None:
        """Close the port and every connection to it, and wait for their threads to end."""
        server, self._socket = self._socket, None
        if server is None:
            return
        self._stopping.set()
        with self._lock:
            open_now = [server, *self._connections]
        for sock in open_now:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        server.close()
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout=5)


class FakeEtcd:
    """An in-memory etcd v2 server on loopback, answering as etcd 3.5 does.

    `with FakeEtcd() as fake:` serves on a free port (`fake.port`, `fake.url`); `fake.client()` is a
    python-etcd Client for it. `members=3` serves one store on three ports, each a member of the
    cluster; `stop_member(i)` and `start_member(i)` take one away and bring it back. The clock is real
    time unless `frozen_clock=True`; `advance(seconds)` moves it on and expires what is due at once.
    `name`, `token` and `peer_urls` make the member and cluster IDs etcd would make from the same
    --name, --initial-cluster-token and --initial-advertise-peer-urls; `advertise_client_urls` is what
    /v2/members and /v2/machines list (by default the URL it serves on). `tls` (made by
    `etcd_fake.tls.server_context`) serves https, as etcd does with --cert-file and --key-file.
    """

    clock: Clock
    cluster: Cluster | None

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        members: int = 1,
        name: str = "default",
        token: str = DEFAULT_TOKEN,
        frozen_clock: bool = False,
        peer_urls: list[str] | None = None,
        advertise_client_urls: list[str] | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        if members < 1:
            raise ValueError(f"a cluster has at least one member, not {members}")
        if port and members > 1:
            raise ValueError("port= names one member's port; a cluster of several takes free ports")
        if peer_urls is not None and len(peer_urls) != members:
            raise ValueError(f"peer_urls has {len(peer_urls)} URLs for {members} members")
        if advertise_client_urls is not None and members > 1:
            raise ValueError("advertise_client_urls names one member's URLs")
        self.clock = Clock(frozen=frozen_clock)
        self._host = host
        self._ports = [port] * members
        self._names = [name] if members == 1 else [f"{name}{i}" for i in range(members)]
        self._peer_urls = peer_urls or [f"http://localhost:{2380 + 2 * i}" for i in range(members)]
        self._token = token
        self._advertised = advertise_client_urls
        self._tls = tls
        self._listeners: list[_Listener] = []
        self._ticker: threading.Thread | None = None
        self._stopped = threading.Event()
        self.cluster = None

    def start(self) -> Self:
        if self.cluster is not None:
            raise RuntimeError("this FakeEtcd is already started")
        listeners = [_Listener(self._host, port, self._tls) for port in self._ports]
        try:
            for listener in listeners:
                listener.bind()
        except OSError:
            for listener in listeners:
                listener.stop()
            raise
        members = [
            Member(name, [peer], self._advertised or [self._url(listener.port)], self._token)
            for name, peer, listener in zip(self._names, self._peer_urls, listeners)
        ]
        cluster = Cluster(members, self.clock)
        auth = Auth(cluster)
        for listener, member in zip(listeners, members):
            listener.api = Api(cluster, member, auth)
            listener.serve()
        self.cluster = cluster
        self._listeners = listeners
        self._stopped.clear()
        self._ticker = threading.Thread(target=self._tick, name="etcd-fake:sync", daemon=True)
        self._ticker.start()
        return self

    def _tick(self) -> None:
        while not self._stopped.wait(SYNC_INTERVAL):
            self._require().sync()

    def stop(self) -> None:
        """Stop serving: every port closed, every connection and wait ended, every thread joined."""
        if self.cluster is None:
            return
        self._stopped.set()
        self.cluster.store.hub.close_all()
        for listener in self._listeners:
            listener.stop()
        if self._ticker is not None:
            self._ticker.join()
        self.cluster = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None) -> None:
        self.stop()

    def _require(self) -> Cluster:
        if self.cluster is None:
            raise RuntimeError("this FakeEtcd is not started: use `with FakeEtcd() as fake:` or call start()")
        return self.cluster

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        """The first member's client port."""
        self._require()
        return self._listeners[0].port

    @property
    def ports(self) -> list[int]:
        self._require()
        return [listener.port for listener in self._listeners]

    @property
    def url(self) -> str:
        return self._url(self.port)

    @property
    def urls(self) -> list[str]:
        return [self._url(port) for port in self.ports]

    def _url(self, port: int) -> str:
        scheme = "https" if self._tls else "http"
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"{scheme}://{host}:{port}"

    def client(self, **options: Any) -> etcd.Client:
        """A python-etcd Client for this server (for several members, one that reconnects among them).
        With TLS, pass python-etcd's own `ca_cert=` (and `cert=` where client certificates are required)."""
        import etcd  # python-etcd is needed only here

        if self._tls:
            options.setdefault("protocol", "https")
        if len(self._listeners) > 1:
            hosts = tuple((self._host, port) for port in self.ports)
            return etcd.Client(host=hosts, allow_reconnect=True, **options)
        return etcd.Client(host=self._host, port=self.port, **options)

    def advance(self, seconds: float) -> None:
        """Move the clock on by `seconds` and expire, at once, every key whose time has come."""
        cluster = self._require()
        self.clock.advance(seconds)
        cluster.sync()

    def stop_member(self, index: int) -> None:
        """Take member `index` away: its port refuses connections, its open connections are closed."""
        self._require()
        self._listeners[index].stop()

    def start_member(self, index: int) -> None:
        """Bring member `index` back on the same port."""
        self._require()
        listener = self._listeners[index]
        if not listener.running:
            listener.bind()
            listener.serve()
