"""Comparing a homebrew entry with the SRD entries of the same kind and level.

For each kind with a measurable strength this module reads the SRD peers (spells of the same
level, items of the same rarity, weapons of the same category, creatures of the same CR, ...),
scores them and the new entry with ``rules.balance``, and returns the warnings. Kinds whose
power is not a number (backgrounds, feats, subclasses) are checked for structure only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rules.balance import (
    BalanceWarning,
    assess,
    largest_bonus,
    optional_roll,
    reference,
    weapon_damage,
)
from rules.creatures import average_hit_points
from rules.dice import DiceNotationError
from subgraphs.catalog.models import CreatureRow, EquipmentRow, MagicItemRow, SpeciesRow, SpellRow

Mechanics = dict[str, Any]


def _safe_roll(notation: str | None) -> float:
    try:
        return optional_roll(notation)
    except DiceNotationError:
        return 0.0  # an SRD string the dice reader cannot score says nothing either way


async def _column(session: AsyncSession, *columns: Any, where: Iterable[Any]) -> list[Any]:
    model = columns[0].class_
    statement = select(*columns).where(model.is_deleted.is_(False), *where)
    return list((await session.execute(statement)).all())


def _warn(
    score: float, scores: Iterable[float], field: str, what: str, peers: str
) -> list[BalanceWarning]:
    return assess(score, reference(scores, peers), path=field, what=what)


async def _spell(session: AsyncSession, m: Mechanics) -> list[BalanceWarning]:
    level = m["level"]
    rows = await _column(
        session, SpellRow.damage_roll, SpellRow.healing_roll, where=[SpellRow.level == level]
    )
    peers = f"level {level} spells in the SRD" if level else "cantrips in the SRD"
    found = []
    damage = optional_roll(m.get("damage_roll"))
    found += _warn(
        damage, (_safe_roll(r[0]) for r in rows), "damage_roll",
        f"Expected damage {damage:g} ({m.get('damage_roll')})", f"damaging {peers}",
    )  # fmt: skip
    healing = optional_roll(m.get("healing_roll"))
    found += _warn(
        healing, (_safe_roll(r[1]) for r in rows), "healing_roll",
        f"Expected healing {healing:g} ({m.get('healing_roll')})", f"healing {peers}",
    )  # fmt: skip
    return found


async def _magic_item(session: AsyncSession, m: Mechanics) -> list[BalanceWarning]:
    rarity = m["rarity"]
    rows = await _column(session, MagicItemRow.effects, where=[MagicItemRow.rarity == rarity])
    bonus = largest_bonus(m.get("effects") or [])
    return _warn(
        bonus, (largest_bonus(r[0]) for r in rows), "effects",
        f"A +{bonus:g} bonus", f"{rarity} magic items with a plain bonus in the SRD",
    )  # fmt: skip


async def _equipment(session: AsyncSession, m: Mechanics) -> list[BalanceWarning]:
    found: list[BalanceWarning] = []
    weapon = m.get("weapon")
    if weapon:
        category = weapon["category"]
        rows = await _column(
            session, EquipmentRow.weapon, where=[EquipmentRow.weapon_category == category]
        )
        damage = weapon_damage(weapon.get("damage_dice"), weapon.get("versatile_dice"))
        scores = (
            weapon_damage(r[0].get("damage_dice"), r[0].get("versatile_dice")) for r in rows if r[0]
        )
        found += _warn(
            damage, scores, "weapon.damage_dice",
            f"Average damage {damage:g} per hit", f"{category} weapons in the SRD",
        )  # fmt: skip
    armor = m.get("armor")
    if armor:
        category = armor["category"]
        rows = await _column(
            session, EquipmentRow.armor, where=[EquipmentRow.armor_category == category]
        )
        ac = float(armor["base_ac"])
        found += _warn(
            ac, (float(r[0]["base_ac"]) for r in rows if r[0]), "armor.base_ac",
            f"Base AC {ac:g}", f"{category} armor in the SRD",
        )  # fmt: skip
    return found


async def _species(session: AsyncSession, m: Mechanics) -> list[BalanceWarning]:
    rows = await _column(session, SpeciesRow.speed, where=[])
    speed = float(m["speed"])
    return _warn(
        speed, (float(r[0]) for r in rows), "speed", f"Speed {speed:g} ft.", "species in the SRD"
    )


async def _creature(session: AsyncSession, m: Mechanics) -> list[BalanceWarning]:
    cr = m["challenge_rating"]
    rows = await _column(
        session,
        CreatureRow.hit_dice_count,
        CreatureRow.hit_die,
        CreatureRow.hit_points_bonus,
        CreatureRow.armor_class,
        where=[CreatureRow.challenge_rating == cr],
    )
    peers = f"CR {cr:g} creatures in the SRD"
    hp = float(average_hit_points(m["hit_dice_count"], m["hit_die"], m["hit_points_bonus"] or 0))
    found = _warn(
        hp, (float(average_hit_points(r[0], r[1], r[2])) for r in rows), "hit_dice_count",
        f"Average Hit Points {hp:g}", peers,
    )  # fmt: skip
    ac = float(m["armor_class"])
    found += _warn(ac, (float(r[3]) for r in rows), "armor_class", f"AC {ac:g}", peers)
    return found


async def _nothing(session: AsyncSession, m: Mechanics) -> list[BalanceWarning]:
    return []


CHECKS: dict[str, Callable[[AsyncSession, Mechanics], Awaitable[list[BalanceWarning]]]] = {
    "spell": _spell,
    "magic-item": _magic_item,
    "equipment": _equipment,
    "species": _species,
    "creature": _creature,
    "feat": _nothing,
    "background": _nothing,
    "subclass": _nothing,
}


async def balance_warnings(
    session: AsyncSession, kind: str, mechanics: Mechanics
) -> list[dict[str, Any]]:
    """The warnings of ``mechanics`` as stored on the entry (JSON-ready dicts)."""
    warnings = await CHECKS.get(kind, _nothing)(session, mechanics)
    return [
        {
            "path": ["input", "mechanics", *w.path.split(".")],
            "code": w.code.upper(),
            "message": w.message,
            "score": w.score,
            "median": w.median,
            "maximum": w.maximum,
        }
        for w in warnings
    ]
