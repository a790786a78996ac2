"""The cache port: what every cache adapter promises, whatever stores the bytes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Protocol


class CacheError(Exception):
    """A cache operation could not be carried out (e.g. incrementing a non-integer value)."""


def raise_if_cancel_requested() -> None:
    """Honour a task cancellation that a client library swallowed.

    redis-py (8.x) occasionally catches a task's CancelledError inside a command and returns
    normally, so a loop around such calls would never stop. Python 3.11+ still counts the
    request (``Task.cancelling()``); loops over backend calls check it on every round.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


def check_ttl(ttl: float | None) -> None:
    """Reject a time-to-live that cannot mean anything, before it reaches a backend."""
    if ttl is not None and not ttl > 0:
        raise ValueError(f"ttl must be a positive number of seconds or None, got {ttl!r}")


class Cache(Protocol):
    """Bytes under string keys with optional expiry, atomic counters and pub/sub channels.

    Values are bytes so the port never guesses an encoding; callers serialise (``orjson.dumps``).
    Time-to-live values are seconds (fractions allowed); ``None`` means "keep until deleted".
    """

    async def get(self, key: str) -> bytes | None:
        """The value stored under ``key``, or ``None`` if absent or expired."""
        ...

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        """Store ``value`` under ``key``, replacing any previous value and expiry."""
        ...

    async def set_if_absent(self, key: str, value: bytes, *, ttl: float | None = None) -> bool:
        """Store ``value`` only if ``key`` holds nothing; ``True`` if this call stored it."""
        ...

    async def delete(self, key: str) -> bool:
        """Remove ``key``; ``True`` if it existed."""
        ...

    async def incr(self, key: str, *, amount: int = 1, ttl: float | None = None) -> int:
        """Atomically add ``amount`` to the integer under ``key`` (absent counts as 0).

        When ``ttl`` is given and the key has no expiry yet (i.e. this call created it), the key
        expires after ``ttl`` seconds: a fixed-window counter for rate limiting. Raises
        :class:`CacheError` if the stored value is not an integer.
        """
        ...

    async def publish(self, channel: str, message: bytes) -> int:
        """Send ``message`` to the current subscribers of ``channel``; returns how many got it.

        Fire-and-forget: subscribers that join later never see it (use the event bus for that).
        """
        ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[AsyncIterator[bytes]]:
        """Listen on ``channel``: ``async with cache.subscribe(ch) as messages: async for …``.

        The subscription is active once the ``async with`` block is entered, so a message
        published after that point is delivered. Leaving the block unsubscribes.
        """
        ...

    async def ping(self) -> None:
        """Raise if the cache cannot be reached right now (health checks)."""
        ...

    async def close(self) -> None:
        """Release connections. The cache must not be used afterwards."""
        ...
