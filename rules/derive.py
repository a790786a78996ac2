"""Derived data: everything on a sheet that follows from the base data.

``derive(sheet)`` is the single entry point. It assumes a structurally sound sheet (as produced by
``rules.parse``); it does not judge legality - ``rules.validation`` does - but it never crashes on
an illegal one: out-of-table values are clamped where a number is still needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules import abilities as ab
from rules.armor import AcInputs, AcResult, armor_class, is_heavy
from rules.class_numbers import class_numbers
from rules.classes import CLASSES, CasterType, features_up_to, meets_multiclass_prerequisites
from rules.conditions import (
    effective_conditions,
    exhaustion_d20_penalty,
    exhaustion_speed_penalty,
)
from rules.damage import average_damage
from rules.enums import (
    SKILL_ABILITY,
    Ability,
    ClassId,
    Condition,
    DamageType,
    Size,
    Skill,
    WeaponCategory,
    WeaponProperty,
)
from rules.equipment import Item
from rules.fighting_styles import (
    ARCHERY_ATTACK_BONUS,
    DUELING_DAMAGE_BONUS,
    FightingStyles,
    fighting_styles,
)
from rules.progression import MAX_LEVEL, MIN_LEVEL, can_level_up, next_level_xp, proficiency_bonus
from rules.resources import Recovery, ResourceState, resource_maxima
from rules.roll_modes import RollInputs, RollModes, roll_modes
from rules.sheet import Sheet
from rules.species import species_info
from rules.species_traits import SpeciesTraits, species_traits
from rules.spellcasting import (
    CasterLevels,
    cantrips_known,
    caster_type,
    pact_slots,
    prepared_spells,
    spell_attack_bonus,
    spell_save_dc,
    spell_slots,
)
from rules.subclasses import subclass_features_up_to, subclass_info
from rules.training import TrainingSummary, is_armor_trained, is_weapon_trained, item_slug, training


@dataclass(frozen=True)
class SaveLine:
    ability: Ability
    proficient: bool
    bonus: int


@dataclass(frozen=True)
class SkillLine:
    skill: Skill
    ability: Ability
    proficiency: str  # "none", "half" (Jack of All Trades), "proficient" or "expertise"
    bonus: int
    passive: int


@dataclass(frozen=True)
class SpeedResult:
    walk: int
    breakdown: tuple[str, ...]


@dataclass(frozen=True)
class HitDicePool:
    die: int
    total: int
    spent: int

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.spent)


@dataclass(frozen=True)
class ClassSpellcasting:
    class_id: ClassId
    ability: Ability
    save_dc: int
    attack_bonus: int
    cantrips: int
    prepared: int


@dataclass(frozen=True)
class SlotLine:
    level: int
    maximum: int  # from the slot tables
    spent: int
    created: int = 0  # extra slots made with Font of Magic (gone after a Long Rest)

    @property
    def remaining(self) -> int:
        return max(0, self.maximum + self.created - self.spent)


@dataclass(frozen=True)
class PactLine:
    slot_level: int
    maximum: int
    spent: int

    @property
    def remaining(self) -> int:
        return max(0, self.maximum - self.spent)


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Carrying:
    carried: float
    capacity: float
    drag_lift_push: float
    over_capacity: bool


@dataclass(frozen=True)
class FeatureLine:
    class_id: ClassId
    level: int  # class level at which it is gained
    name: str
    source: str  # the class slug, or the subclass slug for subclass features


@dataclass(frozen=True)
class ResourceLine:
    id: str
    name: str
    maximum: int
    spent: int
    recovery: Recovery

    @property
    def remaining(self) -> int:
        return max(0, self.maximum - self.spent)


@dataclass(frozen=True)
class Progress:
    xp: int
    next_level_xp: int | None
    can_level_up: bool


@dataclass(frozen=True)
class DerivedDefenses:
    """Damage defenses from every source: the sheet's own list, species, conditions."""

    resistances: frozenset[DamageType]
    vulnerabilities: frozenset[DamageType]
    immunities: frozenset[DamageType]
    sources: dict[DamageType, tuple[str, ...]]  # why each resistance applies


