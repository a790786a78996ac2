"""Operations and helpers shared by the encounter tests."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.graph import BackgroundGraph
from tests.support import gql

ENCOUNTER_FIELDS = """
  id campaignId name status round version
  currentCombatant { id name }
  combatants {
    id name kind initiative currentHp maxHp tempHp conditions hidden down creatureSlug
    deathSaves { successes failures stable dead }
    character { id }
  }
"""
PAYLOAD = f"encounter {{ {ENCOUNTER_FIELDS} }} userErrors {{ path code message }}"
CREATE_CAMPAIGN = """
mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } } }"""
JOIN = """
mutation($input: JoinCampaignInput!) { joinCampaign(input: $input) { userErrors { code } } }"""
LEAVE = """
mutation($input: LeaveCampaignInput!) { leaveCampaign(input: $input) { userErrors { code } } }"""
ONE = f"query($id: ID!) {{ encounter(id: $id) {{ {ENCOUNTER_FIELDS} }} }}"
COMBAT_STATE = f"""
subscription($id: ID!) {{ combatState(encounterId: $id) {{ {ENCOUNTER_FIELDS} }} }}"""
MUTATIONS = {
    name: f"mutation($input: {kind}!) {{ {name}(input: $input) {{ {PAYLOAD} }} }}"
    for name, kind in {
        "createEncounter": "CreateEncounterInput",
        "addCombatant": "AddCombatantInput",
        "removeCombatant": "CombatantInput",
        "setInitiative": "SetInitiativeInput",
        "startEncounter": "EncounterInput",
        "nextTurn": "EncounterInput",
        "applyDamage": "HitPointsInput",
        "applyHealing": "HitPointsInput",
        "grantTemporaryHitPoints": "HitPointsInput",
        "addCondition": "ConditionInput",
        "removeCondition": "ConditionInput",
        "setCombatantHidden": "CombatantVisibilityInput",
        "rollDeathSave": "DeathSaveInput",
        "endEncounter": "EncounterInput",
    }.items()
}


class Table:
    """A campaign with a game master and one player, seen through one subgraph client."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        gm: dict[str, str],
        player: dict[str, str],
        campaign_id: str,
        character_id: str,
    ) -> None:
        self.http, self.gm, self.player = http, gm, player
        self.campaign_id, self.character_id = campaign_id, character_id

    @classmethod
    async def open(cls, http: httpx.AsyncClient, graph: BackgroundGraph) -> Table:
        """A new campaign run by a new game master, with a new player who brought a character
        of their own (created at ``graph``'s character service, which the campaign asks)."""
        player_id = uuid.uuid4()
        gm, player = graph.tokens.headers(), graph.tokens.headers(player_id)
        created = await gql(
            http, CREATE_CAMPAIGN, {"input": {"name": "Mirror Court", "type": "ANTITHETICON"}}, gm
        )
        campaign_id = created["data"]["createCampaign"]["campaign"]["id"]
        character_id = await graph.character(player_id, "Seraphine")
        joined = await gql(
            http, JOIN, {"input": {"campaignId": campaign_id, "characterId": character_id}}, player
        )
        assert joined["data"]["joinCampaign"]["userErrors"] == []
        return cls(http, gm, player, campaign_id, character_id)

    async def call(
        self, name: str, input: dict[str, Any], viewer: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """The whole response of mutation ``name`` (data and errors)."""
        return await gql(self.http, MUTATIONS[name], {"input": input}, viewer or self.gm)

    async def ok(self, name: str, /, **input: Any) -> dict[str, Any]:
        """Mutation ``name`` as the game master; must succeed; the encounter after it."""
        body = await self.call(name, input)
        assert "errors" not in body, body["errors"]
        payload = body["data"][name]
        assert payload["userErrors"] == [], payload["userErrors"]
        encounter: dict[str, Any] = payload["encounter"]
        return encounter

    async def errors(self, name: str, /, **input: Any) -> set[tuple[tuple[str, ...], str]]:
        body = await self.call(name, input)
        assert "errors" not in body, body["errors"]
        payload = body["data"][name]
        assert payload["encounter"] is None
        return {(tuple(e["path"]), e["code"]) for e in payload["userErrors"]}

    async def encounter(self, **fields: Any) -> dict[str, Any]:
        return await self.ok(
            "createEncounter", campaignId=self.campaign_id, name="Ambush", **fields
        )

    async def add(self, encounter: dict[str, Any], name: str, /, **fields: Any) -> dict[str, Any]:
        fields.setdefault("kind", "CREATURE")
        fields.setdefault("maxHp", 10)
        return await self.ok(
            "addCombatant",
            encounterId=encounter["id"],
            expectedVersion=encounter["version"],
            name=name,
            **fields,
        )

    async def seen(self, encounter_id: str, viewer: dict[str, str]) -> dict[str, Any] | None:
        body = await gql(self.http, ONE, {"id": encounter_id}, viewer)
        assert "errors" not in body, body["errors"]
        seen: dict[str, Any] | None = body["data"]["encounter"]
        return seen


def combatant(encounter: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in encounter["combatants"] if c["name"] == name)
    return found


def step(encounter: dict[str, Any], who: str | None = None, **fields: Any) -> dict[str, Any]:
    """The input of a change to ``encounter`` (and to its combatant ``who``)."""
    base: dict[str, Any] = {"encounterId": encounter["id"], "expectedVersion": encounter["version"]}
    if who is not None:
        base["combatantId"] = combatant(encounter, who)["id"]
    return base | fields
