"""Tables for guided 2024 character creation (SRD 5.2 "Character Creation", "Classes",
"Character Origins"): what each class and background offers a level-1 character.

Facts only - skill lists, starting equipment, gold, weapon mastery counts, languages - checked
against ``../shared/srd`` by ``tests/rules/test_creation_tables.py``. Where the two SRD sources
disagree on a class skill list (5e-database drops Persuasion from the Fighter's and Nature from
the Wizard's, and adds Performance to the Rogue's), the open5e transcription of the SRD 5.2
wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rules.enums import Ability, ClassId, Skill

ALL_SKILLS: tuple[Skill, ...] = tuple(Skill)

# ------------------------------------------------------------------ equipment


@dataclass(frozen=True)
class StartingItem:
    """One line of a starting-equipment option. ``ref`` names a rules equipment table entry
    (``weapon/greataxe``) when there is one; ``choice`` marks an item the player picks the kind
    of (a Musical Instrument, a Holy Symbol)."""

    name: str
    quantity: int = 1
    ref: str | None = None
    weight: float = 0.0  # pounds per unit, for items without a ref
    choice: str | None = None  # "musical-instrument", "artisans-tools", "gaming-set", ...


@dataclass(frozen=True)
class EquipmentOption:
    label: str  # "a", "b", "c"
    items: tuple[StartingItem, ...]
    gp: int


def _w(slug: str, quantity: int = 1) -> StartingItem:
    return StartingItem(slug.replace("-", " ").title(), quantity, ref=f"weapon/{slug}")


def _a(slug: str) -> StartingItem:
    return StartingItem(slug.replace("-", " ").title(), ref=f"armor/{slug}")


def _gear(name: str, weight: float, quantity: int = 1, choice: str | None = None) -> StartingItem:
    return StartingItem(name, quantity, weight=weight, choice=choice)


SHIELD = StartingItem("Shield", ref="shield")
EXPLORERS_PACK = _gear("Explorer's Pack", 55)
DUNGEONEERS_PACK = _gear("Dungeoneer's Pack", 55)
PRIESTS_PACK = _gear("Priest's Pack", 29)
SCHOLARS_PACK = _gear("Scholar's Pack", 22)
HOLY_SYMBOL = _gear("Holy Symbol", 1, choice="holy-symbol")
ARROWS = _gear("Arrows", 0.05, 20)
QUIVER = _gear("Quiver", 1)
THIEVES_TOOLS = _gear("Thieves' Tools", 1)
CALLIGRAPHERS_SUPPLIES = _gear("Calligrapher's Supplies", 5)
ROBE = _gear("Robe", 4)
TRAVELERS_CLOTHES = _gear("Traveler's Clothes", 4)


def _gold(label: str, gp: int) -> EquipmentOption:
    return EquipmentOption(label, (), gp)


# ------------------------------------------------------------------ classes


@dataclass(frozen=True)
class SkillChoice:
    count: int
    options: tuple[Skill, ...]

    @property
    def any_skill(self) -> bool:
        return len(self.options) == len(ALL_SKILLS)


@dataclass(frozen=True)
class ToolChoice:
    """Tool proficiencies a class or background grants: fixed ones, and ``count`` of ``kinds``."""

    fixed: tuple[str, ...] = ()
    count: int = 0
    kinds: tuple[str, ...] = ()  # tool groups to choose from: "musical-instrument", ...


class MasteryScope(StrEnum):
    """Which weapons a class's Weapon Mastery may pick."""

    MELEE = "simple-or-martial-melee"  # Barbarian
    ANY = "simple-or-martial"  # Fighter
    PROFICIENT = "proficient"  # Paladin, Ranger, Rogue


@dataclass(frozen=True)
class ClassCreation:
    class_id: ClassId
    skills: SkillChoice
    equipment: tuple[EquipmentOption, ...]
    tools: ToolChoice = ToolChoice()
    # Multiclassing into the class (not starting with it) grants this skill choice.
    multiclass_skills: SkillChoice | None = None
    mastery_scope: MasteryScope | None = None
    expertise: int = 0  # Expertise choices at class level 1 (Rogue)
    languages: tuple[str, ...] = ()  # languages the class itself teaches at level 1
    extra_languages: int = 0  # more languages of the player's choice at level 1 (Rogue)
    fighting_style: bool = False  # a Fighting Style feat at level 1 (Fighter)
    choices: tuple[str, ...] = ()  # ids of level-1 ``rules.class_choices`` (Divine Order)


_S = Skill
_RANGER_SKILLS = (_S.ANIMAL_HANDLING, _S.ATHLETICS, _S.INSIGHT, _S.INVESTIGATION, _S.NATURE,
                  _S.PERCEPTION, _S.STEALTH, _S.SURVIVAL)
