"""Spell slots, pact slots, cantrips and prepared spells.

One table of slots by *caster level* serves every case: a full caster's caster level is its class
level, a single-class half caster uses its level halved and rounded up, a single-class third caster
its level divided by three and rounded up (both reproduce the class tables exactly), and a
multiclass character adds full levels, half levels rounded up and third levels rounded down
(SRD 5.2 "Multiclassing"). Warlock Pact Magic slots are separate and never pooled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rules.classes import CLASSES, CasterType
from rules.enums import ClassId

# Slots per spell level 1-9 by caster level 1-20 (full-caster and Multiclass Spellcaster table).
SLOTS_BY_CASTER_LEVEL: tuple[tuple[int, ...], ...] = (
    (2, 0, 0, 0, 0, 0, 0, 0, 0),
    (3, 0, 0, 0, 0, 0, 0, 0, 0),
    (4, 2, 0, 0, 0, 0, 0, 0, 0),
    (4, 3, 0, 0, 0, 0, 0, 0, 0),
    (4, 3, 2, 0, 0, 0, 0, 0, 0),
    (4, 3, 3, 0, 0, 0, 0, 0, 0),
    (4, 3, 3, 1, 0, 0, 0, 0, 0),
    (4, 3, 3, 2, 0, 0, 0, 0, 0),
    (4, 3, 3, 3, 1, 0, 0, 0, 0),
    (4, 3, 3, 3, 2, 0, 0, 0, 0),
    (4, 3, 3, 3, 2, 1, 0, 0, 0),
    (4, 3, 3, 3, 2, 1, 0, 0, 0),
    (4, 3, 3, 3, 2, 1, 1, 0, 0),
    (4, 3, 3, 3, 2, 1, 1, 0, 0),
    (4, 3, 3, 3, 2, 1, 1, 1, 0),
    (4, 3, 3, 3, 2, 1, 1, 1, 0),
    (4, 3, 3, 3, 2, 1, 1, 1, 1),
    (4, 3, 3, 3, 3, 1, 1, 1, 1),
    (4, 3, 3, 3, 3, 2, 1, 1, 1),
    (4, 3, 3, 3, 3, 2, 2, 1, 1),
)
NO_SLOTS: tuple[int, ...] = (0,) * 9

# Warlock Pact Magic: (number of slots, slot level) by Warlock level.
PACT_SLOTS: tuple[tuple[int, int], ...] = (
    (1, 1), (2, 1), (2, 2), (2, 2), (2, 3), (2, 3), (2, 4), (2, 4), (2, 5), (2, 5),
    (3, 5), (3, 5), (3, 5), (3, 5), (3, 5), (3, 5), (4, 5), (4, 5), (4, 5), (4, 5),
)  # fmt: skip

# Cantrips known and prepared spells by class level (SRD 5.2 class tables; where the 5e-database
# Levels file disagrees, for Druid 7/16 cantrips and Wizard 14-20 prepared, the SRD table wins).
CANTRIPS: dict[ClassId, tuple[int, ...]] = {
    ClassId.BARD: (2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4),
    ClassId.CLERIC: (3, 3, 3, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5),
    ClassId.DRUID: (2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4),
    ClassId.PALADIN: (0,) * 20,
    ClassId.RANGER: (0,) * 20,
    ClassId.SORCERER: (4, 4, 4, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6),
    ClassId.WARLOCK: (2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4),
    ClassId.WIZARD: (3, 3, 3, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5),
}
_FULL_PREPARED = (4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 16, 17, 17, 18, 18, 19, 20, 21, 22)
_HALF_PREPARED = (2, 3, 4, 5, 6, 6, 7, 7, 9, 9, 10, 10, 11, 11, 12, 12, 14, 14, 15, 15)
PREPARED: dict[ClassId, tuple[int, ...]] = {
    ClassId.BARD: _FULL_PREPARED,
    ClassId.CLERIC: _FULL_PREPARED,
    ClassId.DRUID: _FULL_PREPARED,
    ClassId.PALADIN: _HALF_PREPARED,
    ClassId.RANGER: _HALF_PREPARED,
    ClassId.SORCERER: (2, 4, 6, 7, 9, 10, 11, 12, 14, 15, 16, 16, 17, 17, 18, 18, 19, 20, 21, 22),
    ClassId.WARLOCK: (2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15),
    ClassId.WIZARD: (4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 16, 17, 18, 19, 21, 22, 23, 24, 25),
}
# One-third casters (Eldritch Knight, Arcane Trickster): from class level 3.
_THIRD_CANTRIPS = (0, 0, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3)
_THIRD_PREPARED = (0, 0, 3, 4, 4, 4, 5, 6, 6, 7, 8, 8, 9, 10, 10, 11, 11, 11, 12, 13)


@dataclass(frozen=True, slots=True)
class CasterLevels:
    """One class's contribution to spellcasting, as the slot rules need it."""

    class_id: ClassId
    level: int
    subclass: str | None = None


