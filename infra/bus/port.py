"""The event bus port: publish domain events; consume them in groups, at least once, with acks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from infra.bus.event import Event

DEFAULT_TOPIC = "domain"


def check_count(count: int) -> None:
    """Reject a batch size that cannot mean anything, before it reaches a backend."""
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count!r}")


@dataclass(frozen=True)
class Delivery:
    """One event handed to one consumer of a group. Ack it once handled, or it comes back."""

    event: Event
    message_id: str  # the bus's position of the message in its topic (not the event id)
    topic: str
    group: str


class EventBus(Protocol):
    """Topics are append-only logs; each consumer group reads every event of a topic once.

    Within a group, each event goes to one consumer. A delivered event stays *pending* until
    acknowledged; :meth:`redeliver` hands pending events that have been idle too long (their
    consumer crashed or failed) to another consumer. So delivery is at least once and consumers
    must be idempotent (see :mod:`infra.bus.idempotency`). A group that does not exist yet is
    created on first read, starting from the oldest retained event of the topic.
    """

    async def publish(self, event: Event, *, topic: str = DEFAULT_TOPIC) -> str:
        """Append ``event`` to ``topic``; returns its message id. Raises
        :class:`~infra.bus.event.EventEncodingError` if the payload is not JSON."""
        ...

    async def read(
        self,
        *,
        group: str,
        consumer: str,
        topic: str = DEFAULT_TOPIC,
        count: int = 10,
        block: float | None = None,
    ) -> list[Delivery]:
        """Up to ``count`` events this group has not yet been given, oldest first.

        ``block`` is how many seconds to wait when there are none (``None``: return at once).
        """
        ...

    async def ack(self, delivery: Delivery) -> None:
        """Mark the delivery handled; it will not be redelivered. Acking twice is harmless."""
        ...

    async def redeliver(
        self,
        *,
        group: str,
        consumer: str,
        topic: str = DEFAULT_TOPIC,
        min_idle: float = 30.0,
        count: int = 10,
    ) -> list[Delivery]:
        """Claim for ``consumer`` up to ``count`` unacked deliveries of ``group`` that have been
        pending at least ``min_idle`` seconds, and return them (oldest first)."""
        ...

    async def pending_count(self, *, group: str, topic: str = DEFAULT_TOPIC) -> int:
        """How many deliveries of ``group`` await an ack (for metrics, health checks, tests)."""
        ...

    async def ping(self) -> None:
        """Raise if the bus cannot be reached right now (health checks)."""
        ...

    async def close(self) -> None: ...
