"""The embedded image generator: a heraldic shield drawn with Pillow, no model involved.

It is honest about what it is: the picture is a coat of arms whose field division, tinctures and
charge are picked by a random generator seeded from ``sha256(prompt + seed)``. The prompt's
meaning is not interpreted at all; only its exact text matters. So the same prompt and seed
always give byte-identical PNGs, and any change to either gives (almost certainly) another shield.

Heraldry's rule of tincture keeps the result legible: a colour (gules, azure, ...) is never laid
on a colour, nor a metal (or, argent) on a metal.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw

from subgraphs.image.generator import GeneratedImage, ImageRequest

NAME = "procedural"
SIZE = 512
SUPERSAMPLE = 2  # draw at twice the size and shrink: smooth edges without an anti-aliasing API

RGB = tuple[int, int, int]
Point = tuple[float, float]
Box = tuple[float, float, float, float]

METALS: dict[str, RGB] = {"or": (212, 175, 55), "argent": (230, 230, 226)}
COLOURS: dict[str, RGB] = {
    "gules": (178, 34, 34),
    "azure": (32, 72, 160),
    "vert": (34, 118, 62),
    "purpure": (112, 48, 130),
    "sable": (28, 28, 30),
}


@dataclass(frozen=True)
class Tincture:
    name: str
    rgb: RGB


def _pick(rng: random.Random, palette: dict[str, RGB], *, avoid: str = "") -> Tincture:
    name = rng.choice(sorted(n for n in palette if n != avoid))
    return Tincture(name, palette[name])


def shield_outline(box: Box, steps: int = 48) -> list[Point]:
    """A heater shield: straight top and upper sides, curving to a point at the bottom."""
    left, top, right, bottom = box
    middle_x = (left + right) / 2
    shoulder = top + (bottom - top) * 0.45
    control_y = top + (bottom - top) * 0.85

    def curve(start_x: float) -> list[Point]:
        # Quadratic Bézier from the shoulder, pulled down the side, to the point.
        points = []
        for step in range(steps + 1):
            t = step / steps
            x = (1 - t) ** 2 * start_x + 2 * (1 - t) * t * start_x + t**2 * middle_x
            y = (1 - t) ** 2 * shoulder + 2 * (1 - t) * t * control_y + t**2 * bottom
            points.append((x, y))
        return points

    return [(left, top), (right, top), *curve(right), *reversed(curve(left))]


# -- field divisions: paint the second tincture over the first, return the blazon words ---------


def _plain(draw: ImageDraw.ImageDraw, box: Box, second: RGB) -> str:
    return "{first}"


def _per_pale(draw: ImageDraw.ImageDraw, box: Box, second: RGB) -> str:
    left, top, right, bottom = box
    draw.rectangle(((left + right) / 2, top, right, bottom), fill=second)
    return "per pale {first} and {second}"


def _per_fess(draw: ImageDraw.ImageDraw, box: Box, second: RGB) -> str:
    left, top, right, bottom = box
    draw.rectangle((left, top + (bottom - top) * 0.45, right, bottom), fill=second)
    return "per fess {first} and {second}"


def _per_bend(draw: ImageDraw.ImageDraw, box: Box, second: RGB) -> str:
    left, top, right, bottom = box
    draw.polygon([(left, top), (right, bottom), (left, bottom)], fill=second)
    return "per bend {first} and {second}"


def _quarterly(draw: ImageDraw.ImageDraw, box: Box, second: RGB) -> str:
    left, top, right, bottom = box
    middle_x, middle_y = (left + right) / 2, top + (bottom - top) * 0.45
    draw.rectangle((middle_x, top, right, middle_y), fill=second)
    draw.rectangle((left, middle_y, middle_x, bottom), fill=second)
    return "quarterly {first} and {second}"


def _per_chevron(draw: ImageDraw.ImageDraw, box: Box, second: RGB) -> str:
    left, top, right, bottom = box
    apex = ((left + right) / 2, top + (bottom - top) * 0.35)
    foot = top + (bottom - top) * 0.8
    draw.polygon([(left, foot), apex, (right, foot), (right, bottom), (left, bottom)], fill=second)
    return "per chevron {first} and {second}"


DIVISIONS: list[Callable[[ImageDraw.ImageDraw, Box, RGB], str]] = [
    _plain,
    _per_pale,
    _per_fess,
    _per_bend,
    _quarterly,
    _per_chevron,
]


# -- charges: one figure in the middle of the shield --------------------------------------------


def _roundel(draw: ImageDraw.ImageDraw, centre: Point, radius: float, fill: RGB) -> str:
    x, y = centre
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=fill)
    return "a roundel"


def _lozenge(draw: ImageDraw.ImageDraw, centre: Point, radius: float, fill: RGB) -> str:
    x, y = centre
    draw.polygon(
        [
            (x, y - radius * 1.3),
            (x + radius * 0.8, y),
            (x, y + radius * 1.3),
            (x - radius * 0.8, y),
        ],
        fill=fill,
    )
    return "a lozenge"


def _mullet(draw: ImageDraw.ImageDraw, centre: Point, radius: float, fill: RGB) -> str:
    x, y = centre
    points = []
    for corner in range(10):  # alternate outer and inner corners of a five-pointed star
        reach = radius * 1.2 if corner % 2 == 0 else radius * 0.48
        angle = -math.pi / 2 + corner * math.pi / 5
        points.append((x + reach * math.cos(angle), y + reach * math.sin(angle)))
    draw.polygon(points, fill=fill)
    return "a mullet"


def _cross(draw: ImageDraw.ImageDraw, centre: Point, radius: float, fill: RGB) -> str:
    x, y = centre
    arm = radius * 0.32
    draw.rectangle((x - arm, y - radius * 1.2, x + arm, y + radius * 1.2), fill=fill)
    draw.rectangle((x - radius * 1.2, y - arm, x + radius * 1.2, y + arm), fill=fill)
    return "a cross couped"


def _annulet(draw: ImageDraw.ImageDraw, centre: Point, radius: float, fill: RGB) -> str:
    x, y = centre
    draw.ellipse(
        (x - radius, y - radius, x + radius, y + radius), outline=fill, width=int(radius * 0.35)
    )
    return "an annulet"


CHARGES: list[Callable[[ImageDraw.ImageDraw, Point, float, RGB], str]] = [
    _roundel,
    _lozenge,
    _mullet,
    _cross,
    _annulet,
]


def _background(rng: random.Random) -> RGB:
    """A dark, muted backdrop so the shield stands out whatever its tinctures."""
    base = rng.randrange(24, 64)
    return (base + rng.randrange(0, 24), base + rng.randrange(0, 24), base + rng.randrange(0, 24))


def draw_emblem(prompt: str, seed: int) -> tuple[Image.Image, str]:
    """The shield for ``prompt`` and ``seed`` and its blazon (a description in heraldic words)."""
    digest = hashlib.sha256(f"{prompt}\x00{seed}".encode()).digest()
    rng = random.Random(int.from_bytes(digest, "big"))

    metal_first = rng.random() < 0.5
    first = _pick(rng, METALS if metal_first else COLOURS)
    second = _pick(rng, COLOURS if metal_first else METALS)
    charge_tincture = _pick(rng, COLOURS if metal_first else METALS, avoid=second.name)
    division = rng.choice(DIVISIONS)
    charge = rng.choice(CHARGES)

    canvas = SIZE * SUPERSAMPLE
    margin = canvas * 0.12
    box: Box = (margin, margin, canvas - margin, canvas - margin * 0.6)

    field = Image.new("RGB", (canvas, canvas), first.rgb)
    field_words = division(ImageDraw.Draw(field), box, second.rgb)
    mask = Image.new("L", (canvas, canvas), 0)
    ImageDraw.Draw(mask).polygon(shield_outline(box), fill=255)

    image = Image.new("RGB", (canvas, canvas), _background(rng))
    image.paste(field, (0, 0), mask)
    draw = ImageDraw.Draw(image)
    centre = ((box[0] + box[2]) / 2, box[1] + (box[3] - box[1]) * 0.42)
    # A contrasting rim under the charge keeps it visible where it crosses a division line.
    charge(
        draw, centre, canvas * 0.15, first.rgb if division is not _plain else charge_tincture.rgb
    )
    charge_words = charge(draw, centre, canvas * 0.13, charge_tincture.rgb)
    draw.line([*shield_outline(box), (box[0], box[1])], fill=(16, 16, 16), width=SUPERSAMPLE * 5)

    blazon = field_words.format(first=first.name, second=second.name)
    description = f"{blazon[0].upper()}{blazon[1:]}, {charge_words} {charge_tincture.name}"
    return image.resize((SIZE, SIZE), Image.Resampling.LANCZOS), description


def encode_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")  # no timestamps or other varying metadata: stable bytes
    return buffer.getvalue()


class ProceduralImageGenerator:
    """``ImageGenerator`` that draws a seeded coat of arms; needs nothing installed or online."""

    name = NAME

    def _render(self, request: ImageRequest) -> GeneratedImage:
        image, blazon = draw_emblem(request.prompt, request.seed)
        return GeneratedImage(
            data=encode_png(image),
            content_type="image/png",
            width=image.width,
            height=image.height,
            description=f"Procedurally drawn coat of arms (not a model's picture): {blazon}.",
        )

    async def generate(self, request: ImageRequest) -> GeneratedImage:
        # Drawing and PNG compression are CPU work; keep the event loop free meanwhile.
        return await asyncio.to_thread(self._render, request)
