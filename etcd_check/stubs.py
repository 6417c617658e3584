"""Read the installed etcd-stubs into run-time types: one signature per overload, attribute types.

The .pyi files are parsed, never imported. Each annotation is evaluated against python-etcd's real
classes, with PEP 604 unions rewritten to typing.Union (so it works on Python 3.9), `MaybeNone` read as
"None allowed", `Unused` as object, `Self` as the class it appears in, and the stubs' private
TypedDicts rebuilt at run time. Nothing here holds a type of its own: every type comes from the stub files.
"""

from __future__ import annotations

import ast
import builtins
import collections
import importlib
import inspect
import types
import typing
import typing_extensions
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

MODULES = ("__init__", "client", "lock", "auth")


class StubError(Exception):
    """The stubs cannot be read: missing, unparsable, or naming what python-etcd lacks."""


@dataclass
class Signature:
    """One signature of a member: how to bind a call, and the declared type of each parameter."""

    signature: inspect.Signature
    annotations: dict[str, Any]  # parameter name -> run-time type (Options for `**kw: Unpack[...]`)
    sources: dict[str, str]  # parameter name (and "return") -> the annotation as the stub writes it
    unpacked: str | None  # the **kwargs parameter typed with Unpack[TypedDict], if any
    returns: Any


@dataclass
class Member:
    owner: type
    name: str
    signatures: list[Signature]
    setter: list[Signature] = field(default_factory=list[Signature])

    @property
    def label(self) -> str:
        return f"{self.owner.__module__}.{self.owner.__qualname__}.{self.name}"


@dataclass
class Stubs:
    members: list[Member]
    # Per python-etcd class, the attributes its stub declares (ClassVar and Final ones left out).
    attributes: dict[type, dict[str, tuple[Any, str]]]


class _Unions(ast.NodeTransformer):
    """`A | B` rewritten to `__Union__[A, B]`, recursively, so the expression evaluates on Python 3.9."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        if not isinstance(node.op, ast.BitOr):
            return node
        left, right = self.visit(node.left), self.visit(node.right)
        elements = ast.Tuple(elts=[left, right], ctx=ast.Load())
        return ast.Subscript(value=ast.Name(id="__Union__", ctx=ast.Load()), slice=elements, ctx=ast.Load())


class _Module:
    """One stub module: the names its annotations may use, and how to evaluate them."""

    def __init__(self, name: str, tree: ast.Module, runtime: types.ModuleType, namespace: dict[str, Any]) -> None:
        self.name = name
        self.tree = tree
        self.runtime = runtime
        self.namespace = namespace

    def evaluate(self, node: ast.expr, owner: type | None = None) -> Any:
        expression = ast.Expression(body=typing.cast(ast.expr, _Unions().visit(node)))
        ast.fix_missing_locations(expression)
        namespace = {**self.namespace, "__Union__": Union}
        if owner is not None:
            namespace["Self"] = owner
        try:
            return eval(compile(expression, f"<{self.name}.pyi>", "eval"), namespace)
        except Exception as error:
            raise StubError(f"{self.name}.pyi: cannot evaluate {ast.unparse(node)!r}: {error}") from error


# typeshed's helpers that the stubs use, at run time: MaybeNone is "None allowed" (beside the type it is
# joined to), Unused is object (any value).
_TYPESHED: dict[str, Any] = {"MaybeNone": type(None), "Unused": object}


def _runtime_module(stub_module: str) -> str:
    return "etcd" if stub_module == "__init__" else f"etcd.{stub_module}"


def _import_names(tree: ast.Module, module: str) -> dict[str, Any]:
    """What the stub's imports bind, taken from the real modules (python-etcd's for relative ones)."""
    names: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = importlib.import_module(alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = "etcd" if not node.module else f"etcd.{node.module}"
            else:
                base = node.module or ""
            for alias in node.names:
                bound = alias.asname or alias.name
                if base == "_typeshed":
                    if alias.name not in _TYPESHED:
                        raise StubError(f"{module}.pyi imports _typeshed.{alias.name}, which has no run-time meaning here")
                    names[bound] = _TYPESHED[alias.name]
                    continue
                source = importlib.import_module(base)
                if hasattr(source, alias.name):
                    names[bound] = getattr(source, alias.name)
                elif base in ("typing", "typing_extensions") and hasattr(typing_extensions, alias.name):
                    names[bound] = getattr(typing_extensions, alias.name)
                elif base in ("typing", "typing_extensions"):
                    names[bound] = None  # a static-only helper such as type_check_only: used as a decorator only
                else:
                    names[bound] = importlib.import_module(f"{base}.{alias.name}")
    return names


def decorator_names(node: ast.FunctionDef) -> set[str]:
    """The names a function's decorators end in (`@property`, `@name.setter`: property, setter)."""
    found: set[str] = set()
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Name):
            found.add(decorator.id)
        elif isinstance(decorator, ast.Attribute):
            found.add(decorator.attr)  # `@name.setter`
    return found


