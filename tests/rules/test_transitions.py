"""Transitions: pure state changes with events, including every edge case named in the rules."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules import transitions as t
from rules.derive import derive
from rules.enums import Ability, ClassId, Condition, DamageType, ImprovementKind
from rules.errors import RuleViolation
from rules.sheet import ClassLevel, DeathSaves, Defenses, Feat, Improvement, PlayState, Sheet
from rules.validation import validate
from tests.rules.builders import make_sheet, scores


def fighter(hp: int | None = None, **state: object) -> Sheet:
    """Fighter 1 with Con 10: 10 max HP."""
    sheet = make_sheet((ClassId.FIGHTER, 1), base=scores(con=10))
    return replace(sheet, state=PlayState(current_hp=hp, **state))  # type: ignore[arg-type]


def kinds(result: t.TransitionResult) -> list[str]:
    return [event.kind for event in result.events]


def hp(sheet: Sheet) -> int:
    return derive(sheet).current_hp


# ------------------------------------------------------------------ damage


def test_damage_reduces_hp_and_keeps_the_input_unchanged() -> None:
    sheet = fighter()
    result = t.take_damage(sheet, 4)
    assert hp(result.sheet) == 6
    assert hp(sheet) == 10
    assert kinds(result) == ["damage_taken"]


def test_temp_hp_absorb_first() -> None:
    result = t.take_damage(fighter(temp_hp=5), 7)
    assert result.sheet.state.temp_hp == 0
    assert hp(result.sheet) == 8
    assert kinds(result)[0] == "temp_hp_absorbed"
    fully = t.take_damage(fighter(temp_hp=5), 3)
    assert (fully.sheet.state.temp_hp, hp(fully.sheet)) == (2, 10)


@pytest.mark.parametrize(
    ("defenses", "damage", "expected_hp"),
    [
        (Defenses(resistances=frozenset({"fire"})), 7, 7),  # 7 // 2 = 3
        (Defenses(vulnerabilities=frozenset({"fire"})), 3, 4),
        (Defenses(immunities=frozenset({"fire"})), 9, 10),
        (Defenses(resistances=frozenset({"fire"}), vulnerabilities=frozenset({"fire"})), 5, 6),
        (Defenses(resistances=frozenset({"cold"})), 4, 6),
    ],
)
def test_resistance_vulnerability_immunity(defenses: Defenses, damage: int,
                                            expected_hp: int) -> None:
    sheet = replace(fighter(), defenses=defenses)
    assert hp(t.take_damage(sheet, damage, DamageType.FIRE).sheet) == expected_hp


def test_dropping_to_zero_knocks_unconscious_and_prone() -> None:
    result = t.take_damage(fighter(hp=5, concentration=("Bless",)), 8)
    state = result.sheet.state
    assert state.current_hp == 0 and not state.dead
    assert {Condition.UNCONSCIOUS, Condition.PRONE} <= state.conditions
    assert state.concentration == ()
    assert "dropped_to_zero" in kinds(result) and "concentration_ended" in kinds(result)


def test_massive_damage_kills_outright() -> None:
    # 6 HP left, max 10: 16 damage leaves 10 over = max -> dead.
    result = t.take_damage(fighter(hp=6), 16)
    assert result.sheet.state.dead
    assert "died" in kinds(result)
    survive = t.take_damage(fighter(hp=6), 15)
    assert not survive.sheet.state.dead


def test_damage_at_zero_adds_failures_two_on_a_crit() -> None:
    dying = fighter(hp=0, conditions=frozenset({Condition.UNCONSCIOUS}))
    one = t.take_damage(dying, 1)
    assert one.sheet.state.death_saves.failures == 1
    crit = t.take_damage(dying, 1, critical=True)
    assert crit.sheet.state.death_saves.failures == 2
    dead = t.take_damage(replace(dying, state=replace(dying.state, death_saves=DeathSaves(0, 2))),
                         1)
    assert dead.sheet.state.dead


def test_damage_at_zero_equal_to_max_kills() -> None:
    dying = fighter(hp=0)
    assert t.take_damage(dying, 10).sheet.state.dead


def test_damage_at_zero_ends_stability() -> None:
    stable = fighter(hp=0, stable=True)
    result = t.take_damage(stable, 2)
    assert not result.sheet.state.stable
    assert result.sheet.state.death_saves.failures == 1


def test_concentration_check_dc() -> None:
    assert t.concentration_dc(1) == 10
    assert t.concentration_dc(22) == 11
    assert t.concentration_dc(100) == 30
    sheet = replace(make_sheet((ClassId.FIGHTER, 20), base=scores(con=10)),
                    state=PlayState(concentration=("Bless",)))
    result = t.take_damage(sheet, 44)
    check = next(e for e in result.events if e.kind == "concentration_check")
    assert check.data["dc"] == 22
    # Damage soaked by temporary HP still calls for a save.
    soaked = t.take_damage(replace(sheet, state=replace(sheet.state, temp_hp=10)), 4)
    assert "concentration_check" in kinds(soaked)


def test_negative_damage_and_dead_targets_are_rejected() -> None:
    with pytest.raises(RuleViolation) as info:
        t.take_damage(fighter(), -1)
    assert info.value.error.code == "negative_damage"
    with pytest.raises(RuleViolation) as info:
        t.take_damage(fighter(hp=0, dead=True), 1)
    assert info.value.error.code == "character_dead"


@given(st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=15))
def test_damage_never_leaves_hp_out_of_range(damage: int, temp: int) -> None:
    result = t.take_damage(fighter(hp=7, temp_hp=temp), damage)
    state = result.sheet.state
    assert 0 <= (state.current_hp or 0) <= 10
    assert 0 <= state.temp_hp <= temp
    assert validate(result.sheet) == [] or state.dead


# ------------------------------------------------------------------ healing and temp HP


def test_healing_caps_at_max() -> None:
    result = t.heal(fighter(hp=8), 5)
    assert hp(result.sheet) == 10
    assert result.events[0].data["healed"] == 2


def test_healing_from_zero_wakes_and_clears_death_saves() -> None:
    dying = t.take_damage(fighter(hp=2), 5).sheet
    dying = replace(dying, state=replace(dying.state, death_saves=DeathSaves(1, 2)))
    result = t.heal(dying, 3)
    state = result.sheet.state
    assert state.current_hp == 3
    assert state.death_saves == DeathSaves()
    assert Condition.UNCONSCIOUS not in state.conditions
    assert Condition.PRONE in state.conditions  # waking up does not stand you up
    assert "regained_consciousness" in kinds(result)


def test_cannot_heal_the_dead() -> None:
    with pytest.raises(RuleViolation):
        t.heal(fighter(hp=0, dead=True), 5)


def test_temp_hp_never_stack() -> None:
    sheet = fighter(temp_hp=10)
    assert t.gain_temp_hp(sheet, 12).sheet.state.temp_hp == 12
    assert t.gain_temp_hp(sheet, 4).sheet.state.temp_hp == 10
    assert t.gain_temp_hp(sheet, 4, keep_higher=False).sheet.state.temp_hp == 4


def test_temp_hp_at_zero_does_not_wake() -> None:
    dying = t.take_damage(fighter(hp=1), 2).sheet
    result = t.gain_temp_hp(dying, 5)
    assert Condition.UNCONSCIOUS in result.sheet.state.conditions
    assert result.sheet.state.current_hp == 0


# ------------------------------------------------------------------ death saves


def dying_fighter(successes: int = 0, failures: int = 0) -> Sheet:
    return fighter(hp=0, death_saves=DeathSaves(successes, failures),
                   conditions=frozenset({Condition.UNCONSCIOUS, Condition.PRONE}))


def test_natural_twenty_regains_one_hp() -> None:
    result = t.death_save(dying_fighter(0, 2), 20)
    state = result.sheet.state
    assert state.current_hp == 1 and state.death_saves == DeathSaves()
    assert Condition.UNCONSCIOUS not in state.conditions


def test_natural_one_counts_two_failures() -> None:
    assert t.death_save(dying_fighter(), 1).sheet.state.death_saves.failures == 2
    assert t.death_save(dying_fighter(0, 1), 1).sheet.state.dead


def test_success_and_failure_thresholds() -> None:
    assert t.death_save(dying_fighter(), 10).sheet.state.death_saves.successes == 1
    assert t.death_save(dying_fighter(), 9).sheet.state.death_saves.failures == 1


def test_three_successes_stabilise_three_failures_kill() -> None:
    stable = t.death_save(dying_fighter(2, 2), 15)
    assert stable.sheet.state.stable
    assert stable.sheet.state.death_saves == DeathSaves()
    assert "stabilized" in kinds(stable)
    dead = t.death_save(dying_fighter(2, 2), 5)
    assert dead.sheet.state.dead
    assert "died" in kinds(dead)


def test_death_save_preconditions() -> None:
    with pytest.raises(RuleViolation) as info:
        t.death_save(fighter(hp=4), 12)
    assert info.value.error.code == "not_dying"
    with pytest.raises(RuleViolation) as info:
        t.death_save(fighter(hp=0, stable=True), 12)
    assert info.value.error.code == "already_stable"
    with pytest.raises(RuleViolation):
        t.death_save(dying_fighter(), 21)


def test_stabilize() -> None:
    assert t.stabilize(dying_fighter(1, 2)).sheet.state.stable
    with pytest.raises(RuleViolation):
        t.stabilize(fighter())


# ------------------------------------------------------------------ conditions and concentration


def test_unconscious_brings_prone_and_ends_concentration() -> None:
    result = t.add_condition(fighter(concentration=("Bless",)), Condition.UNCONSCIOUS)
    assert {Condition.UNCONSCIOUS, Condition.PRONE} <= result.sheet.state.conditions
    assert Condition.INCAPACITATED in derive(result.sheet).conditions
    assert result.sheet.state.concentration == ()


@pytest.mark.parametrize("condition", [Condition.STUNNED, Condition.PARALYZED,
                                       Condition.PETRIFIED, Condition.INCAPACITATED])
def test_incapacitating_conditions_end_concentration(condition: Condition) -> None:
    result = t.add_condition(fighter(concentration=("Bless",)), condition)
    assert result.sheet.state.concentration == ()


def test_other_conditions_keep_concentration_and_can_be_removed() -> None:
    result = t.add_condition(fighter(concentration=("Bless",)), Condition.POISONED)
    assert result.sheet.state.concentration == ("Bless",)
    removed = t.remove_condition(result.sheet, Condition.POISONED)
    assert Condition.POISONED not in removed.sheet.state.conditions
    assert t.remove_condition(fighter(), Condition.BLINDED).events == ()


def test_exhaustion_levels_and_death_at_six() -> None:
    result = t.add_condition(fighter(exhaustion=2), Condition.EXHAUSTION)
    assert result.sheet.state.exhaustion == 3
    assert t.remove_condition(result.sheet, Condition.EXHAUSTION).sheet.state.exhaustion == 2
    assert t.change_exhaustion(fighter(exhaustion=5), 1).sheet.state.dead
    assert t.change_exhaustion(fighter(), -3).sheet.state.exhaustion == 0


def test_new_concentration_ends_the_old() -> None:
    first = t.start_concentration(fighter(), "Bless").sheet
    result = t.start_concentration(first, "Haste")
    assert result.sheet.state.concentration == ("Haste",)
    assert kinds(result) == ["concentration_ended", "concentration_started"]


def test_cannot_concentrate_while_incapacitated() -> None:
    with pytest.raises(RuleViolation):
        t.start_concentration(fighter(conditions=frozenset({Condition.STUNNED})), "Bless")


def test_concentration_save_outcomes() -> None:
    sheet = fighter(concentration=("Bless",))
    assert t.concentration_save(sheet, 12, 10).sheet.state.concentration == ("Bless",)
    assert t.concentration_save(sheet, 9, 10).sheet.state.concentration == ()
    assert t.concentration_save(fighter(), 1, 10).events == ()


# ------------------------------------------------------------------ hit dice, slots, resources


def test_spend_hit_die_heals_roll_plus_con_minimum_one() -> None:
    sheet = replace(make_sheet((ClassId.FIGHTER, 2), base=scores(con=14)),
                    state=PlayState(current_hp=5))
    result = t.spend_hit_die(sheet, 10, 4)
    assert hp(result.sheet) == 5 + 4 + 2
    assert result.sheet.state.hit_dice_spent == {10: 1}
    weak = replace(make_sheet((ClassId.FIGHTER, 2), base=scores(con=3)),
                   state=PlayState(current_hp=1))
    assert hp(t.spend_hit_die(weak, 10, 1).sheet) == 2


def test_hit_dice_limits() -> None:
    sheet = fighter(hp=5, hit_dice_spent={10: 1})
    with pytest.raises(RuleViolation) as info:
        t.spend_hit_die(sheet, 10, 5)
    assert info.value.error.code == "no_hit_dice"
    with pytest.raises(RuleViolation) as info:
        t.spend_hit_die(fighter(hp=5), 8, 5)
    assert info.value.error.code == "hit_die_unknown"
    with pytest.raises(RuleViolation):
        t.spend_hit_die(fighter(hp=5), 10, 11)


def test_spell_slots_spend_and_recover() -> None:
    wizard = make_sheet((ClassId.WIZARD, 1))
    once = t.spend_spell_slot(wizard, 1).sheet
    twice = t.spend_spell_slot(once, 1).sheet
    with pytest.raises(RuleViolation) as info:
        t.spend_spell_slot(twice, 1)
    assert info.value.error.code == "no_slot"
    with pytest.raises(RuleViolation):
        t.spend_spell_slot(wizard, 2)
    assert t.recover_spell_slot(twice, 1).sheet.state.slots_spent == {1: 1}
    with pytest.raises(RuleViolation):
        t.recover_spell_slot(wizard, 1)


def test_pact_slots() -> None:
    warlock = make_sheet((ClassId.WARLOCK, 1))
    spent = t.spend_pact_slot(warlock).sheet
    with pytest.raises(RuleViolation):
        t.spend_pact_slot(spent)
    with pytest.raises(RuleViolation):
        t.spend_pact_slot(make_sheet((ClassId.WIZARD, 1)))


def test_resources_spend_and_recover() -> None:
    barbarian = make_sheet((ClassId.BARBARIAN, 1))
    result = t.spend_resource(barbarian, "rage")
    assert result.sheet.state.resources_spent == {"rage": 1}
    with pytest.raises(RuleViolation) as info:
        t.spend_resource(result.sheet, "rage", 2)
    assert info.value.error.code == "resource_exhausted"
    with pytest.raises(RuleViolation) as info:
        t.spend_resource(barbarian, "sorcery-points")
    assert info.value.error.code == "unknown_resource"
    assert t.recover_resource(result.sheet, "rage").sheet.state.resources_spent == {"rage": 0}


# ------------------------------------------------------------------ rests


def test_short_rest_spends_dice_and_recovers_short_rest_resources() -> None:
    sheet = replace(
        make_sheet((ClassId.FIGHTER, 2), (ClassId.WARLOCK, 1), base=scores(con=10, str=13,
                                                                          cha=13)),
        state=PlayState(current_hp=5, pact_slots_spent=1,
                        resources_spent={"second-wind": 2, "action-surge": 1}),
    )
    result = t.short_rest(sheet, [(10, 6), (8, 3)])
    state = result.sheet.state
    assert state.current_hp == 5 + 6 + 3
    assert state.hit_dice_spent == {10: 1, 8: 1}
    assert state.pact_slots_spent == 0
    assert state.resources_spent == {"second-wind": 1}  # one use back; Action Surge all back
    assert kinds(result)[-1] == "short_rest"


def test_short_rest_keeps_long_rest_resources() -> None:
    sorcerer = replace(make_sheet((ClassId.SORCERER, 3)),
                       state=PlayState(resources_spent={"sorcery-points": 2}, slots_spent={1: 1}))
    state = t.short_rest(sorcerer).sheet.state
    assert state.resources_spent == {"sorcery-points": 2}
    assert state.slots_spent == {1: 1}


def test_long_rest_restores_everything_and_lowers_exhaustion() -> None:
    sheet = replace(
        make_sheet((ClassId.WIZARD, 5), base=scores(con=12)),
        state=PlayState(current_hp=3, temp_hp=4, hit_dice_spent={6: 5}, slots_spent={1: 3, 3: 2},
                        resources_spent={"arcane-recovery": 1}, exhaustion=2),
    )
    state = t.long_rest(sheet).sheet.state
    assert state.current_hp == derive(sheet).max_hp
    assert (state.temp_hp, state.hit_dice_spent, state.slots_spent) == (0, {}, {})
    assert state.resources_spent == {}
    assert state.exhaustion == 1


def test_rests_need_at_least_one_hp() -> None:
    for rest in (t.long_rest, t.short_rest):
        with pytest.raises(RuleViolation) as info:
            rest(fighter(hp=0))
        assert info.value.error.code == "rest_needs_hp"


# ------------------------------------------------------------------ level up


def test_level_up_fixed_hp_features_and_choices() -> None:
    sheet = replace(make_sheet((ClassId.FIGHTER, 3), base=scores(con=14)),
                    state=PlayState(current_hp=20))
    before = derive(sheet).max_hp
    result = t.level_up(sheet, ClassId.FIGHTER)
    after = derive(result.sheet)
    assert after.max_hp == before + 6 + 2
    assert result.sheet.state.current_hp == 20 + 8
    assert result.sheet.classes[0].level == 4
    events = kinds(result)
    assert "feature_gained" in events
    assert any(e.kind == "choice_needed" and e.data["choice"] == "improvement"
               for e in result.events)
    assert any(e.kind == "resource_changed" and e.data["resource"] == "second-wind"
               for e in result.events)


def test_level_up_with_roll_records_previous_levels_as_fixed() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 3), base=scores(con=10))
    result = t.level_up(sheet, ClassId.FIGHTER, hp_roll=2)
    assert result.sheet.classes[0].hp_rolls == (6, 6, 2)
    assert derive(result.sheet).max_hp == 10 + 6 + 6 + 2
    assert validate(result.sheet) == []
    with pytest.raises(RuleViolation):
        t.level_up(sheet, ClassId.FIGHTER, hp_roll=11)


def test_level_up_subclass_and_improvement() -> None:
    sheet = make_sheet((ClassId.WIZARD, 2))
    result = t.level_up(sheet, ClassId.WIZARD, subclass="evoker")
    assert result.sheet.classes[0].subclass == "evoker"
    gained = {e.data["feature"] for e in result.events if e.kind == "feature_gained"}
    assert gained == {"Wizard Subclass", "Evocation Savant", "Potent Cantrip"}
    assert not any(e.kind == "choice_needed" for e in result.events)
    assert "spell_slots_changed" in kinds(result)
    without = t.level_up(sheet, ClassId.WIZARD)
    assert any(e.data.get("choice") == "subclass" for e in without.events)
    with pytest.raises(RuleViolation):
        t.level_up(make_sheet((ClassId.WIZARD, 1)), ClassId.WIZARD, subclass="evoker")
    at_four = t.level_up(
        result.sheet, ClassId.WIZARD,
        improvement=Improvement(ImprovementKind.ASI, {Ability.INT: 2}),
    ).sheet
    assert at_four.improvements[-1].class_level == 4
    assert derive(at_four).scores[Ability.INT] == 13
    assert validate(at_four) == []


def test_level_up_multiclass_checks_prerequisites() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 3), base=scores(str=13, int=11))  # Int 12 in play
    with pytest.raises(RuleViolation) as info:
        t.level_up(sheet, ClassId.WIZARD)
    assert info.value.error.code == "multiclass_prerequisite"
    able = make_sheet((ClassId.FIGHTER, 3), base=scores(str=13, int=12))  # Int 13 in play
    result = t.level_up(able, ClassId.WIZARD, hp_roll=4)
    assert [e.class_id for e in result.sheet.classes] == [ClassId.FIGHTER, ClassId.WIZARD]
    assert result.sheet.classes[1].hp_rolls == (4,)
    assert validate(result.sheet) == []


def test_level_up_proficiency_bonus_event_and_cap() -> None:
    result = t.level_up(make_sheet((ClassId.ROGUE, 4)), ClassId.ROGUE)
    assert "proficiency_bonus_increased" in kinds(result)
    with pytest.raises(RuleViolation) as info:
        t.level_up(make_sheet((ClassId.ROGUE, 20)), ClassId.ROGUE)
    assert info.value.error.code == "max_level"


def test_level_up_epic_boon_choice_and_tough_scaling() -> None:
    sheet = make_sheet(ClassLevel(ClassId.FIGHTER, 18, "champion"), feats=(Feat("Tough"),))
    result = t.level_up(sheet, ClassId.FIGHTER)
    assert any(e.data.get("choice") == "epic-boon" for e in result.events)
    gained = next(e for e in result.events if e.kind == "hp_max_increased")
    assert gained.data["gained"] == 6 + 0 + 2  # fixed 6, Con +0, Tough +2


def test_level_up_rejects_improvements_at_other_levels() -> None:
    sheet = make_sheet((ClassId.WIZARD, 4))
    with pytest.raises(RuleViolation) as info:
        t.level_up(sheet, ClassId.WIZARD,
                   improvement=Improvement(ImprovementKind.ASI, {Ability.INT: 2}))
    assert info.value.error.code == "improvement_level_invalid"
    boon = Improvement(ImprovementKind.EPIC_BOON, {Ability.INT: 1}, "Boon of Spell Recall")
    with pytest.raises(RuleViolation):
        t.level_up(make_sheet((ClassId.WIZARD, 15)), ClassId.WIZARD, improvement=boon)
    result = t.level_up(make_sheet((ClassId.WIZARD, 18)), ClassId.WIZARD, improvement=boon)
    assert result.sheet.improvements[-1].class_level == 19
    assert not any(e.data.get("choice") == "epic-boon" for e in result.events)


def test_award_xp_announces_a_level() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 1), xp=250)
    result = t.award_xp(sheet, 60)
    assert result.sheet.xp == 310
    assert kinds(result) == ["xp_awarded", "level_up_available"]
    assert kinds(t.award_xp(result.sheet, 10)) == ["xp_awarded"]
    with pytest.raises(RuleViolation):
        t.award_xp(sheet, -1)


def test_heroic_inspiration_does_not_stack() -> None:
    inspired = t.set_heroic_inspiration(fighter(), True).sheet
    assert t.set_heroic_inspiration(inspired, True).sheet.state.heroic_inspiration
    spent = t.set_heroic_inspiration(inspired, False).sheet
    assert not spent.state.heroic_inspiration
    with pytest.raises(RuleViolation):
        t.set_heroic_inspiration(spent, False)
