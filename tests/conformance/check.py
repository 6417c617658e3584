"""The runtime half of a conformance line: `check(assert_type(expr, Static), Runtime)`.

The checkers verify `assert_type`; at run time `check` verifies the live value against `Runtime` with
typeguard. `Runtime` is the declared type, or the part of it this path must produce (a plain key's
`key` is `str`, though the stub says `str | MaybeNone`).
"""

from __future__ import annotations

from typing import Any, TypeVar

from typeguard import CollectionCheckStrategy, check_type

T = TypeVar("T")


def check(actual: T, expected: Any) -> T:
    check_type(actual, expected, collection_check_strategy=CollectionCheckStrategy.ALL_ITEMS)
    return actual
