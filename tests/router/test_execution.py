"""End to end: client -> router -> real subgraphs over loopback HTTP -> merged response."""

from __future__ import annotations

import httpx

from tests.router import subgraphs
from tests.router.conftest import RouterFactory, run_query
from tests.support import free_port


async def test_single_subgraph_query(router: httpx.AsyncClient) -> None:
    result = await run_query(router, '{ character(id: "c1") { id name level } }')
    assert result == {"data": {"character": {"id": "c1", "name": "Aria", "level": 5}}}


async def test_field_contributed_by_another_subgraph(router: httpx.AsyncClient) -> None:
    result = await run_query(router, "{ characters { name campaigns { name } } }")
    assert "errors" not in result
    assert result["data"]["characters"] == [
        {"name": "Aria", "campaigns": [{"name": "Lost Mine"}]},
        {"name": "Borin", "campaigns": [{"name": "Lost Mine"}, {"name": "Dragon Heist"}]},
        {"name": "Cyra", "campaigns": []},
    ]


async def test_stitching_across_three_subgraphs(router: httpx.AsyncClient) -> None:
    query = """{
      campaign(id: "k1") {
        name
        members { name carryingCapacity inventory { name rarity } }
        loot { name weight }
      }
    }"""
    result = await run_query(router, query)
    assert "errors" not in result
    campaign = result["data"]["campaign"]
    assert campaign["name"] == "Lost Mine"
    assert campaign["members"] == [
        {"name": "Aria", "carryingCapacity": 150,
         "inventory": [{"name": "Longsword", "rarity": "COMMON"},
                       {"name": "Rope", "rarity": "COMMON"}]},
        {"name": "Borin", "carryingCapacity": 255,
         "inventory": [{"name": "Bag of Holding", "rarity": "UNCOMMON"}]},
    ]
    assert campaign["loot"] == [
        {"name": "Longsword", "weight": 3.0}, {"name": "Bag of Holding", "weight": 15.0}
    ]


async def test_requires_field_is_sent_in_representations(router: httpx.AsyncClient) -> None:
    subgraphs.CHARACTERS["c2"]["strength"] = 20  # items only learns it from the representation
    result = await run_query(router, '{ character(id: "c2") { carryingCapacity } }')
    assert result == {"data": {"character": {"carryingCapacity": 300}}}


async def test_entity_representations_are_batched_and_deduplicated(
    router: httpx.AsyncClient,
) -> None:
    # Borin is a member of both campaigns: one representation, but both places get the answer.
    result = await run_query(router, "{ campaigns { members { level } } }")
    assert result["data"]["campaigns"] == [
        {"members": [{"level": 5}, {"level": 3}]}, {"members": [{"level": 3}]}
    ]
    character_lookups = [call for call in subgraphs.ENTITY_CALLS if call[0] == "characters"]
    assert len(character_lookups) == 2  # c1 and c2, each resolved once


async def test_provides_avoids_a_jump_and_missing_fields_still_jump(
    make_router: RouterFactory,
) -> None:
    router = await make_router(dev=True)
    provided = await run_query(router, '{ campaign(id: "k1") { dungeonMaster { name } } }')
    assert provided["data"] == {"campaign": {"dungeonMaster": {"name": "Cyra"}}}
    assert "Flatten" not in provided["extensions"]["queryPlan"]
    jumped = await run_query(router, '{ campaign(id: "k1") { dungeonMaster { name level } } }')
    assert jumped["data"] == {"campaign": {"dungeonMaster": {"name": "Cyra", "level": 1}}}
    assert 'Flatten(path: "campaign.dungeonMaster")' in jumped["extensions"]["queryPlan"]


async def test_union_with_members_from_different_subgraphs(router: httpx.AsyncClient) -> None:
    query = """{
      search(text: "r") {
        __typename
        ... on Character { name }
        ... on Item { name weight }
      }
    }"""
    result = await run_query(router, query)
    assert "errors" not in result
    assert result["data"]["search"] == [
        {"__typename": "Character", "name": "Aria"},
        {"__typename": "Character", "name": "Borin"},
        {"__typename": "Character", "name": "Cyra"},
        {"__typename": "Item", "name": "Longsword", "weight": 3.0},
        {"__typename": "Item", "name": "Rope", "weight": 5.0},
    ]