@dataclass(frozen=True)
class DerivedSheet:
    summary: str  # "Brenna Holt, Human Fighter 3 (Champion)"
    total_level: int
    proficiency_bonus: int
    scores: dict[Ability, int]
    modifiers: dict[Ability, int]
    saves: dict[Ability, SaveLine]
    skills: dict[Skill, SkillLine]
    passive_perception: int
    passive_insight: int
    passive_investigation: int
    initiative: int
    armor_class: AcResult
    speed: SpeedResult
    max_hp: int
    current_hp: int
    temp_hp: int
    hit_dice: tuple[HitDicePool, ...]
    spellcasting: tuple[ClassSpellcasting, ...]
    spell_slots: tuple[SlotLine, ...]
    pact_slots: PactLine | None
    attacks: tuple[Attack, ...]
    carrying: Carrying
    exhaustion: int
    d20_penalty: int
    conditions: frozenset[Condition]
    features: tuple[FeatureLine, ...]
    resources: dict[str, ResourceLine]
    class_numbers: dict[ClassId, dict[str, int | str]]
    progress: Progress
    multiclass_prerequisites: dict[ClassId, bool]
    training: TrainingSummary
    play_state: dict[str, object]  # pass-through of tracked state the sheet displays as is
    notes: tuple[str, ...]
    species_traits: SpeciesTraits
    senses: dict[str, int]  # "darkvision" -> range in feet
    defenses: DerivedDefenses
    fighting_styles: FightingStyles
    roll_modes: RollModes


# ---------------------------------------------------------------- ability scores


def final_scores(sheet: Sheet) -> dict[Ability, int]:
    """Base scores + background increase + every later increase."""
    return ab.add_increases(
        sheet.abilities.base,
        sheet.background.increases,
        *(imp.increases for imp in sheet.improvements),
    )


def _clamped_modifiers(scores: dict[Ability, int]) -> dict[Ability, int]:
    return {a: ab.modifier(max(ab.MIN_SCORE, min(ab.MAX_SCORE, s))) for a, s in scores.items()}


def _clamped_level(sheet: Sheet) -> int:
    return max(MIN_LEVEL, min(MAX_LEVEL, sheet.total_level))


# ---------------------------------------------------------------- hit points


def hit_gain_fixed(die: int) -> int:
    """The fixed hit-point value for a level after 1: half the die plus one (d10 -> 6)."""
    return die // 2 + 1


def hp_gain_for_level(die: int, con_mod: int, roll: int | None) -> int:
    """Hit points for a level after 1: the roll (or fixed value) + Con, at least 1."""
    value = hit_gain_fixed(die) if roll is None else roll
    return max(1, value + con_mod)


def max_hit_points(sheet: Sheet, modifiers: dict[Ability, int]) -> int:
    con = modifiers[Ability.CON]
    total = 0
    for index, entry in enumerate(sheet.classes):
        die = CLASSES[entry.class_id].hit_die
        later_levels = entry.level - 1 if index == 0 else entry.level
        if index == 0 and entry.level >= 1:
            total += max(1, die + con)  # level 1: the whole die
        rolls = entry.hp_rolls
        for n in range(max(0, later_levels)):
            roll = rolls[n] if rolls is not None and n < len(rolls) else None
            total += hp_gain_for_level(die, con, roll)
    level = sheet.total_level
    per_level = sheet.bonuses.hp_per_level
    if sheet.has_feat("tough"):
        per_level += 2
    species = species_info(sheet.identity.species)
    if species is not None:
        per_level += species.hp_per_level
    total += per_level * level
    if sheet.has_feat("boon-of-fortitude"):
        total += 40
    sorcerer = next((e for e in sheet.classes if e.class_id is ClassId.SORCERER), None)
    if sorcerer and sorcerer.subclass == "draconic-sorcery" and sorcerer.level >= 3:
        total += sheet.class_level(ClassId.SORCERER)  # Draconic Resilience: 3 at level 3, +1/level
    return max(1, total)


def hit_dice_pools(sheet: Sheet) -> tuple[HitDicePool, ...]:
    totals: dict[int, int] = {}
    for entry in sheet.classes:
        die = CLASSES[entry.class_id].hit_die
        totals[die] = totals.get(die, 0) + entry.level
    return tuple(
        HitDicePool(die, count, sheet.state.hit_dice_spent.get(die, 0))
        for die, count in sorted(totals.items(), reverse=True)
    )


# ---------------------------------------------------------------- equipment helpers


def equipped_armor(sheet: Sheet) -> Item | None:
    return next((i for i in sheet.equipment if i.equipped and i.armor is not None), None)


def equipped_shield(sheet: Sheet) -> Item | None:
    return next((i for i in sheet.equipment if i.equipped and i.shield is not None), None)


