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
