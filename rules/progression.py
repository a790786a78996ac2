"""Character-level progression shared by every class: proficiency bonus and experience points."""

from __future__ import annotations

MIN_LEVEL = 1
MAX_LEVEL = 20

# XP needed to *reach* each character level (SRD 5.2 "Character Advancement").
XP_THRESHOLDS: tuple[int, ...] = (
    0, 300, 900, 2_700, 6_500, 14_000, 23_000, 34_000, 48_000, 64_000,
    85_000, 100_000, 120_000, 140_000, 165_000, 195_000, 225_000, 265_000, 305_000, 355_000,
)  # fmt: skip


def _check_level(level: int) -> None:
    if not MIN_LEVEL <= level <= MAX_LEVEL:
        raise ValueError(f"character level must be {MIN_LEVEL}-{MAX_LEVEL}, got {level}")


def proficiency_bonus(total_level: int) -> int:
    """+2 at levels 1-4, rising by one every four levels to +6 at 17-20."""
    _check_level(total_level)
    return proficiency_bonus_for_rank(total_level)


def proficiency_bonus_for_rank(rank: int) -> int:
    """The one Proficiency Bonus formula: +2 for ranks 1-4, then +1 every four ranks.

    A rank is a character level (1-20) or a creature's Challenge Rating (1-30, with the
    fractional ratings below 1 counting as 1); callers check their own range.
    """
    return 2 + (max(1, rank) - 1) // 4


def xp_for_level(level: int) -> int:
    """The XP total at which a character reaches ``level``."""
    _check_level(level)
    return XP_THRESHOLDS[level - 1]


def level_for_xp(xp: int) -> int:
    """The highest level whose threshold ``xp`` meets (negative XP counts as 0)."""
    level = MIN_LEVEL
    for candidate, threshold in enumerate(XP_THRESHOLDS, start=1):
        if xp >= threshold:
            level = candidate
    return level


def next_level_xp(total_level: int) -> int | None:
    """XP needed for the next level, or ``None`` at level 20."""
    _check_level(total_level)
    if total_level == MAX_LEVEL:
        return None
    return XP_THRESHOLDS[total_level]


def can_level_up(total_level: int, xp: int) -> bool:
    threshold = next_level_xp(total_level)
    return threshold is not None and xp >= threshold
