"""Validation: each rule produces its own stable code at the right path."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rules.enums import Ability, ClassId, ImprovementKind, ScoreMethod, Size, Skill
from rules.errors import RuleError
from rules.sheet import (
    Background,
    ClassLevel,
    Currency,
    DeathSaves,
    Feat,
    Improvement,
    PlayState,
    Proficiencies,
    Sheet,
)
from rules.validation import validate, validate_data
from tests.rules.builders import equipped, make_sheet, scores


def codes(sheet: Sheet) -> set[str]:
    return {error.code for error in validate(sheet)}


def find(sheet: Sheet, code: str) -> RuleError:
    matches = [e for e in validate(sheet) if e.code == code]
    assert matches, f"expected {code}, got {validate(sheet)}"
    return matches[0]


def test_default_sheet_is_valid() -> None:
    assert validate(make_sheet()) == []


# ------------------------------------------------------------------ scores


def test_standard_array_must_be_exact() -> None:
    good = scores(str=15, dex=14, con=13, int=12, wis=10, cha=8)
    assert validate(make_sheet(base=good, method=ScoreMethod.STANDARD_ARRAY)) == []
    bad = scores(str=15, dex=15, con=13, int=12, wis=10, cha=8)
    error = find(make_sheet(base=bad, method=ScoreMethod.STANDARD_ARRAY), "standard_array_mismatch")
    assert error.path == "abilities.base"


def test_point_buy_range_and_budget() -> None:
    legal = scores(str=15, dex=15, con=15, int=8, wis=8, cha=8)
    assert validate(make_sheet(base=legal, method=ScoreMethod.POINT_BUY)) == []
    over = scores(str=15, dex=15, con=15, int=9, wis=8, cha=8)
    error = find(make_sheet(base=over, method=ScoreMethod.POINT_BUY), "point_buy_over_budget")
    assert "28" in error.message
    too_high = scores(str=16, dex=8, con=8, int=8, wis=8, cha=8)
    error = find(make_sheet(base=too_high, method=ScoreMethod.POINT_BUY), "point_buy_out_of_range")
    assert error.path == "abilities.base.str"


def test_rolled_and_manual_ranges() -> None:
    assert "rolled_out_of_range" in codes(
        make_sheet(base=scores(str=19), method=ScoreMethod.ROLLED))
    assert "rolled_out_of_range" in codes(make_sheet(base=scores(str=2), method=ScoreMethod.ROLLED))
    assert "score_out_of_range" in codes(make_sheet(base=scores(str=0)))
    assert "score_out_of_range" in codes(make_sheet(base=scores(dex=31)))


def test_increases_cannot_pass_twenty_without_an_epic_boon() -> None:
    sheet = make_sheet(
        (ClassId.FIGHTER, 4), base=scores(str=20),
        background_increases={Ability.INT: 1, Ability.WIS: 1, Ability.CHA: 1},
        improvements=(Improvement(ImprovementKind.ASI, {Ability.STR: 2}, None,
                                  ClassId.FIGHTER, 4),),
    )
    assert find(sheet, "score_above_20").path == "abilities.str"
    boon = make_sheet(
        (ClassId.FIGHTER, 19), base=scores(str=20),
        improvements=(Improvement(ImprovementKind.EPIC_BOON, {Ability.STR: 1}, "Boon of Combat "
                                  "Prowess", ClassId.FIGHTER, 19),),
    )
    assert validate(boon) == []


# ------------------------------------------------------------------ background


def _with_background(abilities: tuple[Ability, ...], increases: dict[Ability, int]) -> Sheet:
    return make_sheet(background=Background("Test", abilities, increases))


@pytest.mark.parametrize(
    "increases",
    [{Ability.STR: 2, Ability.DEX: 1}, {Ability.STR: 1, Ability.DEX: 1, Ability.CON: 1}],
)
def test_background_patterns_allowed(increases: dict[Ability, int]) -> None:
    sheet = _with_background((Ability.STR, Ability.DEX, Ability.CON), increases)
    assert validate(sheet) == []


@pytest.mark.parametrize(
    "increases",
    [{Ability.STR: 3}, {Ability.STR: 2, Ability.DEX: 2}, {Ability.STR: 1, Ability.DEX: 1}, {}],
)
def test_background_patterns_rejected(increases: dict[Ability, int]) -> None:
    sheet = _with_background((Ability.STR, Ability.DEX, Ability.CON), increases)
    assert "background_increase_pattern" in codes(sheet)


def test_background_increase_outside_its_abilities() -> None:
    sheet = _with_background((Ability.STR, Ability.DEX, Ability.CON),
                             {Ability.CHA: 2, Ability.DEX: 1})
    error = find(sheet, "background_increase_not_allowed")
    assert error.path == "background.increases.cha"


def test_background_needs_three_distinct_abilities() -> None:
    sheet = _with_background((Ability.STR, Ability.STR, Ability.CON),
                             {Ability.STR: 2, Ability.CON: 1})
    assert "background_abilities_count" in codes(sheet)


# ------------------------------------------------------------------ classes


def test_level_ranges() -> None:
    assert "level_out_of_range" in codes(make_sheet((ClassId.FIGHTER, 0)))
    assert "level_out_of_range" in codes(make_sheet((ClassId.FIGHTER, 21)))
    big = make_sheet((ClassId.FIGHTER, 15), (ClassId.ROGUE, 6), base=scores(str=13, dex=13))
    assert find(big, "total_level_out_of_range").path == "classes"


def test_duplicate_class_entries() -> None:
    assert "duplicate_class" in codes(make_sheet((ClassId.FIGHTER, 1), (ClassId.FIGHTER, 2),
                                                 base=scores(str=13)))


def test_subclass_only_from_its_level() -> None:
    early = make_sheet(ClassLevel(ClassId.WIZARD, 2, "evoker"))
    assert find(early, "subclass_too_early").path == "classes[0].subclass"
    assert validate(make_sheet(ClassLevel(ClassId.WIZARD, 3, "evoker"))) == []


def test_subclass_must_belong_to_its_class() -> None:
    wrong = make_sheet(ClassLevel(ClassId.WIZARD, 3, "champion"))
    error = find(wrong, "subclass_wrong_class")
    assert "Fighter" in error.message
    homebrew = make_sheet(ClassLevel(ClassId.WIZARD, 3, "school-of-chronurgy"))
    assert validate(homebrew) == []


def test_hp_rolls_count_and_range() -> None:
    assert "hp_rolls_count" in codes(make_sheet(ClassLevel(ClassId.FIGHTER, 3, hp_rolls=(5,))))
    error = find(make_sheet(ClassLevel(ClassId.FIGHTER, 2, hp_rolls=(11,))), "hp_roll_out_of_range")
    assert error.path == "classes[0].hp_rolls[0]"
    # A class added later rolls for every one of its levels.
    multi = make_sheet(ClassLevel(ClassId.FIGHTER, 1), ClassLevel(ClassId.WIZARD, 2, hp_rolls=(3,)),
                       base=scores(str=13, int=13))
    assert "hp_rolls_count" in codes(multi)


def test_multiclass_prerequisites_for_every_class() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 1), (ClassId.MONK, 1), base=scores(str=13, dex=13, wis=11))
    error = find(sheet, "multiclass_prerequisite")  # Wis 12 after background: fails Monk
    assert error.path == "classes[1].class"
    assert "Wis 13" in error.message
    # The starting class's prerequisite counts too once multiclassed.
    weak_start = make_sheet((ClassId.FIGHTER, 1), (ClassId.ROGUE, 1), base=scores(str=12, dex=13))
    assert validate(weak_start) == []  # Fighter needs Str OR Dex 13
    weak = make_sheet((ClassId.FIGHTER, 1), (ClassId.ROGUE, 1), base=scores(str=12, dex=12))
    assert len([e for e in validate(weak) if e.code == "multiclass_prerequisite"]) == 2


# ------------------------------------------------------------------ improvements


def _imp(kind: ImprovementKind, level: int, feat: str | None = None,
         cls: ClassId | None = ClassId.FIGHTER, **inc: int) -> Improvement:
    return Improvement(kind, {Ability(k): v for k, v in inc.items()}, feat, cls, level)


def test_improvements_only_at_asi_levels_reached() -> None:
    assert validate(make_sheet((ClassId.FIGHTER, 6), improvements=(
        _imp(ImprovementKind.ASI, 4, str=2), _imp(ImprovementKind.FEAT, 6, "Tough")))) == []
    assert "improvement_level_invalid" in codes(make_sheet(
        (ClassId.FIGHTER, 6), improvements=(_imp(ImprovementKind.ASI, 5, str=2),)))
    assert "improvement_level_not_reached" in codes(make_sheet(
        (ClassId.FIGHTER, 3), improvements=(_imp(ImprovementKind.ASI, 4, str=2),)))
    assert "improvement_slot_reused" in codes(make_sheet(
        (ClassId.FIGHTER, 4), improvements=(_imp(ImprovementKind.ASI, 4, str=2),
                                            _imp(ImprovementKind.FEAT, 4, "Alert"))))


def test_asi_shape_feat_name_and_source() -> None:
    assert "asi_increase_pattern" in codes(make_sheet(
        (ClassId.FIGHTER, 4), improvements=(_imp(ImprovementKind.ASI, 4, str=3),)))
    assert "asi_increase_pattern" in codes(make_sheet(
        (ClassId.FIGHTER, 4), improvements=(_imp(ImprovementKind.ASI, 4, str=1),)))
    assert "feat_missing" in codes(make_sheet(
        (ClassId.FIGHTER, 4), improvements=(_imp(ImprovementKind.FEAT, 4),)))
    assert "improvement_source_missing" in codes(make_sheet(
        (ClassId.FIGHTER, 4), improvements=(_imp(ImprovementKind.ASI, 4, cls=None, str=2),)))
    other = Improvement(ImprovementKind.OTHER, {Ability.CON: 2}, source="Manual of Bodily Health")
    assert validate(make_sheet(improvements=(other,))) == []


def test_epic_boon_level_and_size() -> None:
    assert "improvement_level_invalid" in codes(make_sheet(
        (ClassId.FIGHTER, 19), improvements=(_imp(ImprovementKind.EPIC_BOON, 16, "Boon", str=1),)))
    assert "epic_boon_increase" in codes(make_sheet(
        (ClassId.FIGHTER, 19), improvements=(_imp(ImprovementKind.EPIC_BOON, 19, "Boon", str=2),)))


# ------------------------------------------------------------------ proficiencies and equipment


def test_expertise_requires_proficiency() -> None:
    sheet = make_sheet(proficiencies=Proficiencies(expertise=frozenset({Skill.ARCANA})))
    assert find(sheet, "expertise_without_proficiency").path == "proficiencies.expertise.arcana"


def test_attunement_limit_and_requirement() -> None:
    ring = replace(equipped("shield"), name="Ring", shield=None, requires_attunement=True,
                   attuned=True)
    assert validate(make_sheet(equipment=(ring,) * 3)) == []
    assert "attunement_limit" in codes(make_sheet(equipment=(ring,) * 4))
    plain = replace(ring, requires_attunement=False)
    assert "attunement_not_required" in codes(make_sheet(equipment=(plain,)))


def test_one_armor_one_shield() -> None:
    armor = equipped("armor/leather-armor")
    shield = equipped("shield")
    assert "multiple_armor" in codes(make_sheet(equipment=(armor, armor)))
    assert "multiple_shields" in codes(make_sheet(equipment=(shield, shield)))


def test_item_and_money_sanity() -> None:
    dagger = equipped("weapon/dagger")
    assert "negative_quantity" in codes(make_sheet(equipment=(replace(dagger, quantity=-1),)))
    assert "magic_bonus_out_of_range" in codes(make_sheet(equipment=(replace(dagger,
                                                                             magic_bonus=4),)))
    broken = replace(dagger, weapon=replace(dagger.weapon, damage_dice="1d"))  # type: ignore[type-var]
    assert "invalid_dice" in codes(make_sheet(equipment=(broken,)))
    assert "negative_currency" in codes(make_sheet(currency=Currency(gp=-1)))
    assert "negative_xp" in codes(make_sheet(xp=-5))


def test_weapon_mastery_count() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 1),
                       weapon_masteries=frozenset({"longsword", "dagger", "maul"}))
    assert validate(sheet) == []
    assert "too_many_masteries" in codes(replace(
        sheet, weapon_masteries=frozenset({"longsword", "dagger", "maul", "spear"})))
    assert "too_many_masteries" in codes(make_sheet((ClassId.WIZARD, 5),
                                                    weapon_masteries=frozenset({"dagger"})))


def test_species_size_and_name() -> None:
    assert "size_not_allowed" in codes(make_sheet(species="halfling", size=Size.MEDIUM))
    assert validate(make_sheet(species="human", size=Size.SMALL)) == []
    nameless = make_sheet()
    nameless = replace(nameless, identity=replace(nameless.identity, name=" "))
    assert find(nameless, "required").path == "identity.name"


# ------------------------------------------------------------------ play state


def test_hp_range() -> None:
    sheet = make_sheet(base=scores(con=10))  # max 10
    assert validate(replace(sheet, state=PlayState(current_hp=10))) == []
    assert "hp_out_of_range" in codes(replace(sheet, state=PlayState(current_hp=11)))
    assert "hp_out_of_range" in codes(replace(sheet, state=PlayState(current_hp=-1)))
    assert "negative_temp_hp" in codes(replace(sheet, state=PlayState(temp_hp=-1)))


def test_death_saves_only_at_zero_hp_and_in_range() -> None:
    dying = PlayState(current_hp=0, death_saves=DeathSaves(2, 1))
    assert validate(make_sheet(state=dying)) == []
    awake = PlayState(current_hp=3, death_saves=DeathSaves(1, 0))
    assert "death_saves_above_zero_hp" in codes(make_sheet(state=awake))
    assert "death_saves_out_of_range" in codes(
        make_sheet(state=PlayState(current_hp=0, death_saves=DeathSaves(4, 0))))


def test_exhaustion_and_concentration() -> None:
    assert "exhaustion_out_of_range" in codes(make_sheet(state=PlayState(exhaustion=7)))
    assert validate(make_sheet(state=PlayState(exhaustion=6))) == []
    assert "multiple_concentration" in codes(
        make_sheet(state=PlayState(concentration=("Bless", "Haste"))))


def test_slots_spent_within_table() -> None:
    wizard = make_sheet((ClassId.WIZARD, 3))  # 4 / 2
    assert validate(replace(wizard, state=PlayState(slots_spent={1: 4, 2: 2}))) == []
    error = find(replace(wizard, state=PlayState(slots_spent={2: 3})), "slots_spent_out_of_range")
    assert error.path == "state.slots_spent.2"
    assert "slots_spent_out_of_range" in codes(replace(wizard, state=PlayState(slots_spent={3: 1})))
    warlock = make_sheet((ClassId.WARLOCK, 2))
    assert "pact_slots_spent_out_of_range" in codes(
        replace(warlock, state=PlayState(pact_slots_spent=3)))
    no_slots = replace(warlock, state=PlayState(slots_spent={1: 1}))
    assert "slots_spent_out_of_range" in codes(no_slots)


def test_hit_dice_spent_within_pool() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 2))
    assert validate(replace(sheet, state=PlayState(hit_dice_spent={10: 2}))) == []
    assert "hit_dice_spent_out_of_range" in codes(
        replace(sheet, state=PlayState(hit_dice_spent={10: 3})))
    assert "hit_dice_spent_out_of_range" in codes(
        replace(sheet, state=PlayState(hit_dice_spent={8: 1})))


def test_resources_known_and_within_maxima() -> None:
    sheet = make_sheet((ClassId.BARBARIAN, 3))
    assert validate(replace(sheet, state=PlayState(resources_spent={"rage": 3}))) == []
    assert "resource_spent_out_of_range" in codes(
        replace(sheet, state=PlayState(resources_spent={"rage": 4})))
    error = find(replace(sheet, state=PlayState(resources_spent={"ki": 1})), "unknown_resource")
    assert "rage" in error.message


def test_validate_data_reports_parse_errors_first() -> None:
    errors = validate_data({"identity": {"name": "X"}})
    assert {e.code for e in errors} >= {"required"}
    assert all(isinstance(e, RuleError) for e in errors)


def test_errors_are_structured_and_readable() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 0), base=scores(str=0))
    for error in validate(sheet):
        assert error.path and error.code and error.message
        assert error.code == error.code.lower() and " " not in error.code
        assert error.as_dict() == {"path": error.path, "code": error.code,
                                   "message": error.message}


# ------------------------------------------------------------------ feats


def test_background_feat_must_be_an_origin_feat() -> None:
    sheet = make_sheet(background=Background("Sage", (Ability.INT, Ability.WIS, Ability.CHA),
                                             {Ability.INT: 2, Ability.WIS: 1}, "Grappler"))
    assert find(sheet, "background_feat_not_origin").path == "background.feat"
    ok = replace(sheet, background=replace(sheet.background, feat="Magic Initiate (Wizard)"))
    assert validate(ok) == []
    unknown = replace(sheet, background=replace(sheet.background, feat="Crafter"))
    assert validate(unknown) == []


def test_feat_prerequisites() -> None:
    wizard = make_sheet((ClassId.WIZARD, 4))
    assert "feat_needs_fighting_style" in codes(replace(wizard, feats=(Feat("Archery"),)))
    assert validate(make_sheet((ClassId.FIGHTER, 1), feats=(Feat("Archery"),))) == []
    boon_early = make_sheet((ClassId.FIGHTER, 4), improvements=(
        Improvement(ImprovementKind.FEAT, {}, "Boon of Fate", ClassId.FIGHTER, 4),))
    assert "feat_level_too_low" in codes(boon_early)


def test_feats_repeat_only_when_repeatable() -> None:
    twice = make_sheet(feats=(Feat("Alert"), Feat("Alert")))
    assert "feat_repeated" in codes(twice)
    initiates = make_sheet(feats=(Feat("Magic Initiate (Cleric)"), Feat("Magic Initiate (Druid)"),
                                  Feat("Magic Initiate (Cleric)")))
    assert "feat_repeated" not in codes(initiates)


def test_feat_ability_and_spellcasting_prerequisites() -> None:
    weak = make_sheet((ClassId.FIGHTER, 4), base=scores(str=12, dex=12), improvements=(
        Improvement(ImprovementKind.FEAT, {Ability.STR: 1}, "Grappler", ClassId.FIGHTER, 4),))
    error = find(weak, "feat_ability_prerequisite")
    assert error.path == "improvements[0].feat" and "STR 13 or DEX 13" in error.message
    # Grappler's own +1 does not count: 12 + 1 is reached only after taking it.
    strong = replace(weak, abilities=replace(weak.abilities, base=scores(str=10, dex=13)))
    assert "feat_ability_prerequisite" not in codes(strong)
    boon = Improvement(ImprovementKind.EPIC_BOON, {Ability.CON: 1}, "Boon of Spell Recall",
                       ClassId.FIGHTER, 19)
    fighter = make_sheet((ClassId.FIGHTER, 19), improvements=(boon,))
    assert "feat_needs_spellcasting" in codes(fighter)
    warlock = make_sheet((ClassId.WARLOCK, 19), improvements=(
        replace(boon, class_id=ClassId.WARLOCK),))
    assert "feat_needs_spellcasting" in codes(warlock)  # Pact Magic is not Spellcasting
    wizard = make_sheet((ClassId.WIZARD, 19), improvements=(
        replace(boon, class_id=ClassId.WIZARD),))
    assert "feat_needs_spellcasting" not in codes(wizard)


# ------------------------------------------------------------------ class choices


def test_class_choices_known_reached_counted_and_prerequisites() -> None:
    def warlock(level: int, **choices: tuple[str, ...]) -> Sheet:
        return make_sheet(ClassLevel(ClassId.WARLOCK, level, choices=choices))

    assert validate(warlock(5, invocations=("pact-of-the-blade", "thirsting-blade",
                                            "agonizing-blast"))) == []
    too_many = warlock(1, invocations=("armor-of-shadows", "eldritch-mind"))
    assert find(too_many, "too_many_choices").path == "classes[0].choices.invocations"
    early = warlock(2, invocations=("thirsting-blade", "pact-of-the-blade"))
    assert {e.code for e in validate(early)} == {"choice_option_too_early"}
    missing = warlock(5, invocations=("thirsting-blade", "eldritch-mind"))
    assert find(missing, "choice_option_prerequisite").path == (
        "classes[0].choices.invocations[0]")
    twice = warlock(5, invocations=("eldritch-mind", "eldritch-mind"))
    assert find(twice, "choice_option_repeated").path == "classes[0].choices.invocations[1]"
    repeatable = warlock(5, invocations=("agonizing-blast", "agonizing-blast"))
    assert validate(repeatable) == []
    wrong_class = make_sheet(ClassLevel(ClassId.FIGHTER, 3, choices={"metamagic": ("twinned",)}))
    assert find(wrong_class, "unknown_choice").path == "classes[0].choices.metamagic"
    sorcerer = make_sheet(ClassLevel(ClassId.SORCERER, 1,
                                     choices={"metamagic": ("twinned-spell",)}))
    assert "choice_too_early" in codes(sorcerer)
    cleric = make_sheet(ClassLevel(ClassId.CLERIC, 1, choices={"divine-order": ("wizard",)}))
    assert find(cleric, "unknown_choice_option").path == "classes[0].choices.divine-order[0]"


def test_lineage_ability_only_for_lineages_with_spells() -> None:
    elf = make_sheet(species="elf", lineage="high-elf")
    assert validate(replace(elf, identity=replace(elf.identity,
                                                  lineage_ability=Ability.WIS))) == []
    strong = replace(elf, identity=replace(elf.identity, lineage_ability=Ability.STR))
    assert "lineage_ability_not_allowed" in codes(strong)
    orc = make_sheet(species="orc")
    orc = replace(orc, identity=replace(orc.identity, lineage_ability=Ability.INT))
    assert find(orc, "lineage_ability_not_applicable").path == "identity.lineage_ability"


def test_rolled_scores_must_be_the_rolls_of_their_seed() -> None:
    from rules.abilities import roll_ability_scores
    from rules.sheet import AbilityScores

    rolls = roll_ability_scores(99).scores
    base = dict(zip(Ability, reversed(rolls), strict=True))
    good = make_sheet(abilities=AbilityScores(ScoreMethod.ROLLED, base, 99))
    assert "rolled_scores_mismatch" not in codes(good)
    other = next(v for v in range(3, 19) if v not in rolls)
    bad = make_sheet(abilities=AbilityScores(ScoreMethod.ROLLED, {**base, Ability.STR: other},
                                             99))
    assert find(bad, "rolled_scores_mismatch").path == "abilities.base"
    seeded_array = make_sheet(abilities=AbilityScores(
        ScoreMethod.STANDARD_ARRAY, dict(zip(Ability, (15, 14, 13, 12, 10, 8), strict=True)), 1))
    assert find(seeded_array, "seed_not_applicable").path == "abilities.seed"
