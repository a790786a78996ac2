"""Fighting styles with number effects, and average damage (with Great Weapon Fighting)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.damage import average_damage, die_average
from rules.derive import Attack, derive
from rules.enums import ClassId
from rules.fighting_styles import fighting_styles
from rules.sheet import Feat
from tests.rules.builders import equipped, make_sheet, scores


def attacks(*refs: str, feats: tuple[str, ...] = (), **score_values: int) -> list[Attack]:
    """Derived attacks of a level-1 Fighter holding ``refs`` (the Unarmed Strike dropped)."""
    sheet = make_sheet((ClassId.FIGHTER, 1), base=scores(**score_values),
                       equipment=tuple(equipped(ref) for ref in refs),
                       feats=tuple(Feat(name, "Fighting Style") for name in feats))
    return [a for a in derive(sheet).attacks if a.name != "Unarmed Strike"]


# ------------------------------------------------------------------ average damage


@pytest.mark.parametrize(("sides", "plain", "gwf"), [
    (4, Fraction(5, 2), Fraction(13, 4)),   # 3,3,3,4
    (6, Fraction(7, 2), Fraction(4)),       # 3,3,3,4,5,6
    (8, Fraction(9, 2), Fraction(39, 8)),
    (10, Fraction(11, 2), Fraction(58, 10)),  # 3,3,3,4..10
    (12, Fraction(13, 2), Fraction(27, 4)),
])
def test_die_average_with_and_without_the_floor(sides: int, plain: Fraction,
                                                gwf: Fraction) -> None:
    assert die_average(sides) == plain
    assert die_average(sides, floor=3) == gwf


def test_average_damage_adds_terms_and_never_goes_negative() -> None:
    assert average_damage("2d6", 3) == 10.0
    assert average_damage("1d8+1d6-1", 0) == 4.5 + 3.5 - 1
    assert average_damage("1d4", -5) == 0.0
    assert average_damage("2d6", 0, great_weapon_fighting=True) == 8.0


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 10), st.sampled_from([4, 6, 8, 10, 12, 20]), st.integers(-5, 10))
def test_great_weapon_fighting_never_lowers_the_average(count: int, sides: int,
                                                         bonus: int) -> None:
    dice = f"{count}d{sides}"
    plain = average_damage(dice, bonus)
    gwf = average_damage(dice, bonus, great_weapon_fighting=True)
    assert gwf >= plain
    # The floor of 3 can add at most (3-1) + (3-2) = 3 pips per die over its faces.
    assert gwf - plain <= count * 3 / sides + 1e-9


# ------------------------------------------------------------------ which styles count


def test_styles_are_read_from_feat_slugs() -> None:
    styles = fighting_styles(["archery", "great-weapon-fighting", "alert"])
    assert (styles.archery, styles.great_weapon_fighting) == (True, True)
    assert (styles.defense, styles.dueling, styles.two_weapon_fighting) == (False, False, False)
    assert styles.names == ("archery", "great-weapon-fighting")


def test_derived_sheet_lists_the_styles() -> None:
    sheet = make_sheet(feats=(Feat("Two-Weapon Fighting", "Fighting Style"),))
    assert derive(sheet).fighting_styles.names == ("two-weapon-fighting",)


# ------------------------------------------------------------------ Archery


def test_archery_adds_two_to_ranged_weapons_only() -> None:
    bow, = attacks("weapon/longbow", feats=("Archery",), dex=14)
    plain_bow, = attacks("weapon/longbow", dex=14)
    assert bow.to_hit == plain_bow.to_hit + 2
    assert any("Archery" in text for text in bow.modifiers_applied)
    sword, = attacks("weapon/longsword", feats=("Archery",), str=14)
    plain_sword, = attacks("weapon/longsword", str=14)
    assert sword.to_hit == plain_sword.to_hit
    assert sword.modifiers_applied == ()


def test_archery_does_not_apply_to_thrown_melee_weapons() -> None:
    javelin, = attacks("weapon/javelin", feats=("Archery",), str=14)
    plain, = attacks("weapon/javelin", str=14)
    assert javelin.to_hit == plain.to_hit


# ------------------------------------------------------------------ Defense


def test_defense_adds_one_ac_in_armor_only() -> None:
    styled = make_sheet(equipment=(equipped("armor/chain-mail"),),
                        feats=(Feat("Defense", "Fighting Style"),))
    plain = make_sheet(equipment=(equipped("armor/chain-mail"),))
    assert derive(styled).armor_class.value == derive(plain).armor_class.value + 1
    unarmored = make_sheet(feats=(Feat("Defense", "Fighting Style"),))
    assert derive(unarmored).armor_class.value == derive(make_sheet()).armor_class.value


# ------------------------------------------------------------------ Dueling


def test_dueling_adds_two_to_one_handed_damage_but_not_to_the_two_handed_grip() -> None:
    sword, = attacks("weapon/longsword", feats=("Dueling",), str=16)
    assert sword.damage == "1d8+5 slashing"
    assert sword.average_damage == 4.5 + 5
    assert sword.versatile_damage == "1d10+3 slashing"  # two hands: no Dueling
    assert sword.versatile_average == 5.5 + 3


def test_dueling_needs_a_single_one_handed_melee_weapon() -> None:
    greatsword, = attacks("weapon/greatsword", feats=("Dueling",), str=16)
    assert greatsword.damage == "2d6+3 slashing"
    bow, = attacks("weapon/longbow", feats=("Dueling",), dex=16)
    assert bow.damage == "1d8+3 piercing"
    pair = attacks("weapon/shortsword", "weapon/dagger", feats=("Dueling",), str=16)
    assert [a.damage for a in pair] == ["1d6+3 piercing", "1d4+3 piercing"]


def test_dueling_allows_a_shield() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 1), base=scores(str=16),
                       equipment=(equipped("weapon/longsword"), equipped("shield")),
                       feats=(Feat("Dueling"),))
    assert derive(sheet).attacks[0].damage == "1d8+5 slashing"


# ------------------------------------------------------------------ Great Weapon Fighting


def test_great_weapon_fighting_on_a_two_handed_weapon() -> None:
    styled, = attacks("weapon/greatsword", feats=("Great Weapon Fighting",), str=16)
    plain, = attacks("weapon/greatsword", str=16)
    assert styled.great_weapon_fighting and not plain.great_weapon_fighting
    assert styled.damage == plain.damage == "2d6+3 slashing"  # the dice do not change
    assert styled.average_damage == 2 * 4 + 3
    assert plain.average_damage == 2 * 3.5 + 3


def test_great_weapon_fighting_on_a_versatile_weapon_only_when_two_handed() -> None:
    sword, = attacks("weapon/longsword", feats=("Great Weapon Fighting",), str=16)
    assert sword.great_weapon_fighting
    assert sword.average_damage == 4.5 + 3  # one hand: plain average
    assert sword.versatile_average == pytest.approx(5.8 + 3)  # d10 with the floor: 5.8


def test_great_weapon_fighting_ignores_one_handed_and_ranged_weapons() -> None:
    for ref in ("weapon/shortsword", "weapon/heavy-crossbow", "weapon/longbow"):
        attack, = attacks(ref, feats=("Great Weapon Fighting",), str=16, dex=16)
        assert not attack.great_weapon_fighting, ref


# ------------------------------------------------------------------ Two-Weapon Fighting


def test_light_weapon_pair_gets_an_off_hand_attack_without_the_modifier() -> None:
    main, off = attacks("weapon/shortsword", "weapon/dagger", dex=16)
    assert main.off_hand_damage == "1d6 piercing"
    assert off.off_hand_damage == "1d4 piercing"
    assert off.off_hand_average == 2.5


def test_two_weapon_fighting_adds_the_modifier_to_the_off_hand_attack() -> None:
    _, off = attacks("weapon/shortsword", "weapon/dagger", feats=("Two-Weapon Fighting",),
                     dex=16)
    assert off.off_hand_damage == "1d4+3 piercing"
    assert off.off_hand_average == 2.5 + 3
    assert any("Two-Weapon" in text for text in off.modifiers_applied)


def test_a_negative_modifier_always_applies_to_the_off_hand_attack() -> None:
    _, off = attacks("weapon/club", "weapon/dagger", str=6, dex=6)
    assert off.off_hand_damage == "1d4-2 piercing"


def test_no_off_hand_attack_without_a_second_light_weapon() -> None:
    alone, = attacks("weapon/dagger", feats=("Two-Weapon Fighting",), dex=16)
    assert alone.off_hand_damage is None and alone.off_hand_average is None
    dagger, sword = attacks("weapon/dagger", "weapon/longsword", dex=16)
    assert dagger.off_hand_damage is None and sword.off_hand_damage is None


def test_magic_bonus_still_counts_on_the_off_hand_attack() -> None:
    sheet = make_sheet((ClassId.FIGHTER, 1), base=scores(dex=16),
                       equipment=(equipped("weapon/shortsword"),
                                  equipped("weapon/dagger", magic_bonus=1)))
    off = derive(sheet).attacks[1]
    assert off.off_hand_damage == "1d4+1 piercing"