def _ac(sheet: Sheet, modifiers: dict[Ability, int], trained: TrainingSummary) -> AcResult:
    sorcerer = next((e for e in sheet.classes if e.class_id is ClassId.SORCERER), None)
    return armor_class(
        AcInputs(
            modifiers=modifiers,
            armor=equipped_armor(sheet),
            shield=equipped_shield(sheet),
            shield_trained=trained.shields,
            barbarian_unarmored_defense=sheet.class_level(ClassId.BARBARIAN) >= 1,
            monk_unarmored_defense=sheet.class_level(ClassId.MONK) >= 1,
            draconic_resilience=bool(
                sorcerer and sorcerer.subclass == "draconic-sorcery" and sorcerer.level >= 3
            ),
            mage_armor=sheet.armor_options.mage_armor,
            natural_armor=sheet.armor_options.natural_armor,
            defense_fighting_style=sheet.has_feat("defense"),
            flat_bonus=sheet.bonuses.ac,
        )
    )


# ---------------------------------------------------------------- speed


_SPEED_ZERO = (
    Condition.GRAPPLED, Condition.RESTRAINED, Condition.PARALYZED, Condition.PETRIFIED,
    Condition.UNCONSCIOUS,
)  # fmt: skip


def _speed(
    sheet: Sheet, scores: dict[Ability, int], conditions: frozenset[Condition],
    traits: SpeciesTraits,
) -> SpeedResult:
    base = traits.speed
    parts = [f"{base} base"]
    speed = base
    armor = equipped_armor(sheet)
    shield = equipped_shield(sheet)
    monk = sheet.class_level(ClassId.MONK)
    if monk >= 2 and armor is None and shield is None:
        bonus = int(class_numbers(ClassId.MONK, monk)["unarmored_movement"])
        speed += bonus
        parts.append(f"+{bonus} Unarmored Movement")
    if sheet.class_level(ClassId.BARBARIAN) >= 5 and not is_heavy(armor):
        speed += 10
        parts.append("+10 Fast Movement")
    if sheet.has_feat("boon-of-speed"):
        speed += 30
        parts.append("+30 Boon of Speed")
    if sheet.bonuses.speed:
        speed += sheet.bonuses.speed
        parts.append(f"{sheet.bonuses.speed:+d} bonus")
    needed = armor.armor.strength_requirement if armor and armor.armor else 0
    if armor is not None and scores[Ability.STR] < needed:
        speed -= 10
        parts.append(f"-10 {armor.name} (needs Str {needed})")
    penalty = exhaustion_speed_penalty(sheet.state.exhaustion)
    if penalty:
        speed += penalty
        parts.append(f"{penalty} Exhaustion {sheet.state.exhaustion}")
    if any(c in conditions for c in _SPEED_ZERO):
        parts.append("0: a condition sets Speed to 0")
        return SpeedResult(0, tuple(parts))
    return SpeedResult(max(0, speed), tuple(parts))


# ---------------------------------------------------------------- skills and saves


def _skills(
    sheet: Sheet, modifiers: dict[Ability, int], pb: int, penalty: int
) -> dict[Skill, SkillLine]:
    jack = sheet.class_level(ClassId.BARD) >= 2
    lines: dict[Skill, SkillLine] = {}
    for skill in Skill:
        ability = SKILL_ABILITY[skill]
        if skill in sheet.proficiencies.expertise:
            kind, prof = "expertise", 2 * pb
        elif skill in sheet.proficiencies.skills:
            kind, prof = "proficient", pb
        elif jack:
            kind, prof = "half", pb // 2
        else:
            kind, prof = "none", 0
        check = modifiers[ability] + prof
        # Passive scores are not D20 Tests, so Exhaustion does not lower them.
        lines[skill] = SkillLine(skill, ability, kind, check + penalty, 10 + check)
    return lines


def _saves(
    sheet: Sheet, modifiers: dict[Ability, int], pb: int, penalty: int, trained: TrainingSummary
) -> dict[Ability, SaveLine]:
    return {
        ability: SaveLine(
            ability,
            ability in trained.saves,
            modifiers[ability] + (pb if ability in trained.saves else 0) + penalty
            + sheet.bonuses.saves,
        )
        for ability in Ability
    }


# ---------------------------------------------------------------- spellcasting


