"""Importer for the open5e SRD 5.2 dataset (Django fixtures: ``[{model, pk, fields}]``).

Spells are read here; creatures in ``open5e_creatures`` (built on ``fixtures`` and
``check_document`` below). Reads ``Spell.json`` and its companion ``SpellCastingOption.json``
(how each spell scales) from the ``open5e-srd-2024`` folder, after checking ``Document.json``
says the folder really is the SRD 5.2 under CC-BY-4.0. Upstream keys look like
``srd-2024_fireball``; the catalog's slug is ``spell/fireball``.

The readers take the key of the document they read (``srd-2024`` unless told otherwise), so the
same code reads a third-party open5e dataset (keys ``<document>_<name>``); ``third_party.py``
then gives those records their own document and namespaced slugs.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from subgraphs.catalog.enums import (
    Ability,
    AreaShape,
    CastingTimeUnit,
    DamageType,
    MagicSchool,
    RangeKind,
    ScalingKind,
)
from subgraphs.catalog.importers.documents import SRD_5_2, SRD_SOURCE
from subgraphs.catalog.importers.fields import (
    EntryReader,
    MalformedSource,
    display_name,
    load_json_list,
)
from subgraphs.catalog.importers.records import (
    DICE_TEXT,
    NAME_LENGTH,
    SHORT_TEXT,
    Provenance,
    SpellRecord,
    SpellScaling,
    make_slug,
)

FOLDER = "open5e-srd-2024"
DATASET = "open5e-srd-2024"
DOCUMENT_KEY = "srd-2024"  # the dataset's own key for the SRD 5.2
REQUIRED_LICENSE = "cc-by-40"

SPELL_MODEL = "api_v2.spell"
SCALING_MODEL = "api_v2.spellcastingoption"

TIMED_CASTING = re.compile(r"^(\d+)\s*(minute|hour)s?$")
SCALING_TYPE = re.compile(r"^(slot_level|player_level)_(\d+)$")
GP_AMOUNT = re.compile(r"([\d,]+)\+?\s*GP", re.IGNORECASE)

ACTION_CASTING = {
    "action": CastingTimeUnit.ACTION,
    "bonus-action": CastingTimeUnit.BONUS_ACTION,
    "reaction": CastingTimeUnit.REACTION,
}
RANGE_WORDS = {
    "self": RangeKind.SELF,
    "touch": RangeKind.TOUCH,
    "sight": RangeKind.SIGHT,
    "unlimited": RangeKind.UNLIMITED,
    "special": RangeKind.SPECIAL,
}
ABILITY_NAMES = {
    "strength": Ability.STR,
    "dexterity": Ability.DEX,
    "constitution": Ability.CON,
    "intelligence": Ability.INT,
    "wisdom": Ability.WIS,
    "charisma": Ability.CHA,
}


def fixtures(path: Path, model: str) -> Iterator[EntryReader]:
    """The ``fields`` of every record of a fixture file, each checked to be of ``model``."""
    name = display_name(path)
    for index, raw in enumerate(load_json_list(path)):
        yield _fixture(name, index, raw, model)


def slug_from_key(fields: EntryReader, kind: str, document_key: str = DOCUMENT_KEY) -> str:
    """The slug of a record keyed ``<document_key>_<name>``: ``<kind>/<name>``."""
    slug = _slug(fields.entry, kind, document_key)
    if slug is None:
        raise fields.fail_at("pk", _bad_key(fields.entry, document_key))
    return slug


def check_document_field(fields: EntryReader, document_key: str) -> None:
    """Every record names the document it belongs to; it must be the one being imported."""
    if fields.text("document") != document_key:
        raise fields.fail("document", f"expected {document_key!r}, got {fields.raw('document')!r}")


def read_spells(folder: Path, document_key: str = DOCUMENT_KEY) -> list[SpellRecord]:
    """Every spell of the folder, checked and normalised; ``MalformedSource`` on the first flaw.

    For the SRD, ``Document.json`` is checked to be the SRD 5.2 and every file must be there; a
    third-party dataset (another ``document_key``) may leave out ``SpellCastingOption.json``.
    """
    scaling_file = folder / "SpellCastingOption.json"
    if document_key == DOCUMENT_KEY:
        check_document(folder / "Document.json")
    scaling, scaling_entries = (
        _read_scaling(scaling_file)
        if document_key == DOCUMENT_KEY or scaling_file.exists()
        else ({}, {})
    )
    spells_file = folder / "Spell.json"
    name = display_name(spells_file)
    records: list[SpellRecord] = []
    seen: set[str] = set()
    for index, raw in enumerate(load_json_list(spells_file)):
        entry = _fixture(name, index, raw, SPELL_MODEL)
        record = _spell(entry, scaling.pop(entry.entry, ()), document_key)
        if record.slug in seen:
            raise entry.fail_at("pk", f"a second entry has the slug {record.slug!r}")
        seen.add(record.slug)
        records.append(record)
    if scaling:
        orphan = sorted(scaling)[0]
        raise MalformedSource(
            display_name(folder / "SpellCastingOption.json"),
            scaling_entries[orphan],
            "fields.parent",
            f"names spell {orphan!r}, which Spell.json does not contain",
        )
    return records


def _fixture(file: str, index: int, raw: object, model: str) -> EntryReader:
    """The ``fields`` of one fixture record, labelled by its ``pk`` (or position if it has none)."""
    label = f"#{index}"
    if isinstance(raw, dict) and isinstance(raw.get("pk"), str | int):
        label = str(raw["pk"])
    outer = EntryReader(file, label, raw)
    if outer.text("model") != model:
        raise outer.fail("model", f"expected {model!r}, got {outer.raw('model')!r}")
    outer.raw("pk")
    return outer.nested("fields")


def check_document(path: Path) -> None:
    name = display_name(path)
    for index, raw in enumerate(load_json_list(path)):
        if isinstance(raw, dict) and raw.get("pk") == DOCUMENT_KEY:
            fields = _fixture(name, index, raw, "api_v2.document")
            licenses = fields.text_list("licenses")
            if REQUIRED_LICENSE not in licenses:
                raise fields.fail("licenses", f"expected {REQUIRED_LICENSE!r}, got {licenses}")
            return
    raise MalformedSource(name, DOCUMENT_KEY, None, "is missing: this is not the SRD 5.2 dataset")


def _read_scaling(path: Path) -> tuple[dict[str, list[SpellScaling]], dict[str, str]]:
    """Scaling steps by spell key, and the first entry naming each spell (for error messages)."""
    name = display_name(path)
    by_spell: dict[str, list[SpellScaling]] = defaultdict(list)
    first_entry: dict[str, str] = {}
    for index, raw in enumerate(load_json_list(path)):
        fields = _fixture(name, index, raw, SCALING_MODEL)
        kind_text = fields.text("type")
        matched = SCALING_TYPE.match(kind_text)
        if matched is None:
            raise fields.fail("type", f"expected slot_level_N or player_level_N, got {kind_text!r}")
        kind = ScalingKind.SLOT_LEVEL if matched[1] == "slot_level" else ScalingKind.CHARACTER_LEVEL
        level = int(matched[2])
        if not (1 <= level <= 20):
            raise fields.fail("type", f"level {level} is out of range (1 to 20)")
        parent = fields.text("parent")
        first_entry.setdefault(parent, fields.entry)
        by_spell[parent].append(
            SpellScaling(
                kind=kind,
                level=level,
                damage_roll=fields.optional_text("damage_roll"),
                target_count=fields.optional_integer("target_count", minimum=0),
                duration=fields.optional_text("duration"),
                range=fields.optional_text("range"),
                concentration=fields.optional_boolean("concentration"),
                area_size=fields.optional_integer("shape_size", minimum=0),
                note=fields.optional_text("desc"),
            )
        )
    for steps in by_spell.values():
        steps.sort(key=lambda step: (step.kind.value, step.level))
    return by_spell, first_entry


def _slug(key: str, kind: str, document_key: str = DOCUMENT_KEY) -> str | None:
    """``srd-2024_fireball`` -> ``spell/fireball``; None if the key does not look like that."""
    name = key.removeprefix(f"{document_key}_")
    return None if name == key else make_slug(kind, name)


def _class_slug(key: str) -> str | None:
    """``srd-2024_wizard`` -> ``class/wizard``, whichever document the class key names.

    A third-party spell usually lists the SRD's classes, so the document part is not checked.
    """
    document, separator, name = key.partition("_")
    return make_slug("class", name) if separator and document else None


def _bad_key(key: str, document_key: str = DOCUMENT_KEY) -> str:
    return f"expected a key like '{document_key}_some-name', got {key!r}"


def _casting_time(fields: EntryReader) -> tuple[CastingTimeUnit, int]:
    text = fields.text("casting_time").lower()
    if text in ACTION_CASTING:
        return ACTION_CASTING[text], 1
    timed = TIMED_CASTING.match(text)
    if timed is None:
        raise fields.fail("casting_time", f"unknown casting time {text!r}")
    unit = CastingTimeUnit.MINUTE if timed[2] == "minute" else CastingTimeUnit.HOUR
    return unit, int(timed[1])


def _range(fields: EntryReader) -> tuple[RangeKind, int | None, str]:
    text = fields.text("range_text", max_length=SHORT_TEXT)
    word = RANGE_WORDS.get(text.lower())
    if word is not None:
        return word, None, text
    if fields.optional_text("range_unit") != "feet":
        raise fields.fail("range_unit", f"expected 'feet' for the distance {text!r}")
    return RangeKind.DISTANCE, fields.integer("range", minimum=1), text


def _saving_throw(fields: EntryReader) -> Ability | None:
    text = fields.optional_text("saving_throw_ability")
    if text is None:
        return None
    return fields.as_choice("saving_throw_ability", text, Ability, ABILITY_NAMES)


def material_cost_gp(text: str | None) -> float | None:
    """The gold the listed components are worth, added up: "a diamond worth 300+ GP" -> 300."""
    if not text:
        return None
    amounts = [int(found.replace(",", "")) for found in GP_AMOUNT.findall(text)]
    return float(sum(amounts)) if amounts else None


def _area(fields: EntryReader) -> tuple[AreaShape | None, int | None]:
    shape_text = fields.optional_text("shape_type")
    if shape_text is None:
        return None, None
    shape = fields.as_choice("shape_type", shape_text, AreaShape)
    size = fields.optional_integer("shape_size", minimum=0)
    unit = fields.optional_text("shape_size_unit")
    if size is not None and unit not in (None, "feet"):
        raise fields.fail("shape_size_unit", f"expected 'feet', got {unit!r}")
    return shape, size


def _heals(damage_roll: str | None, damage_types: tuple[DamageType, ...], text: str | None) -> bool:
    """Healing spells carry their dice in the dataset's damage field; tell them apart.

    A spell with dice, no damage type and text about regaining Hit Points heals (Cure Wounds,
    Healing Word, Prayer of Healing, ...); its dice and scaling steps become healing.
    """
    return bool(damage_roll) and not damage_types and "regain" in (text or "").lower()


def _spell(fields: EntryReader, scaling: Sequence[SpellScaling], document_key: str) -> SpellRecord:
    key = fields.entry
    check_document_field(fields, document_key)
    slug = slug_from_key(fields, "spell", document_key)
    unit, amount = _casting_time(fields)
    area_shape, area_size = _area(fields)
    range_kind, range_feet, range_text = _range(fields)
    class_keys: set[str] = set()
    for item in fields.text_list("classes"):
        class_key = _class_slug(item)
        if class_key is None:
            raise fields.fail("classes", _bad_key(item))
        class_keys.add(class_key)
    damage_types = tuple(
        fields.as_choice("damage_types", item, DamageType)
        for item in fields.text_list("damage_types")
    )
    damage_roll = fields.optional_text("damage_roll", max_length=DICE_TEXT)
    healing_roll = None
    if _heals(damage_roll, damage_types, fields.optional_text("desc")):
        damage_roll, healing_roll = None, damage_roll
        scaling = tuple(
            dataclasses.replace(step, damage_roll=None, healing_roll=step.damage_roll)
            for step in scaling
        )
    return SpellRecord(
        slug=slug,
        name=fields.text("name", max_length=NAME_LENGTH),
        level=fields.integer("level", minimum=0, maximum=9),
        school=fields.choice("school", MagicSchool),
        casting_time_unit=unit,
        casting_time_amount=amount,
        reaction_trigger=fields.optional_text("reaction_condition"),
        ritual=fields.boolean("ritual"),
        range_kind=range_kind,
        range_feet=range_feet,
        range_text=range_text,
        verbal=fields.boolean("verbal"),
        somatic=fields.boolean("somatic"),
        material=fields.boolean("material"),
        material_text=fields.optional_text("material_specified"),
        material_consumed=fields.boolean("material_consumed"),
        duration=fields.text("duration", max_length=SHORT_TEXT),
        concentration=fields.boolean("concentration"),
        class_keys=tuple(sorted(class_keys)),
        saving_throw=_saving_throw(fields),
        attack_roll=fields.boolean("attack_roll"),
        damage_roll=damage_roll,
        damage_types=damage_types,
        description=fields.optional_text("desc"),
        higher_levels=fields.optional_text("higher_level"),
        scaling=tuple(scaling),
        provenance=Provenance(SRD_SOURCE, SRD_5_2, DATASET, key),
        area_shape=area_shape,
        area_size_feet=area_size,
        material_cost_gp=material_cost_gp(fields.optional_text("material_specified")),
        healing_roll=healing_roll,
    )
