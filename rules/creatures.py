"""Creature (monster stat block) numbers derived from base values (SRD 5.2 "Monsters").

A stat block prints totals (saving throws, skills, initiative, passive Perception, Hit Points);
the catalog stores only what they are made of (ability scores, Challenge Rating, which
proficiencies apply and how often the Proficiency Bonus is added, the Hit Dice) and these
functions rebuild the totals. ``proficiency_multiplier`` works the other way round: given a
printed total, it finds how many times the Proficiency Bonus is in it (0 none, 1 proficiency,
2 expertise), which is how an importer learns base values from a printed stat block.
"""

from __future__ import annotations

from fractions import Fraction

from rules.abilities import modifier
from rules.dice import die_average
from rules.progression import proficiency_bonus_for_rank

# Experience points by Challenge Rating (SRD 5.2 "Experience Points by Challenge Rating").
_XP_FROM_CR_1 = (
    200, 450, 700, 1100, 1800, 2300, 2900, 3900, 5000, 5900,
    7200, 8400, 10000, 11500, 13000, 15000, 18000, 20000, 22000, 25000,
    33000, 41000, 50000, 62000, 75000, 90000, 105000, 120000, 135000, 155000,
)  # fmt: skip
XP_BY_CR: dict[Fraction, int] = {
    Fraction(0): 10,
    Fraction(1, 8): 25,
    Fraction(1, 4): 50,
    Fraction(1, 2): 100,
    **{Fraction(cr): xp for cr, xp in enumerate(_XP_FROM_CR_1, start=1)},
}

MAX_MULTIPLIER = 2  # expertise: twice the Proficiency Bonus


def challenge_ratings() -> list[Fraction]:
    """Every Challenge Rating the rules know, lowest first (0, 1/8, 1/4, 1/2, 1, ..., 30)."""
    return sorted(XP_BY_CR)


def _check_cr(cr: Fraction) -> None:
    if cr not in XP_BY_CR:
        raise ValueError(f"{cr} is not a Challenge Rating (0, 1/8, 1/4, 1/2 or 1-30)")


def proficiency_bonus_for_cr(cr: Fraction) -> int:
    """+2 up to CR 4, then +1 every four ratings (CR 5-8 +3, ..., CR 29-30 +9)."""
    _check_cr(cr)
    return proficiency_bonus_for_rank(int(cr))


def xp_for_cr(cr: Fraction) -> int:
    """Experience points a creature of this Challenge Rating is worth (outside its lair)."""
    _check_cr(cr)
    return XP_BY_CR[cr]


def cr_text(cr: Fraction) -> str:
    """A Challenge Rating as stat blocks print it: "0", "1/8", "1/2", "17"."""
    _check_cr(cr)
    return str(cr.numerator) if cr.denominator == 1 else f"{cr.numerator}/{cr.denominator}"


def average_hit_points(dice_count: int, die_size: int, bonus: int) -> int:
    """The printed Hit Points of ``NdM + B``: the average roll, rounded down, plus the bonus."""
    if dice_count < 1 or die_size < 1:
        raise ValueError("a creature has at least one Hit Die of at least one side")
    return max(1, int(dice_count * die_average(die_size)) + bonus)


def proficient_bonus(score: int, multiplier: int, proficiency_bonus: int) -> int:
    """An ability's modifier plus the Proficiency Bonus ``multiplier`` times (0, 1 or 2)."""
    if not 0 <= multiplier <= MAX_MULTIPLIER:
        raise ValueError(f"proficiency multiplier {multiplier} is not 0, 1 or 2")
    return modifier(score) + multiplier * proficiency_bonus


def saving_throw_bonus(score: int, multiplier: int, proficiency_bonus: int) -> int:
    return proficient_bonus(score, multiplier, proficiency_bonus)


def skill_bonus(score: int, multiplier: int, proficiency_bonus: int) -> int:
    return proficient_bonus(score, multiplier, proficiency_bonus)


def initiative_bonus(dexterity: int, multiplier: int, proficiency_bonus: int) -> int:
    """Dexterity modifier, plus the Proficiency Bonus once or twice for creatures that add it."""
    return proficient_bonus(dexterity, multiplier, proficiency_bonus)


def passive_perception(wisdom: int, multiplier: int, proficiency_bonus: int) -> int:
    """10 plus the creature's Wisdom (Perception) bonus."""
    return 10 + skill_bonus(wisdom, multiplier, proficiency_bonus)


def proficiency_multiplier(printed: int, score: int, proficiency_bonus: int) -> int | None:
    """How many times the Proficiency Bonus is in ``printed`` (0-2); None if no count fits."""
    for multiplier in range(MAX_MULTIPLIER + 1):
        if proficient_bonus(score, multiplier, proficiency_bonus) == printed:
            return multiplier
    return None
