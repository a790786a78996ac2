"""A character's portrait: head and shoulders drawn from species, class and named colours.

The species shapes the head (an elf's long ears, a dwarf's beard, a tiefling's horns, a
dragonborn's snout and scales, an orc's tusks); the class dresses it (a wizard's hat and robe, a
fighter's plate, a rogue's hood, a cleric's holy symbol, a druid's antler crown...); colours the
prompt names ("silver hair", "crimson cloak", "green eyes") replace the defaults. The seed
settles what is left free: skin tone within the species, hair style, background motes.
"""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw

from subgraphs.image.looks import (
    CLASS_GARMENT,
    EYES,
    HAIR,
    SPECIES_SKIN,
    CharacterLook,
)
from subgraphs.image.offline.canvas import (
    RGB,
    SUPERSAMPLE,
    blurred,
    darker,
    fit_text,
    font,
    lighter,
    mix,
    radial_glow,
    seeded,
    shrink,
    vertical_gradient,
)

SIZE = 512
S = SIZE * SUPERSAMPLE  # the drawing's side; coordinates below are fractions of it
CX = S / 2

# Behind the figure: a mood per class.
BACKDROP: dict[str, tuple[RGB, RGB]] = {
    "barbarian": ((90, 40, 24), (30, 16, 12)),
    "bard": ((96, 40, 90), (30, 14, 34)),
    "cleric": ((150, 130, 80), (50, 40, 24)),
    "druid": ((40, 90, 50), (12, 30, 18)),
    "fighter": ((80, 84, 96), (24, 26, 32)),
    "monk": ((140, 90, 40), (40, 24, 12)),
    "paladin": ((160, 140, 90), (40, 36, 30)),
    "ranger": ((50, 80, 50), (16, 26, 18)),
    "rogue": ((40, 40, 56), (10, 10, 16)),
    "sorcerer": ((130, 40, 40), (30, 10, 20)),
    "warlock": ((70, 30, 100), (14, 6, 24)),
    "wizard": ((40, 60, 130), (10, 14, 40)),
}
CASTERS = {"bard", "cleric", "druid", "sorcerer", "warlock", "wizard"}


class Figure:
    """The colours and proportions one portrait uses."""

    def __init__(self, look: CharacterLook, rng: random.Random) -> None:
        self.look, self.rng = look, rng
        species = look.species
        self.skin = look.colours.get("skin") or rng.choice(
            SPECIES_SKIN.get(species, SPECIES_SKIN["human"])
        )
        self.hair = look.colours.get("hair") or rng.choice(HAIR)
        self.eyes = look.colours.get("eyes") or (
            (230, 190, 60) if species in {"tiefling", "dragonborn"} else rng.choice(EYES)
        )
        self.garment = look.colours.get("garment") or CLASS_GARMENT.get(
            look.character_class or "", (110, 90, 70)
        )
        # Small folk have larger heads for their frame; goliaths are broad.
        scale = {"halfling": 1.08, "gnome": 1.1, "dwarf": 1.02, "goliath": 0.98}.get(species, 1.0)
        self.head_w = S * 0.145 * scale * (1.12 if species in {"goliath", "orc", "dwarf"} else 1.0)
        self.head_h = S * 0.185 * scale
        self.head_y = S * 0.43
        self.hair_style = rng.choice(
            ("short", "long", "swept", "bun", "bald" if species != "elf" else "long")
        )
        if species == "dragonborn":
            self.hair_style = "none"

    @property
    def head_box(self) -> tuple[float, float, float, float]:
        return (
            CX - self.head_w,
            self.head_y - self.head_h,
            CX + self.head_w,
            self.head_y + self.head_h,
        )


def _backdrop(look: CharacterLook, rng: random.Random) -> Image.Image:
    top, bottom = BACKDROP.get(look.character_class or "", ((70, 70, 80), (20, 20, 26)))
    image = vertical_gradient((S, S), top, bottom)
    glow = radial_glow((S, S), (CX, S * 0.42), S * 0.55, lighter(top, 0.25), bottom)
    image = Image.blend(image, glow, 0.6)
    draw = ImageDraw.Draw(image, "RGBA")
    motes = 40 if look.character_class in CASTERS else 14
    for _ in range(motes):
        x, y, r = rng.uniform(0, S), rng.uniform(0, S * 0.8), rng.uniform(2, 9) * SUPERSAMPLE
        draw.ellipse(
            (x - r, y - r, x + r, y + r), fill=(*lighter(top, 0.6), rng.randrange(40, 130))
        )
    return image  # the final shrink softens the motes enough


