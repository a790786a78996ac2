"""Derived sheet: skills, saves, HP, speed, attacks, carrying, features, resources, progress."""

from __future__ import annotations

from dataclasses import replace

from rules.derive import derive
from rules.enums import Ability, ClassId, Condition, ImprovementKind, Size, Skill
from rules.resources import Recovery
from rules.sheet import (
    Bonuses,
    ClassLevel,
    Currency,
    Feat,
    Improvement,
    PlayState,
    Proficiencies,
)
from tests.rules.builders import equipped, make_sheet, scores

# ------------------------------------------------------------------ abilities, saves, skills


def test_final_scores_include_background_and_improvements() -> None:
    sheet = make_sheet(
        (ClassId.FIGHTER, 4),
        base=scores(str=15),
        improvements=(
            Improvement(ImprovementKind.ASI, {Ability.STR: 2}, None, ClassId.FIGHTER, 4),
        ),
    )
    d = derive(sheet)
    assert d.scores[Ability.STR] == 17
    assert d.modifiers[Ability.STR] == 3
    assert d.scores[Ability.INT] == 11  # background +1


def test_saves_come_from_the_starting_class_only() -> None:
    sheet = make_sheet((ClassId.WIZARD, 1), (ClassId.FIGHTER, 1), base=scores(str=13, int=13))
    d = derive(sheet)
    assert {a for a, line in d.saves.items() if line.proficient} == {Ability.INT, Ability.WIS}
    assert d.saves[Ability.INT].bonus == 2 + 2  # Int 14 after the background increase
    assert d.saves[Ability.STR].bonus == 1


def test_extra_save_proficiency_and_flat_save_bonus() -> None:
    sheet = make_sheet((ClassId.WIZARD, 5), base=scores(con=14),
                       proficiencies=Proficiencies(saves=frozenset({Ability.CON})),
                       bonuses=Bonuses(saves=1))
    assert derive(sheet).saves[Ability.CON].bonus == 2 + 3 + 1


def test_all_eighteen_skills_with_proficiency_and_expertise() -> None:
    sheet = make_sheet(
        (ClassId.ROGUE, 1), base=scores(dex=16),
        proficiencies=Proficiencies(skills=frozenset({Skill.STEALTH, Skill.ATHLETICS}),
                                    expertise=frozenset({Skill.STEALTH})),
    )
    d = derive(sheet)
    assert len(d.skills) == 18
    assert d.skills[Skill.STEALTH].bonus == 3 + 4
    assert d.skills[Skill.STEALTH].proficiency == "expertise"
    assert d.skills[Skill.ATHLETICS].bonus == 0 + 2
    assert d.skills[Skill.ACROBATICS].bonus == 3
    assert d.skills[Skill.ACROBATICS].proficiency == "none"


def test_jack_of_all_trades_adds_half_pb_to_unproficient_skills_only() -> None:
    sheet = make_sheet((ClassId.BARD, 5),
                       proficiencies=Proficiencies(skills=frozenset({Skill.PERFORMANCE})))
    d = derive(sheet)  # PB 3 -> half is 1
    assert d.skills[Skill.ARCANA].proficiency == "half"
    assert d.skills[Skill.ARCANA].bonus == 0 + 1
    assert d.skills[Skill.PERFORMANCE].bonus == 0 + 3
    # Not at Bard level 1, and never on initiative in 2024.
    assert derive(make_sheet((ClassId.BARD, 1))).skills[Skill.ARCANA].proficiency == "none"
    assert d.initiative == 0


def test_passives_and_initiative_with_alert() -> None:
    sheet = make_sheet(
        (ClassId.FIGHTER, 5), base=scores(dex=14, wis=13, int=8),
        proficiencies=Proficiencies(skills=frozenset({Skill.PERCEPTION})),
        feats=(Feat("Alert"),),
    )
    d = derive(sheet)  # Wis 14 after background -> +2; Int 9 -> -1; PB 3
    assert d.passive_perception == 10 + 2 + 3
    assert d.passive_insight == 12
    assert d.passive_investigation == 9
    assert d.initiative == 2 + 3


