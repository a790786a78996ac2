"""Battle maps on a 5-foot grid: dungeons of rooms and corridors, caves, outdoor terrain.

The map is planned as a grid first (``plan``: which squares are rock, floor, door, water,
undergrowth...) and drawn second, so the layout returned as data is exactly what the picture
shows. Walls are the grid lines between an open square and rock, merged into long runs.
"""

from __future__ import annotations

import itertools
import random
from collections import deque
from dataclasses import dataclass

from PIL import Image, ImageDraw

from subgraphs.image.layout import (
    Cell,
    DifficultCell,
    Door,
    MapStyle,
    TacticalLayout,
    Terrain,
    Wall,
)
from subgraphs.image.offline.canvas import (
    RGB,
    darker,
    font,
    fractal_noise,
    lighter,
    mix,
    polygon_around,
    seeded,
)

SQUARE = 48  # pixels per 5-foot square
MARGIN = 28  # room for column letters and row numbers
MIN_SIDE, MAX_SIDE = 8, 60

ROCK, FLOOR, DOOR, TREE, BOULDER = "#", ".", "+", "T", "o"
BLOCKING = {ROCK, TREE, BOULDER}
STYLE_WORDS = {
    MapStyle.CAVE: ("cave", "cavern", "grotto", "tunnel", "mine", "underdark"),
    MapStyle.OUTDOOR: (
        "forest",
        "wood",
        "woods",
        "field",
        "meadow",
        "road",
        "swamp",
        "marsh",
        "clearing",
        "hill",
        "river",
        "outdoor",
        "wilderness",
        "grove",
        "camp",
    ),
    MapStyle.DUNGEON: (
        "dungeon",
        "crypt",
        "tomb",
        "keep",
        "castle",
        "temple",
        "vault",
        "cellar",
        "sewer",
        "prison",
        "room",
        "hall",
    ),
}


def style_of(prompt: str) -> MapStyle:
    """The style a prompt asks for ("a flooded cave" -> CAVE); dungeon when it names none."""
    lowered = prompt.lower()
    for style, words in STYLE_WORDS.items():
        if any(word in lowered for word in words):
            return style
    return MapStyle.DUNGEON


@dataclass
class Plan:
    style: MapStyle
    grid: list[list[str]]
    terrain: dict[tuple[int, int], Terrain]
    trail: frozenset[tuple[int, int]] = frozenset()  # drawn as a beaten path; plain ground

    @property
    def width(self) -> int:
        return len(self.grid[0])

    @property
    def height(self) -> int:
        return len(self.grid)

    def at(self, x: int, y: int) -> str:
        if 0 <= x < self.width and 0 <= y < self.height:
            return self.grid[y][x]
        return ROCK


# -- planning ----------------------------------------------------------------------------------


