"""Guided creation: options for partial drafts, legal builds with each ability method, and every
kind of illegal build refused with a path and a code."""

from __future__ import annotations

import copy
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from rules.abilities import roll_ability_scores
from rules.cli import EXIT_INVALID, EXIT_OK, main
from rules.creation import build_character, creation_options
from rules.derive import derive
from rules.enums import Ability, ClassId, Skill
from rules.parse import parse_sheet
from rules.serialize import creation_options_to_dict, sheet_to_dict
from rules.validation import validate

STANDARD = {"str": 15, "dex": 13, "con": 14, "int": 8, "wis": 12, "cha": 10}


def fighter_draft(**changes: Any) -> dict[str, Any]:
    """A complete Human Fighter / Soldier draft; ``changes`` replace top-level sections."""
    draft: dict[str, Any] = {
        "identity": {"name": "Brenna Holt", "species": "human", "size": "medium"},
        "classes": [{"class": "fighter"}],
        "background": {"name": "Soldier", "increases": {"str": 2, "con": 1}},
        "abilities": {"method": "standard-array", "base": dict(STANDARD)},
        "proficiencies": {"skills": ["perception", "survival", "history"],
                          "languages": ["dwarvish", "orc"], "tools": ["Dice"]},
        "feats": [{"name": "Defense", "source": "Fighting Style"},
                  {"name": "Alert", "source": "Human Versatile"}],
        "weapon_masteries": ["longsword", "greatsword", "javelin"],
        "starting_equipment": {"class": "a", "background": "b"},
    }
    draft.update(changes)
    return draft


def codes(draft: dict[str, Any], **kwargs: Any) -> set[str]:
    return {e.code for e in build_character(draft, **kwargs).errors}


def pending_ids(draft: dict[str, Any]) -> list[str]:
    return [p.id for p in creation_options(draft).pending]


# ------------------------------------------------------------------ options step by step


def test_an_empty_draft_offers_every_first_step() -> None:
    options = creation_options({})
    assert len(options.classes) == 12 and len(options.backgrounds) == 4
    assert {s.slug for s in options.species} == {
        "dragonborn", "dwarf", "elf", "gnome", "goliath", "halfling", "human", "orc", "tiefling"}
    assert pending_ids({}) == ["class", "background", "species", "ability-method", "languages"]
    assert options.problems == () and not options.complete
    assert options.abilities.standard_array == (15, 14, 13, 12, 10, 8)
    assert options.abilities.point_buy_costs[14] == 7 and options.abilities.point_buy_budget == 27


def test_choosing_a_class_opens_its_choices() -> None:
    draft = {"classes": [{"class": "fighter"}]}
    options = creation_options(draft)
    by_id = {p.id: p for p in options.pending}
    assert by_id["class-equipment"].options == ("a", "b", "c")
    assert by_id["weapon-masteries"].count == 3
    assert "longbow" in by_id["weapon-masteries"].options
    assert by_id["fighting-style"].options == (
        "archery", "defense", "dueling", "great-weapon-fighting", "two-weapon-fighting")
    assert options.abilities.suggested == dict(zip(Ability, (15, 14, 13, 8, 10, 12), strict=True))
    cleric = {p.id: p for p in creation_options({"classes": [{"class": "cleric"}]}).pending}
    assert cleric["divine-order"].options == ("protector", "thaumaturge")
    warlock = {p.id: p for p in creation_options({"classes": [{"class": "warlock"}]}).pending}
    # Level 1 invocations only: no Agonizing Blast (level 2) yet.
    assert "pact-of-the-tome" in warlock["invocations"].options
    assert "agonizing-blast" not in warlock["invocations"].options


def test_species_and_background_steps() -> None:
    draft = {"identity": {"species": "elf"}, "background": {"name": "Sage"}}
    by_id = {p.id: p for p in creation_options(draft).pending}
    assert by_id["lineage"].options == ("drow", "high-elf", "wood-elf")
    assert by_id["lineage-ability"].options == ("int", "wis", "cha")
    assert by_id["background-increases"].options == ("con", "int", "wis")
    human = {p.id: p for p in creation_options({"identity": {"species": "human"}}).pending}
    assert human["size"].options == ("small", "medium")
    assert "skilled" in human["origin-feat"].options


def test_remaining_skill_choices_follow_the_grants() -> None:
    draft = fighter_draft(proficiencies={"skills": ["perception"], "languages": []})
    skills = [p for p in creation_options(draft).pending if p.id == "skills"]
    fighter = next(p for p in skills if p.source == "Fighter level 1")
    assert fighter.count == 1
    # Athletics and Intimidation come with the Soldier background; Perception is taken.
    assert "athletics" not in fighter.options and "perception" not in fighter.options
    assert set(fighter.options) <= {"acrobatics", "animal-handling", "history", "insight",
                                    "persuasion", "survival"}
    human = next(p for p in skills if p.source.startswith("Skillful"))
    assert human.count == 1 and len(human.options) == 18 - 3