def test_exhaustion_penalises_d20_tests_but_not_passives() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 1), base=scores(dex=14),
                       state=PlayState(exhaustion=2))
    d = derive(sheet)
    assert d.d20_penalty == -4
    assert d.skills[Skill.ACROBATICS].bonus == 2 - 4
    assert d.saves[Ability.STR].bonus == 2 - 4
    assert d.initiative == 2 - 4
    assert d.passive_perception == 10
    assert Condition.EXHAUSTION in d.conditions


# ------------------------------------------------------------------ hit points and hit dice


def test_max_hp_fixed_and_rolled() -> None:
    fixed = make_sheet((ClassId.FIGHTER, 3), base=scores(con=14))
    assert derive(fixed).max_hp == (10 + 2) + 2 * (6 + 2)
    rolled = make_sheet(ClassLevel(ClassId.FIGHTER, 3, hp_rolls=(1, 10)), base=scores(con=14))
    assert derive(rolled).max_hp == (10 + 2) + (1 + 2) + (10 + 2)


def test_multiclass_hp_only_first_class_gets_full_die() -> None:
    sheet = make_sheet((ClassId.WIZARD, 1), (ClassId.BARBARIAN, 2), base=scores(con=12, str=13,
                                                                             int=13))
    assert derive(sheet).max_hp == (6 + 1) + 2 * (7 + 1)


def test_each_level_gives_at_least_one_hp() -> None:
    sheet = make_sheet(ClassLevel(ClassId.WIZARD, 3, hp_rolls=(1, 1)), base=scores(con=3))
    d = derive(sheet)  # Con 3 -> -4: 6-4=2 at level 1, then max(1, 1-4) twice
    assert d.max_hp == 2 + 1 + 1


def test_tough_dwarf_boon_and_flat_hp_bonuses() -> None:
    base = make_sheet((ClassId.CLERIC, 4), base=scores(con=10))
    plain = derive(base).max_hp
    assert derive(replace(base, feats=(Feat("Tough"),))).max_hp == plain + 8
    assert derive(replace(base, identity=replace(base.identity, species="dwarf"))).max_hp == (
        plain + 4
    )
    assert derive(replace(base, feats=(Feat("Boon of Fortitude"),))).max_hp == plain + 40
    assert derive(replace(base, bonuses=Bonuses(hp_per_level=1))).max_hp == plain + 4


def test_draconic_resilience_hp() -> None:
    plain = derive(make_sheet(ClassLevel(ClassId.SORCERER, 5))).max_hp
    dragon = derive(make_sheet(ClassLevel(ClassId.SORCERER, 5, "draconic-sorcery"))).max_hp
    assert dragon == plain + 5


def test_current_hp_defaults_to_max_and_is_clamped_for_display() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 1), base=scores(con=10))
    assert derive(sheet).current_hp == 10
    assert derive(replace(sheet, state=PlayState(current_hp=4))).current_hp == 4


def test_hit_dice_pools_by_die_size() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 3), (ClassId.PALADIN, 2), (ClassId.WIZARD, 1),
                       base=scores(str=13, cha=13, int=13),
                       state=PlayState(hit_dice_spent={10: 2}))
    pools = {p.die: (p.total, p.spent, p.remaining) for p in derive(sheet).hit_dice}
    assert pools == {10: (5, 2, 3), 6: (1, 0, 1)}


# ------------------------------------------------------------------ speed


def test_speed_species_and_exhaustion() -> None:
    assert derive(make_sheet(species="goliath")).speed.walk == 35
    assert derive(make_sheet(species="unknown-homebrew")).speed.walk == 30
    tired = make_sheet(state=PlayState(exhaustion=3))
    assert derive(tired).speed.walk == 15


