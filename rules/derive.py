"""Derived data: everything on a sheet that follows from the base data.

``derive(sheet)`` is the single entry point. It assumes a structurally sound sheet (as produced by
``rules.parse``); it does not judge legality - ``rules.validation`` does - but it never crashes on
an illegal one: out-of-table values are clamped where a number is still needed.

Every number a player can question carries a breakdown (``rules.breakdown``) whose contributions
add up to it: ``SaveLine.breakdown``, ``SkillLine.breakdown`` / ``passive_breakdown``,
``DerivedSheet.initiative_breakdown``, ``armor_class.breakdown``, ``speed.breakdown``,
``max_hp_breakdown``, each attack's ``to_hit_breakdown`` / ``damage_bonus_breakdown``, spell save
DCs and attack bonuses, and ``feature_dcs``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import lru_cache

from rules import abilities as ab
from rules.active_effects import ACTIVE_EFFECTS
from rules.armor import AcInputs, AcResult, armor_class
from rules.attacks import Attack as Attack  # re-exported: callers read attacks from here
from rules.attacks import AttackContext, attacks
from rules.breakdown import (
    MODIFIER_SOURCES,
    PROFICIENCY,
    Breakdown,
    Contribution,
    exhaustion_source,
    total,
)
from rules.class_features import FeatureContext, feature_effects, score_features
from rules.class_numbers import class_numbers
from rules.classes import CLASSES, CasterType, features_up_to, meets_multiclass_prerequisites
from rules.conditions import effective_conditions, exhaustion_d20_penalty
from rules.effects import Effects, RollFloor
from rules.enums import (
    ABILITIES,
    DAMAGE_TYPES,
    SKILL_ABILITY,
    SKILLS,
    Ability,
    ClassId,
    Condition,
    DamageType,
    ImprovementKind,
    Size,
    Skill,
)
from rules.equipment import Item
from rules.fighting_styles import FightingStyles, fighting_styles
from rules.hit_points import HitDicePool, hit_dice_pools, max_hit_points_breakdown
from rules.magic_items import item_effects, item_magic, item_works, resolve_item
from rules.progression import MAX_LEVEL, MIN_LEVEL, can_level_up, next_level_xp, proficiency_bonus
from rules.resources import Recovery, ResourceState, resource_maxima
from rules.roll_modes import RollInputs, RollModes, roll_modes
from rules.sheet import Sheet
from rules.species import species_info
from rules.species_traits import SpeciesTraits, species_traits
from rules.speed import SpeedEffects, SpeedResult, speed
from rules.spellcasting import (
    CasterLevels,
    cantrips_known,
    caster_type,
    pact_slots,
    prepared_spells,
    spell_slots,
)
from rules.subclasses import subclass_features_up_to, subclass_info
from rules.training import TrainingSummary, is_armor_trained, training


@dataclass(frozen=True, slots=True)
class SaveLine:
    ability: Ability
    proficient: bool
    bonus: int
    breakdown: Breakdown = ()


@dataclass(frozen=True, slots=True)
class SkillLine:
    skill: Skill
    ability: Ability
    proficiency: str  # "none", "half" (Jack of All Trades), "proficient" or "expertise"
    bonus: int
    passive: int
    breakdown: Breakdown = ()  # of ``bonus``
    passive_breakdown: Breakdown = ()  # of ``passive`` (Exhaustion left out: not a D20 Test)


@dataclass(frozen=True, slots=True)
class ClassSpellcasting:
    class_id: ClassId
    ability: Ability
    save_dc: int
    attack_bonus: int
    cantrips: int
    prepared: int
    save_dc_breakdown: Breakdown = ()
    attack_bonus_breakdown: Breakdown = ()


@dataclass(frozen=True, slots=True)
class FeatureDc:
    """The save DC of a feature that is not a spell (Breath Weapon, Focus, Grapple, ...)."""

    id: str  # "unarmed-strike", "focus", "cunning-strike", "breath-weapon", ...
    name: str
    dc: int
    breakdown: Breakdown


@dataclass(frozen=True, slots=True)
class SlotLine:
    level: int
    maximum: int  # from the slot tables
    spent: int
    created: int = 0  # extra slots made with Font of Magic (gone after a Long Rest)

    @property
    def remaining(self) -> int:
        return max(0, self.maximum + self.created - self.spent)


@dataclass(frozen=True, slots=True)
class PactLine:
    slot_level: int
    maximum: int
    spent: int

    @property
    def remaining(self) -> int:
        return max(0, self.maximum - self.spent)


@dataclass(frozen=True, slots=True)
class Carrying:
    carried: float
    capacity: float
    drag_lift_push: float
    over_capacity: bool


@dataclass(frozen=True, slots=True)
class FeatureLine:
    class_id: ClassId
    level: int  # class level at which it is gained
    name: str
    source: str  # the class slug, or the subclass slug for subclass features


@dataclass(frozen=True, slots=True)
class ResourceLine:
    id: str
    name: str
    maximum: int
    spent: int
    recovery: Recovery

    @property
    def remaining(self) -> int:
        return max(0, self.maximum - self.spent)


@dataclass(frozen=True, slots=True)
class Progress:
    xp: int
    next_level_xp: int | None
    can_level_up: bool


@dataclass(frozen=True, slots=True)
class DerivedDefenses:
    """Damage defenses from every source: the sheet's own list, species, conditions."""

    resistances: frozenset[DamageType]
    vulnerabilities: frozenset[DamageType]
    immunities: frozenset[DamageType]
    sources: dict[DamageType, tuple[str, ...]]  # why each resistance applies
    immunity_sources: dict[DamageType, tuple[str, ...]] = dataclass_field(default_factory=dict)
    # Conditions that have no effect on the character (Aura of Courage: Frightened), and why.
    condition_immunities: dict[Condition, tuple[str, ...]] = dataclass_field(
        default_factory=dict)


