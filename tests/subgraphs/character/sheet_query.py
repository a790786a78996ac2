"""The whole ``CharacterSheet`` as one selection, and its answer read back into the shape of
``rules.serialize.derived_to_dict`` (what ``python -m rules derive`` prints), so a test can
compare the graph with the rules engine field for field."""

from __future__ import annotations

from typing import Any

BREAKDOWN = "{ source value }"
ROLL = "{ mode advantage disadvantage autoFail situational penalty }"
ATTACKED = "{ mode advantage disadvantage criticalOnHit }"

SHEET = f"""
  summary totalLevel proficiencyBonus
  abilities {{ ability score scoreBreakdown {BREAKDOWN} modifier save saveProficient
              saveBreakdown {BREAKDOWN} }}
  skills {{ skill ability proficiency bonus bonusBreakdown {BREAKDOWN} passive
           passiveBreakdown {BREAKDOWN} }}
  passivePerception passivePerceptionBreakdown {BREAKDOWN}
  passiveInsight passiveInsightBreakdown {BREAKDOWN}
  passiveInvestigation passiveInvestigationBreakdown {BREAKDOWN}
  initiative initiativeBreakdown {BREAKDOWN}
  armorClass {{ value method breakdown {BREAKDOWN} shieldBonus
               options {{ method value allowsShield breakdown {BREAKDOWN} }} }}
  speed speedBreakdown {BREAKDOWN}
  hitPoints {{ max maxBreakdown {BREAKDOWN} current temp }}
  hitDice {{ die total spent remaining }}
  spellcasting {{ class {{ slug }} ability saveDc saveDcBreakdown {BREAKDOWN} attackBonus
                 attackBonusBreakdown {BREAKDOWN} cantrips prepared }}
  spellSlots {{ level max created spent remaining }}
  pactSlots {{ slotLevel max spent remaining }}
  attacks {{ name ability proficient toHit toHitBreakdown {BREAKDOWN} damage damageBonus
            damageBonusBreakdown {BREAKDOWN} averageDamage versatileDamage versatileDamageBonus
            versatileDamageBonusBreakdown {BREAKDOWN} versatileAverage range properties mastery
            greatWeaponFighting offHandDamage offHandDamageBonus
            offHandDamageBonusBreakdown {BREAKDOWN} offHandAverage modifiersApplied }}
  featureDcs {{ id name dc breakdown {BREAKDOWN} }}
  carrying {{ carried capacity dragLiftPush overCapacity }}
  exhaustion {{ level d20Penalty }}
  conditions
  deathSaves {{ successes failures stable dead }}
  concentration heroicInspiration
  features {{ class {{ slug }} level name source }}
  resources {{ id name max spent remaining recovery }}
  classNumbers {{ class {{ slug }} numbers {{ name value amount }} }}
  progress {{ xp nextLevelXp canLevelUp }}
  multiclassPrerequisites {{ class {{ slug }} met }}
  training {{ saves armor shields weaponCategories weapons }}
  notes
  speciesTraits {{ lineage speed darkvision resistances {{ damageType trait }}
                  saveAdvantages {{ ability trait }} conditionSaveAdvantages {{ condition trait }}
                  rerollsNaturalOnes heroicInspirationOnLongRest
                  breathWeapon {{ damageType dice saveAbility saveDc areas }} }}
  senses {{ sense range }}
  defenses {{ resistances vulnerabilities immunities sources {{ damageType sources }} }}
  fightingStyles
  rollModes {{ attack {ROLL} initiative {ROLL} checks {{ ability roll {ROLL} }}
              skills {{ skill roll {ROLL} }} saves {{ ability roll {ROLL} }}
              attackedWithin5Ft {ATTACKED} attackedBeyond5Ft {ATTACKED} }}
"""

