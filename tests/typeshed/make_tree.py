"""Build `stubs/python-etcd/`, the tree a typeshed pull request would add, from this project's files.

    python tests/typeshed/make_tree.py build OUT --requires-python PY --python-version X.Y
    python tests/typeshed/make_tree.py regr OUT/stubs/python-etcd --requires-python PY --python-version X.Y ...
    python tests/typeshed/make_tree.py planted OUT/stubs/python-etcd --requires-python PY --python-version X.Y

`build` writes OUT/stubs/python-etcd/ (anything there before is replaced):

- `etcd/*.pyi`: etcd-stubs/, formatted by black with typeshed's settings (black.toml here). The
  project formats its stubs with black's preview style, which puts a blank line around property and
  overload groups; typeshed's stable style does not. Only blank lines may differ: the formatted stubs
  must parse to the same AST as etcd-stubs/.
- `METADATA.toml`: the fields typeshed's METADATA.toml parser knows (version, requires,
  upstream_repository), taken from pyproject.toml.
- `@tests/stubtest_allowlist.txt`: tests/stubtest/common.txt and etcd.txt, for python-etcd alone.
- `@tests/test_cases/check_*.py`: tests/typing/check_*.py that import nothing but python-etcd, what
  METADATA.toml requires, typing_extensions and the standard library, with each must-fail line's
  per-checker comments (`# type: ignore[...]  # pyright: ignore[...]  # pyrefly: ...  # ty: ...`)
  rewritten as typeshed's test cases write them, from what typeshed's own settings report there:
  `# type: ignore[code]` where mypy (run as typeshed's regr_test runs it) reports `code`, which
  typeshed's pyright test-case configuration (enableTypeIgnoreComments) honours as well, and
  `# pyright: ignore[rule]` where only pyright reports `rule`. A must-fail line that neither reports
  (it fails here only for pyrefly, ty or an opt-in mypy code), or that only mypy reports (typeshed's
  pyright would call its ignore unnecessary), is left out and said so. Any error outside a must-fail
  line fails the build: the stubs do not pass typeshed's checks there.

It then checks the tree's layout as typeshed's tests/check_typeshed_structure.py and its METADATA.toml
parser do. `regr` runs mypy over the tree's test cases as typeshed's tests/regr_test.py does, and
`planted` proves on a copy that our own per-checker comments would not pass there.
`--requires-python` is a Python with only what METADATA.toml requires installed (urllib3), as
typeshed's regr_test installs it; mypy, pyright and black come from the running environment.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tokenize
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DISTRIBUTION = "python-etcd"
PACKAGE = "etcd"
UPSTREAM_REPOSITORY = "https://github.com/jplana/python-etcd"  # python-etcd's Home-page, over https as typeshed asks
TESTS_DIR = "@tests"
TEST_CASES_DIR = "test_cases"

# typeshed's tests/regr_test.py: mypy over a distribution's test cases ("ignore-without-code" purposely
# omitted), with MYPYPATH set to the stubs and the non-types requirements installed in the environment.
REGR_MYPY_FLAGS = [
    "--show-traceback", "--no-error-summary", "--strict", "--pretty", "--no-incremental", "--disable-error-code=empty-body",
]  # fmt: skip
REGR_PLATFORMS = ["linux", "darwin", "win32"]

# METADATA.toml: the fields and [tool.stubtest] keys typeshed's parser (ts_utils/metadata.py) accepts.
METADATA_FIELDS = {
    "version", "requires", "extra_description", "stub_distribution", "upstream_repository", "obsolete_since",
    "no_longer_updated", "upload", "tool", "partial_stub", "requires_python",
}  # fmt: skip
STUBTEST_FIELDS = {
    "skip", "apt_dependencies", "brew_dependencies", "choco_dependencies", "extras", "ignore_missing_stub",
    "platforms", "stubtest_requirements",
}  # fmt: skip

STDLIB: set[str] = set(getattr(sys, "stdlib_module_names", ()))  # Python 3.10 and newer
CHECKER_COMMENT = re.compile(r"#\s*(type|pyright|pyrefly|ty):\s*ignore\b(\[[^\]]*\])?")
MARKER = "# must-fail-{}"
MARKER_RE = re.compile(r"  # must-fail-(\d+)")


def log(message: str) -> None:
    print(f"make_tree: {message}", flush=True)


def run(command: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None, check: bool = True) -> str:
    log(" ".join(command))
    done = subprocess.run(command, cwd=cwd, env=None if env is None else {**os.environ, **env}, capture_output=True, text=True)
    if check and done.returncode != 0:
        sys.exit(f"{command[0]} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


# ---- what goes in ------------------------------------------------------------------------------------


def pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)


def metadata_toml() -> str:
    project = pyproject()
    pinned = next(str(r) for r in project["dependency-groups"]["runtime"] if str(r).startswith(f"{DISTRIBUTION}=="))
    major, minor = pinned.split("==")[1].split(".")[:2]
    # typing_extensions is part of typeshed's standard library stubs, not a requirement.
    requires = [str(d) for d in project["project"]["dependencies"] if not str(d).startswith("typing_extensions")]
    lines = [
        f'version = "{major}.{minor}.*"',
        f"upstream_repository = {json.dumps(UPSTREAM_REPOSITORY)}",
        f"requires = [{', '.join(json.dumps(r) for r in requires)}]",
    ]
    return "\n".join(lines) + "\n"


def stubtest_allowlist() -> str:
    """Our allowlists for python-etcd (common.txt, etcd.txt), without their headers and the fallback."""
    out: list[str] = []
    for name in ("common.txt", "etcd.txt"):
        text = (ROOT / "tests" / "stubtest" / name).read_text()
        paragraphs = text.strip().split("\n\n")
        if all(line.startswith("#") for line in paragraphs[0].splitlines()):
            paragraphs = paragraphs[1:]  # the file's own header
        for paragraph in paragraphs:
            out.append(paragraph.replace("etcd(_fallback)?", "etcd").strip() + "\n")
    return "\n".join(out)


def _top_imports(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add("." if node.level else (node.module or "").split(".")[0])
    return found


def importable_in_typeshed(source: str, requires: Iterable[str]) -> set[str]:
    """The modules a case imports that a typeshed test case of this distribution could not."""
    allowed = {PACKAGE, "typing_extensions", "__future__", *STDLIB, *requires}
    return _top_imports(ast.parse(source)) - allowed


# ---- rewriting the must-fail comments ------------------------------------------------------------


@dataclass
class MustFail:
    checkers: list[str]  # whose comments the line had here
    kept: str  # the rest of the comment (an explanation), if any


@dataclass
class CaseFile:
    name: str
    text: str
    must_fail: dict[int, MustFail] = field(default_factory=dict[int, MustFail])


def mark_must_fail(name: str, source: str) -> CaseFile:
    """Replace each line's per-checker ignore comments with a numbered marker."""
    lines = source.splitlines()
    case = CaseFile(name, "")
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    for token in tokens:
        if token.type != tokenize.COMMENT or not CHECKER_COMMENT.search(token.string):
            continue
        row, col = token.start
        checkers = [m.group(1) for m in CHECKER_COMMENT.finditer(token.string)]
        rest = [s.strip() for s in CHECKER_COMMENT.sub("", token.string).split("#") if s.strip()]
        number = len(case.must_fail)
        case.must_fail[number] = MustFail(["mypy" if c == "type" else c for c in checkers], "  ".join(f"# {s}" for s in rest))
        line = lines[row - 1]
        lines[row - 1] = line[:col].rstrip() + "  " + MARKER.format(number)
    case.text = "\n".join(lines) + "\n"
    return case