@dataclass(frozen=True, slots=True)
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
    # Breakdowns of the numbers above that are not inside a line object of their own.
    score_breakdowns: dict[Ability, Breakdown]
    initiative_breakdown: Breakdown
    passive_perception_breakdown: Breakdown
    passive_insight_breakdown: Breakdown
    passive_investigation_breakdown: Breakdown
    max_hp_breakdown: Breakdown
    feature_dcs: tuple[FeatureDc, ...]
    cantrip_damage_dice: int  # dice of a damaging cantrip at this character level
    roll_floors: tuple[RollFloor, ...]  # Reliable Talent, Indomitable Might
    attunement_limit: int  # 3, or 4 with Use Magic Device


# ---------------------------------------------------------------- ability scores


def final_scores(sheet: Sheet) -> dict[Ability, int]:
    """Base scores + background increase + every later increase."""
    return ab.add_increases(
        sheet.abilities.base,
        sheet.background.increases,
        *(imp.increases for imp in sheet.improvements),
    )


_IMPROVEMENT_SOURCE = {
    ImprovementKind.ASI: "Ability Score Improvement", ImprovementKind.FEAT: "Feat",
    ImprovementKind.EPIC_BOON: "Epic Boon", ImprovementKind.OTHER: "Increase",
}  # fmt: skip


def score_breakdowns(sheet: Sheet) -> dict[Ability, Breakdown]:
    """Each final score as base + background + each later increase (sums match ``final_scores``)."""
    return _score_parts(*_score_key(sheet)[:4])


_Increases = tuple[tuple[Ability, int], ...]
_ImprovementKey = tuple[ImprovementKind, str | None, str, _Increases]


def _score_key(sheet: Sheet) -> tuple[_Increases, str, _Increases, tuple[_ImprovementKey, ...],
                                      tuple[tuple[Ability, int, int, str], ...],
                                      tuple[tuple[str, tuple[Ability, int]], ...]]:
    """Everything the scores depend on, as one hashable key."""
    improvements = tuple((imp.kind, imp.feat, imp.source, tuple(imp.increases.items()))
                         for imp in sheet.improvements)
    setters = tuple((item.name, info.sets_score) for item in sheet.equipment
                    if (info := item_magic(item)) is not None and info.sets_score is not None
                    and item_works(item))
    return (tuple(sheet.abilities.base.items()), sheet.background.name,
            tuple(sheet.background.increases.items()), improvements,
            tuple(score_features(sheet)), setters)


