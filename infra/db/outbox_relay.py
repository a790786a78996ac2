"""The outbox relay: publishes committed domain events from a service's outbox to the event bus.

Events are published oldest first and marked published afterwards. A crash between the two means
the event is published again on restart; the event keeps its id (the outbox row's id), so
idempotent consumers see it once. A bus failure leaves the rest of the batch for the next round,
which waits longer each time the bus is still down.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from infra.bus import Event, EventBus
from infra.db.model import OutboxMixin, utcnow
from infra.retry import forever

log = logging.getLogger("dndcreator.outbox")


def _aware(moment: datetime) -> datetime:
    # SQLite hands timestamps back without a zone; every timestamp we write is UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class BusUnavailable(Exception):
    """The bus refused the oldest pending event: the relay backs off before it tries again."""


async def relay_once(
    sessions: async_sessionmaker[AsyncSession],
    outbox_model: type[OutboxMixin],
    bus: EventBus,
    *,
    batch: int = 100,
) -> int:
    """Publish up to ``batch`` pending events; returns how many were published."""
    published, _ = await _relay_batch(sessions, outbox_model, bus, batch)
    return published


async def _relay_batch(
    sessions: async_sessionmaker[AsyncSession],
    outbox_model: type[OutboxMixin],
    bus: EventBus,
    batch: int,
) -> tuple[int, Exception | None]:
    """How many events were published, and why the rest were not (None: nothing was left)."""
    published = 0
    failure: Exception | None = None
    async with sessions() as session, session.begin():
        statement = (
            select(outbox_model)
            .where(outbox_model.published_at.is_(None))
            .order_by(outbox_model.created_at, outbox_model.id)
            .limit(batch)
        )
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            # Several replicas of a service may relay at once; each row goes to one of them.
            statement = statement.with_for_update(skip_locked=True)
        for row in (await session.execute(statement)).scalars():
            event = Event(
                type=row.type,
                aggregate_id=row.aggregate_id,
                payload=row.payload,
                id=row.id,
                occurred_at=_aware(row.created_at),
            )
            try:
                await bus.publish(event)
            except Exception as exc:  # the bus is down: keep the rest for the next round
                row.attempts += 1
                failure = exc
                break
            row.published_at = utcnow()
            published += 1
    return published, failure


async def run_relay(
    sessions: async_sessionmaker[AsyncSession],
    outbox_model: type[OutboxMixin],
    bus: EventBus,
    *,
    interval: float = 0.2,
    batch: int = 100,
) -> None:
    """Relay forever (until cancelled), polling every ``interval`` seconds when idle.

    While the database or the bus is down, rounds back off (``infra.retry.forever``: up to 30 s
    between attempts, one warning each); the first round that works resumes normal polling.
    """

    async def round_() -> int:
        published, failure = await _relay_batch(sessions, outbox_model, bus, batch)
        if failure is not None and not published:
            raise BusUnavailable(f"{failure.__class__.__name__}: {failure}") from failure
        return published

    retrying = forever(log, "outbox relay round", initial=interval)
    while True:
        if not await retrying(round_):
            await asyncio.sleep(interval)  # idle: poll again shortly
