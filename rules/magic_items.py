"""SRD 5.2 magic items that change numbers on the sheet, and how they do it.

An inventory item is recognised by its ``magic_item`` slug, else by its name ("Ring of
Protection", "Longsword +2", "Flame Tongue Longsword", "Ring of Resistance (Fire)"). An item
works while attuned when it needs attunement, otherwise while equipped. Armor, shields and
weapons carry their bonus into the AC calculation and the attack they are (``resolve_item``);
everything else becomes effects (``item_effects``): scores set by belts and amulets, AC and save
bonuses, speeds, senses, resistances, spell bonuses, roll effects.

Effects that need the GM's facts (a target's creature type, whether a flame blade is lit) are
shown as extra damage with their condition, never added to the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from rules.breakdown import Contribution
from rules.effects import AttackScope, Effects, ExtraDamage, ExtraSpeed
from rules.enums import Ability, Condition, DamageType, Skill
from rules.equipment import Item
from rules.roll_modes import RollEffect, RollSide, RollTest
from rules.sheet import slugify
from rules.species_traits import LINEAGES


@dataclass(frozen=True)
class MagicItemInfo:
    slug: str
    name: str
    attunement: bool
    bonus: int = 0  # to attack and damage (weapons) or to AC (armor, shields)
    ac: int = 0  # every AC calculation
    ac_unarmored: int = 0  # with no armor and no shield (Bracers of Defense)
    unarmored_base: int = 0  # base AC + Dex with no armor (Robe of the Archmagi: 15)
    saves: int = 0
    checks: int = 0  # every ability check (Stone of Good Luck)
    spell_attack: int = 0
    spell_dc: int = 0
    sets_score: tuple[Ability, int] | None = None  # "your Strength changes to 21"
    speed_minimum: int = 0  # Boots of Striding and Springing
    speeds: tuple[tuple[str, int | None], ...] = ()  # (kind, feet; None = equal to Speed)
    senses: tuple[tuple[str, int], ...] = ()
    resistances: tuple[DamageType, ...] = ()
    immunities: tuple[DamageType, ...] = ()
    poison_condition_immunity: bool = False
    chosen_resistance: bool = False  # one damage type, named in the item's name
    roll: tuple[RollEffect, ...] = ()
    extra_damage: tuple[tuple[str, str], ...] = ()  # (dice and type, condition)
    hp_per_level: int = 0
    no_stealth_disadvantage: bool = False
    no_strength_requirement: bool = False
    trained: bool = False  # counts as trained even without armor training (Elven Chain)


def _adv(test: RollTest, reason: str, key: Ability | Skill | None = None,
         side: RollSide = RollSide.ADVANTAGE) -> RollEffect:
    return RollEffect(test, side, reason, key)


def _info(slug: str, attunement: bool, **numbers: object) -> MagicItemInfo:
    return MagicItemInfo(slug, slug.replace("-", " ").title(), attunement, **numbers)  # type: ignore[arg-type]


_SPELLS = "saves against spells and other magical effects"
WALK = None  # a speed equal to the walking Speed

MAGIC_ITEMS: dict[str, MagicItemInfo] = {
    info.slug: info
    for info in (
        _info("ring-of-protection", True, ac=1, saves=1),
        _info("cloak-of-protection", True, ac=1, saves=1),
        _info("bracers-of-defense", True, ac_unarmored=2),
        _info("stone-of-good-luck-luckstone", True, checks=1, saves=1),
        _info("amulet-of-health", True, sets_score=(Ability.CON, 19)),
        _info("gauntlets-of-ogre-power", True, sets_score=(Ability.STR, 19)),
        _info("headband-of-intellect", True, sets_score=(Ability.INT, 19)),
        _info("belt-of-giant-strength-hill", True, sets_score=(Ability.STR, 21)),
        _info("belt-of-giant-strength-frost-or-stone", True, sets_score=(Ability.STR, 23)),
        _info("belt-of-giant-strength-fire", True, sets_score=(Ability.STR, 25)),
        _info("belt-of-giant-strength-cloud", True, sets_score=(Ability.STR, 27)),
        _info("belt-of-giant-strength-storm", True, sets_score=(Ability.STR, 29)),
        _info("boots-of-striding-and-springing", True, speed_minimum=30),
        _info("boots-of-speed", True),  # doubles Speed while active (state.active_effects)
        _info("ring-of-swimming", False, speeds=(("swim", 40),)),
        _info("cloak-of-the-manta-ray", True, speeds=(("swim", 60),)),
        _info("gloves-of-swimming-and-climbing", True, speeds=(("climb", WALK), ("swim", WALK))),
        _info("slippers-of-spider-climbing", True, speeds=(("climb", WALK),)),
        _info("cloak-of-arachnida", True, speeds=(("climb", WALK),),
              resistances=(DamageType.POISON,)),
        _info("brooch-of-shielding", True, resistances=(DamageType.FORCE,)),
        _info("periapt-of-proof-against-poison", True, immunities=(DamageType.POISON,),
              poison_condition_immunity=True),
        _info("ring-of-resistance", False, chosen_resistance=True),
        _info("armor-of-resistance", False, chosen_resistance=True),
        _info("armor-of-invulnerability", True, resistances=(
            DamageType.BLUDGEONING, DamageType.PIERCING, DamageType.SLASHING)),
        _info("dragon-scale-mail", True, bonus=1, chosen_resistance=True, roll=(
            _adv(RollTest.SAVE, "Dragon Scale Mail: saves against Dragons' breath",
                 side=RollSide.SITUATIONAL),)),
        _info("dwarven-plate", False, bonus=2),
        _info("dwarven-half-plate", False, bonus=2),
        _info("elven-chain", False, bonus=1, trained=True),
        _info("glamoured-studded-leather", False, bonus=1),
        _info("demon", True, bonus=1),
        _info("mithral-armor", False, no_stealth_disadvantage=True, no_strength_requirement=True),
        _info("robe-of-the-archmagi", True, unarmored_base=15, spell_dc=2, spell_attack=2,
              roll=(_adv(RollTest.SAVE, f"Robe of the Archmagi: {_SPELLS}",
                         side=RollSide.SITUATIONAL),)),
        _info("staff-of-power", True, bonus=2, ac=2, saves=2, spell_attack=2),
        _info("staff-of-the-magi", True, bonus=2, spell_attack=2, roll=(
            _adv(RollTest.SAVE, "Staff of the Magi: saves against spells",
                 side=RollSide.SITUATIONAL),)),
        _info("staff-of-striking", True, bonus=3),
        _info("wand-of-the-war-mage-plus-1", True, spell_attack=1),
        _info("wand-of-the-war-mage-plus-2", True, spell_attack=2),
        _info("wand-of-the-war-mage-plus-3", True, spell_attack=3),
        _info("mantle-of-spell-resistance", True, roll=(
            _adv(RollTest.SAVE, f"Mantle of Spell Resistance: {_SPELLS}",
                 side=RollSide.SITUATIONAL),)),
        _info("scarab-of-protection", True, roll=(
            _adv(RollTest.SAVE, f"Scarab of Protection: {_SPELLS}",
                 side=RollSide.SITUATIONAL),)),
        _info("spellguard-shield", True, roll=(
            _adv(RollTest.SAVE, f"Spellguard Shield: {_SPELLS}", side=RollSide.SITUATIONAL),)),
        _info("cloak-of-displacement", True, roll=(
            _adv(RollTest.ATTACKED, "Cloak of Displacement (until you take damage)",
                 side=RollSide.DISADVANTAGE),)),
        _info("cloak-of-elvenkind", True, roll=(
            _adv(RollTest.SKILL, "Cloak of Elvenkind", Skill.STEALTH),)),
        _info("boots-of-elvenkind", False, roll=(
            _adv(RollTest.SKILL, "Boots of Elvenkind", Skill.STEALTH),)),
        _info("eyes-of-the-eagle", False, roll=(
            _adv(RollTest.SKILL, "Eyes of the Eagle: Perception that relies on sight",
                 Skill.PERCEPTION, RollSide.SITUATIONAL),)),
        _info("robe-of-eyes", True, senses=(("darkvision", 120), ("truesight", 120)), roll=(
            _adv(RollTest.SKILL, "Robe of Eyes: Perception that relies on sight",
                 Skill.PERCEPTION, RollSide.SITUATIONAL),)),
        _info("goggles-of-night", False),  # Darkvision 60, or 60 more (item_effects)
        _info("rod-of-alertness", True, roll=(
            _adv(RollTest.INITIATIVE, "Rod of Alertness"),
            _adv(RollTest.SKILL, "Rod of Alertness", Skill.PERCEPTION))),
        _info("weapon-of-warning", False, roll=(
            _adv(RollTest.INITIATIVE, "Weapon of Warning"),)),
        # Weapons: the bonus applies to the weapon's attack; the rest is shown beside it.
        _info("holy-avenger", True, bonus=3, extra_damage=(("2d10 radiant",
                                                            "against Fiends and Undead"),),
              roll=(_adv(RollTest.SAVE, f"Holy Avenger (weapon drawn): {_SPELLS}",
                         side=RollSide.SITUATIONAL),)),
        _info("defender", True, bonus=3),
        _info("vorpal", True, bonus=3),
        _info("dwarven-thrower", True, bonus=3, extra_damage=(
            ("1d8 force", "on a ranged hit (2d8 against Giants)"),)),
        _info("sun-blade", True, bonus=2, extra_damage=(("1d8 radiant", "against Undead"),)),
        _info("nine-lives-stealer", True, bonus=2),
        _info("scimitar-of-speed", True, bonus=2),
        _info("luck-blade", True, bonus=1, saves=1),
        _info("dragon-slayer", False, bonus=1, extra_damage=(("3d6", "against Dragons"),)),
        _info("giant-slayer", False, bonus=1, extra_damage=(("2d6", "against Giants"),)),
        _info("mace-of-smiting", False, bonus=1),
        _info("dagger-of-venom", False, bonus=1),
        _info("berserker", True, bonus=1, hp_per_level=1),
        _info("flame-tongue", True, extra_damage=(("2d6 fire", "while ablaze"),)),
        _info("frost-brand", True, extra_damage=(("1d6 cold", "on a hit"),),
              resistances=(DamageType.FIRE,)),
        _info("mace-of-disruption", True, extra_damage=(("2d6 radiant",
                                                         "against Fiends and Undead"),)),
        _info("oathbow", True, extra_damage=(("3d6 piercing", "against your sworn enemy"),)),
    )
}  # fmt: skip

# Other spellings of the same items (the 2014 names players still use).
_ALIASES = {
    "belt-of-hill-giant-strength": "belt-of-giant-strength-hill",
    "belt-of-frost-giant-strength": "belt-of-giant-strength-frost-or-stone",
    "belt-of-stone-giant-strength": "belt-of-giant-strength-frost-or-stone",
    "belt-of-fire-giant-strength": "belt-of-giant-strength-fire",
    "belt-of-cloud-giant-strength": "belt-of-giant-strength-cloud",
    "belt-of-storm-giant-strength": "belt-of-giant-strength-storm",
    "stone-of-good-luck": "stone-of-good-luck-luckstone",
    "luckstone": "stone-of-good-luck-luckstone",
    "elven-chain-mail": "elven-chain", "elven-chain-shirt": "elven-chain",
}  # fmt: skip

_DAMAGE_WORDS = {t.value: t for t in DamageType}
_DRAGON_DAMAGE = {slug: info.resistance for slug, info in LINEAGES["dragonborn"].items()}


def item_slug(item: Item) -> str:
    """The slug an item is known by: ``magic_item``, else its name with "+1" as "plus-1"."""
    return item.magic_item or _name_slug(item.name)


@lru_cache(maxsize=4096)
def _name_slug(name: str) -> str:
    return slugify(name.replace("+", " plus "))


@lru_cache(maxsize=4096)
def magic_item(slug: str) -> tuple[MagicItemInfo | None, int]:
    """The item's entry (or None) and a "+N" bonus read from its name (0 if none).

    Families match by prefix ("flame-tongue-longsword" is a Flame Tongue); a trailing
    "-plus-N" names the bonus of a plain +N weapon, armor or shield.
    """
    words = slug.split("-")
    plus = 0
    if len(words) >= 2 and words[-2] == "plus" and words[-1].isdigit():
        plus = int(words[-1])
    base = _ALIASES.get(slug, slug)
    if base in MAGIC_ITEMS:
        return MAGIC_ITEMS[base], plus
    words = base.split("(")[0].strip("-").split("-")
    for length in range(len(words) - 1, 0, -1):
        prefix = "-".join(words[:length])
        prefix = _ALIASES.get(prefix, prefix)
        if prefix in MAGIC_ITEMS:
            return MAGIC_ITEMS[prefix], plus
    return None, plus


def item_magic(item: Item) -> MagicItemInfo | None:
    """The magic item an inventory line is, if any."""
    return magic_item(item.magic_item or _name_slug(item.name))[0]


def needs_attunement(item: Item) -> bool:
    info = item_magic(item)
    return item.requires_attunement or (info is not None and info.attunement)


def item_works(item: Item) -> bool:
    """Attuned if it needs attunement, else equipped (worn, held)."""
    return item.attuned if needs_attunement(item) else item.equipped


def item_is_active(item: Item, slug: str) -> bool:
    info = item_magic(item)
    return info is not None and info.slug == slug and item_works(item)


def resolve_item(item: Item) -> Item:
    """The item with what its magic does to its own statistics: the AC or attack bonus of +N
    and named armor, shields and weapons; Mithral's lifted Stealth and Strength limits."""
    info, plus = magic_item(item_slug(item))
    if info is None and plus == 0:
        return item
    bonus = item.magic_bonus or plus or (info.bonus if info else 0)
    if info is None and bonus == item.magic_bonus:
        return item
    if info is not None and info.attunement and not item.attuned:
        bonus = item.magic_bonus or plus  # a named item asleep until attuned
    armor = item.armor
    if armor is not None and info is not None:
        armor = replace(
            armor,
            stealth_disadvantage=armor.stealth_disadvantage and not info.no_stealth_disadvantage,
            strength_requirement=0 if info.no_strength_requirement else armor.strength_requirement,
        )
    return replace(item, magic_bonus=bonus, armor=armor)


