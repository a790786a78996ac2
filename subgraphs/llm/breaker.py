"""A circuit breaker per provider: after repeated failures, stop calling it for a while.

``failures`` consecutive failed calls open the circuit; for ``reset`` seconds every call is
refused at once (the chain moves to the next candidate without waiting on a dead provider).
Then one call may probe: its success closes the circuit, its failure opens it again.
Invalid structured output does not count: the provider answered, the model was wrong.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class CircuitBreaker:
    def __init__(
        self, failures: int = 5, reset: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.failures, self.reset, self.clock = failures, reset, clock
        self.consecutive = 0
        self.opened_at: float | None = None
        self.probe_out = False

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None and self.clock() - self.opened_at < self.reset

    def allow(self) -> bool:
        """May a call go out now? Once the wait is over, one caller at a time probes."""
        if self.opened_at is None:
            return True
        if self.is_open or self.probe_out:
            return False
        self.probe_out = True
        return True

    def succeeded(self) -> None:
        self.consecutive, self.opened_at, self.probe_out = 0, None, False

    def failed(self) -> None:
        self.consecutive += 1
        if self.probe_out or self.consecutive >= self.failures:
            self.opened_at = self.clock()
        self.probe_out = False

    def abandoned(self) -> None:
        """The call ended without a verdict (cancelled): let someone else probe."""
        self.probe_out = False
