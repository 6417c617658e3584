"""The fake's clock: real time by default, frozen on request, and moved forward by the test."""

from __future__ import annotations

import threading
import time


class Clock:
    """Wall-clock time in nanoseconds, plus whatever the test has advanced it by.

    A frozen clock stands still until `advance` moves it, so TTLs and expirations are exact.
    """

    def __init__(self, *, frozen: bool = False) -> None:
        self._lock = threading.Lock()
        self._frozen_at: int | None = time.time_ns() if frozen else None
        self._offset = 0

    def now_ns(self) -> int:
        with self._lock:
            base = self._frozen_at if self._frozen_at is not None else time.time_ns()
            return base + self._offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"a clock only moves forward: advance({seconds!r})")
        with self._lock:
            self._offset += round(seconds * 1_000_000_000)
