"""Species traits beyond speed/size/HP: lineages, resistances, darkvision, uses, validation."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rules.derive import derive
from rules.enums import Ability, ClassId, Condition, DamageType, Size
from rules.errors import RuleViolation
from rules.resources import Recovery
from rules.sheet import PlayState
from rules.species import SPECIES
from rules.species_traits import LINEAGES, breath_weapon_dice, species_traits
from rules.transitions import adjust_damage, long_rest, take_damage
from rules.validation import validate
from tests.rules.builders import make_sheet, scores
from tests.rules.srd import srd_2024

DRAGON_COLORS = {
    "black": DamageType.ACID, "blue": DamageType.LIGHTNING, "brass": DamageType.FIRE,
    "bronze": DamageType.LIGHTNING, "copper": DamageType.ACID, "gold": DamageType.FIRE,
    "green": DamageType.POISON, "red": DamageType.FIRE, "silver": DamageType.COLD,
    "white": DamageType.COLD,
}  # fmt: skip


def codes(sheet: object) -> set[str]:
    return {e.code for e in validate(sheet)}  # type: ignore[arg-type]


# ------------------------------------------------------------------ tables against the SRD


def test_dragon_ancestries_match_the_srd_subspecies() -> None:
    rows = {row["index"].removeprefix("draconic-ancestor-"): row["damage_type"]["index"]
            for row in srd_2024("Subspecies") if row["index"].startswith("draconic-ancestor-")}
    assert rows == {color: damage.value for color, damage in DRAGON_COLORS.items()}
    assert {slug: info.resistance for slug, info in LINEAGES["dragonborn"].items()} == (
        DRAGON_COLORS
    )


def test_darkvision_ranges_match_the_srd_traits() -> None:
    traits = {row["index"]: row for row in srd_2024("Traits")}
    for rng in (60, 120):
        species = {s["index"] for s in traits[f"darkvision-{rng}"]["species"]}
        for slug in species:
            assert SPECIES[slug].darkvision == rng, slug
    assert {s for s, info in SPECIES.items() if info.darkvision} == {
        s["index"] for rng in (60, 120) for s in traits[f"darkvision-{rng}"]["species"]
    }


def test_tiefling_legacies_match_the_srd() -> None:
    expected = {"abyssal": DamageType.POISON, "chthonic": DamageType.NECROTIC,
                "infernal": DamageType.FIRE}
    traits = {row["index"]: row for row in srd_2024("Traits")}
    for legacy, damage in expected.items():
        row = traits[f"lineage-resistance-{damage.value}"]
        assert [s["index"] for s in row["subspecies"]] == [f"fiendish-legacy-{legacy}"]
        assert LINEAGES["tiefling"][legacy].resistance is damage


# ------------------------------------------------------------------ resistances


@pytest.mark.parametrize(("color", "damage"), sorted(DRAGON_COLORS.items()))
def test_dragonborn_resists_its_ancestry_damage(color: str, damage: DamageType) -> None:
    d = derive(make_sheet(species="dragonborn", lineage=color))
    assert d.defenses.resistances == {damage}
    assert d.defenses.sources[damage] == (f"Draconic Ancestry ({color.title()} Dragon)",)


def test_dwarf_resists_poison_and_tiefling_by_legacy() -> None:
    assert derive(make_sheet(species="dwarf")).defenses.resistances == {DamageType.POISON}
    assert derive(make_sheet(species="tiefling", lineage="chthonic")).defenses.resistances == {
        DamageType.NECROTIC
    }
    assert derive(make_sheet(species="human")).defenses.resistances == frozenset()


def test_sheet_and_species_resistances_merge_with_their_sources() -> None:
    from rules.sheet import Defenses

    sheet = make_sheet(species="dwarf", defenses=Defenses(resistances=frozenset({"poison",
                                                                                  "fire"})))
    d = derive(sheet)
    assert d.defenses.resistances == {DamageType.POISON, DamageType.FIRE}
    assert d.defenses.sources[DamageType.POISON] == ("sheet", "Dwarven Resilience")


def test_petrified_resists_all_damage() -> None:
    sheet = make_sheet(state=PlayState(conditions=frozenset({Condition.PETRIFIED})))
    assert derive(sheet).defenses.resistances == set(DamageType)
    assert adjust_damage(sheet, 9, DamageType.FORCE) == 4


def test_species_resistance_halves_damage_in_take_damage() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 5), base=scores(con=14), species="tiefling",
                       lineage="infernal")
    before = derive(sheet).current_hp
    after = take_damage(sheet, 11, DamageType.FIRE).sheet
    assert derive(after).current_hp == before - 5
    cold = take_damage(sheet, 11, DamageType.COLD).sheet
    assert derive(cold).current_hp == before - 11


# ------------------------------------------------------------------ senses and speed


@pytest.mark.parametrize(("species", "lineage", "darkvision", "speed"), [
    ("human", None, 0, 30), ("dwarf", None, 120, 30), ("orc", None, 120, 30),
    ("elf", "high-elf", 60, 30), ("elf", "drow", 120, 30), ("elf", "wood-elf", 60, 35),
    ("gnome", "rock-gnome", 60, 30), ("goliath", "hill", 0, 35), ("halfling", None, 0, 30),
    ("tiefling", "abyssal", 60, 30), ("dragonborn", "red", 60, 30),
])
def test_darkvision_and_speed_by_species_and_lineage(
    species: str, lineage: str | None, darkvision: int, speed: int
) -> None:
    d = derive(make_sheet(species=species, lineage=lineage))
    assert d.senses == ({"darkvision": darkvision} if darkvision else {})
    assert d.speed.walk == speed


def test_unknown_species_gets_defaults() -> None:
    traits = species_traits("homebrew-lizardfolk", "swamp", 5, 3, 2)
    assert (traits.speed, traits.darkvision, traits.resistances) == (30, 0, {})
    assert traits.lineage is None and traits.resources == ()


# ------------------------------------------------------------------ breath weapon and uses


@pytest.mark.parametrize(("level", "dice"), [(1, "1d10"), (4, "1d10"), (5, "2d10"),
                                             (10, "2d10"), (11, "3d10"), (17, "4d10"),
                                             (20, "4d10")])
def test_breath_weapon_dice_by_character_level(level: int, dice: str) -> None:
    assert breath_weapon_dice(level) == dice


def test_breath_weapon_dc_and_uses() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 5), base=scores(con=16), species="dragonborn",
                       lineage="blue")
    d = derive(sheet)
    breath = d.species_traits.breath_weapon
    assert breath is not None
    assert (breath.damage_type, breath.dice, breath.save_ability) == (
        DamageType.LIGHTNING, "2d10", Ability.DEX
    )
    assert breath.save_dc == 8 + 3 + 3
    assert d.resources["breath-weapon"].maximum == d.proficiency_bonus == 3
    assert d.resources["draconic-flight"].maximum == 1


def test_level_five_traits_are_absent_before_level_five() -> None:
    d = derive(make_sheet((ClassId.FIGHTER, 4), species="goliath", lineage="stone"))
    assert "giant-ancestry" in d.resources and "large-form" not in d.resources
    d5 = derive(make_sheet((ClassId.FIGHTER, 5), species="goliath", lineage="stone"))
    assert d5.resources["large-form"].maximum == 1


def test_orc_adrenaline_rush_comes_back_on_a_short_rest() -> None:
    d = derive(make_sheet((ClassId.FIGHTER, 9), species="orc"))
    assert d.resources["adrenaline-rush"].maximum == 4
    assert d.resources["adrenaline-rush"].recovery is Recovery.SHORT_ALL
    assert d.resources["relentless-endurance"].recovery is Recovery.LONG


def test_species_resources_are_validated_like_class_resources() -> None:
    state = PlayState(resources_spent={"stonecunning": 3})
    assert codes(make_sheet(species="dwarf", state=state)) == {"resource_spent_out_of_range"}
    assert validate(make_sheet(species="dwarf", state=PlayState(
        resources_spent={"stonecunning": 2}))) == []
    assert codes(make_sheet(species="human", state=state)) == {"unknown_resource"}


# ------------------------------------------------------------------ save advantages


def test_gnomish_cunning_and_condition_save_traits() -> None:
    gnome = derive(make_sheet(species="gnome", lineage="forest-gnome")).species_traits
    assert gnome.save_advantages == {a: "Gnomish Cunning" for a in (Ability.INT, Ability.WIS,
                                                                     Ability.CHA)}
    assert derive(make_sheet(species="dwarf")).species_traits.condition_save_advantages == {
        Condition.POISONED: "Dwarven Resilience"}
    drow = derive(make_sheet(species="elf", lineage="drow")).species_traits
    assert drow.condition_save_advantages == {Condition.CHARMED: "Fey Ancestry"}
    halfling = derive(make_sheet(species="halfling", size=Size.SMALL)).species_traits
    assert halfling.condition_save_advantages == {Condition.FRIGHTENED: "Brave"}
    assert halfling.rerolls_natural_ones


# ------------------------------------------------------------------ Human Resourceful


def test_humans_gain_heroic_inspiration_on_a_long_rest() -> None:
    human = long_rest(make_sheet(species="human"))
    assert human.sheet.state.heroic_inspiration
    assert "inspiration_gained" in [e.kind for e in human.events]
    dwarf = long_rest(make_sheet(species="dwarf"))
    assert not dwarf.sheet.state.heroic_inspiration


def test_resourceful_does_not_announce_inspiration_already_held() -> None:
    sheet = make_sheet(species="human", state=PlayState(heroic_inspiration=True))
    result = long_rest(sheet)
    assert result.sheet.state.heroic_inspiration
    assert "inspiration_gained" not in [e.kind for e in result.events]


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize("species", sorted(LINEAGES))
def test_species_with_a_choice_need_a_known_one(species: str) -> None:
    assert "lineage_required" in codes(make_sheet(species=species, size=_size(species)))
    bad = make_sheet(species=species, lineage="purple", size=_size(species))
    errors = [e for e in validate(bad) if e.code == "unknown_lineage"]
    assert errors and errors[0].path == "identity.lineage"
    for lineage in LINEAGES[species]:
        assert validate(make_sheet(species=species, lineage=lineage, size=_size(species))) == []


@pytest.mark.parametrize("species", ["dwarf", "halfling", "human", "orc"])
def test_species_without_a_choice_take_no_lineage(species: str) -> None:
    assert "lineage_not_applicable" in codes(
        make_sheet(species=species, lineage="mountain", size=_size(species))
    )


def test_species_outside_the_srd_accept_any_lineage() -> None:
    assert validate(make_sheet(species="aasimar", lineage="protector")) == []


def test_lineage_is_matched_case_insensitively_in_derivation() -> None:
    sheet = make_sheet(species="dragonborn", lineage="red")
    loud = replace(sheet, identity=replace(sheet.identity, lineage="RED"))
    assert derive(loud).defenses.resistances == {DamageType.FIRE}


def _size(species: str):  # type: ignore[no-untyped-def]
    return min(SPECIES[species].sizes, key=lambda s: s.value != "medium")


# ------------------------------------------------------------------ Relentless Endurance


def _orc(**state: object):  # type: ignore[no-untyped-def]
    return make_sheet((ClassId.FIGHTER, 1), base=scores(con=10), species="orc",
                      state=PlayState(**state))  # type: ignore[arg-type]


def test_relentless_endurance_leaves_one_hit_point_once() -> None:
    sheet = _orc()  # 10 HP
    result = take_damage(sheet, 12, relentless_endurance=True)
    assert derive(result.sheet).current_hp == 1
    assert Condition.UNCONSCIOUS not in result.sheet.state.conditions
    assert "relentless_endurance" in [e.kind for e in result.events]
    assert derive(result.sheet).resources["relentless-endurance"].remaining == 0
    with pytest.raises(RuleViolation) as info:
        take_damage(result.sheet, 5, relentless_endurance=True)
    assert info.value.error.code == "feature_used"
    assert derive(take_damage(result.sheet, 5).sheet).current_hp == 0


def test_relentless_endurance_is_kept_when_not_needed_or_not_enough() -> None:
    sheet = _orc()
    light = take_damage(sheet, 3, relentless_endurance=True).sheet
    assert derive(light).resources["relentless-endurance"].remaining == 1
    dead = take_damage(sheet, 20, relentless_endurance=True).sheet  # overflow 10 = max HP
    assert dead.state.dead


def test_relentless_endurance_needs_an_orc() -> None:
    with pytest.raises(RuleViolation) as info:
        take_damage(make_sheet(), 30, relentless_endurance=True)
    assert info.value.error.code == "feature_unavailable"
