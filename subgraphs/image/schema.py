"""GraphQL face of the image service. Resolvers stay thin: parse, authorize, call a use case."""

from __future__ import annotations

from typing import Any

import strawberry

from subgraphs.image import encounters, models, services
from subgraphs.image.graphql_inputs import (
    AssetPayload,
    AssetVersionInput,
    EditAssetInput,
    EnhanceAssetInput,
    Enhancement,
    GenerateImageInput,
    GeneratePortraitInput,
    RenderEncounterInput,
    RenderEncounterPayload,
    ReviseAssetInput,
    TokenPlacement,
    UploadAssetInput,
    generate_request,
    payload_of,
)
from subgraphs.image.graphql_types import (
    Asset,
    AssetKind,
    Character,
    asset_base,
    image_ports,
    present_page,
)
from subgraphs.image.models import AssetRow, Operation
from subgraphs.image.repository import AssetRepository, VersionRepository
from subgraphs.kit.context import ContextInfo, foreign_ids, require_caller
from subgraphs.kit.federation import subgraph_schema
from subgraphs.kit.outcomes import attempt, parse_id, parse_id_or_error
from subgraphs.kit.references import User
from subgraphs.kit.relay import Connection, Edge, paged_connection


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
        caller = require_caller(info)

        async def run() -> encounters.Rendered:
            map_id = (
                None
                if input.map_asset_id is None
                else parse_id(input.map_asset_id, "input", "mapAssetId")
            )
            return await encounters.render_encounter(
                info.context.runtime.uow(),
                image_ports(info),
                caller,
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
        caller = require_caller(info)
        key = parse_id_or_error(id, "id")
        async with info.context.runtime.sessions() as session:
            row = await AssetRepository(session).get(key)
        if row is None or (row.owner_id != caller.user_id and not row.shared):
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
        caller = require_caller(info)
        wanted = None if kind is None else models.AssetKind(kind.name)
        rows = await paged_connection(
            info.context.runtime,
            first,
            lambda session: AssetRepository(session).page_of_kind(
                caller.user_id, wanted, first, after
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
        caller = require_caller(info)

        async def run() -> services.Generated:
            request = services.GenerateRequest(
                kind=models.AssetKind.PORTRAIT,
                character_id=parse_id(input.character_id, "input", "characterId"),
                prompt=input.prompt,
                seed=input.seed,
                idempotency_key=input.idempotency_key,
            )
            return await services.generate_image(
                info.context.runtime.uow(), image_ports(info), foreign_ids(info), caller, request
            )

        return await payload_of(info, await attempt(run()))

    @strawberry.mutation(
        description=(
            "Make an image of any kind: portraits, tokens, items, locations, battle maps (with "
            "their layout), region maps, spell areas, handouts."
        )
    )
    async def generate_image(self, info: ContextInfo, input: GenerateImageInput) -> AssetPayload:
        caller = require_caller(info)

        async def run() -> services.Generated:
            return await services.generate_image(
                info.context.runtime.uow(),
                image_ports(info),
                foreign_ids(info),
                caller,
                generate_request(input),
            )

        return await payload_of(info, await attempt(run()))

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

        return await payload_of(info, await attempt(run()))

    @strawberry.mutation(
        description=(
            "Delete one of your assets; its URLs stop working at once. It can be restored until "
            "the trash is purged."
        )
    )
    async def delete_asset(self, info: ContextInfo, input: AssetVersionInput) -> AssetPayload:
        caller = require_caller(info)

        async def run() -> AssetRow:
            return await services.delete_asset(
                info.context.runtime.uow(),
                image_ports(info).storage,
                caller.user_id,
                parse_id(input.id, "input", "id"),
                input.expected_version,
            )

        result, errors = await attempt(run())
        if result is None:
            return AssetPayload(asset=None, user_errors=errors)
        async with info.context.runtime.sessions() as session:
            current = await VersionRepository(session).number(result.id, result.current_version)
        assert current is not None
        return AssetPayload(asset=Asset.of(result, current, asset_base(info)), user_errors=[])

    @strawberry.mutation(
        description="Bring back an asset you deleted, while its files are still in the trash."
    )
    async def restore_asset(self, info: ContextInfo, input: AssetVersionInput) -> AssetPayload:
        caller = require_caller(info)

        async def run() -> AssetRow:
            return await services.restore_asset(
                info.context.runtime.uow(),
                image_ports(info).storage,
                caller.user_id,
                parse_id(input.id, "input", "id"),
                input.expected_version,
            )

        return await payload_of(info, await attempt(run()))


async def _revise(
    info: ContextInfo,
    id: strawberry.ID,
    expected_version: int,
    operation: Operation,
    **options: Any,
) -> AssetPayload:
    caller = require_caller(info)

    async def run() -> AssetRow:
        revision = services.Revision(
            asset_id=parse_id(id, "input", "id"),
            expected_version=expected_version,
            operation=operation,
            **options,
        )
        return await services.revise(
            info.context.runtime.uow(), image_ports(info), caller, revision
        )

    return await payload_of(info, await attempt(run()))


schema = subgraph_schema(query=Query, mutation=Mutation, types=[Asset, Character, User])
