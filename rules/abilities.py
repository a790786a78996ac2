"""Ability scores: modifiers, generation methods and the final score after increases."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rules.dice import DiceRoller
from rules.enums import ABILITIES, Ability

MIN_SCORE = 1
MAX_SCORE = 30
# Ordinary increases (background, ASI, most feats) cannot raise a score above 20; Epic Boons can
# go up to MAX_SCORE.
NORMAL_CAP = 20

STANDARD_ARRAY: tuple[int, ...] = (15, 14, 13, 12, 10, 8)
POINT_BUY_BUDGET = 27
POINT_BUY_MIN = 8
POINT_BUY_MAX = 15
POINT_BUY_COST: dict[int, int] = {8: 0, 9: 1, 10: 2, 11: 3, 12: 4, 13: 5, 14: 7, 15: 9}
ROLLED_MIN = 3
ROLLED_MAX = 18


def modifier(score: int) -> int:
    """(score - 10) / 2, rounded down: 10-11 -> +0, 8-9 -> -1, 20 -> +5."""
    return (score - 10) // 2


def point_buy_cost(scores: Iterable[int]) -> int:
    """Total point-buy cost; raises ``KeyError`` for a score outside 8-15."""
    return sum(POINT_BUY_COST[score] for score in scores)


def is_standard_array(scores: Iterable[int]) -> bool:
    return Counter(scores) == Counter(STANDARD_ARRAY)


def add_increases(
    base: Mapping[Ability, int], *increase_sets: Mapping[Ability, int]
) -> dict[Ability, int]:
    """Sum base scores and any number of increase maps (no capping: validation reports excess)."""
    total = {ability: base.get(ability, 10) for ability in ABILITIES}
    for increases in increase_sets:
        for ability, amount in increases.items():
            total[ability] += amount
    return total


def modifiers(scores: Mapping[Ability, int]) -> dict[Ability, int]:
    return {ability: modifier(score) for ability, score in scores.items()}


@dataclass(frozen=True)
class RolledScores:
    """Six scores rolled as 4d6, dropping the lowest die, from a recorded seed."""

    seed: int | str
    dice: tuple[tuple[int, int, int, int], ...]  # the four dice of each roll, as rolled
    scores: tuple[int, ...]  # highest three of each, in roll order


def roll_ability_scores(seed: int | str) -> RolledScores:
    """The same seed always gives the same six rolls: the server records the seed, so a
    player cannot roll again by retrying (and anyone can check the scores). The seed is read
    as text, so ``42`` and ``"42"`` roll the same."""
    roller = DiceRoller(str(seed))
    rolls = [roller.roll("4d6kh3") for _ in range(6)]
    dice = tuple((r.dice[0].value, r.dice[1].value, r.dice[2].value, r.dice[3].value)
                 for r in rolls)
    return RolledScores(seed, dice, tuple(r.total for r in rolls))