def _body(draw: ImageDraw.ImageDraw, fig: Figure) -> None:
    cls = fig.look.character_class
    shoulder_y = S * 0.70
    width = S * (0.44 if fig.look.species == "goliath" else 0.38)
    neck_w = fig.head_w * 0.45
    draw.rectangle(
        (CX - neck_w, fig.head_y + fig.head_h * 0.5, CX + neck_w, shoulder_y + 20),
        fill=darker(fig.skin, 0.12),
    )
    body = [
        (CX - width, S),
        (CX - width * 0.92, shoulder_y + S * 0.06),
        (CX - width * 0.55, shoulder_y),
        (CX + width * 0.55, shoulder_y),
        (CX + width * 0.92, shoulder_y + S * 0.06),
        (CX + width, S),
    ]
    draw.polygon(body, fill=fig.garment)
    trim = lighter(fig.garment, 0.3) if cls not in {"rogue", "warlock"} else (150, 130, 90)
    if cls in {"fighter", "paladin"}:
        # Plate: pauldrons, a gorget and a breastplate ridge.
        steel = fig.garment
        for side in (-1, 1):
            px = CX + side * width * 0.72
            draw.ellipse(
                (px - S * 0.13, shoulder_y - S * 0.03, px + S * 0.13, shoulder_y + S * 0.15),
                fill=lighter(steel, 0.15),
                outline=darker(steel, 0.45),
                width=6,
            )
            for band in range(1, 3):
                draw.arc(
                    (
                        px - S * 0.13,
                        shoulder_y - S * 0.03 + band * 22,
                        px + S * 0.13,
                        shoulder_y + S * 0.15 + band * 22,
                    ),
                    200,
                    340,
                    fill=darker(steel, 0.4),
                    width=5,
                )
        draw.polygon(
            [
                (CX - neck_w * 1.6, shoulder_y - 4),
                (CX + neck_w * 1.6, shoulder_y - 4),
                (CX + neck_w * 1.2, shoulder_y + S * 0.07),
                (CX - neck_w * 1.2, shoulder_y + S * 0.07),
            ],
            fill=lighter(steel, 0.25),
            outline=darker(steel, 0.5),
        )
        draw.line((CX, shoulder_y + S * 0.08, CX, S), fill=lighter(steel, 0.4), width=8)
        if cls == "paladin":
            _holy_symbol(draw, (CX, shoulder_y + S * 0.19), S * 0.05, (212, 175, 55))
    elif cls in {"wizard", "sorcerer", "warlock", "cleric", "druid"}:
        # Robes: a deep V collar with a trim, folds.
        draw.polygon(
            [
                (CX - neck_w * 1.4, shoulder_y),
                (CX, shoulder_y + S * 0.2),
                (CX + neck_w * 1.4, shoulder_y),
            ],
            fill=darker(fig.garment, 0.3),
        )
        draw.line(
            [
                (CX - neck_w * 1.4, shoulder_y),
                (CX, shoulder_y + S * 0.2),
                (CX + neck_w * 1.4, shoulder_y),
            ],
            fill=trim,
            width=10,
        )
        for fold in (-0.6, -0.3, 0.3, 0.6):
            x = CX + width * fold
            draw.line(
                (x, shoulder_y + S * 0.12, x * 0.98 + CX * 0.02, S),
                fill=darker(fig.garment, 0.2),
                width=6,
            )
        if cls == "cleric":
            _holy_symbol(draw, (CX, shoulder_y + S * 0.14), S * 0.045, (212, 175, 55))
        if cls == "druid":
            for leaf in range(7):
                lx = CX - width * 0.8 + leaf * width * 0.27
                draw.ellipse(
                    (lx - 18, shoulder_y + 10, lx + 18, shoulder_y + 46), fill=(90, 150, 60)
                )
    elif cls == "rogue" or cls == "ranger":
        # Leather with a strap, a hood fallen over the shoulders.
        draw.line(
            (CX - width * 0.7, shoulder_y + 10, CX + width * 0.5, S), fill=(70, 44, 26), width=26
        )
        draw.polygon(
            [
                (CX - width * 0.8, shoulder_y + S * 0.02),
                (CX - neck_w * 1.2, shoulder_y - 10),
                (CX + neck_w * 1.2, shoulder_y - 10),
                (CX + width * 0.8, shoulder_y + S * 0.02),
                (CX, shoulder_y + S * 0.1),
            ],
            fill=darker(fig.garment, 0.25),
        )
        if cls == "ranger":  # a bow over the shoulder
            draw.arc(
                (CX + width * 0.3, shoulder_y - S * 0.35, CX + width * 1.2, S * 0.95),
                200,
                330,
                fill=(120, 80, 40),
                width=14,
            )
    elif cls == "barbarian":
        # Fur mantle and bare arms' strength: a ragged fur collar.
        for tuft in range(16):
            fx = CX - width + tuft * width * 2 / 15
            draw.ellipse(
                (fx - 36, shoulder_y - 14, fx + 36, shoulder_y + 50),
                fill=lighter((120, 90, 60), 0.1 * (tuft % 3)),
            )
    elif cls == "monk":
        draw.polygon(
            [
                (CX - neck_w * 1.5, shoulder_y),
                (CX + width * 0.5, S),
                (CX + width * 0.2, S),
                (CX - neck_w * 0.9, shoulder_y + 20),
            ],
            fill=darker(fig.garment, 0.25),
        )
        for bead in range(9):
            angle = math.pi * (0.15 + bead * 0.7 / 8)
            bx, by = CX + math.cos(angle) * neck_w * 2.2, shoulder_y + math.sin(angle) * S * 0.09
            draw.ellipse((bx - 12, by - 12, bx + 12, by + 12), fill=(110, 60, 30))
    elif cls == "bard":
        draw.polygon(
            [
                (CX - neck_w * 1.5, shoulder_y),
                (CX + neck_w * 1.5, shoulder_y),
                (CX, shoulder_y + S * 0.1),
            ],
            fill=(240, 236, 226),
        )
        for stud in range(5):
            draw.ellipse(
                (
                    CX - 10,
                    shoulder_y + S * (0.13 + 0.06 * stud) - 10,
                    CX + 10,
                    shoulder_y + S * (0.13 + 0.06 * stud) + 10,
                ),
                fill=(212, 175, 55),
            )
    else:
        draw.line(
            (CX - width * 0.5, shoulder_y + 30, CX + width * 0.5, shoulder_y + 30),
            fill=trim,
            width=8,
        )


