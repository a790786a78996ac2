"""What each kind of image is drawn from, besides its prompt and seed.

A spec is plain data, stored with every version (``AssetVersionRow.spec``) so a regeneration
draws from the same facts with a new seed or prompt, and a generator never has to ask anyone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from subgraphs.image.layout import MapStyle
from subgraphs.image.looks import CharacterLook
from subgraphs.image.models import AssetKind
from subgraphs.image.offline.effect import AreaShape
from subgraphs.image.offline.item import ItemFacts
from subgraphs.image.offline.region import Place


@dataclass(frozen=True)
class PortraitSpec:
    look: CharacterLook


@dataclass(frozen=True)
class TokenSpec:
    """A character's token (``look``) or a creature's (``creature_name`` and ``creature_type``)."""

    side: str = "PLAYER_CHARACTER"
    look: CharacterLook | None = None
    creature_name: str = ""
    creature_type: str = ""


@dataclass(frozen=True)
class ItemSpec:
    item: ItemFacts


@dataclass(frozen=True)
class TacticalSpec:
    style: MapStyle | None  # None: read it from the prompt
    width: int
    height: int


@dataclass(frozen=True)
class RegionSpec:
    title: str
    places: tuple[Place, ...]


@dataclass(frozen=True)
class EffectSpec:
    shape: AreaShape
    size_feet: int
    width_feet: int = 5
    spell_name: str = ""


@dataclass(frozen=True)
class LocationSpec:
    name: str


@dataclass(frozen=True)
class HandoutSpec:
    title: str
    text: str


Spec = (
    PortraitSpec
    | TokenSpec
    | ItemSpec
    | TacticalSpec
    | RegionSpec
    | EffectSpec
    | LocationSpec
    | HandoutSpec
)
SPEC_OF_KIND: dict[AssetKind, type] = {
    AssetKind.PORTRAIT: PortraitSpec,
    AssetKind.TOKEN: TokenSpec,
    AssetKind.ITEM: ItemSpec,
    AssetKind.MAP_TACTICAL: TacticalSpec,
    AssetKind.MAP_CAMPAIGN: RegionSpec,
    AssetKind.EFFECT: EffectSpec,
    AssetKind.LOCATION: LocationSpec,
    AssetKind.HANDOUT: HandoutSpec,
}


def spec_json(spec: Spec) -> dict[str, Any]:
    return asdict(spec)


def _look(value: dict[str, Any] | None) -> CharacterLook | None:
    if value is None:
        return None
    colours = {part: tuple(rgb) for part, rgb in (value.get("colours") or {}).items()}
    return CharacterLook(**{**value, "colours": colours})


def spec_from_json(kind: AssetKind, value: dict[str, Any]) -> Spec:
    """The spec stored as ``value`` for an asset of ``kind``."""
    if kind is AssetKind.PORTRAIT:
        look = _look(value["look"])
        assert look is not None
        return PortraitSpec(look)
    if kind is AssetKind.TOKEN:
        return TokenSpec(**{**value, "look": _look(value.get("look"))})
    if kind is AssetKind.ITEM:
        return ItemSpec(ItemFacts(**value["item"]))
    if kind is AssetKind.MAP_TACTICAL:
        style = value.get("style")
        return TacticalSpec(MapStyle(style) if style else None, value["width"], value["height"])
    if kind is AssetKind.MAP_CAMPAIGN:
        return RegionSpec(value["title"], tuple(Place(**place) for place in value["places"]))
    if kind is AssetKind.EFFECT:
        return EffectSpec(**{**value, "shape": AreaShape(value["shape"])})
    if kind is AssetKind.LOCATION:
        return LocationSpec(**value)
    return HandoutSpec(**value)