def _caster_entries(sheet: Sheet) -> list[CasterLevels]:
    return [CasterLevels(e.class_id, e.level, e.subclass) for e in sheet.classes]


def _spellcasting(
    sheet: Sheet, modifiers: dict[Ability, int], pb: int
) -> tuple[tuple[ClassSpellcasting, ...], tuple[SlotLine, ...], PactLine | None]:
    entries = _caster_entries(sheet)
    per_class: list[ClassSpellcasting] = []
    for entry in entries:
        kind = caster_type(entry)
        if kind is CasterType.NONE:
            continue
        ability = CLASSES[entry.class_id].spellcasting_ability or Ability.INT  # third casters: Int
        mod = modifiers[ability]
        per_class.append(
            ClassSpellcasting(
                entry.class_id, ability, spell_save_dc(pb, mod), spell_attack_bonus(pb, mod),
                cantrips_known(entry), prepared_spells(entry),
            )
        )
    slots = spell_slots(entries)
    spent = sheet.state.slots_spent
    created = sheet.state.created_slots
    slot_lines = tuple(
        SlotLine(level, count, spent.get(level, 0), created.get(level, 0))
        for level, count in enumerate(slots, start=1)
        if count or created.get(level, 0) > 0
    )
    warlock = sheet.class_level(ClassId.WARLOCK)
    pact = None
    if warlock:
        table = pact_slots(warlock)
        pact = PactLine(table.slot_level, table.count, sheet.state.pact_slots_spent)
    return tuple(per_class), slot_lines, pact


# ---------------------------------------------------------------- attacks


def _format_damage(dice: str, bonus: int, damage_type: str) -> str:
    if bonus:
        return f"{dice}{bonus:+d} {damage_type}"
    return f"{dice} {damage_type}"


def _is_monk_weapon(item: Item) -> bool:
    weapon = item.weapon
    if weapon is None or weapon.ranged:
        return False
    if weapon.category is WeaponCategory.SIMPLE:
        return True
    return WeaponProperty.LIGHT in weapon.properties


def _die_size(dice: str) -> int:
    _, _, sides = dice.partition("d")
    return int(sides) if sides.isdigit() else 0


