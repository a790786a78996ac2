"""The image service's GraphQL inputs and payloads, and turning them into use-case requests."""

from __future__ import annotations

from enum import Enum

import strawberry

from subgraphs.image import layout as layouts
from subgraphs.image import models, services
from subgraphs.image.graphql_types import (
    AreaShape,
    Asset,
    AssetKind,
    MapStyle,
)
from subgraphs.image.models import AssetRow
from subgraphs.image.offline.effect import AreaShape as Shape
from subgraphs.image.offline.region import Place
from subgraphs.kit.context import ContextInfo
from subgraphs.kit.errors import UserError
from subgraphs.kit.outcomes import parse_id

# -- inputs -----------------------------------------------------------------------------------


@strawberry.input(
    description="Ask for a generated portrait of a character (a new version if it has one)."
)
class GeneratePortraitInput:
    character_id: strawberry.ID = strawberry.field(
        description="The character it portrays; its species and class shape the picture."
    )
    prompt: str = strawberry.field(
        description=(
            "What the portrait should show (1-1000 characters): colours of hair, eyes, skin and "
            "garb are followed."
        )
    )
    seed: int | None = strawberry.field(
        default=None,
        description=(
            "0 to 2147483647. The same prompt, character and seed give the same offline image; "
            "leave it out for a random one (the seed used is recorded)."
        ),
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Any unique string; retrying with the same key returns the same asset.",
    )


@strawberry.input(description="A battle map's shape.")
class TacticalMapInput:
    style: MapStyle | None = strawberry.field(
        default=None, description="Dungeon, cave or outdoor; read from the prompt when left out."
    )
    width: int = strawberry.field(default=24, description="Width in 5-foot squares, 8 to 60.")
    height: int = strawberry.field(default=16, description="Height in 5-foot squares, 8 to 60.")
    encounter_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The encounter it is for: `renderEncounter` places its combatants on it.",
    )


@strawberry.input(description="A place on a region map.")
class PlaceInput:
    name: str = strawberry.field(description="Its name, as the label shows it.")
    kind: str = strawberry.field(
        default="town",
        description=(
            "city, town, village, port, keep, castle, dungeon, ruin, temple, forest, mountain..."
        ),
    )
    x: float | None = strawberry.field(
        default=None, description="0 (west) to 1 (east); placed from its name when left out."
    )
    y: float | None = strawberry.field(
        default=None, description="0 (north) to 1 (south); placed from its name when left out."
    )


@strawberry.input(description="A spell-like area, when no catalog spell gives it.")
class AreaInput:
    shape: AreaShape = strawberry.field(description="Its shape.")
    size_feet: int = strawberry.field(
        description=(
            "A sphere's or cylinder's radius, a cube's side, a cone's or line's length, in feet "
            "(5-500)."
        )
    )
    width_feet: int = strawberry.field(default=5, description="A line's width in feet.")


@strawberry.input(description="Ask for any kind of generated image.")
class GenerateImageInput:
    kind: AssetKind = strawberry.field(description="What to draw.")
    prompt: str = strawberry.field(
        default="", description="What it should show, in words (optional except for portraits)."
    )
    seed: int | None = strawberry.field(
        default=None,
        description="0 to 2147483647; the same inputs and seed give the same offline image.",
    )
    character_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="PORTRAIT, TOKEN: the character (its species and class shape the picture).",
    )
    catalog_slug: str | None = strawberry.field(
        default=None,
        description=(
            "ITEM, TOKEN: the catalog entry pictured (an existing picture of it is reused when no "
            "prompt is given); EFFECT: the spell whose area to draw."
        ),
    )
    name: str = strawberry.field(
        default="", description="A token's or location's name, a map's or handout's title."
    )
    text: str = strawberry.field(default="", description="HANDOUT: what is written on it.")
    side: str | None = strawberry.field(
        default=None, description="TOKEN: PLAYER_CHARACTER, CREATURE or NPC (the rim's colour)."
    )
    map: TacticalMapInput | None = strawberry.field(
        default=None, description="MAP_TACTICAL: its style and size."
    )
    places: list[PlaceInput] | None = strawberry.field(
        default=None, description="MAP_CAMPAIGN: the places to show (1-40)."
    )
    area: AreaInput | None = strawberry.field(
        default=None, description="EFFECT without a spell: the area."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Any unique string; retrying with the same key returns the same asset.",
    )


@strawberry.input(description="Make a new version of an asset.")
class ReviseAssetInput:
    id: strawberry.ID = strawberry.field(description="The asset.")
    expected_version: int = strawberry.field(description="The `version` you last read.")
    prompt: str | None = strawberry.field(
        default=None, description="A new prompt; the current one when left out."
    )
    seed: int | None = strawberry.field(
        default=None, description="regenerateAsset: the seed (random when left out)."
    )


@strawberry.input(description="Change an image as a new prompt says (image-to-image).")
class EditAssetInput:
    id: strawberry.ID = strawberry.field(description="The asset.")
    expected_version: int = strawberry.field(description="The `version` you last read.")
    prompt: str = strawberry.field(description="What to change, in words.")
    strength: float = strawberry.field(
        default=0.5, description="0.05 (keep almost all) to 1 (may change everything)."
    )