def _dungeon(rng: random.Random, width: int, height: int) -> Plan:
    grid = [[ROCK] * width for _ in range(height)]
    rooms: list[tuple[int, int, int, int]] = []
    wanted = max(3, width * height // 70)
    for _ in range(wanted * 20):
        if len(rooms) >= wanted:
            break
        w, h = (
            rng.randint(3, max(3, min(9, width // 3))),
            rng.randint(3, max(3, min(7, height // 3))),
        )
        x, y = rng.randint(1, max(1, width - w - 1)), rng.randint(1, max(1, height - h - 1))
        if x + w >= width or y + h >= height:
            continue
        if any(
            x - 1 <= rx + rw and rx - 1 <= x + w and y - 1 <= ry + rh and ry - 1 <= y + h
            for rx, ry, rw, rh in rooms
        ):
            continue
        rooms.append((x, y, w, h))
    if not rooms:
        rooms.append((1, 1, width - 2, height - 2))
    for x, y, w, h in rooms:
        for yy in range(y, y + h):
            for xx in range(x, x + w):
                grid[yy][xx] = FLOOR
    room_cells = {
        (xx, yy) for x, y, w, h in rooms for yy in range(y, y + h) for xx in range(x, x + w)
    }
    corridor: set[tuple[int, int]] = set()
    ordered = sorted(rooms, key=lambda r: (r[0] + r[2] / 2, r[1]))
    for (ax, ay, aw, ah), (bx, by, bw, bh) in itertools.pairwise(ordered):
        start = (rng.randint(ax, ax + aw - 1), rng.randint(ay, ay + ah - 1))
        end = (rng.randint(bx, bx + bw - 1), rng.randint(by, by + bh - 1))
        horizontal_first = rng.random() < 0.5
        corner = (end[0], start[1]) if horizontal_first else (start[0], end[1])
        for (x0, y0), (x1, y1) in ((start, corner), (corner, end)):
            for xx in range(min(x0, x1), max(x0, x1) + 1):
                for yy in range(min(y0, y1), max(y0, y1) + 1):
                    if (xx, yy) not in room_cells:
                        corridor.add((xx, yy))
                    grid[yy][xx] = FLOOR
    # A door where a corridor square touches a room square it leads into.
    for cx, cy in sorted(corridor):
        neighbours = [(cx + dx, cy + dy) for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))]
        into_room = [n for n in neighbours if n in room_cells]
        if len(into_room) == 1 and rng.random() < 0.7:
            # Only in a one-square opening: rock on both sides across the passage.
            nx, _ny = into_room[0]
            across = ((cx, cy - 1), (cx, cy + 1)) if nx != cx else ((cx - 1, cy), (cx + 1, cy))
            if all(grid[y][x] == ROCK for x, y in across if 0 <= x < width and 0 <= y < height):
                grid[cy][cx] = DOOR
    terrain: dict[tuple[int, int], Terrain] = {}
    for x, y, w, h in rooms:
        roll = rng.random()
        if roll < 0.35:  # a collapsed corner
            cx, cy = rng.randint(x, x + w - 1), rng.randint(y, y + h - 1)
            for xx in range(max(x, cx - 1), min(x + w, cx + 2)):
                for yy in range(max(y, cy - 1), min(y + h, cy + 2)):
                    terrain[(xx, yy)] = Terrain.RUBBLE
        elif roll < 0.5 and w >= 5 and h >= 5:  # a pillared hall
            for xx in (x + 1, x + w - 2):
                for yy in (y + 1, y + h - 2):
                    grid[yy][xx] = BOULDER
        elif roll < 0.6:
            for xx in range(x, x + w):
                terrain[(xx, y + h - 1)] = Terrain.WATER
    return Plan(MapStyle.DUNGEON, grid, terrain)


def _largest_region(grid: list[list[str]]) -> set[tuple[int, int]]:
    height, width = len(grid), len(grid[0])
    seen: set[tuple[int, int]] = set()
    best: set[tuple[int, int]] = set()
    for y in range(height):
        for x in range(width):
            if grid[y][x] != FLOOR or (x, y) in seen:
                continue
            region, queue = {(x, y)}, deque([(x, y)])
            seen.add((x, y))
            while queue:
                cx, cy = queue.popleft()
                for nx, ny in ((cx + 1, cy), (cx - 1, cy), (cx, cy + 1), (cx, cy - 1)):
                    if (
                        0 <= nx < width
                        and 0 <= ny < height
                        and grid[ny][nx] == FLOOR
                        and (nx, ny) not in seen
                    ):
                        seen.add((nx, ny))
                        region.add((nx, ny))
                        queue.append((nx, ny))
            if len(region) > len(best):
                best = region
    return best


def _cave(rng: random.Random, width: int, height: int) -> Plan:
    grid = [
        [
            ROCK if x in (0, width - 1) or y in (0, height - 1) or rng.random() < 0.44 else FLOOR
            for x in range(width)
        ]
        for y in range(height)
    ]
    for _ in range(5):  # cellular automaton: a square with many rock neighbours becomes rock
        nxt = []
        for y in range(height):
            row = []
            for x in range(width):
                rock = sum(
                    1
                    for dy in (-1, 0, 1)
                    for dx in (-1, 0, 1)
                    if not (0 <= x + dx < width and 0 <= y + dy < height)
                    or grid[y + dy][x + dx] == ROCK
                )
                row.append(ROCK if rock >= 5 else FLOOR)
            nxt.append(row)
        grid = nxt
    keep = _largest_region(grid)
    grid = [[FLOOR if (x, y) in keep else ROCK for x in range(width)] for y in range(height)]
    noise = fractal_noise(rng, width, height, (6, 3))
    terrain: dict[tuple[int, int], Terrain] = {}
    for x, y in keep:
        if noise[y][x] > 0.62:
            terrain[(x, y)] = Terrain.WATER
        elif noise[y][x] < 0.36:
            terrain[(x, y)] = Terrain.RUBBLE
    for _ in range(len(keep) // 40):  # stalagmites
        x, y = rng.choice(sorted(keep))
        if (x, y) not in terrain:
            grid[y][x] = BOULDER
    return Plan(MapStyle.CAVE, grid, terrain)


def _outdoor(rng: random.Random, width: int, height: int, prompt: str) -> Plan:
    grid = [[FLOOR] * width for _ in range(height)]
    wet = fractal_noise(rng, width, height, (10, 5))
    growth = fractal_noise(rng, width, height, (5, 2))
    swampy = any(word in prompt.lower() for word in ("swamp", "marsh", "bog"))
    terrain: dict[tuple[int, int], Terrain] = {}
    # A path runs across so the map always has a way through.
    path_y = rng.randint(height // 3, 2 * height // 3)
    path = set()
    for x in range(width):
        path_y = min(height - 2, max(1, path_y + rng.choice((-1, 0, 0, 1))))
        path.update({(x, path_y), (x, path_y + 1)})
    for y in range(height):
        for x in range(width):
            if (x, y) in path:
                continue
            if wet[y][x] > (0.6 if swampy else 0.7):
                terrain[(x, y)] = Terrain.MUD if swampy and wet[y][x] < 0.68 else Terrain.WATER
            elif growth[y][x] > 0.72 and rng.random() < 0.55:
                grid[y][x] = TREE
            elif growth[y][x] > 0.6:
                terrain[(x, y)] = Terrain.UNDERGROWTH
            elif rng.random() < 0.015:
                grid[y][x] = BOULDER
    return Plan(MapStyle.OUTDOOR, grid, terrain, frozenset(path))


def plan(style: MapStyle, width: int, height: int, prompt: str, seed: int) -> Plan:
    rng = seeded("tactical", style.value, width, height, prompt, seed)
    if style is MapStyle.CAVE:
        return _cave(rng, width, height)
    if style is MapStyle.OUTDOOR:
        return _outdoor(rng, width, height, prompt)
    return _dungeon(rng, width, height)


def walls_of(plan: Plan) -> list[Wall]:
    """Grid lines between an open square and rock, merged into maximal straight runs."""

    def solid(x: int, y: int) -> bool:
        return plan.at(x, y) == ROCK

    walls: list[Wall] = []
    for y in range(plan.height + 1):  # horizontal lines: between row y-1 and row y
        run_start = None
        for x in range(plan.width + 1):
            edge = x < plan.width and solid(x, y - 1) != solid(x, y)
            if edge and run_start is None:
                run_start = x
            elif not edge and run_start is not None:
                walls.append(Wall(run_start, y, x, y))
                run_start = None
    for x in range(plan.width + 1):
        run_start = None
        for y in range(plan.height + 1):
            edge = y < plan.height and solid(x - 1, y) != solid(x, y)
            if edge and run_start is None:
                run_start = y
            elif not edge and run_start is not None:
                walls.append(Wall(x, run_start, x, y))
                run_start = None
    # The map's own border is not a wall of the place, unless rock meets it (then it is inside).
    return [w for w in walls if not _on_border_open(plan, w)]


def _on_border_open(plan: Plan, wall: Wall) -> bool:
    if wall.y1 == wall.y2 and wall.y1 in (0, plan.height):
        return True
    return wall.x1 == wall.x2 and wall.x1 in (0, plan.width)


def layout_of(plan: Plan) -> TacticalLayout:
    doors = []
    for y in range(plan.height):
        for x in range(plan.width):
            if plan.grid[y][x] == DOOR:
                # A door across an east-west passage stands vertical.
                vertical = plan.at(x, y - 1) == ROCK and plan.at(x, y + 1) == ROCK
                doors.append(Door(x, y, vertical))
    return TacticalLayout(
        style=plan.style,
        width=plan.width,
        height=plan.height,
        walls=walls_of(plan),
        doors=doors,
        blocked=[
            Cell(x, y)
            for y in range(plan.height)
            for x in range(plan.width)
            if plan.grid[y][x] in BLOCKING
        ],
        difficult=[
            DifficultCell(x, y, t)
            for (x, y), t in sorted(plan.terrain.items(), key=lambda i: (i[0][1], i[0][0]))
        ],
        pixels_per_square=SQUARE,
        origin=(MARGIN, MARGIN),
    )


# -- drawing -----------------------------------------------------------------------------------

FLOORS: dict[MapStyle, RGB] = {
    MapStyle.DUNGEON: (150, 140, 124),
    MapStyle.CAVE: (120, 104, 86),
    MapStyle.OUTDOOR: (104, 140, 72),
}
ROCKS: dict[MapStyle, RGB] = {
    MapStyle.DUNGEON: (44, 40, 38),
    MapStyle.CAVE: (54, 44, 38),
    MapStyle.OUTDOOR: (60, 80, 44),
}
TERRAIN_FILL: dict[Terrain, RGB] = {
    Terrain.WATER: (62, 110, 160),
    Terrain.MUD: (104, 86, 56),
    Terrain.RUBBLE: (128, 118, 104),
    Terrain.UNDERGROWTH: (70, 110, 50),
}


def _square(x: int, y: int) -> tuple[int, int, int, int]:
    left, top = MARGIN + x * SQUARE, MARGIN + y * SQUARE
    return left, top, left + SQUARE, top + SQUARE


def draw_plan(plan: Plan, rng: random.Random, title: str = "") -> Image.Image:
    size = (plan.width * SQUARE + 2 * MARGIN, plan.height * SQUARE + 2 * MARGIN)
    image = Image.new("RGB", size, (28, 24, 22))
    draw = ImageDraw.Draw(image, "RGBA")
    floor, rock = FLOORS[plan.style], ROCKS[plan.style]
    for y in range(plan.height):
        for x in range(plan.width):
            box = _square(x, y)
            cell = plan.grid[y][x]
            if cell == ROCK:
                draw.rectangle(box, fill=mix(rock, (0, 0, 0), rng.uniform(0, 0.2)))
                # Hatching marks solid rock, as on hand-drawn maps.
                for line in range(3):
                    offset = rng.randint(4, SQUARE - 4)
                    draw.line(
                        (
                            box[0] + offset - 10,
                            box[1] + 6 + line * 14,
                            box[0] + offset + 6,
                            box[1] + 14 + line * 14,
                        ),
                        fill=(*darker(rock, 0.5), 200),
                        width=2,
                    )
                continue
            shade = rng.uniform(-0.06, 0.06)
            base = (150, 124, 86) if (x, y) in plan.trail else floor
            tile = mix(base, (255, 255, 255) if shade > 0 else (0, 0, 0), abs(shade))
            draw.rectangle(box, fill=tile)
            if plan.style is MapStyle.OUTDOOR and (x, y) not in plan.trail and rng.random() < 0.5:
                for _ in range(4):  # tufts of grass
                    gx, gy = (
                        box[0] + rng.randint(4, SQUARE - 4),
                        box[1] + rng.randint(4, SQUARE - 4),
                    )
                    draw.line(
                        (gx, gy, gx + rng.randint(-3, 3), gy - 6),
                        fill=(*lighter(floor, 0.2), 180),
                        width=2,
                    )
            elif plan.style is MapStyle.DUNGEON:
                draw.rectangle(
                    (box[0] + 2, box[1] + 2, box[2] - 2, box[3] - 2),
                    outline=(*darker(tile, 0.18), 160),
                    width=2,
                )
    for (x, y), terrain in plan.terrain.items():
        box = _square(x, y)
        fill = TERRAIN_FILL[terrain]
        if terrain in (Terrain.WATER, Terrain.MUD):
            draw.rectangle(box, fill=(*fill, 235))
            for ripple in range(2):
                rx = box[0] + rng.randint(6, SQUARE - 22)
                ry = box[1] + 12 + ripple * 18
                draw.arc(
                    (rx, ry, rx + 16, ry + 8), 200, 340, fill=(*lighter(fill, 0.35), 220), width=2
                )
        elif terrain is Terrain.RUBBLE:
            for _ in range(6):
                rx, ry = box[0] + rng.randint(6, SQUARE - 6), box[1] + rng.randint(6, SQUARE - 6)
                draw.polygon(
                    polygon_around((rx, ry), rng.uniform(3, 7), 5, rng, 0.3),
                    fill=(*darker(fill, rng.uniform(0, 0.4)), 255),
                )
        else:
            for _ in range(5):
                rx, ry = box[0] + rng.randint(6, SQUARE - 6), box[1] + rng.randint(6, SQUARE - 6)
                r = rng.uniform(5, 9)
                draw.ellipse(
                    (rx - r, ry - r, rx + r, ry + r),
                    fill=(*mix(fill, (30, 60, 20), rng.uniform(0, 0.4)), 230),
                )
    # Grid lines, light enough to read through every surface.
    for x in range(plan.width + 1):
        draw.line(
            (MARGIN + x * SQUARE, MARGIN, MARGIN + x * SQUARE, MARGIN + plan.height * SQUARE),
            fill=(0, 0, 0, 70),
            width=1,
        )
    for y in range(plan.height + 1):
        draw.line(
            (MARGIN, MARGIN + y * SQUARE, MARGIN + plan.width * SQUARE, MARGIN + y * SQUARE),
            fill=(0, 0, 0, 70),
            width=1,
        )
    for y in range(plan.height):
        for x in range(plan.width):
            cell = plan.grid[y][x]
            left, top, right, bottom = _square(x, y)
            cx, cy = (left + right) / 2, (top + bottom) / 2
            if cell == TREE:
                draw.ellipse((cx - 20, cy - 14, cx + 26, cy + 28), fill=(0, 0, 0, 70))  # shadow
                draw.polygon(
                    polygon_around((cx, cy), SQUARE * 0.5, 9, rng, 0.15),
                    fill=(38, 84, 36),
                    outline=(20, 50, 20),
                )
                draw.ellipse((cx - 12, cy - 14, cx + 4, cy + 2), fill=(70, 120, 56))
            elif cell == BOULDER:
                if plan.style is MapStyle.DUNGEON:  # a pillar
                    draw.ellipse(
                        (cx - 18, cy - 18, cx + 18, cy + 18),
                        fill=(96, 90, 84),
                        outline=(30, 28, 26),
                        width=3,
                    )
                else:
                    draw.polygon(
                        polygon_around((cx, cy), SQUARE * 0.4, 7, rng, 0.25),
                        fill=(120, 116, 110),
                        outline=(50, 48, 46),
                    )
            elif cell == DOOR:
                vertical = plan.at(x, y - 1) == ROCK and plan.at(x, y + 1) == ROCK
                if vertical:
                    draw.rectangle(
                        (cx - 6, top + 3, cx + 6, bottom - 3),
                        fill=(120, 76, 36),
                        outline=(40, 24, 10),
                        width=2,
                    )
                else:
                    draw.rectangle(
                        (left + 3, cy - 6, right - 3, cy + 6),
                        fill=(120, 76, 36),
                        outline=(40, 24, 10),
                        width=2,
                    )
    for wall in walls_of(plan):
        draw.line(
            (
                MARGIN + wall.x1 * SQUARE,
                MARGIN + wall.y1 * SQUARE,
                MARGIN + wall.x2 * SQUARE,
                MARGIN + wall.y2 * SQUARE,
            ),
            fill=(18, 14, 12),
            width=5,
        )
    _labels(draw, plan)
    if title:
        draw.text(
            (size[0] - MARGIN, size[1] - 6), title, font=font(16), fill=(230, 220, 200), anchor="rd"
        )
    return image


def column_name(x: int) -> str:
    """A, B, ... Z, AA, AB: the names tables use for grid columns."""
    name = ""
    x += 1
    while x:
        x, rest = divmod(x - 1, 26)
        name = chr(65 + rest) + name
    return name


def _labels(draw: ImageDraw.ImageDraw, plan: Plan) -> None:
    for x in range(plan.width):
        draw.text(
            (MARGIN + x * SQUARE + SQUARE / 2, MARGIN / 2),
            column_name(x),
            font=font(14),
            fill=(220, 210, 190),
            anchor="mm",
        )
    for y in range(plan.height):
        draw.text(
            (MARGIN / 2, MARGIN + y * SQUARE + SQUARE / 2),
            str(y + 1),
            font=font(14),
            fill=(220, 210, 190),
            anchor="mm",
        )


def draw_tactical(
    prompt: str, seed: int, style: MapStyle | None, width: int, height: int
) -> tuple[Image.Image, TacticalLayout]:
    chosen = style or style_of(prompt)
    planned = plan(chosen, width, height, prompt, seed)
    image = draw_plan(
        planned,
        seeded("tactical-draw", prompt, seed),
        f"{width * 5} x {height * 5} ft, 1 square = 5 ft",
    )
    return image, layout_of(planned)
