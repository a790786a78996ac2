"""A consumer loop on top of any :class:`~infra.bus.port.EventBus`: read, handle once, ack.

Typical use, as a background task of a service::

    task = asyncio.create_task(run_consumer(
        bus, group="campaign-xp", consumer=f"campaign-{hostname}",
        handler=on_event, processed=CacheProcessedEvents(cache, "campaign-xp"),
        topic="domain"))
    ...
    task.cancel()
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Sequence

from infra.bus.idempotency import Handler, ProcessedEvents, handle_once
from infra.bus.port import DEFAULT_TOPIC, Delivery, EventBus
from infra.cache.port import raise_if_cancel_requested
from infra.retry import forever

logger = logging.getLogger(__name__)

RETRY_AFTER_BUS_ERROR = 1.0


def consumer_name(service: str) -> str:
    """This process's name within a consumer group (unique per host and process)."""
    return f"{service}-{socket.gethostname()}-{os.getpid()}"


async def process_deliveries(
    bus: EventBus, deliveries: Sequence[Delivery], handler: Handler, processed: ProcessedEvents
) -> int:
    """Handle each delivery (skipping events already processed) and ack it; returns the acks.

    A handler failure is logged and its delivery left unacked, so the bus redelivers it later;
    the other deliveries of the batch still proceed.
    """
    acked = 0
    for delivery in deliveries:
        try:
            await handle_once(delivery.event, handler, processed)
        except Exception:
            logger.exception(
                "handler failed for event %s (%s) in group %r; it will be redelivered",
                delivery.event.id,
                delivery.event.type,
                delivery.group,
            )
            continue
        await bus.ack(delivery)
        acked += 1
    return acked


async def run_consumer(
    bus: EventBus,
    *,
    group: str,
    consumer: str,
    handler: Handler,
    processed: ProcessedEvents,
    topic: str = DEFAULT_TOPIC,
    batch_size: int = 10,
    block: float = 1.0,
    reclaim_after: float = 30.0,
) -> None:
    """Consume ``topic`` as ``consumer`` of ``group`` until cancelled.

    Each round first reclaims deliveries left unacked for ``reclaim_after`` seconds (failed
    handlers, crashed consumers), then waits up to ``block`` seconds for new events. A bus error
    (e.g. Redis restarting) is retried with backoff (``infra.retry.forever``); cancelling the
    task stops the loop.
    """


    async def round_() -> None:
        raise_if_cancel_requested()
        batch = await bus.redeliver(
            group=group,
            consumer=consumer,
            topic=topic,
            min_idle=reclaim_after,
            count=batch_size,
        )
        batch += await bus.read(
            group=group,
            consumer=consumer,
            topic=topic,
            count=batch_size,
            block=None if batch else block,
        )
        await process_deliveries(bus, batch, handler, processed)

    # A bus error (Redis restarting) backs off, one warning per attempt, and resumes.
    retrying = forever(logger, f"consuming {topic!r} as {group!r}",
                       initial=RETRY_AFTER_BUS_ERROR)
    while True:
        await retrying(round_)