async def test_aliases_fragments_and_typename(router: httpx.AsyncClient) -> None:
    query = """
      query Party {
        first: character(id: "c1") { ...Sheet }
        second: character(id: "c2") { ...Sheet kind: __typename }
      }
      fragment Sheet on Character {
        who: name
        ... on Character { lvl: level }
        memberOf: campaigns { title: name }
      }
    """
    result = await run_query(router, query, operation_name="Party")
    assert "errors" not in result
    assert result["data"] == {
        "first": {"who": "Aria", "lvl": 5, "memberOf": [{"title": "Lost Mine"}]},
        "second": {"who": "Borin", "lvl": 3,
                   "memberOf": [{"title": "Lost Mine"}, {"title": "Dragon Heist"}],
                   "kind": "Character"},
    }


async def test_client_aliases_that_shadow_key_and_required_fields(
    router: httpx.AsyncClient,
) -> None:
    # `id` and `strength` are what the router itself needs for the jumps; the client uses those
    # response keys for other fields, so the router's copies travel under internal aliases.
    query = """{ character(id: "c2") {
      id: name strength: level carryingCapacity campaigns { id: name }
    } }"""
    result = await run_query(router, query)
    assert "errors" not in result
    assert result["data"]["character"] == {
        "id": "Borin", "strength": 3, "carryingCapacity": 255,
        "campaigns": [{"id": "Lost Mine"}, {"id": "Dragon Heist"}],
    }


async def test_variables_with_defaults(router: httpx.AsyncClient) -> None:
    query = 'query Find($id: ID! = "c3") { character(id: $id) { name } }'
    assert await run_query(router, query) == {"data": {"character": {"name": "Cyra"}}}
    with_value = await run_query(router, query, {"id": "c2"})
    assert with_value == {"data": {"character": {"name": "Borin"}}}


async def test_skip_and_include(router: httpx.AsyncClient) -> None:
    query = """query Sheet($withCampaigns: Boolean!, $hideLevel: Boolean!) {
      character(id: "c1") {
        name
        level @skip(if: $hideLevel)
        campaigns @include(if: $withCampaigns) { name }
        ... @include(if: $withCampaigns) { carryingCapacity }
      }
    }"""
    shown = await run_query(router, query, {"withCampaigns": True, "hideLevel": False})
    assert shown["data"]["character"] == {
        "name": "Aria", "level": 5, "campaigns": [{"name": "Lost Mine"}],
        "carryingCapacity": 150,
    }
    subgraphs.ENTITY_CALLS.clear()
    hidden = await run_query(router, query, {"withCampaigns": False, "hideLevel": True})
    assert hidden["data"]["character"] == {"name": "Aria"}
    assert ("campaigns", 1) not in subgraphs.ENTITY_CALLS  # a skipped field is not fetched


async def test_mutations_run_in_order_across_subgraphs(router: httpx.AsyncClient) -> None:
    mutation = """mutation {
      first: renameCharacter(id: "c3", name: "Cyra the Bold") { name }
      join: addMember(campaignId: "k2", characterId: "c3") { members { name } }
      second: renameCharacter(id: "c1", name: "Aria Dawnfire") { name campaigns { name } }
    }"""
    result = await run_query(router, mutation)
    assert "errors" not in result
    assert subgraphs.MUTATION_LOG == ["rename c3", "add c3 to k2", "rename c1"]
    assert result["data"]["join"]["members"] == [{"name": "Borin"}, {"name": "Cyra the Bold"}]
    assert result["data"]["second"] == {
        "name": "Aria Dawnfire", "campaigns": [{"name": "Lost Mine"}]
    }


