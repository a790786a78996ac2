"""GraphQL face of the catalog service: public SRD content, readable without signing in.

Every entry type is a federation entity keyed by its UUID ``id`` and also by its ``slug``
(``spell/fireball``), so other subgraphs may refer to catalog content either way. Resolvers stay
thin: parse arguments, read through a repository, convert rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from rules import spellcasting
from rules.classes import CLASSES
from rules.enums import ClassId
from rules.progression import proficiency_bonus
from subgraphs.catalog.enums import (
    Ability,
    AreaShape,
    CasterKind,
    CastingTimeUnit,
    DamageType,
    MagicSchool,
    RangeKind,
    ScalingKind,
)
from subgraphs.catalog.homebrew.graphql import HomebrewEntry, HomebrewMutation, HomebrewQuery
from subgraphs.catalog.models import (
    CatalogSourceRow,
    ClassFeatureRow,
    ClassRow,
    SpellRow,
    SubclassRow,
)
from subgraphs.catalog.repository import (
    CatalogRepository,
    ClassRepository,
    SourceRepository,
    SpellClassRepository,
    SpellFilter,
    SpellRepository,
    repository_for,
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
    by_slugs,
    entries_where,
    entry_identity,
    slug_argument,
    sorted_page,
)
from subgraphs.catalog.search.graphql import CatalogSearchQuery
from subgraphs.catalog.types_character import (
    Background,
    CharacterOptionsQuery,
    ClassFeature,
    Feat,
    Lineage,
    Species,
    SpeciesTrait,
    Subclass,
)
from subgraphs.catalog.types_creatures import Creature, CreaturesQuery
from subgraphs.catalog.types_glossary import (
    ConditionDefinition,
    GlossaryQuery,
    Language,
    Proficiency,
    RuleSection,
    SkillDefinition,
    WeaponMasteryDefinition,
    WeaponPropertyDefinition,
)
from subgraphs.catalog.types_items import Equipment, ItemsQuery, MagicItem
from subgraphs.kit.errors import ErrorCode, graphql_error
from subgraphs.kit.federation import subgraph_schema
from subgraphs.kit.loaders import grouped_loader
from subgraphs.kit.relay import Connection

MAX_SPELL_LEVEL = 9

LevelFilter = Annotated[int | None, strawberry.argument(description="Spell level, 0-9.")]


@strawberry.type(description="A document catalog content comes from, with its required notice.")
class CatalogSource:
    key: str = strawberry.field(description='Stable key, e.g. "srd-5.2".')
    name: str = strawberry.field(description="The document's title.")
    license: str = strawberry.field(description='SPDX license identifier, e.g. "CC-BY-4.0".')
    license_url: str = strawberry.field(description="The full text of the license.")
    url: str = strawberry.field(description="Where the document is published.")
    attribution: str = strawberry.field(
        description="The notice the license requires wherever this content is shown."
    )

    @classmethod
    def from_row(cls, row: CatalogSourceRow) -> CatalogSource:
        return cls(
            key=row.key,
            name=row.name,
            license=row.license,
            license_url=row.license_url,
            url=row.url,
            attribution=row.attribution,
        )


_CASTING_WORDS = {
    CastingTimeUnit.ACTION: "Action",
    CastingTimeUnit.BONUS_ACTION: "Bonus Action",
    CastingTimeUnit.REACTION: "Reaction",
}


@strawberry.type(description="How long casting a spell takes.")
class CastingTime:
    unit: CastingTimeUnit = strawberry.field(description="An action kind, or minutes or hours.")
    amount: int = strawberry.field(description="How many units (1 for the action kinds).")

    @strawberry.field(description='As the rules write it, e.g. "Bonus Action" or "10 minutes".')
    def text(self) -> str:
        if self.unit in _CASTING_WORDS:
            return _CASTING_WORDS[self.unit]
        word = "minute" if self.unit is CastingTimeUnit.MINUTE else "hour"
        return f"{self.amount} {word}{'' if self.amount == 1 else 's'}"


@strawberry.type(description="How far a spell reaches.")
class SpellRange:
    kind: RangeKind = strawberry.field(description="Self, Touch, a distance, Sight, ...")
    feet: int | None = strawberry.field(description="The distance in feet, for DISTANCE ranges.")
    text: str = strawberry.field(description='As the rules write it, e.g. "150 feet".')


@strawberry.type(description="What casting a spell requires.")
class SpellComponents:
    verbal: bool = strawberry.field(description="V: the spell is spoken.")
    somatic: bool = strawberry.field(description="S: the spell needs a free hand's gestures.")
    material: bool = strawberry.field(description="M: the spell needs material components.")
    material_text: str | None = strawberry.field(description="Which materials, when listed.")
    material_consumed: bool = strawberry.field(description="Whether the spell uses them up.")

    @strawberry.field(description='Short form, e.g. "V, S, M (a ball of bat guano and sulfur)".')
    def text(self) -> str:
        letters = [c for c, on in (("V", self.verbal), ("S", self.somatic)) if on]
        if self.material:
            letters.append(f"M ({self.material_text})" if self.material_text else "M")
        return ", ".join(letters)


@strawberry.type(description="What changes when a spell is cast with a higher slot or level.")
class SpellScaling:
    kind: ScalingKind = strawberry.field(description="Slot level or character level.")
    level: int = strawberry.field(description="The slot or character level this step applies at.")
    damage_roll: str | None = strawberry.field(description='Damage at this level, e.g. "9d6".')
    healing_roll: str | None = strawberry.field(
        description='Healing at this level, for healing spells, e.g. "4d8".'
    )
    target_count: int | None = strawberry.field(description="Number of targets at this level.")
    duration: str | None = strawberry.field(description="Duration at this level, if it changes.")
    range: str | None = strawberry.field(description="Range at this level, if it changes.")
    concentration: bool | None = strawberry.field(
        description="Whether concentration is needed at this level, if that changes."
    )
    area_size: int | None = strawberry.field(description="Area size in feet, if it changes.")
    note: str | None = strawberry.field(description="Any other change, in words.")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SpellScaling:
        return cls(
            kind=ScalingKind(data["kind"]),
            level=data["level"],
            damage_roll=data.get("damage_roll"),
            healing_roll=data.get("healing_roll"),
            target_count=data.get("target_count"),
            duration=data.get("duration"),
            range=data.get("range"),
            concentration=data.get("concentration"),
            area_size=data.get("area_size"),
            note=data.get("note"),
        )


@strawberry.type(description="The area a spell fills.")
class SpellArea:
    shape: AreaShape = strawberry.field(description="Its shape.")
    size_feet: int | None = strawberry.field(
        description="Its size in feet (a sphere's radius, a cube's side, a cone's length)."
    )


@strawberry.federation.type(keys=["id", "slug"], description="A spell of the SRD 5.2.")
class Spell(ReferenceByKey):
    id: strawberry.ID = strawberry.field(description="The spell's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "spell/fireball".')
    name: str = strawberry.field(description="The spell's name.")
    level: int = strawberry.field(description="Spell level, 0 (a cantrip) to 9.")
    school: MagicSchool = strawberry.field(description="Its school of magic.")
    casting_time: CastingTime = strawberry.field(description="How long casting takes.")
    reaction_trigger: str | None = strawberry.field(
        description="For reaction spells, when the reaction may be taken."
    )
    ritual: bool = strawberry.field(description="Whether it can be cast as a ritual.")
    range: SpellRange = strawberry.field(description="How far it reaches.")
    area: SpellArea | None = strawberry.field(description="The area it fills, if any.")
    components: SpellComponents = strawberry.field(description="Its V, S and M components.")
    material_cost_gp: float | None = strawberry.field(
        description="What its priced material components are worth in GP, added up; null if none."
    )
    duration: str = strawberry.field(description='How long it lasts, e.g. "1 minute".')
    concentration: bool = strawberry.field(description="Whether it requires concentration.")
    saving_throw: Ability | None = strawberry.field(
        description="The ability targets save with, if any."
    )
    attack_roll: bool = strawberry.field(description="Whether casting involves an attack roll.")
    damage_roll: str | None = strawberry.field(description='Base damage dice, e.g. "8d6".')
    healing_roll: str | None = strawberry.field(
        description='Base healing dice of a healing spell, e.g. "2d8" (Cure Wounds).'
    )
    damage_types: list[DamageType] = strawberry.field(description="Kinds of damage it deals.")
    description: str | None = strawberry.field(
        description="The rules text (Markdown); null where the source dataset lacks it."
    )
    higher_levels: str | None = strawberry.field(
        description="How it improves with a higher slot or character level, in words."
    )
    scaling: list[SpellScaling] = strawberry.field(
        description="The same improvements (damage, healing, targets, ...), level by level."
    )
    provenance: Provenance = strawberry.field(description="Where this entry came from.")
    row_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description='Slugs of the classes whose spell list has it ("class/wizard").')
    async def class_slugs(self, info: ContextInfo) -> list[str]:
        slugs: list[str] = await _class_slugs_loader(info).load(self.row_id)
        return slugs

    @strawberry.field(description="The classes whose spell list has it.")
    async def classes(self, info: ContextInfo) -> list[CharacterClass]:
        slugs = await _class_slugs_loader(info).load(self.row_id)
        rows = await by_slugs(info, ClassRepository, slugs)
        return [CharacterClass.from_row(row) for row in rows]

    reference_source = SpellRepository

    @classmethod
    def from_row(cls, row: SpellRow) -> Spell:
        return cls(
            **entry_identity(row),
            level=row.level,
            school=MagicSchool(row.school),
            casting_time=CastingTime(
                unit=CastingTimeUnit(row.casting_time_unit), amount=row.casting_time_amount
            ),
            reaction_trigger=row.reaction_trigger,
            ritual=row.ritual,
            range=SpellRange(
                kind=RangeKind(row.range_kind), feet=row.range_feet, text=row.range_text
            ),
            area=None
            if row.area_shape is None
            else SpellArea(shape=AreaShape(row.area_shape), size_feet=row.area_size_feet),
            components=SpellComponents(
                verbal=row.verbal,
                somatic=row.somatic,
                material=row.material,
                material_text=row.material_text,
                material_consumed=row.material_consumed,
            ),
            material_cost_gp=row.material_cost_gp,
            duration=row.duration,
            concentration=row.concentration,
            saving_throw=None if row.saving_throw is None else Ability(row.saving_throw),
            attack_roll=row.attack_roll,
            damage_roll=row.damage_roll,
            healing_roll=row.healing_roll,
            damage_types=[DamageType(d) for d in row.damage_types],
            higher_levels=row.higher_levels,
            scaling=[SpellScaling.from_json(step) for step in row.scaling],
            row_id=row.id,
        )


@strawberry.type(description="A class's primary ability (what its features mostly rely on).")
class PrimaryAbility:
    abilities: list[Ability] = strawberry.field(description="The abilities involved.")
    any_of: bool = strawberry.field(
        description="True when any one of them will do (Fighter: Strength or Dexterity); "
        "false when the class relies on all of them (Monk: Dexterity and Wisdom)."
    )
    text: str = strawberry.field(description='As the rules write it, e.g. "Strength or Dexterity".')


@strawberry.type(description="A class-specific number at a level, e.g. rage_count = 3.")
class ClassNumber:
    key: str = strawberry.field(description='What it counts, e.g. "rage_count".')
    value: float = strawberry.field(description="Its value at this level.")


@strawberry.type(description="Spellcasting numbers at a class level (from the rules engine).")
class LevelSpellcasting:
    cantrips: int = strawberry.field(description="Cantrips known.")
    prepared_spells: int = strawberry.field(description="Spells prepared.")
    slots: list[int] = strawberry.field(
        description="Spell slots of levels 1-9 (Warlock: its Pact Magic slots at their level)."
    )


@strawberry.type(description="One row of a class table.")
class ClassLevel:
    level: int = strawberry.field(description="The class level, 1-20.")
    proficiency_bonus: int = strawberry.field(description="Proficiency Bonus at this level.")
    feature_slugs: list[str] = strawberry.field(description="Features gained at this level.")
    numbers: list[ClassNumber] = strawberry.field(
        description="Class-specific numbers (Rages, Sneak Attack dice, ...)."
    )
    spellcasting: LevelSpellcasting | None = strawberry.field(
        description="Cantrips, prepared spells and slots; null for a class without spells. "
        "Computed by the rules engine from the SRD tables (which also corrects the known "
        "errors of the upstream Levels data)."
    )

    @strawberry.field(description="The features gained at this level.")
    async def features(self, info: ContextInfo) -> list[ClassFeature]:
        rows = await by_slugs(info, ClassFeatureRow, self.feature_slugs)
        return [ClassFeature.from_row(row) for row in rows]


def _level_spellcasting(class_slug: str, level: int) -> LevelSpellcasting | None:
    """The rules engine's spellcasting numbers, for the SRD classes it knows."""
    try:
        class_id = ClassId(class_slug.split("/", 1)[1])
    except ValueError:
        return None
    info = CLASSES[class_id]
    if info.spellcasting_ability is None:
        return None
    entry = spellcasting.CasterLevels(class_id, level)
    if class_id is ClassId.WARLOCK:
        pact = spellcasting.pact_slots(level)
        slots = [pact.count if n == pact.slot_level else 0 for n in range(1, 10)]
    else:
        slots = list(spellcasting.spell_slots([entry]))
    return LevelSpellcasting(
        cantrips=spellcasting.cantrips_known(entry),
        prepared_spells=spellcasting.prepared_spells(entry),
        slots=slots,
    )