@lru_cache(maxsize=2048)
def _score_parts(base: _Increases, background: str, background_increases: _Increases,
                 improvements: tuple[_ImprovementKey, ...]) -> dict[Ability, Breakdown]:
    given = dict(base)
    parts: dict[Ability, list[Contribution]] = {
        a: [Contribution("Base score", given.get(a, 10))] for a in ABILITIES
    }
    label = f"Background: {background}"
    for ability, amount in background_increases:
        if amount:
            parts[ability].append(Contribution(label, amount))
    for kind, feat, source, increases in improvements:
        label = _IMPROVEMENT_SOURCE[kind]
        name = feat or source
        if name and name != label:
            label = f"{label}: {name}"
        for ability, amount in increases:
            if amount:
                parts[ability].append(Contribution(label, amount))
    return {a: tuple(p) for a, p in parts.items()}


def effective_scores(sheet: Sheet) -> tuple[dict[Ability, int], dict[Ability, Breakdown]]:
    """Final scores with what features and magic items do to them, and their breakdowns:
    Primal Champion and Body and Mind add 4 (to at most 25); a Belt of Giant Strength or an
    Amulet of Health sets a score unless it is already as high. (Memoised on what they
    depend on; the returned dicts are the caller's own.)"""
    scores, parts = _effective_scores(*_score_key(sheet))
    return dict(scores), dict(parts)


@lru_cache(maxsize=2048)
def _effective_scores(
    base: _Increases, background: str, background_increases: _Increases,
    improvements: tuple[_ImprovementKey, ...],
    features: tuple[tuple[Ability, int, int, str], ...],
    setters: tuple[tuple[str, tuple[Ability, int]], ...],
) -> tuple[dict[Ability, int], dict[Ability, Breakdown]]:
    parts = {a: list(p) for a, p in
             _score_parts(base, background, background_increases, improvements).items()}
    scores = {a: total(p) for a, p in parts.items()}
    for ability, amount, cap, source in features:
        gain = max(0, min(amount, cap - scores[ability]))
        if gain:
            parts[ability].append(Contribution(source, gain))
            scores[ability] += gain
    for name, (ability, value) in setters:
        if value > scores[ability]:
            parts[ability].append(Contribution(f"{name} (sets {value})", value - scores[ability]))
            scores[ability] = value
    return scores, {a: tuple(p) for a, p in parts.items()}


_MODIFIER = {score: ab.modifier(score) for score in range(ab.MIN_SCORE, ab.MAX_SCORE + 1)}


def _clamped_modifiers(scores: dict[Ability, int]) -> dict[Ability, int]:
    low, high = ab.MIN_SCORE, ab.MAX_SCORE
    return {a: _MODIFIER[low if s < low else high if s > high else s] for a, s in scores.items()}


def _clamped_level(sheet: Sheet) -> int:
    return max(MIN_LEVEL, min(MAX_LEVEL, sheet.total_level))


# ---------------------------------------------------------------- equipment and AC


def equipped_armor(sheet: Sheet) -> Item | None:
    """The worn armor, with what its magic does to it (``resolve_item``)."""
    item = next((i for i in sheet.equipment if i.equipped and i.armor is not None), None)
    return None if item is None else resolve_item(item)


def equipped_shield(sheet: Sheet) -> Item | None:
    item = next((i for i in sheet.equipment if i.equipped and i.shield is not None), None)
    return None if item is None else resolve_item(item)


def _ac(sheet: Sheet, modifiers: dict[Ability, int], trained: TrainingSummary,
        armor: Item | None, shield: Item | None, fx: Effects) -> AcResult:
    sorcerer = next((e for e in sheet.classes if e.class_id is ClassId.SORCERER), None)
    return armor_class(
        AcInputs(
            modifiers=modifiers,
            armor=armor,
            shield=shield,
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
            extra_bonuses=tuple(fx.ac),
            unarmored_bonuses=tuple(fx.ac_unarmored),
            mage_armor_source=fx.mage_armor,
            unarmored_bases=tuple(fx.unarmored_base),
        )
    )