# The keys of ``derived_to_dict`` the graph shows, every one of them as of this writing. The
# rules engine keeps growing: a key (or a field inside one) it adds later is not compared until
# the graph shows it, so the engine's work never breaks this subgraph's tests; the graph must
# not lose one of these.
EXPOSED: frozenset[str] = frozenset(
    {
        "summary",
        "total_level",
        "proficiency_bonus",
        "abilities",
        "ability_breakdowns",
        "saving_throws",
        "skills",
        "passive_perception",
        "passive_perception_breakdown",
        "passive_insight",
        "passive_insight_breakdown",
        "passive_investigation",
        "passive_investigation_breakdown",
        "initiative",
        "initiative_breakdown",
        "armor_class",
        "speed",
        "hit_points",
        "hit_dice",
        "spellcasting",
        "spell_slots",
        "pact_slots",
        "attacks",
        "feature_dcs",
        "carrying",
        "exhaustion",
        "play_state",
        "conditions",
        "features",
        "resources",
        "class_numbers",
        "progress",
        "multiclass_prerequisites",
        "training",
        "notes",
        "species_traits",
        "senses",
        "defenses",
        "fighting_styles",
        "roll_modes",
    }
)


def within(shown: Any, derived: Any, at: str = "") -> list[str]:
    """Where ``shown`` (the graph) differs from ``derived`` (the rules engine), comparing only
    what the graph shows: every key of a shown object must be in the derived one, equal."""
    if isinstance(shown, dict) and isinstance(derived, dict):
        return [
            problem
            for key, value in shown.items()
            for problem in (
                within(value, derived[key], f"{at}.{key}")
                if key in derived
                else [f"{at}.{key}: not derived"]
            )
        ]
    if isinstance(shown, list) and isinstance(derived, list) and len(shown) == len(derived):
        return [
            p
            for n, (a, b) in enumerate(zip(shown, derived, strict=True))
            for p in within(a, b, f"{at}[{n}]")
        ]
    return [] if shown == derived else [f"{at}: graph {shown!r} != rules {derived!r}"]


def value(name: str | None) -> str | None:
    """A GraphQL enum name as a rules slug: ``SLEIGHT_OF_HAND`` -> ``sleight-of-hand``."""
    return None if name is None else name.lower().replace("_", "-")


def _class(ref: dict[str, Any]) -> str:
    slug: str = ref["slug"]
    return slug.removeprefix("class/")


def _roll(summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "mode": value(summary["mode"]),
        "advantage": summary["advantage"],
        "disadvantage": summary["disadvantage"],
        "auto_fail": summary["autoFail"],
        "situational": summary["situational"],
        "penalty": summary["penalty"],
    }


def _attacked(summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "mode": value(summary["mode"]),
        "advantage": summary["advantage"],
        "disadvantage": summary["disadvantage"],
        "critical_on_hit": summary["criticalOnHit"],
    }


def _attack(a: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": a["name"],
        "ability": value(a["ability"]),
        "proficient": a["proficient"],
        "to_hit": a["toHit"],
        "damage": a["damage"],
        "versatile_damage": a["versatileDamage"],
        "range": a["range"],
        "properties": [value(p) for p in a["properties"]],
        "mastery": value(a["mastery"]),
        "average_damage": a["averageDamage"],
        "versatile_average": a["versatileAverage"],
        "great_weapon_fighting": a["greatWeaponFighting"],
        "off_hand_damage": a["offHandDamage"],
        "off_hand_average": a["offHandAverage"],
        "modifiers_applied": a["modifiersApplied"],
        "to_hit_breakdown": a["toHitBreakdown"],
        "damage_bonus": a["damageBonus"],
        "damage_bonus_breakdown": a["damageBonusBreakdown"],
        "versatile_damage_bonus": a["versatileDamageBonus"],
        "versatile_damage_bonus_breakdown": a["versatileDamageBonusBreakdown"],
        "off_hand_damage_bonus": a["offHandDamageBonus"],
        "off_hand_damage_bonus_breakdown": a["offHandDamageBonusBreakdown"],
    }


