"""Item pictures drawn by the catalog entry's category: a blade for a sword, a flask for a
potion, a ring, a scroll... on a card tinted by rarity, with the item's name."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import Image, ImageDraw

from subgraphs.image.looks import COLOURS, words
from subgraphs.image.offline.canvas import (
    RGB,
    SUPERSAMPLE,
    blurred,
    darker,
    fit_text,
    font,
    lighter,
    radial_glow,
    seeded,
    shrink,
)

SIZE = 512
S = SIZE * SUPERSAMPLE
C = S / 2
RARITY: dict[str, RGB] = {
    "common": (170, 170, 170),
    "uncommon": (60, 170, 80),
    "rare": (60, 120, 220),
    "very rare": (150, 70, 210),
    "legendary": (230, 140, 30),
    "artifact": (210, 60, 50),
}

# Which drawing fits an entry: checked against its category and name, first match wins.
SHAPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("potion", ("potion", "elixir", "philter", "oil", "flask", "vial", "antitoxin")),
    ("scroll", ("scroll", "book", "tome", "manual", "map", "paper", "parchment", "spellbook")),
    ("ring", ("ring",)),
    ("amulet", ("amulet", "necklace", "periapt", "medallion", "brooch", "talisman", "scarab")),
    ("wand", ("wand", "rod")),
    ("staff", ("staff", "quarterstaff")),
    ("shield", ("shield",)),
    ("bow", ("bow", "longbow", "shortbow", "crossbow", "sling")),
    ("axe", ("axe", "battleaxe", "handaxe", "greataxe", "halberd", "glaive")),
    (
        "hammer",
        ("hammer", "warhammer", "maul", "mace", "club", "greatclub", "flail", "morningstar"),
    ),
    ("spear", ("spear", "javelin", "trident", "pike", "lance")),
    (
        "sword",
        (
            "sword",
            "longsword",
            "shortsword",
            "greatsword",
            "rapier",
            "scimitar",
            "dagger",
            "blade",
            "sickle",
            "whip",
            "weapon",
        ),
    ),
    (
        "armor",
        (
            "armor",
            "armour",
            "mail",
            "plate",
            "breastplate",
            "leather",
            "hide",
            "cloak",
            "robe",
            "boots",
            "gloves",
            "gauntlets",
            "bracers",
            "helm",
        ),
    ),
    ("gem", ("gem", "stone", "crystal", "orb", "pearl", "ioun")),
)


@dataclass(frozen=True)
class ItemFacts:
    name: str
    category: str = ""  # the catalog's kind or category: "Weapon", "Potion", "Wondrous Item"
    rarity: str = ""


def shape_of(item: ItemFacts, prompt: str) -> str:
    for text in (item.name, item.category, prompt):
        tokens = set(words(text))
        for shape, names in SHAPES:
            if tokens & set(names):
                return shape
    return "gem"


def _metal(prompt: str, fallback: RGB) -> RGB:
    return next((COLOURS[w] for w in words(prompt) if w in COLOURS), fallback)


def _draw(draw: ImageDraw.ImageDraw, shape: str, tint: RGB, glow: RGB) -> None:
    steel, wood, ink = (200, 204, 212), (130, 86, 50), (30, 24, 20)
    if shape == "sword":
        draw.polygon(
            [
                (C - 30, C + 150),
                (C - 30, C - 300),
                (C, C - 380),
                (C + 30, C - 300),
                (C + 30, C + 150),
            ],
            fill=steel,
            outline=ink,
            width=6,
        )
        draw.line((C, C - 360, C, C + 140), fill=lighter(steel, 0.5), width=6)
        draw.rounded_rectangle(
            (C - 140, C + 140, C + 140, C + 180), radius=16, fill=tint, outline=ink, width=6
        )
        draw.rectangle((C - 22, C + 180, C + 22, C + 320), fill=wood, outline=ink, width=6)
        draw.ellipse((C - 40, C + 310, C + 40, C + 380), fill=tint, outline=ink, width=6)
    elif shape == "axe":
        draw.rectangle((C - 20, C - 320, C + 20, C + 380), fill=wood, outline=ink, width=6)
        draw.chord((C - 10, C - 320, C + 300, C - 20), 270, 90, fill=steel, outline=ink, width=6)
        draw.chord(
            (C - 200, C - 260, C + 10, C - 80),
            90,
            270,
            fill=darker(steel, 0.1),
            outline=ink,
            width=6,
        )
        draw.rectangle((C - 26, C + 200, C + 26, C + 240), fill=tint, outline=ink, width=4)
    elif shape == "hammer":
        draw.rectangle((C - 20, C - 200, C + 20, C + 380), fill=wood, outline=ink, width=6)
        draw.rounded_rectangle(
            (C - 170, C - 320, C + 170, C - 150), radius=20, fill=steel, outline=ink, width=6
        )
        draw.rectangle((C - 170, C - 250, C + 170, C - 220), fill=tint)
    elif shape == "spear":
        draw.rectangle((C - 16, C - 220, C + 16, C + 400), fill=wood, outline=ink, width=6)
        draw.polygon(
            [(C, C - 420), (C - 60, C - 220), (C + 60, C - 220)], fill=steel, outline=ink, width=6
        )
        draw.rectangle((C - 30, C - 230, C + 30, C - 190), fill=tint, outline=ink, width=4)
    elif shape == "bow":
        draw.arc((C - 420, C - 380, C + 140, C + 380), 300, 60, fill=wood, width=44)
        draw.line((C + 100, C - 330, C + 100, C + 330), fill=(230, 220, 200), width=6)
        draw.line((C - 260, C, C + 240, C), fill=darker(wood, 0.2), width=10)
        draw.polygon([(C + 240, C - 20), (C + 290, C), (C + 240, C + 20)], fill=steel, outline=ink)
    elif shape == "staff":
        draw.line((C - 200, C + 380, C + 140, C - 300), fill=wood, width=40)
        draw.ellipse((C + 80, C - 420, C + 260, C - 240), fill=glow, outline=ink, width=6)
        draw.ellipse((C + 120, C - 380, C + 170, C - 330), fill=lighter(glow, 0.7))
    elif shape == "wand":
        draw.line((C - 220, C + 260, C + 180, C - 180), fill=darker(wood, 0.2), width=34)
        draw.line((C - 220, C + 260, C - 120, C + 150), fill=tint, width=40)
        for spark in range(6):
            a = spark * math.pi / 3
            draw.line(
                (C + 200, C - 200, C + 200 + 90 * math.cos(a), C - 200 + 90 * math.sin(a)),
                fill=lighter(glow, 0.5),
                width=8,
            )
    elif shape == "potion":
        draw.ellipse(
            (C - 220, C - 120, C + 220, C + 320), fill=(220, 230, 240), outline=ink, width=8
        )
        draw.chord((C - 205, C - 105, C + 205, C + 305), 10, 170, fill=glow)
        draw.rectangle(
            (C - 60, C - 300, C + 60, C - 100), fill=(220, 230, 240), outline=ink, width=8
        )
        draw.rounded_rectangle(
            (C - 80, C - 360, C + 80, C - 290), radius=14, fill=(140, 100, 60), outline=ink, width=6
        )
        draw.ellipse((C - 150, C - 60, C - 90, C + 20), fill=(255, 255, 255))
    elif shape == "scroll":
        draw.rectangle(
            (C - 260, C - 220, C + 260, C + 220), fill=(236, 220, 180), outline=ink, width=6
        )
        for side in (-1, 1):
            draw.rounded_rectangle(
                (C - 300, C + side * 220 - 40, C + 300, C + side * 220 + 40),
                radius=40,
                fill=(210, 190, 150),
                outline=ink,
                width=6,
            )
        for line in range(6):
            y = C - 150 + line * 55
            draw.line((C - 200, y, C + 200 - (line % 3) * 60, y), fill=(120, 90, 60), width=8)
        draw.ellipse((C + 120, C + 90, C + 220, C + 190), fill=(170, 30, 40), outline=ink, width=4)
    elif shape == "ring":
        draw.ellipse((C - 240, C - 160, C + 240, C + 320), outline=ink, width=90)
        draw.ellipse((C - 232, C - 152, C + 232, C + 312), outline=tint, width=74)
        draw.regular_polygon((C, C - 190, 110), 6, fill=glow, outline=ink)
        draw.regular_polygon((C, C - 190, 55), 6, fill=lighter(glow, 0.5))
    elif shape == "amulet":
        draw.arc((C - 260, C - 420, C + 260, C + 60), 10, 170, fill=tint, width=16)
        draw.ellipse((C - 160, C - 60, C + 160, C + 260), fill=tint, outline=ink, width=8)
        draw.ellipse((C - 90, C + 10, C + 90, C + 190), fill=glow, outline=ink, width=6)
    elif shape == "shield":
        draw.polygon(
            [
                (C - 260, C - 300),
                (C + 260, C - 300),
                (C + 240, C + 60),
                (C, C + 360),
                (C - 240, C + 60),
            ],
            fill=tint,
            outline=ink,
            width=10,
        )
        draw.polygon(
            [
                (C - 200, C - 250),
                (C + 200, C - 250),
                (C + 185, C + 40),
                (C, C + 290),
                (C - 185, C + 40),
            ],
            outline=lighter(tint, 0.4),
            width=10,
        )
        draw.regular_polygon((C, C - 20, 90), 4, fill=glow, outline=ink)
    elif shape == "armor":
        draw.polygon(
            [
                (C - 260, C - 260),
                (C - 100, C - 300),
                (C, C - 220),
                (C + 100, C - 300),
                (C + 260, C - 260),
                (C + 220, C - 20),
                (C + 180, C + 320),
                (C - 180, C + 320),
                (C - 220, C - 20),
            ],
            fill=tint,
            outline=ink,
            width=8,
        )
        draw.line((C, C - 220, C, C + 320), fill=darker(tint, 0.4), width=8)
        for row in range(4):
            y = C - 120 + row * 100
            draw.arc((C - 200, y - 40, C + 200, y + 40), 20, 160, fill=darker(tint, 0.35), width=8)
    else:  # gem
        points = [
            (C, C - 300),
            (C + 260, C - 80),
            (C + 160, C + 280),
            (C - 160, C + 280),
            (C - 260, C - 80),
        ]
        draw.polygon(points, fill=glow, outline=ink, width=8)
        draw.polygon(
            [(C, C - 300), (C + 100, C - 80), (C, C + 280), (C - 100, C - 80)],
            fill=lighter(glow, 0.3),
        )
        draw.line((C - 260, C - 80, C + 260, C - 80), fill=ink, width=6)


def draw_item(item: ItemFacts, prompt: str, seed: int) -> tuple[Image.Image, str]:
    rng = seeded("item", item.name, item.category, prompt, seed)
    shape = shape_of(item, prompt)
    rarity = RARITY.get(item.rarity.lower(), RARITY["common"])
    if "healing" in item.name.lower():
        rarity_glow: RGB = (200, 30, 40)  # the red of every healing potion since 1974
    else:
        rarity_glow = rarity
    glow = _metal(prompt, rarity_glow) if item.rarity.lower() in {"", "common"} else rarity
    tint = (
        _metal(prompt, (190, 150, 70))
        if shape in {"ring", "amulet", "sword", "axe", "spear"}
        else _metal(prompt, darker(rarity, 0.1))
    )
    image = radial_glow((S, S), (C, C), S * 0.5, darker(rarity, 0.45), (22, 20, 24))
    draw = ImageDraw.Draw(image, "RGBA")
    for _ in range(30):
        x, y, r = rng.uniform(0, S), rng.uniform(0, S), rng.uniform(2, 8)
        draw.ellipse(
            (x - r, y - r, x + r, y + r), fill=(*lighter(rarity, 0.5), rng.randrange(30, 110))
        )
    figure = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    _draw(ImageDraw.Draw(figure), shape, tint, glow)
    shadow = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    shadow.paste((0, 0, 0, 140), (18, 24), figure.split()[3])
    image = Image.alpha_composite(image.convert("RGBA"), blurred(shadow, 12))
    image = Image.alpha_composite(image, figure).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, S - 12, S - 12), outline=rarity, width=10)
    if item.name:
        label, size = fit_text(item.name, 56, S * 0.8)
        draw.text(
            (C, S - 60),
            label,
            font=font(size),
            fill=(245, 235, 210),
            anchor="mm",
            stroke_width=4,
            stroke_fill=(20, 16, 14),
        )
    return shrink(image), shape
