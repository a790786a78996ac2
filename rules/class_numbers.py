"""Per-class numbers that scale with level: Rage damage, Sneak Attack, Martial Arts die, ..."""

from __future__ import annotations

from functools import lru_cache

from rules.enums import ClassId

_WEAPON_MASTERY: dict[ClassId, tuple[tuple[int, int], ...]] = {
    # (from class level, number of weapons) - the last row reached applies
    ClassId.BARBARIAN: ((1, 2), (4, 3), (10, 4)),
    ClassId.FIGHTER: ((1, 3), (4, 4), (10, 5), (16, 6)),
    ClassId.PALADIN: ((1, 2),),
    ClassId.RANGER: ((1, 2),),
    ClassId.ROGUE: ((1, 2),),
}

_INVOCATIONS = (1, 3, 3, 3, 5, 5, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 10, 10, 10)


def _step(level: int, rows: tuple[tuple[int, int], ...]) -> int:
    value = 0
    for from_level, amount in rows:
        if level >= from_level:
            value = amount
    return value


def weapon_mastery_count(class_id: ClassId, level: int) -> int:
    return _step(level, _WEAPON_MASTERY.get(class_id, ()))


def class_numbers(class_id: ClassId, level: int) -> dict[str, int | str]:
    """Level-scaled numbers for one class (empty for classes without any); a fresh dict."""
    return dict(_class_numbers(class_id, level))


@lru_cache(maxsize=512)
def _class_numbers(class_id: ClassId, level: int) -> dict[str, int | str]:
    numbers: dict[str, int | str] = {}
    mastery = weapon_mastery_count(class_id, level)
    if mastery:
        numbers["weapon_masteries"] = mastery
    if class_id is ClassId.BARBARIAN:
        numbers["rage_damage"] = _step(level, ((1, 2), (9, 3), (16, 4)))
    elif class_id is ClassId.BARD:
        numbers["bardic_inspiration_die"] = f"d{_step(level, ((1, 6), (5, 8), (10, 10), (15, 12)))}"
    elif class_id is ClassId.MONK:
        numbers["martial_arts_die"] = f"d{_step(level, ((1, 6), (5, 8), (11, 10), (17, 12)))}"
        numbers["unarmored_movement"] = _step(
            level, ((2, 10), (6, 15), (10, 20), (14, 25), (18, 30))
        )
    elif class_id is ClassId.ROGUE:
        numbers["sneak_attack"] = f"{(level + 1) // 2}d6"
    elif class_id is ClassId.WARLOCK:
        numbers["eldritch_invocations"] = _INVOCATIONS[min(level, 20) - 1]
    if class_id in (ClassId.BARBARIAN, ClassId.FIGHTER, ClassId.MONK, ClassId.PALADIN,
                    ClassId.RANGER) and level >= 5:
        extra = 1
        if class_id is ClassId.FIGHTER:
            extra = _step(level, ((5, 1), (11, 2), (20, 3)))
        numbers["attacks_per_action"] = 1 + extra
    return numbers