@dataclass(frozen=True)
class Diagnostic:
    checker: str
    file: str
    line: int
    code: str
    message: str


def mypy_diagnostics(test_cases: Path, stubs: Path, requires_python: str, version: str, platform: str) -> list[Diagnostic]:
    """mypy over the test cases as typeshed's regr_test runs it (its output read without --pretty)."""
    files = sorted(str(p) for p in test_cases.glob("*.py"))
    flags = [f for f in REGR_MYPY_FLAGS if f != "--pretty"]
    command = [sys.executable, "-m", "mypy", "--python-version", version, "--platform", platform, *flags]
    command += ["--show-error-codes", "--python-executable", requires_python]
    output = run([*command, *files], cwd=test_cases.parent, env={"MYPYPATH": str(stubs)}, check=False)
    found: list[Diagnostic] = []
    for line in output.splitlines():
        match = re.match(r"^(?P<file>[^:]+):(?P<line>\d+): error: (?P<message>.*?)(  \[(?P<code>[a-z-]+)\])?$", line)
        if match:
            found.append(Diagnostic("mypy", Path(match["file"]).name, int(match["line"]), match["code"] or "", match["message"]))
    return found


def pyright_diagnostics(root: Path, config: Path, requires_python: str, version: str) -> list[Diagnostic]:
    command = ["pyright", "-p", str(config), "--outputjson", "--pythonversion", version, "--pythonpath", requires_python]
    report = json.loads(run(command, cwd=root, env={"PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}, check=False))
    return [
        Diagnostic("pyright", Path(d["file"]).name, d["range"]["start"]["line"] + 1, d.get("rule", ""), d["message"])
        for d in report["generalDiagnostics"]
        if d["severity"] in ("error", "warning")
    ]


def _blocks(node: ast.AST) -> list[list[ast.stmt]]:
    if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.With, ast.AsyncWith)):
        return [node.body]
    if isinstance(node, (ast.If, ast.For, ast.AsyncFor, ast.While)):
        return [node.body, node.orelse]
    if isinstance(node, ast.Try):
        return [node.body, node.orelse, node.finalbody]
    if isinstance(node, ast.ExceptHandler):
        return [node.body]
    return []


def _droppable_lines(source: str) -> set[int]:
    """The lines that hold a whole simple statement which is not alone in its block."""
    found: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        for block in _blocks(node):
            if len(block) < 2:
                continue
            for stmt in block:
                simple = isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Delete, ast.Pass))
                if simple and stmt.lineno == stmt.end_lineno:
                    found.add(stmt.lineno)
    return found


