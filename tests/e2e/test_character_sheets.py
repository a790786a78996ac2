"""Character sheets through the router, stitched to the real SRD catalog: one query returns the
numbers and, beside them, the catalog entries the character is made of. Every rules example
imports; its SRD names resolve to catalog entries and names outside the SRD resolve to null,
never to an error."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from infra.stack import Stack
from tests.e2e.isolated import isolated_stack
from tests.subgraphs.character.support import VALID_EXAMPLES, example

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.asyncio(loop_scope="module")

STITCHED = """query($id: ID!) { character(id: $id) {
  name
  species { name speed } lineage { name }
  background { name }
  classes { class { name hitDie } subclass { name } level }
  feats { name origin feat { name category } }
  inventory { name equipped equipment { name } magicItem { name rarity } }
  sheet { armorClass { value breakdown { source value } } hitPoints { max }
          spellcasting { class { name } saveDc } concentration concentrationSpell { name level } }
} }"""


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with isolated_stack(tmp_path_factory.mktemp("var")) as running:
        yield running


async def _post(
    stack: Stack, query: str, variables: dict[str, Any], token: str | None = None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            stack.router_url, json={"query": query, "variables": variables}, headers=headers
        )
    body: dict[str, Any] = response.json()
    return body


REFERENCES = {"species", "lineage", "background", "feat", "equipment", "magicItem", "subclass"}


def assert_only_missing_entries(body: dict[str, Any]) -> None:
    """A reference the catalog has no entry for comes back null; like Apollo Gateway, the router
    notes under ``extensions.valueCompletion`` that the entry's fields were missing. Nothing
    else may be wrong."""
    for note in body.get("extensions", {}).get("valueCompletion", []):
        assert note["path"][-2] in REFERENCES or note["path"][-3] in REFERENCES, note
        assert note["message"].startswith("Cannot return null for non-nullable field"), note


async def _player(stack: Stack, email: str) -> str:
    registered = await _post(
        stack,
        """mutation($i: RegisterInput!) { register(input: $i) { accessToken } }""",
        {"i": {"email": email, "password": "a long passphrase", "displayName": "Sheet tester"}},
    )
    token: str = registered["data"]["register"]["accessToken"]
    return token


async def _import(stack: Stack, token: str, document: dict[str, Any]) -> str:
    imported = await _post(
        stack,
        """mutation($i: ImportCharacterInput!) {
          importCharacter(input: $i) { character { id } userErrors { path code message } }
        }""",
        {"i": {"document": document}},
        token,
    )
    assert imported["data"]["importCharacter"]["userErrors"] == []
    return str(imported["data"]["importCharacter"]["character"]["id"])


async def test_one_query_returns_the_sheet_with_the_srd_beside_it(stack: Stack) -> None:
    token = await _player(stack, "stitched@example.com")
    wizard = example("wizard-20-gnome")
    wizard["equipment"].append({"ref": "weapon/dagger", "magic_bonus": 1, "name": "Dagger +1"})
    character = await _import(stack, token, wizard)
    body = await _post(stack, STITCHED, {"id": character}, token)
    assert "errors" not in body, body["errors"]
    assert_only_missing_entries(body)
    c = body["data"]["character"]
    assert c["species"] == {"name": "Gnome", "speed": 30}
    assert c["lineage"] == {"name": "Gnomish Lineage: Rock Gnome"}
    assert c["background"] == {"name": "Sage"}
    assert c["classes"] == [
        {"class": {"name": "Wizard", "hitDie": 6}, "subclass": {"name": "Evoker"}, "level": 20}
    ]
    feats = {f["name"]: f for f in c["feats"]}
    assert feats["Magic Initiate (Wizard)"]["feat"] == {
        "name": "Magic Initiate",
        "category": "ORIGIN",
    }
    assert feats["Magic Initiate (Wizard)"]["origin"] == "Background"
    assert feats["Boon of Spell Recall"]["feat"]["category"] == "EPIC_BOON"
    assert feats["War Caster"]["feat"] is None  # not in the SRD: null, not an error
    items = {i["name"]: i for i in c["inventory"]}
    assert items["Quarterstaff"]["equipment"] == {"name": "Quarterstaff"}
    assert items["Spellbook"]["equipment"] == {"name": "Spellbook"}
    assert items["Ring of Protection"]["magicItem"]["name"] == "Ring of Protection"
    assert items["Ring of Protection"]["equipment"] is None
    assert items["Dagger +1"]["equipment"] == {"name": "Dagger"}
    assert items["Dagger +1"]["magicItem"]["name"].startswith("Weapon")  # the SRD's +N weapon
    sheet = c["sheet"]
    assert sheet["spellcasting"][0]["class"] == {"name": "Wizard"}
    assert sheet["concentration"] == "Wall of Force"
    assert sheet["concentrationSpell"] == {"name": "Wall of Force", "level": 5}
    assert sum(p["value"] for p in sheet["armorClass"]["breakdown"]) == sheet["armorClass"]["value"]


async def test_every_example_resolves_without_errors(stack: Stack) -> None:
    token = await _player(stack, "examples@example.com")
    srd_species = {"Dragonborn", "Dwarf", "Elf", "Gnome", "Goliath", "Halfling", "Human", "Orc",
                   "Tiefling"}  # fmt: skip
    for path in VALID_EXAMPLES:
        character = await _import(stack, token, example(path.stem))
        body = await _post(stack, STITCHED, {"id": character}, token)
        assert "errors" not in body, (path.stem, body.get("errors"))
        assert_only_missing_entries(body)
        c = body["data"]["character"]
        assert c["species"]["name"] in srd_species, path.stem
        assert all(level["class"]["name"] for level in c["classes"]), path.stem
        assert all(
            level["subclass"] is not None for level in c["classes"] if level["level"] >= 3
        ) or path.stem.startswith("multiclass"), path.stem
        has_lineage = example(path.stem)["identity"].get("lineage") is not None
        assert (c["lineage"] is not None) == has_lineage, path.stem


def readme_creation_flow() -> tuple[list[str], dict[str, Any]]:
    """The README's "Build a character" section: its GraphQL blocks and its variables."""
    text = (ROOT / "README.md").read_text()
    section = text.split("### Build a character", 1)[1].split("Live combat:", 1)[0]
    blocks = re.findall(r"```graphql\n(.*?)```", section, re.DOTALL)
    [variables] = re.findall(r"```json\n(.*?)```", section, re.DOTALL)
    return blocks, json.loads(variables)


