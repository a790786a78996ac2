"""Class and subclass features that change numbers on the sheet: one test per feature, for the
12 SRD classes (levels 1-20), with the breakdown source each one shows."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rules import transitions as t
from rules.breakdown import Contribution
from rules.derive import DerivedSheet, derive
from rules.dice import RollMode
from rules.enums import Ability, ClassId, Condition, DamageType, Skill
from rules.errors import RuleViolation
from rules.sheet import ClassLevel, Feat, PlayState, Proficiencies, Sheet
from tests.rules.builders import equipped, make_sheet, scores

ADV, DIS, NORMAL = RollMode.ADVANTAGE, RollMode.DISADVANTAGE, RollMode.NORMAL


def d(*classes: ClassLevel | tuple[ClassId, int], **kw: object) -> DerivedSheet:
    return derive(make_sheet(*classes, **kw))  # type: ignore[arg-type]


def active(sheet: Sheet, *effects: str, **state: object) -> Sheet:
    return replace(sheet, state=replace(sheet.state, active_effects=frozenset(effects),
                                        **state))  # type: ignore[arg-type]


def attack(derived: DerivedSheet, name: str):  # type: ignore[no-untyped-def]
    return next(a for a in derived.attacks if a.name == name)


def sources(parts: tuple[Contribution, ...]) -> dict[str, int]:
    return {p.source: p.value for p in parts}


# ------------------------------------------------------------------ Barbarian


def test_rage_resistances_damage_and_strength_advantage() -> None:
    sheet = make_sheet((ClassId.BARBARIAN, 9), base=scores(str=16, dex=14),
                       equipment=(equipped("weapon/greataxe"), equipped("weapon/shortbow")))
    calm = derive(sheet)
    assert calm.defenses.resistances == frozenset()
    raging = derive(active(sheet, "rage"))
    assert {DamageType.BLUDGEONING, DamageType.PIERCING, DamageType.SLASHING} <= \
        raging.defenses.resistances
    assert raging.defenses.sources[DamageType.SLASHING] == ("Rage",)
    axe = attack(raging, "Greataxe")
    assert Contribution("Rage", 3) in axe.damage_bonus_breakdown  # +3 at Barbarian 9
    assert axe.damage_bonus == attack(calm, "Greataxe").damage_bonus + 3
    # A Dexterity attack gets no Rage damage; the Unarmed Strike (Strength) does.
    assert "Rage" not in sources(attack(raging, "Shortbow").damage_bonus_breakdown)
    assert "Rage" in sources(attack(raging, "Unarmed Strike").damage_bonus_breakdown)
    assert raging.roll_modes.checks[Ability.STR].mode is ADV
    assert raging.roll_modes.saves[Ability.STR].advantage[-1] == "Rage"


def test_rage_in_heavy_armor_gives_nothing() -> None:
    sheet = make_sheet((ClassId.BARBARIAN, 3), base=scores(str=16),
                       equipment=(equipped("armor/plate-armor"),))
    derived = derive(active(sheet, "rage"))
    assert derived.defenses.resistances == frozenset()
    assert any("Heavy armor" in note for note in derived.notes)


def test_danger_sense_and_feral_instinct() -> None:
    assert d((ClassId.BARBARIAN, 1)).roll_modes.saves[Ability.DEX].mode is NORMAL
    two = d((ClassId.BARBARIAN, 2))
    assert two.roll_modes.saves[Ability.DEX].advantage == ("Danger Sense",)
    assert two.roll_modes.initiative.mode is NORMAL
    stunned = d((ClassId.BARBARIAN, 2), state=PlayState(conditions=frozenset({
        Condition.STUNNED})))
    assert "Danger Sense" not in stunned.roll_modes.saves[Ability.DEX].advantage
    assert d((ClassId.BARBARIAN, 7)).roll_modes.initiative.advantage == ("Feral Instinct",)


def test_brutal_strike_dice() -> None:
    assert "brutal_strike" not in d((ClassId.BARBARIAN, 8)).class_numbers[ClassId.BARBARIAN]
    nine = d((ClassId.BARBARIAN, 9), equipment=(equipped("weapon/greataxe"),))
    assert nine.class_numbers[ClassId.BARBARIAN]["brutal_strike"] == "1d10"
    assert any(e.source == "Brutal Strike" and e.dice == "1d10"
               for e in nine.attacks[0].extra_damage)
    assert d((ClassId.BARBARIAN, 17)).class_numbers[ClassId.BARBARIAN]["brutal_strike"] == "2d10"


def test_relentless_rage_and_indomitable_might() -> None:
    dcs = {dc.id: dc.dc for dc in d((ClassId.BARBARIAN, 11)).feature_dcs}
    assert dcs["relentless-rage"] == 10
    floors = d((ClassId.BARBARIAN, 18), base=scores(str=18)).roll_floors
    assert [(f.source, f.value, f.on_total) for f in floors] == [("Indomitable Might", 18, True)]


def test_primal_champion_raises_strength_and_constitution_to_25() -> None:
    derived = d((ClassId.BARBARIAN, 20), base=scores(str=20, con=23))
    assert derived.scores[Ability.STR] == 24 and derived.scores[Ability.CON] == 25
    assert Contribution("Primal Champion", 4) in derived.score_breakdowns[Ability.STR]
    assert Contribution("Primal Champion", 2) in derived.score_breakdowns[Ability.CON]
    assert d((ClassId.BARBARIAN, 19), base=scores(str=20)).scores[Ability.STR] == 20


def test_berserker_frenzy_mindless_rage_and_intimidating_presence() -> None:
    sheet = make_sheet(ClassLevel(ClassId.BARBARIAN, 14, "path-of-the-berserker"),
                       base=scores(str=18), equipment=(equipped("weapon/greataxe"),))
    raging = derive(active(sheet, "rage"))
    frenzy = next(e for e in raging.attacks[0].extra_damage if e.source == "Frenzy")
    assert frenzy.dice == "3d6"  # Rage Damage +3 at level 14
    assert set(raging.defenses.condition_immunities) == {Condition.CHARMED,
                                                         Condition.FRIGHTENED}
    frightened = derive(active(sheet, "rage", conditions=frozenset({Condition.FRIGHTENED})))
    assert Condition.FRIGHTENED not in frightened.conditions
    assert frightened.roll_modes.attack.mode is NORMAL
    assert {dc.id: dc.dc for dc in raging.feature_dcs}["intimidating-presence"] == 8 + 4 + 5


def test_primal_knowledge_grants_a_skill() -> None:
    from rules.grants import skill_errors

    skills = frozenset({Skill.ATHLETICS, Skill.SURVIVAL, Skill.NATURE, Skill.ARCANA,
                        Skill.HISTORY})
    # Barbarian 2 (two) and a background outside the SRD (two of any) are four grants.
    two = make_sheet((ClassId.BARBARIAN, 2), species="dwarf",
                     proficiencies=Proficiencies(skills=skills))
    assert {e.code for e in skill_errors(two)} == {"too_many_skills"}
    three = make_sheet((ClassId.BARBARIAN, 3), species="dwarf",
                       proficiencies=Proficiencies(skills=skills))
    assert skill_errors(three) == []


# ------------------------------------------------------------------ Extra Attack, Fighter


@pytest.mark.parametrize(("class_id", "level", "count"), [
    (ClassId.FIGHTER, 4, 1), (ClassId.FIGHTER, 5, 2), (ClassId.FIGHTER, 11, 3),
    (ClassId.FIGHTER, 20, 4), (ClassId.BARBARIAN, 5, 2), (ClassId.MONK, 5, 2),
    (ClassId.PALADIN, 5, 2), (ClassId.RANGER, 5, 2), (ClassId.WIZARD, 20, 1),
])
def test_extra_attack_is_on_every_attack(class_id: ClassId, level: int, count: int) -> None:
    derived = d((class_id, level), equipment=(equipped("weapon/longsword"),))
    assert {a.attacks_per_action for a in derived.attacks} == {count}


def test_extra_attack_from_two_classes_does_not_add_up() -> None:
    derived = d((ClassId.FIGHTER, 5), (ClassId.PALADIN, 5), base=scores(str=13, cha=13))
    assert derived.attacks[-1].attacks_per_action == 2


def test_second_wind_and_indomitable_numbers() -> None:
    numbers = d((ClassId.FIGHTER, 9)).class_numbers[ClassId.FIGHTER]
    assert numbers["second_wind"] == "1d10+9" and numbers["indomitable_bonus"] == 9


def test_champion_critical_range_athlete_and_survivor() -> None:
    def champion(level: int) -> DerivedSheet:
        return d(ClassLevel(ClassId.FIGHTER, level, "champion"), base=scores(con=14),
                 equipment=(equipped("weapon/longsword"),))

    assert {a.critical_from for a in champion(3).attacks} == {19}
    assert {a.critical_from for a in champion(15).attacks} == {18}
    assert {a.critical_from for a in d((ClassId.FIGHTER, 15)).attacks} == {20}
    three = champion(3)
    assert three.roll_modes.initiative.advantage == ("Remarkable Athlete",)
    assert three.roll_modes.skills[Skill.ATHLETICS].mode is ADV
    eighteen = champion(18)
    assert eighteen.roll_modes.death_save.mode is ADV
    assert eighteen.class_numbers[ClassId.FIGHTER]["heroic_rally"] == 5 + 2


def test_fighting_style_feats_need_a_grant_each() -> None:
    from rules.validation import validate

    two_styles = (Feat("Defense"), Feat("Archery"))
    codes = {e.code for e in validate(make_sheet((ClassId.FIGHTER, 7), feats=two_styles))}
    assert "too_many_fighting_styles" in codes
    champion = make_sheet(ClassLevel(ClassId.FIGHTER, 7, "champion"), feats=two_styles)
    assert "too_many_fighting_styles" not in {e.code for e in validate(champion)}


# ------------------------------------------------------------------ Monk


def test_monk_numbers_by_level() -> None:
    numbers = d((ClassId.MONK, 10), base=scores(dex=16)).class_numbers[ClassId.MONK]
    assert numbers["uncanny_metabolism_healing"] == "1d8+10"
    assert numbers["deflect_attacks_reduction"] == "1d10+13"  # Dex +3, Monk 10
    assert numbers["slow_fall_reduction"] == 50
    assert numbers["patient_defense_temp_hp"] == "2d8"
    assert d((ClassId.MONK, 2)).resources["uncanny-metabolism"].maximum == 1


def test_disciplined_survivor_makes_every_save_proficient() -> None:
    thirteen = d((ClassId.MONK, 13))
    assert not thirteen.saves[Ability.WIS].proficient
    fourteen = d((ClassId.MONK, 14))
    assert all(line.proficient for line in fourteen.saves.values())
    assert Contribution("Proficiency bonus", 5) in fourteen.saves[Ability.CHA].breakdown


def test_superior_defense_resists_everything_but_force() -> None:
    sheet = make_sheet((ClassId.MONK, 18))
    defended = derive(active(sheet, "superior-defense"))
    assert defended.defenses.resistances == frozenset(DamageType) - {DamageType.FORCE}
    result = t.activate(replace(sheet, state=PlayState()), "superior-defense")
    assert result.sheet.state.resources_spent["focus-points"] == 3


def test_body_and_mind_raises_dexterity_and_wisdom() -> None:
    derived = d((ClassId.MONK, 20), base=scores(dex=20, wis=18))
    assert (derived.scores[Ability.DEX], derived.scores[Ability.WIS]) == (24, 23)


def test_open_hand_wholeness_of_body_and_quivering_palm() -> None:
    derived = d(ClassLevel(ClassId.MONK, 17, "warrior-of-the-open-hand"), base=scores(wis=15))
    assert derived.resources["wholeness-of-body"].maximum == 3  # Wis 15 + 1 = 16 -> +3
    numbers = derived.class_numbers[ClassId.MONK]
    assert numbers["wholeness_of_body_healing"] == "1d12+3"
    assert numbers["quivering_palm"] == "10d12 force"
    low = d(ClassLevel(ClassId.MONK, 6, "warrior-of-the-open-hand"), base=scores(wis=8))
    assert low.resources["wholeness-of-body"].maximum == 1  # minimum once


# ------------------------------------------------------------------ Paladin


def test_aura_of_protection_adds_charisma_to_every_save() -> None:
    five = d((ClassId.PALADIN, 5), base=scores(cha=15))
    six = d((ClassId.PALADIN, 6), base=scores(cha=15))
    for ability in Ability:
        assert six.saves[ability].bonus == five.saves[ability].bonus + 3
        assert Contribution("Aura of Protection", 3) in six.saves[ability].breakdown
    weak = d((ClassId.PALADIN, 6), base=scores(cha=8))
    assert Contribution("Aura of Protection", 1) in weak.saves[Ability.STR].breakdown
    down = d((ClassId.PALADIN, 6), base=scores(cha=15),
             state=PlayState(conditions=frozenset({Condition.INCAPACITATED})))
    assert "Aura of Protection" not in sources(down.saves[Ability.STR].breakdown)


def test_auras_of_courage_and_devotion_make_conditions_harmless() -> None:
    scared = PlayState(conditions=frozenset({Condition.FRIGHTENED, Condition.CHARMED}))
    six = d(ClassLevel(ClassId.PALADIN, 6, "oath-of-devotion"), state=scared)
    assert {Condition.FRIGHTENED, Condition.CHARMED} <= six.conditions
    nine = d(ClassLevel(ClassId.PALADIN, 9, "oath-of-devotion"), state=scared)
    assert Condition.FRIGHTENED in nine.conditions and Condition.CHARMED not in nine.conditions
    ten = d(ClassLevel(ClassId.PALADIN, 10, "oath-of-devotion"), state=scared)
    assert not {Condition.FRIGHTENED, Condition.CHARMED} & ten.conditions
    assert ten.defenses.condition_immunities[Condition.FRIGHTENED] == ("Aura of Courage",)
    assert ten.defenses.condition_immunities[Condition.CHARMED] == ("Aura of Devotion",)
    added = t.add_condition(make_sheet(ClassLevel(ClassId.PALADIN, 10)), Condition.FRIGHTENED)
    assert added.events[0].kind == "condition_immune"
    assert Condition.FRIGHTENED not in added.sheet.state.conditions


def test_radiant_strikes_on_melee_attacks() -> None:
    derived = d((ClassId.PALADIN, 11), equipment=(equipped("weapon/longsword"),
                                                  equipped("weapon/longbow")))
    assert any(e.source == "Radiant Strikes" for e in attack(derived, "Longsword").extra_damage)
    assert not attack(derived, "Longbow").extra_damage
    assert any(e.source == "Radiant Strikes"
               for e in attack(derived, "Unarmed Strike").extra_damage)


def test_sacred_weapon_adds_charisma_to_melee_attack_rolls() -> None:
    sheet = make_sheet(ClassLevel(ClassId.PALADIN, 3, "oath-of-devotion"), base=scores(cha=15),
                       equipment=(equipped("weapon/longsword"),))
    started = t.activate(sheet, "sacred-weapon")
    assert started.sheet.state.resources_spent == {"channel-divinity": 1}
    sword = attack(derive(started.sheet), "Longsword")
    assert Contribution("Sacred Weapon", 3) in sword.to_hit_breakdown
    assert sword.to_hit == attack(derive(sheet), "Longsword").to_hit + 3


def test_paladin_resources_and_aura_range() -> None:
    derived = d((ClassId.PALADIN, 18))
    assert derived.resources["paladins-smite"].maximum == 1
    assert derived.resources["faithful-steed"].maximum == 1
    assert derived.class_numbers[ClassId.PALADIN]["aura_range"] == 30


# ------------------------------------------------------------------ Ranger


def test_roving_speed_climb_and_swim() -> None:
    five = d((ClassId.RANGER, 5))
    assert (five.speed.walk, five.speed.climb, five.speed.swim) == (30, None, None)
    six = d((ClassId.RANGER, 6))
    assert six.speed.walk == 40 and Contribution("Roving", 10) in six.speed.breakdown
    assert (six.speed.climb, six.speed.swim) == (40, 40)
    assert six.speed.climb_breakdown == (Contribution("Roving: equal to Speed", 40),)
    heavy = d((ClassId.RANGER, 6), base=scores(str=15),
              equipment=(equipped("armor/plate-armor"),))
    assert heavy.speed.walk == 30 and heavy.speed.climb == 30


def test_tireless_natures_veil_feral_senses_and_foe_slayer() -> None:
    derived = d((ClassId.RANGER, 20), base=scores(wis=16))
    assert derived.resources["tireless"].maximum == 3
    assert derived.resources["natures-veil"].maximum == 3
    assert derived.class_numbers[ClassId.RANGER]["tireless_temp_hp"] == "1d8+3"
    assert derived.senses["blindsight"] == 30
    assert derived.class_numbers[ClassId.RANGER]["hunters_mark_die"] == "d10"
    tired = make_sheet((ClassId.RANGER, 10), state=PlayState(exhaustion=2))
    assert t.short_rest(tired).sheet.state.exhaustion == 1
    nine = make_sheet((ClassId.RANGER, 9), state=PlayState(exhaustion=2))
    assert t.short_rest(nine).sheet.state.exhaustion == 2


def test_colossus_slayer() -> None:
    hunter = ClassLevel(ClassId.RANGER, 3, "hunter", choices={"hunters-prey": ("colossus-slayer",)})
    derived = d(hunter, equipment=(equipped("weapon/longbow"),))
    assert [e.dice for e in derived.attacks[0].extra_damage] == ["1d8"]


# ------------------------------------------------------------------ Rogue


def test_reliable_talent_slippery_mind_and_elusive() -> None:
    assert d((ClassId.ROGUE, 7)).roll_floors[0].source == "Reliable Talent"
    assert not d((ClassId.ROGUE, 14)).saves[Ability.WIS].proficient
    fifteen = d((ClassId.ROGUE, 15))
    assert fifteen.saves[Ability.WIS].proficient and fifteen.saves[Ability.CHA].proficient
    prone = PlayState(conditions=frozenset({Condition.PRONE}))
    assert d((ClassId.ROGUE, 17), state=prone).roll_modes.attacked_within_5ft.mode is ADV
    assert d((ClassId.ROGUE, 18), state=prone).roll_modes.attacked_within_5ft.mode is NORMAL
    knocked_out = PlayState(conditions=frozenset({Condition.UNCONSCIOUS}), current_hp=0)
    assert d((ClassId.ROGUE, 18), state=knocked_out).roll_modes.attacked_within_5ft.mode is ADV
    assert d((ClassId.ROGUE, 20)).resources["stroke-of-luck"].maximum == 1


def test_thief_climb_speed_and_fourth_attunement() -> None:
    from rules.validation import validate

    thief = ClassLevel(ClassId.ROGUE, 13, "thief")
    assert d(thief).speed.climb == 30
    rings = tuple(replace(equipped("weapon/dagger"), name=f"Charm {n}",
                          requires_attunement=True, attuned=True) for n in range(4))
    assert "attunement_limit" not in {e.code for e in validate(make_sheet(thief,
                                                                          equipment=rings))}
    plain = ClassLevel(ClassId.ROGUE, 13)
    assert "attunement_limit" in {e.code for e in validate(make_sheet(plain, equipment=rings))}
    assert d(thief).attunement_limit == 4


# ------------------------------------------------------------------ Sorcerer


def test_innate_sorcery_raises_the_sorcerer_spell_dc() -> None:
    sheet = make_sheet((ClassId.SORCERER, 3), (ClassId.WIZARD, 1), base=scores(cha=15, int=13))
    assert derive(sheet).resources["innate-sorcery"].maximum == 2
    started = t.activate(sheet, "innate-sorcery")
    assert started.sheet.state.resources_spent == {"innate-sorcery": 1}
    derived = derive(started.sheet)
    sorcerer, wizard = derived.spellcasting
    assert Contribution("Innate Sorcery", 1) in sorcerer.save_dc_breakdown
    assert sorcerer.save_dc == derive(sheet).spellcasting[0].save_dc + 1
    assert wizard.save_dc == derive(sheet).spellcasting[1].save_dc
    assert any("Innate Sorcery" in r for r in derived.roll_modes.attack.situational)


def test_sorcery_incarnate_pays_innate_sorcery_with_points() -> None:
    spent = PlayState(resources_spent={"innate-sorcery": 2})
    six = make_sheet((ClassId.SORCERER, 6), state=spent)
    with pytest.raises(RuleViolation) as caught:
        t.activate(six, "innate-sorcery")
    assert caught.value.error.code == "resource_exhausted"
    with pytest.raises(RuleViolation):
        t.activate(six, "innate-sorcery", sorcery_points=True)
    seven = make_sheet((ClassId.SORCERER, 7), state=spent)
    paid = t.activate(seven, "innate-sorcery", sorcery_points=True)
    assert paid.sheet.state.resources_spent["sorcery-points"] == 2


def test_draconic_elemental_affinity_and_dragon_wings() -> None:
    entry = ClassLevel(ClassId.SORCERER, 14, "draconic-sorcery",
                       choices={"elemental-affinity": ("fire",)})
    sheet = make_sheet(entry, base=scores(cha=16))
    derived = derive(sheet)
    assert derived.defenses.sources[DamageType.FIRE] == ("Elemental Affinity",)
    assert derived.class_numbers[ClassId.SORCERER]["elemental_affinity_bonus"] == 3
    assert derived.speed.fly is None
    flying = derive(t.activate(sheet, "dragon-wings").sheet)
    assert flying.speed.fly == 60
    assert derived.resources["dragon-wings"].maximum == 1


# ------------------------------------------------------------------ Warlock


def test_warlock_resources_by_level() -> None:
    resources = d((ClassId.WARLOCK, 17)).resources
    assert resources["magical-cunning"].maximum == 1
    assert resources["contact-patron"].maximum == 1
    assert {f"mystic-arcanum-{n}" for n in (6, 7, 8, 9)} <= set(resources)
    eleven = d((ClassId.WARLOCK, 11)).resources
    assert "mystic-arcanum-6" in eleven and "mystic-arcanum-7" not in eleven


def test_invocations_with_numbers() -> None:
    picks = ("armor-of-shadows", "devils-sight", "eldritch-mind", "gift-of-the-depths",
             "witch-sight", "agonizing-blast", "pact-of-the-blade")
    entry = ClassLevel(ClassId.WARLOCK, 15, choices={"invocations": picks})
    derived = d(entry, base=scores(dex=14, cha=16))
    mage = next(o for o in derived.armor_class.options if o.method == "mage-armor")
    assert mage.value == 13 + 2 and mage.breakdown[0].source == "Mage Armor (Armor of Shadows)"
    assert derived.senses["devils-sight"] == 120 and derived.senses["truesight"] == 30
    assert derived.roll_modes.concentration.advantage == ("Eldritch Mind",)
    assert derived.speed.swim == 30
    assert derived.class_numbers[ClassId.WARLOCK]["agonizing_blast_bonus"] == 3


def test_pact_weapon_uses_charisma_and_thirsting_blade() -> None:
    blade = replace(equipped("weapon/greatsword"), pact_weapon=True)
    entry = ClassLevel(ClassId.WARLOCK, 5, choices={
        "invocations": ("pact-of-the-blade", "thirsting-blade")})
    derived = d(entry, base=scores(str=10, cha=16), equipment=(blade,))
    sword = derived.attacks[0]
    assert sword.ability is Ability.CHA and sword.proficient
    assert sword.to_hit == 3 + 3 and sword.attacks_per_action == 2
    assert derived.attacks[-1].attacks_per_action == 1  # the Unarmed Strike does not


def test_fiend_blessing_luck_resilience() -> None:
    entry = ClassLevel(ClassId.WARLOCK, 14, "fiend-patron",
                       choices={"fiendish-resilience": ("cold",)})
    derived = d(entry, base=scores(cha=16))
    assert derived.class_numbers[ClassId.WARLOCK]["dark_ones_blessing_temp_hp"] == 3 + 14
    assert derived.resources["dark-ones-own-luck"].maximum == 3
    assert derived.resources["hurl-through-hell"].maximum == 1
    assert derived.defenses.sources[DamageType.COLD] == ("Fiendish Resilience",)


# ------------------------------------------------------------------ Cleric, Druid, Wizard


def test_divine_order_thaumaturge_and_protector() -> None:
    thaumaturge = d(ClassLevel(ClassId.CLERIC, 1, choices={"divine-order": ("thaumaturge",)}),
                    base=scores(wis=15))
    arcana = thaumaturge.skills[Skill.ARCANA]
    assert Contribution("Thaumaturge", 3) in arcana.breakdown
    assert thaumaturge.skills[Skill.RELIGION].bonus == 0 + 3
    assert thaumaturge.spellcasting[0].cantrips == 3 + 1
    protector = d(ClassLevel(ClassId.CLERIC, 1, choices={"divine-order": ("protector",)}),
                  base=scores(str=15), equipment=(equipped("armor/plate-armor"),
                                                  equipped("weapon/longsword")))
    assert not any("Not trained" in note for note in protector.notes)
    assert protector.attacks[0].proficient


def test_primal_order_magician_and_warden() -> None:
    magician = d(ClassLevel(ClassId.DRUID, 1, choices={"primal-order": ("magician",)}),
                 base=scores(wis=8))
    assert Contribution("Magician", 1) in magician.skills[Skill.NATURE].breakdown  # minimum +1
    assert magician.spellcasting[0].cantrips == 2 + 1
    warden = d(ClassLevel(ClassId.DRUID, 1, choices={"primal-order": ("warden",)}),
               equipment=(equipped("armor/hide-armor"), equipped("weapon/scimitar")))
    assert not any("Not trained" in note for note in warden.notes)
    assert warden.attacks[0].proficient


def test_cleric_blessed_strikes_sear_undead_preserve_life() -> None:
    entry = ClassLevel(ClassId.CLERIC, 14, "life-domain",
                       choices={"blessed-strikes": ("divine-strike",)})
    derived = d(entry, base=scores(wis=16), equipment=(equipped("weapon/mace"),))
    assert [e.dice for e in derived.attacks[0].extra_damage] == ["2d8"]
    numbers = derived.class_numbers[ClassId.CLERIC]
    assert numbers["sear_undead"] == "3d8" and numbers["preserve_life"] == 70
    assert derived.resources["divine-intervention"].maximum == 1
    potent = ClassLevel(ClassId.CLERIC, 7, choices={"blessed-strikes": ("potent-spellcasting",)})
    assert d(potent, base=scores(wis=16)).class_numbers[ClassId.CLERIC][
        "cantrip_damage_bonus"] == 3


def test_druid_wild_shape_limits_primal_strike_and_land() -> None:
    two = d((ClassId.DRUID, 2)).class_numbers[ClassId.DRUID]
    assert (two["wild_shape_known_forms"], two["wild_shape_max_cr"],
            two["wild_shape_fly_speed"], two["wild_shape_temp_hp"]) == (4, "1/4", "no", 2)
    eight = d((ClassId.DRUID, 8)).class_numbers[ClassId.DRUID]
    assert (eight["wild_shape_known_forms"], eight["wild_shape_max_cr"],
            eight["wild_shape_fly_speed"]) == (8, "1", "yes")
    entry = ClassLevel(ClassId.DRUID, 15, "circle-of-the-land",
                       choices={"elemental-fury": ("primal-strike",), "land": ("polar",)})
    derived = d(entry, equipment=(equipped("weapon/quarterstaff"),),
                state=PlayState(conditions=frozenset({Condition.POISONED})))
    assert [e.dice for e in derived.attacks[0].extra_damage] == ["2d8"]
    assert derived.class_numbers[ClassId.DRUID]["lands_aid"] == "4d6"
    assert Condition.POISONED not in derived.conditions  # Nature's Ward
    assert derived.defenses.sources[DamageType.COLD] == ("Nature's Ward",)


def test_evoker_empowered_evocation_and_signature_spells() -> None:
    derived = d(ClassLevel(ClassId.WIZARD, 20, "evoker"), base=scores(int=19))
    assert derived.class_numbers[ClassId.WIZARD]["empowered_evocation_bonus"] == 5
    assert derived.resources["signature-spells"].maximum == 2


# ------------------------------------------------------------------ species, feats, cantrips


def test_large_form_draconic_flight_and_stonecunning() -> None:
    goliath = make_sheet((ClassId.FIGHTER, 5), species="goliath", lineage="hill")
    large = derive(t.activate(goliath, "large-form").sheet)
    assert large.speed.walk == 35 + 10
    assert large.roll_modes.checks[Ability.STR].advantage == ("Large Form",)
    with pytest.raises(RuleViolation):
        t.activate(make_sheet((ClassId.FIGHTER, 4), species="goliath", lineage="hill"),
                   "large-form")
    dragonborn = make_sheet((ClassId.FIGHTER, 5), species="dragonborn", lineage="red")
    assert derive(t.activate(dragonborn, "draconic-flight").sheet).speed.fly == 30
    dwarf = derive(active(make_sheet(species="dwarf"), "stonecunning"))
    assert dwarf.senses["tremorsense"] == 60


def test_lineage_spell_dc_uses_the_chosen_ability() -> None:
    sheet = make_sheet(species="tiefling", lineage="infernal", base=scores(cha=15))
    sheet = replace(sheet, identity=replace(sheet.identity, lineage_ability=Ability.CHA))
    dc = {x.id: x for x in derive(sheet).feature_dcs}["lineage-spells"]
    assert dc.dc == 8 + 3 + 2 and dc.name == "Fiendish Legacy spells"


def test_boon_of_truesight() -> None:
    assert d((ClassId.WIZARD, 19), feats=(Feat("Boon of Truesight"),)).senses["truesight"] == 60


@pytest.mark.parametrize(("level", "dice"), [(1, 1), (4, 1), (5, 2), (10, 2), (11, 3),
                                             (17, 4), (20, 4)])
def test_cantrip_damage_scales_with_character_level(level: int, dice: int) -> None:
    assert d((ClassId.WIZARD, level)).cantrip_damage_dice == dice


# ------------------------------------------------------------------ active states


def test_active_states_are_validated_started_and_ended() -> None:
    from rules.validation import validate

    fighter = make_sheet((ClassId.FIGHTER, 3))
    assert {e.code for e in validate(active(fighter, "rage"))} == {"active_effect_unavailable"}
    assert {e.code for e in validate(active(fighter, "bless"))} == {"unknown_active_effect"}
    barbarian = make_sheet((ClassId.BARBARIAN, 3), base=scores(str=15))
    raging = t.activate(barbarian, "rage").sheet
    assert raging.state.active_effects == frozenset({"rage"})
    assert raging.state.resources_spent == {"rage": 1}
    with pytest.raises(RuleViolation) as again:
        t.activate(raging, "rage")
    assert again.value.error.code == "already_active"
    knocked = t.add_condition(raging, Condition.UNCONSCIOUS)
    assert knocked.sheet.state.active_effects == frozenset()
    assert any(e.kind == "effect_ended" for e in knocked.events)
    assert t.long_rest(raging).sheet.state.active_effects == frozenset()
    assert t.deactivate(raging, "rage").sheet.state.active_effects == frozenset()
    armored = replace(barbarian, equipment=(equipped("armor/plate-armor"),))
    with pytest.raises(RuleViolation) as heavy:
        t.activate(armored, "rage")
    assert heavy.value.error.code == "rage_in_heavy_armor"
