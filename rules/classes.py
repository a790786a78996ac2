"""The twelve SRD 5.2 classes as data: hit dice, saves, training, caster type, features by level.

Numbers were checked against the SRD 5.2 class tables. Spell-slot tables live in
``rules.spellcasting``; limited-use resources in ``rules.resources``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rules.enums import Ability, ArmorCategory, ClassId, WeaponCategory, WeaponProperty


class CasterType(StrEnum):
    """How a class's levels count toward spell slots."""

    NONE = "none"
    FULL = "full"  # Bard, Cleric, Druid, Sorcerer, Wizard
    HALF = "half"  # Paladin, Ranger (levels halved, rounded up, when multiclassing)
    THIRD = "third"  # a subclass that casts (levels divided by three, rounded down)
    PACT = "pact"  # Warlock: Pact Magic slots, kept apart from Spellcasting slots


@dataclass(frozen=True)
class Training:
    """Armor and weapon training a class grants."""

    armor: frozenset[ArmorCategory] = frozenset()
    shields: bool = False
    weapons: frozenset[WeaponCategory] = frozenset()
    # Martial weapons with any of these properties also count (Rogue: Finesse or Light).
    martial_with: frozenset[WeaponProperty] = frozenset()


@dataclass(frozen=True)
class ClassInfo:
    id: ClassId
    name: str
    hit_die: int
    saving_throws: tuple[Ability, Ability]
    # Multiclass prerequisite: every group must be met; a group is met by any one of its abilities
    # at 13 or higher (Fighter: Str *or* Dex; Monk: Dex *and* Wis).
    multiclass_prerequisites: tuple[tuple[Ability, ...], ...]
    caster: CasterType
    spellcasting_ability: Ability | None
    starting_training: Training
    multiclass_training: Training
    asi_levels: tuple[int, ...]
    features: dict[int, tuple[str, ...]]
    subclass_level: int = 3
    epic_boon_level: int = 19
    # Subclasses that turn a non-caster into a one-third caster (not in the SRD, supported anyway).
    third_caster_subclasses: frozenset[str] = frozenset()

    @property
    def fixed_hp_per_level(self) -> int:
        """The fixed Hit Points per level after 1 (half the die, plus one)."""
        return self.hit_die // 2 + 1


ALL_ARMOR = frozenset(ArmorCategory)
LIGHT = frozenset({ArmorCategory.LIGHT})
LIGHT_MEDIUM = frozenset({ArmorCategory.LIGHT, ArmorCategory.MEDIUM})
SIMPLE = frozenset({WeaponCategory.SIMPLE})
ALL_WEAPONS = frozenset(WeaponCategory)
MARTIAL = frozenset({WeaponCategory.MARTIAL})

STANDARD_ASI = (4, 8, 12, 16)
FIGHTER_ASI = (4, 6, 8, 12, 14, 16)
ROGUE_ASI = (4, 8, 10, 12, 16)

