"""The concurrency probe: 50 writers with one ``expectedVersion`` against every mutable aggregate,
on SQLite and on PostgreSQL, through each service's GraphQL API.

Every aggregate must behave the same way: exactly one writer wins, each of the other 49 gets a
``VERSION_CONFLICT`` user error naming the entity as players know it, nobody gets an internal
error, and the winner's write is what is stored (no lost update), with one event for it.

    uv run pytest -s tests/probes/test_concurrent_writers.py     # prints the figures
"""

from __future__ import annotations

import asyncio
import base64
import io
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select

from infra.db.engine import create_engine
from infra.db.model import OutboxMixin
from subgraphs.campaign.app import build as build_campaign
from subgraphs.campaign.models import OutboxEvent as CampaignEvent
from subgraphs.catalog.app import build as build_catalog
from subgraphs.catalog.models import OutboxEvent as CatalogEvent
from subgraphs.character.app import build as build_character
from subgraphs.character.models import OutboxEvent as CharacterEvent
from subgraphs.image.app import build as build_image
from subgraphs.image.models import AssetRow
from subgraphs.llm.app import build as build_llm
from subgraphs.llm.models import GenerationRow
from tests.auth.harness import running_auth
from tests.catalog.srd_files import real_srd_dir
from tests.probes.race import WRITERS, check, race
from tests.subgraphs.character.support import named
from tests.subgraphs.harness import serve_subgraph
from tests.support import gql


def backend(database_url: str) -> str:
    return "postgres" if database_url.startswith("postgresql") else "sqlite"


async def scalar(database_url: str, statement: Any) -> Any:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(statement)).scalar_one()
    finally:
        await engine.dispose()


async def events_of(
    database_url: str, outbox: type[OutboxMixin], type: str, aggregate_id: str
) -> int:
    statement = (
        select(func.count())
        .select_from(outbox)
        .where(outbox.type == type, outbox.aggregate_id == uuid.UUID(aggregate_id))
    )
    return int(await scalar(database_url, statement))


def data(body: dict[str, Any], field: str) -> dict[str, Any]:
    assert "errors" not in body, body["errors"]
    payload: dict[str, Any] = body["data"][field]
    assert payload.get("userErrors") in (None, []), payload["userErrors"]
    return payload


@dataclass(frozen=True)
class Rename:
    """How an aggregate is renamed and read back: most probes race renames."""

    aggregate: str  # as the figures call it
    mutation: str  # e.g. updateCharacter, taking Update<...>Input
    result: str  # the payload's field holding the aggregate
    read: str  # the query field reading it by id
    outbox: type[OutboxMixin]
    event: str  # the event one rename writes


async def rename_race(
    http: httpx.AsyncClient,
    auth: dict[str, str],
    rename: Rename,
    entity: dict[str, Any],
    database_url: str,
) -> None:
    """``WRITERS`` renames of ``entity`` from its version at once; the figures checked."""
    input_type = rename.mutation[0].upper() + rename.mutation[1:] + "Input"
    mutation = (
        f"mutation($i: {input_type}!) {{ {rename.mutation}(input: $i) "
        f"{{ {rename.result} {{ name }} userErrors {{ path code message }} }} }}"
    )

    async def send(index: int) -> dict[str, Any]:
        input = {"id": entity["id"], "expectedVersion": entity["version"], "name": f"W{index}"}
        return await gql(http, mutation, {"i": input}, auth)

    tally = await race(rename.aggregate, send, lambda b: b["data"][rename.mutation], rename.result)
    final = await gql(
        http,
        f"query($id: ID!) {{ {rename.read}(id: $id) {{ name version }} }}",
        {"id": entity["id"]},
        auth,
    )
    stored = final["data"][rename.read]
    events = await events_of(database_url, rename.outbox, rename.event, entity["id"])
    lost = sum(
        stored != {"name": f"W{w}", "version": entity["version"] + 1} or events != 1
        for w in tally.winners
    )
    check(tally, backend(database_url), lost_updates=lost)


# --- character ------------------------------------------------------------------------------


async def test_character_writers(database_url: str) -> None:
    env = {"CHARACTER_DATABASE_URL": database_url}
    async with serve_subgraph(build_character, env) as (http, tokens):
        owner = tokens.headers()
        created = await gql(
            http,
            "mutation($i: CreateCharacterInput!) { createCharacter(input: $i) "
            "{ character { id version } userErrors { code } } }",
            {"i": {"document": named("Start")}},
            owner,
        )
        character = data(created, "createCharacter")["character"]
        rename = Rename(
            "character",
            "updateCharacter",
            "character",
            "character",
            CharacterEvent,
            "character.updated",
        )
        await rename_race(http, owner, rename, character, database_url)