def apply_diagnostics(case: CaseFile, diagnostics: list[Diagnostic]) -> tuple[str, list[str], list[str]]:
    """The case with typeshed's comments on its must-fail lines: (text, notices, failures)."""
    lines = case.text.splitlines()
    notices: list[str] = []
    failures: list[str] = []
    marked = {i: int(m.group(1)) for i, line in enumerate(lines, 1) for m in [MARKER_RE.search(line)] if m}
    by_line: dict[int, list[Diagnostic]] = {}
    for d in diagnostics:
        if d.file == case.name:
            by_line.setdefault(d.line, []).append(d)
    for line, found in sorted(by_line.items()):
        if line not in marked:
            failures += [f"{case.name}:{line}: {d.checker}: {d.message} [{d.code}]" for d in found]
    droppable = _droppable_lines(case.text)
    dropped: list[int] = []
    for line, number in marked.items():
        must = case.must_fail[number]
        found = by_line.get(line, [])
        mypy_codes = list(dict.fromkeys(d.code for d in found if d.checker == "mypy"))
        pyright_rules = list(dict.fromkeys(d.code for d in found if d.checker == "pyright"))
        code = MARKER_RE.sub("", lines[line - 1])
        if mypy_codes and pyright_rules:
            comment = f"# type: ignore[{', '.join(mypy_codes)}]"
        elif pyright_rules:
            comment = f"# pyright: ignore[{', '.join(pyright_rules)}]"
        else:
            why = (
                f"only mypy reports it ({', '.join(mypy_codes)}), and typeshed's pyright would call its ignore unnecessary"
                if mypy_codes
                else f"neither typeshed's mypy nor its pyright reports it (here it fails for {', '.join(must.checkers)})"
            )
            if line not in droppable:
                failures.append(f"{case.name}:{line}: a must-fail line that {why}, and it cannot be left out: {code.strip()}")
                continue
            notices.append(f"{case.name}: left out, as {why}: {code.strip()}")
            dropped.append(line)
            continue
        lines[line - 1] = f"{code}  {comment}" + (f"  {must.kept}" if must.kept else "")
    for line in sorted(dropped, reverse=True):
        del lines[line - 1]
    return "\n".join(lines) + "\n", notices, failures


