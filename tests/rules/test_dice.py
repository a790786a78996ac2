"""The seeded dice roller and its notation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.dice import (
    ConstantTerm,
    DiceNotationError,
    DiceRoller,
    DiceTerm,
    RollMode,
    combine_modes,
    parse,
)


def test_parse_terms() -> None:
    expression = parse("2d6+3")
    assert expression.terms == (DiceTerm(2, 6), ConstantTerm(3))
    assert parse("d20").terms == (DiceTerm(1, 20),)
    assert parse("4d6kh3").terms == (DiceTerm(4, 6, "kh", 3),)
    assert parse(" 1d8 + 1d6 - 1 ").terms == (DiceTerm(1, 8), DiceTerm(1, 6), ConstantTerm(1, -1))
    assert parse("-2").terms == (ConstantTerm(2, -1),)
    assert parse("D%").terms == (DiceTerm(1, 100),)


@pytest.mark.parametrize(
    "bad", ["", "2d", "d", "2x6", "1d6+", "1d6++2", "4d6kh5", "4d6dl4", "0d6", "1d0", "2001d6",
            "1d6kh"],
)
def test_bad_notation_is_reported(bad: str) -> None:
    with pytest.raises(DiceNotationError):
        parse(bad)


def test_bounds() -> None:
    assert (parse("2d6+3").minimum, parse("2d6+3").maximum) == (5, 15)
    assert (parse("4d6kh3").minimum, parse("4d6kh3").maximum) == (3, 18)
    assert (parse("1d4-1d4").minimum, parse("1d4-1d4").maximum) == (-3, 3)


def test_same_seed_same_rolls_and_no_global_state() -> None:
    first = [DiceRoller(7).roll("3d6").total for _ in range(3)]
    again = [DiceRoller(7).roll("3d6").total for _ in range(3)]
    assert first == again
    roller_a, roller_b = DiceRoller(99), DiceRoller(99)
    seq_a = [roller_a.roll("1d20").total for _ in range(20)]
    DiceRoller(1).roll("10d10")  # another roller must not disturb either sequence
    seq_b = [roller_b.roll("1d20").total for _ in range(20)]
    assert seq_a == seq_b


def test_keep_highest_drops_the_lowest_die() -> None:
    result = DiceRoller(3).roll("4d6kh3")
    values = [d.value for d in result.dice]
    assert len(values) == 4
    assert sorted(result.kept_values) == sorted(values)[1:]
    assert result.total == sum(sorted(values)[1:])
    low = DiceRoller(3).roll("4d6dh1")
    assert low.total == sum(sorted(values)[:3])


@given(st.integers(min_value=0, max_value=10_000))
def test_advantage_and_disadvantage_pick_from_two_d20s(seed: int) -> None:
    adv = DiceRoller(seed).d20(5, RollMode.ADVANTAGE)
    dis = DiceRoller(seed).d20(5, RollMode.DISADVANTAGE)
    faces = [d.value for d in adv.dice]
    assert len(faces) == 2
    assert adv.natural == max(faces) and adv.total == max(faces) + 5
    assert dis.natural == min(faces) and dis.total == min(faces) + 5
    assert DiceRoller(seed).d20().natural == DiceRoller(seed).roll("1d20").total


@given(st.integers(min_value=1, max_value=20), st.integers(min_value=1, max_value=100),
       st.integers(min_value=-20, max_value=20), st.integers(min_value=0, max_value=2**32))
def test_rolls_stay_within_bounds(count: int, sides: int, bonus: int, seed: int) -> None:
    notation = f"{count}d{sides}{bonus:+d}"
    expression = parse(notation)
    total = DiceRoller(seed).roll(expression).total
    assert expression.minimum <= total <= expression.maximum


def test_ability_score_rolls_and_mode_combination() -> None:
    rolls = DiceRoller(11).ability_scores()
    assert len(rolls) == 6 and all(3 <= r <= 18 for r in rolls)
    assert combine_modes(True, False) is RollMode.ADVANTAGE
    assert combine_modes(False, True) is RollMode.DISADVANTAGE
    assert combine_modes(True, True) is RollMode.NORMAL
    assert DiceRoller(0).roll("2d6").natural is None