def test_point_buy_and_standard_array_show_what_is_left() -> None:
    draft = {"abilities": {"method": "point-buy", "base": {"str": 15, "dex": 15, "con": 15}}}
    scores = next(p for p in creation_options(draft).pending if p.id == "ability-scores")
    assert scores.count == 3
    assert scores.options == ("8",)  # 27 - 3 x 9 = 0 points left
    array = {"abilities": {"method": "standard-array", "base": {"str": 15, "dex": 14}}}
    left = next(p for p in creation_options(array).pending if p.id == "ability-scores")
    assert left.options == ("13", "12", "10", "8")


def test_partial_drafts_report_what_is_already_illegal() -> None:
    over = {"abilities": {"method": "point-buy",
                          "base": {"str": 15, "dex": 15, "con": 15, "int": 13}}}
    assert {e.code for e in creation_options(over).problems} == {"point_buy_over_budget"}
    manual = {"abilities": {"method": "manual"}}
    assert {e.code for e in creation_options(manual).problems} == {"creation_method"}
    wrong = {"abilities": {"method": "standard-array", "base": {"str": 16}}}
    problem = creation_options(wrong).problems[0]
    assert (problem.path, problem.code) == ("abilities.base.str", "standard_array_mismatch")


# ------------------------------------------------------------------ legal builds


def _assert_legal(result_draft: dict[str, Any]) -> dict[str, Any]:
    result = build_character(result_draft)
    assert result.errors == (), result.errors
    assert result.document is not None and result.sheet is not None
    sheet = parse_sheet(result.document)
    assert validate(sheet) == []
    assert sheet_to_dict(parse_sheet(sheet_to_dict(sheet))) == sheet_to_dict(sheet)
    return result.document


def test_standard_array_fighter_is_built_with_everything_its_choices_imply() -> None:
    document = _assert_legal(fighter_draft())
    assert document["background"]["feat"] == "Savage Attacker"
    assert document["background"]["abilities"] == ["str", "dex", "con"]
    assert set(document["proficiencies"]["skills"]) == {
        "athletics", "intimidation", "perception", "survival", "history"}
    assert "common" in document["proficiencies"]["languages"]
    refs = [item.get("ref") for item in document["equipment"]]
    assert refs[:4] == ["armor/chain-mail", "weapon/greatsword", "weapon/flail", "weapon/javelin"]
    assert document["currency"] == {"gp": 4 + 50}  # option A plus the background's gold
    d = derive(parse_sheet(document))
    assert d.armor_class.value == 16 + 1  # chain mail worn, Defense
    assert d.attacks[0].name == "Greatsword"
    assert d.max_hp == 10 + 2  # Con 14 + 1 = 15


def test_point_buy_rogue_with_expertise_and_thieves_cant() -> None:
    draft = {
        "identity": {"name": "Vex", "species": "halfling", "size": "small"},
        "classes": [{"class": "rogue"}],
        "background": {"name": "Criminal", "increases": {"dex": 2, "int": 1}},
        "abilities": {"method": "point-buy",
                      "base": {"str": 8, "dex": 15, "con": 14, "int": 13, "wis": 12, "cha": 10}},
        "proficiencies": {"skills": ["acrobatics", "perception", "investigation", "deception"],
                          "expertise": ["stealth", "perception"],
                          "languages": ["halfling", "elvish", "undercommon"]},
        "weapon_masteries": ["dagger", "shortbow"],
        "starting_equipment": {"class": "a", "background": "a"},
    }
    document = _assert_legal(draft)
    assert {"thieves-cant", "common"} <= set(document["proficiencies"]["languages"])
    assert "Thieves' Tools" in document["proficiencies"]["tools"]
    d = derive(parse_sheet(document))
    assert d.skills[Skill.STEALTH].proficiency == "expertise"  # from the background, doubled
    assert document["currency"] == {"gp": 8 + 16}


