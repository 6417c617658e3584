"""etcd-fake: the fake started where an etcd 3.5.1 binary is, from etcd's own flags and ETCD_* variables.

    etcd-fake --enable-v2 --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379

Flags are read as etcd reads them with Go's flag package: -flag or --flag, the value after = or as the
next argument, booleans bare or =true/false; a flag not given is taken from ETCD_FLAG_NAME. What etcd
rejects is rejected with etcd's message (exit 2 for a flag its parser refuses, 1 for the rest). A flag
that changes what a v2 client would see, and that etcd-fake cannot honour, stops it too, unless given
the value etcd-fake behaves as. Once listening, it logs etcd-like JSON lines and serves until SIGTERM or
SIGINT, then stops cleanly and dies of that signal, as etcd does. It keeps nothing on disk, but makes
--data-dir as etcd does (empty), for whatever inspects or removes it afterwards.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
import signal
import ssl
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import FrameType
from typing import TextIO, cast

from .cluster import SERVER_VERSION
from .server import FakeEtcd
from .tls import server_context

USAGE = """\
Usage: etcd-fake [flags]

An in-memory etcd v2 server that starts as etcd 3.5.1 does: it takes etcd's flags (etcd --help lists
them) and ETCD_* variables, needs --enable-v2, serves the v2 API on its --listen-client-urls address,
keeps nothing on disk (its --data-dir stays empty) and stops at SIGTERM or SIGINT. A flag it cannot
honour stops it with an error."""


class _Exit(Exception):
    """Stop with `code`: 0 prints the message on stdout, any other code prints it as an error on stderr."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


# Values as etcd's flags parse them. The flag package reports any number or boolean it cannot read as
# "parse error" (or "value out of range"); the other values give their own reasons.


def _text(text: str) -> str:
    return text


def _ignored(text: str) -> None:
    """etcd's IgnoredFlag, for flags of etcd 2: boolean-like (it takes no separate value), any value accepted."""


def _bool(text: str) -> bool:
    """Go's strconv.ParseBool."""
    if text in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if text in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    raise ValueError("parse error")


_DIGITS = re.compile(r"0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*")


def _integer(text: str, *, signed: bool) -> int:
    """Go's strconv.ParseInt or ParseUint(text, 0, 64): 0x, 0b, 0o and 0 (octal) prefixes, "_" between digits."""
    digits = text[1:] if signed and text[:1] in ("+", "-") else text
    if not _DIGITS.fullmatch(digits):
        raise ValueError("parse error")
    digits = digits.replace("_", "")
    base = {"x": 16, "b": 2, "o": 8}.get(digits[1:2].lower(), 8 if len(digits) > 1 and digits[0] == "0" else 10)
    value = -int(digits, base) if text[:1] == "-" else int(digits, base)
    low, high = (-(1 << 63), (1 << 63) - 1) if signed else (0, (1 << 64) - 1)
    if not low <= value <= high:
        raise ValueError("value out of range")
    return value


def _int(text: str) -> int:
    return _integer(text, signed=True)


def _uint(text: str) -> int:
    return _integer(text, signed=False)


