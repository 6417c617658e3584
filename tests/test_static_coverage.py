"""Every member the stubs declare has a static case of its own in tests/typing/check_*.py.

"Its own" means the member of that class (or that module), found the way a checker finds it: the
cases are read with the stubs' own types, so `lock.name` is `Lock.name` and `base.name` is
`EtcdAuthBase.name`, and neither covers the other. A case is an `assert_type(value, T)` call or an
annotated assignment `x: T = value` (both make every checker compare `value` with `T`), and what it
covers is what produces `value`:

- an attribute or method reached along it (`c.write(...).ttl` covers `Client.write` and
  `EtcdResult.ttl`), looked up through the class's bases in the stubs;
- a constructor only when the class is called there (`etcd.Lock(c, "job")` covers `Lock.__init__`;
  `assert_type(lock, etcd.Lock)` names the class and covers nothing);
- an operator's method (`r == r` covers `__eq__`, `"/k" in c` covers `__contains__`, `bool(r)` covers
  `__bool__`), and `with x as y` covers `__enter__`;
- a module-level name (a class, a re-export, a submodule, a function or a constant) when it is
  reached through its own module: `etcd.Client` covers `etcd.Client`, `etcd.client.Client` covers
  `etcd.client.Client`; a class named in the expected type `T` is covered too (the checker resolves
  it), but not its constructor or members;
- a local name asserted as it is (`assert_type(lock, etcd.Lock)`) stands for what was assigned to it;
  a local name that is only the receiver (`lock.client`) contributes its type, not its assignment.

Call arguments are not covered: they are checked only against a parameter. The same analysis reads
the live conformance tests (tests/conformance/test_coverage.py).
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

import pytest

from etcd_check.stubs import decorator_names

ROOT = Path(__file__).resolve().parents[1]
STUB_DIR = ROOT / "etcd-stubs"
CASE_DIR = ROOT / "tests" / "typing"
PACKAGE = "etcd"
# The checks' identity functions: their first argument is the value checked.
IDENTITY = {"assert_type", "check"}
# Builtins that call a method of their argument: `bool(r)` covers `__bool__`.
BUILTIN_DUNDERS = {
    "bool": "__bool__", "len": "__len__", "hash": "__hash__", "str": "__str__", "repr": "__repr__",
    "iter": "__iter__", "next": "__next__", "int": "__int__", "float": "__float__", "abs": "__abs__",
}  # fmt: skip
OPERATOR_DUNDERS: dict[type[ast.cmpop], str] = {
    ast.Eq: "__eq__", ast.NotEq: "__ne__", ast.In: "__contains__", ast.NotIn: "__contains__",
    ast.Lt: "__lt__", ast.LtE: "__le__", ast.Gt: "__gt__", ast.GtE: "__ge__",
}  # fmt: skip


@dataclass(frozen=True, order=True)
class Member:
    """A name the stubs declare: `owner` is its class, or "" for a module-level name."""

    module: str
    owner: str
    name: str

    def __str__(self) -> str:
        return ".".join(part for part in (self.module, self.owner, self.name) if part)


# ---- the stubs, read as a checker reads them ------------------------------------------------------


@dataclass(eq=False)
class ClassInfo:
    module: str
    name: str
    node: ast.ClassDef
    members: dict[str, list[ast.stmt]] = field(default_factory=dict[str, list[ast.stmt]])


@dataclass(frozen=True)
class Binding:
    """What a module-level name of a stub module is bound to."""

    kind: str  # "class", "module", "import" (from another stub module), "external", "function", "variable"
    target: str = ""  # the module ("class", "module", "import") or the qualified name ("external")
    attr: str = ""  # the name in `target` ("class", "import")
    function: ast.FunctionDef | None = None
    annotation: ast.expr | None = None  # a variable's


def _module_name(path: Path) -> str:
    return PACKAGE if path.stem == "__init__" else f"{PACKAGE}.{path.stem}"


def is_type_check_only(node: ast.ClassDef) -> bool:
    """A stub-only helper class (`@type_check_only`), not API."""
    return any(isinstance(d, ast.Name) and d.id == "type_check_only" for d in node.decorator_list)


_TYPING_FORMS = {"TypeVar", "ParamSpec", "TypeVarTuple", "NewType", "TypeAliasType"}


def _is_typing_form(node: ast.AnnAssign | ast.Assign) -> bool:
    """A stub-only type variable or alias, which exists only for the checkers."""
    if isinstance(node, ast.AnnAssign) and isinstance(node.annotation, ast.Name) and node.annotation.id == "TypeAlias":
        return True
    value = node.value
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _TYPING_FORMS


def _declared_names(item: ast.stmt) -> list[str]:
    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [item.name]
    if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
        return [item.target.id]
    if isinstance(item, ast.Assign):
        return [t.id for t in item.targets if isinstance(t, ast.Name)]
    return []


def _parse_annotation(text: str) -> ast.expr | None:
    try:
        return ast.parse(text, mode="eval").body
    except SyntaxError:
        return None


class Stubs:
    """The stub package: each module's bindings and classes, and the members they declare."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        self.trees = {module: ast.parse(text) for module, text in sources.items()}
        self.bindings: dict[str, dict[str, Binding]] = {}
        self.exported: dict[str, list[str]] = {}
        self.classes: dict[tuple[str, str], ClassInfo] = {}
        for module, tree in self.trees.items():
            self._read_module(module, tree)

    @classmethod
    def from_directory(cls, directory: Path = STUB_DIR) -> Stubs:
        return cls({_module_name(p): p.read_text() for p in sorted(directory.glob("*.pyi"))})

    def _read_module(self, module: str, tree: ast.Module) -> None:
        bindings: dict[str, Binding] = {}
        exported: list[str] = []
        package = module if module == PACKAGE else module.rsplit(".", 1)[0]
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                info = ClassInfo(module, node.name, node)
                for item in node.body:
                    for name in _declared_names(item):
                        info.members.setdefault(name, []).append(item)
                self.classes[module, node.name] = info
                bindings[node.name] = Binding("class", module, node.name)
                if not is_type_check_only(node):
                    exported.append(node.name)
            elif isinstance(node, ast.FunctionDef):
                bindings[node.name] = Binding("function", module, function=node)
                if node.name not in exported:
                    exported.append(node.name)
            elif isinstance(node, (ast.AnnAssign, ast.Assign)):
                for name in _declared_names(node):
                    annotation = node.annotation if isinstance(node, ast.AnnAssign) else None
                    bindings[name] = Binding("variable", module, annotation=annotation)
                    if not _is_typing_form(node):
                        exported.append(name)
            elif isinstance(node, ast.ImportFrom):
                source = node.module or ""
                if node.level:
                    source = f"{package}.{source}" if source else package
                for alias in node.names:
                    bound = alias.asname or alias.name
                    if source == PACKAGE or source.startswith(PACKAGE + "."):
                        submodule = f"{source}.{alias.name}"
                        if submodule in self.trees:
                            bindings[bound] = Binding("module", submodule)
                        else:
                            bindings[bound] = Binding("import", source, alias.name)
                    else:
                        bindings[bound] = Binding("external", f"{source}.{alias.name}")
                    if alias.asname == alias.name:  # `from m import x as x`: a re-export
                        exported.append(bound)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    target = alias.name if alias.asname else bound
                    bindings[bound] = Binding("module" if target in self.trees else "external", target)
                    if alias.asname == alias.name:  # `import x as x`: a re-export
                        exported.append(bound)
        self.bindings[module] = bindings
        self.exported[module] = exported

    def binding(self, module: str, name: str) -> Binding | None:
        """`module.name`, following imports between stub modules."""
        seen: set[tuple[str, str]] = set()
        found = self.bindings.get(module, {}).get(name)
        while found is not None and found.kind == "import" and (found.target, found.attr) not in seen:
            seen.add((found.target, found.attr))
            found = self.bindings.get(found.target, {}).get(found.attr)
        return found

    def class_info(self, binding: Binding | None) -> ClassInfo | None:
        if binding is None or binding.kind != "class":
            return None
        return self.classes.get((binding.target, binding.attr))

    def declared(self) -> list[Member]:
        """Every module-level name and every class member the stubs declare (helpers excluded)."""
        found: list[Member] = []
        for module in sorted(self.trees):
            for name in self.exported[module]:
                found.append(Member(module, "", name))
                info = self.classes.get((module, name))
                if info is not None and not is_type_check_only(info.node):
                    found.extend(Member(module, name, member) for member in sorted(info.members))
        return found

    def mro(self, info: ClassInfo) -> list[ClassInfo]:
        order: list[ClassInfo] = []

        def visit(cls: ClassInfo) -> None:
            if cls in order:
                return
            order.append(cls)
            for base in cls.node.bases:
                base_info = self.class_info(self.resolve_ref(base, cls.module))
                if base_info is not None:
                    visit(base_info)

        visit(info)
        return order

    def lookup(self, info: ClassInfo, name: str) -> tuple[ClassInfo, list[ast.stmt]] | None:
        for cls in self.mro(info):
            if name in cls.members:
                return cls, cls.members[name]
        return None

    def resolve_ref(self, expr: ast.expr, module: str) -> Binding | None:
        """A name or dotted name as written in a stub module."""
        if isinstance(expr, ast.Name):
            return self.binding(module, expr.id)
        if isinstance(expr, ast.Attribute):
            outer = self.resolve_ref(expr.value, module)
            if outer is not None and outer.kind == "module":
                return self.binding(outer.target, expr.attr)
            if outer is not None and outer.kind == "external":
                return Binding("external", f"{outer.target}.{expr.attr}")
        return None

    def annotation_type(self, expr: ast.expr | None, module: str, self_cls: ClassInfo | None) -> Type:
        """The value type an annotation in a stub module gives, as far as coverage needs it."""
        if expr is None:
            return None
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return self.annotation_type(_parse_annotation(expr.value), module, self_cls)
        if isinstance(expr, ast.Name) and expr.id == "Self":
            return InstanceT(self_cls) if self_cls is not None else None
        if isinstance(expr, (ast.Name, ast.Attribute)):
            info = self.class_info(self.resolve_ref(expr, module))
            return InstanceT(info) if info is not None else None
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
            return _only({self.annotation_type(side, module, self_cls) for side in (expr.left, expr.right)})
        if isinstance(expr, ast.Subscript):
            base = (
                expr.value.id
                if isinstance(expr.value, ast.Name)
                else expr.value.attr
                if isinstance(expr.value, ast.Attribute)
                else ""
            )
            first = expr.slice.elts[0] if isinstance(expr.slice, ast.Tuple) else expr.slice
            if base in ("ClassVar", "Final", "Optional", "Annotated"):
                return self.annotation_type(first, module, self_cls)
            if base in ("Generator", "Iterator", "Iterable", "AsyncGenerator", "AsyncIterator"):
                item = self.annotation_type(first, module, self_cls)
                return IterT(item) if item is not None else None
            if base == "type":
                item = self.annotation_type(first, module, self_cls)
                return ClassT(item.cls) if isinstance(item, InstanceT) else None
        return None


