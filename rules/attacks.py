"""The attack list: every equipped weapon plus the Unarmed Strike, with to-hit and damage
bonuses broken down into their sources.

Finesse takes the better of Strength and Dexterity, ranged weapons Dexterity, other melee weapons
Strength; a Monk's unarmored Monk weapons may use Dexterity and the Martial Arts die. Fighting
styles (Archery, Dueling, Great Weapon Fighting, Two-Weapon Fighting) and magic bonuses apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rules.breakdown import MODIFIER_SOURCES, PROFICIENCY, Breakdown, Contribution, total
from rules.class_numbers import class_numbers
from rules.classes import CLASSES
from rules.damage import average_damage
from rules.effects import AttackBonus, AttackScope, ExtraDamage
from rules.enums import Ability, ClassId, WeaponCategory, WeaponProperty
from rules.equipment import Item, WeaponStats
from rules.fighting_styles import ARCHERY_ATTACK_BONUS, DUELING_DAMAGE_BONUS, FightingStyles
from rules.magic_items import resolve_item, weapon_extra_damage
from rules.sheet import Sheet
from rules.training import TrainingSummary, is_weapon_trained, item_slug


@dataclass(frozen=True, slots=True)
class Attack:
    name: str
    ability: Ability
    proficient: bool
    to_hit: int
    damage: str  # e.g. "1d8+3 slashing"
    versatile_damage: str | None
    range: str  # "5 ft", "reach 10 ft", "80/320 ft"
    properties: tuple[str, ...]
    mastery: str | None  # the mastery property, when the character can use it
    average_damage: float = 0.0  # of ``damage`` (Great Weapon Fighting included if it applies)
    versatile_average: float | None = None  # of ``versatile_damage``
    # Great Weapon Fighting (1s and 2s count as 3) applies to the two-handed damage: ``damage``
    # for a Two-Handed weapon, ``versatile_damage`` for a Versatile one.
    great_weapon_fighting: bool = False
    # The extra attack with a second Light weapon: no ability modifier unless it is negative
    # (Two-Weapon Fighting adds it). None unless another Light weapon is also held.
    off_hand_damage: str | None = None
    off_hand_average: float | None = None
    modifiers_applied: tuple[str, ...] = ()  # fighting styles and the like, for display
    to_hit_breakdown: Breakdown = ()
    damage_bonus: int = 0  # the flat part of ``damage``
    damage_bonus_breakdown: Breakdown = ()
    versatile_damage_bonus: int | None = None  # the flat part of ``versatile_damage``
    versatile_damage_bonus_breakdown: Breakdown = ()
    off_hand_damage_bonus: int | None = None  # the flat part of ``off_hand_damage``
    off_hand_damage_bonus_breakdown: Breakdown = ()
    attacks_per_action: int = 1  # with the Attack action (Extra Attack, Thirsting Blade)
    critical_from: int = 20  # lowest d20 roll that is a Critical Hit (Improved Critical: 19)
    extra_damage: tuple[ExtraDamage, ...] = ()  # dice a hit may add, with their condition


def format_damage(dice: str, bonus: int, damage_type: str) -> str:
    if bonus:
        return f"{dice}{bonus:+d} {damage_type}"
    return f"{dice} {damage_type}"


def _die_size(dice: str) -> int:
    _, _, sides = dice.partition("d")
    return int(sides) if sides.isdigit() else 0


@dataclass(frozen=True, slots=True)
class AttackContext:
    """What every attack of one character shares."""

    modifiers: dict[Ability, int]
    pb: int
    trained: TrainingSummary
    styles: FightingStyles
    penalty_parts: Breakdown  # Exhaustion, as contributions to every attack roll
    unarmored: bool  # no armor and no shield (Martial Arts)
    monk_level: int
    to_hit: tuple[AttackBonus, ...] = ()  # Sacred Weapon, ...
    damage: tuple[AttackBonus, ...] = ()  # Rage, ...
    extra_damage: tuple[ExtraDamage, ...] = ()  # Radiant Strikes, Divine Strike, ...
    critical_from: int = 20  # Improved Critical: 19
    attacks_per_action: int = 1  # Extra Attack
    pact_attacks: int = 1  # Thirsting Blade: with the pact weapon


@dataclass(frozen=True, slots=True)
class _Target:
    """What an attack is, for deciding which effects reach it."""

    weapon: bool
    melee: bool
    ability: Ability
    pact: bool


def _applies(scope: AttackScope, target: _Target) -> bool:
    if scope is AttackScope.ALL:
        return True
    if scope is AttackScope.WEAPONS:
        return target.weapon
    if scope is AttackScope.MELEE:
        return target.melee
    if scope is AttackScope.STRENGTH:
        return target.ability is Ability.STR
    return target.pact


def _effect_parts(bonuses: tuple[AttackBonus, ...], target: _Target) -> list[Contribution]:
    return [bonus.part for bonus in bonuses if _applies(bonus.scope, target)]


@dataclass(frozen=True, slots=True)
class _WeaponFacts:
    """What follows from a weapon's statistics alone (worked out once per kind of weapon)."""

    properties: tuple[str, ...]  # sorted slugs, for display
    reach: str
    damage_type: str
    finesse: bool
    light: bool
    two_handed: bool  # a two-handed melee weapon
    versatile: bool
    monk_weapon: bool


