"""The catalog importers on their own: parsing, normalising and rejecting files (no database)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import rules.enums
from subgraphs.catalog import enums
from subgraphs.catalog.enums import (
    Ability,
    CastingTimeUnit,
    DamageType,
    MagicSchool,
    RangeKind,
    ScalingKind,
)
from subgraphs.catalog.importers import fivee_database, open5e
from subgraphs.catalog.importers.bundle import read_srd
from subgraphs.catalog.importers.location import PROJECT_ROOT, resolve_srd_dir
from tests.catalog.srd_files import (
    FIVEE,
    OPEN5E,
    MalformedCase,
    assert_malformed,
    real_srd_dir,
    sample_classes,
    sample_spells,
    spell,
    write_srd,
)


def test_sample_spells_are_normalised(tmp_path: Path) -> None:
    bundle = read_srd(write_srd(tmp_path))
    spells = {s.slug: s for s in bundle.spells}
    assert set(spells) == {"spell/fireball", "spell/shield", "spell/alarm"}
    fireball = spells["spell/fireball"]
    assert (fireball.level, fireball.school, fireball.saving_throw) == (
        3,
        MagicSchool.EVOCATION,
        Ability.DEX,
    )
    assert fireball.class_keys == ("class/sorcerer", "class/wizard")
    assert fireball.damage_types == (DamageType.FIRE,)
    assert (fireball.range_kind, fireball.range_feet) == (RangeKind.DISTANCE, 150)
    assert fireball.material_text == "a ball of bat guano and sulfur"
    assert [(s.kind, s.level, s.damage_roll) for s in fireball.scaling] == [
        (ScalingKind.SLOT_LEVEL, 4, "9d6")
    ]
    assert fireball.provenance.source_key == "srd-2024_fireball"
    assert fireball.provenance.document.license == "CC-BY-4.0"
    shield = spells["spell/shield"]
    assert (shield.casting_time_unit, shield.range_kind, shield.range_feet) == (
        CastingTimeUnit.REACTION,
        RangeKind.SELF,
        None,
    )
    assert shield.reaction_trigger == "which you take when you are hit"
    alarm = spells["spell/alarm"]
    assert (alarm.casting_time_unit, alarm.casting_time_amount, alarm.ritual) == (
        CastingTimeUnit.MINUTE,
        1,
        True,
    )
    assert {c.slug for c in bundle.classes} == {"class/wizard", "class/fighter"}
    assert list(bundle.documents) == ["srd-5.2"]


def _mutate_spell(field: str, value: Any) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        spells = sample_spells()
        spells[0]["fields"][field] = value
        write_srd(root, spells=spells)

    return mutate


def _drop_spell_field(field: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        spells = sample_spells()
        del spells[0]["fields"][field]
        write_srd(root, spells=spells)

    return mutate


def _mutate_class(change: Callable[[dict[str, Any]], None]) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        classes = sample_classes()
        change(classes[0])
        write_srd(root, classes=classes)

    return mutate


def _duplicate_spell(root: Path) -> None:
    write_srd(root, spells=[*sample_spells(), spell("fireball", "Fireball Again")])


def _orphan_scaling(root: Path) -> None:
    orphan = {
        "model": "api_v2.spellcastingoption",
        "pk": 7,
        "fields": {"parent": "srd-2024_meteor-swarm", "type": "slot_level_9"},
    }
    write_srd(root, scaling=[orphan])


def _broken_json(root: Path) -> None:
    write_srd(root)
    (root / OPEN5E / "Spell.json").write_text('[{"model": "api_v2.spell",', encoding="utf-8")


def _missing_classes_file(root: Path) -> None:
    write_srd(root)
    (root / FIVEE / "5e-SRD-Classes.json").unlink()


MALFORMED: dict[str, MalformedCase] = {
    # case: (how to break the files, file, entry, field, words in the problem)
    "level is text": (
        _mutate_spell("level", "three"),
        f"{OPEN5E}/Spell.json",
        "srd-2024_fireball",
        "fields.level",
        "expected an integer",
    ),
    "level out of range": (
        _mutate_spell("level", 10),
        f"{OPEN5E}/Spell.json",
        "srd-2024_fireball",
        "fields.level",
        "out of range",
    ),
    "unknown school": (
        _mutate_spell("school", "chronurgy"),
        f"{OPEN5E}/Spell.json",
        "srd-2024_fireball",
        "fields.school",
        "unknown value 'chronurgy'",
    ),
    "missing name": (
        _drop_spell_field("name"),
        f"{OPEN5E}/Spell.json",
        "srd-2024_fireball",
        "fields.name",
        "is missing",
    ),
    "unknown casting time": (
        _mutate_spell("casting_time", "2 fortnights"),
        f"{OPEN5E}/Spell.json",
        "srd-2024_fireball",
        "fields.casting_time",
        "unknown casting time",
    ),
    "ritual is not a boolean": (
        _mutate_spell("ritual", "yes"),
        f"{OPEN5E}/Spell.json",
        "srd-2024_fireball",
        "fields.ritual",
        "expected true or false",
    ),
    "a 2014 document": (
        _mutate_spell("document", "srd-2014"),
        f"{OPEN5E}/Spell.json",
        "srd-2024_fireball",
        "fields.document",
        "expected 'srd-2024'",
    ),
    "duplicate slug": (
        _duplicate_spell,
        f"{OPEN5E}/Spell.json",
        "srd-2024_fireball",
        "pk",
        "second entry",
    ),
    "scaling for an unknown spell": (
        _orphan_scaling,
        f"{OPEN5E}/SpellCastingOption.json",
        "7",
        "fields.parent",
        "srd-2024_meteor-swarm",
    ),
    "not JSON": (_broken_json, f"{OPEN5E}/Spell.json", None, None, "not valid JSON (line 1"),
    "odd hit die": (
        _mutate_class(lambda c: c.update(hit_die=7)),
        f"{FIVEE}/5e-SRD-Classes.json",
        "wizard",
        "hit_die",
        "got 7",
    ),
    "unknown saving throw": (
        _mutate_class(lambda c: c["saving_throws"][0].update(index="luck")),
        f"{FIVEE}/5e-SRD-Classes.json",
        "wizard",
        "saving_throws[0].index",
        "unknown value 'luck'",
    ),
    "missing file": (
        _missing_classes_file,
        f"{FIVEE}/5e-SRD-Classes.json",
        None,
        None,
        "not found",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_sources_name_file_entry_and_field(tmp_path: Path, case: str) -> None:
    error = assert_malformed(tmp_path, MALFORMED[case])
    assert MALFORMED[case][1] in str(error)


def test_text_damaged_by_a_wrong_encoding_is_repaired() -> None:
    damaged = "Choose one type of artisan\u00e2\u20ac\u2122s tools"
    assert fivee_database.repair_text(damaged) == "Choose one type of artisan\u2019s tools"
    assert fivee_database.repair_text("Plain text") == "Plain text"


def test_srd_dir_comes_from_the_environment_or_beside_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SRD_DIR", str(tmp_path))
    assert resolve_srd_dir() == tmp_path
    assert resolve_srd_dir(tmp_path / "explicit") == tmp_path / "explicit"
    monkeypatch.delenv("SRD_DIR")
    monkeypatch.chdir(tmp_path)  # the working directory must not matter
    assert Path(__file__).resolve().parents[2] == PROJECT_ROOT
    beside = PROJECT_ROOT.parent / "shared" / "srd"
    assert resolve_srd_dir() == (beside if beside.is_dir() else None)


def test_catalog_enums_mirror_the_rules_engine() -> None:
    for mine, theirs in [
        (enums.Ability, rules.enums.Ability),
        (enums.DamageType, rules.enums.DamageType),
    ]:
        assert [(m.name, m.value) for m in mine] == [(m.name, m.value) for m in theirs]


# --- the real SRD 5.2 files -------------------------------------------------------------------


def test_every_real_spell_and_class_parses() -> None:
    srd = real_srd_dir()
    raw_spells = json.loads((srd / OPEN5E / "Spell.json").read_text(encoding="utf-8"))
    raw_classes = json.loads((srd / FIVEE / "5e-SRD-Classes.json").read_text(encoding="utf-8"))
    bundle = read_srd(srd)
    assert len(bundle.spells) == len(raw_spells)
    assert len(bundle.classes) == len(raw_classes)
    assert {s.provenance.dataset for s in bundle.spells} == {open5e.DATASET}
    assert {c.provenance.dataset for c in bundle.classes} == {fivee_database.DATASET}
    assert all("2014" not in f for f in bundle.files)  # the 2014 sets are never read

    fireball = next(s for s in bundle.spells if s.slug == "spell/fireball")
    assert (fireball.level, fireball.school, fireball.concentration) == (
        3,
        MagicSchool.EVOCATION,
        False,
    )
    assert fireball.description is not None and "8d6" in fireball.description
    assert "class/wizard" in fireball.class_keys
    assert [s.damage_roll for s in fireball.scaling][:2] == ["9d6", "10d6"]

    classes = {c.slug: c for c in bundle.classes}
    assert classes["class/wizard"].hit_die == 6
    assert classes["class/wizard"].spellcasting_ability is Ability.INT
    assert classes["class/monk"].saving_throws == (Ability.STR, Ability.DEX)
    assert classes["class/fighter"].primary_ability_any is True
    assert classes["class/barbarian"].spellcasting_ability is None
    assert not any("\u00e2\u20ac" in c.description for c in bundle.classes)


def test_the_shared_game_enums_mirror_the_rules_engine() -> None:
    from subgraphs.kit import game_enums

    for mine, theirs in [
        (game_enums.Ability, rules.enums.Ability),
        (game_enums.Condition, rules.enums.Condition),
        (game_enums.DamageType, rules.enums.DamageType),
        (game_enums.Mastery, rules.enums.Mastery),
        (game_enums.Size, rules.enums.Size),
        (game_enums.Skill, rules.enums.Skill),
        (game_enums.WeaponCategory, rules.enums.WeaponCategory),
        (game_enums.WeaponProperty, rules.enums.WeaponProperty),
    ]:
        assert {(m.name, m.value) for m in mine} == {(m.name, m.value) for m in theirs}
    # The catalog's armor categories add Shield to the rules' three.
    rules_armor = {m.value for m in rules.enums.ArmorCategory}
    assert rules_armor <= {m.value for m in game_enums.ArmorCategory}
