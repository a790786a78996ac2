"""Limited-use class resources: their maxima by level and how rests recover them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from rules.enums import Ability, ClassId


class Recovery(StrEnum):
    """What a Short Rest gives back (a Long Rest always restores everything)."""

    SHORT_ALL = "short-rest-all"
    SHORT_ONE = "short-rest-one"
    LONG = "long-rest"


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    id: str
    name: str
    class_id: ClassId
    maximum: Callable[[int, Mapping[Ability, int]], int]
    """(class level, ability modifiers) -> uses; 0 means the resource is not available yet."""
    recovery: Callable[[int], Recovery]
    """class level -> how a Short Rest treats the resource."""
    subclass: str | None = None  # a subclass's resource (Wholeness of Body: Open Hand)


def _table(values: tuple[int, ...]) -> Callable[[int, Mapping[Ability, int]], int]:
    def lookup(level: int, _mods: Mapping[Ability, int]) -> int:
        return values[min(level, 20) - 1] if level >= 1 else 0

    return lookup


def _always(recovery: Recovery) -> Callable[[int], Recovery]:
    return lambda _level: recovery


def _bardic_inspiration(_level: int, mods: Mapping[Ability, int]) -> int:
    return max(1, mods.get(Ability.CHA, 0))


def _bardic_recovery(level: int) -> Recovery:
    # Font of Inspiration (level 5): Bardic Inspiration also comes back on a Short Rest.
    return Recovery.SHORT_ALL if level >= 5 else Recovery.LONG


def _points_from_level_two(level: int, _mods: Mapping[Ability, int]) -> int:
    return level if level >= 2 else 0


def _from_level(first: int) -> Callable[[int, Mapping[Ability, int]], int]:
    """A once-per-Long-Rest feature gained at class level ``first``."""

    def uses(level: int, _mods: Mapping[Ability, int]) -> int:
        return 1 if level >= first else 0

    return uses


def _lay_on_hands(level: int, _mods: Mapping[Ability, int]) -> int:
    return 5 * level


def _modifier_uses(ability: Ability, first: int) -> Callable[[int, Mapping[Ability, int]], int]:
    """Uses equal to an ability modifier (minimum once), from class level ``first``."""

    def uses(level: int, mods: Mapping[Ability, int]) -> int:
        return max(1, mods.get(ability, 0)) if level >= first else 0

    return uses


def _fixed(count: int, first: int) -> Callable[[int, Mapping[Ability, int]], int]:
    return lambda level, _mods: count if level >= first else 0


_LONG = Recovery.LONG


RESOURCES: tuple[ResourceSpec, ...] = (
    ResourceSpec(
        "rage", "Rage", ClassId.BARBARIAN,
        _table((2, 2, 3, 3, 3, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 6, 6, 6, 6)),
        _always(Recovery.SHORT_ONE),
    ),
    ResourceSpec(
        "bardic-inspiration", "Bardic Inspiration", ClassId.BARD,
        _bardic_inspiration, _bardic_recovery,
    ),
    ResourceSpec(
        "channel-divinity", "Channel Divinity", ClassId.CLERIC,
        _table((0, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4)),
        _always(Recovery.SHORT_ONE),
    ),
    ResourceSpec(
        "wild-shape", "Wild Shape", ClassId.DRUID,
        _table((0, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4)),
        _always(Recovery.SHORT_ONE),
    ),
    ResourceSpec(
        "second-wind", "Second Wind", ClassId.FIGHTER,
        _table((2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4)),
        _always(Recovery.SHORT_ONE),
    ),
    ResourceSpec(
        "action-surge", "Action Surge", ClassId.FIGHTER,
        _table((0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2)),
        _always(Recovery.SHORT_ALL),
    ),
    ResourceSpec(
        "indomitable", "Indomitable", ClassId.FIGHTER,
        _table((0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3)),
        _always(Recovery.LONG),
    ),
    ResourceSpec(
        "focus-points", "Focus Points", ClassId.MONK,
        _points_from_level_two, _always(Recovery.SHORT_ALL),
    ),
    ResourceSpec(
        "lay-on-hands", "Lay On Hands", ClassId.PALADIN,
        _lay_on_hands, _always(Recovery.LONG),
    ),
    ResourceSpec(
        "channel-divinity", "Channel Divinity", ClassId.PALADIN,
        _table((0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3)),
        _always(Recovery.SHORT_ONE),
    ),
    ResourceSpec(
        "favored-enemy", "Favored Enemy (free Hunter's Mark)", ClassId.RANGER,
        _table((2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6)),
        _always(Recovery.LONG),
    ),
    ResourceSpec(
        "sorcery-points", "Sorcery Points", ClassId.SORCERER,
        _points_from_level_two, _always(Recovery.LONG),
    ),
    ResourceSpec(
        "sorcerous-restoration", "Sorcerous Restoration", ClassId.SORCERER,
        _from_level(5), _always(Recovery.LONG),
    ),
    ResourceSpec(
        "arcane-recovery", "Arcane Recovery", ClassId.WIZARD,
        _table((1,) * 20), _always(Recovery.LONG),
    ),
    # Once-per-rest features and features used a number of times equal to a modifier.
    ResourceSpec("divine-intervention", "Divine Intervention", ClassId.CLERIC,
                 _from_level(10), _always(_LONG)),
    ResourceSpec("wild-resurgence", "Wild Resurgence (slot from Wild Shape)", ClassId.DRUID,
                 _from_level(5), _always(_LONG)),
    ResourceSpec("nature-magician", "Archdruid: Nature Magician", ClassId.DRUID,
                 _from_level(20), _always(_LONG)),
    ResourceSpec("natural-recovery", "Natural Recovery", ClassId.DRUID, _from_level(6),
                 _always(_LONG), subclass="circle-of-the-land"),
    ResourceSpec("uncanny-metabolism", "Uncanny Metabolism", ClassId.MONK, _from_level(2),
                 _always(_LONG)),
    ResourceSpec("wholeness-of-body", "Wholeness of Body", ClassId.MONK,
                 _modifier_uses(Ability.WIS, 6), _always(_LONG),
                 subclass="warrior-of-the-open-hand"),
    ResourceSpec("paladins-smite", "Paladin's Smite (free Divine Smite)", ClassId.PALADIN,
                 _from_level(2), _always(_LONG)),
    ResourceSpec("faithful-steed", "Faithful Steed (free Find Steed)", ClassId.PALADIN,
                 _from_level(5), _always(_LONG)),
    ResourceSpec("tireless", "Tireless (Temporary Hit Points)", ClassId.RANGER,
                 _modifier_uses(Ability.WIS, 10), _always(_LONG)),
    ResourceSpec("natures-veil", "Nature's Veil", ClassId.RANGER,
                 _modifier_uses(Ability.WIS, 14), _always(_LONG)),
    ResourceSpec("stroke-of-luck", "Stroke of Luck", ClassId.ROGUE, _from_level(20),
                 _always(Recovery.SHORT_ALL)),
    ResourceSpec("innate-sorcery", "Innate Sorcery", ClassId.SORCERER, _fixed(2, 1),
                 _always(_LONG)),
    ResourceSpec("dragon-wings", "Dragon Wings", ClassId.SORCERER, _from_level(14),
                 _always(_LONG), subclass="draconic-sorcery"),
    ResourceSpec("dragon-companion", "Dragon Companion (free Summon Dragon)", ClassId.SORCERER,
                 _from_level(18), _always(_LONG), subclass="draconic-sorcery"),
    ResourceSpec("magical-cunning", "Magical Cunning", ClassId.WARLOCK, _from_level(2),
                 _always(_LONG)),
    ResourceSpec("contact-patron", "Contact Patron", ClassId.WARLOCK, _from_level(9),
                 _always(_LONG)),
    *(ResourceSpec(f"mystic-arcanum-{spell}", f"Mystic Arcanum (level {spell} spell)",
                   ClassId.WARLOCK, _from_level(level), _always(_LONG))
      for spell, level in ((6, 11), (7, 13), (8, 15), (9, 17))),
    ResourceSpec("dark-ones-own-luck", "Dark One's Own Luck", ClassId.WARLOCK,
                 _modifier_uses(Ability.CHA, 6), _always(_LONG), subclass="fiend-patron"),
    ResourceSpec("hurl-through-hell", "Hurl Through Hell", ClassId.WARLOCK, _from_level(14),
                 _always(_LONG), subclass="fiend-patron"),
    ResourceSpec("signature-spells", "Signature Spells", ClassId.WIZARD, _fixed(2, 20),
                 _always(Recovery.SHORT_ALL)),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ResourceState:
    """A resource's maximum for one character, merged across classes."""

    id: str
    name: str
    maximum: int
    recovery: Recovery


def resource_maxima(
    class_levels: Mapping[ClassId, int], modifiers: Mapping[Ability, int],
    subclasses: Mapping[ClassId, str | None] | None = None,
) -> dict[str, ResourceState]:
    """Every resource the character has (maximum > 0), keyed by resource id.

    Channel Divinity from Cleric and Paladin is one pool: the larger maximum applies.
    Subclass resources need ``subclasses`` (class -> subclass slug).
    """
    result: dict[str, ResourceState] = {}
    for spec in RESOURCES:
        level = class_levels.get(spec.class_id, 0)
        if level <= 0:
            continue
        if spec.subclass is not None and (subclasses or {}).get(spec.class_id) != spec.subclass:
            continue
        maximum = spec.maximum(level, modifiers)
        if maximum <= 0:
            continue
        existing = result.get(spec.id)
        if existing is None or maximum > existing.maximum:
            result[spec.id] = ResourceState(spec.id, spec.name, maximum, spec.recovery(level))
    return result