@strawberry.federation.type(
    keys=["id", "slug"], name="CharacterClass", description="A character class of the SRD 5.2."
)
class CharacterClass(ReferenceByKey):
    id: strawberry.ID = strawberry.field(description="The class's ID.")
    slug: str = strawberry.field(description='Stable readable key, e.g. "class/wizard".')
    name: str = strawberry.field(description="The class's name.")
    hit_die: int = strawberry.field(description="Sides of its Hit Point Die (6, 8, 10 or 12).")
    primary_ability: PrimaryAbility = strawberry.field(description="Its primary ability.")
    saving_throws: list[Ability] = strawberry.field(
        description="The two saving throws it is proficient in."
    )
    spellcasting_ability: Ability | None = strawberry.field(
        description="The ability it casts spells with; null if it has no Spellcasting feature."
    )
    caster_kind: CasterKind = strawberry.field(
        description="How it casts: full, half or pact caster, or not at all."
    )
    proficiencies: list[str] = strawberry.field(
        description="Armor, weapon and tool training it grants outright."
    )
    proficiency_choices: list[str] = strawberry.field(
        description='Proficiencies to choose, e.g. "Choose 2: Arcana, History, ...".'
    )
    subclass_names: list[str] = strawberry.field(
        name="subclassNames", description="Names of its SRD subclasses."
    )
    description: str = strawberry.field(description="A short summary of the class's core traits.")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")
    levels_data: strawberry.Private[list[dict[str, Any]]]

    @strawberry.field(description="Names of its SRD subclasses (kept for older clients).")
    def subclasses(self) -> list[str]:
        return self.subclass_names

    @strawberry.field(description="Its subclasses.")
    async def subclass_entries(self, info: ContextInfo) -> list[Subclass]:
        rows = await _subclasses_loader(info).load(self.slug)
        return [Subclass.from_row(row) for row in rows]

    @strawberry.field(description="Its class table, level 1 to 20.")
    def levels(self) -> list[ClassLevel]:
        return [
            ClassLevel(
                level=level["level"],
                proficiency_bonus=proficiency_bonus(level["level"]),
                feature_slugs=list(level["features"]),
                numbers=[
                    ClassNumber(key=key, value=value) for key, value in level["numbers"].items()
                ],
                spellcasting=_level_spellcasting(self.slug, level["level"]),
            )
            for level in self.levels_data
        ]

    @strawberry.field(description="Its own features (not its subclasses'), by level.")
    async def features(
        self,
        info: ContextInfo,
        max_level: Annotated[
            int | None, strawberry.argument(description="Only those gained by this level.")
        ] = None,
    ) -> list[ClassFeature]:
        rows = await _class_features_loader(info).load(self.slug)
        return [
            ClassFeature.from_row(row)
            for row in rows
            if max_level is None or row.level <= max_level
        ]

    @strawberry.field(description="The spells on this class's spell list, A to Z.")
    async def spells(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        level: LevelFilter = None,
    ) -> Connection[Spell]:
        return await _spell_page(
            info,
            SpellFilter(level=level, class_slug=self.slug),
            SpellSort.SLUG,
            False,
            first,
            after,
        )

    reference_source = ClassRepository

    @classmethod
    def from_row(cls, row: ClassRow) -> CharacterClass:
        return cls(
            **entry_identity(row),
            hit_die=row.hit_die,
            primary_ability=PrimaryAbility(
                abilities=[Ability(a) for a in row.primary_abilities],
                any_of=row.primary_ability_any,
                text=row.primary_ability_text,
            ),
            saving_throws=[Ability(a) for a in row.saving_throws],
            spellcasting_ability=(
                None if row.spellcasting_ability is None else Ability(row.spellcasting_ability)
            ),
            caster_kind=CasterKind(row.caster_kind),
            proficiencies=list(row.proficiencies),
            proficiency_choices=list(row.proficiency_choices),
            subclass_names=list(row.subclasses),
            levels_data=list(row.levels),
        )


