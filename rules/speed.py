"""Speed, with the breakdown a player can check, and Climb, Swim and Fly Speeds.

The species (or lineage) sets the base; Unarmored Movement, Fast Movement, Roving, Boon of
Speed, active states and flat bonuses add; heavy armor without its Strength costs 10 feet; each
Exhaustion level costs 5; Boots of Speed double what results; a condition that sets Speed to 0
(Grappled, Restrained, Paralyzed, Petrified, Unconscious) cancels everything, shown as one
contribution that brings the total to 0. A Climb, Swim or Fly Speed is a fixed number (Ring of
Swimming: 40) adjusted the same way, or equal to the walking Speed (Roving); the best counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rules.armor import is_heavy
from rules.breakdown import Breakdown, Contribution, exhaustion_source, total
from rules.class_numbers import class_numbers
from rules.conditions import exhaustion_speed_penalty
from rules.effects import ExtraSpeed
from rules.enums import Ability, ClassId, Condition
from rules.equipment import Item
from rules.sheet import Sheet

FAST_MOVEMENT = 10
BOON_OF_SPEED = 30
HEAVY_ARMOR_PENALTY = -10

SPEED_ZERO = (
    Condition.GRAPPLED, Condition.RESTRAINED, Condition.PARALYZED, Condition.PETRIFIED,
    Condition.UNCONSCIOUS,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SpeedResult:
    walk: int
    breakdown: Breakdown  # of ``walk``
    climb: int | None = None
    climb_breakdown: Breakdown = ()
    swim: int | None = None
    swim_breakdown: Breakdown = ()
    fly: int | None = None
    fly_breakdown: Breakdown = ()


@dataclass(frozen=True)
class SpeedEffects:
    """What effects add to Speed (from ``rules.effects.Effects``)."""

    bonuses: Breakdown = ()
    minimum: tuple[tuple[int, str], ...] = ()  # Boots of Striding and Springing: 30
    doubled_by: tuple[str, ...] = ()  # Boots of Speed
    extra: tuple[ExtraSpeed, ...] = ()


def _finish(parts: list[Contribution], exhaustion: int, conditions: frozenset[Condition],
            doubled_by: Sequence[str] = ()) -> Breakdown:
    """Exhaustion, doubling, then a condition that stops movement; never below 0."""
    penalty = exhaustion_speed_penalty(exhaustion)
    if penalty:
        parts.append(Contribution(exhaustion_source(exhaustion), penalty))
    for source in doubled_by:
        parts.append(Contribution(f"{source} (doubled)", max(0, total(parts))))
    subtotal = total(parts)
    stopping = next((c for c in SPEED_ZERO if c in conditions), None)
    if stopping is not None:
        parts.append(Contribution(f"{stopping.value.title()} (Speed 0)", -subtotal))
    elif subtotal < 0:
        parts.append(Contribution("Speed cannot go below 0", -subtotal))
    return tuple(parts)


def speed(
    sheet: Sheet, scores: dict[Ability, int], conditions: frozenset[Condition],
    base: int, base_source: str, armor: Item | None, shield: Item | None,
    effects: SpeedEffects = SpeedEffects(),
) -> SpeedResult:
    parts = [Contribution(base_source, base)]
    monk = sheet.class_level(ClassId.MONK)
    if monk >= 2 and armor is None and shield is None:
        bonus = int(class_numbers(ClassId.MONK, monk)["unarmored_movement"])
        parts.append(Contribution("Unarmored Movement", bonus))
    if sheet.class_level(ClassId.BARBARIAN) >= 5 and not is_heavy(armor):
        parts.append(Contribution("Fast Movement", FAST_MOVEMENT))
    if sheet.has_feat("boon-of-speed"):
        parts.append(Contribution("Boon of Speed", BOON_OF_SPEED))
    parts.extend(effects.bonuses)
    if sheet.bonuses.speed:
        parts.append(Contribution("Speed bonus (sheet)", sheet.bonuses.speed))
    needed = armor.armor.strength_requirement if armor and armor.armor else 0
    # Boots of Striding and Springing: Speed is not reduced by Heavy armor.
    if armor is not None and scores[Ability.STR] < needed and not effects.minimum:
        parts.append(Contribution(f"{armor.name} without Strength {needed}",
                                  HEAVY_ARMOR_PENALTY))
    for floor, source in effects.minimum:
        if total(parts) < floor:
            parts.append(Contribution(f"{source} (Speed at least {floor})", floor - total(parts)))
    exhaustion = sheet.state.exhaustion
    walk_parts = _finish(parts, exhaustion, conditions, effects.doubled_by)
    walk = total(walk_parts)
    extra: dict[str, Breakdown] = {}
    for kind in ("climb", "swim", "fly"):
        candidates: list[Breakdown] = []
        for option in effects.extra:
            if option.kind != kind:
                continue
            if option.value is None:
                candidates.append((Contribution(f"{option.source}: equal to Speed", walk),))
            else:
                candidates.append(_finish([Contribution(option.source, option.value)],
                                          exhaustion, conditions))
        if candidates:
            extra[kind] = max(candidates, key=total)
    def pair(kind: str) -> tuple[int | None, Breakdown]:
        return (total(extra[kind]), extra[kind]) if kind in extra else (None, ())

    (climb, climb_parts), (swim, swim_parts), (fly, fly_parts) = (
        pair("climb"), pair("swim"), pair("fly"))
    return SpeedResult(walk, walk_parts, climb, climb_parts, swim, swim_parts, fly, fly_parts)
