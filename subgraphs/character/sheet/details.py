"""Parts of the sheet that describe rather than count: species traits, defenses, training,
senses and roll modes (Advantage, Disadvantage, automatic failure and why)."""

from __future__ import annotations

from enum import Enum

import strawberry

from rules.derive import DerivedDefenses
from rules.enums import DamageType as RulesDamageType
from rules.roll_modes import AttackedSummary, RollModes, RollSummary
from rules.species_traits import BreathWeapon, SpeciesTraits
from rules.training import TrainingSummary
from subgraphs.kit.game_enums import (
    Ability,
    ArmorCategory,
    Condition,
    DamageType,
    Skill,
    WeaponCategory,
)


@strawberry.enum(description="How a D20 Test is rolled once every source is counted.")
class RollMode(Enum):
    NORMAL = strawberry.enum_value("normal", description="One d20.")
    ADVANTAGE = strawberry.enum_value("advantage", description="Two d20s, the higher counts.")
    DISADVANTAGE = strawberry.enum_value("disadvantage", description="Two d20s, the lower counts.")


@strawberry.type(
    description="What applies to one kind of D20 Test: the net roll mode and the reasons. Any "
    "Advantage and any Disadvantage cancel out."
)
class SheetRollSummary:
    mode: RollMode = strawberry.field(description="The roll mode after cancelling.")
    advantage: list[str] = strawberry.field(description="Why there is Advantage (sources).")
    disadvantage: list[str] = strawberry.field(description="Why there is Disadvantage.")
    auto_fail: list[str] = strawberry.field(
        description="Why the roll fails without rolling (Paralyzed: Str and Dex saves)."
    )
    situational: list[str] = strawberry.field(
        description="Effects that depend on facts the sheet does not hold (the grappler as "
        "target, checks needing sight); the mode leaves them out."
    )
    penalty: int = strawberry.field(
        description="The Exhaustion penalty on this roll, already inside every bonus shown."
    )

    @classmethod
    def of(cls, s: RollSummary) -> SheetRollSummary:
        return cls(
            mode=RollMode(s.mode.value),
            advantage=list(s.advantage),
            disadvantage=list(s.disadvantage),
            auto_fail=list(s.auto_fail),
            situational=list(s.situational),
            penalty=s.penalty,
        )


@strawberry.type(description="Attack rolls other creatures make against the character.")
class SheetAttackedRolls:
    mode: RollMode = strawberry.field(description="How the attacker rolls.")
    advantage: list[str] = strawberry.field(description="Why attackers have Advantage.")
    disadvantage: list[str] = strawberry.field(description="Why attackers have Disadvantage.")
    critical_on_hit: list[str] = strawberry.field(
        description="Why every hit is a Critical Hit (Paralyzed, Unconscious)."
    )

    @classmethod
    def of(cls, s: AttackedSummary) -> SheetAttackedRolls:
        return cls(
            mode=RollMode(s.mode.value),
            advantage=list(s.advantage),
            disadvantage=list(s.disadvantage),
            critical_on_hit=list(s.critical_on_hit),
        )


@strawberry.type(description="The roll summary of one ability's checks or saving throws.")
class SheetAbilityRoll:
    ability: Ability = strawberry.field(description="The ability.")
    roll: SheetRollSummary = strawberry.field(description="How it is rolled.")


@strawberry.type(description="The roll summary of one skill's checks.")
class SheetSkillRoll:
    skill: Skill = strawberry.field(description="The skill.")
    roll: SheetRollSummary = strawberry.field(description="How it is rolled.")


