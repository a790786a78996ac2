"""JSON input: parsing, clear errors for malformed data, and a lossless round trip."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rules.enums import Ability, ClassId, Condition, ScoreMethod, Skill
from rules.errors import SheetParseError
from rules.parse import parse_sheet
from rules.serialize import sheet_to_dict

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "rules" / "examples").glob("*.json"))


def minimal() -> dict[str, Any]:
    return {
        "identity": {"name": "Ada", "species": "human"},
        "classes": [{"class": "wizard", "level": 1}],
        "abilities": {"method": "manual",
                      "base": {"str": 8, "dex": 14, "con": 12, "int": 15, "wis": 10, "cha": 10}},
        "background": {"name": "Sage", "abilities": ["con", "int", "wis"],
                       "increases": {"int": 2, "con": 1}},
    }


def errors_of(data: Any) -> list[tuple[str, str]]:
    with pytest.raises(SheetParseError) as info:
        parse_sheet(data)
    return [(e.path, e.code) for e in info.value.errors]


def test_minimal_sheet_parses_with_defaults() -> None:
    sheet = parse_sheet(minimal())
    assert sheet.classes[0].class_id is ClassId.WIZARD
    assert sheet.abilities.method is ScoreMethod.MANUAL
    assert sheet.abilities.base[Ability.INT] == 15
    assert sheet.state.current_hp is None
    assert sheet.equipment == ()


def test_enum_values_are_forgiving_about_case_and_separators() -> None:
    data = minimal()
    data["proficiencies"] = {"skills": ["Sleight_Of_Hand", "animal handling"]}
    data["state"] = {"conditions": ["PRONE"]}
    sheet = parse_sheet(data)
    assert sheet.proficiencies.skills == {Skill.SLEIGHT_OF_HAND, Skill.ANIMAL_HANDLING}
    assert sheet.state.conditions == {Condition.PRONE}


def test_not_an_object() -> None:
    assert errors_of([1, 2]) == [("", "expected_object")]


def test_missing_required_sections_are_all_reported() -> None:
    found = errors_of({})
    assert {p for p, _ in found} >= {"identity", "classes", "abilities", "background"}


def test_wrong_types_and_unknown_values_carry_paths() -> None:
    data = minimal()
    data["classes"] = [{"class": "necromancer", "level": "3"}]
    data["abilities"]["base"]["str"] = 8.5
    data["identity"]["eyes"] = "green"
    data["state"] = {"slots_spent": {"first": 1}, "stable": "yes"}
    found = errors_of(data)
    assert ("classes[0].class", "unknown_class_id") in found
    assert ("classes[0].level", "expected_integer") in found
    assert ("abilities.base.str", "expected_integer") in found
    assert ("identity.eyes", "unknown_field") in found
    assert ("state.slots_spent.first", "expected_integer_key") in found
    assert ("state.stable", "expected_boolean") in found


def test_missing_ability_score() -> None:
    data = minimal()
    del data["abilities"]["base"]["cha"]
    assert ("abilities.base.cha", "required") in errors_of(data)


def test_item_reference_and_overrides() -> None:
    data = minimal()
    data["equipment"] = [
        {"ref": "weapon/longsword", "equipped": True, "magic_bonus": 1, "name": "Dawnbringer"},
        {"ref": "armor/plate-armor"},
        {"name": "Claw", "weapon": {"category": "simple", "damage_dice": "1d6",
                                    "damage_type": "slashing", "properties": ["finesse"]}},
    ]
    sheet = parse_sheet(data)
    sword, plate, claw = sheet.equipment
    assert (sword.name, sword.magic_bonus, sword.equipped) == ("Dawnbringer", 1, True)
    assert sword.weapon is not None and sword.weapon.damage_dice == "1d8"
    assert plate.armor is not None and plate.armor.base_ac == 18 and not plate.equipped
    assert claw.weapon is not None and claw.weapon.category.value == "simple"


def test_bad_items() -> None:
    data = minimal()
    data["equipment"] = [{"ref": "weapon/lightsaber"}, {"weight": 3},
                         {"name": "Odd", "weapon": {"category": "exotic"}}]
    found = errors_of(data)
    assert ("equipment[0].ref", "unknown_item") in found
    assert ("equipment[1].name", "required") in found
    assert ("equipment[2].weapon.category", "unknown_weapon_category") in found
    assert ("equipment[2].weapon.damage_dice", "required") in found


def test_concentration_accepts_a_name_or_a_list() -> None:
    data = minimal()
    data["state"] = {"concentration": "Bless"}
    assert parse_sheet(data).state.concentration == ("Bless",)
    data["state"] = {"concentration": ["Bless", "Haste"]}
    assert parse_sheet(data).state.concentration == ("Bless", "Haste")
    data["state"] = {"concentration": 3}
    assert ("state.concentration", "expected_string") in errors_of(data)


def test_feats_as_strings_or_objects() -> None:
    data = minimal()
    data["feats"] = ["Tough", {"name": "Alert", "source": "Human"}]
    sheet = parse_sheet(data)
    assert sheet.all_feats() == ["tough", "alert"]


def test_error_message_summarises() -> None:
    with pytest.raises(SheetParseError, match="invalid character sheet: identity"):
        parse_sheet({"classes": [{"class": "bard", "level": 1}]})


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_round_trip(path: Path) -> None:
    sheet = parse_sheet(json.loads(path.read_text()))
    again = parse_sheet(json.loads(json.dumps(sheet_to_dict(sheet))))
    assert again == sheet


def test_class_choices_seed_and_lineage_ability_round_trip() -> None:
    data = {
        "identity": {"name": "N", "species": "tiefling", "lineage": "infernal",
                     "lineage_ability": "CHA"},
        "classes": [{"class": "warlock", "level": 2,
                     "choices": {"invocations": ["Pact of the Tome", "devil's sight"]}},
                    {"class": "cleric", "level": 1, "choices": {"divine-order": "Protector"}}],
        "abilities": {"method": "rolled", "seed": 17,
                      "base": {"str": 8, "dex": 14, "con": 13, "int": 10, "wis": 13, "cha": 15}},
        "background": {"name": "Acolyte"},
    }
    sheet = parse_sheet(data)
    assert sheet.classes[0].choices == {"invocations": ("pact-of-the-tome", "devils-sight")}
    assert sheet.classes[1].choices == {"divine-order": ("protector",)}
    assert sheet.abilities.seed == 17
    assert sheet.identity.lineage_ability is Ability.CHA
    assert parse_sheet(sheet_to_dict(sheet)) == sheet


def test_bad_choices_and_seed_are_reported() -> None:
    data = {
        "identity": {"name": "N", "species": "human"},
        "classes": [{"class": "cleric", "level": 1, "choices": {"divine-order": 3}}],
        "abilities": {"method": "rolled", "seed": [1],
                      "base": {"str": 8, "dex": 14, "con": 13, "int": 10, "wis": 13, "cha": 15}},
        "background": {"name": "Acolyte"},
    }
    with pytest.raises(SheetParseError) as caught:
        parse_sheet(data)
    assert {(e.path, e.code) for e in caught.value.errors} == {
        ("classes[0].choices.divine-order", "expected_string"),
        ("abilities.seed", "expected_seed"),
    }
