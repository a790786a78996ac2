"""Every derived number explains itself: its breakdown's contributions add up to it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.active_effects import ACTIVE_EFFECTS
from rules.breakdown import Contribution
from rules.class_choices import specs_for
from rules.derive import derive
from rules.enums import Ability, ClassId, Condition, Skill
from rules.equipment import Item, catalog_refs
from rules.parse import parse_sheet
from rules.serialize import derived_to_dict
from rules.sheet import Bonuses, ClassLevel, Feat, PlayState, Proficiencies, Sheet
from rules.subclasses import SUBCLASSES
from tests.rules.builders import equipped, make_sheet, scores
from tests.rules.explained import dataclass_pairs, json_pairs, mismatches

MAGIC_NAMES = ["Ring of Protection", "Amulet of Health", "Belt of Giant Strength (Storm)",
               "Bracers of Defense", "Stone of Good Luck", "Boots of Striding and Springing",
               "Robe of the Archmagi", "Ring of Swimming", "Berserker Greataxe",
               "Boots of Speed", "Cloak of Protection"]
EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "rules" / "examples").glob("*.json"))


def sources(parts: tuple[Contribution, ...]) -> dict[str, int]:
    return {part.source: part.value for part in parts}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_breakdown_of_every_example_adds_up(path: Path) -> None:
    derived = derive(parse_sheet(json.loads(path.read_text())))
    pairs = list(dataclass_pairs(derived))
    assert mismatches(iter(pairs)) == []
    explained = {p for p, _number, _parts in pairs}
    # The numbers the issue names are all among them.
    for expected in ("derived.initiative", "derived.max_hp", "derived.armor_class.value",
                     "derived.speed.walk", "derived.passive_perception",
                     "derived.passive_insight", "derived.passive_investigation",
                     "derived.feature_dcs[0].dc", "derived.attacks[0].to_hit",
                     "derived.attacks[0].damage_bonus"):
        assert expected in explained, expected
    assert sum(1 for p in explained if p.startswith("derived.saves[")) == 6
    assert sum(1 for p in explained if p.startswith("derived.skills[")) == 36  # bonus + passive
    assert sum(1 for p in explained if p.startswith("derived.scores.")) == 6
    casting = [p for p in explained if p.startswith("derived.spellcasting[")]
    assert len(casting) == 2 * len(derived.spellcasting)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_json_form_carries_the_same_breakdowns(path: Path) -> None:
    derived = derive(parse_sheet(json.loads(path.read_text())))
    data = json.loads(json.dumps(derived_to_dict(derived)))
    pairs = list(json_pairs(data))
    assert mismatches(iter(pairs), json_form=True) == []
    assert len(pairs) == len(list(dataclass_pairs(derived)))
    first = data["armor_class"]["breakdown"][0]
    assert set(first) == {"source", "value"}


# ------------------------------------------------------------------ property test


@st.composite
def varied_sheets(draw: st.DrawFn) -> Sheet:
    """Sheets with gear, feats, conditions and Exhaustion: every branch that adds a source."""
    chosen = draw(st.lists(st.sampled_from(list(ClassId)), min_size=1, max_size=3, unique=True))
    entries, remaining = [], 20
    for class_id in chosen:
        level = draw(st.integers(1, max(1, remaining - 2)))
        if level > remaining:
            break
        remaining -= level
        rolls = draw(st.none() | st.lists(st.integers(1, 12), min_size=level, max_size=level))
        hp_rolls = None if rolls is None else tuple(rolls)
        subclass = next((slug for slug, info in SUBCLASSES.items() if info.class_id is class_id),
                        None) if level >= 3 and draw(st.booleans()) else None
        choices = {spec.id: tuple(draw(st.lists(st.sampled_from([o.slug for o in spec.options]),
                                                min_size=1, max_size=2, unique=True)))
                   for spec in specs_for(class_id) if draw(st.booleans())}
        entries.append(ClassLevel(class_id, level, subclass, hp_rolls, choices))
    base = {ability: draw(st.integers(3, 20)) for ability in Ability}
    refs = draw(st.lists(st.sampled_from(catalog_refs()), max_size=4, unique=True))
    gear = tuple(equipped(ref, magic_bonus=draw(st.integers(0, 3))) for ref in refs)
    magic = draw(st.lists(st.sampled_from(MAGIC_NAMES), max_size=3, unique=True))
    gear += tuple(Item(name=name, equipped=True, attuned=True, requires_attunement=True)
                  for name in magic)
    feats = tuple(Feat(name) for name in draw(st.lists(st.sampled_from(
        ["Tough", "Alert", "Defense", "Archery", "Dueling", "Great Weapon Fighting",
         "Two-Weapon Fighting", "Boon of Speed", "Boon of Fortitude"]), max_size=4, unique=True)))
    state = PlayState(
        exhaustion=draw(st.integers(0, 5)),
        conditions=frozenset(draw(st.lists(st.sampled_from(list(Condition)), max_size=3))),
        active_effects=frozenset(draw(st.lists(st.sampled_from(sorted(ACTIVE_EFFECTS)),
                                               max_size=3))),
    )
    skills = frozenset(draw(st.lists(st.sampled_from(list(Skill)), max_size=6)))
    expertise = frozenset(s for s in skills if draw(st.booleans()))
    return make_sheet(
        *entries, base=base, equipment=gear, feats=feats, state=state,
        species=draw(st.sampled_from(["human", "dwarf", "elf", "dragonborn", "goliath", "orc"])),
        lineage=None,
        proficiencies=Proficiencies(skills=skills, expertise=expertise),
        bonuses=Bonuses(ac=draw(st.integers(-1, 2)), speed=draw(st.integers(-40, 10)),
                        initiative=draw(st.integers(-1, 2)),
                        hp_per_level=draw(st.integers(-3, 1)), saves=draw(st.integers(-1, 1))),
    )


@settings(max_examples=250, deadline=None)
@given(varied_sheets())
def test_breakdowns_add_up_for_any_sheet(sheet: Sheet) -> None:
    derived = derive(sheet)
    assert mismatches(dataclass_pairs(derived)) == []
    assert mismatches(json_pairs(derived_to_dict(derived)), json_form=True) == []


# ------------------------------------------------------------------ what the sources say


def test_armor_class_names_armor_dex_shield_defense_and_magic() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 1), base=scores(dex=14),
                       equipment=(equipped("armor/chain-shirt", magic_bonus=1),
                                  equipped("shield")),
                       feats=(Feat("Defense", "Fighting Style"),), bonuses=Bonuses(ac=1))
    ac = derive(sheet).armor_class
    assert ac.breakdown == (
        Contribution("Chain Shirt", 13),
        Contribution("Dexterity modifier (max 2)", 2),
        Contribution("Chain Shirt: magic bonus", 1),
        Contribution("Shield", 2),
        Contribution("Fighting Style: Defense", 1),
        Contribution("AC bonus (sheet)", 1),
    )
    assert ac.value == 20


def test_armor_class_breakdown_is_the_chosen_calculation() -> None:
    monk = make_sheet((ClassId.MONK, 1), base=scores(dex=16, wis=14))
    ac = derive(monk).armor_class
    assert ac.method == "monk-unarmored-defense"
    assert sources(ac.breakdown) == {"Unarmored Defense (Monk)": 10, "Dexterity modifier": 3,
                                     "Wisdom modifier": 2}
    unarmored = next(o for o in ac.options if o.method == "unarmored")
    assert sources(unarmored.breakdown) == {"Unarmored": 10, "Dexterity modifier": 3}


def test_heavy_armor_shows_no_dexterity() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 1), base=scores(dex=8, str=15),
                       equipment=(equipped("armor/plate-armor"),))
    assert derive(sheet).armor_class.breakdown == (Contribution("Plate Armor", 18),)


def test_exhaustion_is_named_in_every_d20_test() -> None:
    sheet = make_sheet((ClassId.ROGUE, 1), base=scores(dex=16),
                       state=PlayState(exhaustion=2),
                       proficiencies=Proficiencies(skills=frozenset({Skill.STEALTH})),
                       equipment=(equipped("weapon/dagger"),))
    d = derive(sheet)
    tired = Contribution("Exhaustion 2", -4)
    assert tired in d.initiative_breakdown
    assert tired in d.saves[Ability.DEX].breakdown
    assert tired in d.skills[Skill.STEALTH].breakdown
    assert tired in d.attacks[0].to_hit_breakdown
    # Passive scores and DCs are not D20 Tests.
    assert tired not in d.skills[Skill.STEALTH].passive_breakdown
    assert all(tired not in dc.breakdown for dc in d.feature_dcs)
    assert Contribution("Exhaustion 2", -10) in d.speed.breakdown


def test_skill_breakdown_names_proficiency_expertise_and_jack_of_all_trades() -> None:
    bard = make_sheet((ClassId.BARD, 5), base=scores(cha=15, dex=14),
                      proficiencies=Proficiencies(
                          skills=frozenset({Skill.PERFORMANCE, Skill.PERSUASION}),
                          expertise=frozenset({Skill.PERFORMANCE})))
    d = derive(bard)
    assert sources(d.skills[Skill.PERFORMANCE].breakdown) == {
        "Charisma modifier": 3, "Expertise (twice the Proficiency bonus)": 6}
    assert sources(d.skills[Skill.PERSUASION].breakdown) == {
        "Charisma modifier": 3, "Proficiency bonus": 3}
    assert sources(d.skills[Skill.ACROBATICS].breakdown) == {
        "Dexterity modifier": 2, "Jack of All Trades (half the Proficiency bonus)": 1}
    assert d.passive_perception_breakdown == (
        Contribution("Passive base", 10), Contribution("Wisdom modifier", 0),
        Contribution("Jack of All Trades (half the Proficiency bonus)", 1))


def test_saves_name_proficiency_and_the_sheet_bonus() -> None:
    sheet = make_sheet((ClassId.WIZARD, 5), base=scores(int=15), bonuses=Bonuses(saves=1))
    d = derive(sheet)
    assert sources(d.saves[Ability.INT].breakdown) == {
        "Intelligence modifier": 3, "Proficiency bonus": 3, "Save bonus (sheet)": 1}
    assert sources(d.saves[Ability.STR].breakdown) == {
        "Strength modifier": 0, "Save bonus (sheet)": 1}


def test_initiative_names_alert() -> None:
    sheet = make_sheet(base=scores(dex=14), feats=(Feat("Alert"),), bonuses=Bonuses(initiative=1))
    d = derive(sheet)
    assert d.initiative_breakdown == (Contribution("Dexterity modifier", 2),
                                      Contribution("Alert (Proficiency bonus)", 2),
                                      Contribution("Initiative bonus (sheet)", 1))


def test_hit_points_per_class_levels_constitution_and_feats() -> None:
    sheet = make_sheet(ClassLevel(ClassId.FIGHTER, 3, hp_rolls=(8, 4)),
                       ClassLevel(ClassId.WIZARD, 2), base=scores(con=14, int=13),
                       species="dwarf", feats=(Feat("Tough"),))
    d = derive(sheet)
    assert d.max_hp_breakdown == (
        Contribution("Fighter level 1 (d10 maximum)", 10),
        Contribution("Fighter levels 2-3 (rolled 8, 4)", 12),
        Contribution("Wizard levels 1-2 (fixed 4 per level)", 8),
        Contribution("Constitution modifier (+2 x 5)", 10),
        Contribution("Tough (+2 per level)", 10),
        Contribution("Dwarven Toughness (+1 per level)", 5),
    )
    assert d.max_hp == 55


def test_hit_points_minimum_of_one_per_level_is_shown() -> None:
    sheet = make_sheet(ClassLevel(ClassId.WIZARD, 3, hp_rolls=(1, 2)), base=scores(con=3))
    d = derive(sheet)
    # 6 - 4 = 2 at level 1; rolls 1 and 2 with Con -4 each give the minimum 1.
    assert d.max_hp == 2 + 1 + 1
    assert Contribution("Minimum 1 Hit Point per level", 4 + 3) in d.max_hp_breakdown


def test_speed_names_species_movement_armor_and_a_stopping_condition() -> None:
    monk = make_sheet((ClassId.MONK, 6), species="elf", lineage="wood-elf",
                      state=PlayState(exhaustion=1))
    assert derive(monk).speed.breakdown == (
        Contribution("Wood Elf speed", 35), Contribution("Unarmored Movement", 15),
        Contribution("Exhaustion 1", -5))
    weak = make_sheet((ClassId.FIGHTER, 1), base=scores(str=14),
                      equipment=(equipped("armor/plate-armor"),),
                      state=PlayState(conditions=frozenset({Condition.GRAPPLED})))
    result = derive(weak).speed
    assert result.walk == 0
    assert result.breakdown == (
        Contribution("Human speed", 30),
        Contribution("Plate Armor without Strength 15", -10),
        Contribution("Grappled (Speed 0)", -20))


def test_speed_never_goes_below_zero() -> None:
    sheet = make_sheet(bonuses=Bonuses(speed=-25), state=PlayState(exhaustion=3))
    result = derive(sheet).speed
    assert result.walk == 0
    assert result.breakdown[-1] == Contribution("Speed cannot go below 0", 10)


def test_attack_bonuses_name_their_sources() -> None:
    sword = equipped("weapon/longsword", magic_bonus=1, name="Longsword +1")
    sheet = make_sheet((ClassId.FIGHTER, 1), base=scores(str=16), equipment=(sword,),
                       feats=(Feat("Dueling"),))
    attack = derive(sheet).attacks[0]
    assert attack.to_hit_breakdown == (
        Contribution("Strength modifier", 3), Contribution("Proficiency bonus", 2),
        Contribution("Longsword +1: magic bonus", 1))
    assert attack.damage_bonus_breakdown == (
        Contribution("Strength modifier", 3), Contribution("Longsword +1: magic bonus", 1),
        Contribution("Fighting Style: Dueling", 2))
    assert attack.damage == "1d8+6 slashing"
    # Two hands: no Dueling.
    assert attack.versatile_damage_bonus == 4
    assert attack.versatile_damage == "1d10+4 slashing"


def test_archery_and_two_weapon_fighting_are_named() -> None:
    bow = make_sheet((ClassId.RANGER, 1), base=scores(dex=14),
                     equipment=(equipped("weapon/longbow"),), feats=(Feat("Archery"),))
    assert Contribution("Fighting Style: Archery", 2) in derive(bow).attacks[0].to_hit_breakdown
    pair = make_sheet((ClassId.FIGHTER, 1), base=scores(dex=16),
                      equipment=(equipped("weapon/shortsword"), equipped("weapon/scimitar")),
                      feats=(Feat("Two-Weapon Fighting"),))
    attack = derive(pair).attacks[0]
    assert attack.off_hand_damage_bonus_breakdown == (
        Contribution("Dexterity modifier (Fighting Style: Two-Weapon Fighting)", 3),)
    plain = make_sheet((ClassId.FIGHTER, 1), base=scores(dex=16),
                       equipment=(equipped("weapon/shortsword"), equipped("weapon/scimitar")))
    off = derive(plain).attacks[0]
    assert (off.off_hand_damage_bonus, off.off_hand_damage_bonus_breakdown) == (
        0, (Contribution("Dexterity modifier (not added)", 0),))


def test_spell_dc_and_attack_bonus_breakdowns() -> None:
    wizard = make_sheet((ClassId.WIZARD, 5), base=scores(int=15))
    casting = derive(wizard).spellcasting[0]
    assert casting.save_dc_breakdown == (
        Contribution("Base DC", 8), Contribution("Intelligence modifier", 3),
        Contribution("Proficiency bonus", 3))
    assert casting.attack_bonus_breakdown == casting.save_dc_breakdown[1:]
    assert (casting.save_dc, casting.attack_bonus) == (14, 6)


def test_feature_dcs_for_grapple_focus_cunning_strike_and_breath_weapon() -> None:
    monk = make_sheet((ClassId.MONK, 5), base=scores(dex=16, wis=14, str=10))
    dcs = {dc.id: dc for dc in derive(monk).feature_dcs}
    # Martial Arts: Dexterity for Grapple and Shove.
    assert dcs["unarmed-strike"].breakdown[1] == Contribution("Dexterity modifier", 3)
    assert dcs["unarmed-strike"].dc == 8 + 3 + 3
    assert dcs["focus"].dc == 8 + 2 + 3
    rogue = make_sheet((ClassId.ROGUE, 5), base=scores(dex=16))
    assert {dc.id: dc.dc for dc in derive(rogue).feature_dcs}["cunning-strike"] == 8 + 3 + 3
    dragonborn = make_sheet(species="dragonborn", lineage="red", base=scores(con=14))
    d = derive(dragonborn)
    breath = {dc.id: dc for dc in d.feature_dcs}["breath-weapon"]
    assert breath.dc == d.species_traits.breath_weapon.save_dc == 8 + 2 + 2  # type: ignore[union-attr]


def test_score_breakdown_shows_background_and_improvements() -> None:
    from rules.enums import ImprovementKind
    from rules.sheet import Improvement

    sheet = make_sheet((ClassId.FIGHTER, 4), base=scores(str=15),
                       background_increases={Ability.INT: 1, Ability.WIS: 1, Ability.CHA: 1},
                       improvements=(Improvement(ImprovementKind.ASI, {Ability.STR: 2}, None,
                                                 ClassId.FIGHTER, 4),))
    d = derive(sheet)
    assert d.score_breakdowns[Ability.STR] == (
        Contribution("Base score", 15), Contribution("Ability Score Improvement", 2))
    assert d.score_breakdowns[Ability.INT] == (
        Contribution("Base score", 10), Contribution("Background: Sage", 1))
