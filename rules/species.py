"""SRD 5.2 species: the numbers the sheet needs (speed, sizes, hit-point and AC traits)."""

from __future__ import annotations

from dataclasses import dataclass

from rules.enums import Size


@dataclass(frozen=True)
class SpeciesInfo:
    slug: str
    name: str
    speed: int
    sizes: frozenset[Size]
    darkvision: int = 0
    hp_per_level: int = 0  # Dwarven Toughness
    carries_as_larger: bool = False  # Goliath Powerful Build


_MEDIUM = frozenset({Size.MEDIUM})
_SMALL = frozenset({Size.SMALL})
_EITHER = frozenset({Size.SMALL, Size.MEDIUM})

SPECIES: dict[str, SpeciesInfo] = {
    info.slug: info
    for info in (
        SpeciesInfo("dragonborn", "Dragonborn", 30, _MEDIUM, darkvision=60),
        SpeciesInfo("dwarf", "Dwarf", 30, _MEDIUM, darkvision=120, hp_per_level=1),
        SpeciesInfo("elf", "Elf", 30, _MEDIUM, darkvision=60),
        SpeciesInfo("gnome", "Gnome", 30, _SMALL, darkvision=60),
        SpeciesInfo("goliath", "Goliath", 35, _MEDIUM, carries_as_larger=True),
        SpeciesInfo("halfling", "Halfling", 30, _SMALL),
        SpeciesInfo("human", "Human", 30, _EITHER),
        SpeciesInfo("orc", "Orc", 30, _MEDIUM, darkvision=120),
        SpeciesInfo("tiefling", "Tiefling", 30, _EITHER, darkvision=60),
    )
}

DEFAULT_SPEED = 30


def species_info(slug: str) -> SpeciesInfo | None:
    """Known species, or ``None`` for a species outside the SRD (the sheet then uses defaults)."""
    return SPECIES.get(slug)
