"""Two replicas of the campaign service behind one PostgreSQL database and one Redis.

The distributed topology: a change made through one replica reaches a subscriber connected to
the other, through Redis Streams (the event bus) and Redis pub/sub (the fan-out).
"""

from __future__ import annotations

import asyncio
import uuid

import httpx
import orjson

from infra.cache import RedisCache
from subgraphs.campaign.live import channel
from tests.graph import BackgroundGraph
from tests.subgraphs.campaign.encounter_support import COMBAT_STATE, Table, combatant, step
from tests.subgraphs.campaign.live_support import (
    WAIT,
    campaign_service,
    next_state,
    state_where,
    subscriber,
)


async def test_a_change_on_one_replica_reaches_a_subscriber_on_another(
    postgres_url: str, redis_url: str, graph: BackgroundGraph
) -> None:
    env: dict[str, str | None] = {"CAMPAIGN_DATABASE_URL": postgres_url, "REDIS_URL": redis_url}
    async with (
        campaign_service(env, graph) as (first_url, _),
        campaign_service(env, graph) as (second_url, _),
        httpx.AsyncClient(base_url=first_url.removesuffix("/graphql"), timeout=30) as http,
    ):
        table = await Table.open(http, graph)
        fight = await table.encounter()
        fight = await table.add(fight, "Ettin", maxHp=85, initiative=6)

        watcher = await subscriber(second_url, table.player)
        operation = await watcher.subscribe(COMBAT_STATE, {"id": fight["id"]})
        assert (await next_state(watcher, operation))["version"] == fight["version"]

        # A listener of our own on the channel: the update really crosses Redis.
        spy = RedisCache.from_url(redis_url)
        try:
            async with spy.subscribe(channel(uuid.UUID(fight["id"]))) as messages:
                fight = await table.ok("applyDamage", **step(fight, "Ettin", amount=20))
                # Earlier changes' snapshots may still be on their way; the new one follows.
                async with asyncio.timeout(WAIT):
                    heard: list[int] = []
                    while fight["version"] not in heard:
                        heard.append(orjson.loads(await anext(messages))["version"])
        finally:
            await spy.close()

        update = await state_where(watcher, operation, lambda s: s["version"] == fight["version"])
        assert combatant(update, "Ettin")["currentHp"] == 65
        await watcher.close()