@lru_cache(maxsize=1024)
def _facts(weapon: WeaponStats) -> _WeaponFacts:
    props = weapon.properties
    if weapon.normal_range and weapon.ranged:
        reach = f"{weapon.normal_range}/{weapon.long_range} ft"
    else:
        reach = "reach 10 ft" if WeaponProperty.REACH in props else "5 ft"
        if weapon.normal_range:
            reach += f", thrown {weapon.normal_range}/{weapon.long_range} ft"
    return _WeaponFacts(
        properties=tuple(sorted(p.value for p in props)),
        reach=reach,
        damage_type=weapon.damage_type.value,
        finesse=WeaponProperty.FINESSE in props,
        light=WeaponProperty.LIGHT in props,
        two_handed=not weapon.ranged and WeaponProperty.TWO_HANDED in props,
        versatile=bool(weapon.versatile_dice) and WeaponProperty.VERSATILE in props,
        monk_weapon=not weapon.ranged and (weapon.category is WeaponCategory.SIMPLE
                                           or WeaponProperty.LIGHT in props),
    )


def _weapon_attack(ctx: AttackContext, sheet: Sheet, item: Item, weapons: list[Item],
                   index: int, has_mastery_feature: bool, masteries: set[str]) -> Attack:
    weapon = item.weapon
    assert weapon is not None
    facts = _facts(weapon)
    modifiers = ctx.modifiers
    str_mod, dex_mod = modifiers[Ability.STR], modifiers[Ability.DEX]
    if facts.finesse:
        ability = Ability.DEX if dex_mod > str_mod else Ability.STR
    elif weapon.ranged:
        ability = Ability.DEX
    else:
        ability = Ability.STR
    dice = weapon.damage_dice
    if ctx.monk_level and ctx.unarmored and facts.monk_weapon:
        if dex_mod > modifiers[ability]:
            ability = Ability.DEX
        martial_die = str(class_numbers(ClassId.MONK, ctx.monk_level)["martial_arts_die"])
        if _die_size(martial_die) > _die_size(dice):
            dice = "1" + martial_die
    if item.pact_weapon and modifiers[Ability.CHA] > modifiers[ability]:
        ability = Ability.CHA  # Pact of the Blade
    mod = modifiers[ability]
    ability_part = Contribution(MODIFIER_SOURCES[ability], mod)
    proficient = is_weapon_trained(ctx.trained, item)
    where = _Target(True, not weapon.ranged, ability, item.pact_weapon)
    effect_damage = _effect_parts(ctx.damage, where)
    magic = (Contribution(f"{item.name}: magic bonus", item.magic_bonus),) if item.magic_bonus \
        else ()
    hit_parts = [ability_part]
    if proficient:
        hit_parts.append(Contribution(PROFICIENCY, ctx.pb))
    hit_parts.extend(magic)
    applied: list[str] = []
    if weapon.ranged and ctx.styles.archery:
        hit_parts.append(Contribution("Fighting Style: Archery", ARCHERY_ATTACK_BONUS))
        applied.append(f"Archery +{ARCHERY_ATTACK_BONUS} to hit")
    hit_parts.extend(_effect_parts(ctx.to_hit, where))
    hit_parts.extend(ctx.penalty_parts)
    # Dueling: one hand, no other weapon. A Versatile weapon used two-handed does not count.
    one_handed_melee = not weapon.ranged and not facts.two_handed
    base_damage = [ability_part, *magic, *effect_damage]
    damage_parts = list(base_damage)
    if one_handed_melee and ctx.styles.dueling and len(weapons) == 1:
        damage_parts.append(Contribution("Fighting Style: Dueling", DUELING_DAMAGE_BONUS))
        applied.append(f"Dueling +{DUELING_DAMAGE_BONUS} damage (one hand)")
    two_handed = facts.two_handed
    has_versatile = facts.versatile
    gwf = ctx.styles.great_weapon_fighting and not weapon.ranged and (two_handed or has_versatile)
    if gwf:
        applied.append("Great Weapon Fighting: 1s and 2s count as 3 (two hands)")
    damage_type = facts.damage_type
    versatile = versatile_avg = versatile_bonus = None
    versatile_parts: Breakdown = ()
    if has_versatile and weapon.versatile_dice:
        versatile_parts = tuple(base_damage)
        versatile_bonus = total(base_damage)
        versatile = format_damage(weapon.versatile_dice, versatile_bonus, damage_type)
        versatile_avg = average_damage(weapon.versatile_dice, versatile_bonus,
                                       great_weapon_fighting=gwf)
    off_hand = off_hand_avg = off_bonus = None
    off_parts: list[Contribution] = []
    other_light = facts.light and any(
        other.weapon is not None and WeaponProperty.LIGHT in other.weapon.properties
        for n, other in enumerate(weapons) if n != index
    )
    if other_light:
        if ctx.styles.two_weapon_fighting:
            off_parts.append(Contribution(
                f"{MODIFIER_SOURCES[ability]} (Fighting Style: Two-Weapon Fighting)", mod))
            applied.append("Two-Weapon Fighting: modifier on the extra Light attack")
        elif mod < 0:
            off_parts.append(ability_part)
        else:
            # The Light property's extra attack adds no positive modifier: say so, as a 0.
            off_parts.append(Contribution(f"{MODIFIER_SOURCES[ability]} (not added)", 0))
        off_parts.extend(magic)
        off_parts.extend(effect_damage)
        off_bonus = total(off_parts)
        off_hand = format_damage(dice, off_bonus, damage_type)
        off_hand_avg = average_damage(dice, off_bonus)
    mastery = None
    if weapon.mastery and has_mastery_feature and (
        item_slug(item) in masteries or item.name.lower() in masteries
    ):
        mastery = weapon.mastery.value
    damage_bonus = total(damage_parts)
    extra = tuple(e for e in ctx.extra_damage if _applies(e.scope, where))
    extra += weapon_extra_damage(item)
    per_action = max(ctx.attacks_per_action, ctx.pact_attacks if item.pact_weapon else 1)
    return Attack(
        name=item.name,
        ability=ability,
        proficient=proficient,
        to_hit=total(hit_parts),
        damage=format_damage(dice, damage_bonus, damage_type),
        versatile_damage=versatile,
        range=facts.reach,
        properties=facts.properties,
        mastery=mastery,
        average_damage=average_damage(dice, damage_bonus,
                                      great_weapon_fighting=gwf and two_handed),
        versatile_average=versatile_avg,
        great_weapon_fighting=gwf,
        off_hand_damage=off_hand,
        off_hand_average=off_hand_avg,
        modifiers_applied=tuple(applied),
        to_hit_breakdown=tuple(hit_parts),
        damage_bonus=damage_bonus,
        damage_bonus_breakdown=tuple(damage_parts),
        versatile_damage_bonus=versatile_bonus,
        versatile_damage_bonus_breakdown=versatile_parts,
        off_hand_damage_bonus=off_bonus,
        off_hand_damage_bonus_breakdown=tuple(off_parts),
        attacks_per_action=per_action,
        critical_from=ctx.critical_from,
        extra_damage=extra,
    )


