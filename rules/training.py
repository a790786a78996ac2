"""Which saves, armor and weapons a character is trained in, from classes and extra proficiencies.

Only the starting class grants its full list; a class added later grants its (shorter)
multiclass list and never its saving throws (SRD 5.2 "Multiclassing").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rules.classes import CLASSES
from rules.enums import ABILITIES, Ability, ArmorCategory, ClassId, WeaponCategory, WeaponProperty
from rules.equipment import Item
from rules.magic_items import item_magic
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
    """Memoised on what training depends on (classes, their orders, extra proficiencies)."""
    classes = tuple((e.class_id, e.level,
                     e.choices.get("divine-order", ()) + e.choices.get("primal-order", ()))
                    for e in sheet.classes)
    profs = sheet.proficiencies
    return _training(classes, profs.saves, profs.armor, profs.weapons)


_ClassKey = tuple[ClassId, int, tuple[str, ...]]


@lru_cache(maxsize=2048)
def _training(classes: tuple[_ClassKey, ...], extra_saves: frozenset[Ability],
              extra_armor: frozenset[str], extra_weapons: frozenset[str]) -> TrainingSummary:
    saves: set[Ability] = set(extra_saves)
    armor: set[ArmorCategory] = set()
    shields = False
    categories: set[WeaponCategory] = set()
    martial_with: set[WeaponProperty] = set()
    levels: dict[ClassId, int] = {}
    for index, (class_id, level, _order) in enumerate(classes):
        levels[class_id] = levels.get(class_id, 0) + level
        info = CLASSES[class_id]
        grant = info.starting_training if index == 0 else info.multiclass_training
        if index == 0:
            saves.update(info.saving_throws)
        armor |= grant.armor
        shields = shields or grant.shields
        categories |= grant.weapons
        martial_with |= grant.martial_with
    # Feature options and features that add training or saving throws.
    for _class_id, _level, order in classes:
        if "protector" in order:
            armor.add(ArmorCategory.HEAVY)
            categories.add(WeaponCategory.MARTIAL)
        if "warden" in order:
            armor.add(ArmorCategory.MEDIUM)
            categories.add(WeaponCategory.MARTIAL)
    if levels.get(ClassId.MONK, 0) >= 14:  # Disciplined Survivor
        saves.update(ABILITIES)
    if levels.get(ClassId.ROGUE, 0) >= 15:  # Slippery Mind
        saves.update((Ability.WIS, Ability.CHA))
    for extra in extra_armor:
        slug = slugify(extra)
        if slug in ("shield", "shields"):
            shields = True
        else:
            for category in ArmorCategory:
                if slug in (category.value, f"{category.value}-armor"):
                    armor.add(category)
    single_weapons: set[str] = set()
    for extra in extra_weapons:
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
    if item.pact_weapon:  # Pact of the Blade: proficiency with the bonded weapon
        return True
    if item.weapon.category in summary.weapon_categories or item_slug(item) in summary.weapons:
        return True
    return bool(item.weapon.properties & summary.martial_with)


def is_armor_trained(summary: TrainingSummary, item: Item) -> bool:
    if item.armor is None:
        return True
    info = item_magic(item)
    if info is not None and info.trained:  # Elven Chain
        return True
    return item.armor.category in summary.armor
