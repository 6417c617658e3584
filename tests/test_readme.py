"""Every command and example in README.md is one that runs or is checked as written."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path
from typing import cast

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
PYPROJECT = (ROOT / "pyproject.toml").read_text()
FACTS = tomllib.loads(PYPROJECT)["tool"]["etcd-stubs"]
CHECKERS = "mypy, pyright, basedpyright, pyrefly, ty"


def fenced(language: str) -> list[str]:
    """The contents of the README's fenced blocks in `language` ("" for a block without one)."""
    blocks: list[str] = []
    current: list[str] | None = None
    kind = ""
    for line in README.splitlines(keepends=True):
        if current is None and line.startswith("```"):
            current = []
            kind = line[3:].strip()
        elif current is not None and line.rstrip() == "```":
            if kind == language:
                blocks.append("".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def marked(name: str) -> str:
    match = re.search(rf"<!-- {name} -->\n```\n(.*?)\n```\n<!-- /{name} -->", README, re.S)
    assert match, f"README.md has no {name} block"
    return match[1]


def pinned(group: str) -> list[str]:
    """The requirements of one dependency group of pyproject.toml (flat groups only)."""
    match = re.search(rf"^{re.escape(group)} = \[(.*?)\]$", PYPROJECT, re.M)
    assert match, f"pyproject.toml has no one-line group {group}"
    return re.findall(r'"([^"]+)"', match[1])


def proven(name: str) -> object:
    """A literal of tests/conformance/test_etcd_check.py, which runs the README's --etcd-check example
    against a live server (read as text: that module needs a server to import its fixtures)."""
    tree = ast.parse((ROOT / "tests" / "conformance" / "test_etcd_check.py").read_text())
    (value,) = [n.value for n in tree.body if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == name]
    return ast.literal_eval(value)


def misuse_example() -> str:
    example = proven("MISUSE")
    assert isinstance(example, str)
    return example


def test_plugin_report_is_the_proven_one() -> None:
    (report,) = fenced("text")
    expected = cast("list[tuple[int, str]]", proven("MISUSE_REPORT"))
    assert expected, "test_etcd_check.py names no report"
    for line, text in expected:
        assert f"test_misuse.py:{line}: {text}\n" in report


def test_python_examples_are_the_checked_files() -> None:
    """Each Python example is in a type-checked file of tests/typing/ (the --etcd-check one is run live
    instead), and each such file is shown in the README."""
    checked = [path.read_text() for path in (ROOT / "tests" / "typing").glob("readme_*.py")]
    blocks = fenced("python")
    assert misuse_example() in blocks, "the --etcd-check example is not the one proven live"
    others = [block for block in blocks if block != misuse_example()]
    for block in others:
        assert any(block in text for text in checked), f"this README example is not type-checked:\n{block}"
    for text in checked:
        assert any(block in text for block in others), "a readme_*.py file is not shown in the README"


def test_every_shell_block_is_accounted_for() -> None:
    shell = fenced("")
    main, full = marked("main-command"), marked("test-command")
    plugin = 'pip install "etcd-stubs[check]" && pytest --etcd-check\n'
    fake = marked("fake-command")  # run as written by tests/fake/test_cli.py
    assert sorted(shell) == sorted(["pip install etcd-stubs\n", plugin, f"{main}\n", f"{full}\n", f"{fake}\n"])
    assert "\n[project.optional-dependencies]\n" in PYPROJECT and '\ncheck = ["typeguard' in PYPROJECT
    # CI runs the test command itself (.ci/run reads it from here); the main command is the same
    # install and nox run, limited to the typecheck sessions.
    assert main == f"{full} -s typecheck"
    assert "test-command" in (ROOT / ".ci" / "run").read_text()


def test_commands_name_the_pinned_versions() -> None:
    assert '\nname = "etcd-stubs"\n' in PYPROJECT and "pip install etcd-stubs\n" in fenced("")
    nox, uv = pinned("nox")
    assert f'pip install --quiet {uv} && .venv/bin/uvx --python ">=3.10" --from "{nox}" nox' in marked("test-command")
    table = README.split("## Tested with", 1)[1].split("\n## ", 1)[0]
    for requirement in [*pinned("checkers"), *pinned("mypy-python39")]:
        name, version = requirement.split("==")
        name = name.split("[")[0]
        row = next(line for line in table.splitlines() if line.startswith(f"| {name} "))
        assert version in row, f"README's checker table does not name {requirement}"


def test_python_table_states_what_the_suite_proves() -> None:
    """The README's per-version table is the [tool.etcd-stubs] facts the noxfile runs on, and no more."""
    rows = [
        f"| {version} | {CHECKERS} | "
        + ("yes, in CI" if version in FACTS["ci-pythons"] else "not in CI (no interpreter there); locally where one is installed")
        + " |"
        for version in FACTS["pythons"]
    ]
    header = "| Python | checked statically as this version | run at run time (the fallback's tests, live conformance) |"
    assert marked_table("python-table") == "\n".join([header, "|---|---|---|", *rows])
    assert set(FACTS["ci-pythons"]) <= set(FACTS["pythons"])


def test_classifiers_name_the_versions_ci_runs() -> None:
    classifiers = tomllib.loads(PYPROJECT)["project"]["classifiers"]
    versions = [c.rsplit(" :: ", 1)[1] for c in classifiers if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]
    assert versions == FACTS["ci-pythons"]


def marked_table(name: str) -> str:
    match = re.search(rf"<!-- {name} -->\n(.*?)\n<!-- /{name} -->", README, re.S)
    assert match, f"README.md has no {name} table"
    return match[1]
