"""``Character.sheet``: derived on read, explained, cached per version, and read only by those
allowed to."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa

from infra.db.engine import create_engine
from subgraphs.character.app import build
from subgraphs.character.models import CharacterRow
from subgraphs.character.sheet.derivation import SheetCache, derive_sheet
from tests.subgraphs.character.support import CREATE, UPDATE, example
from tests.subgraphs.harness import serve_subgraph
from tests.support import TokenFactory, gql

# The fields tools outside the project query, exactly as they spell them.
OUTSIDE_TOOLS = """query($id: ID!) { character(id: $id) { sheet {
  proficiencyBonus initiative passivePerception armorClass { value }
  hitPoints { max current temp } speed abilities { ability score modifier save }
  skills { skill bonus } spellcasting { ability saveDc attackBonus }
} } }"""


@pytest.fixture
async def served(tmp_path: object) -> AsyncIterator[tuple[httpx.AsyncClient, TokenFactory, str]]:
    url = f"sqlite+aiosqlite:///{tmp_path}/character.db"
    async with serve_subgraph(build, {"CHARACTER_DATABASE_URL": url}) as (http, tokens):
        yield http, tokens, url


async def _create(http: httpx.AsyncClient, auth: dict[str, str], **fields: object) -> str:
    result = await gql(http, CREATE, {"input": {"document": example(), **fields}}, auth)
    assert result["data"]["createCharacter"]["userErrors"] == []
    return str(result["data"]["createCharacter"]["character"]["id"])


async def test_the_outside_tools_query_answers_with_explained_numbers(
    served: tuple[httpx.AsyncClient, TokenFactory, str],
) -> None:
    http, tokens, _ = served
    auth = tokens.headers(uuid.uuid4())
    character = await _create(http, auth)
    sheet = (await gql(http, OUTSIDE_TOOLS, {"id": character}, auth))["data"]["character"]["sheet"]
    assert sheet["proficiencyBonus"] == 2 and sheet["armorClass"]["value"] == 19
    assert sheet["abilities"][0] == {"ability": "STR", "score": 17, "modifier": 3, "save": 5}
    assert {"skill": "ATHLETICS", "bonus": 5} in sheet["skills"]
    assert sheet["spellcasting"] == []

    explained = await gql(
        http,
        """query($id: ID!) { character(id: $id) { sheet {
          armorClass { value breakdown { source value } } initiative
          initiativeBreakdown { source value } speed speedBreakdown { source value }
          hitPoints { max maxBreakdown { value } } skills { bonus bonusBreakdown { value } }
        } } }""",
        {"id": character},
        auth,
    )
    s = explained["data"]["character"]["sheet"]
    assert {"source": "Shield", "value": 2} in s["armorClass"]["breakdown"]
    for number, parts in [
        (s["armorClass"]["value"], s["armorClass"]["breakdown"]),
        (s["initiative"], s["initiativeBreakdown"]),
        (s["speed"], s["speedBreakdown"]),
        (s["hitPoints"]["max"], s["hitPoints"]["maxBreakdown"]),
        *((line["bonus"], line["bonusBreakdown"]) for line in s["skills"]),
    ]:
        assert number == sum(part["value"] for part in parts)


async def test_a_new_version_is_a_new_sheet_and_old_ones_stay_cached(
    served: tuple[httpx.AsyncClient, TokenFactory, str],
) -> None:
    http, tokens, _ = served
    auth = tokens.headers(uuid.uuid4())
    character = await _create(http, auth)
    query = "query($id: ID!) { character(id: $id) { sheet { hitPoints { current } } } }"
    first = await gql(http, query, {"id": character}, auth)
    hurt = example()
    hurt["state"] = {"current_hp": 7}
    await gql(
        http, UPDATE, {"input": {"id": character, "expectedVersion": 1, "document": hurt}}, auth
    )
    second = await gql(http, query, {"id": character}, auth)
    assert first["data"]["character"]["sheet"]["hitPoints"]["current"] == 25  # as the example
    assert second["data"]["character"]["sheet"]["hitPoints"]["current"] == 7


def test_the_cache_is_keyed_by_version_and_bounded() -> None:
    cache = SheetCache(capacity=2)
    key = uuid.uuid4()
    document = example()
    first = cache.sheet((key, 1), document)
    assert cache.sheet((key, 1), {"not": "read again"}) is first  # same version: cached
    hurt = example()
    hurt["state"] = {"current_hp": 3}
    assert cache.sheet((key, 2), hurt).hit_points.current == 3
    cache.sheet((uuid.uuid4(), 1), document)
    assert len(cache) == 2  # the oldest entry went


async def test_who_reads_the_sheet(served: tuple[httpx.AsyncClient, TokenFactory, str]) -> None:
    http, tokens, _ = served
    owner = tokens.headers(uuid.uuid4())
    private = await _create(http, owner)
    public = await _create(http, owner, visibility="PUBLIC")
    query = "query($id: ID!) { character(id: $id) { name sheet { speed } document } }"
    stranger = tokens.headers(uuid.uuid4())
    for auth in [stranger, {}]:  # a signed-in stranger, a signed-out caller
        hidden = await gql(http, query, {"id": private}, auth)
        assert hidden["data"]["character"] is None and "errors" not in hidden
        shown = await gql(http, query, {"id": public}, auth)
        assert shown["data"]["character"]["sheet"] == {"speed": 30}
    entities = """query($r: [_Any!]!) {
      _entities(representations: $r) { ... on Character { name sheet { speed } } }
    }"""
    # A reference another subgraph holds gives a stranger nothing more (test_access: roles).
    reference = await gql(
        http, entities, {"r": [{"__typename": "Character", "id": private}]}, stranger
    )
    assert reference == {"data": {"_entities": [None]}}


async def test_an_unreadable_stored_document_says_why(
    served: tuple[httpx.AsyncClient, TokenFactory, str],
) -> None:
    http, tokens, url = served
    owner = uuid.uuid4()
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            legacy = sa.insert(CharacterRow).values(
                id=uuid.uuid4(),
                owner_id=owner,
                kind="PC",
                name="Tinker",
                level=2,
                visibility="PRIVATE",
                document={"identity": {"name": "Tinker", "species": "unknown"}, "classes": []},
                is_deleted=False,
                version=1,
            )
            await connection.execute(legacy)
    finally:
        await engine.dispose()
    auth = tokens.headers(owner)
    listed = await gql(
        http,
        "{ characters(first: 1) { nodes { id name level problems { path code } } } }",
        None,
        auth,
    )
    [node] = listed["data"]["characters"]["nodes"]
    assert (node["name"], node["level"]) == ("Tinker", 2)  # the face still reads
    assert {"path": ["classes"], "code": "REQUIRED"} in node["problems"]
    read = await gql(
        http, "query($id: ID!) { character(id: $id) { sheet { speed } } }", {"id": node["id"]}, auth
    )
    [error] = read["errors"]
    assert error["extensions"]["code"] == "DOCUMENT_UNREADABLE"
    assert error["path"] == ["character", "sheet"]
    assert {"path": "classes", "code": "required"}.items() <= error["extensions"]["problems"][
        0
    ].items()


def test_derive_sheet_refuses_what_does_not_parse() -> None:
    with pytest.raises(Exception, match="cannot read"):
        derive_sheet({"classes": []})
