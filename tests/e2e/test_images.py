"""Images through the whole embedded stack (issue 16's "done when"): a player's portrait and its
regeneration, a game master's battle map with the encounter rendered on it (and the player's
own view, without the hidden combatant), a region map, catalog items reused, a spell's area
at the catalog's size, bytes through the router's /assets with ETag and ranges, and the
GetImg.AI path against a loopback server speaking its API."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from PIL import Image

from infra.demo import DEMO_PASSWORD, GAME_MASTER, PLAYER
from infra.stack import Stack
from tests.e2e.isolated import isolated_stack
from tests.subgraphs.image.getimg_server import API_KEY, TEXT_TO_IMAGE, GetImgState, getimg_app
from tests.support import loopback_server

pytestmark = pytest.mark.asyncio(loop_scope="module")

ASSET = (
    "id kind version url generator prompt altText width height currentVersion { number "
    "parentNumber }"
)
PORTRAIT = f"""mutation($i: GeneratePortraitInput!) {{
  generatePortrait(input: $i) {{ asset {{ {ASSET} }} userErrors {{ path code message }} }}
}}"""
GENERATE = f"""mutation($i: GenerateImageInput!) {{
  generateImage(input: $i) {{
    asset {{ {ASSET} catalogSlug layout {{ width height walls {{ x1 }} doors {{ x }} }} }}
    reused userErrors {{ path code message }}
  }}
}}"""
RENDER = f"""mutation($i: RenderEncounterInput!) {{
  renderEncounter(input: $i) {{
    asset {{ {ASSET} }} placements {{ combatantId x y squares positioned portraitAssetId }}
    unchanged
    userErrors {{ path code message }}
  }}
}}"""
CHARACTER = """query($id: ID!) {
  character(id: $id) {
    name
    portrait { id version currentVersion { number } }
    portraitHistory { nodes { number url } }
  }
}"""
SETUP = """{
  characters(first: 5) { nodes { id name } }
}"""
ENCOUNTERS = """{
  campaigns(first: 5) {
    edges {
      node {
        name encounters(first: 5) { edges { node { id name combatants { id name hidden } } } }
      }
    }
  }
}"""


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


async def _post(stack: Stack, query: str, variables: dict[str, Any], token: str) -> Any:
    async with httpx.AsyncClient(timeout=60) as http:
        response = await http.post(
            stack.router_url,
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def _origin(stack: Stack) -> str:
    return stack.router_url.removesuffix("/graphql")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def getimg() -> AsyncIterator[tuple[str, GetImgState]]:
    state = GetImgState()
    async with loopback_server(getimg_app(state)) as url:
        yield f"{url}/v1", state


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with isolated_stack(tmp_path_factory.mktemp("var"), demo=True) as running:
        yield running


async def test_a_player_generates_and_regenerates_a_portrait(stack: Stack) -> None:
    player = await _token(stack, PLAYER)
    seraphine = next(
        c
        for c in (await _post(stack, SETUP, {}, player))["characters"]["nodes"]
        if c["name"] == "Seraphine Vael"
    )
    first = await _post(
        stack,
        PORTRAIT,
        {"i": {"characterId": seraphine["id"], "prompt": "a wizard with green eyes", "seed": 8}},
        player,
    )
    asset = first["generatePortrait"]["asset"]
    # The sheet came through the router: the prompt names no species, her document says elf.
    assert asset["altText"].startswith("Portrait of Seraphine Vael, Level 5 Elf Wizard")
    again = await _post(
        stack,
        """mutation($i: ReviseAssetInput!) {
          regenerateAsset(input: $i) {
            asset { id currentVersion { number parentNumber } } userErrors { code }
          }
        }""",
        {"i": {"id": asset["id"], "expectedVersion": asset["version"], "seed": 9}},
        player,
    )
    regenerated = again["regenerateAsset"]["asset"]
    assert regenerated["id"] == asset["id"]
    number = regenerated["currentVersion"]["number"]
    assert regenerated["currentVersion"]["parentNumber"] == number - 1
    character = (await _post(stack, CHARACTER, {"id": seraphine["id"]}, player))["character"]
    assert character["portrait"]["id"] == asset["id"]
    assert character["portrait"]["currentVersion"]["number"] == number
    history = [v["number"] for v in character["portraitHistory"]["nodes"]]
    assert history == list(range(number - 1, 0, -1))  # the demo's, then this test's first

    async with httpx.AsyncClient(base_url=_origin(stack), timeout=30) as http:
        old = await http.get(character["portraitHistory"]["nodes"][0]["url"])
        current = await http.get(asset["url"])
        assert old.status_code == current.status_code == 200
        assert old.content != current.content  # the older version stays readable
        assert current.headers["cache-control"].startswith("private")
        assert "immutable" in old.headers["cache-control"]  # a version never changes
        etag = current.headers["etag"]
        assert (await http.get(asset["url"], headers={"If-None-Match": etag})).status_code == 304
        part = await http.get(asset["url"], headers={"Range": "bytes=0-99"})
        assert part.status_code == 206
        assert part.content == current.content[:100]
        assert part.headers["content-range"] == f"bytes 0-99/{len(current.content)}"
        thumb = await http.get(asset["url"] + "?variant=thumb-128")
        with Image.open(io.BytesIO(thumb.content)) as image:
            assert (image.format, max(image.size)) == ("WEBP", 128)


async def _encounter(stack: Stack, token: str) -> dict[str, Any]:
    campaigns = (await _post(stack, ENCOUNTERS, {}, token))["campaigns"]["edges"]
    court = next(e["node"] for e in campaigns if e["node"]["name"] == "The Mirror Court")
    encounter: dict[str, Any] = court["encounters"]["edges"][0]["node"]
    return encounter


async def test_a_game_master_maps_an_encounter_and_renders_it(stack: Stack) -> None:
    game_master, player = await _token(stack, GAME_MASTER), await _token(stack, PLAYER)
    encounter = await _encounter(stack, game_master)
    made = await _post(
        stack,
        GENERATE,
        {
            "i": {
                "kind": "MAP_TACTICAL",
                "prompt": "a hall of mirrors in a ruined palace",
                "seed": 3,
                "map": {"width": 20, "height": 14, "encounterId": encounter["id"]},
            }
        },
        game_master,
    )
    battle_map = made["generateImage"]["asset"]
    assert battle_map["layout"]["width"] == 20 and battle_map["layout"]["walls"]

    rendered = (await _post(stack, RENDER, {"i": {"encounterId": encounter["id"]}}, game_master))[
        "renderEncounter"
    ]
    assert rendered["userErrors"] == []
    ids = {c["id"]: c for c in encounter["combatants"]}
    assert {p["combatantId"] for p in rendered["placements"]} == set(ids)  # the double too
    squares = {(p["x"], p["y"]) for p in rendered["placements"]}
    assert len(squares) == len(ids)  # no two tokens on one square
    assert all(not p["positioned"] for p in rendered["placements"])  # laid out by the renderer
    # Seraphine's token is cut from her portrait (the demo made one); the others are drawn.
    by_name = {c["name"]: c["id"] for c in encounter["combatants"]}
    faces = {p["combatantId"]: p["portraitAssetId"] for p in rendered["placements"]}
    assert faces[by_name["Seraphine Vael"]] is not None
    assert faces[by_name["Goblin Sneak"]] is None
    assert (rendered["asset"]["width"], rendered["asset"]["height"]) == (
        20 * 48 + 2 * 28,
        14 * 48 + 2 * 28,
    )
    same = (await _post(stack, RENDER, {"i": {"encounterId": encounter["id"]}}, game_master))[
        "renderEncounter"
    ]
    assert same["unchanged"] is True and same["asset"]["version"] == rendered["asset"]["version"]

    # The player's view leaves the hidden double out: it is absent, not masked.
    theirs = (await _post(stack, RENDER, {"i": {"encounterId": encounter["id"]}}, player))[
        "renderEncounter"
    ]
    assert theirs["userErrors"] == []
    hidden = {c["id"] for c in encounter["combatants"] if c["hidden"]}
    assert hidden and {p["combatantId"] for p in theirs["placements"]} == set(ids) - hidden
    assert theirs["asset"]["id"] != rendered["asset"]["id"]

    stranger_token = await _register(stack)
    refused = (await _post(stack, RENDER, {"i": {"encounterId": encounter["id"]}}, stranger_token))[
        "renderEncounter"
    ]
    assert [e["code"] for e in refused["userErrors"]] == ["NOT_FOUND"]


async def _register(stack: Stack) -> str:
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            stack.router_url,
            json={
                "query": "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
                "variables": {
                    "i": {
                        "email": "stranger@example.org",
                        "password": "a long enough password 1",
                        "displayName": "Stranger",
                    }
                },
            },
        )
    token: str = response.json()["data"]["register"]["accessToken"]
    return token


async def test_region_map_items_and_spell_areas(stack: Stack) -> None:
    game_master = await _token(stack, GAME_MASTER)
    places: list[dict[str, Any]] = [
        {"name": "Greyhaven", "kind": "city"},
        {"name": "Cragmaw Hideout", "kind": "dungeon"},
        {"name": "Saltmere", "kind": "port", "x": 0.1, "y": 0.8},
    ]
    region = (
        await _post(
            stack,
            GENERATE,
            {
                "i": {
                    "kind": "MAP_CAMPAIGN",
                    "name": "The Mirror Court",
                    "places": places,
                    "seed": 2,
                }
            },
            game_master,
        )
    )["generateImage"]
    assert all(str(place["name"]) in region["asset"]["altText"] for place in places)

    sword = {"i": {"kind": "ITEM", "catalogSlug": "magic-item/flame-tongue"}}
    first = (await _post(stack, GENERATE, sword, game_master))["generateImage"]
    assert first["userErrors"] == [] and first["reused"] is False
    assert "Flame Tongue" in first["asset"]["altText"] and "sword" in first["asset"]["altText"]
    player = await _token(stack, PLAYER)
    second = (await _post(stack, GENERATE, sword, player))["generateImage"]
    assert second["reused"] is True and second["asset"]["id"] == first["asset"]["id"]

    fireball = (
        await _post(
            stack, GENERATE, {"i": {"kind": "EFFECT", "catalogSlug": "spell/fireball"}}, game_master
        )
    )["generateImage"]
    asset = fireball["asset"]
    assert "20-foot sphere" in asset["altText"]
    # A 20-foot radius is 8 squares across, plus a square of margin each side, at 48 px.
    assert (asset["width"], asset["height"]) == (10 * 48, 10 * 48)


async def test_the_getimg_path_through_the_router(
    tmp_path: Path, getimg: tuple[str, GetImgState]
) -> None:
    url, state = getimg
    env = {"GETIMG_API_KEY": API_KEY, "GETIMG_BASE_URL": url}
    async with isolated_stack(tmp_path / "var", env, demo=True) as running:
        player = await _token(running, PLAYER)
        seraphine = next(
            c
            for c in (await _post(running, SETUP, {}, player))["characters"]["nodes"]
            if c["name"] == "Seraphine Vael"
        )
        state.received.clear()
        made = await _post(
            running,
            PORTRAIT,
            {"i": {"characterId": seraphine["id"], "prompt": "in a storm", "seed": 4}},
            player,
        )
        asset = made["generatePortrait"]["asset"]
        assert asset["generator"] == "getimg"
        [(path, body)] = state.received
        assert (
            path == TEXT_TO_IMAGE
            and "Seraphine Vael" in body["prompt"]
            and "in a storm" in body["prompt"]
        )
        state.fail_next = [(503, {})] * 5
        fallback = await _post(
            running,
            PORTRAIT,
            {"i": {"characterId": seraphine["id"], "prompt": "in the rain", "seed": 5}},
            player,
        )
        assert fallback["generatePortrait"]["asset"]["generator"] == "offline"
