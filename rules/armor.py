"""Armor Class: every calculation the character could use, and the best legal one.

Each method of computing a base AC (armor, unarmored, Unarmored Defense, Mage Armor, natural
armor, ...) is an alternative; a creature uses one at a time. Shields and flat bonuses then add
on top, except where a method forbids a shield (Monk Unarmored Defense).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rules.enums import Ability, ArmorCategory
from rules.equipment import Item
from rules.fighting_styles import DEFENSE_AC_BONUS


@dataclass(frozen=True)
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
    flat_bonus: int = 0


@dataclass(frozen=True)
class AcOption:
    """One way to compute AC, with the breakdown a player can check."""

    method: str
    value: int
    allows_shield: bool
    detail: str


@dataclass(frozen=True)
class AcResult:
    value: int
    method: str
    options: tuple[AcOption, ...]
    shield_bonus: int


def _armored_option(armor: Item, dex: int) -> AcOption:
    stats = armor.armor
    assert stats is not None
    heavy = stats.category is ArmorCategory.HEAVY
    cap = None if heavy else stats.dex_cap
    # Heavy armor ignores Dexterity entirely: a penalty as much as a bonus.
    dex_part = 0 if heavy else (dex if cap is None else min(dex, cap))
    value = stats.base_ac + dex_part + armor.magic_bonus
    cap_text = "" if cap is None else f" (max {cap})"
    magic = f" + {armor.magic_bonus} magic" if armor.magic_bonus else ""
    return AcOption(
        method=f"armor:{armor.name}",
        value=value,
        allows_shield=True,
        detail=f"{stats.base_ac} {armor.name} + {dex_part} Dex{cap_text}{magic}",
    )


def armor_class_options(inputs: AcInputs) -> list[AcOption]:
    """All base-AC calculations that apply to the character as currently equipped."""
    dex = inputs.modifiers[Ability.DEX]
    if inputs.armor is not None and inputs.armor.armor is not None:
        # Wearing armor rules out every "while you aren't wearing armor" calculation.
        return [_armored_option(inputs.armor, dex)]
    options = [AcOption("unarmored", 10 + dex, True, f"10 + {dex} Dex")]
    if inputs.barbarian_unarmored_defense:
        con = inputs.modifiers[Ability.CON]
        options.append(
            AcOption("barbarian-unarmored-defense", 10 + dex + con, True,
                     f"10 + {dex} Dex + {con} Con")
        )
    if inputs.monk_unarmored_defense and inputs.shield is None:
        wis = inputs.modifiers[Ability.WIS]
        options.append(
            AcOption("monk-unarmored-defense", 10 + dex + wis, False,
                     f"10 + {dex} Dex + {wis} Wis")
        )
    if inputs.draconic_resilience:
        cha = inputs.modifiers[Ability.CHA]
        options.append(
            AcOption("draconic-resilience", 10 + dex + cha, True, f"10 + {dex} Dex + {cha} Cha")
        )
    if inputs.mage_armor:
        options.append(AcOption("mage-armor", 13 + dex, True, f"13 + {dex} Dex"))
    if inputs.natural_armor is not None:
        options.append(
            AcOption("natural-armor", inputs.natural_armor + dex, True,
                     f"{inputs.natural_armor} natural + {dex} Dex")
        )
    return options


def shield_bonus(inputs: AcInputs) -> int:
    """A shield's bonus; nothing without Shield training (2024 rules)."""
    if inputs.shield is None or inputs.shield.shield is None or not inputs.shield_trained:
        return 0
    return inputs.shield.shield.ac_bonus + inputs.shield.magic_bonus


def armor_class(inputs: AcInputs) -> AcResult:
    """The best legal AC, with every option's total (shield and flat bonuses included)."""
    bonus = shield_bonus(inputs)
    wearing_armor = inputs.armor is not None and inputs.armor.armor is not None
    defense = DEFENSE_AC_BONUS if inputs.defense_fighting_style and wearing_armor else 0
    totals: list[AcOption] = []
    for option in armor_class_options(inputs):
        extra = (bonus if option.allows_shield else 0) + inputs.flat_bonus + defense
        detail = option.detail
        if option.allows_shield and bonus:
            detail += f" + {bonus} shield"
        if defense:
            detail += f" + {defense} Defense"
        if inputs.flat_bonus:
            detail += f" + {inputs.flat_bonus} bonus"
        totals.append(AcOption(option.method, option.value + extra, option.allows_shield, detail))
    best = max(totals, key=lambda option: option.value)
    return AcResult(best.value, best.method, tuple(totals), bonus)


def is_heavy(item: Item | None) -> bool:
    return (
        item is not None
        and item.armor is not None
        and item.armor.category is ArmorCategory.HEAVY
    )
