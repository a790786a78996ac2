"""5e-database 2024: the rules glossary kinds a character sheet refers to.

Conditions, skills, languages, proficiencies, weapon properties and weapon mastery properties:
short entries with a name and rules text, plus the one or two facts each kind has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from subgraphs.catalog.enums import Ability, Condition, Mastery, Skill, WeaponProperty
from subgraphs.catalog.importers.fields import EntryReader
from subgraphs.catalog.importers.fivee_characters import prose
from subgraphs.catalog.importers.fivee_database import read_indexed, repair_text, slug_of
from subgraphs.catalog.importers.records import EntryRecord

CONDITIONS_FILE = "5e-SRD-Conditions.json"
SKILLS_FILE = "5e-SRD-Skills.json"
LANGUAGES_FILE = "5e-SRD-Languages.json"
PROFICIENCIES_FILE = "5e-SRD-Proficiencies.json"
MASTERIES_FILE = "5e-SRD-Weapon-Mastery-Properties.json"
PROPERTIES_FILE = "5e-SRD-Weapon-Properties.json"


def _condition(entry: EntryReader) -> dict[str, Any]:
    entry.choice("index", Condition)  # only the 15 conditions of the rules
    return {"description": prose(entry, "description")}


def read_conditions(folder: Path) -> list[EntryRecord]:
    return read_indexed(folder, CONDITIONS_FILE, "condition", _condition)


def _skill(entry: EntryReader) -> dict[str, Any]:
    entry.choice("index", Skill)
    return {
        "ability": entry.nested("ability_score").choice("index", Ability).value,
        "description": prose(entry, "description"),
    }


def read_skills(folder: Path) -> list[EntryRecord]:
    return read_indexed(folder, SKILLS_FILE, "skill", _skill)


def _language(entry: EntryReader) -> dict[str, Any]:
    rare = entry.boolean("is_rare")
    note = entry.optional_text("note")
    name = entry.text("name")
    text = f"{name}: a {'rare' if rare else 'standard'} language."
    return {
        "is_rare": rare,
        "note": None if note is None else repair_text(note),
        "description": text + (f" {repair_text(note)}" if note else ""),
    }


def read_languages(folder: Path) -> list[EntryRecord]:
    return read_indexed(folder, LANGUAGES_FILE, "language", _language)


def _proficiency(entry: EntryReader) -> dict[str, Any]:
    category = entry.text("type", max_length=40)
    reference = entry.optional_nested("reference")
    classes = [slug_of(c, "class") for c in entry.nested_list("classes", optional=True)]
    backgrounds = [
        slug_of(b, "background") for b in entry.nested_list("backgrounds", optional=True)
    ]
    name = repair_text(entry.text("name"))
    text = f"{name} ({category})."
    if classes:
        text += " Granted by the classes " + ", ".join(c.split("/")[1] for c in classes) + "."
    return {
        "category": category,
        "reference": None if reference is None else reference.optional_text("index"),
        "class_slugs": classes,
        "background_slugs": backgrounds,
        "description": text,
    }


def read_proficiencies(folder: Path) -> list[EntryRecord]:
    return read_indexed(folder, PROFICIENCIES_FILE, "proficiency", _proficiency)


def _mastery(entry: EntryReader) -> dict[str, Any]:
    entry.choice("index", Mastery)
    return {"description": prose(entry, "description")}


def read_masteries(folder: Path) -> list[EntryRecord]:
    return read_indexed(folder, MASTERIES_FILE, "weapon-mastery", _mastery)


def _property(entry: EntryReader) -> dict[str, Any]:
    entry.choice("index", WeaponProperty)
    return {"description": prose(entry, "description")}


def read_weapon_properties(folder: Path) -> list[EntryRecord]:
    return read_indexed(folder, PROPERTIES_FILE, "weapon-property", _property)
