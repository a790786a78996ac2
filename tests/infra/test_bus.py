"""The event bus contract, run against the in-process bus and Redis Streams."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import redis.asyncio as aioredis

from infra.bus import (
    CacheProcessedEvents,
    Event,
    EventBus,
    EventDecodingError,
    EventEncodingError,
    InMemoryEventBus,
    InMemoryProcessedEvents,
    ProcessedEvents,
    RedisStreamsEventBus,
    create_event_bus,
    decode_event,
    encode_event,
    handle_once,
    process_deliveries,
    run_consumer,
)
from infra.cache import MemoryCache, RedisCache
from tests.conftest import REDIS_HOST, REDIS_PORT, require_redis

REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/0"


async def _delete_keys(pattern: str) -> None:
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        keys = [key async for key in client.scan_iter(match=pattern)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@pytest.fixture
def prefix() -> str:
    return f"test:bus:{uuid.uuid4().hex}:"


@pytest.fixture(params=["memory", "redis"])
async def bus(request: pytest.FixtureRequest, prefix: str) -> AsyncIterator[EventBus]:
    adapter: EventBus
    if request.param == "redis":
        require_redis()
        adapter = RedisStreamsEventBus.from_url(REDIS_URL, stream_prefix=prefix)
    else:
        adapter = InMemoryEventBus()
    yield adapter
    await adapter.close()
    if request.param == "redis":
        await _delete_keys(prefix + "*")


def make_event(kind: str = "character.hp_changed", **payload: object) -> Event:
    return Event(kind, uuid.uuid4(), dict(payload) or {"hp": 7})


# -- publish / read / ack -------------------------------------------------------------------------


async def test_published_event_is_read_back_intact(bus: EventBus) -> None:
    event = make_event(hp=12, conditions=["poisoned"], nested={"a": [1, 2.5, None, True]})
    message_id = await bus.publish(event)
    [delivery] = await bus.read(group="g", consumer="c1")
    assert delivery.event == event
    assert delivery.message_id == message_id
    assert (delivery.topic, delivery.group) == ("domain", "g")


async def test_read_with_nothing_new_returns_empty(bus: EventBus) -> None:
    assert await bus.read(group="g", consumer="c1") == []
    assert await bus.read(group="g", consumer="c1", block=0.05) == []


async def test_blocking_read_wakes_up_on_publish(bus: EventBus) -> None:
    await bus.read(group="g", consumer="c1")  # make sure the group exists before waiting
    waiting = asyncio.create_task(bus.read(group="g", consumer="c1", block=10))
    await asyncio.sleep(0.05)
    event = make_event()
    await bus.publish(event)
    deliveries = await asyncio.wait_for(waiting, 10)
    assert [d.event.id for d in deliveries] == [event.id]


async def test_events_come_in_publish_order_and_respect_count(bus: EventBus) -> None:
    events = [make_event(n=n) for n in range(5)]
    for event in events:
        await bus.publish(event)
    first = await bus.read(group="g", consumer="c1", count=2)
    rest = await bus.read(group="g", consumer="c1", count=10)
    assert [d.event.id for d in first + rest] == [e.id for e in events]


async def test_every_group_sees_every_event(bus: EventBus) -> None:
    events = [make_event(n=n) for n in range(3)]
    for event in events:
        await bus.publish(event)
    for group in ("xp", "combat"):
        deliveries = await bus.read(group=group, consumer="c1")
        assert [d.event.id for d in deliveries] == [e.id for e in events]


async def test_consumers_of_one_group_share_the_work(bus: EventBus) -> None:
    events = [make_event(n=n) for n in range(4)]
    for event in events:
        await bus.publish(event)
    first = await bus.read(group="g", consumer="c1", count=2)
    second = await bus.read(group="g", consumer="c2", count=10)
    assert [d.event.id for d in first + second] == [e.id for e in events]
    assert await bus.read(group="g", consumer="c1") == []


async def test_group_created_late_starts_from_the_oldest_event(bus: EventBus) -> None:
    early = make_event()
    await bus.publish(early)
    await bus.read(group="first", consumer="c1")
    late = make_event()
    await bus.publish(late)
    deliveries = await bus.read(group="newcomer", consumer="c1")
    assert [d.event.id for d in deliveries] == [early.id, late.id]


async def test_topics_are_separate(bus: EventBus) -> None:
    combat, xp = make_event("combat.turn_started"), make_event("character.xp_awarded")
    await bus.publish(combat, topic="combat")
    await bus.publish(xp, topic="progress")
    [delivery] = await bus.read(group="g", consumer="c1", topic="combat")
    assert delivery.event.id == combat.id
    assert delivery.topic == "combat"
    [delivery] = await bus.read(group="g", consumer="c1", topic="progress")
    assert delivery.event.id == xp.id


async def test_ack_clears_pending(bus: EventBus) -> None:
    await bus.publish(make_event())
    await bus.publish(make_event())
    first, second = await bus.read(group="g", consumer="c1")
    assert await bus.pending_count(group="g") == 2
    await bus.ack(first)
    await bus.ack(first)  # acking twice is harmless
    assert await bus.pending_count(group="g") == 1
    await bus.ack(second)
    assert await bus.pending_count(group="g") == 0


async def test_payload_must_be_json(bus: EventBus) -> None:
    with pytest.raises(EventEncodingError, match="not JSON-serialisable"):
        await bus.publish(Event("x.y", uuid.uuid4(), {"when": object()}))
    assert await bus.read(group="g", consumer="c1") == []


async def test_payload_arrives_as_json_on_every_adapter(bus: EventBus) -> None:
    ref = uuid.uuid4()
    await bus.publish(Event("x.y", uuid.uuid4(), {"ref": ref, "t": (1, 2)}))
    [delivery] = await bus.read(group="g", consumer="c1")
    assert delivery.event.payload == {"ref": str(ref), "t": [1, 2]}


@pytest.mark.parametrize("count", [0, -1])
async def test_nonpositive_count_is_rejected(bus: EventBus, count: int) -> None:
    with pytest.raises(ValueError, match="count must be at least 1"):
        await bus.read(group="g", consumer="c1", count=count)
    with pytest.raises(ValueError, match="count must be at least 1"):
        await bus.redeliver(group="g", consumer="c1", count=count)


# -- redelivery -----------------------------------------------------------------------------------


async def test_unacked_event_is_redelivered_to_another_consumer(bus: EventBus) -> None:
    event = make_event()
    await bus.publish(event)
    [lost] = await bus.read(group="g", consumer="crashed")
    assert await bus.read(group="g", consumer="healthy") == []  # not handed out twice by read
    [again] = await bus.redeliver(group="g", consumer="healthy", min_idle=0)
    assert again.event == event
    assert again.message_id == lost.message_id
    await bus.ack(again)
    assert await bus.redeliver(group="g", consumer="healthy", min_idle=0) == []
    assert await bus.pending_count(group="g") == 0


async def test_recently_delivered_events_are_not_reclaimed(bus: EventBus) -> None:
    await bus.publish(make_event())
    await bus.read(group="g", consumer="busy")
    assert await bus.redeliver(group="g", consumer="other", min_idle=600) == []
    assert await bus.pending_count(group="g") == 1


async def test_acked_events_are_never_redelivered(bus: EventBus) -> None:
    await bus.publish(make_event())
    await bus.publish(make_event())
    done, open_ = await bus.read(group="g", consumer="c1")
    await bus.ack(done)
    [again] = await bus.redeliver(group="g", consumer="c2", min_idle=0)
    assert again.message_id == open_.message_id


async def test_redeliver_respects_count(bus: EventBus) -> None:
    for n in range(5):
        await bus.publish(make_event(n=n))
    await bus.read(group="g", consumer="c1")
    first = await bus.redeliver(group="g", consumer="c2", min_idle=0, count=3)
    assert len(first) == 3
    assert len({d.message_id for d in first}) == 3


# -- idempotent consumers -------------------------------------------------------------------------


class Recorder:
    """A handler that counts its effect per event, and can be told to fail a number of times."""

    def __init__(self, failures: int = 0) -> None:
        self.calls: list[uuid.UUID] = []
        self.handled: set[uuid.UUID] = set()
        self.failures_left = failures
        self.seen_all = asyncio.Event()
        self.expected = 0

    async def __call__(self, event: Event) -> None:
        self.calls.append(event.id)
        if self.failures_left:
            self.failures_left -= 1
            raise RuntimeError("simulated handler failure")
        self.handled.add(event.id)
        if len(self.handled) >= self.expected:
            self.seen_all.set()


async def test_duplicate_event_is_handled_once(bus: EventBus) -> None:
    event = make_event()
    await bus.publish(event)
    await bus.publish(event)  # e.g. the outbox relay retried after a lost reply
    handler, processed = Recorder(), InMemoryProcessedEvents()
    deliveries = await bus.read(group="g", consumer="c1")
    assert len(deliveries) == 2
    assert await process_deliveries(bus, deliveries, handler, processed) == 2
    assert handler.calls == [event.id]
    assert await bus.pending_count(group="g") == 0


async def test_failed_handler_leaves_event_for_redelivery(bus: EventBus) -> None:
    event = make_event()
    await bus.publish(event)
    handler, processed = Recorder(failures=1), InMemoryProcessedEvents()
    acked = await process_deliveries(
        bus, await bus.read(group="g", consumer="c1"), handler, processed
    )
    assert acked == 0
    assert await processed.contains(event.id) is False
    assert await bus.pending_count(group="g") == 1
    retry = await bus.redeliver(group="g", consumer="c1", min_idle=0)
    assert await process_deliveries(bus, retry, handler, processed) == 1
    assert handler.calls == [event.id, event.id]
    assert await bus.pending_count(group="g") == 0


async def test_crash_between_handling_and_ack_does_not_repeat_the_effect(bus: EventBus) -> None:
    event = make_event()
    await bus.publish(event)
    handler, processed = Recorder(), InMemoryProcessedEvents()
    [delivery] = await bus.read(group="g", consumer="crashed")
    await handle_once(delivery.event, handler, processed)  # ...and the process dies: no ack
    redelivered = await bus.redeliver(group="g", consumer="healthy", min_idle=0)
    assert await process_deliveries(bus, redelivered, handler, processed) == 1
    assert handler.calls == [event.id]
    assert await bus.pending_count(group="g") == 0


async def test_run_consumer_handles_retries_and_stops_on_cancel(bus: EventBus) -> None:
    events = [make_event(n=n) for n in range(3)]
    handler = Recorder(failures=1)
    handler.expected = len(events)
    task = asyncio.create_task(
        run_consumer(
            bus,
            group="g",
            consumer="c1",
            handler=handler,
            processed=InMemoryProcessedEvents(),
            block=0.05,
            reclaim_after=0,
        )
    )
    for event in events:
        await bus.publish(event)
    await asyncio.wait_for(handler.seen_all.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert handler.handled == {e.id for e in events}
    assert len(handler.calls) == len(events) + 1  # exactly the one failed attempt was retried
    assert await bus.pending_count(group="g") == 0


@pytest.fixture(params=["memory-set", "memory-cache", "redis-cache"])
async def processed(request: pytest.FixtureRequest, prefix: str) -> AsyncIterator[ProcessedEvents]:
    if request.param == "memory-set":
        yield InMemoryProcessedEvents()
    elif request.param == "memory-cache":
        yield CacheProcessedEvents(MemoryCache(), prefix + "group")
    else:
        require_redis()
        cache = RedisCache.from_url(REDIS_URL)
        yield CacheProcessedEvents(cache, prefix + "group")
        await cache.close()
        await _delete_keys(f"processed-event:{prefix}*")


async def test_processed_store_remembers_ids(processed: ProcessedEvents) -> None:
    event = make_event()
    handler = Recorder()
    assert await processed.contains(event.id) is False
    assert await handle_once(event, handler, processed) is True
    assert await handle_once(event, handler, processed) is False
    assert await processed.contains(event.id) is True
    assert await processed.contains(uuid.uuid4()) is False
    assert handler.calls == [event.id]


async def test_processed_store_does_not_record_failures(processed: ProcessedEvents) -> None:
    event = make_event()
    with pytest.raises(RuntimeError, match="simulated"):
        await handle_once(event, Recorder(failures=1), processed)
    assert await processed.contains(event.id) is False


async def test_cache_store_namespaces_by_group() -> None:
    cache = MemoryCache()
    xp, combat = CacheProcessedEvents(cache, "xp"), CacheProcessedEvents(cache, "combat")
    event_id = uuid.uuid4()
    await xp.add(event_id)
    assert await combat.contains(event_id) is False
    with pytest.raises(ValueError, match="namespace"):
        CacheProcessedEvents(cache, "")


async def test_in_memory_store_is_bounded() -> None:
    store = InMemoryProcessedEvents(capacity=2)
    ids = [uuid.uuid4() for _ in range(3)]
    for event_id in ids:
        await store.add(event_id)
    assert [await store.contains(i) for i in ids] == [False, True, True]


# -- adapter specifics ----------------------------------------------------------------------------


async def test_redis_malformed_message_goes_to_dead_letter(prefix: str) -> None:
    require_redis()
    bus = RedisStreamsEventBus.from_url(REDIS_URL, stream_prefix=prefix)
    raw = aioredis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        stream = bus.stream_name("domain")
        await raw.xadd(stream, {"type": "x.y", "payload": "{not json"})
        good = make_event()
        await bus.publish(good)
        deliveries = await bus.read(group="g", consumer="c1")
        assert [d.event.id for d in deliveries] == [good.id]
        assert await bus.pending_count(group="g") == 1  # only the good one awaits an ack
        [(_, parked)] = list(await raw.xrange(stream + ":dead-letter") or [])
        assert parked is not None
        assert parked["payload"] == "{not json"
        assert parked["dead_letter_group"] == "g"
    finally:
        await raw.aclose()
        await bus.close()
        await _delete_keys(prefix + "*")


async def test_redis_group_is_recreated_if_stream_was_deleted(prefix: str) -> None:
    require_redis()
    bus = RedisStreamsEventBus.from_url(REDIS_URL, stream_prefix=prefix)
    try:
        await bus.read(group="g", consumer="c1")
        await _delete_keys(prefix + "*")
        event = make_event()
        await bus.publish(event)
        [delivery] = await bus.read(group="g", consumer="c1")
        assert delivery.event.id == event.id
    finally:
        await bus.close()
        await _delete_keys(prefix + "*")


async def test_redis_bus_works_over_resp3(prefix: str) -> None:
    require_redis()
    client = aioredis.Redis.from_url(REDIS_URL, decode_responses=True, protocol=3)
    bus = RedisStreamsEventBus(client, stream_prefix=prefix)
    try:
        event = make_event()
        await bus.publish(event)
        [delivery] = await bus.read(group="g", consumer="c1")
        assert delivery.event == event
        [again] = await bus.redeliver(group="g", consumer="c2", min_idle=0)
        assert again.event == event
        assert await bus.pending_count(group="g") == 1
    finally:
        await bus.close()
        await _delete_keys(prefix + "*")


async def test_memory_bus_trims_old_events() -> None:
    bus = InMemoryEventBus(maxlen=2)
    events = [make_event(n=n) for n in range(3)]
    for event in events:
        await bus.publish(event)
    deliveries = await bus.read(group="g", consumer="c1")
    assert [d.event.id for d in deliveries] == [e.id for e in events[1:]]


async def test_memory_bus_idle_time_follows_its_clock() -> None:
    now = [100.0]
    bus = InMemoryEventBus(clock=lambda: now[0])
    await bus.publish(make_event())
    await bus.read(group="g", consumer="c1")
    assert await bus.redeliver(group="g", consumer="c2", min_idle=30) == []
    now[0] += 31
    assert len(await bus.redeliver(group="g", consumer="c2", min_idle=30)) == 1
    # Claiming resets the idle time, so a second consumer cannot grab it straight away.
    assert await bus.redeliver(group="g", consumer="c3", min_idle=30) == []


# -- events and factory ---------------------------------------------------------------------------


def test_event_codec_roundtrip() -> None:
    event = Event("campaign.session_ended", uuid.uuid4(), {"xp": 300, "players": ["a", "b"]})
    assert decode_event(encode_event(event)) == event
    as_bytes = {k.encode(): v.encode() for k, v in encode_event(event).items()}
    assert decode_event(as_bytes) == event


def _fields(**overrides: str) -> dict[str, str]:
    """Well-formed stream fields of an event, with some replaced."""
    return {**encode_event(make_event()), **overrides}


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"type": "x.y", "payload": "{}"},
        _fields(id="nope"),
        _fields(aggregate_id="42"),
        _fields(payload="[1]"),
        _fields(payload="{not json"),
        _fields(occurred_at="yesterday"),
        _fields(occurred_at="2026-01-01T00:00:00"),  # no timezone
        _fields(type=""),
    ],
)
def test_malformed_event_fields_are_rejected(fields: dict[str, str]) -> None:
    with pytest.raises(EventDecodingError, match="malformed event message"):
        decode_event(fields)


def test_event_validates_its_fields() -> None:
    with pytest.raises(ValueError, match="non-empty string"):
        Event(" ", uuid.uuid4())
    with pytest.raises(TypeError, match=r"uuid\.UUID"):
        Event("x.y", "not-a-uuid")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timezone-aware"):
        Event("x.y", uuid.uuid4(), occurred_at=datetime(2026, 1, 1))
    assert Event("x.y", uuid.uuid4()).occurred_at.tzinfo is UTC


def test_factory_picks_adapter_by_url() -> None:
    assert isinstance(create_event_bus(None), InMemoryEventBus)
    assert isinstance(create_event_bus("memory://"), InMemoryEventBus)
    assert isinstance(create_event_bus("redis://127.0.0.1:6379/0"), RedisStreamsEventBus)
    with pytest.raises(ValueError, match="unsupported event bus URL scheme 'kafka'"):
        create_event_bus("kafka://127.0.0.1:9092")
