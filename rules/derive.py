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

from dataclasses import dataclass

from rules import abilities as ab
from rules.armor import AcInputs, AcResult, armor_class
from rules.attacks import Attack as Attack  # re-exported: callers read attacks from here
from rules.attacks import AttackContext, attacks
from rules.breakdown import (
    MODIFIER_SOURCES,
    PROFICIENCY,
    Breakdown,
    Contribution,
    exhaustion_source,
)
from rules.class_numbers import class_numbers
from rules.classes import CLASSES, CasterType, features_up_to, meets_multiclass_prerequisites
from rules.conditions import effective_conditions, exhaustion_d20_penalty
from rules.enums import (
    SKILL_ABILITY,
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
from rules.progression import MAX_LEVEL, MIN_LEVEL, can_level_up, next_level_xp, proficiency_bonus
from rules.resources import Recovery, ResourceState, resource_maxima
from rules.roll_modes import RollInputs, RollModes, roll_modes
from rules.sheet import Sheet
from rules.species import species_info
from rules.species_traits import SpeciesTraits, species_traits
from rules.speed import SpeedResult, speed
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


@dataclass(frozen=True)
class SaveLine:
    ability: Ability
    proficient: bool
    bonus: int
    breakdown: Breakdown = ()


@dataclass(frozen=True)
class SkillLine:
    skill: Skill
    ability: Ability
    proficiency: str  # "none", "half" (Jack of All Trades), "proficient" or "expertise"
    bonus: int
    passive: int
    breakdown: Breakdown = ()  # of ``bonus``
    passive_breakdown: Breakdown = ()  # of ``passive`` (Exhaustion left out: not a D20 Test)


@dataclass(frozen=True)
class ClassSpellcasting:
    class_id: ClassId
    ability: Ability
    save_dc: int
    attack_bonus: int
    cantrips: int
    prepared: int
    save_dc_breakdown: Breakdown = ()
    attack_bonus_breakdown: Breakdown = ()


@dataclass(frozen=True)
class FeatureDc:
    """The save DC of a feature that is not a spell (Breath Weapon, Focus, Grapple, ...)."""

    id: str  # "unarmed-strike", "focus", "cunning-strike", "breath-weapon", ...
    name: str
    dc: int
    breakdown: Breakdown


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
    # Breakdowns of the numbers above that are not inside a line object of their own.
    score_breakdowns: dict[Ability, Breakdown]
    initiative_breakdown: Breakdown
    passive_perception_breakdown: Breakdown
    passive_insight_breakdown: Breakdown
    passive_investigation_breakdown: Breakdown
    max_hp_breakdown: Breakdown
    feature_dcs: tuple[FeatureDc, ...]


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
    parts: dict[Ability, list[Contribution]] = {
        a: [Contribution("Base score", sheet.abilities.base.get(a, 10))] for a in Ability
    }
    background = f"Background: {sheet.background.name}"
    for ability, amount in sheet.background.increases.items():
        if amount:
            parts[ability].append(Contribution(background, amount))
    for imp in sheet.improvements:
        label = _IMPROVEMENT_SOURCE[imp.kind]
        name = imp.feat or imp.source
        if name and name != label:
            label = f"{label}: {name}"
        for ability, amount in imp.increases.items():
            if amount:
                parts[ability].append(Contribution(label, amount))
    return {a: tuple(p) for a, p in parts.items()}


def _clamped_modifiers(scores: dict[Ability, int]) -> dict[Ability, int]:
    return {a: ab.modifier(max(ab.MIN_SCORE, min(ab.MAX_SCORE, s))) for a, s in scores.items()}


def _clamped_level(sheet: Sheet) -> int:
    return max(MIN_LEVEL, min(MAX_LEVEL, sheet.total_level))


# ---------------------------------------------------------------- equipment and AC


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


def _speed(sheet: Sheet, scores: dict[Ability, int], conditions: frozenset[Condition],
           traits: SpeciesTraits) -> SpeedResult:
    species = species_info(sheet.identity.species)
    if traits.lineage is not None and traits.lineage.speed is not None:
        origin = traits.lineage.name
    else:
        origin = species.name if species else sheet.identity.species.title()
    return speed(sheet, scores, conditions, traits.speed, f"{origin} speed",
                 equipped_armor(sheet), equipped_shield(sheet))


# ---------------------------------------------------------------- skills, saves, initiative


def _exhaustion_parts(level: int) -> Breakdown:
    penalty = exhaustion_d20_penalty(level)
    return (Contribution(exhaustion_source(level), penalty),) if penalty else ()


_PASSIVE_BASE = Contribution("Passive base", 10)


def _skills(
    sheet: Sheet, modifiers: dict[Ability, int], pb: int, penalty_parts: Breakdown
) -> dict[Skill, SkillLine]:
    jack = sheet.class_level(ClassId.BARD) >= 2
    expertise_part = Contribution("Expertise (twice the Proficiency bonus)", 2 * pb)
    proficient_part = Contribution(PROFICIENCY, pb)
    jack_part = Contribution("Jack of All Trades (half the Proficiency bonus)", pb // 2)
    penalty = sum(p.value for p in penalty_parts)
    lines: dict[Skill, SkillLine] = {}
    for skill in Skill:
        ability = SKILL_ABILITY[skill]
        check: tuple[Contribution, ...] = (Contribution(MODIFIER_SOURCES[ability],
                                                        modifiers[ability]),)
        if skill in sheet.proficiencies.expertise:
            kind = "expertise"
            check += (expertise_part,)
        elif skill in sheet.proficiencies.skills:
            kind = "proficient"
            check += (proficient_part,)
        elif jack:
            kind = "half"
            check += (jack_part,)
        else:
            kind = "none"
        value = sum(p.value for p in check)
        # Passive scores are not D20 Tests, so Exhaustion does not lower them.
        lines[skill] = SkillLine(skill, ability, kind, value + penalty, 10 + value,
                                 check + penalty_parts, (_PASSIVE_BASE, *check))
    return lines


def _saves(
    sheet: Sheet, modifiers: dict[Ability, int], pb: int, penalty_parts: Breakdown,
    trained: TrainingSummary,
) -> dict[Ability, SaveLine]:
    flat = (Contribution("Save bonus (sheet)", sheet.bonuses.saves),) if sheet.bonuses.saves \
        else ()
    lines: dict[Ability, SaveLine] = {}
    for ability in Ability:
        proficient = ability in trained.saves
        parts: Breakdown = (Contribution(MODIFIER_SOURCES[ability], modifiers[ability]),)
        if proficient:
            parts += (Contribution(PROFICIENCY, pb),)
        parts += flat + penalty_parts
        lines[ability] = SaveLine(ability, proficient, sum(p.value for p in parts), parts)
    return lines


def _initiative(sheet: Sheet, modifiers: dict[Ability, int], pb: int,
                penalty_parts: Breakdown) -> Breakdown:
    parts = [Contribution(MODIFIER_SOURCES[Ability.DEX], modifiers[Ability.DEX])]
    if sheet.has_feat("alert"):
        parts.append(Contribution("Alert (Proficiency bonus)", pb))
    if sheet.bonuses.initiative:
        parts.append(Contribution("Initiative bonus (sheet)", sheet.bonuses.initiative))
    return (*parts, *penalty_parts)


# ---------------------------------------------------------------- spellcasting and DCs


def _caster_entries(sheet: Sheet) -> list[CasterLevels]:
    return [CasterLevels(e.class_id, e.level, e.subclass) for e in sheet.classes]


_DC_BASE = Contribution("Base DC", 8)


def save_dc_parts(ability: Ability, modifiers: dict[Ability, int], pb: int) -> Breakdown:
    """8 + an ability modifier + the Proficiency Bonus: every spell and feature DC."""
    return (_DC_BASE, Contribution(MODIFIER_SOURCES[ability], modifiers[ability]),
            Contribution(PROFICIENCY, pb))


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
        dc_parts = save_dc_parts(ability, modifiers, pb)
        attack_parts = dc_parts[1:]
        per_class.append(
            ClassSpellcasting(
                entry.class_id, ability, sum(p.value for p in dc_parts),
                sum(p.value for p in attack_parts), cantrips_known(entry), prepared_spells(entry),
                dc_parts, attack_parts,
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


def _feature_dc(id_: str, name: str, parts: Breakdown) -> FeatureDc:
    return FeatureDc(id_, name, sum(p.value for p in parts), parts)


def _feature_dcs(sheet: Sheet, modifiers: dict[Ability, int], pb: int,
                 traits: SpeciesTraits) -> tuple[FeatureDc, ...]:
    """DCs of features that are not spells; spells' DCs are in ``spellcasting``."""
    monk = sheet.class_level(ClassId.MONK)
    unarmored = equipped_armor(sheet) is None and equipped_shield(sheet) is None
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
    penalty_parts = _exhaustion_parts(state.exhaustion)
    conditions = effective_conditions(state.conditions, state.exhaustion)
    traits = sheet_species_traits(sheet, modifiers)
    styles = fighting_styles(sheet.all_feats())
    skills = _skills(sheet, modifiers, pb, penalty_parts)
    hp_parts = max_hit_points_breakdown(sheet, modifiers)
    max_hp = sum(p.value for p in hp_parts)
    current = max_hp if state.current_hp is None else max(0, min(state.current_hp, max_hp))
    initiative_parts = _initiative(sheet, modifiers, pb, penalty_parts)
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
    attack_context = AttackContext(
        modifiers=modifiers, pb=pb, trained=trained, styles=styles, penalty_parts=penalty_parts,
        unarmored=armor is None and shield is None, monk_level=sheet.class_level(ClassId.MONK),
    )
    perception = skills[Skill.PERCEPTION]
    insight = skills[Skill.INSIGHT]
    investigation = skills[Skill.INVESTIGATION]
    return DerivedSheet(
        summary=_summary(sheet),
        total_level=sheet.total_level,
        proficiency_bonus=pb,
        scores=scores,
        modifiers=modifiers,
        saves=_saves(sheet, modifiers, pb, penalty_parts, trained),
        skills=skills,
        passive_perception=perception.passive,
        passive_insight=insight.passive,
        passive_investigation=investigation.passive,
        initiative=sum(p.value for p in initiative_parts),
        armor_class=_ac(sheet, modifiers, trained),
        speed=_speed(sheet, scores, conditions, traits),
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
        },
        notes=tuple(notes),
        species_traits=traits,
        senses={"darkvision": traits.darkvision} if traits.darkvision else {},
        defenses=derived_defenses(sheet, traits, conditions),
        fighting_styles=styles,
        roll_modes=_roll_modes(sheet, conditions, trained, traits),
        score_breakdowns=score_breakdowns(sheet),
        initiative_breakdown=initiative_parts,
        passive_perception_breakdown=perception.passive_breakdown,
        passive_insight_breakdown=insight.passive_breakdown,
        passive_investigation_breakdown=investigation.passive_breakdown,
        max_hp_breakdown=hp_parts,
        feature_dcs=_feature_dcs(sheet, modifiers, pb, traits),
    )
