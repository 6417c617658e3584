"""etcd_fallback against python-etcd itself: the same names, signatures, bases and data, and calls that
fail exactly as python-etcd's would (TypeError on a bad argument list, EtcdStubError otherwise)."""

from __future__ import annotations

import ast
import importlib
import inspect
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import etcd
import etcd.auth
import pytest
from hypothesis import given, strategies as st

import etcd_fallback
import etcd_fallback.auth
from etcd_fallback import EtcdStubError

from .conftest import GENERATED
from .test_static_coverage import is_type_check_only

ROOT = Path(__file__).resolve().parents[1]
MODULES = ["", ".client", ".lock", ".auth"]
T = TypeVar("T")


def pair(suffix: str) -> tuple[types.ModuleType, types.ModuleType]:
    return importlib.import_module(f"etcd{suffix}"), importlib.import_module(f"etcd_fallback{suffix}")


def defined_classes(module: types.ModuleType) -> dict[str, type[Any]]:
    return {
        name: obj
        for name, obj in vars(module).items()
        if isinstance(obj, type) and obj.__module__ == module.__name__ and not name.startswith("_")
    }


def class_pairs() -> Iterator[tuple[str, type[Any], type[Any]]]:
    for suffix in MODULES:
        real, fake = pair(suffix)
        for name, cls in defined_classes(real).items():
            yield f"etcd{suffix}.{name}", cls, getattr(fake, name)


def uninitialised(cls: type[T]) -> T:
    """An instance whose __init__ never ran: every stand-in __init__ raises."""
    return cls.__new__(cls)


def member_kind(obj: object) -> str:
    if isinstance(obj, property):
        return "property"
    if isinstance(obj, classmethod):
        return "classmethod"
    if isinstance(obj, staticmethod):
        return "staticmethod"
    if inspect.isfunction(obj):
        return "function"
    return "data"


def members(cls: type) -> dict[str, object]:
    """What the class body itself defines, as the raw descriptors."""
    return {name: obj for name, obj in vars(cls).items() if name not in ("__module__", "__doc__", "__dict__", "__weakref__")}


def shape(signature: inspect.Signature) -> list[tuple[str, Any, object]]:
    """A signature without its annotations: what binding an argument list depends on."""
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


def test_the_fallback_defines_every_public_name() -> None:
    for suffix in MODULES:
        real, fake = pair(suffix)
        assert set(defined_classes(real)) == set(defined_classes(fake)), suffix
    for name in ("client", "lock", "Client", "Lock", "NullHandler"):
        assert hasattr(etcd_fallback, name), name
    assert etcd_fallback.NullHandler is etcd.NullHandler
    assert etcd_fallback.Client.__module__ == "etcd_fallback.client"
    assert "auth" not in vars(etcd_fallback) or etcd_fallback.auth.__name__ == "etcd_fallback.auth"


@pytest.mark.parametrize(("name", "real", "fake"), list(class_pairs()), ids=lambda v: v if isinstance(v, str) else "")
def test_class_bases_and_members_match(name: str, real: type[Any], fake: type[Any]) -> None:
    def translated(cls: type) -> str:
        return cls.__name__ if cls.__module__.startswith(("etcd", "etcd_fallback")) else f"{cls.__module__}.{cls.__qualname__}"

    assert [translated(b) for b in fake.__mro__] == [translated(b) for b in real.__mro__], name
    real_members, fake_members = members(real), members(fake)
    # Every public member exists; every member the fallback declares is python-etcd's, of the same kind.
    assert {m for m in real_members if not m.startswith("_")} <= set(fake_members), name
    for member, obj in fake_members.items():
        if member == "__annotations__" or member.startswith("__annotate"):
            continue
        assert member in real_members, f"{name}.{member} is not python-etcd's"
        assert member_kind(obj) == member_kind(real_members[member]), f"{name}.{member}"
        if member_kind(obj) in ("function", "classmethod"):
            real_fn = getattr(real, member)
            assert shape(inspect.signature(getattr(fake, member))) == shape(inspect.signature(real_fn)), f"{name}.{member}"
        elif member_kind(obj) == "property":
            for accessor in ("fget", "fset", "fdel"):
                assert (getattr(obj, accessor) is None) == (getattr(real_members[member], accessor) is None), f"{name}.{member}"


