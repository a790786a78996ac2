"""open5e SRD 5.2: creatures (stat blocks) with their traits, actions and attacks.

Reads ``Creature.json`` with ``CreatureTrait.json``, ``CreatureAction.json`` and
``CreatureActionAttack.json``. A stat block prints totals; the catalog keeps what they are made
of. For every printed saving throw, skill and initiative the importer asks ``rules.creatures`` how
many times the Proficiency Bonus (from the Challenge Rating) it contains (0, 1 or 2 = expertise),
and stores that. The totals are derived again from the stored values when served. A printed total
that no count explains is reported as a notice (the data is imported anyway).
"""

from __future__ import annotations

import re
from collections import defaultdict
from fractions import Fraction
from pathlib import Path
from typing import Any

from rules import creatures as creature_rules
from rules.enums import SKILL_ABILITY
from rules.enums import Skill as RulesSkill
from subgraphs.catalog.enums import (
    Ability,
    Condition,
    CreatureActionKind,
    CreatureType,
    DamageType,
    MovementMode,
    Sense,
    Size,
    Skill,
)
from subgraphs.catalog.importers.documents import SRD_5_2, SRD_SOURCE
from subgraphs.catalog.importers.fields import EntryReader, MalformedSource, display_name
from subgraphs.catalog.importers.open5e import (
    DOCUMENT_KEY,
    check_document,
    check_document_field,
    fixtures,
    slug_from_key,
)
from subgraphs.catalog.importers.records import NAME_LENGTH, EntryRecord, Provenance

DATASET = "open5e-srd-2024"
CREATURE_MODEL = "api_v2.creature"
TRAIT_MODEL = "api_v2.creaturetrait"
ACTION_MODEL = "api_v2.creatureaction"
ATTACK_MODEL = "api_v2.creatureactionattack"

ABILITY_FIELDS = {
    Ability.STR: "strength",
    Ability.DEX: "dexterity",
    Ability.CON: "constitution",
    Ability.INT: "intelligence",
    Ability.WIS: "wisdom",
    Ability.CHA: "charisma",
}
ACTION_KINDS = {
    "ACTION": CreatureActionKind.ACTION,
    "BONUS_ACTION": CreatureActionKind.BONUS_ACTION,
    "REACTION": CreatureActionKind.REACTION,
    "LEGENDARY_ACTION": CreatureActionKind.LEGENDARY_ACTION,
}
ACTION_ORDER = list(CreatureActionKind)
SENSE_FIELDS = {sense: f"{sense.value}_range" for sense in Sense}
# Known errors of the pinned dataset, checked against the SRD 5.2 stat blocks: entry -> field ->
# (the wrong value upstream, the printed value). A correction applies only while upstream still
# has the wrong value, and each one applied is reported as a notice.
KNOWN_ERRORS: dict[str, dict[str, tuple[object, object]]] = {
    "srd-2024_octopus": {
        "ability_score_constitution": (0, 11),  # the modifier was stored as the score
        "ability_score_charisma": (-3, 4),
        "saving_throw_constitution": (30, 0),
    },
}
HIT_DICE = re.compile(r"^\s*(\d+)\s*d\s*(\d+)\s*(?:([+-])\s*(\d+))?\s*$")


def _parse_cr(fields: EntryReader) -> Fraction:
    raw = fields.raw("challenge_rating")
    try:
        cr = Fraction(str(raw))
    except (ValueError, ZeroDivisionError):
        raise fields.fail("challenge_rating", f"expected a number, got {raw!r}") from None
    if cr not in creature_rules.XP_BY_CR:
        raise fields.fail("challenge_rating", f"{raw!r} is not a Challenge Rating")
    return cr


def parse_hit_dice(fields: EntryReader) -> tuple[int, int, int]:
    """``"19d12 + 133"`` -> (19, 12, 133)."""
    text = fields.text("hit_dice")
    matched = HIT_DICE.match(text)
    if matched is None:
        raise fields.fail("hit_dice", f"expected dice like '3d8 + 6', got {text!r}")
    bonus = int(matched[4] or 0) * (-1 if matched[3] == "-" else 1)
    count, die = int(matched[1]), int(matched[2])
    if count < 1 or die < 1:
        raise fields.fail("hit_dice", f"expected at least one die, got {text!r}")
    return count, die, bonus


def _grouped(
    folder: Path, file: str, model: str, optional: bool = False
) -> dict[str, list[EntryReader]]:
    if optional and not (folder / file).exists():
        return {}
    by_parent: dict[str, list[EntryReader]] = defaultdict(list)
    for fields in fixtures(folder / file, model):
        by_parent[fields.text("parent")].append(fields)
    return by_parent


def _uses(action: EntryReader) -> str | None:
    kind = action.optional_text("uses_type")
    param = action.optional_integer("uses_param", minimum=0)
    if kind is None:
        return None
    if kind == "PER_DAY":
        return f"{param}/Day"
    if kind == "RECHARGE_ON_ROLL":
        return "Recharge 6" if param == 6 else f"Recharge {param}-6"
    if kind == "RECHARGE":
        return "Recharge after a Short or Long Rest"
    return kind.replace("_", " ").title()


