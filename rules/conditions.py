"""Conditions: which ones imply others, and what Exhaustion does (2024 rules)."""

from __future__ import annotations

from collections.abc import Iterable

from rules.enums import Condition

MAX_EXHAUSTION = 6

# Conditions that carry others with them while they last (SRD 5.2 Rules Glossary).
IMPLIES: dict[Condition, frozenset[Condition]] = {
    Condition.PARALYZED: frozenset({Condition.INCAPACITATED}),
    Condition.PETRIFIED: frozenset({Condition.INCAPACITATED}),
    Condition.STUNNED: frozenset({Condition.INCAPACITATED}),
    Condition.UNCONSCIOUS: frozenset({Condition.INCAPACITATED, Condition.PRONE}),
}


def effective_conditions(
    conditions: Iterable[Condition], exhaustion: int = 0
) -> frozenset[Condition]:
    """The stored conditions plus everything they imply (and Exhaustion when its level is > 0)."""
    result = set(conditions)
    for condition in list(result):
        result |= IMPLIES.get(condition, frozenset())
    if exhaustion > 0:
        result.add(Condition.EXHAUSTION)
    else:
        result.discard(Condition.EXHAUSTION)
    return frozenset(result)


def is_incapacitated(conditions: Iterable[Condition]) -> bool:
    return Condition.INCAPACITATED in effective_conditions(conditions)


def exhaustion_d20_penalty(level: int) -> int:
    """Exhaustion subtracts 2 per level from every D20 Test (returned as a negative number)."""
    return -2 * max(0, min(level, MAX_EXHAUSTION))


def exhaustion_speed_penalty(level: int) -> int:
    """Exhaustion reduces Speed by 5 feet per level (returned as a negative number)."""
    return -5 * max(0, min(level, MAX_EXHAUSTION))


def exhaustion_is_fatal(level: int) -> bool:
    return level >= MAX_EXHAUSTION