def _holy_symbol(
    draw: ImageDraw.ImageDraw, centre: tuple[float, float], radius: float, colour: RGB
) -> None:
    x, y = centre
    draw.ellipse(
        (x - radius, y - radius, x + radius, y + radius),
        fill=colour,
        outline=darker(colour, 0.4),
        width=5,
    )
    points = []
    for corner in range(16):
        reach = radius * (0.8 if corner % 2 == 0 else 0.35)
        angle = -math.pi / 2 + corner * math.pi / 8
        points.append((x + reach * math.cos(angle), y + reach * math.sin(angle)))
    draw.polygon(points, fill=lighter(colour, 0.5))


def _ears(draw: ImageDraw.ImageDraw, fig: Figure) -> None:
    species = fig.look.species
    _x0, _y0, _x1, _y1 = fig.head_box
    ear_y = fig.head_y
    for side in (-1, 1):
        edge = CX + side * fig.head_w * 0.95
        if species == "elf":
            tip = (edge + side * S * 0.11, ear_y - S * 0.1)
            draw.polygon(
                [(edge, ear_y - S * 0.02), tip, (edge, ear_y + S * 0.05)],
                fill=fig.skin,
                outline=darker(fig.skin, 0.3),
            )
        elif species in {"gnome", "halfling"}:
            tip = (edge + side * S * 0.06, ear_y - S * 0.05)
            draw.polygon(
                [
                    (edge, ear_y - S * 0.03),
                    tip,
                    (edge + side * S * 0.04, ear_y + S * 0.04),
                    (edge, ear_y + S * 0.05),
                ],
                fill=fig.skin,
                outline=darker(fig.skin, 0.3),
            )
        elif species != "dragonborn":
            draw.ellipse(
                (edge - S * 0.03, ear_y - S * 0.04, edge + S * 0.03, ear_y + S * 0.05),
                fill=darker(fig.skin, 0.06),
            )


