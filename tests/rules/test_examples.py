"""The documented examples: every class, multiclass, levels 1-20, all legal and derivable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rules.derive import derive
from rules.enums import ClassId
from rules.parse import parse_sheet
from rules.validation import validate

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "rules" / "examples").glob("*.json"))


def load(path: Path):  # type: ignore[no-untyped-def]
    return parse_sheet(json.loads(path.read_text()))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_is_valid_and_derives(path: Path) -> None:
    sheet = load(path)
    assert validate(sheet) == []
    derived = derive(sheet)
    assert derived.max_hp >= derived.current_hp > 0
    assert 10 <= derived.armor_class.value <= 30


def test_examples_cover_every_class_multiclass_and_the_level_range() -> None:
    sheets = [load(path) for path in EXAMPLES]
    classes = {entry.class_id for sheet in sheets for entry in sheet.classes}
    assert classes == set(ClassId)
    assert sum(1 for s in sheets if len(s.classes) > 1) >= 3
    levels = {s.total_level for s in sheets}
    assert 1 in levels and 20 in levels
    single = {s.classes[0].class_id for s in sheets if len(s.classes) == 1}
    assert single == set(ClassId)


def test_worked_example_numbers() -> None:
    """Hand-checked numbers for one example, so a regression shows up as a named difference."""
    sheet = load(next(p for p in EXAMPLES if p.stem == "multiclass-paladin-2-sorcerer-3"))
    d = derive(sheet)
    # Paladin 2 (half, rounded up = 1) + Sorcerer 3 = caster level 4: 4 / 3 slots.
    assert [(s.level, s.maximum) for s in d.spell_slots] == [(1, 4), (2, 3)]
    # 10+2, 7+2, then Sorcerer rolls 4, 6, 5 each +2, plus Draconic Resilience 3.
    assert d.max_hp == 12 + 9 + 6 + 8 + 7 + 3
    assert d.armor_class.value == 16 + 2 + 1  # chain mail, shield, Defense