_ROGUE_SKILLS = (_S.ACROBATICS, _S.ATHLETICS, _S.DECEPTION, _S.INSIGHT, _S.INTIMIDATION,
                 _S.INVESTIGATION, _S.PERCEPTION, _S.PERSUASION, _S.SLEIGHT_OF_HAND, _S.STEALTH)

CLASS_CREATION: dict[ClassId, ClassCreation] = {
    info.class_id: info
    for info in (
        ClassCreation(
            ClassId.BARBARIAN,
            SkillChoice(2, (_S.ANIMAL_HANDLING, _S.ATHLETICS, _S.INTIMIDATION, _S.NATURE,
                            _S.PERCEPTION, _S.SURVIVAL)),
            (EquipmentOption("a", (_w("greataxe"), _w("handaxe", 4), EXPLORERS_PACK), 15),
             _gold("b", 75)),
            mastery_scope=MasteryScope.MELEE,
        ),
        ClassCreation(
            ClassId.BARD,
            SkillChoice(3, ALL_SKILLS),
            (EquipmentOption("a", (_a("leather-armor"), _w("dagger", 2),
                                   _gear("Musical Instrument", 2, choice="musical-instrument"),
                                   _gear("Entertainer's Pack", 58)), 19),
             _gold("b", 90)),
            tools=ToolChoice(count=3, kinds=("musical-instrument",)),
            multiclass_skills=SkillChoice(1, ALL_SKILLS),
        ),
        ClassCreation(
            ClassId.CLERIC,
            SkillChoice(2, (_S.HISTORY, _S.INSIGHT, _S.MEDICINE, _S.PERSUASION, _S.RELIGION)),
            (EquipmentOption("a", (_a("chain-shirt"), SHIELD, _w("mace"), HOLY_SYMBOL,
                                   PRIESTS_PACK), 7),
             _gold("b", 110)),
            choices=("divine-order",),
        ),
        ClassCreation(
            ClassId.DRUID,
            SkillChoice(2, (_S.ANIMAL_HANDLING, _S.ARCANA, _S.INSIGHT, _S.MEDICINE, _S.NATURE,
                            _S.PERCEPTION, _S.RELIGION, _S.SURVIVAL)),
            (EquipmentOption("a", (_a("leather-armor"), SHIELD, _w("sickle"),
                                   StartingItem("Quarterstaff (Druidic Focus)",
                                                ref="weapon/quarterstaff"),
                                   EXPLORERS_PACK, _gear("Herbalism Kit", 3)), 9),
             _gold("b", 50)),
            tools=ToolChoice(fixed=("Herbalism Kit",)),
            languages=("druidic",),
            choices=("primal-order",),
        ),
        ClassCreation(
            ClassId.FIGHTER,
            SkillChoice(2, (_S.ACROBATICS, _S.ANIMAL_HANDLING, _S.ATHLETICS, _S.HISTORY,
                            _S.INSIGHT, _S.INTIMIDATION, _S.PERSUASION, _S.PERCEPTION,
                            _S.SURVIVAL)),
            (EquipmentOption("a", (_a("chain-mail"), _w("greatsword"), _w("flail"),
                                   _w("javelin", 8), DUNGEONEERS_PACK), 4),
             EquipmentOption("b", (_a("studded-leather-armor"), _w("scimitar"),
                                   _w("shortsword"), _w("longbow"), ARROWS, QUIVER,
                                   DUNGEONEERS_PACK), 11),
             _gold("c", 155)),
            mastery_scope=MasteryScope.ANY,
            fighting_style=True,
        ),
        ClassCreation(
            ClassId.MONK,
            SkillChoice(2, (_S.ACROBATICS, _S.ATHLETICS, _S.HISTORY, _S.INSIGHT, _S.RELIGION,
                            _S.STEALTH)),
            (EquipmentOption("a", (_w("spear"), _w("dagger", 5),
                                   _gear("Artisan's Tools or Musical Instrument", 5,
                                         choice="monk-tool"),
                                   EXPLORERS_PACK), 11),
             _gold("b", 50)),
            tools=ToolChoice(count=1, kinds=("artisans-tools", "musical-instrument")),
        ),
        ClassCreation(
            ClassId.PALADIN,
            SkillChoice(2, (_S.ATHLETICS, _S.INSIGHT, _S.INTIMIDATION, _S.MEDICINE,
                            _S.PERSUASION, _S.RELIGION)),
            (EquipmentOption("a", (_a("chain-mail"), SHIELD, _w("longsword"), _w("javelin", 6),
                                   HOLY_SYMBOL, PRIESTS_PACK), 9),
             _gold("b", 150)),
            mastery_scope=MasteryScope.PROFICIENT,
        ),
        ClassCreation(
            ClassId.RANGER,
            SkillChoice(3, _RANGER_SKILLS),
            (EquipmentOption("a", (_a("studded-leather-armor"), _w("scimitar"), _w("shortsword"),
                                   _w("longbow"), ARROWS, QUIVER,
                                   _gear("Sprig of Mistletoe (Druidic Focus)", 0),
                                   EXPLORERS_PACK), 7),
             _gold("b", 150)),
            multiclass_skills=SkillChoice(1, _RANGER_SKILLS),
            mastery_scope=MasteryScope.PROFICIENT,
        ),
        ClassCreation(
            ClassId.ROGUE,
            SkillChoice(4, _ROGUE_SKILLS),
            (EquipmentOption("a", (_a("leather-armor"), _w("dagger", 2), _w("shortsword"),
                                   _w("shortbow"), ARROWS, QUIVER, THIEVES_TOOLS,
                                   _gear("Burglar's Pack", 42)), 8),
             _gold("b", 100)),
            tools=ToolChoice(fixed=("Thieves' Tools",)),
            multiclass_skills=SkillChoice(1, _ROGUE_SKILLS),
            mastery_scope=MasteryScope.PROFICIENT,
            expertise=2,
            languages=("thieves-cant",),
            extra_languages=1,
        ),
        ClassCreation(
            ClassId.SORCERER,
            SkillChoice(2, (_S.ARCANA, _S.DECEPTION, _S.INSIGHT, _S.INTIMIDATION, _S.PERSUASION,
                            _S.RELIGION)),
            (EquipmentOption("a", (_w("spear"), _w("dagger", 2),
                                   _gear("Crystal (Arcane Focus)", 1), DUNGEONEERS_PACK), 28),
             _gold("b", 50)),
        ),
        ClassCreation(
            ClassId.WARLOCK,
            SkillChoice(2, (_S.ARCANA, _S.DECEPTION, _S.HISTORY, _S.INTIMIDATION,
                            _S.INVESTIGATION, _S.NATURE, _S.RELIGION)),
            (EquipmentOption("a", (_a("leather-armor"), _w("sickle"), _w("dagger", 2),
                                   _gear("Orb (Arcane Focus)", 3), _gear("Book (occult lore)", 5),
                                   SCHOLARS_PACK), 15),
             _gold("b", 100)),
        ),
        ClassCreation(
            ClassId.WIZARD,
            SkillChoice(2, (_S.ARCANA, _S.HISTORY, _S.INSIGHT, _S.INVESTIGATION, _S.MEDICINE,
                            _S.NATURE, _S.RELIGION)),
            (EquipmentOption("a", (_w("dagger", 2),
                                   StartingItem("Quarterstaff (Arcane Focus)",
                                                ref="weapon/quarterstaff"),
                                   ROBE, _gear("Spellbook", 3), SCHOLARS_PACK), 5),
             _gold("b", 55)),
        ),
    )
}  # fmt: skip

