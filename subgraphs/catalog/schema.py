"""GraphQL face of the catalog service: public SRD content, readable without signing in.

Every entry type is a federation entity keyed by its UUID ``id`` and also by its ``slug``
(``spell/fireball``), so other subgraphs may refer to catalog content either way. Resolvers stay
thin: parse arguments, read through a repository, convert rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from infra.db.repository import InvalidCursor, Page
from subgraphs.catalog.enums import (
    Ability,
    CastingTimeUnit,
    DamageType,
    MagicSchool,
    RangeKind,
    ScalingKind,
)
from subgraphs.catalog.models import CatalogEntryMixin, CatalogSourceRow, ClassRow, SpellRow
from subgraphs.catalog.repository import (
    ClassRepository,
    SourceRepository,
    SpellClassRepository,
    SpellFilter,
    SpellRepository,
)
from subgraphs.kit.context import Context
from subgraphs.kit.errors import ErrorCode, MaskUnexpectedErrors, graphql_error
from subgraphs.kit.outcomes import check_cursor, parse_id_or_error
from subgraphs.kit.relay import Connection, check_page_size, to_connection

ContextInfo = Info[Context, Any]

MAX_SPELL_LEVEL = 9

# Arguments shared by several fields.
First = Annotated[int, strawberry.argument(description="Page size, 0 to 100.")]
After = Annotated[
    str | None, strawberry.argument(description="Continue after this cursor (`endCursor`).")
]
LevelFilter = Annotated[int | None, strawberry.argument(description="Spell level, 0-9.")]
BySlug = Annotated[str | None, strawberry.argument(description="The entry's slug.")]
ById = Annotated[strawberry.ID | None, strawberry.argument(description="The entry's ID.")]


@strawberry.type(description="Where a catalog entry came from and the terms it is used under.")
class Provenance:
    source: str = strawberry.field(description='The kind of source, e.g. "SRD".')
    document: str = strawberry.field(
        description='The published document, e.g. "System Reference Document 5.2".'
    )
    license: str = strawberry.field(description='SPDX license identifier, e.g. "CC-BY-4.0".')
    dataset: str = strawberry.field(
        description='The open dataset the entry was imported from, e.g. "open5e-srd-2024".'
    )
    source_key: str = strawberry.field(description="The entry's key in that dataset.")

    @classmethod
    def from_row(cls, row: CatalogEntryMixin) -> Provenance:
        return cls(
            source=row.source,
            document=row.document,
            license=row.license,
            dataset=row.dataset,
            source_key=row.source_key,
        )


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
            target_count=data.get("target_count"),
            duration=data.get("duration"),
            range=data.get("range"),
            concentration=data.get("concentration"),
            area_size=data.get("area_size"),
            note=data.get("note"),
        )


@strawberry.federation.type(keys=["id", "slug"], description="A spell of the SRD 5.2.")
class Spell:
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
    components: SpellComponents = strawberry.field(description="Its V, S and M components.")
    duration: str = strawberry.field(description='How long it lasts, e.g. "1 minute".')
    concentration: bool = strawberry.field(description="Whether it requires concentration.")
    saving_throw: Ability | None = strawberry.field(
        description="The ability targets save with, if any."
    )
    attack_roll: bool = strawberry.field(description="Whether casting involves an attack roll.")
    damage_roll: str | None = strawberry.field(description='Base damage dice, e.g. "8d6".')
    damage_types: list[DamageType] = strawberry.field(description="Kinds of damage it deals.")
    description: str | None = strawberry.field(
        description="The rules text (Markdown); null where the source dataset lacks it."
    )
    higher_levels: str | None = strawberry.field(
        description="How it improves with a higher slot or character level, in words."
    )
    scaling: list[SpellScaling] = strawberry.field(
        description="The same improvements, level by level."
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
        rows = await _loader(info, ClassRepository, "slug").load_many(slugs)
        return [CharacterClass.from_row(row) for row in rows if row is not None]

    @classmethod
    def from_row(cls, row: SpellRow) -> Spell:
        return cls(
            id=strawberry.ID(str(row.id)),
            slug=row.slug,
            name=row.name,
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
            components=SpellComponents(
                verbal=row.verbal,
                somatic=row.somatic,
                material=row.material,
                material_text=row.material_text,
                material_consumed=row.material_consumed,
            ),
            duration=row.duration,
            concentration=row.concentration,
            saving_throw=None if row.saving_throw is None else Ability(row.saving_throw),
            attack_roll=row.attack_roll,
            damage_roll=row.damage_roll,
            damage_types=[DamageType(d) for d in row.damage_types],
            description=row.description,
            higher_levels=row.higher_levels,
            scaling=[SpellScaling.from_json(step) for step in row.scaling],
            provenance=Provenance.from_row(row),
            row_id=row.id,
        )

    @classmethod
    async def resolve_reference(
        cls, info: ContextInfo, id: strawberry.ID | None = None, slug: str | None = None
    ) -> Spell | None:
        row = await _reference(info, SpellRepository, id, slug)
        return None if row is None else cls.from_row(row)


@strawberry.type(description="A class's primary ability (what its features mostly rely on).")
class PrimaryAbility:
    abilities: list[Ability] = strawberry.field(description="The abilities involved.")
    any_of: bool = strawberry.field(
        description="True when any one of them will do (Fighter: Strength or Dexterity); "
        "false when the class relies on all of them (Monk: Dexterity and Wisdom)."
    )
    text: str = strawberry.field(description='As the rules write it, e.g. "Strength or Dexterity".')


@strawberry.federation.type(
    keys=["id", "slug"], name="CharacterClass", description="A character class of the SRD 5.2."
)
class CharacterClass:
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
    proficiencies: list[str] = strawberry.field(
        description="Armor, weapon and tool training it grants outright."
    )
    proficiency_choices: list[str] = strawberry.field(
        description='Proficiencies to choose, e.g. "Choose 2: Arcana, History, ...".'
    )
    subclasses: list[str] = strawberry.field(description="Names of its SRD subclasses.")
    description: str = strawberry.field(description="A short summary of the class's core traits.")
    provenance: Provenance = strawberry.field(description="Where this entry came from.")

    @strawberry.field(description="The spells on this class's spell list, A to Z.")
    async def spells(
        self,
        info: ContextInfo,
        first: First = 20,
        after: After = None,
        level: LevelFilter = None,
    ) -> Connection[Spell]:
        return await _spell_page(info, SpellFilter(level=level, class_slug=self.slug), first, after)

    @classmethod
    def from_row(cls, row: ClassRow) -> CharacterClass:
        return cls(
            id=strawberry.ID(str(row.id)),
            slug=row.slug,
            name=row.name,
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
            proficiencies=list(row.proficiencies),
            proficiency_choices=list(row.proficiency_choices),
            subclasses=list(row.subclasses),
            description=row.description,
            provenance=Provenance.from_row(row),
        )

    @classmethod
    async def resolve_reference(
        cls, info: ContextInfo, id: strawberry.ID | None = None, slug: str | None = None
    ) -> CharacterClass | None:
        row = await _reference(info, ClassRepository, id, slug)
        return None if row is None else cls.from_row(row)


# --- loading -------------------------------------------------------------------------------

RepositoryType = type[SpellRepository] | type[ClassRepository]


def _loader(info: ContextInfo, repository: RepositoryType, key: str) -> Any:
    """A per-request batching loader of one entry kind by ``id`` (UUID) or ``slug``."""
    context = info.context

    async def load(keys: Sequence[Any]) -> list[Any]:
        async with context.runtime.sessions() as session:
            repo = repository(session)
            found: dict[Any, Any] = await (
                repo.get_many(keys) if key == "id" else repo.by_slugs(keys)
            )
        return [found.get(k) for k in keys]

    return context.loader(f"{repository.__name__}:{key}", load)


def _class_slugs_loader(info: ContextInfo) -> Any:
    context = info.context

    async def load(spell_ids: Sequence[uuid.UUID]) -> list[list[str]]:
        async with context.runtime.sessions() as session:
            found = await SpellClassRepository(session).class_slugs_of(spell_ids)
        return [found[i] for i in spell_ids]

    return context.loader("spell-class-slugs", load)


async def _reference(
    info: ContextInfo, repository: RepositoryType, id: str | None, slug: str | None
) -> Any:
    """An entity reference by either key; an unknown or malformed key resolves to null."""
    if id is not None:
        try:
            key = uuid.UUID(str(id))
        except ValueError:
            return None
        return await _loader(info, repository, "id").load(key)
    if slug is not None:
        return await _loader(info, repository, "slug").load(slug)
    return None


async def _one(
    info: ContextInfo, repository: RepositoryType, id: strawberry.ID | None, slug: str | None
) -> Any:
    """A root lookup by exactly one of ``id`` or ``slug``."""
    if (id is None) == (slug is None):
        raise graphql_error(ErrorCode.BAD_USER_INPUT, "Pass exactly one of `id` or `slug`.")
    if id is not None:
        return await _loader(info, repository, "id").load(parse_id_or_error(id, "id"))
    return await _loader(info, repository, "slug").load(slug)


async def _page(
    info: ContextInfo, fetch: Callable[[Any], Awaitable[Page[Any]]], convert: Callable[[Any], Any]
) -> Any:
    async with info.context.runtime.sessions() as session:
        try:
            page = await fetch(session)
        except InvalidCursor as exc:
            raise check_cursor(exc) from None
    return to_connection(page, convert)


async def _spell_page(
    info: ContextInfo, where: SpellFilter, first: int, after: str | None
) -> Connection[Spell]:
    check_page_size(first)
    if where.level is not None and not 0 <= where.level <= MAX_SPELL_LEVEL:
        raise graphql_error(ErrorCode.BAD_USER_INPUT, "`level` must be from 0 to 9")
    page: Connection[Spell] = await _page(
        info,
        lambda session: SpellRepository(session).page_matching(where, first, after),
        Spell.from_row,
    )
    return page


def class_slug(name: str) -> str:
    """``Wizard``, ``wizard`` and ``class/wizard`` all name the same class."""
    cleaned = name.strip().lower().replace(" ", "-")
    return cleaned if cleaned.startswith("class/") else f"class/{cleaned}"


# --- root fields ---------------------------------------------------------------------------


@strawberry.type
class Query:
    @strawberry.field(description='One spell by `slug` ("spell/fireball") or `id`; null if none.')
    async def spell(self, info: ContextInfo, slug: BySlug = None, id: ById = None) -> Spell | None:
        row = await _one(info, SpellRepository, id, slug)
        return None if row is None else Spell.from_row(row)

    @strawberry.field(description="Spells A to Z; every filter given must match.")
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
    ) -> Connection[Spell]:
        where = SpellFilter(
            level=level,
            school=None if school is None else school.value,
            class_slug=None if class_name is None else class_slug(class_name),
            concentration=concentration,
            ritual=ritual,
        )
        return await _spell_page(info, where, first, after)

    @strawberry.field(
        name="class", description='One class by `slug` ("class/wizard") or `id`; null if none.'
    )
    async def class_(
        self, info: ContextInfo, slug: BySlug = None, id: ById = None
    ) -> CharacterClass | None:
        row = await _one(info, ClassRepository, id, slug)
        return None if row is None else CharacterClass.from_row(row)

    @strawberry.field(description="Classes A to Z.")
    async def classes(
        self, info: ContextInfo, first: First = 20, after: After = None
    ) -> Connection[CharacterClass]:
        check_page_size(first)
        page: Connection[CharacterClass] = await _page(
            info,
            lambda session: ClassRepository(session).page_by_slug(first, after),
            CharacterClass.from_row,
        )
        return page

    @strawberry.field(
        description="The documents the catalog's content comes from, with their licenses and "
        "the attribution each requires (the SRD 5.2 is CC-BY-4.0)."
    )
    async def catalog_sources(self, info: ContextInfo) -> list[CatalogSource]:
        async with info.context.runtime.sessions() as session:
            rows = await SourceRepository(session).listed()
        return [CatalogSource.from_row(row) for row in rows]


schema = strawberry.federation.Schema(
    query=Query,
    types=[Spell, CharacterClass],
    federation_version="2.9",
    extensions=[MaskUnexpectedErrors],
)
