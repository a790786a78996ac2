"""Armor Class: every calculation the character could use, and the best legal one.

Each method of computing a base AC (armor, unarmored, Unarmored Defense, Mage Armor, natural
armor, ...) is an alternative; a creature uses one at a time. Shields and flat bonuses then add
on top, except where a method forbids a shield (Monk Unarmored Defense). Every option carries
the breakdown of its total (``rules.breakdown``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rules.breakdown import MODIFIER_SOURCES, Breakdown, Contribution, total
from rules.enums import Ability, ArmorCategory
from rules.equipment import Item
from rules.fighting_styles import DEFENSE_AC_BONUS


@dataclass(frozen=True, slots=True)
class AcInputs:
    modifiers: Mapping[Ability, int]
    armor: Item | None  # the equipped body armor, if any
    shield: Item | None  # the equipped shield, if any
    shield_trained: bool = True
    barbarian_unarmored_defense: bool = False
    monk_unarmored_defense: bool = False
    draconic_resilience: bool = False
    mage_armor: bool = False
    natural_armor: int | None = None
    defense_fighting_style: bool = False
    flat_bonus: int = 0  # the sheet's own "bonuses.ac"
    # Named bonuses that apply to every calculation (Ring of Protection, ...).
    extra_bonuses: Breakdown = ()
    # Named bonuses that apply only while wearing no armor and no shield (Bracers of Defense).
    unarmored_bonuses: Breakdown = ()
    mage_armor_source: str | None = None  # Mage Armor at will (Armor of Shadows)
    unarmored_bases: tuple[tuple[str, int], ...] = ()  # base + Dex without armor (Robe: 15)


@dataclass(frozen=True, slots=True)
class AcOption:
    """One way to compute AC; ``value`` is the sum of ``breakdown``."""

    method: str
    value: int
    allows_shield: bool
    breakdown: Breakdown


@dataclass(frozen=True, slots=True)
class AcResult:
    value: int
    method: str
    options: tuple[AcOption, ...]
    shield_bonus: int
    breakdown: Breakdown  # of the chosen option


def _dex(dex: int) -> Contribution:
    return Contribution(MODIFIER_SOURCES[Ability.DEX], dex)


def _armored_option(armor: Item, dex: int) -> AcOption:
    stats = armor.armor
    assert stats is not None
    parts = [Contribution(armor.name, stats.base_ac)]
    # Heavy armor ignores Dexterity entirely: a penalty as much as a bonus.
    if stats.category is not ArmorCategory.HEAVY:
        cap = stats.dex_cap
        if cap is None:
            parts.append(_dex(dex))
        else:
            parts.append(Contribution(f"{MODIFIER_SOURCES[Ability.DEX]} (max {cap})",
                                      min(dex, cap)))
    if armor.magic_bonus:
        parts.append(Contribution(f"{armor.name}: magic bonus", armor.magic_bonus))
    return AcOption(f"armor:{armor.name}", total(parts), True, tuple(parts))


def _unarmored(method: str, base_source: str, base: int, dex: int,
               *extra: Contribution, allows_shield: bool = True) -> AcOption:
    parts = (Contribution(base_source, base), _dex(dex), *extra)
    return AcOption(method, total(parts), allows_shield, parts)


def armor_class_options(inputs: AcInputs) -> list[AcOption]:
    """All base-AC calculations that apply to the character as currently equipped."""
    mods = inputs.modifiers
    dex = mods[Ability.DEX]
    if inputs.armor is not None and inputs.armor.armor is not None:
        # Wearing armor rules out every "while you aren't wearing armor" calculation.
        return [_armored_option(inputs.armor, dex)]
    options = [_unarmored("unarmored", "Unarmored", 10, dex)]
    if inputs.barbarian_unarmored_defense:
        options.append(_unarmored(
            "barbarian-unarmored-defense", "Unarmored Defense (Barbarian)", 10, dex,
            Contribution(MODIFIER_SOURCES[Ability.CON], mods[Ability.CON])))
    if inputs.monk_unarmored_defense and inputs.shield is None:
        options.append(_unarmored(
            "monk-unarmored-defense", "Unarmored Defense (Monk)", 10, dex,
            Contribution(MODIFIER_SOURCES[Ability.WIS], mods[Ability.WIS]),
            allows_shield=False))
    if inputs.draconic_resilience:
        options.append(_unarmored(
            "draconic-resilience", "Draconic Resilience", 10, dex,
            Contribution(MODIFIER_SOURCES[Ability.CHA], mods[Ability.CHA])))
    if inputs.mage_armor or inputs.mage_armor_source:
        source = "Mage Armor" if inputs.mage_armor else f"Mage Armor ({inputs.mage_armor_source})"
        options.append(_unarmored("mage-armor", source, 13, dex))
    for source, base in inputs.unarmored_bases:
        options.append(_unarmored(f"item:{source}", source, base, dex))
    if inputs.natural_armor is not None:
        options.append(_unarmored("natural-armor", "Natural armor", inputs.natural_armor, dex))
    return options


def shield_parts(inputs: AcInputs) -> Breakdown:
    """A shield's contribution; nothing without Shield training (2024 rules)."""
    shield = inputs.shield
    if shield is None or shield.shield is None or not inputs.shield_trained:
        return ()
    parts: Breakdown = (Contribution(shield.name, shield.shield.ac_bonus),)
    if shield.magic_bonus:
        parts += (Contribution(f"{shield.name}: magic bonus", shield.magic_bonus),)
    return parts


def shield_bonus(inputs: AcInputs) -> int:
    return total(shield_parts(inputs))


def armor_class(inputs: AcInputs) -> AcResult:
    """The best legal AC, with every option's total (shield and flat bonuses included)."""
    shield = shield_parts(inputs)
    wearing_armor = inputs.armor is not None and inputs.armor.armor is not None
    always: list[Contribution] = []
    if inputs.defense_fighting_style and wearing_armor:
        always.append(Contribution("Fighting Style: Defense", DEFENSE_AC_BONUS))
    always.extend(inputs.extra_bonuses)
    if not wearing_armor and inputs.shield is None:
        always.extend(inputs.unarmored_bonuses)
    if inputs.flat_bonus:
        always.append(Contribution("AC bonus (sheet)", inputs.flat_bonus))
    totals: list[AcOption] = []
    for option in armor_class_options(inputs):
        parts = option.breakdown + (shield if option.allows_shield else ()) + tuple(always)
        totals.append(AcOption(option.method, total(parts),
                               option.allows_shield, parts))
    best = max(totals, key=lambda option: option.value)
    return AcResult(best.value, best.method, tuple(totals), total(shield),
                    best.breakdown)


def is_heavy(item: Item | None) -> bool:
    return (
        item is not None
        and item.armor is not None
        and item.armor.category is ArmorCategory.HEAVY
    )