# --- campaign and encounter -----------------------------------------------------------------

CREATE_CAMPAIGN = """mutation($i: CreateCampaignInput!) {
  createCampaign(input: $i) { campaign { id version } userErrors { code } } }"""


async def _campaign(http: httpx.AsyncClient, gm: dict[str, str]) -> dict[str, Any]:
    created = await gql(http, CREATE_CAMPAIGN, {"i": {"name": "Start", "type": "TRADITIONAL"}}, gm)
    campaign: dict[str, Any] = data(created, "createCampaign")["campaign"]
    return campaign


async def test_campaign_writers(database_url: str) -> None:
    env = {"CAMPAIGN_DATABASE_URL": database_url}
    async with serve_subgraph(build_campaign, env) as (http, tokens):
        gm = tokens.headers()
        campaign = await _campaign(http, gm)
        rename = Rename(
            "campaign", "updateCampaign", "campaign", "campaign", CampaignEvent, "campaign.updated"
        )
        await rename_race(http, gm, rename, campaign, database_url)


ENCOUNTER = "encounter { id version combatants { id currentHp } } userErrors { path code message }"


async def test_encounter_writers(database_url: str) -> None:
    async with serve_subgraph(build_campaign, {"CAMPAIGN_DATABASE_URL": database_url}) as (
        http,
        tokens,
    ):
        gm = tokens.headers()
        campaign = await _campaign(http, gm)
        created = await gql(
            http,
            "mutation($i: CreateEncounterInput!) { createEncounter(input: $i) { "
            + ENCOUNTER
            + " } }",
            {"i": {"campaignId": campaign["id"], "name": "Brawl"}},
            gm,
        )
        fight = data(created, "createEncounter")["encounter"]
        added = await gql(
            http,
            f"mutation($i: AddCombatantInput!) {{ addCombatant(input: $i) {{ {ENCOUNTER} }} }}",
            {
                "i": {
                    "encounterId": fight["id"],
                    "expectedVersion": fight["version"],
                    "name": "Ogre",
                    "kind": "NPC",
                    "maxHp": 100,
                }
            },
            gm,
        )
        fight = data(added, "addCombatant")["encounter"]
        ogre = fight["combatants"][0]["id"]

        async def send(index: int) -> dict[str, Any]:
            input = {
                "encounterId": fight["id"],
                "expectedVersion": fight["version"],
                "combatantId": ogre,
                "amount": index + 1,  # each writer's damage tells its write apart
            }
            return await gql(
                http,
                f"mutation($i: HitPointsInput!) {{ applyDamage(input: $i) {{ {ENCOUNTER} }} }}",
                {"i": input},
                gm,
            )

        tally = await race("encounter", send, lambda b: b["data"]["applyDamage"], "encounter")
        final = await gql(
            http,
            "query($id: ID!) { encounter(id: $id) { version combatants { currentHp } } }",
            {"id": fight["id"]},
            gm,
        )
        stored = final["data"]["encounter"]
        events = await events_of(
            database_url, CampaignEvent, "encounter.damage_applied", fight["id"]
        )
        expected = [
            {"version": fight["version"] + 1, "combatants": [{"currentHp": 100 - (w + 1)}]}
            for w in tally.winners
        ]
        lost = sum(stored != one or events != 1 for one in expected)
        check(tally, backend(database_url), lost_updates=lost)


# --- image asset ----------------------------------------------------------------------------


def _png() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 200, 30)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


async def test_asset_writers(database_url: str, tmp_path: Any) -> None:
    env = {
        "IMAGE_DATABASE_URL": database_url,
        "STORAGE_URL": (tmp_path / "assets").as_uri(),
        "ASSET_BASE_URL": None,
    }
    async with serve_subgraph(build_image, env) as (http, tokens):
        owner = tokens.headers()
        uploaded = await gql(
            http,
            "mutation($i: UploadAssetInput!) { uploadAsset(input: $i) "
            "{ asset { id version } userErrors { code } } }",
            {"i": {"kind": "MAP_TACTICAL", "contentType": "image/png", "dataBase64": _png()}},
            owner,
        )
        asset = data(uploaded, "uploadAsset")["asset"]

        async def send(index: int) -> dict[str, Any]:
            return await gql(
                http,
                "mutation($i: AssetVersionInput!) { deleteAsset(input: $i) "
                "{ asset { id } userErrors { path code message } } }",
                {"i": {"id": asset["id"], "expectedVersion": 1}},
                owner,
            )

        # Deleting is the asset's one change: the 49 late deletes must each be told it moved on.
        tally = await race("image asset", send, lambda b: b["data"]["deleteAsset"], "asset")
        row = select(AssetRow.version, AssetRow.is_deleted).where(
            AssetRow.id == uuid.UUID(asset["id"])
        )
        engine = create_engine(database_url)
        try:
            async with engine.connect() as connection:
                version, deleted = (await connection.execute(row)).one()
        finally:
            await engine.dispose()
        lost = sum((version, deleted) != (2, True) for _ in tally.winners)
        check(tally, backend(database_url), lost_updates=lost)