# ---- value types, as far as coverage needs them ---------------------------------------------------


@dataclass(frozen=True)
class ModuleT:
    name: str


@dataclass(frozen=True)
class ClassT:
    cls: ClassInfo


@dataclass(frozen=True)
class InstanceT:
    cls: ClassInfo


@dataclass(frozen=True)
class IterT:
    item: Type


@dataclass(frozen=True)
class CallableT:
    """A method or function: calling it gives its return annotation, read in `module`."""

    returns: ast.expr | None
    module: str
    self_cls: ClassInfo | None


@dataclass(frozen=True)
class RaisesT:
    """`pytest.raises(X)`, whose `as` name has `.value`, an X."""

    cls: ClassInfo | None


Type = Union[ModuleT, ClassT, InstanceT, IterT, CallableT, RaisesT, None]


def _only(types: set[Type]) -> Type:
    """The one stub type among a union's parts (None, `MaybeNone` and unknown parts set aside)."""
    known = {t for t in types if t is not None}
    return known.pop() if len(known) == 1 else None


@dataclass(frozen=True)
class Use:
    """A declared member reached along a checked value; `noreturn` when the member never returns."""

    member: Member
    noreturn: bool = False


def _never_returns(stmts: list[ast.stmt]) -> bool:
    for stmt in stmts:
        if isinstance(stmt, ast.FunctionDef) and "setter" not in decorator_names(stmt):
            returns = stmt.returns
            name = returns.id if isinstance(returns, ast.Name) else returns.attr if isinstance(returns, ast.Attribute) else ""
            return name in ("NoReturn", "Never")
    return False


