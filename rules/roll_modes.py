"""Advantage, Disadvantage and automatic failure on D20 Tests, derived from the character's state.

Conditions (SRD 5.2 Rules Glossary), armor without training, armor that hinders Stealth and
species traits (Gnomish Cunning) decide whether a roll has Advantage or Disadvantage. Callers get
one ``RollSummary`` per kind of D20 Test with the net ``mode`` (any Advantage and any
Disadvantage cancel out) and the reasons behind it, so no caller decides by hand.

Frightened and Invisible count as applying (the fear source is normally in sight, the attacker
normally cannot see an Invisible creature); their reason text states the proviso. Effects that
need a fact the sheet does not hold - the target is not the grappler, the check needs sight or
hearing, the save is against the Poisoned condition - go to ``situational`` and never change
``mode``. The Exhaustion penalty is a number, not a mode; it is already in every derived bonus
and repeated here as ``penalty``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rules.conditions import exhaustion_d20_penalty
from rules.dice import RollMode, combine_modes
from rules.enums import SKILL_ABILITY, Ability, Condition, Skill

_PHYSICAL = (Ability.STR, Ability.DEX)
# Reasons that several D20 Test kinds share, worded once.
_LUCK = "Luck: reroll a natural 1"  # Halfling Luck
_FRIGHTENED = "Frightened (while the source of fear is in sight)"


@dataclass(frozen=True)
class RollSummary:
    """What applies to one kind of D20 Test."""

    mode: RollMode
    advantage: tuple[str, ...] = ()  # reasons for Advantage
    disadvantage: tuple[str, ...] = ()  # reasons for Disadvantage
    auto_fail: tuple[str, ...] = ()  # reasons the roll fails without rolling
    situational: tuple[str, ...] = ()  # effects the caller must judge (mode ignores them)
    penalty: int = 0  # Exhaustion, already included in the derived bonuses

    @property
    def fails_automatically(self) -> bool:
        return bool(self.auto_fail)


@dataclass(frozen=True)
class AttackedSummary:
    """Attack rolls other creatures make against this character."""

    mode: RollMode
    advantage: tuple[str, ...] = ()
    disadvantage: tuple[str, ...] = ()
    critical_on_hit: tuple[str, ...] = ()  # every hit is a Critical Hit (within 5 feet only)


@dataclass(frozen=True)
class RollModes:
    attack: RollSummary
    initiative: RollSummary
    checks: dict[Ability, RollSummary]
    skills: dict[Skill, RollSummary]
    saves: dict[Ability, RollSummary]
    attacked_within_5ft: AttackedSummary  # attackers within 5 feet
    attacked_beyond_5ft: AttackedSummary  # attackers farther away


@dataclass(frozen=True)
class RollInputs:
    conditions: frozenset[Condition]  # effective conditions (implied ones included)
    exhaustion: int = 0
    untrained_armor: str | None = None  # name of worn armor the character is not trained with
    stealth_disadvantage_armor: str | None = None  # name of worn armor that hinders Stealth
    save_advantages: Mapping[Ability, str] = field(default_factory=dict)  # ability -> trait
    condition_save_advantages: Mapping[Condition, str] = field(default_factory=dict)
    rerolls_natural_ones: bool = False  # Halfling Luck


class _Builder:
    """Collects reasons for one D20 Test kind, then settles the mode."""

    def __init__(self, penalty: int) -> None:
        self.adv: list[str] = []
        self.dis: list[str] = []
        self.fail: list[str] = []
        self.maybe: list[str] = []
        self.penalty = penalty

    def build(self) -> RollSummary:
        return RollSummary(
            combine_modes(bool(self.adv), bool(self.dis)), tuple(self.adv), tuple(self.dis),
            tuple(self.fail), tuple(self.maybe), self.penalty,
        )


def _has(inputs: RollInputs, condition: Condition) -> bool:
    return condition in inputs.conditions


def _attack(inputs: RollInputs, penalty: int) -> RollSummary:
    b = _Builder(penalty)
    if _has(inputs, Condition.BLINDED):
        b.dis.append("Blinded")
    if _has(inputs, Condition.FRIGHTENED):
        b.dis.append(_FRIGHTENED)
    if _has(inputs, Condition.POISONED):
        b.dis.append("Poisoned")
    if _has(inputs, Condition.PRONE):
        b.dis.append("Prone")
    if _has(inputs, Condition.RESTRAINED):
        b.dis.append("Restrained")
    if _has(inputs, Condition.INVISIBLE):
        b.adv.append("Invisible (against creatures that cannot see you)")
    if _has(inputs, Condition.GRAPPLED):
        b.maybe.append("Grappled: Disadvantage against any target other than the grappler")
    if _has(inputs, Condition.CHARMED):
        b.maybe.append("Charmed: cannot attack the charmer")
    if inputs.untrained_armor:
        b.dis.append(f"untrained with {inputs.untrained_armor} (Strength or Dexterity attacks)")
    if _has(inputs, Condition.INCAPACITATED):
        b.maybe.append("Incapacitated: cannot take actions, so cannot attack")
    if inputs.rerolls_natural_ones:
        b.maybe.append(_LUCK)
    return b.build()


def _check(inputs: RollInputs, ability: Ability, penalty: int) -> _Builder:
    b = _Builder(penalty)
    if _has(inputs, Condition.FRIGHTENED):
        b.dis.append(_FRIGHTENED)
    if _has(inputs, Condition.POISONED):
        b.dis.append("Poisoned")
    if inputs.untrained_armor and ability in _PHYSICAL:
        b.dis.append(f"untrained with {inputs.untrained_armor}")
    if _has(inputs, Condition.BLINDED):
        b.maybe.append("Blinded: automatically fails checks that require sight")
    if _has(inputs, Condition.DEAFENED):
        b.maybe.append("Deafened: automatically fails checks that require hearing")
    if inputs.rerolls_natural_ones:
        b.maybe.append(_LUCK)
    return b


def _save(inputs: RollInputs, ability: Ability, penalty: int) -> RollSummary:
    b = _Builder(penalty)
    if ability in _PHYSICAL:
        for condition in (Condition.PARALYZED, Condition.PETRIFIED, Condition.STUNNED,
                          Condition.UNCONSCIOUS):
            if _has(inputs, condition):
                b.fail.append(condition.value.title())
        if inputs.untrained_armor:
            b.dis.append(f"untrained with {inputs.untrained_armor}")
    if ability is Ability.DEX and _has(inputs, Condition.RESTRAINED):
        b.dis.append("Restrained")
    if ability in inputs.save_advantages:
        b.adv.append(inputs.save_advantages[ability])
    for condition, trait in sorted(inputs.condition_save_advantages.items()):
        b.maybe.append(f"{trait}: Advantage on saves to avoid or end {condition.value.title()}")
    if inputs.rerolls_natural_ones:
        b.maybe.append(_LUCK)
    return b.build()


def _initiative(inputs: RollInputs, dex_check: _Builder, penalty: int) -> RollSummary:
    """Initiative is a Dexterity check, plus the Invisible and Incapacitated rules for it."""
    b = _Builder(penalty)
    b.adv, b.dis, b.maybe = list(dex_check.adv), list(dex_check.dis), list(dex_check.maybe)
    if _has(inputs, Condition.INVISIBLE):
        b.adv.append("Invisible")
    if _has(inputs, Condition.INCAPACITATED):
        b.dis.append("Incapacitated")
    return b.build()


def _attacked(inputs: RollInputs, within_5ft: bool) -> AttackedSummary:
    adv: list[str] = []
    dis: list[str] = []
    crit: list[str] = []
    for condition in (Condition.BLINDED, Condition.PARALYZED, Condition.PETRIFIED,
                      Condition.RESTRAINED, Condition.STUNNED, Condition.UNCONSCIOUS):
        if _has(inputs, condition):
            adv.append(condition.value.title())
    if _has(inputs, Condition.PRONE):
        (adv if within_5ft else dis).append("Prone")
    if _has(inputs, Condition.INVISIBLE):
        dis.append("Invisible (unless the attacker can see you)")
    if within_5ft:
        crit = [c.value.title() for c in (Condition.PARALYZED, Condition.UNCONSCIOUS)
                if _has(inputs, c)]
    return AttackedSummary(combine_modes(bool(adv), bool(dis)), tuple(adv), tuple(dis),
                           tuple(crit))


def roll_modes(inputs: RollInputs) -> RollModes:
    """Every D20 Test kind with its net mode and the reasons, for one character state."""
    penalty = exhaustion_d20_penalty(inputs.exhaustion)
    check_builders = {ability: _check(inputs, ability, penalty) for ability in Ability}
    skills: dict[Skill, RollSummary] = {}
    for skill in Skill:
        b = _check(inputs, SKILL_ABILITY[skill], penalty)
        if skill is Skill.STEALTH and inputs.stealth_disadvantage_armor:
            b.dis.append(f"{inputs.stealth_disadvantage_armor} hinders Stealth")
        skills[skill] = b.build()
    return RollModes(
        attack=_attack(inputs, penalty),
        initiative=_initiative(inputs, check_builders[Ability.DEX], penalty),
        checks={ability: b.build() for ability, b in check_builders.items()},
        skills=skills,
        saves={ability: _save(inputs, ability, penalty) for ability in Ability},
        attacked_within_5ft=_attacked(inputs, within_5ft=True),
        attacked_beyond_5ft=_attacked(inputs, within_5ft=False),
    )

