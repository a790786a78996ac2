"""GraphQL face of the image service. Resolvers stay thin: parse, authorize, call a use case."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from subgraphs.image import models, services
from subgraphs.image.models import AssetRow
from subgraphs.image.repository import AssetRepository
from subgraphs.kit.context import (
    Context,
    ContextInfo,
    foreign_ids,
    require_caller,
    require_viewer,
)
from subgraphs.kit.errors import UserError
from subgraphs.kit.federation import subgraph_schema
from subgraphs.kit.loaders import keyed_loader, load_entity, uuid_or_none
from subgraphs.kit.outcomes import attempt, parse_id, parse_id_or_error
from subgraphs.kit.references import User
from subgraphs.kit.relay import Connection, paged_connection


def image_ports(info: ContextInfo) -> services.ImagePorts:
    ports: services.ImagePorts = info.context.runtime.ports["image"]
    return ports


def asset_url(info: ContextInfo, asset_id: strawberry.ID) -> str:
    base: str = info.context.runtime.ports["asset_base_url"]
    return f"{base}/assets/{asset_id}"


@strawberry.enum(description="What an image is for.")
class AssetKind(Enum):
    PORTRAIT = strawberry.enum_value("PORTRAIT", description="A picture of a character.")
    TOKEN = strawberry.enum_value("TOKEN", description="A small figure for a battle map.")
    MAP = strawberry.enum_value("MAP", description="A battle or world map.")
    HANDOUT = strawberry.enum_value("HANDOUT", description="Anything shown to players.")


@strawberry.federation.type(keys=["id"], description="A stored image and how to fetch its bytes.")
class Asset:
    id: strawberry.ID = strawberry.field(description="The asset's ID.")
    kind: AssetKind = strawberry.field(description="What the image is for.")
    content_type: str = strawberry.field(
        description="MIME type the bytes were verified to be: image/png, image/jpeg or image/webp."
    )
    width: int = strawberry.field(description="Width in pixels.")
    height: int = strawberry.field(description="Height in pixels.")
    byte_size: int = strawberry.field(description="Size of the file in bytes.")
    sha256: str = strawberry.field(description="SHA-256 of the bytes, hex: a stable fingerprint.")
    character_id: strawberry.ID | None = strawberry.field(
        description="The character the image belongs to, if any."
    )
    generator: str | None = strawberry.field(
        description=(
            "What made the image: `procedural` (a seeded coat of arms drawn by code, no model "
            "involved) or a provider's name; null for uploaded files."
        )
    )
    prompt: str | None = strawberry.field(description="The prompt it was generated from.")
    seed: int | None = strawberry.field(
        description="The seed it was generated with; the same prompt and seed give the same image."
    )
    alt_text: str | None = strawberry.field(description="What the image shows, in words.")
    created_at: datetime = strawberry.field(description="When the asset was stored.")
    version: int = strawberry.field(
        description="Changes on every write; pass it back as `expectedVersion` when deleting."
    )
    owner_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="Where to fetch the bytes (GET). Anyone holding it can.")
    def url(self, info: ContextInfo) -> str:
        return asset_url(info, self.id)

    @strawberry.field(description="The user who stored the asset.")
    def owner(self) -> User:
        return User.of(self.owner_id)

    @classmethod
    def from_row(cls, row: AssetRow) -> Asset:
        return cls(
            id=strawberry.ID(str(row.id)),
            kind=AssetKind(row.kind),
            content_type=row.content_type,
            width=row.width,
            height=row.height,
            byte_size=row.byte_size,
            sha256=row.sha256,
            character_id=None if row.character_id is None else strawberry.ID(str(row.character_id)),
            generator=row.generator,
            prompt=row.prompt,
            seed=row.seed,
            alt_text=row.alt_text,
            created_at=row.created_at,
            version=row.version,
            owner_id=row.owner_id,
        )

    @classmethod
    async def resolve_reference(cls, info: ContextInfo, id: strawberry.ID) -> Asset | None:
        # Another subgraph holding an asset reference has already decided the viewer may see it
        # (e.g. a campaign handout); any signed-in viewer may read it.
        require_viewer(info)
        row = await load_entity(info.context, AssetRepository, id)
        return None if row is None else cls.from_row(row)


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

    @strawberry.federation.field(
        requires=["owner { id } visibility"],
        description=(
            "The character's current portrait: the newest live PORTRAIT asset its owner attached "
            "to it. Null when there is none."
        ),
    )
    async def portrait(self, info: ContextInfo) -> Asset | None:
        if not self.shared:  # a public character's portrait is public too
            require_viewer(info)
        character_id = uuid_or_none(self.id)
        if character_id is None or self.owner_id is None:
            return None
        row = await _portraits(info.context).load((character_id, self.owner_id))
        return None if row is None else Asset.from_row(row)

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


@strawberry.input(description="Ask for a generated portrait of a character.")
class GeneratePortraitInput:
    character_id: strawberry.ID = strawberry.field(description="The character it portrays.")
    prompt: str = strawberry.field(description="What the portrait should show (1-1000 characters).")
    seed: int | None = strawberry.field(
        default=None,
        description="0 to 2147483647. The same prompt and seed give the same image; "
        "leave it out for a random one (the seed used is returned on the asset).",
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Any unique string; retrying with the same key returns the same asset.",
    )


@strawberry.input(description="An image file to store.")
class UploadAssetInput:
    kind: AssetKind = strawberry.field(description="What the image is for.")
    content_type: str = strawberry.field(description="image/png, image/jpeg or image/webp.")
    data_base64: str = strawberry.field(
        description="The file, base64-encoded (standard alphabet); at most 5 MB decoded."
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


@strawberry.input(description="Which asset to delete.")
class AssetVersionInput:
    id: strawberry.ID = strawberry.field(description="The asset.")
    expected_version: int = strawberry.field(description="The `version` you last read.")


@strawberry.type(description="The result of an asset mutation.")
class AssetPayload:
    asset: Asset | None = strawberry.field(description="The asset, when it worked.")
    user_errors: list[UserError] = strawberry.field(description="What was wrong with the input.")


def _payload(row: AssetRow | None, errors: list[UserError]) -> AssetPayload:
    return AssetPayload(asset=None if row is None else Asset.from_row(row), user_errors=errors)


@strawberry.type
class Query:
    @strawberry.field(description="One of your assets by ID; null when there is none.")
    async def asset(self, info: ContextInfo, id: strawberry.ID) -> Asset | None:
        viewer = require_viewer(info)
        key = parse_id_or_error(id, "id")
        async with info.context.runtime.sessions() as session:
            row = await AssetRepository(session).get(key)
        if row is None or row.owner_id != viewer.user_id:
            return None
        return Asset.from_row(row)

    @strawberry.field(description="Your assets, oldest first.")
    async def assets(
        self, info: ContextInfo, first: int = 20, after: str | None = None
    ) -> Connection[Asset]:
        viewer = require_viewer(info)
        return await paged_connection(
            info.context.runtime,
            first,
            lambda session: AssetRepository(session).page_owned_by(viewer.user_id, first, after),
            Asset.from_row,
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description=(
            "Make a portrait for a character and store it. The embedded generator draws a coat of "
            "arms procedurally (see `Asset.generator`); it does not interpret the prompt."
        )
    )
    async def generate_portrait(
        self, info: ContextInfo, input: GeneratePortraitInput
    ) -> AssetPayload:
        caller = require_caller(info)

        async def run() -> AssetRow:
            request = services.PortraitRequest(
                character_id=parse_id(input.character_id, "input", "characterId"),
                prompt=input.prompt,
                seed=input.seed,
                idempotency_key=input.idempotency_key,
            )
            return await services.generate_portrait(
                info.context.runtime.uow(), image_ports(info), foreign_ids(info), caller, request
            )

        return _payload(*await attempt(run()))

    @strawberry.mutation(
        description="Store an image you upload; it is decoded and checked before it is kept."
    )
    async def upload_asset(self, info: ContextInfo, input: UploadAssetInput) -> AssetPayload:
        caller = require_caller(info)

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
                info.context.runtime.uow(), image_ports(info), foreign_ids(info), caller, upload
            )

        return _payload(*await attempt(run()))

    @strawberry.mutation(description="Delete one of your assets; its URL stops working.")
    async def delete_asset(self, info: ContextInfo, input: AssetVersionInput) -> AssetPayload:
        viewer = require_viewer(info)

        async def run() -> AssetRow:
            return await services.delete_asset(
                info.context.runtime.uow(),
                viewer.user_id,
                parse_id(input.id, "input", "id"),
                input.expected_version,
            )

        return _payload(*await attempt(run()))


schema = subgraph_schema(query=Query, mutation=Mutation, types=[Asset, Character, User])