# Standard array by class (SRD 5.2 "Ability Scores"): a suggestion, in Str..Cha order.
SUGGESTED_ARRAY: dict[ClassId, tuple[int, int, int, int, int, int]] = {
    ClassId.BARBARIAN: (15, 13, 14, 10, 12, 8),
    ClassId.BARD: (8, 14, 12, 13, 10, 15),
    ClassId.CLERIC: (14, 8, 13, 10, 15, 12),
    ClassId.DRUID: (8, 12, 14, 13, 15, 10),
    ClassId.FIGHTER: (15, 14, 13, 8, 10, 12),
    ClassId.MONK: (12, 15, 13, 10, 14, 8),
    ClassId.PALADIN: (15, 10, 13, 8, 12, 14),
    ClassId.RANGER: (12, 15, 13, 8, 14, 10),
    ClassId.ROGUE: (12, 15, 13, 14, 10, 8),
    ClassId.SORCERER: (10, 13, 14, 8, 12, 15),
    ClassId.WARLOCK: (8, 14, 13, 12, 10, 15),
    ClassId.WIZARD: (8, 12, 13, 15, 14, 10),
}

# ------------------------------------------------------------------ backgrounds


@dataclass(frozen=True)
class BackgroundCreation:
    slug: str
    name: str
    abilities: tuple[Ability, Ability, Ability]
    feat: str  # the Origin feat, as a sheet names it: "Magic Initiate (Cleric)"
    skills: tuple[Skill, Skill]
    tools: ToolChoice
    equipment: tuple[EquipmentOption, ...]


