"""5e-database 2024: mundane equipment (weapons, armor, tools, gear) and magic items.

Weapon and armor statistics become structured objects (damage, properties, mastery, ranges; base
AC, Dexterity cap, Strength requirement, Stealth); magic items get their rarity, attunement and the
plain "+N bonus to ..." effects their text grants, so a character sheet can apply them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from subgraphs.catalog.enums import (
    ArmorCategory,
    BonusTarget,
    DamageType,
    EquipmentCategory,
    MagicItemCategory,
    Mastery,
    Rarity,
    WeaponCategory,
    WeaponProperty,
    WeaponReach,
)
from subgraphs.catalog.importers.fields import EntryReader
from subgraphs.catalog.importers.fivee_characters import prose
from subgraphs.catalog.importers.fivee_database import read_indexed, repair_text, slug_of
from subgraphs.catalog.importers.records import EntryRecord

EQUIPMENT_FILE = "5e-SRD-Equipment.json"
MAGIC_ITEMS_FILE = "5e-SRD-Magic-Items.json"

COPPER_PER = {"cp": 1, "sp": 10, "ep": 50, "gp": 100, "pp": 1000}

# Upstream equipment categories -> the catalog's broad category, first match wins.
CATEGORY_BY_UPSTREAM: list[tuple[str, EquipmentCategory]] = [
    ("weapons", EquipmentCategory.WEAPON),
    ("shields", EquipmentCategory.SHIELD),
    ("armor", EquipmentCategory.ARMOR),
    ("tools", EquipmentCategory.TOOL),
    ("ammunition", EquipmentCategory.AMMUNITION),
    ("arcane-foci", EquipmentCategory.FOCUS),
    ("druidic-foci", EquipmentCategory.FOCUS),
    ("holy-symbols", EquipmentCategory.FOCUS),
    ("equipment-packs", EquipmentCategory.PACK),
]
ARMOR_BY_UPSTREAM = {
    "light-armor": ArmorCategory.LIGHT,
    "medium-armor": ArmorCategory.MEDIUM,
    "heavy-armor": ArmorCategory.HEAVY,
    "shields": ArmorCategory.SHIELD,
}


def _cost_cp(entry: EntryReader) -> int | None:
    cost = entry.optional_nested("cost")
    if cost is None:
        return None
    unit = cost.text("unit").lower()
    if unit not in COPPER_PER:
        raise cost.fail("unit", f"unknown coin {unit!r} (expected one of {', '.join(COPPER_PER)})")
    return cost.integer("quantity", minimum=0) * COPPER_PER[unit]


def _weight(entry: EntryReader) -> float | None:
    value = entry.raw("weight", None)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise entry.fail("weight", f"expected a weight in pounds, got {value!r}")
    return float(value)


def _distance(entry: EntryReader, field: str) -> tuple[int | None, int | None]:
    nested = entry.optional_nested(field)
    if nested is None:
        return None, None
    normal = nested.integer("normal", minimum=0)
    far = nested.optional_integer("long", minimum=0)
    return normal, far


def _weapon(entry: EntryReader, upstream: list[str]) -> dict[str, Any]:
    category = WeaponCategory.MARTIAL if "martial-weapons" in upstream else WeaponCategory.SIMPLE
    reach = WeaponReach.RANGED if "ranged-weapons" in upstream else WeaponReach.MELEE
    damage = entry.optional_nested("damage")
    two_handed = entry.optional_nested("two_handed_damage")
    mastery = entry.optional_nested("mastery")
    normal, far = _distance(entry, "range")
    thrown_normal, thrown_far = _distance(entry, "throw_range")
    ammunition = entry.optional_nested("ammunition")
    return {
        "category": category.value,
        "reach": reach.value,
        "damage_dice": None if damage is None else damage.text("damage_dice"),
        "damage_type": (
            None if damage is None else damage.nested("damage_type").choice("index", DamageType)
        ),
        "versatile_dice": None if two_handed is None else two_handed.text("damage_dice"),
        "properties": [
            p.choice("index", WeaponProperty).value
            for p in entry.nested_list("properties", optional=True)
        ],
        "mastery": None if mastery is None else mastery.choice("index", Mastery).value,
        "range_normal": normal,
        "range_long": far,
        "thrown_normal": thrown_normal,
        "thrown_long": thrown_far,
        "ammunition_slug": None if ammunition is None else slug_of(ammunition, "equipment"),
    }


def _armor(entry: EntryReader, category: ArmorCategory) -> dict[str, Any]:
    armor_class = entry.nested("armor_class")
    dex_bonus = armor_class.boolean("dex_bonus")
    cap = armor_class.raw("max_bonus", None)
    return {
        "category": category.value,
        "base_ac": armor_class.integer("base", minimum=0, maximum=30),
        "dex_bonus": dex_bonus,
        # A cap of 0 upstream means "no Dexterity"; null means "no cap".
        "dex_cap": armor_class.integer("max_bonus", minimum=0) if dex_bonus and cap else None,
        "strength_minimum": entry.optional_integer("str_minimum", minimum=0) or None,
        "stealth_disadvantage": bool(entry.optional_boolean("stealth_disadvantage")),
        "don_time": entry.optional_text("don_time"),
        "doff_time": entry.optional_text("doff_time"),
    }


def _weapon_summary(name: str, weapon: dict[str, Any]) -> str:
    words = [f"{name}: {weapon['category']} {weapon['reach']} weapon"]
    if weapon["damage_dice"]:
        words.append(f"{weapon['damage_dice']} {weapon['damage_type'].value} damage")
    if weapon["properties"]:
        words.append("properties " + ", ".join(weapon["properties"]))
    if weapon["versatile_dice"]:
        words.append(f"versatile ({weapon['versatile_dice']})")
    if weapon["mastery"]:
        words.append(f"mastery {weapon['mastery']}")
    return "; ".join(words) + "."


def _armor_summary(name: str, armor: dict[str, Any]) -> str:
    if armor["category"] == ArmorCategory.SHIELD.value:
        return f"{name}: +{armor['base_ac']} Armor Class while held."
    dex = ""
    if armor["dex_bonus"]:
        dex = " + Dex modifier" + (f" (max {armor['dex_cap']})" if armor["dex_cap"] else "")
    text = f"{name}: {armor['category']} armor, AC {armor['base_ac']}{dex}."
    if armor["strength_minimum"]:
        text += f" Strength {armor['strength_minimum']} required."
    if armor["stealth_disadvantage"]:
        text += " Disadvantage on Dexterity (Stealth) checks."
    return text


def _equipment(entry: EntryReader) -> dict[str, Any]:
    upstream = [c.text("index") for c in entry.nested_list("equipment_categories")]
    category = next(
        (mine for theirs, mine in CATEGORY_BY_UPSTREAM if theirs in upstream),
        EquipmentCategory.GEAR,
    )
    name = repair_text(entry.text("name"))
    weapon = _weapon(entry, upstream) if category is EquipmentCategory.WEAPON else None
    armor_category = next((ARMOR_BY_UPSTREAM[c] for c in upstream if c in ARMOR_BY_UPSTREAM), None)
    armor = None
    if category in (EquipmentCategory.ARMOR, EquipmentCategory.SHIELD):
        if armor_category is None:
            raise entry.fail("equipment_categories", "armor without a light/medium/heavy category")
        armor = _armor(entry, armor_category)
    text = None if entry.raw("description", None) is None else prose(entry, "description")
    summary = (
        _weapon_summary(name, weapon)
        if weapon is not None
        else _armor_summary(name, armor)
        if armor is not None
        else None
    )
    if weapon is not None and weapon["damage_type"] is not None:
        weapon["damage_type"] = weapon["damage_type"].value
    return {
        "category": category.value,
        "upstream_categories": upstream,
        "cost_cp": _cost_cp(entry),
        "weight_lb": _weight(entry),
        "weapon_category": None if weapon is None else weapon["category"],
        "armor_category": None if armor is None else armor["category"],
        "mastery": None if weapon is None else weapon["mastery"],
        "properties": [] if weapon is None else list(weapon["properties"]),
        "weapon": weapon,
        "armor": armor,
        "description": "\n\n".join(part for part in (summary, text) if part) or f"{name}.",
    }


def read_equipment(folder: Path) -> list[EntryRecord]:
    return read_indexed(folder, EQUIPMENT_FILE, "equipment", _equipment)


MAGIC_CATEGORIES = {
    "armor": MagicItemCategory.ARMOR,
    "potions": MagicItemCategory.POTION,
    "rings": MagicItemCategory.RING,
    "rods": MagicItemCategory.ROD,
    "scrolls": MagicItemCategory.SCROLL,
    "staffs": MagicItemCategory.STAFF,
    "wands": MagicItemCategory.WAND,
    "weapons": MagicItemCategory.WEAPON,
    "wondrous-items": MagicItemCategory.WONDROUS_ITEM,
}
RARITIES = {
    "common": Rarity.COMMON,
    "uncommon": Rarity.UNCOMMON,
    "rare": Rarity.RARE,
    "very rare": Rarity.VERY_RARE,
    "legendary": Rarity.LEGENDARY,
    "artifact": Rarity.ARTIFACT,
    "rarity varies": Rarity.VARIES,
}
_SIMPLE_RARITY = re.compile(r"^(common|uncommon|rare|very rare|legendary|artifact)(?: \(.*\))?$")

_BONUS = re.compile(r"\+(\d+) bonus to ([^.;]+)", re.IGNORECASE)
# Phrases in a bonus sentence that make it conditional or narrow: not a plain effect.
_NARROWING = (" against ", " of your unarmed", " ability checks", "but loses")


def _rarity(entry: EntryReader) -> tuple[Rarity, str]:
    text = entry.nested("rarity").text("name")
    key = text.strip().lower()
    if key in RARITIES:
        return RARITIES[key], text
    simple = _SIMPLE_RARITY.match(key)
    if simple is not None:  # "Uncommon (+1)": one rarity, named with its bonus
        return RARITIES[simple[1]], text
    if "," in key or " or " in key:  # "Uncommon (+1), Rare (+2), or Very Rare (+3)"
        return Rarity.VARIES, text
    raise entry.fail("rarity.name", f"unknown rarity {text!r}")


def bonus_effects(text: str) -> list[dict[str, Any]]:
    """The plain, always-on "+N bonus to X" grants of an item's text, e.g. +1 to AC and saves."""
    effects: list[dict[str, Any]] = []
    for matched in _BONUS.finditer(text):
        bonus, phrase = int(matched[1]), matched[2].lower()
        if any(narrowing in f" {phrase}" for narrowing in _NARROWING):
            continue
        targets: list[BonusTarget] = []
        if "armor class" in phrase:
            targets.append(BonusTarget.ARMOR_CLASS)
        if "saving throws" in phrase and "saving throws against" not in phrase:
            targets.append(BonusTarget.SAVING_THROWS)
        if "spell attack rolls" in phrase:
            targets.append(BonusTarget.SPELL_ATTACK_ROLLS)
        elif "attack rolls" in phrase or "attack and damage" in phrase:
            targets.append(BonusTarget.ATTACK_ROLLS)
        if "spell save dc" in phrase:
            targets.append(BonusTarget.SPELL_SAVE_DC)
        if "damage rolls" in phrase:
            targets.append(BonusTarget.DAMAGE_ROLLS)
        for target in targets:
            effect = {"target": target.value, "bonus": bonus}
            if effect not in effects:
                effects.append(effect)
    return effects


def _magic_item(entry: EntryReader) -> dict[str, Any]:
    category_key = entry.nested("equipment_category").text("index")
    if category_key not in MAGIC_CATEGORIES:
        raise entry.fail(
            "equipment_category.index",
            f"unknown magic item category {category_key!r} "
            f"(expected one of {', '.join(sorted(MAGIC_CATEGORIES))})",
        )
    rarity, rarity_text = _rarity(entry)
    description = prose(entry, "desc")
    requirement = entry.optional_text("limited-to")
    return {
        "category": MAGIC_CATEGORIES[category_key].value,
        "rarity": rarity.value,
        "rarity_text": rarity_text,
        "requires_attunement": entry.boolean("attunement"),
        "attunement_requirement": None if requirement is None else repair_text(requirement),
        "is_variant": bool(entry.optional_boolean("variant")),
        "variant_slugs": [
            slug_of(v, "magic-item") for v in entry.nested_list("variants", optional=True)
        ],
        "effects": bonus_effects(description),
        "description": description,
    }


def read_magic_items(folder: Path) -> list[EntryRecord]:
    return read_indexed(folder, MAGIC_ITEMS_FILE, "magic-item", _magic_item)
