"""Our class tables against the SRD 5.2 JSON, level by level, for all twelve classes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rules.class_numbers import class_numbers, weapon_mastery_count
from rules.classes import CLASSES, CasterType
from rules.enums import Ability, ClassId
from rules.progression import proficiency_bonus
from rules.resources import resource_maxima
from rules.spellcasting import (
    CasterLevels,
    cantrips_known,
    pact_slots,
    prepared_spells,
    spell_slots,
)
from rules.subclasses import SUBCLASSES
from tests.rules import srd

LEVELS = range(1, 21)
ALL_CLASSES = list(ClassId)
NO_MODS = {ability: 0 for ability in Ability}


@pytest.mark.parametrize("class_id", ALL_CLASSES)
def test_proficiency_bonus_matches_srd(class_id: ClassId) -> None:
    rows = srd.class_levels()
    for level in LEVELS:
        assert proficiency_bonus(level) == rows[(class_id.value, level)]["prof_bonus"]


@pytest.mark.parametrize("class_id", ALL_CLASSES)
def test_hit_die_and_saves_match_srd(class_id: ClassId) -> None:
    row = srd.classes()[class_id.value]
    info = CLASSES[class_id]
    assert info.hit_die == row["hit_die"]
    assert {a.value for a in info.saving_throws} == {s["index"] for s in row["saving_throws"]}


@pytest.mark.parametrize("class_id", ALL_CLASSES)
def test_multiclass_prerequisites_match_srd(class_id: ClassId) -> None:
    multi = srd.classes()[class_id.value]["multi_classing"]
    ours = CLASSES[class_id].multiclass_prerequisites
    if "prerequisite_options" in multi:  # "choose one of" (Fighter: Str or Dex)
        options = multi["prerequisite_options"]["from"]["options"]
        assert ours == (tuple(Ability(o["ability_score"]["index"]) for o in options),)
        assert all(o["minimum_score"] == 13 for o in options)
    else:
        wanted = tuple((Ability(p["ability_score"]["index"]),) for p in multi["prerequisites"])
        assert ours == wanted
        assert all(p["minimum_score"] == 13 for p in multi["prerequisites"])


def _srd_slots(row: dict[str, object]) -> tuple[int, ...]:
    casting = row.get("spellcasting")
    if not isinstance(casting, dict):
        return (0,) * 9
    return tuple(int(casting.get(f"spell_slots_level_{n}", 0)) for n in range(1, 10))


@pytest.mark.parametrize(
    "class_id", [c for c in ALL_CLASSES if CLASSES[c].caster in (CasterType.FULL, CasterType.HALF)]
)
def test_single_class_spell_slots_match_srd(class_id: ClassId) -> None:
    rows = srd.class_levels()
    for level in LEVELS:
        ours = spell_slots([CasterLevels(class_id, level)])
        assert ours == _srd_slots(rows[(class_id.value, level)]), f"{class_id} {level}"


def test_pact_slots_match_srd() -> None:
    rows = srd.class_levels()
    for level in LEVELS:
        srd_slots = _srd_slots(rows[("warlock", level)])
        table = pact_slots(level)
        expected = [0] * 9
        expected[table.slot_level - 1] = table.count
        assert tuple(expected) == srd_slots, f"warlock {level}"
        # Pact Magic never shows up as ordinary Spellcasting slots.
        assert spell_slots([CasterLevels(ClassId.WARLOCK, level)]) == (0,) * 9


@pytest.mark.parametrize(
    "class_id", [c for c in ALL_CLASSES if CLASSES[c].caster is not CasterType.NONE]
)
def test_cantrips_and_prepared_match_srd(class_id: ClassId) -> None:
    rows = srd.class_levels()
    for level in LEVELS:
        casting = rows[(class_id.value, level)]["spellcasting"]
        entry = CasterLevels(class_id, level)
        name = class_id.value
        assert cantrips_known(entry) == srd.srd_value(
            name, level, "cantrips_known", casting["cantrips_known"]
        ), f"{name} {level} cantrips"
        assert prepared_spells(entry) == srd.srd_value(
            name, level, "prepared_spells", casting["prepared_spells"]
        ), f"{name} {level} prepared"


# SRD class_specific key -> (class, our resource id)
RESOURCE_KEYS = [
    ("barbarian", "rage_count", "rage"),
    ("cleric", "channel_divinity_charges", "channel-divinity"),
    ("paladin", "channel_divinity_charges", "channel-divinity"),
    ("druid", "wild_shape_uses", "wild-shape"),
    ("fighter", "second_wind_uses", "second-wind"),
    ("monk", "focus_points", "focus-points"),
    ("sorcerer", "sorcery_points", "sorcery-points"),
    ("ranger", "favored_enemies", "favored-enemy"),
]


@pytest.mark.parametrize(("cls", "key", "resource"), RESOURCE_KEYS)
def test_resource_maxima_match_srd(cls: str, key: str, resource: str) -> None:
    rows = srd.class_levels()
    class_id = ClassId(cls)
    for level in LEVELS:
        expected = rows[(cls, level)]["class_specific"][key]
        found = resource_maxima({class_id: level}, NO_MODS).get(resource)
        assert (found.maximum if found else 0) == expected, f"{cls} {level} {resource}"


@pytest.mark.parametrize("class_id", ALL_CLASSES)
def test_level_scaled_numbers_match_srd(class_id: ClassId) -> None:
    rows = srd.class_levels()
    for level in LEVELS:
        specific = rows[(class_id.value, level)].get("class_specific") or {}
        ours = class_numbers(class_id, level)
        if "weapon_mastery" in specific:
            assert weapon_mastery_count(class_id, level) == specific["weapon_mastery"]
        if "rage_damage_bonus" in specific:
            assert ours["rage_damage"] == specific["rage_damage_bonus"]
        if "martial_arts_die" in specific:
            assert ours["martial_arts_die"] == f"d{specific['martial_arts_die']}"
        if specific.get("unarmored_movement_bonus"):
            assert ours["unarmored_movement"] == specific["unarmored_movement_bonus"]
        if "sneak_attack" in specific:
            sneak = specific["sneak_attack"]
            assert ours["sneak_attack"] == f"{sneak['dice_count']}d{sneak['dice_value']}"
        if "bardic_inspiration_die" in specific:
            assert ours["bardic_inspiration_die"] == f"d{specific['bardic_inspiration_die']}"
        if "eldritch_invocations" in specific:
            assert ours["eldritch_invocations"] == specific["eldritch_invocations"]


@pytest.mark.parametrize("class_id", ALL_CLASSES)
def test_asi_epic_boon_and_subclass_levels_match_srd(class_id: ClassId) -> None:
    rows = srd.class_levels()
    info = CLASSES[class_id]

    def levels_with(predicate: Callable[[str], bool]) -> list[int]:
        return [
            lvl for lvl in LEVELS
            if any(predicate(f["index"]) for f in rows[(class_id.value, lvl)]["features"])
        ]

    asi = levels_with(lambda index: index.endswith("ability-score-improvement"))
    boon = levels_with(lambda index: index.endswith("epic-boon"))
    subclass = levels_with(lambda index: index == f"{class_id.value}-subclass")
    assert list(info.asi_levels) == asi
    assert [info.epic_boon_level] == boon
    assert subclass and subclass[0] == info.subclass_level


@pytest.mark.parametrize("class_id", ALL_CLASSES)
def test_feature_counts_per_level_track_srd(class_id: ClassId) -> None:
    """Every SRD base-class feature row has a feature of ours at the same level."""
    rows = srd.class_levels()
    info = CLASSES[class_id]
    for level in LEVELS:
        if rows[(class_id.value, level)]["features"]:
            assert info.features.get(level), f"{class_id} {level} has no features"


def test_subclass_features_match_srd() -> None:
    rows = srd.subclass_levels()
    assert {slug for slug, _ in rows} == set(SUBCLASSES)
    for (slug, level), names in rows.items():
        assert SUBCLASSES[slug].features.get(level) == tuple(names), f"{slug} {level}"
    for slug, info in SUBCLASSES.items():
        assert set(info.features) == {lvl for s, lvl in rows if s == slug}
        assert srd.subclasses()[slug]["class"]["index"] == info.class_id.value
