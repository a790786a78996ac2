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
        if level >= 9:  # Brutal Strike, 2d10 from Improved Brutal Strike at 17
            numbers["brutal_strike"] = "2d10" if level >= 17 else "1d10"
    elif class_id is ClassId.BARD:
        numbers["bardic_inspiration_die"] = f"d{_step(level, ((1, 6), (5, 8), (10, 10), (15, 12)))}"
    elif class_id is ClassId.DRUID and level >= 2:
        # Wild Shape's Beast Shapes table; Temporary Hit Points equal the Druid level.
        numbers["wild_shape_known_forms"] = _step(level, ((2, 4), (4, 6), (8, 8)))
        numbers["wild_shape_max_cr"] = "1" if level >= 8 else "1/2" if level >= 4 else "1/4"
        numbers["wild_shape_fly_speed"] = "yes" if level >= 8 else "no"
        numbers["wild_shape_temp_hp"] = level
        numbers["wild_shape_hours"] = level // 2
    elif class_id is ClassId.FIGHTER:
        numbers["second_wind"] = f"1d10+{level}"
        if level >= 9:
            numbers["indomitable_bonus"] = level
    elif class_id is ClassId.MONK:
        numbers["martial_arts_die"] = f"d{_step(level, ((1, 6), (5, 8), (11, 10), (17, 12)))}"
        numbers["unarmored_movement"] = _step(
            level, ((2, 10), (6, 15), (10, 20), (14, 25), (18, 30))
        )
        if level >= 4:
            numbers["slow_fall_reduction"] = 5 * level
        if level >= 10:
            numbers["patient_defense_temp_hp"] = f"2{numbers['martial_arts_die']}"
    elif class_id is ClassId.PALADIN:
        if level >= 6:
            numbers["aura_range"] = 30 if level >= 18 else 10
    elif class_id is ClassId.RANGER:
        numbers["hunters_mark_die"] = "d10" if level >= 20 else "d6"
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
