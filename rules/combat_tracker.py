"""The numbers of a combat tracker: plain Hit Points, initiative order and whose turn it is.

``transitions.py`` works on a full character sheet. A game master's tracker also holds creatures
and NPCs that have no sheet, only a few numbers, so this module applies the same rules to those
numbers alone:

* damage is taken from Temporary Hit Points first, then from Hit Points, which stop at 0;
* healing restores Hit Points up to the maximum and never touches Temporary Hit Points;
* Temporary Hit Points do not stack: a new grant replaces the old only if it is higher;
* a character who drops to 0 Hit Points falls Unconscious, and regaining any Hit Points ends
  it (a creature at 0 usually just dies: the game master's call, so creatures are left alone);
* a character at 0 makes death saving throws (``Dying``): three successes and it is Stable,
  three failures and it dies; damage at 0 is a failure (two for a critical hit), and damage of
  at least its Hit Point maximum, on dropping to 0 or at 0, kills outright;
* combatants act in descending initiative; ties go to the higher tiebreaker (the Dexterity
  score, say), then to the order the caller gives (the rules let the game master decide).

Defenses (resistance, immunity) are the caller's business here: a creature's stat block, not a
sheet, knows them, so callers pass the damage as adjusted. Every function is pure.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from rules.enums import Condition
from rules.errors import RuleError, RuleViolation

K = TypeVar("K", bound=Hashable)

MAX_HIT_POINTS = 10_000  # far above any SRD creature (the tarrasque has 697): typos, not monsters
MIN_INITIATIVE = -10
MAX_INITIATIVE = 50


@dataclass(frozen=True)
class HitPoints:
    """A combatant's Hit Points: ``current`` of ``maximum``, plus ``temporary`` on top."""

    current: int
    maximum: int
    temporary: int = 0

    def __post_init__(self) -> None:
        for error in hit_point_errors(self.current, self.maximum, self.temporary):
            raise RuleViolation(error)

    @property
    def is_down(self) -> bool:
        """At 0 Hit Points: unconscious (a character) or dead (most creatures)."""
        return self.current == 0


def hit_point_errors(current: int, maximum: int, temporary: int = 0) -> list[RuleError]:
    """Every problem with these numbers; empty when they make a valid ``HitPoints``."""
    errors: list[RuleError] = []
    if not 1 <= maximum <= MAX_HIT_POINTS:
        errors.append(
            RuleError(
                "maxHp",
                "max_hp_out_of_range",
                f"Maximum Hit Points are between 1 and {MAX_HIT_POINTS}.",
            )
        )
    if current < 0 or (maximum >= 1 and current > maximum):
        errors.append(
            RuleError(
                "currentHp",
                "current_hp_out_of_range",
                "Current Hit Points are between 0 and the maximum.",
            )
        )
    if not 0 <= temporary <= MAX_HIT_POINTS:
        errors.append(
            RuleError(
                "tempHp",
                "temp_hp_out_of_range",
                f"Temporary Hit Points are between 0 and {MAX_HIT_POINTS}.",
            )
        )
    return errors


@dataclass(frozen=True)
class DamageResult:
    hit_points: HitPoints
    absorbed: int  # taken by Temporary Hit Points
    lost: int  # taken from Hit Points (what was left of them at most)
    dropped_to_zero: bool  # this damage took the combatant from above 0 to 0
    beyond_zero: int  # what Temporary Hit Points and Hit Points could not take


def take_damage(hit_points: HitPoints, amount: int) -> DamageResult:
    """Temporary Hit Points absorb first; the rest comes off Hit Points, which stop at 0."""
    if amount < 0:
        raise RuleViolation.at("amount", "negative_damage", "Damage cannot be negative.")
    absorbed = min(hit_points.temporary, amount)
    lost = min(hit_points.current, amount - absorbed)
    after = HitPoints(
        hit_points.current - lost, hit_points.maximum, hit_points.temporary - absorbed
    )
    return DamageResult(
        hit_points=after,
        absorbed=absorbed,
        lost=lost,
        dropped_to_zero=hit_points.current > 0 and after.current == 0,
        beyond_zero=amount - absorbed - lost,
    )


@dataclass(frozen=True)
class HealingResult:
    hit_points: HitPoints
    restored: int  # what the healing actually added (less than offered near the maximum)


def heal(hit_points: HitPoints, amount: int) -> HealingResult:
    """Restore Hit Points, never beyond the maximum; Temporary Hit Points are unaffected."""
    if amount < 0:
        raise RuleViolation.at("amount", "negative_healing", "Healing cannot be negative.")
    restored = min(amount, hit_points.maximum - hit_points.current)
    after = HitPoints(hit_points.current + restored, hit_points.maximum, hit_points.temporary)
    return HealingResult(hit_points=after, restored=restored)


def grant_temporary(hit_points: HitPoints, amount: int) -> HitPoints:
    """Temporary Hit Points don't stack: keep whichever is higher, the old or the new."""
    if amount < 0:
        raise RuleViolation.at(
            "amount", "negative_temp_hp", "Temporary Hit Points cannot be negative."
        )
    return HitPoints(
        hit_points.current,
        hit_points.maximum,
        max(hit_points.temporary, min(amount, MAX_HIT_POINTS)),
    )


def conditions_after(
    conditions: frozenset[Condition], before: HitPoints, after: HitPoints, *, character: bool
) -> frozenset[Condition]:
    """A ``character``'s conditions once its Hit Points went from ``before`` to ``after``:
    Unconscious on dropping to 0, no longer once it has Hit Points again."""
    if not character:
        return conditions
    if before.current > 0 and after.current == 0:
        return conditions | {Condition.UNCONSCIOUS}
    if before.current == 0 and after.current > 0:
        return conditions - {Condition.UNCONSCIOUS}
    return conditions


