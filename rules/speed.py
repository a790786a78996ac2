"""Speed, with the breakdown a player can check.

The species (or lineage) sets the base; Unarmored Movement, Fast Movement, Boon of Speed and flat
bonuses add; heavy armor without its Strength costs 10 feet; each Exhaustion level costs 5; a
condition that sets Speed to 0 (Grappled, Restrained, Paralyzed, Petrified, Unconscious) cancels
everything else, shown as one contribution that brings the total to 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.armor import is_heavy
from rules.breakdown import Breakdown, Contribution, exhaustion_source
from rules.class_numbers import class_numbers
from rules.conditions import exhaustion_speed_penalty
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


@dataclass(frozen=True)
class SpeedResult:
    walk: int
    breakdown: Breakdown  # of ``walk``


def speed(
    sheet: Sheet, scores: dict[Ability, int], conditions: frozenset[Condition],
    base: int, base_source: str, armor: Item | None, shield: Item | None,
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
    if sheet.bonuses.speed:
        parts.append(Contribution("Speed bonus (sheet)", sheet.bonuses.speed))
    needed = armor.armor.strength_requirement if armor and armor.armor else 0
    if armor is not None and scores[Ability.STR] < needed:
        parts.append(Contribution(f"{armor.name} without Strength {needed}",
                                  HEAVY_ARMOR_PENALTY))
    penalty = exhaustion_speed_penalty(sheet.state.exhaustion)
    if penalty:
        parts.append(Contribution(exhaustion_source(sheet.state.exhaustion), penalty))
    subtotal = sum(p.value for p in parts)
    stopping = next((c for c in SPEED_ZERO if c in conditions), None)
    if stopping is not None:
        parts.append(Contribution(f"{stopping.value.title()} (Speed 0)", -subtotal))
    elif subtotal < 0:
        parts.append(Contribution("Speed cannot go below 0", -subtotal))
    return SpeedResult(sum(p.value for p in parts), tuple(parts))
