"""Equipment as data: armor and weapon statistics, and the SRD 5.2 armor and weapon tables.

An ``Item`` on a sheet carries its own statistics, so magic or homebrew gear works. The tables
below let an input file name a standard item (``"ref": "weapon/longsword"``) instead of
repeating its numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rules.enums import ArmorCategory, DamageType, Mastery, WeaponCategory, WeaponProperty


@dataclass(frozen=True)
class ArmorStats:
    category: ArmorCategory
    base_ac: int
    strength_requirement: int = 0
    stealth_disadvantage: bool = False

    @property
    def dex_cap(self) -> int | None:
        """Most Dexterity modifier the armor lets through (``None`` = no cap; heavy armor: 0,
        and it ignores a negative modifier too)."""
        if self.category is ArmorCategory.LIGHT:
            return None
        if self.category is ArmorCategory.MEDIUM:
            return 2
        return 0


@dataclass(frozen=True)
class ShieldStats:
    ac_bonus: int = 2


@dataclass(frozen=True)
class WeaponStats:
    category: WeaponCategory
    ranged: bool
    damage_dice: str
    damage_type: DamageType
    properties: frozenset[WeaponProperty] = frozenset()
    mastery: Mastery | None = None
    versatile_dice: str | None = None
    normal_range: int | None = None
    long_range: int | None = None


@dataclass(frozen=True)
class Item:
    """One line of inventory."""

    name: str
    quantity: int = 1
    weight: float = 0.0  # pounds, per unit
    equipped: bool = False
    requires_attunement: bool = False
    attuned: bool = False
    magic_bonus: int = 0  # +1/+2/+3 weapon, armor or shield
    armor: ArmorStats | None = None
    shield: ShieldStats | None = None
    weapon: WeaponStats | None = None
    ref: str | None = None
    magic_item: str | None = None  # SRD magic item slug, when the name does not say it
    pact_weapon: bool = False  # bonded by a Warlock's Pact of the Blade
    notes: str = field(default="", compare=False)

    @property
    def total_weight(self) -> float:
        return self.weight * self.quantity


# name: (category, base AC, Str requirement, stealth disadvantage, weight)
_ARMOR_ROWS: dict[str, tuple[ArmorCategory, int, int, bool, float]] = {
    "padded-armor": (ArmorCategory.LIGHT, 11, 0, True, 8),
    "leather-armor": (ArmorCategory.LIGHT, 11, 0, False, 10),
    "studded-leather-armor": (ArmorCategory.LIGHT, 12, 0, False, 13),
    "hide-armor": (ArmorCategory.MEDIUM, 12, 0, False, 12),
    "chain-shirt": (ArmorCategory.MEDIUM, 13, 0, False, 20),
    "scale-mail": (ArmorCategory.MEDIUM, 14, 0, True, 45),
    "breastplate": (ArmorCategory.MEDIUM, 14, 0, False, 20),
    "half-plate-armor": (ArmorCategory.MEDIUM, 15, 0, True, 40),
    "ring-mail": (ArmorCategory.HEAVY, 14, 0, True, 40),
    "chain-mail": (ArmorCategory.HEAVY, 16, 13, True, 55),
    "splint-armor": (ArmorCategory.HEAVY, 17, 15, True, 60),
    "plate-armor": (ArmorCategory.HEAVY, 18, 15, True, 65),
}

_S, _M = WeaponCategory.SIMPLE, WeaponCategory.MARTIAL
_P = WeaponProperty
_D = DamageType
_X = Mastery
# name: (category, ranged, damage, type, properties, mastery, versatile die, range, weight)
_WEAPON_ROWS: dict[
    str,
    tuple[WeaponCategory, bool, str, DamageType, tuple[WeaponProperty, ...], Mastery,
          str | None, tuple[int, int] | None, float],
] = {
    "club": (_S, False, "1d4", _D.BLUDGEONING, (_P.LIGHT,), _X.SLOW, None, None, 2),
    "dagger": (_S, False, "1d4", _D.PIERCING, (_P.FINESSE, _P.LIGHT, _P.THROWN), _X.NICK,
               None, (20, 60), 1),
    "greatclub": (_S, False, "1d8", _D.BLUDGEONING, (_P.TWO_HANDED,), _X.PUSH, None, None, 10),
    "handaxe": (_S, False, "1d6", _D.SLASHING, (_P.LIGHT, _P.THROWN), _X.VEX, None, (20, 60), 2),
    "javelin": (_S, False, "1d6", _D.PIERCING, (_P.THROWN,), _X.SLOW, None, (30, 120), 2),
    "light-hammer": (_S, False, "1d4", _D.BLUDGEONING, (_P.LIGHT, _P.THROWN), _X.NICK,
                     None, (20, 60), 2),
    "mace": (_S, False, "1d6", _D.BLUDGEONING, (), _X.SAP, None, None, 4),
    "quarterstaff": (_S, False, "1d6", _D.BLUDGEONING, (_P.VERSATILE,), _X.TOPPLE, "1d8", None, 4),
    "sickle": (_S, False, "1d4", _D.SLASHING, (_P.LIGHT,), _X.NICK, None, None, 2),
    "spear": (_S, False, "1d6", _D.PIERCING, (_P.THROWN, _P.VERSATILE), _X.SAP, "1d8",
              (20, 60), 3),
    "dart": (_S, True, "1d4", _D.PIERCING, (_P.FINESSE, _P.THROWN), _X.VEX, None, (20, 60), 0.25),
    "light-crossbow": (_S, True, "1d8", _D.PIERCING, (_P.AMMUNITION, _P.LOADING, _P.TWO_HANDED),
                       _X.SLOW, None, (80, 320), 5),
    "shortbow": (_S, True, "1d6", _D.PIERCING, (_P.AMMUNITION, _P.TWO_HANDED), _X.VEX, None,
                 (80, 320), 2),
    "sling": (_S, True, "1d4", _D.BLUDGEONING, (_P.AMMUNITION,), _X.SLOW, None, (30, 120), 0),
    "battleaxe": (_M, False, "1d8", _D.SLASHING, (_P.VERSATILE,), _X.TOPPLE, "1d10", None, 4),
    "flail": (_M, False, "1d8", _D.BLUDGEONING, (), _X.SAP, None, None, 2),
    "glaive": (_M, False, "1d10", _D.SLASHING, (_P.HEAVY, _P.REACH, _P.TWO_HANDED), _X.GRAZE,
               None, None, 6),
    "greataxe": (_M, False, "1d12", _D.SLASHING, (_P.HEAVY, _P.TWO_HANDED), _X.CLEAVE, None,
                 None, 7),
    "greatsword": (_M, False, "2d6", _D.SLASHING, (_P.HEAVY, _P.TWO_HANDED), _X.GRAZE, None,
                   None, 6),
    "halberd": (_M, False, "1d10", _D.SLASHING, (_P.HEAVY, _P.REACH, _P.TWO_HANDED), _X.CLEAVE,
                None, None, 6),
    "lance": (_M, False, "1d10", _D.PIERCING, (_P.HEAVY, _P.REACH, _P.TWO_HANDED), _X.TOPPLE,
              None, None, 6),
    "longsword": (_M, False, "1d8", _D.SLASHING, (_P.VERSATILE,), _X.SAP, "1d10", None, 3),
    "maul": (_M, False, "2d6", _D.BLUDGEONING, (_P.HEAVY, _P.TWO_HANDED), _X.TOPPLE, None,
             None, 10),
    "morningstar": (_M, False, "1d8", _D.PIERCING, (), _X.SAP, None, None, 4),
    "pike": (_M, False, "1d10", _D.PIERCING, (_P.HEAVY, _P.REACH, _P.TWO_HANDED), _X.PUSH, None,
             None, 18),
    "rapier": (_M, False, "1d8", _D.PIERCING, (_P.FINESSE,), _X.VEX, None, None, 2),
    "scimitar": (_M, False, "1d6", _D.SLASHING, (_P.FINESSE, _P.LIGHT), _X.NICK, None, None, 3),
    "shortsword": (_M, False, "1d6", _D.PIERCING, (_P.FINESSE, _P.LIGHT), _X.VEX, None, None, 2),
    "trident": (_M, False, "1d8", _D.PIERCING, (_P.THROWN, _P.VERSATILE), _X.TOPPLE, "1d10",
                (20, 60), 4),
    "warhammer": (_M, False, "1d8", _D.BLUDGEONING, (_P.VERSATILE,), _X.PUSH, "1d10", None, 5),
    "war-pick": (_M, False, "1d8", _D.PIERCING, (_P.VERSATILE,), _X.SAP, "1d10", None, 2),
    "whip": (_M, False, "1d4", _D.SLASHING, (_P.FINESSE, _P.REACH), _X.SLOW, None, None, 3),
    "blowgun": (_M, True, "1", _D.PIERCING, (_P.AMMUNITION, _P.LOADING), _X.VEX, None,
                (25, 100), 1),
    "hand-crossbow": (_M, True, "1d6", _D.PIERCING, (_P.AMMUNITION, _P.LIGHT, _P.LOADING), _X.VEX,
                      None, (30, 120), 3),
    "heavy-crossbow": (_M, True, "1d10", _D.PIERCING,
                       (_P.AMMUNITION, _P.HEAVY, _P.LOADING, _P.TWO_HANDED), _X.PUSH, None,
                       (100, 400), 18),
    "longbow": (_M, True, "1d8", _D.PIERCING, (_P.AMMUNITION, _P.HEAVY, _P.TWO_HANDED), _X.SLOW,
                None, (150, 600), 2),
    "musket": (_M, True, "1d12", _D.PIERCING, (_P.AMMUNITION, _P.LOADING, _P.TWO_HANDED), _X.SLOW,
               None, (40, 120), 10),
    "pistol": (_M, True, "1d10", _D.PIERCING, (_P.AMMUNITION, _P.LOADING), _X.VEX, None,
               (30, 90), 3),
}  # fmt: skip

SHIELD_WEIGHT = 6.0


def _title(slug: str) -> str:
    return slug.replace("-", " ").title()


def catalog_item(ref: str) -> Item:
    """A standard item by reference: ``armor/<slug>``, ``weapon/<slug>`` or ``shield``.

    Raises ``KeyError`` with the unknown reference.
    """
    kind, _, slug = ref.partition("/")
    if kind == "armor" and slug in _ARMOR_ROWS:
        category, base, strength, stealth, weight = _ARMOR_ROWS[slug]
        return Item(
            name=_title(slug), weight=weight, ref=ref,
            armor=ArmorStats(category, base, strength, stealth),
        )
    if kind == "weapon" and slug in _WEAPON_ROWS:
        row = _WEAPON_ROWS[slug]
        w_category, ranged, dice, dtype, props, mastery, versatile, rng, w_weight = row
        return Item(
            name=_title(slug), weight=w_weight, ref=ref,
            weapon=WeaponStats(
                category=w_category, ranged=ranged, damage_dice=dice, damage_type=dtype,
                properties=frozenset(props), mastery=mastery, versatile_dice=versatile,
                normal_range=rng[0] if rng else None, long_range=rng[1] if rng else None,
            ),
        )
    if ref == "shield":
        return Item(name="Shield", weight=SHIELD_WEIGHT, ref=ref, shield=ShieldStats())
    raise KeyError(ref)


def catalog_refs() -> list[str]:
    """Every reference ``catalog_item`` accepts."""
    return (
        [f"armor/{slug}" for slug in _ARMOR_ROWS]
        + [f"weapon/{slug}" for slug in _WEAPON_ROWS]
        + ["shield"]
    )
