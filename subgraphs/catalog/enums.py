"""Game constants of the catalog, as Python enums that double as GraphQL enums.

Values are the lowercase slugs stored in the database. The constants other subgraphs speak of
too (abilities, skills, conditions, damage types, sizes, weapon and armor terms) are defined once
in ``subgraphs.kit.game_enums`` and re-exported here; the rest are the catalog's own.
"""

from __future__ import annotations

from enum import StrEnum

import strawberry

# The enums every subgraph shares are defined once in the kit; re-exported for the catalog.
from subgraphs.kit.game_enums import (
    Ability as Ability,
)
from subgraphs.kit.game_enums import (
    ArmorCategory as ArmorCategory,
)
from subgraphs.kit.game_enums import (
    Condition as Condition,
)
from subgraphs.kit.game_enums import (
    DamageType as DamageType,
)
from subgraphs.kit.game_enums import (
    Mastery as Mastery,
)
from subgraphs.kit.game_enums import (
    Size as Size,
)
from subgraphs.kit.game_enums import (
    Skill as Skill,
)
from subgraphs.kit.game_enums import (
    WeaponCategory as WeaponCategory,
)
from subgraphs.kit.game_enums import (
    WeaponProperty as WeaponProperty,
)


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


@strawberry.enum(description="Whether a weapon is used in melee or at range.")
class WeaponReach(StrEnum):
    MELEE = "melee"
    RANGED = "ranged"


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
