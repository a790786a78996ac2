"""The pictures in the READMEs, made by the offline generators (so they show what they make).

    uv run python -m subgraphs.image.examples          # rewrite docs/images/*.png
    uv run python -m subgraphs.image.examples --check  # exit 1 if a file differs

A test runs the check, so the READMEs never show a picture the code no longer draws.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from subgraphs.image.generator import ImageRequest
from subgraphs.image.layout import MapStyle, TacticalLayout
from subgraphs.image.looks import SheetFacts, character_look
from subgraphs.image.models import AssetKind
from subgraphs.image.offline.canvas import encode_png
from subgraphs.image.offline.effect import AreaShape
from subgraphs.image.offline.encounter import Figure, draw_encounter
from subgraphs.image.offline.generator import render
from subgraphs.image.offline.item import ItemFacts
from subgraphs.image.offline.region import Place
from subgraphs.image.specs import (
    EffectSpec,
    ItemSpec,
    PortraitSpec,
    RegionSpec,
    Spec,
    TacticalSpec,
    TokenSpec,
)

DIRECTORY = Path(__file__).resolve().parents[2] / "docs" / "images"
PORTRAITS = [
    (
        "an elf wizard with silver hair and a blue robe",
        SheetFacts("Seraphine Vael", 5, "Elf", ("Wizard",)),
    ),
    (
        "a grim dwarf fighter with a red beard",
        SheetFacts("Borin Ironfist", 3, "Dwarf", ("Fighter",)),
    ),
    ("a tiefling warlock in a purple cloak", SheetFacts("Mordai", 7, "Tiefling", ("Warlock",))),
    ("a dragonborn paladin with golden scales", SheetFacts("Kriv", 9, "Dragonborn", ("Paladin",))),
]
ITEMS = [
    ItemFacts("Flame Tongue", "Weapon", "Rare"),
    ItemFacts("Potion of Healing", "Potion", "Common"),
    ItemFacts("Ring of Protection", "Ring", "Rare"),
    ItemFacts("Staff of Power", "Staff", "Very Rare"),
]
PLACES = (
    Place("Greyhaven", "city"),
    Place("Millbrook", "village"),
    Place("Thornwood", "forest"),
    Place("Cragmaw Hideout", "dungeon"),
    Place("Old Owl Well", "ruin"),
    Place("Saltmere", "port", 0.15, 0.7),
    Place("Mount Hotenow", "mountain"),
    Place("Tresendar Manor", "keep"),
)


def _draw(kind: AssetKind, prompt: str, seed: int, spec: Spec) -> Image.Image:
    made = render(ImageRequest(kind, prompt, seed, spec))
    with Image.open(io.BytesIO(made.data)) as image:
        return image.convert("RGBA")


def _row(images: list[Image.Image], height: int, gap: int = 8) -> Image.Image:
    scaled = [
        image.resize((image.width * height // image.height, height), Image.Resampling.LANCZOS)
        for image in images
    ]
    sheet = Image.new(
        ("RGBA"), (sum(i.width for i in scaled) + gap * (len(scaled) - 1), height), (0, 0, 0, 0)
    )
    x = 0
    for image in scaled:
        sheet.alpha_composite(image, (x, 0))
        x += image.width + gap
    return sheet


def portraits() -> Image.Image:
    return _row(
        [_draw(AssetKind.PORTRAIT, p, 5, PortraitSpec(character_look(p, s))) for p, s in PORTRAITS],
        256,
    )


def tokens_and_items() -> Image.Image:
    tokens = [
        _draw(AssetKind.TOKEN, p, 5, TokenSpec(look=character_look(p, s))) for p, s in PORTRAITS[:2]
    ]
    tokens.append(
        _draw(
            AssetKind.TOKEN,
            "",
            5,
            TokenSpec(side="CREATURE", creature_name="Goblin Boss", creature_type="Humanoid"),
        )
    )
    items = [_draw(AssetKind.ITEM, "", 5, ItemSpec(item)) for item in ITEMS]
    return _row([*tokens, *items], 200)


def battle_maps() -> Image.Image:
    maps = [
        _draw(AssetKind.MAP_TACTICAL, prompt, 3, TacticalSpec(style, 24, 16))
        for prompt, style in (
            ("goblin warren", MapStyle.DUNGEON),
            ("a flooded cavern", MapStyle.CAVE),
            ("ambush on the forest road", MapStyle.OUTDOOR),
        )
    ]
    return _row(maps, 330)


def region() -> Image.Image:
    image = _draw(AssetKind.MAP_CAMPAIGN, "", 4, RegionSpec("The Sword Coast Marches", PLACES))
    return image.resize((image.width * 3 // 4, image.height * 3 // 4), Image.Resampling.LANCZOS)


def spell_areas() -> Image.Image:
    areas = [
        ("Burning Hands", AreaShape.CONE, 15),
        ("Fireball", AreaShape.SPHERE, 20),
        ("Thunderwave", AreaShape.CUBE, 15),
        ("Lightning Bolt", AreaShape.LINE, 60),
    ]
    drawn = [
        _draw(AssetKind.EFFECT, name, 1, EffectSpec(shape, feet, spell_name=name))
        for name, shape, feet in areas
    ]
    height = max(image.height for image in drawn)
    sheet = Image.new("RGBA", (sum(i.width for i in drawn) + 16 * 3, height), (60, 56, 52, 255))
    x = 0
    for image in drawn:  # at map scale, side by side on a dark ground so the overlays show
        sheet.alpha_composite(image, (x, (height - image.height) // 2))
        x += image.width + 16
    return sheet


def encounter() -> Image.Image:
    made = render(
        ImageRequest(
            AssetKind.MAP_TACTICAL, ("a hall of mirrors"), 3, TacticalSpec(MapStyle.DUNGEON, 20, 14)
        )
    )
    assert made.layout is not None
    figures = [
        Figure(
            "a",
            "Seraphine Vael",
            "PLAYER_CHARACTER",
            sheet=PORTRAITS[0][1],
            hp=(18, 27),
            current=True,
        ),
        Figure(
            "b",
            "Borin Ironfist",
            "PLAYER_CHARACTER",
            sheet=PORTRAITS[1][1],
            hp=(30, 31),
            conditions=("PRONE",),
        ),
        Figure(
            "c",
            "Goblin Sneak",
            "CREATURE",
            creature_type="Humanoid",
            hp=(3, 7),
            conditions=("POISONED", "FRIGHTENED"),
        ),
        Figure("d", "Ogre", "CREATURE", squares=2, creature_type="Giant", hp=(59, 59)),
        Figure("e", "The Mirror Double", "NPC", hidden=True, hp=(27, 27)),
    ]
    image, _ = draw_encounter(
        made.data,
        TacticalLayout.from_json(made.layout),
        figures,
        ("Ambush in the Hall of Mirrors - round 2 (game master's view)"),
    )
    return image.convert("RGBA")


EXAMPLES: dict[str, Callable[[], Image.Image]] = {
    "portraits.png": portraits,
    "tokens-and-items.png": tokens_and_items,
    "battle-maps.png": battle_maps,
    "region-map.png": region,
    "spell-areas.png": spell_areas,
    "encounter.png": encounter,
}


def differs(name: str, directory: Path = DIRECTORY) -> bool:
    """Whether ``directory/name`` shows something other than what the generators draw now
    (pixels are compared, not bytes, so a different zlib cannot fail it)."""
    path = directory / name
    if not path.exists():
        return True
    with Image.open(path) as stored:
        stored_pixels = stored.convert("RGBA")
        drawn = EXAMPLES[name]()
        return stored_pixels.size != drawn.size or stored_pixels.tobytes() != drawn.tobytes()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m subgraphs.image.examples")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    if args.check:
        stale = [name for name in EXAMPLES if differs(name)]
        for name in stale:
            print(f"docs/images/{name} differs from what the generators draw")
        return 1 if stale else 0
    DIRECTORY.mkdir(parents=True, exist_ok=True)
    for name, make in EXAMPLES.items():
        image = make()
        (DIRECTORY / name).write_bytes(encode_png(image))
        print(f"wrote docs/images/{name} ({image.width}x{image.height})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