# ---- the cases, read with the stubs' types --------------------------------------------------------


@dataclass(frozen=True)
class Annotated:
    annotation: ast.expr | None


@dataclass(frozen=True)
class Assigned:
    value: ast.expr


@dataclass(frozen=True)
class Entered:
    """`with context as name`."""

    context: ast.expr


@dataclass(frozen=True)
class Iterated:
    """`for name in iterable`."""

    iterable: ast.expr


@dataclass(frozen=True)
class Caught:
    """`except classes as name`."""

    classes: ast.expr


@dataclass(frozen=True)
class ImportedModule:
    module: str


@dataclass(frozen=True)
class ImportedName:
    """`from module import attr` (module in the stubs)."""

    module: str
    attr: str


@dataclass(frozen=True)
class Other:
    """Anything else: a name from another package, a local function or class."""

    qualname: str = ""


LocalBinding = Union[Annotated, Assigned, Entered, Iterated, Caught, ImportedModule, ImportedName, Other]


@dataclass
class Scope:
    """A function's (or a module's) names: each with what binds it."""

    parent: Scope | None
    bindings: dict[str, list[LocalBinding]] = field(default_factory=dict[str, list[LocalBinding]])

    def bind(self, name: str, binding: LocalBinding) -> None:
        self.bindings.setdefault(name, []).append(binding)

    def find(self, name: str) -> list[LocalBinding]:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.bindings:
                return scope.bindings[name]
            scope = scope.parent
        return []


