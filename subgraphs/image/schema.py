"""GraphQL face of the image service. Resolvers stay thin: parse, authorize, call a use case."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from subgraphs.image import encounters, models, services
from subgraphs.image import layout as layouts
from subgraphs.image.models import AssetRow, AssetVersionRow, Operation
from subgraphs.image.offline.effect import AreaShape as Shape
from subgraphs.image.offline.region import Place
from subgraphs.image.repository import AssetRepository, VersionRepository
from subgraphs.kit.context import Context, ContextInfo, Viewer, require_viewer
from subgraphs.kit.errors import ErrorCode, UserError, graphql_error
from subgraphs.kit.federation import subgraph_schema
from subgraphs.kit.loaders import keyed_loader, uuid_or_none
from subgraphs.kit.outcomes import attempt, parse_id, parse_id_or_error
from subgraphs.kit.references import User
from subgraphs.kit.relay import Connection, Edge, PageInfo, check_page_size, paged_connection


def image_ports(info: ContextInfo) -> services.ImagePorts:
    ports: services.ImagePorts = info.context.runtime.ports["image"]
    return ports


def _base(info: ContextInfo) -> str:
    base: str = info.context.runtime.ports["asset_base_url"]
    return base


def caller(viewer: Viewer) -> services.Caller:
    return services.Caller(user_id=viewer.user_id, token=viewer.token)


@strawberry.enum(description="What an image is for.")
class AssetKind(Enum):
    PORTRAIT = strawberry.enum_value("PORTRAIT", description="A picture of a character.")
    TOKEN = strawberry.enum_value(
        "TOKEN", description="A round figure for one square of a battle map."
    )
    ITEM = strawberry.enum_value("ITEM", description="A weapon, armor, potion or other item.")
    LOCATION = strawberry.enum_value("LOCATION", description="A scene of a place.")
    MAP_TACTICAL = strawberry.enum_value(
        "MAP_TACTICAL", description="A battle map on a 5-foot grid, with its layout as data."
    )
    MAP_CAMPAIGN = strawberry.enum_value(
        "MAP_CAMPAIGN", description="A region map with the campaign's places."
    )
    EFFECT = strawberry.enum_value(
        "EFFECT", description="A spell's area as a transparent overlay at map scale."
    )
    HANDOUT = strawberry.enum_value(
        "HANDOUT", description="A letter, notice or anything else shown to players."
    )


@strawberry.enum(description="How a version of an image came to be.")
class AssetOperation(Enum):
    GENERATED = strawberry.enum_value(
        "GENERATED", description="Drawn from a prompt and the game's data."
    )
    UPLOADED = strawberry.enum_value("UPLOADED", description="A file someone uploaded.")
    EDITED = strawberry.enum_value(
        "EDITED", description="Its parent changed as a new prompt says (image-to-image)."
    )
    FACE_FIXED = strawberry.enum_value("FACE_FIXED", description="Its parent with faces restored.")
    UPSCALED = strawberry.enum_value("UPSCALED", description="Its parent at a larger size.")
    RENDERED = strawberry.enum_value(
        "RENDERED", description="An encounter's combatants drawn on its map."
    )


@strawberry.enum(description="The kind of place a battle map shows.")
class MapStyle(Enum):
    DUNGEON = strawberry.enum_value("DUNGEON", description="Rooms joined by corridors, with doors.")
    CAVE = strawberry.enum_value("CAVE", description="Natural caverns.")
    OUTDOOR = strawberry.enum_value(
        "OUTDOOR", description="Open ground with trees, water and undergrowth."
    )


@strawberry.enum(
    description="What makes a square difficult terrain (each foot of movement costs 2)."
)
class TerrainKind(Enum):
    RUBBLE = strawberry.enum_value("RUBBLE", description="Fallen stone, broken ground.")
    WATER = strawberry.enum_value("WATER", description="Shallow water.")
    UNDERGROWTH = strawberry.enum_value("UNDERGROWTH", description="Thick brush.")
    MUD = strawberry.enum_value("MUD", description="Mud or bog.")


@strawberry.enum(description="The shape of the area a spell fills.")
class AreaShape(Enum):
    CONE = "CONE"
    CUBE = "CUBE"
    CYLINDER = "CYLINDER"
    EMANATION = "EMANATION"
    LINE = "LINE"
    SPHERE = "SPHERE"


@strawberry.type(description="A wall along grid lines, between two corners of squares.")
class GridWall:
    x1: int = strawberry.field(description="Start corner, squares from the left.")
    y1: int = strawberry.field(description="Start corner, squares from the top.")
    x2: int = strawberry.field(description="End corner, squares from the left.")
    y2: int = strawberry.field(description="End corner, squares from the top.")


@strawberry.type(description="A door filling one square.")
class GridDoor:
    x: int = strawberry.field(description="The square's column, from 0 at the left.")
    y: int = strawberry.field(description="The square's row, from 0 at the top.")
    vertical: bool = strawberry.field(
        description="True when it closes a passage running east-west."
    )


@strawberry.type(description="One square of a map.")
class GridSquare:
    x: int = strawberry.field(description="Column, from 0 at the left.")
    y: int = strawberry.field(description="Row, from 0 at the top.")


@strawberry.type(description="A square of difficult terrain.")
class DifficultSquare:
    x: int = strawberry.field(description="Column, from 0 at the left.")
    y: int = strawberry.field(description="Row, from 0 at the top.")
    terrain: TerrainKind = strawberry.field(description="What makes it difficult.")


@strawberry.type(description="A battle map's layout as data, square by square (5 feet each).")
class TacticalLayout:
    style: MapStyle = strawberry.field(description="Dungeon, cave or outdoor.")
    width: int = strawberry.field(description="Width in squares.")
    height: int = strawberry.field(description="Height in squares.")
    square_feet: int = strawberry.field(description="Feet per square (5).")
    pixels_per_square: int = strawberry.field(description="Pixels per square in the image.")
    origin_x: int = strawberry.field(
        description="Pixels from the image's left edge to square (0, 0)."
    )
    origin_y: int = strawberry.field(
        description="Pixels from the image's top edge to square (0, 0)."
    )
    walls: list[GridWall] = strawberry.field(description="Walls, merged into straight runs.")
    doors: list[GridDoor] = strawberry.field(description="Doors.")
    blocked: list[GridSquare] = strawberry.field(
        description="Squares no one can enter (rock, trees, pillars)."
    )
    difficult_terrain: list[DifficultSquare] = strawberry.field(
        description="Squares of difficult terrain."
    )

    @classmethod
    def of(cls, value: dict[str, Any]) -> TacticalLayout:
        data = layouts.TacticalLayout.from_json(value)
        return cls(
            style=MapStyle(data.style.value),
            width=data.width,
            height=data.height,
            square_feet=layouts.SQUARE_FEET,
            pixels_per_square=data.pixels_per_square,
            origin_x=data.origin[0],
            origin_y=data.origin[1],
            walls=[GridWall(x1=w.x1, y1=w.y1, x2=w.x2, y2=w.y2) for w in data.walls],
            doors=[GridDoor(x=d.x, y=d.y, vertical=d.vertical) for d in data.doors],
            blocked=[GridSquare(x=c.x, y=c.y) for c in data.blocked],
            difficult_terrain=[
                DifficultSquare(x=c.x, y=c.y, terrain=TerrainKind(c.terrain.value))
                for c in data.difficult
            ],
        )


@strawberry.type(description="A smaller or re-encoded copy of a version, made when it was stored.")
class AssetDerivative:
    name: str = strawberry.field(
        description='"thumb-128", "thumb-512" (longest side in pixels) or "webp" (full size).'
    )
    content_type: str = strawberry.field(description="Its MIME type (image/webp).")
    width: int = strawberry.field(description="Width in pixels.")
    height: int = strawberry.field(description="Height in pixels.")
    byte_size: int = strawberry.field(description="Size in bytes.")
    url: str = strawberry.field(description="Where to fetch it (GET).")


def _url(
    base: str, asset_id: uuid.UUID, number: int | None = None, variant: str | None = None
) -> str:
    query = []
    if number is not None:
        query.append(f"version={number}")
    if variant is not None:
        query.append(f"variant={variant}")
    return f"{base}/assets/{asset_id}" + (f"?{'&'.join(query)}" if query else "")


def derivatives_of(row: AssetVersionRow, base: str) -> list[AssetDerivative]:
    return [
        AssetDerivative(
            name=name,
            content_type=d["contentType"],
            width=d["width"],
            height=d["height"],
            byte_size=d["byteSize"],
            url=_url(base, row.asset_id, row.number, name),
        )
        for name, d in sorted(row.derivatives.items())
    ]


@strawberry.type(description="One version of an image: what it looks like and how it was made.")
class AssetVersion:
    number: int = strawberry.field(
        description="1 for the first, counting up with each regeneration or edit."
    )
    parent_number: int | None = strawberry.field(
        description="The version it was made from; null for a first version."
    )
    operation: AssetOperation = strawberry.field(description="How it was made.")
    content_type: str = strawberry.field(
        description="MIME type the bytes were verified to be: image/png, image/jpeg or image/webp."
    )
    width: int = strawberry.field(description="Width in pixels.")
    height: int = strawberry.field(description="Height in pixels.")
    byte_size: int = strawberry.field(description="Size of the file in bytes.")
    sha256: str = strawberry.field(description="SHA-256 of the bytes, hex: a stable fingerprint.")
    generator: str | None = strawberry.field(
        description=(
            "What made it: `offline` (drawn by code from the game's data), `getimg` (GetImg.AI), "
            "or null for uploads."
        )
    )
    prompt: str | None = strawberry.field(description="The prompt it was made from.")
    seed: int | None = strawberry.field(
        description=(
            "The seed it was made with; the same prompt, data and seed give the same offline image."
        )
    )
    alt_text: str | None = strawberry.field(description="What the image shows, in words.")
    created_at: datetime = strawberry.field(description="When it was stored.")
    row: strawberry.Private[AssetVersionRow]
    base: strawberry.Private[str]

    @strawberry.field(
        description="Where to fetch this version's bytes (GET). Anyone holding it can."
    )
    def url(self) -> str:
        return _url(self.base, self.row.asset_id, self.number)

    @strawberry.field(description="Thumbnails (128 and 512 px) and a full-size WebP copy.")
    def derivatives(self) -> list[AssetDerivative]:
        return derivatives_of(self.row, self.base)

    @strawberry.field(
        description=(
            "A battle map's layout (walls, doors, difficult terrain); null for other images."
        )
    )
    def layout(self) -> TacticalLayout | None:
        return None if self.row.layout is None else TacticalLayout.of(self.row.layout)

    @classmethod
    def of(cls, row: AssetVersionRow, base: str) -> AssetVersion:
        return cls(
            number=row.number,
            parent_number=row.parent_number,
            operation=AssetOperation(row.operation),
            content_type=row.content_type,
            width=row.width,
            height=row.height,
            byte_size=row.byte_size,
            sha256=row.sha256,
            generator=row.generator,
            prompt=row.prompt,
            seed=row.seed,
            alt_text=row.alt_text,
            created_at=row.created_at,
            row=row,
            base=base,
        )


def _version_cursor(number: int) -> str:
    return base64.urlsafe_b64encode(f"v:{number}".encode()).decode()


def versions_connection(
    rows: Sequence[AssetVersionRow], base: str, first: int, after: str | None
) -> Connection[AssetVersion]:
    """A page of versions, newest first; cursors name version numbers."""
    check_page_size(first)
    start = 0
    if after is not None:
        cursors = [_version_cursor(row.number) for row in rows]
        if after not in cursors:
            raise graphql_error(ErrorCode.BAD_USER_INPUT, "`after`: not a cursor of this list")
        start = cursors.index(after) + 1
    page = rows[start : start + first]
    edges = [
        Edge(node=AssetVersion.of(row, base), cursor=_version_cursor(row.number)) for row in page
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=start + first < len(rows), end_cursor=edges[-1].cursor if edges else None
        ),
    )


def _current_versions(context: Context) -> DataLoader[uuid.UUID, AssetVersionRow | None]:
    async def fetch(
        session: AsyncSession, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, AssetVersionRow]:
        assets = await AssetRepository(session).get_many(ids)
        return await VersionRepository(session).current(list(assets.values()))

    return keyed_loader(context, "current-version", fetch)


@strawberry.federation.type(
    keys=["id"], description="A stored image (its current version) and how to fetch its bytes."
)
class Asset:
    id: strawberry.ID = strawberry.field(
        description="The asset's ID; it stays the same across versions."
    )
    kind: AssetKind = strawberry.field(description="What the image is for.")
    character_id: strawberry.ID | None = strawberry.field(
        description="The character the image belongs to, if any."
    )
    catalog_slug: str | None = strawberry.field(
        description="The catalog entry it pictures, e.g. `magic-item/flame-tongue`."
    )
    encounter_id: strawberry.ID | None = strawberry.field(
        description="The encounter a battle map or render belongs to."
    )
    shared: bool = strawberry.field(
        description="A catalog entry's picture every signed-in user may reuse."
    )
    version: int = strawberry.field(
        description="Changes on every write; pass it back as `expectedVersion`."
    )
    created_at: datetime = strawberry.field(description="When the asset was first stored.")
    row: strawberry.Private[AssetRow]
    current: strawberry.Private[AssetVersionRow]
    base: strawberry.Private[str]

    @strawberry.field(description="The current version: what `url` serves.")
    def current_version(self) -> AssetVersion:
        return AssetVersion.of(self.current, self.base)

    @strawberry.field(description="MIME type of the current version.")
    def content_type(self) -> str:
        return self.current.content_type

    @strawberry.field(description="Width in pixels of the current version.")
    def width(self) -> int:
        return self.current.width

    @strawberry.field(description="Height in pixels of the current version.")
    def height(self) -> int:
        return self.current.height

    @strawberry.field(description="Size in bytes of the current version.")
    def byte_size(self) -> int:
        return self.current.byte_size

    @strawberry.field(description="SHA-256 of the current version's bytes, hex.")
    def sha256(self) -> str:
        return self.current.sha256

    @strawberry.field(
        description="What made the current version: `offline`, `getimg`, or null for uploads."
    )
    def generator(self) -> str | None:
        return self.current.generator

    @strawberry.field(description="The prompt of the current version.")
    def prompt(self) -> str | None:
        return self.current.prompt

    @strawberry.field(description="The seed of the current version.")
    def seed(self) -> int | None:
        return self.current.seed

    @strawberry.field(description="What the current version shows, in words.")
    def alt_text(self) -> str | None:
        return self.current.alt_text

    @strawberry.field(
        description=(
            "A battle map's layout (walls, doors, difficult terrain); null for other images."
        )
    )
    def layout(self) -> TacticalLayout | None:
        return None if self.current.layout is None else TacticalLayout.of(self.current.layout)

    @strawberry.field(
        description="Where to fetch the current version's bytes (GET). Anyone holding it can."
    )
    def url(self) -> str:
        return _url(self.base, self.row.id)

    @strawberry.field(description="Thumbnails and WebP copy of the current version.")
    def derivatives(self) -> list[AssetDerivative]:
        return derivatives_of(self.current, self.base)

    @strawberry.field(description="Every version, newest first (the current one included).")
    async def versions(
        self, info: ContextInfo, first: int = 20, after: str | None = None
    ) -> Connection[AssetVersion]:
        async with info.context.runtime.sessions() as session:
            rows = await VersionRepository(session).of_asset(self.row.id)
        return versions_connection(rows, self.base, first, after)

    @strawberry.field(description="The user who stored the asset.")
    def owner(self) -> User:
        return User.of(self.row.owner_id)

    @classmethod
    def of(cls, row: AssetRow, current: AssetVersionRow, base: str) -> Asset:
        return cls(
            id=strawberry.ID(str(row.id)),
            kind=AssetKind(row.kind),
            character_id=None if row.character_id is None else strawberry.ID(str(row.character_id)),
            catalog_slug=row.catalog_slug,
            encounter_id=None if row.encounter_id is None else strawberry.ID(str(row.encounter_id)),
            shared=row.shared,
            version=row.version,
            created_at=row.created_at,
            row=row,
            current=current,
            base=base,
        )

    @classmethod
    async def load(cls, info: ContextInfo, row: AssetRow) -> Asset:
        current = await _current_versions(info.context).load(row.id)
        assert current is not None  # an asset always has its current version
        return cls.of(row, current, _base(info))

    @classmethod
    async def resolve_reference(cls, info: ContextInfo, id: strawberry.ID) -> Asset | None:
        # Another subgraph holding an asset reference has already decided the viewer may see it
        # (e.g. a campaign handout); any signed-in viewer may read it.
        require_viewer(info)
        key = uuid_or_none(id)
        if key is None:
            return None
        async with info.context.runtime.sessions() as session:
            row = await AssetRepository(session).get(key)
        return None if row is None else await cls.load(info, row)


async def present_page(info: ContextInfo, rows: Sequence[AssetRow]) -> list[Asset]:
    return [await Asset.load(info, row) for row in rows]


def _portraits(context: Context) -> DataLoader[tuple[uuid.UUID, uuid.UUID], AssetRow | None]:
    """The newest portrait per ``(character_id, owner_id)``, batched per request."""

    async def fetch(
        session: AsyncSession, pairs: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> dict[tuple[uuid.UUID, uuid.UUID], AssetRow]:
        return await AssetRepository(session).newest_portraits(pairs)

    return keyed_loader(context, "portrait", fetch)


@strawberry.enum(description="Who may read a character (decided by the character service).")
class Visibility(Enum):
    PRIVATE = strawberry.enum_value("PRIVATE", description="Only its owner.")
    PUBLIC = strawberry.enum_value("PUBLIC", description="Anyone, signed in or not.")


@strawberry.federation.type(
    keys=["id"], description="A player character (owned by the character service)."
)
class Character:
    id: strawberry.ID = strawberry.field(description="The character's ID.")
    owner_id: strawberry.Private[uuid.UUID | None]
    shared: strawberry.Private[bool]

    @strawberry.federation.field(
        external=True, description="Who may read the character (from the character service)."
    )
    def visibility(self) -> Visibility:
        return Visibility.PUBLIC if self.shared else Visibility.PRIVATE

    @strawberry.federation.field(
        external=True, description="The player who owns the character (from the character service)."
    )
    def owner(self) -> User:
        # External: the router fetches it from the character service and hands it to us only as
        # part of the representation for `portrait`. We never resolve it ourselves.
        return User(id=strawberry.ID(str(self.owner_id or "")))

    async def _portrait_row(self, info: ContextInfo) -> AssetRow | None:
        if not self.shared:  # a public character's portrait is public too
            require_viewer(info)
        character_id = uuid_or_none(self.id)
        if character_id is None or self.owner_id is None:
            return None
        return await _portraits(info.context).load((character_id, self.owner_id))

    @strawberry.federation.field(
        requires=["owner { id } visibility"],
        description=(
            "The character's current portrait: the current version of the newest live PORTRAIT "
            "asset its owner attached to it. Null when there is none."
        ),
    )
    async def portrait(self, info: ContextInfo) -> Asset | None:
        row = await self._portrait_row(info)
        return None if row is None else await Asset.load(info, row)

    @strawberry.federation.field(
        requires=["owner { id } visibility"],
        description=(
            "The portrait's earlier versions, newest first (the current one is `portrait`)."
        ),
    )
    async def portrait_history(
        self, info: ContextInfo, first: int = 20, after: str | None = None
    ) -> Connection[AssetVersion]:
        row = await self._portrait_row(info)
        rows: list[AssetVersionRow] = []
        if row is not None:
            async with info.context.runtime.sessions() as session:
                rows = [
                    v
                    for v in await VersionRepository(session).of_asset(row.id)
                    if v.number != row.current_version
                ]
        return versions_connection(rows, _base(info), first, after)

    @classmethod
    def resolve_reference(
        cls,
        info: ContextInfo,
        id: strawberry.ID,
        owner: dict[str, Any] | None = None,
        visibility: str | None = None,
    ) -> Character:
        owner_id = uuid_or_none(owner.get("id")) if isinstance(owner, dict) else None
        return cls(id=id, owner_id=owner_id, shared=visibility == "PUBLIC")


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


async def _payload(
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


def _generate_request(input: GenerateImageInput) -> services.GenerateRequest:
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


@strawberry.type
class EncounterMutation:
    @strawberry.mutation(
        description=(
            "Draw an encounter's combatants as tokens at their grid positions on its battle map, "
            "conditions marked; players never see hidden combatants. Call it again after a "
            "change for a new version."
        )
    )
    async def render_encounter(
        self, info: ContextInfo, input: RenderEncounterInput
    ) -> RenderEncounterPayload:
        viewer = require_viewer(info)

        async def run() -> encounters.Rendered:
            map_id = (
                None
                if input.map_asset_id is None
                else parse_id(input.map_asset_id, "input", "mapAssetId")
            )
            return await encounters.render_encounter(
                info.context.runtime.uow(),
                image_ports(info),
                caller(viewer),
                parse_id(input.encounter_id, "input", "encounterId"),
                map_id,
            )

        result, errors = await attempt(run(), id_path=("input", "encounterId"))
        if result is None:
            return RenderEncounterPayload(
                asset=None, placements=[], unchanged=False, user_errors=errors
            )
        placements = [
            TokenPlacement(
                combatant_id=strawberry.ID(p.id),
                portrait_asset_id=(
                    strawberry.ID(result.portraits[p.id]) if p.id in result.portraits else None
                ),
                x=p.x,
                y=p.y,
                squares=p.squares,
                positioned=p.given,
            )
            for p in result.placements
        ]
        return RenderEncounterPayload(
            asset=await Asset.load(info, result.asset),
            placements=placements,
            unchanged=result.unchanged,
            user_errors=[],
        )


@strawberry.type
class Query:
    @strawberry.field(
        description=(
            "One of your assets (or a shared catalog picture) by ID; null when there is none."
        )
    )
    async def asset(self, info: ContextInfo, id: strawberry.ID) -> Asset | None:
        viewer = require_viewer(info)
        key = parse_id_or_error(id, "id")
        async with info.context.runtime.sessions() as session:
            row = await AssetRepository(session).get(key)
        if row is None or (row.owner_id != viewer.user_id and not row.shared):
            return None
        return await Asset.load(info, row)

    @strawberry.field(description="Your assets, oldest first.")
    async def assets(
        self,
        info: ContextInfo,
        first: int = 20,
        after: str | None = None,
        kind: AssetKind | None = None,
    ) -> Connection[Asset]:
        viewer = require_viewer(info)
        wanted = None if kind is None else models.AssetKind(kind.name)
        rows = await paged_connection(
            info.context.runtime,
            first,
            lambda session: AssetRepository(session).page_of_kind(
                viewer.user_id, wanted, first, after
            ),
            lambda row: row,
        )
        assets = await present_page(info, rows.nodes())
        return Connection(
            edges=[
                Edge(node=asset, cursor=edge.cursor)
                for asset, edge in zip(assets, rows.edges, strict=True)
            ],
            page_info=rows.page_info,
        )


@strawberry.type
class Mutation(EncounterMutation):
    @strawberry.mutation(
        description=(
            "Make a portrait of a character from a prompt and its sheet; if it has one, the new "
            "picture becomes its next version."
        )
    )
    async def generate_portrait(
        self, info: ContextInfo, input: GeneratePortraitInput
    ) -> AssetPayload:
        viewer = require_viewer(info)

        async def run() -> services.Generated:
            request = services.GenerateRequest(
                kind=models.AssetKind.PORTRAIT,
                character_id=parse_id(input.character_id, "input", "characterId"),
                prompt=input.prompt,
                seed=input.seed,
                idempotency_key=input.idempotency_key,
            )
            return await services.generate_image(
                info.context.runtime.uow(), image_ports(info), caller(viewer), request
            )

        return await _payload(info, await attempt(run()))

    @strawberry.mutation(
        description=(
            "Make an image of any kind: portraits, tokens, items, locations, battle maps (with "
            "their layout), region maps, spell areas, handouts."
        )
    )
    async def generate_image(self, info: ContextInfo, input: GenerateImageInput) -> AssetPayload:
        viewer = require_viewer(info)

        async def run() -> services.Generated:
            return await services.generate_image(
                info.context.runtime.uow(),
                image_ports(info),
                caller(viewer),
                _generate_request(input),
            )

        return await _payload(info, await attempt(run()))

    @strawberry.mutation(
        description=(
            "Draw an asset again from its data with a new seed (and prompt, if given): a new "
            "version whose parent is the current one."
        )
    )
    async def regenerate_asset(self, info: ContextInfo, input: ReviseAssetInput) -> AssetPayload:
        return await _revise(
            info,
            input.id,
            input.expected_version,
            Operation.GENERATED,
            prompt=input.prompt,
            seed=input.seed,
        )

    @strawberry.mutation(
        description="Change an image as a prompt says (image-to-image): a new version."
    )
    async def edit_asset(self, info: ContextInfo, input: EditAssetInput) -> AssetPayload:
        return await _revise(
            info,
            input.id,
            input.expected_version,
            Operation.EDITED,
            prompt=input.prompt,
            strength=input.strength,
        )

    @strawberry.mutation(description="Restore faces in or upscale an image: a new version.")
    async def enhance_asset(self, info: ContextInfo, input: EnhanceAssetInput) -> AssetPayload:
        operation = (
            Operation.FACE_FIXED
            if input.enhancement is Enhancement.FACE_FIX
            else Operation.UPSCALED
        )
        return await _revise(info, input.id, input.expected_version, operation, scale=input.scale)

    @strawberry.mutation(
        description=(
            "Store an image you upload; it is decoded, checked and stripped of metadata before it "
            "is kept."
        )
    )
    async def upload_asset(self, info: ContextInfo, input: UploadAssetInput) -> AssetPayload:
        viewer = require_viewer(info)

        async def run() -> AssetRow:
            character_id = (
                None
                if input.character_id is None
                else parse_id(input.character_id, "input", "characterId")
            )
            upload = services.Upload(
                kind=models.AssetKind(input.kind.name),
                content_type=input.content_type,
                data_base64=input.data_base64,
                character_id=character_id,
                alt_text=input.alt_text,
                idempotency_key=input.idempotency_key,
            )
            return await services.upload_asset(
                info.context.runtime.uow(), image_ports(info), viewer.user_id, upload
            )

        return await _payload(info, await attempt(run()))

    @strawberry.mutation(
        description=(
            "Delete one of your assets; its URLs stop working at once. It can be restored until "
            "the trash is purged."
        )
    )
    async def delete_asset(self, info: ContextInfo, input: AssetVersionInput) -> AssetPayload:
        viewer = require_viewer(info)

        async def run() -> AssetRow:
            return await services.delete_asset(
                info.context.runtime.uow(),
                image_ports(info).storage,
                viewer.user_id,
                parse_id(input.id, "input", "id"),
                input.expected_version,
            )

        result, errors = await attempt(run())
        if result is None:
            return AssetPayload(asset=None, user_errors=errors)
        async with info.context.runtime.sessions() as session:
            current = await VersionRepository(session).number(result.id, result.current_version)
        assert current is not None
        return AssetPayload(asset=Asset.of(result, current, _base(info)), user_errors=[])

    @strawberry.mutation(
        description="Bring back an asset you deleted, while its files are still in the trash."
    )
    async def restore_asset(self, info: ContextInfo, input: AssetVersionInput) -> AssetPayload:
        viewer = require_viewer(info)

        async def run() -> AssetRow:
            return await services.restore_asset(
                info.context.runtime.uow(),
                image_ports(info).storage,
                viewer.user_id,
                parse_id(input.id, "input", "id"),
                input.expected_version,
            )

        return await _payload(info, await attempt(run()))


async def _revise(
    info: ContextInfo,
    id: strawberry.ID,
    expected_version: int,
    operation: Operation,
    **options: Any,
) -> AssetPayload:
    viewer = require_viewer(info)

    async def run() -> AssetRow:
        revision = services.Revision(
            asset_id=parse_id(id, "input", "id"),
            expected_version=expected_version,
            operation=operation,
            **options,
        )
        return await services.revise(
            info.context.runtime.uow(), image_ports(info), caller(viewer), revision
        )

    return await _payload(info, await attempt(run()))


schema = subgraph_schema(query=Query, mutation=Mutation, types=[Asset, Character, User])
