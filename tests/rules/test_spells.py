"""Spells known and prepared against the class lists and tables; skill and Expertise counts
against their grants (both part of ``validate``)."""

from __future__ import annotations

from rules.creation import creation_options
from rules.derive import derive
from rules.enums import ClassId, Skill
from rules.sheet import ClassLevel, Proficiencies, Sheet, SpellEntry, slugify
from rules.spellcasting import CasterLevels
from rules.spells import SRD_SPELLS, SpellFacts, highest_spell_level
from rules.validation import validate
from tests.rules import srd
from tests.rules.builders import make_sheet, scores


def codes(sheet: Sheet, **kw: object) -> set[tuple[str, str]]:
    return {(e.path, e.code) for e in validate(sheet, **kw)}  # type: ignore[arg-type]


def wizard(level: int, *spells: SpellEntry) -> Sheet:
    return make_sheet((ClassId.WIZARD, level), base=scores(int=15), spells=spells)


def w(name: str, prepared: bool = True) -> SpellEntry:
    return SpellEntry(name, ClassId.WIZARD, prepared)


def test_the_embedded_lists_are_the_srd_lists() -> None:
    rows = srd.open5e("Spell")
    assert len(SRD_SPELLS) == len(rows) == 339
    for fields in rows.values():
        facts = SRD_SPELLS[slugify(fields["name"])]
        assert facts.level == fields["level"]
        assert {c.value for c in facts.classes} == {
            c.removeprefix("srd-2024_") for c in fields["classes"]}


def test_a_legal_spell_list_and_the_derived_spells() -> None:
    sheet = wizard(1, w("Fire Bolt"), w("Light"), w("Mage Hand"), w("Magic Missile"),
                   w("Shield"), w("Sleep"), w("Detect Magic"), w("Identify", prepared=False))
    assert validate(sheet) == []
    line = next(s for s in derive(sheet).spells if s.name == "Magic Missile")
    assert (line.level, line.class_id, line.save_dc, line.attack_bonus) == (
        1, ClassId.WIZARD, 8 + 2 + 3, 2 + 3)


def test_spells_off_the_list_too_high_or_too_many() -> None:
    assert ("spells[0].name", "spell_not_on_class_list") in codes(wizard(5, w("Cure Wounds")))
    assert ("spells[0].name", "spell_level_too_high") in codes(wizard(4, w("Fireball")))
    assert codes(wizard(5, w("Fireball"))) == set()
    cantrips = [w(n) for n in ("Fire Bolt", "Light", "Mage Hand", "Minor Illusion")]
    assert ("spells", "too_many_cantrips") in codes(wizard(1, *cantrips))
    assert codes(wizard(4, *cantrips)) == set()  # four cantrips at Wizard 4
    prepared = [w(n) for n in ("Magic Missile", "Shield", "Sleep", "Detect Magic", "Identify")]
    assert ("spells", "too_many_prepared") in codes(wizard(1, *prepared))
    unprepared = [*prepared[:4], w("Identify", prepared=False)]
    assert codes(wizard(1, *unprepared)) == set()  # the spellbook may hold more


def test_unknown_spells_and_the_callers_index() -> None:
    homebrew = SpellEntry("Zorbo's Zap", ClassId.WIZARD)
    assert ("spells[0].name", "unknown_spell") in codes(wizard(1, homebrew))
    index = {"zorbos-zap": SpellFacts(1, frozenset({ClassId.WIZARD}))}
    assert codes(wizard(1, homebrew), spells=index) == set()
    wrong_class = {"zorbos-zap": SpellFacts(1, frozenset({ClassId.CLERIC}))}
    assert ("spells[0].name", "spell_not_on_class_list") in codes(wizard(1, homebrew),
                                                                 spells=wrong_class)


def test_spells_from_other_sources_count_against_no_table() -> None:
    feat = SpellEntry("Guidance", source="Magic Initiate (Cleric)")
    extra = SpellEntry("Cure Wounds", source="Magic Initiate (Cleric)")
    cantrips = [w(n) for n in ("Fire Bolt", "Light", "Mage Hand")]
    assert codes(wizard(1, *cantrips, feat, extra)) == set()
    assert ("spells[1].name", "spell_repeated") in codes(wizard(1, w("Light"), w("Light")))
    fighter = make_sheet((ClassId.FIGHTER, 3), spells=(SpellEntry("Light", ClassId.FIGHTER),))
    assert ("spells[0].class", "spell_class_not_taken") in codes(fighter)


def test_magical_secrets_and_pact_of_the_tome_widen_the_lists() -> None:
    cure = SpellEntry("Fireball", ClassId.BARD)
    assert ("spells[0].name", "spell_not_on_class_list") in codes(
        make_sheet((ClassId.BARD, 9), spells=(cure,)))
    assert codes(make_sheet((ClassId.BARD, 10), spells=(cure,))) == set()
    tome = ClassLevel(ClassId.WARLOCK, 1, choices={"invocations": ("pact-of-the-tome",)})
    sacred = SpellEntry("Sacred Flame", ClassId.WARLOCK)
    assert codes(make_sheet(tome, spells=(sacred,))) == set()
    plain = make_sheet((ClassId.WARLOCK, 1), spells=(sacred,))
    assert ("spells[0].name", "spell_not_on_class_list") in codes(plain)


