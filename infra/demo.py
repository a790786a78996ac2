"""Demo data for the embedded stack, created through the router like any client would.

A game master with an Antitheticon campaign and a player whose wizard is shared publicly, with a
generated portrait, so the README's sample query has something to show on a fresh machine, and a
fight under way in that campaign (with a combatant hidden from the player) to watch live, on a
battle map `renderEncounter` draws it on. Every
step is idempotent: restarting the stack finds the demo and changes nothing.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import httpx

log = logging.getLogger("dndcreator.demo")

PLAYER = {"email": "mira@demo.dndcreator.local", "displayName": "Mira (demo player)"}
GAME_MASTER = {"email": "gm@demo.dndcreator.local", "displayName": "Orrin (demo game master)"}
# Demo accounts live only in a local embedded stack; the password is printed, not a secret.
DEMO_PASSWORD = "demo-password-for-local-play"
SERAPHINE = Path(__file__).parent / "demo_sheets" / "seraphine-vael.json"


class DemoFailed(RuntimeError):
    pass


async def _call(
    http: httpx.AsyncClient,
    url: str,
    query: str,
    variables: dict[str, Any],
    token: str | None = None,
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http.post(url, json={"query": query, "variables": variables}, headers=headers)
    body: dict[str, Any] = response.json()
    if body.get("errors"):
        raise DemoFailed(f"demo step failed: {body['errors'][0].get('message')}")
    data: dict[str, Any] = body["data"]
    return data


def _payload(data: dict[str, Any], field: str) -> dict[str, Any]:
    payload: dict[str, Any] = data[field]
    if payload.get("userErrors"):
        raise DemoFailed(f"demo step {field} refused: {payload['userErrors'][0]['message']}")
    return payload


async def _sign_in(http: httpx.AsyncClient, url: str, account: dict[str, str]) -> str:
    login = await _call(
        http,
        url,
        "mutation($i: LoginInput!) { login(input: $i) { accessToken userErrors { code } } }",
        {"i": {"email": account["email"], "password": DEMO_PASSWORD}},
    )
    if login["login"]["accessToken"]:
        return str(login["login"]["accessToken"])
    registered = await _call(
        http,
        url,
        """mutation($i: RegisterInput!) {
          register(input: $i) { accessToken userErrors { path code message } }
        }""",
        {"i": {**account, "password": DEMO_PASSWORD}},
    )
    return str(_payload(registered, "register")["accessToken"])


async def seed(router_url: str) -> None:
    async with httpx.AsyncClient(timeout=60.0) as http:
        player = await _sign_in(http, router_url, PLAYER)
        game_master = await _sign_in(http, router_url, GAME_MASTER)

        character = await _seed_character(http, router_url, player)
        await _call(
            http,
            router_url,
            """mutation($i: GeneratePortraitInput!) {
              generatePortrait(input: $i) { asset { id } userErrors { path code message } }
            }""",
            {
                "i": {
                    "characterId": character["id"],
                    "prompt": "an elven wizard with silver hair and a mirror-shard staff",
                    "seed": 5,
                    "idempotencyKey": "demo-seraphine-portrait",
                }
            },
            player,
        )

        campaign = await _call(
            http,
            router_url,
            """mutation($i: CreateCampaignInput!) {
              createCampaign(input: $i) {
                campaign { id party { id } } userErrors { path code message }
              }
            }""",
            {
                "i": {
                    "name": "The Mirror Court",
                    "type": "ANTITHETICON",
                    "description": "Nobody at court is who they claim to be.",
                    "idempotencyKey": "demo-mirror-court",
                }
            },
            game_master,
        )
        court = _payload(campaign, "createCampaign")["campaign"]
        if not any(member["id"] == character["id"] for member in court["party"]):
            joined = await _call(
                http,
                router_url,
                """mutation($i: JoinCampaignInput!) {
                  joinCampaign(input: $i) { campaign { id } userErrors { path code message } }
                }""",
                {"i": {"campaignId": court["id"], "characterId": character["id"]}},
                player,
            )
            _payload(joined, "joinCampaign")
        await _seed_encounter(http, router_url, game_master, court["id"], character)
    log.info(
        "demo ready: sign in as %s or %s with password %s",
        PLAYER["email"],
        GAME_MASTER["email"],
        DEMO_PASSWORD,
    )


async def _seed_character(http: httpx.AsyncClient, url: str, player: str) -> dict[str, Any]:
    """Seraphine Vael, a level 5 High Elf wizard with a whole legal sheet, shared publicly. A
    demo character from before sheets were documents (its species still the migration's
    placeholder) is given the real sheet."""
    document = json.loads(SERAPHINE.read_text())
    created = await _call(
        http,
        url,
        """mutation($i: CreateCharacterInput!) {
          createCharacter(input: $i) {
            character { id version visibility document sheet { hitPoints { max } } }
            userErrors { path code message }
          }
        }""",
        {
            "i": {
                "document": document,
                "visibility": "PUBLIC",
                "idempotencyKey": "demo-seraphine",
            }
        },
        player,
    )
    character: dict[str, Any] = _payload(created, "createCharacter")["character"]
    character["maxHp"] = character["sheet"]["hitPoints"]["max"]
    legacy = character["document"]["identity"]["species"] == "unknown"
    if legacy or character["visibility"] != "PUBLIC":
        updated = await _call(
            http,
            url,
            """mutation($i: UpdateCharacterInput!) {
              updateCharacter(input: $i) {
                character { sheet { hitPoints { max } } } userErrors { path code message }
              }
            }""",
            {
                "i": {
                    "id": character["id"],
                    "expectedVersion": character["version"],
                    "visibility": "PUBLIC",
                    **({"document": document} if legacy else {}),
                }
            },
            player,
        )
        sheet = _payload(updated, "updateCharacter")["character"]["sheet"]
        character["maxHp"] = sheet["hitPoints"]["max"]
    return character


ENCOUNTER_STEP = """mutation($i: AddCombatantInput!) {
  addCombatant(input: $i) { encounter { version } userErrors { path code message } }
}"""


async def _seed_battle_map(
    http: httpx.AsyncClient, url: str, game_master: str, encounter_id: str
) -> None:
    """The encounter's battle map (idempotent), so `renderEncounter` has somewhere to draw."""
    made = await _call(
        http,
        url,
        """mutation($i: GenerateImageInput!) {
          generateImage(input: $i) { asset { id } userErrors { path code message } }
        }""",
        {
            "i": {
                "kind": "MAP_TACTICAL",
                "prompt": "a hall of mirrors in a ruined palace",
                "seed": 3,
                "map": {"width": 20, "height": 14, "encounterId": encounter_id},
                "idempotencyKey": "demo-hall-of-mirrors-map",
            }
        },
        game_master,
    )
    _payload(made, "generateImage")