_UNITS = "ns|us|\u00b5s|\u03bcs|ms|s|m|h"  # Go takes both micro signs
_DURATION = re.compile(rf"[-+]?(?:0|(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:{_UNITS}))+)")
_DURATION_PART = re.compile(rf"([0-9]*)\.?([0-9]*)({_UNITS})")
_UNIT_NS = {"ns": 1, "us": 10**3, "\u00b5s": 10**3, "\u03bcs": 10**3, "ms": 10**6, "s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9}


def _duration(text: str) -> int:
    """Go's time.ParseDuration ("300ms", "1.5h", "0"), in nanoseconds, at most 2^63 - 1 of them."""
    if not _DURATION.fullmatch(text):
        raise ValueError("parse error")
    total = 0
    for whole, fraction, unit in _DURATION_PART.findall(text):
        total += int(whole or 0) * _UNIT_NS[unit] + int(fraction or 0) * _UNIT_NS[unit] // 10 ** len(fraction)
    if total > (1 << 63) - (0 if text[0] == "-" else 1):
        raise ValueError("parse error")
    return -total if text[0] == "-" else total


def _choice(*valid: str) -> Callable[[str], str]:
    """etcd's SelectiveStringValue: one of `valid`."""

    def parse(text: str) -> str:
        if text not in valid:
            raise ValueError("invalid value")
        return text

    return parse


def _v2_stages(text: str) -> tuple[str, ...]:
    """etcd's SelectiveStringsValue for --v2-deprecation: comma-separated stages, each a known one."""
    stages = text.split(",")
    for stage in stages:
        if stage not in ("not-yet", "write-only", "write-only-drop-data", "gone"):
            raise ValueError(f"invalid value {_quote(stage)}")
    return tuple(sorted(stages))


def _strings(text: str) -> tuple[str, ...]:
    """etcd's UniqueStringsValue: the comma-separated values, sorted and without duplicates."""
    return tuple(sorted(set(text.split(","))))


def _split_url(url: str) -> tuple[str, str, str]:
    """An http(s) URL checked as Go's url.Parse, then net.SplitHostPort and etcd's types.NewURLs check it:
    its host, port (possibly empty, as Go allows) and path."""
    rest = url.partition("://")[2]
    authority, slash, path = re.split(r"[?#]", rest, maxsplit=1)[0].partition("/")
    hostport = authority.rpartition("@")[2]
    after_host = hostport.rpartition("]")[2] if hostport.startswith("[") else hostport
    colon = after_host.rfind(":")
    if colon >= 0 and after_host[colon + 1 :].strip("0123456789"):
        raise ValueError(f'parse "{url}": invalid port "{after_host[colon:]}" after host')
    if hostport.startswith("["):
        host, bracket, port = hostport[1:].partition("]")
        valid = bool(bracket) and port.startswith(":")
        port = port[1:]
    else:
        host, _, port = hostport.partition(":")
        valid = hostport.count(":") == 1
    if not valid:
        raise ValueError(f'URL address does not have the form "host:port": {url}')
    return host, port, slash + path


def _url_list(text: str) -> tuple[str, ...]:
    """etcd's types.NewURLs: comma-separated http, https, unix or unixs URLs, the http(s) ones host:port
    without a path; sorted and (as its UniqueURLs flag keeps them) without duplicates."""
    urls: set[str] = set()
    for raw in text.split(","):
        url = raw.strip()
        scheme, separator, rest = url.partition("://")
        if not separator or scheme.lower() not in ("http", "https", "unix", "unixs"):
            raise ValueError(f"URL scheme must be http, https, unix, or unixs: {url}")
        if scheme.lower() in ("http", "https") and _split_url(url)[2]:
            raise ValueError(f"URL must not contain a path: {url}")
        urls.add(f"{scheme.lower()}://{rest}")
    return tuple(sorted(urls))


def _urls(default: tuple[str, ...], exception: str = "") -> Callable[[str], tuple[str, ...]]:
    """etcd's UniqueURLs flag, whose `exception` value leaves it at its default."""
    return lambda text: default if text == exception else _url_list(text)


# etcd 3.5.1's flags (its FlagSet, as probed on the binary: `etcd --help` omits a few). Each one that
# changes what a v2 client observes and that etcd-fake cannot honour carries the reason, and is refused
# when given any value but its default; the others are used, or accepted without effect.

_TLS = "it serves TLS only on its client port, with --cert-file, --key-file, --trusted-ca-file and --client-cert-auth"
_CLUSTER = "it is one new member and forms no cluster with other servers"
_LOCAL_CLIENT = ("http://localhost:2379",)
_LOCAL_PEER = ("http://localhost:2380",)


_ETCD2_FLAGS = """cluster-active-size cluster-remove-delay cluster-sync-interval config force max-result-buffer
max-retry-attempts peer-heartbeat-interval peer-election-timeout retry-interval snapshot v vv test.coverprofile test.outputdir"""


@dataclass(frozen=True)
class _Flag:
    parse: Callable[[str], object]
    default: object = None  # the value etcd takes when it is not given (where etcd-fake reads it)
    refuse: str = ""  # why etcd-fake cannot honour any other value than the default

    @property
    def boolean(self) -> bool:
        """Go's boolean flags take no separate value: `-f` is `-f=true`, and in `-f false` the `false` is an argument."""
        return self.parse is _bool or self.parse is _ignored


_FLAGS: dict[str, _Flag] = {
    # Member
    "name": _Flag(_text, "default"),
    "data-dir": _Flag(_text, ""),
    "wal-dir": _Flag(_text),
    "snapshot-count": _Flag(_uint),
    "heartbeat-interval": _Flag(_uint, 100),
    "election-timeout": _Flag(_uint, 1000),
    "initial-election-tick-advance": _Flag(_bool),
    "listen-peer-urls": _Flag(_urls(_LOCAL_PEER), _LOCAL_PEER),
    "listen-client-urls": _Flag(_urls(_LOCAL_CLIENT), _LOCAL_CLIENT),
    "max-snapshots": _Flag(_uint),
    "max-wals": _Flag(_uint),
    "quota-backend-bytes": _Flag(_int),
    "backend-bbolt-freelist-type": _Flag(_text),
    "backend-batch-interval": _Flag(_duration),
    "backend-batch-limit": _Flag(_int),
    "max-txn-ops": _Flag(_uint),
    "max-request-bytes": _Flag(_uint),
    "grpc-keepalive-min-time": _Flag(_duration),
    "grpc-keepalive-interval": _Flag(_duration),
    "grpc-keepalive-timeout": _Flag(_duration),
    "socket-reuse-port": _Flag(_bool, False, "it listens without SO_REUSEPORT"),
    "socket-reuse-address": _Flag(_bool),
    "raft-read-timeout": _Flag(_duration),
    "raft-write-timeout": _Flag(_duration),
    # Clustering
    "initial-advertise-peer-urls": _Flag(_urls(_LOCAL_PEER), _LOCAL_PEER),
    "initial-cluster": _Flag(_text, "default=http://localhost:2380"),
    "initial-cluster-state": _Flag(_choice("new", "existing"), "new", _CLUSTER),
    "initial-cluster-token": _Flag(_text, "etcd-cluster"),
    "advertise-client-urls": _Flag(_urls(_LOCAL_CLIENT), _LOCAL_CLIENT),
    "discovery": _Flag(_text, "", _CLUSTER),
    "discovery-fallback": _Flag(_choice("proxy", "exit")),
    "discovery-proxy": _Flag(_text),
    "discovery-srv": _Flag(_text, "", _CLUSTER),
    "discovery-srv-name": _Flag(_text, "", _CLUSTER),
    "strict-reconfig-check": _Flag(_bool),
    "pre-vote": _Flag(_bool),
    "auto-compaction-retention": _Flag(_text, "0"),
    "auto-compaction-mode": _Flag(_text, "periodic"),
    "enable-v2": _Flag(_bool, False),
    "experimental-enable-v2v3": _Flag(_text, "", "it serves the v2 store itself, not v2 emulated on v3"),
    "v2-deprecation": _Flag(_v2_stages, ("not-yet",), "it keeps etcd 3.5's v2 store (not-yet)"),
    # Security
    "cert-file": _Flag(_text, ""),
    "key-file": _Flag(_text, ""),
    "client-cert-file": _Flag(_text, "", _TLS),
    "client-key-file": _Flag(_text, "", _TLS),
    "client-cert-auth": _Flag(_bool, False),
    "client-crl-file": _Flag(_text, "", _TLS),
    "client-cert-allowed-hostname": _Flag(_text, "", _TLS),
    "trusted-ca-file": _Flag(_text, ""),
    "auto-tls": _Flag(_bool, False, _TLS),
    "peer-cert-file": _Flag(_text, "", _TLS),
    "peer-key-file": _Flag(_text, "", _TLS),
    "peer-client-cert-file": _Flag(_text, "", _TLS),
    "peer-client-key-file": _Flag(_text, "", _TLS),
    "peer-client-cert-auth": _Flag(_bool, False, _TLS),
    "peer-trusted-ca-file": _Flag(_text, "", _TLS),
    "peer-auto-tls": _Flag(_bool, False, _TLS),
    "self-signed-cert-validity": _Flag(_uint, 1, _TLS),
    "peer-crl-file": _Flag(_text, "", _TLS),
    "peer-cert-allowed-cn": _Flag(_text, "", _TLS),
    "peer-cert-allowed-hostname": _Flag(_text, "", _TLS),
    "cipher-suites": _Flag(_strings, (), _TLS),
    "experimental-peer-skip-client-san-verification": _Flag(_bool, False, _TLS),
    "cors": _Flag(_urls(("*",), "*"), ("*",), "it answers every origin, as etcd's default --cors=* does"),
    "host-whitelist": _Flag(_strings, ("*",), "it answers every Host, as etcd's default --host-whitelist=* does"),
    # Auth (v3 tokens and passwords: the v2 API's own auth is unaffected)
    "auth-token": _Flag(_text),
    "bcrypt-cost": _Flag(_uint),
    "auth-token-ttl": _Flag(_uint),
    # Profiling and monitoring
    "enable-pprof": _Flag(_bool, False, "it serves no /debug/pprof"),
    "metrics": _Flag(_text),
    "listen-metrics-urls": _Flag(_urls(()), (), "it listens on its client URL only"),
    # Logging
    "logger": _Flag(_text, "zap"),
    "log-outputs": _Flag(_strings, ("default",)),
    "log-level": _Flag(_text, "info"),
    "enable-log-rotation": _Flag(_bool),
    "log-rotation-config-json": _Flag(_text),
    # Distributed tracing
    "experimental-enable-distributed-tracing": _Flag(_bool),
    "experimental-distributed-tracing-address": _Flag(_text),
    "experimental-distributed-tracing-service-name": _Flag(_text),
    "experimental-distributed-tracing-instance-id": _Flag(_text),
    # v2 proxy
    "proxy": _Flag(_choice("off", "readonly", "on"), "off", "it is a server, not a v2 proxy"),
    "proxy-failure-wait": _Flag(_uint),
    "proxy-refresh-interval": _Flag(_uint),
    "proxy-dial-timeout": _Flag(_uint),
    "proxy-write-timeout": _Flag(_uint),
    "proxy-read-timeout": _Flag(_uint),
    # Experimental and unsafe (storage, v3 and raft matters; --force-new-cluster only acts on existing data)
    "experimental-initial-corrupt-check": _Flag(_bool),
    "experimental-corrupt-check-time": _Flag(_duration),
    "experimental-enable-lease-checkpoint": _Flag(_bool),
    "experimental-compaction-batch-limit": _Flag(_int),
    "experimental-watch-progress-notify-interval": _Flag(_duration),
    "experimental-warning-apply-duration": _Flag(_duration),
    "experimental-txn-mode-write-with-shared-buffer": _Flag(_bool),
    "experimental-bootstrap-defrag-threshold-megabytes": _Flag(_uint),
    "experimental-downgrade-check-time": _Flag(_duration),
    "experimental-memory-mlock": _Flag(_bool),
    "enable-grpc-gateway": _Flag(_bool),
    "force-new-cluster": _Flag(_bool),
    "unsafe-no-fsync": _Flag(_bool),
    # The command itself
    "config-file": _Flag(_text, "", "it is configured by flags and ETCD_* variables only"),
    "version": _Flag(_bool, False),
    # etcd 2's flags, which etcd 3.5 still accepts and ignores
    **dict.fromkeys(_ETCD2_FLAGS.split(), _Flag(_ignored)),
}


def _quote(text: str) -> str:
    """Go's %q, near enough: a double-quoted string with JSON's escapes."""
    return json.dumps(text, ensure_ascii=False)


def _environment_key(name: str) -> str:
    return "ETCD_" + name.upper().replace("-", "_")


def _parse_command_line(args: list[str]) -> dict[str, str]:
    """Go's FlagSet.Parse over etcd's flags (the last of a repeated flag wins), then etcd's refusal of any
    argument left over. -h and --help print the usage; --version prints the version etcd-fake answers as."""
    given: dict[str, str] = {}
    while args and len(args[0]) > 1 and args[0][0] == "-":
        arg, args = args[0], args[1:]
        if arg == "--":
            break
        name, has_value, text = arg[2 if arg[1] == "-" else 1 :].partition("=")
        if not name or name[0] == "-":
            raise _Exit(f"bad flag syntax: {arg}", 2)
        flag = _FLAGS.get(name)
        if flag is None:
            if name in ("h", "help"):
                raise _Exit(USAGE, 0)
            raise _Exit(f"flag provided but not defined: -{name}", 2)
        if flag.boolean and not has_value:
            text = "true"
        elif not has_value:
            if not args:
                raise _Exit(f"flag needs an argument: -{name}", 2)
            text, args = args[0], args[1:]
        try:
            flag.parse(text)
        except ValueError as error:
            problem = f"boolean value {_quote(text)} for -{name}" if flag.boolean else f"value {_quote(text)} for flag -{name}"
            raise _Exit(f"invalid {problem}: {error}", 2) from None
        given[name] = text
    if args:
        raise _Exit(f"'{args[0]}' is not a valid flag")
    if "version" in given and _FLAGS["version"].parse(given["version"]):
        raise _Exit(f"etcd Version: {SERVER_VERSION}\nGit SHA: etcd-fake\nPython Version: {sys.version.split()[0]}", 0)
    return given


def _add_environment(given: dict[str, str], environ: Mapping[str, str]) -> list[str]:
    """etcd's flags.SetFlagsFromEnv: each flag not given is set from its non-empty ETCD_ variable, and a
    variable (even empty) beside its flag is fatal. ETCD_VERSION, which Docker images often set, is not
    --version: etcd drops it. Returns the variables used."""
    for name in given:
        key = _environment_key(name)
        if key in environ:
            raise _Exit(
                f"conflicting environment variable {key} is shadowed by corresponding command-line flag --{name}"
                " (either unset environment variable or disable flag)"
            )
    used: list[str] = []
    error = ""
    for name, flag in sorted(_FLAGS.items()):  # etcd visits its flags in this order and reports the last error
        key = _environment_key(name)
        text = environ.get(key, "")
        if name == "version" or not text:
            continue
        used.append(key)
        given[name] = text
        try:
            flag.parse(text)
        except ValueError as problem:
            error = f"invalid value {_quote(text)} for {key}: {problem}"
    if error:
        raise _Exit(error)
    return used


class _Settings:
    """The flags' values: each one given, parsed again, or etcd's default."""

    def __init__(self, given: dict[str, str]) -> None:
        self.given = given

    def value(self, name: str) -> object:
        flag = _FLAGS[name]
        return flag.parse(self.given[name]) if name in self.given else flag.default

    def text(self, name: str) -> str:
        return str(self.value(name))

    def number(self, name: str) -> int:
        value = self.value(name)
        assert isinstance(value, int)
        return value

    def items(self, name: str) -> list[str]:
        """A list flag's values: URLs or strings."""
        return list(cast("tuple[str, ...]", self.value(name)))

    def refuse(self, name: str, reason: str) -> _Exit:
        shown = self.given.get(name, self.text(name))
        return _Exit(f"cannot honour --{name}={shown}: {reason}")


def _check_honoured(settings: _Settings) -> None:
    """etcd-fake serves only /v2, which etcd 3.5 serves only with --enable-v2 (off by default: without it
    /v2/keys answers 404); it stops at the first other flag it cannot honour, and at TLS in any URL."""
    if settings.value("enable-v2") is not True:
        raise _Exit(
            "--enable-v2 is required: etcd-fake serves only the v2 API, which etcd 3.5 serves only with it (false by default)"
        )
    for name, flag in _FLAGS.items():
        if flag.refuse and settings.value(name) != flag.default:
            raise settings.refuse(name, flag.refuse)
    for name in ("listen-peer-urls", "initial-advertise-peer-urls"):
        if any(url.startswith(("https:", "unixs:")) for url in settings.items(name)):
            raise settings.refuse(name, _TLS)
    if any(url.startswith("unixs:") for url in settings.items("listen-client-urls")):
        raise settings.refuse("listen-client-urls", "it listens on TCP only")
    if re.search(r"=\s*(https|unixs):", settings.text("initial-cluster"), re.IGNORECASE):
        raise settings.refuse("initial-cluster", _TLS)


_LEVELS = ("debug", "info", "warn", "error", "dpanic", "panic", "fatal")


def _check_as_etcd(settings: _Settings) -> None:
    """etcd's embed.Config.Validate, and its later checks, on what etcd-fake reads or accepts."""
    logger = settings.text("logger")
    if logger != "zap":
        raise _Exit("--logger=capnslog is removed in v3.5" if logger == "capnslog" else f"unknown logger option {_quote(logger)}")
    level = settings.text("log-level")
    if level.lower() not in ("", *_LEVELS):
        raise _Exit(f"--log-level: unrecognized level: {_quote(level)}", 2)  # etcd panics with this
    outputs = settings.items("log-outputs")
    if len(outputs) > 1 and "default" in outputs:
        raise _Exit('--log-outputs: multi logoutput for "default" is not supported yet')
    for name in ("listen-peer-urls", "listen-client-urls"):
        for url in settings.items(name):
            host = _split_url(url)[0] if url.startswith("http") else "localhost"  # a unix socket binds no IP
            if host != "localhost" and not _is_ip(host):
                raise _Exit(f"--{name}: expected IP in URL for binding ({url})")
    heartbeat, election = settings.number("heartbeat-interval"), settings.number("election-timeout")
    if heartbeat == 0:
        raise _Exit("--heartbeat-interval must be >0 (set to 0ms)")
    if election == 0:
        raise _Exit("--election-timeout must be >0 (set to 0ms)")
    if 5 * heartbeat > election:
        raise _Exit(f"--election-timeout[{election}ms] should be at least as 5 times as --heartbeat-interval[{heartbeat}ms]")
    if election > 50000:
        raise _Exit(f"--election-timeout[{election}ms] is too long, and should be set less than 50000ms")
    if "listen-client-urls" in settings.given and "advertise-client-urls" not in settings.given:
        raise _Exit("--advertise-client-urls is required when --listen-client-urls is set explicitly")
    mode, retention = settings.text("auto-compaction-mode"), settings.text("auto-compaction-retention")
    if mode not in ("", "periodic", "revision"):
        raise _Exit(f"--auto-compaction-mode: unknown auto-compaction-mode {_quote(mode)}")
    if not re.fullmatch(r"\+?[0-9]+|-0+", retention):  # Go's Atoi, at least 0; else a duration
        try:
            _duration(retention)
        except ValueError:
            problem = f"error parsing CompactionRetention: time: invalid duration {_quote(retention)}"
            raise _Exit(f"--auto-compaction-retention: {problem}") from None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _is_loopback(host: str) -> bool:
    return host == "localhost" or (_is_ip(host) and ipaddress.ip_address(host).is_loopback)


@dataclass(frozen=True)
class _Member:
    """What etcd-fake serves as: one new member, as etcd would bootstrap it from the same flags."""

    name: str
    data_dir: str
    host: str
    port: int
    listen_client_urls: list[str]
    advertise_client_urls: list[str]
    peer_urls: list[str]
    initial_cluster: str
    token: str
    tls: _TLSSettings | None


@dataclass(frozen=True)
class _TLSSettings:
    """The client port's TLS, from --cert-file, --key-file, --trusted-ca-file and --client-cert-auth."""

    cert_file: str
    key_file: str
    trusted_ca_file: str
    client_cert_auth: bool

    def context(self) -> ssl.SSLContext:
        """The files read as etcd's listener reads them: one that cannot be, named in one line."""
        for flag, path in (("cert-file", self.cert_file), ("key-file", self.key_file), ("trusted-ca-file", self.trusted_ca_file)):
            if path and not os.access(path, os.R_OK):
                problem = "no such file or directory" if not os.path.exists(path) else "permission denied"
                raise _Exit(f"--{flag}={path}: listener failed: open {path}: {problem}")
        try:
            return server_context(
                self.cert_file,
                self.key_file,
                trusted_ca_file=self.trusted_ca_file or None,
                client_cert_auth=self.client_cert_auth,
            )
        except ssl.SSLError as error:
            raise _Exit(
                f"--cert-file={self.cert_file}, --key-file={self.key_file}: listener failed: {error.reason or error}"
            ) from None
        except ValueError as error:
            raise _Exit(f"--client-cert-auth: {error}") from None


def _member(settings: _Settings) -> _Member:
    """etcd's bootstrap of a new member: --initial-cluster (by default `<name>=<its peer URLs>` when only
    --name is given) names it with exactly its --initial-advertise-peer-urls. A data dir holding a member
    would be restarted from instead, which etcd-fake cannot do."""
    name = settings.text("name")
    data_dir = settings.text("data-dir") or f"{name}.etcd"
    if os.path.isdir(os.path.join(data_dir, "member")):
        raise _Exit(f"cannot honour --data-dir={data_dir}: it holds a member's data, which etcd would restart from")
    peer_urls = settings.items("initial-advertise-peer-urls")
    initial = settings.text("initial-cluster")
    if name != "default" and initial == _FLAGS["initial-cluster"].default:
        initial = ",".join(f"{name}={url}" for url in peer_urls)
    members: dict[str, list[str]] = {}
    for entry in filter(None, initial.split(",")):
        member, _, url = entry.partition("=")
        try:
            members.setdefault(member, []).extend(_url_list(url))
        except ValueError as error:
            raise _Exit(f"--initial-cluster={initial}: {error}") from None
    if name not in members:
        raise _Exit(f"--initial-cluster={initial}: couldn't find local name {_quote(name)} in the initial cluster configuration")
    if len(members) > 1:
        raise settings.refuse("initial-cluster", f"{_CLUSTER} (this names {len(members)} members: {', '.join(members)})")
    mine = sorted(members[name])
    if mine != peer_urls:
        missing = [f"{name}={url}" for url in mine if url not in peer_urls]
        extra = [url for url in peer_urls if url not in mine]
        advertised = ",".join(peer_urls)
        if missing:
            raise _Exit(f"--initial-cluster has {','.join(missing)} but missing from --initial-advertise-peer-urls={advertised}")
        own = ",".join(f"{name}={url}" for url in peer_urls)
        if extra:
            raise _Exit(f"--initial-advertise-peer-urls has {','.join(extra)} but missing from --initial-cluster={own}")
        raise _Exit(f"failed to resolve {advertised} to match --initial-cluster={own}")
    if len(peer_urls) > 1:
        raise settings.refuse("initial-advertise-peer-urls", "it gives its member one peer URL")
    host, port = _listen_address(settings)
    return _Member(
        tls=_tls(settings),
        name=name,
        data_dir=data_dir,
        host=host,
        port=port,
        listen_client_urls=settings.items("listen-client-urls"),
        advertise_client_urls=settings.items("advertise-client-urls"),
        peer_urls=peer_urls,
        initial_cluster=initial,
        token=settings.text("initial-cluster-token"),
    )


def _tls(settings: _Settings) -> _TLSSettings | None:
    """etcd serves TLS on an https listen URL, which needs --cert-file and --key-file; on an http one
    it serves plain HTTP, whatever TLS flags are given."""
    urls = settings.items("listen-client-urls")
    secure = [url for url in urls if url.startswith("https:")]
    if not secure:
        return None
    if len(secure) != len(urls):
        raise settings.refuse("listen-client-urls", "it listens on one address, with TLS or without")
    cert, key = settings.text("cert-file"), settings.text("key-file")
    if not cert or not key:
        raise _Exit(f"TLS key/cert (--cert-file, --key-file) must be provided for client url {secure[0]} with HTTPS scheme")
    auth = settings.value("client-cert-auth") is True
    return _TLSSettings(cert, key, settings.text("trusted-ca-file"), auth)


def _listen_address(settings: _Settings) -> tuple[str, int]:
    """Where etcd-fake listens: the first of --listen-client-urls (etcd sorts them). Several are taken only
    as loopback names of one port, of which it serves the first; two names of one address (localhost binds
    127.0.0.1) fail as etcd's second listener fails."""
    urls = settings.items("listen-client-urls")
    if any(url.startswith("unix") for url in urls):
        raise settings.refuse("listen-client-urls", "it listens on TCP only")
    addresses = [_split_url(url)[:2] for url in urls]
    host, port = addresses[0]
    if len(addresses) > 1 and not all(p == port and _is_loopback(h) for h, p in addresses):
        raise settings.refuse("listen-client-urls", "it listens on one address (several URLs only as loopback names of one port)")
    bound: set[str] = set()
    for each, _ in addresses:
        ip = str(ipaddress.ip_address("127.0.0.1" if each == "localhost" else each))
        if ip in bound:
            problem = f"listen tcp {_address(ip, int(port or 0))}: bind: address already in use"
            raise _Exit(f"--listen-client-urls={','.join(urls)}: {problem}")
        bound.add(ip)
    if int(port or 0) > 65535:
        raise _Exit(f"--listen-client-urls={urls[0]}: listen tcp: address {port}: invalid port")
    return host, int(port or 0)


def _configure(args: list[str], environ: Mapping[str, str]) -> tuple[_Settings, _Member, list[str]]:
    """The flags and variables read and checked as etcd does, in etcd's order, before anything starts."""
    given = _parse_command_line(args)
    used = _add_environment(given, environ)
    settings = _Settings(given)
    _check_honoured(settings)
    _check_as_etcd(settings)
    return settings, _member(settings), used


class _Log:
    """etcd's zap logger: JSON lines (level, ts, caller, msg, then fields) to each of --log-outputs
    ("default", "stderr" and "journal" are stderr, "stdout" stdout, anything else a file appended to), from
    --log-level on."""

    def __init__(self, settings: _Settings, files: contextlib.ExitStack) -> None:
        self.threshold = _LEVELS.index(settings.text("log-level").lower() or "info")
        self.outputs: list[TextIO] = []
        for output in settings.items("log-outputs"):
            if output == "stdout":
                self.outputs.append(sys.stdout)
            elif output in ("default", "stderr", "journal"):
                self.outputs.append(sys.stderr)
            else:
                try:
                    self.outputs.append(files.enter_context(open(output, "a", encoding="utf-8")))
                except OSError as error:
                    raise _Exit(f"--log-outputs: cannot open {output}: {error.strerror}") from None

    def __call__(self, level: str, message: str, fields: dict[str, object] | None = None) -> None:
        if _LEVELS.index(level) < self.threshold:
            return
        now = time.time()
        local = time.localtime(now)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", local) + f".{int(now * 1000) % 1000:03d}"
        stamp += time.strftime("%z", local) if local.tm_gmtoff else "Z"
        entry = {"level": level, "ts": stamp, "caller": "etcd_fake/cli.py", "msg": message, **(fields or {})}
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
        for output in self.outputs:
            output.write(line)
            output.flush()


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def main(argv: list[str] | None = None) -> int:
    """Run as etcd runs: 2 for a flag its parser refuses, 1 for any other error; stopped by SIGTERM or
    SIGINT, it shuts down cleanly and then dies of that signal, as etcd does (unless it is process 1)."""
    stop = threading.Event()
    received: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        stop.set()

    with contextlib.ExitStack() as files:
        try:
            settings, member, used = _configure(sys.argv[1:] if argv is None else argv, os.environ)
            log = _Log(settings, files)
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, on_signal)
            fake = FakeEtcd(
                host=member.host,
                port=member.port,
                name=member.name,
                token=member.token,
                peer_urls=member.peer_urls,
                advertise_client_urls=member.advertise_client_urls,
                tls=member.tls.context() if member.tls else None,
            )
            try:
                fake.start()
            except OSError as error:
                problem = f"listen tcp {_address(member.host, member.port)}: bind: {(error.strerror or str(error)).lower()}"
                raise _Exit(f"--listen-client-urls={','.join(member.listen_client_urls)}: {problem}") from None
            try:  # etcd makes its data dir once listening, private to its user
                os.makedirs(member.data_dir, mode=0o700, exist_ok=True)
            except OSError as error:
                fake.stop()
                problem = f"mkdir {member.data_dir}: {(error.strerror or str(error)).lower()}"
                raise _Exit(f"--data-dir: cannot access data directory: {problem}") from None
        except _Exit as stopped:
            print(stopped if stopped.code == 0 else f"etcd-fake: {stopped}", file=sys.stdout if stopped.code == 0 else sys.stderr)
            return stopped.code
        cluster = fake.cluster
        assert cluster is not None
        for key in used:
            log("info", "recognized and used environment variable", {"variable-name": key, "variable-value": os.environ[key]})
        for key, text in os.environ.items():
            if key.startswith("ETCD_") and key not in used and key != "ETCD_VERSION":
                log("warn", "unrecognized environment variable", {"environment-variable": f"{key}={text}"})
        log(
            "info",
            "starting an etcd server",
            {
                "etcd-version": SERVER_VERSION,
                "server": "etcd-fake (in memory, v2 API only)",
                "python-version": sys.version.split()[0],
                "name": member.name,
                "data-dir": member.data_dir,
                "initial-cluster": member.initial_cluster,
                "initial-cluster-state": "new",
                "initial-cluster-token": member.token,
                "initial-advertise-peer-urls": member.peer_urls,
                "listen-client-urls": member.listen_client_urls,
                "advertise-client-urls": member.advertise_client_urls,
            },
        )
        log("info", "starting local member", {"local-member-id": cluster.leader.hex_id, "cluster-id": format(cluster.id, "x")})
        log("info", "ready to serve client requests")
        address = _address(fake.host, fake.port)
        if member.tls:
            log("info", "serving client traffic securely", {"address": address})
        else:
            log("info", "serving client traffic insecurely; this is strongly discouraged!", {"address": address})
        stop.wait()
        log("info", "received signal; shutting down", {"signal": "interrupt" if received[0] == signal.SIGINT else "terminated"})
        fake.stop()
        log(
            "info",
            "closed etcd server",
            {
                "name": member.name,
                "data-dir": member.data_dir,
                "advertise-peer-urls": member.peer_urls,
                "advertise-client-urls": member.advertise_client_urls,
            },
        )
    if os.getpid() != 1:
        signal.signal(received[0], signal.SIG_DFL)
        os.kill(os.getpid(), received[0])
    return 0
