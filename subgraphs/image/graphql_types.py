"""The image service's GraphQL types: assets, their versions and layouts, and the
character's portrait fields."""

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

from subgraphs.image import layout as layouts
from subgraphs.image import services
from subgraphs.image.models import AssetRow, AssetVersionRow
from subgraphs.image.repository import AssetRepository, VersionRepository
from subgraphs.kit.context import Context, ContextInfo, require_viewer
from subgraphs.kit.errors import ErrorCode, graphql_error
from subgraphs.kit.loaders import keyed_loader, uuid_or_none
from subgraphs.kit.references import User
from subgraphs.kit.relay import Connection, Edge, PageInfo, check_page_size


def image_ports(info: ContextInfo) -> services.ImagePorts:
    ports: services.ImagePorts = info.context.runtime.ports["image"]
    return ports


def asset_base(info: ContextInfo) -> str:
    base: str = info.context.runtime.ports["asset_base_url"]
    return base


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
        return cls.of(row, current, asset_base(info))

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
        return versions_connection(rows, asset_base(info), first, after)

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
