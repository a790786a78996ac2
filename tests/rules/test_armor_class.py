"""Every AC calculation, through both the armor module and a full derived sheet."""

from __future__ import annotations

from dataclasses import replace

from rules.armor import AcInputs, armor_class
from rules.derive import derive
from rules.enums import Ability, ClassId
from rules.equipment import catalog_item
from rules.sheet import ArmorOptions, Bonuses, ClassLevel, Feat
from tests.rules.builders import equipped, make_sheet, scores


def mods(**values: int) -> dict[Ability, int]:
    result = {a: 0 for a in Ability}
    result.update({Ability(k): v for k, v in values.items()})
    return result


def test_unarmored_is_ten_plus_dex() -> None:
    result = armor_class(AcInputs(mods(dex=3), None, None))
    assert (result.value, result.method) == (13, "unarmored")


def test_light_armor_takes_full_dex() -> None:
    armor = catalog_item("armor/studded-leather-armor")
    assert armor_class(AcInputs(mods(dex=5), armor, None)).value == 17


def test_medium_armor_caps_dex_at_two() -> None:
    armor = catalog_item("armor/half-plate-armor")
    assert armor_class(AcInputs(mods(dex=4), armor, None)).value == 17
    assert armor_class(AcInputs(mods(dex=-1), armor, None)).value == 14


def test_heavy_armor_ignores_dex_both_ways() -> None:
    armor = catalog_item("armor/plate-armor")
    assert armor_class(AcInputs(mods(dex=4), armor, None)).value == 18
    assert armor_class(AcInputs(mods(dex=-2), armor, None)).value == 18


def test_shield_and_magic_bonuses_add() -> None:
    armor = replace(catalog_item("armor/chain-mail"), magic_bonus=1)
    shield = replace(catalog_item("shield"), magic_bonus=2)
    result = armor_class(AcInputs(mods(), armor, shield))
    assert result.value == 16 + 1 + 2 + 2
    assert result.shield_bonus == 4


def test_untrained_shield_adds_nothing() -> None:
    shield = catalog_item("shield")
    assert armor_class(AcInputs(mods(dex=1), None, shield, shield_trained=False)).value == 11


def test_barbarian_unarmored_defense_allows_shield() -> None:
    inputs = AcInputs(mods(dex=2, con=3), None, catalog_item("shield"),
                      barbarian_unarmored_defense=True)
    result = armor_class(inputs)
    assert (result.value, result.method) == (17, "barbarian-unarmored-defense")


def test_monk_unarmored_defense_is_lost_with_a_shield() -> None:
    without = armor_class(AcInputs(mods(dex=3, wis=3), None, None, monk_unarmored_defense=True))
    assert (without.value, without.method) == (16, "monk-unarmored-defense")
    with_shield = armor_class(
        AcInputs(mods(dex=3, wis=3), None, catalog_item("shield"), monk_unarmored_defense=True)
    )
    assert with_shield.value == 15  # 10 + 3 + 2 shield beats nothing better
    assert all(o.method != "monk-unarmored-defense" for o in with_shield.options)


def test_armor_rules_out_unarmored_options() -> None:
    inputs = AcInputs(mods(dex=3, con=5), catalog_item("armor/leather-armor"), None,
                      barbarian_unarmored_defense=True, mage_armor=True, natural_armor=17)
    result = armor_class(inputs)
    assert [o.method for o in result.options] == ["armor:Leather Armor"]
    assert result.value == 14


def test_best_of_mage_armor_natural_armor_and_unarmored_defense() -> None:
    inputs = AcInputs(mods(dex=2, con=1), None, None, barbarian_unarmored_defense=True,
                      mage_armor=True, natural_armor=12)
    result = armor_class(inputs)
    values = {o.method: o.value for o in result.options}
    assert values == {"unarmored": 12, "barbarian-unarmored-defense": 13, "mage-armor": 15,
                      "natural-armor": 14}
    assert (result.value, result.method) == (15, "mage-armor")


def test_defense_style_needs_armor_and_flat_bonus_always_applies() -> None:
    unarmored = armor_class(AcInputs(mods(dex=2), None, None, defense_fighting_style=True,
                                     flat_bonus=1))
    assert unarmored.value == 13
    armored = armor_class(AcInputs(mods(dex=2), catalog_item("armor/chain-shirt"), None,
                                   defense_fighting_style=True, flat_bonus=1))
    assert armored.value == 13 + 2 + 1 + 1


def test_derived_sheet_picks_the_best_calculation() -> None:
    barbarian = make_sheet((ClassId.BARBARIAN, 1), base=scores(dex=14, con=16),
                           equipment=(equipped("shield"),))
    assert derive(barbarian).armor_class.value == 10 + 2 + 3 + 2
    monk = make_sheet((ClassId.MONK, 1), base=scores(dex=16, wis=14))
    # Wis 14 + 1 from the default background increase = 15 -> +2
    assert derive(monk).armor_class.value == 10 + 3 + 2


def test_derived_sheet_draconic_resilience_and_options() -> None:
    sheet = make_sheet(ClassLevel(ClassId.SORCERER, 3, "draconic-sorcery"),
                       base=scores(dex=14, cha=15))
    result = derive(sheet).armor_class
    # Cha 15 + 1 background = 16 -> +3
    assert (result.value, result.method) == (15, "draconic-resilience")
    sheet = replace(sheet, armor_options=ArmorOptions(mage_armor=True), bonuses=Bonuses(ac=1))
    assert derive(sheet).armor_class.value == 16  # 13 + 2 + 1 beats 15 + 1


def test_derived_sheet_defense_feat() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 1), equipment=(equipped("armor/chain-mail"),),
                       feats=(Feat("Defense", "Fighting Style"),))
    assert derive(sheet).armor_class.value == 17
