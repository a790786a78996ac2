"""The offline generators: deterministic, following the prompt and the game's data, and (for
battle maps) a picture that matches the layout it returns as data."""

from __future__ import annotations

import io
from collections import deque

import pytest
from PIL import Image

from subgraphs.image.generator import ImageRequest
from subgraphs.image.layout import MapStyle, TacticalLayout
from subgraphs.image.looks import CLASS_GARMENT, COLOURS, SheetFacts, character_look, named_colours
from subgraphs.image.models import AssetKind
from subgraphs.image.offline.effect import AreaShape
from subgraphs.image.offline.encounter import Figure, place
from subgraphs.image.offline.generator import render
from subgraphs.image.offline.item import ItemFacts, shape_of
from subgraphs.image.offline.region import Place, draw_region
from subgraphs.image.offline.tactical import SQUARE, draw_tactical, style_of
from subgraphs.image.specs import (
    EffectSpec,
    HandoutSpec,
    ItemSpec,
    LocationSpec,
    PortraitSpec,
    RegionSpec,
    Spec,
    TacticalSpec,
    TokenSpec,
)

LOOK = character_look("elf wizard", SheetFacts("Seraphine", 5))
EVERY_KIND: list[tuple[AssetKind, Spec]] = [
    (AssetKind.PORTRAIT, PortraitSpec(LOOK)),
    (AssetKind.TOKEN, TokenSpec(look=LOOK)),
    (
        AssetKind.TOKEN,
        TokenSpec(side="CREATURE", creature_name="Goblin Boss", creature_type="Humanoid"),
    ),
    (AssetKind.ITEM, ItemSpec(ItemFacts("Flame Tongue", "Weapon", "Rare"))),
    (AssetKind.LOCATION, LocationSpec("The Yawning Portal")),
    (AssetKind.MAP_TACTICAL, TacticalSpec(None, 12, 10)),
    (
        AssetKind.MAP_CAMPAIGN,
        RegionSpec("Marches", (Place("Greyhaven", "city"), Place("Thornwood", "forest"))),
    ),
    (AssetKind.EFFECT, EffectSpec(AreaShape.SPHERE, 20, spell_name="Fireball")),
    (AssetKind.HANDOUT, HandoutSpec("Wanted", "Ten gold for the goblin's ears.")),
]


def pixel(data: bytes, x: int, y: int) -> tuple[int, ...]:
    with Image.open(io.BytesIO(data)) as image:
        value = image.convert("RGBA").getpixel((x, y))
    assert isinstance(value, tuple)
    return value


@pytest.mark.parametrize(("kind", "spec"), EVERY_KIND, ids=lambda v: getattr(v, "value", ""))
def test_every_kind_is_deterministic_and_seeded(kind: AssetKind, spec: Spec) -> None:
    first = render(ImageRequest(kind, "by torchlight", 7, spec))
    again = render(ImageRequest(kind, "by torchlight", 7, spec))
    other = render(ImageRequest(kind, "by torchlight", 8, spec))
    assert first.data == again.data
    assert first.generator == "offline" and "drawn by code" in first.description
    with Image.open(io.BytesIO(first.data)) as image:
        assert (image.format, image.size) == ("PNG", (first.width, first.height))
    if kind not in (AssetKind.EFFECT,):  # an area's picture is its size, not chance
        assert other.data != first.data


def close(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 8) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=False))


def test_named_colours_follow_their_part() -> None:
    colours = named_colours("silver-haired elf with green eyes, wearing a crimson hooded cloak")
    assert colours == {
        "hair": COLOURS["silver"],
        "eyes": COLOURS["green"],
        "garment": COLOURS["crimson"],
    }
    assert named_colours("a red dragon") == {}  # no part named: nothing to colour


