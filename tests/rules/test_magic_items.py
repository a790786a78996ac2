"""Magic items' numbers on the sheet, and the item table against the SRD 5.2 data."""

from __future__ import annotations

from dataclasses import replace

from rules import transitions as t
from rules.breakdown import Contribution
from rules.derive import DerivedSheet, derive
from rules.dice import RollMode
from rules.enums import Ability, ClassId, Condition, DamageType, Skill
from rules.equipment import Item
from rules.magic_items import MAGIC_ITEMS, magic_item
from rules.sheet import PlayState
from rules.validation import validate
from tests.rules import srd
from tests.rules.builders import equipped, make_sheet, scores


def worn(name: str, attuned: bool = True, **fields: object) -> Item:
    return Item(name=name, attuned=attuned, requires_attunement=attuned,
                **fields)  # type: ignore[arg-type]


def with_items(*items: Item, cls: tuple[ClassId, int] = (ClassId.FIGHTER, 5),
               **kw: object) -> DerivedSheet:
    return derive(make_sheet(cls, equipment=items, **kw))  # type: ignore[arg-type]


def test_the_table_names_srd_items_and_their_attunement() -> None:
    rows = srd.open5e("MagicItem")
    for slug, info in MAGIC_ITEMS.items():
        matches = [key for key in rows if key == slug or key.startswith(slug + "-")]
        assert matches, slug
        needs = {rows[key]["requires_attunement"] for key in matches}
        assert needs == {info.attunement}, slug


def test_amulet_belt_gauntlets_and_headband_set_scores() -> None:
    derived = with_items(worn("Amulet of Health"), worn("Belt of Giant Strength (Hill)"),
                         base=scores(con=12, str=20))
    assert derived.scores[Ability.CON] == 19 and derived.scores[Ability.STR] == 21
    assert Contribution("Amulet of Health (sets 19)", 7) in derived.score_breakdowns[Ability.CON]
    assert derived.max_hp == with_items(base=scores(con=19)).max_hp
    strong = with_items(worn("Gauntlets of Ogre Power"), base=scores(str=20))
    assert strong.scores[Ability.STR] == 20  # no effect when already higher
    unattuned = with_items(worn("Amulet of Health", attuned=False), base=scores(con=12))
    assert unattuned.scores[Ability.CON] == 12
    clever = with_items(worn("Headband of Intellect"))
    assert clever.scores[Ability.INT] == 19
    assert with_items(worn("Belt of Storm Giant Strength")).scores[Ability.STR] == 29


def test_ring_and_cloak_of_protection_add_to_ac_and_saves() -> None:
    plain = with_items()
    ringed = with_items(worn("Ring of Protection"), worn("Cloak of Protection"))
    assert ringed.armor_class.value == plain.armor_class.value + 2
    assert Contribution("Ring of Protection", 1) in ringed.armor_class.breakdown
    for ability in Ability:
        assert ringed.saves[ability].bonus == plain.saves[ability].bonus + 2
    # Attunement is what makes them work, even when the sheet forgets the flag.
    forgot = with_items(Item(name="Ring of Protection", attuned=True))
    assert forgot.armor_class.value == plain.armor_class.value + 1
    assert validate(make_sheet(equipment=(Item(name="Ring of Protection", attuned=True),))) \
        == []


def test_bracers_of_defense_need_no_armor_and_no_shield() -> None:
    bracers = worn("Bracers of Defense")
    assert with_items(bracers).armor_class.value == 10 + 2
    assert with_items(bracers, equipped("shield")).armor_class.value == 10 + 2
    assert with_items(bracers, equipped("armor/leather-armor")).armor_class.value == 11


def test_stone_of_good_luck_adds_to_checks_saves_initiative_and_passives() -> None:
    plain, lucky = with_items(), with_items(worn("Stone of Good Luck (Luckstone)"))
    assert lucky.initiative == plain.initiative + 1
    assert lucky.skills[Skill.STEALTH].bonus == plain.skills[Skill.STEALTH].bonus + 1
    assert lucky.passive_perception == plain.passive_perception + 1
    assert lucky.saves[Ability.WIS].bonus == plain.saves[Ability.WIS].bonus + 1
    assert lucky.attacks[-1].to_hit == plain.attacks[-1].to_hit  # attacks are not checks


def test_weapons_armor_and_shields_by_name() -> None:
    sword = replace(equipped("weapon/longsword"), name="Longsword +2")
    derived = with_items(sword, base=scores(str=16))
    assert derived.attacks[0].to_hit == 3 + 3 + 2
    assert Contribution("Longsword +2: magic bonus", 2) in derived.attacks[0].damage_bonus_breakdown
    plate = replace(equipped("armor/plate-armor"), name="Dwarven Plate")
    shield = replace(equipped("shield"), name="Shield +1")
    armored = with_items(plate, shield, base=scores(str=15))
    assert armored.armor_class.value == 18 + 2 + 2 + 1
    flame = replace(equipped("weapon/longsword"), name="Flame Tongue Longsword", attuned=True,
                    requires_attunement=True)
    assert [(e.dice, e.condition) for e in with_items(flame).attacks[0].extra_damage] == [
        ("2d6 fire", "while ablaze")]
    avenger = replace(equipped("weapon/longsword"), magic_item="holy-avenger")
    asleep = with_items(avenger)
    awake = with_items(replace(avenger, attuned=True))
    assert awake.attacks[0].to_hit == asleep.attacks[0].to_hit + 3