def _attacks(
    sheet: Sheet, modifiers: dict[Ability, int], pb: int, penalty: int, trained: TrainingSummary,
    styles: FightingStyles,
) -> tuple[Attack, ...]:
    weapons = [i for i in sheet.equipment if i.equipped and i.weapon is not None]
    armor = equipped_armor(sheet)
    shield = equipped_shield(sheet)
    monk_level = sheet.class_level(ClassId.MONK)
    martial_die = (
        str(class_numbers(ClassId.MONK, monk_level)["martial_arts_die"]) if monk_level else ""
    )
    has_mastery_feature = any(
        "Weapon Mastery" in CLASSES[e.class_id].features.get(1, ()) for e in sheet.classes
    )
    masteries = {m.lower() for m in sheet.weapon_masteries}
    attacks: list[Attack] = []
    for index, item in enumerate(weapons):
        weapon = item.weapon
        assert weapon is not None
        props = weapon.properties
        str_mod, dex_mod = modifiers[Ability.STR], modifiers[Ability.DEX]
        if WeaponProperty.FINESSE in props:
            ability = Ability.DEX if dex_mod > str_mod else Ability.STR
        elif weapon.ranged:
            ability = Ability.DEX
        else:
            ability = Ability.STR
        dice = weapon.damage_dice
        unarmored = armor is None and shield is None
        monk_weapon = bool(monk_level) and unarmored and _is_monk_weapon(item)
        if monk_weapon:
            if dex_mod > modifiers[ability]:
                ability = Ability.DEX
            if _die_size(martial_die) > _die_size(dice):
                dice = "1" + martial_die
        mod = modifiers[ability]
        proficient = is_weapon_trained(trained, item)
        to_hit = mod + (pb if proficient else 0) + item.magic_bonus + penalty
        damage_bonus = mod + item.magic_bonus
        applied: list[str] = []
        if weapon.ranged and styles.archery:
            to_hit += ARCHERY_ATTACK_BONUS
            applied.append(f"Archery +{ARCHERY_ATTACK_BONUS} to hit")
        # Dueling: one hand, no other weapon. A Versatile weapon used two-handed does not count.
        one_handed_melee = not weapon.ranged and WeaponProperty.TWO_HANDED not in props
        one_hand_bonus = damage_bonus
        if one_handed_melee and styles.dueling and len(weapons) == 1:
            one_hand_bonus += DUELING_DAMAGE_BONUS
            applied.append(f"Dueling +{DUELING_DAMAGE_BONUS} damage (one hand)")
        two_handed = not weapon.ranged and WeaponProperty.TWO_HANDED in props
        has_versatile = bool(weapon.versatile_dice) and WeaponProperty.VERSATILE in props
        gwf = styles.great_weapon_fighting and not weapon.ranged and (two_handed or has_versatile)
        if gwf:
            applied.append("Great Weapon Fighting: 1s and 2s count as 3 (two hands)")
        versatile = versatile_avg = None
        if has_versatile and weapon.versatile_dice:
            versatile = _format_damage(
                weapon.versatile_dice, damage_bonus, weapon.damage_type.value
            )
            versatile_avg = average_damage(weapon.versatile_dice, damage_bonus,
                                           great_weapon_fighting=gwf)
        off_hand = off_hand_avg = None
        other_light = any(
            WeaponProperty.LIGHT in other.weapon.properties
            for n, other in enumerate(weapons) if n != index and other.weapon is not None
        )
        if WeaponProperty.LIGHT in props and other_light:
            off_bonus = item.magic_bonus + (mod if styles.two_weapon_fighting or mod < 0 else 0)
            off_hand = _format_damage(dice, off_bonus, weapon.damage_type.value)
            off_hand_avg = average_damage(dice, off_bonus)
            if styles.two_weapon_fighting:
                applied.append("Two-Weapon Fighting: modifier on the extra Light attack")
        if weapon.normal_range and weapon.ranged:
            reach = f"{weapon.normal_range}/{weapon.long_range} ft"
        else:
            reach = "reach 10 ft" if WeaponProperty.REACH in props else "5 ft"
            if weapon.normal_range:
                reach += f", thrown {weapon.normal_range}/{weapon.long_range} ft"
        slug = item_slug(item)
        mastery = None
        if weapon.mastery and has_mastery_feature and (
            slug in masteries or item.name.lower() in masteries
        ):
            mastery = weapon.mastery.value
        attacks.append(
            Attack(
                name=item.name,
                ability=ability,
                proficient=proficient,
                to_hit=to_hit,
                damage=_format_damage(dice, one_hand_bonus, weapon.damage_type.value),
                versatile_damage=versatile,
                range=reach,
                properties=tuple(sorted(p.value for p in props)),
                mastery=mastery,
                average_damage=average_damage(dice, one_hand_bonus,
                                              great_weapon_fighting=gwf and two_handed),
                versatile_average=versatile_avg,
                great_weapon_fighting=gwf,
                off_hand_damage=off_hand,
                off_hand_average=off_hand_avg,
                modifiers_applied=tuple(applied),
            )
        )
    attacks.append(_unarmed_strike(modifiers, pb, penalty, monk_level, armor, shield))
    return tuple(attacks)


def _unarmed_strike(
    modifiers: dict[Ability, int], pb: int, penalty: int, monk_level: int,
    armor: Item | None, shield: Item | None,
) -> Attack:
    """Everyone is proficient with Unarmed Strikes: 1 + Str bludgeoning, or the Martial Arts die
    with Str or Dex for an unarmored Monk without a shield."""
    ability = Ability.STR
    dice = "1"
    if monk_level and armor is None and shield is None:
        if modifiers[Ability.DEX] > modifiers[Ability.STR]:
            ability = Ability.DEX
        dice = "1" + str(class_numbers(ClassId.MONK, monk_level)["martial_arts_die"])
    mod = modifiers[ability]
    if dice == "1":
        damage = f"{max(0, 1 + mod)} bludgeoning"
    else:
        damage = _format_damage(dice, mod, "bludgeoning")
    return Attack(
        name="Unarmed Strike", ability=ability, proficient=True, to_hit=mod + pb + penalty,
        damage=damage, versatile_damage=None, range="5 ft", properties=(), mastery=None,
        average_damage=average_damage(dice, mod),
    )


# ---------------------------------------------------------------- carrying


_SIZE_FACTOR: dict[Size, float] = {
    Size.TINY: 0.5, Size.SMALL: 1, Size.MEDIUM: 1, Size.LARGE: 2, Size.HUGE: 4,
    Size.GARGANTUAN: 8,
}  # fmt: skip
_SIZES = list(Size)
COINS_PER_POUND = 50


