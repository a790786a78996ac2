"""Characters as records over HTTP, on SQLite and on PostgreSQL: the document is the truth,
every write is judged by the rules engine, versions and events on every change."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from infra.db.engine import create_engine
from subgraphs.character.app import build
from subgraphs.character.models import CharacterRow, OutboxEvent
from tests.subgraphs.character.support import (
    CREATE,
    DELETE,
    LIST,
    ONE,
    RESTORE,
    UPDATE,
    example,
    named,
)
from tests.subgraphs.harness import serve_subgraph
from tests.support import TokenFactory, gql


@dataclass
class Service:
    http: httpx.AsyncClient
    tokens: TokenFactory
    database_url: str

    async def count(self, model: Any) -> int:
        engine = create_engine(self.database_url)
        try:
            async with engine.connect() as connection:
                statement = select(func.count()).select_from(model)
                return int((await connection.execute(statement)).scalar_one())
        finally:
            await engine.dispose()

    async def event_types(self) -> list[str]:
        engine = create_engine(self.database_url)
        try:
            async with engine.connect() as connection:
                statement = select(OutboxEvent.type).order_by(OutboxEvent.created_at)
                return list((await connection.execute(statement)).scalars())
        finally:
            await engine.dispose()


@pytest.fixture
async def service(database_url: str) -> AsyncIterator[Service]:
    async with serve_subgraph(build, {"CHARACTER_DATABASE_URL": database_url}) as (http, tokens):
        yield Service(http, tokens, database_url)


async def create(service: Service, auth: dict[str, str], **fields: Any) -> dict[str, Any]:
    fields.setdefault("document", example())
    result = await gql(service.http, CREATE, {"input": fields}, auth)
    payload: dict[str, Any] = result["data"]["createCharacter"]
    assert payload["userErrors"] == [], payload["userErrors"]
    character: dict[str, Any] = payload["character"]
    return character


async def test_create_read_update_delete_restore(service: Service) -> None:
    owner = uuid.uuid4()
    auth = service.tokens.headers(owner)
    character = await create(service, auth, document=named(" Vex "))
    assert (character["name"], character["level"], character["version"]) == ("Vex", 3, 1)
    assert (character["kind"], character["visibility"]) == ("PC", "PRIVATE")
    assert character["owner"] == {"id": str(owner)}
    assert character["class"] == {"slug": "class/fighter"}
    assert character["document"]["identity"]["name"] == "Vex"  # stored in canonical form

    leveled = named("Vex")
    leveled["classes"][0]["level"] = 4
    leveled["classes"][0]["hp_rolls"] = [8, 4, 9]
    leveled["improvements"] = [
        {"kind": "asi", "class": "fighter", "class_level": 4, "increases": {"str": 1, "con": 1}}
    ]
    updated = await gql(
        service.http,
        UPDATE,
        {"input": {"id": character["id"], "expectedVersion": 1, "document": leveled}},
        auth,
    )
    assert updated["data"]["updateCharacter"]["userErrors"] == []
    assert updated["data"]["updateCharacter"]["character"]["level"] == 4  # the column follows
    assert updated["data"]["updateCharacter"]["character"]["version"] == 2

    stale = await gql(
        service.http,
        UPDATE,
        {"input": {"id": character["id"], "expectedVersion": 1, "name": "X"}},
        auth,
    )
    assert [(e["path"], e["code"]) for e in stale["data"]["updateCharacter"]["userErrors"]] == [
        (["input", "expectedVersion"], "VERSION_CONFLICT")
    ]
    one = await gql(service.http, ONE, {"id": character["id"]}, auth)
    assert one["data"]["character"] == {"name": "Vex", "version": 2}  # the stale write: nothing

    deleted = await gql(
        service.http, DELETE, {"input": {"id": character["id"], "expectedVersion": 2}}, auth
    )
    assert deleted["data"]["deleteCharacter"]["character"]["version"] == 3
    gone = await gql(service.http, ONE, {"id": character["id"]}, auth)
    assert gone["data"]["character"] is None
    restored = await gql(
        service.http, RESTORE, {"input": {"id": character["id"], "expectedVersion": 3}}, auth
    )
    assert restored["data"]["restoreCharacter"]["character"]["version"] == 4
    assert await service.event_types() == [
        "character.created",
        "character.updated",
        "character.deleted",
        "character.restored",
    ]


async def test_an_illegal_document_is_refused_at_the_rules_paths_and_changes_nothing(
    service: Service,
) -> None:
    auth = service.tokens.headers(uuid.uuid4())
    illegal = example("multiclass-paladin-2-sorcerer-3")
    illegal["classes"][1]["subclass"] = "champion"  # a Fighter subclass on the Sorcerer
    illegal["abilities"]["base"]["str"] = 2
    result = await gql(service.http, CREATE, {"input": {"document": illegal}}, auth)
    payload = result["data"]["createCharacter"]
    assert payload["character"] is None
    found = {(tuple(e["path"]), e["code"]) for e in payload["userErrors"]}
    assert (("input", "document", "classes", "1", "subclass"), "SUBCLASS_WRONG_CLASS") in found
    assert ("input", "document", "abilities", "base") in {path for path, _ in found}
    assert all(e["message"] for e in payload["userErrors"])

    malformed = await gql(
        service.http,
        CREATE,
        {"input": {"document": {"identity": {"name": "  "}, "classes": "fighter"}}},
        auth,
    )
    paths = {tuple(e["path"]) for e in malformed["data"]["createCharacter"]["userErrors"]}
    assert ("input", "document", "identity", "name") in paths
    assert ("input", "document", "classes") in paths
    assert ("input", "document", "abilities") in paths  # required, and missing

    not_an_object = await gql(service.http, CREATE, {"input": {"document": [1, 2]}}, auth)
    errors = not_an_object["data"]["createCharacter"]["userErrors"]
    assert [(e["path"], e["code"]) for e in errors] == [(["input", "document"], "EXPECTED_OBJECT")]
    assert await service.count(CharacterRow) == 0
    assert await service.count(OutboxEvent) == 0


async def test_an_illegal_update_changes_nothing(service: Service) -> None:
    auth = service.tokens.headers(uuid.uuid4())
    character = await create(service, auth)
    broken = example()
    broken["classes"][0]["level"] = 25
    result = await gql(
        service.http,
        UPDATE,
        {"input": {"id": character["id"], "expectedVersion": 1, "document": broken}},
        auth,
    )
    errors = result["data"]["updateCharacter"]["userErrors"]
    assert ["input", "document", "classes", "0", "level"] in [e["path"] for e in errors]
    blank = await gql(
        service.http,
        UPDATE,
        {"input": {"id": character["id"], "expectedVersion": 1, "name": "   "}},
        auth,
    )
    assert [e["path"] for e in blank["data"]["updateCharacter"]["userErrors"]] == [
        ["input", "name"]
    ]
    one = await gql(service.http, ONE, {"id": character["id"]}, auth)
    assert one["data"]["character"]["version"] == 1
    assert await service.event_types() == ["character.created"]


async def test_renaming_and_sharing_write_into_the_document(service: Service) -> None:
    auth = service.tokens.headers(uuid.uuid4())
    character = await create(service, auth)
    renamed = await gql(
        service.http,
        UPDATE,
        {
            "input": {
                "id": character["id"],
                "expectedVersion": 1,
                "name": " Brenna the Bold ",
                "visibility": "PUBLIC",
            }
        },
        auth,
    )
    changed = renamed["data"]["updateCharacter"]["character"]
    assert changed["name"] == "Brenna the Bold"
    assert changed["document"]["identity"]["name"] == "Brenna the Bold"
    assert changed["visibility"] == "PUBLIC"
    both = await gql(
        service.http,
        UPDATE,
        {"input": {"id": character["id"], "expectedVersion": 2, "name": "A", "document": {}}},
        auth,
    )
    assert both["data"]["updateCharacter"]["userErrors"][0]["code"] == "NAME_WITH_DOCUMENT"
    too_long = await gql(
        service.http,
        UPDATE,
        {"input": {"id": character["id"], "expectedVersion": 2, "name": "n" * 121}},
        auth,
    )
    assert [(e["path"], e["code"]) for e in too_long["data"]["updateCharacter"]["userErrors"]] == [
        (["input", "name"], "NAME_TOO_LONG")
    ]


async def test_idempotency_key_returns_the_same_character(service: Service) -> None:
    auth = service.tokens.headers(uuid.uuid4())
    request = {"input": {"document": named("Pip"), "idempotencyKey": "retry-1"}}
    first = await gql(service.http, CREATE, request, auth)
    second = await gql(service.http, CREATE, request, auth)
    assert (
        first["data"]["createCharacter"]["character"]["id"]
        == second["data"]["createCharacter"]["character"]["id"]
    )
    listed = await gql(service.http, LIST, {"first": 10}, auth)
    assert len(listed["data"]["characters"]["edges"]) == 1
    assert await service.event_types() == ["character.created"]


async def test_pages_and_ownership(service: Service) -> None:
    alice, bob = service.tokens.headers(uuid.uuid4()), service.tokens.headers(uuid.uuid4())
    for name in ["A", "B", "C"]:
        await create(service, alice, document=named(name))
    page1 = (await gql(service.http, LIST, {"first": 2}, alice))["data"]["characters"]
    assert [e["node"]["name"] for e in page1["edges"]] == ["A", "B"]
    assert page1["pageInfo"]["hasNextPage"] is True
    page2 = await gql(
        service.http, LIST, {"first": 2, "after": page1["pageInfo"]["endCursor"]}, alice
    )
    assert [e["node"]["name"] for e in page2["data"]["characters"]["edges"]] == ["C"]
    assert (await gql(service.http, LIST, {"first": 10}, bob))["data"]["characters"]["edges"] == []
    bad_cursor = await gql(service.http, LIST, {"first": 2, "after": "nonsense"}, alice)
    assert bad_cursor["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    mine = (await gql(service.http, LIST, {"first": 1}, alice))["data"]["characters"]["edges"]
    theirs = await gql(
        service.http,
        UPDATE,
        {"input": {"id": page1["edges"][0]["cursor"], "expectedVersion": 1, "name": "Z"}},
        bob,
    )
    assert theirs["data"]["updateCharacter"]["userErrors"][0]["code"] == "INVALID_ID"
    assert mine


async def test_someone_elses_character_is_not_found(service: Service) -> None:
    alice, bob = service.tokens.headers(uuid.uuid4()), service.tokens.headers(uuid.uuid4())
    character = await create(service, alice)
    for mutation, field in [(UPDATE, "updateCharacter"), (DELETE, "deleteCharacter")]:
        result = await gql(
            service.http,
            mutation,
            {"input": {"id": character["id"], "expectedVersion": 1}},
            bob,
        )
        assert [e["code"] for e in result["data"][field]["userErrors"]] == ["NOT_FOUND"]
    assert (await gql(service.http, ONE, {"id": character["id"]}, bob))["data"]["character"] is None
    assert await service.event_types() == ["character.created"]


async def test_authentication_is_required_and_checked(service: Service) -> None:
    anonymous = await gql(service.http, LIST, {"first": 1})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    forged = TokenFactory().headers(uuid.uuid4())  # signed by a key the service does not trust
    rejected = await gql(service.http, LIST, {"first": 1}, forged)
    assert rejected["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    expired = service.tokens.headers(uuid.uuid4(), expires_in=-10)
    assert (await gql(service.http, LIST, {"first": 1}, expired))["errors"][0]["extensions"][
        "code"
    ] == "UNAUTHENTICATED"
    signed_out_create = await gql(service.http, CREATE, {"input": {"document": example()}})
    assert signed_out_create["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_health_answers_when_the_database_does(service: Service) -> None:
    response = await service.http.get("/health")
    assert response.status_code == 200
    assert response.json()["service"] == "character"


async def test_public_characters_are_readable_by_anyone(service: Service) -> None:
    owner = service.tokens.headers(uuid.uuid4())
    shown = await create(service, owner, document=named("Shown"), visibility="PUBLIC")
    hidden = await create(service, owner, document=named("Hidden"))
    listed = await gql(service.http, "{ publicCharacters(first: 10) { edges { node { name } } } }")
    assert [e["node"]["name"] for e in listed["data"]["publicCharacters"]["edges"]] == ["Shown"]
    entities = """query($r: [_Any!]!) {
      _entities(representations: $r) { ... on Character { name class { slug } } }
    }"""
    public = await gql(
        service.http, entities, {"r": [{"__typename": "Character", "id": shown["id"]}]}
    )
    assert public["data"]["_entities"] == [{"name": "Shown", "class": {"slug": "class/fighter"}}]
    private = await gql(
        service.http, entities, {"r": [{"__typename": "Character", "id": hidden["id"]}]}
    )
    assert private["data"]["_entities"] == [None]  # absent for a signed-out caller
    stranger = service.tokens.headers(uuid.uuid4())
    hidden_read = await gql(service.http, ONE, {"id": hidden["id"]}, stranger)
    assert hidden_read["data"]["character"] is None
    public_read = await gql(service.http, ONE, {"id": shown["id"]})
    assert public_read["data"]["character"]["name"] == "Shown"


async def test_idempotency_keys_and_choices_are_checked(service: Service) -> None:
    auth = service.tokens.headers()
    for key in ["k" * 81, "", "tab\there"]:
        result = await gql(
            service.http, CREATE, {"input": {"document": example(), "idempotencyKey": key}}, auth
        )
        errors = result["data"]["createCharacter"]["userErrors"]
        assert [(e["path"], e["code"]) for e in errors] == [
            (["input", "idempotencyKey"], "INVALID_IDEMPOTENCY_KEY")
        ]
    bad_kind = await gql(
        service.http, CREATE, {"input": {"document": example(), "kind": "DRAGON"}}, auth
    )
    assert bad_kind["errors"] and not bad_kind.get("data")  # not an enum value: not even run
    assert (await gql(service.http, LIST, {"first": 10}, auth))["data"]["characters"]["edges"] == []


async def test_an_oversized_document_is_refused(service: Service) -> None:
    auth = service.tokens.headers()
    document = example()
    document["equipment"] = [{"name": "x" * 100, "weight": 0} for _ in range(3000)]
    result = await gql(service.http, CREATE, {"input": {"document": document}}, auth)
    assert [e["code"] for e in result["data"]["createCharacter"]["userErrors"]] == [
        "DOCUMENT_TOO_LARGE"
    ]


async def test_concurrent_writers_one_wins_the_other_conflicts(service: Service) -> None:
    auth = service.tokens.headers(uuid.uuid4())
    character = await create(service, auth)

    def rename(name: str) -> Any:
        return gql(
            service.http,
            UPDATE,
            {"input": {"id": character["id"], "expectedVersion": 1, "name": name}},
            auth,
        )

    results = await asyncio.gather(*(rename(f"Writer {n}") for n in range(6)))
    payloads = [r["data"]["updateCharacter"] for r in results]
    won = [p for p in payloads if not p["userErrors"]]
    lost = [p["userErrors"][0]["code"] for p in payloads if p["userErrors"]]
    assert len(won) == 1 and lost == ["VERSION_CONFLICT"] * 5
    one = await gql(service.http, ONE, {"id": character["id"]}, auth)
    assert one["data"]["character"] == {"name": won[0]["character"]["name"], "version": 2}
    assert await service.event_types() == ["character.created", "character.updated"]


async def test_concurrent_retries_of_one_create_make_one_character(service: Service) -> None:
    auth = service.tokens.headers(uuid.uuid4())
    request = {"input": {"document": named("Once"), "idempotencyKey": "race-1"}}
    results = await asyncio.gather(*(gql(service.http, CREATE, request, auth) for _ in range(5)))
    ids = {r["data"]["createCharacter"]["character"]["id"] for r in results}
    assert len(ids) == 1
    assert await service.count(CharacterRow) == 1
    assert await service.event_types() == ["character.created"]


async def test_concurrent_deletes_one_wins_the_other_conflicts(service: Service) -> None:
    auth = service.tokens.headers(uuid.uuid4())
    character = await create(service, auth)
    request = {"input": {"id": character["id"], "expectedVersion": 1}}
    results = await asyncio.gather(*(gql(service.http, DELETE, request, auth) for _ in range(4)))
    codes = [[e["code"] for e in r["data"]["deleteCharacter"]["userErrors"]] for r in results]
    assert codes.count([]) == 1  # one delete won
    # The others read it before (a conflict) or after (gone) the winner committed.
    assert all(c in (["VERSION_CONFLICT"], ["NOT_FOUND"]) for c in codes if c)
    assert await service.event_types() == ["character.created", "character.deleted"]
