from types import TracebackType
from typing import Literal
from typing_extensions import Self

from .client import Client

class Lock:
    client: Client
    name: str
    path: str
    is_taken: bool
    _uuid: str
    # None until the lock is acquired or found.
    _sequence: str | None
    def __init__(self, client: Client, lock_name: str) -> None: ...

    @property
    def uuid(self) -> str: ...
    @uuid.setter
    def uuid(self, value: str) -> None: ...

    @property
    def is_acquired(self) -> bool: ...
    # blocking=True returns only True (or raises): a watch time-out is retried, not reported.
    def acquire(self, blocking: bool = True, lock_ttl: int | None = 3600, timeout: float = 0) -> bool: ...
    def release(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self, type: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> Literal[False]: ...
    @property
    def lock_key(self) -> str: ...