CLASSES: dict[ClassId, ClassInfo] = {
    ClassId.BARBARIAN: ClassInfo(
        id=ClassId.BARBARIAN,
        name="Barbarian",
        hit_die=12,
        saving_throws=(Ability.STR, Ability.CON),
        multiclass_prerequisites=((Ability.STR,),),
        caster=CasterType.NONE,
        spellcasting_ability=None,
        starting_training=Training(LIGHT_MEDIUM, True, ALL_WEAPONS),
        multiclass_training=Training(frozenset(), True, MARTIAL),
        asi_levels=STANDARD_ASI,
        features={
            1: ("Rage", "Unarmored Defense", "Weapon Mastery"),
            2: ("Danger Sense", "Reckless Attack"),
            3: ("Barbarian Subclass", "Primal Knowledge"),
            4: ("Ability Score Improvement",),
            5: ("Extra Attack", "Fast Movement"),
            6: ("Subclass Feature",),
            7: ("Feral Instinct", "Instinctive Pounce"),
            8: ("Ability Score Improvement",),
            9: ("Brutal Strike",),
            10: ("Subclass Feature",),
            11: ("Relentless Rage",),
            12: ("Ability Score Improvement",),
            13: ("Improved Brutal Strike",),
            14: ("Subclass Feature",),
            15: ("Persistent Rage",),
            16: ("Ability Score Improvement",),
            17: ("Improved Brutal Strike",),
            18: ("Indomitable Might",),
            19: ("Epic Boon",),
            20: ("Primal Champion",),
        },
    ),
    ClassId.BARD: ClassInfo(
        id=ClassId.BARD,
        name="Bard",
        hit_die=8,
        saving_throws=(Ability.DEX, Ability.CHA),
        multiclass_prerequisites=((Ability.CHA,),),
        caster=CasterType.FULL,
        spellcasting_ability=Ability.CHA,
        starting_training=Training(LIGHT, False, SIMPLE),
        multiclass_training=Training(LIGHT, False, frozenset()),
        asi_levels=STANDARD_ASI,
        features={
            1: ("Bardic Inspiration", "Spellcasting"),
            2: ("Expertise", "Jack of All Trades"),
            3: ("Bard Subclass",),
            4: ("Ability Score Improvement",),
            5: ("Font of Inspiration",),
            6: ("Subclass Feature",),
            7: ("Countercharm",),
            8: ("Ability Score Improvement",),
            9: ("Expertise",),
            10: ("Magical Secrets",),
            12: ("Ability Score Improvement",),
            14: ("Subclass Feature",),
            16: ("Ability Score Improvement",),
            18: ("Superior Inspiration",),
            19: ("Epic Boon",),
            20: ("Words of Creation",),
        },
    ),
    ClassId.CLERIC: ClassInfo(
        id=ClassId.CLERIC,
        name="Cleric",
        hit_die=8,
        saving_throws=(Ability.WIS, Ability.CHA),
        multiclass_prerequisites=((Ability.WIS,),),
        caster=CasterType.FULL,
        spellcasting_ability=Ability.WIS,
        starting_training=Training(LIGHT_MEDIUM, True, SIMPLE),
        multiclass_training=Training(LIGHT_MEDIUM, True, frozenset()),
        asi_levels=STANDARD_ASI,
        features={
            1: ("Spellcasting", "Divine Order"),
            2: ("Channel Divinity",),
            3: ("Cleric Subclass",),
            4: ("Ability Score Improvement",),
            5: ("Sear Undead",),
            6: ("Subclass Feature",),
            7: ("Blessed Strikes",),
            8: ("Ability Score Improvement",),
            10: ("Divine Intervention",),
            12: ("Ability Score Improvement",),
            14: ("Improved Blessed Strikes",),
            16: ("Ability Score Improvement",),
            17: ("Subclass Feature",),
            19: ("Epic Boon",),
            20: ("Greater Divine Intervention",),
        },
    ),
    ClassId.DRUID: ClassInfo(
        id=ClassId.DRUID,
        name="Druid",
        hit_die=8,
        saving_throws=(Ability.INT, Ability.WIS),
        multiclass_prerequisites=((Ability.WIS,),),
        caster=CasterType.FULL,
        spellcasting_ability=Ability.WIS,
        starting_training=Training(LIGHT, True, SIMPLE),
        multiclass_training=Training(LIGHT, True, frozenset()),
        asi_levels=STANDARD_ASI,
        features={
            1: ("Spellcasting", "Druidic", "Primal Order"),
            2: ("Wild Shape", "Wild Companion"),
            3: ("Druid Subclass",),
            4: ("Ability Score Improvement",),
            5: ("Wild Resurgence",),
            6: ("Subclass Feature",),
            7: ("Elemental Fury",),
            8: ("Ability Score Improvement",),
            10: ("Subclass Feature",),
            12: ("Ability Score Improvement",),
            14: ("Subclass Feature",),
            15: ("Improved Elemental Fury",),
            16: ("Ability Score Improvement",),
            18: ("Beast Spells",),
            19: ("Epic Boon",),
            20: ("Archdruid",),
        },
    ),
    ClassId.FIGHTER: ClassInfo(
        id=ClassId.FIGHTER,
        name="Fighter",
        hit_die=10,
        saving_throws=(Ability.STR, Ability.CON),
        multiclass_prerequisites=((Ability.STR, Ability.DEX),),
        caster=CasterType.NONE,
        spellcasting_ability=None,
        starting_training=Training(ALL_ARMOR, True, ALL_WEAPONS),
        multiclass_training=Training(LIGHT_MEDIUM, True, MARTIAL),
        asi_levels=FIGHTER_ASI,
        third_caster_subclasses=frozenset({"eldritch-knight"}),
        features={
            1: ("Fighting Style", "Second Wind", "Weapon Mastery"),
            2: ("Action Surge", "Tactical Mind"),
            3: ("Fighter Subclass",),
            4: ("Ability Score Improvement",),
            5: ("Extra Attack", "Tactical Shift"),
            6: ("Ability Score Improvement",),
            7: ("Subclass Feature",),
            8: ("Ability Score Improvement",),
            9: ("Indomitable", "Tactical Master"),
            10: ("Subclass Feature",),
            11: ("Two Extra Attacks",),
            12: ("Ability Score Improvement",),
            13: ("Indomitable", "Studied Attacks"),
            14: ("Ability Score Improvement",),
            15: ("Subclass Feature",),
            16: ("Ability Score Improvement",),
            17: ("Action Surge", "Indomitable"),
            18: ("Subclass Feature",),
            19: ("Epic Boon",),
            20: ("Three Extra Attacks",),
        },
    ),
    ClassId.MONK: ClassInfo(
        id=ClassId.MONK,
        name="Monk",
        hit_die=8,
        saving_throws=(Ability.STR, Ability.DEX),
        multiclass_prerequisites=((Ability.DEX,), (Ability.WIS,)),
        caster=CasterType.NONE,
        spellcasting_ability=None,
        starting_training=Training(
            frozenset(), False, SIMPLE, frozenset({WeaponProperty.LIGHT})
        ),
        multiclass_training=Training(),
        asi_levels=STANDARD_ASI,
        features={
            1: ("Martial Arts", "Unarmored Defense"),
            2: ("Monk's Focus", "Unarmored Movement", "Uncanny Metabolism"),
            3: ("Deflect Attacks", "Monk Subclass"),
            4: ("Ability Score Improvement", "Slow Fall"),
            5: ("Extra Attack", "Stunning Strike"),
            6: ("Empowered Strikes", "Subclass Feature"),
            7: ("Evasion",),
            8: ("Ability Score Improvement",),
            9: ("Acrobatic Movement",),
            10: ("Heightened Focus", "Self-Restoration"),
            11: ("Subclass Feature",),
            12: ("Ability Score Improvement",),
            13: ("Deflect Energy",),
            14: ("Disciplined Survivor",),
            15: ("Perfect Focus",),
            16: ("Ability Score Improvement",),
            17: ("Subclass Feature",),
            18: ("Superior Defense",),
            19: ("Epic Boon",),
            20: ("Body and Mind",),
        },
    ),
    ClassId.PALADIN: ClassInfo(
        id=ClassId.PALADIN,
        name="Paladin",
        hit_die=10,
        saving_throws=(Ability.WIS, Ability.CHA),
        multiclass_prerequisites=((Ability.STR,), (Ability.CHA,)),
        caster=CasterType.HALF,
        spellcasting_ability=Ability.CHA,
        starting_training=Training(ALL_ARMOR, True, ALL_WEAPONS),
        multiclass_training=Training(LIGHT_MEDIUM, True, MARTIAL),
        asi_levels=STANDARD_ASI,
        features={
            1: ("Lay On Hands", "Spellcasting", "Weapon Mastery"),
            2: ("Fighting Style", "Paladin's Smite"),
            3: ("Channel Divinity", "Paladin Subclass"),
            4: ("Ability Score Improvement",),
            5: ("Extra Attack", "Faithful Steed"),
            6: ("Aura of Protection",),
            7: ("Subclass Feature",),
            8: ("Ability Score Improvement",),
            9: ("Abjure Foes",),
            10: ("Aura of Courage",),
            11: ("Radiant Strikes",),
            12: ("Ability Score Improvement",),
            14: ("Restoring Touch",),
            15: ("Subclass Feature",),
            16: ("Ability Score Improvement",),
            18: ("Aura Expansion",),
            19: ("Epic Boon",),
            20: ("Subclass Feature",),
        },
    ),
    ClassId.RANGER: ClassInfo(
        id=ClassId.RANGER,
        name="Ranger",
        hit_die=10,
        saving_throws=(Ability.STR, Ability.DEX),
        multiclass_prerequisites=((Ability.DEX,), (Ability.WIS,)),
        caster=CasterType.HALF,
        spellcasting_ability=Ability.WIS,
        starting_training=Training(LIGHT_MEDIUM, True, ALL_WEAPONS),
        multiclass_training=Training(LIGHT_MEDIUM, True, MARTIAL),
        asi_levels=STANDARD_ASI,
        features={
            1: ("Spellcasting", "Favored Enemy", "Weapon Mastery"),
            2: ("Deft Explorer", "Fighting Style"),
            3: ("Ranger Subclass",),
            4: ("Ability Score Improvement",),
            5: ("Extra Attack",),
            6: ("Roving",),
            7: ("Subclass Feature",),
            8: ("Ability Score Improvement",),
            9: ("Expertise",),
            10: ("Tireless",),
            11: ("Subclass Feature",),
            12: ("Ability Score Improvement",),
            13: ("Relentless Hunter",),
            14: ("Nature's Veil",),
            15: ("Subclass Feature",),
            16: ("Ability Score Improvement",),
            17: ("Precise Hunter",),
            18: ("Feral Senses",),
            19: ("Epic Boon",),
            20: ("Foe Slayer",),
        },
    ),
    ClassId.ROGUE: ClassInfo(
        id=ClassId.ROGUE,
        name="Rogue",
        hit_die=8,
        saving_throws=(Ability.DEX, Ability.INT),
        multiclass_prerequisites=((Ability.DEX,),),
        caster=CasterType.NONE,
        spellcasting_ability=None,
        starting_training=Training(
            LIGHT, False, SIMPLE, frozenset({WeaponProperty.FINESSE, WeaponProperty.LIGHT})
        ),
        multiclass_training=Training(LIGHT, False, frozenset()),
        asi_levels=ROGUE_ASI,
        third_caster_subclasses=frozenset({"arcane-trickster"}),
        features={
            1: ("Expertise", "Sneak Attack", "Thieves' Cant", "Weapon Mastery"),
            2: ("Cunning Action",),
            3: ("Rogue Subclass", "Steady Aim"),
            4: ("Ability Score Improvement",),
            5: ("Cunning Strike", "Uncanny Dodge"),
            6: ("Expertise",),
            7: ("Evasion", "Reliable Talent"),
            8: ("Ability Score Improvement",),
            9: ("Subclass Feature",),
            10: ("Ability Score Improvement",),
            11: ("Improved Cunning Strike",),
            12: ("Ability Score Improvement",),
            13: ("Subclass Feature",),
            14: ("Devious Strikes",),
            15: ("Slippery Mind",),
            16: ("Ability Score Improvement",),
            17: ("Subclass Feature",),
            18: ("Elusive",),
            19: ("Epic Boon",),
            20: ("Stroke of Luck",),
        },
    ),
    ClassId.SORCERER: ClassInfo(
        id=ClassId.SORCERER,
        name="Sorcerer",
        hit_die=6,
        saving_throws=(Ability.CON, Ability.CHA),
        multiclass_prerequisites=((Ability.CHA,),),
        caster=CasterType.FULL,
        spellcasting_ability=Ability.CHA,
        starting_training=Training(frozenset(), False, SIMPLE),
        multiclass_training=Training(),
        asi_levels=STANDARD_ASI,
        features={
            1: ("Spellcasting", "Innate Sorcery"),
            2: ("Font of Magic", "Metamagic"),
            3: ("Sorcerer Subclass",),
            4: ("Ability Score Improvement",),
            5: ("Sorcerous Restoration",),
            6: ("Subclass Feature",),
            7: ("Sorcery Incarnate",),
            8: ("Ability Score Improvement",),
            10: ("Metamagic",),
            12: ("Ability Score Improvement",),
            14: ("Subclass Feature",),
            16: ("Ability Score Improvement",),
            17: ("Metamagic",),
            18: ("Subclass Feature",),
            19: ("Epic Boon",),
            20: ("Arcane Apotheosis",),
        },
    ),
    ClassId.WARLOCK: ClassInfo(
        id=ClassId.WARLOCK,
        name="Warlock",
        hit_die=8,
        saving_throws=(Ability.WIS, Ability.CHA),
        multiclass_prerequisites=((Ability.CHA,),),
        caster=CasterType.PACT,
        spellcasting_ability=Ability.CHA,
        starting_training=Training(LIGHT, False, SIMPLE),
        multiclass_training=Training(LIGHT, False, frozenset()),
        asi_levels=STANDARD_ASI,
        features={
            1: ("Eldritch Invocations", "Pact Magic"),
            2: ("Magical Cunning",),
            3: ("Warlock Subclass",),
            4: ("Ability Score Improvement",),
            6: ("Subclass Feature",),
            8: ("Ability Score Improvement",),
            9: ("Contact Patron",),
            10: ("Subclass Feature",),
            11: ("Mystic Arcanum (level 6 spell)",),
            12: ("Ability Score Improvement",),
            13: ("Mystic Arcanum (level 7 spell)",),
            14: ("Subclass Feature",),
            15: ("Mystic Arcanum (level 8 spell)",),
            16: ("Ability Score Improvement",),
            17: ("Mystic Arcanum (level 9 spell)",),
            19: ("Epic Boon",),
            20: ("Eldritch Master",),
        },
    ),
    ClassId.WIZARD: ClassInfo(
        id=ClassId.WIZARD,
        name="Wizard",
        hit_die=6,
        saving_throws=(Ability.INT, Ability.WIS),
        multiclass_prerequisites=((Ability.INT,),),
        caster=CasterType.FULL,
        spellcasting_ability=Ability.INT,
        starting_training=Training(frozenset(), False, SIMPLE),
        multiclass_training=Training(),
        asi_levels=STANDARD_ASI,
        features={
            1: ("Spellcasting", "Ritual Adept", "Arcane Recovery"),
            2: ("Scholar",),
            3: ("Wizard Subclass",),
            4: ("Ability Score Improvement",),
            5: ("Memorize Spell",),
            6: ("Subclass Feature",),
            8: ("Ability Score Improvement",),
            10: ("Subclass Feature",),
            12: ("Ability Score Improvement",),
            14: ("Subclass Feature",),
            16: ("Ability Score Improvement",),
            18: ("Spell Mastery",),
            19: ("Epic Boon",),
            20: ("Signature Spells",),
        },
    ),
}


def features_up_to(class_id: ClassId, level: int) -> list[tuple[int, str]]:
    """Every (level, feature name) a class grants from level 1 through ``level``."""
    info = CLASSES[class_id]
    return [
        (lvl, name)
        for lvl in range(1, level + 1)
        for name in info.features.get(lvl, ())
    ]


def meets_multiclass_prerequisites(class_id: ClassId, scores: dict[Ability, int]) -> bool:
    """True when ``scores`` meet the class's multiclass prerequisite (13+ where required)."""
    return all(
        any(scores.get(ability, 0) >= 13 for ability in group)
        for group in CLASSES[class_id].multiclass_prerequisites
    )


def prerequisite_text(class_id: ClassId) -> str:
    """Player-readable form of a class's multiclass prerequisite, e.g. "Str 13 or Dex 13"."""
    groups = [
        " or ".join(f"{ability.value.capitalize()} 13" for ability in group)
        for group in CLASSES[class_id].multiclass_prerequisites
    ]
    return " and ".join(groups)
