"""Average damage of a dice expression, with the Great Weapon Fighting floor.

Great Weapon Fighting lets a character treat any 1 or 2 on a damage die as a 3, so the average of
one die becomes the mean of ``max(face, 3)`` over its faces (d6: 4, d12: 6.75).
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

from rules.dice import DiceNotationError, die_average, parse

# ``die_average`` lives with the dice parser; it is re-exported for callers thinking in damage.
__all__ = ["GREAT_WEAPON_FIGHTING_FLOOR", "average_damage", "die_average"]

GREAT_WEAPON_FIGHTING_FLOOR = 3


@lru_cache(maxsize=4096)
def average_damage(dice: str, bonus: int = 0, *, great_weapon_fighting: bool = False) -> float:
    """Average of ``dice`` plus ``bonus``, never below 0 (damage is never negative).

    Keep/drop terms (rare on weapons) count only their kept dice at the plain average.
    Unreadable dice (an illegal sheet, which validation reports) average 0, so derivation of
    any sheet still completes.
    """
    floor = GREAT_WEAPON_FIGHTING_FLOOR if great_weapon_fighting else 1
    try:
        expression = parse(dice)
    except DiceNotationError:
        return 0.0
    return float(max(Fraction(0), expression.average(floor) + bonus))