def test_warlock_pact_level_and_mystic_arcanum() -> None:
    def warlock(level: int, *spells: SpellEntry) -> Sheet:
        return make_sheet((ClassId.WARLOCK, level), spells=spells)

    assert highest_spell_level(CasterLevels(ClassId.WARLOCK, 9)) == 5
    gate = SpellEntry("Circle of Death", ClassId.WARLOCK)  # level 6
    assert ("spells[0].source", "spell_needs_mystic_arcanum") in codes(warlock(11, gate))
    arcanum = SpellEntry("Circle of Death", ClassId.WARLOCK, source="Mystic Arcanum")
    assert codes(warlock(11, arcanum)) == set()
    assert ("spells[0].name", "spell_level_too_high") in codes(warlock(10, arcanum))


def test_half_casters_use_their_own_table() -> None:
    paladin = make_sheet((ClassId.PALADIN, 5), spells=(SpellEntry("Aid", ClassId.PALADIN),))
    assert codes(paladin) == set()
    early = make_sheet((ClassId.PALADIN, 4), spells=(SpellEntry("Aid", ClassId.PALADIN),))
    assert ("spells[0].name", "spell_level_too_high") in codes(early)


def test_feature_cantrips_raise_the_cantrip_count() -> None:
    picks = tuple(SpellEntry(n, ClassId.CLERIC) for n in ("Guidance", "Light", "Thaumaturgy",
                                                          "Sacred Flame"))
    plain = make_sheet((ClassId.CLERIC, 1), spells=picks)
    assert ("spells", "too_many_cantrips") in codes(plain)
    thaumaturge = make_sheet(ClassLevel(ClassId.CLERIC, 1,
                                        choices={"divine-order": ("thaumaturge",)}), spells=picks)
    assert codes(thaumaturge) == set()


def test_creation_offers_the_class_spells_of_level_one() -> None:
    options = creation_options({"identity": {"name": "Q", "species": "dwarf"},
                                "classes": [{"class": "wizard"}],
                                "background": {"name": "Sage",
                                               "increases": {"int": 2, "wis": 1}},
                                "abilities": {"method": "standard-array", "base": {
                                    "str": 8, "dex": 13, "con": 14, "int": 15, "wis": 12,
                                    "cha": 10}}})
    steps = {p.id: p for p in options.pending}
    assert steps["cantrips"].count == 3 and "fire-bolt" in steps["cantrips"].options
    assert steps["spells"].count == 4 and "magic-missile" in steps["spells"].options
    assert "fireball" not in steps["spells"].options
    assert steps["spells"].class_id is ClassId.WIZARD


# ------------------------------------------------------------------ skill and Expertise grants


def test_validate_counts_skills_against_their_grants() -> None:
    rogue = make_sheet((ClassId.ROGUE, 1), species="dwarf", proficiencies=Proficiencies(
        skills=frozenset({Skill.STEALTH, Skill.ACROBATICS, Skill.DECEPTION, Skill.INSIGHT,
                          Skill.ARCANA, Skill.HISTORY})))
    # Four from the Rogue list, Arcana and History from the Sage background.
    assert validate(rogue) == []
    too_many = make_sheet((ClassId.ROGUE, 1), species="dwarf", proficiencies=Proficiencies(
        skills=frozenset({Skill.STEALTH, Skill.ACROBATICS, Skill.DECEPTION, Skill.INSIGHT,
                          Skill.ARCANA, Skill.HISTORY, Skill.PERCEPTION})))
    assert ("proficiencies.skills", "too_many_skills") in codes(too_many)
    not_offered = make_sheet((ClassId.ROGUE, 1), species="dwarf", proficiencies=Proficiencies(
        skills=frozenset({Skill.NATURE})))
    assert ("proficiencies.skills.nature", "skill_not_granted") in codes(not_offered)
    # Five skills from the Rogue list: six picks in all, but only four can take them.
    unfit = make_sheet((ClassId.ROGUE, 1), species="dwarf", proficiencies=Proficiencies(
        skills=frozenset({Skill.STEALTH, Skill.ACROBATICS, Skill.DECEPTION, Skill.INSIGHT,
                          Skill.PERCEPTION})))
    assert {code for _, code in codes(unfit)} == {"skill_not_assignable"}


def test_validate_counts_expertise_by_class_level() -> None:
    skills = frozenset({Skill.STEALTH, Skill.ACROBATICS, Skill.DECEPTION, Skill.INSIGHT})
    def rogue(level: int, expertise: frozenset[Skill]) -> Sheet:
        return make_sheet((ClassId.ROGUE, level), proficiencies=Proficiencies(
            skills=skills, expertise=expertise))

    two = frozenset({Skill.STEALTH, Skill.ACROBATICS})
    four = skills
    assert validate(rogue(1, two)) == []
    assert ("proficiencies.expertise", "too_much_expertise") in codes(rogue(5, four))
    assert validate(rogue(6, four)) == []
    scholar = make_sheet((ClassId.WIZARD, 2), base=scores(int=15), proficiencies=Proficiencies(
        skills=frozenset({Skill.ARCANA, Skill.INSIGHT}), expertise=frozenset({Skill.INSIGHT})))
    assert ("proficiencies.expertise.insight", "expertise_not_granted") in codes(scholar)
