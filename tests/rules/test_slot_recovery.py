"""Arcane Recovery, Sorcerous Restoration and Font of Magic conversions."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.derive import derive
from rules.enums import ClassId
from rules.errors import RuleViolation
from rules.sheet import ClassLevel, PlayState, Sheet
from rules.slot_recovery import (
    arcane_recovery,
    arcane_recovery_budget,
    convert_slot_to_sorcery_points,
    create_spell_slot,
    sorcerous_restoration,
    sorcerous_restoration_cap,
)
from rules.spellcasting import CREATING_SPELL_SLOTS
from rules.transitions import long_rest, spend_spell_slot
from rules.validation import validate
from tests.rules.builders import make_sheet


def wizard(level: int, **state: object) -> Sheet:
    return make_sheet((ClassId.WIZARD, level), state=PlayState(**state))  # type: ignore[arg-type]


def sorcerer(level: int, **state: object) -> Sheet:
    return make_sheet((ClassId.SORCERER, level), state=PlayState(**state))  # type: ignore[arg-type]


def violation_code(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(RuleViolation) as info:
        call(*args, **kwargs)  # type: ignore[operator]
    return info.value.error.code


def slots_left(sheet: Sheet) -> dict[int, int]:
    return {line.level: line.remaining for line in derive(sheet).spell_slots}


def points_left(sheet: Sheet) -> int:
    return derive(sheet).resources["sorcery-points"].remaining


# ------------------------------------------------------------------ Arcane Recovery


@pytest.mark.parametrize(("level", "budget"), [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3),
                                               (18, 9), (19, 10), (20, 10)])
def test_arcane_recovery_budget_is_half_the_wizard_level_rounded_up(level: int,
                                                                    budget: int) -> None:
    assert arcane_recovery_budget(level) == budget


def test_arcane_recovery_restores_chosen_slots_and_is_used_up() -> None:
    sheet = wizard(4, slots_spent={1: 2, 2: 1})
    result = arcane_recovery(sheet, {2: 1})
    assert result.sheet.state.slots_spent == {1: 2}
    assert derive(result.sheet).resources["arcane-recovery"].remaining == 0
    assert result.events[0].kind == "arcane_recovery"
    assert result.events[0].data == {"slot_levels": 2, "budget": 2}
    assert validate(result.sheet) == []
    assert violation_code(arcane_recovery, result.sheet, {1: 1}) == "feature_used"


def test_arcane_recovery_checks_budget_levels_and_spent_slots() -> None:
    sheet = wizard(4, slots_spent={1: 3, 2: 1})
    assert violation_code(arcane_recovery, sheet, {1: 1, 2: 1}) == "over_budget"
    assert violation_code(arcane_recovery, sheet, {2: 2}) == "nothing_to_recover"
    assert violation_code(arcane_recovery, sheet, {}) == "nothing_to_recover"
    assert violation_code(arcane_recovery, sheet, {1: -1}) == "invalid_amount"
    high = wizard(20, slots_spent={6: 1, 1: 1})
    assert violation_code(arcane_recovery, high, {6: 1}) == "slot_level_too_high"
    assert arcane_recovery(high, {1: 1}).sheet.state.slots_spent == {6: 1}


def test_arcane_recovery_needs_wizard_levels() -> None:
    sheet = make_sheet((ClassId.CLERIC, 3), state=PlayState(slots_spent={1: 1}))
    assert violation_code(arcane_recovery, sheet, {1: 1}) == "feature_unavailable"


def test_multiclass_arcane_recovery_uses_wizard_levels_only() -> None:
    sheet = make_sheet((ClassId.CLERIC, 5), ClassLevel(ClassId.WIZARD, 2),
                       base={a: 13 for a in make_sheet().abilities.base},
                       state=PlayState(slots_spent={2: 1, 1: 1}))
    assert violation_code(arcane_recovery, sheet, {2: 1}) == "over_budget"  # budget 1
    assert arcane_recovery(sheet, {1: 1}).sheet.state.slots_spent == {2: 1}


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 20), st.dictionaries(st.integers(1, 9), st.integers(0, 3), max_size=4))
def test_arcane_recovery_never_exceeds_its_budget_or_restores_unspent(
    level: int, chosen: dict[int, int]
) -> None:
    sheet = wizard(level)
    full = {line.level: line.maximum for line in derive(sheet).spell_slots}
    sheet = wizard(level, slots_spent=full)
    try:
        result = arcane_recovery(sheet, chosen)
    except RuleViolation:
        return
    restored = {lvl: full[lvl] - result.sheet.state.slots_spent.get(lvl, 0) for lvl in full}
    assert sum(lvl * n for lvl, n in restored.items()) <= arcane_recovery_budget(level)
    assert all(lvl <= 5 for lvl, n in restored.items() if n)
    assert {lvl: n for lvl, n in restored.items() if n} == {k: v for k, v in chosen.items() if v}


# ------------------------------------------------------------------ Sorcerous Restoration


def test_sorcerous_restoration_regains_up_to_half_the_level() -> None:
    sheet = sorcerer(9, resources_spent={"sorcery-points": 7})
    result = sorcerous_restoration(sheet)
    assert points_left(result.sheet) == 9 - 7 + 4
    assert result.events[0].data == {"points": 4, "cap": 4}
    assert violation_code(sorcerous_restoration, result.sheet) == "feature_used"
    assert validate(result.sheet) == []


def test_sorcerous_restoration_with_an_explicit_amount() -> None:
    sheet = sorcerer(10, resources_spent={"sorcery-points": 3})
    assert points_left(sorcerous_restoration(sheet, 2).sheet) == 10 - 1
    assert violation_code(sorcerous_restoration, sheet, 6) == "over_budget"
    assert violation_code(sorcerous_restoration, sheet, 4) == "nothing_to_recover"
    assert violation_code(sorcerous_restoration, sheet, 0) == "nothing_to_recover"
    assert points_left(sorcerous_restoration(sheet).sheet) == 10  # only 3 were spent


def test_sorcerous_restoration_arrives_at_level_five() -> None:
    assert violation_code(sorcerous_restoration, sorcerer(4, resources_spent={
        "sorcery-points": 2})) == "feature_unavailable"
    assert violation_code(sorcerous_restoration, sorcerer(5)) == "nothing_to_recover"
    assert sorcerous_restoration_cap(5) == 2 and sorcerous_restoration_cap(20) == 10


# ------------------------------------------------------------------ Font of Magic


def test_converting_a_slot_gives_its_level_in_points() -> None:
    sheet = sorcerer(5, resources_spent={"sorcery-points": 4})
    result = convert_slot_to_sorcery_points(sheet, 3)
    assert points_left(result.sheet) == 5 - 4 + 3
    assert slots_left(result.sheet)[3] == slots_left(sheet)[3] - 1
    assert validate(result.sheet) == []


def test_conversion_never_exceeds_the_point_maximum() -> None:
    full = sorcerer(5, resources_spent={"sorcery-points": 2})
    assert violation_code(convert_slot_to_sorcery_points, full, 3) == "sorcery_points_full"
    assert points_left(convert_slot_to_sorcery_points(full, 2).sheet) == 5


def test_conversion_needs_an_available_slot_and_font_of_magic() -> None:
    sheet = sorcerer(3, slots_spent={2: 2}, resources_spent={"sorcery-points": 3})
    assert violation_code(convert_slot_to_sorcery_points, sheet, 2) == "no_slot"
    assert violation_code(convert_slot_to_sorcery_points, sheet, 4) == "no_slot"
    level_one = sorcerer(1)
    assert violation_code(convert_slot_to_sorcery_points, level_one, 1) == "feature_unavailable"


def test_pact_slots_convert_too() -> None:
    sheet = make_sheet((ClassId.WARLOCK, 3), ClassLevel(ClassId.SORCERER, 2),
                       base={a: 13 for a in make_sheet().abilities.base},
                       state=PlayState(resources_spent={"sorcery-points": 2}))
    result = convert_slot_to_sorcery_points(sheet, 0, pact=True)  # Warlock 3: level 2 slots
    assert result.sheet.state.pact_slots_spent == 1
    assert result.events[0].data == {"level": 2, "points": 2, "pact": True}
    assert points_left(result.sheet) == 2
    assert violation_code(convert_slot_to_sorcery_points, result.sheet, 0,
                          pact=True) == "sorcery_points_full"
    no_pact = replace(sheet, state=replace(sheet.state, pact_slots_spent=2))
    assert violation_code(convert_slot_to_sorcery_points, no_pact, 0, pact=True) == "no_slot"


@pytest.mark.parametrize(("level", "cost", "min_level"), [
    (1, 2, 2), (2, 3, 3), (3, 5, 5), (4, 6, 7), (5, 7, 9),
])
def test_creating_spell_slots_table(level: int, cost: int, min_level: int) -> None:
    creation = CREATING_SPELL_SLOTS[level]
    assert (creation.cost, creation.min_sorcerer_level) == (cost, min_level)
    assert violation_code(create_spell_slot, sorcerer(min_level - 1 if min_level > 2 else 1),
                          level) in {"sorcerer_level_too_low", "feature_unavailable"}
    sheet = sorcerer(max(min_level, cost))
    result = create_spell_slot(sheet, level)
    assert points_left(result.sheet) == points_left(sheet) - cost
    assert result.sheet.state.created_slots == {level: 1}
    assert slots_left(result.sheet)[level] == slots_left(sheet).get(level, 0) + 1
    assert validate(result.sheet) == []


def test_created_slot_above_the_table_can_be_spent_and_vanishes_on_a_long_rest() -> None:
    sheet = sorcerer(3)  # level 1 and 2 slots only... plus a created one
    sheet = create_spell_slot(sheet, 2).sheet
    line = next(s for s in derive(sheet).spell_slots if s.level == 2)
    assert (line.maximum, line.created, line.remaining) == (2, 1, 3)
    for _ in range(3):
        sheet = spend_spell_slot(sheet, 2).sheet
    assert validate(sheet) == []
    assert violation_code(spend_spell_slot, sheet, 2) == "no_slot"
    rested = long_rest(sheet)
    assert rested.sheet.state.created_slots == {}
    assert "created_slots_vanished" in [e.kind for e in rested.events]
    assert slots_left(rested.sheet)[2] == 2


def test_creating_a_slot_checks_level_and_points() -> None:
    sheet = sorcerer(20, resources_spent={"sorcery-points": 15})
    assert violation_code(create_spell_slot, sheet, 6) == "slot_level_too_high"
    assert violation_code(create_spell_slot, sheet, 0) == "slot_level_too_high"
    assert violation_code(create_spell_slot, sheet, 5) == "resource_exhausted"
    assert create_spell_slot(sheet, 3).sheet.state.resources_spent["sorcery-points"] == 20


@settings(max_examples=50, deadline=None)
@given(st.integers(2, 20), st.lists(st.integers(1, 5), max_size=6))
def test_points_and_slots_stay_within_bounds(level: int, plan: list[int]) -> None:
    """Whatever sequence of creations and conversions is attempted, the sheet stays legal."""
    sheet = sorcerer(level)
    for n, slot_level in enumerate(plan):
        action = create_spell_slot if n % 2 == 0 else convert_slot_to_sorcery_points
        try:
            sheet = action(sheet, slot_level).sheet
        except RuleViolation:
            continue
        assert 0 <= points_left(sheet) <= level
    assert validate(sheet) == []


# ------------------------------------------------------------------ validation of the state


def test_created_slots_are_validated() -> None:
    def codes(created: dict[int, int], level: int = 3) -> set[str]:
        return {e.code for e in validate(sorcerer(level, created_slots=created))}

    assert codes({2: 1}) == set()
    assert codes({3: 1}) == {"sorcerer_level_too_low"}
    assert codes({6: 1}, 20) == {"slot_level_too_high"}
    assert codes({1: -1}) == {"created_slots_out_of_range"}
    assert codes({4: 0}) == set()
    assert codes({1: 1}, 1) == {"sorcerer_level_too_low"}


def test_spent_slots_may_include_created_ones_only_up_to_the_count() -> None:
    ok = sorcerer(3, created_slots={2: 1}, slots_spent={2: 3})
    assert validate(ok) == []
    over = sorcerer(3, created_slots={2: 1}, slots_spent={2: 4})
    assert {e.code for e in validate(over)} == {"slots_spent_out_of_range"}