def test_heavy_armor_without_strength_costs_ten_feet() -> None:
    weak = make_sheet((ClassId.FIGHTER, 1), base=scores(str=14),
                      equipment=(equipped("armor/plate-armor"),))
    assert derive(weak).speed.walk == 20
    strong = make_sheet((ClassId.FIGHTER, 1), base=scores(str=15),
                        equipment=(equipped("armor/plate-armor"),))
    assert derive(strong).speed.walk == 30


def test_monk_and_barbarian_movement() -> None:
    assert derive(make_sheet((ClassId.MONK, 6))).speed.walk == 45
    armored_monk = make_sheet((ClassId.MONK, 6), equipment=(equipped("armor/leather-armor"),))
    assert derive(armored_monk).speed.walk == 30
    barbarian = make_sheet((ClassId.BARBARIAN, 5))
    assert derive(barbarian).speed.walk == 40
    heavy = replace(barbarian, equipment=(equipped("armor/plate-armor"),))
    assert derive(heavy).speed.walk == 20  # no Fast Movement, and Str 10 < 15


def test_conditions_that_set_speed_to_zero() -> None:
    grappled = make_sheet(state=PlayState(conditions=frozenset({Condition.GRAPPLED})))
    assert derive(grappled).speed.walk == 0
    prone = make_sheet(state=PlayState(conditions=frozenset({Condition.PRONE})))
    assert derive(prone).speed.walk == 30


def test_boon_of_speed_and_flat_speed_bonus() -> None:
    sheet = make_sheet(feats=(Feat("Boon of Speed"),), bonuses=Bonuses(speed=10))
    assert derive(sheet).speed.walk == 70


# ------------------------------------------------------------------ attacks


def test_melee_attack_uses_strength_and_proficiency() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 1), base=scores(str=16),
                       equipment=(equipped("weapon/longsword"),))
    attack = derive(sheet).attacks[0]
    assert (attack.ability, attack.to_hit, attack.damage) == (Ability.STR, 5, "1d8+3 slashing")
    assert attack.versatile_damage == "1d10+3 slashing"


def test_finesse_uses_the_better_of_str_and_dex() -> None:
    sheet = make_sheet((ClassId.ROGUE, 1), base=scores(str=12, dex=16),
                       equipment=(equipped("weapon/rapier"),))
    attack = derive(sheet).attacks[0]
    assert (attack.ability, attack.to_hit, attack.proficient) == (Ability.DEX, 5, True)


def test_ranged_uses_dex_and_archery() -> None:
    sheet = make_sheet((ClassId.RANGER, 1), base=scores(dex=14),
                       equipment=(equipped("weapon/longbow"),), feats=(Feat("Archery"),))
    attack = derive(sheet).attacks[0]
    assert attack.to_hit == 2 + 2 + 2
    assert attack.range == "150/600 ft"


def test_untrained_weapon_gets_no_proficiency_bonus() -> None:
    sheet = make_sheet((ClassId.WIZARD, 1), base=scores(str=14),
                       equipment=(equipped("weapon/greataxe"),))
    attack = derive(sheet).attacks[0]
    assert (attack.proficient, attack.to_hit) == (False, 2)


def test_magic_bonus_and_dueling() -> None:
    sword = equipped("weapon/longsword", magic_bonus=1)
    sheet = make_sheet((ClassId.FIGHTER, 1), base=scores(str=14), equipment=(sword,),
                       feats=(Feat("Dueling"),))
    attack = derive(sheet).attacks[0]
    assert attack.to_hit == 2 + 2 + 1
    assert attack.damage == "1d8+5 slashing"


def test_mastery_needs_the_feature_and_the_choice() -> None:
    fighter = make_sheet((ClassId.FIGHTER, 1), equipment=(equipped("weapon/greatsword"),),
                         weapon_masteries=frozenset({"greatsword"}))
    assert derive(fighter).attacks[0].mastery == "graze"
    unchosen = replace(fighter, weapon_masteries=frozenset())
    assert derive(unchosen).attacks[0].mastery is None
    wizard = replace(fighter, classes=(ClassLevel(ClassId.WIZARD, 1),))
    assert derive(wizard).attacks[0].mastery is None


