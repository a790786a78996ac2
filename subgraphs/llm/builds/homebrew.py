"""Homebrew in a build: a signature weapon the SRD lacks, balance-checked by ``rules.balance``
against the SRD weapons of its category, so a player sees at once when it outclasses them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rules.balance import assess, reference, weapon_damage
from rules.dice import DiceNotationError
from rules.enums import DamageType, WeaponCategory
from rules.equipment import catalog_item, catalog_refs
from subgraphs.llm.builds.choices import Adaptation, AdaptationKind


def srd_weapon_damage(category: WeaponCategory) -> list[float]:
    scores = []
    for ref in catalog_refs():
        weapon = catalog_item(ref).weapon
        if weapon is not None and weapon.category is category:
            scores.append(weapon_damage(weapon.damage_dice, weapon.versatile_dice))
    return scores


def signature_weapon(spec: Mapping[str, Any]) -> tuple[dict[str, Any], Adaptation]:
    """A rules-format custom weapon and its HOMEBREW adaptation with the balance warnings.
    Raises ``ValueError`` for dice, damage types or categories the rules do not know."""
    name = str(spec["name"]).strip() or "Signature weapon"
    category = WeaponCategory(str(spec["category"]).lower())
    damage_type = DamageType(str(spec["damage_type"]).lower())
    dice = str(spec["damage_dice"])
    try:
        average = weapon_damage(dice)
    except DiceNotationError as exc:
        raise ValueError(f"damage_dice {dice!r}: {exc}") from None
    peers = reference(srd_weapon_damage(category), f"{category.value} weapons in the SRD")
    warnings = assess(
        average, peers, path="damage_dice", what=f"{name}'s average damage {average:g}"
    )
    item = {
        "name": name,
        "equipped": True,
        "weapon": {
            "category": category.value,
            "ranged": bool(spec.get("ranged", False)),
            "damage_dice": dice,
            "damage_type": damage_type.value,
        },
    }
    note = f"a {category.value} weapon dealing {dice} {damage_type.value} (average {average:g})"
    if not warnings:
        note += f"; in line with the {peers.peers} (median {peers.median:g})"
    adaptation = Adaptation(
        "equipment",
        AdaptationKind.HOMEBREW,
        name,
        note,
        balance=tuple(w.message for w in warnings),
    )
    return item, adaptation
