"""``combatState`` at the campaign subgraph over graphql-transport-ws, on SQLite and PostgreSQL.

Every update travels the production path: outbox, relay, event bus, the service's consumer,
the cache's pub/sub channel, the subscription.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.graph import BackgroundGraph
from tests.subgraphs.campaign.encounter_support import COMBAT_STATE, Table, combatant, step
from tests.subgraphs.campaign.live_support import (
    campaign_service,
    next_state,
    state_where,
    subscriber,
)
from tests.support import TokenFactory

Service = tuple[str, TokenFactory, Table]


@pytest.fixture
async def service(database_url: str, graph: BackgroundGraph) -> AsyncIterator[Service]:
    env: dict[str, str | None] = {"CAMPAIGN_DATABASE_URL": database_url, "REDIS_URL": None}
    async with (
        campaign_service(env, graph) as (url, tokens),
        httpx.AsyncClient(base_url=url.removesuffix("/graphql"), timeout=30) as http,
    ):
        yield url, tokens, await Table.open(http, graph)


async def prepared(table: Table) -> dict[str, Any]:
    fight = await table.encounter()
    fight = await table.add(fight, "Goblin", maxHp=7, initiative=12)
    fight = await table.add(fight, "Doppelganger", maxHp=52, initiative=14, hidden=True)
    return await table.add(
        fight,
        "Seraphine",
        kind="PLAYER_CHARACTER",
        characterId=table.character_id,
        maxHp=20,
        initiative=17,
    )


async def test_members_see_the_state_then_every_change(service: Service) -> None:
    url, _, table = service
    fight = await prepared(table)
    gm, player = await subscriber(url, table.gm), await subscriber(url, table.player)
    gm_op = await gm.subscribe(COMBAT_STATE, {"id": fight["id"]})
    player_op = await player.subscribe(COMBAT_STATE, {"id": fight["id"]})

    # First, the state as it is.
    first = await next_state(gm, gm_op)
    assert (first["version"], first["status"]) == (fight["version"], "PREPARING")
    assert [c["name"] for c in first["combatants"]] == ["Seraphine", "Doppelganger", "Goblin"]
    seen = await next_state(player, player_op)
    assert [c["name"] for c in seen["combatants"]] == ["Seraphine", "Goblin"]
    assert combatant(seen, "Seraphine")["character"] == {"id": table.character_id}

    # Then each change, in order, to both of them.
    fight = await table.ok("startEncounter", **step(fight))
    fight = await table.ok("applyDamage", **step(fight, "Goblin", amount=4))
    fight = await table.ok("applyDamage", **step(fight, "Doppelganger", amount=9))
    for client, op in ((gm, gm_op), (player, player_op)):
        started = await next_state(client, op)
        assert (started["status"], started["round"]) == ("ACTIVE", 1)
        assert started["currentCombatant"]["name"] == "Seraphine"
        hit = await next_state(client, op)
        assert combatant(hit, "Goblin")["currentHp"] == 3
    # The game master sees the secret combatant hurt.
    secret = await next_state(gm, gm_op)
    assert secret["version"] == fight["version"]
    assert combatant(secret, "Doppelganger")["currentHp"] == 43
    # The player does not even learn that something happened: the next thing they see is the
    # next visible change.
    fight = await table.ok("addCondition", **step(fight, "Goblin", condition="PRONE"))
    for client, op in ((gm, gm_op), (player, player_op)):
        prone = await next_state(client, op)
        assert prone["version"] == fight["version"]
        assert combatant(prone, "Goblin")["conditions"] == ["PRONE"]
    assert [c["name"] for c in prone["combatants"]] == ["Seraphine", "Goblin"]
    assert not any(c["hidden"] for c in prone["combatants"])

    # Unmasked, the double appears in the player's stream, wounds and all.
    fight = await table.ok("setCombatantHidden", **step(fight, "Doppelganger", hidden=False))
    unmasked = await next_state(player, player_op)
    assert unmasked["version"] == fight["version"]
    assert combatant(unmasked, "Doppelganger")["currentHp"] == 43
    assert (await next_state(gm, gm_op))["version"] == fight["version"]

    # Ending the encounter ends the stream.
    await table.ok("endEncounter", **step(fight))
    for client, op in ((gm, gm_op), (player, player_op)):
        ended = await state_where(client, op, lambda s: s["status"] == "ENDED")
        assert ended["currentCombatant"] is None
        assert await client.receive() == {"id": op, "type": "complete"}
        await client.close()


async def test_outsiders_get_nothing(service: Service) -> None:
    url, tokens, table = service
    fight = await prepared(table)
    for headers, code in ((tokens.headers(), "NOT_FOUND"), (None, "UNAUTHENTICATED")):
        client = await subscriber(url, headers)
        operation = await client.subscribe(COMBAT_STATE, {"id": fight["id"]})
        message = await client.receive()
        assert message["id"] == operation
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert [e["extensions"]["code"] for e in errors] == [code], message
        assert "data" not in message["payload"] or message["payload"]["data"] is None
        await client.close()


async def test_a_player_who_leaves_stops_receiving(service: Service) -> None:
    url, _, table = service
    fight = await prepared(table)
    player = await subscriber(url, table.player)
    operation = await player.subscribe(COMBAT_STATE, {"id": fight["id"]})
    await next_state(player, operation)
    left = await table.http.post(
        "/graphql",
        json={
            "query": "mutation($i: LeaveCampaignInput!) "
            "{ leaveCampaign(input: $i) { campaignId } }",
            "variables": {"i": {"campaignId": table.campaign_id}},
        },
        headers=table.player,
    )
    assert left.json()["data"]["leaveCampaign"]["campaignId"] == table.campaign_id
    await table.ok("applyDamage", **step(fight, "Goblin", amount=1))
    message = await asyncio.wait_for(player.receive(), 10)
    assert message["type"] in {"next", "error"}, message
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]
    await player.close()
