"""Check calls into python-etcd against the stubs while they run, with typeguard.

`Checker.install()` wraps every member the stubs declare on python-etcd's classes; `uninstall()` puts
the originals back. A wrapped call runs exactly as before (same arguments, same result, same
exception); only a call made from outside python-etcd itself is checked: each bound argument, each
option keyword of a `**kwdargs: Unpack[...]`, the result, each item a returned generator yields, and
the declared attributes of every EtcdResult the call returns.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, cast, get_args, get_origin

import etcd
from typeguard import CollectionCheckStrategy, TypeCheckError, check_type

from .stubs import Member, Options, Signature, Stubs

# python-etcd's own modules (not its tests): calls made from them are python-etcd's business.
_RUNTIME_FILES = {str(Path(etcd.__file__).with_name(f"{m}.py")) for m in ("__init__", "client", "lock", "auth")}
_HERE = str(Path(__file__).parent)


@dataclass(frozen=True)
class Violation:
    filename: str
    lineno: int
    member: str
    message: str

    def __str__(self) -> str:
        return f"{self.filename}:{self.lineno}: {self.member}: {self.message}"


def _describe(value: object) -> str:
    return "None" if value is None else type(value).__qualname__


def _fits(value: object, expected: Any) -> bool:
    if expected is Any or expected is object:
        return True
    try:
        check_type(value, expected, collection_check_strategy=CollectionCheckStrategy.ALL_ITEMS)
    except TypeCheckError:
        return False
    return True


def _is_generator_type(expected: Any) -> bool:
    return get_origin(expected) in (Generator, Iterator)


class Checker:
    def __init__(self, stubs: Stubs, report: Callable[[Violation], None]) -> None:
        self.stubs = stubs
        self.report = report
        self.calls: Counter[str] = Counter()
        self.violations: Counter[Violation] = Counter()
        self._originals: list[tuple[type, str, object]] = []

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
        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1)
            filename = caller.f_code.co_filename
            if filename in _RUNTIME_FILES or filename.startswith(_HERE):
                return function(*args, **kwargs)
            self.calls[member.label] += 1
            where = (filename, caller.f_lineno)
            chosen = self._check_arguments(member, signatures, args, kwargs, where)
            result = function(*args, **kwargs)
            if chosen is not None:
                result = self._check_result(member, chosen, result, where)
            if member.name == "__init__" and isinstance(args[0], etcd.EtcdResult):
                self._check_attributes(member, args[0], where)
            return result

        return checked

    # ---- checking ------------------------------------------------------------------------------

    def _violation(self, member: Member, where: tuple[str, int], message: str) -> None:
        violation = Violation(where[0], where[1], member.label, message)
        self.violations[violation] += 1
        self.report(violation)

    def _check_arguments(
        self, member: Member, signatures: list[Signature], args: tuple[Any, ...], kwargs: dict[str, Any], where: tuple[str, int]
    ) -> Signature | None:
        """The signature the call matches (the first overload that does). When none does, the problems
        of the first overload the arguments bind to are reported, or the binding error if none binds."""
        mismatched: list[str] | None = None
        unbound = ""
        for signature in signatures:
            try:
                bound = signature.signature.bind(*args, **kwargs)
            except TypeError as error:
                unbound = unbound or str(error)
                continue
            mismatches = list(self._mismatches(signature, bound.arguments))
            if not mismatches:
                return signature
            if mismatched is None:
                mismatched = mismatches
        for problem in mismatched or [f"the arguments fit no signature the stubs declare ({unbound})"]:
            self._violation(member, where, problem)
        return signatures[0] if len(signatures) == 1 else None

    def _mismatches(self, signature: Signature, arguments: dict[str, Any]) -> Iterator[str]:
        for name, value in arguments.items():
            if name not in signature.annotations:
                continue
            expected = signature.annotations[name]
            kind = signature.signature.parameters[name].kind
            if name == signature.unpacked:
                assert isinstance(expected, Options)
                for option, option_value in value.items():
                    if option not in expected.types:
                        yield f"option {option}={option_value!r} is not one that this method sends (python-etcd drops it)"
                    elif not _fits(option_value, expected.types[option]):
                        yield f"option {option} is {_describe(option_value)}, declared {expected.sources[option]}"
            elif kind is inspect.Parameter.VAR_KEYWORD:
                for key, item in value.items():
                    if not _fits(item, expected):
                        yield f"keyword {key} is {_describe(item)}, declared {signature.sources[name]}"
            elif kind is inspect.Parameter.VAR_POSITIONAL:
                for item in value:
                    if not _fits(item, expected):
                        yield f"argument *{name} item is {_describe(item)}, declared {signature.sources[name]}"
            elif not _fits(value, expected):
                yield f"argument {name} is {_describe(value)} ({value!r}), declared {signature.sources[name]}"

    def _check_result(self, member: Member, signature: Signature, result: Any, where: tuple[str, int]) -> Any:
        expected = signature.returns
        if expected is NoReturn:
            self._violation(member, where, f"returned {_describe(result)}, declared NoReturn")
            return result
        if _is_generator_type(expected) and inspect.isgenerator(result):
            (item_type, *_) = get_args(expected) or (Any,)
            return self._generator(member, result, item_type, where, signature.sources["return"])
        if not _fits(result, expected):
            self._violation(member, where, f"returned {_describe(result)}, declared {signature.sources['return']}")
        self._check_results_inside(member, result, where)
        return result

    def _generator(
        self, member: Member, inner: Generator[Any, Any, Any], item_type: Any, where: tuple[str, int], source: str
    ) -> Generator[Any, Any, Any]:
        sent: Any = None
        try:
            while True:
                try:
                    item: Any = inner.send(sent)
                except StopIteration as stop:
                    return stop.value
                if not _fits(item, item_type):
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
        for name, (expected, source) in self.stubs.attributes[etcd.EtcdResult].items():
            if name not in vars(result):
                continue  # declared as set only on some results (_prev_node, etcd_index, raft_index)
            value = vars(result)[name]
            if not _fits(value, expected):
                self._violation(member, where, f"returned an EtcdResult whose {name} is {_describe(value)}, declared {source}")
