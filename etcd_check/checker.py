"""Check calls into python-etcd against the stubs while they run, with typeguard.

`Checker.install()` wraps every member the stubs declare on python-etcd's classes; `uninstall()` puts
the originals back. A wrapped call runs exactly as before (same arguments, same result, same
exception); only a call made from outside python-etcd itself is checked: each bound argument, each
option keyword of a `**kwdargs: Unpack[...]`, the result, each item a returned generator yields, and
the declared attributes of every EtcdResult the call returns.

Each declared type is compiled once, when its member is wrapped, into a test that passes the common
exact types at once (a class or a union of classes, lists and dicts of them) and asks typeguard about
any other value: it passes exactly what typeguard alone would pass, only sooner.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FunctionType
from typing import Any, NoReturn, Union, cast, get_args, get_origin

import etcd
from typeguard import CollectionCheckStrategy, TypeCheckError, check_type

from .stubs import Member, Options, Signature, Stubs

# python-etcd's own modules (not its tests): calls made from them are python-etcd's business.
_RUNTIME_FILES = {str(Path(etcd.__file__).with_name(f"{m}.py")) for m in ("__init__", "client", "lock", "auth")}
_HERE = str(Path(__file__).parent)

# The declared EtcdResult attributes that python-etcd 0.4.5 sets on some results only: _prev_node when
# the server sent a previous node, etcd_index and raft_index by parse_headers on the results a Client
# returns. Every other one is set by EtcdResult.__init__, so a result without it is a violation.
_SOMETIMES_SET = frozenset({"_prev_node", "etcd_index", "raft_index"})

Test = Callable[[object], bool]


@dataclass(frozen=True)
class Violation:
    """A call that differs from the stubs. Its identity is its place, member and `problem` (the names and
    types that differ); `message` says the same with the values of the first occurrence."""

    filename: str
    lineno: int
    member: str
    problem: str
    message: str = field(compare=False)

    def __str__(self) -> str:
        return f"{self.filename}:{self.lineno}: {self.member}: {self.message}"


def _describe(value: object) -> str:
    return "None" if value is None else type(value).__qualname__


def _is_class(expected: Any) -> bool:
    return isinstance(expected, type) and get_origin(expected) is None  # list[int] is a type on Python < 3.11


def _surely_fits(expected: Any) -> Test:
    """A quick test that passes only values which surely fit `expected`: exact instances of a class it
    names (alone or in a union), and lists and dicts whose items surely fit. It passes nothing else."""
    if expected is Any or expected is object:
        return lambda value: True
    if expected is None:  # `-> None`
        return lambda value: value is None
    if _is_class(expected):
        return lambda value: type(value) is expected
    origin, args = get_origin(expected), get_args(expected)
    if origin is Union:
        classes = frozenset(arg for arg in args if _is_class(arg))
        others = [_surely_fits(arg) for arg in args if not _is_class(arg)]
        return lambda value: type(value) in classes or any(test(value) for test in others)
    if origin is list and args:
        item = _surely_fits(args[0])
        return lambda value: type(value) is list and all(item(i) for i in cast("list[object]", value))
    if origin is dict and args:
        key, item = _surely_fits(args[0]), _surely_fits(args[1])
        return lambda value: (
            type(value) is dict and all(key(k) and item(v) for k, v in cast("dict[object, object]", value).items())
        )
    return lambda value: False


def _fits(expected: Any) -> Test:
    """Whether a value fits `expected`: the quick test, then typeguard for what it does not pass."""
    quick = _surely_fits(expected)

    def fits(value: object) -> bool:
        if quick(value):
            return True
        try:
            check_type(value, expected, collection_check_strategy=CollectionCheckStrategy.ALL_ITEMS)
        except TypeCheckError:
            return False
        return True

    return fits


class _Unset:
    """The default of each parameter in a binder, which `_mismatches` passes over."""

    def __repr__(self) -> str:
        return "_UNSET"  # so that a signature's text names it


_UNSET = _Unset()


def _binder(owner: type, name: str, signature: inspect.Signature) -> Callable[..., dict[str, Any]]:
    """A function with the parameters of `signature` that returns what a call binds to each, by
    Python's own binding (inspect.Signature.bind is many times slower); a default binds _UNSET."""
    parameters = [p if p.default is p.empty else p.replace(default=_UNSET) for p in signature.parameters.values()]
    namespace: dict[str, Any] = {"_UNSET": _UNSET}
    exec(f"def {name}{signature.replace(parameters=parameters)}:\n    return locals()", namespace)
    binder: FunctionType = namespace[name]
    binder.__qualname__ = f"{owner.__qualname__}.{name}"  # as TypeError's messages name it
    return binder


