"""Three small Strawberry federation subgraphs shaped like ours (character, campaign, catalog).

Built inside functions so that importing this module stays cheap; each returns the SDL exactly as
Strawberry prints it with ``federation_version="2.9"``, which is what ``make schema`` feeds the
composer. Between them they use entities with one and several keys, a non-resolvable key stub,
``@requires``/``@external``, ``@provides``, ``@shareable`` value types, ``@override``, ``@tag``,
``@inaccessible``, interfaces, unions, enums, inputs, descriptions and a deprecation.
"""

# No "from __future__ import annotations": the classes are local, so Strawberry must see real
# annotation objects, not strings it would look up in module globals.

import enum
from collections.abc import AsyncGenerator
from typing import Annotated, Literal

import strawberry
from strawberry.federation.schema_directives import Key, Override
from strawberry.federation.types import FieldSet

FEDERATION: Literal["2.9"] = "2.9"


@strawberry.enum(description="The six abilities.")
class Ability(enum.Enum):
    STRENGTH = "strength"
    DEXTERITY = "dexterity"
    CONSTITUTION = "constitution"


def character_sdl() -> str:
    @strawberry.federation.interface(description="Anything with a display name.")
    class Named:
        name: str

    @strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
    class CharacterClass:
        id: strawberry.ID

    @strawberry.federation.type(shareable=True, description="One ability score.")
    class AbilityScore:
        ability: Ability
        score: int

    @strawberry.federation.type(keys=["id", "slug"], description="A player character.")
    class Character(Named):
        id: strawberry.ID
        slug: str
        level: int = strawberry.federation.field(
            description="Character level, 1 to 20.", policy=[["owner"], ["dm"]]
        )
        class_: CharacterClass = strawberry.field(name="class")
        scores: list[AbilityScore]
        hit_points: int = strawberry.federation.field(
            override=Override(override_from="campaign"), description="Current hit points."
        )
        notes: str | None = strawberry.federation.field(inaccessible=True)
        nickname: str | None = strawberry.field(deprecation_reason="Use name.")

    @strawberry.type
    class Npc(Named):
        role: str

    Creature = Annotated[Character | Npc, strawberry.union("Creature")]

    @strawberry.input(description="Filters for the character list.")
    class CharacterFilter:
        min_level: int | None = None
        name_contains: str | None = None

    @strawberry.type
    class Query:
        @strawberry.field(description="One character by id.")
        def character(self, id: strawberry.ID) -> Character | None:
            return None

        @strawberry.federation.field(tags=["public"])
        def characters(
            self, filter: CharacterFilter | None = None, first: int = 10
        ) -> list[Character]:
            return []

        @strawberry.field
        def creatures(self) -> list[Creature]:
            return []

    @strawberry.type
    class Mutation:
        @strawberry.field(description="Raise a character's level by one.")
        def level_up(self, id: strawberry.ID) -> Character | None:
            return None

    schema = strawberry.federation.Schema(
        query=Query, mutation=Mutation, types=[Npc], federation_version=FEDERATION
    )
    return schema.as_str()


def campaign_sdl() -> str:
    @strawberry.federation.type(keys=["id"])
    class Character:
        id: strawberry.ID
        name: str = strawberry.federation.field(external=True)
        level: int = strawberry.federation.field(external=True)
        hit_points: int
        armor_class: int = strawberry.federation.field(
            requires=["level"],
            description="Derived from level in this sample.",
            policy=[["owner"], ["dm"]],  # level is protected, so this field must be too
        )

    @strawberry.federation.type(keys=["id"], description="A campaign a group plays in.")
    class Campaign:
        id: strawberry.ID
        title: str = strawberry.federation.field(requires_scopes=[["campaign:read"]])
        members: list[Character] = strawberry.federation.field(provides=["name"])

    @strawberry.type
    class Query:
        @strawberry.federation.field(authenticated=True)
        def campaign(self, id: strawberry.ID) -> Campaign | None:
            return None

    @strawberry.type
    class Subscription:
        @strawberry.subscription(description="Hit point changes of one character.")
        async def hit_points_changed(self, character_id: strawberry.ID) -> AsyncGenerator[int]:
            yield 0

    schema = strawberry.federation.Schema(
        query=Query, subscription=Subscription, federation_version=FEDERATION
    )
    return schema.as_str()


def catalog_sdl() -> str:
    @strawberry.federation.interface(description="Anything with a display name.")
    class Named:
        name: str

    @strawberry.enum(description="Damage types.")
    class DamageType(enum.Enum):
        FIRE = "fire"
        COLD = "cold"

    @strawberry.federation.type(keys=["id"], description="A character class from the SRD.")
    class CharacterClass(Named):
        id: strawberry.ID
        slug: str
        hit_die: int
        primary: Ability

    @strawberry.federation.type(shareable=True, description="One ability score.")
    class AbilityScore:
        ability: Ability
        score: int

    @strawberry.type
    class Spell(Named):
        slug: str
        damage: DamageType | None

    CatalogEntry = Annotated[CharacterClass | Spell, strawberry.union("CatalogEntry")]

    @strawberry.type
    class Query:
        @strawberry.federation.field(tags=["public"], description="All classes.")
        def classes(self) -> list[CharacterClass]:
            return []

        @strawberry.field
        def search(self, term: str, ability: Ability | None = None) -> list[CatalogEntry]:
            return []

        @strawberry.field
        def standard_array(self) -> list[AbilityScore]:
            return []

    schema = strawberry.federation.Schema(query=Query, federation_version=FEDERATION)
    return schema.as_str()