def _speed(sheet: Sheet, scores: dict[Ability, int], conditions: frozenset[Condition],
           traits: SpeciesTraits, armor: Item | None, shield: Item | None,
           fx: Effects) -> SpeedResult:
    species = species_info(sheet.identity.species)
    if traits.lineage is not None and traits.lineage.speed is not None:
        origin = traits.lineage.name
    else:
        origin = species.name if species else sheet.identity.species.title()
    doubled = ("Boots of Speed",) if "boots-of-speed" in sheet.state.active_effects \
        and ACTIVE_EFFECTS["boots-of-speed"].available(sheet) else ()
    return speed(sheet, scores, conditions, traits.speed, f"{origin} speed", armor, shield,
                 SpeedEffects(tuple(fx.speed), tuple(fx.speed_minimum), doubled,
                              tuple(fx.speeds)))


# ---------------------------------------------------------------- skills, saves, initiative


def _exhaustion_parts(level: int) -> Breakdown:
    penalty = exhaustion_d20_penalty(level)
    return (Contribution(exhaustion_source(level), penalty),) if penalty else ()


_PASSIVE_BASE = Contribution("Passive base", 10)


def _skills(
    sheet: Sheet, modifiers: dict[Ability, int], pb: int, exhaustion: int, fx: Effects
) -> dict[Skill, SkillLine]:
    kinds = dict.fromkeys(SKILLS, "half" if sheet.class_level(ClassId.BARD) >= 2 else "none")
    for skill in sheet.proficiencies.skills:
        kinds[skill] = "proficient"
    for skill in sheet.proficiencies.expertise:
        kinds[skill] = "expertise"
    checks = tuple(fx.checks)
    extra = {skill: checks + tuple(parts) for skill, parts in fx.skill.items()}
    return {
        skill: _skill_line(skill, modifiers[SKILL_ABILITY[skill]], pb, kind, exhaustion,
                           extra.get(skill, checks))
        for skill, kind in kinds.items()
    }


_KIND_PARTS: dict[str, tuple[str, int, int]] = {
    # kind -> (source, multiplier of the Proficiency Bonus, divisor)
    "expertise": ("Expertise (twice the Proficiency bonus)", 2, 1),
    "proficient": (PROFICIENCY, 1, 1),
    "half": ("Jack of All Trades (half the Proficiency bonus)", 1, 2),
}


@lru_cache(maxsize=8192)
def _skill_line(skill: Skill, mod: int, pb: int, kind: str, exhaustion: int,
                extra: Breakdown) -> SkillLine:
    """One skill line; a small table of inputs, so lines are shared between characters."""
    ability = SKILL_ABILITY[skill]
    check: Breakdown = (Contribution(MODIFIER_SOURCES[ability], mod),)
    value = mod
    if kind in _KIND_PARTS:
        source, times, divisor = _KIND_PARTS[kind]
        bonus = pb * times // divisor
        check += (Contribution(source, bonus),)
        value += bonus
    if extra:
        check += extra
        value += total(extra)
    penalty_parts = _exhaustion_parts(exhaustion)
    penalty = penalty_parts[0].value if penalty_parts else 0
    # Passive scores are not D20 Tests, so Exhaustion does not lower them.
    return SkillLine(skill, ability, kind, value + penalty, 10 + value, check + penalty_parts,
                     (_PASSIVE_BASE, *check))


def _saves(
    sheet: Sheet, modifiers: dict[Ability, int], pb: int, exhaustion: int,
    trained: TrainingSummary, fx: Effects,
) -> dict[Ability, SaveLine]:
    flat: Breakdown = (Contribution("Save bonus (sheet)", sheet.bonuses.saves),) \
        if sheet.bonuses.saves else ()
    flat += tuple(fx.saves)
    return {
        ability: _save_line(ability, modifiers[ability], ability in trained.saves, pb, flat,
                            exhaustion)
        for ability in ABILITIES
    }


@lru_cache(maxsize=8192)
def _save_line(ability: Ability, mod: int, proficient: bool, pb: int, extra: Breakdown,
               exhaustion: int) -> SaveLine:
    parts: Breakdown = (Contribution(MODIFIER_SOURCES[ability], mod),)
    if proficient:
        parts += (Contribution(PROFICIENCY, pb),)
    parts += extra + _exhaustion_parts(exhaustion)
    return SaveLine(ability, proficient, total(parts), parts)