def _signature(module: _Module, node: ast.FunctionDef, owner: type) -> Signature:
    args = node.args
    parameters: list[inspect.Parameter] = []
    annotations: dict[str, Any] = {}
    sources: dict[str, str] = {}
    unpacked: str | None = None
    positional = [*args.posonlyargs, *args.args]
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for index, (argument, default) in enumerate(zip(positional, defaults)):
        kind = inspect.Parameter.POSITIONAL_ONLY if index < len(args.posonlyargs) else inspect.Parameter.POSITIONAL_OR_KEYWORD
        parameters.append(_parameter(argument.arg, kind, default))
    if args.vararg:
        parameters.append(inspect.Parameter(args.vararg.arg, inspect.Parameter.VAR_POSITIONAL))
    for argument, default in zip(args.kwonlyargs, args.kw_defaults):
        parameters.append(_parameter(argument.arg, inspect.Parameter.KEYWORD_ONLY, default))
    if args.kwarg:
        parameters.append(inspect.Parameter(args.kwarg.arg, inspect.Parameter.VAR_KEYWORD))
    for argument in [
        *positional,
        *([args.vararg] if args.vararg else []),
        *args.kwonlyargs,
        *([args.kwarg] if args.kwarg else []),
    ]:
        if argument.annotation is None:
            continue  # self and cls
        sources[argument.arg] = ast.unparse(argument.annotation)
        annotation = argument.annotation
        if argument is args.kwarg and isinstance(annotation, ast.Subscript) and ast.unparse(annotation.value) == "Unpack":
            unpacked = argument.arg
            annotation = annotation.slice
        annotations[argument.arg] = module.evaluate(annotation, owner)
    if node.returns is None:
        raise StubError(f"{module.name}.pyi: {node.name} has no return annotation")
    sources["return"] = ast.unparse(node.returns)
    return Signature(inspect.Signature(parameters), annotations, sources, unpacked, module.evaluate(node.returns, owner))


def _parameter(name: str, kind: inspect._ParameterKind, default: ast.expr | None) -> inspect.Parameter:
    if default is None:
        return inspect.Parameter(name, kind)
    return inspect.Parameter(name, kind, default=ast.unparse(default))


@dataclass
class Options:
    """A stub's private TypedDict of keyword options (`**kwdargs: Unpack[...]`): each name and type."""

    name: str
    types: dict[str, Any]
    sources: dict[str, str]


def _options(module: _Module, node: ast.ClassDef) -> Options:
    fields = [s for s in node.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
    return Options(
        node.name,
        {typing.cast(ast.Name, f.target).id: module.evaluate(f.annotation) for f in fields},
        {typing.cast(ast.Name, f.target).id: ast.unparse(f.annotation) for f in fields},
    )


def load(folder: Path) -> Stubs:
    """Read the stubs in `folder` (an etcd-stubs package) against the installed python-etcd."""
    parsed: list[tuple[str, ast.Module]] = []
    for name in MODULES:
        path = folder / f"{name}.pyi"
        try:
            parsed.append((name, ast.parse(path.read_text(), str(path))))
        except (OSError, SyntaxError) as error:
            raise StubError(f"cannot read {path}: {error}") from error
    modules: list[_Module] = []
    for name, tree in parsed:
        runtime = importlib.import_module(_runtime_module(name))
        namespace = {**vars(builtins), **_import_names(tree, name), "collections": collections}
        modules.append(_Module(name, tree, runtime, namespace))
    # Stub-only classes first: TypedDicts become Options, protocols are not checked (Any); the others
    # are python-etcd's own classes.
    for module in modules:
        for node in module.tree.body:
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(base) for base in node.bases}
                if "TypedDict" in bases:
                    module.namespace[node.name] = _options(module, node)
                elif "Protocol" in bases:
                    module.namespace[node.name] = Any
                elif not hasattr(module.runtime, node.name):
                    raise StubError(
                        f"{module.name}.pyi declares {node.name}, which python-etcd's {module.runtime.__name__} lacks"
                    )
                else:
                    module.namespace[node.name] = getattr(module.runtime, node.name)
    members: list[Member] = []
    attributes: dict[type, dict[str, tuple[Any, str]]] = {}
    for module in modules:
        for node in module.tree.body:
            if isinstance(node, ast.ClassDef) and module.namespace[node.name] is getattr(module.runtime, node.name, None):
                owner = getattr(module.runtime, node.name)
                members += _members(module, node, owner)
                attributes[owner] = _attributes(module, node, owner)
    return Stubs(members, attributes)


def _members(module: _Module, node: ast.ClassDef, owner: type) -> list[Member]:
    found: dict[str, Member] = {}
    for statement in node.body:
        if not isinstance(statement, ast.FunctionDef) or statement.name == "__del__":
            continue  # __del__ runs from the garbage collector, with no caller to speak of
        decorators = decorator_names(statement)
        signature = _signature(module, statement, owner)
        if "setter" in decorators:
            found[statement.name].setter.append(signature)
            continue
        if statement.name in found:
            found[statement.name].signatures.append(signature)  # another overload
        else:
            found[statement.name] = Member(owner, statement.name, [signature])
    # A member with nothing at run time to call is a fact for checkers only (EtcdResult.__bool__); stubtest
    # allows only those its allowlists (tests/stubtest/) name.
    members = [member for member in found.values() if hasattr(owner, member.name)]
    for member in members:
        if member.name not in vars(owner):
            # Declared on the stub's class but inherited at run time (an exception's __init__ is its base's).
            raise StubError(f"{member.label} is declared by the stubs but not defined by python-etcd's {owner.__name__}")
    return members


def _attributes(module: _Module, node: ast.ClassDef, owner: type) -> dict[str, tuple[Any, str]]:
    declared: dict[str, tuple[Any, str]] = {}
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            source = ast.unparse(statement.annotation)
            if source.startswith(("ClassVar", "Final")):
                continue
            declared[statement.target.id] = (module.evaluate(statement.annotation, owner), source)
    return declared