def _dice(count: int | None, die: str | None) -> str | None:
    if count is None or die is None:
        return None
    return f"{count}{die.lower()}"


def _attack(attack: EntryReader) -> dict[str, Any]:
    main = _dice(
        attack.optional_integer("damage_die_count", minimum=0),
        attack.optional_text("damage_die_type"),
    )
    extra = _dice(
        attack.optional_integer("extra_damage_die_count", minimum=0),
        attack.optional_text("extra_damage_die_type"),
    )
    main_type = attack.optional_text("damage_type")
    extra_type = attack.optional_text("extra_damage_type")
    if main_type is None and extra is None:  # the dataset files the only type as "extra"
        main_type, extra_type = extra_type, None
    return {
        "name": attack.text("name"),
        "to_hit": attack.optional_integer("to_hit_mod"),
        "reach_feet": attack.optional_integer("reach", minimum=0),
        "range_feet": attack.optional_integer("range", minimum=0),
        "long_range_feet": attack.optional_integer("long_range", minimum=0),
        "damage_dice": main,
        "damage_bonus": attack.optional_integer("damage_bonus"),
        "damage_type": (
            None
            if main_type is None
            else attack.as_choice("damage_type", main_type, DamageType).value
        ),
        "extra_damage_dice": extra,
        "extra_damage_type": (
            None
            if extra_type is None
            else attack.as_choice("extra_damage_type", extra_type, DamageType).value
        ),
    }


def _actions(
    actions: list[EntryReader], attacks: dict[str, list[EntryReader]]
) -> list[dict[str, Any]]:
    listed: list[tuple[int, int, dict[str, Any]]] = []
    for action in actions:
        kind_text = action.text("action_type")
        if kind_text not in ACTION_KINDS:
            raise action.fail("action_type", f"unknown action type {kind_text!r}")
        kind = ACTION_KINDS[kind_text]
        legendary = kind is CreatureActionKind.LEGENDARY_ACTION
        record = {
            "name": action.text("name"),
            "kind": kind.value,
            "description": action.text("desc"),
            "uses": _uses(action),
            "legendary_cost": (
                (action.optional_integer("legendary_action_cost", minimum=0) or 1)
                if legendary
                else None
            ),
            "attacks": [_attack(a) for a in attacks.pop(action.entry, [])],
        }
        order = action.optional_integer("order_in_statblock", minimum=0) or 0
        listed.append((ACTION_ORDER.index(kind), order, record))
    listed.sort(key=lambda item: (item[0], item[1]))
    return [record for _, _, record in listed]


def _proficiencies(
    fields: EntryReader, slug: str, scores: dict[Ability, int], pb: int, notices: list[str]
) -> tuple[dict[str, int], dict[str, int], int]:
    """Save, skill and initiative multipliers of the Proficiency Bonus, from printed totals."""

    def multiplier(field: str, printed: int, score: int) -> int:
        found = creature_rules.proficiency_multiplier(printed, score, pb)
        if found is None:
            notices.append(
                f"{slug}: printed {field.replace('_', ' ')} {printed:+d} is not its modifier "
                f"plus 0-2 times its Proficiency Bonus (+{pb}); stored without proficiency"
            )
            return 0
        return found

    saves: dict[str, int] = {}
    for ability, word in ABILITY_FIELDS.items():
        printed = fields.optional_integer(f"saving_throw_{word}")
        if printed is not None:
            found = multiplier(f"saving_throw_{word}", printed, scores[ability])
            if found:
                saves[ability.value] = found
    skills: dict[str, int] = {}
    for skill in Skill:
        field = f"skill_bonus_{skill.value.replace('-', '_')}"
        printed = fields.optional_integer(field)
        if printed is not None:
            ability = Ability(SKILL_ABILITY[RulesSkill(skill.value)].value)
            # Kept even at 0 (a total no count explains): the stat block lists the skill.
            skills[skill.value] = multiplier(field, printed, scores[ability])
    printed_initiative = fields.optional_integer("initiative_bonus")
    initiative = (
        0
        if printed_initiative is None
        else multiplier("initiative_bonus", printed_initiative, scores[Ability.DEX])
    )
    return saves, skills, initiative


def _summary(name: str, traits: list[dict[str, Any]], actions: list[dict[str, Any]]) -> str:
    parts = [f"**{t['name']}.** {t['description']}" for t in traits]
    parts += [f"**{a['name']}.** {a['description']}" for a in actions]
    return "\n\n".join(parts) or f"{name}."


