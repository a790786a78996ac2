"""Reading supergraph SDL into the model, and deriving the API schema from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLEnumType, GraphQLObjectType, print_schema

from router.api_schema import build_api_schema
from router.supergraph import SupergraphError, load_supergraph

# A hand-written join/v0.3 supergraph (the shape Apollo composition writes) with an interface,
# an @override, and @inaccessible renamed with `as: "hidden"`.
SPELLS_SUPERGRAPH = (Path(__file__).parent / "spells_supergraph.graphql").read_text()


def test_reads_subgraphs_types_and_fields(supergraph_sdl: str) -> None:
    supergraph = load_supergraph(supergraph_sdl)
    assert {s.name: s.url for s in supergraph.subgraphs.values()} == {
        "characters": "http://127.0.0.1:4101/graphql",
        "campaigns": "http://127.0.0.1:4102/graphql",
        "items": "http://127.0.0.1:4103/graphql",
    }
    character = supergraph.types["Character"]
    assert character.graphs == {"CHARACTERS", "CAMPAIGNS", "ITEMS"}
    assert [j.key for j in character.keys_in("ITEMS")] == ["id"]
    item = supergraph.types["Item"]
    assert item.keys_in("CAMPAIGNS") == []  # resolvable: false is a reference, not an entry
    assert supergraph.field_graphs("Character", "name") == ["CHARACTERS"]  # external elsewhere
    assert supergraph.field_graphs("Character", "id") == ["CAMPAIGNS", "CHARACTERS", "ITEMS"]
    capacity = supergraph.field_join("Character", "carryingCapacity", "ITEMS")
    assert capacity is not None and capacity.requires == "strength"
    master = supergraph.field_join("Campaign", "dungeonMaster", "CAMPAIGNS")
    assert master is not None and master.provides == "name"
    assert supergraph.types["SearchResult"].union_members == {"CHARACTERS": {"Character", "Item"}}
    assert supergraph.types["Rarity"].enum_values["RARE"] == {"ITEMS"}


def test_reads_join_v03_override_and_implements() -> None:
    supergraph = load_supergraph(SPELLS_SUPERGRAPH)
    assert supergraph.field_graphs("Spell", "level") == ["RULES"]
    level = supergraph.field_join("Spell", "level", "RULES")
    assert level is not None and level.override == "spells"
    assert supergraph.types["Spell"].implements == {"SPELLS": {"Castable"}}


def test_api_schema_hides_federation_machinery(supergraph_sdl: str) -> None:
    printed = print_schema(build_api_schema(load_supergraph(supergraph_sdl).document))
    for internal in ("join__", "link__", "@link", "@join", "@inaccessible", "_entities",
                     "internalNotes"):
        assert internal not in printed
    assert "type Character {" in printed
    assert "union SearchResult = Character | Item" in printed


def test_api_schema_honours_a_renamed_inaccessible() -> None:
    schema = build_api_schema(load_supergraph(SPELLS_SUPERGRAPH).document)
    spell = schema.get_type("Spell")
    school = schema.get_type("School")
    assert isinstance(spell, GraphQLObjectType) and "secretSource" not in spell.fields
    assert isinstance(school, GraphQLEnumType) and list(school.values) == ["EVOCATION"]
    assert schema.get_directive("hidden") is None


@pytest.mark.parametrize(("sdl", "message"), [
    ("type Query { a: Int }", "no @link to the join spec"),
    ("type Query {", "does not parse"),
    (SPELLS_SUPERGRAPH.replace("join/v0.3", "join/v0.9"), "join spec v0.9 is not supported"),
    (SPELLS_SUPERGRAPH.replace("@join__type(graph: RULES, key", "@join__type(graph: NOPE, key"),
     "unknown subgraph NOPE"),
])
def test_rejects_what_is_not_a_supergraph(sdl: str, message: str) -> None:
    with pytest.raises(SupergraphError, match=message):
        load_supergraph(sdl)