def carrying(sheet: Sheet, strength: int) -> Carrying:
    size = sheet.identity.size
    species = species_info(sheet.identity.species)
    if species is not None and species.carries_as_larger and size is not Size.GARGANTUAN:
        size = _SIZES[_SIZES.index(size) + 1]
    capacity = 15 * strength * _SIZE_FACTOR[size]
    carried = sum(item.total_weight for item in sheet.equipment)
    carried += sheet.currency.coin_count / COINS_PER_POUND
    carried = round(carried, 2)
    return Carrying(carried, capacity, capacity * 2, carried > capacity)


# ---------------------------------------------------------------- features and resources


def _features(sheet: Sheet) -> tuple[FeatureLine, ...]:
    lines: list[FeatureLine] = []
    for entry in sheet.classes:
        level = min(entry.level, MAX_LEVEL)
        merged = [(lvl, name, entry.class_id.value)
                  for lvl, name in features_up_to(entry.class_id, level)]
        merged += [(lvl, name, entry.subclass or "")
                   for lvl, name in subclass_features_up_to(entry.subclass, level)]
        merged.sort(key=lambda row: row[0])  # stable: class features first within a level
        lines.extend(FeatureLine(entry.class_id, lvl, name, src) for lvl, name, src in merged)
    return tuple(lines)


def sheet_species_traits(sheet: Sheet, modifiers: dict[Ability, int]) -> SpeciesTraits:
    level = _clamped_level(sheet)
    return species_traits(sheet.identity.species, sheet.identity.lineage, level,
                          proficiency_bonus(level), modifiers[Ability.CON])


def resource_states(sheet: Sheet, modifiers: dict[Ability, int]) -> dict[str, ResourceState]:
    """Class resources plus species traits with limited uses (Breath Weapon, ...), by id."""
    result = resource_maxima(sheet.levels_by_class, modifiers)
    for trait in sheet_species_traits(sheet, modifiers).resources:
        result.setdefault(trait.id, ResourceState(trait.id, trait.name, trait.maximum,
                                                  trait.recovery))
    return result


def _resources(sheet: Sheet, modifiers: dict[Ability, int]) -> dict[str, ResourceLine]:
    maxima = resource_states(sheet, modifiers)
    return {
        rid: ResourceLine(rid, state.name, state.maximum,
                          sheet.state.resources_spent.get(rid, 0), state.recovery)
        for rid, state in maxima.items()
    }


# ---------------------------------------------------------------- defenses and roll modes


def _damage_types(slugs: frozenset[str]) -> frozenset[DamageType]:
    return frozenset(t for t in DamageType if t.value in slugs)


def derived_defenses(
    sheet: Sheet, traits: SpeciesTraits, conditions: frozenset[Condition]
) -> DerivedDefenses:
    """The sheet's own defenses, species resistances, and Petrified (Resistance to all damage)."""
    sources: dict[DamageType, list[str]] = {}
    for damage in _damage_types(sheet.defenses.resistances):
        sources.setdefault(damage, []).append("sheet")
    for damage, trait in traits.resistances.items():
        sources.setdefault(damage, []).append(trait)
    if Condition.PETRIFIED in conditions:
        for damage in DamageType:
            sources.setdefault(damage, []).append("Petrified")
    return DerivedDefenses(
        resistances=frozenset(sources),
        vulnerabilities=_damage_types(sheet.defenses.vulnerabilities),
        immunities=_damage_types(sheet.defenses.immunities),
        sources={damage: tuple(reasons) for damage, reasons in sorted(sources.items())},
    )


def _roll_modes(
    sheet: Sheet, conditions: frozenset[Condition], trained: TrainingSummary,
    traits: SpeciesTraits,
) -> RollModes:
    armor = equipped_armor(sheet)
    untrained = armor.name if armor is not None and not is_armor_trained(trained, armor) else None
    stealthy = (
        armor.name if armor is not None and armor.armor is not None
        and armor.armor.stealth_disadvantage else None
    )
    return roll_modes(RollInputs(
        conditions=conditions,
        exhaustion=sheet.state.exhaustion,
        untrained_armor=untrained,
        stealth_disadvantage_armor=stealthy,
        save_advantages=traits.save_advantages,
        condition_save_advantages=traits.condition_save_advantages,
        rerolls_natural_ones=traits.rerolls_natural_ones,
    ))


# ---------------------------------------------------------------- entry point


