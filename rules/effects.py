"""What class features, species traits, feats, magic items and active states do to the numbers.

Derivation first asks each source what it changes and collects the answers in one ``Effects``
(an internal, mutable collector), then builds every number from its base plus the effects that
target it, each as a named ``Contribution`` - so the breakdowns say "Aura of Protection",
"Ring of Protection" or "Rage" where those apply. The sources live in ``rules.class_features``
(classes, subclasses, species, feats) and ``rules.magic_items``.

The play states a sheet can switch on (``state.active_effects``: Rage, Innate Sorcery, ...)
are listed in ``rules.active_effects``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rules.breakdown import Contribution
from rules.enums import ClassId, Condition, DamageType, Skill
from rules.roll_modes import RollEffect


class AttackScope(StrEnum):
    """Which attacks an attack effect applies to."""

    ALL = "all"  # every weapon attack and the Unarmed Strike
    WEAPONS = "weapons"  # weapon attacks only
    MELEE = "melee"  # melee weapon attacks and the Unarmed Strike
    STRENGTH = "strength"  # attacks that use Strength (Rage)
    PACT = "pact"  # the Warlock's pact weapon


@dataclass(frozen=True, slots=True)
class AttackBonus:
    scope: AttackScope
    part: Contribution


@dataclass(frozen=True, slots=True)
class ExtraDamage:
    """Damage dice a hit adds (Radiant Strikes "1d8 radiant"), shown beside the attack."""

    scope: AttackScope
    dice: str  # "1d8 radiant"
    source: str
    condition: str = ""  # "once per turn", "against undead", ...


@dataclass(frozen=True, slots=True)
class RollFloor:
    """A minimum on a D20 Test: the d20 counts as ``value`` at least (Reliable Talent), or the
    total does (Indomitable Might)."""

    applies_to: str  # "skill checks with proficiency", "Strength checks and saves"
    value: int
    on_total: bool
    source: str


@dataclass(frozen=True, slots=True)
class ExtraSpeed:
    """A Climb, Swim or Fly Speed: a fixed number, or equal to the walking Speed (None)."""

    kind: str  # "climb", "swim", "fly"
    value: int | None
    source: str


class Effects:
    """Everything the sources change, gathered once per derivation (a plain class with slots:
    one is built for every derivation, and a dataclass with 30 default factories costs more)."""

    __slots__ = (
        "ac",
        "ac_unarmored",
        "attacks_per_action",
        "attunement_limit",
        "cantrips",
        "checks",
        "condition_immunities",
        "critical_from",
        "damage",
        "extra_damage",
        "feature_dcs",
        "hp_per_level",
        "immunities",
        "mage_armor",
        "notes",
        "numbers",
        "pact_attacks",
        "resistances",
        "roll",
        "roll_floors",
        "saves",
        "senses",
        "skill",
        "speed",
        "speed_minimum",
        "speeds",
        "spell_attack",
        "spell_dc",
        "to_hit",
        "unarmored_base",
    )

    def __init__(self) -> None:
        self.ac: list[Contribution] = []  # every AC calculation
        self.ac_unarmored: list[Contribution] = []  # with no armor and no shield
        self.mage_armor: str | None = None  # a source that makes Mage Armor always available
        self.unarmored_base: list[tuple[str, int]] = []  # Robe of the Archmagi: 15 + Dex
        self.saves: list[Contribution] = []  # every saving throw
        self.checks: list[Contribution] = []  # every ability check (initiative too)
        self.skill: dict[Skill, list[Contribution]] = {}
        self.speed: list[Contribution] = []  # walking Speed
        self.speed_minimum: list[tuple[int, str]] = []
        self.speeds: list[ExtraSpeed] = []  # Climb, Swim, Fly
        self.spell_dc: list[tuple[ClassId | None, Contribution]] = []  # None: every class
        self.spell_attack: list[tuple[ClassId | None, Contribution]] = []
        self.resistances: dict[DamageType, list[str]] = {}
        self.immunities: dict[DamageType, list[str]] = {}
        self.condition_immunities: dict[Condition, list[str]] = {}
        self.senses: dict[str, int] = {}
        self.roll: list[RollEffect] = []
        self.roll_floors: list[RollFloor] = []
        self.to_hit: list[AttackBonus] = []
        self.damage: list[AttackBonus] = []
        self.extra_damage: list[ExtraDamage] = []
        self.critical_from: tuple[int, str] = (20, "")  # lowest d20 that is a Critical Hit
        self.attacks_per_action: tuple[int, str] = (1, "")
        self.pact_attacks: tuple[int, str] = (1, "")  # Thirsting Blade: pact weapon only
        self.attunement_limit: tuple[int, str] = (3, "")
        self.numbers: dict[ClassId, dict[str, int | str]] = {}
        self.feature_dcs: list[tuple[str, str, tuple[Contribution, ...]]] = []
        self.hp_per_level: list[tuple[str, int]] = []  # (source, Hit Points per level)
        self.cantrips: dict[ClassId, int] = {}
        self.notes: list[str] = []

    def resist(self, damage: DamageType, source: str) -> None:
        self.resistances.setdefault(damage, []).append(source)

    def immune(self, damage: DamageType, source: str) -> None:
        self.immunities.setdefault(damage, []).append(source)

    def immune_to(self, condition: Condition, source: str) -> None:
        self.condition_immunities.setdefault(condition, []).append(source)

    def sense(self, kind: str, feet: int) -> None:
        self.senses[kind] = max(feet, self.senses.get(kind, 0))

    def number(self, class_id: ClassId, key: str, value: int | str) -> None:
        self.numbers.setdefault(class_id, {})[key] = value

    def best_critical(self, lowest: int, source: str) -> None:
        if lowest < self.critical_from[0]:
            self.critical_from = (lowest, source)

    def best_attacks(self, count: int, source: str) -> None:
        if count > self.attacks_per_action[0]:
            self.attacks_per_action = (count, source)