def test_the_sheet_wins_over_the_prompt_for_species_and_class() -> None:
    look = character_look(
        "a dwarf fighter", SheetFacts("Ilse", 3, "species/elf", ("class/wizard", "class/rogue"))
    )
    assert (look.species, look.character_class, look.caption) == (
        "elf",
        "wizard",
        "Level 3 Elf Wizard",
    )
    assert character_look("a grim half-orc thief").species == "orc"
    assert character_look("a grim half-orc thief").character_class == "rogue"


def test_portraits_wear_the_colour_the_prompt_names() -> None:
    def garment(prompt: str) -> tuple[int, ...]:
        made = render(
            ImageRequest(AssetKind.PORTRAIT, prompt, 3, PortraitSpec(character_look(prompt)))
        )
        return pixel(made.data, 90, 430)[:3]

    assert close(garment("a wizard in a crimson robe"), COLOURS["crimson"])
    assert close(garment("a wizard in an emerald robe"), COLOURS["emerald"])
    assert close(garment("a cleric"), CLASS_GARMENT["cleric"])  # the class's default


def test_species_change_the_picture() -> None:
    pictures = {
        species: render(
            ImageRequest(AssetKind.PORTRAIT, "", 1, PortraitSpec(character_look(f"{species} bard")))
        ).data
        for species in ("elf", "dwarf", "tiefling", "dragonborn", "orc", "halfling")
    }
    assert len(set(pictures.values())) == len(pictures)


def _open(layout: TacticalLayout) -> set[tuple[int, int]]:
    return {(c.x, c.y) for c in layout.open_cells()}


def _connected(cells: set[tuple[int, int]]) -> bool:
    start = next(iter(cells))
    seen, queue = {start}, deque([start])
    while queue:
        x, y = queue.popleft()
        for step in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
            if step in cells and step not in seen:
                seen.add(step)
                queue.append(step)
    return seen == cells


