"""Slowing down secret guessing: too many failed attempts from one address are refused for a while.

Each check of a client secret costs an Argon2id hash, so failures are counted per caller address
in a fixed window; past the limit the caller is told to retry later *before* any hashing is
done. Counting by address (not by client ID) means a stranger guessing the llm's secret locks
out only itself, never the llm. The count lives in the process: several auth instances each
allow the limit, which still keeps guessing hopeless against 256-bit secrets.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Window:
    started: float
    failures: int


class FailureThrottle:
    def __init__(
        self,
        limit: int = 10,
        window_seconds: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_tracked: int = 10_000,
    ) -> None:
        if limit < 1 or window_seconds <= 0:
            raise ValueError("a throttle needs a positive limit and window")
        self.limit = limit
        self.window = window_seconds
        self._clock = clock
        self._max_tracked = max_tracked
        self._windows: dict[str, _Window] = {}

    def _current(self, key: str) -> _Window | None:
        window = self._windows.get(key)
        if window is not None and self._clock() - window.started >= self.window:
            del self._windows[key]
            return None
        return window

    def retry_after(self, key: str) -> int | None:
        """Whole seconds ``key`` must wait, or None when it may try now."""
        window = self._current(key)
        if window is None or window.failures < self.limit:
            return None
        return max(1, int(window.started + self.window - self._clock() + 0.999))

    def failed(self, key: str) -> None:
        window = self._current(key)
        if window is None:
            if len(self._windows) >= self._max_tracked:
                self._windows.pop(next(iter(self._windows)))  # the oldest window goes first
            window = self._windows[key] = _Window(started=self._clock(), failures=0)
        window.failures += 1

    def succeeded(self, key: str) -> None:
        self._windows.pop(key, None)