@dataclass(frozen=True)
class Check:
    """One checked value in a case file: `assert_type(value, T)`, `x: T = value` or `check(value, T)`."""

    value: ast.expr
    scope: Scope
    line: int
    in_raises: bool  # lexically inside `with pytest.raises(...)`: the value is never produced
    expected: ast.expr | None = None  # T


class CaseFile:
    """A test file read with the stubs' types: its checked values and what each one covers."""

    def __init__(self, stubs: Stubs, source: str, name: str = "<case>") -> None:
        self.stubs = stubs
        self.name = name
        self.tree = ast.parse(source)
        self.module_scope = Scope(None)
        self.checks: list[Check] = []
        self.raised: list[tuple[ast.expr, Scope]] = []  # the exception classes given to pytest.raises
        self._read_block(self.tree.body, self.module_scope, in_raises=False)

    # -- scopes and bindings

    def _read_block(self, body: Iterable[ast.stmt], scope: Scope, in_raises: bool) -> None:
        for stmt in body:
            self._read_statement(stmt, scope, in_raises)

    def _read_statement(self, stmt: ast.stmt, scope: Scope, in_raises: bool) -> None:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scope.bind(stmt.name, Other())
            inner = Scope(scope)
            arguments = stmt.args
            for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                inner.bind(arg.arg, Annotated(arg.annotation))
            for star in (arguments.vararg, arguments.kwarg):
                if star is not None:
                    inner.bind(star.arg, Other())
            self._read_block(stmt.body, inner, in_raises=False)
            return
        if isinstance(stmt, ast.ClassDef):
            scope.bind(stmt.name, Other())
            self._read_block(stmt.body, Scope(scope), in_raises=False)
            return
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            self._read_import(stmt, scope)
            return
        self._collect_checks(stmt, scope, in_raises)
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                for name in _target_names(target):
                    scope.bind(name, Assigned(stmt.value))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            scope.bind(stmt.target.id, Annotated(stmt.annotation))
            if stmt.value is not None:
                scope.bind(stmt.target.id, Assigned(stmt.value))
                self.checks.append(Check(stmt.value, scope, stmt.lineno, in_raises, stmt.annotation))
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            raising = in_raises
            for item in stmt.items:
                if self._is_raises(item.context_expr, scope):
                    raising = True
                if isinstance(item.optional_vars, ast.Name):
                    scope.bind(item.optional_vars.id, Entered(item.context_expr))
            self._read_block(stmt.body, scope, raising)
            return
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            for name in _target_names(stmt.target):
                scope.bind(name, Iterated(stmt.iter))
        elif isinstance(stmt, ast.Try):
            for handler in stmt.handlers:
                if handler.name and handler.type is not None:
                    scope.bind(handler.name, Caught(handler.type))
                self._read_block(handler.body, scope, in_raises)
        for block in _blocks(stmt):
            self._read_block(block, scope, in_raises)

    def _read_import(self, stmt: ast.Import | ast.ImportFrom, scope: Scope) -> None:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    scope.bind(alias.asname, ImportedModule(alias.name))
                else:
                    top = alias.name.split(".")[0]
                    scope.bind(top, ImportedModule(top))
            return
        source = stmt.module or ""
        for alias in stmt.names:
            bound = alias.asname or alias.name
            if stmt.level == 0 and (source == PACKAGE or source.startswith(PACKAGE + ".")):
                scope.bind(bound, ImportedName(source, alias.name))
            else:
                scope.bind(bound, Other(f"{'.' * stmt.level}{source}.{alias.name}"))

    def _expressions(self, stmt: ast.stmt) -> Iterator[ast.AST]:
        """The statement's own expressions, not those of the blocks it holds."""
        nested = {id(s) for block in _blocks(stmt) for s in block}
        for child in ast.iter_child_nodes(stmt):
            if id(child) not in nested and not isinstance(child, ast.excepthandler):
                yield from ast.walk(child)

    def _collect_checks(self, stmt: ast.stmt, scope: Scope, in_raises: bool) -> None:
        for node in self._expressions(stmt):
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if name in IDENTITY:
                    expected = node.args[1] if len(node.args) > 1 else None
                    self.checks.append(Check(node.args[0], scope, node.lineno, in_raises, expected))
                elif self._is_raises(node, scope):
                    self.raised.append((node.args[0], scope))

    def _is_raises(self, expr: ast.expr, scope: Scope) -> bool:
        if not isinstance(expr, ast.Call):
            return False
        func = expr.func
        if isinstance(func, ast.Attribute) and func.attr == "raises" and isinstance(func.value, ast.Name):
            return ImportedModule("pytest") in scope.find(func.value.id)
        if isinstance(func, ast.Name):
            return Other("pytest.raises") in scope.find(func.id)
        return False

    # -- what a check covers

    def covered(self, check: Check) -> set[Use]:
        """What a check covers: what produces its value, and the module-level names its type names."""
        uses = self.value(check.value, check.scope)[1]
        return uses | self.named_in_type(check.expected, check.scope)

    def named_in_type(self, expected: ast.expr | None, scope: Scope) -> set[Use]:
        """The module-level names (classes) an expected type names: `etcd.EtcdKeyError` in `x: etcd.EtcdKeyError = ...`."""
        if isinstance(expected, ast.Constant) and isinstance(expected.value, str):
            expected = _parse_annotation(expected.value)
        if expected is None:
            return set()
        uses: set[Use] = set()
        for node in ast.walk(expected):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                uses |= self.named_in_type(node, scope)
            elif isinstance(node, (ast.Name, ast.Attribute)):
                uses |= {u for u in self.value(node, scope, receiver=True)[1] if not u.member.owner}
        return uses

    def raised_classes(self) -> set[Use]:
        """The module-level classes given to pytest.raises: the server's answer raised one."""
        uses: set[Use] = set()
        for raised, scope in self.raised:
            for cls in raised.elts if isinstance(raised, ast.Tuple) else [raised]:
                uses |= {u for u in self.value(cls, scope, receiver=True)[1] if not u.member.owner}
        return uses

    # -- values

    def value(
        self, expr: ast.expr, scope: Scope, *, receiver: bool = False, seen: frozenset[int] = frozenset()
    ) -> tuple[Type, set[Use]]:
        """The type of `expr` and the declared members reached in producing it.

        A call's arguments and a condition are not followed. A local name is followed into what was
        assigned to it only where it is the value itself (`receiver` False), not where it is the
        object of an attribute, a call or a subscript.
        """
        if isinstance(expr, ast.Name):
            return self._name(expr.id, scope, receiver=receiver, seen=seen)
        if isinstance(expr, ast.Attribute):
            outer, uses = self.value(expr.value, scope, receiver=True, seen=seen)
            found, more = self.attribute(outer, expr.attr)
            return found, uses | more
        if isinstance(expr, ast.Call):
            return self._call(expr, scope, receiver=receiver, seen=seen)
        if isinstance(expr, ast.Compare):
            return None, self._compare(expr, scope, seen=seen)
        if isinstance(expr, (ast.BoolOp, ast.IfExp)):
            sides = expr.values if isinstance(expr, ast.BoolOp) else [expr.body, expr.orelse]
            parts = [self.value(v, scope, seen=seen) for v in sides]
            return _only({t for t, _ in parts}), _union(u for _, u in parts)
        if isinstance(expr, ast.BinOp):
            return None, _union(self.value(v, scope, seen=seen)[1] for v in (expr.left, expr.right))
        if isinstance(expr, ast.UnaryOp):
            return None, self.value(expr.operand, scope, seen=seen)[1]
        if isinstance(expr, ast.Subscript):
            return None, self.value(expr.value, scope, receiver=True, seen=seen)[1]
        if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
            return None, _union(self.value(e, scope, seen=seen)[1] for e in expr.elts)
        if isinstance(expr, ast.Dict):
            return None, _union(self.value(v, scope, seen=seen)[1] for v in expr.values)
        if isinstance(expr, (ast.Starred, ast.Await, ast.NamedExpr)):
            return self.value(expr.value, scope, receiver=receiver, seen=seen)
        return None, set()

    def _call(self, expr: ast.Call, scope: Scope, *, receiver: bool, seen: frozenset[int]) -> tuple[Type, set[Use]]:
        func = expr.func
        if isinstance(func, ast.Name) and func.id in IDENTITY and expr.args:
            return self.value(expr.args[0], scope, receiver=receiver, seen=seen)
        if isinstance(func, ast.Name) and func.id in BUILTIN_DUNDERS and len(expr.args) == 1 and not scope.find(func.id):
            subject, uses = self.value(expr.args[0], scope, receiver=True, seen=seen)
            return None, uses | self.attribute(subject, BUILTIN_DUNDERS[func.id])[1]
        if self._is_raises(expr, scope) and expr.args:
            raised, uses = self.value(expr.args[0], scope, receiver=True, seen=seen)
            return RaisesT(raised.cls if isinstance(raised, ClassT) else None), uses
        called, uses = self.value(func, scope, receiver=True, seen=seen)
        if isinstance(called, ClassT):
            init = self.stubs.lookup(called.cls, "__init__")
            if init is not None:
                uses.add(Use(Member(init[0].module, init[0].name, "__init__")))
            return InstanceT(called.cls), uses
        if isinstance(called, CallableT):
            return self.stubs.annotation_type(called.returns, called.module, called.self_cls), uses
        return None, uses

    def _compare(self, expr: ast.Compare, scope: Scope, *, seen: frozenset[int]) -> set[Use]:
        uses: set[Use] = set()
        left = expr.left
        for op, right in zip(expr.ops, expr.comparators):
            subject = right if isinstance(op, (ast.In, ast.NotIn)) else left
            for side in (left, right):
                kind, more = self.value(side, scope, receiver=side is subject, seen=seen)
                uses |= more
                dunder = OPERATOR_DUNDERS.get(type(op))
                if side is subject and dunder is not None:
                    uses |= self.attribute(kind, dunder)[1]
            left = right
        return uses

    def _name(self, name: str, scope: Scope, *, receiver: bool, seen: frozenset[int]) -> tuple[Type, set[Use]]:
        types: list[Type] = []
        uses: set[Use] = set()
        for binding in scope.find(name):
            found: Type = None
            more: set[Use] = set()
            if isinstance(binding, ImportedModule):
                found = ModuleT(binding.module) if binding.module.split(".")[0] == PACKAGE else None
            elif isinstance(binding, ImportedName):
                found, more = self.attribute(ModuleT(binding.module), binding.attr)
                uses |= more  # a module-level name used is covered wherever it is used
            elif isinstance(binding, Annotated):
                found = self._annotation(binding.annotation, scope)
            elif isinstance(binding, Other):
                found = None
            else:
                key = id(binding)
                if key in seen:
                    continue
                found, more = self._bound(binding, scope, seen | {key})
                if not receiver:
                    uses |= more
            types.append(found)
        return next((t for t in types if t is not None), None), uses

    def _bound(
        self, binding: Assigned | Entered | Iterated | Caught, scope: Scope, seen: frozenset[int]
    ) -> tuple[Type, set[Use]]:
        """What a name bound by an assignment, `with`, `for` or `except` holds, and what produced it."""
        if isinstance(binding, Assigned):
            return self.value(binding.value, scope, seen=seen)
        if isinstance(binding, Entered):
            context, uses = self.value(binding.context, scope, receiver=True, seen=seen)
            if isinstance(context, RaisesT):
                return context, uses
            enter, entered = self.attribute(context, "__enter__")
            if isinstance(enter, CallableT):
                return self.stubs.annotation_type(enter.returns, enter.module, enter.self_cls), uses | entered
            return None, uses | entered
        if isinstance(binding, Iterated):
            iterable, uses = self.value(binding.iterable, scope, receiver=True, seen=seen)
            return (iterable.item if isinstance(iterable, IterT) else None), uses
        classes = binding.classes.elts if isinstance(binding.classes, ast.Tuple) else [binding.classes]
        caught: set[Type] = set()
        named: set[Use] = set()
        for cls in classes:
            kind, more = self.value(cls, scope, receiver=True, seen=seen)
            named |= more
            caught.add(InstanceT(kind.cls) if isinstance(kind, ClassT) else None)
        return _only(caught), named

    def _annotation(self, annotation: ast.expr | None, scope: Scope) -> Type:
        """A parameter's or variable's annotation in a case file: an instance of the class it names."""
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            annotation = _parse_annotation(annotation.value)
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            return _only({self._annotation(side, scope) for side in (annotation.left, annotation.right)})
        if isinstance(annotation, (ast.Name, ast.Attribute)):
            kind, _ = self.value(annotation, scope, receiver=True)
            return InstanceT(kind.cls) if isinstance(kind, ClassT) else None
        return None

    def attribute(self, outer: Type, attr: str) -> tuple[Type, set[Use]]:
        """`outer.attr`: its type, and the declared member it is."""
        stubs = self.stubs
        if isinstance(outer, ModuleT):
            if attr not in stubs.bindings.get(outer.name, {}):
                submodule = f"{outer.name}.{attr}"  # reached by `import etcd.auth`, not bound in etcd
                return (ModuleT(submodule) if submodule in stubs.trees else None), set()
            resolved = stubs.binding(outer.name, attr)
            noreturn = resolved is not None and resolved.function is not None and _never_returns([resolved.function])
            uses: set[Use] = {Use(Member(outer.name, "", attr), noreturn)} if attr in stubs.exported[outer.name] else set()
            if resolved is None:
                return None, uses
            if resolved.kind == "class":
                info = stubs.class_info(resolved)
                return (ClassT(info) if info is not None else None), uses
            if resolved.kind == "module":
                return ModuleT(resolved.target), uses
            if resolved.function is not None:
                return CallableT(resolved.function.returns, resolved.target, None), uses
            if resolved.kind == "variable":
                return stubs.annotation_type(resolved.annotation, resolved.target, None), uses
            return None, uses
        if isinstance(outer, RaisesT):
            return (InstanceT(outer.cls) if attr == "value" and outer.cls is not None else None), set()
        if not isinstance(outer, (ClassT, InstanceT)):
            return None, set()
        looked_up = stubs.lookup(outer.cls, attr)
        if looked_up is None:
            return None, set()
        owner, stmts = looked_up
        use = Use(Member(owner.module, owner.name, attr), _never_returns(stmts))
        first = stmts[0]
        if isinstance(first, ast.FunctionDef):
            if "property" in decorator_names(first):
                found = stubs.annotation_type(first.returns, owner.module, outer.cls) if isinstance(outer, InstanceT) else None
                return found, {use}
            return CallableT(first.returns, owner.module, outer.cls), {use}
        if isinstance(first, ast.AnnAssign):
            return stubs.annotation_type(first.annotation, owner.module, outer.cls), {use}
        return None, {use}