def _initiative(sheet: Sheet, modifiers: dict[Ability, int], pb: int,
                penalty_parts: Breakdown, fx: Effects) -> Breakdown:
    """A Dexterity check: ability-check bonuses (a Stone of Good Luck) count too."""
    parts = [Contribution(MODIFIER_SOURCES[Ability.DEX], modifiers[Ability.DEX])]
    if sheet.has_feat("alert"):
        parts.append(Contribution("Alert (Proficiency bonus)", pb))
    parts.extend(fx.checks)
    if sheet.bonuses.initiative:
        parts.append(Contribution("Initiative bonus (sheet)", sheet.bonuses.initiative))
    return (*parts, *penalty_parts)


# ---------------------------------------------------------------- spellcasting and DCs


def _caster_entries(sheet: Sheet) -> list[CasterLevels]:
    return [CasterLevels(e.class_id, e.level, e.subclass) for e in sheet.classes]


_DC_BASE = Contribution("Base DC", 8)


def save_dc_parts(ability: Ability, modifiers: Mapping[Ability, int], pb: int) -> Breakdown:
    """8 + an ability modifier + the Proficiency Bonus: every spell and feature DC."""
    return (_DC_BASE, Contribution(MODIFIER_SOURCES[ability], modifiers[ability]),
            Contribution(PROFICIENCY, pb))


def _spellcasting(
    sheet: Sheet, modifiers: dict[Ability, int], pb: int, fx: Effects
) -> tuple[tuple[ClassSpellcasting, ...], tuple[SlotLine, ...], PactLine | None]:
    entries = tuple(_caster_entries(sheet))
    state = sheet.state
    # Only the casting abilities' modifiers matter: a smaller key is shared by more sheets.
    casting_mods = tuple((a, modifiers[a]) for a in (Ability.INT, Ability.WIS, Ability.CHA))
    lines = _casting_lines(entries, casting_mods, pb, tuple(fx.spell_dc),
                           tuple(fx.spell_attack), tuple(fx.cantrips.items()))
    slot_lines = _slot_lines(spell_slots(entries), tuple(state.slots_spent.items()),
                             tuple(state.created_slots.items()))
    warlock = sheet.class_level(ClassId.WARLOCK)
    pact = None
    if warlock:
        table = pact_slots(warlock)
        pact = PactLine(table.slot_level, table.count, state.pact_slots_spent)
    return lines, slot_lines, pact


@lru_cache(maxsize=2048)
def _casting_lines(
    entries: tuple[CasterLevels, ...], modifiers: tuple[tuple[Ability, int], ...], pb: int,
    dc_effects: tuple[tuple[ClassId | None, Contribution], ...],
    attack_effects: tuple[tuple[ClassId | None, Contribution], ...],
    cantrip_effects: tuple[tuple[ClassId, int], ...],
) -> tuple[ClassSpellcasting, ...]:
    mods = dict(modifiers)
    extra_cantrips = dict(cantrip_effects)
    lines: list[ClassSpellcasting] = []
    for entry in entries:
        if caster_type(entry) is CasterType.NONE:
            continue
        ability = CLASSES[entry.class_id].spellcasting_ability or Ability.INT  # third casters: Int
        dc_parts = save_dc_parts(ability, mods, pb)
        attack_parts = dc_parts[1:]
        dc_parts += tuple(p for c, p in dc_effects if c is None or c is entry.class_id)
        attack_parts += tuple(p for c, p in attack_effects if c is None or c is entry.class_id)
        lines.append(ClassSpellcasting(
            entry.class_id, ability, total(dc_parts), total(attack_parts),
            cantrips_known(entry) + extra_cantrips.get(entry.class_id, 0),
            prepared_spells(entry), dc_parts, attack_parts,
        ))
    return tuple(lines)


@lru_cache(maxsize=4096)
def _slot_lines(slots: tuple[int, ...], spent: tuple[tuple[int, int], ...],
                created: tuple[tuple[int, int], ...]) -> tuple[SlotLine, ...]:
    used, made = dict(spent), dict(created)
    return tuple(
        SlotLine(level, count, used.get(level, 0), made.get(level, 0))
        for level, count in enumerate(slots, start=1)
        if count or made.get(level, 0) > 0
    )


