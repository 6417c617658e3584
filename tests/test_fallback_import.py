"""Importing etcd_fallback touches only the standard library, and etcd_fallback.compat picks the right module.

Each check runs in a fresh interpreter (`-I`: no user site, no PYTHON* variables), so nothing this
test process imported earlier hides what the import does.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

# Records, from the first line of a fresh interpreter: audit events, environment reads, loggers and
# handlers, and the modules the import adds. Printed as one JSON line, the only output expected.
PROBE = textwrap.dedent(
    """\
    import json, logging, os, sys, sysconfig

    events = []
    def hook(event, args):
        events.append([event, [repr(a) for a in args[:2]]])
    env_reads = []
    class Environ(type(os.environ)):
        def __getitem__(self, key):
            env_reads.append(key)
            return super().__getitem__(key)
    recording = Environ(os.environ._data, os.environ.encodekey, os.environ.decodekey,
                        os.environ.encodevalue, os.environ.decodevalue)
    stdlib = sysconfig.get_paths()["stdlib"]
    original_environ = os.environ
    before_modules = set(sys.modules)
    loggers_before = set(logging.Logger.manager.loggerDict)
    root_handlers_before = list(logging.getLogger().handlers)
    os.environ = recording
    sys.addaudithook(hook)
    import etcd_fallback, etcd_fallback.client, etcd_fallback.lock, etcd_fallback.auth
    os.environ = original_environ
    sys.stdout.write(json.dumps({
        "events": events,
        "env_reads": env_reads,
        "new_modules": sorted(
            [name, getattr(sys.modules[name], "__file__", None)] for name in set(sys.modules) - before_modules
        ),
        "new_loggers": sorted(set(logging.Logger.manager.loggerDict) - loggers_before),
        "root_handlers_changed": logging.getLogger().handlers != root_handlers_before,
        "stdlib": stdlib,
        "package": os.path.dirname(etcd_fallback.__file__),
    }))
    """
)

# Audit events that mean I/O beyond reading modules: network, processes, writes, environment changes.
FORBIDDEN_PREFIXES = (
    "socket.", "subprocess.", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.kill",
    "os.putenv", "os.unsetenv", "os.remove", "os.rename", "os.mkdir", "os.rmdir", "os.chmod", "os.truncate",
    "shutil.", "urllib.", "http.", "ftplib.", "smtplib.", "ctypes.", "webbrowser.", "sqlite3.", "tempfile.",
)  # fmt: skip


def run_probe(source: str) -> subprocess.CompletedProcess[str]:
    # -B: the interpreter's own bytecode cache writes are not the package's doing.
    return subprocess.run([sys.executable, "-I", "-B", "-c", source], capture_output=True, text=True, check=False)


def test_import_does_no_io_and_prints_nothing() -> None:
    proc = run_probe(PROBE)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    report = json.loads(proc.stdout)  # the probe's JSON is the whole of stdout: the import printed nothing

    forbidden = [e for e in report["events"] if e[0].startswith(FORBIDDEN_PREFIXES)]
    assert forbidden == []
    opened = [args[0].strip("'\"") for event, args in report["events"] if event == "open"]
    allowed_roots = (report["stdlib"], report["package"])
    assert opened, "the probe saw no module being read: the audit hook is not recording"
    assert [path for path in opened if not path.startswith(allowed_roots)] == []
    modes = [args[1] for event, args in report["events"] if event == "open"]
    assert all("w" not in mode and "a" not in mode and "+" not in mode for mode in modes), modes

    assert report["env_reads"] == []
    assert report["new_loggers"] == []
    assert report["root_handlers_changed"] is False

    third_party = [
        name for name, path in report["new_modules"]
        if path and not path.startswith(allowed_roots) and not name.startswith("etcd_fallback")
    ]  # fmt: skip
    assert third_party == []
    assert {"etcd_fallback", "etcd_fallback.client", "etcd_fallback.lock", "etcd_fallback.auth"} <= {
        name for name, _ in report["new_modules"]
    }


def test_the_probe_sees_io_when_there_is_some() -> None:
    # The same probe, with a module that reads the environment and opens a socket, must catch both.
    noisy = PROBE.replace(
        "import etcd_fallback, etcd_fallback.client, etcd_fallback.lock, etcd_fallback.auth",
        "import etcd_fallback; import socket; socket.socket().close(); os.environ['HOME']",
    )
    report = json.loads(run_probe(noisy).stdout)
    assert report["env_reads"] == ["HOME"]
    assert any(event.startswith("socket.") for event, _ in report["events"])


def compat_module(block: str = "") -> str:
    """Which module `etcd_fallback.compat.etcd` is, after `block` ran first."""
    source = f"{block}\nfrom etcd_fallback.compat import etcd\nprint(etcd.__name__)"
    proc = run_probe(source)
    return proc.stdout.strip() if proc.returncode == 0 else proc.stderr.strip().splitlines()[-1]


def test_compat_gives_python_etcd_when_it_is_installed() -> None:
    assert compat_module() == "etcd"


def test_compat_gives_the_fallback_when_python_etcd_is_missing() -> None:
    assert compat_module("import sys; sys.modules['etcd'] = None") == "etcd_fallback"


def test_compat_does_not_hide_a_broken_python_etcd() -> None:
    # python-etcd is present but its dependency urllib3 is not: that error must surface.
    result = compat_module("import sys; sys.modules['urllib3'] = None")
    assert result.startswith("ModuleNotFoundError") and "urllib3" in result