def _species(t: dict[str, Any]) -> dict[str, Any]:
    breath = t["breathWeapon"]
    return {
        "lineage": t["lineage"],
        "speed": t["speed"],
        "darkvision": t["darkvision"],
        "resistances": {value(r["damageType"]): r["trait"] for r in t["resistances"]},
        "save_advantages": {value(r["ability"]): r["trait"] for r in t["saveAdvantages"]},
        "condition_save_advantages": {
            value(r["condition"]): r["trait"] for r in t["conditionSaveAdvantages"]
        },
        "rerolls_natural_ones": t["rerollsNaturalOnes"],
        "heroic_inspiration_on_long_rest": t["heroicInspirationOnLongRest"],
        "breath_weapon": None
        if breath is None
        else {
            "damage_type": value(breath["damageType"]),
            "dice": breath["dice"],
            "save_ability": value(breath["saveAbility"]),
            "save_dc": breath["saveDc"],
            "areas": breath["areas"],
        },
    }


def as_rules_dict(s: dict[str, Any]) -> dict[str, Any]:
    """The graph's sheet in ``derived_to_dict``'s shape."""
    abilities = {value(a["ability"]): a for a in s["abilities"]}
    pact = s["pactSlots"]
    return {
        "summary": s["summary"],
        "total_level": s["totalLevel"],
        "proficiency_bonus": s["proficiencyBonus"],
        "abilities": {
            k: {"score": a["score"], "modifier": a["modifier"]} for k, a in abilities.items()
        },
        "ability_breakdowns": {k: a["scoreBreakdown"] for k, a in abilities.items()},
        "saving_throws": {
            k: {
                "proficient": a["saveProficient"],
                "bonus": a["save"],
                "breakdown": a["saveBreakdown"],
            }
            for k, a in abilities.items()
        },
        "skills": {
            value(line["skill"]): {
                "ability": value(line["ability"]),
                "proficiency": value(line["proficiency"]),
                "bonus": line["bonus"],
                "passive": line["passive"],
                "breakdown": line["bonusBreakdown"],
                "passive_breakdown": line["passiveBreakdown"],
            }
            for line in s["skills"]
        },
        "passive_perception": s["passivePerception"],
        "passive_perception_breakdown": s["passivePerceptionBreakdown"],
        "passive_insight": s["passiveInsight"],
        "passive_insight_breakdown": s["passiveInsightBreakdown"],
        "passive_investigation": s["passiveInvestigation"],
        "passive_investigation_breakdown": s["passiveInvestigationBreakdown"],
        "initiative": s["initiative"],
        "initiative_breakdown": s["initiativeBreakdown"],
        "armor_class": {
            "value": s["armorClass"]["value"],
            "method": s["armorClass"]["method"],
            "breakdown": s["armorClass"]["breakdown"],
            "options": [
                {"method": o["method"], "value": o["value"], "breakdown": o["breakdown"]}
                for o in s["armorClass"]["options"]
            ],
        },
        "speed": {"walk": s["speed"], "breakdown": s["speedBreakdown"]},
        "hit_points": {
            "max": s["hitPoints"]["max"],
            "current": s["hitPoints"]["current"],
            "temp": s["hitPoints"]["temp"],
            "max_breakdown": s["hitPoints"]["maxBreakdown"],
        },
        "hit_dice": [
            {
                "die": f"d{p['die']}",
                "total": p["total"],
                "spent": p["spent"],
                "remaining": p["remaining"],
            }
            for p in s["hitDice"]
        ],
        "spellcasting": [
            {
                "class": _class(c["class"]),
                "ability": value(c["ability"]),
                "save_dc": c["saveDc"],
                "attack_bonus": c["attackBonus"],
                "cantrips": c["cantrips"],
                "prepared": c["prepared"],
                "save_dc_breakdown": c["saveDcBreakdown"],
                "attack_bonus_breakdown": c["attackBonusBreakdown"],
            }
            for c in s["spellcasting"]
        ],
        "spell_slots": {
            str(x["level"]): {k: x[k] for k in ("max", "created", "spent", "remaining")}
            for x in s["spellSlots"]
        },
        "pact_slots": None
        if pact is None
        else {
            "slot_level": pact["slotLevel"],
            "max": pact["max"],
            "spent": pact["spent"],
            "remaining": pact["remaining"],
        },
        "attacks": [_attack(a) for a in s["attacks"]],
        "feature_dcs": s["featureDcs"],
        "carrying": {
            "carried": s["carrying"]["carried"],
            "capacity": s["carrying"]["capacity"],
            "drag_lift_push": s["carrying"]["dragLiftPush"],
            "over_capacity": s["carrying"]["overCapacity"],
        },
        "exhaustion": {
            "level": s["exhaustion"]["level"],
            "d20_penalty": s["exhaustion"]["d20Penalty"],
        },
        "play_state": {
            "concentration": s["concentration"],
            "death_saves": {
                "successes": s["deathSaves"]["successes"],
                "failures": s["deathSaves"]["failures"],
            },
            "stable": s["deathSaves"]["stable"],
            "dead": s["deathSaves"]["dead"],
            "heroic_inspiration": s["heroicInspiration"],
        },
        "conditions": [value(c) for c in s["conditions"]],
        "features": [
            {
                "class": _class(f["class"]),
                "level": f["level"],
                "name": f["name"],
                "source": f["source"],
            }
            for f in s["features"]
        ],
        "resources": {
            r["id"]: {
                "name": r["name"],
                "max": r["max"],
                "spent": r["spent"],
                "remaining": r["remaining"],
                "recovery": value(r["recovery"]),
            }
            for r in s["resources"]
        },
        "class_numbers": {
            _class(c["class"]): {
                n["name"]: n["value"] if n["amount"] is None else n["amount"] for n in c["numbers"]
            }
            for c in s["classNumbers"]
        },
        "progress": {
            "xp": s["progress"]["xp"],
            "next_level_xp": s["progress"]["nextLevelXp"],
            "can_level_up": s["progress"]["canLevelUp"],
        },
        "multiclass_prerequisites": {
            _class(m["class"]): m["met"] for m in s["multiclassPrerequisites"]
        },
        "training": {
            "saves": [value(a) for a in s["training"]["saves"]],
            "armor": [value(a) for a in s["training"]["armor"]],
            "shields": s["training"]["shields"],
            "weapon_categories": [value(w) for w in s["training"]["weaponCategories"]],
            "weapons": s["training"]["weapons"],
        },
        "notes": s["notes"],
        "species_traits": _species(s["speciesTraits"]),
        "senses": {x["sense"]: x["range"] for x in s["senses"]},
        "defenses": {
            "resistances": [value(t) for t in s["defenses"]["resistances"]],
            "vulnerabilities": [value(t) for t in s["defenses"]["vulnerabilities"]],
            "immunities": [value(t) for t in s["defenses"]["immunities"]],
            "sources": {value(x["damageType"]): x["sources"] for x in s["defenses"]["sources"]},
        },
        "fighting_styles": s["fightingStyles"],
        "roll_modes": {
            "attack": _roll(s["rollModes"]["attack"]),
            "initiative": _roll(s["rollModes"]["initiative"]),
            "checks": {value(x["ability"]): _roll(x["roll"]) for x in s["rollModes"]["checks"]},
            "skills": {value(x["skill"]): _roll(x["roll"]) for x in s["rollModes"]["skills"]},
            "saves": {value(x["ability"]): _roll(x["roll"]) for x in s["rollModes"]["saves"]},
            "attacked_within_5ft": _attacked(s["rollModes"]["attackedWithin5Ft"]),
            "attacked_beyond_5ft": _attacked(s["rollModes"]["attackedBeyond5Ft"]),
        },
    }
