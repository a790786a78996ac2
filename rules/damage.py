"""Average damage of a dice expression, with the Great Weapon Fighting floor.

Great Weapon Fighting lets a character treat any 1 or 2 on a damage die as a 3, so the average of
one die becomes the mean of ``max(face, 3)`` over its faces (d6: 4, d12: 6.75).
"""

from __future__ import annotations

from fractions import Fraction

from rules.dice import ConstantTerm, parse

GREAT_WEAPON_FIGHTING_FLOOR = 3


def die_average(sides: int, floor: int = 1) -> Fraction:
    """Mean of one die whose faces below ``floor`` count as ``floor``."""
    return Fraction(sum(max(face, floor) for face in range(1, sides + 1)), sides)


def average_damage(dice: str, bonus: int = 0, *, great_weapon_fighting: bool = False) -> float:
    """Average of ``dice`` plus ``bonus``, never below 0 (damage is never negative).

    Keep/drop terms (rare on weapons) count only their kept dice at the plain average.
    """
    floor = GREAT_WEAPON_FIGHTING_FLOOR if great_weapon_fighting else 1
    total = Fraction(bonus)
    for term in parse(dice).terms:
        if isinstance(term, ConstantTerm):
            total += term.sign * term.value
        else:
            total += term.sign * term.kept_count() * die_average(term.sides, floor)
    return float(max(Fraction(0), total))
