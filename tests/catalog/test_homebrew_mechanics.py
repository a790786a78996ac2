"""The per-kind structure of homebrew mechanics, without a database."""

from __future__ import annotations

from typing import Any

import pytest

from subgraphs.catalog.homebrew.mechanics import READERS, SRD_FIELDS, check_mechanics
from subgraphs.catalog.models import ENTRY_MODELS, SpellRow
from subgraphs.kit.outcomes import Rejected


def _problems(kind: str, data: Any) -> dict[tuple[str, ...], str]:
    with pytest.raises(Rejected) as caught:
        check_mechanics(kind, data)
    return {p.path: p.code for p in caught.value.problems}


@pytest.mark.parametrize("kind", sorted(SRD_FIELDS))
def test_srd_fields_are_columns_of_the_kind_table(kind: str) -> None:
    """An adaptation copies these columns from the SRD row; each must exist."""
    model: Any = SpellRow if kind == "spell" else ENTRY_MODELS[kind]
    missing = [name for name in SRD_FIELDS[kind] if not hasattr(model, name)]
    assert missing == []


def test_every_kind_has_a_reader_and_srd_fields() -> None:
    assert set(READERS) == set(SRD_FIELDS)


def test_not_an_object_and_unknown_kind() -> None:
    assert _problems("spell", [1, 2]) == {
        ("input", "mechanics"): "NOT_AN_OBJECT",
        ("input", "mechanics", "level"): "REQUIRED",
        ("input", "mechanics", "school"): "REQUIRED",
        ("input", "mechanics", "range_kind"): "REQUIRED",
        ("input", "mechanics", "duration"): "REQUIRED",
    }
    assert _problems("class", {}) == {("input", "kind"): "UNKNOWN_KIND"}


def test_booleans_are_not_numbers_and_nested_paths_are_exact() -> None:
    problems = _problems(
        "creature",
        {
            "size": "medium",
            "creature_type": "beast",
            "armor_class": True,
            "hit_dice_count": 2,
            "hit_die": 7,
            "ability_scores": {"str": 10, "dex": 10, "con": 10, "int": 10, "wis": 10},
            "challenge_rating": 0.25,
            "actions": [{"name": "Bite", "description": "Bites.", "damage_roll": "2q6"}],
        },
    )
    assert problems == {
        ("input", "mechanics", "armor_class"): "OUT_OF_RANGE",
        ("input", "mechanics", "hit_die"): "UNKNOWN_DIE",
        ("input", "mechanics", "ability_scores"): "REQUIRED",
        ("input", "mechanics", "actions", "0", "damage_roll"): "INVALID_DICE",
    }


def test_cleaned_mechanics_fill_defaults() -> None:
    clean = check_mechanics(
        "feat", {"category": "epic-boon", "minimum_level": 19, "repeatable": False}
    )
    assert clean["category"] == "epic-boon" and clean["ability_minimums"] == []
    assert clean["required_feature"] is None
