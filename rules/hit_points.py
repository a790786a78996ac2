"""Hit Point maximum, with the breakdown a player can check, and Hit Dice pools.

Level 1 of the starting class gives its whole Hit Die; every later level gives the fixed value
(half the die plus one) or the recorded roll; each level adds the Constitution modifier, and a
level never gives less than 1 Hit Point. Tough, Dwarven Toughness, Draconic Resilience and Boon
of Fortitude add on top.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rules.breakdown import MODIFIER_SOURCES, Breakdown, Contribution, total
from rules.classes import CLASSES
from rules.enums import Ability, ClassId
from rules.sheet import Sheet
from rules.species import species_info

TOUGH_PER_LEVEL = 2
BOON_OF_FORTITUDE = 40


def hit_gain_fixed(die: int) -> int:
    """The fixed hit-point value for a level after 1: half the die plus one (d10 -> 6)."""
    return die // 2 + 1


def hp_gain_for_level(die: int, con_mod: int, roll: int | None) -> int:
    """Hit points for a level after 1: the roll (or fixed value) + Con, at least 1."""
    value = hit_gain_fixed(die) if roll is None else roll
    return max(1, value + con_mod)


def _levels_text(first: int, count: int) -> str:
    return f"level {first}" if count == 1 else f"levels {first}-{first + count - 1}"


_ClassRolls = tuple[tuple[ClassId, int, tuple[int, ...] | None], ...]


@lru_cache(maxsize=4096)
def _class_rows(classes: _ClassRolls, con: int) -> tuple[Breakdown, int]:
    """Hit Die contributions per class, and how much the 1-per-level minimum adds (memoised:
    the same classes, levels and rolls always give the same rows)."""
    rows: list[Contribution] = []
    floor_correction = 0
    for index, (class_id, level, hp_rolls) in enumerate(classes):
        info = CLASSES[class_id]
        die = info.hit_die
        first = 1
        if index == 0 and level >= 1:
            rows.append(Contribution(f"{info.name} level 1 (d{die} maximum)", die))
            floor_correction += max(0, 1 - (die + con))
            first = 2
        later = level - (first - 1)
        rolls = hp_rolls or ()
        rolled = [rolls[n] for n in range(min(later, len(rolls)))]
        fixed_count = max(0, later) - len(rolled)
        if rolled:
            shown = ", ".join(str(r) for r in rolled)
            rows.append(Contribution(
                f"{info.name} {_levels_text(first, len(rolled))} (rolled {shown})", sum(rolled)))
        if fixed_count:
            fixed = hit_gain_fixed(die)
            rows.append(Contribution(
                f"{info.name} {_levels_text(first + len(rolled), fixed_count)} "
                f"(fixed {fixed} per level)", fixed * fixed_count))
        floor_correction += sum(max(0, 1 - (r + con)) for r in rolled)
        floor_correction += fixed_count * max(0, 1 - (hit_gain_fixed(die) + con))
    return tuple(rows), floor_correction


def max_hit_points_breakdown(sheet: Sheet, modifiers: dict[Ability, int],
                             per_level: Sequence[tuple[str, int]] = ()) -> Breakdown:
    """The Hit Point maximum as contributions (their sum is the maximum); ``per_level`` adds
    (source, Hit Points per level) from effects such as a Berserker Axe."""
    con = modifiers[Ability.CON]
    level = sheet.total_level
    rows, floor_correction = _class_rows(
        tuple((e.class_id, e.level, e.hp_rolls) for e in sheet.classes), con)
    parts = list(rows)
    counted_levels = sum(max(0, e.level) for e in sheet.classes)
    parts.append(Contribution(f"{MODIFIER_SOURCES[Ability.CON]} ({con:+d} x {counted_levels})",
                              con * counted_levels))
    if floor_correction:
        parts.append(Contribution("Minimum 1 Hit Point per level", floor_correction))
    if sheet.has_feat("tough"):
        parts.append(Contribution(f"Tough (+{TOUGH_PER_LEVEL} per level)",
                                  TOUGH_PER_LEVEL * level))
    species = species_info(sheet.identity.species)
    if species is not None and species.hp_per_level:
        parts.append(Contribution(f"Dwarven Toughness (+{species.hp_per_level} per level)",
                                  species.hp_per_level * level))
    if sheet.bonuses.hp_per_level:
        parts.append(Contribution(
            f"Hit Point bonus (sheet, {sheet.bonuses.hp_per_level:+d} per level)",
            sheet.bonuses.hp_per_level * level))
    for source, amount in per_level:
        parts.append(Contribution(f"{source} (+{amount} per level)", amount * level))
    if sheet.has_feat("boon-of-fortitude"):
        parts.append(Contribution("Boon of Fortitude", BOON_OF_FORTITUDE))
    sorcerer = next((e for e in sheet.classes if e.class_id is ClassId.SORCERER), None)
    if sorcerer and sorcerer.subclass == "draconic-sorcery" and sorcerer.level >= 3:
        # Draconic Resilience: 3 at Sorcerer level 3, then 1 more per Sorcerer level.
        parts.append(Contribution("Draconic Resilience",
                                  sheet.class_level(ClassId.SORCERER)))
    subtotal = total(parts)
    if subtotal < 1:
        parts.append(Contribution("Minimum 1 Hit Point", 1 - subtotal))
    return tuple(parts)


def max_hit_points(sheet: Sheet, modifiers: dict[Ability, int]) -> int:
    return total(max_hit_points_breakdown(sheet, modifiers))


@dataclass(frozen=True, slots=True)
class HitDicePool:
    die: int
    total: int
    spent: int

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.spent)


def hit_dice_pools(sheet: Sheet) -> tuple[HitDicePool, ...]:
    totals: dict[int, int] = {}
    for entry in sheet.classes:
        die = CLASSES[entry.class_id].hit_die
        totals[die] = totals.get(die, 0) + entry.level
    return tuple(
        HitDicePool(die, count, sheet.state.hit_dice_spent.get(die, 0))
        for die, count in sorted(totals.items(), reverse=True)
    )
