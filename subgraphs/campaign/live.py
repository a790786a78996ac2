"""Live combat state: from the outbox to every subscriber on every replica.

The path of one change::

    mutation -> outbox row (same transaction) -> outbox relay -> event bus
             -> this service's consumer group "campaign-combat-state" (one replica gets it)
             -> cache pub/sub channel "campaign:encounter:<id>" (Redis: every replica hears it)
             -> one listener per channel per replica (``combat_hub``)
             -> each ``combatState`` subscription on that replica -> the router -> the client

The bus gives each event to one replica of the group; the pub/sub channel then fans it out to all
of them, so a subscriber sees every change whichever replica holds its WebSocket. Delivery may
repeat or arrive late (redelivery); the listener and each subscriber keep only snapshots newer
than the last they handed on, so the stream never goes backwards. In the embedded topology the
bus and the cache are in-process and the same path runs inside one process.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator

import orjson

from infra.bus import Event, EventBus, InMemoryProcessedEvents, consumer_name, run_consumer
from infra.cache import Cache
from subgraphs.campaign.combat_state import EncounterState
from subgraphs.campaign.encounters import EVENT_PREFIX
from subgraphs.kit.runtime import Runtime

log = logging.getLogger("dndcreator.campaign.live")

GROUP = "campaign-combat-state"
CACHE_PORT = "cache"


def channel(encounter_id: uuid.UUID) -> str:
    return f"campaign:encounter:{encounter_id}"


def cache_of(runtime: Runtime) -> Cache:
    cache: Cache = runtime.ports[CACHE_PORT]
    return cache


async def forward(cache: Cache, event: Event) -> bool:
    """Publish an encounter event's snapshot on its channel; ``False`` for anything else."""
    if not event.type.startswith(EVENT_PREFIX):
        return False
    state = event.payload.get("state")
    if not isinstance(state, dict):
        log.error("encounter event %s (%s) carries no snapshot; skipped", event.id, event.type)
        return False
    await cache.publish(channel(event.aggregate_id), orjson.dumps(state))
    return True


async def relay_combat_state(runtime: Runtime) -> None:
    """Forward encounter events to the pub/sub channels until cancelled (a kit consumer)."""
    bus: EventBus | None = runtime.ports.get("bus")
    if bus is None:
        log.warning("no event bus configured: combat state subscriptions will not update")
        return
    cache = cache_of(runtime)

    async def handle(event: Event) -> None:
        await forward(cache, event)

    try:
        await run_consumer(
            bus,
            group=GROUP,
            consumer=consumer_name(runtime.name),
            handler=handle,
            # Only saves a repeat publish: subscribers drop snapshots they have seen anyway.
            processed=InMemoryProcessedEvents(capacity=10_000),
            block=0.5,
        )
    finally:
        await cache.close()  # the service is stopping; the cache lives as long as this task


async def snapshots(messages: AsyncIterator[bytes]) -> AsyncIterator[EncounterState]:
    """The snapshots arriving on a channel; a malformed message is logged and skipped."""
    async for message in messages:
        try:
            yield EncounterState.from_payload(orjson.loads(message))
        except (orjson.JSONDecodeError, KeyError, ValueError, TypeError) as exc:
            log.error("skipping a malformed combat state message: %r", exc)
