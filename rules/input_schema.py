"""JSON Schema (draft 2020-12) of the sheet input format that ``rules.parse`` reads.

Built from the same enums and tables the parser uses, so the two cannot drift apart on values;
``python -m rules schema`` prints it and ``rules/schema/sheet.schema.json`` is that output
(a test keeps the file current). The schema describes the canonical spelling: lowercase slugs
(``"dex"``, ``"sleight-of-hand"``). The parser is a little more forgiving (it also takes
``"DEX"`` or ``"sleight_of_hand"``) and is the authority on structure; ``rules.validation`` is
the authority on game rules - a file can match this schema and still break a rule.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from rules.active_effects import ACTIVE_EFFECTS
from rules.class_choices import CHOICES
from rules.enums import (
    Ability,
    Alignment,
    ArmorCategory,
    ClassId,
    Condition,
    DamageType,
    ImprovementKind,
    Mastery,
    ScoreMethod,
    Size,
    Skill,
    WeaponCategory,
    WeaponProperty,
)
from rules.equipment import catalog_refs
from rules.sheet import BONUS_KINDS, COINS, DEFENSE_KINDS

SCHEMA_ID = "https://dndcreator.invalid/schemas/rules/sheet.schema.json"

Schema = dict[str, Any]

_TEXT: Schema = {"type": "string", "minLength": 1, "pattern": r"\S"}
_INT: Schema = {"type": "integer"}
_BOOL: Schema = {"type": "boolean"}
_NUMBER_KEY = r"^d?[0-9]+$"  # "3" (spell level) or "10" / "d10" (die size)


def _enum(cls: type[StrEnum], description: str = "") -> Schema:
    schema: Schema = {"type": "string", "enum": [member.value for member in cls]}
    if description:
        schema["description"] = description
    return schema


def _obj(properties: Schema, required: tuple[str, ...] = (), description: str = "") -> Schema:
    schema: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return schema


def _list(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def _ability_map(values: Schema) -> Schema:
    return {"type": "object", "propertyNames": _enum(Ability), "additionalProperties": values}


def _number_map(description: str) -> Schema:
    return {"type": "object", "propertyNames": {"pattern": _NUMBER_KEY},
            "additionalProperties": _INT, "description": description}


def _optional(schema: Schema) -> Schema:
    """``null`` counts as absent for the parser, so optional fields accept it."""
    return {"anyOf": [schema, {"type": "null"}]}


def _identity() -> Schema:
    return _obj({
        "name": _TEXT,
        "species": {**_TEXT, "description": "species slug, e.g. human, dwarf, dragonborn"},
        "lineage": _optional({**_TEXT, "description":
                              "ancestry/lineage/legacy slug, e.g. red, wood-elf, infernal"}),
        "size": _optional(_enum(Size)),
        "alignment": _optional(_enum(Alignment)),
        "lineage_ability": _optional(_enum(
            Ability, "Elf, Gnome and Tiefling: the spellcasting ability (int, wis or cha) of "
                     "lineage spells")),
    }, required=("name", "species"))


def _class_level() -> Schema:
    return _obj({
        "class": _enum(ClassId),
        "level": _INT,
        "subclass": _optional(_TEXT),
        "hp_rolls": _optional({**_list(_INT), "description":
                               "one roll per level gained after character level 1"}),
        "choices": {"type": "object", "description":
                    "feature options by choice id (divine-order, primal-order, metamagic, "
                    "invocations): an option slug or a list of them",
                    "propertyNames": {"enum": sorted(CHOICES)},
                    "additionalProperties": {"anyOf": [_TEXT, _list(_TEXT)]}},
    }, required=("class", "level"))


def _weapon() -> Schema:
    return _obj({
        "category": _enum(WeaponCategory),
        "ranged": _BOOL,
        "damage_dice": _TEXT,
        "damage_type": _enum(DamageType),
        "properties": _list(_enum(WeaponProperty)),
        "mastery": _optional(_enum(Mastery)),
        "versatile_dice": _optional(_TEXT),
        "normal_range": _optional(_INT),
        "long_range": _optional(_INT),
    }, required=("category", "damage_dice", "damage_type"))


def _item() -> Schema:
    item = _obj({
        "ref": {"type": "string", "enum": catalog_refs(),
                "description": "an SRD item whose statistics fill the rest"},
        "name": _TEXT,
        "quantity": _INT,
        "weight": {"type": "number"},
        "equipped": _BOOL,
        "requires_attunement": _BOOL,
        "attuned": _BOOL,
        "magic_bonus": _INT,
        "pact_weapon": {**_BOOL, "description": "bonded with Pact of the Blade"},
        "magic_item": _optional({**_TEXT, "description":
                                 "SRD magic item slug (ring-of-protection, flame-tongue, ...) "
                                 "when the name does not say it"}),
        "armor": _obj({
            "category": _enum(ArmorCategory),
            "base_ac": _INT,
            "strength_requirement": _INT,
            "stealth_disadvantage": _BOOL,
        }, required=("category", "base_ac")),
        "shield": _obj({"ac_bonus": _INT}),
        "weapon": _weapon(),
        "notes": _optional(_TEXT),
    })
    item["anyOf"] = [{"required": ["ref"]}, {"required": ["name"]}]
    return item


def _state() -> Schema:
    return _obj({
        "current_hp": _optional(_INT),
        "temp_hp": _INT,
        "hit_dice_spent": _number_map("die size -> Hit Dice spent"),
        "death_saves": _obj({"successes": _INT, "failures": _INT}),
        "stable": _BOOL,
        "dead": _BOOL,
        "conditions": _list(_enum(Condition)),
        "exhaustion": _INT,
        "concentration": _optional({"anyOf": [{"type": "string"}, _list({"type": "string"})]}),
        "slots_spent": _number_map("spell level -> slots spent"),
        "pact_slots_spent": _INT,
        "created_slots": _number_map("spell level -> slots created with Font of Magic"),
        "resources_spent": {"type": "object", "additionalProperties": _INT,
                            "description": "resource id -> uses spent"},
        "heroic_inspiration": _BOOL,
        "active_effects": {**_list({"type": "string", "enum": sorted(ACTIVE_EFFECTS)}),
                           "description": "states switched on: rage, innate-sorcery, ..."},
    })


def sheet_schema() -> Schema:
    """The whole input format as a JSON Schema document."""
    feat_object = _obj({"name": _TEXT, "source": _optional({"type": "string"})},
                       required=("name",))
    improvement = _obj({
        "kind": _enum(ImprovementKind),
        "increases": _ability_map(_INT),
        "feat": _optional(_TEXT),
        "class": _optional(_enum(ClassId)),
        "class_level": _optional(_INT),
        "source": _optional({"type": "string"}),
    }, required=("kind",))
    damage_list = _list(_enum(DamageType))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "dndcreator character sheet (D&D 5e 2024, SRD 5.2)",
        "description": "Input format of the rules engine; see rules/README.md.",
        **_obj({
            "$schema": {"type": "string"},
            "notes": {"description": "free text, ignored by the engine"},
            "identity": _identity(),
            "classes": {**_list(_class_level()), "minItems": 1,
                        "description": "first entry = starting class"},
            "abilities": _obj({
                "method": _enum(ScoreMethod),
                "base": {**_ability_map(_INT), "required": [a.value for a in Ability]},
                "seed": _optional({"anyOf": [_INT, _TEXT], "description":
                                   "rolled: the server's 4d6-drop-lowest seed "
                                   "(rules.creation.roll_ability_scores)"}),
            }, required=("method", "base")),
            "background": _obj({
                "name": _TEXT,
                "abilities": _list(_enum(Ability)),
                "increases": _ability_map(_INT),
                "feat": _optional(_TEXT),
            }, required=("name",)),
            "improvements": _list(improvement),
            "feats": _list({"anyOf": [_TEXT, feat_object]}),
            "proficiencies": _obj({
                "skills": _list(_enum(Skill)),
                "expertise": _list(_enum(Skill)),
                "saves": _list(_enum(Ability)),
                "tools": _list(_TEXT),
                "weapons": _list(_TEXT),
                "armor": _list(_TEXT),
                "languages": _list(_TEXT),
            }),
            "equipment": _list(_item()),
            "currency": _obj({coin: _INT for coin in COINS}),
            "xp": _INT,
            "weapon_masteries": _list(_TEXT),
            "bonuses": _obj({key: _INT for key in BONUS_KINDS}),
            "defenses": _obj({kind: damage_list for kind in DEFENSE_KINDS}),
            "armor_options": _obj({"mage_armor": _BOOL, "natural_armor": _optional(_INT)}),
            "state": _state(),
        }, required=("identity", "classes", "abilities", "background")),
    }
