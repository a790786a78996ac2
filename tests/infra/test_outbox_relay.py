"""Committed events reach the bus exactly once per outbox row, even when the bus fails."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from infra.bus import Event, EventBus, InMemoryEventBus, RedisStreamsEventBus
from infra.db.migrations import upgrade
from infra.db.outbox_relay import relay_once, run_relay
from subgraphs.character.app import MIGRATIONS
from subgraphs.character.models import OutboxEvent
from subgraphs.kit.runtime import Runtime
from tests.support import TokenFactory


@pytest.fixture
async def runtime(database_url: str) -> AsyncIterator[Runtime]:
    rt = Runtime.create("character", database_url, OutboxEvent, MIGRATIONS, TokenFactory().verifier)
    await upgrade(rt.engine, rt.migrations)
    yield rt
    await rt.engine.dispose()


@pytest.fixture(params=["memory", "redis"])
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[EventBus]:
    if request.param == "memory":
        yield InMemoryEventBus()
        return
    redis_url = request.getfixturevalue("redis_url")
    streams = RedisStreamsEventBus.from_url(redis_url, stream_prefix=f"test-{uuid.uuid4().hex}:")
    yield streams
    await streams.close()


class FlakyBus:
    """A bus that is down for the first ``failures`` publishes."""

    def __init__(self, inner: EventBus, failures: int) -> None:
        self.inner, self.failures = inner, failures

    async def publish(self, event: Event, **kwargs: str) -> str:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("bus unavailable")
        return await self.inner.publish(event, **kwargs)


async def _emit(runtime: Runtime, *types: str) -> list[uuid.UUID]:
    ids = []
    async with runtime.uow() as uow:
        for type in types:
            aggregate = uuid.uuid4()
            uow.emit(type, aggregate, {"n": type})
            ids.append(aggregate)
        await uow.commit()
    return ids


async def test_relay_publishes_in_order_and_marks_rows(runtime: Runtime, bus: EventBus) -> None:
    aggregates = await _emit(runtime, "a.happened", "b.happened")
    assert await relay_once(runtime.sessions, OutboxEvent, bus) == 2
    assert await relay_once(runtime.sessions, OutboxEvent, bus) == 0  # nothing published twice
    deliveries = await bus.read(group="test", consumer="c1", count=10)
    assert [d.event.type for d in deliveries] == ["a.happened", "b.happened"]
    assert [d.event.aggregate_id for d in deliveries] == aggregates
    async with runtime.sessions() as session:
        rows = (await session.execute(select(OutboxEvent))).scalars().all()
    assert {row.id for row in rows} == {d.event.id for d in deliveries}  # the event keeps its id
    assert all(row.published_at is not None for row in rows)


async def test_a_bus_outage_loses_nothing(runtime: Runtime, bus: EventBus) -> None:
    await _emit(runtime, "first", "second")
    flaky = FlakyBus(bus, failures=1)
    assert await relay_once(runtime.sessions, OutboxEvent, flaky) == 0  # type: ignore[arg-type]
    async with runtime.sessions() as session:
        pending = (await session.execute(select(OutboxEvent))).scalars().all()
    assert all(row.published_at is None for row in pending)
    assert max(row.attempts for row in pending) == 1
    assert await relay_once(runtime.sessions, OutboxEvent, flaky) == 2  # type: ignore[arg-type]
    deliveries = await bus.read(group="test", consumer="c1", count=10)
    assert [d.event.type for d in deliveries] == ["first", "second"]


async def test_the_relay_backs_off_while_the_bus_is_down_and_then_delivers(
    runtime: Runtime, bus: EventBus, caplog: pytest.LogCaptureFixture,
) -> None:
    await _emit(runtime, "during-outage")
    flaky = FlakyBus(bus, failures=4)
    relay = asyncio.create_task(
        run_relay(runtime.sessions, OutboxEvent, flaky, interval=0.01)  # type: ignore[arg-type]
    )
    try:
        deliveries: list[Any] = []
        for _ in range(500):
            deliveries = await bus.read(group="test", consumer="c1", count=10, block=0.01)
            if deliveries:
                break
    finally:
        relay.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await relay
    assert [d.event.type for d in deliveries] == ["during-outage"]
    warnings = [r for r in caplog.records if r.name == "dndcreator.outbox"]
    assert len(warnings) == 4  # one per failed round, each without a traceback
    assert all(r.levelname == "WARNING" and r.exc_info is None for r in warnings)
    waits = [float(r.args[-1]) for r in warnings]  # type: ignore[index,arg-type]
    assert all(later >= earlier for earlier, later in itertools.pairwise(waits))
    assert waits[-1] > waits[0]  # it waited longer each time
