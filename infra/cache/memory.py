"""In-process cache: a dict with expiry times, and asyncio queues for pub/sub.

It serves one process only (the embedded topology). Expired entries are dropped when read and
swept periodically on writes, so short-lived rate-limit counters do not pile up.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

from infra.cache.port import CacheError, check_ttl

logger = logging.getLogger(__name__)

SWEEP_EVERY_WRITES = 1000
SUBSCRIBER_BACKLOG = 1024


@dataclass
class _Entry:
    value: bytes
    expires_at: float | None  # on the cache's clock; None = never


def _expired(entry: _Entry, now: float) -> bool:
    return entry.expires_at is not None and entry.expires_at <= now


class _QueueMessages:
    """The async iterator handed to a subscriber: waits on that subscriber's queue."""

    def __init__(self, queue: asyncio.Queue[bytes]) -> None:
        self._queue = queue

    def __aiter__(self) -> _QueueMessages:
        return self

    async def __anext__(self) -> bytes:
        return await self._queue.get()


class MemoryCache:
    """The embedded :class:`~infra.cache.port.Cache`. ``clock`` is injectable for tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._subscribers: dict[str, set[asyncio.Queue[bytes]]] = {}
        self._writes_since_sweep = 0

    # -- key/value ---------------------------------------------------------------------------

    def _live(self, key: str) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is not None and _expired(entry, self._clock()):
            del self._entries[key]
            return None
        return entry

    def _expiry(self, ttl: float | None) -> float | None:
        return None if ttl is None else self._clock() + ttl

    def _store(self, key: str, entry: _Entry) -> None:
        self._entries[key] = entry
        self._writes_since_sweep += 1
        if self._writes_since_sweep >= SWEEP_EVERY_WRITES:
            self._writes_since_sweep = 0
            now = self._clock()
            expired = [k for k, e in self._entries.items() if _expired(e, now)]
            for k in expired:
                del self._entries[k]

    async def get(self, key: str) -> bytes | None:
        entry = self._live(key)
        return None if entry is None else entry.value

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        check_ttl(ttl)
        self._store(key, _Entry(bytes(value), self._expiry(ttl)))

    async def set_if_absent(self, key: str, value: bytes, *, ttl: float | None = None) -> bool:
        check_ttl(ttl)
        if self._live(key) is not None:
            return False
        self._store(key, _Entry(bytes(value), self._expiry(ttl)))
        return True

    async def delete(self, key: str) -> bool:
        existed = self._live(key) is not None
        self._entries.pop(key, None)
        return existed

    async def incr(self, key: str, *, amount: int = 1, ttl: float | None = None) -> int:
        # No await between read and write: atomic with respect to other coroutines.
        check_ttl(ttl)
        entry = self._live(key)
        if entry is None:
            entry = _Entry(b"0", None)
        try:
            current = int(entry.value)
        except ValueError:
            raise CacheError(f"cannot increment {key!r}: its value is not an integer") from None
        new_value = current + amount
        expires_at = entry.expires_at if entry.expires_at is not None else self._expiry(ttl)
        self._store(key, _Entry(str(new_value).encode(), expires_at))
        return new_value

    # -- pub/sub -----------------------------------------------------------------------------

    async def publish(self, channel: str, message: bytes) -> int:
        queues = self._subscribers.get(channel, set())
        for queue in queues:
            if queue.full():
                # A subscriber that stopped reading loses its oldest message rather than
                # letting memory grow without bound (Redis likewise drops slow subscribers).
                queue.get_nowait()
                logger.warning("dropped a message for a slow subscriber of %r", channel)
            queue.put_nowait(bytes(message))
        return len(queues)

    @asynccontextmanager
    async def _subscription(self, channel: str) -> AsyncIterator[AsyncIterator[bytes]]:
        queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=SUBSCRIBER_BACKLOG)
        self._subscribers.setdefault(channel, set()).add(queue)
        try:
            yield _QueueMessages(queue)
        finally:
            listeners = self._subscribers.get(channel)
            if listeners is not None:
                listeners.discard(queue)
                if not listeners:
                    del self._subscribers[channel]

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[AsyncIterator[bytes]]:
        return self._subscription(channel)

    async def ping(self) -> None:
        return None  # in this process: reachable whenever the process is

    async def close(self) -> None:
        self._entries.clear()
