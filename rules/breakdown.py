"""Why a derived number is what it is: the contributions it is the sum of.

Every derived number a player can question (AC, initiative, saves, skills, passives, Hit Point
maximum, speed, attack and damage bonuses, DCs) carries a ``Breakdown`` beside it: a tuple of
``Contribution(source, value)`` whose values add up to the number exactly. Sources are short
phrases a player recognises ("Dexterity modifier", "Proficiency bonus", "Shield",
"Fighting Style: Defense", "Exhaustion 2").

Ability modifiers and proficiency appear even when they contribute 0 (the reader sees that they
count); other sources appear only when they change the number.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter
from typing import NamedTuple

from rules.enums import Ability


class Contribution(NamedTuple):
    """One term of a derived number (immutable; cheap to build in bulk)."""

    source: str
    value: int


Breakdown = tuple[Contribution, ...]

ABILITY_NAMES: dict[Ability, str] = {
    Ability.STR: "Strength", Ability.DEX: "Dexterity", Ability.CON: "Constitution",
    Ability.INT: "Intelligence", Ability.WIS: "Wisdom", Ability.CHA: "Charisma",
}  # fmt: skip

# "Dexterity modifier", ... built once: derivation names them hundreds of times per sheet.
MODIFIER_SOURCES: dict[Ability, str] = {a: f"{n} modifier" for a, n in ABILITY_NAMES.items()}

PROFICIENCY = "Proficiency bonus"


_VALUE = itemgetter(1)


def total(parts: Iterable[Contribution]) -> int:
    """The number a breakdown explains."""
    return sum(map(_VALUE, parts))


def exhaustion_source(level: int) -> str:
    return f"Exhaustion {level}"


def as_dicts(parts: Breakdown) -> list[dict[str, int | str]]:
    """JSON form: ``[{"source": "Dexterity modifier", "value": 2}, ...]``."""
    return [{"source": part.source, "value": part.value} for part in parts]
