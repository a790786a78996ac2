"""A seeded dice roller that reads standard notation.

Grammar (case-insensitive, spaces ignored)::

    expression := term (("+" | "-") term)*
    term       := number | [count] "d" sides [keep]
    keep       := ("kh" | "kl" | "dh" | "dl") number     keep/drop highest/lowest

Examples: ``2d6+3``, ``d20``, ``4d6kh3`` (roll four, keep the highest three), ``2d20kl1``
(disadvantage), ``1d8+1d6-1``. The same seed always gives the same rolls.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

MAX_DICE = 1000
MAX_SIDES = 1000


class DiceNotationError(ValueError):
    """The notation could not be read; the message says where and why."""


class RollMode(StrEnum):
    NORMAL = "normal"
    ADVANTAGE = "advantage"
    DISADVANTAGE = "disadvantage"


@dataclass(frozen=True)
class DiceTerm:
    count: int
    sides: int
    keep: str | None = None  # "kh", "kl", "dh" or "dl"
    keep_count: int = 0
    sign: int = 1

    def kept_count(self) -> int:
        if self.keep in ("kh", "kl"):
            return self.keep_count
        if self.keep in ("dh", "dl"):
            return self.count - self.keep_count
        return self.count


@dataclass(frozen=True)
class ConstantTerm:
    value: int
    sign: int = 1


Term = DiceTerm | ConstantTerm


@dataclass(frozen=True)
class DiceExpression:
    terms: tuple[Term, ...]
    text: str

    @property
    def minimum(self) -> int:
        return sum(_bound(term, low=True) for term in self.terms)

    @property
    def maximum(self) -> int:
        return sum(_bound(term, low=False) for term in self.terms)


    def average(self, floor: int = 1) -> Fraction:
        """The exact mean result, each die's faces below ``floor`` counting as ``floor``.

        Keep/drop terms count their kept dice at a plain die's mean: a slight underestimate
        for "keep highest", good enough for comparing strength.
        """
        total = Fraction(0)
        for term in self.terms:
            if isinstance(term, ConstantTerm):
                total += term.sign * term.value
            else:
                total += term.sign * term.kept_count() * die_average(term.sides, floor)
        return total


def die_average(sides: int, floor: int = 1) -> Fraction:
    """Mean of one die whose faces below ``floor`` count as ``floor`` (d6: 7/2, floor 3: 4)."""
    return Fraction(sum(max(face, floor) for face in range(1, sides + 1)), sides)


def _bound(term: Term, *, low: bool) -> int:
    if isinstance(term, ConstantTerm):
        return term.sign * term.value
    per_die = 1 if low else term.sides
    # A negative term is smallest when its dice roll high.
    if term.sign < 0:
        per_die = term.sides if low else 1
    return term.sign * per_die * term.kept_count()


_TERM = re.compile(r"(?P<count>\d*)d(?P<sides>\d+|%)(?:(?P<keep>kh|kl|dh|dl)(?P<keep_count>\d+))?$")


def parse(notation: str) -> DiceExpression:
    """Parse notation into an expression; raises ``DiceNotationError`` on bad input."""
    text = notation.replace(" ", "").lower()
    if not text:
        raise DiceNotationError("dice notation is empty")
    parts = re.split(r"([+-])", text)
    terms: list[Term] = []
    sign = 1
    expect_term = True
    for index, part in enumerate(parts):
        if part in ("+", "-"):
            sign = -1 if part == "-" else 1
            expect_term = True
            continue
        if part == "":
            # re.split yields "" before a leading sign and between two operators.
            if index != 0:
                raise DiceNotationError(f"'{notation}': an operator needs a term after it")
            continue
        terms.append(_parse_term(part, sign, notation))
        sign = 1
        expect_term = False
    if expect_term:
        raise DiceNotationError(f"'{notation}': ends with an operator")
    return DiceExpression(tuple(terms), notation)


def _parse_term(part: str, sign: int, notation: str) -> Term:
    if part.isdigit():
        return ConstantTerm(int(part), sign)
    match = _TERM.match(part)
    if match is None:
        raise DiceNotationError(f"'{notation}': cannot read '{part}' (expected e.g. 2d6 or 4d6kh3)")
    count = int(match["count"]) if match["count"] else 1
    sides = 100 if match["sides"] == "%" else int(match["sides"])
    if not 1 <= count <= MAX_DICE:
        raise DiceNotationError(f"'{notation}': dice count must be 1-{MAX_DICE}, got {count}")
    if not 1 <= sides <= MAX_SIDES:
        raise DiceNotationError(f"'{notation}': a die needs 1-{MAX_SIDES} sides, got {sides}")
    keep = match["keep"]
    keep_count = int(match["keep_count"]) if keep else 0
    if keep and not (1 <= keep_count <= count if keep in ("kh", "kl") else 0 <= keep_count < count):
        raise DiceNotationError(f"'{notation}': cannot {keep} {keep_count} of {count} dice")
    return DiceTerm(count, sides, keep, keep_count, sign)


@dataclass(frozen=True)
class DieRoll:
    sides: int
    value: int
    kept: bool


@dataclass(frozen=True)
class RollResult:
    notation: str
    total: int
    dice: tuple[DieRoll, ...]
    constant: int

    @property
    def kept_values(self) -> list[int]:
        return [die.value for die in self.dice if die.kept]

    @property
    def natural(self) -> int | None:
        """The kept face of a single-d20 roll (for natural 1 / natural 20), else ``None``."""
        kept = [die for die in self.dice if die.kept]
        if len(kept) == 1 and kept[0].sides == 20:
            return kept[0].value
        return None


class DiceRoller:
    """Rolls dice from a private, seeded random generator (never the global one)."""

    def __init__(self, seed: int | str | None = 0) -> None:
        self._random = random.Random(seed)

    def _die(self, sides: int) -> int:
        return self._random.randint(1, sides)

    def roll(self, notation: str | DiceExpression) -> RollResult:
        expression = parse(notation) if isinstance(notation, str) else notation
        dice: list[DieRoll] = []
        total = 0
        constant = 0
        for term in expression.terms:
            if isinstance(term, ConstantTerm):
                constant += term.sign * term.value
                continue
            values = [self._die(term.sides) for _ in range(term.count)]
            kept_flags = _kept_flags(values, term)
            dice.extend(DieRoll(term.sides, v, k) for v, k in zip(values, kept_flags, strict=True))
            total += term.sign * sum(v for v, k in zip(values, kept_flags, strict=True) if k)
        return RollResult(expression.text, total + constant, tuple(dice), constant)

    def d20(self, modifier: int = 0, mode: RollMode = RollMode.NORMAL) -> RollResult:
        """A d20 test: advantage keeps the higher of two d20s, disadvantage the lower."""
        core = {RollMode.NORMAL: "1d20", RollMode.ADVANTAGE: "2d20kh1",
                RollMode.DISADVANTAGE: "2d20kl1"}[mode]
        suffix = f"{modifier:+d}" if modifier else ""
        return self.roll(core + suffix)

    def ability_scores(self) -> list[int]:
        """Six scores by 4d6, dropping the lowest die."""
        return [self.roll("4d6kh3").total for _ in range(6)]


def _kept_flags(values: list[int], term: DiceTerm) -> list[bool]:
    if term.keep is None:
        return [True] * len(values)
    order = sorted(range(len(values)), key=lambda i: values[i])  # ascending, stable
    keep_n = term.kept_count()
    high = term.keep in ("kh", "dl")
    chosen = set(order[len(values) - keep_n :]) if high else set(order[:keep_n])
    return [i in chosen for i in range(len(values))]


def combine_modes(advantage: bool, disadvantage: bool) -> RollMode:
    """Advantage and disadvantage cancel out, however many sources of each."""
    if advantage and not disadvantage:
        return RollMode.ADVANTAGE
    if disadvantage and not advantage:
        return RollMode.DISADVANTAGE
    return RollMode.NORMAL
