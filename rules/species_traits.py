"""SRD 5.2 species traits that change numbers: lineages, resistances, senses, uses per rest.

``rules.species`` holds what every member of a species shares (speed, sizes, Dwarven Toughness,
Powerful Build). This module adds the choice made inside a species (a Dragonborn's ancestry, an
Elf's or Gnome's lineage, a Goliath's giant ancestry, a Tiefling's legacy) and resolves both into
``SpeciesTraits``: the numbers ``rules.derive`` applies and ``rules.validation`` checks. Traits
that are pure narrative (Trance, Halfling Nimbleness, lineage spells) are named, not simulated.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rules.enums import Ability, Condition, DamageType
from rules.resources import Recovery
from rules.species import DEFAULT_SPEED, species_info


@dataclass(frozen=True)
class LineageInfo:
    slug: str
    name: str
    resistance: DamageType | None = None  # Draconic Ancestry / Fiendish Legacy
    darkvision: int | None = None  # replaces the species value (Drow: 120)
    speed: int | None = None  # replaces the species value (Wood Elf: 35)


def _dragon(color: str, damage: DamageType) -> LineageInfo:
    return LineageInfo(color, f"{color.title()} Dragon", resistance=damage)


def _giant(slug: str, name: str) -> LineageInfo:
    return LineageInfo(slug, f"{name} Giant")


# The choice each species makes, keyed by species slug then lineage slug (SRD 5.2 "Species").
LINEAGES: dict[str, dict[str, LineageInfo]] = {
    species: {info.slug: info for info in options}
    for species, options in (
        ("dragonborn", (
            _dragon("black", DamageType.ACID), _dragon("blue", DamageType.LIGHTNING),
            _dragon("brass", DamageType.FIRE), _dragon("bronze", DamageType.LIGHTNING),
            _dragon("copper", DamageType.ACID), _dragon("gold", DamageType.FIRE),
            _dragon("green", DamageType.POISON), _dragon("red", DamageType.FIRE),
            _dragon("silver", DamageType.COLD), _dragon("white", DamageType.COLD),
        )),
        ("elf", (
            LineageInfo("drow", "Drow", darkvision=120),
            LineageInfo("high-elf", "High Elf"),
            LineageInfo("wood-elf", "Wood Elf", speed=35),
        )),
        ("gnome", (
            LineageInfo("forest-gnome", "Forest Gnome"),
            LineageInfo("rock-gnome", "Rock Gnome"),
        )),
        ("goliath", (
            _giant("cloud", "Cloud"), _giant("fire", "Fire"), _giant("frost", "Frost"),
            _giant("hill", "Hill"), _giant("stone", "Stone"), _giant("storm", "Storm"),
        )),
        ("tiefling", (
            LineageInfo("abyssal", "Abyssal", resistance=DamageType.POISON),
            LineageInfo("chthonic", "Chthonic", resistance=DamageType.NECROTIC),
            LineageInfo("infernal", "Infernal", resistance=DamageType.FIRE),
        )),
    )
}  # fmt: skip

# Resistances every member of a species has, whatever the lineage.
_SPECIES_RESISTANCES: dict[str, tuple[DamageType, str]] = {
    "dwarf": (DamageType.POISON, "Dwarven Resilience"),
}

# "Advantage on saving throws to avoid or end <condition>" (species trait name, condition).
_CONDITION_SAVE_ADVANTAGE: dict[str, tuple[str, Condition]] = {
    "dwarf": ("Dwarven Resilience", Condition.POISONED),
    "elf": ("Fey Ancestry", Condition.CHARMED),
    "halfling": ("Brave", Condition.FRIGHTENED),
}

# Gnomish Cunning: Advantage on these saving throws, always.
_GNOMISH_CUNNING = (Ability.INT, Ability.WIS, Ability.CHA)

BREATH_WEAPON_LEVELS = (1, 5, 11, 17)  # one more d10 at each of these character levels
SPECIES_TRAIT_LEVEL = 5  # Draconic Flight and Large Form arrive at character level 5


@dataclass(frozen=True)
class SpeciesResource:
    """A species trait with limited uses, tracked like a class resource."""

    id: str
    name: str
    maximum: int
    recovery: Recovery


@dataclass(frozen=True)
class BreathWeapon:
    damage_type: DamageType
    dice: str  # "2d10"
    save_ability: Ability
    save_dc: int
    areas: str


@dataclass(frozen=True)
class SpeciesTraits:
    lineage: LineageInfo | None
    speed: int
    darkvision: int
    resistances: dict[DamageType, str]  # damage type -> trait that grants it
    save_advantages: dict[Ability, str]  # always-on Advantage on these saves -> trait
    condition_save_advantages: dict[Condition, str]  # saves against a condition -> trait
    rerolls_natural_ones: bool  # Halfling Luck
    resources: tuple[SpeciesResource, ...]
    breath_weapon: BreathWeapon | None
    heroic_inspiration_on_long_rest: bool  # Human Resourceful


def lineage_info(species: str, lineage: str | None) -> LineageInfo | None:
    """The lineage if the species has lineages and the slug is one of them."""
    if lineage is None:
        return None
    return LINEAGES.get(species, {}).get(lineage.lower())


def species_has_lineages(species: str) -> bool:
    return species in LINEAGES


def breath_weapon_dice(character_level: int) -> str:
    """1d10, then 2d10 at level 5, 3d10 at 11, 4d10 at 17."""
    count = sum(1 for level in BREATH_WEAPON_LEVELS if character_level >= level)
    return f"{max(1, count)}d10"


def _resources(species: str, character_level: int, pb: int) -> tuple[SpeciesResource, ...]:
    long_rest, short_rest = Recovery.LONG, Recovery.SHORT_ALL
    at_five = 1 if character_level >= SPECIES_TRAIT_LEVEL else 0
    table: dict[str, tuple[SpeciesResource, ...]] = {
        "dragonborn": (
            SpeciesResource("breath-weapon", "Breath Weapon", pb, long_rest),
            SpeciesResource("draconic-flight", "Draconic Flight", at_five, long_rest),
        ),
        "dwarf": (SpeciesResource("stonecunning", "Stonecunning", pb, long_rest),),
        "goliath": (
            SpeciesResource("giant-ancestry", "Giant Ancestry", pb, long_rest),
            SpeciesResource("large-form", "Large Form", at_five, long_rest),
        ),
        "orc": (
            SpeciesResource("adrenaline-rush", "Adrenaline Rush", pb, short_rest),
            SpeciesResource("relentless-endurance", "Relentless Endurance", 1, long_rest),
        ),
    }
    return tuple(r for r in table.get(species, ()) if r.maximum > 0)


@lru_cache(maxsize=1024)
def species_traits(
    species: str, lineage: str | None, character_level: int, pb: int, con_mod: int
) -> SpeciesTraits:
    """Resolve the species (and lineage) into numbers. Unknown species get plain defaults;
    an unknown lineage is ignored here (``rules.validation`` reports it).

    Cached (few distinct arguments); the result's dicts are shared, so callers only read them.
    """
    info = species_info(species)
    chosen = lineage_info(species, lineage)
    speed = info.speed if info else DEFAULT_SPEED
    darkvision = info.darkvision if info else 0
    if chosen is not None and chosen.speed is not None:
        speed = chosen.speed
    if chosen is not None and chosen.darkvision is not None:
        darkvision = chosen.darkvision
    resistances: dict[DamageType, str] = {}
    if species in _SPECIES_RESISTANCES:
        damage, trait = _SPECIES_RESISTANCES[species]
        resistances[damage] = trait
    if chosen is not None and chosen.resistance is not None:
        trait = "Draconic Ancestry" if species == "dragonborn" else "Fiendish Legacy"
        resistances[chosen.resistance] = f"{trait} ({chosen.name})"
    condition_saves: dict[Condition, str] = {}
    if species in _CONDITION_SAVE_ADVANTAGE:
        trait, condition = _CONDITION_SAVE_ADVANTAGE[species]
        condition_saves[condition] = trait
    save_advantages = (
        {ability: "Gnomish Cunning" for ability in _GNOMISH_CUNNING} if species == "gnome" else {}
    )
    breath = None
    if species == "dragonborn" and chosen is not None and chosen.resistance is not None:
        breath = BreathWeapon(
            damage_type=chosen.resistance,
            dice=breath_weapon_dice(character_level),
            save_ability=Ability.DEX,
            save_dc=8 + con_mod + pb,
            areas="15-foot Cone or 30-foot Line (5 feet wide)",
        )
    return SpeciesTraits(
        lineage=chosen,
        speed=speed,
        darkvision=darkvision,
        resistances=resistances,
        save_advantages=save_advantages,
        condition_save_advantages=condition_saves,
        rerolls_natural_ones=species == "halfling",
        resources=_resources(species, character_level, pb),
        breath_weapon=breath,
        heroic_inspiration_on_long_rest=species == "human",
    )
