"""Build the wheel and sdist, check what they hold, and prove both checkers find the stubs when installed.

Run by `nox -s build` (which provides build, hatchling, mypy and pyright); everything happens in a
temporary directory outside the source tree.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("etcd-stubs", "etcd_fallback", "etcd_check", "etcd_fake")

CONSUMER = textwrap.dedent(
    """\
    from typing import Any

    from typing_extensions import assert_type

    import etcd
    import etcd.auth
    import etcd.client
    from etcd.lock import Lock


    def use(c: etcd.Client, payload: dict[str, Any]) -> None:
        assert_type(c.read("/k"), etcd.EtcdResult)
        assert_type(etcd.client.Client(), etcd.Client)
        assert_type(Lock(c, "l").acquire(blocking=False), bool)
        assert_type(etcd.auth.Auth(c).active, bool)
        assert_type(etcd.EtcdKeyNotFound(), etcd.EtcdKeyNotFound)
        c.write("/k", "v", ttl="10")  {must_fail}
    """
).format(
    must_fail="  # ".join(
        [
            "# type: ignore[arg-type]",
            "pyright: ignore[reportArgumentType]",
            "pyrefly: ignore[bad-argument-type]",
            "ty: ignore[invalid-argument-type]",
        ]
    )
)

# Each checker strict, honouring only its own ignore comment, failing on one it no longer needs.
CONSUMER_PYPROJECT = textwrap.dedent(
    """    [tool.pyrefly]
    preset = "strict"
    enabled-ignores = ["pyrefly"]
    [tool.pyrefly.errors]
    unused-ignore = "error"
    [tool.ty.analysis]
    respect-type-ignore-comments = false
    [tool.ty.rules]
    unused-ignore-comment = "error"
    [tool.ty.terminal]
    error-on-warning = true
    """
)

PYRIGHTCONFIG = {
    "typeCheckingMode": "strict",
    "enableTypeIgnoreComments": False,
    "reportUnnecessaryTypeIgnoreComment": "error",
}


def run(*args: str | Path, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    print("+", " ".join(map(str, args)), flush=True)
    proc = subprocess.run([str(a) for a in args], cwd=cwd, text=True, capture_output=True)
    if proc.stdout.strip():
        print(proc.stdout.rstrip())
    if proc.stderr.strip():
        print(proc.stderr.rstrip())
    if check and proc.returncode:
        sys.exit(f"command failed with exit code {proc.returncode}")
    return proc


def expected_package_files() -> set[str]:
    names: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                names.add(path.relative_to(ROOT).as_posix())
    return names


def check_wheel(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    packaged = {n for n in names if ".dist-info/" not in n}
    expected = expected_package_files()
    assert packaged == expected, f"wheel holds {sorted(packaged ^ expected)} unexpectedly"
    assert any(n.startswith("etcd-stubs/") and n.endswith(".pyi") for n in packaged)
    tops = {n.split("/")[0] for n in names}
    assert not tops & {"etcd", "etcd.py"}, "the wheel must never ship an importable `etcd`"
    print(f"wheel: {len(packaged)} package files, as in the source tree")


def check_sdist(sdist: Path) -> None:
    with tarfile.open(sdist) as tf:
        names = {m.name.split("/", 1)[1] for m in tf.getmembers() if "/" in m.name and m.isfile()}
    for required in (
        "pyproject.toml",
        "README.md",
        "CHANGELOG.md",
        "noxfile.py",
        "tests/stubtest/common.txt",
        *expected_package_files(),
    ):
        assert required in names, f"sdist lacks {required}"
    stray = [n for n in names if n.startswith((".git/", ".nox/", "dist/")) or "__pycache__" in n]
    assert not stray, f"sdist holds {stray}"
    print(f"sdist: {len(names)} files, all expected ones present")


def make_venv(where: Path) -> Path:
    run(sys.executable, "-m", "venv", where)
    return where / "bin" / "python"


def check_consumer(python: Path, label: str, work: Path) -> None:
    """All five checkers resolve etcd, etcd.client, etcd.lock and etcd.auth to the installed stubs."""
    consumer = work / f"consumer_{label}"
    consumer.mkdir()
    (consumer / "use_etcd.py").write_text(CONSUMER)
    (consumer / "pyrightconfig.json").write_text(json.dumps(PYRIGHTCONFIG))
    (consumer / "pyproject.toml").write_text(CONSUMER_PYPROJECT)
    mypy = run(
        sys.executable, "-m", "mypy", "--strict", "--warn-unused-ignores", "--no-incremental",
        "--python-executable", python, "use_etcd.py", cwd=consumer,
    )  # fmt: skip
    assert "Success: no issues found in 1 source file" in mypy.stdout, mypy.stdout
    for pyright in ("pyright", "basedpyright"):
        result = run(pyright, "--warnings", "--pythonpath", python, "-p", "pyrightconfig.json", cwd=consumer)
        assert "0 errors, 0 warnings" in result.stdout, result.stdout
    pyrefly = run("pyrefly", "check", "--min-severity=warn", "--python-interpreter-path", python, "use_etcd.py", cwd=consumer)
    assert re.search(r"INFO 0 (errors|diagnostics)", pyrefly.stderr) and "WARN " not in pyrefly.stderr, pyrefly.stderr
    ty = run("ty", "check", "--python", python, "use_etcd.py", cwd=consumer)
    assert "All checks passed!" in ty.stdout, ty.stdout
    print(f"{label}: mypy, pyright, basedpyright, pyrefly and ty resolve the installed stubs")


PLUGIN_TEST = textwrap.dedent(
    """\
    import etcd
    import pytest


    def test_offline():
        with pytest.raises(TypeError):
            etcd.Client(port="2379")
    """
)


def check_plugin(python: Path, wheel: Path, work: Path) -> None:
    """`pytest --etcd-check` from the wheel with its `check` extra, in a venv of its own."""
    folder = work / "plugin"
    folder.mkdir()
    (folder / "test_offline.py").write_text(PLUGIN_TEST)
    (folder / "pytest.ini").write_text("[pytest]\n")
    run(python, "-m", "pip", "install", "--quiet", f"{wheel}[check]", "pytest")
    result = run(python, "-m", "pytest", "--etcd-check", "-p", "no:cacheprovider", cwd=folder)
    assert "etcd-check: on (warn)" in result.stdout, result.stdout
    expected = f"{folder / 'test_offline.py'}:7: etcd.client.Client.__init__: argument port is str ('2379'), declared int"
    assert expected in result.stdout and "1 passed" in result.stdout, result.stdout
    print("wheel: pytest --etcd-check reports a python-etcd misuse at the caller's line")


FAKE_TEST = textwrap.dedent(
    """\
    import json
    import urllib.request


    def test_fixture(etcd_fake):
        request = urllib.request.Request(etcd_fake.url + "/v2/keys/k", data=b"value=v", method="PUT")
        with urllib.request.urlopen(request) as response:
            assert response.status == 201
        with urllib.request.urlopen(etcd_fake.url + "/v2/keys/k") as response:
            assert json.loads(response.read())["node"]["value"] == "v"
    """
)


def check_fake(python: Path, work: Path) -> None:
    """The `etcd_fake` fixture and the `etcd-fake` command from the installed wheel, with only pytest
    beside it (python-etcd is not needed to serve)."""
    folder = work / "fake"
    folder.mkdir()
    (folder / "test_fake.py").write_text(FAKE_TEST)
    (folder / "pytest.ini").write_text("[pytest]\n")
    result = run(python, "-m", "pytest", "-p", "no:cacheprovider", cwd=folder)
    assert "1 passed" in result.stdout, result.stdout
    script = python.parent / "etcd-fake"
    help_text = run(script, "--help").stdout
    assert "--listen-client-urls" in help_text, help_text
    print("wheel: the etcd_fake fixture serves, and the etcd-fake command is installed")


def main(runtime: list[str]) -> None:
    """`runtime`: the pinned python-etcd requirements, from pyproject.toml's dependency groups."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        dist = work / "dist"
        run(sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, ROOT)
        (wheel,) = dist.glob("*.whl")
        (sdist,) = dist.glob("*.tar.gz")
        check_wheel(wheel)
        check_sdist(sdist)
        run(sys.executable, "-m", "twine", "check", "--strict", wheel, sdist)
        run(sys.executable, "-m", "check_wheel_contents", "--config", ROOT / "pyproject.toml", wheel)

        # `build` made that wheel from the sdist; one made straight from the tree must hold the same bytes.
        direct = work / "direct"
        run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", direct, ROOT)
        (wheel2,) = direct.glob("*.whl")
        with zipfile.ZipFile(wheel) as a, zipfile.ZipFile(wheel2) as b:
            assert {n: a.read(n) for n in a.namelist()} == {n: b.read(n) for n in b.namelist()}, "wheels differ"
        print("the wheel built from the sdist equals the one built from the tree")

        for label, target in (("wheel", [str(wheel)]), ("editable", ["-e", str(ROOT)])):
            python = make_venv(work / f"venv_{label}")
            run(python, "-m", "pip", "install", "--quiet", *target)
            probe = run(python, "-c", "import etcd", check=False)
            assert "ModuleNotFoundError: No module named 'etcd'" in probe.stderr, "etcd-stubs made `etcd` importable"
            run(python, "-c", "import etcd_fallback")
            # Users type-check next to the real library; install it so pyright finds its source too.
            run(python, "-m", "pip", "install", "--quiet", *runtime)
            check_consumer(python, label, work)
            if label == "wheel":
                check_plugin(python, wheel, work)
                check_fake(python, work)


if __name__ == "__main__":
    main(sys.argv[1:])