def chosen_damage_type(item: Item) -> DamageType | None:
    """The damage type a Ring or Armor of Resistance or Dragon Scale Mail names in
    parentheses: "Ring of Resistance (Fire)", "Dragon Scale Mail (Red)"."""
    inside = item.name.partition("(")[2].partition(")")[0].strip().lower()
    return _DAMAGE_WORDS.get(inside) or _DRAGON_DAMAGE.get(inside)


def item_effects(equipment: tuple[Item, ...], fx: Effects, wearing_armor: bool) -> None:
    """Add the effects of every working magic item (AC bonuses of armor, shields and weapons
    are in ``resolve_item``)."""
    for item in equipment:
        info = item_magic(item)
        if info is None or not item_works(item):
            continue
        name = item.name
        if info.ac:
            fx.ac.append(Contribution(name, info.ac))
        if info.ac_unarmored:
            fx.ac_unarmored.append(Contribution(name, info.ac_unarmored))
        if info.unarmored_base and not wearing_armor:
            fx.unarmored_base.append((name, info.unarmored_base))
        if info.saves:
            fx.saves.append(Contribution(name, info.saves))
        if info.checks:
            fx.checks.append(Contribution(name, info.checks))
        if info.spell_attack:
            fx.spell_attack.append((None, Contribution(name, info.spell_attack)))
        if info.spell_dc:
            fx.spell_dc.append((None, Contribution(name, info.spell_dc)))
        if info.speed_minimum:
            fx.speed_minimum.append((info.speed_minimum, name))
        fx.speeds.extend(ExtraSpeed(kind, feet, name) for kind, feet in info.speeds)
        for sense, feet in info.senses:
            fx.sense(sense, feet)
        if info.slug == "goggles-of-night":
            fx.senses["goggles-of-night"] = 60  # added to Darkvision by derive
        for damage in info.resistances:
            fx.resist(damage, name)
        for damage in info.immunities:
            fx.immune(damage, name)
        if info.poison_condition_immunity:
            fx.immune_to(Condition.POISONED, name)
        if info.chosen_resistance:
            chosen = chosen_damage_type(item)
            if chosen is None:
                fx.notes.append(f"{name}: name the damage type in parentheses, e.g. "
                                f"\"{info.name} (Fire)\", to apply its Resistance.")
            else:
                fx.resist(chosen, name)
        fx.roll.extend(info.roll)
        if info.hp_per_level:
            fx.hp_per_level.append((name, info.hp_per_level))


def weapon_extra_damage(item: Item) -> tuple[ExtraDamage, ...]:
    """Extra damage a magic weapon adds to its own attack (Flame Tongue: 2d6 fire)."""
    info = item_magic(item)
    if info is None or not info.extra_damage or (info.attunement and not item.attuned):
        return ()
    return tuple(ExtraDamage(AttackScope.WEAPONS, dice, item.name, condition)
                 for dice, condition in info.extra_damage)
