"""Drawing helpers every offline generator shares: seeded randomness, fonts, smooth shapes."""

from __future__ import annotations

import hashlib
import io
import math
import random
from collections.abc import Iterable
from functools import cache

from PIL import Image, ImageDraw, ImageFilter, ImageFont

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]
Point = tuple[float, float]

SUPERSAMPLE = 2  # draw at twice the size and shrink: smooth edges without an anti-aliasing API


def seeded(*parts: object) -> random.Random:
    """A random generator determined by ``parts`` (kind, prompt, seed, ...), stable across runs
    and machines (``hash()`` is salted per process, SHA-256 is not)."""
    text = "\x00".join(str(part) for part in parts)
    return random.Random(int.from_bytes(hashlib.sha256(text.encode()).digest(), "big"))


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    """Pillow's bundled scalable font: the same glyphs on every machine, no system fonts."""
    loaded = ImageFont.load_default(size)
    assert isinstance(loaded, ImageFont.FreeTypeFont)  # Pillow is built with FreeType
    return loaded


def encode_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)  # no timestamps: stable bytes
    return buffer.getvalue()


def shrink(image: Image.Image) -> Image.Image:
    """The supersampled drawing at its final size."""
    size = (image.width // SUPERSAMPLE, image.height // SUPERSAMPLE)
    return image.resize(size, Image.Resampling.LANCZOS)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """``a`` moved ``t`` of the way towards ``b``."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def darker(colour: RGB, amount: float = 0.35) -> RGB:
    return mix(colour, (0, 0, 0), amount)


def lighter(colour: RGB, amount: float = 0.35) -> RGB:
    return mix(colour, (255, 255, 255), amount)


def vertical_gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    column = Image.new("RGB", (1, 256))
    column.putdata([mix(top, bottom, y / 255) for y in range(256)])
    return column.resize(size, Image.Resampling.BILINEAR)


def radial_glow(
    size: tuple[int, int], centre: Point, radius: float, inner: RGB, outer: RGB
) -> Image.Image:
    """A soft disc of ``inner`` fading to ``outer``."""
    width, height = size
    mask = Image.new("L", (width // 8 or 1, height // 8 or 1), 0)
    draw = ImageDraw.Draw(mask)
    steps = 24
    for step in range(steps):
        r = radius / 8 * (1 - step / steps)
        cx, cy = centre[0] / 8, centre[1] / 8
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=round(255 * (step + 1) / steps))
    mask = mask.filter(ImageFilter.GaussianBlur(1)).resize(size, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", size, inner), Image.new("RGB", size, outer), mask)


def blurred(image: Image.Image, radius: float) -> Image.Image:
    """``image`` under a Gaussian blur of ``radius`` pixels, computed at a quarter of the size
    (a wide blur loses nothing to that, and costs a sixteenth)."""
    small = image.resize(
        (max(1, image.width // 4), max(1, image.height // 4)), Image.Resampling.BOX
    )
    return small.filter(ImageFilter.GaussianBlur(radius / 4)).resize(
        image.size, Image.Resampling.BILINEAR
    )


def value_noise(rng: random.Random, width: int, height: int, cell: int) -> list[list[float]]:
    """Smooth noise in 0..1 for a ``width`` x ``height`` grid: random values on a coarse lattice
    every ``cell`` squares, blended with a smoothstep in between."""
    columns, rows = width // cell + 2, height // cell + 2
    lattice = [[rng.random() for _ in range(columns)] for _ in range(rows)]

    def smooth(t: float) -> float:
        return t * t * (3 - 2 * t)

    field = []
    for y in range(height):
        gy, fy = divmod(y / cell, 1)
        row = []
        for x in range(width):
            gx, fx = divmod(x / cell, 1)
            i, j = int(gx), int(gy)
            top = lattice[j][i] + (lattice[j][i + 1] - lattice[j][i]) * smooth(fx)
            low = lattice[j + 1][i] + (lattice[j + 1][i + 1] - lattice[j + 1][i]) * smooth(fx)
            row.append(top + (low - top) * smooth(fy))
        field.append(row)
    return field


def fractal_noise(
    rng: random.Random, width: int, height: int, cells: Iterable[int]
) -> list[list[float]]:
    """Octaves of ``value_noise`` summed (coarse shapes with finer detail), scaled to 0..1."""
    layers = [
        (value_noise(rng, width, height, cell), 1 / (index + 1)) for index, cell in enumerate(cells)
    ]
    total = sum(weight for _, weight in layers)
    return [
        [sum(layer[y][x] * weight for layer, weight in layers) / total for x in range(width)]
        for y in range(height)
    ]


def polygon_around(
    centre: Point, radius: float, corners: int, rng: random.Random, jitter: float
) -> list[Point]:
    """A rough regular polygon: rocks, bushes, islands."""
    x, y = centre
    points = []
    for corner in range(corners):
        angle = 2 * math.pi * corner / corners + rng.uniform(-0.2, 0.2)
        reach = radius * (1 + rng.uniform(-jitter, jitter))
        points.append((x + reach * math.cos(angle), y + reach * math.sin(angle)))
    return points


def centred_text(
    draw: ImageDraw.ImageDraw,
    centre: Point,
    text: str,
    size: int,
    fill: RGB | RGBA,
    *,
    stroke: RGB | None = None,
    stroke_width: int = 0,
) -> None:
    draw.text(
        centre,
        text,
        font=font(size),
        fill=fill,
        anchor="mm",
        stroke_width=stroke_width,
        stroke_fill=stroke,
    )


def fit_text(text: str, size: int, max_width: float) -> tuple[str, int]:
    """``text`` at the largest font size up to ``size`` that fits ``max_width`` (cut with an
    ellipsis if even the smallest does not)."""
    for trial in range(size, 9, -1):
        if font(trial).getlength(text) <= max_width:
            return text, trial
    while text and font(10).getlength(text + "…") > max_width:
        text = text[:-1]
    return text + "…", 10


def wrap(text: str, size: int, max_width: float) -> list[str]:
    """``text`` broken into lines no wider than ``max_width`` at ``size``."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if font(size).getlength(trial) <= max_width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines
