"""Spell slots for single-class, multiclass, third and pact casters; DC and attack."""

from __future__ import annotations

import itertools

import pytest

from rules.enums import ClassId
from rules.spellcasting import (
    SLOTS_BY_CASTER_LEVEL,
    CasterLevels,
    cantrips_known,
    multiclass_caster_level,
    pact_slots,
    prepared_spells,
    slots_as_mapping,
    slots_for_caster_level,
    spell_attack_bonus,
    spell_save_dc,
    spell_slots,
)

C = CasterLevels


def test_full_caster_spot_checks() -> None:
    assert spell_slots([C(ClassId.WIZARD, 1)]) == (2, 0, 0, 0, 0, 0, 0, 0, 0)
    assert spell_slots([C(ClassId.CLERIC, 5)]) == (4, 3, 2, 0, 0, 0, 0, 0, 0)
    assert spell_slots([C(ClassId.BARD, 20)]) == (4, 3, 3, 3, 3, 2, 2, 1, 1)


def test_half_caster_single_class_uses_its_own_table() -> None:
    assert spell_slots([C(ClassId.PALADIN, 1)]) == (2, 0, 0, 0, 0, 0, 0, 0, 0)
    assert spell_slots([C(ClassId.RANGER, 5)]) == (4, 2, 0, 0, 0, 0, 0, 0, 0)
    assert spell_slots([C(ClassId.PALADIN, 20)]) == (4, 3, 3, 3, 2, 0, 0, 0, 0)


def test_multiclass_half_casters_round_up() -> None:
    # Paladin 3 -> 2 (rounded up) + Sorcerer 3 = caster level 5.
    entries = [C(ClassId.PALADIN, 3), C(ClassId.SORCERER, 3)]
    assert multiclass_caster_level(entries) == 5
    assert spell_slots(entries) == SLOTS_BY_CASTER_LEVEL[4]
    # Paladin 1 + Ranger 1 -> 1 + 1 = 2.
    assert spell_slots([C(ClassId.PALADIN, 1), C(ClassId.RANGER, 1)]) == SLOTS_BY_CASTER_LEVEL[1]


def test_multiclass_full_casters_add_up() -> None:
    entries = [C(ClassId.WIZARD, 5), C(ClassId.CLERIC, 4), C(ClassId.DRUID, 2)]
    assert multiclass_caster_level(entries) == 11
    assert spell_slots(entries) == (4, 3, 3, 3, 2, 1, 0, 0, 0)


def test_non_casters_do_not_count_and_warlock_stays_apart() -> None:
    entries = [C(ClassId.FIGHTER, 5), C(ClassId.WIZARD, 3), C(ClassId.WARLOCK, 5)]
    # Only one Spellcasting class: the Wizard's own table at level 3.
    assert spell_slots(entries) == (4, 2, 0, 0, 0, 0, 0, 0, 0)
    assert pact_slots(5).count == 2 and pact_slots(5).slot_level == 3


def test_third_casters() -> None:
    knight = C(ClassId.FIGHTER, 3, "eldritch-knight")
    assert spell_slots([knight]) == (2, 0, 0, 0, 0, 0, 0, 0, 0)
    assert spell_slots([C(ClassId.FIGHTER, 2, "eldritch-knight")]) == (0,) * 9
    assert spell_slots([C(ClassId.ROGUE, 19, "arcane-trickster")]) == (4, 3, 3, 1, 0, 0, 0, 0, 0)
    # Multiclass: one third rounded down (Fighter 8 -> 2) + Wizard 2 = 4.
    assert multiclass_caster_level([C(ClassId.FIGHTER, 8, "eldritch-knight"),
                                    C(ClassId.WIZARD, 2)]) == 4
    # A Fighter without a casting subclass adds nothing.
    assert spell_slots([C(ClassId.FIGHTER, 9, "champion")]) == (0,) * 9
    assert cantrips_known(knight) == 2
    assert prepared_spells(knight) == 3


def test_no_casters_no_slots() -> None:
    assert spell_slots([C(ClassId.BARBARIAN, 20), C(ClassId.MONK, 1)]) == (0,) * 9
    assert slots_for_caster_level(0) == (0,) * 9
    assert pact_slots(0).count == 0


@pytest.mark.parametrize(("level", "count", "slot_level"),
                         [(1, 1, 1), (2, 2, 1), (3, 2, 2), (9, 2, 5), (11, 3, 5), (17, 4, 5)])
def test_pact_slot_spot_checks(level: int, count: int, slot_level: int) -> None:
    table = pact_slots(level)
    assert (table.count, table.slot_level) == (count, slot_level)


def test_srd_errata_values_are_the_corrected_ones() -> None:
    assert cantrips_known(C(ClassId.DRUID, 7)) == 3
    assert cantrips_known(C(ClassId.DRUID, 16)) == 4
    assert prepared_spells(C(ClassId.WIZARD, 20)) == 25
    assert prepared_spells(C(ClassId.WIZARD, 16)) == 21


def test_dc_and_attack() -> None:
    assert spell_save_dc(2, 3) == 13
    assert spell_attack_bonus(6, 5) == 11


def test_slots_as_mapping_skips_empty_levels() -> None:
    assert slots_as_mapping((4, 2, 0, 0, 0, 0, 0, 0, 0)) == {1: 4, 2: 2}


def test_slot_table_never_decreases_with_caster_level() -> None:
    for lower, higher in itertools.pairwise(SLOTS_BY_CASTER_LEVEL):
        assert all(b >= a for a, b in zip(lower, higher, strict=True))
