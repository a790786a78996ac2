"""The planner's own knowledge: how each class spends its scores, what it carries, which
concept words point at which skills, lineages, damage types and reskins.

These are the product's choices, not SRD data (that comes from the catalog and rules/).
"""

from __future__ import annotations

from rules.enums import Ability, ClassId, Skill

A = Ability
ABILITY_PRIORITY: dict[ClassId, tuple[Ability, ...]] = {
    ClassId.BARBARIAN: (A.STR, A.CON, A.DEX, A.WIS, A.CHA, A.INT),
    ClassId.BARD: (A.CHA, A.DEX, A.CON, A.WIS, A.INT, A.STR),
    ClassId.CLERIC: (A.WIS, A.CON, A.STR, A.CHA, A.DEX, A.INT),
    ClassId.DRUID: (A.WIS, A.CON, A.DEX, A.INT, A.CHA, A.STR),
    ClassId.FIGHTER: (A.STR, A.CON, A.DEX, A.WIS, A.CHA, A.INT),
    ClassId.MONK: (A.DEX, A.WIS, A.CON, A.STR, A.INT, A.CHA),
    ClassId.PALADIN: (A.STR, A.CHA, A.CON, A.WIS, A.DEX, A.INT),
    ClassId.RANGER: (A.DEX, A.WIS, A.CON, A.STR, A.INT, A.CHA),
    ClassId.ROGUE: (A.DEX, A.CON, A.WIS, A.CHA, A.INT, A.STR),
    ClassId.SORCERER: (A.CHA, A.CON, A.DEX, A.WIS, A.INT, A.STR),
    ClassId.WARLOCK: (A.CHA, A.CON, A.DEX, A.WIS, A.INT, A.STR),
    ClassId.WIZARD: (A.INT, A.CON, A.DEX, A.WIS, A.CHA, A.STR),
}
# A Fighter (or Paladin, Barbarian...) whose concept is about bows and agility leads with Dex.
DEX_FIGHTER = (A.DEX, A.CON, A.STR, A.WIS, A.CHA, A.INT)
NIMBLE_WORDS = frozenset(
    [
        "archer",
        "arrow",
        "arrows",
        "bow",
        "bows",
        "longbow",
        "shortbow",
        "sniper",
        "crossbow",
        "duelist",
        "rapier",
        "nimble",
        "acrobat",
        "acrobatic",
        "agile",
        "swift",
        "quick",
        "dancer",
        "dances",
    ]
)

# What each class starts with, as rules-format equipment references (equipped).
GEAR: dict[ClassId, tuple[str, ...]] = {
    ClassId.BARBARIAN: ("weapon/greataxe", "weapon/handaxe"),
    ClassId.BARD: ("weapon/rapier", "weapon/dagger", "armor/leather-armor"),
    ClassId.CLERIC: ("weapon/mace", "armor/chain-shirt", "shield"),
    ClassId.DRUID: ("weapon/quarterstaff", "armor/leather-armor", "shield"),
    ClassId.FIGHTER: ("weapon/longsword", "armor/chain-mail", "shield"),
    ClassId.MONK: ("weapon/spear", "weapon/dagger"),
    ClassId.PALADIN: ("weapon/longsword", "armor/chain-mail", "shield"),
    ClassId.RANGER: ("weapon/longbow", "weapon/shortsword", "armor/studded-leather-armor"),
    ClassId.ROGUE: ("weapon/rapier", "weapon/shortbow", "armor/leather-armor"),
    ClassId.SORCERER: ("weapon/spear", "weapon/dagger"),
    ClassId.WARLOCK: ("weapon/sickle", "weapon/dagger", "armor/leather-armor"),
    ClassId.WIZARD: ("weapon/quarterstaff", "weapon/dagger"),
}
DEX_FIGHTER_GEAR = ("weapon/longbow", "weapon/shortsword", "armor/studded-leather-armor")
FIGHTING_STYLE = {ClassId.FIGHTER: 1, ClassId.PALADIN: 2, ClassId.RANGER: 2}

SKILL_WORDS: dict[Skill, frozenset[str]] = {
    skill: frozenset(words.split())
    for skill, words in {
        Skill.ACROBATICS: "acrobat acrobatic acrobatics agile nimble dance dances dancer swings",
        Skill.ANIMAL_HANDLING: "animal animals beast beasts wolf wolves hawk horse companion bear",
        Skill.ARCANA: "arcane magic mage spell spells scholar lore tomes books runes",
        Skill.ATHLETICS: "strong wrestler climber swimmer brawler athlete gladiator strength",
        Skill.DECEPTION: "liar con deceive deception trickster disguise spy smuggler charlatan",
        Skill.HISTORY: "history historian ancient lore forgotten old legends heroes",
        Skill.INSIGHT: "insight wise perceptive empath judge",
        Skill.INTIMIDATION: "intimidating scary scarred menacing fearsome brute captain",
        Skill.INVESTIGATION: "investigator detective clues puzzles inventor tinkerer",
        Skill.MEDICINE: "healer heals medicine herbs physician wounds mends",
        Skill.NATURE: "nature forest trees plants garden gardens grove druidic swamp",
        Skill.PERCEPTION: "watchful lookout guard guards sniper hunter scout keen",
        Skill.PERFORMANCE: "singer sings songs song lute music musician minstrel performer tales",
        Skill.PERSUASION: "charming charms diplomat noble prince persuasive silver",
        Skill.RELIGION: "priest priestess temple god goddess divine holy faith prophet devout",
        Skill.SLEIGHT_OF_HAND: "pickpocket fingers thief burglar lock locks",
        Skill.STEALTH: "sneaky stealthy shadows shadow assassin spy burglar ambush sneak",
        Skill.SURVIVAL: "tracker tracks hunter wilderness frozen wastelands survivalist",
    }.items()
}  # fmt: skip

