"""Event bus port: domain events between services, delivered at least once to consumer groups.

Producers write events to their outbox in the same transaction as the change; a relay then calls
:meth:`EventBus.publish`. Consumers read in a named group (each group sees every event of a
topic; within a group each event goes to one consumer), handle, then ack. Unacked deliveries are
handed out again by :meth:`EventBus.redeliver`, so handlers must be idempotent::

    bus = create_event_bus(settings.redis_url)        # None -> in-process, redis://… -> Streams
    await bus.publish(Event("character.xp_awarded", character_id, {"xp": 300}))

    deliveries = await bus.read(group="campaign-xp", consumer="campaign-1", block=1.0)
    await process_deliveries(bus, deliveries, handler, InMemoryProcessedEvents())
    # or simply: await run_consumer(bus, group=..., consumer=..., handler=..., processed=...)

* :class:`InMemoryEventBus` — the embedded default (one process).
* :class:`RedisStreamsEventBus` — Redis Streams with consumer groups (XADD / XREADGROUP / XACK /
  XAUTOCLAIM); malformed messages go to a dead-letter stream.
* :mod:`infra.bus.idempotency` — :func:`handle_once` with processed-id stores in memory or in
  the cache port.
"""

from infra.bus.consumer import consumer_name, process_deliveries, run_consumer
from infra.bus.event import (
    Event,
    EventDecodingError,
    EventEncodingError,
    decode_event,
    encode_event,
)
from infra.bus.factory import create_event_bus
from infra.bus.idempotency import (
    CacheProcessedEvents,
    Handler,
    InMemoryProcessedEvents,
    ProcessedEvents,
    handle_once,
)
from infra.bus.memory import InMemoryEventBus
from infra.bus.port import DEFAULT_TOPIC, Delivery, EventBus
from infra.bus.redis_streams import RedisStreamsEventBus

__all__ = [
    "DEFAULT_TOPIC",
    "CacheProcessedEvents",
    "Delivery",
    "Event",
    "EventBus",
    "EventDecodingError",
    "EventEncodingError",
    "Handler",
    "InMemoryEventBus",
    "InMemoryProcessedEvents",
    "ProcessedEvents",
    "RedisStreamsEventBus",
    "consumer_name",
    "create_event_bus",
    "decode_event",
    "encode_event",
    "handle_once",
    "process_deliveries",
    "run_consumer",
]