def caster_type(entry: CasterLevels) -> CasterType:
    """The caster type of a class entry, taking casting subclasses of Fighter/Rogue into account."""
    info = CLASSES[entry.class_id]
    if info.caster is CasterType.NONE and entry.subclass in info.third_caster_subclasses:
        return CasterType.THIRD
    return info.caster


def _ceil_div(value: int, divisor: int) -> int:
    return -(-value // divisor)


def slots_for_caster_level(caster_level: int) -> tuple[int, ...]:
    """Spell slots (levels 1-9) for a caster level; 0 or less means no slots."""
    if caster_level <= 0:
        return NO_SLOTS
    return SLOTS_BY_CASTER_LEVEL[min(caster_level, 20) - 1]


def single_class_caster_level(entry: CasterLevels) -> int:
    kind = caster_type(entry)
    if kind is CasterType.FULL:
        return entry.level
    if kind is CasterType.HALF:
        return _ceil_div(entry.level, 2)
    if kind is CasterType.THIRD:
        return _ceil_div(entry.level, 3) if entry.level >= 3 else 0
    return 0


def multiclass_caster_level(entries: Sequence[CasterLevels]) -> int:
    """Caster level for the Multiclass Spellcaster table (Warlock levels never count)."""
    total = 0
    for entry in entries:
        kind = caster_type(entry)
        if kind is CasterType.FULL:
            total += entry.level
        elif kind is CasterType.HALF:
            total += _ceil_div(entry.level, 2)
        elif kind is CasterType.THIRD:
            total += entry.level // 3
    return total


def spell_slots(entries: Sequence[CasterLevels]) -> tuple[int, ...]:
    """Spellcasting slots (levels 1-9) for a character's classes, Pact Magic excluded.

    With exactly one class that has the Spellcasting feature, that class's own table applies;
    with two or more, the Multiclass Spellcaster table does.
    """
    return _spell_slots(tuple(entries))


@lru_cache(maxsize=1024)
def _spell_slots(entries: tuple[CasterLevels, ...]) -> tuple[int, ...]:
    slot_kinds = (CasterType.FULL, CasterType.HALF, CasterType.THIRD)
    casters = [e for e in entries if caster_type(e) in slot_kinds]
    if not casters:
        return NO_SLOTS
    if len(casters) == 1:
        return slots_for_caster_level(single_class_caster_level(casters[0]))
    return slots_for_caster_level(multiclass_caster_level(casters))


@dataclass(frozen=True)
class PactSlots:
    count: int
    slot_level: int


def pact_slots(warlock_level: int) -> PactSlots:
    """Pact Magic slots for a Warlock level (0 gives none)."""
    if warlock_level <= 0:
        return PactSlots(0, 0)
    count, slot_level = PACT_SLOTS[min(warlock_level, 20) - 1]
    return PactSlots(count, slot_level)


def cantrips_known(entry: CasterLevels) -> int:
    if entry.level <= 0:
        return 0
    index = min(entry.level, 20) - 1
    if caster_type(entry) is CasterType.THIRD:
        return _THIRD_CANTRIPS[index]
    table = CANTRIPS.get(entry.class_id)
    return table[index] if table else 0


def prepared_spells(entry: CasterLevels) -> int:
    if entry.level <= 0:
        return 0
    index = min(entry.level, 20) - 1
    if caster_type(entry) is CasterType.THIRD:
        return _THIRD_PREPARED[index]
    table = PREPARED.get(entry.class_id)
    return table[index] if table else 0


def spell_save_dc(proficiency_bonus: int, ability_modifier: int) -> int:
    return 8 + proficiency_bonus + ability_modifier


def spell_attack_bonus(proficiency_bonus: int, ability_modifier: int) -> int:
    return proficiency_bonus + ability_modifier


def slots_as_mapping(slots: Sequence[int]) -> Mapping[int, int]:
    """``{spell level: slots}`` for the levels that have any."""
    return {level: count for level, count in enumerate(slots, start=1) if count}


@dataclass(frozen=True)
class SlotCreation:
    cost: int  # Sorcery Points
    min_sorcerer_level: int


# Font of Magic, Creating Spell Slots table (slot level -> cost and minimum Sorcerer level).
CREATING_SPELL_SLOTS: dict[int, SlotCreation] = {
    1: SlotCreation(2, 2),
    2: SlotCreation(3, 3),
    3: SlotCreation(5, 5),
    4: SlotCreation(6, 7),
    5: SlotCreation(7, 9),
}
