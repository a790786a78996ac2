"""Merging behaviour of the composer, checked on the parsed supergraph (no Node needed)."""

from __future__ import annotations

from typing import Any

from graphql import build_ast_schema, parse

from schema.compose import Subgraph, compose
from schema.compose.markers import combine_requirements
from tests.schema import strawberry_samples
from tests.schema.normalize import normalize_supergraph
from tests.schema.samples import (
    AUTHORIZATION,
    ENTITIES,
    MERGE_RULES,
    OVERRIDES_AND_KEYS,
    subgraph,
)


def types_of(subgraphs: list[Subgraph]) -> dict[str, Any]:
    types: dict[str, Any] = normalize_supergraph(compose(subgraphs))["types"]
    return types


def directives(node: dict[str, Any], name: str) -> list[dict[str, str]]:
    """The arguments of every application of directive ``name`` on a normalised node, by graph."""
    found = [dict(args) for directive, args in node["directives"] if directive == name]
    return sorted(found, key=lambda args: (args.get("graph", ""), sorted(args.items())))


def test_supergraph_header_links_and_graphs() -> None:
    sdl = compose(ENTITIES)
    normalized = normalize_supergraph(sdl)
    urls = sorted(dict(link)["url"] for link in normalized["links"])
    assert urls == sorted(
        [
            '"https://specs.apollo.dev/inaccessible/v0.2"',
            '"https://specs.apollo.dev/join/v0.5"',
            '"https://specs.apollo.dev/link/v1.0"',
            '"https://specs.apollo.dev/tag/v0.3"',
        ]
    )
    graphs = normalized["types"]["join__Graph"]["values"]
    assert list(graphs) == ["CHARACTERS", "COMBAT", "PARTIES"]
    assert directives(graphs["COMBAT"], "join__graph") == [
        {"name": '"combat"', "url": '"http://127.0.0.1:4001/combat/graphql"'}
    ]
    assert normalized["roots"] == {"query": "Query", "mutation": "Mutation"}


def test_supergraph_is_a_valid_graphql_schema() -> None:
    for subgraphs in (ENTITIES, MERGE_RULES, OVERRIDES_AND_KEYS):
        schema = build_ast_schema(parse(compose(subgraphs)))
        assert schema.query_type is not None and schema.query_type.name == "Query"


def test_spec_links_only_when_used() -> None:
    sdl = compose([subgraph("a", "type Query { a: Int }")])
    assert "tag/v0.3" not in sdl and "inaccessible/v0.2" not in sdl
    assert "directive @tag" not in sdl


def test_entity_fields_are_the_union_with_join_metadata() -> None:
    types = types_of(ENTITIES)
    character = types["Character"]
    assert list(character["fields"]) == [
        "id", "name", "level", "ability", "hp", "armorClass", "secret", "party", "initiative",
    ]  # fmt: skip
    assert directives(character, "join__type") == [
        {"graph": "CHARACTERS", "key": '"id"'},
        {"graph": "COMBAT", "key": '"id"'},
    ]
    fields = character["fields"]
    assert directives(fields["id"], "join__field") == []  # same everywhere: no metadata
    assert directives(fields["ability"], "join__field") == [
        {"graph": "CHARACTERS"},
        {"external": "true", "graph": "COMBAT"},
    ]
    assert directives(fields["armorClass"], "join__field") == [
        {"graph": "COMBAT", "requires": '"ability"'}
    ]
    assert directives(fields["party"], "join__field") == [
        {"graph": "COMBAT", "provides": '"title"'}
    ]
    # @override: the overridden subgraph no longer resolves the field.
    assert directives(fields["hp"], "join__field") == [
        {"graph": "CHARACTERS", "override": '"combat"'}
    ]
    assert directives(fields["level"], "tag") == [{"name": '"public"'}]
    assert directives(fields["secret"], "inaccessible") == [{}]
    # Contributed by the @interfaceObject in "combat", resolved through the interface.
    assert directives(fields["initiative"], "join__field") == [{}]
    assert character["description"] == "A player character."


def test_interface_object_and_non_resolvable_keys() -> None:
    types = types_of(ENTITIES)
    assert directives(types["Named"], "join__type") == [
        {"graph": "CHARACTERS", "key": '"id"'},
        {"graph": "COMBAT", "isInterfaceObject": "true", "key": '"id"'},
    ]
    assert types["Named"]["kind"] == "InterfaceTypeDefinitionNode"
    assert directives(types["Party"], "join__type") == [
        {"graph": "COMBAT", "key": '"id"', "resolvable": "false"},
        {"graph": "PARTIES", "key": '"id"'},
    ]
    assert directives(types["Monster"], "join__implements") == [
        {"graph": "CHARACTERS", "interface": '"Named"'}
    ]