async def test_the_readmes_creation_flow_works_as_pasted(stack: Stack) -> None:
    token = await _player(stack, "readme@example.com")
    (preview, create, sheet), variables = readme_creation_flow()
    shown = await _post(stack, preview, variables, token)
    assert "errors" not in shown, shown
    assert shown["data"]["previewCharacter"]["valid"], shown["data"]["previewCharacter"]
    assert shown["data"]["previewCharacter"]["sheet"]["summary"].startswith("Nim Underbough")
    created = await _post(stack, create, variables, token)
    payload = created["data"]["createCharacter"]
    assert payload["userErrors"] == []
    assert payload["character"]["sheet"]["hitPoints"]["max"] >= 8
    again = await _post(stack, create, variables, token)  # the idempotency key: no second one
    assert again["data"]["createCharacter"]["character"]["id"] == payload["character"]["id"]
    read = await _post(stack, sheet, {"id": payload["character"]["id"]}, token)
    assert "errors" not in read, read
    assert_only_missing_entries(read)
    character = read["data"]["character"]
    assert character["species"]["name"] == "Halfling" and character["species"]["description"]
    assert character["background"]["name"] == "Criminal"
    assert character["classes"][0]["class"] == {"name": "Rogue", "hitDie": 8}
    assert character["feats"][0]["feat"]["name"] == "Alert"
    dagger = next(a for a in character["sheet"]["attacks"] if a["name"] == "Dagger")
    assert dagger["mastery"] == "NICK"
    assert dagger["toHit"] == sum(p["value"] for p in dagger["toHitBreakdown"])


async def _until(check: Any, seconds: float = 15.0) -> None:
    """Wait for the character service's projection to catch up with campaign events."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "the projection never caught up"
        await asyncio.sleep(0.1)


async def test_campaign_roles_travel_from_the_campaign_service_to_the_sheet(stack: Stack) -> None:
    game_master = await _player(stack, "roles-gm@example.com")
    owner = await _player(stack, "roles-owner@example.com")
    fellow = await _player(stack, "roles-fellow@example.com")
    stranger = await _player(stack, "roles-stranger@example.com")
    character = await _import(stack, owner, example("bard-5-halfling"))
    fellows_character = await _import(stack, fellow, example("cleric-8-dwarf"))
    created = await _post(
        stack,
        """mutation($i: CreateCampaignInput!) {
          createCampaign(input: $i) { campaign { id } userErrors { code } }
        }""",
        {"i": {"name": "Roles", "type": "TRADITIONAL"}},
        game_master,
    )
    campaign = created["data"]["createCampaign"]["campaign"]["id"]
    join = """mutation($i: JoinCampaignInput!) {
      joinCampaign(input: $i) { campaign { id } userErrors { code message } }
    }"""
    for token, brought in [(owner, character), (fellow, fellows_character)]:
        joined = await _post(
            stack, join, {"i": {"campaignId": campaign, "characterId": brought}}, token
        )
        assert joined["data"]["joinCampaign"]["userErrors"] == []

    sheet = "query($id: ID!) { character(id: $id) { name sheet { hitPoints { max } } } }"

    async def game_master_reads_the_sheet() -> bool:
        body = await _post(stack, sheet, {"id": character}, game_master)
        return bool(body["data"]["character"])

    await _until(game_master_reads_the_sheet)
    party = await _post(
        stack,
        "query($id: ID!) { campaign(id: $id) { party { name level } } }",
        {"id": campaign},
        fellow,
    )
    assert {"name": "Pip Thistledown", "level": 5} in party["data"]["campaign"]["party"]
    refused = await _post(stack, sheet, {"id": character}, fellow)
    assert refused["data"]["character"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    for nobody in (stranger, None):
        absent = await _post(stack, sheet, {"id": character}, nobody)
        assert absent["data"] == {"character": None} and "errors" not in absent
