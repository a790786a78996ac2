"""Idempotent consumers: remember which events a consumer group has handled, skip repeats.

Delivery is at least once, so an event can arrive twice (a consumer crashed after handling but
before acking, or a slow consumer's delivery was reclaimed). :func:`handle_once` runs the handler
only for events not yet recorded, and records an event only after its handler succeeded, so a
failed attempt is retried on redelivery rather than silently dropped.

Two stores: :class:`InMemoryProcessedEvents` (one process) and :class:`CacheProcessedEvents`
(any :class:`~infra.cache.port.Cache`, so Redis when replicas share the work). Handlers that also
write to a database can instead record the event id in the same transaction, which is stronger.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Protocol
from uuid import UUID

from infra.bus.event import Event
from infra.cache.port import Cache

Handler = Callable[[Event], Awaitable[None]]

DEFAULT_REMEMBER_SECONDS = 7 * 24 * 3600  # far longer than any redelivery delay


class ProcessedEvents(Protocol):
    """The set of event ids one consumer group has finished handling."""

    async def contains(self, event_id: UUID) -> bool: ...

    async def add(self, event_id: UUID) -> None: ...


class InMemoryProcessedEvents:
    """Remembers the most recent ``capacity`` event ids (older ones cannot be redelivered by then
    in practice, and memory must stay bounded)."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._capacity = capacity
        self._ids: OrderedDict[UUID, None] = OrderedDict()

    async def contains(self, event_id: UUID) -> bool:
        return event_id in self._ids

    async def add(self, event_id: UUID) -> None:
        self._ids[event_id] = None
        self._ids.move_to_end(event_id)
        while len(self._ids) > self._capacity:
            self._ids.popitem(last=False)


class CacheProcessedEvents:
    """Processed ids as cache keys ``processed-event:<namespace>:<id>`` that expire after ``ttl``.

    Use the consumer group name as ``namespace``: two groups each handle every event once.
    """

    def __init__(
        self, cache: Cache, namespace: str, *, ttl: float = DEFAULT_REMEMBER_SECONDS
    ) -> None:
        if not namespace:
            raise ValueError("namespace must name the consumer group, e.g. 'campaign-xp'")
        self._cache = cache
        self._namespace = namespace
        self._ttl = ttl

    def _key(self, event_id: UUID) -> str:
        return f"processed-event:{self._namespace}:{event_id}"

    async def contains(self, event_id: UUID) -> bool:
        return await self._cache.get(self._key(event_id)) is not None

    async def add(self, event_id: UUID) -> None:
        await self._cache.set(self._key(event_id), b"1", ttl=self._ttl)


async def handle_once(event: Event, handler: Handler, processed: ProcessedEvents) -> bool:
    """Run ``handler(event)`` unless ``event.id`` was already handled; ``True`` if it ran.

    If the handler raises, nothing is recorded and the exception propagates (so the delivery is
    not acked and will come back).
    """
    if await processed.contains(event.id):
        return False
    await handler(event)
    await processed.add(event.id)
    return True
