"""Creation tables against the SRD 5.2 data: class skills and starting equipment, backgrounds,
languages, class choices (Metamagic, Eldritch Invocations)."""

from __future__ import annotations

import re

import pytest

from rules.class_choices import CHOICES
from rules.class_numbers import weapon_mastery_count
from rules.creation import mastery_weapons
from rules.creation_data import (
    BACKGROUNDS,
    CLASS_CREATION,
    RARE_LANGUAGES,
    STANDARD_LANGUAGES,
    TOOL_KINDS,
)
from rules.enums import ClassId, Skill
from rules.equipment import catalog_item
from rules.sheet import slugify
from tests.rules import srd


def _core_traits(class_id: ClassId) -> dict[str, str]:
    text = srd.open5e("ClassFeature")[f"{class_id.value}_core-traits"]["desc"]
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 2 and cells[0] and not cells[0].startswith("-"):
            rows[cells[0]] = cells[1]
    return rows


def _skill_names(text: str) -> set[str]:
    text = text.replace("Na ture", "Nature").replace("In sight", "Insight")
    listed = text.split(":", 1)[1].replace(" or ", ", ").replace("from ", "")
    return {slugify(name) for name in listed.split(",") if name.strip()}


@pytest.mark.parametrize("class_id", list(ClassId))
def test_class_skill_choices_match_the_srd(class_id: ClassId) -> None:
    row = _core_traits(class_id)["Skill Proficiencies"]
    choice = CLASS_CREATION[class_id].skills
    count = int(re.search(r"(\d)", row).group(1))  # type: ignore[union-attr]
    assert choice.count == count
    if "any" in row:
        assert set(choice.options) == set(Skill)
    else:
        assert {s.value for s in choice.options} == _skill_names(row)


@pytest.mark.parametrize("class_id", list(ClassId))
def test_class_starting_equipment_gold_matches_the_srd(class_id: ClassId) -> None:
    text = _core_traits(class_id)["Starting Equipment"]
    golds = [int(g) for g in re.findall(r"(\d+) GP", text)]
    options = CLASS_CREATION[class_id].equipment
    assert [o.gp for o in options] == golds
    assert [o.label for o in options] == ["a", "b", "c"][: len(options)]
    # The last option is gold only; the others hold the named items.
    assert options[-1].items == ()
    for option in options[:-1]:
        for item in option.items:
            if item.ref is not None:
                catalog_item(item.ref)  # every ref resolves
                # The transcription splits some words ("Ar mor"): compare without spaces.
                head = item.name.split(" (")[0].rstrip("s").replace(" ", "").lower()
                assert head in text.replace(" ", "").lower(), item.name


def test_class_mastery_counts_and_scopes() -> None:
    for class_id, creation in CLASS_CREATION.items():
        count = weapon_mastery_count(class_id, 1)
        assert (creation.mastery_scope is None) == (count == 0), class_id
    assert "longbow" not in mastery_weapons(ClassId.BARBARIAN)  # melee only
    assert "greataxe" in mastery_weapons(ClassId.BARBARIAN)
    assert "longbow" in mastery_weapons(ClassId.FIGHTER)
    rogue = mastery_weapons(ClassId.ROGUE)
    assert "rapier" in rogue and "shortbow" in rogue and "greatsword" not in rogue


@pytest.mark.parametrize("slug", sorted(BACKGROUNDS))
def test_backgrounds_match_the_srd(slug: str) -> None:
    info = BACKGROUNDS[slug]
    benefits = {f["name"]: f["desc"] for f in srd.open5e("BackgroundBenefit").values()
                if f["parent"] == f"srd-2024_{slug}"}
    abilities = {a.strip().lower()[:3] for a in benefits["Ability Scores"].split(",")}
    assert {a.value for a in info.abilities} == abilities
    assert info.feat == benefits["Feat"].strip()
    assert {s.value for s in info.skills} == {
        slugify(s) for s in benefits["Skill Proficiencies"].split(" and ")}
    tool = benefits["Tool Proficiency"]
    if info.tools.fixed:
        assert list(info.tools.fixed) == [tool.strip()]
    else:
        assert info.tools.kinds == ("gaming-set",) and "Gaming Set" in tool
    golds = [int(g) for g in re.findall(r"(\d+) GP", benefits["Equipment"])]
    assert [o.gp for o in info.equipment] == golds


def test_languages_match_the_srd() -> None:
    rows = srd.srd_2024("Languages")
    rare = {r["index"] for r in rows if r["is_rare"]}
    standard = {r["index"] for r in rows if not r["is_rare"]} - {"common", "druidic"}
    assert set(STANDARD_LANGUAGES) == standard
    # 5e-database marks Druidic as not rare; the SRD's Rare Languages table lists it.
    assert set(RARE_LANGUAGES) == rare | {"druidic"}


def test_tool_kinds_match_the_srd() -> None:
    categories = {r["index"]: {e["index"] for e in r["equipment"]}
                  for r in srd.srd_2024("Equipment-Categories")}
    assert {slugify(t) for t in TOOL_KINDS["musical-instrument"]} == \
        categories["musical-instruments"]
    assert {slugify(t) for t in TOOL_KINDS["gaming-set"]} == categories["gaming-sets"]
    artisans = {slugify(t) for t in TOOL_KINDS["artisans-tools"]}
    assert artisans == {s.replace("cartographer-tools", "cartographers-tools")
                        for s in categories["artisans-tools"]}


def test_metamagic_and_invocations_match_the_srd() -> None:
    features = srd.open5e("ClassFeature")
    metamagic = features["sorcerer_metamagic-options"]["desc"]
    names = set(re.findall(r"^\W*(\w[\w ]+ Spell)\s*$", metamagic, flags=re.M))
    assert {o.name for o in CHOICES["metamagic"].options} == names
    invocations = features["warlock_eldritch-invocation-options"]["desc"]
    listed = {
        (m.group(1).strip("* "), m.group(2))
        for m in re.finditer(r"### ([^\n]+)\n\s*(?:\*Prerequisite: Level (\d+)\+)?", invocations)
    }
    ours = {(o.name, str(o.min_level) if o.min_level > 1 else None)
            for o in CHOICES["invocations"].options}
    assert ours == listed
