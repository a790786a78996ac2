"""GraphQL types of what characters are built from: subclasses, class features, species,
lineages, species traits, backgrounds and feats (spells and classes are in ``schema.py``)."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from subgraphs.catalog.enums import Ability, CreatureType, DamageType, FeatCategory, Size, Skill
from subgraphs.catalog.models import (
    BackgroundRow,
    ClassFeatureRow,
    FeatRow,
    LineageRow,
    SpeciesRow,
    SpeciesTraitRow,
    SubclassRow,
)
from subgraphs.catalog.repository import ClassRepository, repository_for
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
    by_slugs,
    entries_where,
    entry_identity,
    every_entry,
    slug_argument,
    sorted_page,
)
from subgraphs.kit.relay import Connection

if TYPE_CHECKING:
    from subgraphs.catalog.schema import CharacterClass

LazyClass = Annotated["CharacterClass", strawberry.lazy("subgraphs.catalog.schema")]


async def _class(info: ContextInfo, slug: str) -> CharacterClass | None:
    from subgraphs.catalog.schema import CharacterClass  # the module that defines it imports us

    rows = await by_slugs(info, ClassRepository, [slug])
    return CharacterClass.from_row(rows[0]) if rows else None


# --- subclasses and class features ---------------------------------------------------------


@strawberry.type(description="A feature a subclass grants at a class level.")
class SubclassFeature:
    level: int = strawberry.field(description="The class level it comes at.")
    name: str = strawberry.field(description="The feature's name.")
    description: str = strawberry.field(description="Its rules text (Markdown).")


@strawberry.federation.type(keys=["id", "slug"], description="A subclass of the SRD 5.2.")
class Subclass(ReferenceByKey):
    id: strawberry.ID = strawberry.field(description="The subclass's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "subclass/champion".')
    name: str = strawberry.field(description="The subclass's name.")
    summary: str = strawberry.field(description="Its one-line theme.")
    description: str = strawberry.field(description="What it is about (Markdown).")
    class_slug: str = strawberry.field(description='Its class, e.g. "class/fighter".')
    features: list[SubclassFeature] = strawberry.field(description="Its features, by level.")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    @strawberry.field(description="The class it belongs to.")
    async def character_class(self, info: ContextInfo) -> LazyClass | None:
        return await _class(info, self.class_slug)

    reference_source = SubclassRow

    @classmethod
    def from_row(cls, row: SubclassRow) -> Subclass:
        return cls(
            **entry_identity(row),
            summary=row.summary,
            class_slug=row.class_slug,
            features=[SubclassFeature(**feature) for feature in row.features],
        )


@strawberry.federation.type(
    keys=["id", "slug"], description="A feature a class or subclass gains at a level."
)
class ClassFeature(ReferenceByKey):
    id: strawberry.ID = strawberry.field(description="The feature's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "feature/barbarian-rage".')
    name: str = strawberry.field(description="The feature's name.")
    level: int = strawberry.field(description="The class level it comes at.")
    description: str = strawberry.field(description="Its rules text (Markdown).")
    class_slug: str = strawberry.field(description='Its class, e.g. "class/barbarian".')
    subclass_slug: str | None = strawberry.field(
        description="Its subclass, for subclass features; null for the class's own."
    )
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    @strawberry.field(description="The class that gains it.")
    async def character_class(self, info: ContextInfo) -> LazyClass | None:
        return await _class(info, self.class_slug)

    reference_source = ClassFeatureRow

    @classmethod
    def from_row(cls, row: ClassFeatureRow) -> ClassFeature:
        return cls(
            **entry_identity(row),
            level=row.level,
            class_slug=row.class_slug,
            subclass_slug=row.subclass_slug,
        )


@strawberry.enum(description="How class features are ordered.")
class FeatureSort(Enum):
    NAME = "name"
    SLUG = "slug"
    LEVEL = "level"


# --- species, lineages and their traits ----------------------------------------------------


@strawberry.federation.type(keys=["id", "slug"], description="A species of the SRD 5.2.")
class Species(ReferenceByKey):
    id: strawberry.ID = strawberry.field(description="The species' ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "species/dwarf".')
    name: str = strawberry.field(description="The species' name.")
    description: str = strawberry.field(description="A summary of its traits.")
    creature_type: CreatureType = strawberry.field(description="Its creature type (Humanoid).")
    sizes: list[Size] = strawberry.field(
        description="Its size, or the sizes to choose from (Tiefling: Small or Medium)."
    )
    speed: int = strawberry.field(description="Walking speed in feet.")
    trait_slugs: list[str] = strawberry.field(description="Slugs of its traits.")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    @strawberry.field(description="Its traits.")
    async def traits(self, info: ContextInfo) -> list[SpeciesTrait]:
        rows = await by_slugs(info, SpeciesTraitRow, self.trait_slugs)
        return [SpeciesTrait.from_row(row) for row in rows]

    @strawberry.field(description="Its lineages (subspecies), A to Z; empty if it has none.")
    async def lineages(self, info: ContextInfo) -> list[Lineage]:
        found = await _lineages_of(info, self.slug)
        return [Lineage.from_row(row) for row in found]

    reference_source = SpeciesRow

    @classmethod
    def from_row(cls, row: SpeciesRow) -> Species:
        return cls(
            **entry_identity(row),
            creature_type=CreatureType(row.creature_type),
            sizes=[Size(size) for size in row.sizes],
            speed=row.speed,
            trait_slugs=list(row.trait_slugs),
        )


async def _lineages_of(info: ContextInfo, species_slug: str) -> list[LineageRow]:
    async with info.context.runtime.sessions() as session:
        statement = (
            repository_for(LineageRow)(session)
            .select()
            .where(LineageRow.species_slug == species_slug)
        )
        rows = await session.execute(statement.order_by(LineageRow.slug))
        return list(rows.scalars())


@strawberry.federation.type(
    keys=["id", "slug"], description="A lineage (subspecies) of a species, e.g. High Elf."
)
class Lineage(ReferenceByKey):
    id: strawberry.ID = strawberry.field(description="The lineage's ID.")
    slug: str = strawberry.field(
        description='Stable readable key, e.g. "lineage/elven-lineage-high-elf".'
    )
    name: str = strawberry.field(description="The lineage's name.")
    description: str = strawberry.field(description="A summary of its traits.")
    species_slug: str = strawberry.field(description="The species it belongs to.")
    damage_type: DamageType | None = strawberry.field(
        description="The damage type it is tied to (Draconic Ancestors), if any."
    )
    trait_slugs: list[str] = strawberry.field(description="Slugs of its traits.")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    @strawberry.field(description="The species it belongs to.")
    async def species(self, info: ContextInfo) -> Species | None:
        rows = await by_slugs(info, SpeciesRow, [self.species_slug])
        return Species.from_row(rows[0]) if rows else None

    @strawberry.field(description="Its traits.")
    async def traits(self, info: ContextInfo) -> list[SpeciesTrait]:
        rows = await by_slugs(info, SpeciesTraitRow, self.trait_slugs)
        return [SpeciesTrait.from_row(row) for row in rows]

    reference_source = LineageRow

    @classmethod
    def from_row(cls, row: LineageRow) -> Lineage:
        return cls(
            **entry_identity(row),
            species_slug=row.species_slug,
            damage_type=None if row.damage_type is None else DamageType(row.damage_type),
            trait_slugs=list(row.trait_slugs),
        )


@strawberry.federation.type(
    keys=["id", "slug"], description="A trait of a species or lineage, e.g. Darkvision."
)
class SpeciesTrait(ReferenceByKey):
    id: strawberry.ID = strawberry.field(description="The trait's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "trait/brave".')
    name: str = strawberry.field(description="The trait's name.")
    description: str = strawberry.field(description="Its rules text (Markdown).")
    species_slugs: list[str] = strawberry.field(description="Species that have it.")
    lineage_slugs: list[str] = strawberry.field(description="Lineages that grant it.")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    reference_source = SpeciesTraitRow

    @classmethod
    def from_row(cls, row: SpeciesTraitRow) -> SpeciesTrait:
        return cls(
            **entry_identity(row),
            species_slugs=list(row.species_slugs),
            lineage_slugs=list(row.lineage_slugs),
        )


# --- backgrounds and feats -----------------------------------------------------------------


@strawberry.type(description="An ability score a feat requires (any one listed suffices).")
class AbilityMinimum:
    ability: Ability = strawberry.field(description="The ability.")
    minimum: int = strawberry.field(description="The score needed, e.g. 13.")


@strawberry.type(description="What a character needs before taking a feat.")
class FeatPrerequisite:
    minimum_level: int | None = strawberry.field(description="Character level needed, if any.")
    required_feature: str | None = strawberry.field(
        description='A class feature needed, e.g. "Fighting Style" or "Spellcasting".'
    )
    ability_minimums: list[AbilityMinimum] = strawberry.field(
        description="Ability scores needed; meeting any one of them suffices."
    )
    text: str | None = strawberry.field(description="All of it in words; null if none.")


@strawberry.federation.type(keys=["id", "slug"], description="A feat of the SRD 5.2.")
class Feat(ReferenceByKey):
    id: strawberry.ID = strawberry.field(description="The feat's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "feat/alert".')
    name: str = strawberry.field(description="The feat's name.")
    category: FeatCategory = strawberry.field(
        description="Origin, General, Fighting Style or Epic Boon."
    )
    description: str = strawberry.field(description="Its rules text (Markdown).")
    prerequisite: FeatPrerequisite = strawberry.field(description="What it requires.")
    repeatable: bool = strawberry.field(description="Whether it can be taken more than once.")
    repeatable_note: str | None = strawberry.field(
        description="The condition on taking it again, when repeatable."
    )
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    reference_source = FeatRow

    @classmethod
    def from_row(cls, row: FeatRow) -> Feat:
        return cls(
            **entry_identity(row),
            category=FeatCategory(row.category),
            prerequisite=FeatPrerequisite(
                minimum_level=row.minimum_level,
                required_feature=row.required_feature,
                ability_minimums=[
                    AbilityMinimum(ability=Ability(m["ability"]), minimum=m["minimum"])
                    for m in row.ability_minimums
                ],
                text=row.prerequisite_text,
            ),
            repeatable=row.repeatable,
            repeatable_note=row.repeatable_note,
        )


@strawberry.federation.type(keys=["id", "slug"], description="A background of the SRD 5.2.")
class Background(ReferenceByKey):
    id: strawberry.ID = strawberry.field(description="The background's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "background/sage".')
    name: str = strawberry.field(description="The background's name.")
    description: str = strawberry.field(description="A summary of what it grants.")
    abilities: list[Ability] = strawberry.field(
        description="The three abilities whose scores it may increase (+2/+1 or +1/+1/+1)."
    )
    feat_slug: str = strawberry.field(description="Its Origin feat.")
    feat_note: str | None = strawberry.field(
        description='A choice fixed for that feat, e.g. "Cleric" for Magic Initiate.'
    )
    skills: list[Skill] = strawberry.field(description="The two skills it grants.")
    tool: str | None = strawberry.field(description="The tool proficiency it grants, if fixed.")
    tool_choice: str | None = strawberry.field(
        description="The tool proficiency to choose, when it is a choice."
    )
    equipment_options: list[str] = strawberry.field(
        description="Its starting equipment choices, in words."
    )
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    @strawberry.field(description="Its Origin feat.")
    async def feat(self, info: ContextInfo) -> Feat | None:
        rows = await by_slugs(info, FeatRow, [self.feat_slug])
        return Feat.from_row(rows[0]) if rows else None

    reference_source = BackgroundRow

    @classmethod
    def from_row(cls, row: BackgroundRow) -> Background:
        return cls(
            **entry_identity(row),
            abilities=[Ability(a) for a in row.abilities],
            feat_slug=row.feat_slug,
            feat_note=row.feat_note,
            skills=[Skill(s) for s in row.skills],
            tool=row.tool,
            tool_choice=row.tool_choice,
            equipment_options=list(row.equipment_options),
        )


# --- root fields ---------------------------------------------------------------------------


@strawberry.type
class CharacterOptionsQuery:
    @strawberry.field(description='One subclass by `slug` ("subclass/champion") or `id`.')
    async def subclass(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> Subclass | None:
        return await Subclass.lookup(info, id, slug)

    @strawberry.field(description="Subclasses; every filter given must match.")
    async def subclasses(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        class_name: Annotated[
            str | None,
            strawberry.argument(description='Of this class: "Fighter" or "class/fighter".'),
        ] = None,
        sort: Sort = EntrySort.SLUG,
        descending: Descending = False,
    ) -> Connection[Subclass]:
        wanted = slug_argument("class", class_name)

        statement = entries_where(None if wanted is None else SubclassRow.class_slug == wanted)

        return await sorted_page(
            info, SubclassRow, statement, sort, descending, first, after, Subclass.from_row
        )

    @strawberry.field(description='One class feature by `slug` ("feature/barbarian-rage") or `id`.')
    async def class_feature(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> ClassFeature | None:
        return await ClassFeature.lookup(info, id, slug)

    @strawberry.field(description="Class and subclass features; every filter given must match.")
    async def class_features(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        class_name: Annotated[
            str | None, strawberry.argument(description='Of this class: "Wizard".')
        ] = None,
        subclass: Annotated[
            str | None,
            strawberry.argument(description='Of this subclass: "subclass/evoker" or "evoker".'),
        ] = None,
        level: Annotated[
            int | None, strawberry.argument(description="Gained at this level.")
        ] = None,
        max_level: Annotated[
            int | None, strawberry.argument(description="Gained at this level or lower.")
        ] = None,
        sort: Annotated[
            FeatureSort, strawberry.argument(description="The order of the list.")
        ] = FeatureSort.LEVEL,
        descending: Descending = False,
    ) -> Connection[ClassFeature]:
        class_slug = slug_argument("class", class_name)
        subclass_slug = slug_argument("subclass", subclass)

        statement = entries_where(
            None if class_slug is None else ClassFeatureRow.class_slug == class_slug,
            None if subclass_slug is None else ClassFeatureRow.subclass_slug == subclass_slug,
            None if level is None else ClassFeatureRow.level == level,
            None if max_level is None else ClassFeatureRow.level <= max_level,
        )

        return await sorted_page(
            info, ClassFeatureRow, statement, sort, descending, first, after,
            ClassFeature.from_row,
        )  # fmt: skip

    @strawberry.field(description='One species by `slug` ("species/dwarf") or `id`.')
    async def species(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> Species | None:
        return await Species.lookup(info, id, slug)

    @strawberry.field(description="Every species.")
    async def species_list(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        sort: Sort = EntrySort.SLUG,
        descending: Descending = False,
    ) -> Connection[Species]:
        return await sorted_page(
            info, SpeciesRow, every_entry, sort, descending, first, after, Species.from_row
        )

    @strawberry.field(description='One lineage by `slug` ("lineage/elven-lineage-drow") or `id`.')
    async def lineage(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> Lineage | None:
        return await Lineage.lookup(info, id, slug)

    @strawberry.field(description="Lineages (subspecies); every filter given must match.")
    async def lineages(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        species: Annotated[
            str | None, strawberry.argument(description='Of this species: "Elf", "species/elf".')
        ] = None,
        sort: Sort = EntrySort.SLUG,
        descending: Descending = False,
    ) -> Connection[Lineage]:
        wanted = slug_argument("species", species)

        statement = entries_where(None if wanted is None else LineageRow.species_slug == wanted)

        return await sorted_page(
            info, LineageRow, statement, sort, descending, first, after, Lineage.from_row
        )

    @strawberry.field(description='One species trait by `slug` ("trait/darkvision-60") or `id`.')
    async def species_trait(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> SpeciesTrait | None:
        return await SpeciesTrait.lookup(info, id, slug)

    @strawberry.field(description="Species and lineage traits.")
    async def species_traits(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        sort: Sort = EntrySort.SLUG,
        descending: Descending = False,
    ) -> Connection[SpeciesTrait]:
        return await sorted_page(
            info,
            SpeciesTraitRow,
            every_entry,
            sort,
            descending,
            first,
            after,
            SpeciesTrait.from_row,
        )

    @strawberry.field(description='One background by `slug` ("background/sage") or `id`.')
    async def background(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> Background | None:
        return await Background.lookup(info, id, slug)

    @strawberry.field(description="Every background.")
    async def backgrounds(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        sort: Sort = EntrySort.SLUG,
        descending: Descending = False,
    ) -> Connection[Background]:
        return await sorted_page(
            info, BackgroundRow, every_entry, sort, descending, first, after, Background.from_row
        )

    @strawberry.field(description='One feat by `slug` ("feat/alert") or `id`.')
    async def feat(self, info: ContextInfo, slug: BySlug = None, id: ById = None) -> Feat | None:
        return await Feat.lookup(info, id, slug)

    @strawberry.field(description="Feats; every filter given must match.")
    async def feats(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        category: Annotated[
            FeatCategory | None, strawberry.argument(description="Of this category.")
        ] = None,
        repeatable: Annotated[
            bool | None, strawberry.argument(description="Whether it can be taken again.")
        ] = None,
        max_level: Annotated[
            int | None,
            strawberry.argument(description="Available at this character level (or lower)."),
        ] = None,
        sort: Sort = EntrySort.SLUG,
        descending: Descending = False,
    ) -> Connection[Feat]:
        statement = entries_where(
            None if category is None else FeatRow.category == category.value,
            None if repeatable is None else FeatRow.repeatable.is_(repeatable),
            None
            if max_level is None
            else FeatRow.minimum_level.is_(None) | (FeatRow.minimum_level <= max_level),
        )

        return await sorted_page(
            info, FeatRow, statement, sort, descending, first, after, Feat.from_row
        )
