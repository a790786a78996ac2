"""Spell-area overlays: a transparent PNG of the area on the 5-foot grid, to lay on a map.

Sizes are the catalog's: a sphere's or cylinder's radius, a cube's side, a cone's or line's
length (a line is 5 feet wide unless told). The image covers the area at ``SQUARE`` pixels per
5 feet, the same scale as tactical maps, with the point of origin marked.
"""

from __future__ import annotations

import math
from enum import StrEnum

from PIL import Image, ImageChops, ImageDraw

from subgraphs.image.offline.canvas import RGB, SUPERSAMPLE, font, shrink
from subgraphs.image.offline.tactical import SQUARE

MAX_FEET = 500


class AreaShape(StrEnum):
    CONE = "CONE"
    CUBE = "CUBE"
    CYLINDER = "CYLINDER"
    EMANATION = "EMANATION"
    LINE = "LINE"
    SPHERE = "SPHERE"


# Damage and school words in the prompt pick the colour: fire orange, cold pale blue...
ELEMENTS: tuple[tuple[tuple[str, ...], RGB], ...] = (
    (("fire", "flame", "burning", "fireball", "inferno"), (255, 110, 30)),
    (("cold", "ice", "frost", "snow", "freezing"), (140, 210, 255)),
    (("lightning", "thunder", "storm", "shock"), (160, 160, 255)),
    (("acid", "poison", "stinking", "cloud", "toxic"), (120, 210, 60)),
    (("necrotic", "darkness", "shadow", "death"), (120, 60, 150)),
    (("radiant", "holy", "light", "sacred", "dawn"), (255, 230, 120)),
    (("force", "arcane", "magic"), (110, 150, 255)),
)


def colour_of(prompt: str) -> RGB:
    lowered = prompt.lower()
    return next(
        (colour for names, colour in ELEMENTS if any(n in lowered for n in names)), (230, 80, 200)
    )


def draw_effect(
    shape: AreaShape, size_feet: int, prompt: str, *, width_feet: int = 5
) -> Image.Image:
    """The overlay as RGBA; its grid squares line up with a tactical map's."""
    px = SQUARE * SUPERSAMPLE / 5  # pixels per foot, supersampled
    colour = colour_of(prompt)
    if shape in (AreaShape.SPHERE, AreaShape.CYLINDER, AreaShape.EMANATION):
        side = 2 * size_feet
    elif shape is AreaShape.LINE:
        side = size_feet
    else:
        side = size_feet
    pad = SQUARE * SUPERSAMPLE
    w = int(side * px + 2 * pad)
    h = int((width_feet if shape is AreaShape.LINE else side) * px + 2 * pad)
    image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    fill, edge = (*colour, 110), (*colour, 230)
    cx, cy = w / 2, h / 2
    origin: tuple[float, float]
    if shape in (AreaShape.SPHERE, AreaShape.CYLINDER, AreaShape.EMANATION):
        r = size_feet * px
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill, outline=edge, width=6)
        if shape is AreaShape.CYLINDER:
            draw.ellipse(
                (cx - r * 0.8, cy - r * 0.8, cx + r * 0.8, cy + r * 0.8),
                outline=(*colour, 160),
                width=3,
            )
        origin = (cx, cy)
    elif shape is AreaShape.CUBE:
        half = size_feet * px / 2
        draw.rectangle(
            (cx - half, cy - half, cx + half, cy + half), fill=fill, outline=edge, width=6
        )
        origin = (cx - half, cy)  # a cube's point of origin lies on one face
    elif shape is AreaShape.LINE:
        half = width_feet * px / 2
        draw.rectangle((pad, cy - half, w - pad, cy + half), fill=fill, outline=edge, width=6)
        origin = (pad, cy)
    else:  # cone: its width at any point equals its distance from the origin (53 degrees)
        length = size_feet * px
        spread = math.atan(0.5)
        origin = (pad, cy)
        tip_x = pad + length
        points = [
            origin,
            (tip_x, cy - length * math.tan(spread)),
            (tip_x, cy + length * math.tan(spread)),
        ]
        draw.polygon(points, fill=fill, outline=edge, width=6)
    # Grid lines inside the area only, so squares can be counted without marking the map.
    inside = image.getchannel("A").point(lambda a: 255 if a else 0)
    grid = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    lines = ImageDraw.Draw(grid)
    step = SQUARE * SUPERSAMPLE
    for x in range(0, w + 1, step):
        lines.line((x, 0, x, h), fill=(255, 255, 255, 70), width=2)
    for y in range(0, h + 1, step):
        lines.line((0, y, w, y), fill=(255, 255, 255, 70), width=2)
    grid.putalpha(ImageChops.multiply(grid.getchannel("A"), inside))
    image.alpha_composite(grid)
    ox, oy = origin
    draw.ellipse(
        (ox - 12, oy - 12, ox + 12, oy + 12),
        fill=(255, 255, 255, 255),
        outline=(0, 0, 0, 255),
        width=3,
    )
    label = (
        f"{size_feet}-ft {shape.value.lower()}"
        if shape is not AreaShape.LINE
        else f"{size_feet} x {width_feet} ft line"
    )
    draw.text(
        (w / 2, h - pad / 2),
        label,
        font=font(26),
        fill=(255, 255, 255, 255),
        anchor="mm",
        stroke_width=4,
        stroke_fill=(0, 0, 0, 255),
    )
    return shrink(image)
