"""An encounter drawn on its battle map: tokens where the combatants stand, conditions marked.

Placement: a combatant the campaign gives a grid position stands there. The others are laid
out deterministically: the party from the west edge, creatures from the east, NPCs from the
middle, column by column on open squares (never on rock, trees or another token), a Large
creature on 2x2 squares, Huge 3x3, Gargantuan 4x4. The same encounter always looks the same.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageOps

from subgraphs.image.layout import TacticalLayout
from subgraphs.image.looks import SheetFacts, character_look
from subgraphs.image.offline.canvas import font, shrink
from subgraphs.image.offline.token import RIMS, character_token, creature_token, disc

SQUARES = {"TINY": 1, "SMALL": 1, "MEDIUM": 1, "LARGE": 2, "HUGE": 3, "GARGANTUAN": 4}
BADGES = {
    "BLINDED": ("Bl", (60, 60, 60)),
    "CHARMED": ("Ch", (220, 90, 160)),
    "DEAFENED": ("De", (120, 120, 120)),
    "EXHAUSTION": ("Ex", (150, 110, 60)),
    "FRIGHTENED": ("Fr", (140, 60, 170)),
    "GRAPPLED": ("Gr", (170, 120, 40)),
    "INCAPACITATED": ("In", (90, 90, 140)),
    "INVISIBLE": ("Iv", (160, 200, 230)),
    "PARALYZED": ("Pa", (230, 200, 40)),
    "PETRIFIED": ("Pe", (140, 140, 130)),
    "POISONED": ("Po", (70, 160, 50)),
    "PRONE": ("Pr", (180, 100, 40)),
    "RESTRAINED": ("Re", (130, 80, 50)),
    "STUNNED": ("St", (240, 160, 40)),
    "UNCONSCIOUS": ("Un", (40, 40, 90)),
}


@dataclass(frozen=True)
class Figure:
    """One combatant to draw."""

    id: str
    name: str
    kind: str  # PLAYER_CHARACTER, CREATURE, NPC
    squares: int = 1
    position: tuple[int, int] | None = None  # given by the campaign
    conditions: tuple[str, ...] = ()
    down: bool = False
    hidden: bool = False  # only the game master is ever shown hidden combatants
    current: bool = False  # whose turn it is
    hp: tuple[int, int] | None = None  # (current, maximum)
    creature_type: str = ""
    sheet: SheetFacts | None = None
    face: str = ""  # fingerprint of the portrait its token is cut from ("": drawn from the sheet)


@dataclass(frozen=True)
class Placement:
    id: str
    x: int
    y: int
    squares: int
    given: bool  # True: the campaign's position; False: laid out here


def place(layout: TacticalLayout, figures: list[Figure]) -> list[Placement]:
    taken = {(c.x, c.y) for c in layout.blocked}
    placed: list[Placement] = []

    def fits(x: int, y: int, n: int) -> bool:
        return all(
            0 <= x + dx < layout.width
            and 0 <= y + dy < layout.height
            and (x + dx, y + dy) not in taken
            for dx in range(n)
            for dy in range(n)
        )

    def claim(figure: Figure, x: int, y: int, given: bool) -> None:
        n = figure.squares
        taken.update((x + dx, y + dy) for dx in range(n) for dy in range(n))
        placed.append(Placement(figure.id, x, y, n, given))

    for figure in figures:  # the campaign's positions first: they are the truth
        if figure.position is not None:
            claim(figure, *figure.position, given=True)
    columns = {
        "PLAYER_CHARACTER": list(range(layout.width)),
        "CREATURE": list(reversed(range(layout.width))),
        "NPC": sorted(range(layout.width), key=lambda x: abs(x - layout.width // 2)),
    }
    middle = layout.height // 2
    rows = sorted(range(layout.height), key=lambda y: (abs(y - middle), y))
    for figure in figures:
        if figure.position is not None:
            continue
        spot = next(
            (
                (x, y)
                for x in columns.get(figure.kind, columns[("NPC")])
                for y in rows
                if fits(x, y, figure.squares)
            ),
            None,
        )
        if spot is not None:  # a full map leaves the rest off rather than stacking tokens
            claim(figure, *spot, given=False)
    order = {figure.id: index for index, figure in enumerate(figures)}
    return sorted(placed, key=lambda p: order[p.id])


def _token(figure: Figure, seed: int, side_px: int, face: bytes | None) -> Image.Image:
    if face is not None:  # the character's own portrait, cut round
        with Image.open(io.BytesIO(face)) as portrait:
            square = ImageOps.fit(portrait.convert("RGB"), (512, 512), centering=(0.5, 0.35))
        w = square.width
        square = square.crop((int(w * 0.16), int(w * 0.1), int(w * 0.84), int(w * 0.78)))
        token = shrink(disc(square, RIMS.get(figure.kind, RIMS["NPC"])))
    elif figure.kind == "PLAYER_CHARACTER":
        look = character_look("", figure.sheet or SheetFacts(name=figure.name))
        token = character_token(look, seed, figure.kind)
    else:
        token = creature_token(figure.name, figure.creature_type, seed, figure.kind)
    token = token.resize((side_px, side_px), Image.Resampling.LANCZOS)
    if figure.down:
        token = Image.blend(token, token.convert("LA").convert("RGBA"), 0.8)
    if figure.hidden:  # the game master's view: a hidden token shows as a ghost
        alpha = token.getchannel("A").point(lambda a: a * 45 // 100)
        token.putalpha(alpha)
    return token


def draw_encounter(
    map_png: bytes,
    layout: TacticalLayout,
    figures: list[Figure],
    title: str,
    faces: dict[str, bytes] | None = None,
) -> tuple[Image.Image, list[Placement]]:
    """The map with the figures' tokens; ``faces`` maps a figure's ID to the portrait (image
    bytes) its token is cut from."""
    with Image.open(io.BytesIO(map_png)) as opened:
        image = opened.convert("RGBA")
    placements = place(layout, figures)
    by_id = {figure.id: figure for figure in figures}
    draw = ImageDraw.Draw(image)
    step = layout.pixels_per_square
    ox, oy = layout.origin
    for placement in placements:
        figure = by_id[placement.id]
        side = placement.squares * step
        left, top = ox + placement.x * step, oy + placement.y * step
        token = _token(figure, 0, side - 4, (faces or {}).get(figure.id))
        image.alpha_composite(token, (left + 2, top + 2))
        if figure.current:
            draw.ellipse((left, top, left + side, top + side), outline=(255, 210, 60), width=4)
        if figure.down:
            draw.line(
                (left + 8, top + 8, left + side - 8, top + side - 8), fill=(200, 20, 20), width=5
            )
            draw.line(
                (left + side - 8, top + 8, left + 8, top + side - 8), fill=(200, 20, 20), width=5
            )
        if figure.hp is not None and figure.hp[1] > 0:
            current, maximum = figure.hp
            share = max(0.0, min(1.0, current / maximum))
            colour = (
                (60, 180, 70) if share > 0.5 else (230, 180, 40) if share > 0.25 else (210, 40, 40)
            )
            draw.rectangle(
                (left + 4, top + side - 8, left + side - 4, top + side - 3), fill=(20, 16, 14)
            )
            draw.rectangle(
                (left + 4, top + side - 8, left + 4 + (side - 8) * share, top + side - 3),
                fill=colour,
            )
        for index, condition in enumerate(figure.conditions[:4]):
            letters, colour = BADGES.get(condition, (condition[:2].title(), (120, 120, 120)))
            bx, by = left + side - 9 - index * 16, top + 9
            draw.ellipse(
                (bx - 8, by - 8, bx + 8, by + 8), fill=colour, outline=(255, 255, 255), width=1
            )
            draw.text((bx, by), letters, font=font(9), fill=(255, 255, 255), anchor="mm")
    if title:
        draw.text((ox, image.height - 6), title, font=font(16), fill=(230, 220, 200), anchor="ld")
    return image.convert("RGB"), placements
