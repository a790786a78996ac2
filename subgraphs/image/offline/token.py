"""Round tokens for battle maps: a character's face cut from its portrait, or a creature's mark.

A token is a disc with a coloured rim (blue for the party, red for foes, grey for others), sized
for one 5-foot square; larger creatures are drawn on more squares by the encounter renderer.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from subgraphs.image.looks import CharacterLook, words
from subgraphs.image.offline.canvas import (
    RGB,
    SUPERSAMPLE,
    darker,
    fit_text,
    font,
    lighter,
    radial_glow,
    seeded,
    shrink,
)
from subgraphs.image.offline.portrait import draw_portrait

SIZE = 256
RIMS: dict[str, RGB] = {
    "PLAYER_CHARACTER": (60, 120, 220),
    "CREATURE": (190, 40, 40),
    "NPC": (150, 150, 150),
}
# A creature's type tints its token and names its mark.
CREATURE_TYPES: dict[str, RGB] = {
    "aberration": (110, 60, 140),
    "beast": (120, 90, 50),
    "celestial": (230, 210, 120),
    "construct": (130, 130, 140),
    "dragon": (170, 40, 40),
    "elemental": (60, 140, 200),
    "fey": (90, 170, 110),
    "fiend": (150, 30, 40),
    "giant": (140, 110, 80),
    "humanoid": (170, 130, 100),
    "monstrosity": (120, 100, 60),
    "ooze": (90, 160, 60),
    "plant": (60, 120, 50),
    "undead": (100, 110, 100),
}


def disc(face: Image.Image, rim: RGB) -> Image.Image:
    """``face`` cut into a round token with a ``rim`` (supersampled: shrink it after)."""
    side = SIZE * SUPERSAMPLE
    face = face.resize((side, side), Image.Resampling.LANCZOS).convert("RGBA")
    mask = Image.new("L", (side, side), 0)
    ImageDraw.Draw(mask).ellipse((8, 8, side - 8, side - 8), fill=255)
    token = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    token.paste(face, (0, 0), mask)
    draw = ImageDraw.Draw(token)
    ring = side * 0.06
    draw.ellipse((8, 8, side - 8, side - 8), outline=rim, width=int(ring))
    draw.ellipse(
        (8 + ring, 8 + ring, side - 8 - ring, side - 8 - ring), outline=darker(rim, 0.5), width=4
    )
    draw.ellipse((6, 6, side - 6, side - 6), outline=(20, 16, 14), width=5)
    return token


def character_token(look: CharacterLook, seed: int, side: str = "PLAYER_CHARACTER") -> Image.Image:
    portrait = draw_portrait(look, seed, framed=False)
    w = portrait.width
    face = portrait.crop((int(w * 0.16), int(w * 0.1), int(w * 0.84), int(w * 0.78)))
    return shrink(disc(face, RIMS.get(side, RIMS["NPC"])))


def creature_token(name: str, creature_type: str, seed: int, side: str = "CREATURE") -> Image.Image:
    side_px = SIZE * SUPERSAMPLE
    tint = next(
        (CREATURE_TYPES[w] for w in words(creature_type) if w in CREATURE_TYPES), (130, 110, 90)
    )
    rng = seeded("creature-token", name, creature_type, seed)
    face = radial_glow(
        (side_px, side_px),
        (side_px / 2, side_px * 0.45),
        side_px * 0.55,
        lighter(tint, 0.25),
        darker(tint, 0.6),
    )
    draw = ImageDraw.Draw(face)
    for _ in range(12):  # texture: hide, scales, mist
        x, y, r = rng.uniform(0, side_px), rng.uniform(0, side_px), rng.uniform(10, 40)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=darker(tint, 0.3), width=3)
    initials = "".join(part[0] for part in name.split()[:2]).upper() or "?"
    draw.text(
        (side_px / 2, side_px * 0.44),
        initials,
        font=font(int(side_px * 0.34)),
        fill=(248, 240, 225),
        anchor="mm",
        stroke_width=6,
        stroke_fill=(20, 16, 14),
    )
    label, size = fit_text(name, int(side_px * 0.1), side_px * 0.66)
    draw.text(
        (side_px / 2, side_px * 0.74),
        label,
        font=font(size),
        fill=(248, 240, 225),
        anchor="mm",
        stroke_width=4,
        stroke_fill=(20, 16, 14),
    )
    return shrink(disc(face, RIMS.get(side, RIMS["CREATURE"])))
