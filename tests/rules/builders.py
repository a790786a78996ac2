"""Small builders so each test states only what it is about."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rules.enums import Ability, ClassId, ScoreMethod, Size
from rules.equipment import Item, catalog_item
from rules.sheet import (
    AbilityScores,
    Background,
    ClassLevel,
    Identity,
    PlayState,
    Sheet,
)

ALL_TENS = {ability: 10 for ability in Ability}


def scores(**values: int) -> dict[Ability, int]:
    """Six manual scores: 10 unless given, e.g. ``scores(str=16, dex=14)``."""
    result = dict(ALL_TENS)
    for key, value in values.items():
        result[Ability(key)] = value
    return result


def make_sheet(
    *classes: tuple[ClassId, int] | ClassLevel,
    base: dict[Ability, int] | None = None,
    method: ScoreMethod = ScoreMethod.MANUAL,
    background_increases: dict[Ability, int] | None = None,
    species: str = "human",
    lineage: str | None = None,
    size: Size = Size.MEDIUM,
    equipment: tuple[Item, ...] = (),
    state: PlayState | None = None,
    **fields: Any,
) -> Sheet:
    """A legal-by-default sheet: manual scores of 10 and a +1/+1/+1 background increase on
    Int/Wis/Cha (so tests about Str, Dex and Con see exactly the scores they set)."""
    entries = tuple(
        c if isinstance(c, ClassLevel) else ClassLevel(c[0], c[1])
        for c in (classes or ((ClassId.FIGHTER, 1),))
    )
    sheet = Sheet(
        identity=Identity(name="Test", species=species, lineage=lineage, size=size),
        classes=entries,
        abilities=AbilityScores(method, base or dict(ALL_TENS)),
        background=Background(
            name="Sage",
            abilities=(Ability.INT, Ability.WIS, Ability.CHA),
            increases=background_increases
            if background_increases is not None
            else {Ability.INT: 1, Ability.WIS: 1, Ability.CHA: 1},
        ),
        equipment=equipment,
        state=state or PlayState(),
    )
    return replace(sheet, **fields) if fields else sheet


def equipped(ref: str, **overrides: Any) -> Item:
    return replace(catalog_item(ref), equipped=True, **overrides)
