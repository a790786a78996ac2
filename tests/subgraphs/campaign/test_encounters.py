"""Encounters over HTTP at the campaign subgraph, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from infra.db.engine import create_engine
from subgraphs.campaign.app import build
from subgraphs.campaign.models import CombatantRow, OutboxEvent
from tests.catalog.srd_files import real_srd_dir
from tests.graph import BackgroundGraph
from tests.subgraphs.campaign.encounter_support import Table, combatant, step
from tests.subgraphs.harness import serve_subgraph
from tests.support import TokenFactory, gql, subject_of

# A homebrew creature's mechanics, as the catalog checks them.
CONSTRUCT = {
    "size": "medium",
    "creature_type": "construct",
    "armor_class": 15,
    "hit_dice_count": 6,
    "hit_die": 8,
    "speeds": {"walk": 30},
    "ability_scores": {"str": 16, "dex": 10, "con": 14, "int": 3, "wis": 10, "cha": 1},
    "challenge_rating": 2,
}
CAMPAIGN_ENCOUNTERS = """
query($id: ID!, $first: Int!, $after: String) {
  campaign(id: $id) {
    encounters(first: $first, after: $after) {
      edges { cursor node { name combatants { name } } } pageInfo { hasNextPage endCursor }
    }
  }
}"""


@dataclass
class Served:
    table: Table
    tokens: TokenFactory
    database_url: str

    async def scalar(self, statement: Any) -> Any:
        engine = create_engine(self.database_url)
        try:
            async with engine.connect() as connection:
                return (await connection.execute(statement)).scalar_one()
        finally:
            await engine.dispose()

    async def events(self, encounter_id: str) -> list[str]:
        engine = create_engine(self.database_url)
        try:
            async with engine.connect() as connection:
                rows = await connection.execute(
                    select(OutboxEvent.type)
                    .where(OutboxEvent.aggregate_id == uuid.UUID(encounter_id))
                    .order_by(OutboxEvent.created_at)
                )
                return [row[0] for row in rows]
        finally:
            await engine.dispose()


@pytest.fixture
async def served(database_url: str, graph: BackgroundGraph) -> AsyncIterator[Served]:
    env = {"CAMPAIGN_DATABASE_URL": database_url}
    async with serve_subgraph(build, env, graph=graph) as (http, tokens):
        table = await Table.open(http, graph)
        yield Served(table, tokens, database_url)


async def test_a_fight_from_preparation_to_its_end(served: Served) -> None:
    table = served.table
    fight = await table.encounter()
    assert (fight["status"], fight["round"], fight["version"]) == ("PREPARING", 0, 1)
    assert fight["campaignId"] == table.campaign_id and fight["combatants"] == []

    fight = await table.add(
        fight, "Goblin", initiative=12, maxHp=7, creatureSlug="creature/goblin-warrior"
    )
    fight = await table.add(
        fight,
        "Seraphine",
        kind="PLAYER_CHARACTER",
        characterId=table.character_id,
        maxHp=20,
        currentHp=15,
        tempHp=3,
    )
    fight = await table.add(fight, "The Double", kind="NPC", initiative=15, hidden=True)
    assert fight["version"] == 4
    # Who has not rolled goes last.
    assert [c["name"] for c in fight["combatants"]] == ["The Double", "Goblin", "Seraphine"]
    seraphine = combatant(fight, "Seraphine")
    assert seraphine["character"] == {"id": table.character_id}
    assert (seraphine["currentHp"], seraphine["maxHp"], seraphine["tempHp"]) == (15, 20, 3)
    assert combatant(fight, "Goblin")["character"] is None

    fight = await table.ok("setInitiative", **step(fight, "Seraphine", initiative=18))
    assert [c["name"] for c in fight["combatants"]] == ["Seraphine", "The Double", "Goblin"]
    fight = await table.ok("startEncounter", **step(fight))
    assert (fight["status"], fight["round"]) == ("ACTIVE", 1)
    assert fight["currentCombatant"]["name"] == "Seraphine"

    fight = await table.ok("nextTurn", **step(fight))
    assert fight["currentCombatant"]["name"] == "The Double"
    # The players see neither the hidden combatant nor that it is acting.
    seen = await table.seen(fight["id"], table.player)
    assert seen is not None
    assert [c["name"] for c in seen["combatants"]] == ["Seraphine", "Goblin"]
    assert seen["currentCombatant"] is None

    fight = await table.ok("nextTurn", **step(fight))
    fight = await table.ok("nextTurn", **step(fight))
    assert (fight["round"], fight["currentCombatant"]["name"]) == (2, "Seraphine")

    fight = await table.ok("applyDamage", **step(fight, "Seraphine", amount=5))
    assert (
        combatant(fight, "Seraphine")["currentHp"],
        combatant(fight, "Seraphine")["tempHp"],
    ) == (
        13,
        0,
    )
    fight = await table.ok("applyHealing", **step(fight, "Seraphine", amount=50))
    assert combatant(fight, "Seraphine")["currentHp"] == 20
    fight = await table.ok("applyDamage", **step(fight, "Goblin", amount=30))
    goblin = combatant(fight, "Goblin")
    assert (goblin["currentHp"], goblin["down"]) == (0, True)

    fight = await table.ok("addCondition", **step(fight, "Goblin", condition="PRONE"))
    fight = await table.ok("addCondition", **step(fight, "Goblin", condition="BLINDED"))
    assert combatant(fight, "Goblin")["conditions"] == ["BLINDED", "PRONE"]
    fight = await table.ok("removeCondition", **step(fight, "Goblin", condition="PRONE"))
    assert combatant(fight, "Goblin")["conditions"] == ["BLINDED"]

    fight = await table.ok("endEncounter", **step(fight))
    assert (fight["status"], fight["currentCombatant"]) == ("ENDED", None)
    assert await table.errors("nextTurn", **step(fight)) == {
        (("input", "encounterId"), "ENCOUNTER_ENDED")
    }

    # One event per change, each in the transaction of its change.
    assert await served.events(fight["id"]) == [
        "encounter.created",
        "encounter.combatant_added",
        "encounter.combatant_added",
        "encounter.combatant_added",
        "encounter.initiative_set",
        "encounter.started",
        "encounter.turn_advanced",
        "encounter.turn_advanced",
        "encounter.turn_advanced",
        "encounter.damage_applied",
        "encounter.healing_applied",
        "encounter.damage_applied",
        "encounter.condition_added",
        "encounter.condition_added",
        "encounter.condition_removed",
        "encounter.ended",
    ]
    assert fight["version"] == 16


async def test_removing_the_acting_combatant_passes_the_turn_and_keeps_the_row(
    served: Served,
) -> None:
    table = served.table
    fight = await table.encounter()
    for name, roll in (("A", 20), ("B", 10), ("C", 5)):
        fight = await table.add(fight, name, initiative=roll)
    fight = await table.ok("startEncounter", **step(fight))
    fight = await table.ok("nextTurn", **step(fight))
    removed = combatant(fight, "B")["id"]
    fight = await table.ok("removeCombatant", **step(fight, "B"))
    assert [c["name"] for c in fight["combatants"]] == ["A", "C"]
    assert (fight["round"], fight["currentCombatant"]["name"]) == (1, "C")
    # The last in the order leaves on its turn: the next round begins.
    fight = await table.ok("removeCombatant", **step(fight, "C"))
    assert (fight["round"], fight["currentCombatant"]["name"]) == (2, "A")

    row = await served.scalar(select(CombatantRow).where(CombatantRow.id == uuid.UUID(removed)))
    assert row is not None
    deleted = await served.scalar(
        select(CombatantRow.is_deleted).where(CombatantRow.id == uuid.UUID(removed))
    )
    assert deleted is True
    assert await table.errors("applyDamage", **step(fight, amount=1, combatantId=removed)) == {
        (("input", "combatantId"), "COMBATANT_NOT_FOUND")
    }


async def test_who_may_see_and_change_an_encounter(served: Served) -> None:
    table, tokens = served.table, served.tokens
    stranger = tokens.headers()
    fight = await table.encounter()
    fight = await table.add(fight, "Spy", hidden=True)
    fight = await table.add(fight, "Guard")

    assert [c["name"] for c in (await table.seen(fight["id"], table.gm) or {})["combatants"]] == [
        "Spy",
        "Guard",
    ]
    assert [
        c["name"] for c in (await table.seen(fight["id"], table.player) or {})["combatants"]
    ] == ["Guard"]
    assert await table.seen(fight["id"], stranger) is None
    assert await table.seen(str(uuid.uuid4()), table.gm) is None

    # A player is a member: told it is not theirs to change.
    body = await table.call("applyDamage", step(fight, "Guard", amount=3), table.player)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await table.call(
        "createEncounter", {"campaignId": table.campaign_id, "name": "Mine"}, table.player
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # A stranger is not: for them the encounter does not exist.
    body = await table.call("applyDamage", step(fight, "Guard", amount=3), stranger)
    assert body["data"]["applyDamage"]["userErrors"][0]["code"] == "NOT_FOUND"
    body = await table.call(
        "createEncounter", {"campaignId": table.campaign_id, "name": "X"}, stranger
    )
    assert body["data"]["createEncounter"]["userErrors"][0]["code"] == "NOT_FOUND"

    after = await table.seen(fight["id"], table.gm)
    assert after is not None and after["version"] == fight["version"]
    assert combatant(after, "Guard")["currentHp"] == 10

    # A player who leaves the campaign no longer sees its encounters.
    left = await gql(
        table.http, LEAVE_QUERY, {"input": {"campaignId": table.campaign_id}}, table.player
    )
    assert left["data"]["leaveCampaign"]["userErrors"] == []
    assert await table.seen(fight["id"], table.player) is None


async def test_revealing_a_hidden_combatant_shows_it_to_the_players(served: Served) -> None:
    table = served.table
    fight = await table.encounter()
    fight = await table.add(fight, "Double", hidden=True)
    fight = await table.add(fight, "Guard")

    # Only the game master may unmask; a player's attempt changes nothing.
    body = await table.call("setCombatantHidden", step(fight, "Double", hidden=False), table.player)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    seen = await table.seen(fight["id"], table.player)
    assert seen is not None and [c["name"] for c in seen["combatants"]] == ["Guard"]

    revealed = await table.ok("setCombatantHidden", **step(fight, "Double", hidden=False))
    assert combatant(revealed, "Double")["hidden"] is False
    assert revealed["version"] > fight["version"]
    seen = await table.seen(fight["id"], table.player)
    assert seen is not None and {c["name"] for c in seen["combatants"]} == {"Double", "Guard"}
    assert (await served.events(fight["id"]))[-1] == "encounter.combatant_revealed"

    # Revealing twice is a mistake worth naming, and it changes nothing.
    assert await table.errors("setCombatantHidden", **step(revealed, "Double", hidden=False)) == {
        (("input", "hidden"), "ALREADY_VISIBLE")
    }
    hidden_again = await table.ok("setCombatantHidden", **step(revealed, "Double", hidden=True))
    seen = await table.seen(fight["id"], table.player)
    assert seen is not None and [c["name"] for c in seen["combatants"]] == ["Guard"]
    assert hidden_again["version"] > revealed["version"]


LEAVE_QUERY = """
mutation($input: LeaveCampaignInput!) { leaveCampaign(input: $input) { userErrors { code } } }"""


async def test_campaign_encounters_is_a_connection_without_hidden_combatants(
    served: Served,
) -> None:
    table = served.table
    for name in ("First", "Second", "Third"):
        fight = await table.ok("createEncounter", campaignId=table.campaign_id, name=name)
    await table.add(fight, "Lurker", hidden=True)

    page = await gql(
        table.http, CAMPAIGN_ENCOUNTERS, {"id": table.campaign_id, "first": 2}, table.gm
    )
    connection = page["data"]["campaign"]["encounters"]
    assert [e["node"]["name"] for e in connection["edges"]] == ["First", "Second"]
    assert connection["pageInfo"]["hasNextPage"] is True
    rest = await gql(
        table.http,
        CAMPAIGN_ENCOUNTERS,
        {"id": table.campaign_id, "first": 2, "after": connection["pageInfo"]["endCursor"]},
        table.gm,
    )
    edges = rest["data"]["campaign"]["encounters"]["edges"]
    assert [(e["node"]["name"], e["node"]["combatants"]) for e in edges] == [
        ("Third", [{"name": "Lurker"}])
    ]
    as_player = await gql(
        table.http, CAMPAIGN_ENCOUNTERS, {"id": table.campaign_id, "first": 5}, table.player
    )
    nodes = [e["node"] for e in as_player["data"]["campaign"]["encounters"]["edges"]]
    assert nodes[-1] == {"name": "Third", "combatants": []}


async def test_a_stale_version_changes_nothing(served: Served) -> None:
    table = served.table
    fight = await table.encounter()
    fight = await table.add(fight, "Ogre", maxHp=59)
    stale = dict(fight, version=fight["version"] - 1)
    assert await table.errors("applyDamage", **step(stale, "Ogre", amount=10)) == {
        (("input", "expectedVersion"), "VERSION_CONFLICT")
    }
    assert await table.errors("addCombatant", **step(stale), name="Late", kind="NPC", maxHp=4) == {
        (("input", "expectedVersion"), "VERSION_CONFLICT")
    }
    after = await table.seen(fight["id"], table.gm)
    assert after is not None
    assert after["version"] == fight["version"]
    assert [(c["name"], c["currentHp"]) for c in after["combatants"]] == [("Ogre", 59)]
    assert len(await served.events(fight["id"])) == 2


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"maxHp": 0}, {(("input", "maxHp"), "MAX_HP_OUT_OF_RANGE")}),
        ({"maxHp": 10, "currentHp": 11}, {(("input", "currentHp"), "CURRENT_HP_OUT_OF_RANGE")}),
        ({"tempHp": -1}, {(("input", "tempHp"), "TEMP_HP_OUT_OF_RANGE")}),
        ({"initiative": 99}, {(("input", "initiative"), "INITIATIVE_OUT_OF_RANGE")}),
        ({"name": "  "}, {(("input", "name"), "NAME_REQUIRED")}),
        ({"name": "Gob\u202elin"}, {(("input", "name"), "INVALID_CHARACTERS")}),
        ({"name": "Gob\x00"}, {(("input", "name"), "INVALID_CHARACTERS")}),
        (
            {"creatureSlug": "creature/\x1bgoblin"},
            {(("input", "creatureSlug"), "INVALID_CHARACTERS")},
        ),
        ({"kind": "PLAYER_CHARACTER"}, {(("input", "characterId"), "CHARACTER_REQUIRED")}),
        ({"characterId": str(uuid.uuid4())}, {(("input", "characterId"), "CHARACTER_NOT_ALLOWED")}),
        (
            {"kind": "PLAYER_CHARACTER", "characterId": str(uuid.uuid4())},
            {(("input", "characterId"), "CHARACTER_NOT_IN_PARTY")},
        ),
        ({"characterId": "nope"}, {(("input", "characterId"), "INVALID_ID")}),
        (
            {"maxHp": 0, "name": "", "initiative": -20},
            {
                (("input", "maxHp"), "MAX_HP_OUT_OF_RANGE"),
                (("input", "name"), "NAME_REQUIRED"),
                (("input", "initiative"), "INITIATIVE_OUT_OF_RANGE"),
            },
        ),
    ],
)
async def test_bad_combatants_are_refused_and_change_nothing(
    served: Served, fields: dict[str, Any], expected: set[tuple[tuple[str, ...], str]]
) -> None:
    table = served.table
    fight = await table.encounter()
    input = {"name": "Someone", "kind": "CREATURE", "maxHp": 10} | fields
    assert await table.errors("addCombatant", **step(fight), **input) == expected
    after = await table.seen(fight["id"], table.gm)
    assert after is not None and (after["version"], after["combatants"]) == (1, [])
    assert len(await served.events(fight["id"])) == 1


async def test_a_creature_must_be_one_the_catalog_has_and_the_game_master_may_read(
    served: Served, graph: BackgroundGraph
) -> None:
    """Issue 9's audit: a creature slug was checked for its shape only."""
    real_srd_dir()
    table = served.table
    fight = await table.encounter()
    homebrew = """mutation($i: CreateHomebrewInput!) {
      createHomebrew(input: $i) { entry { slug } userErrors { path code } } }"""
    construct = {"kind": "CREATURE", "name": "Brass Sentinel", "mechanics": CONSTRUCT}
    gm_id, stranger_id = subject_of(table.gm), uuid.uuid4()
    mine = await graph.ask(homebrew, {"i": construct}, as_user=gm_id)
    theirs = await graph.ask(homebrew, {"i": construct}, as_user=stranger_id)
    unknown = "creature/not-in-any-book"
    for slug in (unknown, theirs["createHomebrew"]["entry"]["slug"]):
        refused = await table.errors(
            "addCombatant", **step(fight), name="X", kind="CREATURE", maxHp=5, creatureSlug=slug
        )
        assert refused == {(("input", "creatureSlug"), "NOT_FOUND")}
    own_slug = mine["createHomebrew"]["entry"]["slug"]
    fight = await table.add(fight, "Sentinel", creatureSlug=own_slug)
    assert combatant(fight, "Sentinel")["creatureSlug"] == own_slug
    # A player may not add combatants at all; the catalog is not even asked.
    body = await table.call(
        "addCombatant",
        step(fight) | {"name": "X", "kind": "CREATURE", "maxHp": 5, "creatureSlug": unknown},
        table.player,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_rule_and_state_errors(served: Served) -> None:
    table = served.table
    fight = await table.encounter()
    assert await table.errors("startEncounter", **step(fight)) == {
        (("input", "combatants"), "NO_COMBATANTS")
    }
    fight = await table.add(fight, "Wolf", maxHp=11)
    assert await table.errors("startEncounter", **step(fight)) == {
        (("input", "encounterId"), "INITIATIVE_MISSING")
    }
    assert await table.errors("nextTurn", **step(fight)) == {
        (("input", "encounterId"), "NOT_STARTED")
    }
    assert await table.errors("applyDamage", **step(fight, "Wolf", amount=-2)) == {
        (("input", "amount"), "NEGATIVE_DAMAGE")
    }
    assert await table.errors("applyHealing", **step(fight, "Wolf", amount=-2)) == {
        (("input", "amount"), "NEGATIVE_HEALING")
    }
    assert await table.errors("setInitiative", **step(fight, "Wolf", initiative=51)) == {
        (("input", "initiative"), "INITIATIVE_OUT_OF_RANGE")
    }
    assert await table.errors("removeCondition", **step(fight, "Wolf", condition="PRONE")) == {
        (("input", "condition"), "CONDITION_NOT_PRESENT")
    }
    fight = await table.ok("addCondition", **step(fight, "Wolf", condition="PRONE"))
    assert await table.errors("addCondition", **step(fight, "Wolf", condition="PRONE")) == {
        (("input", "condition"), "CONDITION_ALREADY_PRESENT")
    }
    assert await table.errors(
        "applyDamage", encounterId="x", expectedVersion=1, combatantId="y", amount=1
    ) == {(("input", "encounterId"), "INVALID_ID"), (("input", "combatantId"), "INVALID_ID")}
    assert await table.errors("nextTurn", encounterId=str(uuid.uuid4()), expectedVersion=1) == {
        (("input", "encounterId"), "NOT_FOUND")
    }
    fight = await table.ok("setInitiative", **step(fight, "Wolf", initiative=3))
    fight = await table.ok("startEncounter", **step(fight))
    assert await table.errors("startEncounter", **step(fight)) == {
        (("input", "encounterId"), "ALREADY_STARTED")
    }
    # A lone combatant: every turn is a new round.
    fight = await table.ok("nextTurn", **step(fight))
    assert (fight["round"], fight["currentCombatant"]["name"]) == (2, "Wolf")


async def test_hit_points_follow_the_rules(served: Served) -> None:
    table = served.table
    fight = await table.encounter()
    fight = await table.add(fight, "Knight", maxHp=52, tempHp=5)
    fight = await table.ok("applyDamage", **step(fight, "Knight", amount=3))
    assert (combatant(fight, "Knight")["currentHp"], combatant(fight, "Knight")["tempHp"]) == (
        52,
        2,
    )
    fight = await table.ok("applyDamage", **step(fight, "Knight", amount=12))
    assert (combatant(fight, "Knight")["currentHp"], combatant(fight, "Knight")["tempHp"]) == (
        42,
        0,
    )
    fight = await table.ok("applyDamage", **step(fight, "Knight", amount=100))
    assert (combatant(fight, "Knight")["currentHp"], combatant(fight, "Knight")["down"]) == (
        0,
        True,
    )
    fight = await table.ok("applyHealing", **step(fight, "Knight", amount=7))
    assert (combatant(fight, "Knight")["currentHp"], combatant(fight, "Knight")["down"]) == (
        7,
        False,
    )
    fight = await table.ok("applyHealing", **step(fight, "Knight", amount=70))
    assert combatant(fight, "Knight")["currentHp"] == 52


async def test_a_player_character_at_zero_is_unconscious_until_healed(served: Served) -> None:
    table = served.table
    fight = await table.encounter()
    fight = await table.add(
        fight, "Seraphine", kind="PLAYER_CHARACTER", characterId=table.character_id, maxHp=20
    )
    fight = await table.add(fight, "Goblin", maxHp=7)
    fight = await table.ok("addCondition", **step(fight, "Seraphine", condition="PRONE"))

    fight = await table.ok("applyDamage", **step(fight, "Seraphine", amount=25))
    assert combatant(fight, "Seraphine")["conditions"] == ["PRONE", "UNCONSCIOUS"]
    fight = await table.ok("applyDamage", **step(fight, "Goblin", amount=9))
    assert combatant(fight, "Goblin")["conditions"] == []  # a creature's fate is the GM's call

    fight = await table.ok("applyHealing", **step(fight, "Seraphine", amount=4))
    assert combatant(fight, "Seraphine")["conditions"] == ["PRONE"]
    assert combatant(fight, "Seraphine")["currentHp"] == 4


def saves(encounter: dict[str, Any], name: str) -> tuple[int, int, bool, bool]:
    found = combatant(encounter, name)["deathSaves"]
    return found["successes"], found["failures"], found["stable"], found["dead"]


async def test_a_player_character_fights_for_life_at_zero(served: Served) -> None:
    table = served.table
    fight = await table.encounter()
    fight = await table.add(
        fight, "Seraphine", kind="PLAYER_CHARACTER", characterId=table.character_id, maxHp=20
    )
    fight = await table.add(fight, "Goblin", maxHp=7)
    fight = await table.ok("applyDamage", **step(fight, "Seraphine", amount=20))
    assert saves(fight, "Seraphine") == (0, 0, False, False)

    fight = await table.ok("rollDeathSave", **step(fight, "Seraphine", roll=12))
    fight = await table.ok("rollDeathSave", **step(fight, "Seraphine", roll=4))
    assert saves(fight, "Seraphine") == (1, 1, False, False)
    fight = await table.ok("applyDamage", **step(fight, "Seraphine", amount=2, critical=True))
    assert saves(fight, "Seraphine") == (0, 3, False, True)  # a critical hit: two failures

    # The dead neither heal nor roll; the refusals change nothing.
    assert await table.errors("applyHealing", **step(fight, "Seraphine", amount=5)) == {
        (("input", "combatantId"), "COMBATANT_DEAD")
    }
    assert await table.errors("rollDeathSave", **step(fight, "Seraphine", roll=15)) == {
        (("input", "combatantId"), "COMBATANT_DEAD")
    }
    after = await table.seen(fight["id"], table.gm)
    assert after is not None and after["version"] == fight["version"]

    # Creatures make no death saves; rolls must be real d20 results.
    fight = await table.ok("applyDamage", **step(fight, "Goblin", amount=7))
    assert await table.errors("rollDeathSave", **step(fight, "Goblin", roll=15)) == {
        (("input", "combatantId"), "NOT_A_CHARACTER")
    }
    assert saves(fight, "Goblin") == (0, 0, False, False)


async def test_a_natural_20_or_healing_brings_a_character_back(served: Served) -> None:
    table = served.table
    fight = await table.encounter()
    fight = await table.add(
        fight, "Seraphine", kind="PLAYER_CHARACTER", characterId=table.character_id, maxHp=20
    )
    fight = await table.ok("applyDamage", **step(fight, "Seraphine", amount=20))
    assert await table.errors("rollDeathSave", **step(fight, "Seraphine", roll=21)) == {
        (("input", "roll"), "ROLL_OUT_OF_RANGE")
    }
    fight = await table.ok("rollDeathSave", **step(fight, "Seraphine", roll=1))
    assert saves(fight, "Seraphine") == (0, 2, False, False)
    fight = await table.ok("rollDeathSave", **step(fight, "Seraphine", roll=20))
    seraphine = combatant(fight, "Seraphine")
    assert (seraphine["currentHp"], seraphine["conditions"]) == (1, [])
    assert saves(fight, "Seraphine") == (0, 0, False, False)
    assert await table.errors("rollDeathSave", **step(fight, "Seraphine", roll=10)) == {
        (("input", "combatantId"), "NOT_DYING")
    }

    # Three successes: Stable, until damage at 0 makes it a fight again.
    fight = await table.ok("applyDamage", **step(fight, "Seraphine", amount=1))
    for roll in (10, 11, 19):
        fight = await table.ok("rollDeathSave", **step(fight, "Seraphine", roll=roll))
    assert saves(fight, "Seraphine") == (0, 0, True, False)
    assert await table.errors("rollDeathSave", **step(fight, "Seraphine", roll=10)) == {
        (("input", "combatantId"), "ALREADY_STABLE")
    }
    fight = await table.ok("applyDamage", **step(fight, "Seraphine", amount=1))
    assert saves(fight, "Seraphine") == (0, 1, False, False)
    fight = await table.ok("applyHealing", **step(fight, "Seraphine", amount=3))
    assert saves(fight, "Seraphine") == (0, 0, False, False)
    assert combatant(fight, "Seraphine")["conditions"] == []


async def test_massive_damage_kills_a_character_outright(served: Served) -> None:
    table = served.table
    fight = await table.encounter()
    fight = await table.add(
        fight, "Seraphine", kind="PLAYER_CHARACTER", characterId=table.character_id, maxHp=20
    )
    fight = await table.ok("applyDamage", **step(fight, "Seraphine", amount=40))
    assert saves(fight, "Seraphine") == (0, 3, False, True)
    assert (await served.events(fight["id"]))[-1] == "encounter.damage_applied"


async def test_creating_with_a_key_twice_gives_one_encounter(served: Served) -> None:
    table = served.table
    first = await table.encounter(idempotencyKey="ambush-1")
    again = await table.encounter(idempotencyKey="ambush-1")
    assert again["id"] == first["id"]
    other = await table.encounter(idempotencyKey="ambush-2")
    assert other["id"] != first["id"]
    # The key never hands an encounter to someone who may not create one.
    body = await table.call(
        "createEncounter",
        {"campaignId": table.campaign_id, "name": "Ambush", "idempotencyKey": "ambush-1"},
        table.player,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await table.errors(
        "createEncounter", campaignId=table.campaign_id, name="X", idempotencyKey=""
    ) == {(("input", "idempotencyKey"), "INVALID_IDEMPOTENCY_KEY")}
    assert await table.errors(
        "createEncounter", campaignId=table.campaign_id, name="Ambush\u202e"
    ) == {(("input", "name"), "INVALID_CHARACTERS")}


async def test_temporary_hit_points_do_not_stack(served: Served) -> None:
    table = served.table
    fight = await table.encounter()
    fight = await table.add(fight, "Cleric", maxHp=30)
    fight = await table.ok("grantTemporaryHitPoints", **step(fight, "Cleric", amount=8))
    fight = await table.ok("grantTemporaryHitPoints", **step(fight, "Cleric", amount=5))
    assert combatant(fight, "Cleric")["tempHp"] == 8
    fight = await table.ok("applyDamage", **step(fight, "Cleric", amount=10))
    assert (combatant(fight, "Cleric")["tempHp"], combatant(fight, "Cleric")["currentHp"]) == (
        0,
        28,
    )
    assert await table.errors("grantTemporaryHitPoints", **step(fight, "Cleric", amount=-1)) == {
        (("input", "amount"), "NEGATIVE_TEMP_HP")
    }


async def test_simultaneous_changes_of_one_version_let_exactly_one_win(served: Served) -> None:
    table = served.table
    fight = await table.encounter()
    fight = await table.add(fight, "Troll", maxHp=84)
    fight = await table.add(fight, "Imp", maxHp=10)
    # Different combatants, so only the encounter's version can tell the two apart.
    bodies = await asyncio.gather(
        table.call("applyDamage", step(fight, "Troll", amount=5)),
        table.call("applyDamage", step(fight, "Imp", amount=3)),
    )
    payloads = [body["data"]["applyDamage"] for body in bodies]
    assert all("errors" not in body for body in bodies), bodies
    winners = [p for p in payloads if p["encounter"] is not None]
    losers = [p for p in payloads if p["encounter"] is None]
    assert len(winners) == 1 and len(losers) == 1, payloads
    assert [e["code"] for e in losers[0]["userErrors"]] == ["VERSION_CONFLICT"]
    after = await table.seen(fight["id"], table.gm)
    assert after is not None and after["version"] == fight["version"] + 1
    hurt = {c["name"]: c["maxHp"] - c["currentHp"] for c in after["combatants"]}
    assert sorted(hurt.values()) == [0, 3 if hurt["Imp"] else 5]
    assert len(await served.events(fight["id"])) == 4