# ---- the tree --------------------------------------------------------------------------------------


def black(paths: Iterable[Path]) -> None:
    run([sys.executable, "-m", "black", "--quiet", "--config", str(HERE / "black.toml"), *map(str, paths)])


def write_stubs(dist: Path) -> None:
    package = dist / PACKAGE
    package.mkdir(parents=True)
    sources = sorted((ROOT / "etcd-stubs").glob("*.pyi"))
    for stub in sources:
        shutil.copy(stub, package / stub.name)
    black(sorted(package.glob("*.pyi")))  # by name: black passes over a folder that .gitignore lists
    for stub in sources:
        before, after = ast.dump(ast.parse(stub.read_text())), ast.dump(ast.parse((package / stub.name).read_text()))
        if before != after:
            sys.exit(f"black changed more than blank lines in {stub.name}")


def write_test_cases(dist: Path, requires_python: str, version: str, requires: list[str]) -> list[str]:
    """The test cases with typeshed's comments; returns what was left out, and why."""
    test_cases = dist / TESTS_DIR / TEST_CASES_DIR
    test_cases.mkdir(parents=True)
    notices: list[str] = []
    cases: list[CaseFile] = []
    for path in sorted((ROOT / "tests" / "typing").glob("check_*.py")):
        foreign = importable_in_typeshed(path.read_text(), requires)
        if foreign:
            notices.append(f"{path.name}: not a typeshed test case: it imports {', '.join(sorted(foreign))}")
            continue
        case = mark_must_fail(path.name, path.read_text())
        (test_cases / path.name).write_text(case.text)
        cases.append(case)
    # The checkers read the cases as they are here, where each checker's error is on the line that has
    # its comment; black formats them once the comments are typeshed's (it keeps a line whose overflow
    # is a `# type: ignore` comment whole, as it does here with the longer per-checker comments).
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        copy = root / "stubs" / DISTRIBUTION
        shutil.copytree(dist, copy)
        config = write_pyright_config(root, "pyrightconfig.testcases.json")
        diagnostics = pyright_diagnostics(root, config, requires_python, version)
        shutil.copytree(copy / TESTS_DIR / TEST_CASES_DIR, root / TEST_CASES_DIR)  # regr_test checks a copy
        diagnostics += mypy_diagnostics(root / TEST_CASES_DIR, copy, requires_python, version, "linux")
    failures: list[str] = []
    for case in cases:
        text, case_notices, case_failures = apply_diagnostics(case, diagnostics)
        (test_cases / case.name).write_text(text)
        notices += case_notices
        failures += case_failures
    outside = [d for d in diagnostics if d.file not in {c.name for c in cases}]
    failures += [f"{d.file}:{d.line}: {d.checker}: {d.message} [{d.code}]" for d in outside]
    if failures:
        sys.exit("typeshed's checkers report errors that no must-fail line accounts for:\n" + "\n".join(failures))
    black(test_cases.glob("*.py"))
    return notices


def write_pyright_config(root: Path, name: str) -> Path:
    """Our copy of one of typeshed's pyright configurations (JSON with comments), written into `root`."""
    (root / name).write_text((HERE / name).read_text())
    return root / name


def build(out: Path, requires_python: str, version: str) -> Path:
    dist = out / "stubs" / DISTRIBUTION
    shutil.rmtree(dist, ignore_errors=True)
    dist.mkdir(parents=True)
    write_stubs(dist)
    (dist / "METADATA.toml").write_text(metadata_toml())
    (dist / TESTS_DIR).mkdir()
    (dist / TESTS_DIR / "stubtest_allowlist.txt").write_text(stubtest_allowlist())
    requires = [re.split(r"[<>=!~;\[ ]", str(r))[0] for r in read_metadata(dist)["requires"]]
    for notice in write_test_cases(dist, requires_python, version, requires):
        log(notice)
    check_structure(dist)
    return dist


