"""Which saves, armor and weapons a character is trained in, from classes and extra proficiencies.

Only the starting class grants its full list; a class added later grants its (shorter)
multiclass list and never its saving throws (SRD 5.2 "Multiclassing").
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.classes import CLASSES
from rules.enums import Ability, ArmorCategory, WeaponCategory, WeaponProperty
from rules.equipment import Item
from rules.sheet import Sheet, slugify


@dataclass(frozen=True, slots=True)
class TrainingSummary:
    saves: frozenset[Ability]
    armor: frozenset[ArmorCategory]
    shields: bool
    weapon_categories: frozenset[WeaponCategory]
    weapons: frozenset[str]  # individual weapon slugs
    martial_with: frozenset[WeaponProperty] = frozenset()  # martial weapons with these properties


def training(sheet: Sheet) -> TrainingSummary:
    saves: set[Ability] = set(sheet.proficiencies.saves)
    armor: set[ArmorCategory] = set()
    shields = False
    categories: set[WeaponCategory] = set()
    martial_with: set[WeaponProperty] = set()
    for index, entry in enumerate(sheet.classes):
        info = CLASSES[entry.class_id]
        grant = info.starting_training if index == 0 else info.multiclass_training
        if index == 0:
            saves.update(info.saving_throws)
        armor |= grant.armor
        shields = shields or grant.shields
        categories |= grant.weapons
        martial_with |= grant.martial_with
    for extra in sheet.proficiencies.armor:
        slug = slugify(extra)
        if slug in ("shield", "shields"):
            shields = True
        else:
            for category in ArmorCategory:
                if slug in (category.value, f"{category.value}-armor"):
                    armor.add(category)
    single_weapons: set[str] = set()
    for extra in sheet.proficiencies.weapons:
        slug = slugify(extra)
        matched = False
        for weapon_category in WeaponCategory:
            if slug in (weapon_category.value, f"{weapon_category.value}-weapons"):
                categories.add(weapon_category)
                matched = True
        if not matched:
            single_weapons.add(slug)
    return TrainingSummary(
        frozenset(saves), frozenset(armor), shields, frozenset(categories),
        frozenset(single_weapons), frozenset(martial_with),
    )


def item_slug(item: Item) -> str:
    """Catalog slug of an item (``weapon/longsword`` -> ``longsword``), else its name slugified."""
    if item.ref and "/" in item.ref:
        return item.ref.split("/", 1)[1]
    return slugify(item.name)


def is_weapon_trained(summary: TrainingSummary, item: Item) -> bool:
    if item.weapon is None:
        return False
    if item.weapon.category in summary.weapon_categories or item_slug(item) in summary.weapons:
        return True
    return bool(item.weapon.properties & summary.martial_with)


def is_armor_trained(summary: TrainingSummary, item: Item) -> bool:
    if item.armor is None:
        return True
    return item.armor.category in summary.armor
