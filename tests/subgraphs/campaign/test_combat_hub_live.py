"""The shared listener behind ``combatState``, over graphql-transport-ws on SQLite and
PostgreSQL: a player who leaves loses the stream while the game master on the same listener
goes on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.graph import BackgroundGraph
from tests.subgraphs.campaign.encounter_support import (
    COMBAT_STATE,
    LEAVE,
    Table,
    combatant,
    step,
)
from tests.subgraphs.campaign.live_support import WAIT, campaign_service, state_where, subscriber
from tests.support import gql


@pytest.fixture
async def table(database_url: str, graph: BackgroundGraph) -> AsyncIterator[tuple[str, Table]]:
    env: dict[str, str | None] = {"CAMPAIGN_DATABASE_URL": database_url, "REDIS_URL": None}
    async with campaign_service(env, graph) as (url, _):
        base = url.removesuffix("/graphql")
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            yield url, await Table.open(http, graph)


async def test_a_leaving_player_loses_the_stream_and_the_game_master_keeps_it(
    table: tuple[str, Table],
) -> None:
    url, party = table
    fight = await party.encounter()
    fight = await party.add(fight, "Goblin", maxHp=30, initiative=12)
    gm, player = await subscriber(url, party.gm), await subscriber(url, party.player)
    gm_op = await gm.subscribe(COMBAT_STATE, {"id": fight["id"]})
    player_op = await player.subscribe(COMBAT_STATE, {"id": fight["id"]})
    for client, op in ((gm, gm_op), (player, player_op)):
        await state_where(client, op, lambda s: s["version"] == fight["version"])

    left = await gql(party.http, LEAVE, {"input": {"campaignId": party.campaign_id}}, party.player)
    assert left["data"]["leaveCampaign"]["userErrors"] == []
    fight = await party.ok("applyDamage", **step(fight, "Goblin", amount=5))

    message = await asyncio.wait_for(player.receive(), WAIT)
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"], message
    hurt = await state_where(gm, gm_op, lambda s: s["version"] == fight["version"])
    assert combatant(hurt, "Goblin")["currentHp"] == 25
    # The listener outlives the player's subscription: the game master hears the next change.
    fight = await party.ok("applyDamage", **step(fight, "Goblin", amount=5))
    hurt = await state_where(gm, gm_op, lambda s: s["version"] == fight["version"])
    assert combatant(hurt, "Goblin")["currentHp"] == 20
    await gm.close()
    await player.close()