def test_root_types_merge_and_every_subgraph_joins_query() -> None:
    types = types_of(ENTITIES)
    query = types["Query"]
    assert [d["graph"] for d in directives(query, "join__type")] == [
        "CHARACTERS", "COMBAT", "PARTIES",
    ]  # fmt: skip
    assert list(query["fields"]) == ["characters", "search", "party", "roll"]
    assert directives(query["fields"]["roll"], "join__field") == [{"graph": "PARTIES"}]
    assert query["fields"]["characters"]["description"] == "Every character."
    assert query["fields"]["characters"]["arguments"]["first"]["default"] == "10"
    # Mutation lives in one subgraph only, so its fields need no join__field.
    assert directives(types["Mutation"]["fields"]["heal"], "join__field") == []


def test_unions_enums_scalars_and_inputs_carry_join_metadata() -> None:
    types = types_of(ENTITIES)
    assert types["Creature"]["members"] == ["Character", "Monster"]
    assert len(directives(types["Creature"], "join__unionMember")) == 2
    # Ability is only used as output: the union of values, each tagged with its subgraphs.
    ability = types["Ability"]["values"]
    assert list(ability) == ["STR", "DEX", "CON"]
    assert directives(ability["CON"], "join__enumValue") == [{"graph": "COMBAT"}]
    assert directives(types["Dice"], "join__type") == [{"graph": "PARTIES"}]
    assert types["CharacterInput"]["fields"]["level"]["default"] == "1"


def test_value_type_nullability_merges_to_the_weaker_output_type() -> None:
    stats = types_of(MERGE_RULES)["Stats"]
    strength = stats["fields"]["strength"]
    assert strength["type"] == "Int"
    assert directives(strength, "join__field") == [
        {"graph": "ALPHA", "type": '"Int!"'},
        {"graph": "BETA", "type": '"Int"'},
    ]
    assert stats["fields"]["roll"]["type"] == "[Int!]"


def test_arguments_keep_only_those_all_subgraphs_accept() -> None:
    roll = types_of(MERGE_RULES)["Stats"]["fields"]["roll"]
    assert roll["arguments"] == {
        "sides": {"type": "Int!", "default": None, "description": None, "directives": []}
    }


def test_input_fields_are_the_intersection_with_the_stricter_type() -> None:
    filter_type = types_of(MERGE_RULES)["Filter"]
    assert list(filter_type["fields"]) == ["level", "tag"]
    level = filter_type["fields"]["level"]
    assert level["type"] == "Int!"
    assert directives(level, "join__field") == [
        {"graph": "ALPHA", "type": '"Int!"'},
        {"graph": "BETA", "type": '"Int"'},
    ]


def test_enum_merge_depends_on_where_the_enum_is_used() -> None:
    types = types_of(MERGE_RULES)
    assert list(types["Sort"]["values"]) == ["NAME"]  # input only: intersection
    assert list(types["Color"]["values"]) == ["RED", "GREEN", "BLUE"]  # output only: union


def test_enum_used_both_ways_must_match_and_then_merges() -> None:
    types = types_of(
        [
            subgraph("a", "type Query { a(e: E): E } enum E { X Y }"),
            subgraph("b", "type Query { b: E } enum E { X Y }"),
        ]
    )
    assert list(types["E"]["values"]) == ["X", "Y"]


def test_descriptions_and_deprecations_survive() -> None:
    stats = types_of(MERGE_RULES)["Stats"]
    assert stats["description"] == "Six numbers."  # only "beta" has one
    assert stats["fields"]["dexterity"]["description"] == "Dexterity score."
    assert directives(stats["fields"]["old"], "deprecated") == [{"reason": '"Use strength."'}]


def test_progressive_override_and_used_overridden() -> None:
    character = types_of(OVERRIDES_AND_KEYS)["Character"]
    assert directives(character["fields"]["xp"], "join__field") == [
        {
            "graph": "CHARACTER_SERVICE",
            "override": '"rules-engine"',
            "overrideLabel": '"percent(25)"',
        },
        {"graph": "RULES_ENGINE", "overrideLabel": '"percent(25)"'},
    ]
    # "gold" is part of a key in rules-engine, so that subgraph still needs to resolve it.
    assert directives(character["fields"]["gold"], "join__field") == [
        {"graph": "CHARACTER_SERVICE", "override": '"rules-engine"'},
        {"graph": "RULES_ENGINE", "usedOverridden": "true"},
    ]
    assert {"graph": "CHARACTER_SERVICE", "key": '"owner { id } slug"'} in directives(
        character, "join__type"
    )


