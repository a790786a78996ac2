"""The character subgraph over HTTP, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from subgraphs.character.app import build
from tests.subgraphs.harness import serve_subgraph
from tests.support import TokenFactory, gql

CREATE = """
mutation($input: CreateCharacterInput!) {
  createCharacter(input: $input) {
    character { id name level version owner { id } }
    userErrors { path code message }
  }
}"""
UPDATE = """
mutation($input: UpdateCharacterInput!) {
  updateCharacter(input: $input) { character { name level version } userErrors { path code } }
}"""
DELETE = """
mutation($input: CharacterVersionInput!) {
  deleteCharacter(input: $input) { character { id } userErrors { path code } }
}"""
LIST = """query($first: Int!, $after: String) {
  characters(first: $first, after: $after) {
    edges { cursor node { name } } pageInfo { hasNextPage endCursor }
  }
}"""


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, TokenFactory]]:
    async with serve_subgraph(build, {"CHARACTER_DATABASE_URL": database_url}) as served:
        yield served


async def test_create_read_update_delete(client: tuple[httpx.AsyncClient, TokenFactory]) -> None:
    http, tokens = client
    owner = uuid.uuid4()
    auth = tokens.headers(owner)
    created = await gql(http, CREATE, {"input": {"name": " Vex ", "level": 3}}, auth)
    character = created["data"]["createCharacter"]["character"]
    assert created["data"]["createCharacter"]["userErrors"] == []
    assert (character["name"], character["level"], character["version"]) == ("Vex", 3, 1)
    assert character["owner"] == {"id": str(owner)}

    updated = await gql(
        http, UPDATE, {"input": {"id": character["id"], "expectedVersion": 1, "level": 4}}, auth
    )
    assert updated["data"]["updateCharacter"]["character"] == {
        "name": "Vex",
        "level": 4,
        "version": 2,
    }

    stale = await gql(
        http, UPDATE, {"input": {"id": character["id"], "expectedVersion": 1, "name": "X"}}, auth
    )
    assert stale["data"]["updateCharacter"]["userErrors"] == [
        {"path": ["input", "expectedVersion"], "code": "VERSION_CONFLICT"}
    ]
    one = await gql(
        http,
        "query($id: ID!) { character(id: $id) { name version } }",
        {"id": character["id"]},
        auth,
    )
    assert one["data"]["character"] == {
        "name": "Vex",
        "version": 2,
    }  # the stale write changed nothing

    deleted = await gql(
        http, DELETE, {"input": {"id": character["id"], "expectedVersion": 2}}, auth
    )
    assert deleted["data"]["deleteCharacter"]["userErrors"] == []
    gone = await gql(
        http, "query($id: ID!) { character(id: $id) { name } }", {"id": character["id"]}, auth
    )
    assert gone["data"]["character"] is None


async def test_bad_input_is_a_user_error_and_changes_nothing(
    client: tuple[httpx.AsyncClient, TokenFactory],
) -> None:
    http, tokens = client
    auth = tokens.headers(uuid.uuid4())
    result = await gql(http, CREATE, {"input": {"name": "  ", "level": 21}}, auth)
    payload = result["data"]["createCharacter"]
    assert payload["character"] is None
    assert {(tuple(e["path"]), e["code"]) for e in payload["userErrors"]} == {
        (("input", "name"), "NAME_REQUIRED"),
        (("input", "level"), "LEVEL_OUT_OF_RANGE"),
    }
    listed = await gql(http, LIST, {"first": 10}, auth)
    assert listed["data"]["characters"]["edges"] == []


async def test_idempotency_key_returns_the_same_character(
    client: tuple[httpx.AsyncClient, TokenFactory],
) -> None:
    http, tokens = client
    auth = tokens.headers(uuid.uuid4())
    request = {"input": {"name": "Pip", "idempotencyKey": "retry-1"}}
    first = await gql(http, CREATE, request, auth)
    second = await gql(http, CREATE, request, auth)
    assert (
        first["data"]["createCharacter"]["character"]["id"]
        == second["data"]["createCharacter"]["character"]["id"]
    )
    listed = await gql(http, LIST, {"first": 10}, auth)
    assert len(listed["data"]["characters"]["edges"]) == 1


async def test_pages_and_ownership(client: tuple[httpx.AsyncClient, TokenFactory]) -> None:
    http, tokens = client
    alice, bob = tokens.headers(uuid.uuid4()), tokens.headers(uuid.uuid4())
    for name in ["A", "B", "C"]:
        await gql(http, CREATE, {"input": {"name": name}}, alice)
    page1 = (await gql(http, LIST, {"first": 2}, alice))["data"]["characters"]
    assert [e["node"]["name"] for e in page1["edges"]] == ["A", "B"]
    assert page1["pageInfo"]["hasNextPage"] is True
    page2 = await gql(http, LIST, {"first": 2, "after": page1["pageInfo"]["endCursor"]}, alice)
    assert [e["node"]["name"] for e in page2["data"]["characters"]["edges"]] == ["C"]
    assert (await gql(http, LIST, {"first": 10}, bob))["data"]["characters"]["edges"] == []
    bad_cursor = await gql(http, LIST, {"first": 2, "after": "nonsense"}, alice)
    assert bad_cursor["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_authentication_is_required_and_checked(
    client: tuple[httpx.AsyncClient, TokenFactory],
) -> None:
    http, tokens = client
    anonymous = await gql(http, LIST, {"first": 1})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    forged = TokenFactory().headers(uuid.uuid4())  # signed by a key the service does not trust
    rejected = await gql(http, LIST, {"first": 1}, forged)
    assert rejected["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    expired = tokens.headers(uuid.uuid4(), expires_in=-10)
    assert (await gql(http, LIST, {"first": 1}, expired))["errors"][0]["extensions"][
        "code"
    ] == "UNAUTHENTICATED"


async def test_health_answers_when_the_database_does(
    client: tuple[httpx.AsyncClient, TokenFactory],
) -> None:
    http, _ = client
    response = await http.get("/health")
    assert response.status_code == 200
    assert response.json()["service"] == "character"


async def test_public_characters_are_readable_by_anyone(
    client: tuple[httpx.AsyncClient, TokenFactory],
) -> None:
    http, tokens = client
    owner = tokens.headers(uuid.uuid4())
    created = await gql(http, CREATE, {"input": {"name": "Shown", "level": 5}}, owner)
    hidden = await gql(http, CREATE, {"input": {"name": "Hidden"}}, owner)
    shown_id = created["data"]["createCharacter"]["character"]["id"]
    hidden_id = hidden["data"]["createCharacter"]["character"]["id"]
    published = await gql(
        http,
        """mutation($input: UpdateCharacterInput!) {
          updateCharacter(input: $input) {
            character { visibility class { slug } } userErrors { code }
          }
        }""",
        {
            "input": {
                "id": shown_id,
                "expectedVersion": 1,
                "visibility": "PUBLIC",
                "classSlug": "class/wizard",
            }
        },
        owner,
    )
    assert published["data"]["updateCharacter"]["character"] == {
        "visibility": "PUBLIC",
        "class": {"slug": "class/wizard"},
    }
    listed = await gql(http, "{ publicCharacters(first: 10) { edges { node { name } } } }")
    assert [e["node"]["name"] for e in listed["data"]["publicCharacters"]["edges"]] == ["Shown"]
    entities = await gql(
        http,
        """query($r: [_Any!]!) { _entities(representations: $r) { ... on Character { name } } }""",
        {"r": [{"__typename": "Character", "id": shown_id}]},
    )
    assert entities["data"]["_entities"] == [{"name": "Shown"}]
    private = await gql(
        http,
        """query($r: [_Any!]!) { _entities(representations: $r) { ... on Character { name } } }""",
        {"r": [{"__typename": "Character", "id": hidden_id}]},
    )
    assert private["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    stranger = tokens.headers(uuid.uuid4())
    hidden_read = await gql(
        http, "query($id: ID!) { character(id: $id) { name } }", {"id": hidden_id}, stranger
    )
    assert hidden_read["data"]["character"] is None


async def test_idempotency_keys_are_checked(client: tuple[httpx.AsyncClient, TokenFactory]) -> None:
    http, tokens = client
    auth = tokens.headers()
    for key in ["k" * 81, "", "tab\there"]:
        result = await gql(http, CREATE, {"input": {"name": "Key", "idempotencyKey": key}}, auth)
        errors = result["data"]["createCharacter"]["userErrors"]
        assert [(e["path"], e["code"]) for e in errors] == [
            (["input", "idempotencyKey"], "INVALID_IDEMPOTENCY_KEY")
        ]
    assert (await gql(http, LIST, {"first": 10}, auth))["data"]["characters"]["edges"] == []


async def test_class_slug_shape_is_checked(client: tuple[httpx.AsyncClient, TokenFactory]) -> None:
    http, tokens = client
    result = await gql(
        http, CREATE, {"input": {"name": "Odd", "classSlug": "Wizard!"}}, tokens.headers()
    )
    assert result["data"]["createCharacter"]["userErrors"][0]["path"] == ["input", "classSlug"]
