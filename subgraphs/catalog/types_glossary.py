"""GraphQL types of the rules glossary: conditions, skills, languages, proficiencies, weapon
properties and weapon mastery properties, and the sections of the rules chapters.

The game constants themselves are enums (``Condition``, ``Skill``, ``WeaponProperty``,
``Mastery``); the types here carry their rules text, hence the ``...Definition`` names.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

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
from subgraphs.catalog.resolvers import (
    After,
    ById,
    BySlug,
    ContextInfo,
    Descending,
    EntrySort,
    First,
    Provenance,
    ReferenceByKey,
    Sort,
    entries_where,
    entry_identity,
    every_entry,
    sorted_page,
)
from subgraphs.kit.relay import Connection


def _key(row: Any) -> str:
    return str(row.slug).split("/", 1)[1]


@strawberry.federation.type(keys=["id", "slug"], description="A condition and its rules.")
class ConditionDefinition(ReferenceByKey):
    id: strawberry.ID = strawberry.field(description="The entry's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "condition/prone".')
    name: str = strawberry.field(description="The condition's name.")
    condition: Condition = strawberry.field(description="The condition, as a game constant.")
    description: str = strawberry.field(description="Its rules text (Markdown).")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    reference_source = ConditionRow

    @classmethod
    def from_row(cls, row: ConditionRow) -> ConditionDefinition:
        return cls(**entry_identity(row), condition=Condition(_key(row)))


@strawberry.federation.type(keys=["id", "slug"], description="A skill and what it covers.")
class SkillDefinition(ReferenceByKey):
    id: strawberry.ID = strawberry.field(description="The entry's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "skill/stealth".')
    name: str = strawberry.field(description="The skill's name.")
    skill: Skill = strawberry.field(description="The skill, as a game constant.")
    ability: Ability = strawberry.field(description="The ability its checks use.")
    description: str = strawberry.field(description="What it covers.")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    reference_source = SkillRow

    @classmethod
    def from_row(cls, row: SkillRow) -> SkillDefinition:
        return cls(**entry_identity(row), skill=Skill(_key(row)), ability=Ability(row.ability))


@strawberry.federation.type(keys=["id", "slug"], description="A language.")
class Language(ReferenceByKey):
    id: strawberry.ID = strawberry.field(description="The entry's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "language/elvish".')
    name: str = strawberry.field(description="The language's name.")
    is_rare: bool = strawberry.field(description="Whether it is a rare language.")
    note: str | None = strawberry.field(description="A note on it, if any.")
    description: str = strawberry.field(description="A summary.")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    reference_source = LanguageRow

    @classmethod
    def from_row(cls, row: LanguageRow) -> Language:
        return cls(**entry_identity(row), is_rare=row.is_rare, note=row.note)


@strawberry.federation.type(
    keys=["id", "slug"], description="A proficiency (armor, weapons, tools, skills, saves)."
)
class Proficiency(ReferenceByKey):
    id: strawberry.ID = strawberry.field(description="The entry's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "proficiency/light-armor".')
    name: str = strawberry.field(description="The proficiency's name.")
    category: str = strawberry.field(description='Its kind, e.g. "Armor" or "Skills".')
    reference: str | None = strawberry.field(description="The key of what it refers to.")
    class_slugs: list[str] = strawberry.field(description="Classes that grant it.")
    background_slugs: list[str] = strawberry.field(description="Backgrounds that grant it.")
    description: str = strawberry.field(description="A summary.")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    reference_source = ProficiencyRow

    @classmethod
    def from_row(cls, row: ProficiencyRow) -> Proficiency:
        return cls(
            **entry_identity(row),
            category=row.category,
            reference=row.reference,
            class_slugs=list(row.class_slugs),
            background_slugs=list(row.background_slugs),
        )


@strawberry.federation.type(keys=["id", "slug"], description="A weapon property and its rules.")
class WeaponPropertyDefinition(ReferenceByKey):
    id: strawberry.ID = strawberry.field(description="The entry's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "weapon-property/finesse".')
    name: str = strawberry.field(description="The property's name.")
    property: WeaponProperty = strawberry.field(description="The property, as a game constant.")
    description: str = strawberry.field(description="Its rules text.")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    reference_source = WeaponPropertyRow

    @classmethod
    def from_row(cls, row: WeaponPropertyRow) -> WeaponPropertyDefinition:
        return cls(**entry_identity(row), property=WeaponProperty(_key(row)))


@strawberry.federation.type(
    keys=["id", "slug"], description="A weapon mastery property and its rules."
)
class WeaponMasteryDefinition(ReferenceByKey):
    id: strawberry.ID = strawberry.field(description="The entry's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "weapon-mastery/sap".')
    name: str = strawberry.field(description="The mastery's name.")
    mastery: Mastery = strawberry.field(description="The mastery, as a game constant.")
    description: str = strawberry.field(description="Its rules text.")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    reference_source = WeaponMasteryRow

    @classmethod
    def from_row(cls, row: WeaponMasteryRow) -> WeaponMasteryDefinition:
        return cls(**entry_identity(row), mastery=Mastery(_key(row)))


@strawberry.federation.type(
    keys=["id", "slug"], description="A section of the rules chapters, e.g. Cover in Combat."
)
class RuleSection(ReferenceByKey):
    id: strawberry.ID = strawberry.field(description="The entry's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "rule/combat-cover".')
    name: str = strawberry.field(description="The section's title.")
    chapter: str = strawberry.field(description='The chapter it belongs to, e.g. "Combat".')
    position: int = strawberry.field(description="Its place within the chapter.")
    description: str = strawberry.field(description="Its rules text (Markdown).")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    reference_source = RuleRow

    @classmethod
    def from_row(cls, row: RuleRow) -> RuleSection:
        return cls(**entry_identity(row), chapter=row.chapter, position=row.position)


@strawberry.type
class GlossaryQuery:
    @strawberry.field(description='One condition by `slug` ("condition/prone") or `id`.')
    async def condition(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> ConditionDefinition | None:
        return await ConditionDefinition.lookup(info, id, slug)

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
            info,
            ConditionRow,
            every_entry,
            sort,
            descending,
            first,
            after,
            ConditionDefinition.from_row,
        )

    @strawberry.field(description='One skill by `slug` ("skill/stealth") or `id`.')
    async def skill(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> SkillDefinition | None:
        return await SkillDefinition.lookup(info, id, slug)

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
        statement = entries_where(None if ability is None else SkillRow.ability == ability.value)

        return await sorted_page(
            info, SkillRow, statement, sort, descending, first, after, SkillDefinition.from_row
        )

    @strawberry.field(description='One language by `slug` ("language/elvish") or `id`.')
    async def language(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> Language | None:
        return await Language.lookup(info, id, slug)

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
        statement = entries_where(None if is_rare is None else LanguageRow.is_rare.is_(is_rare))

        return await sorted_page(
            info, LanguageRow, statement, sort, descending, first, after, Language.from_row
        )

    @strawberry.field(description='One proficiency by `slug` ("proficiency/light-armor") or `id`.')
    async def proficiency(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> Proficiency | None:
        return await Proficiency.lookup(info, id, slug)

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
        statement = entries_where(None if category is None else ProficiencyRow.category == category)

        return await sorted_page(
            info, ProficiencyRow, statement, sort, descending, first, after, Proficiency.from_row
        )

    @strawberry.field(description='One weapon property by `slug` ("weapon-property/finesse").')
    async def weapon_property(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> WeaponPropertyDefinition | None:
        return await WeaponPropertyDefinition.lookup(info, id, slug)

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
            info, WeaponPropertyRow, every_entry, sort, descending, first, after,
            WeaponPropertyDefinition.from_row,
        )  # fmt: skip

    @strawberry.field(description='One weapon mastery by `slug` ("weapon-mastery/sap") or `id`.')
    async def weapon_mastery(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> WeaponMasteryDefinition | None:
        return await WeaponMasteryDefinition.lookup(info, id, slug)

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
            info, WeaponMasteryRow, every_entry, sort, descending, first, after,
            WeaponMasteryDefinition.from_row,
        )  # fmt: skip

    @strawberry.field(description='One rules section by `slug` ("rule/combat-cover") or `id`.')
    async def rule_section(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> RuleSection | None:
        return await RuleSection.lookup(info, id, slug)

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
        statement = entries_where(None if chapter is None else RuleRow.chapter == chapter)

        return await sorted_page(
            info, RuleRow, statement, sort, descending, first, after, RuleSection.from_row
        )