def test_extension_types_mark_join_type() -> None:
    user = types_of(OVERRIDES_AND_KEYS)["User"]
    assert directives(user, "join__type") == [
        {"graph": "CHARACTER_SERVICE", "key": '"id"'},
        {"extension": "true", "graph": "RULES_ENGINE", "key": '"id"'},
    ]
    assert directives(user["fields"]["id"], "join__field") == []


def test_output_is_deterministic_whatever_the_input_order() -> None:
    assert compose(ENTITIES) == compose(list(reversed(ENTITIES)))


def test_strawberry_subgraphs_compose_without_federation_plumbing() -> None:
    sdl = compose(
        [
            Subgraph(
                "character", "http://127.0.0.1:4101/graphql", strawberry_samples.character_sdl()
            ),
            Subgraph(
                "campaign", "http://127.0.0.1:4102/graphql", strawberry_samples.campaign_sdl()
            ),
            Subgraph("catalog", "http://127.0.0.1:4103/graphql", strawberry_samples.catalog_sdl()),
        ]
    )
    types = normalize_supergraph(sdl)["types"]
    for plumbing in ("_Any", "_Entity", "_Service"):
        assert plumbing not in types
    assert "_entities" not in types["Query"]["fields"]
    assert "_service" not in types["Query"]["fields"]
    assert normalize_supergraph(sdl)["roots"] == {
        "query": "Query", "mutation": "Mutation", "subscription": "Subscription",
    }  # fmt: skip
    assert directives(types["Character"]["fields"]["armorClass"], "join__field") == [
        {"graph": "CAMPAIGN", "requires": '"level"'}
    ]
    assert list(types["Character"]["fields"]["class"]["arguments"]) == []
    assert directives(types["Campaign"]["fields"]["members"], "join__field") == [
        {"graph": "CAMPAIGN", "provides": '"name"'}
    ]


def test_authorization_directives_are_carried_and_combined() -> None:
    normalized = normalize_supergraph(compose(AUTHORIZATION))
    types = normalized["types"]
    urls = {dict(link)["url"] for link in normalized["links"]}
    assert '"https://specs.apollo.dev/requiresScopes/v0.1"' in urls
    assert {"authenticated", "policy", "requiresScopes"} <= set(normalized["directive_definitions"])
    assert directives(types["Query"]["fields"]["campaign"], "authenticated") == [{}]
    assert directives(types["Campaign"], "policy") == [{"policies": '[["member"]]'}]
    assert directives(types["Visibility"], "authenticated") == [{}]
    # Both subgraphs' requirements must hold: [[notes:read]] AND ([dm] OR [notes:read, x]).
    assert directives(types["Campaign"]["fields"]["notes"], "requiresScopes") == [
        {"scopes": '[["dm", "notes:read"], ["notes:read", "x"]]'}
    ]


def test_combine_requirements_multiplies_out_and_simplifies() -> None:
    assert combine_requirements([], [["a"]]) == [["a"]]
    assert combine_requirements([["a"]], [["b"], ["c"]]) == [["a", "b"], ["a", "c"]]
    # a AND (a OR b) is just a
    assert combine_requirements([["a"]], [["a"], ["b"]]) == [["a"]]


def test_output_field_merges_to_the_supertype() -> None:
    who = types_of(MERGE_RULES)["Holder"]["fields"]["who"]
    assert who["type"] == "Named"
    assert directives(who, "join__field") == [
        {"graph": "ALPHA", "type": '"Named"'},
        {"graph": "BETA", "type": '"Hero!"'},
    ]


def test_field_sets_are_compacted_and_key_fields_dropped_from_requires() -> None:
    types = types_of(OVERRIDES_AND_KEYS)
    assert directives(types["User"]["fields"]["greeting"], "join__field") == [
        {"graph": "RULES_ENGINE", "requires": '"name org{title}"'}
    ]
    assert directives(types["Query"]["fields"]["topUser"], "join__field") == [
        {"graph": "RULES_ENGINE", "provides": '"name"'}
    ]