# --- loading -------------------------------------------------------------------------------


def _class_slugs_loader(info: ContextInfo) -> DataLoader[uuid.UUID, list[str]]:
    """The request's loader of the class slugs whose spell list has a spell, by spell ID."""

    async def fetch(session: AsyncSession, spell_ids: Sequence[uuid.UUID]) -> dict[Any, list[str]]:
        return await SpellClassRepository(session).class_slugs_of(spell_ids)

    return grouped_loader(info.context, "spell-class-slugs", fetch)


def _by_class_slug(rows: Iterable[Any]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.class_slug, []).append(row)
    return grouped


def _subclasses_loader(info: ContextInfo) -> DataLoader[str, list[Any]]:
    """The request's loader of a class's subclasses (by name), by class slug: a page of classes
    asks once, not once per class."""

    async def fetch(session: AsyncSession, class_slugs: Sequence[str]) -> dict[str, list[Any]]:
        repo = repository_for(SubclassRow)(session)
        statement = repo.select().where(SubclassRow.class_slug.in_(list(class_slugs)))
        return _by_class_slug(
            (await session.execute(statement.order_by(SubclassRow.name))).scalars()
        )

    return grouped_loader(info.context, "class-subclasses", fetch)


def _class_features_loader(info: ContextInfo) -> DataLoader[str, list[Any]]:
    """The request's loader of a class's own features (by level), by class slug."""

    async def fetch(session: AsyncSession, class_slugs: Sequence[str]) -> dict[str, list[Any]]:
        repo = repository_for(ClassFeatureRow)(session)
        statement = repo.select().where(
            ClassFeatureRow.class_slug.in_(list(class_slugs)),
            ClassFeatureRow.subclass_slug.is_(None),
        )
        statement = statement.order_by(ClassFeatureRow.level, ClassFeatureRow.slug)
        return _by_class_slug((await session.execute(statement)).scalars())

    return grouped_loader(info.context, "class-own-features", fetch)