@strawberry.enum(description="A finishing step for an image.")
class Enhancement(Enum):
    FACE_FIX = strawberry.enum_value("FACE_FIX", description="Restore faces.")
    UPSCALE = strawberry.enum_value("UPSCALE", description="Make it larger.")


@strawberry.input(description="Enhance an image into a new version.")
class EnhanceAssetInput:
    id: strawberry.ID = strawberry.field(description="The asset.")
    expected_version: int = strawberry.field(description="The `version` you last read.")
    enhancement: Enhancement = strawberry.field(description="What to do.")
    scale: int = strawberry.field(default=2, description="UPSCALE: 2 or 4.")


@strawberry.input(description="An image file to store.")
class UploadAssetInput:
    kind: AssetKind = strawberry.field(description="What the image is for.")
    content_type: str = strawberry.field(description="image/png, image/jpeg or image/webp.")
    data_base64: str = strawberry.field(
        description=(
            "The file, base64-encoded (standard alphabet); at most 5 MB decoded. Metadata (EXIF, "
            "XMP, text) is removed."
        )
    )
    character_id: strawberry.ID | None = strawberry.field(
        default=None, description="The character it belongs to, if any."
    )
    alt_text: str | None = strawberry.field(
        default=None, description="What the image shows, in words (at most 500 characters)."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Any unique string; retrying with the same key returns the same asset.",
    )


@strawberry.input(description="Which asset, as of which version.")
class AssetVersionInput:
    id: strawberry.ID = strawberry.field(description="The asset.")
    expected_version: int = strawberry.field(description="The `version` you last read.")


@strawberry.type(description="The result of an asset mutation.")
class AssetPayload:
    asset: Asset | None = strawberry.field(description="The asset, when it worked.")
    reused: bool = strawberry.field(
        default=False,
        description=(
            "An existing picture of the catalog entry was returned instead of drawing a new one."
        ),
    )
    user_errors: list[UserError] = strawberry.field(description="What was wrong with the input.")


async def payload_of(
    info: ContextInfo, outcome: tuple[AssetRow | services.Generated | None, list[UserError]]
) -> AssetPayload:
    result, errors = outcome
    if result is None:
        return AssetPayload(asset=None, user_errors=errors)
    if isinstance(result, services.Generated):
        return AssetPayload(
            asset=await Asset.load(info, result.asset), reused=result.reused, user_errors=errors
        )
    return AssetPayload(asset=await Asset.load(info, result), user_errors=errors)


def generate_request(input: GenerateImageInput) -> services.GenerateRequest:
    tactical = input.map or TacticalMapInput()
    area = input.area
    return services.GenerateRequest(
        kind=models.AssetKind(input.kind.name),
        prompt=input.prompt,
        seed=input.seed,
        character_id=None
        if input.character_id is None
        else parse_id(input.character_id, "input", "characterId"),
        catalog_slug=input.catalog_slug,
        encounter_id=None
        if tactical.encounter_id is None
        else parse_id(tactical.encounter_id, "input", "map", "encounterId"),
        name=input.name,
        text=input.text,
        side=input.side,
        map_style=None if tactical.style is None else layouts.MapStyle(tactical.style.name),
        map_width=tactical.width,
        map_height=tactical.height,
        places=tuple(Place(p.name, p.kind, p.x, p.y) for p in input.places or ()),
        area_shape=None if area is None else Shape(area.shape.name),
        area_feet=None if area is None else area.size_feet,
        line_width_feet=5 if area is None else area.width_feet,
        idempotency_key=input.idempotency_key,
    )


@strawberry.type(description="Where a combatant's token stands on a rendered battle map.")
class TokenPlacement:
    combatant_id: strawberry.ID = strawberry.field(description="The combatant.")
    x: int = strawberry.field(description="Column of its top-left square, from 0 at the left.")
    y: int = strawberry.field(description="Row of its top-left square, from 0 at the top.")
    squares: int = strawberry.field(
        description=("Squares a side it covers (2 for Large, 3 Huge, 4 Gargantuan).")
    )
    portrait_asset_id: strawberry.ID | None = strawberry.field(
        description="The character's portrait its token was cut from; null: drawn from the sheet."
    )
    positioned: bool = strawberry.field(
        description=("True: the encounter gave this position; false: laid out by the renderer.")
    )


@strawberry.type(description="The result of rendering an encounter.")
class RenderEncounterPayload:
    asset: Asset | None = strawberry.field(
        description=("Your render of the encounter (a new version after each change).")
    )
    placements: list[TokenPlacement] = strawberry.field(
        description=("Where each token you may see stands.")
    )
    unchanged: bool = strawberry.field(
        description=(
            "Nothing you see changed since the last render: the current version was returned."
        )
    )
    user_errors: list[UserError] = strawberry.field(description="What was wrong with the input.")


@strawberry.input(description="Which encounter to draw, and on which map.")
class RenderEncounterInput:
    encounter_id: strawberry.ID = strawberry.field(description="The encounter.")
    map_asset_id: strawberry.ID | None = strawberry.field(
        default=None, description=("A battle map to draw on; the encounter's own map by default.")
    )