def _horns(draw: ImageDraw.ImageDraw, fig: Figure) -> None:
    _x0, y0, _x1, _y1 = fig.head_box
    horn = (60, 40, 50) if fig.look.species == "tiefling" else lighter(fig.skin, 0.5)
    for side in (-1, 1):
        base = CX + side * fig.head_w * 0.5
        points = []
        for step in range(13):
            t = step / 12
            x = base + side * (S * 0.16 * t + S * 0.03 * math.sin(t * math.pi))
            y = y0 + S * 0.05 - S * 0.2 * math.sin(t * math.pi * 0.75)
            points.append((x, y))
        draw.line(points, fill=horn, width=int(S * 0.045), joint="curve")
        draw.line(points[:9], fill=lighter(horn, 0.2), width=int(S * 0.02), joint="curve")


def _face(draw: ImageDraw.ImageDraw, fig: Figure) -> None:
    species, cls = fig.look.species, fig.look.character_class
    x0, y0, _x1, y1 = fig.head_box
    if species == "dragonborn":
        # A long snout, scale ridges and a frill of crest horns.
        draw.ellipse(
            (CX - fig.head_w * 0.8, fig.head_y, CX + fig.head_w * 0.8, y1 + S * 0.04),
            fill=darker(fig.skin, 0.05),
        )
        for row in range(5):
            for col in range(6):
                sx = x0 + fig.head_w * (0.35 + col * 0.28) + (row % 2) * 14
                sy = y0 + fig.head_h * (0.25 + row * 0.3)
                draw.arc(
                    (sx - 18, sy - 14, sx + 18, sy + 14),
                    20,
                    160,
                    fill=darker(fig.skin, 0.3),
                    width=4,
                )
        for side in (-1, 1):
            draw.polygon(
                [
                    (CX + side * fig.head_w * 0.6, y0 + 40),
                    (CX + side * fig.head_w * 1.3, y0 - S * 0.08),
                    (CX + side * fig.head_w * 0.9, y0 + S * 0.08),
                ],
                fill=lighter(fig.skin, 0.4),
            )
            draw.ellipse(
                (
                    CX + side * fig.head_w * 0.25 - 7,
                    y1 - S * 0.02,
                    CX + side * fig.head_w * 0.25 + 7,
                    y1 - S * 0.02 + 12,
                ),
                fill=(20, 16, 16),
            )
        draw.line(
            (CX - fig.head_w * 0.55, y1 - S * 0.005, CX + fig.head_w * 0.55, y1 - S * 0.005),
            fill=darker(fig.skin, 0.55),
            width=6,
        )
    eye_y = fig.head_y - fig.head_h * 0.05
    spread = fig.head_w * 0.42
    glow = cls == "warlock" or cls == "sorcerer"
    for side in (-1, 1):
        ex = CX + side * spread
        draw.ellipse(
            (ex - 30, eye_y - 16, ex + 30, eye_y + 16),
            fill=(245, 240, 232) if not glow else lighter(fig.eyes, 0.6),
        )
        draw.ellipse((ex - 14, eye_y - 14, ex + 14, eye_y + 14), fill=fig.eyes)
        if species in {"tiefling", "dragonborn"}:
            draw.ellipse((ex - 4, eye_y - 13, ex + 4, eye_y + 13), fill=(20, 10, 10))
        else:
            draw.ellipse((ex - 6, eye_y - 6, ex + 6, eye_y + 6), fill=(18, 14, 14))
        draw.ellipse((ex + 2, eye_y - 9, ex + 8, eye_y - 3), fill=(255, 255, 255))
        brow = fig.hair if fig.hair_style != "none" else darker(fig.skin, 0.4)
        tilt = -side * (12 if cls in {"barbarian", "fighter", "warlock"} else 4)
        draw.line(
            (ex - 36, eye_y - 38 - tilt, ex + 36, eye_y - 38 + tilt),
            fill=darker(brow, 0.1),
            width=12,
        )
    if species == "dragonborn":
        return
    nose_y = fig.head_y + fig.head_h * 0.22
    draw.line(
        [(CX - 4, eye_y + 10), (CX - 16, nose_y), (CX + 10, nose_y + 6)],
        fill=darker(fig.skin, 0.3),
        width=6,
        joint="curve",
    )
    mouth_y = fig.head_y + fig.head_h * 0.48
    draw.arc(
        (CX - 44, mouth_y - 26, CX + 44, mouth_y + 14),
        20,
        160,
        fill=darker(fig.skin, 0.45),
        width=7,
    )
    if species == "orc":
        for side in (-1, 1):
            tx = CX + side * 34
            draw.polygon(
                [(tx - 9, mouth_y + 4), (tx + 9, mouth_y + 4), (tx + side * 4, mouth_y - 36)],
                fill=(236, 228, 200),
            )
    if cls == "barbarian":  # war paint
        for side in (-1, 1):
            for stripe in range(3):
                sx = CX + side * (fig.head_w * 0.45 + stripe * 16)
                draw.line((sx, eye_y + 26, sx - side * 10, eye_y + 90), fill=(150, 30, 30), width=9)
    if species == "goliath":  # stone-like markings
        for _mark in range(4):
            mx = CX + fig.head_w * fig.rng.uniform(-0.7, 0.7)
            my = fig.head_y + fig.head_h * fig.rng.uniform(-0.6, 0.3)
            draw.line(
                (mx, my, mx + fig.rng.uniform(-40, 40), my + 40),
                fill=darker(fig.skin, 0.35),
                width=6,
            )