# ---- typeshed's structure checks (tests/check_typeshed_structure.py, ts_utils/metadata.py) ---------


def read_metadata(dist: Path) -> dict[str, Any]:
    with (dist / "METADATA.toml").open("rb") as f:
        return tomllib.load(f)


def check_structure(dist: Path) -> None:
    problems: list[str] = []
    if not re.fullmatch(r"([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])", dist.name, re.IGNORECASE) or dist.name.startswith("types-"):
        problems.append(f"{dist.name}: not a valid distribution name for a stubs/ directory")
    allowed = {"METADATA.toml", "README", "README.md", "README.rst", TESTS_DIR}
    for entry in sorted(dist.rglob("*")):
        relative = entry.relative_to(dist)
        if relative.parts[0] in allowed:
            continue
        if entry.is_file() and (entry.suffix != ".pyi" or not entry.stem.isidentifier()):
            problems.append(f"{relative}: only .pyi files with module names are allowed in a stubs directory")
        if entry.is_dir() and not entry.name.isidentifier():
            problems.append(f"{relative}: directories must be packages")
    tests = dist / TESTS_DIR
    if any(p.suffix == ".py" for p in tests.iterdir()):
        problems.append(f"test-case files must be in {TESTS_DIR}/{TEST_CASES_DIR}, not in {TESTS_DIR}")
    for entry in sorted((tests / TEST_CASES_DIR).rglob("*")):
        if entry.is_file() and entry.name != "README.md" and (entry.suffix != ".py" or not entry.stem.startswith("check_")):
            problems.append(f"{entry.relative_to(dist)}: test cases are .py files whose names start with check_")
    metadata = read_metadata(dist)
    unknown = set(metadata) - METADATA_FIELDS
    if unknown:
        problems.append(f"METADATA.toml: unknown fields {sorted(unknown)}")
    version = metadata.get("version")
    if not isinstance(version, str) or not re.fullmatch(r"(==|~=)?\d[\w.*]*", version):
        problems.append(f"METADATA.toml: version {version!r} is not a version or an ==/~= specifier")
    requires: Any = metadata.get("requires", [])
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in cast("list[object]", requires)):
        problems.append("METADATA.toml: requires must be a list of requirement strings")
    repository = metadata.get("upstream_repository")
    if repository is not None and not re.fullmatch(r"https://github\.com/[^/?#]+/[^/?#]+", str(repository)):
        problems.append(f"METADATA.toml: upstream_repository {repository!r} is not an https GitHub repository URL")
    tool = metadata.get("tool", {})
    if set(tool) - {"stubtest"} or set(tool.get("stubtest", {})) - STUBTEST_FIELDS:
        problems.append("METADATA.toml: unknown [tool] settings")
    if problems:
        sys.exit("the tree is not laid out as typeshed expects:\n" + "\n".join(problems))


# ---- typeshed's regr_test -----------------------------------------------------------------------


def regr(dist: Path, requires_python: str, versions: Sequence[str], platforms: Sequence[str]) -> bool:
    """mypy over a copy of the tree's test cases, as typeshed's tests/regr_test.py runs it, for each
    version and platform: MYPYPATH is the distribution, the environment holds what it requires. A case
    named `check_x-py311.py` is checked only as 3.11 and newer."""
    passed = True
    with tempfile.TemporaryDirectory() as tmp:
        cases = Path(tmp) / TEST_CASES_DIR
        shutil.copytree(dist / TESTS_DIR / TEST_CASES_DIR, cases)
        for version in versions:
            minor = int(version.split(".")[1])
            files = [str(p) for p in sorted(cases.glob("*.py")) if int((re.search(r"-py3(\d+)$", p.stem) or [0, 0])[1]) <= minor]
            for platform in platforms:
                command = [sys.executable, "-m", "mypy", "--python-version", version, "--platform", platform, *REGR_MYPY_FLAGS]
                done = subprocess.run(
                    [*command, "--python-executable", requires_python, *files],
                    cwd=tmp, env={**os.environ, "MYPYPATH": str(dist)}, capture_output=True, text=True,
                )  # fmt: skip
                outcome = "ok" if done.returncode == 0 else "FAILED"
                log(f"mypy --platform {platform} --python-version {version} on the test cases: {outcome}")
                if done.returncode != 0:
                    passed = False
                    print((done.stdout + done.stderr).replace(str(cases), str(dist / TESTS_DIR / TEST_CASES_DIR)), flush=True)
    return passed