BACKGROUNDS: dict[str, BackgroundCreation] = {
    info.slug: info
    for info in (
        BackgroundCreation(
            "acolyte", "Acolyte", (Ability.INT, Ability.WIS, Ability.CHA),
            "Magic Initiate (Cleric)", (Skill.INSIGHT, Skill.RELIGION),
            ToolChoice(fixed=("Calligrapher's Supplies",)),
            (EquipmentOption("a", (CALLIGRAPHERS_SUPPLIES, _gear("Book (prayers)", 5),
                                   HOLY_SYMBOL, _gear("Parchment", 0, 10), ROBE), 8),
             _gold("b", 50)),
        ),
        BackgroundCreation(
            "criminal", "Criminal", (Ability.DEX, Ability.CON, Ability.INT),
            "Alert", (Skill.SLEIGHT_OF_HAND, Skill.STEALTH),
            ToolChoice(fixed=("Thieves' Tools",)),
            (EquipmentOption("a", (_w("dagger", 2), THIEVES_TOOLS, _gear("Crowbar", 5),
                                   _gear("Pouch", 1, 2), TRAVELERS_CLOTHES), 16),
             _gold("b", 50)),
        ),
        BackgroundCreation(
            "sage", "Sage", (Ability.CON, Ability.INT, Ability.WIS),
            "Magic Initiate (Wizard)", (Skill.ARCANA, Skill.HISTORY),
            ToolChoice(fixed=("Calligrapher's Supplies",)),
            (EquipmentOption("a", (_w("quarterstaff"), CALLIGRAPHERS_SUPPLIES,
                                   _gear("Book (history)", 5), _gear("Parchment", 0, 8), ROBE), 8),
             _gold("b", 50)),
        ),
        BackgroundCreation(
            "soldier", "Soldier", (Ability.STR, Ability.DEX, Ability.CON),
            "Savage Attacker", (Skill.ATHLETICS, Skill.INTIMIDATION),
            ToolChoice(count=1, kinds=("gaming-set",)),
            (EquipmentOption("a", (_w("spear"), _w("shortbow"), ARROWS,
                                   _gear("Gaming Set", 0, choice="gaming-set"),
                                   _gear("Healer's Kit", 3), QUIVER, TRAVELERS_CLOTHES), 14),
             _gold("b", 50)),
        ),
    )
}  # fmt: skip

# A background outside the SRD (the GM's or a sourcebook's) follows the same shape: three
# abilities, an Origin feat, two skills of its own and one tool.
CUSTOM_BACKGROUND_SKILLS = 2

# ------------------------------------------------------------------ tools and languages

TOOL_KINDS: dict[str, tuple[str, ...]] = {
    "artisans-tools": (
        "Alchemist's Supplies", "Brewer's Supplies", "Calligrapher's Supplies",
        "Carpenter's Tools", "Cartographer's Tools", "Cobbler's Tools", "Cook's Utensils",
        "Glassblower's Tools", "Jeweler's Tools", "Leatherworker's Tools", "Mason's Tools",
        "Painter's Supplies", "Potter's Tools", "Smith's Tools", "Tinker's Tools",
        "Weaver's Tools", "Woodcarver's Tools",
    ),
    "musical-instrument": (
        "Bagpipes", "Drum", "Dulcimer", "Flute", "Horn", "Lute", "Lyre", "Pan Flute", "Shawm",
        "Viol",
    ),
    "gaming-set": ("Dice", "Dragonchess", "Playing Cards", "Three-Dragon Ante"),
    "holy-symbol": ("Amulet", "Emblem", "Reliquary"),
}  # fmt: skip

# Language slugs, as sheets spell them in ``proficiencies.languages``.
COMMON = "common"
STANDARD_LANGUAGES: tuple[str, ...] = (
    "common-sign-language", "draconic", "dwarvish", "elvish", "giant", "gnomish", "goblin",
    "halfling", "orc",
)
RARE_LANGUAGES: tuple[str, ...] = (
    "abyssal", "celestial", "deep-speech", "druidic", "infernal", "primordial", "sylvan",
    "thieves-cant", "undercommon",
)
CREATION_LANGUAGES = 2  # Common plus two standard languages

# ------------------------------------------------------------------ species choices

# Species traits that grant a skill: (trait, skills it may be chosen from).
SPECIES_SKILLS: dict[str, tuple[str, SkillChoice]] = {
    "human": ("Skillful", SkillChoice(1, ALL_SKILLS)),
    "elf": ("Keen Senses", SkillChoice(1, (Skill.INSIGHT, Skill.PERCEPTION, Skill.SURVIVAL))),
}
# Human Versatile: an Origin feat of the player's choice.
SPECIES_ORIGIN_FEAT: dict[str, str] = {"human": "Versatile"}
# Lineages whose spells use a spellcasting ability chosen with the lineage.
LINEAGE_ABILITY_SPECIES = frozenset({"elf", "gnome", "tiefling"})
LINEAGE_ABILITIES: tuple[Ability, ...] = (Ability.INT, Ability.WIS, Ability.CHA)
