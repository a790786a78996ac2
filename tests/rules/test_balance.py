"""Balance scores and the comparison with SRD peers (rules/balance.py)."""

from __future__ import annotations

import pytest

from rules.balance import (
    MEDIAN_FACTOR,
    assess,
    expected_roll,
    largest_bonus,
    optional_roll,
    reference,
    weapon_damage,
)
from rules.dice import DiceNotationError

# The base damage of the SRD 5.2's damaging first-level spells (from the open5e data).
FIRST_LEVEL = ["1d4", "1d4", "3d6", "3d8", "3d6", "1d4", "2d8", "1d6", "2d4 + 4", "4d6", "2d10"]


@pytest.mark.parametrize(
    ("notation", "average"),
    [
        ("8d10", 44.0),
        ("1d4", 2.5),
        ("2d4 + 4", 9.0),
        ("1d8+1d6-1", 7.0),
        ("3", 3.0),
        ("4d6kh3", 10.5),
    ],
)
def test_expected_roll(notation: str, average: float) -> None:
    assert expected_roll(notation) == average


def test_expected_roll_rejects_bad_notation() -> None:
    with pytest.raises(DiceNotationError):
        expected_roll("8x10")


def test_reference_ignores_peers_without_the_quality() -> None:
    ref = reference([0.0, 2.5, 7.0, 14.0], "level 1 spells")
    assert ref.scores == (2.5, 7.0, 14.0)
    assert ref.median == 7.0 and ref.maximum == 14.0 and ref.count == 3


def test_a_first_level_spell_dealing_8d10_is_flagged_with_both_reasons() -> None:
    ref = reference((expected_roll(n) for n in FIRST_LEVEL), "level 1 spells in the SRD")
    warnings = assess(expected_roll("8d10"), ref, path="damage_roll", what="Expected damage 44")
    assert {w.code for w in warnings} == {"above_srd_maximum", "above_twice_srd_median"}
    assert all(w.path == "damage_roll" and w.score == 44.0 for w in warnings)
    top = next(w for w in warnings if w.code == "above_srd_maximum")
    assert top.maximum == 14.0 and "14" in top.message and "level 1 spells" in top.message


def test_ordinary_content_is_not_flagged() -> None:
    ref = reference((expected_roll(n) for n in FIRST_LEVEL), "level 1 spells")
    assert assess(expected_roll("3d8"), ref, path="damage_roll", what="x") == []
    assert assess(0.0, ref, path="damage_roll", what="x") == []


def test_only_the_median_rule_can_fire() -> None:
    ref = reference([1.0, 1.0, 1.0, 10.0], "peers")
    warnings = assess(2.5, ref, path="p", what="x")
    assert [w.code for w in warnings] == ["above_twice_srd_median"]
    assert MEDIAN_FACTOR * ref.median < 2.5


def test_no_peers_means_no_verdict() -> None:
    assert assess(100.0, reference([], "peers"), path="p", what="x") == []


def test_kind_scores() -> None:
    assert weapon_damage("1d8", "1d10") == 5.5
    assert weapon_damage("1", None) == 1.0
    assert optional_roll(None) == 0.0
    effects = [{"target": "attack-rolls", "bonus": 2}, {"target": "damage-rolls", "bonus": 2}]
    assert largest_bonus(effects) == 2.0
    assert largest_bonus([]) == 0.0
