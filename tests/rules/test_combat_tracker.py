"""The tracker's plain numbers: Hit Points, Temporary Hit Points, initiative and turns."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules import combat_tracker as ct
from rules.enums import Condition
from rules.errors import RuleViolation


def hp(current: int, maximum: int, temporary: int = 0) -> ct.HitPoints:
    return ct.HitPoints(current, maximum, temporary)


@st.composite
def hit_points(draw: st.DrawFn) -> ct.HitPoints:
    maximum = draw(st.integers(1, 500))
    return hp(draw(st.integers(0, maximum)), maximum, draw(st.integers(0, 100)))


# ------------------------------------------------------------------ valid numbers


@pytest.mark.parametrize(
    ("current", "maximum", "temporary", "code"),
    [
        (0, 0, 0, "max_hp_out_of_range"),
        (1, ct.MAX_HIT_POINTS + 1, 0, "max_hp_out_of_range"),
        (-1, 10, 0, "current_hp_out_of_range"),
        (11, 10, 0, "current_hp_out_of_range"),
        (5, 10, -1, "temp_hp_out_of_range"),
        (5, 10, ct.MAX_HIT_POINTS + 1, "temp_hp_out_of_range"),
    ],
)
def test_impossible_hit_points_are_refused(
    current: int, maximum: int, temporary: int, code: str
) -> None:
    assert code in {e.code for e in ct.hit_point_errors(current, maximum, temporary)}
    with pytest.raises(RuleViolation):
        hp(current, maximum, temporary)


def test_every_problem_is_reported_at_once() -> None:
    errors = ct.hit_point_errors(-3, 0, -1)
    assert {e.path for e in errors} == {"maxHp", "currentHp", "tempHp"}


def test_the_edges_are_valid() -> None:
    assert ct.hit_point_errors(0, 1) == []
    assert ct.hit_point_errors(ct.MAX_HIT_POINTS, ct.MAX_HIT_POINTS, ct.MAX_HIT_POINTS) == []


# ------------------------------------------------------------------ damage


def test_damage_comes_off_hit_points() -> None:
    result = ct.take_damage(hp(20, 20), 7)
    assert result.hit_points == hp(13, 20)
    assert (result.absorbed, result.lost, result.dropped_to_zero) == (0, 7, False)


def test_temporary_hit_points_absorb_first() -> None:
    result = ct.take_damage(hp(10, 20, 5), 3)
    assert result.hit_points == hp(10, 20, 2)
    assert (result.absorbed, result.lost) == (3, 0)


def test_damage_beyond_temporary_hit_points_carries_over() -> None:
    result = ct.take_damage(hp(10, 20, 5), 8)
    assert result.hit_points == hp(7, 20, 0)
    assert (result.absorbed, result.lost) == (5, 3)


def test_hit_points_stop_at_zero() -> None:
    result = ct.take_damage(hp(4, 20), 50)
    assert result.hit_points == hp(0, 20)
    assert (result.lost, result.dropped_to_zero) == (4, True)
    assert result.hit_points.is_down


def test_damage_at_zero_does_not_drop_again() -> None:
    result = ct.take_damage(hp(0, 20), 5)
    assert result.hit_points == hp(0, 20)
    assert (result.lost, result.dropped_to_zero) == (0, False)


def test_exact_damage_drops_to_zero() -> None:
    assert ct.take_damage(hp(6, 6), 6).dropped_to_zero


def test_zero_damage_changes_nothing() -> None:
    before = hp(6, 10, 2)
    assert ct.take_damage(before, 0).hit_points == before


def test_negative_damage_is_refused() -> None:
    with pytest.raises(RuleViolation) as raised:
        ct.take_damage(hp(6, 10), -1)
    assert raised.value.error.code == "negative_damage"


@given(hit_points(), st.integers(0, 1000))
def test_damage_conserves_what_it_takes(before: ct.HitPoints, amount: int) -> None:
    result = ct.take_damage(before, amount)
    after = result.hit_points
    assert result.absorbed + result.lost <= amount
    assert before.temporary - after.temporary == result.absorbed
    assert before.current - after.current == result.lost
    assert after.maximum == before.maximum
    # Only a blow that empties the temporary pool reaches Hit Points.
    assert result.lost == 0 or after.temporary == 0
    # Whatever was not taken had nothing left to take it.
    assert result.absorbed + result.lost == amount or (after.current, after.temporary) == (0, 0)


# ------------------------------------------------------------------ healing


def test_healing_restores_hit_points() -> None:
    result = ct.heal(hp(3, 20, 4), 5)
    assert result.hit_points == hp(8, 20, 4)
    assert result.restored == 5


def test_healing_stops_at_the_maximum() -> None:
    result = ct.heal(hp(18, 20), 10)
    assert result.hit_points == hp(20, 20)
    assert result.restored == 2


def test_healing_at_full_restores_nothing() -> None:
    assert ct.heal(hp(20, 20), 4).restored == 0


def test_healing_brings_a_downed_combatant_back() -> None:
    result = ct.heal(hp(0, 20), 1)
    assert not result.hit_points.is_down


def test_negative_healing_is_refused() -> None:
    with pytest.raises(RuleViolation) as raised:
        ct.heal(hp(3, 20), -4)
    assert raised.value.error.code == "negative_healing"


@given(hit_points(), st.integers(0, 1000))
def test_healing_never_exceeds_the_maximum(before: ct.HitPoints, amount: int) -> None:
    result = ct.heal(before, amount)
    assert before.current <= result.hit_points.current <= before.maximum
    assert result.hit_points.current - before.current == result.restored <= amount
    assert result.hit_points.temporary == before.temporary


# ------------------------------------------------------------------ temporary hit points


def test_temporary_hit_points_keep_the_higher() -> None:
    assert ct.grant_temporary(hp(5, 10, 4), 6).temporary == 6
    assert ct.grant_temporary(hp(5, 10, 8), 6).temporary == 8


def test_negative_temporary_hit_points_are_refused() -> None:
    with pytest.raises(RuleViolation):
        ct.grant_temporary(hp(5, 10), -1)


# ------------------------------------------------------------------ initiative


def test_higher_initiative_acts_first() -> None:
    entries = [ct.InitiativeEntry("goblin", 8), ct.InitiativeEntry("hero", 17)]
    assert ct.initiative_order(entries) == ["hero", "goblin"]


def test_ties_go_to_the_higher_tiebreaker_then_the_given_order() -> None:
    entries = [
        ct.InitiativeEntry("a", 12, tiebreaker=10),
        ct.InitiativeEntry("b", 12, tiebreaker=14),
        ct.InitiativeEntry("c", 12, tiebreaker=10),
        ct.InitiativeEntry("d", 20),
    ]
    assert ct.initiative_order(entries) == ["d", "b", "a", "c"]


def test_no_entries_no_order() -> None:
    assert ct.initiative_order([]) == []


@given(st.lists(st.tuples(st.integers(-5, 30), st.integers(0, 20)), max_size=20))
def test_the_order_is_a_sorted_permutation(rolls: list[tuple[int, int]]) -> None:
    entries = [ct.InitiativeEntry(i, init, tie) for i, (init, tie) in enumerate(rolls)]
    order = ct.initiative_order(entries)
    assert sorted(order) == list(range(len(rolls)))
    ranks = [(rolls[k][0], rolls[k][1]) for k in order]
    assert ranks == sorted(ranks, reverse=True)


@pytest.mark.parametrize(("value", "ok"), [(-10, True), (50, True), (-11, False), (51, False)])
def test_initiative_range(value: int, ok: bool) -> None:
    assert (ct.check_initiative(value) == []) is ok


# ------------------------------------------------------------------ turns


def test_the_first_turn_is_round_one_at_the_top() -> None:
    assert ct.first_turn(3) == ct.TurnPosition(1, 0)


def test_a_fight_needs_combatants() -> None:
    with pytest.raises(RuleViolation) as raised:
        ct.first_turn(0)
    assert raised.value.error.code == "no_combatants"
    with pytest.raises(RuleViolation):
        ct.next_turn(ct.TurnPosition(1, 0), 0)


def test_turns_advance_then_wrap_into_a_new_round() -> None:
    position = ct.first_turn(3)
    seen = []
    for _ in range(7):
        position = ct.next_turn(position, 3)
        seen.append((position.round, position.index))
    assert seen == [(1, 1), (1, 2), (2, 0), (2, 1), (2, 2), (3, 0), (3, 1)]


def test_a_lone_combatant_starts_a_new_round_every_turn() -> None:
    assert ct.next_turn(ct.TurnPosition(4, 0), 1) == ct.TurnPosition(5, 0)


def test_an_index_past_a_shrunken_order_wraps() -> None:
    # Combatants left the fight since: the next turn still lands inside the order.
    assert ct.next_turn(ct.TurnPosition(2, 5), 3) == ct.TurnPosition(3, 0)


def test_a_character_at_zero_is_unconscious_until_healed() -> None:
    up, down = ct.HitPoints(5, 20), ct.HitPoints(0, 20)
    prone = frozenset({Condition.PRONE})
    fallen = ct.conditions_after(prone, up, down, character=True)
    assert fallen == {Condition.PRONE, Condition.UNCONSCIOUS}
    assert ct.conditions_after(fallen, down, ct.HitPoints(1, 20), character=True) == prone
    # Staying up, or staying down, changes nothing.
    assert ct.conditions_after(prone, up, ct.HitPoints(3, 20), character=True) == prone
    assert ct.conditions_after(fallen, down, down, character=True) == fallen


def test_a_creature_at_zero_is_left_to_the_game_master() -> None:
    assert ct.conditions_after(
        frozenset(), ct.HitPoints(5, 20), ct.HitPoints(0, 20), character=False
    ) == (frozenset())


def test_damage_beyond_zero_of_the_maximum_kills_outright() -> None:
    standing = ct.HitPoints(5, 20)
    knocked = ct.take_damage(standing, 24)  # 19 beyond 0: short of the maximum
    assert ct.dying_after_damage(ct.Dying(), knocked) == ct.Dying()
    killed = ct.take_damage(standing, 25)  # 20 beyond 0
    assert ct.dying_after_damage(ct.Dying(), killed) == ct.DEAD


def test_damage_at_zero_is_a_failure_two_for_a_critical_hit() -> None:
    down = ct.HitPoints(0, 20)
    hit = ct.take_damage(down, 3)
    assert ct.dying_after_damage(ct.Dying(successes=2), hit) == ct.Dying(2, 1)
    assert ct.dying_after_damage(ct.Dying(1, 0, stable=True), hit) == ct.Dying(1, 1)
    assert ct.dying_after_damage(ct.Dying(0, 1), hit, critical=True) == ct.DEAD
    assert ct.dying_after_damage(ct.Dying(), ct.take_damage(down, 20)) == ct.DEAD
    # Temporary Hit Points that take it all spare the character a failure.
    shielded = ct.take_damage(ct.HitPoints(0, 20, 5), 4)
    assert ct.dying_after_damage(ct.Dying(0, 2), shielded) == ct.Dying(0, 2)


def test_death_saves_settle_at_three() -> None:
    down = ct.HitPoints(0, 20)
    dying = ct.Dying()
    for roll in (10, 15):
        dying = ct.death_save(dying, down, roll).dying
    assert dying == ct.Dying(2, 0)
    assert ct.death_save(dying, down, 12).dying == ct.Dying(stable=True)
    assert ct.death_save(ct.Dying(0, 1), down, 9).dying == ct.Dying(0, 2)
    assert ct.death_save(ct.Dying(1, 1), down, 1).dying == ct.DEAD
    natural_20 = ct.death_save(ct.Dying(0, 2), down, 20)
    assert (natural_20.dying, natural_20.regained) == (ct.Dying(), 1)


@pytest.mark.parametrize(
    ("dying", "hit_points", "roll", "code"),
    [
        (ct.Dying(), ct.HitPoints(0, 20), 0, "roll_out_of_range"),
        (ct.Dying(), ct.HitPoints(0, 20), 21, "roll_out_of_range"),
        (ct.DEAD, ct.HitPoints(0, 20), 10, "dead"),
        (ct.Dying(), ct.HitPoints(3, 20), 10, "not_dying"),
        (ct.Dying(stable=True), ct.HitPoints(0, 20), 10, "already_stable"),
    ],
)
def test_impossible_death_saves_are_refused(
    dying: ct.Dying, hit_points: ct.HitPoints, roll: int, code: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        ct.death_save(dying, hit_points, roll)
    assert refused.value.error.code == code


def test_healing_ends_the_fight_for_life_but_not_death() -> None:
    assert ct.dying_after_healing(ct.Dying(1, 2), ct.HitPoints(1, 20)) == ct.Dying()
    assert ct.dying_after_healing(ct.Dying(1, 2), ct.HitPoints(0, 20)) == ct.Dying(1, 2)
    with pytest.raises(RuleViolation):
        ct.dying_after_healing(ct.DEAD, ct.HitPoints(1, 20))