def _beard(draw: ImageDraw.ImageDraw, fig: Figure) -> None:
    _x0, _y0, _x1, y1 = fig.head_box
    beard = fig.hair
    cheek = fig.head_y + fig.head_h * 0.1
    lip = fig.head_y + fig.head_h * 0.36
    points = [(CX - fig.head_w * 0.98, cheek)]
    for step in range(9):
        t = step / 8
        x = CX - fig.head_w * 0.98 + t * fig.head_w * 1.96
        y = y1 + S * 0.16 * math.sin(t * math.pi) + (18 if step % 2 else 0)
        points.append((x, y))
    points.append((CX + fig.head_w * 0.98, cheek))
    points += [(CX + fig.head_w * 0.55, lip), (CX, lip - 14), (CX - fig.head_w * 0.55, lip)]
    draw.polygon(points, fill=beard)
    mouth_y = fig.head_y + fig.head_h * 0.48
    draw.ellipse((CX - 40, mouth_y - 20, CX + 40, mouth_y + 14), fill=darker(beard, 0.35))
    for braid in (-1, 1):
        bx = CX + braid * fig.head_w * 0.3
        for bead in range(3):
            by = y1 + S * 0.05 + bead * 34
            draw.ellipse(
                (bx - 18, by - 16, bx + 18, by + 16),
                fill=darker(beard, 0.15),
                outline=darker(beard, 0.4),
                width=3,
            )
        draw.rectangle((bx - 20, y1 + S * 0.15, bx + 20, y1 + S * 0.16), fill=(212, 175, 55))


def _hair_back(draw: ImageDraw.ImageDraw, fig: Figure) -> None:
    x0, y0, x1, y1 = fig.head_box
    if fig.hair_style == "bun":
        draw.ellipse(
            (CX + fig.head_w * 0.3, y0 - 50, CX + fig.head_w * 1.1, y0 + 60),
            fill=darker(fig.hair, 0.1),
        )
    if fig.hair_style == "long":
        draw.rounded_rectangle(
            (x0 - S * 0.04, y0 + S * 0.02, x1 + S * 0.04, y1 + S * 0.14),
            radius=S * 0.12,
            fill=darker(fig.hair, 0.15),
        )