def test_data_holds_python_etcds_values() -> None:
    assert etcd_fallback.EtcdResult._node_props == etcd.EtcdResult._node_props
    assert etcd_fallback.EtcdResult.__hash__ is None
    real_table = {code: cls.__name__ for code, cls in etcd.EtcdError.error_exceptions.items()}
    fake_table = {code: cls.__name__ for code, cls in etcd_fallback.EtcdError.error_exceptions.items()}
    assert fake_table == real_table
    assert all(cls.__module__ == "etcd_fallback" for cls in etcd_fallback.EtcdError.error_exceptions.values())
    for attribute in (
        "_MGET",
        "_MPUT",
        "_MPOST",
        "_MDELETE",
        "_comparison_conditions",
        "_read_options",
        "_del_conditions",
        "http",
    ):
        assert getattr(etcd_fallback.Client, attribute) == getattr(etcd.Client, attribute), attribute
    for cls in ("EtcdAuthBase", "EtcdUser", "EtcdRole"):
        assert getattr(etcd_fallback.auth, cls).entity == getattr(etcd.auth, cls).entity


def test_catching_means_the_same() -> None:
    assert issubclass(etcd_fallback.EtcdCompareFailed, ValueError)
    assert not issubclass(etcd_fallback.EtcdKeyNotFound, KeyError)
    assert issubclass(etcd_fallback.EtcdWatchTimedOut, etcd_fallback.EtcdConnectionFailed)
    assert issubclass(EtcdStubError, ImportError)


def test_the_message_names_the_distribution_and_the_fix() -> None:
    with pytest.raises(EtcdStubError) as caught:
        etcd_fallback.Client("127.0.0.1", 2379)
    message = str(caught.value)
    assert message.startswith("etcd.Client() needs python-etcd, which is not installed")
    assert "pip install python-etcd" in message
    assert caught.value.name == "etcd"
    with pytest.raises(EtcdStubError, match=r"^etcd\.EtcdKeyNotFound\(\) needs python-etcd"):
        etcd_fallback.EtcdKeyNotFound("Key not found")


# ---- annotations: the fallback's inline types are the stubs' own ---------------------------------


def signatures(tree: ast.Module) -> dict[str, list[str]]:
    """Qualified def or attribute name (overloads numbered) -> its unparsed annotations.

    Defaults and parameter kinds are compared with python-etcd's by stubtest and the signature test.
    """
    found: dict[str, list[str]] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef) and is_type_check_only(node):
                continue  # the stubs' helper types, which the fallback imports rather than repeats
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, ast.FunctionDef):
                overloads = [d for d in node.decorator_list if isinstance(d, ast.Name) and d.id == "overload"]
                setter = any(isinstance(d, ast.Attribute) and d.attr == "setter" for d in node.decorator_list)
                key = f"{prefix}{node.name}{'.setter' if setter else ''}"
                if overloads:
                    key += f"@{sum(k.startswith(key + '@') for k in found)}"
                elif f"{key}@0" in found:
                    continue  # the implementation behind overloads is checked against python-etcd instead
                args = node.args
                params = [*args.posonlyargs, *args.args, *([args.vararg] if args.vararg else []), *args.kwonlyargs]
                params += [args.kwarg] if args.kwarg else []
                found[key] = [f"{p.arg}: {ast.unparse(p.annotation) if p.annotation else ''}" for p in params]
                found[key] += [f"-> {ast.unparse(node.returns) if node.returns else ''}"]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                annotation = ast.unparse(node.annotation)
                # A Final constant is its value; other values are data, checked against python-etcd.
                value = f" = {ast.unparse(node.value)}" if node.value and annotation == "Final" else ""
                found[f"{prefix}{node.target.id}"] = [annotation + value]
            elif isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                visit(node.body, prefix)

    visit(tree.body, "")
    return found


