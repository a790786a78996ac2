"""Importer for the 5e-database 2024 dataset (plain JSON lists, one object per entry).

Reads ``5e-SRD-Classes.json`` from the ``5e-database-2024`` folder. The dataset's 2014 folder holds
the older SRD 5.1 rules and is deliberately never read: it is not part of the 2024 catalog.
Entries are keyed by ``index`` (``wizard``); the catalog's slug is ``class/wizard``.
"""

from __future__ import annotations

from pathlib import Path

from subgraphs.catalog.enums import Ability
from subgraphs.catalog.importers.documents import SRD_5_2, SRD_SOURCE
from subgraphs.catalog.importers.fields import EntryReader, display_name, load_json_list
from subgraphs.catalog.importers.records import (
    NAME_LENGTH,
    SHORT_TEXT,
    ClassRecord,
    Provenance,
    make_slug,
)

FOLDER = "5e-database-2024"
DATASET = "5e-database-2024"
CLASSES_FILE = "5e-SRD-Classes.json"


HIT_DICE = {6, 8, 10, 12}
SAVING_THROW_PROFICIENCY = "saving-throw-"
ABILITY_NAMES = {
    Ability.STR: "Strength",
    Ability.DEX: "Dexterity",
    Ability.CON: "Constitution",
    Ability.INT: "Intelligence",
    Ability.WIS: "Wisdom",
    Ability.CHA: "Charisma",
}


def repair_text(text: str) -> str:
    """Undo UTF-8 that was once decoded as Windows-1252 (as in a right quote shown as ``â€™``).

    A few upstream strings carry this damage; text that does not round-trip is left as it was.
    """
    if "â" not in text and "Ã" not in text:
        return text
    try:
        return text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def read_classes(folder: Path) -> list[ClassRecord]:
    path = folder / CLASSES_FILE
    name = display_name(path)
    records: list[ClassRecord] = []
    seen: set[str] = set()
    for index, raw in enumerate(load_json_list(path)):
        label = f"#{index}"
        if isinstance(raw, dict) and isinstance(raw.get("index"), str):
            label = raw["index"]
        entry = EntryReader(name, label, raw)
        record = _class(entry)
        if record.slug in seen:
            raise entry.fail("index", f"a second entry has the slug {record.slug!r}")
        seen.add(record.slug)
        records.append(record)
    return records


def _ability(entry: EntryReader, field: str) -> Ability:
    return entry.as_choice(field, entry.text("index"), Ability)


def _primary_abilities(entry: EntryReader) -> tuple[tuple[Ability, ...], bool, str]:
    """The class's primary ability: either all of a list, or any one of a set of options."""
    primary = entry.nested("primary_ability")
    text = primary.text("desc", max_length=SHORT_TEXT)
    if primary.raw("ability_scores", None) is not None:
        scores = primary.nested_list("ability_scores")
        return tuple(_ability(score, "index") for score in scores), False, text
    options = primary.nested("ability_score_options").nested("from").nested_list("options")
    abilities = tuple(_ability(option.nested("item"), "index") for option in options)
    if not abilities:
        raise primary.fail("ability_score_options", "offers no abilities")
    return abilities, True, text


def _summary(
    name: str,
    hit_die: int,
    primary_text: str,
    saves: tuple[Ability, ...],
    proficiencies: tuple[str, ...],
    choices: tuple[str, ...],
) -> str:
    """A short description assembled from the class's core traits (the dataset has no prose)."""
    lines = [
        f"{name}: Hit Point Die d{hit_die}; primary ability {primary_text}.",
        "Saving throw proficiencies: " + " and ".join(ABILITY_NAMES[a] for a in saves) + ".",
    ]
    if proficiencies:
        lines.append("Proficiencies: " + ", ".join(proficiencies) + ".")
    lines.extend(choice.rstrip(".") + "." for choice in choices)
    return " ".join(lines)


def _class(entry: EntryReader) -> ClassRecord:
    key = entry.text("index")
    slug = make_slug("class", key)
    if slug is None:
        raise entry.fail("index", f"expected a lowercase slug like 'wizard', got {key!r}")
    name = entry.text("name", max_length=NAME_LENGTH)
    hit_die = entry.integer("hit_die")
    if hit_die not in HIT_DICE:
        raise entry.fail("hit_die", f"expected one of {sorted(HIT_DICE)}, got {hit_die}")
    primary, primary_any, primary_text = _primary_abilities(entry)
    saves = tuple(_ability(save, "index") for save in entry.nested_list("saving_throws"))
    if len(saves) != 2:
        raise entry.fail("saving_throws", f"expected 2 saving throws, got {len(saves)}")
    proficiencies = tuple(
        repair_text(item.text("name"))
        for item in entry.nested_list("proficiencies")
        if not item.text("index").startswith(SAVING_THROW_PROFICIENCY)
    )
    choices = tuple(
        repair_text(item.text("desc"))
        for item in entry.nested_list("proficiency_choices", optional=True)
    )
    spellcasting = entry.optional_nested("spellcasting")
    casting_ability = (
        None
        if spellcasting is None
        else _ability(spellcasting.nested("spellcasting_ability"), "index")
    )
    subclasses = tuple(item.text("name") for item in entry.nested_list("subclasses", optional=True))
    return ClassRecord(
        slug=slug,
        name=name,
        hit_die=hit_die,
        primary_abilities=primary,
        primary_ability_any=primary_any,
        primary_ability_text=primary_text,
        saving_throws=saves,
        spellcasting_ability=casting_ability,
        proficiencies=proficiencies,
        proficiency_choices=choices,
        subclasses=subclasses,
        description=_summary(name, hit_die, primary_text, saves, proficiencies, choices),
        provenance=Provenance(SRD_SOURCE, SRD_5_2, DATASET, key),
    )
