"""Play states a character switches on at the table (``state.active_effects``): Rage, Innate
Sorcery, Sacred Weapon, Large Form, ... with who may use each, what starting one spends
(``rules.transitions.activate``) and whether the Incapacitated condition ends it. What each
changes while on is in ``rules.class_features`` and ``rules.magic_items``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rules.enums import ClassId
from rules.magic_items import item_is_active
from rules.sheet import Sheet

_CharacterTest = Callable[[Sheet], bool]


@dataclass(frozen=True)
class ActiveEffect:
    """A state a character switches on (``state.active_effects``) and what it costs."""

    id: str
    name: str
    available: _CharacterTest
    needs: str  # why it may be unavailable, for messages: "Barbarian level 1"
    resource: str | None = None  # spent when started (``transitions.activate``)
    cost: int = 1
    ends_when_incapacitated: bool = False


def _class_at(class_id: ClassId, level: int, subclass: str | None = None) -> _CharacterTest:
    def test(sheet: Sheet) -> bool:
        return any(e.class_id is class_id and e.level >= level
                   and (subclass is None or e.subclass == subclass) for e in sheet.classes)
    return test


def _species_at(species: str, level: int) -> _CharacterTest:
    return lambda sheet: sheet.identity.species == species and sheet.total_level >= level


def _attuned(item: str) -> _CharacterTest:
    return lambda sheet: any(item_is_active(i, item) for i in sheet.equipment)


ACTIVE_EFFECTS: dict[str, ActiveEffect] = {
    effect.id: effect
    for effect in (
        ActiveEffect("rage", "Rage", _class_at(ClassId.BARBARIAN, 1), "Barbarian level 1",
                     "rage", ends_when_incapacitated=True),
        ActiveEffect("innate-sorcery", "Innate Sorcery", _class_at(ClassId.SORCERER, 1),
                     "Sorcerer level 1", "innate-sorcery"),
        ActiveEffect("sacred-weapon", "Sacred Weapon",
                     _class_at(ClassId.PALADIN, 3, "oath-of-devotion"),
                     "Oath of Devotion (Paladin 3)", "channel-divinity"),
        ActiveEffect("superior-defense", "Superior Defense", _class_at(ClassId.MONK, 18),
                     "Monk level 18", "focus-points", cost=3),
        ActiveEffect("dragon-wings", "Dragon Wings",
                     _class_at(ClassId.SORCERER, 14, "draconic-sorcery"),
                     "Draconic Sorcery (Sorcerer 14)", "dragon-wings"),
        ActiveEffect("large-form", "Large Form", _species_at("goliath", 5),
                     "Goliath, character level 5", "large-form"),
        ActiveEffect("draconic-flight", "Draconic Flight", _species_at("dragonborn", 5),
                     "Dragonborn, character level 5", "draconic-flight",
                     ends_when_incapacitated=True),
        ActiveEffect("stonecunning", "Stonecunning", _species_at("dwarf", 1), "Dwarf",
                     "stonecunning"),
        ActiveEffect("boots-of-speed", "Boots of Speed", _attuned("boots-of-speed"),
                     "attuned Boots of Speed"),
    )
}