@pytest.mark.parametrize("module", ["__init__", "client", "lock", "auth"])
def test_inline_annotations_equal_the_stubs(module: str) -> None:
    stub = signatures(ast.parse((ROOT / "etcd-stubs" / f"{module}.pyi").read_text()))
    inline = signatures(ast.parse((ROOT / "etcd_fallback" / f"{module}.py").read_text()))
    assert inline == stub


# ---- every call: TypeError exactly where python-etcd's signature rejects the arguments -------------


def callables() -> Iterator[tuple[str, Callable[..., object], inspect.Signature]]:
    """(name, fallback callable, python-etcd's function signature) for constructors, methods, classmethods.

    The signature is the plain function's, `self`/`cls` included: binding with a placeholder for it is
    what Python does, so `EtcdResult(self=1)` is a TypeError for both, though **kwdargs would take it.
    """
    for name, real, fake in class_pairs():
        if real.__init__ is not object.__init__:  # EtcdError: a plain table, see the test below
            yield f"{name}()", fake, inspect.signature(real.__init__)
        instance = uninitialised(fake)
        for member, obj in members(fake).items():
            if member in ("__init__", "__del__") or member_kind(obj) not in ("function", "classmethod"):
                continue
            function = vars(real)[member]
            function = getattr(function, "__func__", function)
            yield f"{name}.{member}", getattr(instance, member), inspect.signature(function)


CALLABLES = list(callables())
SELF = object()  # stands for the instance or class python-etcd's function is bound to
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5), st.binary(max_size=3),
    st.tuples(st.text(max_size=3), st.integers()), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)  # fmt: skip


def keyword_names(signature: inspect.Signature) -> st.SearchStrategy[str]:
    names = [p.name for p in signature.parameters.values()]
    return st.one_of(
        st.sampled_from([*names, "bogus", "prevvalue", "self", "cls"]),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8),
    )


@pytest.mark.parametrize(("name", "fake", "real_signature"), CALLABLES, ids=[c[0] for c in CALLABLES])
def test_calls_fail_as_python_etcd_would(name: str, fake: Callable[..., object], real_signature: inspect.Signature) -> None:
    @given(
        args=st.lists(VALUES, max_size=len(real_signature.parameters) + 1),
        kwargs=st.dictionaries(keyword_names(real_signature), VALUES, max_size=4),
    )
    def check(args: list[object], kwargs: dict[str, object]) -> None:
        GENERATED[name] += 1
        try:
            real_signature.bind(SELF, *args, **kwargs)
        except TypeError:
            expected: type[Exception] = TypeError
        else:
            expected = EtcdStubError
        with pytest.raises(Exception) as caught:  # any escape: its type is checked next
            fake(*args, **kwargs)
        assert type(caught.value) is expected, f"{name}{(args, kwargs)} raised {caught.value!r}"

    check()


def test_properties_raise_on_every_access() -> None:
    checked = 0
    for _, _, fake in class_pairs():
        instance = uninitialised(fake)
        for member, obj in members(fake).items():
            if not isinstance(obj, property):
                continue
            with pytest.raises(EtcdStubError, match=rf"\.{member} needs python-etcd"):
                getattr(instance, member)
            if obj.fset is not None:
                with pytest.raises(EtcdStubError):
                    setattr(instance, member, "value")
            checked += 1
    assert checked == sum(isinstance(obj, property) for _, real, _ in class_pairs() for obj in vars(real).values())


def test_etcd_error_is_a_plain_class_in_both() -> None:
    # Constructing it does no work in python-etcd, so the fallback allows it too, with the same errors.
    assert type(etcd_fallback.EtcdError()) is etcd_fallback.EtcdError
    args: tuple[Any, ...] = (1,)
    for cls in (etcd.EtcdError, etcd_fallback.EtcdError):
        with pytest.raises(TypeError, match="takes no arguments"):
            cls(*args)
    with pytest.raises(EtcdStubError, match=r"^etcd\.EtcdError\.handle\(\) needs python-etcd"):
        etcd_fallback.EtcdError.handle({"errorCode": 100})


def test_del_of_a_half_built_client_is_silent() -> None:
    # The fallback's __init__ raises, so the garbage collector finalises a client that was never set up.
    client = uninitialised(etcd_fallback.Client)
    client.__del__()
