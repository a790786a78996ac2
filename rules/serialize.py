"""Turn sheets and derived sheets into plain JSON-ready dicts (the inverse of ``rules.parse``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from enum import Enum
from typing import Any

from rules.breakdown import as_dicts
from rules.class_numbers import weapon_mastery_count
from rules.creation import CreationOptions, CreationResult, mastery_weapons
from rules.derive import DerivedSheet
from rules.enums import ClassId
from rules.equipment import Item
from rules.roll_modes import AttackedSummary, RollModes, RollSummary
from rules.sheet import Sheet


def _enum_map(mapping: Mapping[Any, int]) -> dict[str, int]:
    return {(k.value if isinstance(k, Enum) else str(k)): v for k, v in mapping.items()}


def _sorted_values(values: Any) -> list[str]:
    return sorted(v.value if isinstance(v, Enum) else str(v) for v in values)


def item_to_dict(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {"name": item.name, "quantity": item.quantity, "weight": item.weight,
                            "equipped": item.equipped}
    if item.ref:
        data["ref"] = item.ref
    if item.requires_attunement:
        data["requires_attunement"] = True
        data["attuned"] = item.attuned
    if item.magic_bonus:
        data["magic_bonus"] = item.magic_bonus
    if item.magic_item:
        data["magic_item"] = item.magic_item
    if item.pact_weapon:
        data["pact_weapon"] = True
    if item.armor:
        data["armor"] = {
            "category": item.armor.category.value, "base_ac": item.armor.base_ac,
            "strength_requirement": item.armor.strength_requirement,
            "stealth_disadvantage": item.armor.stealth_disadvantage,
        }
    if item.shield:
        data["shield"] = {"ac_bonus": item.shield.ac_bonus}
    if item.weapon:
        w = item.weapon
        weapon: dict[str, Any] = {
            "category": w.category.value, "ranged": w.ranged, "damage_dice": w.damage_dice,
            "damage_type": w.damage_type.value, "properties": _sorted_values(w.properties),
        }
        if w.mastery:
            weapon["mastery"] = w.mastery.value
        if w.versatile_dice:
            weapon["versatile_dice"] = w.versatile_dice
        if w.normal_range:
            weapon["normal_range"] = w.normal_range
            weapon["long_range"] = w.long_range
        data["weapon"] = weapon
    if item.notes:
        data["notes"] = item.notes
    return data


def sheet_to_dict(sheet: Sheet) -> dict[str, Any]:
    """The JSON input form of a sheet; ``parse_sheet(sheet_to_dict(s)) == s``."""
    ident = sheet.identity
    state = sheet.state
    identity: dict[str, Any] = {"name": ident.name, "species": ident.species,
                                "size": ident.size.value}
    if ident.lineage:
        identity["lineage"] = ident.lineage
    if ident.alignment:
        identity["alignment"] = ident.alignment.value
    if ident.lineage_ability:
        identity["lineage_ability"] = ident.lineage_ability.value
    classes = []
    for entry in sheet.classes:
        row: dict[str, Any] = {"class": entry.class_id.value, "level": entry.level}
        if entry.subclass:
            row["subclass"] = entry.subclass
        if entry.hp_rolls is not None:
            row["hp_rolls"] = list(entry.hp_rolls)
        if entry.choices:
            row["choices"] = {key: list(values) for key, values in sorted(entry.choices.items())}
        classes.append(row)
    improvements = []
    for imp in sheet.improvements:
        row = {"kind": imp.kind.value, "increases": _enum_map(imp.increases)}
        if imp.feat:
            row["feat"] = imp.feat
        if imp.class_id:
            row["class"] = imp.class_id.value
        if imp.class_level is not None:
            row["class_level"] = imp.class_level
        if imp.source:
            row["source"] = imp.source
        improvements.append(row)
    background: dict[str, Any] = {
        "name": sheet.background.name,
        "abilities": [a.value for a in sheet.background.abilities],
        "increases": _enum_map(sheet.background.increases),
    }
    if sheet.background.feat:
        background["feat"] = sheet.background.feat
    profs = sheet.proficiencies
    state_dict: dict[str, Any] = {
        "temp_hp": state.temp_hp,
        "hit_dice_spent": {str(k): v for k, v in sorted(state.hit_dice_spent.items())},
        "death_saves": {"successes": state.death_saves.successes,
                        "failures": state.death_saves.failures},
        "stable": state.stable,
        "dead": state.dead,
        "conditions": _sorted_values(state.conditions),
        "exhaustion": state.exhaustion,
        "concentration": list(state.concentration),
        "slots_spent": {str(k): v for k, v in sorted(state.slots_spent.items())},
        "pact_slots_spent": state.pact_slots_spent,
        "created_slots": {str(k): v for k, v in sorted(state.created_slots.items())},
        "resources_spent": dict(sorted(state.resources_spent.items())),
        "heroic_inspiration": state.heroic_inspiration,
    }
    if state.active_effects:
        state_dict["active_effects"] = sorted(state.active_effects)
    if state.current_hp is not None:
        state_dict["current_hp"] = state.current_hp
    data: dict[str, Any] = {
        "identity": identity,
        "classes": classes,
        "abilities": {"method": sheet.abilities.method.value,
                      "base": _enum_map(sheet.abilities.base),
                      **({} if sheet.abilities.seed is None else {"seed": sheet.abilities.seed})},
        "background": background,
        "improvements": improvements,
        "feats": [{"name": f.name, "source": f.source} if f.source else f.name
                  for f in sheet.feats],
        "proficiencies": {
            "skills": _sorted_values(profs.skills),
            "expertise": _sorted_values(profs.expertise),
            "saves": _sorted_values(profs.saves),
            "tools": sorted(profs.tools),
            "weapons": sorted(profs.weapons),
            "armor": sorted(profs.armor),
            "languages": sorted(profs.languages),
        },
        "equipment": [item_to_dict(item) for item in sheet.equipment],
        "currency": {k: getattr(sheet.currency, k) for k in ("cp", "sp", "ep", "gp", "pp")},
        "xp": sheet.xp,
        "weapon_masteries": sorted(sheet.weapon_masteries),
        "bonuses": {k: getattr(sheet.bonuses, k)
                    for k in ("ac", "speed", "initiative", "hp_per_level", "saves")},
        "defenses": {
            "resistances": sorted(sheet.defenses.resistances),
            "vulnerabilities": sorted(sheet.defenses.vulnerabilities),
            "immunities": sorted(sheet.defenses.immunities),
        },
        "armor_options": {"mage_armor": sheet.armor_options.mage_armor},
        "state": state_dict,
    }
    if sheet.armor_options.natural_armor is not None:
        data["armor_options"]["natural_armor"] = sheet.armor_options.natural_armor
    return data


def derived_to_dict(derived: DerivedSheet) -> dict[str, Any]:
    """The derived sheet as JSON-ready data (what ``python -m rules derive`` prints)."""
    d = derived
    return {
        "summary": d.summary,
        "total_level": d.total_level,
        "proficiency_bonus": d.proficiency_bonus,
        "abilities": {
            a.value: {"score": d.scores[a], "modifier": d.modifiers[a]} for a in d.scores
        },
        "ability_breakdowns": {a.value: as_dicts(parts) for a, parts in d.score_breakdowns.items()},
        "saving_throws": {
            a.value: {"proficient": line.proficient, "bonus": line.bonus,
                      "breakdown": as_dicts(line.breakdown)}
            for a, line in d.saves.items()
        },
        "skills": {
            s.value: {"ability": line.ability.value, "proficiency": line.proficiency,
                      "bonus": line.bonus, "passive": line.passive,
                      "breakdown": as_dicts(line.breakdown),
                      "passive_breakdown": as_dicts(line.passive_breakdown)}
            for s, line in d.skills.items()
        },
        "passive_perception": d.passive_perception,
        "passive_perception_breakdown": as_dicts(d.passive_perception_breakdown),
        "passive_insight": d.passive_insight,
        "passive_insight_breakdown": as_dicts(d.passive_insight_breakdown),
        "passive_investigation": d.passive_investigation,
        "passive_investigation_breakdown": as_dicts(d.passive_investigation_breakdown),
        "initiative": d.initiative,
        "initiative_breakdown": as_dicts(d.initiative_breakdown),
        "armor_class": {
            "value": d.armor_class.value,
            "method": d.armor_class.method,
            "breakdown": as_dicts(d.armor_class.breakdown),
            "options": [{"method": o.method, "value": o.value, "breakdown": as_dicts(o.breakdown)}
                        for o in d.armor_class.options],
        },
        "speed": {"walk": d.speed.walk, "breakdown": as_dicts(d.speed.breakdown),
                  "climb": d.speed.climb, "climb_breakdown": as_dicts(d.speed.climb_breakdown),
                  "swim": d.speed.swim, "swim_breakdown": as_dicts(d.speed.swim_breakdown),
                  "fly": d.speed.fly, "fly_breakdown": as_dicts(d.speed.fly_breakdown)},
        "hit_points": {"max": d.max_hp, "current": d.current_hp, "temp": d.temp_hp,
                       "max_breakdown": as_dicts(d.max_hp_breakdown)},
        "hit_dice": [{"die": f"d{p.die}", "total": p.total, "spent": p.spent,
                      "remaining": p.remaining} for p in d.hit_dice],
        "spellcasting": [
            {"class": c.class_id.value, "ability": c.ability.value, "save_dc": c.save_dc,
             "attack_bonus": c.attack_bonus, "cantrips": c.cantrips, "prepared": c.prepared,
             "save_dc_breakdown": as_dicts(c.save_dc_breakdown),
             "attack_bonus_breakdown": as_dicts(c.attack_bonus_breakdown)}
            for c in d.spellcasting
        ],
        "spell_slots": {str(s.level): {"max": s.maximum, "created": s.created, "spent": s.spent,
                                       "remaining": s.remaining} for s in d.spell_slots},
        "pact_slots": None if d.pact_slots is None else {
            "slot_level": d.pact_slots.slot_level, "max": d.pact_slots.maximum,
            "spent": d.pact_slots.spent, "remaining": d.pact_slots.remaining,
        },
        "attacks": [
            {"name": a.name, "ability": a.ability.value, "proficient": a.proficient,
             "to_hit": a.to_hit, "damage": a.damage, "versatile_damage": a.versatile_damage,
             "range": a.range, "properties": list(a.properties), "mastery": a.mastery,
             "average_damage": a.average_damage, "versatile_average": a.versatile_average,
             "great_weapon_fighting": a.great_weapon_fighting,
             "off_hand_damage": a.off_hand_damage, "off_hand_average": a.off_hand_average,
             "modifiers_applied": list(a.modifiers_applied),
             "to_hit_breakdown": as_dicts(a.to_hit_breakdown),
             "damage_bonus": a.damage_bonus,
             "damage_bonus_breakdown": as_dicts(a.damage_bonus_breakdown),
             "versatile_damage_bonus": a.versatile_damage_bonus,
             "versatile_damage_bonus_breakdown": as_dicts(a.versatile_damage_bonus_breakdown),
             "off_hand_damage_bonus": a.off_hand_damage_bonus,
             "off_hand_damage_bonus_breakdown": as_dicts(a.off_hand_damage_bonus_breakdown),
             "attacks_per_action": a.attacks_per_action, "critical_from": a.critical_from,
             "extra_damage": to_plain(a.extra_damage)}
            for a in d.attacks
        ],
        "feature_dcs": [{"id": f.id, "name": f.name, "dc": f.dc, "breakdown": as_dicts(f.breakdown)}
                        for f in d.feature_dcs],
        "carrying": {"carried": d.carrying.carried, "capacity": d.carrying.capacity,
                     "drag_lift_push": d.carrying.drag_lift_push,
                     "over_capacity": d.carrying.over_capacity},
        "exhaustion": {"level": d.exhaustion, "d20_penalty": d.d20_penalty},
        "play_state": dict(d.play_state),
        "conditions": _sorted_values(d.conditions),
        "features": [{"class": f.class_id.value, "level": f.level, "name": f.name,
                      "source": f.source} for f in d.features],
        "resources": {
            rid: {"name": r.name, "max": r.maximum, "spent": r.spent, "remaining": r.remaining,
                  "recovery": r.recovery.value}
            for rid, r in d.resources.items()
        },
        "class_numbers": {c.value: nums for c, nums in d.class_numbers.items()},
        "progress": {"xp": d.progress.xp, "next_level_xp": d.progress.next_level_xp,
                     "can_level_up": d.progress.can_level_up},
        "multiclass_prerequisites": {c.value: ok for c, ok in d.multiclass_prerequisites.items()},
        "training": {
            "saves": _sorted_values(d.training.saves),
            "armor": _sorted_values(d.training.armor),
            "shields": d.training.shields,
            "weapon_categories": _sorted_values(d.training.weapon_categories),
            "weapons": sorted(d.training.weapons),
        },
        "notes": list(d.notes),
        "species_traits": _species_to_dict(d),
        "senses": dict(d.senses),
        "defenses": {
            "resistances": _sorted_values(d.defenses.resistances),
            "vulnerabilities": _sorted_values(d.defenses.vulnerabilities),
            "immunities": _sorted_values(d.defenses.immunities),
            "sources": {t.value: list(why) for t, why in d.defenses.sources.items()},
            "immunity_sources": {t.value: list(why)
                                 for t, why in d.defenses.immunity_sources.items()},
            "condition_immunities": {c.value: list(why)
                                     for c, why in d.defenses.condition_immunities.items()},
        },
        "fighting_styles": list(d.fighting_styles.names),
        "roll_modes": _roll_modes_to_dict(d.roll_modes),
        "roll_floors": to_plain(d.roll_floors),
        "cantrip_damage_dice": d.cantrip_damage_dice,
        "attunement_limit": d.attunement_limit,
    }


def _species_to_dict(d: DerivedSheet) -> dict[str, Any]:
    traits = d.species_traits
    breath = traits.breath_weapon
    return {
        "lineage": traits.lineage.slug if traits.lineage else None,
        "speed": traits.speed,
        "darkvision": traits.darkvision,
        "resistances": {t.value: why for t, why in sorted(traits.resistances.items())},
        "save_advantages": {a.value: why for a, why in traits.save_advantages.items()},
        "condition_save_advantages": {
            c.value: why for c, why in sorted(traits.condition_save_advantages.items())
        },
        "rerolls_natural_ones": traits.rerolls_natural_ones,
        "heroic_inspiration_on_long_rest": traits.heroic_inspiration_on_long_rest,
        "breath_weapon": None if breath is None else {
            "damage_type": breath.damage_type.value, "dice": breath.dice,
            "save_ability": breath.save_ability.value, "save_dc": breath.save_dc,
            "areas": breath.areas,
        },
    }


def _summary_to_dict(summary: RollSummary) -> dict[str, Any]:
    return {"mode": summary.mode.value, "advantage": list(summary.advantage),
            "disadvantage": list(summary.disadvantage), "auto_fail": list(summary.auto_fail),
            "situational": list(summary.situational), "penalty": summary.penalty}


def _attacked_to_dict(summary: AttackedSummary) -> dict[str, Any]:
    return {"mode": summary.mode.value, "advantage": list(summary.advantage),
            "disadvantage": list(summary.disadvantage),
            "critical_on_hit": list(summary.critical_on_hit)}


def _roll_modes_to_dict(modes: RollModes) -> dict[str, Any]:
    return {
        "attack": _summary_to_dict(modes.attack),
        "initiative": _summary_to_dict(modes.initiative),
        "checks": {a.value: _summary_to_dict(s) for a, s in modes.checks.items()},
        "skills": {k.value: _summary_to_dict(s) for k, s in modes.skills.items()},
        "saves": {a.value: _summary_to_dict(s) for a, s in modes.saves.items()},
        "attacked_within_5ft": _attacked_to_dict(modes.attacked_within_5ft),
        "attacked_beyond_5ft": _attacked_to_dict(modes.attacked_beyond_5ft),
        "death_save": _summary_to_dict(modes.death_save),
        "concentration": _summary_to_dict(modes.concentration),
    }


def to_plain(value: Any) -> Any:
    """Any rules value (dataclasses, enums, tuples, frozensets, mappings) as JSON-ready data."""
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k.value if isinstance(k, Enum) else k): to_plain(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(to_plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [to_plain(v) for v in value]
    return value


def creation_options_to_dict(options: CreationOptions) -> dict[str, Any]:
    """What ``python -m rules options DRAFT.json`` prints."""
    data: dict[str, Any] = to_plain(options)
    data["complete"] = options.complete
    for row in data["classes"]:
        row["weapon_masteries"] = weapon_mastery_count(ClassId(row["class_id"]), 1)
        row["mastery_weapons"] = list(mastery_weapons(ClassId(row["class_id"])))
    return data


def creation_result_to_dict(result: CreationResult) -> dict[str, Any]:
    """What ``python -m rules create DRAFT.json`` prints."""
    return {"valid": not result.errors, "errors": [e.as_dict() for e in result.errors],
            "pending": to_plain(result.pending), "document": result.document}
