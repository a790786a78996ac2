"""Transitions: pure functions from a sheet (plus an action) to a new sheet and events.

Nothing is mutated: each function returns ``TransitionResult(sheet, events)`` where ``sheet`` is a
changed copy. An action the rules forbid raises ``RuleViolation`` carrying a ``RuleError``
(path, code, message). Dice are never rolled here: callers pass roll results (use
``rules.dice.DiceRoller`` for seeded rolls), so every transition is deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from rules.abilities import modifier
from rules.active_effects import ACTIVE_EFFECTS
from rules.armor import is_heavy
from rules.classes import CLASSES, features_up_to, meets_multiclass_prerequisites, prerequisite_text
from rules.conditions import MAX_EXHAUSTION, exhaustion_is_fatal, is_incapacitated
from rules.derive import derive, effective_scores, final_scores
from rules.enums import Ability, ClassId, Condition, DamageType, ImprovementKind
from rules.errors import RuleViolation
from rules.hit_points import hit_gain_fixed
from rules.progression import MAX_LEVEL
from rules.resources import Recovery
from rules.sheet import ClassLevel, DeathSaves, Improvement, PlayState, Sheet
from rules.subclasses import subclass_features_up_to

EventValue = int | str | bool | None


@dataclass(frozen=True)
class Event:
    """Something that happened, for logs, the event bus and the player: a stable ``kind``."""

    kind: str
    message: str
    data: Mapping[str, EventValue] = field(default_factory=dict)


@dataclass(frozen=True)
class TransitionResult:
    sheet: Sheet
    events: tuple[Event, ...]


def with_state(sheet: Sheet, **changes: object) -> Sheet:
    return replace(sheet, state=replace(sheet.state, **changes))  # type: ignore[arg-type]


def _max_hp(sheet: Sheet) -> int:
    return derive(sheet).max_hp


def _current_hp(sheet: Sheet) -> int:
    return derive(sheet).current_hp


def require_alive(sheet: Sheet) -> None:
    if sheet.state.dead:
        raise RuleViolation.at("state.dead", "character_dead", "The character is dead.")


def _concentration_ends(sheet: Sheet, reason: str) -> tuple[PlayState, list[Event]]:
    state = sheet.state
    if not state.concentration:
        return state, []
    spell = state.concentration[0]
    return (
        replace(state, concentration=()),
        [
            Event(
                "concentration_ended",
                f"Concentration on {spell} ends ({reason}).",
                {"spell": spell, "reason": reason},
            )
        ],
    )


# ------------------------------------------------------------------ damage and healing


def adjust_damage(sheet: Sheet, amount: int, damage_type: DamageType | None) -> int:
    """Damage after immunity, resistance (halved, rounded down) and vulnerability (doubled).

    Defenses come from every source ``derive`` knows: the sheet's list, species traits
    (Dwarven Resilience, Draconic Ancestry, Fiendish Legacy) and the Petrified condition.
    """
    if damage_type is None:
        return amount
    defenses = derive(sheet).defenses
    if damage_type in defenses.immunities:
        return 0
    if damage_type in defenses.resistances:
        amount //= 2
    if damage_type in defenses.vulnerabilities:
        amount *= 2
    return amount


def concentration_dc(damage: int) -> int:
    """Constitution save DC to keep concentrating: half the damage, at least 10, at most 30."""
    return min(30, max(10, damage // 2))


def _die(sheet: Sheet, reason: str) -> tuple[Sheet, list[Event]]:
    state, events = _concentration_ends(sheet, "death")
    state = replace(
        state, current_hp=0, temp_hp=0, dead=True, stable=False, death_saves=DeathSaves()
    )
    events.append(Event("died", f"{sheet.identity.name} dies ({reason}).", {"reason": reason}))
    return replace(sheet, state=state), events


def _fall_unconscious(sheet: Sheet) -> tuple[Sheet, list[Event]]:
    state, events = _concentration_ends(sheet, "dropped to 0 Hit Points")
    conditions = state.conditions | {Condition.UNCONSCIOUS, Condition.PRONE}
    state = replace(
        state, current_hp=0, conditions=conditions, stable=False, death_saves=DeathSaves()
    )
    events.insert(
        0,
        Event(
            "dropped_to_zero", f"{sheet.identity.name} drops to 0 Hit Points and falls Unconscious."
        ),
    )
    return replace(sheet, state=state), events


def take_damage(
    sheet: Sheet,
    amount: int,
    damage_type: DamageType | None = None,
    *,
    critical: bool = False,
    relentless_endurance: bool = False,
) -> TransitionResult:
    """Apply damage: defenses, then temporary HP, then HP; handles 0 HP and massive damage.

    ``critical`` matters only at 0 HP, where a critical hit counts as two death-save failures.
    ``relentless_endurance`` (Orc): if this damage drops the character to 0 HP without killing
    outright, drop to 1 HP instead and spend the trait's once-per-Long-Rest use.
    """
    require_alive(sheet)
    if amount < 0:
        raise RuleViolation.at("amount", "negative_damage", "Damage cannot be negative.")
    if relentless_endurance:
        _require_relentless_endurance(sheet)
    events: list[Event] = []
    damage = adjust_damage(sheet, amount, damage_type)
    if damage != amount:
        events.append(
            Event(
                "damage_adjusted",
                f"{amount} {damage_type} damage becomes {damage} after defenses.",
                {"before": amount, "after": damage},
            )
        )
    max_hp = _max_hp(sheet)
    current = _current_hp(sheet)
    temp = sheet.state.temp_hp
    absorbed = min(temp, damage)
    remaining = damage - absorbed
    state = replace(sheet.state, temp_hp=temp - absorbed, current_hp=current)
    sheet = replace(sheet, state=state)
    if absorbed:
        events.append(
            Event(
                "temp_hp_absorbed",
                f"Temporary HP absorb {absorbed} damage.",
                {"absorbed": absorbed},
            )
        )
    if remaining == 0:
        events.extend(_concentration_check(sheet, damage))
        return TransitionResult(sheet, tuple(events))
    if current == 0:
        if remaining >= max_hp:
            sheet, more = _die(sheet, "massive damage at 0 Hit Points")
            return TransitionResult(sheet, tuple(events + more))
        added = 2 if critical else 1
        failures = min(3, state.death_saves.failures + added)
        sheet = with_state(
            sheet, stable=False, death_saves=replace(state.death_saves, failures=failures)
        )
        events.append(
            Event(
                "death_save_failed",
                f"Damage at 0 HP: {added} death save failure(s) ({failures}/3).",
                {"failures": failures},
            )
        )
        if failures >= 3:
            sheet, more = _die(sheet, "three failed death saves")
            events.extend(more)
        return TransitionResult(sheet, tuple(events))
    new_hp = current - remaining
    events.append(
        Event(
            "damage_taken",
            f"Takes {remaining} damage ({max(new_hp, 0)} HP left).",
            {"damage": remaining, "hp": max(new_hp, 0)},
        )
    )
    if new_hp > 0:
        sheet = with_state(sheet, current_hp=new_hp)
        events.extend(_concentration_check(sheet, damage))
        return TransitionResult(sheet, tuple(events))
    overflow = -new_hp
    if overflow >= max_hp:
        sheet, more = _die(sheet, "massive damage")
        return TransitionResult(sheet, tuple(events + more))
    if relentless_endurance:
        spent = dict(sheet.state.resources_spent)
        spent[RELENTLESS_ENDURANCE] = spent.get(RELENTLESS_ENDURANCE, 0) + 1
        sheet = with_state(sheet, current_hp=1, resources_spent=spent)
        events.append(
            Event(
                "relentless_endurance", "Relentless Endurance: drops to 1 Hit Point instead of 0."
            )
        )
        events.extend(_concentration_check(sheet, damage))
        return TransitionResult(sheet, tuple(events))
    sheet, more = _fall_unconscious(sheet)
    return TransitionResult(sheet, tuple(events + more))


RELENTLESS_ENDURANCE = "relentless-endurance"


def _require_relentless_endurance(sheet: Sheet) -> None:
    line = derive(sheet).resources.get(RELENTLESS_ENDURANCE)
    if line is None:
        raise RuleViolation.at(
            "relentless_endurance", "feature_unavailable", "Only an Orc has Relentless Endurance."
        )
    if line.remaining < 1:
        raise RuleViolation.at(
            f"state.resources_spent.{RELENTLESS_ENDURANCE}",
            "feature_used",
            "Relentless Endurance was already used; it returns after a Long Rest.",
        )


def _concentration_check(sheet: Sheet, damage: int) -> list[Event]:
    if not sheet.state.concentration or damage <= 0:
        return []
    dc = concentration_dc(damage)
    spell = sheet.state.concentration[0]
    return [
        Event(
            "concentration_check",
            f"Constitution saving throw DC {dc} to keep concentrating on {spell}.",
            {"dc": dc, "spell": spell},
        )
    ]


def heal(sheet: Sheet, amount: int) -> TransitionResult:
    """Regain HP up to the maximum; healing from 0 HP clears death saves and wakes the character."""
    require_alive(sheet)
    if amount < 0:
        raise RuleViolation.at("amount", "negative_healing", "Healing cannot be negative.")
    max_hp = _max_hp(sheet)
    current = _current_hp(sheet)
    new_hp = min(max_hp, current + amount)
    events = [
        Event(
            "healed",
            f"Regains {new_hp - current} HP ({new_hp}/{max_hp}).",
            {"healed": new_hp - current, "hp": new_hp},
        )
    ]
    state = replace(sheet.state, current_hp=new_hp)
    if current == 0 and new_hp > 0:
        state = replace(
            state,
            death_saves=DeathSaves(),
            stable=False,
            conditions=state.conditions - {Condition.UNCONSCIOUS},
        )
        events.append(
            Event(
                "regained_consciousness",
                f"{sheet.identity.name} is no longer Unconscious (still Prone).",
            )
        )
    return TransitionResult(replace(sheet, state=state), tuple(events))


def gain_temp_hp(sheet: Sheet, amount: int, *, keep_higher: bool = True) -> TransitionResult:
    """Temporary HP never stack: keep the higher value by default, or replace when asked."""
    require_alive(sheet)
    if amount < 0:
        raise RuleViolation.at("amount", "negative_temp_hp", "Temporary HP cannot be negative.")
    current = sheet.state.temp_hp
    new = max(current, amount) if keep_higher else amount
    event = Event(
        "temp_hp_set",
        f"Temporary HP: {new} (had {current}, offered {amount}).",
        {"temp_hp": new, "previous": current},
    )
    return TransitionResult(with_state(sheet, temp_hp=new), (event,))


# ------------------------------------------------------------------ death saves


def death_save(sheet: Sheet, roll: int) -> TransitionResult:
    """Resolve a death saving throw from the natural d20 ``roll`` (1-20)."""
    require_alive(sheet)
    if not 1 <= roll <= 20:
        raise RuleViolation.at("roll", "roll_out_of_range", "A d20 roll is 1-20.")
    if _current_hp(sheet) > 0:
        raise RuleViolation.at(
            "state.current_hp", "not_dying", "Death saves are made only at 0 HP."
        )
    if sheet.state.stable:
        raise RuleViolation.at(
            "state.stable", "already_stable", "A Stable creature makes no death saves."
        )
    saves = sheet.state.death_saves
    if roll == 20:
        state = replace(
            sheet.state,
            current_hp=1,
            death_saves=DeathSaves(),
            stable=False,
            conditions=sheet.state.conditions - {Condition.UNCONSCIOUS},
        )
        return TransitionResult(
            replace(sheet, state=state),
            (
                Event(
                    "death_save_natural_20",
                    "Natural 20: regains 1 Hit Point and wakes up.",
                    {"roll": roll},
                ),
            ),
        )
    if roll == 1:
        saves = replace(saves, failures=min(3, saves.failures + 2))
    elif roll >= 10:
        saves = replace(saves, successes=min(3, saves.successes + 1))
    else:
        saves = replace(saves, failures=min(3, saves.failures + 1))
    sheet = with_state(sheet, death_saves=saves)
    events = [
        Event(
            "death_save",
            f"Death save {roll}: {saves.successes} successes, {saves.failures} failures.",
            {"roll": roll, "successes": saves.successes, "failures": saves.failures},
        )
    ]
    if saves.failures >= 3:
        sheet, more = _die(sheet, "three failed death saves")
        events.extend(more)
    elif saves.successes >= 3:
        sheet = with_state(sheet, stable=True, death_saves=DeathSaves())
        events.append(Event("stabilized", f"{sheet.identity.name} is Stable at 0 HP."))
    return TransitionResult(sheet, tuple(events))


def stabilize(sheet: Sheet) -> TransitionResult:
    """Make a dying character Stable (Medicine check, Spare the Dying, ...)."""
    require_alive(sheet)
    if _current_hp(sheet) > 0:
        raise RuleViolation.at(
            "state.current_hp", "not_dying", "Only a creature at 0 HP can be stabilized."
        )
    sheet = with_state(sheet, stable=True, death_saves=DeathSaves())
    return TransitionResult(sheet, (Event("stabilized", f"{sheet.identity.name} is Stable."),))


# ------------------------------------------------------------------ conditions


def change_exhaustion(sheet: Sheet, delta: int) -> TransitionResult:
    """Raise or lower Exhaustion (0-6); level 6 is death."""
    require_alive(sheet)
    old = sheet.state.exhaustion
    new = max(0, min(MAX_EXHAUSTION, old + delta))
    sheet = with_state(sheet, exhaustion=new)
    events = [Event("exhaustion_changed", f"Exhaustion {old} -> {new}.", {"from": old, "to": new})]
    if exhaustion_is_fatal(new):
        sheet, more = _die(sheet, "Exhaustion level 6")
        events.extend(more)
    return TransitionResult(sheet, tuple(events))


def add_condition(sheet: Sheet, condition: Condition) -> TransitionResult:
    """Apply a condition. Unconscious brings Prone; incapacitation ends concentration and the
    active states it ends (Rage, Draconic Flight); an immune character is unaffected."""
    if condition is Condition.EXHAUSTION:
        return change_exhaustion(sheet, 1)
    require_alive(sheet)
    immune = derive(sheet).defenses.condition_immunities.get(condition)
    if immune:
        return TransitionResult(sheet, (Event(
            "condition_immune", f"Immune to {condition.value} ({', '.join(immune)}).",
            {"condition": condition.value, "sources": ", ".join(immune)}),))
    added = {condition}
    if condition is Condition.UNCONSCIOUS:
        added.add(Condition.PRONE)
    state = replace(sheet.state, conditions=sheet.state.conditions | added)
    sheet = replace(sheet, state=state)
    events = [Event("condition_added", f"Gains {condition.value}.", {"condition": condition.value})]
    if is_incapacitated(state.conditions):
        new_state, more = _concentration_ends(sheet, "incapacitated")
        sheet = replace(sheet, state=new_state)
        events.extend(more)
        ending = sorted(e for e in sheet.state.active_effects
                        if e in ACTIVE_EFFECTS and ACTIVE_EFFECTS[e].ends_when_incapacitated)
        if ending:
            sheet = with_state(sheet, active_effects=sheet.state.active_effects - set(ending))
            events.extend(Event("effect_ended", f"{ACTIVE_EFFECTS[e].name} ends (incapacitated).",
                                {"effect": e}) for e in ending)
    return TransitionResult(sheet, tuple(events))


# ------------------------------------------------------------------ active states


def activate(sheet: Sheet, effect_id: str, *, sorcery_points: bool = False) -> TransitionResult:
    """Switch on a state (``rules.active_effects``): Rage, Innate Sorcery, Sacred Weapon, ...

    Spends what it costs (a use of Rage, of Channel Divinity, 3 Focus Points, ...). With
    ``sorcery_points``, Innate Sorcery (Sorcerer 7, Sorcery Incarnate) costs 2 Sorcery Points
    and Dragon Wings 3 instead of their own use.
    """
    require_alive(sheet)
    effect = ACTIVE_EFFECTS.get(effect_id)
    if effect is None:
        raise RuleViolation.at("effect", "unknown_active_effect",
                               f"'{effect_id}' is not a known state "
                               f"({', '.join(sorted(ACTIVE_EFFECTS))}).")
    if not effect.available(sheet):
        raise RuleViolation.at("effect", "active_effect_unavailable",
                               f"{effect.name} needs {effect.needs}.")
    if effect_id in sheet.state.active_effects:
        raise RuleViolation.at(f"state.active_effects.{effect_id}", "already_active",
                               f"{effect.name} is already active.")
    if is_incapacitated(sheet.state.conditions):
        raise RuleViolation.at("state.conditions", "incapacitated",
                               f"An Incapacitated creature cannot start {effect.name}.")
    if effect_id == "rage":
        armor = next((i for i in sheet.equipment if i.equipped and i.armor is not None), None)
        if is_heavy(armor):
            raise RuleViolation.at("equipment", "rage_in_heavy_armor",
                                   "A Barbarian cannot enter a Rage while wearing Heavy armor.")
    resource, cost = effect.resource, effect.cost
    if sorcery_points and effect_id in _SORCERY_POINT_COSTS:
        needed_level, cost = _SORCERY_POINT_COSTS[effect_id]
        if sheet.class_level(ClassId.SORCERER) < needed_level:
            raise RuleViolation.at("sorcery_points", "sorcerer_level_too_low",
                                   f"Paying for {effect.name} with Sorcery Points needs "
                                   f"Sorcerer level {needed_level}.")
        resource = "sorcery-points"
    events: list[Event] = []
    if resource is not None:
        spent = spend_resource(sheet, resource, cost)
        sheet, events = spent.sheet, list(spent.events)
    sheet = with_state(sheet, active_effects=sheet.state.active_effects | {effect_id})
    events.append(Event("effect_started", f"{effect.name} starts.", {"effect": effect_id}))
    return TransitionResult(sheet, tuple(events))


# Effects a Sorcerer may pay for with Sorcery Points: (Sorcerer level, points).
_SORCERY_POINT_COSTS = {"innate-sorcery": (7, 2), "dragon-wings": (14, 3)}


def deactivate(sheet: Sheet, effect_id: str) -> TransitionResult:
    """Switch a state off (it ended, or the player ended it)."""
    if effect_id not in sheet.state.active_effects:
        raise RuleViolation.at(f"state.active_effects.{effect_id}", "not_active",
                               f"'{effect_id}' is not active.")
    sheet = with_state(sheet, active_effects=sheet.state.active_effects - {effect_id})
    name = ACTIVE_EFFECTS[effect_id].name if effect_id in ACTIVE_EFFECTS else effect_id
    return TransitionResult(sheet, (Event("effect_ended", f"{name} ends.",
                                          {"effect": effect_id}),))


def remove_condition(sheet: Sheet, condition: Condition) -> TransitionResult:
    if condition is Condition.EXHAUSTION:
        return change_exhaustion(sheet, -1)
    if condition not in sheet.state.conditions:
        return TransitionResult(sheet, ())
    sheet = with_state(sheet, conditions=sheet.state.conditions - {condition})
    return TransitionResult(
        sheet,
        (Event("condition_removed", f"Loses {condition.value}.", {"condition": condition.value}),),
    )


# ------------------------------------------------------------------ concentration


def start_concentration(sheet: Sheet, spell: str) -> TransitionResult:
    """Begin concentrating on ``spell``; any previous concentration ends first."""
    require_alive(sheet)
    if is_incapacitated(sheet.state.conditions):
        raise RuleViolation.at(
            "state.conditions", "incapacitated", "An Incapacitated creature cannot concentrate."
        )
    state, events = _concentration_ends(sheet, f"started concentrating on {spell}")
    state = replace(state, concentration=(spell,))
    events.append(Event("concentration_started", f"Concentrating on {spell}.", {"spell": spell}))
    return TransitionResult(replace(sheet, state=state), tuple(events))


def end_concentration(sheet: Sheet, reason: str = "ended by choice") -> TransitionResult:
    state, events = _concentration_ends(sheet, reason)
    return TransitionResult(replace(sheet, state=state), tuple(events))


def concentration_save(sheet: Sheet, save_total: int, dc: int) -> TransitionResult:
    """Resolve a concentration Constitution save: below the DC, concentration ends."""
    if not sheet.state.concentration:
        return TransitionResult(sheet, ())
    if save_total >= dc:
        spell = sheet.state.concentration[0]
        return TransitionResult(
            sheet,
            (
                Event(
                    "concentration_kept",
                    f"Keeps concentrating on {spell}.",
                    {"spell": spell, "total": save_total, "dc": dc},
                ),
            ),
        )
    return end_concentration(sheet, f"failed DC {dc} save with {save_total}")


# ------------------------------------------------------------------ hit dice, slots, resources


def spend_hit_die(sheet: Sheet, die: int, roll: int) -> TransitionResult:
    """Spend one Hit Die of size ``die``: regain ``roll`` + Con modifier HP (at least 1)."""
    require_alive(sheet)
    pool = next((p for p in derive(sheet).hit_dice if p.die == die), None)
    if pool is None:
        raise RuleViolation.at("die", "hit_die_unknown", f"The character has no d{die} Hit Dice.")
    if pool.remaining <= 0:
        raise RuleViolation.at(
            f"state.hit_dice_spent.{die}", "no_hit_dice", f"No d{die} Hit Dice left to spend."
        )
    if not 1 <= roll <= die:
        raise RuleViolation.at("roll", "roll_out_of_range", f"A d{die} roll is 1-{die}.")
    con = modifier(effective_scores(sheet)[0][Ability.CON])  # an Amulet of Health counts
    spent = dict(sheet.state.hit_dice_spent)
    spent[die] = spent.get(die, 0) + 1
    sheet = with_state(sheet, hit_dice_spent=spent)
    result = heal(sheet, max(1, roll + con))
    event = Event("hit_die_spent", f"Spends a d{die} (rolled {roll}).", {"die": die, "roll": roll})
    return TransitionResult(result.sheet, (event, *result.events))


def spend_spell_slot(sheet: Sheet, level: int) -> TransitionResult:
    require_alive(sheet)
    line = next((s for s in derive(sheet).spell_slots if s.level == level), None)
    if line is None or line.remaining <= 0:
        raise RuleViolation.at(
            f"state.slots_spent.{level}", "no_slot", f"No level {level} spell slot is available."
        )
    spent = dict(sheet.state.slots_spent)
    spent[level] = spent.get(level, 0) + 1
    return TransitionResult(
        with_state(sheet, slots_spent=spent),
        (Event("slot_spent", f"Spends a level {level} spell slot.", {"level": level}),),
    )


def recover_spell_slot(sheet: Sheet, level: int, count: int = 1) -> TransitionResult:
    spent = dict(sheet.state.slots_spent)
    if spent.get(level, 0) < count or count < 1:
        raise RuleViolation.at(
            f"state.slots_spent.{level}",
            "nothing_to_recover",
            f"Fewer than {count} level {level} slots are spent.",
        )
    spent[level] -= count
    return TransitionResult(
        with_state(sheet, slots_spent=spent),
        (
            Event(
                "slot_recovered",
                f"Recovers {count} level {level} slot(s).",
                {"level": level, "count": count},
            ),
        ),
    )


def spend_pact_slot(sheet: Sheet) -> TransitionResult:
    require_alive(sheet)
    pact = derive(sheet).pact_slots
    if pact is None or pact.remaining <= 0:
        raise RuleViolation.at(
            "state.pact_slots_spent", "no_slot", "No Pact Magic slot is available."
        )
    return TransitionResult(
        with_state(sheet, pact_slots_spent=sheet.state.pact_slots_spent + 1),
        (
            Event(
                "pact_slot_spent",
                f"Spends a level {pact.slot_level} Pact Magic slot.",
                {"level": pact.slot_level},
            ),
        ),
    )


def spend_resource(sheet: Sheet, resource_id: str, amount: int = 1) -> TransitionResult:
    require_alive(sheet)
    line = derive(sheet).resources.get(resource_id)
    if line is None:
        raise RuleViolation.at(
            f"state.resources_spent.{resource_id}",
            "unknown_resource",
            f"The character has no '{resource_id}' resource.",
        )
    if amount < 1 or line.remaining < amount:
        raise RuleViolation.at(
            f"state.resources_spent.{resource_id}",
            "resource_exhausted",
            f"{line.name}: {line.remaining} left, {amount} needed.",
        )
    spent = dict(sheet.state.resources_spent)
    spent[resource_id] = line.spent + amount
    return TransitionResult(
        with_state(sheet, resources_spent=spent),
        (
            Event(
                "resource_spent",
                f"Uses {amount} {line.name} ({line.remaining - amount} left).",
                {"resource": resource_id, "amount": amount},
            ),
        ),
    )


def recover_resource(sheet: Sheet, resource_id: str, amount: int = 1) -> TransitionResult:
    spent = dict(sheet.state.resources_spent)
    before = spent.get(resource_id, 0)
    if amount < 1:
        raise RuleViolation.at("amount", "invalid_amount", "Recover at least 1.")
    spent[resource_id] = max(0, before - amount)
    return TransitionResult(
        with_state(sheet, resources_spent=spent),
        (
            Event(
                "resource_recovered",
                f"Recovers {before - spent[resource_id]} {resource_id}.",
                {"resource": resource_id, "amount": before - spent[resource_id]},
            ),
        ),
    )


# ------------------------------------------------------------------ rests


def _require_conscious_hp(sheet: Sheet, rest: str) -> None:
    require_alive(sheet)
    if _current_hp(sheet) < 1:
        raise RuleViolation.at(
            "state.current_hp", "rest_needs_hp", f"A {rest} needs at least 1 Hit Point to start."
        )


def short_rest(sheet: Sheet, hit_dice: Sequence[tuple[int, int]] = ()) -> TransitionResult:
    """Short Rest: spend Hit Dice (``(die, roll)`` pairs) and recover short-rest resources."""
    _require_conscious_hp(sheet, "Short Rest")
    events: list[Event] = []
    for die, roll in hit_dice:
        result = spend_hit_die(sheet, die, roll)
        sheet = result.sheet
        events.extend(result.events)
    derived = derive(sheet)
    spent = dict(sheet.state.resources_spent)
    for rid, line in derived.resources.items():
        if line.spent and line.recovery is Recovery.SHORT_ALL:
            spent[rid] = 0
        elif line.spent and line.recovery is Recovery.SHORT_ONE:
            spent[rid] = line.spent - 1
    sheet = with_state(
        sheet, resources_spent={k: v for k, v in spent.items() if v}, pact_slots_spent=0,
        active_effects=frozenset(),
    )
    events.append(Event("short_rest", "Finishes a Short Rest."))
    if sheet.class_level(ClassId.RANGER) >= 10 and sheet.state.exhaustion:  # Tireless
        result = change_exhaustion(sheet, -1)
        sheet = result.sheet
        events.extend(result.events)
    return TransitionResult(sheet, tuple(events))


def long_rest(sheet: Sheet) -> TransitionResult:
    """Long Rest (2024): all HP and all Hit Dice back, slots and resources reset, Exhaustion -1."""
    _require_conscious_hp(sheet, "Long Rest")
    max_hp = _max_hp(sheet)
    state = sheet.state
    new_exhaustion = max(0, state.exhaustion - 1)
    state = replace(
        state,
        current_hp=max_hp,
        temp_hp=0,
        hit_dice_spent={},
        slots_spent={},
        pact_slots_spent=0,
        resources_spent={},
        death_saves=DeathSaves(),
        stable=False,
        exhaustion=new_exhaustion,
        created_slots={},
        active_effects=frozenset(),
    )
    events = [
        Event(
            "long_rest",
            "Finishes a Long Rest: HP, Hit Dice, spell slots and resources restored.",
            {"hp": max_hp, "exhaustion": new_exhaustion},
        )
    ]
    if sheet.state.created_slots and any(sheet.state.created_slots.values()):
        events.append(
            Event("created_slots_vanished", "Spell slots created with Font of Magic vanish.")
        )
    resourceful = derive(sheet).species_traits.heroic_inspiration_on_long_rest
    if resourceful and not state.heroic_inspiration:
        state = replace(state, heroic_inspiration=True)
        events.append(Event("inspiration_gained", "Resourceful: gains Heroic Inspiration."))
    return TransitionResult(replace(sheet, state=state), tuple(events))


# ------------------------------------------------------------------ experience and inspiration


def award_xp(sheet: Sheet, amount: int) -> TransitionResult:
    """Add experience points; says when the character can gain a level."""
    if amount < 0:
        raise RuleViolation.at("amount", "negative_xp", "An XP award cannot be negative.")
    before = derive(sheet).progress.can_level_up
    sheet = replace(sheet, xp=sheet.xp + amount)
    progress = derive(sheet).progress
    events = [
        Event(
            "xp_awarded",
            f"Gains {amount} XP ({sheet.xp} total).",
            {"amount": amount, "xp": sheet.xp},
        )
    ]
    if progress.can_level_up and not before:
        events.append(
            Event(
                "level_up_available",
                "Enough XP to gain a level.",
                {"next_level_xp": progress.next_level_xp},
            )
        )
    return TransitionResult(sheet, tuple(events))


def set_heroic_inspiration(sheet: Sheet, has_it: bool) -> TransitionResult:
    """Gain or spend Heroic Inspiration (a character has it or not; it never stacks)."""
    if not has_it and not sheet.state.heroic_inspiration:
        raise RuleViolation.at(
            "state.heroic_inspiration",
            "no_inspiration",
            "The character has no Heroic Inspiration to spend.",
        )
    kind = "inspiration_gained" if has_it else "inspiration_spent"
    message = "Has Heroic Inspiration." if has_it else "Spends Heroic Inspiration."
    return TransitionResult(with_state(sheet, heroic_inspiration=has_it), (Event(kind, message),))


# ------------------------------------------------------------------ level up


def _check_improvement_level(class_id: ClassId, level: int, improvement: Improvement) -> None:
    info = CLASSES[class_id]
    if improvement.kind is ImprovementKind.EPIC_BOON:
        allowed = level == info.epic_boon_level
    elif improvement.kind in (ImprovementKind.ASI, ImprovementKind.FEAT):
        allowed = level in info.asi_levels
    else:
        allowed = False
    if not allowed:
        raise RuleViolation.at(
            "improvement",
            "improvement_level_invalid",
            f"{info.name} level {level} grants no {improvement.kind.value} choice "
            f"(Ability Score Improvements at {', '.join(map(str, info.asi_levels))}; "
            f"Epic Boon at {info.epic_boon_level}).",
        )


def level_up(
    sheet: Sheet,
    class_id: ClassId,
    *,
    hp_roll: int | None = None,
    subclass: str | None = None,
    improvement: Improvement | None = None,
) -> TransitionResult:
    """Gain a level in ``class_id`` (an existing class or a new one, if prerequisites allow).

    ``hp_roll`` is the Hit Die roll (``None`` takes the fixed value). ``subclass`` is required
    information when the class reaches its subclass level, ``improvement`` at an ASI or Epic Boon
    level; when missing, a ``choice_needed`` event says so instead of failing.
    """
    require_alive(sheet)
    if sheet.total_level >= MAX_LEVEL:
        raise RuleViolation.at("classes", "max_level", "Level 20 is the highest character level.")
    info = CLASSES[class_id]
    index = next((i for i, e in enumerate(sheet.classes) if e.class_id is class_id), None)
    scores = final_scores(sheet)
    if index is None:
        for entry in sheet.classes:
            if not meets_multiclass_prerequisites(entry.class_id, scores):
                raise RuleViolation.at(
                    "classes",
                    "multiclass_prerequisite",
                    f"To multiclass, {CLASSES[entry.class_id].name} needs "
                    f"{prerequisite_text(entry.class_id)}.",
                )
        if not meets_multiclass_prerequisites(class_id, scores):
            raise RuleViolation.at(
                "class",
                "multiclass_prerequisite",
                f"To multiclass into {info.name} you need {prerequisite_text(class_id)}.",
            )
    if hp_roll is not None and not 1 <= hp_roll <= info.hit_die:
        raise RuleViolation.at(
            "hp_roll", "roll_out_of_range", f"A d{info.hit_die} roll is 1-{info.hit_die}."
        )
    before = derive(sheet)
    entry = sheet.classes[index] if index is not None else ClassLevel(class_id, 0)
    new_level = entry.level + 1
    if subclass is not None and new_level < info.subclass_level and entry.subclass is None:
        raise RuleViolation.at(
            "subclass",
            "subclass_too_early",
            f"{info.name} picks a subclass at level {info.subclass_level}.",
        )
    if improvement is not None:
        _check_improvement_level(info.id, new_level, improvement)
    later_before = entry.level - 1 if index == 0 else entry.level
    rolls = entry.hp_rolls
    if hp_roll is not None or rolls is not None:
        fixed = hit_gain_fixed(info.hit_die)
        previous = rolls if rolls is not None else (fixed,) * max(0, later_before)
        rolls = (*previous, hp_roll if hp_roll is not None else fixed)
    new_entry = replace(entry, level=new_level, subclass=entry.subclass or subclass, hp_rolls=rolls)
    classes = list(sheet.classes)
    if index is None:
        classes.append(new_entry)
    else:
        classes[index] = new_entry
    improvements = sheet.improvements
    if improvement is not None:
        improvement = replace(improvement, class_id=class_id, class_level=new_level)
        improvements = (*improvements, improvement)
    sheet = replace(sheet, classes=tuple(classes), improvements=improvements)
    after = derive(sheet)
    gained = after.max_hp - before.max_hp
    sheet = with_state(sheet, current_hp=before.current_hp + gained)
    events = [
        Event(
            "level_gained",
            f"{info.name} level {new_level} (character level {sheet.total_level}).",
            {"class": class_id.value, "level": new_level},
        ),
        Event(
            "hp_max_increased",
            f"Hit Point maximum +{gained} ({after.max_hp}).",
            {"gained": gained, "max_hp": after.max_hp},
        ),
    ]
    gained_features = [
        *features_up_to(class_id, new_level),
        *subclass_features_up_to(new_entry.subclass, new_level),
    ]
    for level, name in gained_features:
        if level == new_level:
            events.append(Event("feature_gained", f"New feature: {name}.", {"feature": name}))
    if after.proficiency_bonus != before.proficiency_bonus:
        events.append(
            Event(
                "proficiency_bonus_increased",
                f"Proficiency Bonus +{after.proficiency_bonus}.",
                {"bonus": after.proficiency_bonus},
            )
        )
    if after.spell_slots != before.spell_slots or after.pact_slots != before.pact_slots:
        slots = ", ".join(f"L{s.level}: {s.maximum}" for s in after.spell_slots) or "none"
        events.append(Event("spell_slots_changed", f"Spell slots now {slots}."))
    for rid, line in after.resources.items():
        old = before.resources.get(rid)
        if old is None or old.maximum != line.maximum:
            events.append(
                Event(
                    "resource_changed",
                    f"{line.name}: {line.maximum}.",
                    {"resource": rid, "max": line.maximum},
                )
            )
    if new_level == info.subclass_level and new_entry.subclass is None:
        events.append(
            Event("choice_needed", f"Choose a {info.name} subclass.", {"choice": "subclass"})
        )
    if improvement is None and new_level in info.asi_levels:
        events.append(
            Event(
                "choice_needed",
                "Choose an Ability Score Improvement or a feat.",
                {"choice": "improvement"},
            )
        )
    if improvement is None and new_level == info.epic_boon_level:
        events.append(Event("choice_needed", "Choose an Epic Boon feat.", {"choice": "epic-boon"}))
    return TransitionResult(sheet, tuple(events))
