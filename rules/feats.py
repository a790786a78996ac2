"""Feat categories and prerequisites the validator can check.

The SRD 5.2 feats are listed, plus a few widely used ones whose numbers the engine applies
(Tough, Dueling, Boon of Fortitude, Boon of Speed). Feats not listed are accepted as-is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rules.enums import Ability


class FeatCategory(StrEnum):
    ORIGIN = "origin"
    GENERAL = "general"
    FIGHTING_STYLE = "fighting-style"
    EPIC_BOON = "epic-boon"


@dataclass(frozen=True)
class FeatInfo:
    slug: str
    category: FeatCategory
    repeatable: bool = False
    min_level: int = 0  # character level required
    # Any one of these abilities at PREREQUISITE_SCORE or more (Grappler: Str or Dex 13).
    ability_prerequisite: tuple[Ability, ...] = ()
    needs_spellcasting: bool = False  # the Spellcasting or Pact Magic feature (Spell Recall)

    @property
    def needs_fighting_style(self) -> bool:
        return self.category is FeatCategory.FIGHTING_STYLE


PREREQUISITE_SCORE = 13


def _feat(slug: str, category: FeatCategory, repeatable: bool = False, *,
          abilities: tuple[Ability, ...] = (), spellcasting: bool = False) -> FeatInfo:
    min_level = {FeatCategory.GENERAL: 4, FeatCategory.EPIC_BOON: 19}.get(category, 0)
    return FeatInfo(slug, category, repeatable, min_level, abilities, spellcasting)


_O, _G, _F, _E = (FeatCategory.ORIGIN, FeatCategory.GENERAL, FeatCategory.FIGHTING_STYLE,
                  FeatCategory.EPIC_BOON)

FEATS: dict[str, FeatInfo] = {
    info.slug: info
    for info in (
        _feat("alert", _O), _feat("magic-initiate", _O, repeatable=True),
        _feat("savage-attacker", _O), _feat("skilled", _O, repeatable=True), _feat("tough", _O),
        _feat("ability-score-improvement", _G, repeatable=True),
        _feat("grappler", _G, abilities=(Ability.STR, Ability.DEX)),
        _feat("archery", _F), _feat("defense", _F), _feat("dueling", _F),
        _feat("great-weapon-fighting", _F), _feat("two-weapon-fighting", _F),
        _feat("boon-of-combat-prowess", _E), _feat("boon-of-dimensional-travel", _E),
        _feat("boon-of-fate", _E), _feat("boon-of-irresistible-offense", _E),
        _feat("boon-of-spell-recall", _E, spellcasting=True), _feat("boon-of-the-night-spirit", _E),
        _feat("boon-of-truesight", _E), _feat("boon-of-fortitude", _E),
        _feat("boon-of-speed", _E),
    )
}


def feat_info(slug: str) -> FeatInfo | None:
    """Known feat by slug; a qualified name ("magic-initiate-cleric") matches its base feat."""
    if slug in FEATS:
        return FEATS[slug]
    prefixes = [known for known in FEATS if slug.startswith(known + "-")]
    return FEATS[max(prefixes, key=len)] if prefixes else None