def _summary(sheet: Sheet) -> str:
    species = species_info(sheet.identity.species)
    species_name = species.name if species else sheet.identity.species.title()
    parts = []
    for entry in sheet.classes:
        text = f"{CLASSES[entry.class_id].name} {entry.level}"
        if entry.subclass:
            known = subclass_info(entry.subclass)
            label = known.name if known else entry.subclass.replace("-", " ").title()
            text += f" ({label})"
        parts.append(text)
    return f"{sheet.identity.name}, {species_name} {' / '.join(parts)}"



def derive(sheet: Sheet) -> DerivedSheet:
    level = _clamped_level(sheet)
    pb = proficiency_bonus(level)
    scores = final_scores(sheet)
    modifiers = _clamped_modifiers(scores)
    trained = training(sheet)
    state = sheet.state
    penalty = exhaustion_d20_penalty(state.exhaustion)
    conditions = effective_conditions(state.conditions, state.exhaustion)
    traits = sheet_species_traits(sheet, modifiers)
    styles = fighting_styles(sheet.all_feats())
    skills = _skills(sheet, modifiers, pb, penalty)
    max_hp = max_hit_points(sheet, modifiers)
    current = max_hp if state.current_hp is None else max(0, min(state.current_hp, max_hp))
    initiative = modifiers[Ability.DEX] + sheet.bonuses.initiative + penalty
    if sheet.has_feat("alert"):
        initiative += pb
    casting, slots, pact = _spellcasting(sheet, modifiers, pb)
    notes: list[str] = []
    armor = equipped_armor(sheet)
    if armor is not None and not is_armor_trained(trained, armor):
        notes.append(
            f"Not trained with {armor.name}: Disadvantage on Str and Dex D20 Tests, "
            "no spellcasting."
        )
    if armor is not None and armor.armor is not None and armor.armor.stealth_disadvantage:
        notes.append(f"{armor.name} gives Disadvantage on Dexterity (Stealth) checks.")
    shield = equipped_shield(sheet)
    if shield is not None and not trained.shields:
        notes.append("Not trained with shields: the shield adds no AC.")
    numbers = {
        entry.class_id: nums
        for entry in sheet.classes
        if (nums := class_numbers(entry.class_id, min(entry.level, MAX_LEVEL)))
    }
    multiclass = (
        {
            entry.class_id: meets_multiclass_prerequisites(entry.class_id, scores)
            for entry in sheet.classes
        }
        if len(sheet.classes) > 1
        else {}
    )
    return DerivedSheet(
        summary=_summary(sheet),
        total_level=sheet.total_level,
        proficiency_bonus=pb,
        scores=scores,
        modifiers=modifiers,
        saves=_saves(sheet, modifiers, pb, penalty, trained),
        skills=skills,
        passive_perception=skills[Skill.PERCEPTION].passive,
        passive_insight=skills[Skill.INSIGHT].passive,
        passive_investigation=skills[Skill.INVESTIGATION].passive,
        initiative=initiative,
        armor_class=_ac(sheet, modifiers, trained),
        speed=_speed(sheet, scores, conditions, traits),
        max_hp=max_hp,
        current_hp=current,
        temp_hp=state.temp_hp,
        hit_dice=hit_dice_pools(sheet),
        spellcasting=casting,
        spell_slots=slots,
        pact_slots=pact,
        attacks=_attacks(sheet, modifiers, pb, penalty, trained, styles),
        carrying=carrying(sheet, scores[Ability.STR]),
        exhaustion=state.exhaustion,
        d20_penalty=penalty,
        conditions=conditions,
        features=_features(sheet),
        resources=_resources(sheet, modifiers),
        class_numbers=numbers,
        progress=Progress(
            sheet.xp,
            next_level_xp(level),
            can_level_up(level, sheet.xp),
        ),
        multiclass_prerequisites=multiclass,
        training=trained,
        play_state={
            "concentration": state.concentration[0] if state.concentration else None,
            "death_saves": {"successes": state.death_saves.successes,
                            "failures": state.death_saves.failures},
            "stable": state.stable,
            "dead": state.dead,
            "heroic_inspiration": state.heroic_inspiration,
        },
        notes=tuple(notes),
        species_traits=traits,
        senses={"darkvision": traits.darkvision} if traits.darkvision else {},
        defenses=derived_defenses(sheet, traits, conditions),
        fighting_styles=styles,
        roll_modes=_roll_modes(sheet, conditions, trained, traits),
    )