async def _seed_encounter(
    http: httpx.AsyncClient, url: str, game_master: str, campaign_id: str, character: dict[str, Any]
) -> None:
    """ "Ambush in the Hall of Mirrors": Seraphine, a goblin and the game master's secret double,
    started. Only a fresh encounter (no combatants yet) is set up, so a re-run changes nothing."""
    created = await _call(
        http,
        url,
        """mutation($i: CreateEncounterInput!) {
          createEncounter(input: $i) {
            encounter { id version combatants { id } } userErrors { path code message }
          }
        }""",
        {
            "i": {
                "campaignId": campaign_id,
                "name": "Ambush in the Hall of Mirrors",
                "idempotencyKey": "demo-hall-of-mirrors",
            }
        },
        game_master,
    )
    encounter = _payload(created, "createEncounter")["encounter"]
    await _seed_battle_map(http, url, game_master, encounter["id"])
    if encounter["combatants"]:
        return
    version = encounter["version"]
    combatants: list[dict[str, Any]] = [
        {
            "name": "Seraphine Vael",
            "kind": "PLAYER_CHARACTER",
            "characterId": character["id"],
            "maxHp": character["maxHp"],
            "initiative": 16,
        },
        {
            "name": "Goblin Sneak",
            "kind": "CREATURE",
            "creatureSlug": "creature/goblin-warrior",
            "maxHp": 7,
            "initiative": 13,
        },
        {"name": "The Mirror Double", "kind": "NPC", "maxHp": 27, "initiative": 15, "hidden": True},
    ]
    for combatant in combatants:
        added = await _call(
            http,
            url,
            ENCOUNTER_STEP,
            {"i": {"encounterId": encounter["id"], "expectedVersion": version, **combatant}},
            game_master,
        )
        version = _payload(added, "addCombatant")["encounter"]["version"]
    started = await _call(
        http,
        url,
        """mutation($i: EncounterInput!) {
          startEncounter(input: $i) { encounter { version } userErrors { path code message } }
        }""",
        {"i": {"encounterId": encounter["id"], "expectedVersion": version}},
        game_master,
    )
    _payload(started, "startEncounter")