def _feature_dc(id_: str, name: str, parts: Breakdown) -> FeatureDc:
    return FeatureDc(id_, name, total(parts), parts)


def _feature_dcs(sheet: Sheet, modifiers: dict[Ability, int], pb: int,
                 traits: SpeciesTraits, unarmored: bool, fx: Effects) -> tuple[FeatureDc, ...]:
    """DCs of features that are not spells; spells' DCs are in ``spellcasting``."""
    monk = sheet.class_level(ClassId.MONK)
    # Martial Arts: a Monk may use Dexterity instead of Strength for Grapple and Shove.
    grapple = Ability.STR
    if monk and unarmored and modifiers[Ability.DEX] > modifiers[Ability.STR]:
        grapple = Ability.DEX
    result = [_feature_dc("unarmed-strike", "Unarmed Strike (Grapple, Shove)",
                          save_dc_parts(grapple, modifiers, pb))]
    if monk >= 2:
        result.append(_feature_dc("focus", "Monk's Focus",
                                  save_dc_parts(Ability.WIS, modifiers, pb)))
    if sheet.class_level(ClassId.ROGUE) >= 5:
        result.append(_feature_dc("cunning-strike", "Cunning Strike",
                                  save_dc_parts(Ability.DEX, modifiers, pb)))
    if traits.breath_weapon is not None:
        result.append(_feature_dc("breath-weapon", "Breath Weapon",
                                  save_dc_parts(Ability.CON, modifiers, pb)))
    result.extend(_feature_dc(id_, name, parts) for id_, name, parts in fx.feature_dcs)
    return tuple(result)


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
    if len(sheet.classes) == 1:
        entry = sheet.classes[0]
        return _class_features(entry.class_id, min(entry.level, MAX_LEVEL), entry.subclass)
    return tuple(line for entry in sheet.classes
                 for line in _class_features(entry.class_id, min(entry.level, MAX_LEVEL),
                                             entry.subclass))


@lru_cache(maxsize=1024)
def _class_features(class_id: ClassId, level: int, subclass: str | None
                    ) -> tuple[FeatureLine, ...]:
    merged = [(lvl, name, class_id.value) for lvl, name in features_up_to(class_id, level)]
    merged += [(lvl, name, subclass or "")
               for lvl, name in subclass_features_up_to(subclass, level)]
    merged.sort(key=lambda row: row[0])  # stable: class features first within a level
    return tuple(FeatureLine(class_id, lvl, name, src) for lvl, name, src in merged)


def sheet_species_traits(sheet: Sheet, modifiers: dict[Ability, int]) -> SpeciesTraits:
    level = _clamped_level(sheet)
    return species_traits(sheet.identity.species, sheet.identity.lineage, level,
                          proficiency_bonus(level), modifiers[Ability.CON])


def resource_states(sheet: Sheet, modifiers: dict[Ability, int]) -> dict[str, ResourceState]:
    """Class resources plus species traits with limited uses (Breath Weapon, ...), by id."""
    # Resource maxima read only Wisdom and Charisma (Tireless, Bardic Inspiration, ...).
    result = dict(_resource_maxima(tuple(sheet.levels_by_class.items()),
                                   tuple((e.class_id, e.subclass) for e in sheet.classes),
                                   ((Ability.WIS, modifiers[Ability.WIS]),
                                    (Ability.CHA, modifiers[Ability.CHA]))))
    for trait in sheet_species_traits(sheet, modifiers).resources:
        result.setdefault(trait.id, ResourceState(trait.id, trait.name, trait.maximum,
                                                  trait.recovery))
    return result


@lru_cache(maxsize=2048)
def _resource_maxima(levels: tuple[tuple[ClassId, int], ...],
                     subclasses: tuple[tuple[ClassId, str | None], ...],
                     modifiers: tuple[tuple[Ability, int], ...]) -> dict[str, ResourceState]:
    """``resource_maxima`` memoised on its inputs; callers copy the dict before changing it."""
    return resource_maxima(dict(levels), dict(modifiers), dict(subclasses))


