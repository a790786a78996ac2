"""Importer for the 5e-database 2024 dataset (plain JSON lists, one object per entry).

Reads ``5e-SRD-Classes.json`` and ``5e-SRD-Levels.json`` from the ``5e-database-2024`` folder
here; the other kinds of the dataset have their own modules (``fivee_characters``, ``fivee_items``,
``fivee_rules``), all built on ``read_indexed`` below. The dataset's 2014 folder holds
the older SRD 5.1 rules and is deliberately never read: it is not part of the 2024 catalog.
Entries are keyed by ``index`` (``wizard``); the catalog's slug is ``class/wizard``.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from subgraphs.catalog.enums import Ability, CasterKind
from subgraphs.catalog.importers.documents import SRD_5_2, SRD_SOURCE
from subgraphs.catalog.importers.fields import EntryReader, display_name, load_json_list
from subgraphs.catalog.importers.records import (
    NAME_LENGTH,
    SHORT_TEXT,
    ClassRecord,
    EntryRecord,
    Provenance,
    make_slug,
)

FOLDER = "5e-database-2024"
DATASET = "5e-database-2024"
CLASSES_FILE = "5e-SRD-Classes.json"
LEVELS_FILE = "5e-SRD-Levels.json"


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


def provenance(key: str) -> Provenance:
    return Provenance(SRD_SOURCE, SRD_5_2, DATASET, key)


def entries(folder: Path, file: str) -> list[EntryReader]:
    """Every entry of a 5e-database file, each labelled by its ``index`` (or its position)."""
    path = folder / file
    name = display_name(path)
    readers: list[EntryReader] = []
    for position, raw in enumerate(load_json_list(path)):
        label = f"#{position}"
        if isinstance(raw, dict) and isinstance(raw.get("index"), str):
            label = raw["index"]
        readers.append(EntryReader(name, label, raw))
    return readers


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug_of(entry: EntryReader, kind: str, field: str = "index") -> str:
    """The catalog slug of a reference like ``{"index": "wizard"}``: ``class/wizard``.

    Upstream keys are almost always slugs already; the few that are not (``stone-of-good-luck-
    (luckstone)``) are folded to one (``stone-of-good-luck-luckstone``), the same way wherever
    they are referred to, so references still meet.
    """
    key = entry.text(field)
    slug = make_slug(kind, _NOT_SLUG.sub("-", key.lower()).strip("-"))
    if slug is None:
        raise entry.fail(field, f"expected a lowercase slug like 'some-name', got {key!r}")
    return slug


def read_indexed(
    folder: Path,
    file: str,
    kind: str,
    build: Callable[[EntryReader], dict[str, Any]],
) -> list[EntryRecord]:
    """One ``EntryRecord`` per entry of ``file``; ``build`` turns an entry into its columns.

    The slug is ``<kind>/<index>``; the name is the entry's ``name``. A repeated slug is an error.
    """
    records: list[EntryRecord] = []
    seen: set[str] = set()
    for entry in entries(folder, file):
        slug = slug_of(entry, kind)
        if slug in seen:
            raise entry.fail("index", f"a second entry has the slug {slug!r}")
        seen.add(slug)
        name = repair_text(entry.text("name", max_length=NAME_LENGTH))
        records.append(EntryRecord(kind, slug, name, build(entry), provenance(entry.entry)))
    return records


def read_levels(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """The class tables by class slug: per level, its feature slugs and class-specific numbers.

    Subclass rows of the file are skipped (subclass features come with the subclasses). The
    spellcasting columns are read only to learn each class's caster kind; the numbers themselves
    are served from ``rules`` (the SRD tables), which also corrects the file's known errors.
    """
    by_class: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries(folder, LEVELS_FILE):
        if entry.raw("subclass", None) is not None:
            continue
        class_slug = slug_of(entry.nested("class"), "class")
        numbers: dict[str, Any] = {}
        specific = entry.optional_nested("class_specific")
        for key, value in specific.data.items() if specific is not None else ():
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue  # nested dice tables (Martial Arts, Sneak Attack) are left to rules/
            numbers[key] = value
        spellcasting = entry.optional_nested("spellcasting")
        slots = (
            [spellcasting.integer(f"spell_slots_level_{n}", minimum=0) for n in range(1, 10)]
            if spellcasting is not None and "spell_slots_level_1" in spellcasting.data
            else []
        )
        by_class[class_slug].append(
            {
                "level": entry.integer("level", minimum=1, maximum=20),
                "features": [slug_of(f, "feature") for f in entry.nested_list("features")],
                "numbers": numbers,
                "slots": slots,
            }
        )
    for levels in by_class.values():
        levels.sort(key=lambda level: int(level["level"]))
    return by_class


def caster_kind(levels: list[dict[str, Any]]) -> CasterKind:
    """How a class casts, read from its slot table.

    No slots: none. Ninth-level slots by level 20: full. Only fifth-level slots at 20 (all slots
    of one level, as Pact Magic has): pact. Fifth-level slots among others: half. Less: third.
    """
    top = next((level["slots"] for level in reversed(levels) if level["slots"]), None)
    if not top or not any(top):
        return CasterKind.NONE
    highest = max(n for n, count in enumerate(top, start=1) if count)
    if highest == 9:
        return CasterKind.FULL
    if highest == 5:
        return CasterKind.PACT if sum(1 for count in top if count) == 1 else CasterKind.HALF
    return CasterKind.THIRD


def read_classes(folder: Path) -> list[ClassRecord]:
    tables = read_levels(folder)
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
        table = tables.get(record.slug, [])
        record = dataclasses.replace(
            record,
            caster_kind=caster_kind(table),
            levels=tuple({k: v for k, v in level.items() if k != "slots"} for level in table),
        )
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
