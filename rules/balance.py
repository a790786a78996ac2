"""Balance checks for custom content: how strong an entry is next to comparable SRD entries.

The idea is deliberately simple and explainable. Each kind of entry gets a *power score*, a
number that grows with its strength (the average damage of a spell's dice, a weapon's average
damage, a magic item's largest "+N", a creature's average Hit Points or AC, a species' speed).
The caller gathers the same score for every SRD entry of the same kind and level (spells of the
same level, items of the same rarity, creatures of the same CR, ...) into a ``Reference``, and
``assess`` flags the new entry when its score is

- above the strongest comparable SRD entry (``above_srd_maximum``), or
- more than twice the median of them (``above_twice_srd_median``).

A flag is a warning with a reason, not a refusal: a table may want a strong homebrew spell. No
I/O here; the caller reads the SRD and passes numbers in.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rules.dice import parse

MEDIAN_FACTOR = 2.0
"""An entry more than this many times the SRD median of its peers is flagged."""


@dataclass(frozen=True)
class Reference:
    """The power scores of the SRD entries an entry is compared with (its *peers*)."""

    scores: tuple[float, ...]
    peers: str  # who they are, for messages: "level 1 spells in the SRD"

    @property
    def count(self) -> int:
        return len(self.scores)

    @property
    def median(self) -> float:
        return float(statistics.median(self.scores)) if self.scores else 0.0

    @property
    def maximum(self) -> float:
        return max(self.scores) if self.scores else 0.0


def reference(scores: Iterable[float], peers: str) -> Reference:
    """A ``Reference`` of the positive scores (peers without the quality, e.g. a spell that
    deals no damage, say nothing about how much damage is normal)."""
    return Reference(tuple(sorted(s for s in scores if s > 0)), peers)


@dataclass(frozen=True)
class BalanceWarning:
    """One reason an entry looks stronger than its SRD peers.

    ``path`` names the input field the score comes from (``damage_roll``), ``code`` is stable
    for programs, ``message`` is for people; the numbers let a client draw the comparison.
    """

    path: str
    code: str
    message: str
    score: float
    median: float
    maximum: float


def _number(value: float) -> str:
    return f"{value:g}"


def assess(score: float, ref: Reference, *, path: str, what: str) -> list[BalanceWarning]:
    """Warnings for ``score`` (described as ``what``, e.g. "expected damage 44") against ``ref``.

    Nothing is flagged when there are no peers to compare with or the score is not positive.
    """
    if ref.count == 0 or score <= 0:
        return []
    found: list[BalanceWarning] = []
    if score > ref.maximum:
        found.append(
            BalanceWarning(
                path,
                "above_srd_maximum",
                f"{what} is above the strongest of the {ref.count} {ref.peers} "
                f"({_number(ref.maximum)}).",
                score,
                ref.median,
                ref.maximum,
            )
        )
    if ref.median > 0 and score > MEDIAN_FACTOR * ref.median:
        found.append(
            BalanceWarning(
                path,
                "above_twice_srd_median",
                f"{what} is more than {_number(MEDIAN_FACTOR)}x the median of the "
                f"{ref.count} {ref.peers} ({_number(ref.median)}).",
                score,
                ref.median,
                ref.maximum,
            )
        )
    return found


def expected_roll(notation: str) -> float:
    """The average result of a dice expression (``8d10`` -> 44, ``2d4 + 4`` -> 9).

    Keep/drop terms count as ``DiceExpression.average`` says. Raises ``DiceNotationError``.
    """
    return float(parse(notation).average())


def optional_roll(notation: str | None) -> float:
    """``expected_roll``, or 0 for no dice (an entry without damage has no damage score)."""
    return 0.0 if not notation else expected_roll(notation)


def weapon_damage(damage_dice: str | None, versatile_dice: str | None = None) -> float:
    """A weapon's average damage per hit, the better of its one- and two-handed dice."""
    return max(optional_roll(damage_dice), optional_roll(versatile_dice))


def largest_bonus(effects: Sequence[Mapping[str, object]]) -> float:
    """A magic item's largest plain "+N" (a +2 weapon's attack and damage count once, as 2)."""
    bonuses = [e.get("bonus") for e in effects]
    return float(max((b for b in bonuses if isinstance(b, int | float)), default=0))