def test_monk_martial_arts_die_and_dex() -> None:
    sheet = make_sheet((ClassId.MONK, 5), base=scores(str=10, dex=16),
                       equipment=(equipped("weapon/club"),))
    attack = derive(sheet).attacks[0]
    assert attack.ability is Ability.DEX
    assert attack.damage == "1d8+3 bludgeoning"  # d8 Martial Arts beats the club's d4
    assert attack.proficient


def test_only_equipped_weapons_are_attacks_and_reach_is_shown() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 1),
                       equipment=(equipped("weapon/glaive"), replace(equipped("weapon/dagger"),
                                                                      equipped=False)))
    attacks = derive(sheet).attacks
    assert [a.name for a in attacks] == ["Glaive", "Unarmed Strike"]
    assert attacks[0].range == "reach 10 ft"


def test_unarmed_strike_for_everyone_and_monks() -> None:
    plain = derive(make_sheet((ClassId.WIZARD, 1), base=scores(str=14))).attacks[-1]
    assert (plain.name, plain.to_hit, plain.damage) == ("Unarmed Strike", 4, "3 bludgeoning")
    weak = derive(make_sheet((ClassId.WIZARD, 1), base=scores(str=6))).attacks[-1]
    assert weak.damage == "0 bludgeoning"
    monk = derive(make_sheet((ClassId.MONK, 11), base=scores(dex=18))).attacks[-1]
    assert (monk.ability, monk.to_hit, monk.damage) == (Ability.DEX, 4 + 4, "1d10+4 bludgeoning")


# ------------------------------------------------------------------ carrying


def test_carrying_capacity_by_size_and_powerful_build() -> None:
    assert derive(make_sheet(base=scores(str=10))).carrying.capacity == 150
    small = make_sheet(base=scores(str=10), species="halfling", size=Size.SMALL)
    assert derive(small).carrying.capacity == 150
    goliath = make_sheet(base=scores(str=10), species="goliath")
    assert derive(goliath).carrying.capacity == 300
    assert derive(goliath).carrying.drag_lift_push == 600


def test_carried_weight_counts_items_quantities_and_coins() -> None:
    items = (replace(equipped("armor/plate-armor"), equipped=False),
             replace(equipped("weapon/javelin"), quantity=5))
    sheet = make_sheet(base=scores(str=5), equipment=items, currency=Currency(gp=100))
    carrying = derive(sheet).carrying
    assert carrying.carried == 65 + 10 + 2
    assert carrying.capacity == 75
    assert carrying.over_capacity


# ------------------------------------------------------------------ spellcasting


def test_spellcasting_block_per_class() -> None:
    sheet = make_sheet((ClassId.CLERIC, 3), (ClassId.WIZARD, 2), base=scores(wis=15, int=13),
                       state=PlayState(slots_spent={1: 1}))
    d = derive(sheet)
    by_class = {c.class_id: c for c in d.spellcasting}
    cleric = by_class[ClassId.CLERIC]
    assert (cleric.ability, cleric.save_dc, cleric.attack_bonus) == (Ability.WIS, 8 + 3 + 3, 6)
    assert (cleric.cantrips, cleric.prepared) == (3, 6)
    assert by_class[ClassId.WIZARD].save_dc == 8 + 3 + 2
    assert [(s.level, s.maximum, s.remaining) for s in d.spell_slots] == [(1, 4, 3), (2, 3, 3),
                                                                          (3, 2, 2)]
    assert d.pact_slots is None