@strawberry.enum(description="How spells are ordered.")
class SpellSort(Enum):
    NAME = "name"
    SLUG = "slug"
    LEVEL = "level"


async def _spell_page(
    info: ContextInfo,
    where: SpellFilter,
    sort: SpellSort,
    descending: bool,
    first: int,
    after: str | None,
) -> Connection[Spell]:
    if where.level is not None and not 0 <= where.level <= MAX_SPELL_LEVEL:
        raise graphql_error(ErrorCode.BAD_USER_INPUT, "`level` must be from 0 to 9")

    def statement(repo: CatalogRepository[Any]) -> Select[Any]:
        return SpellRepository(repo.session).filtered(where)

    return await sorted_page(
        info, SpellRepository, statement, sort, descending, first, after, Spell.from_row
    )


def class_slug(name: str) -> str:
    """``Wizard``, ``wizard`` and ``class/wizard`` all name the same class."""
    return slug_argument("class", name) or ""


# --- root fields ---------------------------------------------------------------------------


@strawberry.type
class Query(
    CharacterOptionsQuery,
    ItemsQuery,
    CreaturesQuery,
    GlossaryQuery,
    CatalogSearchQuery,
    HomebrewQuery,
):
    @strawberry.field(description='One spell by `slug` ("spell/fireball") or `id`; null if none.')
    async def spell(self, info: ContextInfo, slug: BySlug = None, id: ById = None) -> Spell | None:
        return await Spell.lookup(info, id, slug)

    @strawberry.field(description="Spells; every filter given must match.")
    async def spells(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        level: LevelFilter = None,
        school: Annotated[
            MagicSchool | None, strawberry.argument(description="School of magic.")
        ] = None,
        class_name: Annotated[
            str | None,
            strawberry.argument(
                description='On this class\'s spell list: "Wizard", "wizard" or "class/wizard".'
            ),
        ] = None,
        concentration: Annotated[
            bool | None, strawberry.argument(description="Whether it requires concentration.")
        ] = None,
        ritual: Annotated[
            bool | None, strawberry.argument(description="Whether it can be cast as a ritual.")
        ] = None,
        damage_type: Annotated[
            DamageType | None, strawberry.argument(description="Deals this kind of damage.")
        ] = None,
        saving_throw: Annotated[
            Ability | None, strawberry.argument(description="Targets save with this ability.")
        ] = None,
        sort: Annotated[
            SpellSort, strawberry.argument(description="The order of the list.")
        ] = SpellSort.SLUG,
        descending: Descending = False,
    ) -> Connection[Spell]:
        where = SpellFilter(
            level=level,
            school=None if school is None else school.value,
            class_slug=None if class_name is None else class_slug(class_name),
            concentration=concentration,
            ritual=ritual,
            damage_type=None if damage_type is None else damage_type.value,
            saving_throw=None if saving_throw is None else saving_throw.value,
        )
        return await _spell_page(info, where, sort, descending, first, after)

    @strawberry.field(
        name="class", description='One class by `slug` ("class/wizard") or `id`; null if none.'
    )
    async def class_(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> CharacterClass | None:
        return await CharacterClass.lookup(info, id, slug)

    @strawberry.field(description="Classes.")
    async def classes(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        caster_kind: Annotated[
            CasterKind | None, strawberry.argument(description="Classes that cast this way.")
        ] = None,
        sort: Sort = EntrySort.SLUG,
        descending: Descending = False,
    ) -> Connection[CharacterClass]:
        statement = entries_where(
            None if caster_kind is None else ClassRow.caster_kind == caster_kind.value,
        )

        return await sorted_page(
            info, ClassRepository, statement, sort, descending, first, after,
            CharacterClass.from_row,
        )  # fmt: skip

    @strawberry.field(
        description="The documents the catalog's content comes from, with their licenses and "
        "the attribution each requires (the SRD 5.2 is CC-BY-4.0)."
    )
    async def catalog_sources(self, info: ContextInfo) -> list[CatalogSource]:
        async with info.context.runtime.sessions() as session:
            rows = await SourceRepository(session).listed()
        return [CatalogSource.from_row(row) for row in rows]


schema = subgraph_schema(
    query=Query,
    mutation=HomebrewMutation,
    types=[
        HomebrewEntry,
        Spell,
        CharacterClass,
        Subclass,
        ClassFeature,
        Species,
        Lineage,
        SpeciesTrait,
        Background,
        Feat,
        Equipment,
        MagicItem,
        Creature,
        ConditionDefinition,
        SkillDefinition,
        Language,
        Proficiency,
        WeaponPropertyDefinition,
        WeaponMasteryDefinition,
        RuleSection,
    ],
)