def _blocks(stmt: ast.stmt) -> list[list[ast.stmt]]:
    """The blocks of statements a compound statement holds (an except clause's are read with it)."""
    if isinstance(stmt, (ast.If, ast.For, ast.AsyncFor, ast.While)):
        return [stmt.body, stmt.orelse]
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return [stmt.body]
    if isinstance(stmt, ast.Try):
        return [stmt.body, stmt.orelse, stmt.finalbody]
    return []


def _union(parts: Iterable[set[Use]]) -> set[Use]:
    found: set[Use] = set()
    for part in parts:
        found |= part
    return found


def _target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _target_names(element)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []


# ---- static coverage --------------------------------------------------------------------------------


@functools.cache
def stubs() -> Stubs:
    return Stubs.from_directory()


def declared() -> list[Member]:
    """Every name the stubs declare: module-level names, and each class's members."""
    return stubs().declared()


def case_sources(directory: Path = CASE_DIR) -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(directory.glob("check_*.py"))}


def statically_covered(the_stubs: Stubs, sources: Mapping[str, str]) -> set[Member]:
    """The members that some static case (assert_type, or an annotated assignment) covers."""
    covered: set[Member] = set()
    for name, source in sources.items():
        case = CaseFile(the_stubs, source, name)
        for check in case.checks:
            covered |= {use.member for use in case.covered(check)}
    return covered


