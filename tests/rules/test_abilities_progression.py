"""Ability modifiers, score methods, proficiency bonus and XP."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules import abilities as ab
from rules.enums import Ability
from rules.progression import (
    XP_THRESHOLDS,
    can_level_up,
    level_for_xp,
    next_level_xp,
    proficiency_bonus,
    xp_for_level,
)


@pytest.mark.parametrize(
    ("score", "mod"),
    [(1, -5), (3, -4), (8, -1), (9, -1), (10, 0), (11, 0), (12, 1), (15, 2), (20, 5), (30, 10)],
)
def test_modifier_table(score: int, mod: int) -> None:
    assert ab.modifier(score) == mod


@given(st.integers(min_value=1, max_value=29))
def test_modifier_rises_by_one_every_two_points(score: int) -> None:
    step = ab.modifier(score + 1) - ab.modifier(score)
    assert step == (1 if (score + 1) % 2 == 0 else 0)


def test_point_buy_costs() -> None:
    assert ab.point_buy_cost([15, 15, 15, 8, 8, 8]) == 27
    assert ab.point_buy_cost([15, 14, 13, 12, 10, 8]) == 27
    assert ab.point_buy_cost([8] * 6) == 0
    with pytest.raises(KeyError):
        ab.point_buy_cost([16, 8, 8, 8, 8, 8])


def test_standard_array_is_order_free_but_exact() -> None:
    for perm in itertools.islice(itertools.permutations(ab.STANDARD_ARRAY), 50):
        assert ab.is_standard_array(perm)
    assert not ab.is_standard_array([15, 15, 13, 12, 10, 8])
    assert not ab.is_standard_array([15, 14, 13, 12, 10])


def test_add_increases_sums_every_source() -> None:
    base = {a: 10 for a in Ability}
    total = ab.add_increases(base, {Ability.STR: 2, Ability.DEX: 1}, {Ability.STR: 1})
    assert total[Ability.STR] == 13
    assert total[Ability.DEX] == 11
    assert total[Ability.CHA] == 10


@pytest.mark.parametrize(
    ("level", "bonus"), [(1, 2), (4, 2), (5, 3), (8, 3), (9, 4), (12, 4), (13, 5), (16, 5),
                         (17, 6), (20, 6)],
)
def test_proficiency_bonus(level: int, bonus: int) -> None:
    assert proficiency_bonus(level) == bonus


@pytest.mark.parametrize("level", [0, 21, -3])
def test_proficiency_bonus_rejects_impossible_levels(level: int) -> None:
    with pytest.raises(ValueError, match="1-20"):
        proficiency_bonus(level)


def test_xp_thresholds_known_points() -> None:
    assert xp_for_level(1) == 0
    assert xp_for_level(2) == 300
    assert xp_for_level(5) == 6_500
    assert xp_for_level(11) == 85_000
    assert xp_for_level(20) == 355_000
    assert next_level_xp(20) is None
    assert next_level_xp(3) == 2_700


@given(st.integers(min_value=-100, max_value=400_000))
def test_level_for_xp_is_consistent_with_thresholds(xp: int) -> None:
    level = level_for_xp(xp)
    assert 1 <= level <= 20
    assert xp_for_level(level) <= max(xp, 0)
    if level < 20:
        assert xp < XP_THRESHOLDS[level]


def test_can_level_up() -> None:
    assert can_level_up(1, 300)
    assert not can_level_up(1, 299)
    assert not can_level_up(20, 10**9)
    assert can_level_up(4, 6_500)
