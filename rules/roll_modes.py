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

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from rules.conditions import exhaustion_d20_penalty
from rules.dice import RollMode, combine_modes
from rules.enums import ABILITIES, SKILL_ABILITY, SKILLS, Ability, Condition, Skill

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
    death_save: RollSummary  # not an ability save: only its own effects apply
    concentration: RollSummary  # the Constitution save to keep Concentration


class RollTest(StrEnum):
    """Which D20 Tests a ``RollEffect`` touches."""

    ATTACK = "attack"
    INITIATIVE = "initiative"
    CHECK = "check"  # an ability check (key: the ability, or None for all)
    SKILL = "skill"  # one skill's checks (key: the skill)
    SAVE = "save"  # a saving throw (key: the ability, or None for all)
    DEATH_SAVE = "death-save"
    CONCENTRATION = "concentration"
    ATTACKED = "attacked"  # attack rolls against the character


class RollSide(StrEnum):
    ADVANTAGE = "advantage"
    DISADVANTAGE = "disadvantage"
    SITUATIONAL = "situational"  # the caller judges; never changes the mode
    NO_ADVANTAGE = "no-advantage"  # ATTACKED only: attackers cannot have Advantage (Elusive)


@dataclass(frozen=True)
class RollEffect:
    """An effect of a feature, trait, item or state on some D20 Tests (Rage: Advantage on
    Strength checks and saves; Danger Sense: on Dexterity saves; ...)."""

    test: RollTest
    side: RollSide
    reason: str
    key: Ability | Skill | None = None


@dataclass(frozen=True)
class RollInputs:
    """Everything roll modes depend on; hashable, so identical states share one result."""

    conditions: frozenset[Condition]  # effective conditions (implied ones included)
    exhaustion: int = 0
    untrained_armor: str | None = None  # name of worn armor the character is not trained with
    stealth_disadvantage_armor: str | None = None  # name of worn armor that hinders Stealth
    save_advantages: tuple[tuple[Ability, str], ...] = ()  # ability -> trait (always on)
    condition_save_advantages: tuple[tuple[Condition, str], ...] = ()
    rerolls_natural_ones: bool = False  # Halfling Luck
    effects: tuple[RollEffect, ...] = ()


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


def _apply(b: _Builder, inputs: RollInputs, test: RollTest, key: Ability | Skill | None) -> None:
    """Add the effects that target this test (``key`` None: only effects for every key)."""
    for effect in inputs.effects:
        if effect.test is not test or (effect.key is not None and effect.key is not key):
            continue
        if effect.side is RollSide.ADVANTAGE:
            b.adv.append(effect.reason)
        elif effect.side is RollSide.DISADVANTAGE:
            b.dis.append(effect.reason)
        else:
            b.maybe.append(effect.reason)


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
    _apply(b, inputs, RollTest.ATTACK, None)
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
    _apply(b, inputs, RollTest.CHECK, ability)
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
    b.adv.extend(trait for saved, trait in inputs.save_advantages if saved is ability)
    for condition, trait in sorted(inputs.condition_save_advantages):
        b.maybe.append(f"{trait}: Advantage on saves to avoid or end {condition.value.title()}")
    if inputs.rerolls_natural_ones:
        b.maybe.append(_LUCK)
    _apply(b, inputs, RollTest.SAVE, ability)
    return b.build()


def _special_save(inputs: RollInputs, test: RollTest, base: _Builder | None,
                  penalty: int) -> RollSummary:
    """Death saves (only their own effects, plus Luck) and Concentration (a Con save)."""
    b = _Builder(penalty)
    if base is not None:
        b.adv, b.dis, b.fail, b.maybe = (list(base.adv), list(base.dis), list(base.fail),
                                         list(base.maybe))
    elif inputs.rerolls_natural_ones:
        b.maybe.append(_LUCK)
    _apply(b, inputs, test, None)
    return b.build()


def _initiative(inputs: RollInputs, dex_check: _Builder, penalty: int) -> RollSummary:
    """Initiative is a Dexterity check, plus the Invisible and Incapacitated rules for it."""
    b = _Builder(penalty)
    b.adv, b.dis, b.maybe = list(dex_check.adv), list(dex_check.dis), list(dex_check.maybe)
    if _has(inputs, Condition.INVISIBLE):
        b.adv.append("Invisible")
    if _has(inputs, Condition.INCAPACITATED):
        b.dis.append("Incapacitated")
    _apply(b, inputs, RollTest.INITIATIVE, None)
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
    for effect in inputs.effects:
        if effect.test is not RollTest.ATTACKED:
            continue
        if effect.side is RollSide.NO_ADVANTAGE and adv:
            adv = []  # e.g. Elusive: no attack roll has Advantage against the character
        elif effect.side is RollSide.DISADVANTAGE:
            dis.append(effect.reason)
    return AttackedSummary(combine_modes(bool(adv), bool(dis)), tuple(adv), tuple(dis),
                           tuple(crit))


def roll_modes(inputs: RollInputs) -> RollModes:
    """Every D20 Test kind with its net mode and the reasons, for one character state.

    Cached: most characters share a handful of states (no conditions, one armor), and the
    result is immutable apart from its dicts, which callers only read.
    """
    return _roll_modes(inputs)


@lru_cache(maxsize=1024)
def _roll_modes(inputs: RollInputs) -> RollModes:
    penalty = exhaustion_d20_penalty(inputs.exhaustion)
    check_builders = {ability: _check(inputs, ability, penalty) for ability in ABILITIES}
    skills: dict[Skill, RollSummary] = {}
    for skill in SKILLS:
        b = _check(inputs, SKILL_ABILITY[skill], penalty)
        if skill is Skill.STEALTH and inputs.stealth_disadvantage_armor:
            b.dis.append(f"{inputs.stealth_disadvantage_armor} hinders Stealth")
        _apply(b, inputs, RollTest.SKILL, skill)
        skills[skill] = b.build()
    saves = {ability: _save(inputs, ability, penalty) for ability in ABILITIES}
    con = _Builder(penalty)
    con.adv, con.dis = list(saves[Ability.CON].advantage), list(saves[Ability.CON].disadvantage)
    con.fail, con.maybe = list(saves[Ability.CON].auto_fail), list(saves[Ability.CON].situational)
    return RollModes(
        attack=_attack(inputs, penalty),
        initiative=_initiative(inputs, check_builders[Ability.DEX], penalty),
        checks={ability: b.build() for ability, b in check_builders.items()},
        skills=skills,
        saves=saves,
        attacked_within_5ft=_attacked(inputs, within_5ft=True),
        attacked_beyond_5ft=_attacked(inputs, within_5ft=False),
        death_save=_special_save(inputs, RollTest.DEATH_SAVE, None, penalty),
        concentration=_special_save(inputs, RollTest.CONCENTRATION, con, penalty),
    )