def _creature(
    fields: EntryReader,
    traits: dict[str, list[EntryReader]],
    actions: dict[str, list[EntryReader]],
    attacks: dict[str, list[EntryReader]],
    notices: list[str],
    document_key: str,
) -> EntryRecord:
    key = fields.entry
    check_document_field(fields, document_key)
    slug = slug_from_key(fields, "creature", document_key)
    name = fields.text("name", max_length=NAME_LENGTH)
    cr = _parse_cr(fields)
    pb = creature_rules.proficiency_bonus_for_cr(cr)
    scores = {
        ability: fields.integer(f"ability_score_{word}", minimum=1, maximum=30)
        for ability, word in ABILITY_FIELDS.items()
    }
    saves, skills, initiative = _proficiencies(fields, slug, scores, pb, notices)
    count, die, bonus = parse_hit_dice(fields)
    speeds = {
        mode.value: value
        for mode in MovementMode
        if (value := fields.optional_integer(mode.value, minimum=0))
    }
    senses = {
        sense.value: value
        for sense, field in SENSE_FIELDS.items()
        if (value := fields.optional_integer(field, minimum=0))
    }
    trait_list = [
        {"name": t.text("name"), "description": t.text("desc")} for t in traits.pop(key, [])
    ]
    action_list = _actions(actions.pop(key, []), attacks)
    return EntryRecord(
        "creature",
        slug,
        name,
        {
            "size": fields.choice("size", Size).value,
            "creature_type": fields.choice("type", CreatureType).value,
            "subtype": fields.optional_text("subcategory", max_length=80),
            "alignment": fields.text("alignment", max_length=40),
            "armor_class": fields.integer("armor_class", minimum=0, maximum=40),
            "armor_detail": fields.optional_text("armor_detail", max_length=120),
            "hit_dice_count": count,
            "hit_die": die,
            "hit_points_bonus": bonus,
            "speeds": speeds,
            "hover": bool(fields.optional_boolean("hover")),
            "ability_scores": {ability.value: score for ability, score in scores.items()},
            "save_proficiencies": saves,
            "skill_proficiencies": skills,
            "initiative_proficiency": initiative,
            "senses": senses,
            "telepathy_feet": fields.optional_integer("telepathy_range", minimum=0) or None,
            "languages": fields.text_list("languages"),
            "languages_text": fields.optional_text("languages_desc"),
            "challenge_rating": float(cr),
            "challenge_text": creature_rules.cr_text(cr),
            "damage_vulnerabilities": _choices(fields, "damage_vulnerabilities", DamageType),
            "damage_resistances": _choices(fields, "damage_resistances", DamageType),
            "damage_immunities": _choices(fields, "damage_immunities", DamageType),
            "condition_immunities": _choices(fields, "condition_immunities", Condition),
            "traits": trait_list,
            "actions": action_list,
            "description": _summary(name, trait_list, action_list),
        },
        Provenance(SRD_SOURCE, SRD_5_2, DATASET, key),
    )


def _choices(fields: EntryReader, field: str, enum: Any) -> list[str]:
    return [fields.as_choice(field, item, enum).value for item in fields.text_list(field)]


def _corrected(fields: EntryReader, notices: list[str]) -> EntryReader:
    fixes = KNOWN_ERRORS.get(fields.entry, {})
    data = dict(fields.data)
    for field, (wrong, right) in fixes.items():
        if field in data and data[field] == wrong:
            data[field] = right
            notices.append(f"{fields.entry}: corrected upstream error {field} {wrong} -> {right}")
    if data == fields.data:
        return fields
    return EntryReader(fields.file, fields.entry, data, fields.prefix)


def read_creatures(
    folder: Path, notices: list[str], document_key: str = DOCUMENT_KEY
) -> list[EntryRecord]:
    """Every creature of the folder; printed totals no rule explains go to ``notices``.

    A third-party dataset (another ``document_key``) may leave out the companion files.
    """
    third_party = document_key != DOCUMENT_KEY
    if not third_party:
        check_document(folder / "Document.json")
    traits = _grouped(folder, "CreatureTrait.json", TRAIT_MODEL, third_party)
    actions = _grouped(folder, "CreatureAction.json", ACTION_MODEL, third_party)
    attacks = _grouped(folder, "CreatureActionAttack.json", ATTACK_MODEL, third_party)
    records: list[EntryRecord] = []
    seen: set[str] = set()
    for fields in fixtures(folder / "Creature.json", CREATURE_MODEL):
        fields = _corrected(fields, notices)
        record = _creature(fields, traits, actions, attacks, notices, document_key)
        if record.slug in seen:
            raise fields.fail_at("pk", f"a second entry has the slug {record.slug!r}")
        seen.add(record.slug)
        records.append(record)
    for file, leftovers in (
        ("CreatureTrait.json", traits),
        ("CreatureAction.json", actions),
        ("CreatureActionAttack.json", attacks),
    ):
        if leftovers:
            parent = sorted(leftovers)[0]
            raise MalformedSource(
                display_name(folder / file),
                leftovers[parent][0].entry,
                "fields.parent",
                f"names {parent!r}, which is not in the stat blocks it belongs to",
            )
    return records