@pytest.mark.parametrize("style", list(MapStyle))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_battle_maps_match_their_layout(style: MapStyle, seed: int) -> None:
    image, layout = draw_tactical("", seed, style, 20, 14)
    assert (layout.width, layout.height, layout.style) == (20, 14, style)
    assert image.size == (20 * SQUARE + 2 * layout.origin[0], 14 * SQUARE + 2 * layout.origin[1])
    open_cells = _open(layout)
    blocked = {(c.x, c.y) for c in layout.blocked}
    assert open_cells and not open_cells & blocked
    assert all((c.x, c.y) in open_cells for c in layout.difficult)  # difficult, yet enterable
    assert all((d.x, d.y) in open_cells for d in layout.doors)
    for wall in layout.walls:
        assert wall.x1 == wall.x2 or wall.y1 == wall.y2  # along grid lines
    if style is MapStyle.DUNGEON:
        assert layout.doors and layout.walls
        assert _connected(open_cells)  # every room is reachable
    # The picture shows the layout: a rock square is dark, an open one is not.
    grey = image.convert("L")

    def lightness(x: int, y: int) -> int:
        value = grey.getpixel((x, y))
        assert isinstance(value, int)
        return value

    ox, oy = layout.origin
    plain = open_cells - {(c.x, c.y) for c in layout.difficult} - {(d.x, d.y) for d in layout.doors}
    x, y = sorted(plain)[0]
    assert lightness(ox + x * SQUARE + 6, oy + y * SQUARE + 24) > 80
    if style is not MapStyle.OUTDOOR:
        rock = sorted(blocked)[0]
        assert lightness(ox + rock[0] * SQUARE + SQUARE // 2, oy + rock[1] * SQUARE + 3) < 80


def test_map_style_comes_from_the_prompt() -> None:
    assert style_of("a flooded cavern") is MapStyle.CAVE
    assert style_of("goblin ambush on the forest road") is MapStyle.OUTDOOR
    assert style_of("the lich's crypt") is MapStyle.DUNGEON
    assert style_of("somewhere") is MapStyle.DUNGEON


@pytest.mark.parametrize(
    ("spec", "size"),
    [
        (EffectSpec(AreaShape.SPHERE, 20), (10 * SQUARE, 10 * SQUARE)),  # fireball: 40 ft across
        (EffectSpec(AreaShape.CONE, 15), (5 * SQUARE, 5 * SQUARE)),  # burning hands
        (EffectSpec(AreaShape.CUBE, 10), (4 * SQUARE, 4 * SQUARE)),  # thunderwave
        (EffectSpec(AreaShape.LINE, 100), (22 * SQUARE, 3 * SQUARE)),  # lightning bolt, 5 ft wide
        (EffectSpec(AreaShape.CYLINDER, 10), (6 * SQUARE, 6 * SQUARE)),
    ],
)
def test_spell_areas_are_drawn_to_map_scale(spec: EffectSpec, size: tuple[int, int]) -> None:
    made = render(ImageRequest(AssetKind.EFFECT, "fire", 1, spec))
    assert (made.width, made.height) == size
    assert pixel(made.data, 0, 0)[3] == 0  # an overlay: transparent outside the area
    middle = pixel(made.data, size[0] // 2 + SQUARE // 3, size[1] // 2 + SQUARE // 3)
    assert middle[3] > 0  # the area itself is painted
    assert middle[0] > middle[2]  # fire is orange, not blue


def test_region_maps_place_what_they_are_told() -> None:
    places = [
        Place("Saltmere", "port", 0.2, 0.7),
        Place("Greyhaven", "city"),
        Place("Thornwood", "forest"),
    ]
    _, positions = draw_region("Marches", places, 4)
    assert positions[0] == (0.2, 0.7)
    _, again = draw_region("Marches", places, 4)
    assert again == positions  # unplaced names land in the same place every time
    assert len(set(positions)) == 3


def test_items_are_drawn_by_category() -> None:
    assert shape_of(ItemFacts("Flame Tongue", "Weapon"), "") == "sword"
    assert shape_of(ItemFacts("Potion of Healing", "Potion"), "") == "potion"
    assert shape_of(ItemFacts("Bag of Holding", "Wondrous Item"), "a leather bag") == "armor"
    assert shape_of(ItemFacts("Mysterious Thing", "Wondrous Item"), "") == "gem"


def test_tokens_are_round() -> None:
    made = render(ImageRequest(AssetKind.TOKEN, "", 1, TokenSpec(look=LOOK)))
    assert pixel(made.data, 0, 0)[3] == 0
    assert pixel(made.data, made.width // 2, made.height // 2)[3] == 255


def test_encounter_layout_never_stacks_tokens() -> None:
    _, layout = draw_tactical("", 1, MapStyle.DUNGEON, 12, 10)
    open_cells = sorted(_open(layout))
    figures = [
        Figure("given", "Scout", "PLAYER_CHARACTER", position=open_cells[0]),
        *[Figure(f"pc{i}", f"Hero {i}", "PLAYER_CHARACTER") for i in range(3)],
        *[Figure(f"m{i}", f"Goblin {i}", "CREATURE") for i in range(4)],
        Figure("ogre", "Ogre", "CREATURE", squares=2),
    ]
    placements = place(layout, figures)
    assert [p.id for p in placements] == [f.id for f in figures]
    assert (placements[0].x, placements[0].y, placements[0].given) == (*open_cells[0], True)
    covered = [
        (p.x + dx, p.y + dy)
        for p in placements
        for dx in range(p.squares)
        for dy in range(p.squares)
    ]
    assert len(covered) == len(set(covered))  # no square twice
    assert set(covered) <= _open(layout)  # never on rock
    heroes = [p.x for p in placements if p.id.startswith("pc")]
    goblins = [p.x for p in placements if p.id.startswith("m")]
    assert max(heroes) < min(goblins)  # the party from the west, foes from the east
    assert place(layout, figures) == placements  # deterministic