def unarmed_strike(ctx: AttackContext) -> Attack:
    """Everyone is proficient with Unarmed Strikes: 1 + Str bludgeoning, or the Martial Arts die
    with Str or Dex for an unarmored Monk without a shield."""
    modifiers = ctx.modifiers
    ability = Ability.STR
    dice = "1"
    if ctx.monk_level and ctx.unarmored:
        if modifiers[Ability.DEX] > modifiers[Ability.STR]:
            ability = Ability.DEX
        dice = "1" + str(class_numbers(ClassId.MONK, ctx.monk_level)["martial_arts_die"])
    mod = modifiers[ability]
    ability_part = Contribution(MODIFIER_SOURCES[ability], mod)
    where = _Target(False, True, ability, False)
    damage_parts = (ability_part, *_effect_parts(ctx.damage, where))
    bonus = total(damage_parts)
    if dice == "1":
        damage = f"{max(0, 1 + bonus)} bludgeoning"
    else:
        damage = format_damage(dice, bonus, "bludgeoning")
    hit_parts = (ability_part, Contribution(PROFICIENCY, ctx.pb),
                 *_effect_parts(ctx.to_hit, where), *ctx.penalty_parts)
    return Attack(
        name="Unarmed Strike", ability=ability, proficient=True,
        to_hit=total(hit_parts),
        damage=damage, versatile_damage=None, range="5 ft", properties=(), mastery=None,
        average_damage=average_damage(dice, bonus),
        to_hit_breakdown=hit_parts, damage_bonus=bonus, damage_bonus_breakdown=damage_parts,
        attacks_per_action=ctx.attacks_per_action, critical_from=ctx.critical_from,
        extra_damage=tuple(e for e in ctx.extra_damage if _applies(e.scope, where)),
    )


def attacks(sheet: Sheet, ctx: AttackContext) -> tuple[Attack, ...]:
    weapons = [resolve_item(i) for i in sheet.equipment if i.equipped and i.weapon is not None]
    has_mastery_feature = any(
        "Weapon Mastery" in CLASSES[e.class_id].features.get(1, ()) for e in sheet.classes
    )
    masteries = {m.lower() for m in sheet.weapon_masteries}
    result = [
        _weapon_attack(ctx, sheet, item, weapons, index, has_mastery_feature, masteries)
        for index, item in enumerate(weapons)
    ]
    result.append(unarmed_strike(ctx))
    return tuple(result)