@strawberry.type(
    description="Advantage and Disadvantage per kind of D20 Test, derived from conditions, "
    "armor and species traits: nobody decides them by hand."
)
class SheetRollModes:
    attack: SheetRollSummary = strawberry.field(description="The character's attack rolls.")
    initiative: SheetRollSummary = strawberry.field(description="Initiative rolls.")
    checks: list[SheetAbilityRoll] = strawberry.field(description="Ability checks, per ability.")
    skills: list[SheetSkillRoll] = strawberry.field(description="Skill checks, per skill.")
    saves: list[SheetAbilityRoll] = strawberry.field(description="Saving throws, per ability.")
    attacked_within_5ft: SheetAttackedRolls = strawberry.field(
        name="attackedWithin5Ft", description="Attacks against the character from within 5 feet."
    )
    attacked_beyond_5ft: SheetAttackedRolls = strawberry.field(
        name="attackedBeyond5Ft", description="Attacks against the character from farther away."
    )

    @classmethod
    def of(cls, m: RollModes) -> SheetRollModes:
        return cls(
            attack=SheetRollSummary.of(m.attack),
            initiative=SheetRollSummary.of(m.initiative),
            checks=[
                SheetAbilityRoll(ability=Ability(a.value), roll=SheetRollSummary.of(s))
                for a, s in m.checks.items()
            ],
            skills=[
                SheetSkillRoll(skill=Skill(k.value), roll=SheetRollSummary.of(s))
                for k, s in m.skills.items()
            ],
            saves=[
                SheetAbilityRoll(ability=Ability(a.value), roll=SheetRollSummary.of(s))
                for a, s in m.saves.items()
            ],
            attacked_within_5ft=SheetAttackedRolls.of(m.attacked_within_5ft),
            attacked_beyond_5ft=SheetAttackedRolls.of(m.attacked_beyond_5ft),
        )


@strawberry.type(description="Why the character resists one damage type.")
class SheetDefenseSource:
    damage_type: DamageType = strawberry.field(description="The damage type resisted.")
    sources: list[str] = strawberry.field(
        description="Where the Resistance comes from: `sheet`, a species trait, `Petrified`."
    )


@strawberry.type(description="Damage Resistances, Vulnerabilities and Immunities, all sources.")
class SheetDefenses:
    resistances: list[DamageType] = strawberry.field(description="Damage taken is halved.")
    vulnerabilities: list[DamageType] = strawberry.field(description="Damage taken is doubled.")
    immunities: list[DamageType] = strawberry.field(description="No damage is taken.")
    sources: list[SheetDefenseSource] = strawberry.field(description="Why each Resistance applies.")

    @classmethod
    def of(cls, d: DerivedDefenses) -> SheetDefenses:
        return cls(
            resistances=_damage_types(d.resistances),
            vulnerabilities=_damage_types(d.vulnerabilities),
            immunities=_damage_types(d.immunities),
            sources=[
                SheetDefenseSource(damage_type=DamageType(t.value), sources=list(why))
                for t, why in d.sources.items()
            ],
        )


def _damage_types(values: frozenset[RulesDamageType]) -> list[DamageType]:
    return sorted(DamageType(v.value) for v in values)


@strawberry.type(description="The training classes and choices give: what the character uses well.")
class SheetTraining:
    saves: list[Ability] = strawberry.field(description="Saving throw proficiencies.")
    armor: list[ArmorCategory] = strawberry.field(description="Armor categories trained.")
    shields: bool = strawberry.field(description="Whether shields are trained.")
    weapon_categories: list[WeaponCategory] = strawberry.field(
        description="Weapon categories trained (Simple, Martial)."
    )
    weapons: list[str] = strawberry.field(description="Single weapons trained, by slug.")

    @classmethod
    def of(cls, t: TrainingSummary) -> SheetTraining:
        return cls(
            saves=sorted(Ability(a.value) for a in t.saves),
            armor=sorted(ArmorCategory(a.value) for a in t.armor),
            shields=t.shields,
            weapon_categories=sorted(WeaponCategory(w.value) for w in t.weapon_categories),
            weapons=sorted(t.weapons),
        )


@strawberry.type(description="A special sense and its range.")
class SheetSense:
    sense: str = strawberry.field(description="The sense, e.g. `darkvision`.")
    range: int = strawberry.field(description="Its range in feet.")