def test_rolled_wizard_uses_the_server_seed() -> None:
    rolled = roll_ability_scores("character-7f3a")
    order = sorted(rolled.scores, reverse=True)  # best score to Int, then Con, Dex, ...
    base = dict(zip(["int", "con", "dex", "wis", "cha", "str"], order, strict=True))
    draft: dict[str, Any] = {
        "identity": {"name": "Quill", "species": "gnome", "lineage": "rock-gnome",
                     "lineage_ability": "int", "size": "small"},
        "classes": [{"class": "wizard"}],
        "background": {"name": "Sage", "increases": {"int": 1, "con": 1, "wis": 1}},
        "abilities": {"method": "rolled", "base": base, "seed": "character-7f3a"},
        "proficiencies": {"skills": ["investigation", "medicine"],
                          "languages": ["gnomish", "draconic"]},
        "starting_equipment": {"class": "a", "background": "b"},
    }
    options = creation_options(draft)
    assert options.abilities.rolled == rolled
    document = _assert_legal(draft)
    assert document["abilities"]["seed"] == "character-7f3a"
    # A different assignment of the same rolls is fine; other numbers are not.
    swapped = copy.deepcopy(draft)
    swapped["abilities"]["base"]["int"], swapped["abilities"]["base"]["str"] = (
        base["str"], base["int"])
    assert build_character(swapped).errors == ()
    cheat = copy.deepcopy(draft)
    cheat["abilities"]["base"]["str"] = 18 if base["str"] != 18 else 17
    assert "rolled_scores_mismatch" in codes(cheat)


def test_rolls_are_four_d6_dropping_the_lowest_and_repeatable() -> None:
    rolled = roll_ability_scores(1234)
    assert rolled.scores == roll_ability_scores("1234").scores  # the seed is read as text
    assert rolled.dice != roll_ability_scores(1235).dice
    for dice, score in zip(rolled.dice, rolled.scores, strict=True):
        assert len(dice) == 4 and all(1 <= die <= 6 for die in dice)
        assert score == sum(dice) - min(dice)
    spread = Counter(s for seed in range(300) for s in roll_ability_scores(seed).scores)
    assert min(spread) >= 3 and max(spread) == 18


def test_incomplete_drafts_name_each_missing_choice() -> None:
    draft = fighter_draft(feats=[], weapon_masteries=["longsword"])
    result = build_character(draft)
    missing = {e.path for e in result.errors if e.code == "choice_missing"}
    assert missing == {"weapon_masteries", "feats"}
    assert build_character(draft, require_complete=False).errors == ()


# ------------------------------------------------------------------ illegal builds


def _with(section: str, **values: Any) -> dict[str, Any]:
    draft = fighter_draft()
    draft[section] = {**draft[section], **values}
    return draft


@pytest.mark.parametrize(("draft", "code", "path"), [
    (_with("proficiencies", skills=["perception", "survival", "history", "acrobatics"]),
     "too_many_skills", "proficiencies.skills"),
    (_with("proficiencies", skills=["perception", "survival", "history", "acrobatics",
                                    "insight", "nature"]),
     "too_many_skills", "proficiencies.skills"),
    (_with("proficiencies", expertise=["athletics"]), "expertise_not_granted",
     "proficiencies.expertise.athletics"),
    (_with("abilities", method="point-buy",
           base={"str": 15, "dex": 15, "con": 15, "int": 10, "wis": 8, "cha": 8}),
     "point_buy_over_budget", "abilities.base"),
    (_with("abilities", method="manual",
           base={**STANDARD, "str": 19}), "score_above_20", "abilities.str"),
    (_with("abilities", method="manual"), "creation_method", "abilities.method"),
    (_with("abilities", method="rolled", base=dict(STANDARD)), "rolled_seed_missing",
     "abilities.seed"),
    (_with("starting_equipment", **{"class": "d"}), "unknown_equipment_option",
     "starting_equipment.class"),
    (_with("proficiencies", languages=["dwarvish", "abyssal"]), "language_not_available",
     "proficiencies.languages.abyssal"),
    (_with("proficiencies", languages=["dwarvish", "orc", "elvish"]), "too_many_languages",
     "proficiencies.languages"),
    (_with("background", feat="Alert"), "background_feat_mismatch", "background.feat"),
    (_with("background", abilities=["str", "dex", "wis"], increases={"str": 2, "dex": 1}),
     "background_abilities_mismatch", "background.abilities"),
    (fighter_draft(weapon_masteries=["longsword", "greatsword", "blowgun", "dagger"]),
     "too_many_masteries", "weapon_masteries"),
    (fighter_draft(feats=[{"name": "Defense", "source": "Fighting Style"},
                          {"name": "Archery", "source": "Human Versatile"}]),
     "feat_not_granted", "feats[1]"),
    (fighter_draft(feats=[{"name": "Defense"}, {"name": "Grappler"}]),
     "feat_level_too_low", "feats[1]"),
    (fighter_draft(classes=[{"class": "fighter", "level": 2}]), "creation_level", "classes"),
    (fighter_draft(equipment=[{"name": "Holy Avenger"}]), "creation_equipment", "equipment"),
    (fighter_draft(currency={"gp": 1000}), "creation_currency", "currency"),
    (fighter_draft(xp=300), "creation_xp", "xp"),
])
def test_illegal_builds_are_refused(draft: dict[str, Any], code: str, path: str) -> None:
    result = build_character(draft)
    assert result.document is None
    assert (path, code) in {(e.path, e.code) for e in result.errors}, result.errors


