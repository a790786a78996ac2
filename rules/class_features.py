"""Class features, subclass features, species traits and feats that change sheet numbers, as
effects (``rules.effects``), for the 12 SRD 5.2 classes, levels 1-20.

Each class has one function that reads the character's level in it (and subclass, choices and
active states) and adds what its features change. Features that only describe an action are
named in the feature list, not here. Ability scores raised by features (Primal Champion, Body
and Mind) are in ``score_features`` because everything else depends on the final scores.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rules.armor import is_heavy
from rules.breakdown import MODIFIER_SOURCES, Contribution
from rules.class_numbers import class_numbers
from rules.effects import AttackBonus, AttackScope, Effects, ExtraDamage, ExtraSpeed, RollFloor
from rules.enums import Ability, ClassId, Condition, DamageType, Skill
from rules.equipment import Item
from rules.roll_modes import RollEffect, RollSide, RollTest
from rules.sheet import ClassLevel, Sheet

_B, _P, _S = DamageType.BLUDGEONING, DamageType.PIERCING, DamageType.SLASHING


@dataclass(frozen=True, slots=True)
class FeatureContext:
    sheet: Sheet
    modifiers: dict[Ability, int]
    scores: dict[Ability, int]
    pb: int
    conditions: frozenset[Condition]
    armor: Item | None
    shield: Item | None

    @property
    def incapacitated(self) -> bool:
        return Condition.INCAPACITATED in self.conditions

    def active(self, effect: str) -> bool:
        return effect in self.sheet.state.active_effects

    def at_least_one(self, ability: Ability) -> int:
        """An ability modifier with a minimum of 1 (Aura of Protection, Thaumaturge, ...)."""
        return max(1, self.modifiers[ability])


def _adv(test: RollTest, reason: str, key: Ability | Skill | None = None,
         side: RollSide = RollSide.ADVANTAGE) -> RollEffect:
    return RollEffect(test, side, reason, key)


def _choice(entry: ClassLevel, choice_id: str) -> str | None:
    picked = entry.choices.get(choice_id, ())
    return picked[0] if picked else None


def _dc(fx: Effects, id_: str, name: str, ability: Ability, ctx: FeatureContext) -> None:
    fx.feature_dcs.append((id_, name, (
        Contribution("Base DC", 8), Contribution(MODIFIER_SOURCES[ability], ctx.modifiers[ability]),
        Contribution("Proficiency bonus", ctx.pb))))


# ------------------------------------------------------------------ scores first


# (class, level, subclass or None, abilities raised, amount, maximum, feature)
_SCORE_FEATURES: tuple[tuple[ClassId, int, tuple[Ability, ...], int, int, str], ...] = (
    (ClassId.BARBARIAN, 20, (Ability.STR, Ability.CON), 4, 25, "Primal Champion"),
    (ClassId.MONK, 20, (Ability.DEX, Ability.WIS), 4, 25, "Body and Mind"),
)


def score_features(sheet: Sheet) -> list[tuple[Ability, int, int, str]]:
    """(ability, increase, maximum, feature) for class features that raise scores."""
    return [
        (ability, amount, cap, name)
        for class_id, level, abilities, amount, cap, name in _SCORE_FEATURES
        if sheet.class_level(class_id) >= level
        for ability in abilities
    ]


# ------------------------------------------------------------------ classes


def _barbarian(entry: ClassLevel, ctx: FeatureContext, fx: Effects) -> None:
    level = entry.level
    rage = ctx.active("rage")
    if rage and is_heavy(ctx.armor):
        fx.notes.append("Rage ends while wearing Heavy armor: its benefits are not applied.")
        rage = False
    if rage:
        bonus = int(class_numbers(ClassId.BARBARIAN, level)["rage_damage"])
        fx.damage.append(AttackBonus(AttackScope.STRENGTH, Contribution("Rage", bonus)))
        for damage in (_B, _P, _S):
            fx.resist(damage, "Rage")
        fx.roll.append(_adv(RollTest.CHECK, "Rage", Ability.STR))
        fx.roll.append(_adv(RollTest.SAVE, "Rage", Ability.STR))
        fx.notes.append("While raging: no Concentration and no spellcasting.")
        if entry.subclass == "path-of-the-berserker":
            fx.extra_damage.append(ExtraDamage(
                AttackScope.STRENGTH, f"{bonus}d6", "Frenzy",
                "first Strength-based hit each turn while using Reckless Attack"))
            if level >= 6:
                for condition in (Condition.CHARMED, Condition.FRIGHTENED):
                    fx.immune_to(condition, "Mindless Rage")
    if level >= 2 and not ctx.incapacitated:
        fx.roll.append(_adv(RollTest.SAVE, "Danger Sense", Ability.DEX))
    if level >= 7:
        fx.roll.append(_adv(RollTest.INITIATIVE, "Feral Instinct"))
    if level >= 9:
        dice = class_numbers(ClassId.BARBARIAN, level)["brutal_strike"]
        fx.extra_damage.append(ExtraDamage(
            AttackScope.STRENGTH, str(dice), "Brutal Strike",
            "one Reckless Attack roll that forgoes Advantage, per turn"))
    if level >= 11:
        fx.feature_dcs.append(("relentless-rage", "Relentless Rage (Constitution save)",
                               (Contribution("Base DC", 10),)))
        fx.notes.append("Relentless Rage: the DC rises by 5 with each use until a rest.")
    if level >= 18:
        fx.roll_floors.append(RollFloor("Strength checks and Strength saving throws",
                                        ctx.scores[Ability.STR], True, "Indomitable Might"))
    if entry.subclass == "path-of-the-berserker" and level >= 14:
        _dc(fx, "intimidating-presence", "Intimidating Presence", Ability.STR, ctx)


def _strike_or_cantrips(entry: ClassLevel, ctx: FeatureContext, fx: Effects, choice_id: str,
                        strike: str, name: str, condition: str, improved_at: int) -> None:
    """Blessed Strikes and Elemental Fury: a weapon strike of 1d8 (2d8 once improved), or
    Potent Spellcasting (Wisdom added to cantrip damage)."""
    picked = _choice(entry, choice_id)
    if picked == strike:
        dice = "2d8" if entry.level >= improved_at else "1d8"
        fx.extra_damage.append(ExtraDamage(AttackScope.WEAPONS, dice, name, condition))
    elif picked == "potent-spellcasting":
        fx.number(entry.class_id, "cantrip_damage_bonus", ctx.modifiers[Ability.WIS])


def _cleric(entry: ClassLevel, ctx: FeatureContext, fx: Effects) -> None:
    level = entry.level
    wis = ctx.at_least_one(Ability.WIS)
    if _choice(entry, "divine-order") == "thaumaturge":
        for skill in (Skill.ARCANA, Skill.RELIGION):
            fx.skill.setdefault(skill, []).append(Contribution("Thaumaturge", wis))
        fx.cantrips[ClassId.CLERIC] = fx.cantrips.get(ClassId.CLERIC, 0) + 1
    if level >= 5:
        fx.number(ClassId.CLERIC, "sear_undead", f"{wis}d8")
    if level >= 7:
        _strike_or_cantrips(entry, ctx, fx, "blessed-strikes", "divine-strike", "Divine Strike",
                            "necrotic or radiant, once per turn", improved_at=14)
    if entry.subclass == "life-domain" and level >= 3:
        fx.number(ClassId.CLERIC, "preserve_life", 5 * level)


def _druid(entry: ClassLevel, ctx: FeatureContext, fx: Effects) -> None:
    level = entry.level
    if _choice(entry, "primal-order") == "magician":
        wis = ctx.at_least_one(Ability.WIS)
        for skill in (Skill.ARCANA, Skill.NATURE):
            fx.skill.setdefault(skill, []).append(Contribution("Magician", wis))
        fx.cantrips[ClassId.DRUID] = fx.cantrips.get(ClassId.DRUID, 0) + 1
    if level >= 7:
        _strike_or_cantrips(entry, ctx, fx, "elemental-fury", "primal-strike", "Primal Strike",
                            "cold, fire, lightning or thunder, once per turn", improved_at=15)
    if entry.subclass == "circle-of-the-land" and level >= 3:
        fx.number(ClassId.DRUID, "lands_aid", "4d6" if level >= 14 else "3d6" if level >= 10
                  else "2d6")
        if level >= 10:
            fx.immune_to(Condition.POISONED, "Nature's Ward")
            land = _choice(entry, "land")
            ward = {"arid": DamageType.FIRE, "polar": DamageType.COLD,
                    "temperate": DamageType.LIGHTNING, "tropical": DamageType.POISON}
            if land in ward:
                fx.resist(ward[land], "Nature's Ward")


def _fighter(entry: ClassLevel, ctx: FeatureContext, fx: Effects) -> None:
    level = entry.level
    if entry.subclass != "champion":
        return
    if level >= 3:
        fx.best_critical(18 if level >= 15 else 19,
                         "Superior Critical" if level >= 15 else "Improved Critical")
        fx.roll.append(_adv(RollTest.INITIATIVE, "Remarkable Athlete"))
        fx.roll.append(_adv(RollTest.SKILL, "Remarkable Athlete", Skill.ATHLETICS))
    if level >= 18:
        fx.roll.append(_adv(RollTest.DEATH_SAVE, "Survivor: Defy Death (18-20 counts as 20)"))
        fx.number(ClassId.FIGHTER, "heroic_rally", 5 + ctx.modifiers[Ability.CON])


def _monk(entry: ClassLevel, ctx: FeatureContext, fx: Effects) -> None:
    level = entry.level
    numbers = class_numbers(ClassId.MONK, level)
    die = numbers["martial_arts_die"]
    if level >= 2:
        fx.number(ClassId.MONK, "uncanny_metabolism_healing", f"1{die}+{level}")
    if level >= 3:
        fx.number(ClassId.MONK, "deflect_attacks_reduction",
                  f"1d10+{ctx.modifiers[Ability.DEX] + level}")
    if level >= 6:
        fx.notes.append("Empowered Strikes: Unarmed Strikes may deal Force damage.")
    if level >= 18 and ctx.active("superior-defense") and not ctx.incapacitated:
        for damage in DamageType:
            if damage is not DamageType.FORCE:
                fx.resist(damage, "Superior Defense")
    if entry.subclass == "warrior-of-the-open-hand":
        if level >= 6:
            fx.number(ClassId.MONK, "wholeness_of_body_healing",
                      f"1{die}+{ctx.modifiers[Ability.WIS]}")
        if level >= 17:
            fx.number(ClassId.MONK, "quivering_palm", "10d12 force")


def _paladin(entry: ClassLevel, ctx: FeatureContext, fx: Effects) -> None:
    level = entry.level
    cha = ctx.at_least_one(Ability.CHA)
    if level >= 6 and not ctx.incapacitated:
        fx.saves.append(Contribution("Aura of Protection", cha))
    if level >= 10 and not ctx.incapacitated:
        fx.immune_to(Condition.FRIGHTENED, "Aura of Courage")
    if level >= 11:
        fx.extra_damage.append(ExtraDamage(AttackScope.MELEE, "1d8 radiant", "Radiant Strikes",
                                           "on every hit"))
    if entry.subclass == "oath-of-devotion":
        if level >= 3 and ctx.active("sacred-weapon"):
            fx.to_hit.append(AttackBonus(AttackScope.MELEE, Contribution("Sacred Weapon", cha)))
        if level >= 7 and not ctx.incapacitated:
            fx.immune_to(Condition.CHARMED, "Aura of Devotion")


def _ranger(entry: ClassLevel, ctx: FeatureContext, fx: Effects) -> None:
    level = entry.level
    if level >= 6:
        if not is_heavy(ctx.armor):
            fx.speed.append(Contribution("Roving", 10))
        fx.speeds.append(ExtraSpeed("climb", None, "Roving"))
        fx.speeds.append(ExtraSpeed("swim", None, "Roving"))
    if level >= 10:
        fx.number(ClassId.RANGER, "tireless_temp_hp",
                  f"1d8+{max(1, ctx.modifiers[Ability.WIS])}")
    if level >= 18:
        fx.sense("blindsight", 30)
    if entry.subclass == "hunter" and _choice(entry, "hunters-prey") == "colossus-slayer":
        fx.extra_damage.append(ExtraDamage(AttackScope.WEAPONS, "1d8", "Colossus Slayer",
                                           "once per turn, a target missing Hit Points"))


def _rogue(entry: ClassLevel, ctx: FeatureContext, fx: Effects) -> None:
    level = entry.level
    if level >= 7:
        fx.roll_floors.append(RollFloor("ability checks with a skill or tool proficiency", 10,
                                        False, "Reliable Talent"))
    if level >= 18 and not ctx.incapacitated:
        fx.roll.append(RollEffect(RollTest.ATTACKED, RollSide.NO_ADVANTAGE, "Elusive"))
    if entry.subclass == "thief":
        if level >= 3:
            fx.speeds.append(ExtraSpeed("climb", None, "Second-Story Work"))
        if level >= 13:
            fx.attunement_limit = (4, "Use Magic Device")


def _sorcerer(entry: ClassLevel, ctx: FeatureContext, fx: Effects) -> None:
    level = entry.level
    if ctx.active("innate-sorcery"):
        fx.spell_dc.append((ClassId.SORCERER, Contribution("Innate Sorcery", 1)))
        fx.roll.append(_adv(RollTest.ATTACK, "Innate Sorcery: Sorcerer spell attacks",
                            side=RollSide.SITUATIONAL))
    if entry.subclass == "draconic-sorcery":
        element = _choice(entry, "elemental-affinity")
        if level >= 6 and element is not None:
            fx.resist(DamageType(element), "Elemental Affinity")
            fx.number(ClassId.SORCERER, "elemental_affinity_bonus", ctx.modifiers[Ability.CHA])
        if level >= 14 and ctx.active("dragon-wings"):
            fx.speeds.append(ExtraSpeed("fly", 60, "Dragon Wings"))


def _warlock(entry: ClassLevel, ctx: FeatureContext, fx: Effects) -> None:
    level = entry.level
    invocations = set(entry.choices.get("invocations", ()))
    cha = ctx.modifiers[Ability.CHA]
    if "armor-of-shadows" in invocations:
        fx.mage_armor = "Armor of Shadows"
    if "devils-sight" in invocations:
        fx.sense("devils-sight", 120)
    if "eldritch-mind" in invocations:
        fx.roll.append(_adv(RollTest.CONCENTRATION, "Eldritch Mind"))
    if "gift-of-the-depths" in invocations:
        fx.speeds.append(ExtraSpeed("swim", None, "Gift of the Depths"))
    if "witch-sight" in invocations:
        fx.sense("truesight", 30)
    if "agonizing-blast" in invocations:
        fx.number(ClassId.WARLOCK, "agonizing_blast_bonus", cha)
    if "thirsting-blade" in invocations:
        count = 3 if "devouring-blade" in invocations else 2
        fx.pact_attacks = (count, "Devouring Blade" if count == 3 else "Thirsting Blade")
    if "lifedrinker" in invocations:
        fx.extra_damage.append(ExtraDamage(AttackScope.PACT, "1d6 necrotic, psychic or radiant",
                                           "Lifedrinker", "once per turn"))
    if entry.subclass == "fiend-patron":
        if level >= 3:
            fx.number(ClassId.WARLOCK, "dark_ones_blessing_temp_hp", max(1, cha + level))
        resilience = _choice(entry, "fiendish-resilience")
        if level >= 10 and resilience is not None:
            fx.resist(DamageType(resilience), "Fiendish Resilience")


def _wizard(entry: ClassLevel, ctx: FeatureContext, fx: Effects) -> None:
    if entry.subclass == "evoker" and entry.level >= 10:
        fx.number(ClassId.WIZARD, "empowered_evocation_bonus", ctx.modifiers[Ability.INT])


def _nothing(entry: ClassLevel, ctx: FeatureContext, fx: Effects) -> None:
    """Bard: every feature with a number is already in the base tables."""


_BY_CLASS: dict[ClassId, Callable[[ClassLevel, FeatureContext, Effects], None]] = {
    ClassId.BARBARIAN: _barbarian, ClassId.BARD: _nothing, ClassId.CLERIC: _cleric,
    ClassId.DRUID: _druid, ClassId.FIGHTER: _fighter, ClassId.MONK: _monk,
    ClassId.PALADIN: _paladin, ClassId.RANGER: _ranger, ClassId.ROGUE: _rogue,
    ClassId.SORCERER: _sorcerer, ClassId.WARLOCK: _warlock, ClassId.WIZARD: _wizard,
}  # fmt: skip

# ------------------------------------------------------------------ species and feats

_LINEAGE_SPELLS = {"elf": "Elven Lineage spells", "gnome": "Gnomish Lineage spells",
                   "tiefling": "Fiendish Legacy spells"}


def _species(ctx: FeatureContext, fx: Effects) -> None:
    sheet = ctx.sheet
    species = sheet.identity.species
    if ctx.active("large-form") and species == "goliath":
        fx.speed.append(Contribution("Large Form", 10))
        fx.roll.append(_adv(RollTest.CHECK, "Large Form", Ability.STR))
    if ctx.active("draconic-flight") and species == "dragonborn" and not ctx.incapacitated:
        fx.speeds.append(ExtraSpeed("fly", None, "Draconic Flight"))
    if ctx.active("stonecunning") and species == "dwarf":
        fx.sense("tremorsense", 60)
    ability = sheet.identity.lineage_ability
    if species in _LINEAGE_SPELLS and ability is not None:
        _dc(fx, "lineage-spells", _LINEAGE_SPELLS[species], ability, ctx)


def _feats(ctx: FeatureContext, fx: Effects) -> None:
    feats = ctx.sheet.feat_slugs
    if "boon-of-truesight" in feats:
        fx.sense("truesight", 60)
    if "boon-of-the-night-spirit" in feats:
        fx.notes.append("Boon of the Night Spirit: in Dim Light or Darkness, Resistance to all "
                        "damage except Psychic and Radiant.")


_EXTRA_ATTACK_NAMES = {2: "Extra Attack", 3: "Two Extra Attacks", 4: "Three Extra Attacks"}


def feature_effects(ctx: FeatureContext, fx: Effects) -> None:
    """Add every class, subclass, species and feat effect for this character."""
    for entry in ctx.sheet.classes:
        _BY_CLASS[entry.class_id](entry, ctx, fx)
    for entry in ctx.sheet.classes:
        # Extra Attack from two classes does not add up: the best one counts.
        attacks = int(class_numbers(entry.class_id, min(entry.level, 20)).get(
            "attacks_per_action", 1))
        if attacks > 1:
            fx.best_attacks(attacks, _EXTRA_ATTACK_NAMES[attacks])
    _species(ctx, fx)
    _feats(ctx, fx)