def test_mithral_and_elven_chain() -> None:
    mithral = replace(equipped("armor/plate-armor"), name="Mithral Armor (Plate)")
    derived = with_items(mithral, cls=(ClassId.FIGHTER, 1), base=scores(str=10))
    assert derived.speed.walk == 30  # no Strength requirement
    assert derived.roll_modes.skills[Skill.STEALTH].mode is RollMode.NORMAL
    chain = replace(equipped("armor/chain-mail"), magic_item="elven-chain")
    wizard = with_items(chain, cls=(ClassId.WIZARD, 1), base=scores(str=13))
    assert not any("Not trained" in note for note in wizard.notes)
    assert wizard.armor_class.value == 16 + 1


def test_spellcasting_items() -> None:
    plain = with_items(cls=(ClassId.WIZARD, 5), base=scores(int=16, dex=14))
    robe = with_items(worn("Robe of the Archmagi"), cls=(ClassId.WIZARD, 5),
                      base=scores(int=16, dex=14))
    assert robe.spellcasting[0].save_dc == plain.spellcasting[0].save_dc + 2
    assert robe.spellcasting[0].attack_bonus == plain.spellcasting[0].attack_bonus + 2
    assert robe.armor_class.value == 15 + 2
    staff = replace(equipped("weapon/quarterstaff"), name="Staff of Power", attuned=True)
    powered = with_items(staff, cls=(ClassId.WIZARD, 5), base=scores(int=16, dex=14))
    assert powered.armor_class.value == plain.armor_class.value + 2
    assert powered.saves[Ability.INT].bonus == plain.saves[Ability.INT].bonus + 2
    assert powered.attacks[0].to_hit == plain.attacks[-1].to_hit + 2  # a +2 quarterstaff
    wand = with_items(worn("Wand of the War Mage +3", equipped=True), cls=(ClassId.WIZARD, 5))
    assert Contribution("Wand of the War Mage +3", 3) in wand.spellcasting[0].attack_bonus_breakdown


def test_speeds_and_senses_from_items() -> None:
    derived = with_items(Item(name="Ring of Swimming", equipped=True),
                         worn("Gloves of Swimming and Climbing"),
                         Item(name="Goggles of Night", equipped=True), species="dwarf")
    assert derived.speed.swim == 40  # the ring beats "equal to Speed" (30)
    assert derived.speed.climb == 30
    assert derived.senses["darkvision"] == 120 + 60
    striding = with_items(worn("Boots of Striding and Springing"), equipped("armor/plate-armor"),
                          cls=(ClassId.FIGHTER, 1), base=scores(str=10), species="dwarf")
    assert striding.speed.walk == 30  # no Heavy-armor penalty, and at least 30
    boots = make_sheet((ClassId.FIGHTER, 5), equipment=(worn("Boots of Speed"),))
    fast = derive(t.activate(boots, "boots-of-speed").sheet)
    assert fast.speed.walk == 60
    assert fast.speed.breakdown[-1] == Contribution("Boots of Speed (doubled)", 30)


def test_resistances_and_immunities_from_items() -> None:
    derived = with_items(Item(name="Ring of Resistance (Fire)", equipped=True),
                         worn("Periapt of Proof against Poison"),
                         state=PlayState(conditions=frozenset({Condition.POISONED})))
    assert derived.defenses.sources[DamageType.FIRE] == ("Ring of Resistance (Fire)",)
    assert DamageType.POISON in derived.defenses.immunities
    assert Condition.POISONED not in derived.conditions
    unnamed = with_items(Item(name="Ring of Resistance", equipped=True))
    assert any("name the damage type" in note for note in unnamed.notes)
    dragon = replace(equipped("armor/scale-mail"), name="Dragon Scale Mail (Red)", attuned=True)
    scaled = with_items(dragon)
    assert DamageType.FIRE in scaled.defenses.resistances
    assert scaled.armor_class.value == 14 + 1
    hit = t.take_damage(make_sheet((ClassId.FIGHTER, 5), equipment=(
        Item(name="Ring of Resistance (Fire)", equipped=True),)), 10, DamageType.FIRE)
    assert hit.sheet.state.current_hp == derive(hit.sheet).max_hp - 5


def test_roll_effects_and_hit_points_from_items() -> None:
    derived = with_items(worn("Cloak of Displacement"), worn("Rod of Alertness", equipped=True),
                         Item(name="Boots of Elvenkind", equipped=True))
    assert derived.roll_modes.attacked_within_5ft.mode is RollMode.DISADVANTAGE
    assert derived.roll_modes.initiative.mode is RollMode.ADVANTAGE
    assert derived.roll_modes.skills[Skill.STEALTH].mode is RollMode.ADVANTAGE
    axe = replace(equipped("weapon/greataxe"), name="Berserker Greataxe", attuned=True)
    berserker = with_items(axe)
    assert berserker.max_hp == with_items().max_hp + 5
    assert Contribution("Berserker Greataxe (+1 per level)", 5) in berserker.max_hp_breakdown


def test_recognising_names() -> None:
    assert magic_item("flame-tongue-greatsword")[0] is MAGIC_ITEMS["flame-tongue"]
    assert magic_item("shield-plus-3") == (None, 3)
    assert magic_item("belt-of-frost-giant-strength")[0] is MAGIC_ITEMS[
        "belt-of-giant-strength-frost-or-stone"]
    assert magic_item("ordinary-rope") == (None, 0)
