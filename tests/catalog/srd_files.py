"""Small, hand-made SRD directories for importer tests, in the two upstream formats.

They let tests change one field of one entry and see exactly what the importer does, without
depending on the real data files.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from subgraphs.catalog.importers.location import resolve_srd_dir
from tests.conftest import IN_CI

OPEN5E = "open5e-srd-2024"
FIVEE = "5e-database-2024"


def real_srd_dir() -> Path:
    """The shared SRD data; skips the test locally when it is missing, fails it in CI."""
    found = resolve_srd_dir()
    if found is not None and (found / OPEN5E / "Spell.json").is_file():
        return found
    reason = f"SRD data not found (SRD_DIR={os.environ.get('SRD_DIR')!r}, ../shared/srd)"
    if IN_CI:
        pytest.fail(f"{reason}, and CI=true requires it")
    pytest.skip(reason)


def spell(key: str, name: str, **fields: Any) -> dict[str, Any]:
    """An open5e spell fixture record with sensible values; ``fields`` override any of them."""
    values: dict[str, Any] = {
        "attack_roll": False,
        "casting_time": "action",
        "classes": ["srd-2024_wizard"],
        "concentration": False,
        "damage_roll": "",
        "damage_types": [],
        "desc": f"{name} does something magical.",
        "document": "srd-2024",
        "duration": "instantaneous",
        "higher_level": "",
        "level": 1,
        "material": False,
        "material_consumed": False,
        "material_cost": None,
        "material_specified": "",
        "name": name,
        "range": 60,
        "range_text": "60 feet",
        "range_unit": "feet",
        "reaction_condition": None,
        "ritual": False,
        "saving_throw_ability": "",
        "school": "evocation",
        "shape_size": None,
        "shape_size_unit": None,
        "shape_type": None,
        "somatic": True,
        "target_count": 1,
        "target_type": "creature",
        "verbal": True,
    }
    values.update(fields)
    return {"model": "api_v2.spell", "pk": f"srd-2024_{key}", "fields": values}


def character_class(index: str, name: str, hit_die: int, saves: tuple[str, str]) -> dict[str, Any]:
    """A 5e-database class record with the parts the importer reads."""
    return {
        "index": index,
        "name": name,
        "hit_die": hit_die,
        "primary_ability": {"desc": "Intelligence", "ability_scores": [{"index": "int"}]},
        "saving_throws": [{"index": saves[0]}, {"index": saves[1]}],
        "proficiencies": [
            {"index": "simple-weapons", "name": "Simple Weapons"},
            {"index": f"saving-throw-{saves[0]}", "name": f"Saving Throw: {saves[0].upper()}"},
        ],
        "proficiency_choices": [{"desc": "Choose 2: Arcana or History"}],
        "subclasses": [],
    }


def sample_spells() -> list[dict[str, Any]]:
    return [
        spell(
            "fireball",
            "Fireball",
            level=3,
            classes=["srd-2024_sorcerer", "srd-2024_wizard"],
            damage_roll="8d6",
            damage_types=["fire"],
            saving_throw_ability="dexterity",
            material=True,
            material_specified="a ball of bat guano and sulfur",
            range=150,
            range_text="150 feet",
        ),
        spell(
            "shield",
            "Shield",
            casting_time="reaction",
            range=0,
            range_text="Self",
            range_unit=None,
            reaction_condition="which you take when you are hit",
        ),
        spell("alarm", "Alarm", ritual=True, casting_time="1minute", duration="8 hours"),
    ]


def sample_classes() -> list[dict[str, Any]]:
    wizard = character_class("wizard", "Wizard", 6, ("int", "wis"))
    wizard["spellcasting"] = {"spellcasting_ability": {"index": "int"}}
    return [wizard, character_class("fighter", "Fighter", 10, ("str", "con"))]


def sample_scaling() -> list[dict[str, Any]]:
    return [
        {
            "model": "api_v2.spellcastingoption",
            "pk": 1,
            "fields": {"parent": "srd-2024_fireball", "type": "slot_level_4", "damage_roll": "9d6"},
        }
    ]


def write_srd(
    root: Path,
    spells: list[dict[str, Any]] | None = None,
    classes: list[dict[str, Any]] | None = None,
    scaling: list[dict[str, Any]] | None = None,
) -> Path:
    """Write an SRD directory under ``root`` (defaults: the samples above); returns ``root``."""
    document = {
        "model": "api_v2.document",
        "pk": "srd-2024",
        "fields": {"name": "System Reference Document 5.2", "licenses": ["cc-by-40"]},
    }
    files = {
        f"{OPEN5E}/Document.json": [document],
        f"{OPEN5E}/Spell.json": sample_spells() if spells is None else spells,
        f"{OPEN5E}/SpellCastingOption.json": sample_scaling() if scaling is None else scaling,
        f"{FIVEE}/5e-SRD-Classes.json": sample_classes() if classes is None else classes,
    }
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(copy.deepcopy(content)), encoding="utf-8")
    return root
