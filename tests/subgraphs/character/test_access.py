"""Deny by default: who reads what of a character, each role tried, on SQLite and PostgreSQL.

Campaign roles come from campaign events; here they are fed to the character service's
projection directly, as the bus would hand them over (the e2e tests run the real chain)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from infra.bus import Event
from infra.db.engine import create_engine, session_factory
from subgraphs.character.app import build
from subgraphs.character.membership import PROJECTION
from tests.subgraphs.character.support import CREATE, UPDATE, example
from tests.subgraphs.harness import serve_subgraph
from tests.support import TokenFactory, gql

READ = (
    """query($id: ID!) { character(id: $id) { name level classes { level } species { slug } } }"""
)
SHEET = """query($id: ID!) { character(id: $id) { sheet { speed } } }"""
DOCUMENT = """query($id: ID!) { character(id: $id) { document } }"""
ENTITY = """query($r: [_Any!]!) { _entities(representations: $r) { ... on Character { name } } }"""


@dataclass
class Table:
    """A character service, a campaign's people and the events that make them a campaign."""

    http: httpx.AsyncClient
    tokens: TokenFactory
    database_url: str
    owner: uuid.UUID
    character: str
    campaign: uuid.UUID

    async def tell(self, kind: str, payload: dict[str, Any]) -> None:
        engine = create_engine(self.database_url)
        try:
            event = Event(f"campaign.{kind}", self.campaign, {"id": str(self.campaign), **payload})
            assert await PROJECTION.apply(session_factory(engine), event)
        finally:
            await engine.dispose()

    async def join(self, user: uuid.UUID, character: str | None) -> uuid.UUID:
        membership = uuid.uuid4()
        await self.tell(
            "joined",
            {"membershipId": str(membership), "userId": str(user), "characterId": character,
             "role": "PLAYER"},
        )  # fmt: skip
        return membership

    async def ask(self, query: str, user: uuid.UUID | None, **variables: Any) -> dict[str, Any]:
        auth = {} if user is None else self.tokens.headers(user)
        return await gql(self.http, query, {"id": self.character, **variables}, auth)


@pytest.fixture
async def table(database_url: str) -> AsyncIterator[Table]:
    async with serve_subgraph(build, {"CHARACTER_DATABASE_URL": database_url}) as (http, tokens):
        owner = uuid.uuid4()
        created = await gql(http, CREATE, {"input": {"document": example()}}, tokens.headers(owner))
        character = created["data"]["createCharacter"]["character"]["id"]
        yield Table(http, tokens, database_url, owner, character, uuid.uuid4())


def code(result: dict[str, Any]) -> str:
    return str(result["errors"][0]["extensions"]["code"])


async def test_each_role_reads_what_it_may(table: Table) -> None:
    game_master, fellow, stranger = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await table.tell("created", {"gameMasterId": str(game_master)})
    await table.join(table.owner, table.character)
    await table.join(fellow, str(uuid.uuid4()))  # another player, with a character of their own

    # The owner: everything.
    for query in (READ, SHEET, DOCUMENT):
        assert "errors" not in await table.ask(query, table.owner)
    # The game master: the sheet and the document, read only.
    assert (await table.ask(SHEET, game_master))["data"]["character"]["sheet"] == {"speed": 30}
    assert "errors" not in await table.ask(DOCUMENT, game_master)
    edit = await gql(
        table.http,
        UPDATE,
        {"input": {"id": table.character, "expectedVersion": 1, "name": "Mine now"}},
        table.tokens.headers(game_master),
    )
    assert [e["code"] for e in edit["data"]["updateCharacter"]["userErrors"]] == ["NOT_FOUND"]
    # A fellow player: the public face only.
    face = await table.ask(READ, fellow)
    assert face["data"]["character"]["name"] == "Brenna Holt"
    assert face["data"]["character"]["species"] == {"slug": "species/human"}
    for query in (SHEET, DOCUMENT):
        refused = await table.ask(query, fellow)
        assert refused["data"]["character"] is None and code(refused) == "FORBIDDEN"
    # A stranger and a signed-out caller: nothing, not even that it exists.
    for nobody in (stranger, None):
        for query in (READ, SHEET):
            absent = await table.ask(query, nobody)
            assert absent == {"data": {"character": None}}
        reference = await table.ask(
            ENTITY, nobody, r=[{"__typename": "Character", "id": table.character}]
        )
        assert reference == {"data": {"_entities": [None]}}
    # The same policy through a reference another subgraph holds.
    fellow_reference = await table.ask(
        ENTITY, fellow, r=[{"__typename": "Character", "id": table.character}]
    )
    assert fellow_reference["data"]["_entities"] == [{"name": "Brenna Holt"}]


async def test_roles_end_with_the_membership_and_the_campaign(table: Table) -> None:
    game_master, fellow = uuid.uuid4(), uuid.uuid4()
    await table.tell("created", {"gameMasterId": str(game_master)})
    owners_membership = await table.join(table.owner, table.character)
    await table.join(fellow, None)
    assert "errors" not in await table.ask(SHEET, game_master)
    await table.tell(
        "left",
        {"membershipId": str(owners_membership), "userId": str(table.owner),
         "characterId": table.character, "role": "PLAYER"},
    )  # fmt: skip
    assert (await table.ask(SHEET, game_master))["data"]["character"] is None
    assert (await table.ask(READ, fellow))["data"]["character"] is None
    # Back in, then the campaign is deleted: gone again, for good.
    await table.join(table.owner, table.character)
    assert (await table.ask(READ, fellow))["data"]["character"] is not None
    await table.tell("deleted", {"gameMasterId": str(game_master)})
    assert (await table.ask(SHEET, game_master))["data"]["character"] is None
    assert (await table.ask(READ, fellow))["data"]["character"] is None


async def test_naming_someone_elses_character_in_a_campaign_gives_nothing(table: Table) -> None:
    schemer = uuid.uuid4()  # runs a campaign and joins it with a character that is not theirs
    await table.tell("created", {"gameMasterId": str(schemer)})
    await table.join(schemer, table.character)
    for query in (READ, SHEET):
        assert (await table.ask(query, schemer))["data"]["character"] is None


async def test_the_campaign_roles_of_a_whole_batch_of_references(table: Table) -> None:
    game_master = uuid.uuid4()
    await table.tell("created", {"gameMasterId": str(game_master)})
    ids = [table.character]
    for _ in range(4):
        owner = uuid.uuid4()
        created = await gql(
            table.http, CREATE, {"input": {"document": example()}}, table.tokens.headers(owner)
        )
        character = created["data"]["createCharacter"]["character"]["id"]
        membership = uuid.uuid4()
        await table.tell(
            "joined",
            {"membershipId": str(membership), "userId": str(owner), "characterId": character},
        )
        ids.append(character)
    await table.join(table.owner, table.character)
    many = await gql(
        table.http,
        """query($r: [_Any!]!) { _entities(representations: $r) {
          ... on Character { name sheet { speed } } } }""",
        {"r": [{"__typename": "Character", "id": i} for i in ids]},
        table.tokens.headers(game_master),
    )
    assert "errors" not in many
    assert [e["sheet"]["speed"] for e in many["data"]["_entities"]] == [30] * 5
