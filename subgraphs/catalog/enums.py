"""Game constants of the catalog, as Python enums that double as GraphQL enums.

Values are the lowercase slugs stored in the database. ``Ability`` and ``DamageType`` mirror
``rules.enums`` member for member (a test keeps them in step), so the graph speaks of abilities and
damage types exactly as the rules engine does. They are declared here rather than wrapped from
``rules`` because wrapping would attach GraphQL metadata to the rules engine's own classes.
"""

from __future__ import annotations

from enum import StrEnum

import strawberry


@strawberry.enum(description="One of the six abilities.")
class Ability(StrEnum):
    STR = "str"
    DEX = "dex"
    CON = "con"
    INT = "int"
    WIS = "wis"
    CHA = "cha"


@strawberry.enum(description="A kind of damage.")
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


@strawberry.enum(description="One of the eight schools of magic.")
class MagicSchool(StrEnum):
    ABJURATION = "abjuration"
    CONJURATION = "conjuration"
    DIVINATION = "divination"
    ENCHANTMENT = "enchantment"
    EVOCATION = "evocation"
    ILLUSION = "illusion"
    NECROMANCY = "necromancy"
    TRANSMUTATION = "transmutation"


@strawberry.enum(description="What casting a spell costs: an action of some kind, or time.")
class CastingTimeUnit(StrEnum):
    ACTION = "action"
    BONUS_ACTION = "bonus_action"
    REACTION = "reaction"
    MINUTE = "minute"
    HOUR = "hour"


@strawberry.enum(description="How a spell's range is measured.")
class RangeKind(StrEnum):
    SELF = "self"
    TOUCH = "touch"
    DISTANCE = "distance"
    SIGHT = "sight"
    UNLIMITED = "unlimited"
    SPECIAL = "special"


@strawberry.enum(description="What makes a spell grow stronger.")
class ScalingKind(StrEnum):
    SLOT_LEVEL = "slot_level"
    CHARACTER_LEVEL = "character_level"


@strawberry.enum(description="The shape of the area a spell fills.")
class AreaShape(StrEnum):
    CONE = "cone"
    CUBE = "cube"
    CYLINDER = "cylinder"
    EMANATION = "emanation"
    LINE = "line"
    SPHERE = "sphere"


@strawberry.enum(description="How a class casts spells (and how its levels count toward slots).")
class CasterKind(StrEnum):
    NONE = "none"
    FULL = "full"
    HALF = "half"
    THIRD = "third"
    PACT = "pact"


@strawberry.enum(description="A creature's or species' size.")
class Size(StrEnum):
    TINY = "tiny"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"
    HUGE = "huge"
    GARGANTUAN = "gargantuan"


@strawberry.enum(description="A creature type.")
class CreatureType(StrEnum):
    ABERRATION = "aberration"
    BEAST = "beast"
    CELESTIAL = "celestial"
    CONSTRUCT = "construct"
    DRAGON = "dragon"
    ELEMENTAL = "elemental"
    FEY = "fey"
    FIEND = "fiend"
    GIANT = "giant"
    HUMANOID = "humanoid"
    MONSTROSITY = "monstrosity"
    OOZE = "ooze"
    PLANT = "plant"
    UNDEAD = "undead"


@strawberry.enum(description="One of the 18 skills.")
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


@strawberry.enum(description="One of the 15 conditions.")
class Condition(StrEnum):
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


@strawberry.enum(description="What kind of feat: when and how it can be taken.")
class FeatCategory(StrEnum):
    ORIGIN = "origin"
    GENERAL = "general"
    FIGHTING_STYLE = "fighting-style"
    EPIC_BOON = "epic-boon"


@strawberry.enum(description="The broad kind of a piece of mundane equipment.")
class EquipmentCategory(StrEnum):
    WEAPON = "weapon"
    ARMOR = "armor"
    SHIELD = "shield"
    TOOL = "tool"
    AMMUNITION = "ammunition"
    FOCUS = "focus"
    PACK = "pack"
    GEAR = "gear"


@strawberry.enum(description="Simple or Martial weapon.")
class WeaponCategory(StrEnum):
    SIMPLE = "simple"
    MARTIAL = "martial"


@strawberry.enum(description="Whether a weapon is used in melee or at range.")
class WeaponReach(StrEnum):
    MELEE = "melee"
    RANGED = "ranged"


@strawberry.enum(description="Light, Medium or Heavy armor, or a Shield.")
class ArmorCategory(StrEnum):
    LIGHT = "light"
    MEDIUM = "medium"
    HEAVY = "heavy"
    SHIELD = "shield"


@strawberry.enum(description="A weapon property.")
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


@strawberry.enum(description="A weapon mastery property.")
class Mastery(StrEnum):
    CLEAVE = "cleave"
    GRAZE = "graze"
    NICK = "nick"
    PUSH = "push"
    SAP = "sap"
    SLOW = "slow"
    TOPPLE = "topple"
    VEX = "vex"


@strawberry.enum(description="The broad kind of a magic item.")
class MagicItemCategory(StrEnum):
    ARMOR = "armor"
    POTION = "potion"
    RING = "ring"
    ROD = "rod"
    SCROLL = "scroll"
    STAFF = "staff"
    WAND = "wand"
    WEAPON = "weapon"
    WONDROUS_ITEM = "wondrous-item"


@strawberry.enum(description="How rare (and how powerful) a magic item is.")
class Rarity(StrEnum):
    COMMON = "common"
    UNCOMMON = "uncommon"
    RARE = "rare"
    VERY_RARE = "very-rare"
    LEGENDARY = "legendary"
    ARTIFACT = "artifact"
    VARIES = "varies"


@strawberry.enum(description="What a magic item's simple bonus applies to.")
class BonusTarget(StrEnum):
    ARMOR_CLASS = "armor-class"
    SAVING_THROWS = "saving-throws"
    ATTACK_ROLLS = "attack-rolls"
    DAMAGE_ROLLS = "damage-rolls"
    SPELL_ATTACK_ROLLS = "spell-attack-rolls"
    SPELL_SAVE_DC = "spell-save-dc"


@strawberry.enum(description="When a creature uses an action of its stat block.")
class CreatureActionKind(StrEnum):
    ACTION = "action"
    BONUS_ACTION = "bonus-action"
    REACTION = "reaction"
    LEGENDARY_ACTION = "legendary-action"


@strawberry.enum(description="A creature's kind of movement.")
class MovementMode(StrEnum):
    WALK = "walk"
    BURROW = "burrow"
    CLIMB = "climb"
    FLY = "fly"
    SWIM = "swim"


@strawberry.enum(description="A special sense.")
class Sense(StrEnum):
    BLINDSIGHT = "blindsight"
    DARKVISION = "darkvision"
    TREMORSENSE = "tremorsense"
    TRUESIGHT = "truesight"