DAMAGE_WORDS: dict[str, frozenset[str]] = {
    damage: frozenset(words.split())
    for damage, words in {
        "fire": "fire fiery flame flames burn burns burning inferno ember infernal explosive",
        "cold": "frost ice icy cold freeze freezes frozen winter snow",
        "lightning": "lightning storm storms crackling thunderbolt",
        "thunder": "thunder storm storms booming",
        "necrotic": "necromancer necrotic death dead undead grave corpse decay",
        "radiant": "radiant holy light sun divine smite",
        "poison": "poison poisons venom toxic",
        "psychic": "psychic mind dreams madness",
        "acid": "acid corrosive",
        "force": "force arcane",
    }.items()
}  # fmt: skip

LINEAGE_WORDS: dict[str, dict[str, frozenset[str]]] = {
    species: {lineage: frozenset(words.split()) for lineage, words in options.items()}
    for species, options in {
        "elf": {
            "drow": "drow dark underdark shadow shadows exiled",
            "wood-elf": "wood forest grove archer trees ranger hunter",
            "high-elf": "high wizard magic ancient scholar",
        },
        "gnome": {
            "forest-gnome": "forest illusion illusionist animals pranks",
            "rock-gnome": "tinkerer inventor clocks clockwork gadgets mechanical",
        },
        "goliath": {
            "storm": "storm storms thunder lightning",
            "frost": "frost frozen ice cold",
            "fire": "fire flame",
            "cloud": "cloud sky",
            "hill": "hill",
            "stone": "stone mountain peaks",
        },
        "tiefling": {
            "infernal": "infernal fire hell devil",
            "abyssal": "abyssal demon chaos poison",
            "chthonic": "chthonic death undead grave necrotic",
        },
    }.items()
}  # fmt: skip
DEFAULT_LINEAGE = {
    "dragonborn": "red",
    "elf": "high-elf",
    "gnome": "rock-gnome",
    "goliath": "stone",
    "tiefling": "infernal",
}

# Beings the SRD has no species for, played as a reskin of one that is close.
RESKINNED_SPECIES: dict[str, tuple[str, str]] = {
    word: (species, note)
    for words, species, note in (
        ("golem construct automaton clockwork robot", "species/dwarf",
         "Dwarven Toughness and darkvision read as a sturdy built body"),
        ("vampire", "species/elf", "darkvision and a long life read as the undying"),
        ("werewolf lycanthrope", "species/orc", "Relentless Endurance reads as a beast's vigour"),
        ("angel aasimar celestial", "species/human", "a human with a celestial look"),
        ("fairy pixie sprite", "species/halfling", "small and lucky, played as fey"),
        ("giant", "species/goliath", "giant ancestry is already a Goliath's"),
    )
    for word in words.split()
}  # fmt: skip
# Improvised weapons a concept may name: an SRD weapon played under that name.
RESKINNED_WEAPONS: dict[str, tuple[str, str]] = {
    "frying pan": ("weapon/club", "Frying Pan"),
    "pan": ("weapon/club", "Frying Pan"),
    "ladle": ("weapon/club", "Ladle"),
    "shovel": ("weapon/quarterstaff", "Shovel"),
    "pickaxe": ("weapon/war-pick", "Pickaxe"),
    "anchor": ("weapon/maul", "Anchor"),
    "umbrella": ("weapon/quarterstaff", "Umbrella"),
    "chain": ("weapon/flail", "Chain"),
}

CLASSIC_DRAGONS = frozenset({"red", "blue", "green", "black", "white"})
# "Choose any 3 skills": what such a class reaches for when the concept says nothing.
PREFERRED_SKILLS: dict[ClassId, tuple[Skill, ...]] = {
    ClassId.BARD: (Skill.PERFORMANCE, Skill.PERSUASION, Skill.DECEPTION, Skill.INSIGHT),
}
# Words that name a species without its name: adjectives and lineages.
SPECIES_WORDS = {
    "dwarven": "species/dwarf",
    "elven": "species/elf",
    "elvish": "species/elf",
    "drow": "species/elf",
    "gnomish": "species/gnome",
    "orcish": "species/orc",
}