def _hair_front(draw: ImageDraw.ImageDraw, fig: Figure) -> None:
    x0, y0, x1, y1 = fig.head_box
    style = fig.hair_style
    if style in {"bald", "none"}:
        return
    cap = (x0 - 8, y0 - 18, x1 + 8, fig.head_y + fig.head_h * 0.3)
    draw.chord(cap, 180, 360, fill=fig.hair)
    if style == "swept":
        draw.polygon(
            [
                (x0, fig.head_y - fig.head_h * 0.2),
                (CX + fig.head_w * 0.4, y0 - 10),
                (x1 + 10, fig.head_y - fig.head_h * 0.35),
                (x1, fig.head_y - fig.head_h * 0.1),
            ],
            fill=fig.hair,
        )
    else:
        for lock in range(7):
            lx = x0 + 20 + lock * (x1 - x0 - 40) / 6
            draw.ellipse(
                (lx - 34, fig.head_y - fig.head_h * 0.62, lx + 34, fig.head_y - fig.head_h * 0.36),
                fill=fig.hair,
            )
    draw.arc(cap, 200, 340, fill=lighter(fig.hair, 0.25), width=8)
    if style == "long":
        for side in (-1, 1):
            edge = CX + side * fig.head_w
            draw.polygon(
                [
                    (edge - side * 30, fig.head_y - fig.head_h * 0.45),
                    (edge + side * 24, fig.head_y),
                    (edge + side * 34, y1 + S * 0.12),
                    (edge - side * 16, y1 + S * 0.1),
                ],
                fill=fig.hair,
            )


def _headgear(draw: ImageDraw.ImageDraw, fig: Figure) -> None:
    cls = fig.look.character_class
    x0, y0, x1, y1 = fig.head_box
    if cls == "wizard":
        hat = fig.look.colours.get("garment") or fig.garment
        brim_y = y0 + S * 0.03
        draw.ellipse(
            (CX - fig.head_w * 1.7, brim_y - 34, CX + fig.head_w * 1.7, brim_y + 34),
            fill=darker(hat, 0.15),
        )
        draw.polygon(
            [
                (CX - fig.head_w * 0.95, brim_y),
                (CX + fig.head_w * 0.95, brim_y),
                (CX + fig.head_w * 0.6, brim_y - S * 0.2),
                (CX + fig.head_w * 1.3, brim_y - S * 0.3),
            ],
            fill=hat,
        )
        draw.rectangle(
            (CX - fig.head_w * 0.92, brim_y - 34, CX + fig.head_w * 0.92, brim_y - 8),
            fill=(212, 175, 55),
        )
        for star in range(3):
            sx, sy = (
                CX - fig.head_w * 0.3 + star * fig.head_w * 0.35,
                brim_y - S * 0.07 - star * S * 0.04,
            )
            draw.regular_polygon((sx, sy, 14), 4, rotation=45, fill=(240, 220, 120))
    elif cls in {"rogue", "warlock"}:
        hood = darker(fig.garment, 0.1)
        draw.arc(
            (x0 - S * 0.06, y0 - S * 0.07, x1 + S * 0.06, y1 + S * 0.2),
            170,
            370,
            fill=hood,
            width=int(S * 0.06),
        )
        if cls == "rogue":  # a mask over the lower face
            mouth_y = fig.head_y + fig.head_h * 0.35
            draw.chord(
                (x0 + 6, mouth_y - S * 0.06, x1 - 6, y1 + 20),
                0,
                180,
                fill=darker(fig.garment, 0.35),
            )
    elif cls == "druid":
        for side in (-1, 1):
            base = CX + side * fig.head_w * 0.45
            draw.line(
                (base, y0 + 20, base + side * 60, y0 - S * 0.14), fill=(120, 86, 50), width=16
            )
            draw.line(
                (base + side * 30, y0 - S * 0.06, base + side * 100, y0 - S * 0.09),
                fill=(120, 86, 50),
                width=12,
            )
            draw.line(
                (base + side * 50, y0 - S * 0.11, base + side * 30, y0 - S * 0.2),
                fill=(120, 86, 50),
                width=10,
            )
        for leaf in range(9):
            lx = x0 + 10 + leaf * (x1 - x0 - 20) / 8
            draw.ellipse((lx - 20, y0 - 6, lx + 20, y0 + 26), fill=(80, 140 + (leaf % 3) * 20, 60))
    elif cls == "bard":
        cap = fig.look.colours.get("garment") or fig.garment
        draw.chord((x0 - 20, y0 - S * 0.06, x1 + 40, y0 + S * 0.09), 180, 360, fill=cap)
        draw.line(
            [
                (x1 - 30, y0 - S * 0.02),
                (x1 + S * 0.1, y0 - S * 0.15),
                (x1 + S * 0.16, y0 - S * 0.2),
            ],
            fill=(240, 236, 226),
            width=18,
            joint="curve",
        )
    elif cls == "monk":
        draw.rectangle(
            (x0 + 4, fig.head_y - fig.head_h * 0.55, x1 - 4, fig.head_y - fig.head_h * 0.43),
            fill=(180, 40, 40),
        )
    elif cls == "fighter" and fig.hair_style == "bald":
        draw.chord(
            (x0 - 10, y0 - 20, x1 + 10, fig.head_y + fig.head_h * 0.1),
            180,
            360,
            fill=lighter(fig.garment, 0.1),
            outline=darker(fig.garment, 0.5),
            width=6,
        )
        draw.rectangle(
            (CX - 12, y0 - 20, CX + 12, fig.head_y + fig.head_h * 0.35),
            fill=lighter(fig.garment, 0.2),
        )


