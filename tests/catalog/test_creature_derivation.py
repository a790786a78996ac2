"""Creature totals are derived by ``rules.creatures`` from stored base values, and they match
what the SRD 5.2 stat blocks print.

The printed totals come straight from the raw open5e file; the base values from the importer.
A creature matches when every printed saving throw, skill, initiative, passive Perception and
Hit Points value is reproduced. The test prints the percentage and every mismatch.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest

from rules import creatures as rules
from rules.enums import SKILL_ABILITY
from rules.enums import Skill as RulesSkill
from subgraphs.catalog.importers.bundle import read_srd
from subgraphs.catalog.importers.open5e_creatures import ABILITY_FIELDS
from tests.catalog.srd_files import OPEN5E, real_srd_dir

REQUIRED_SHARE = 0.98


def test_proficiency_bonus_and_xp_follow_the_challenge_rating() -> None:
    assert rules.proficiency_bonus_for_cr(Fraction(1, 4)) == 2
    assert [rules.proficiency_bonus_for_cr(Fraction(cr)) for cr in (4, 5, 8, 9, 17, 29, 30)] == [
        2, 3, 3, 4, 6, 9, 9,
    ]  # fmt: skip
    assert rules.xp_for_cr(Fraction(0)) == 10
    assert rules.xp_for_cr(Fraction(1, 8)) == 25
    assert rules.xp_for_cr(Fraction(17)) == 18000
    assert rules.xp_for_cr(Fraction(30)) == 155000
    assert rules.cr_text(Fraction(1, 2)) == "1/2" and rules.cr_text(Fraction(12)) == "12"
    assert len(rules.challenge_ratings()) == 34
    with pytest.raises(ValueError, match="not a Challenge Rating"):
        rules.proficiency_bonus_for_cr(Fraction(1, 3))


def test_bonuses_and_hit_points() -> None:
    assert rules.average_hit_points(3, 6, 0) == 10  # 10.5 rounds down
    assert rules.average_hit_points(19, 12, 133) == 256
    assert rules.average_hit_points(1, 4, -5) == 1  # never below 1
    assert rules.saving_throw_bonus(15, 0, 2) == 2
    assert rules.skill_bonus(15, 2, 2) == 6  # expertise
    assert rules.passive_perception(13, 2, 6) == 23
    assert rules.initiative_bonus(10, 2, 6) == 12
    assert rules.proficiency_multiplier(6, 15, 2) == 2
    assert rules.proficiency_multiplier(7, 15, 2) is None
    with pytest.raises(ValueError):
        rules.skill_bonus(10, 3, 2)
    with pytest.raises(ValueError):
        rules.average_hit_points(0, 6, 0)


def _printed(raw: dict[str, Any]) -> dict[str, int]:
    """The totals a stat block prints, keyed by what they are."""
    printed: dict[str, int] = {}
    for ability, word in ABILITY_FIELDS.items():
        value = raw[f"saving_throw_{word}"]
        if value is not None:
            printed[f"save {ability.value}"] = value
    for skill in RulesSkill:
        value = raw[f"skill_bonus_{skill.value.replace('-', '_')}"]
        if value is not None:
            printed[f"skill {skill.value}"] = value
    printed["initiative"] = raw["initiative_bonus"]
    printed["passive perception"] = raw["passive_perception"]
    printed["hit points"] = raw["hit_points"]
    return printed


def _derived(columns: Any, printed: dict[str, int]) -> dict[str, int]:
    """The same totals, computed by the rules engine from the stored base values."""
    scores = columns["ability_scores"]
    pb = rules.proficiency_bonus_for_cr(Fraction(columns["challenge_rating"]).limit_denominator(8))
    derived: dict[str, int] = {}
    for key in printed:
        kind, _, name = key.partition(" ")
        if kind == "save":
            multiplier = columns["save_proficiencies"].get(name, 0)
            derived[key] = rules.saving_throw_bonus(scores[name], multiplier, pb)
        elif kind == "skill":
            ability = SKILL_ABILITY[RulesSkill(name)].value
            multiplier = columns["skill_proficiencies"].get(name, 0)
            derived[key] = rules.skill_bonus(scores[ability], multiplier, pb)
    derived["initiative"] = rules.initiative_bonus(
        scores["dex"], columns["initiative_proficiency"], pb
    )
    derived["passive perception"] = rules.passive_perception(
        scores["wis"], columns["skill_proficiencies"].get("perception", 0), pb
    )
    derived["hit points"] = rules.average_hit_points(
        columns["hit_dice_count"], columns["hit_die"], columns["hit_points_bonus"]
    )
    return derived


def test_derived_totals_reproduce_the_printed_stat_blocks() -> None:
    srd = real_srd_dir()
    raw = {
        entry["pk"]: entry["fields"]
        for entry in json.loads((srd / OPEN5E / "Creature.json").read_text(encoding="utf-8"))
    }
    records = read_srd(srd).entries["creature"]
    assert len(records) == len(raw)
    mismatches: list[str] = []
    compared = 0
    for record in records:
        printed = _printed(raw[record.provenance.source_key])
        derived = _derived(record.columns, printed)
        compared += len(printed)
        wrong = [
            f"{key} printed {printed[key]} derived {derived[key]}"
            for key in printed
            if printed[key] != derived[key]
        ]
        if wrong:
            mismatches.append(f"{record.slug}: " + "; ".join(wrong))
    share = 1 - len(mismatches) / len(records)
    print(
        f"\ncreature derivation: {len(records) - len(mismatches)}/{len(records)} stat blocks "
        f"({share:.1%}) reproduce every printed total ({compared} totals compared)"
    )
    for mismatch in mismatches:
        print(f"  mismatch: {mismatch}")
    assert share >= REQUIRED_SHARE
