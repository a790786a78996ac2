"""Transitions that turn one magical resource into another (SRD 5.2 Sorcerer and Wizard).

- ``arcane_recovery`` (Wizard 1): after a Short Rest, regain expended slots whose levels add up
  to at most half the Wizard level (round up), none of level 6+; once per Long Rest.
- ``sorcerous_restoration`` (Sorcerer 5): after a Short Rest, regain up to half the Sorcerer
  level (round down) expended Sorcery Points; once per Long Rest.
- ``convert_slot_to_sorcery_points`` (Font of Magic, Sorcerer 2): expend a slot, gain its level
  in Sorcery Points; never above the Sorcery Point maximum.
- ``create_spell_slot`` (Font of Magic): spend Sorcery Points for one slot of level 1-5 (cost and
  minimum Sorcerer level by the Creating Spell Slots table); created slots vanish on a Long Rest.

The Short Rest timing is the caller's to honor (call right after ``short_rest``); everything the
sheet records - levels, spent slots, points and the once-per-rest uses - is checked here.
"""

from __future__ import annotations

from collections.abc import Mapping

from rules.derive import DerivedSheet, derive
from rules.enums import ClassId
from rules.errors import RuleViolation
from rules.sheet import Sheet
from rules.spellcasting import CREATING_SPELL_SLOTS
from rules.transitions import Event, TransitionResult, require_alive, with_state

ARCANE_RECOVERY = "arcane-recovery"
SORCEROUS_RESTORATION = "sorcerous-restoration"
SORCERY_POINTS = "sorcery-points"
ARCANE_RECOVERY_MAX_SLOT = 5  # "none of the slots can be level 6 or higher"


def arcane_recovery_budget(wizard_level: int) -> int:
    """Combined slot levels Arcane Recovery can restore: half the Wizard level, rounded up."""
    return (max(0, wizard_level) + 1) // 2


def sorcerous_restoration_cap(sorcerer_level: int) -> int:
    """Sorcery Points Sorcerous Restoration can restore: half the Sorcerer level, rounded down."""
    return max(0, sorcerer_level) // 2


def _use_once(
    derived: DerivedSheet, resource_id: str, feature: str, class_name: str, level: int
) -> int:
    """Check a once-per-Long-Rest feature is present and unused; return its spent count."""
    line = derived.resources.get(resource_id)
    if line is None:
        raise RuleViolation.at(
            f"state.resources_spent.{resource_id}",
            "feature_unavailable",
            f"{feature} needs {class_name} level {level}.",
        )
    if line.remaining < 1:
        raise RuleViolation.at(
            f"state.resources_spent.{resource_id}",
            "feature_used",
            f"{feature} was already used; it returns after a Long Rest.",
        )
    return line.spent


def arcane_recovery(sheet: Sheet, slots: Mapping[int, int]) -> TransitionResult:
    """Recover expended spell slots (``{slot level: count}``) with Arcane Recovery."""
    require_alive(sheet)
    derived = derive(sheet)
    used = _use_once(derived, ARCANE_RECOVERY, "Arcane Recovery", "Wizard", 1)
    chosen = {level: count for level, count in slots.items() if count}
    if not chosen:
        raise RuleViolation.at(
            "slots", "nothing_to_recover", "Choose at least one slot to recover."
        )
    spent = dict(sheet.state.slots_spent)
    for level, count in sorted(chosen.items()):
        if count < 0:
            raise RuleViolation.at(f"slots.{level}", "invalid_amount", "Slot counts are positive.")
        if not 1 <= level <= ARCANE_RECOVERY_MAX_SLOT:
            raise RuleViolation.at(
                f"slots.{level}",
                "slot_level_too_high",
                f"Arcane Recovery restores slots of level 1-"
                f"{ARCANE_RECOVERY_MAX_SLOT}, not level {level}.",
            )
        if spent.get(level, 0) < count:
            raise RuleViolation.at(
                f"slots.{level}",
                "nothing_to_recover",
                f"Only {spent.get(level, 0)} level {level} slot(s) are expended.",
            )
    budget = arcane_recovery_budget(sheet.class_level(ClassId.WIZARD))
    total = sum(level * count for level, count in chosen.items())
    if total > budget:
        raise RuleViolation.at(
            "slots",
            "over_budget",
            f"Arcane Recovery restores at most {budget} slot levels; {total} were chosen.",
        )
    for level, count in chosen.items():
        spent[level] -= count
    resources = dict(sheet.state.resources_spent)
    resources[ARCANE_RECOVERY] = used + 1
    sheet = with_state(
        sheet, slots_spent={k: v for k, v in spent.items() if v}, resources_spent=resources
    )
    recovered = ", ".join(f"{count} x level {level}" for level, count in sorted(chosen.items()))
    return TransitionResult(
        sheet,
        (
            Event(
                "arcane_recovery",
                f"Arcane Recovery: regains {recovered} slot(s).",
                {"slot_levels": total, "budget": budget},
            ),
        ),
    )


