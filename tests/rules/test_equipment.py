"""The armor and weapon tables against the SRD 5.2 equipment data."""

from __future__ import annotations

from typing import Any

import pytest

from rules.enums import ArmorCategory, DamageType, WeaponCategory, WeaponProperty
from rules.equipment import catalog_item, catalog_refs
from tests.rules import srd

ARMOR_REFS = [r for r in catalog_refs() if r.startswith("armor/")]
WEAPON_REFS = [r for r in catalog_refs() if r.startswith("weapon/")]

# Slips in the 5e-database file (2014 values), corrected in our tables; the open5e SRD 5.2 set
# and the SRD 5.2 weapon table agree with ours.
WEAPON_ERRATA = {
    "sling": {"damage_type": "bludgeoning"},
    "trident": {"damage_dice": "1d8", "versatile_dice": "1d10"},
}


# Same for armor: 5e-database lists Hide as light (it has a +2 Dex cap, i.e. medium) and a
# 14 lb Chain Shirt; open5e and the SRD 5.2 table give medium and 20 lb.
ARMOR_ERRATA: dict[str, dict[str, object]] = {
    "hide-armor": {"category": "medium"},
    "chain-shirt": {"weight": 20},
}


def _armor_category(row: dict[str, Any]) -> str:
    categories = [str(c["index"]) for c in row["equipment_categories"]]
    return next(c.removesuffix("-armor") for c in categories if c.endswith("-armor"))


def test_catalog_covers_every_srd_armor_and_weapon() -> None:
    data = srd.equipment()
    srd_armor = {
        k for k, v in data.items()
        if any(c["index"] == "armor" for c in v.get("equipment_categories", [])) and k != "shield"
    }
    srd_weapons = {
        k for k, v in data.items()
        if any(c["index"] == "weapons" for c in v.get("equipment_categories", []))
    }
    assert {r.split("/")[1] for r in ARMOR_REFS} == srd_armor
    assert {r.split("/")[1] for r in WEAPON_REFS} == srd_weapons


@pytest.mark.parametrize("ref", ARMOR_REFS)
def test_armor_matches_srd(ref: str) -> None:
    slug = ref.split("/")[1]
    row = {**srd.equipment()[slug], **ARMOR_ERRATA.get(slug, {})}
    item = catalog_item(ref)
    assert item.armor is not None
    assert item.armor.base_ac == row["armor_class"]["base"]
    assert item.armor.strength_requirement == row["str_minimum"]
    assert item.armor.stealth_disadvantage == row["stealth_disadvantage"]
    assert item.weight == row["weight"]
    if not row["armor_class"]["dex_bonus"]:
        assert item.armor.dex_cap == 0
    else:
        assert item.armor.dex_cap == row["armor_class"].get("max_bonus")
    category = row.get("category") or _armor_category(row)
    assert item.armor.category is ArmorCategory(category)


def test_shield_matches_srd() -> None:
    row = srd.equipment()["shield"]
    item = catalog_item("shield")
    assert item.shield is not None
    assert item.shield.ac_bonus == row["armor_class"]["base"]
    assert item.weight == row["weight"]


@pytest.mark.parametrize("ref", WEAPON_REFS)
def test_weapon_matches_srd(ref: str) -> None:
    slug = ref.split("/")[1]
    row = srd.equipment()[slug]
    fixes = WEAPON_ERRATA.get(slug, {})
    weapon = catalog_item(ref).weapon
    assert weapon is not None
    categories = {c["index"] for c in row["equipment_categories"]}
    assert weapon.category is (
        WeaponCategory.MARTIAL if "martial-weapons" in categories else WeaponCategory.SIMPLE
    )
    assert weapon.ranged == ("ranged-weapons" in categories)
    assert weapon.damage_dice == fixes.get("damage_dice", row["damage"]["damage_dice"])
    assert weapon.damage_type is DamageType(
        fixes.get("damage_type", row["damage"]["damage_type"]["index"])
    )
    srd_props = {p["index"] for p in row.get("properties", [])}
    assert {p.value for p in weapon.properties} == srd_props
    assert weapon.mastery is not None and weapon.mastery.value == row["mastery"]["index"]
    if WeaponProperty.VERSATILE in weapon.properties:
        assert weapon.versatile_dice == fixes.get(
            "versatile_dice", row["two_handed_damage"]["damage_dice"]
        )
    ranged_range = row.get("range") if weapon.ranged else row.get("throw_range")
    if ranged_range and (weapon.ranged or WeaponProperty.THROWN in weapon.properties):
        assert (weapon.normal_range, weapon.long_range) == (
            ranged_range["normal"], ranged_range["long"]
        )


def test_unknown_reference_raises_key_error() -> None:
    with pytest.raises(KeyError):
        catalog_item("weapon/lightsaber")
    with pytest.raises(KeyError):
        catalog_item("armor/longsword")