# --- catalog homebrew entry --------------------------------------------------------------------

HOMEBREW = "entry { id name version } userErrors { path code message }"


async def test_homebrew_writers(database_url: str) -> None:
    env = {"CATALOG_DATABASE_URL": database_url, "SRD_DIR": str(real_srd_dir())}
    async with serve_subgraph(build_catalog, env) as (http, tokens):
        author = tokens.headers()
        mechanics = {"category": "general", "minimum_level": 4, "ability_increases": ["str"]}
        created = await gql(
            http,
            f"mutation($i: CreateHomebrewInput!) {{ createHomebrew(input: $i) {{ {HOMEBREW} }} }}",
            {"i": {"kind": "FEAT", "name": "Start", "mechanics": mechanics}},
            author,
        )
        entry = data(created, "createHomebrew")["entry"]

        rename = Rename(
            "homebrew entry",
            "updateHomebrew",
            "entry",
            "homebrewEntry",
            CatalogEvent,
            "homebrew.updated",
        )
        await rename_race(http, author, rename, entry, database_url)


# --- llm records (create-only: one generation per idempotency key) -----------------------------


async def test_llm_writers_with_one_key_make_one_generation(database_url: str) -> None:
    async with serve_subgraph(build_llm, {"LLM_DATABASE_URL": database_url}) as (http, tokens):
        owner_id = uuid.uuid4()
        owner = tokens.headers(owner_id)
        bodies = await asyncio.gather(
            *(
                gql(
                    http,
                    "mutation($i: GenerateInput!) { generate(input: $i) "
                    "{ generation { id } userErrors { path code } } }",
                    {"i": {"prompt": "a tavern keeper", "idempotencyKey": "probe"}},
                    owner,
                )
                for _ in range(WRITERS)
            )
        )
        internal = sum("errors" in body for body in bodies)
        ids = {
            body["data"]["generate"]["generation"]["id"] for body in bodies if "errors" not in body
        }
        rows = await scalar(
            database_url,
            select(func.count())
            .select_from(GenerationRow)
            .where(GenerationRow.owner_id == owner_id),
        )
        print(
            f"concurrency probe llm generation     {backend(database_url):<8} requests={WRITERS} "
            f"distinct_generations={len(ids)} rows={rows} internal_errors={internal}"
        )
        assert (internal, len(ids), rows) == (0, 1, 1)


# --- auth: a refresh token is traded in once ---------------------------------------------------


async def test_auth_refresh_writers(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_DATABASE_URL", database_url)
    async with running_auth() as auth:
        signed_up = await auth.register()
        token = signed_up["refreshToken"]
        answers = await asyncio.gather(*(auth.refresh(token) for _ in range(WRITERS)))
        won = [a for a in answers if a["accessToken"]]
        refused = [
            a for a in answers if [e["code"] for e in a["userErrors"]] == ["REFRESH_TOKEN_REVOKED"]
        ]
        print(
            f"concurrency probe auth session      {backend(database_url):<8} requests={WRITERS} "
            f"won={len(won)} refused={len(refused)} "
            f"other={WRITERS - len(won) - len(refused)}"
        )
        assert len(won) == 1 and len(refused) == WRITERS - 1


async def test_auth_logins_of_one_account_all_succeed(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signing in writes ``last_login_at`` on the user row; simultaneous sign-ins on two devices
    must not fail each other with a version conflict."""
    monkeypatch.setenv("AUTH_DATABASE_URL", database_url)
    async with running_auth() as auth:
        await auth.register()
        answers = await asyncio.gather(*(auth.login() for _ in range(WRITERS)))
        won = sum(bool(a["accessToken"]) for a in answers)
        print(
            f"concurrency probe auth sign-in      {backend(database_url):<8} requests={WRITERS} "
            f"won={won} refused={WRITERS - won}"
        )
        assert won == WRITERS, [a["userErrors"] for a in answers if not a["accessToken"]][:2]