def planted(dist: Path, requires_python: str, version: str) -> bool:
    """Our own comment style, put back on a copy of the tree, is what typeshed's settings reject: a
    pyright comment beside `# type: ignore` (pyright honours the latter in test cases, so the former is
    unnecessary), and an ignore whose code typeshed's mypy does not enable (here `redundant-expr`)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        copy = root / "stubs" / DISTRIBUTION
        shutil.copytree(dist, copy)
        cases = sorted((copy / TESTS_DIR / TEST_CASES_DIR).glob("*.py"))
        ignored = next(
            (p, line) for p in cases for line in p.read_text().splitlines() if line.endswith("# type: ignore[arg-type]")
        )
        asserted = next(
            (p, line) for p in cases for line in p.read_text().splitlines() if line.strip().startswith("assert_type(")
        )
        for (path, line), extra in (
            (ignored, "  # pyright: ignore[reportArgumentType]"),
            (asserted, "  # type: ignore[redundant-expr]"),
        ):
            path.write_text(path.read_text().replace(line + "\n", line + extra + "\n", 1))
            log(f"planted in {path.name}: {line.strip()}{extra}")
        config = write_pyright_config(root, "pyrightconfig.testcases.json")
        found = pyright_diagnostics(root, config, requires_python, version)
        shutil.copytree(copy / TESTS_DIR / TEST_CASES_DIR, root / TEST_CASES_DIR)
        found += mypy_diagnostics(root / TEST_CASES_DIR, copy, requires_python, version, "linux")
    caught = {
        "pyright": any(d.checker == "pyright" and '"# pyright: ignore" rule' in d.message for d in found),
        "mypy": any(d.checker == "mypy" and 'Unused "type: ignore' in d.message for d in found),
    }
    for checker, ok in caught.items():
        log(f"{checker} {'rejects' if ok else 'DOES NOT reject'} the planted comment")
    return all(caught.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("build", help="write OUT/stubs/python-etcd/")
    make.add_argument("out", type=Path, help="the folder that gets stubs/python-etcd/")
    make.add_argument("--python-version", required=True, help="the version typeshed's mypy and pyright read the cases as")
    check = commands.add_parser("regr", help="mypy over the tree's test cases, as typeshed's regr_test runs it")
    check.add_argument("dist", type=Path, help="the tree: .../stubs/python-etcd")
    check.add_argument("--python-version", required=True, nargs="+")
    check.add_argument("--platform", nargs="+", default=REGR_PLATFORMS, choices=REGR_PLATFORMS)
    plant = commands.add_parser("planted", help="our own comment style on a copy of the tree must fail typeshed's settings")
    plant.add_argument("dist", type=Path, help="the tree: .../stubs/python-etcd")
    plant.add_argument("--python-version", required=True)
    for command in (make, check, plant):
        command.add_argument("--requires-python", required=True, help="a Python with only what METADATA.toml requires installed")
    args = parser.parse_args()
    if args.command == "build":
        dist = build(args.out.resolve(), args.requires_python, args.python_version)
        log(f"wrote {dist}")
    elif args.command == "regr":
        if not regr(args.dist.resolve(), args.requires_python, args.python_version, args.platform):
            sys.exit("typeshed's regr_test (mypy over the test cases) failed")
    elif not planted(args.dist.resolve(), args.requires_python, args.python_version):
        sys.exit("a planted comment in our own style passed typeshed's settings")


if __name__ == "__main__":
    main()
