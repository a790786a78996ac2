"""Offline image generation benchmark: time to draw each kind, and thumbnail throughput.

    uv run python -m bench.image_generate [--runs N]

Each kind is drawn ``--runs`` times (default 15) with a new seed each time, through the same
``render`` the service calls (drawing and PNG encoding, in this process, one at a time), after
one warm-up draw. It prints the median and p95 per kind, then the throughput of deriving the
thumbnails and WebP copy (``processing.derivatives``) of a portrait (512 px) and of a battle
map (1208x824), and of stripping metadata from a 12-megapixel JPEG with EXIF.
"""

from __future__ import annotations

import argparse
import io
import platform
import statistics
import time
from collections.abc import Callable, Iterator
from functools import partial
from itertools import count

import PIL
from PIL import Image

from subgraphs.image.generator import ImageRequest
from subgraphs.image.layout import MapStyle
from subgraphs.image.looks import SheetFacts, character_look
from subgraphs.image.models import AssetKind
from subgraphs.image.offline.effect import AreaShape
from subgraphs.image.offline.generator import render
from subgraphs.image.offline.item import ItemFacts
from subgraphs.image.offline.region import Place
from subgraphs.image.processing import derivatives, strip_metadata
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

LOOK = character_look(
    "an elf wizard with silver hair", SheetFacts("Seraphine", 5, "Elf", ("Wizard",))
)
PLACES = tuple(
    Place(name, kind)
    for name, kind in (
        ("Greyhaven", "city"),
        ("Millbrook", "village"),
        ("Thornwood", "forest"),
        ("Cragmaw", "dungeon"),
        ("Saltmere", "port"),
        ("Hotenow", "mountain"),
    )
)
GOBLIN = TokenSpec(side="CREATURE", creature_name="Goblin", creature_type="Humanoid")
MAP = AssetKind.MAP_TACTICAL
CASES: list[tuple[str, AssetKind, str, Spec]] = [
    ("PORTRAIT", AssetKind.PORTRAIT, "", PortraitSpec(LOOK)),
    ("TOKEN (character)", AssetKind.TOKEN, "", TokenSpec(look=LOOK)),
    ("TOKEN (creature)", AssetKind.TOKEN, "", GOBLIN),
    ("ITEM", AssetKind.ITEM, "", ItemSpec(ItemFacts("Flame Tongue", "Weapon", "Rare"))),
    ("LOCATION", AssetKind.LOCATION, "a tavern at night", LocationSpec("The Yawning Portal")),
    ("MAP_TACTICAL dungeon 24x16", MAP, "", TacticalSpec(MapStyle.DUNGEON, 24, 16)),
    ("MAP_TACTICAL cave 24x16", MAP, "", TacticalSpec(MapStyle.CAVE, 24, 16)),
    ("MAP_TACTICAL outdoor 24x16", MAP, "", TacticalSpec(MapStyle.OUTDOOR, 24, 16)),
    ("MAP_TACTICAL dungeon 60x60", MAP, "", TacticalSpec(MapStyle.DUNGEON, 60, 60)),
    ("MAP_CAMPAIGN 6 places", AssetKind.MAP_CAMPAIGN, "", RegionSpec("Marches", PLACES)),
    ("EFFECT sphere 20 ft", AssetKind.EFFECT, "fire", EffectSpec(AreaShape.SPHERE, 20)),
    ("EFFECT line 100 ft", AssetKind.EFFECT, "lightning", EffectSpec(AreaShape.LINE, 100)),
    ("HANDOUT", AssetKind.HANDOUT, "", HandoutSpec("Wanted", "Ten gold for each goblin ear. " * 6)),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(action: Callable[[], object], runs: int) -> list[float]:
    action()  # warm-up: caches (fonts), lazy imports
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def big_jpeg() -> bytes:
    image = Image.effect_noise((4000, 3000), 30).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def row(label: str, samples: list[float], width: int, extra: str = "") -> str:
    median, p95 = statistics.median(samples), percentile(samples, 0.95)
    return f"{label:<{width}} {median:>10.1f} {p95:>8.1f}{extra}"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.image_generate")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    python, pillow = platform.python_version(), PIL.__version__
    print(f"Python {python}, Pillow {pillow}, {args.runs} runs per row")
    print(f"{'kind':<30} {'median ms':>10} {'p95 ms':>8}  size")
    for label, kind, prompt, spec in CASES:
        made = render(ImageRequest(kind, prompt, 0, spec))

        def draw(
            k: AssetKind = kind, p: str = prompt, s: Spec = spec, seeds: Iterator[int] = count(1)
        ) -> object:
            return render(ImageRequest(k, p, next(seeds), s))  # a new seed every time

        print(row(label, timed(draw, args.runs), 30, f"  {made.width}x{made.height}"))
    portrait = render(ImageRequest(AssetKind.PORTRAIT, "", 1, PortraitSpec(LOOK))).data
    battle = render(ImageRequest(MAP, "", 1, TacticalSpec(MapStyle.DUNGEON, 24, 16))).data
    print()
    heading = "derivatives (2 thumbnails + WebP)"
    print(f"{heading:<36} {'median ms':>10} {'p95 ms':>8} {'per second':>11}")
    for label, data in (("portrait 512x512 PNG", portrait), ("battle map 1208x824 PNG", battle)):
        samples = timed(partial(derivatives, data), args.runs)
        print(row(label, samples, 36, f" {1000 / statistics.median(samples):>11.1f}"))
    jpeg = big_jpeg()
    print(row("strip EXIF, 4000x3000 JPEG", timed(lambda: strip_metadata(jpeg), 5), 36))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
