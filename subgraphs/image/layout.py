"""A tactical map's layout as data: what clients (a virtual tabletop, the encounter renderer)
need besides the picture. Coordinates are grid squares of 5 feet, origin at the top-left corner;
square ``(x, y)`` covers ``x..x+1`` by ``y..y+1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

SQUARE_FEET = 5


class MapStyle(StrEnum):
    DUNGEON = "DUNGEON"  # rooms and corridors
    CAVE = "CAVE"
    OUTDOOR = "OUTDOOR"


class Terrain(StrEnum):
    """Difficult terrain: every foot of movement costs one extra foot."""

    RUBBLE = "RUBBLE"
    WATER = "WATER"
    UNDERGROWTH = "UNDERGROWTH"
    MUD = "MUD"


@dataclass(frozen=True)
class Wall:
    """A wall along grid lines from corner ``(x1, y1)`` to ``(x2, y2)``, horizontal or vertical."""

    x1: int
    y1: int
    x2: int
    y2: int


@dataclass(frozen=True)
class Door:
    """A door in square ``(x, y)``; ``vertical`` when it closes a passage running east-west."""

    x: int
    y: int
    vertical: bool


@dataclass(frozen=True)
class Cell:
    x: int
    y: int


@dataclass(frozen=True)
class DifficultCell:
    x: int
    y: int
    terrain: Terrain


@dataclass
class TacticalLayout:
    style: MapStyle
    width: int  # squares
    height: int
    walls: list[Wall] = field(default_factory=list)
    doors: list[Door] = field(default_factory=list)
    blocked: list[Cell] = field(default_factory=list)  # squares no one can enter (rock, trees)
    difficult: list[DifficultCell] = field(default_factory=list)
    pixels_per_square: int = 0
    origin: tuple[int, int] = (0, 0)  # where square (0, 0) starts in the image, in pixels

    def as_json(self) -> dict[str, Any]:
        return {
            "style": self.style.value,
            "width": self.width,
            "height": self.height,
            "squareFeet": SQUARE_FEET,
            "pixelsPerSquare": self.pixels_per_square,
            "origin": list(self.origin),
            "walls": [[w.x1, w.y1, w.x2, w.y2] for w in self.walls],
            "doors": [[d.x, d.y, int(d.vertical)] for d in self.doors],
            "blocked": [[c.x, c.y] for c in self.blocked],
            "difficult": [[c.x, c.y, c.terrain.value] for c in self.difficult],
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> TacticalLayout:
        return cls(
            style=MapStyle(value["style"]),
            width=int(value["width"]),
            height=int(value["height"]),
            walls=[Wall(*map(int, w)) for w in value["walls"]],
            doors=[Door(int(x), int(y), bool(v)) for x, y, v in value["doors"]],
            blocked=[Cell(int(x), int(y)) for x, y in value["blocked"]],
            difficult=[DifficultCell(int(x), int(y), Terrain(t)) for x, y, t in value["difficult"]],
            pixels_per_square=int(value["pixelsPerSquare"]),
            origin=(int(value["origin"][0]), int(value["origin"][1])),
        )

    def open_cells(self) -> list[Cell]:
        """Squares a creature can stand in, row by row."""
        closed = {(c.x, c.y) for c in self.blocked}
        return [
            Cell(x, y)
            for y in range(self.height)
            for x in range(self.width)
            if (x, y) not in closed
        ]
