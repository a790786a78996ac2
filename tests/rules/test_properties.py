"""Property tests: invariants that hold for any sheet, not just hand-picked ones."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from rules import transitions as t
from rules.abilities import modifier
from rules.classes import CLASSES
from rules.derive import derive
from rules.enums import Ability, ClassId, Condition
from rules.errors import RuleViolation
from rules.sheet import ClassLevel, DeathSaves, Sheet
from rules.spellcasting import CasterLevels, multiclass_caster_level, spell_slots
from tests.rules.builders import make_sheet

score = st.integers(min_value=3, max_value=20)


@st.composite
def sheets(draw: st.DrawFn) -> Sheet:
    chosen = draw(st.lists(st.sampled_from(list(ClassId)), min_size=1, max_size=3, unique=True))
    remaining = 20
    entries = []
    for class_id in chosen:
        level = draw(st.integers(min_value=1, max_value=max(1, remaining - (len(chosen) - 1))))
        level = min(level, remaining)
        if level < 1:
            break
        remaining -= level
        entries.append(ClassLevel(class_id, level))
    base = {ability: draw(score) for ability in Ability}
    return make_sheet(*entries, base=base)


@settings(max_examples=60, deadline=None)
@given(sheets())
def test_derived_numbers_are_consistent(sheet: Sheet) -> None:
    d = derive(sheet)
    level = sheet.total_level
    assert 1 <= level <= 20
    assert d.proficiency_bonus == 2 + (level - 1) // 4
    assert d.max_hp >= level  # at least 1 per level
    assert sum(pool.total for pool in d.hit_dice) == level
    assert d.current_hp == d.max_hp
    for skill, line in d.skills.items():
        floor = d.modifiers[line.ability]
        assert line.bonus >= floor, skill
        assert line.passive == 10 + line.bonus
    assert d.armor_class.value == max(option.value for option in d.armor_class.options)
    con = modifier(d.scores[Ability.CON])
    first = CLASSES[sheet.classes[0].class_id].hit_die
    assert d.max_hp >= max(1, first + con)


@given(st.sampled_from(list(ClassId)), st.integers(1, 19))
def test_a_new_class_level_never_loses_slots(class_id: ClassId, level: int) -> None:
    lower = spell_slots([CasterLevels(class_id, level)])
    higher = spell_slots([CasterLevels(class_id, level + 1)])
    assert all(b >= a for a, b in zip(lower, higher, strict=True))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(list(ClassId)), st.integers(1, 19)), min_size=2,
                max_size=4, unique_by=lambda pair: pair[0]), st.integers(0, 3))
def test_multiclass_caster_level_grows_with_any_class(
    entries: list[tuple[ClassId, int]], which: int
) -> None:
    casters = [CasterLevels(c, lvl) for c, lvl in entries]
    index = which % len(casters)
    grown = list(casters)
    grown[index] = replace(casters[index], level=casters[index].level + 1)
    assert multiclass_caster_level(grown) >= multiclass_caster_level(casters)
    assert multiclass_caster_level(grown) - multiclass_caster_level(casters) <= 1


@settings(max_examples=80, deadline=None)
@given(sheets(), st.lists(st.tuples(st.sampled_from(["damage", "heal", "temp"]),
                                    st.integers(0, 30)), max_size=12))
def test_hp_stays_in_range_through_any_damage_and_healing(
    sheet: Sheet, actions: list[tuple[str, int]]
) -> None:
    for action, amount in actions:
        try:
            if action == "damage":
                sheet = t.take_damage(sheet, amount).sheet
            elif action == "heal":
                sheet = t.heal(sheet, amount).sheet
            else:
                sheet = t.gain_temp_hp(sheet, amount).sheet
        except RuleViolation as exc:
            assert exc.error.code == "character_dead"
            assert sheet.state.dead
            break
        d = derive(sheet)
        assert 0 <= d.current_hp <= d.max_hp
        assert sheet.state.temp_hp >= 0
        assert 0 <= sheet.state.death_saves.failures <= 3
        if d.current_hp > 0:
            assert sheet.state.death_saves == DeathSaves()
            assert Condition.UNCONSCIOUS not in sheet.state.conditions