async def test_subgraph_error_path_is_rewritten_to_client_path(
    router: httpx.AsyncClient,
) -> None:
    query = '{ hero: character(id: "c2") { name memberOf: campaigns { name notes: gmNotes } } }'
    result = await run_query(router, query)
    assert result["data"]["hero"]["memberOf"] == [
        {"name": "Lost Mine", "notes": None}, {"name": "Dragon Heist", "notes": None}
    ]
    paths = sorted(tuple(e["path"]) for e in result["errors"])
    assert paths == [("hero", "memberOf", 0, "notes"), ("hero", "memberOf", 1, "notes")]
    assert all(e["extensions"] == {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "campaigns"}
               for e in result["errors"])
    assert "only the GM may read the notes of Lost Mine" in {e["message"] for e in result["errors"]}


async def test_root_subgraph_error_keeps_message_and_path(router: httpx.AsyncClient) -> None:
    result = await run_query(router, '{ c: character(id: "c1") { name cursedNote } }')
    assert result["data"] == {"c": {"name": "Aria", "cursedNote": None}}
    [error] = result["errors"]
    assert error["message"] == "the note of Aria is cursed"
    assert error["path"] == ["c", "cursedNote"]


async def test_subgraph_down_gives_partial_data_and_an_error(
    make_router: RouterFactory,
) -> None:
    dead = f"http://127.0.0.1:{free_port()}/graphql"
    router = await make_router(subgraph_url_overrides={"campaigns": dead})
    result = await run_query(router, '{ character(id: "c1") { name } campaign(id: "k1") { name } }')
    assert result["data"] == {"character": {"name": "Aria"}, "campaign": None}
    [error] = result["errors"]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "serviceName": "campaigns"}


async def test_null_propagates_to_the_nearest_nullable_parent(
    make_router: RouterFactory,
) -> None:
    dead = f"http://127.0.0.1:{free_port()}/graphql"
    router = await make_router(subgraph_url_overrides={"campaigns": dead})
    # Character.campaigns is [Campaign!]!: without it the whole (nullable) character is null,
    # while the list of characters stays, and only the fetch failure is reported.
    result = await run_query(router, '{ character(id: "c1") { name campaigns { name } } }')
    assert result["data"] == {"character": None}
    assert [e["extensions"]["code"] for e in result["errors"]] == ["INTERNAL_SERVER_ERROR"]


async def test_null_in_non_null_position_from_a_subgraph_is_reported(
    make_router: RouterFactory,
) -> None:
    dead = f"http://127.0.0.1:{free_port()}/graphql"
    router = await make_router(subgraph_url_overrides={"items": dead})
    # items is down: loot entries lack `name` (String!) -> each loot item is non-null too, so
    # the null reaches `loot` ([Item!]!) and then the nullable `campaign`.
    result = await run_query(router, '{ campaign(id: "k2") { name loot { name } } }')
    assert result["data"] == {"campaign": None}
    assert result["errors"][0]["extensions"]["serviceName"] == "items"


async def test_subgraph_timeout_yields_partial_data(make_router: RouterFactory) -> None:
    import socket

    # A listener that accepts connections but never answers.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/graphql"
        router = await make_router(subgraph_url_overrides={"characters": url},
                                   subgraph_timeouts={"characters": 0.2})
        query = '{ character(id: "c1") { name } campaign(id: "k1") { name } }'
        result = await run_query(router, query)
    assert result["data"] == {"character": None, "campaign": {"name": "Lost Mine"}}
    [error] = result["errors"]
    assert "timed out" in error["message"]
    assert error["extensions"]["serviceName"] == "characters"


async def test_introspection_is_answered_from_the_api_schema(router: httpx.AsyncClient) -> None:
    query = """{
      __schema { queryType { name } types { name } }
      character: __type(name: "Character") { fields { name } }
    }"""
    result = await run_query(router, query)
    type_names = {t["name"] for t in result["data"]["__schema"]["types"]}
    assert {"Character", "Campaign", "Item", "SearchResult", "Rarity"} <= type_names
    assert not {n for n in type_names if n.startswith(("join__", "link__", "_"))} - {
        n for n in type_names if n.startswith("__")
    }
    field_names = {f["name"] for f in result["data"]["character"]["fields"]}
    assert "internalNotes" not in field_names  # @inaccessible
    assert {"name", "campaigns", "carryingCapacity"} <= field_names