@functools.cache
def _covered_now() -> frozenset[Member]:
    return frozenset(statically_covered(stubs(), case_sources()))


def test_the_stubs_declare_what_the_cases_expect() -> None:
    names = {str(m) for m in declared()}
    assert {"etcd.client.Client.write", "etcd.EtcdResult.__hash__", "etcd.lock.Lock.name", "etcd.auth.EtcdAuthBase.name"} <= names
    # module-level names: a class, a re-export, a submodule, a name from another package
    assert {"etcd.EtcdResult", "etcd.Client", "etcd.client", "etcd.NullHandler", "etcd.client.Client"} <= names
    helpers = {"_HasHeaders", "_WriteOptions", "_ReadOptions"}  # @type_check_only: not API
    assert not any(m.owner in helpers or (not m.owner and m.name in helpers) for m in declared())


@pytest.mark.parametrize("member", declared(), ids=str)
def test_member_has_an_assert_type_case(member: Member) -> None:
    what = "constructed" if member.name == "__init__" else "reached"
    assert member in _covered_now(), f"{member} is never {what} in a checked value (assert_type or `x: T = ...`) of tests/typing/"


# ---- planted gaps: what the old name matching let through, caught now -----------------------------


def _without_lines(source: str, pattern: str) -> str:
    """The source without the lines matching `pattern`; at least one must match."""
    kept = [line for line in source.splitlines() if not re.search(pattern, line)]
    assert len(kept) < len(source.splitlines()), f"no line matches {pattern!r}: the planted gap needs updating"
    return "\n".join(kept) + "\n"


