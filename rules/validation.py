"""Validation: every rule a sheet breaks, as structured ``RuleError``s.

``validate(sheet)`` never raises and never stops at the first problem. An empty list means the
sheet is legal. Paths follow the JSON input format (``classes[0].level``, ``state.slots_spent.3``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from rules import abilities as ab
from rules.active_effects import ACTIVE_EFFECTS
from rules.class_choices import CHOICES, specs_for
from rules.class_numbers import weapon_mastery_count
from rules.classes import (
    CLASSES,
    features_up_to,
    meets_multiclass_prerequisites,
    prerequisite_text,
)
from rules.conditions import MAX_EXHAUSTION
from rules.creation_data import LINEAGE_ABILITIES, LINEAGE_ABILITY_SPECIES
from rules.derive import derive, final_scores
from rules.dice import DiceNotationError, parse
from rules.enums import Ability, ClassId, ImprovementKind, ScoreMethod
from rules.errors import RuleError, SheetParseError
from rules.feats import PREREQUISITE_SCORE, FeatCategory, feat_info
from rules.magic_items import needs_attunement
from rules.parse import parse_sheet
from rules.progression import MAX_LEVEL, MIN_LEVEL
from rules.sheet import ClassLevel, Sheet, slugify
from rules.species import species_info
from rules.species_traits import LINEAGES, lineage_info, species_has_lineages
from rules.spellcasting import (
    CREATING_SPELL_SLOTS,
    CasterLevels,
    pact_slots,
    spell_slots,
)
from rules.subclasses import subclass_info

MAX_ATTUNED = 3


def _err(path: str, code: str, message: str) -> RuleError:
    return RuleError(path, code, message)


# ------------------------------------------------------------------ classes and levels


def _classes(sheet: Sheet) -> Iterator[RuleError]:
    seen: set[ClassId] = set()
    for index, entry in enumerate(sheet.classes):
        path = f"classes[{index}]"
        info = CLASSES[entry.class_id]
        if entry.class_id in seen:
            yield _err(f"{path}.class", "duplicate_class",
                       f"{info.name} is listed twice; combine its levels into one entry.")
        seen.add(entry.class_id)
        if not MIN_LEVEL <= entry.level <= MAX_LEVEL:
            yield _err(f"{path}.level", "level_out_of_range",
                       f"{info.name} level must be 1-20, not {entry.level}.")
        known = subclass_info(entry.subclass)
        if known is not None and known.class_id is not entry.class_id:
            yield _err(f"{path}.subclass", "subclass_wrong_class",
                       f"{known.name} is a {CLASSES[known.class_id].name} subclass, "
                       f"not a {info.name} one.")
        if entry.subclass and entry.level < info.subclass_level:
            yield _err(f"{path}.subclass", "subclass_too_early",
                       f"A {info.name} chooses a subclass at level {info.subclass_level}; "
                       f"this one is level {entry.level}.")
        later = entry.level - 1 if index == 0 else entry.level
        if entry.hp_rolls is not None:
            if len(entry.hp_rolls) != max(0, later):
                yield _err(f"{path}.hp_rolls", "hp_rolls_count",
                           f"Expected {max(0, later)} hit-point rolls for {info.name} "
                           f"(one per level after the first character level), "
                           f"got {len(entry.hp_rolls)}.")
            for n, roll in enumerate(entry.hp_rolls):
                if not 1 <= roll <= info.hit_die:
                    yield _err(f"{path}.hp_rolls[{n}]", "hp_roll_out_of_range",
                               f"A d{info.hit_die} roll must be 1-{info.hit_die}, not {roll}.")
        yield from _class_choices(entry, path)
    total = sheet.total_level
    if not MIN_LEVEL <= total <= MAX_LEVEL:
        yield _err("classes", "total_level_out_of_range",
                   f"Total character level must be 1-20, not {total}.")


def _class_choices(entry: ClassLevel, path: str) -> Iterator[RuleError]:
    """Feature options: a choice the class (or subclass) has, reached, within its count, known
    options whose level and invocation prerequisites are met, repeated only where allowed."""
    class_id, level = entry.class_id, entry.level
    name = CLASSES[class_id].name
    for choice_id, picked in sorted(entry.choices.items()):
        where = f"{path}.choices.{choice_id}"
        spec = CHOICES.get(choice_id)
        if spec is None or spec.class_id is not class_id or (
            spec.subclass is not None and spec.subclass != entry.subclass
        ):
            known = ", ".join(s.id for s in specs_for(class_id)) or "none"
            yield _err(where, "unknown_choice",
                       f"{name} has no '{choice_id}' choice (its choices: {known}).")
            continue
        if level < spec.level:
            yield _err(where, "choice_too_early",
                       f"{spec.name} comes at {name} level {spec.level}; this one is {level}.")
            continue
        allowed = spec.count(level)
        if len(picked) > allowed:
            yield _err(where, "too_many_choices",
                       f"{name} {level} has {allowed} {spec.name} option(s); "
                       f"{len(picked)} are listed.")
        for index, slug in enumerate(picked):
            option = spec.option(slug)
            at = f"{where}[{index}]"
            if option is None:
                choices_text = ", ".join(o.slug for o in spec.options)
                yield _err(at, "unknown_choice_option",
                           f"'{slug}' is not a {spec.name} option ({choices_text}).")
                continue
            if level < option.min_level:
                yield _err(at, "choice_option_too_early",
                           f"{option.name} needs {name} level {option.min_level}.")
            if option.requires is not None and option.requires not in picked:
                needed = spec.option(option.requires)
                yield _err(at, "choice_option_prerequisite",
                           f"{option.name} needs {needed.name if needed else option.requires}.")
            if not option.repeatable and picked.count(slug) > 1 and picked.index(slug) != index:
                yield _err(at, "choice_option_repeated",
                           f"{option.name} can be chosen only once.")


# ------------------------------------------------------------------ ability scores


def _base_scores(sheet: Sheet) -> Iterator[RuleError]:
    base = sheet.abilities.base
    method = sheet.abilities.method
    values = [base.get(a, 0) for a in Ability]
    for ability in Ability:
        score = base.get(ability, 0)
        path = f"abilities.base.{ability.value}"
        if method is ScoreMethod.POINT_BUY and not ab.POINT_BUY_MIN <= score <= ab.POINT_BUY_MAX:
            yield _err(path, "point_buy_out_of_range",
                       f"Point buy scores must be 8-15; {ability.value.upper()} is {score}.")
        elif method is ScoreMethod.ROLLED and not ab.ROLLED_MIN <= score <= ab.ROLLED_MAX:
            yield _err(path, "rolled_out_of_range",
                       f"4d6-drop-lowest gives 3-18; {ability.value.upper()} is {score}.")
        elif not ab.MIN_SCORE <= score <= ab.MAX_SCORE:
            yield _err(path, "score_out_of_range",
                       f"Ability scores must be 1-30; {ability.value.upper()} is {score}.")
    seed = sheet.abilities.seed
    if seed is not None and method is not ScoreMethod.ROLLED:
        yield _err("abilities.seed", "seed_not_applicable",
                   "A seed records 4d6 rolls; remove it or use the rolled method.")
    elif seed is not None and sorted(values) != sorted(ab.roll_ability_scores(seed).scores):
        rolled = ab.roll_ability_scores(seed).scores
        yield _err("abilities.base", "rolled_scores_mismatch",
                   f"The scores must be the six rolled for this seed, in any order: "
                   f"{', '.join(map(str, rolled))}; got {', '.join(map(str, values))}.")
    if method is ScoreMethod.STANDARD_ARRAY and not ab.is_standard_array(values):
        yield _err("abilities.base", "standard_array_mismatch",
                   "The standard array is exactly 15, 14, 13, 12, 10 and 8, one per ability; "
                   f"got {sorted(values, reverse=True)}.")
    if method is ScoreMethod.POINT_BUY and all(
        ab.POINT_BUY_MIN <= v <= ab.POINT_BUY_MAX for v in values
    ):
        cost = ab.point_buy_cost(values)
        if cost > ab.POINT_BUY_BUDGET:
            yield _err("abilities.base", "point_buy_over_budget",
                       f"These scores cost {cost} points; the budget is {ab.POINT_BUY_BUDGET}.")


def _background(sheet: Sheet) -> Iterator[RuleError]:
    bg = sheet.background
    if len(set(bg.abilities)) != 3:
        yield _err("background.abilities", "background_abilities_count",
                   "A background lists exactly three different abilities.")
    for ability, amount in bg.increases.items():
        if ability not in bg.abilities:
            yield _err(f"background.increases.{ability.value}", "background_increase_not_allowed",
                       f"{bg.name} cannot raise {ability.value.upper()}; choose among "
                       f"{', '.join(a.value.upper() for a in bg.abilities)}.")
        if amount < 0:
            yield _err(f"background.increases.{ability.value}", "background_increase_pattern",
                       "Background increases cannot be negative.")
    pattern = sorted((v for v in bg.increases.values() if v), reverse=True)
    if pattern not in ([2, 1], [1, 1, 1]):
        yield _err("background.increases", "background_increase_pattern",
                   "A background raises one score by 2 and another by 1, or three scores by 1 "
                   f"(got {pattern or 'nothing'}).")


def _improvements(sheet: Sheet) -> Iterator[RuleError]:
    levels = sheet.levels_by_class
    used_slots: Counter[tuple[ClassId, int, ImprovementKind]] = Counter()
    for index, imp in enumerate(sheet.improvements):
        path = f"improvements[{index}]"
        increases = {a: v for a, v in imp.increases.items() if v}
        if any(v < 0 for v in increases.values()):
            yield _err(f"{path}.increases", "negative_increase", "Increases cannot be negative.")
        if imp.kind in (ImprovementKind.FEAT, ImprovementKind.EPIC_BOON) and not imp.feat:
            yield _err(f"{path}.feat", "feat_missing", "Name the feat that was taken.")
        if imp.kind is ImprovementKind.ASI and sorted(increases.values()) not in ([2], [1, 1]):
            yield _err(f"{path}.increases", "asi_increase_pattern",
                       "Ability Score Improvement: +2 to one score or +1 to two scores.")
        if imp.kind is ImprovementKind.EPIC_BOON and sum(increases.values()) > 1:
            yield _err(f"{path}.increases", "epic_boon_increase",
                       "An Epic Boon raises one score by 1 (to at most 30).")
        if imp.kind is ImprovementKind.OTHER:
            continue
        if imp.class_id is None or imp.class_level is None:
            yield _err(path, "improvement_source_missing",
                       "Say which class and class level granted this improvement "
                       "(\"class\" and \"class_level\").")
            continue
        info = CLASSES[imp.class_id]
        have = levels.get(imp.class_id, 0)
        if have < imp.class_level:
            yield _err(f"{path}.class_level", "improvement_level_not_reached",
                       f"{info.name} level {imp.class_level} is not reached (level {have}).")
        boon = imp.kind is ImprovementKind.EPIC_BOON
        wanted = (info.epic_boon_level,) if boon else info.asi_levels
        if imp.class_level not in wanted:
            what = "Epic Boon" if boon else "Ability Score Improvement"
            yield _err(f"{path}.class_level", "improvement_level_invalid",
                       f"{info.name} gains its {what} at level(s) "
                       f"{', '.join(map(str, wanted))}, not {imp.class_level}.")
        slot_kind = (ImprovementKind.EPIC_BOON if imp.kind is ImprovementKind.EPIC_BOON
                     else ImprovementKind.ASI)
        used_slots[(imp.class_id, imp.class_level, slot_kind)] += 1
    for (class_id, level, _kind), count in used_slots.items():
        if count > 1:
            yield _err("improvements", "improvement_slot_reused",
                       f"{CLASSES[class_id].name} level {level} grants one choice; "
                       f"{count} improvements use it.")


def _final_scores(sheet: Sheet) -> Iterator[RuleError]:
    scores = final_scores(sheet)
    ordinary = ab.add_increases(
        sheet.abilities.base,
        sheet.background.increases,
        *(imp.increases for imp in sheet.improvements
          if imp.kind in (ImprovementKind.ASI, ImprovementKind.FEAT)),
    )
    for ability in Ability:
        path = f"abilities.{ability.value}"
        if not ab.MIN_SCORE <= scores[ability] <= ab.MAX_SCORE:
            yield _err(path, "score_out_of_range",
                       f"{ability.value.upper()} ends at {scores[ability]}; scores are 1-30.")
        elif (ordinary[ability] > ab.NORMAL_CAP
              and sheet.abilities.base.get(ability, 0) <= ab.NORMAL_CAP):
            yield _err(path, "score_above_20",
                       f"Background and ASI/feat increases cannot raise {ability.value.upper()} "
                       f"above 20 (it would be {ordinary[ability]}).")


def _feats(sheet: Sheet) -> Iterator[RuleError]:
    """Known feats: right category for the background, prerequisites met, no illegal repeats."""
    if sheet.background.feat:
        info = feat_info(slugify(sheet.background.feat))
        if info is not None and info.category is not FeatCategory.ORIGIN:
            yield _err("background.feat", "background_feat_not_origin",
                       f"A background grants an Origin feat; {sheet.background.feat} is "
                       f"a {info.category.value} feat.")
    has_fighting_style = any(
        "Fighting Style" in name
        for entry in sheet.classes
        for _lvl, name in features_up_to(entry.class_id, entry.level)
    )
    # The Spellcasting feature (not Pact Magic) is exactly what gives Spellcasting slots.
    has_spellcasting = any(spell_slots([CasterLevels(e.class_id, e.level, e.subclass)
                                        for e in sheet.classes]))
    # (path, feat name, scores when it was taken: an improvement's own increase comes after)
    sources: list[tuple[str, str, dict[Ability, int]]] = []
    for index, imp in enumerate(sheet.improvements):
        if imp.feat:
            before = ab.add_increases(sheet.abilities.base, sheet.background.increases,
                                      *(i.increases for i in sheet.improvements[:index]))
            sources.append((f"improvements[{index}].feat", imp.feat, before))
    scores = final_scores(sheet)
    for index, feat in enumerate(sheet.feats):
        sources.append((f"feats[{index}]", feat.name, scores))
    for path, name, had in sources:
        info = feat_info(slugify(name))
        if info is None:
            continue
        if info.min_level and sheet.total_level < info.min_level:
            yield _err(path, "feat_level_too_low",
                       f"{name} needs character level {info.min_level}.")
        if info.needs_fighting_style and not has_fighting_style:
            yield _err(path, "feat_needs_fighting_style",
                       f"{name} needs the Fighting Style feature (Fighter, Paladin or Ranger).")
        if info.ability_prerequisite and not any(
            had[a] >= PREREQUISITE_SCORE for a in info.ability_prerequisite
        ):
            needed = " or ".join(f"{a.value.upper()} {PREREQUISITE_SCORE}"
                                 for a in info.ability_prerequisite)
            yield _err(path, "feat_ability_prerequisite", f"{name} needs {needed} or higher.")
        if info.needs_spellcasting and not has_spellcasting:
            yield _err(path, "feat_needs_spellcasting",
                       f"{name} needs the Spellcasting feature.")
    yield from _fighting_style_count(sheet)
    all_slugs = [slugify(sheet.background.feat)] if sheet.background.feat else []
    all_slugs += [slugify(name) for _path, name, _had in sources]
    for slug, count in Counter(all_slugs).items():
        info = feat_info(slug)
        if count > 1 and info is not None and not info.repeatable:
            yield _err("feats", "feat_repeated", f"{slug} can be taken only once.")


def fighting_style_grants(sheet: Sheet) -> int:
    """Fighting Style feats the class features give (Fighter 1, Paladin 2, Ranger 2, and the
    Champion's Additional Fighting Style at 7); ASI feats are counted apart."""
    levels = sheet.levels_by_class
    grants = sum(1 for class_id, level in ((ClassId.FIGHTER, 1), (ClassId.PALADIN, 2),
                                           (ClassId.RANGER, 2))
                 if levels.get(class_id, 0) >= level)
    champion = any(e.class_id is ClassId.FIGHTER and e.subclass == "champion" and e.level >= 7
                   for e in sheet.classes)
    return grants + (1 if champion else 0)


def _fighting_style_count(sheet: Sheet) -> Iterator[RuleError]:
    styles = [index for index, feat in enumerate(sheet.feats)
              if (info := feat_info(slugify(feat.name))) is not None
              and info.category is FeatCategory.FIGHTING_STYLE]
    allowed = fighting_style_grants(sheet)
    if len(styles) > allowed and allowed:
        yield _err(f"feats[{styles[allowed]}]", "too_many_fighting_styles",
                   f"The character's classes grant {allowed} Fighting Style feat(s); "
                   f"{len(styles)} are listed (take more with an Ability Score Improvement).")


def _multiclass(sheet: Sheet) -> Iterator[RuleError]:
    if len(sheet.classes) < 2:
        return
    scores = final_scores(sheet)
    for index, entry in enumerate(sheet.classes):
        if not meets_multiclass_prerequisites(entry.class_id, scores):
            yield _err(f"classes[{index}].class", "multiclass_prerequisite",
                       f"Multiclassing needs {prerequisite_text(entry.class_id)} for "
                       f"{CLASSES[entry.class_id].name}.")


# ------------------------------------------------------------------ proficiencies and gear


def _proficiencies(sheet: Sheet) -> Iterator[RuleError]:
    for skill in sorted(sheet.proficiencies.expertise - sheet.proficiencies.skills):
        yield _err(f"proficiencies.expertise.{skill.value}", "expertise_without_proficiency",
                   f"Expertise in {skill.value} needs proficiency in it first.")


def attunement_limit(sheet: Sheet) -> int:
    """3 items, 4 for a Thief of level 13 (Use Magic Device)."""
    thief = any(e.class_id is ClassId.ROGUE and e.subclass == "thief" and e.level >= 13
                for e in sheet.classes)
    return MAX_ATTUNED + 1 if thief else MAX_ATTUNED


def _equipment(sheet: Sheet) -> Iterator[RuleError]:
    attuned = [i for i, item in enumerate(sheet.equipment) if item.attuned]
    limit = attunement_limit(sheet)
    if len(attuned) > limit:
        yield _err("equipment", "attunement_limit",
                   f"At most {limit} items can be attuned at once ({len(attuned)} are).")
    armor = [i for i, item in enumerate(sheet.equipment) if item.equipped and item.armor]
    if len(armor) > 1:
        yield _err(f"equipment[{armor[1]}].equipped", "multiple_armor",
                   "Only one suit of armor can be worn at a time.")
    shields = [i for i, item in enumerate(sheet.equipment) if item.equipped and item.shield]
    if len(shields) > 1:
        yield _err(f"equipment[{shields[1]}].equipped", "multiple_shields",
                   "Only one shield can be wielded at a time.")
    for index, item in enumerate(sheet.equipment):
        path = f"equipment[{index}]"
        if item.attuned and not needs_attunement(item):
            yield _err(f"{path}.attuned", "attunement_not_required",
                       f"{item.name} does not require attunement.")
        if item.quantity < 0:
            yield _err(f"{path}.quantity", "negative_quantity", "Quantity cannot be negative.")
        if item.weight < 0:
            yield _err(f"{path}.weight", "negative_weight", "Weight cannot be negative.")
        if not -3 <= item.magic_bonus <= 3:
            yield _err(f"{path}.magic_bonus", "magic_bonus_out_of_range",
                       "Magic bonuses run from +1 to +3.")
        if item.weapon is not None:
            for label, dice in (("damage_dice", item.weapon.damage_dice),
                                ("versatile_dice", item.weapon.versatile_dice)):
                if dice is None:
                    continue
                try:
                    parse(dice)
                except DiceNotationError as exc:
                    yield _err(f"{path}.weapon.{label}", "invalid_dice", str(exc))
    for coin in ("cp", "sp", "ep", "gp", "pp"):
        if getattr(sheet.currency, coin) < 0:
            yield _err(f"currency.{coin}", "negative_currency", "Coins cannot be negative.")
    allowed = sum(weapon_mastery_count(c, lvl) for c, lvl in sheet.levels_by_class.items())
    if len(sheet.weapon_masteries) > allowed:
        yield _err("weapon_masteries", "too_many_masteries",
                   f"The character's classes allow {allowed} weapon masteries, "
                   f"{len(sheet.weapon_masteries)} are listed.")


def _identity(sheet: Sheet) -> Iterator[RuleError]:
    if not sheet.identity.name.strip():
        yield _err("identity.name", "required", "The character needs a name.")
    species = species_info(sheet.identity.species)
    if species is not None and sheet.identity.size not in species.sizes:
        sizes = " or ".join(sorted(s.value for s in species.sizes))
        yield _err("identity.size", "size_not_allowed",
                   f"A {species.name} is {sizes}, not {sheet.identity.size.value}.")
    yield from _lineage(sheet)
    if sheet.xp < 0:
        yield _err("xp", "negative_xp", "XP cannot be negative.")


def _lineage(sheet: Sheet) -> Iterator[RuleError]:
    """Species with a choice (ancestry, lineage, legacy) need a known one; others take none."""
    species, lineage = sheet.identity.species, sheet.identity.lineage
    info = species_info(species)
    if info is None:
        return  # a species outside the SRD: its lineage is free text
    choices = ", ".join(LINEAGES.get(species, {}))
    name = info.name
    if species_has_lineages(species):
        if lineage is None:
            yield _err("identity.lineage", "lineage_required",
                       f"A {name} chooses one of: {choices}.")
        elif lineage_info(species, lineage) is None:
            yield _err("identity.lineage", "unknown_lineage",
                       f"'{lineage}' is not a {name} option; choose one of: {choices}.")
    elif lineage is not None:
        yield _err("identity.lineage", "lineage_not_applicable",
                   f"A {name} has no lineage choice; remove '{lineage}'.")
    chosen = sheet.identity.lineage_ability
    if chosen is not None and species not in LINEAGE_ABILITY_SPECIES:
        yield _err("identity.lineage_ability", "lineage_ability_not_applicable",
                   f"A {name}'s traits use no spellcasting ability; remove it.")
    elif chosen is not None and chosen not in LINEAGE_ABILITIES:
        yield _err("identity.lineage_ability", "lineage_ability_not_allowed",
                   "Lineage spells use Intelligence, Wisdom or Charisma.")


# ------------------------------------------------------------------ play state


def _state(sheet: Sheet) -> Iterator[RuleError]:
    state = sheet.state
    derived = derive(sheet)  # the same maxima the sheet shows (items and features included)
    max_hp = derived.max_hp
    current = max_hp if state.current_hp is None else state.current_hp
    if not 0 <= current <= max_hp:
        yield _err("state.current_hp", "hp_out_of_range",
                   f"Current HP must be 0-{max_hp} (the maximum), not {current}.")
    if state.temp_hp < 0:
        yield _err("state.temp_hp", "negative_temp_hp", "Temporary HP cannot be negative.")
    saves = state.death_saves
    for label, value in (("successes", saves.successes), ("failures", saves.failures)):
        if not 0 <= value <= 3:
            yield _err(f"state.death_saves.{label}", "death_saves_out_of_range",
                       f"Death save {label} count 0-3, not {value}.")
    if (saves.successes or saves.failures) and current > 0:
        yield _err("state.death_saves", "death_saves_above_zero_hp",
                   "Death saves are only tracked at 0 Hit Points.")
    if not 0 <= state.exhaustion <= MAX_EXHAUSTION:
        yield _err("state.exhaustion", "exhaustion_out_of_range",
                   f"Exhaustion levels run 0-{MAX_EXHAUSTION}, not {state.exhaustion}.")
    if len(state.concentration) > 1:
        yield _err("state.concentration", "multiple_concentration",
                   "A creature concentrates on one spell at a time "
                   f"(listed: {', '.join(state.concentration)}).")
    entries = [CasterLevels(e.class_id, e.level, e.subclass) for e in sheet.classes]
    slots = spell_slots(entries)
    yield from _created_slots(sheet)
    for level, spent in sorted(state.slots_spent.items()):
        available = slots[level - 1] if 1 <= level <= 9 else 0
        available += max(0, state.created_slots.get(level, 0))
        if available == 0 and spent:
            yield _err(f"state.slots_spent.{level}", "slots_spent_out_of_range",
                       f"The character has no level {level} spell slots to spend.")
        elif spent < 0 or spent > available:
            yield _err(f"state.slots_spent.{level}", "slots_spent_out_of_range",
                       f"Level {level} slots spent must be 0-{available}, not {spent}.")
    pact = pact_slots(sheet.class_level(ClassId.WARLOCK))
    if not 0 <= state.pact_slots_spent <= pact.count:
        yield _err("state.pact_slots_spent", "pact_slots_spent_out_of_range",
                   f"Pact Magic slots spent must be 0-{pact.count}, not {state.pact_slots_spent}.")
    pools = {pool.die: pool.total for pool in derived.hit_dice}
    for die, spent in sorted(state.hit_dice_spent.items()):
        total = pools.get(die, 0)
        if spent < 0 or spent > total:
            yield _err(f"state.hit_dice_spent.{die}", "hit_dice_spent_out_of_range",
                       f"d{die} Hit Dice spent must be 0-{total}, not {spent}.")
    maxima = derived.resources
    for rid, spent in sorted(state.resources_spent.items()):
        if rid not in maxima:
            yield _err(f"state.resources_spent.{rid}", "unknown_resource",
                       f"The character has no '{rid}' resource "
                       f"(has: {', '.join(sorted(maxima)) or 'none'}).")
        elif not 0 <= spent <= maxima[rid].maximum:
            yield _err(f"state.resources_spent.{rid}", "resource_spent_out_of_range",
                       f"{maxima[rid].name} spent must be 0-{maxima[rid].maximum}, not {spent}.")
    if state.dead and current > 0:
        yield _err("state.dead", "dead_with_hp", "A dead character has 0 Hit Points.")
    for effect_id in sorted(state.active_effects):
        effect = ACTIVE_EFFECTS.get(effect_id)
        path = f"state.active_effects.{effect_id}"
        if effect is None:
            yield _err(path, "unknown_active_effect",
                       f"'{effect_id}' is not a state the engine knows "
                       f"({', '.join(sorted(ACTIVE_EFFECTS))}).")
        elif not effect.available(sheet):
            yield _err(path, "active_effect_unavailable",
                       f"{effect.name} needs {effect.needs}.")


def _created_slots(sheet: Sheet) -> Iterator[RuleError]:
    """Font of Magic slots: level 1-5, within the Sorcerer level the table asks for."""
    sorcerer = sheet.class_level(ClassId.SORCERER)
    for level, count in sorted(sheet.state.created_slots.items()):
        path = f"state.created_slots.{level}"
        creation = CREATING_SPELL_SLOTS.get(level)
        if count < 0:
            yield _err(path, "created_slots_out_of_range", "Created slots cannot be negative.")
        elif count == 0:
            continue
        elif creation is None:
            yield _err(path, "slot_level_too_high",
                       f"Font of Magic creates slots of level 1-5, not level {level}.")
        elif sorcerer < creation.min_sorcerer_level:
            yield _err(path, "sorcerer_level_too_low",
                       f"Creating a level {level} slot needs Sorcerer level "
                       f"{creation.min_sorcerer_level}; this character has {sorcerer}.")


def validate(sheet: Sheet) -> list[RuleError]:
    """Every rule violation in ``sheet`` (an empty list means legal)."""
    checks = (
        _identity, _classes, _base_scores, _background, _improvements, _final_scores,
        _multiclass, _feats, _proficiencies, _equipment,
    )
    errors = [error for check in checks for error in check(sheet)]
    if MIN_LEVEL <= sheet.total_level <= MAX_LEVEL and all(
        e.level >= MIN_LEVEL for e in sheet.classes
    ):
        errors.extend(_state(sheet))
    return errors


def validate_data(data: Any) -> list[RuleError]:
    """Parse decoded JSON and validate it: parse problems first, or rule violations."""
    try:
        sheet = parse_sheet(data)
    except SheetParseError as exc:
        return list(exc.errors)
    return validate(sheet)