SAVES_TO_SETTLE = 3  # successes to become Stable, failures to die
DEATH_SAVE_DC = 10


@dataclass(frozen=True)
class Dying:
    """A character's death saving throws at 0 Hit Points, and how its fight for life ended."""

    successes: int = 0
    failures: int = 0
    stable: bool = False
    dead: bool = False

    def __post_init__(self) -> None:
        for field, value in (("successes", self.successes), ("failures", self.failures)):
            if not 0 <= value <= SAVES_TO_SETTLE:
                raise RuleViolation.at(
                    field, "death_saves_out_of_range", "Death saves count from 0 to 3."
                )


DEAD = Dying(failures=SAVES_TO_SETTLE, dead=True)


def _failed(dying: Dying, count: int) -> Dying:
    failures = min(SAVES_TO_SETTLE, dying.failures + count)
    return DEAD if failures == SAVES_TO_SETTLE else Dying(dying.successes, failures)


def dying_after_damage(dying: Dying, result: DamageResult, *, critical: bool = False) -> Dying:
    """A character's death saves after ``result``: killed outright when the damage beyond 0
    reaches its Hit Point maximum; at 0 already, one failure (two for a critical hit), and
    no longer Stable."""
    if dying.dead:
        return dying
    maximum = result.hit_points.maximum
    if result.dropped_to_zero:
        return DEAD if result.beyond_zero >= maximum else Dying()
    if result.hit_points.current > 0 or result.beyond_zero == 0:
        return dying  # still standing, or Temporary Hit Points took it all
    if result.beyond_zero >= maximum:
        return DEAD
    return _failed(Dying(dying.successes, dying.failures), 2 if critical else 1)


def dying_after_healing(dying: Dying, after: HitPoints) -> Dying:
    """Regaining any Hit Points ends the fight for life; the dead are past healing."""
    if dying.dead:
        raise RuleViolation.at("combatantId", "dead", "Healing does not bring back the dead.")
    return Dying() if after.current > 0 else dying


@dataclass(frozen=True)
class DeathSaveResult:
    dying: Dying
    regained: int  # Hit Points regained: 1 on a natural 20


def death_save(dying: Dying, hit_points: HitPoints, roll: int) -> DeathSaveResult:
    """Resolve a death saving throw from the natural d20 ``roll``: 20 regains 1 Hit Point,
    1 counts two failures, 10 or more succeeds. Counts reset on becoming Stable."""
    if not 1 <= roll <= 20:
        raise RuleViolation.at("roll", "roll_out_of_range", "A d20 roll is 1-20.")
    if dying.dead:
        raise RuleViolation.at("combatantId", "dead", "The dead make no death saves.")
    if hit_points.current > 0:
        raise RuleViolation.at(
            "combatantId", "not_dying", "Death saves are made only at 0 Hit Points."
        )
    if dying.stable:
        raise RuleViolation.at(
            "combatantId", "already_stable", "A Stable creature makes no death saves."
        )
    if roll == 20:
        return DeathSaveResult(Dying(), 1)
    if roll < DEATH_SAVE_DC:
        return DeathSaveResult(_failed(dying, 2 if roll == 1 else 1), 0)
    successes = dying.successes + 1
    if successes == SAVES_TO_SETTLE:
        return DeathSaveResult(Dying(stable=True), 0)
    return DeathSaveResult(Dying(successes, dying.failures), 0)


def check_initiative(value: int) -> list[RuleError]:
    """A rolled initiative total is a d20 plus a modifier; anything far outside is a typo."""
    if MIN_INITIATIVE <= value <= MAX_INITIATIVE:
        return []
    return [
        RuleError(
            "initiative",
            "initiative_out_of_range",
            f"Initiative is between {MIN_INITIATIVE} and {MAX_INITIATIVE}.",
        )
    ]


@dataclass(frozen=True)
class InitiativeEntry(Generic[K]):
    """One combatant in the order: ``key`` identifies it for the caller."""

    key: K
    initiative: int
    tiebreaker: int = 0


def initiative_order(entries: Sequence[InitiativeEntry[K]]) -> list[K]:
    """The keys, highest initiative first; ties by higher tiebreaker, then the given order."""
    ranked = sorted(
        enumerate(entries), key=lambda item: (-item[1].initiative, -item[1].tiebreaker, item[0])
    )
    return [entry.key for _, entry in ranked]


@dataclass(frozen=True)
class TurnPosition:
    """Where a combat stands: ``round`` (from 1) and the index of the acting combatant."""

    round: int
    index: int


def first_turn(combatants: int) -> TurnPosition:
    """Round 1, the top of the order. A fight needs someone to act."""
    if combatants < 1:
        raise RuleViolation.at(
            "combatants", "no_combatants", "An encounter needs at least one combatant to start."
        )
    return TurnPosition(round=1, index=0)


def next_turn(position: TurnPosition, combatants: int) -> TurnPosition:
    """The next combatant's turn; after the last, a new round starts at the top."""
    if combatants < 1:
        raise RuleViolation.at(
            "combatants", "no_combatants", "There is nobody left to take a turn."
        )
    following = position.index + 1
    if following >= combatants:
        return TurnPosition(round=position.round + 1, index=0)
    return TurnPosition(round=position.round, index=following)
