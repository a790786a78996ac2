"""5e-database 2024: what a character is built from besides classes.

Subclasses (with their features), class features, species, lineages (the dataset calls them
subspecies), species traits, backgrounds and feats. Each reader returns ``EntryRecord``s whose
columns match the tables in ``subgraphs.catalog.models``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from subgraphs.catalog.enums import (
    Ability,
    CreatureType,
    DamageType,
    FeatCategory,
    Size,
    Skill,
)
from subgraphs.catalog.importers.fields import EntryReader
from subgraphs.catalog.importers.fivee_database import read_indexed, repair_text, slug_of
from subgraphs.catalog.importers.records import EntryRecord

SUBCLASSES_FILE = "5e-SRD-Subclasses.json"
FEATURES_FILE = "5e-SRD-Features.json"
SPECIES_FILE = "5e-SRD-Species.json"
LINEAGES_FILE = "5e-SRD-Subspecies.json"
TRAITS_FILE = "5e-SRD-Traits.json"
BACKGROUNDS_FILE = "5e-SRD-Backgrounds.json"
FEATS_FILE = "5e-SRD-Feats.json"

_LEVEL_SUFFIX = re.compile(r"-(\d+)$")


def prose(entry: EntryReader, field: str) -> str:
    """Rules text, given as one string or as a list of paragraphs; repaired and trimmed."""
    value = entry.raw(field)
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        value = "\n\n".join(part.strip() for part in value)
    if not isinstance(value, str) or not value.strip():
        raise entry.fail(field, "expected rules text (text or a list of paragraphs)")
    return repair_text(value.strip())


def _subclass(entry: EntryReader) -> dict[str, Any]:
    features: list[dict[str, Any]] = [
        {
            "level": feature.integer("level", minimum=1, maximum=20),
            "name": repair_text(feature.text("name")),
            "description": prose(feature, "description"),
        }
        for feature in entry.nested_list("features", optional=True)
    ]
    features.sort(key=lambda feature: feature["level"])
    return {
        "class_slug": slug_of(entry.nested("class"), "class"),
        "summary": repair_text(entry.text("summary")),
        "description": prose(entry, "description"),
        "features": features,
    }


def read_subclasses(folder: Path) -> list[EntryRecord]:
    return read_indexed(folder, SUBCLASSES_FILE, "subclass", _subclass)


def _feature_level(entry: EntryReader) -> int:
    """The level a feature comes at: a number, or a level reference like ``barbarian-3``."""
    raw = entry.raw("level")
    if isinstance(raw, int) and not isinstance(raw, bool):
        return entry.integer("level", minimum=1, maximum=20)
    reference = entry.nested("level").text("index")
    matched = _LEVEL_SUFFIX.search(reference)
    if matched is None or not 1 <= int(matched[1]) <= 20:
        raise entry.fail("level.index", f"expected a level like 'wizard-3', got {reference!r}")
    return int(matched[1])


def _feature(entry: EntryReader) -> dict[str, Any]:
    subclass = entry.optional_nested("subclass")
    return {
        "class_slug": slug_of(entry.nested("class"), "class"),
        "subclass_slug": None if subclass is None else slug_of(subclass, "subclass"),
        "level": _feature_level(entry),
        "description": prose(entry, "description"),
    }


def read_features(folder: Path) -> list[EntryRecord]:
    return read_indexed(folder, FEATURES_FILE, "feature", _feature)


def _sizes(entry: EntryReader) -> list[str]:
    if entry.raw("size", None) is not None:
        return [entry.choice("size", Size).value]
    options = entry.nested("size_options").nested("from").nested_list("options")
    sizes = [option.choice("size", Size).value for option in options]
    if not sizes:
        raise entry.fail("size_options", "offers no sizes")
    return sizes


def _species(entry: EntryReader) -> dict[str, Any]:
    sizes = _sizes(entry)
    creature_type = entry.choice("type", CreatureType).value
    speed = entry.integer("speed", minimum=0)
    traits = [slug_of(trait, "trait") for trait in entry.nested_list("traits", optional=True)]
    trait_names = [repair_text(t.text("name")) for t in entry.nested_list("traits", optional=True)]
    lineages = [repair_text(s.text("name")) for s in entry.nested_list("subspecies", optional=True)]
    summary = (
        f"{entry.text('name')}: {creature_type.title()}, size "
        f"{' or '.join(s.title() for s in sizes)}, speed {speed} feet."
    )
    if trait_names:
        summary += " Traits: " + ", ".join(trait_names) + "."
    if lineages:
        summary += " Lineages: " + ", ".join(lineages) + "."
    return {
        "creature_type": creature_type,
        "sizes": sizes,
        "speed": speed,
        "trait_slugs": traits,
        "description": summary,
    }


def read_species(folder: Path) -> list[EntryRecord]:
    return read_indexed(folder, SPECIES_FILE, "species", _species)


def _lineage(entry: EntryReader) -> dict[str, Any]:
    species = entry.nested("species")
    damage = entry.optional_nested("damage_type")
    traits = entry.nested_list("traits", optional=True)
    summary = f"A lineage of the {species.text('name')} species."
    if traits:
        summary += " Traits: " + ", ".join(repair_text(t.text("name")) for t in traits) + "."
    return {
        "species_slug": slug_of(species, "species"),
        "damage_type": None if damage is None else damage.choice("index", DamageType).value,
        "trait_slugs": [slug_of(trait, "trait") for trait in traits],
        "description": summary,
    }


def read_lineages(folder: Path) -> list[EntryRecord]:
    return read_indexed(folder, LINEAGES_FILE, "lineage", _lineage)


def _trait(entry: EntryReader) -> dict[str, Any]:
    return {
        "species_slugs": [
            slug_of(s, "species") for s in entry.nested_list("species", optional=True)
        ],
        "lineage_slugs": [
            slug_of(s, "lineage") for s in entry.nested_list("subspecies", optional=True)
        ],
        "description": prose(entry, "description"),
    }


def read_traits(folder: Path) -> list[EntryRecord]:
    return read_indexed(folder, TRAITS_FILE, "trait", _trait)


SKILL_PREFIX = "skill-"
TOOL_PREFIX = "tool-"


def _background(entry: EntryReader) -> dict[str, Any]:
    abilities = [
        score.as_choice("index", score.text("index"), Ability).value
        for score in entry.nested_list("ability_scores")
    ]
    if len(abilities) != 3:
        raise entry.fail("ability_scores", f"expected 3 abilities, got {len(abilities)}")
    feat = entry.nested("feat")
    skills: list[str] = []
    tool: str | None = None
    for position, item in enumerate(entry.nested_list("proficiencies")):
        key = item.text("index")
        if key.startswith(SKILL_PREFIX):
            skills.append(item.as_choice("index", key.removeprefix(SKILL_PREFIX), Skill).value)
        elif key.startswith(TOOL_PREFIX):
            tool = repair_text(item.text("name")).removeprefix("Tool: ")
        else:
            raise entry.fail(f"proficiencies[{position}].index", f"unexpected {key!r}")
    choices = [
        repair_text(choice.text("desc"))
        for choice in entry.nested_list("proficiency_choices", optional=True)
    ]
    equipment = [
        repair_text(option.text("desc"))
        for option in entry.nested_list("equipment_options", optional=True)
    ]
    feat_name = repair_text(feat.text("name"))
    feat_note = feat.optional_text("note")
    tool_text = tool or (choices[0] if choices else None)
    summary = (
        f"{entry.text('name')}. Ability scores: "
        + ", ".join(a.upper() for a in abilities)
        + f". Feat: {feat_name}{f' ({feat_note})' if feat_note else ''}. Skills: "
        + ", ".join(s.replace("-", " ").title() for s in skills)
        + "."
        + (f" Tool: {tool_text}." if tool_text else "")
        + "".join(f" Equipment: {option}." for option in equipment)
    )
    return {
        "abilities": abilities,
        "feat_slug": slug_of(feat, "feat"),
        "feat_note": feat_note,
        "skills": skills,
        "tool": tool,
        "tool_choice": choices[0] if choices else None,
        "equipment_options": equipment,
        "description": summary,
    }


def read_backgrounds(folder: Path) -> list[EntryRecord]:
    return read_indexed(folder, BACKGROUNDS_FILE, "background", _background)


def _ability_minimums(entry: EntryReader) -> list[dict[str, Any]]:
    options = entry.optional_nested("prerequisite_options")
    if options is None:
        return []
    return [
        {
            "ability": option.nested("ability_score").choice("index", Ability).value,
            "minimum": option.integer("minimum_score", minimum=1, maximum=30),
        }
        for option in options.nested("from").nested_list("options")
    ]


def _feat(entry: EntryReader) -> dict[str, Any]:
    prerequisites = entry.optional_nested("prerequisites")
    minimum_level = None
    feature = None
    if prerequisites is not None:
        minimum_level = (
            prerequisites.integer("minimum_level", minimum=1, maximum=20)
            if prerequisites.raw("minimum_level", None) is not None
            else None
        )
        feature = prerequisites.optional_text("feature_named")
    minimums = _ability_minimums(entry)
    parts: list[str] = []
    if minimum_level is not None:
        parts.append(f"Level {minimum_level}+")
    if minimums:
        options = entry.nested("prerequisite_options")
        parts.append(options.optional_text("desc") or "an ability score minimum")
    if feature is not None:
        parts.append(f"{feature} Feature")
    repeatable_note = entry.optional_text("repeatable")
    return {
        "category": entry.choice("type", FeatCategory).value,
        "minimum_level": minimum_level,
        "required_feature": feature,
        "ability_minimums": minimums,
        "prerequisite_text": "; ".join(parts) or None,
        "repeatable": repeatable_note is not None,
        "repeatable_note": None if repeatable_note is None else repair_text(repeatable_note),
        "description": prose(entry, "description"),
    }


def read_feats(folder: Path) -> list[EntryRecord]:
    return read_indexed(folder, FEATS_FILE, "feat", _feat)
