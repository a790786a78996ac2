"""The catalog schema documents itself: every type, field, argument and enum is described."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
)

from subgraphs.catalog.schema import schema

# Types the federation machinery adds, and built-in scalars, document themselves elsewhere.
MACHINERY = {"_Service", "_Any", "_Entity", "Query", "link__Purpose", "link__Import"}


def test_every_catalog_type_and_field_has_a_description() -> None:
    missing: list[str] = []
    for name, graphql_type in schema._schema.type_map.items():
        if name.startswith("__") or name in MACHINERY or name.startswith("federation__"):
            continue
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            if not graphql_type.description:
                missing.append(name)
            for field_name, field in graphql_type.fields.items():
                if field_name.startswith("_"):
                    continue
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [
                    f"{name}.{field_name}({arg})"
                    for arg, argument in field.args.items()
                    if not argument.description
                ]
        elif (
            isinstance(graphql_type, GraphQLEnumType | GraphQLInputObjectType)
            and not graphql_type.description
        ):
            missing.append(name)
    query = schema._schema.query_type
    assert query is not None
    for field_name, field in query.fields.items():
        if field_name.startswith("_"):
            continue
        if not field.description:
            missing.append(f"Query.{field_name}")
        missing += [
            f"Query.{field_name}({arg})" for arg, a in field.args.items() if not a.description
        ]
    assert missing == []


def test_every_entry_type_is_keyed_by_id_and_slug() -> None:
    sdl = schema.as_str()
    for name in [
        "Spell", "CharacterClass", "Subclass", "ClassFeature", "Species", "Lineage",
        "SpeciesTrait", "Background", "Feat", "Equipment", "MagicItem", "Creature",
        "ConditionDefinition", "SkillDefinition", "Language", "Proficiency",
        "WeaponPropertyDefinition", "WeaponMasteryDefinition", "RuleSection",
    ]:  # fmt: skip
        assert f'type {name} @key(fields: "id") @key(fields: "slug")' in sdl, name