def test_a_skill_the_class_and_background_do_not_offer() -> None:
    draft = {**fighter_draft(identity={"name": "D", "species": "dwarf"}),
             "feats": [{"name": "Defense"}]}
    draft["proficiencies"] = {**draft["proficiencies"], "skills": ["perception", "arcana"]}
    errors = build_character(draft).errors
    assert ("proficiencies.skills.arcana", "skill_not_granted") in {
        (e.path, e.code) for e in errors}


def test_a_mastery_outside_the_class_scope() -> None:
    draft = fighter_draft(classes=[{"class": "barbarian"}], feats=[{"name": "Alert"}],
                          weapon_masteries=["greataxe", "longbow"])
    draft["proficiencies"] = {**draft["proficiencies"], "skills": ["perception", "survival",
                                                                  "nature"]}
    errors = {(e.path, e.code) for e in build_character(draft).errors}
    assert ("weapon_masteries", "mastery_not_allowed") in errors


def test_class_choices_are_checked() -> None:
    draft = fighter_draft(classes=[{"class": "cleric", "choices": {"divine-order": "warden"}}],
                          feats=[{"name": "Alert"}], weapon_masteries=[])
    draft["proficiencies"] = {**draft["proficiencies"], "skills": ["insight", "medicine",
                                                                  "history"]}
    errors = {(e.path, e.code) for e in build_character(draft).errors}
    assert ("classes[0].choices.divine-order[0]", "unknown_choice_option") in errors
    draft["classes"] = [{"class": "cleric", "choices": {"divine-order": "protector"}}]
    assert build_character(draft).errors == ()


# ------------------------------------------------------------------ command line


def test_cli_options_and_create(tmp_path: Path) -> None:
    good = tmp_path / "draft.json"
    good.write_text(json.dumps(fighter_draft()))
    out, err = io.StringIO(), io.StringIO()
    assert main(["create", str(good)], out, err) == EXIT_OK
    assert json.loads(out.getvalue())["document"]["classes"] == [{"class": "fighter", "level": 1}]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_with("abilities", method="manual")))
    out = io.StringIO()
    assert main(["create", str(bad)], out, err) == EXIT_INVALID
    assert json.loads(out.getvalue())["valid"] is False
    out = io.StringIO()
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps({"classes": [{"class": "rogue"}]}))
    assert main(["options", str(partial)], out, err) == EXIT_OK
    data = json.loads(out.getvalue())
    rogue = next(c for c in data["classes"] if c["class_id"] == "rogue")
    assert rogue["skills"]["count"] == 4 and rogue["weapon_masteries"] == 2
    assert data["complete"] is False
    assert data == json.loads(json.dumps(creation_options_to_dict(
        creation_options({"classes": [{"class": "rogue"}]}))))


def test_every_class_can_finish_a_legal_build() -> None:
    """Drive the options to completion for each class: take the first legal option of every
    open step, as a guided client would."""
    for class_id in ClassId:
        draft: dict[str, Any] = {
            "identity": {"name": f"Test {class_id.value}", "species": "dwarf"},
            "classes": [{"class": class_id.value}],
            "background": {"name": "Acolyte", "increases": {"int": 1, "wis": 1, "cha": 1}},
            "abilities": {"method": "standard-array",
                          "base": dict(zip([a.value for a in Ability],
                                           (15, 14, 13, 12, 10, 8), strict=True))},
            "proficiencies": {},
        }
        for _ in range(20):
            open_steps = [p for p in creation_options(draft).pending if not p.optional]
            if not open_steps:
                break
            _answer(draft, open_steps[0])
        result = build_character(draft)
        assert result.errors == (), (class_id, result.errors)


def _answer(draft: dict[str, Any], step: Any) -> None:
    picks = list(step.options[: step.count])
    profs = draft.setdefault("proficiencies", {})
    if step.id in ("skills", "expertise", "languages", "tools"):
        key = step.path.rsplit(".", 1)[1]
        profs[key] = [*profs.get(key, []), *picks]
    elif step.id == "weapon-masteries":
        draft["weapon_masteries"] = [*draft.get("weapon_masteries", []), *picks]
    elif step.id == "fighting-style":
        draft.setdefault("feats", []).append(picks[0])
    elif step.id in ("class-equipment", "background-equipment"):
        draft.setdefault("starting_equipment", {})[step.path.rsplit(".", 1)[1]] = picks[0]
    elif step.path.startswith("classes[0].choices."):
        draft["classes"][0].setdefault("choices", {})[step.id] = picks
    else:
        raise AssertionError(f"unexpected step {step}")
