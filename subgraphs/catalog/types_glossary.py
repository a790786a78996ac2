"""GraphQL types of the rules glossary: conditions, skills, languages, proficiencies, weapon
properties and weapon mastery properties, and the sections of the rules chapters.

The game constants themselves are enums (``Condition``, ``Skill``, ``WeaponProperty``,
``Mastery``); the types here carry their rules text, hence the ``...Definition`` names.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy import Select

from subgraphs.catalog.enums import Ability, Condition, Mastery, Skill, WeaponProperty
from subgraphs.catalog.models import (
    ConditionRow,
    LanguageRow,
    ProficiencyRow,
    RuleRow,
    SkillRow,
    WeaponMasteryRow,
    WeaponPropertyRow,
)
from subgraphs.catalog.repository import CatalogRepository
from subgraphs.catalog.resolvers import (
    After,
    ById,
    BySlug,
    ContextInfo,
    Descending,
    EntrySort,
    First,
    Provenance,
    one,
    reference,
    sorted_page,
)
from subgraphs.kit.relay import Connection

Sort = Annotated[EntrySort, strawberry.argument(description="The order of the list.")]


def _identity(row: Any) -> dict[str, Any]:
    return {
        "id": strawberry.ID(str(row.id)),
        "slug": row.slug,
        "name": row.name,
        "description": row.description,
        "provenance": Provenance.from_row(row),
    }


def _key(row: Any) -> str:
    return str(row.slug).split("/", 1)[1]


@strawberry.federation.type(keys=["id", "slug"], description="A condition and its rules.")
class ConditionDefinition:
    id: strawberry.ID = strawberry.field(description="The entry's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "condition/prone".')
    name: str = strawberry.field(description="The condition's name.")
    condition: Condition = strawberry.field(description="The condition, as a game constant.")
    description: str = strawberry.field(description="Its rules text (Markdown).")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    @classmethod
    def from_row(cls, row: ConditionRow) -> ConditionDefinition:
        return cls(**_identity(row), condition=Condition(_key(row)))

    @classmethod
    async def resolve_reference(
        cls, info: ContextInfo, id: strawberry.ID | None = None, slug: str | None = None
    ) -> ConditionDefinition | None:
        row = await reference(info, ConditionRow, id, slug)
        return None if row is None else cls.from_row(row)


@strawberry.federation.type(keys=["id", "slug"], description="A skill and what it covers.")
class SkillDefinition:
    id: strawberry.ID = strawberry.field(description="The entry's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "skill/stealth".')
    name: str = strawberry.field(description="The skill's name.")
    skill: Skill = strawberry.field(description="The skill, as a game constant.")
    ability: Ability = strawberry.field(description="The ability its checks use.")
    description: str = strawberry.field(description="What it covers.")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    @classmethod
    def from_row(cls, row: SkillRow) -> SkillDefinition:
        return cls(**_identity(row), skill=Skill(_key(row)), ability=Ability(row.ability))

    @classmethod
    async def resolve_reference(
        cls, info: ContextInfo, id: strawberry.ID | None = None, slug: str | None = None
    ) -> SkillDefinition | None:
        row = await reference(info, SkillRow, id, slug)
        return None if row is None else cls.from_row(row)


@strawberry.federation.type(keys=["id", "slug"], description="A language.")
class Language:
    id: strawberry.ID = strawberry.field(description="The entry's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "language/elvish".')
    name: str = strawberry.field(description="The language's name.")
    is_rare: bool = strawberry.field(description="Whether it is a rare language.")
    note: str | None = strawberry.field(description="A note on it, if any.")
    description: str = strawberry.field(description="A summary.")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    @classmethod
    def from_row(cls, row: LanguageRow) -> Language:
        return cls(**_identity(row), is_rare=row.is_rare, note=row.note)

    @classmethod
    async def resolve_reference(
        cls, info: ContextInfo, id: strawberry.ID | None = None, slug: str | None = None
    ) -> Language | None:
        row = await reference(info, LanguageRow, id, slug)
        return None if row is None else cls.from_row(row)


@strawberry.federation.type(
    keys=["id", "slug"], description="A proficiency (armor, weapons, tools, skills, saves)."
)
class Proficiency:
    id: strawberry.ID = strawberry.field(description="The entry's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "proficiency/light-armor".')
    name: str = strawberry.field(description="The proficiency's name.")
    category: str = strawberry.field(description='Its kind, e.g. "Armor" or "Skills".')
    reference: str | None = strawberry.field(description="The key of what it refers to.")
    class_slugs: list[str] = strawberry.field(description="Classes that grant it.")
    background_slugs: list[str] = strawberry.field(description="Backgrounds that grant it.")
    description: str = strawberry.field(description="A summary.")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    @classmethod
    def from_row(cls, row: ProficiencyRow) -> Proficiency:
        return cls(
            **_identity(row),
            category=row.category,
            reference=row.reference,
            class_slugs=list(row.class_slugs),
            background_slugs=list(row.background_slugs),
        )

    @classmethod
    async def resolve_reference(
        cls, info: ContextInfo, id: strawberry.ID | None = None, slug: str | None = None
    ) -> Proficiency | None:
        row = await reference(info, ProficiencyRow, id, slug)
        return None if row is None else cls.from_row(row)


@strawberry.federation.type(keys=["id", "slug"], description="A weapon property and its rules.")
class WeaponPropertyDefinition:
    id: strawberry.ID = strawberry.field(description="The entry's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "weapon-property/finesse".')
    name: str = strawberry.field(description="The property's name.")
    property: WeaponProperty = strawberry.field(description="The property, as a game constant.")
    description: str = strawberry.field(description="Its rules text.")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    @classmethod
    def from_row(cls, row: WeaponPropertyRow) -> WeaponPropertyDefinition:
        return cls(**_identity(row), property=WeaponProperty(_key(row)))

    @classmethod
    async def resolve_reference(
        cls, info: ContextInfo, id: strawberry.ID | None = None, slug: str | None = None
    ) -> WeaponPropertyDefinition | None:
        row = await reference(info, WeaponPropertyRow, id, slug)
        return None if row is None else cls.from_row(row)


@strawberry.federation.type(
    keys=["id", "slug"], description="A weapon mastery property and its rules."
)
class WeaponMasteryDefinition:
    id: strawberry.ID = strawberry.field(description="The entry's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "weapon-mastery/sap".')
    name: str = strawberry.field(description="The mastery's name.")
    mastery: Mastery = strawberry.field(description="The mastery, as a game constant.")
    description: str = strawberry.field(description="Its rules text.")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    @classmethod
    def from_row(cls, row: WeaponMasteryRow) -> WeaponMasteryDefinition:
        return cls(**_identity(row), mastery=Mastery(_key(row)))

    @classmethod
    async def resolve_reference(
        cls, info: ContextInfo, id: strawberry.ID | None = None, slug: str | None = None
    ) -> WeaponMasteryDefinition | None:
        row = await reference(info, WeaponMasteryRow, id, slug)
        return None if row is None else cls.from_row(row)


@strawberry.federation.type(
    keys=["id", "slug"], description="A section of the rules chapters, e.g. Cover in Combat."
)
class RuleSection:
    id: strawberry.ID = strawberry.field(description="The entry's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "rule/combat-cover".')
    name: str = strawberry.field(description="The section's title.")
    chapter: str = strawberry.field(description='The chapter it belongs to, e.g. "Combat".')
    position: int = strawberry.field(description="Its place within the chapter.")
    description: str = strawberry.field(description="Its rules text (Markdown).")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    @classmethod
    def from_row(cls, row: RuleRow) -> RuleSection:
        return cls(**_identity(row), chapter=row.chapter, position=row.position)

    @classmethod
    async def resolve_reference(
        cls, info: ContextInfo, id: strawberry.ID | None = None, slug: str | None = None
    ) -> RuleSection | None:
        row = await reference(info, RuleRow, id, slug)
        return None if row is None else cls.from_row(row)


def _all(repo: CatalogRepository[Any]) -> Select[Any]:
    return repo.select()


@strawberry.type
class GlossaryQuery:
    @strawberry.field(description='One condition by `slug` ("condition/prone") or `id`.')
    async def condition(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> ConditionDefinition | None:
        row = await one(info, ConditionRow, id, slug)
        return None if row is None else ConditionDefinition.from_row(row)

    @strawberry.field(description="The 15 conditions.")
    async def conditions(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        sort: Sort = EntrySort.SLUG,
        descending: Descending = False,
    ) -> Connection[ConditionDefinition]:
        return await sorted_page(
            info, ConditionRow, _all, sort, descending, first, after, ConditionDefinition.from_row
        )

    @strawberry.field(description='One skill by `slug` ("skill/stealth") or `id`.')
    async def skill(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> SkillDefinition | None:
        row = await one(info, SkillRow, id, slug)
        return None if row is None else SkillDefinition.from_row(row)

    @strawberry.field(description="The 18 skills; optionally those of one ability.")
    async def skills(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        ability: Annotated[
            Ability | None, strawberry.argument(description="Skills of this ability.")
        ] = None,
        sort: Sort = EntrySort.SLUG,
        descending: Descending = False,
    ) -> Connection[SkillDefinition]:
        def statement(repo: CatalogRepository[Any]) -> Select[Any]:
            query = repo.select()
            return query if ability is None else query.where(SkillRow.ability == ability.value)

        return await sorted_page(
            info, SkillRow, statement, sort, descending, first, after, SkillDefinition.from_row
        )

    @strawberry.field(description='One language by `slug` ("language/elvish") or `id`.')
    async def language(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> Language | None:
        row = await one(info, LanguageRow, id, slug)
        return None if row is None else Language.from_row(row)

    @strawberry.field(description="Languages; optionally only standard or only rare ones.")
    async def languages(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        is_rare: Annotated[
            bool | None, strawberry.argument(description="Rare (true) or standard (false).")
        ] = None,
        sort: Sort = EntrySort.SLUG,
        descending: Descending = False,
    ) -> Connection[Language]:
        def statement(repo: CatalogRepository[Any]) -> Select[Any]:
            query = repo.select()
            return query if is_rare is None else query.where(LanguageRow.is_rare.is_(is_rare))

        return await sorted_page(
            info, LanguageRow, statement, sort, descending, first, after, Language.from_row
        )

    @strawberry.field(description='One proficiency by `slug` ("proficiency/light-armor") or `id`.')
    async def proficiency(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> Proficiency | None:
        row = await one(info, ProficiencyRow, id, slug)
        return None if row is None else Proficiency.from_row(row)

    @strawberry.field(description="Proficiencies; optionally of one category.")
    async def proficiencies(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        category: Annotated[
            str | None, strawberry.argument(description='Of this kind, e.g. "Armor".')
        ] = None,
        sort: Sort = EntrySort.SLUG,
        descending: Descending = False,
    ) -> Connection[Proficiency]:
        def statement(repo: CatalogRepository[Any]) -> Select[Any]:
            query = repo.select()
            return query if category is None else query.where(ProficiencyRow.category == category)

        return await sorted_page(
            info, ProficiencyRow, statement, sort, descending, first, after, Proficiency.from_row
        )

    @strawberry.field(description='One weapon property by `slug` ("weapon-property/finesse").')
    async def weapon_property(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> WeaponPropertyDefinition | None:
        row = await one(info, WeaponPropertyRow, id, slug)
        return None if row is None else WeaponPropertyDefinition.from_row(row)

    @strawberry.field(description="The weapon properties.")
    async def weapon_properties(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        sort: Sort = EntrySort.SLUG,
        descending: Descending = False,
    ) -> Connection[WeaponPropertyDefinition]:
        return await sorted_page(
            info, WeaponPropertyRow, _all, sort, descending, first, after,
            WeaponPropertyDefinition.from_row,
        )  # fmt: skip

    @strawberry.field(description='One weapon mastery by `slug` ("weapon-mastery/sap") or `id`.')
    async def weapon_mastery(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> WeaponMasteryDefinition | None:
        row = await one(info, WeaponMasteryRow, id, slug)
        return None if row is None else WeaponMasteryDefinition.from_row(row)

    @strawberry.field(description="The weapon mastery properties.")
    async def weapon_masteries(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        sort: Sort = EntrySort.SLUG,
        descending: Descending = False,
    ) -> Connection[WeaponMasteryDefinition]:
        return await sorted_page(
            info, WeaponMasteryRow, _all, sort, descending, first, after,
            WeaponMasteryDefinition.from_row,
        )  # fmt: skip

    @strawberry.field(description='One rules section by `slug` ("rule/combat-cover") or `id`.')
    async def rule_section(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> RuleSection | None:
        row = await one(info, RuleRow, id, slug)
        return None if row is None else RuleSection.from_row(row)

    @strawberry.field(description="Sections of the rules chapters; optionally of one chapter.")
    async def rule_sections(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        chapter: Annotated[
            str | None, strawberry.argument(description='Of this chapter, e.g. "Combat".')
        ] = None,
        sort: Sort = EntrySort.SLUG,
        descending: Descending = False,
    ) -> Connection[RuleSection]:
        def statement(repo: CatalogRepository[Any]) -> Select[Any]:
            query = repo.select()
            return query if chapter is None else query.where(RuleRow.chapter == chapter)

        return await sorted_page(
            info, RuleRow, statement, sort, descending, first, after, RuleSection.from_row
        )