def _resources(sheet: Sheet, modifiers: dict[Ability, int]) -> dict[str, ResourceLine]:
    spent = sheet.state.resources_spent
    return {rid: _resource_line(state, spent.get(rid, 0))
            for rid, state in resource_states(sheet, modifiers).items()}


@lru_cache(maxsize=4096)
def _resource_line(state: ResourceState, spent: int) -> ResourceLine:
    return ResourceLine(state.id, state.name, state.maximum, spent, state.recovery)


# ---------------------------------------------------------------- defenses and roll modes


_DAMAGE_BY_SLUG: dict[str, DamageType] = {t.value: t for t in DAMAGE_TYPES}


def _damage_types(slugs: frozenset[str]) -> frozenset[DamageType]:
    return frozenset(_DAMAGE_BY_SLUG[s] for s in slugs if s in _DAMAGE_BY_SLUG)


def derived_defenses(
    sheet: Sheet, traits: SpeciesTraits, conditions: frozenset[Condition],
    fx: Effects | None = None,
) -> DerivedDefenses:
    """The sheet's own defenses, species resistances, features and items (Rage, Ring of
    Resistance, ...), and Petrified (Resistance to all damage)."""
    sources: dict[DamageType, list[str]] = {}
    for damage in _damage_types(sheet.defenses.resistances):
        sources.setdefault(damage, []).append("sheet")
    for damage, trait in traits.resistances.items():
        sources.setdefault(damage, []).append(trait)
    immune: dict[DamageType, list[str]] = {
        damage: ["sheet"] for damage in _damage_types(sheet.defenses.immunities)}
    conditions_immune: dict[Condition, list[str]] = {}
    if fx is not None:
        for damage, why in fx.resistances.items():
            sources.setdefault(damage, []).extend(why)
        for damage, why in fx.immunities.items():
            immune.setdefault(damage, []).extend(why)
        conditions_immune = fx.condition_immunities
    if Condition.PETRIFIED in conditions:
        for damage in DAMAGE_TYPES:
            sources.setdefault(damage, []).append("Petrified")
    return DerivedDefenses(
        resistances=frozenset(sources),
        vulnerabilities=_damage_types(sheet.defenses.vulnerabilities),
        immunities=frozenset(immune),
        sources={damage: tuple(reasons) for damage, reasons in sorted(sources.items())},
        immunity_sources={d: tuple(why) for d, why in sorted(immune.items())},
        condition_immunities={c: tuple(why) for c, why in sorted(conditions_immune.items())},
    )


