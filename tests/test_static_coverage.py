"""Every name the stubs declare is exercised by an assert_type case in tests/typing/."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STUBS = sorted((ROOT / "etcd-stubs").glob("*.pyi"))
CASES = sorted((ROOT / "tests" / "typing").glob("check_*.py"))


def is_type_check_only(node: ast.ClassDef) -> bool:
    """A stub-only helper class (`@type_check_only`), not API."""
    return any(isinstance(d, ast.Name) and d.id == "type_check_only" for d in node.decorator_list)


def _member_names(cls: ast.ClassDef) -> set[str]:
    names: set[str] = set()
    for item in cls.body:
        if isinstance(item, ast.FunctionDef):
            names.add(item.name)
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            names.add(item.target.id)
        elif isinstance(item, ast.Assign):
            names.update(t.id for t in item.targets if isinstance(t, ast.Name))
    return names


def declared() -> list[tuple[str, str, str]]:
    """(module, class or "", member) for every class and member the stubs declare."""
    found: list[tuple[str, str, str]] = []
    for stub in STUBS:
        tree = ast.parse(stub.read_text())
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and not is_type_check_only(node):
                found.append((stub.stem, node.name, ""))
                found.extend((stub.stem, node.name, member) for member in sorted(_member_names(node)))
            elif isinstance(node, ast.ImportFrom) and node.module != "typing":
                found.extend((stub.stem, "", a.asname) for a in node.names if a.asname and a.asname == a.name)
    return found


def _names_in(node: ast.AST) -> set[str]:
    names: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute):
            names.add(sub.attr)
        elif isinstance(sub, ast.Name):
            names.add(sub.id)
    return names


@functools.cache
def exercised() -> tuple[set[str], set[str]]:
    """Names inside assert_type's first argument, and names used anywhere in the cases."""
    asserted: set[str] = set()
    anywhere: set[str] = set()
    for case in CASES:
        tree = ast.parse(case.read_text())
        anywhere |= _names_in(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "assert_type":
                asserted |= _names_in(node.args[0])
    return asserted, anywhere


def test_the_stubs_declare_what_the_cases_expect() -> None:
    names = {(cls, member) for _, cls, member in declared()}
    assert ("Client", "write") in names
    assert ("EtcdResult", "__hash__") in names
    assert ("", "NullHandler") in names
    assert not any(cls.startswith("_") for cls, _ in names), "type_check_only helpers are not API"


@pytest.mark.parametrize(("module", "cls", "member"), declared())
def test_member_has_an_assert_type_case(module: str, cls: str, member: str) -> None:
    asserted, anywhere = exercised()
    if member == "__init__":
        # construction: the class is called inside some assert_type
        assert cls in asserted, f"{module}.{cls}() is never constructed in an assert_type case"
    elif member:
        assert member in asserted, f"{module}.{cls}.{member} has no assert_type case"
    elif cls:
        assert cls in anywhere, f"{module}.{cls} is not used in any case"