@strawberry.type(description="A damage Resistance a species trait grants.")
class SheetTraitResistance:
    damage_type: DamageType = strawberry.field(description="The damage type.")
    trait: str = strawberry.field(description="The trait, e.g. `Draconic Ancestry`.")


@strawberry.type(description="Advantage on saving throws of one ability from a species trait.")
class SheetTraitSaveAdvantage:
    ability: Ability = strawberry.field(description="The ability whose saves have Advantage.")
    trait: str = strawberry.field(description="The trait, e.g. `Gnomish Cunning`.")


@strawberry.type(description="Advantage on saves against one condition from a species trait.")
class SheetTraitConditionAdvantage:
    condition: Condition = strawberry.field(description="The condition saved against.")
    trait: str = strawberry.field(description="The trait, e.g. `Fey Ancestry`.")


@strawberry.type(description="A Dragonborn's Breath Weapon.")
class SheetBreathWeapon:
    damage_type: DamageType = strawberry.field(description="Its damage type (the ancestry's).")
    dice: str = strawberry.field(description="Its damage dice, e.g. `2d10`.")
    save_ability: Ability = strawberry.field(description="The saving throw targets make.")
    save_dc: int = strawberry.field(description="8 + Constitution modifier + Proficiency Bonus.")
    areas: str = strawberry.field(description="The shapes it can take.")

    @classmethod
    def of(cls, b: BreathWeapon) -> SheetBreathWeapon:
        return cls(
            damage_type=DamageType(b.damage_type.value),
            dice=b.dice,
            save_ability=Ability(b.save_ability.value),
            save_dc=b.save_dc,
            areas=b.areas,
        )


@strawberry.type(description="What the character's species and lineage change on the sheet.")
class SheetSpeciesTraits:
    lineage: str | None = strawberry.field(description="The lineage's rules slug, if any.")
    speed: int = strawberry.field(description="The species' (or lineage's) walking speed.")
    darkvision: int = strawberry.field(description="Darkvision range in feet (0: none).")
    resistances: list[SheetTraitResistance] = strawberry.field(
        description="Resistances the species grants."
    )
    save_advantages: list[SheetTraitSaveAdvantage] = strawberry.field(
        description="Saving throws always made with Advantage."
    )
    condition_save_advantages: list[SheetTraitConditionAdvantage] = strawberry.field(
        description="Saves against these conditions are made with Advantage."
    )
    rerolls_natural_ones: bool = strawberry.field(description="Halfling Luck.")
    heroic_inspiration_on_long_rest: bool = strawberry.field(
        description="Human Resourceful: Heroic Inspiration after every Long Rest."
    )
    breath_weapon: SheetBreathWeapon | None = strawberry.field(
        description="The Breath Weapon, for a Dragonborn."
    )

    @classmethod
    def of(cls, t: SpeciesTraits) -> SheetSpeciesTraits:
        return cls(
            lineage=t.lineage.slug if t.lineage else None,
            speed=t.speed,
            darkvision=t.darkvision,
            resistances=[
                SheetTraitResistance(damage_type=DamageType(d.value), trait=trait)
                for d, trait in sorted(t.resistances.items())
            ],
            save_advantages=[
                SheetTraitSaveAdvantage(ability=Ability(a.value), trait=trait)
                for a, trait in t.save_advantages.items()
            ],
            condition_save_advantages=[
                SheetTraitConditionAdvantage(condition=Condition(c.value), trait=trait)
                for c, trait in sorted(t.condition_save_advantages.items())
            ],
            rerolls_natural_ones=t.rerolls_natural_ones,
            heroic_inspiration_on_long_rest=t.heroic_inspiration_on_long_rest,
            breath_weapon=None
            if t.breath_weapon is None
            else SheetBreathWeapon.of(t.breath_weapon),
        )
