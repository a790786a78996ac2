"""Campaign region maps: land, water and the campaign's locations with their names.

Locations come with a kind (city, town, village, dungeon, ruin, forest, mountain, port...) and
optionally a position (0..1 across and down). Without a position a location is placed
deterministically from its name, away from the others. Roads join each settlement to its
nearest neighbours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import Image, ImageDraw

from subgraphs.image.offline.canvas import RGB, darker, fit_text, font, fractal_noise, mix, seeded

WIDTH, HEIGHT = 1200, 800
NOISE_SCALE = 8  # the land is computed on a coarse grid and smoothed up
SEA, HILLS = 0.28, 0.9  # height ranks where the sea ends and the mountains begin
SETTLEMENTS = {"city", "town", "village", "port", "keep", "castle", "capital"}


@dataclass(frozen=True)
class Place:
    name: str
    kind: str = "town"
    x: float | None = None  # 0..1 from the left
    y: float | None = None  # 0..1 from the top


def _positions(places: list[Place], seed: int) -> list[tuple[float, float]]:
    placed: list[tuple[float, float]] = []
    for place in places:
        if place.x is not None and place.y is not None:
            placed.append((min(max(place.x, 0.04), 0.96), min(max(place.y, 0.06), 0.94)))
            continue
        rng = seeded("region-place", place.name, seed)
        best, best_gap = (0.5, 0.5), -1.0
        for _ in range(40):  # the candidate farthest from what is already placed
            candidate = (rng.uniform(0.12, 0.88), rng.uniform(0.14, 0.86))
            gap = min((math.dist(candidate, p) for p in placed), default=1.0)
            if gap > best_gap:
                best, best_gap = candidate, gap
        placed.append(best)
    return placed


def _terrain(seed: int, title: str, anchors: list[tuple[float, float]]) -> list[list[float]]:
    rng = seeded("region-land", title, seed)
    w, h = WIDTH // NOISE_SCALE, HEIGHT // NOISE_SCALE
    height_map = fractal_noise(rng, w, h, (24, 10, 4))
    # Land gathers around the places (a bonus fading to nothing a quarter of the map away) and
    # falls away to the sea at the edges.
    near = [[0.0] * w for _ in range(h)]
    for cell_x, cell_y in _cells_within(anchors, 0.25, w, h):
        bonus = max(1 - min(1.0, math.dist((cell_x / w, cell_y / h), a) * 4) for a in anchors)
        near[cell_y][cell_x] = bonus
    for y in range(h):
        for x in range(w):
            edge = min(x / w, 1 - x / w, y / h, 1 - y / h)
            height_map[y][x] += near[y][x] * 0.15 + min(edge * 3, 0.3)
    # Heights as ranks (0..1): the share of sea, lowland and mountain is the same on every map,
    # however the noise fell.
    ordered = sorted(v for row in height_map for v in row)
    rank = {v: i / (len(ordered) - 1) for i, v in enumerate(ordered)}
    ranks = [[rank[v] for v in row] for row in height_map]
    # Places stand on dry, walkable land: no sea and no peak under a town.
    for x, y in _cells_within(anchors, 0.045, w, h):
        if min(math.dist((x / w, y / h), a) for a in anchors) < 0.045:
            ranks[y][x] = min(max(ranks[y][x], SEA + 0.08), 0.7)
    return ranks


def _cells_within(
    anchors: list[tuple[float, float]], reach: float, w: int, h: int
) -> set[tuple[int, int]]:
    """Grid cells whose box lies within ``reach`` (in map fractions) of some anchor: the only
    cells a nearby-place rule can touch."""
    cells: set[tuple[int, int]] = set()
    for ax, ay in anchors:
        for y in range(max(0, int((ay - reach) * h)), min(h, int((ay + reach) * h) + 2)):
            for x in range(max(0, int((ax - reach) * w)), min(w, int((ax + reach) * w) + 2)):
                cells.add((x, y))
    return cells


def _colour(level: float) -> RGB:
    if level < SEA:
        return mix((40, 70, 120), (70, 110, 160), level / SEA)
    if level < SEA + 0.025:
        return (214, 200, 150)  # shore
    if level < 0.72:
        return mix((130, 168, 96), (96, 136, 74), (level - SEA) / (0.72 - SEA))
    if level < HILLS:
        return mix((96, 130, 74), (140, 128, 96), (level - 0.72) / (HILLS - 0.72))
    return mix((140, 128, 104), (236, 236, 240), min(1.0, (level - HILLS) / 0.06))


def _symbol(draw: ImageDraw.ImageDraw, kind: str, x: float, y: float) -> None:
    ink = (50, 34, 24)
    if kind in {"city", "capital"}:
        draw.rectangle((x - 14, y - 10, x + 14, y + 10), fill=(200, 60, 50), outline=ink, width=2)
        for tx in (x - 14, x + 8):
            draw.rectangle((tx, y - 20, tx + 6, y - 10), fill=(200, 60, 50), outline=ink, width=2)
    elif kind in {"keep", "castle"}:
        draw.rectangle((x - 10, y - 14, x + 10, y + 10), fill=(150, 150, 150), outline=ink, width=2)
        for tx in range(-10, 11, 7):
            draw.rectangle(
                (x + tx - 2, y - 19, x + tx + 2, y - 14), fill=(150, 150, 150), outline=ink
            )
    elif kind in {"dungeon", "cave", "lair"}:
        draw.pieslice(
            (x - 12, y - 12, x + 12, y + 12), 180, 360, fill=(30, 24, 20), outline=ink, width=2
        )
        draw.line((x - 14, y, x + 14, y), fill=ink, width=3)
    elif kind in {"ruin", "ruins", "temple"}:
        for tx in (-9, 0, 9):
            draw.rectangle(
                (x + tx - 2, y - 12 + abs(tx), x + tx + 2, y + 8), fill=(220, 210, 190), outline=ink
            )
    elif kind == "forest":
        for tx, ty in ((-10, 4), (0, -4), (10, 4)):
            draw.polygon(
                [(x + tx, y + ty - 14), (x + tx - 8, y + ty + 6), (x + tx + 8, y + ty + 6)],
                fill=(40, 90, 40),
                outline=ink,
            )
    elif kind == "mountain":
        draw.polygon(
            [(x - 16, y + 10), (x, y - 16), (x + 16, y + 10)],
            fill=(150, 140, 130),
            outline=ink,
            width=2,
        )
        draw.polygon([(x - 5, y - 8), (x, y - 16), (x + 5, y - 8)], fill=(245, 245, 245))
    elif kind == "port":
        draw.ellipse((x - 9, y - 9, x + 9, y + 9), fill=(240, 230, 200), outline=ink, width=3)
        draw.line((x, y - 14, x, y + 14), fill=ink, width=3)
        draw.arc((x - 12, y - 2, x + 12, y + 16), 20, 160, fill=ink, width=3)
    else:  # town, village and anything else
        r = 8 if kind == "town" else 6
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(240, 230, 200), outline=ink, width=3)


def draw_region(
    title: str, places: list[Place], seed: int
) -> tuple[Image.Image, list[tuple[float, float]]]:
    """The map and where each place ended up (0..1 coordinates, in the order given)."""
    positions = _positions(places, seed)
    levels = _terrain(seed, title, positions)
    small = Image.new("RGB", (len(levels[0]), len(levels)))
    small.putdata([_colour(v) for row in levels for v in row])
    image = small.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    parchment = Image.new("RGB", (WIDTH, HEIGHT), (226, 208, 170))
    image = Image.blend(image, parchment, 0.25)
    draw = ImageDraw.Draw(image, "RGBA")
    rng = seeded("region-details", title, seed)
    # Hills and mountains marked as on old maps; forests as clusters of trees.
    for _ in range(260):
        gx, gy = rng.randrange(len(levels[0])), rng.randrange(len(levels))
        level, x, y = levels[gy][gx], gx * NOISE_SCALE, gy * NOISE_SCALE
        if level > HILLS - 0.06:
            draw.polygon(
                [(x - 12, y + 8), (x, y - 12), (x + 12, y + 8)],
                outline=(90, 70, 50, 200),
                fill=(0, 0, 0, 0),
            )
        elif 0.45 < level < 0.6 and rng.random() < 0.5:
            draw.ellipse((x - 5, y - 5, x + 5, y + 5), fill=(50, 100, 50, 170))
    pixels = [(x * WIDTH, y * HEIGHT) for x, y in positions]
    settled = [i for i, p in enumerate(places) if p.kind.lower() in SETTLEMENTS] or list(
        range(len(places))
    )
    roads: set[tuple[int, int]] = set()
    for i in settled:
        others = sorted((math.dist(pixels[i], pixels[j]), j) for j in settled if j != i)
        for _, j in others[:2]:
            roads.add((min(i, j), max(i, j)))
    for i, j in sorted(roads):
        (x0, y0), (x1, y1) = pixels[i], pixels[j]
        steps = max(2, int(math.dist(pixels[i], pixels[j]) // 14))
        for step in range(0, steps, 2):  # a dashed track
            t0, t1 = step / steps, (step + 1) / steps
            draw.line(
                (
                    x0 + (x1 - x0) * t0,
                    y0 + (y1 - y0) * t0,
                    x0 + (x1 - x0) * t1,
                    y0 + (y1 - y0) * t1,
                ),
                fill=(110, 70, 40, 220),
                width=3,
            )
    for place, (px, py) in zip(places, pixels, strict=True):
        _symbol(draw, place.kind.lower(), px, py)
        label, size = fit_text(place.name, 20, 220)
        draw.text(
            (px, py + 26),
            label,
            font=font(size),
            fill=(40, 26, 16),
            anchor="mm",
            stroke_width=3,
            stroke_fill=(240, 228, 200),
        )
    _compass(draw, WIDTH - 80, HEIGHT - 90)
    if title:
        text, size = fit_text(title, 40, WIDTH * 0.6)
        draw.rounded_rectangle(
            (
                WIDTH / 2 - font(size).getlength(text) / 2 - 24,
                14,
                WIDTH / 2 + font(size).getlength(text) / 2 + 24,
                28 + size + 14,
            ),
            radius=10,
            fill=(240, 228, 200, 230),
            outline=(90, 60, 40),
            width=2,
        )
        draw.text(
            (WIDTH / 2, 28 + size / 2 + 6), text, font=font(size), fill=(60, 36, 20), anchor="mm"
        )
    draw.rectangle((4, 4, WIDTH - 5, HEIGHT - 5), outline=(90, 60, 40), width=6)
    return image, positions


def _compass(draw: ImageDraw.ImageDraw, x: float, y: float) -> None:
    ink = (70, 46, 30)
    draw.ellipse((x - 40, y - 40, x + 40, y + 40), outline=ink, width=2)
    for angle, length in ((0, 48), (90, 34), (180, 34), (270, 34)):
        rad = math.radians(angle - 90)
        tip = (x + math.cos(rad) * length, y + math.sin(rad) * length)
        side = math.radians(angle)
        draw.polygon(
            [
                tip,
                (x + math.cos(side) * 8, y + math.sin(side) * 8),
                (x - math.cos(side) * 8, y - math.sin(side) * 8),
            ],
            fill=darker(ink, 0) if angle == 0 else (200, 180, 140),
            outline=ink,
        )
    draw.text((x, y - 56), "N", font=font(18), fill=ink, anchor="mm")
