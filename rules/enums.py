"""Game constants as enums.

Every enum is a ``StrEnum`` whose value is the lowercase slug used in JSON input and output, so a
sheet file reads ``"ability": "dex"`` and Python code reads ``Ability.DEX``.
"""

from __future__ import annotations

from enum import StrEnum


class Ability(StrEnum):
    STR = "str"
    DEX = "dex"
    CON = "con"
    INT = "int"
    WIS = "wis"
    CHA = "cha"


class Skill(StrEnum):
    ACROBATICS = "acrobatics"
    ANIMAL_HANDLING = "animal-handling"
    ARCANA = "arcana"
    ATHLETICS = "athletics"
    DECEPTION = "deception"
    HISTORY = "history"
    INSIGHT = "insight"
    INTIMIDATION = "intimidation"
    INVESTIGATION = "investigation"
    MEDICINE = "medicine"
    NATURE = "nature"
    PERCEPTION = "perception"
    PERFORMANCE = "performance"
    PERSUASION = "persuasion"
    RELIGION = "religion"
    SLEIGHT_OF_HAND = "sleight-of-hand"
    STEALTH = "stealth"
    SURVIVAL = "survival"


ABILITIES: tuple[Ability, ...] = tuple(Ability)  # iterating an enum is slow; hot paths use these
SKILLS: tuple[Skill, ...] = tuple(Skill)

# Which ability each skill uses (SRD 5.2, "Skills" table).
SKILL_ABILITY: dict[Skill, Ability] = {
    Skill.ACROBATICS: Ability.DEX,
    Skill.ANIMAL_HANDLING: Ability.WIS,
    Skill.ARCANA: Ability.INT,
    Skill.ATHLETICS: Ability.STR,
    Skill.DECEPTION: Ability.CHA,
    Skill.HISTORY: Ability.INT,
    Skill.INSIGHT: Ability.WIS,
    Skill.INTIMIDATION: Ability.CHA,
    Skill.INVESTIGATION: Ability.INT,
    Skill.MEDICINE: Ability.WIS,
    Skill.NATURE: Ability.INT,
    Skill.PERCEPTION: Ability.WIS,
    Skill.PERFORMANCE: Ability.CHA,
    Skill.PERSUASION: Ability.CHA,
    Skill.RELIGION: Ability.INT,
    Skill.SLEIGHT_OF_HAND: Ability.DEX,
    Skill.STEALTH: Ability.DEX,
    Skill.SURVIVAL: Ability.WIS,
}


class Condition(StrEnum):
    """The 15 conditions of the 2024 rules. Exhaustion also has a level (1-6) kept apart."""

    BLINDED = "blinded"
    CHARMED = "charmed"
    DEAFENED = "deafened"
    EXHAUSTION = "exhaustion"
    FRIGHTENED = "frightened"
    GRAPPLED = "grappled"
    INCAPACITATED = "incapacitated"
    INVISIBLE = "invisible"
    PARALYZED = "paralyzed"
    PETRIFIED = "petrified"
    POISONED = "poisoned"
    PRONE = "prone"
    RESTRAINED = "restrained"
    STUNNED = "stunned"
    UNCONSCIOUS = "unconscious"


class DamageType(StrEnum):
    ACID = "acid"
    BLUDGEONING = "bludgeoning"
    COLD = "cold"
    FIRE = "fire"
    FORCE = "force"
    LIGHTNING = "lightning"
    NECROTIC = "necrotic"
    PIERCING = "piercing"
    POISON = "poison"
    PSYCHIC = "psychic"
    RADIANT = "radiant"
    SLASHING = "slashing"
    THUNDER = "thunder"


DAMAGE_TYPES: tuple[DamageType, ...] = tuple(DamageType)


class ClassId(StrEnum):
    BARBARIAN = "barbarian"
    BARD = "bard"
    CLERIC = "cleric"
    DRUID = "druid"
    FIGHTER = "fighter"
    MONK = "monk"
    PALADIN = "paladin"
    RANGER = "ranger"
    ROGUE = "rogue"
    SORCERER = "sorcerer"
    WARLOCK = "warlock"
    WIZARD = "wizard"


class Size(StrEnum):
    TINY = "tiny"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"
    HUGE = "huge"
    GARGANTUAN = "gargantuan"


class Alignment(StrEnum):
    LAWFUL_GOOD = "lawful-good"
    NEUTRAL_GOOD = "neutral-good"
    CHAOTIC_GOOD = "chaotic-good"
    LAWFUL_NEUTRAL = "lawful-neutral"
    NEUTRAL = "neutral"
    CHAOTIC_NEUTRAL = "chaotic-neutral"
    LAWFUL_EVIL = "lawful-evil"
    NEUTRAL_EVIL = "neutral-evil"
    CHAOTIC_EVIL = "chaotic-evil"
    UNALIGNED = "unaligned"


class ScoreMethod(StrEnum):
    """How the six base scores were generated."""

    STANDARD_ARRAY = "standard-array"
    POINT_BUY = "point-buy"
    ROLLED = "rolled"
    MANUAL = "manual"


class ArmorCategory(StrEnum):
    LIGHT = "light"
    MEDIUM = "medium"
    HEAVY = "heavy"


class WeaponCategory(StrEnum):
    SIMPLE = "simple"
    MARTIAL = "martial"


class WeaponProperty(StrEnum):
    AMMUNITION = "ammunition"
    FINESSE = "finesse"
    HEAVY = "heavy"
    LIGHT = "light"
    LOADING = "loading"
    RANGE = "range"
    REACH = "reach"
    THROWN = "thrown"
    TWO_HANDED = "two-handed"
    VERSATILE = "versatile"


class Mastery(StrEnum):
    CLEAVE = "cleave"
    GRAZE = "graze"
    NICK = "nick"
    PUSH = "push"
    SAP = "sap"
    SLOW = "slow"
    TOPPLE = "topple"
    VEX = "vex"


class ImprovementKind(StrEnum):
    """Where a later ability increase or feat came from."""

    ASI = "asi"  # the Ability Score Improvement feat taken at a class ASI level
    FEAT = "feat"  # another feat taken at a class ASI level
    EPIC_BOON = "epic-boon"  # the level-19 Epic Boon feature
    OTHER = "other"  # a magic item, a DM award, ... (not counted against class levels)
