"""A client's bounded queue of outgoing messages, and what happens when it overflows.

Streams put messages here without waiting; one task per client takes them out and writes them
to the socket at whatever pace the client reads. A client that falls ``size`` messages behind is
*disconnected*, not silently skipped: combat state is a sequence of changes, and a client that
missed some would show a wrong state without knowing it. Disconnected, it knows, and reconnecting
re-subscribes it to the current state. (WebSocket clients are closed with 1013 "try again later",
which the graphql-ws client retries; SSE streams end with an error event and ``complete``.)
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable


class Outbox:
    """At most ``size`` queued messages; the first that does not fit calls ``on_overflow``.

    On overflow the queued messages are discarded (they are stale: the client is being
    disconnected) and later offers are ignored; ``push_final`` still queues a goodbye.
    """

    def __init__(self, size: int, on_overflow: Callable[[], None]) -> None:
        if size < 1:
            raise ValueError("an outbox must hold at least one message")
        self.size = size
        self._pending: deque[str] = deque()
        self._waiter: asyncio.Future[None] | None = None  # the one reader, while it waits
        self._on_overflow = on_overflow
        self.overflowed = False

    def offer(self, message: str) -> None:
        """Queue ``message`` without waiting."""
        if self.overflowed:
            return
        if len(self._pending) >= self.size:
            self.overflowed = True
            self._pending.clear()
            self._on_overflow()
            return
        self._pending.append(message)
        self._wake()

    def push_final(self, message: str) -> None:
        """Queue a last message even past the bound (after an overflow, to say why)."""
        self._pending.append(message)
        self._wake()

    async def take(self) -> str:
        """The next message, waiting for one. One task reads an outbox (its client's writer)."""
        while not self._pending:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._pending.popleft()

    def _wake(self) -> None:
        # A bare future rather than an asyncio.Event: this runs once per subscriber and event,
        # the hottest line of a fan-out.
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def __len__(self) -> int:
        return len(self._pending)