@dataclass(frozen=True)
class _Compiled:
    """One signature with a test for each declared type, made once when its member is wrapped."""

    signature: Signature
    bind: Callable[..., dict[str, Any]]
    variadic: dict[str, inspect._ParameterKind]  # the *args and **kwargs parameters
    parameters: dict[str, Test]  # each annotated parameter but the unpacked one
    options: dict[str, Test]  # each option of the unpacked `**kwdargs: Unpack[...]`
    returns: Test
    yields: Test | None  # each item of a result declared as a generator

    @classmethod
    def of(cls, member: Member, signature: Signature) -> _Compiled:
        unpacked = signature.annotations.get(signature.unpacked or "")
        options = unpacked.types if isinstance(unpacked, Options) else {}
        generator = get_origin(signature.returns) in (Generator, Iterator)
        variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        return cls(
            signature,
            _binder(member.owner, member.name, signature.signature),
            {p.name: p.kind for p in signature.signature.parameters.values() if p.kind in variadic},
            {name: _fits(expected) for name, expected in signature.annotations.items() if name != signature.unpacked},
            {name: _fits(expected) for name, expected in options.items()},
            _fits(signature.returns),
            _fits((get_args(signature.returns) or (Any,))[0]) if generator else None,
        )


class Checker:
    def __init__(self, stubs: Stubs, report: Callable[[Violation], None]) -> None:
        self.stubs = stubs
        self.report = report
        self.calls: Counter[str] = Counter()
        self.violations: Counter[Violation] = Counter()
        self._originals: list[tuple[type, str, object]] = []
        self._result_attributes = [
            (name, _fits(expected), source, name in _SOMETIMES_SET)
            for name, (expected, source) in stubs.attributes[etcd.EtcdResult].items()
        ]

    # ---- installing ----------------------------------------------------------------------------

    def install(self) -> None:
        for member in self.stubs.members:
            original = member.owner.__dict__[member.name]
            self._originals.append((member.owner, member.name, original))
            setattr(member.owner, member.name, self._wrap(member, original))

    def uninstall(self) -> None:
        for owner, name, original in reversed(self._originals):
            setattr(owner, name, original)
        self._originals.clear()

    def _wrap(self, member: Member, original: object) -> object:
        if isinstance(original, property):
            fget = self._function(member, member.signatures, original.fget) if original.fget else None
            fset = self._function(member, member.setter, original.fset) if original.fset and member.setter else original.fset
            return property(fget, fset, original.fdel, original.__doc__)
        if isinstance(original, classmethod):
            method = cast("classmethod[Any, ..., Any]", original)
            return classmethod(self._function(member, member.signatures, method.__func__))
        assert callable(original), member.label
        return self._function(member, member.signatures, original)

    def _function(self, member: Member, signatures: list[Signature], function: Callable[..., Any]) -> Callable[..., Any]:
        compiled = [_Compiled.of(member, signature) for signature in signatures]
        label = member.label
        initialises_result = member.name == "__init__" and member.owner is etcd.EtcdResult

        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1)
            filename = caller.f_code.co_filename
            if filename in _RUNTIME_FILES or filename.startswith(_HERE):
                return function(*args, **kwargs)
            self.calls[label] += 1
            where = (filename, caller.f_lineno)
            chosen = self._check_arguments(member, compiled, args, kwargs, where)
            result = function(*args, **kwargs)
            if chosen is not None:
                result = self._check_result(member, chosen, result, where)
            if initialises_result:
                self._check_attributes(member, args[0], where)
            return result

        return checked

    # ---- checking ------------------------------------------------------------------------------

    def _violation(self, member: Member, where: tuple[str, int], problem: str, message: str = "") -> None:
        violation = Violation(where[0], where[1], member.label, problem, message or problem)
        self.violations[violation] += 1
        self.report(violation)

    def _check_arguments(
        self, member: Member, compiled: list[_Compiled], args: tuple[Any, ...], kwargs: dict[str, Any], where: tuple[str, int]
    ) -> _Compiled | None:
        """The signature the call matches (the first overload that does). When none does, the problems
        of the first overload the arguments bind to are reported, or the binding error if none binds."""
        mismatched: list[tuple[str, str]] | None = None
        unbound = ""
        for candidate in compiled:
            try:
                bound = candidate.bind(*args, **kwargs)
            except TypeError as error:
                unbound = unbound or str(error)
                continue
            mismatches = list(self._mismatches(candidate, bound))
            if not mismatches:
                return candidate
            if mismatched is None:
                mismatched = mismatches
        for problem, message in mismatched or [(f"the arguments fit no signature the stubs declare ({unbound})", "")]:
            self._violation(member, where, problem, message)
        return compiled[0] if len(compiled) == 1 else None

    def _mismatches(self, compiled: _Compiled, arguments: dict[str, Any]) -> Iterator[tuple[str, str]]:
        """Each argument that differs from its declared type: what differs, and the same with the value
        (or "" when it names no value)."""
        signature = compiled.signature
        for name, value in arguments.items():
            if value is _UNSET:
                continue
            if name == signature.unpacked:
                options = cast(Options, signature.annotations[name])
                for option, option_value in value.items():
                    if option not in compiled.options:
                        sends = "is not one that this method sends (python-etcd drops it)"
                        yield f"option {option} ({_describe(option_value)}) {sends}", f"option {option}={option_value!r} {sends}"
                    elif not compiled.options[option](option_value):
                        yield f"option {option} is {_describe(option_value)}, declared {options.sources[option]}", ""
                continue
            if name not in compiled.parameters:
                continue
            fits, source = compiled.parameters[name], signature.sources[name]
            kind = compiled.variadic.get(name)
            if kind is inspect.Parameter.VAR_KEYWORD:
                for key, item in value.items():
                    if not fits(item):
                        yield f"keyword {key} is {_describe(item)}, declared {source}", ""
            elif kind is inspect.Parameter.VAR_POSITIONAL:
                for item in value:
                    if not fits(item):
                        yield f"argument *{name} item is {_describe(item)}, declared {source}", ""
            elif not fits(value):
                described = f"argument {name} is {_describe(value)}"
                yield f"{described}, declared {source}", f"{described} ({value!r}), declared {source}"

    def _check_result(self, member: Member, compiled: _Compiled, result: Any, where: tuple[str, int]) -> Any:
        signature = compiled.signature
        if signature.returns is NoReturn:
            self._violation(member, where, f"returned {_describe(result)}, declared NoReturn")
            return result
        if compiled.yields is not None and inspect.isgenerator(result):
            return self._generator(member, result, compiled.yields, where, signature.sources["return"])
        if not compiled.returns(result):
            self._violation(member, where, f"returned {_describe(result)}, declared {signature.sources['return']}")
        self._check_results_inside(member, result, where)
        return result

    def _generator(
        self, member: Member, inner: Generator[Any, Any, Any], fits: Test, where: tuple[str, int], source: str
    ) -> Generator[Any, Any, Any]:
        sent: Any = None
        try:
            while True:
                try:
                    item: Any = inner.send(sent)
                except StopIteration as stop:
                    return stop.value
                if not fits(item):
                    self._violation(member, where, f"yielded {_describe(item)}, declared {source}")
                self._check_results_inside(member, item, where)
                sent = yield item
        finally:
            inner.close()

    def _check_results_inside(self, member: Member, value: object, where: tuple[str, int]) -> None:
        if isinstance(value, etcd.EtcdResult):
            self._check_attributes(member, value, where)
        elif isinstance(value, tuple):
            for item in cast("tuple[object, ...]", value):  # Lock._get_locker's (key, result)
                self._check_results_inside(member, item, where)

    def _check_attributes(self, member: Member, result: etcd.EtcdResult, where: tuple[str, int]) -> None:
        found = vars(result)
        for name, fits, source, sometimes_set in self._result_attributes:
            if name in found:
                if not fits(found[name]):
                    self._violation(
                        member, where, f"returned an EtcdResult whose {name} is {_describe(found[name])}, declared {source}"
                    )
            elif not sometimes_set:
                self._violation(member, where, f"returned an EtcdResult without {name}, declared {source}")