def _roll_modes(
    sheet: Sheet, conditions: frozenset[Condition], trained: TrainingSummary,
    traits: SpeciesTraits, armor: Item | None, fx: Effects,
) -> RollModes:
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
        save_advantages=tuple(traits.save_advantages.items()),
        condition_save_advantages=tuple(traits.condition_save_advantages.items()),
        rerolls_natural_ones=traits.rerolls_natural_ones,
        effects=tuple(fx.roll),
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
    scores, score_parts = effective_scores(sheet)
    modifiers = _clamped_modifiers(scores)
    trained = training(sheet)
    state = sheet.state
    penalty = exhaustion_d20_penalty(state.exhaustion)
    penalty_parts = _exhaustion_parts(state.exhaustion)
    conditions = effective_conditions(state.conditions, state.exhaustion)
    armor = equipped_armor(sheet)
    shield = equipped_shield(sheet)
    fx = Effects()
    feature_effects(FeatureContext(sheet, modifiers, scores, pb, conditions, armor, shield), fx)
    item_effects(sheet.equipment, fx, armor is not None)
    if fx.condition_immunities:  # an immune condition has no effect
        conditions = conditions - frozenset(fx.condition_immunities)
    traits = sheet_species_traits(sheet, modifiers)
    styles = fighting_styles(sheet.feat_slugs)
    skills = _skills(sheet, modifiers, pb, state.exhaustion, fx)
    hp_parts = max_hit_points_breakdown(sheet, modifiers, fx.hp_per_level)
    max_hp = total(hp_parts)
    current = max_hp if state.current_hp is None else max(0, min(state.current_hp, max_hp))
    initiative_parts = _initiative(sheet, modifiers, pb, penalty_parts, fx)
    casting, slots, pact = _spellcasting(sheet, modifiers, pb, fx)
    notes: list[str] = []
    if armor is not None and not is_armor_trained(trained, armor):
        notes.append(
            f"Not trained with {armor.name}: Disadvantage on Str and Dex D20 Tests, "
            "no spellcasting."
        )
    if armor is not None and armor.armor is not None and armor.armor.stealth_disadvantage:
        notes.append(f"{armor.name} gives Disadvantage on Dexterity (Stealth) checks.")
    if shield is not None and not trained.shields:
        notes.append("Not trained with shields: the shield adds no AC.")
    notes.extend(fx.notes)
    numbers = {
        entry.class_id: nums
        for entry in sheet.classes
        if (nums := class_numbers(entry.class_id, min(entry.level, MAX_LEVEL)))
    }
    for class_id, extra in fx.numbers.items():
        numbers.setdefault(class_id, {}).update(extra)
    multiclass = (
        {
            entry.class_id: meets_multiclass_prerequisites(entry.class_id, scores)
            for entry in sheet.classes
        }
        if len(sheet.classes) > 1
        else {}
    )
    attack_context = AttackContext(
        modifiers=modifiers, pb=pb, trained=trained, styles=styles, penalty_parts=penalty_parts,
        unarmored=armor is None and shield is None, monk_level=sheet.class_level(ClassId.MONK),
        to_hit=tuple(fx.to_hit), damage=tuple(fx.damage), extra_damage=tuple(fx.extra_damage),
        critical_from=fx.critical_from[0], attacks_per_action=fx.attacks_per_action[0],
        pact_attacks=fx.pact_attacks[0],
    )
    perception = skills[Skill.PERCEPTION]
    insight = skills[Skill.INSIGHT]
    investigation = skills[Skill.INVESTIGATION]
    senses = {"darkvision": traits.darkvision} if traits.darkvision else {}
    for sense, feet in fx.senses.items():
        if sense == "goggles-of-night":  # Darkvision 60, or 60 more
            senses["darkvision"] = senses.get("darkvision", 0) + feet
        else:
            senses[sense] = max(feet, senses.get(sense, 0))
    return DerivedSheet(
        summary=_summary(sheet),
        total_level=sheet.total_level,
        proficiency_bonus=pb,
        scores=scores,
        modifiers=modifiers,
        saves=_saves(sheet, modifiers, pb, state.exhaustion, trained, fx),
        skills=skills,
        passive_perception=perception.passive,
        passive_insight=insight.passive,
        passive_investigation=investigation.passive,
        initiative=total(initiative_parts),
        armor_class=_ac(sheet, modifiers, trained, armor, shield, fx),
        speed=_speed(sheet, scores, conditions, traits, armor, shield, fx),
        max_hp=max_hp,
        current_hp=current,
        temp_hp=state.temp_hp,
        hit_dice=hit_dice_pools(sheet),
        spellcasting=casting,
        spell_slots=slots,
        pact_slots=pact,
        attacks=attacks(sheet, attack_context),
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
            "active_effects": sorted(state.active_effects),
        },
        notes=tuple(notes),
        species_traits=traits,
        senses=senses,
        defenses=derived_defenses(sheet, traits, conditions, fx),
        fighting_styles=styles,
        roll_modes=_roll_modes(sheet, conditions, trained, traits, armor, fx),
        score_breakdowns=score_parts,
        initiative_breakdown=initiative_parts,
        passive_perception_breakdown=perception.passive_breakdown,
        passive_insight_breakdown=insight.passive_breakdown,
        passive_investigation_breakdown=investigation.passive_breakdown,
        max_hp_breakdown=hp_parts,
        feature_dcs=_feature_dcs(sheet, modifiers, pb, traits, armor is None and shield is None,
                                 fx),
        cantrip_damage_dice=cantrip_dice(level),
        roll_floors=tuple(fx.roll_floors),
        attunement_limit=fx.attunement_limit[0],
    )


def cantrip_dice(character_level: int) -> int:
    """How many damage dice a damaging cantrip rolls: 1, then 2, 3, 4 at character levels 5, 11
    and 17 (by character level, not class level)."""
    return 1 + sum(1 for step in CANTRIP_STEPS if character_level >= step)


CANTRIP_STEPS = (5, 11, 17)