def sorcerous_restoration(sheet: Sheet, points: int | None = None) -> TransitionResult:
    """Regain expended Sorcery Points (all the cap allows when ``points`` is None)."""
    require_alive(sheet)
    derived = derive(sheet)
    used = _use_once(derived, SORCEROUS_RESTORATION, "Sorcerous Restoration", "Sorcerer", 5)
    pool = derived.resources.get(SORCERY_POINTS)
    expended = pool.spent if pool is not None else 0
    cap = sorcerous_restoration_cap(sheet.class_level(ClassId.SORCERER))
    if points is None:
        points = min(cap, expended)
    if points < 1:
        raise RuleViolation.at("points", "nothing_to_recover", "No Sorcery Points are expended.")
    if points > cap:
        raise RuleViolation.at(
            "points", "over_budget", f"Sorcerous Restoration regains at most {cap} Sorcery Points."
        )
    if points > expended:
        raise RuleViolation.at(
            "points", "nothing_to_recover", f"Only {expended} Sorcery Point(s) are expended."
        )
    resources = dict(sheet.state.resources_spent)
    resources[SORCERY_POINTS] = expended - points
    resources[SORCEROUS_RESTORATION] = used + 1
    sheet = with_state(sheet, resources_spent={k: v for k, v in resources.items() if v})
    return TransitionResult(
        sheet,
        (
            Event(
                "sorcerous_restoration",
                f"Sorcerous Restoration: regains {points} Sorcery Point(s).",
                {"points": points, "cap": cap},
            ),
        ),
    )


def _sorcery_points(derived: DerivedSheet) -> tuple[int, int]:
    """(maximum, spent) of the Sorcery Point pool; a violation if there is none."""
    pool = derived.resources.get(SORCERY_POINTS)
    if pool is None:
        raise RuleViolation.at(
            f"state.resources_spent.{SORCERY_POINTS}",
            "feature_unavailable",
            "Font of Magic needs Sorcerer level 2.",
        )
    return pool.maximum, pool.spent


def convert_slot_to_sorcery_points(
    sheet: Sheet, level: int, *, pact: bool = False
) -> TransitionResult:
    """Expend a spell slot of ``level`` (or a Pact Magic slot) for that many Sorcery Points."""
    require_alive(sheet)
    derived = derive(sheet)
    maximum, spent_points = _sorcery_points(derived)
    if pact:
        line = derived.pact_slots
        if line is None or line.remaining < 1:
            raise RuleViolation.at(
                "state.pact_slots_spent", "no_slot", "No Pact Magic slot is available."
            )
        level = line.slot_level
    else:
        slot = next((s for s in derived.spell_slots if s.level == level), None)
        if slot is None or slot.remaining < 1:
            raise RuleViolation.at(
                f"state.slots_spent.{level}",
                "no_slot",
                f"No level {level} spell slot is available.",
            )
    if spent_points < level:
        raise RuleViolation.at(
            f"state.resources_spent.{SORCERY_POINTS}",
            "sorcery_points_full",
            f"A level {level} slot gives {level} Sorcery Points, but only "
            f"{spent_points} are expended (maximum {maximum}).",
        )
    resources = dict(sheet.state.resources_spent)
    resources[SORCERY_POINTS] = spent_points - level
    resources = {k: v for k, v in resources.items() if v}
    if pact:
        sheet = with_state(
            sheet, pact_slots_spent=sheet.state.pact_slots_spent + 1, resources_spent=resources
        )
    else:
        slots = dict(sheet.state.slots_spent)
        slots[level] = slots.get(level, 0) + 1
        sheet = with_state(sheet, slots_spent=slots, resources_spent=resources)
    return TransitionResult(
        sheet,
        (
            Event(
                "slot_converted",
                f"Font of Magic: a level {level} slot becomes {level} Sorcery Point(s).",
                {"level": level, "points": level, "pact": pact},
            ),
        ),
    )


def create_spell_slot(sheet: Sheet, level: int) -> TransitionResult:
    """Spend Sorcery Points for one spell slot of ``level`` (1-5); it vanishes on a Long Rest."""
    require_alive(sheet)
    derived = derive(sheet)
    maximum, spent_points = _sorcery_points(derived)
    creation = CREATING_SPELL_SLOTS.get(level)
    if creation is None:
        raise RuleViolation.at(
            "level",
            "slot_level_too_high",
            f"Font of Magic creates slots of level 1-5, not level {level}.",
        )
    sorcerer = sheet.class_level(ClassId.SORCERER)
    if sorcerer < creation.min_sorcerer_level:
        raise RuleViolation.at(
            "level",
            "sorcerer_level_too_low",
            f"Creating a level {level} slot needs Sorcerer level "
            f"{creation.min_sorcerer_level} (this character has {sorcerer}).",
        )
    remaining = maximum - spent_points
    if remaining < creation.cost:
        raise RuleViolation.at(
            f"state.resources_spent.{SORCERY_POINTS}",
            "resource_exhausted",
            f"A level {level} slot costs {creation.cost} Sorcery Points; {remaining} left.",
        )
    resources = dict(sheet.state.resources_spent)
    resources[SORCERY_POINTS] = spent_points + creation.cost
    created = dict(sheet.state.created_slots)
    created[level] = created.get(level, 0) + 1
    sheet = with_state(sheet, resources_spent=resources, created_slots=created)
    return TransitionResult(
        sheet,
        (
            Event(
                "slot_created",
                f"Font of Magic: spends {creation.cost} Sorcery Points for a "
                f"level {level} spell slot.",
                {"level": level, "cost": creation.cost},
            ),
        ),
    )
