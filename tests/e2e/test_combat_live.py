"""Live combat through the whole embedded stack: a subscriber on the router sees a damage
mutation's result, with the character's name filled in by the character subgraph.

The path: router WebSocket -> campaign subgraph subscription (graphql-transport-ws) fed by
outbox -> event bus -> the campaign's consumer -> pub/sub; each event is completed by the
router with an entity fetch to the character subgraph.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from infra.demo import DEMO_PASSWORD, GAME_MASTER, PLAYER
from infra.stack import Stack
from tests.e2e.isolated import isolated_stack
from tests.subgraphs.campaign.live_support import next_state, state_where, subscriber

pytestmark = pytest.mark.asyncio(loop_scope="module")

COMBAT_STATE = """
subscription($id: ID!) {
  combatState(encounterId: $id) {
    version round
    currentCombatant { name }
    combatants { id name currentHp hidden character { id name level } }
  }
}"""
ENCOUNTERS = """{
  campaigns(first: 5) {
    edges { node { name encounters(first: 5) { edges { node { id name version } } } } }
  }
}"""
DAMAGE = """mutation($i: HitPointsInput!) {
  applyDamage(input: $i) { encounter { version } userErrors { path code message } }
}"""


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with isolated_stack(tmp_path_factory.mktemp("var"), demo=True) as running:
        yield running


async def _post(stack: Stack, query: str, variables: dict[str, Any], token: str) -> Any:
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            stack.router_url,
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


async def _token(stack: Stack, account: dict[str, str]) -> str:
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            stack.router_url,
            json={
                "query": "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
                "variables": {"i": {"email": account["email"], "password": DEMO_PASSWORD}},
            },
        )
    token: str = response.json()["data"]["login"]["accessToken"]
    return token


async def test_a_subscriber_on_the_router_sees_damage_with_the_characters_name(
    stack: Stack,
) -> None:
    game_master, player = await _token(stack, GAME_MASTER), await _token(stack, PLAYER)
    campaigns = (await _post(stack, ENCOUNTERS, {}, game_master))["campaigns"]["edges"]
    court = next(e["node"] for e in campaigns if e["node"]["name"] == "The Mirror Court")
    encounter = court["encounters"]["edges"][0]["node"]
    assert encounter["name"] == "Ambush in the Hall of Mirrors"

    watcher = await subscriber(stack.router_url, {"Authorization": f"Bearer {player}"})
    operation = await watcher.subscribe(COMBAT_STATE, {"id": encounter["id"]})
    first = await next_state(watcher, operation)
    assert first["version"] == encounter["version"]
    # The player sees neither the secret double nor that it acts now.
    assert [c["name"] for c in first["combatants"]] == ["Seraphine Vael", "Goblin Sneak"]
    seraphine = first["combatants"][0]
    assert seraphine["character"]["name"] == "Seraphine Vael"  # from the character subgraph
    assert seraphine["character"]["level"] == 5
    assert first["combatants"][1]["character"] is None

    hit = await _post(
        stack,
        DAMAGE,
        {
            "i": {
                "encounterId": encounter["id"],
                "expectedVersion": encounter["version"],
                "combatantId": seraphine["id"],
                "amount": 9,
            }
        },
        game_master,
    )
    assert hit["applyDamage"]["userErrors"] == []
    version = hit["applyDamage"]["encounter"]["version"]

    update = await state_where(watcher, operation, lambda s: s["version"] == version)
    hurt = update["combatants"][0]
    assert (hurt["name"], hurt["currentHp"]) == ("Seraphine Vael", seraphine["currentHp"] - 9)
    assert hurt["character"] == seraphine["character"]  # enriched again for this event
    await watcher.close()


async def test_a_stranger_cannot_watch(stack: Stack) -> None:
    game_master = await _token(stack, GAME_MASTER)
    campaigns = (await _post(stack, ENCOUNTERS, {}, game_master))["campaigns"]["edges"]
    encounter_id = campaigns[0]["node"]["encounters"]["edges"][0]["node"]["id"]
    async with httpx.AsyncClient(timeout=30) as http:
        registered = await http.post(
            stack.router_url,
            json={
                "query": "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
                "variables": {
                    "i": {
                        "email": "stranger@example.test",
                        "displayName": "Stranger",
                        "password": "a-long-enough-password",
                    }
                },
            },
        )
    stranger = registered.json()["data"]["register"]["accessToken"]
    watcher = await subscriber(stack.router_url, {"Authorization": f"Bearer {stranger}"})
    operation = await watcher.subscribe(COMBAT_STATE, {"id": encounter_id})
    message = await watcher.receive()
    assert message["id"] == operation
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"], message
    await watcher.close()


def readme_subscription() -> str:
    """The README's live-combat example, as a newcomer would paste it into GraphiQL."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    blocks: list[str] = re.findall(r"```graphql\n(.*?)```", readme, re.DOTALL)
    [example] = [block for block in blocks if block.lstrip().startswith("subscription")]
    return example


async def test_the_readme_subscription_shows_the_demo_fight(stack: Stack) -> None:
    game_master = await _token(stack, GAME_MASTER)
    campaigns = (await _post(stack, ENCOUNTERS, {}, game_master))["campaigns"]["edges"]
    court = next(e["node"] for e in campaigns if e["node"]["name"] == "The Mirror Court")
    encounter_id = court["encounters"]["edges"][0]["node"]["id"]

    watcher = await subscriber(stack.router_url, {"Authorization": f"Bearer {game_master}"})
    operation = await watcher.subscribe(readme_subscription(), {"id": encounter_id})
    state = await next_state(watcher, operation)
    await watcher.close()
    names = [c["name"] for c in state["combatants"]]
    assert "The Mirror Double" in names  # the game master sees the hidden combatant
    characters = [c["character"]["name"] for c in state["combatants"] if c["character"]]
    assert characters == ["Seraphine Vael"]  # filled in by the character subgraph
    assert state["round"] >= 1 and state["currentCombatant"]["name"] in names
