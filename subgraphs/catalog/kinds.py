"""Every kind of catalog entry, described for indexing: one function per kind.

Each ``<kind>_documents(session)`` function yields an ``IndexDocument`` per live (not deleted)
entry of that kind: ``(kind, slug, name, text, tags)``. ``text`` is the entry's prose (its rules
text or a summary built from its structured fields); ``tags`` are short facts worth matching on
(school, level, rarity, creature type, ...). ``KINDS`` maps each kind to its function and table,
so an indexer can walk the whole catalog without knowing any kind's columns. Every kind's slug
is ``<kind>/<name>`` (``creature/goblin-warrior``, ``magic-item/bag-of-holding``).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.catalog.models import (
    BackgroundRow,
    ClassFeatureRow,
    ClassRow,
    ConditionRow,
    CreatureRow,
    EquipmentRow,
    FeatRow,
    LanguageRow,
    LineageRow,
    MagicItemRow,
    ProficiencyRow,
    RuleRow,
    SkillRow,
    SpeciesRow,
    SpeciesTraitRow,
    SpellClassRow,
    SpellRow,
    SubclassRow,
    WeaponMasteryRow,
    WeaponPropertyRow,
)


class IndexDocument(NamedTuple):
    """One catalog entry as a search index sees it."""

    kind: str  # "spell", "class", ... (the part of the slug before "/")
    slug: str  # "spell/fireball"
    name: str
    text: str
    tags: tuple[str, ...]


async def _rows(session: AsyncSession, model: Any) -> AsyncIterator[Any]:
    statement = select(model).where(model.is_deleted.is_(False)).order_by(model.slug)
    for row in (await session.execute(statement)).scalars():
        yield row


def _tags(*values: object) -> tuple[str, ...]:
    """Non-empty values as lowercase tags, in order, without repeats."""
    seen: dict[str, None] = {}
    for value in values:
        if value is None or value == "" or value is False:
            continue
        seen.setdefault(str(value).strip().lower(), None)
    return tuple(seen)


def _join(*parts: str | None) -> str:
    return "\n\n".join(part for part in parts if part)


async def _spell_classes(session: AsyncSession) -> dict[uuid.UUID, list[str]]:
    """Spell ID -> the names of the classes whose spell list has it ("wizard", "cleric")."""
    statement = (
        select(SpellClassRow.spell_id, SpellClassRow.class_slug)
        .where(SpellClassRow.is_deleted.is_(False))
        .order_by(SpellClassRow.class_slug)
    )
    classes: dict[uuid.UUID, list[str]] = {}
    for spell_id, class_slug in await session.execute(statement):
        classes.setdefault(spell_id, []).append(class_slug.split("/")[-1])
    return classes


async def spell_documents(session: AsyncSession) -> AsyncIterator[IndexDocument]:
    # Tags also carry what a player asks for but the prose rarely says: whose spell list has
    # it ("a wizard who...") and whether it heals.
    classes = await _spell_classes(session)
    async for row in _rows(session, SpellRow):
        level = "cantrip" if row.level == 0 else f"level {row.level}"
        yield IndexDocument(
            "spell",
            row.slug,
            row.name,
            _join(row.description, row.higher_levels),
            _tags(
                level,
                row.school,
                "ritual" if row.ritual else None,
                "concentration" if row.concentration else None,
                row.saving_throw and f"{row.saving_throw} save",
                *row.damage_types,
                "healing" if row.healing_roll else None,
                *classes.get(row.id, ()),
            ),
        )


async def _class_features(session: AsyncSession) -> dict[str, list[str]]:
    """Class slug -> the names of the features every member of the class gains, by level."""
    statement = (
        select(ClassFeatureRow.class_slug, ClassFeatureRow.name)
        .where(ClassFeatureRow.is_deleted.is_(False), ClassFeatureRow.subclass_slug.is_(None))
        .order_by(ClassFeatureRow.level, ClassFeatureRow.name)
    )
    features: dict[str, list[str]] = {}
    for class_slug, name in await session.execute(statement):
        if name not in features.setdefault(class_slug, []):
            features[class_slug].append(name)
    return features


async def class_documents(session: AsyncSession) -> AsyncIterator[IndexDocument]:
    # A class is what its features make it (Rage, Sneak Attack, Sear Undead): a concept
    # describes what a character does, which the features name and the summary does not.
    features = await _class_features(session)
    async for row in _rows(session, ClassRow):
        named = features.get(row.slug)
        yield IndexDocument(
            "class",
            row.slug,
            row.name,
            _join(row.description, f"Features: {', '.join(named)}." if named else None),
            _tags(f"d{row.hit_die}", row.spellcasting_ability and "spellcaster", *row.subclasses),
        )


def _plain(
    kind: str, model: Any, tags: Callable[[Any], tuple[str, ...]]
) -> Callable[[AsyncSession], AsyncIterator[IndexDocument]]:
    """The indexing function of a kind whose text is its ``description`` column."""

    async def documents(session: AsyncSession) -> AsyncIterator[IndexDocument]:
        async for row in _rows(session, model):
            yield IndexDocument(kind, row.slug, row.name, row.description, tags(row))

    documents.__name__ = f"{kind.replace('-', '_')}_documents"
    return documents


async def subclass_documents(session: AsyncSession) -> AsyncIterator[IndexDocument]:
    async for row in _rows(session, SubclassRow):
        features = "\n\n".join(f"**{f['name']}.** {f['description']}" for f in row.features)
        yield IndexDocument(
            "subclass",
            row.slug,
            row.name,
            _join(row.summary, row.description, features),
            _tags(row.class_slug.split("/")[-1]),
        )


feature_documents = _plain(
    "feature",
    ClassFeatureRow,
    lambda row: _tags(
        row.class_slug.split("/")[-1],
        row.subclass_slug and row.subclass_slug.split("/")[-1],
        f"level {row.level}",
    ),
)
species_documents = _plain("species", SpeciesRow, lambda row: _tags(row.creature_type, *row.sizes))
lineage_documents = _plain(
    "lineage",
    LineageRow,
    lambda row: _tags(row.species_slug.split("/")[-1], row.damage_type),
)
trait_documents = _plain(
    "trait",
    SpeciesTraitRow,
    lambda row: _tags(*(slug.split("/")[-1] for slug in row.species_slugs)),
)
background_documents = _plain(
    "background", BackgroundRow, lambda row: _tags(*row.abilities, *row.skills)
)
feat_documents = _plain(
    "feat",
    FeatRow,
    lambda row: _tags(row.category, "repeatable" if row.repeatable else None),
)
# Upstream equipment categories that say what an item is for beyond its own category tag
# (a Lute is a musical instrument, an Amulet a holy symbol, a Quarterstaff an arcane focus);
# the weapon, armour and pack ones repeat the tags or the name, "tools"/"gear" say nothing.
_GENERIC_CATEGORY_WORDS = (
    "weapons",
    "armor",
    "adventuring",
    "tools",
    "ammunition",
    "shields",
    "packs",
)


def _purposes(upstream: list[str]) -> list[str]:
    specific = [c for c in upstream if not any(w in c for w in _GENERIC_CATEGORY_WORDS)]
    if "artisans-tools" in upstream:
        specific.append("artisans-tools")  # a craft, unlike thieves' or navigator's tools
    return [category.replace("-", " ") for category in specific]


equipment_documents = _plain(
    "equipment",
    EquipmentRow,
    # Weapon properties are what a fighting style asks for (Light to dual-wield, Finesse).
    lambda row: _tags(
        row.category,
        row.weapon_category,
        row.armor_category,
        row.mastery,
        *row.properties,
        *_purposes(row.upstream_categories),
    ),
)
magic_item_documents = _plain(
    "magic-item",
    MagicItemRow,
    lambda row: _tags(row.category, row.rarity, "attunement" if row.requires_attunement else None),
)
weapon_mastery_documents = _plain("weapon-mastery", WeaponMasteryRow, lambda row: ("mastery",))
weapon_property_documents = _plain(
    "weapon-property", WeaponPropertyRow, lambda row: ("weapon property",)
)
condition_documents = _plain("condition", ConditionRow, lambda row: ("condition",))
skill_documents = _plain("skill", SkillRow, lambda row: _tags(row.ability))
language_documents = _plain(
    "language", LanguageRow, lambda row: _tags("rare" if row.is_rare else "standard")
)
proficiency_documents = _plain("proficiency", ProficiencyRow, lambda row: _tags(row.category))
rule_documents = _plain("rule", RuleRow, lambda row: _tags("rules", row.chapter))


async def creature_documents(session: AsyncSession) -> AsyncIterator[IndexDocument]:
    async for row in _rows(session, CreatureRow):
        yield IndexDocument(
            "creature",
            row.slug,
            row.name,
            row.description,
            _tags(
                row.creature_type,
                row.size,
                row.subtype,
                row.alignment,
                f"cr {row.challenge_text}",
                *(f"{mode} speed" for mode in row.speeds if mode != "walk"),
                *row.senses,
                *row.damage_immunities,
                *row.damage_resistances,
            ),
        )


@dataclass(frozen=True)
class Kind:
    """A kind of catalog entry: its slug prefix, its table and its indexing function."""

    name: str
    model: Any
    documents: Callable[[AsyncSession], AsyncIterator[IndexDocument]]


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in [
        Kind("spell", SpellRow, spell_documents),
        Kind("class", ClassRow, class_documents),
        Kind("subclass", SubclassRow, subclass_documents),
        Kind("feature", ClassFeatureRow, feature_documents),
        Kind("species", SpeciesRow, species_documents),
        Kind("lineage", LineageRow, lineage_documents),
        Kind("trait", SpeciesTraitRow, trait_documents),
        Kind("background", BackgroundRow, background_documents),
        Kind("feat", FeatRow, feat_documents),
        Kind("equipment", EquipmentRow, equipment_documents),
        Kind("magic-item", MagicItemRow, magic_item_documents),
        Kind("weapon-mastery", WeaponMasteryRow, weapon_mastery_documents),
        Kind("weapon-property", WeaponPropertyRow, weapon_property_documents),
        Kind("condition", ConditionRow, condition_documents),
        Kind("skill", SkillRow, skill_documents),
        Kind("language", LanguageRow, language_documents),
        Kind("proficiency", ProficiencyRow, proficiency_documents),
        Kind("creature", CreatureRow, creature_documents),
        Kind("rule", RuleRow, rule_documents),
    ]
}


async def all_documents(session: AsyncSession) -> AsyncIterator[IndexDocument]:
    """Every live catalog entry of every kind."""
    for kind in KINDS.values():
        async for document in kind.documents(session):
            yield document