def test_planted_gap_lock_name_and_client() -> None:
    """Deleting the Lock.name and Lock.client cases fails, although EtcdAuthBase.name and .client,
    Auth.client and others still name the same attributes."""
    sources = case_sources()
    sources["check_lock.py"] = _without_lines(sources["check_lock.py"], r"assert_type\(lock\.(name|client),")
    missing = _covered_now() - statically_covered(stubs(), sources)
    assert {str(m) for m in missing} == {"etcd.lock.Lock.name", "etcd.lock.Lock.client"}
    assert Member("etcd.auth", "EtcdAuthBase", "name") in _covered_now()


def test_planted_gap_constructor() -> None:
    """Deleting every call of Lock leaves Lock.__init__ uncovered, though `etcd.Lock` is still named
    in assert_type calls (as the expected type)."""
    sources = {
        name: _without_lines(text, r"Lock\((c|client|etcd\.Client)") if "Lock(" in text else text
        for name, text in case_sources().items()
    }
    assert Member("etcd.lock", "Lock", "__init__") not in statically_covered(stubs(), sources)
    assert any("etcd.Lock)" in text for text in sources.values())


def test_planted_gap_constructor_named_only() -> None:
    case = """
import etcd
from typing_extensions import assert_type

def check(c: etcd.Client, lock: etcd.Lock) -> None:
    assert_type(lock, etcd.Lock)
    assert_type(lock.name, str)
    made = etcd.Lock(c, "job")
"""
    covered = statically_covered(stubs(), {"check_planted.py": case})
    assert Member("etcd.lock", "Lock", "name") in covered
    assert Member("etcd.lock", "Lock", "__init__") not in covered
    constructed = statically_covered(stubs(), {"check_planted.py": case + "    assert_type(made, etcd.Lock)\n"})
    assert Member("etcd.lock", "Lock", "__init__") in constructed