def test_warlock_pact_slots_are_separate() -> None:
    sheet = make_sheet((ClassId.WARLOCK, 5), (ClassId.SORCERER, 1), base=scores(cha=13),
                       state=PlayState(pact_slots_spent=1))
    d = derive(sheet)
    assert d.pact_slots is not None
    assert (d.pact_slots.slot_level, d.pact_slots.maximum, d.pact_slots.remaining) == (3, 2, 1)
    assert [(s.level, s.maximum) for s in d.spell_slots] == [(1, 2)]


# ------------------------------------------------------------------ features, resources, xp


def test_features_by_level_and_class_numbers() -> None:
    d = derive(make_sheet((ClassId.ROGUE, 5)))
    names = [f.name for f in d.features]
    assert "Sneak Attack" in names and "Uncanny Dodge" in names
    assert "Reliable Talent" not in names
    assert d.class_numbers[ClassId.ROGUE]["sneak_attack"] == "3d6"


def test_subclass_features_join_the_feature_list() -> None:
    d = derive(make_sheet(ClassLevel(ClassId.FIGHTER, 7, "champion")))
    champion = [(f.level, f.name) for f in d.features if f.source == "champion"]
    assert champion == [(3, "Improved Critical"), (3, "Remarkable Athlete"),
                        (7, "Additional Fighting Style")]
    assert [f.level for f in d.features] == sorted(f.level for f in d.features)


def test_resources_with_spent_and_recovery() -> None:
    sheet = make_sheet((ClassId.BARD, 5), base=scores(cha=15),
                       state=PlayState(resources_spent={"bardic-inspiration": 1}))
    line = derive(sheet).resources["bardic-inspiration"]
    assert (line.maximum, line.remaining) == (3, 2)  # Cha 16 after background
    assert line.recovery is Recovery.SHORT_ALL
    low = derive(make_sheet((ClassId.BARD, 4), base=scores(cha=7)))
    assert low.resources["bardic-inspiration"].maximum == 1
    assert low.resources["bardic-inspiration"].recovery is Recovery.LONG


def test_channel_divinity_is_one_pool_for_cleric_and_paladin() -> None:
    sheet = make_sheet((ClassId.CLERIC, 6), (ClassId.PALADIN, 3), base=scores(wis=13, str=13,
                                                                            cha=13))
    resources = derive(sheet).resources
    assert resources["channel-divinity"].maximum == 3
    assert resources["lay-on-hands"].maximum == 15


def test_progress_and_multiclass_prerequisites() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 2), (ClassId.WIZARD, 1), base=scores(str=13, int=12),
                       xp=2_700)
    d = derive(sheet)
    assert (d.progress.next_level_xp, d.progress.can_level_up) == (2_700, True)
    assert d.multiclass_prerequisites == {ClassId.FIGHTER: True, ClassId.WIZARD: True}
    failing = replace(sheet, abilities=replace(sheet.abilities, base=scores(str=13, int=11)))
    assert derive(failing).multiclass_prerequisites[ClassId.WIZARD] is False
    assert derive(make_sheet()).multiclass_prerequisites == {}


def test_training_from_starting_class_versus_multiclass() -> None:
    sheet = make_sheet((ClassId.WIZARD, 1), (ClassId.FIGHTER, 1), base=scores(int=13, str=13))
    trained = derive(sheet).training
    assert {a.value for a in trained.armor} == {"light", "medium"}
    assert trained.shields
    assert {c.value for c in trained.weapon_categories} == {"simple", "martial"}


def test_notes_for_untrained_armor_and_stealth() -> None:
    sheet = make_sheet((ClassId.WIZARD, 1), equipment=(equipped("armor/chain-mail"),))
    notes = derive(sheet).notes
    assert any("Not trained" in n for n in notes)
    assert any("Stealth" in n for n in notes)


def test_derive_survives_illegal_sheets() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 25), base=scores(str=40),
                       state=PlayState(current_hp=-5, exhaustion=9))
    d = derive(sheet)
    assert d.proficiency_bonus == 6
    assert d.current_hp == 0
    assert d.modifiers[Ability.STR] == 10
