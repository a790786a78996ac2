"""Conditions, armor and species traits as Advantage/Disadvantage per D20 Test kind."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.conditions import effective_conditions
from rules.derive import derive
from rules.dice import RollMode
from rules.enums import SKILL_ABILITY, Ability, ClassId, Condition, Size, Skill
from rules.roll_modes import AttackedSummary, RollInputs, RollModes, RollSummary, roll_modes
from rules.sheet import PlayState
from tests.rules.builders import equipped, make_sheet, scores

ADV, DIS, NORMAL = RollMode.ADVANTAGE, RollMode.DISADVANTAGE, RollMode.NORMAL
PHYSICAL = (Ability.STR, Ability.DEX)
MENTAL = (Ability.CON, Ability.INT, Ability.WIS, Ability.CHA)


def modes(*conditions: Condition, **extra: object) -> RollModes:
    return roll_modes(RollInputs(effective_conditions(conditions), **extra))  # type: ignore[arg-type]


def all_summaries(m: RollModes) -> list[RollSummary]:
    return [m.attack, m.initiative, *m.checks.values(), *m.skills.values(), *m.saves.values()]


def test_no_conditions_means_every_roll_is_normal() -> None:
    m = modes()
    for summary in all_summaries(m):
        assert summary.mode is NORMAL
        assert summary.advantage == summary.disadvantage == summary.auto_fail == ()
    assert m.attacked_within_5ft.mode is m.attacked_beyond_5ft.mode is NORMAL


def test_poisoned_gives_disadvantage_on_attacks_and_all_checks_not_saves() -> None:
    m = modes(Condition.POISONED)
    assert m.attack.mode is DIS and m.attack.disadvantage == ("Poisoned",)
    assert all(s.mode is DIS for s in m.checks.values())
    assert all(s.mode is DIS for s in m.skills.values())
    assert m.initiative.mode is DIS  # Initiative is a Dexterity check
    assert all(s.mode is NORMAL for s in m.saves.values())
    assert m.attacked_within_5ft.mode is NORMAL


def test_frightened_matches_poisoned_for_own_rolls() -> None:
    m = modes(Condition.FRIGHTENED)
    assert m.attack.mode is DIS and m.checks[Ability.WIS].mode is DIS
    assert "source of fear" in m.attack.disadvantage[0]
    assert m.saves[Ability.WIS].mode is NORMAL


def test_prone_depends_on_the_attackers_distance() -> None:
    m = modes(Condition.PRONE)
    assert m.attack.mode is DIS
    assert m.attacked_within_5ft.mode is ADV
    assert m.attacked_beyond_5ft.mode is DIS
    assert m.attacked_within_5ft.critical_on_hit == ()


def test_blinded() -> None:
    m = modes(Condition.BLINDED)
    assert m.attack.mode is DIS
    assert m.attacked_within_5ft.mode is m.attacked_beyond_5ft.mode is ADV
    assert m.checks[Ability.WIS].mode is NORMAL
    assert any("sight" in text for text in m.checks[Ability.WIS].situational)


def test_restrained() -> None:
    m = modes(Condition.RESTRAINED)
    assert m.attack.mode is DIS
    assert m.saves[Ability.DEX].mode is DIS
    assert m.saves[Ability.STR].mode is NORMAL
    assert m.attacked_beyond_5ft.mode is ADV


def test_invisible() -> None:
    m = modes(Condition.INVISIBLE)
    assert m.attack.mode is ADV
    assert m.initiative.mode is ADV
    assert m.attacked_within_5ft.mode is m.attacked_beyond_5ft.mode is DIS


@pytest.mark.parametrize("condition", [Condition.PARALYZED, Condition.PETRIFIED,
                                       Condition.STUNNED, Condition.UNCONSCIOUS])
def test_helpless_conditions_fail_str_and_dex_saves(condition: Condition) -> None:
    m = modes(condition)
    for ability in PHYSICAL:
        assert m.saves[ability].fails_automatically
        assert condition.value.title() in m.saves[ability].auto_fail
    for ability in MENTAL:
        assert not m.saves[ability].fails_automatically
    assert m.attacked_within_5ft.mode is ADV
    assert condition.value.title() in m.attacked_beyond_5ft.advantage
    assert m.initiative.mode is DIS  # all of them bring Incapacitated


@pytest.mark.parametrize(("condition", "crit"), [
    (Condition.PARALYZED, True), (Condition.UNCONSCIOUS, True),
    (Condition.STUNNED, False), (Condition.PETRIFIED, False),
])
def test_critical_hits_within_five_feet(condition: Condition, crit: bool) -> None:
    m = modes(condition)
    assert bool(m.attacked_within_5ft.critical_on_hit) is crit
    assert m.attacked_beyond_5ft.critical_on_hit == ()


def test_unconscious_brings_prone_but_attacks_from_afar_still_have_advantage() -> None:
    m = modes(Condition.UNCONSCIOUS)
    # Unconscious gives Advantage; Prone at range gives Disadvantage: they cancel out.
    assert m.attacked_beyond_5ft.mode is NORMAL
    assert "Unconscious" in m.attacked_beyond_5ft.advantage
    assert "Prone" in m.attacked_beyond_5ft.disadvantage
    assert m.attacked_within_5ft.mode is ADV


def test_advantage_and_disadvantage_cancel() -> None:
    m = modes(Condition.INVISIBLE, Condition.POISONED)
    assert m.attack.mode is NORMAL
    assert m.attack.advantage and m.attack.disadvantage


def test_grappled_and_charmed_are_situational_only() -> None:
    m = modes(Condition.GRAPPLED, Condition.CHARMED)
    assert m.attack.mode is NORMAL
    assert len(m.attack.situational) == 2


def test_deafened_is_situational_on_checks() -> None:
    m = modes(Condition.DEAFENED)
    assert all(s.mode is NORMAL for s in m.checks.values())
    assert any("hearing" in text for text in m.skills[Skill.PERCEPTION].situational)


def test_exhaustion_penalty_is_reported_everywhere() -> None:
    m = roll_modes(RollInputs(effective_conditions((), 3), exhaustion=3))
    assert {s.penalty for s in all_summaries(m)} == {-6}
    assert m.attack.mode is NORMAL


def test_untrained_armor_hinders_str_and_dex_tests() -> None:
    m = modes(untrained_armor="Plate Armor")
    assert m.attack.mode is DIS
    for ability in PHYSICAL:
        assert m.checks[ability].mode is DIS and m.saves[ability].mode is DIS
    for ability in MENTAL:
        assert m.checks[ability].mode is NORMAL and m.saves[ability].mode is NORMAL
    assert m.skills[Skill.ATHLETICS].mode is DIS and m.skills[Skill.ARCANA].mode is NORMAL


def test_stealth_armor_hinders_only_stealth() -> None:
    m = modes(stealth_disadvantage_armor="Chain Mail")
    assert m.skills[Skill.STEALTH].mode is DIS
    assert m.skills[Skill.ACROBATICS].mode is NORMAL
    assert m.checks[Ability.DEX].mode is NORMAL


# ------------------------------------------------------------------ through derive


def test_derive_fills_roll_modes_from_state_armor_and_species() -> None:
    sheet = make_sheet((ClassId.WIZARD, 1), base=scores(str=16), species="gnome",
                       lineage="rock-gnome",
                       equipment=(equipped("armor/chain-mail"),),
                       state=PlayState(conditions=frozenset({Condition.PRONE})))
    m = derive(sheet).roll_modes
    assert m.skills[Skill.STEALTH].mode is DIS
    assert any("untrained" in t for t in m.saves[Ability.DEX].disadvantage)
    assert m.saves[Ability.INT].mode is ADV
    assert m.saves[Ability.INT].advantage == ("Gnomish Cunning",)
    assert m.attacked_within_5ft.mode is ADV


def test_condition_save_traits_stay_situational() -> None:
    m = derive(make_sheet(species="dwarf")).roll_modes
    assert m.saves[Ability.CON].mode is NORMAL
    assert any("Poisoned" in t for t in m.saves[Ability.CON].situational)
    halfling = derive(make_sheet(species="halfling", size=Size.SMALL)).roll_modes
    assert any("Luck" in t for t in halfling.attack.situational)


# ------------------------------------------------------------------ properties


@settings(max_examples=100, deadline=None)
@given(st.frozensets(st.sampled_from(list(Condition))))
def test_mode_always_agrees_with_its_reasons(conditions: frozenset[Condition]) -> None:
    m = roll_modes(RollInputs(effective_conditions(conditions)))
    summaries: list[RollSummary | AttackedSummary] = [
        *all_summaries(m), m.attacked_within_5ft, m.attacked_beyond_5ft,
    ]
    for summary in summaries:
        has_adv, has_dis = bool(summary.advantage), bool(summary.disadvantage)
        expected = ADV if has_adv and not has_dis else DIS if has_dis and not has_adv else NORMAL
        assert summary.mode is expected


@settings(max_examples=100, deadline=None)
@given(st.frozensets(st.sampled_from(list(Condition))))
def test_mental_saves_never_fail_automatically(conditions: frozenset[Condition]) -> None:
    m = roll_modes(RollInputs(effective_conditions(conditions)))
    assert not any(m.saves[a].auto_fail for a in MENTAL)
    assert set(m.skills) == set(Skill) and set(m.saves) == set(m.checks) == set(Ability)


@settings(max_examples=100, deadline=None)
@given(st.frozensets(st.sampled_from(list(Condition))))
def test_a_skill_is_never_easier_than_its_ability_check(conditions: frozenset[Condition]) -> None:
    """Skills inherit every reason of their ability's check (Stealth may add armor)."""
    m = roll_modes(RollInputs(effective_conditions(conditions), untrained_armor="Plate"))
    for skill, summary in m.skills.items():
        check = m.checks[SKILL_ABILITY[skill]]
        assert summary.disadvantage[: len(check.disadvantage)] == check.disadvantage
        assert summary.advantage == check.advantage


def test_derived_json_carries_the_new_sections() -> None:
    import json

    from rules.serialize import derived_to_dict

    sheet = make_sheet(species="dwarf", state=PlayState(conditions=frozenset({Condition.PRONE})))
    data = json.loads(json.dumps(derived_to_dict(derive(sheet))))
    assert data["roll_modes"]["attack"]["mode"] == "disadvantage"
    assert data["roll_modes"]["attacked_within_5ft"]["advantage"] == ["Prone"]
    assert data["roll_modes"]["saves"]["str"]["auto_fail"] == []
    assert data["defenses"]["resistances"] == ["poison"]
    assert data["defenses"]["sources"] == {"poison": ["Dwarven Resilience"]}
    assert data["senses"] == {"darkvision": 120}
    assert data["species_traits"]["condition_save_advantages"] == {
        "poisoned": "Dwarven Resilience"}