def test_planted_gap_module_level_names() -> None:
    """A module-level function or constant added to a stub is listed, and has no case until one is written."""
    sources = {_module_name(p): p.read_text() for p in sorted(STUB_DIR.glob("*.pyi"))}
    sources["etcd.lock"] += "\ndef lock_path(client: Client, name: str) -> str: ...\nDEFAULT_TTL: int\n"
    planted = Stubs(sources)
    assert {"etcd.lock.lock_path", "etcd.lock.DEFAULT_TTL"} <= {str(m) for m in planted.declared()}
    assert Member("etcd.lock", "", "lock_path") not in statically_covered(planted, case_sources())
    case = (
        "import etcd.lock\nfrom typing_extensions import assert_type\nassert_type(etcd.lock.lock_path(etcd.Client(), 'x'), str)\n"
    )
    assert Member("etcd.lock", "", "lock_path") in statically_covered(planted, {"check_planted.py": case})


def test_members_are_told_apart_by_class() -> None:
    case = """
import etcd
import etcd.auth
from typing_extensions import assert_type

def check(c: etcd.Client, role: etcd.auth.EtcdRole, r: etcd.EtcdResult, unknown: object) -> None:
    assert_type(role.name, str)
    assert_type(unknown.read(), None)
    assert_type(c.write("/k", "v").ttl, int)
    assert_type(r == r, bool)
"""
    covered = {str(m) for m in statically_covered(stubs(), {"check_planted.py": case})}
    assert "etcd.auth.EtcdAuthBase.name" in covered  # inherited: the base declares it
    assert "etcd.lock.Lock.name" not in covered
    assert {"etcd.client.Client.write", "etcd.EtcdResult.ttl", "etcd.EtcdResult.__eq__"} <= covered
    assert "etcd.auth.EtcdAuthBase.read" not in covered  # an unknown receiver covers nothing