def _aura(image: Image.Image, fig: Figure) -> Image.Image:
    """Casters carry a faint light of their magic around them."""
    cls = fig.look.character_class
    colours = {
        "sorcerer": (255, 120, 60),
        "warlock": (170, 80, 255),
        "wizard": (120, 170, 255),
        "cleric": (255, 230, 150),
        "druid": (140, 230, 120),
        "paladin": (255, 240, 180),
    }
    if cls not in colours:
        return image
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    x0, y0, x1, y1 = fig.head_box
    draw.ellipse(
        (x0 - S * 0.12, y0 - S * 0.14, x1 + S * 0.12, y1 + S * 0.1),
        outline=(*colours[cls], 120),
        width=int(S * 0.04),
    )
    layer = blurred(layer, S * 0.03)
    return Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")


def _frame(draw: ImageDraw.ImageDraw, look: CharacterLook, accent: RGB) -> None:
    edge = S * 0.02
    draw.rectangle((edge, edge, S - edge, S - edge), outline=accent, width=10)
    draw.rectangle(
        (edge + 18, edge + 18, S - edge - 18, S - edge - 18), outline=darker(accent, 0.4), width=4
    )
    if not look.name and not look.caption:
        return
    plate_top = S * 0.86
    draw.rounded_rectangle(
        (S * 0.14, plate_top, S * 0.86, S * 0.955),
        radius=24,
        fill=(24, 20, 18),
        outline=accent,
        width=6,
    )
    name, size = fit_text(look.name or look.caption, 52, S * 0.66)
    draw.text((CX, plate_top + S * 0.032), name, font=font(size), fill=(245, 232, 200), anchor="mm")
    if look.name and look.caption:
        caption, small = fit_text(look.caption, 30, S * 0.66)
        draw.text(
            (CX, plate_top + S * 0.072),
            caption,
            font=font(small),
            fill=mix(accent, (255, 255, 255), 0.3),
            anchor="mm",
        )


def draw_portrait(look: CharacterLook, seed: int, *, framed: bool = True) -> Image.Image:
    """The portrait at ``SIZE`` x ``SIZE`` (RGB)."""
    rng = seeded("portrait", look.species, look.character_class, look.prompt, seed)
    fig = Figure(look, rng)
    image = _backdrop(look, rng)
    draw = ImageDraw.Draw(image)
    _hair_back(draw, fig)
    _body(draw, fig)
    if fig.look.species in {"tiefling"}:
        _horns(draw, fig)
    _ears(draw, fig)
    draw.ellipse(fig.head_box, fill=fig.skin, outline=darker(fig.skin, 0.35), width=5)
    # A soft shadow on one side gives the face some volume.
    x0, y0, x1, y1 = fig.head_box
    draw.chord((x0, y0, x1, y1), 60, 130, fill=darker(fig.skin, 0.1))
    _face(draw, fig)
    if look.species == "dwarf" or (look.species in {"human", "goliath"} and rng.random() < 0.3):
        _beard(draw, fig)
    _hair_front(draw, fig)
    if look.species == "dragonborn":
        _horns(draw, fig)
    _headgear(draw, fig)
    image = _aura(image, fig)
    if framed:
        _frame(ImageDraw.Draw(image), look, (200, 170, 100))
    return shrink(image)
