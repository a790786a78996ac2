"""Fighting Style feats whose effects are numbers on the sheet (SRD 5.2 "Feats").

- Archery: +2 to attack rolls with Ranged weapons.
- Defense: +1 AC while wearing Light, Medium or Heavy armor (applied in ``rules.armor``).
- Dueling: +2 damage with a Melee weapon held in one hand when no other weapon is held.
- Great Weapon Fighting: 1s and 2s on damage dice count as 3 for a Melee weapon held in two
  hands (Two-Handed or Versatile); shown as a flag and in the average damage.
- Two-Weapon Fighting: the ability modifier is added to the extra attack of the Light property.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

ARCHERY_ATTACK_BONUS = 2
DEFENSE_AC_BONUS = 1
DUELING_DAMAGE_BONUS = 2


@dataclass(frozen=True, slots=True)
class FightingStyles:
    archery: bool = False
    defense: bool = False
    dueling: bool = False
    great_weapon_fighting: bool = False
    two_weapon_fighting: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """Slugs of the styles the character has, for display."""
        return tuple(f.name.replace("_", "-") for f in fields(self) if getattr(self, f.name))


def fighting_styles(feat_slugs: Iterable[str]) -> FightingStyles:
    """Which numeric styles are among the character's feats (slugs, as ``Sheet.all_feats``)."""
    slugs = set(feat_slugs)
    return FightingStyles(
        archery="archery" in slugs,
        defense="defense" in slugs,
        dueling="dueling" in slugs,
        great_weapon_fighting="great-weapon-fighting" in slugs,
        two_weapon_fighting="two-weapon-fighting" in slugs,
    )
