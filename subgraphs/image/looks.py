"""What a picture should show, read from a prompt and a character's sheet.

A prompt like "elf wizard with silver hair and a crimson robe" names a species, a class and
colours for parts of the figure. The sheet (species and classes from the character service)
wins over the prompt for species and class, since it is the truth about the character; the
prompt's colours win over the defaults a species or class suggests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from subgraphs.image.offline.canvas import RGB

COLOURS: dict[str, RGB] = {
    "black": (30, 28, 32),
    "white": (236, 234, 228),
    "grey": (128, 128, 132),
    "gray": (128, 128, 132),
    "silver": (192, 196, 204),
    "gold": (212, 175, 55),
    "golden": (218, 180, 70),
    "blonde": (226, 196, 120),
    "blond": (226, 196, 120),
    "red": (178, 34, 34),
    "crimson": (160, 20, 44),
    "scarlet": (204, 36, 30),
    "auburn": (146, 62, 36),
    "ginger": (196, 96, 40),
    "copper": (184, 115, 51),
    "bronze": (170, 120, 60),
    "brass": (181, 150, 66),
    "orange": (226, 120, 34),
    "yellow": (230, 200, 60),
    "green": (46, 130, 70),
    "emerald": (30, 140, 90),
    "jade": (0, 150, 110),
    "teal": (20, 128, 128),
    "blue": (40, 80, 170),
    "azure": (48, 110, 200),
    "sapphire": (20, 60, 150),
    "navy": (24, 36, 84),
    "violet": (120, 70, 170),
    "purple": (112, 48, 130),
    "indigo": (70, 40, 130),
    "pink": (226, 130, 170),
    "brown": (110, 70, 40),
    "chestnut": (120, 60, 30),
    "tan": (200, 160, 110),
    "pale": (236, 214, 196),
    "dark": (60, 44, 36),
    "ebony": (40, 30, 28),
    "ivory": (240, 232, 210),
    "amber": (220, 150, 30),
    "obsidian": (24, 22, 30),
    "rust": (160, 70, 40),
    "bone": (226, 218, 196),
}

# What a colour word may describe, by the words that follow it ("silver hair", "red cloak").
PARTS: dict[str, tuple[str, ...]] = {
    "hair": ("hair", "haired", "braid", "braids", "mane", "beard", "bearded", "locks"),
    "eyes": ("eye", "eyes", "eyed", "gaze"),
    "skin": ("skin", "skinned", "scales", "scaled", "scale", "hide", "complexion"),
    "garment": (
        "cloak",
        "robe",
        "robes",
        "tunic",
        "coat",
        "cape",
        "dress",
        "armor",
        "armour",
        "mantle",
        "vestments",
        "garb",
        "clothes",
        "jerkin",
        "hood",
    ),
}

SPECIES = ("dragonborn", "dwarf", "elf", "gnome", "goliath", "halfling", "human", "orc", "tiefling")
SPECIES_ALIASES = {
    "elven": "elf",
    "elvish": "elf",
    "dwarven": "dwarf",
    "dwarvish": "dwarf",
    "orcish": "orc",
    "half-orc": "orc",
    "halflings": "halfling",
}
CLASSES = (
    "barbarian",
    "bard",
    "cleric",
    "druid",
    "fighter",
    "monk",
    "paladin",
    "ranger",
    "rogue",
    "sorcerer",
    "warlock",
    "wizard",
)
CLASS_ALIASES = {
    "knight": "paladin",
    "mage": "wizard",
    "thief": "rogue",
    "priest": "cleric",
    "witch": "warlock",
    "warrior": "fighter",
    "archer": "ranger",
    "assassin": "rogue",
    "minstrel": "bard",
    "hunter": "ranger",
}

# Defaults when nothing names them: what a species looks like, what a class wears.
SPECIES_SKIN: dict[str, tuple[RGB, ...]] = {
    "human": ((236, 200, 170), (198, 150, 110), (140, 96, 66), (96, 64, 44)),
    "elf": ((240, 214, 190), (206, 170, 140), (150, 110, 90)),
    "dwarf": ((226, 180, 150), (190, 140, 110), (130, 90, 66)),
    "halfling": ((238, 200, 166), (200, 154, 116)),
    "gnome": ((240, 206, 176), (196, 150, 120)),
    "orc": ((120, 150, 96), (104, 126, 100), (140, 140, 120)),
    "tiefling": ((178, 60, 60), (140, 70, 130), (200, 110, 100)),
    "dragonborn": ((170, 40, 30), (40, 110, 60), (50, 80, 160), (190, 150, 60), (200, 200, 200)),
    "goliath": ((170, 166, 160), (140, 136, 134), (190, 180, 170)),
}
CLASS_GARMENT: dict[str, RGB] = {
    "barbarian": (120, 84, 52),
    "bard": (150, 40, 90),
    "cleric": (228, 222, 206),
    "druid": (70, 110, 50),
    "fighter": (150, 154, 160),
    "monk": (204, 120, 40),
    "paladin": (200, 200, 206),
    "ranger": (60, 90, 50),
    "rogue": (50, 48, 56),
    "sorcerer": (150, 30, 40),
    "warlock": (70, 30, 90),
    "wizard": (40, 60, 140),
}
HAIR = ((30, 24, 20), (80, 50, 30), (140, 90, 50), (200, 160, 90), (170, 60, 30), (200, 200, 200))
EYES = ((70, 110, 160), (90, 130, 70), (110, 70, 40), (60, 50, 40), (150, 120, 60))

_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def named_colours(prompt: str) -> dict[str, RGB]:
    """Colours the prompt gives to parts of the figure: ``{"hair": (192, 196, 204), ...}``.

    A colour word applies to the next part word within three words ("silver-white hair", "a red
    hooded cloak"); the first mention of a part wins.
    """
    found: dict[str, RGB] = {}
    tokens = words(prompt.replace("-", " "))
    for index, token in enumerate(tokens):
        if token not in COLOURS:
            continue
        for ahead in tokens[index + 1 : index + 4]:
            part = next((p for p, names in PARTS.items() if ahead in names), None)
            if part is not None:
                found.setdefault(part, COLOURS[token])
                break
    return found


def first_named(text: str, names: tuple[str, ...], aliases: dict[str, str]) -> str | None:
    for token in words(text):
        if token in names:
            return token
        if token in aliases:
            return aliases[token]
    return None


def _slug_word(value: str | None) -> str:
    """``"species/elf"`` or ``"High Elf"`` to a plain lower-case word list."""
    return (value or "").rsplit("/", 1)[-1].replace("-", " ").lower()


@dataclass(frozen=True)
class CharacterLook:
    """Everything a portrait or token of a character draws from."""

    name: str = ""
    species: str = "human"
    character_class: str | None = None
    level: int | None = None
    colours: dict[str, RGB] = field(default_factory=dict)
    prompt: str = ""

    @property
    def caption(self) -> str:
        """ "Level 5 Elf Wizard"."""
        parts = [
            f"Level {self.level}" if self.level else "",
            self.species.title(),
            (self.character_class or "").title(),
        ]
        return " ".join(part for part in parts if part)


@dataclass(frozen=True)
class SheetFacts:
    """What the character service tells about a character (all optional: a draft knows little)."""

    name: str = ""
    level: int | None = None
    species: str | None = None  # a name or slug: "Elf", "species/elf"
    classes: tuple[str, ...] = ()  # names or slugs, the main class first
    portrait_id: str | None = None  # the character's current portrait asset, if it has one


def character_look(prompt: str, sheet: SheetFacts | None = None) -> CharacterLook:
    sheet = sheet or SheetFacts()
    species = (
        first_named(_slug_word(sheet.species), SPECIES, SPECIES_ALIASES)
        or first_named(prompt, SPECIES, SPECIES_ALIASES)
        or "human"
    )
    from_sheet = next(
        (
            c
            for c in (first_named(_slug_word(s), CLASSES, CLASS_ALIASES) for s in sheet.classes)
            if c
        ),
        None,
    )
    return CharacterLook(
        name=sheet.name,
        species=species,
        character_class=from_sheet or first_named(prompt, CLASSES, CLASS_ALIASES),
        level=sheet.level,
        colours=named_colours(prompt),
        prompt=prompt,
    )
