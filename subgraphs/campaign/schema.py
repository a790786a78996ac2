"""GraphQL face of the campaign service. Resolvers stay thin: parse, authorize, call a use case.

Authorization, consistently: a campaign you take part in (as game master or player) is visible;
any other campaign does not exist for you: ``campaign(id)`` is null and mutations answer with a
NOT_FOUND user error, the same as for an ID nobody created. A member who attempts what only the
game master may do (edit, delete) gets a GraphQL error with ``extensions.code`` FORBIDDEN.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet
from strawberry.types import Info

from infra.db.repository import InvalidCursor
from subgraphs.campaign import services
from subgraphs.campaign.models import CampaignRole, CampaignRow, CampaignType, MembershipRow
from subgraphs.campaign.repository import CampaignRepository, MembershipRepository
from subgraphs.kit.context import Context, require_viewer
from subgraphs.kit.errors import MaskUnexpectedErrors, UserError, forbidden
from subgraphs.kit.outcomes import (
    Problem,
    Rejected,
    attempt,
    check_cursor,
    parse_id,
    parse_id_or_error,
)
from subgraphs.kit.relay import Connection, check_page_size, to_connection

ContextInfo = Info[Context, Any]
T = TypeVar("T")

strawberry.enum(
    CampaignType,
    description="How a campaign is run. TRADITIONAL: a classic table. ANTITHETICON: a campaign "
    "built on identity deception, where who is who is part of the game. Fixed at creation.",
)
strawberry.enum(
    CampaignRole,
    description="What someone does in a campaign. GAME_MASTER runs it; PLAYER plays a character.",
)


@strawberry.federation.type(
    keys=[Key(fields=FieldSet("id"), resolvable=False)], description="A person with an account."
)
class User:
    id: strawberry.ID = strawberry.field(description="The user's ID.")


# The character service owns characters; this service knows only their IDs and contributes the
# `campaigns` field. The description matches the owner's so composition has one to keep.
@strawberry.federation.type(keys=["id"], description="A player character.")
class Character:
    id: strawberry.ID = strawberry.field(description="The character's ID.")

    @strawberry.field(
        description="Campaigns this character plays in that you take part in too, oldest first."
    )
    async def campaigns(self, info: ContextInfo) -> list[Campaign]:
        viewer = require_viewer(info)
        try:
            key = uuid.UUID(str(self.id))
        except ValueError:
            return []  # not an ID this graph issues, so it is in no campaign
        loader = info.context.loader(
            "campaigns_of_characters", _load_campaigns_of_characters(info.context, viewer.user_id)
        )
        return [Campaign.from_row(row) for row in await loader.load(key)]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Character:
        # We only know character IDs; the router asks the character service for everything else.
        return cls(id=id)


@strawberry.type(description="Someone taking part in a campaign.")
class CampaignMember:
    role: CampaignRole = strawberry.field(description="Game master or player.")
    joined_at: datetime = strawberry.field(description="When they joined (or created) it.")
    user_id: strawberry.Private[uuid.UUID]
    character_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="The person.")
    def user(self) -> User:
        return User(id=strawberry.ID(str(self.user_id)))

    @strawberry.field(description="The character a player brought; null for the game master.")
    def character(self) -> Character | None:
        if self.character_id is None:
            return None
        return Character(id=strawberry.ID(str(self.character_id)))

    @classmethod
    def from_row(cls, row: MembershipRow) -> CampaignMember:
        return cls(
            role=CampaignRole(row.role),
            joined_at=row.created_at,
            user_id=row.user_id,
            character_id=row.character_id,
        )


@strawberry.federation.type(
    keys=["id"], description="A campaign: a game master, their players and the party."
)
class Campaign:
    id: strawberry.ID = strawberry.field(description="The campaign's ID.")
    name: str = strawberry.field(description="What the campaign is called.")
    description: str | None = strawberry.field(description="What the campaign is about.")
    type: CampaignType = strawberry.field(description="How the campaign is run.")
    version: int = strawberry.field(
        description="Changes when the campaign's own fields change (not when players join or "
        "leave); pass it back as `expectedVersion` when editing or deleting."
    )
    created_at: datetime = strawberry.field(description="When the campaign was created.")
    key: strawberry.Private[uuid.UUID]
    game_master_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="The person who runs the campaign.")
    def game_master(self) -> User:
        return User(id=strawberry.ID(str(self.game_master_id)))

    @strawberry.field(description="Everyone taking part, game master first, then by joining.")
    async def members(self, info: ContextInfo) -> list[CampaignMember]:
        return [CampaignMember.from_row(row) for row in await _members(info, self.key)]

    @strawberry.field(description="The players' characters, in the order they joined.")
    async def party(self, info: ContextInfo) -> list[Character]:
        return [
            Character(id=strawberry.ID(str(row.character_id)))
            for row in await _members(info, self.key)
            if row.role == CampaignRole.PLAYER.value and row.character_id is not None
        ]

    @classmethod
    def from_row(cls, row: CampaignRow) -> Campaign:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            description=row.description,
            type=CampaignType(row.type),
            version=row.version,
            created_at=row.created_at,
            key=row.id,
            game_master_id=row.game_master_id,
        )

    @classmethod
    async def resolve_reference(cls, info: ContextInfo, id: strawberry.ID) -> Campaign | None:
        # A reference from elsewhere grants nothing: only members get the campaign back.
        viewer = require_viewer(info)
        try:
            key = uuid.UUID(str(id))
        except ValueError:
            return None
        loader = info.context.loader(
            "visible_campaigns", _load_visible_campaigns(info.context, viewer.user_id)
        )
        row = await loader.load(key)
        return None if row is None else cls.from_row(row)


def _load_visible_campaigns(context: Context, user_id: uuid.UUID) -> Any:
    async def load(ids: Sequence[uuid.UUID]) -> list[CampaignRow | None]:
        async with context.runtime.sessions() as session:
            found = await CampaignRepository(session).get_many_visible(ids, user_id)
        return [found.get(i) for i in ids]

    return load


def _load_members(context: Context) -> Any:
    async def load(campaign_ids: Sequence[uuid.UUID]) -> list[list[MembershipRow]]:
        async with context.runtime.sessions() as session:
            found = await MembershipRepository(session).of_campaigns(campaign_ids)
        return [found.get(i, []) for i in campaign_ids]

    return load


def _load_campaigns_of_characters(context: Context, user_id: uuid.UUID) -> Any:
    async def load(character_ids: Sequence[uuid.UUID]) -> list[list[CampaignRow]]:
        async with context.runtime.sessions() as session:
            found = await CampaignRepository(session).joined_by_characters(character_ids, user_id)
        return [found.get(i, []) for i in character_ids]

    return load


async def _members(info: ContextInfo, campaign_id: uuid.UUID) -> list[MembershipRow]:
    rows: list[MembershipRow] = await info.context.loader(
        "campaign_members", _load_members(info.context)
    ).load(campaign_id)
    return rows


@strawberry.input(description="A new campaign; you become its game master.")
class CreateCampaignInput:
    name: str = strawberry.field(description="What the campaign is called.")
    type: CampaignType = strawberry.field(description="How the campaign is run.")
    description: str | None = strawberry.field(
        default=None, description="What the campaign is about."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Any unique string; retrying with the same key returns the same campaign.",
    )


@strawberry.input(description="Join a campaign as a player, bringing one of your characters.")
class JoinCampaignInput:
    campaign_id: strawberry.ID = strawberry.field(description="The campaign to join.")
    character_id: strawberry.ID = strawberry.field(
        description="The character you play in it; it joins the party."
    )


@strawberry.input(description="Leave a campaign you play in; your character leaves the party.")
class LeaveCampaignInput:
    campaign_id: strawberry.ID = strawberry.field(description="The campaign to leave.")


@strawberry.input(description="Changes to a campaign; omitted fields stay as they are.")
class UpdateCampaignInput:
    id: strawberry.ID = strawberry.field(description="The campaign to change.")
    expected_version: int = strawberry.field(description="The `version` you last read.")
    name: str | None = strawberry.field(default=None, description="A new name.")
    description: str | None = strawberry.field(
        default=None, description="A new description; an empty string removes it."
    )


@strawberry.input(description="Which campaign to delete.")
class DeleteCampaignInput:
    id: strawberry.ID = strawberry.field(description="The campaign.")
    expected_version: int = strawberry.field(description="The `version` you last read.")


@strawberry.type(description="The result of a campaign mutation.")
class CampaignPayload:
    campaign: Campaign | None = strawberry.field(description="The campaign, when it worked.")
    user_errors: list[UserError] = strawberry.field(description="What was wrong with the input.")


@strawberry.type(description="The result of leaving a campaign.")
class LeaveCampaignPayload:
    campaign_id: strawberry.ID | None = strawberry.field(
        description="The campaign you left, when it worked."
    )
    user_errors: list[UserError] = strawberry.field(description="What was wrong with the input.")


@strawberry.type
class Query:
    @strawberry.field(description="A campaign you take part in, by ID; null for any other.")
    async def campaign(self, info: ContextInfo, id: strawberry.ID) -> Campaign | None:
        viewer = require_viewer(info)
        key = parse_id_or_error(id, "id")
        async with info.context.runtime.sessions() as session:
            row = await CampaignRepository(session).get_visible(key, viewer.user_id)
        return None if row is None else Campaign.from_row(row)

    @strawberry.field(description="Campaigns you run or play in, oldest first.")
    async def campaigns(
        self, info: ContextInfo, first: int = 20, after: str | None = None
    ) -> Connection[Campaign]:
        viewer = require_viewer(info)
        check_page_size(first)
        async with info.context.runtime.sessions() as session:
            try:
                page = await CampaignRepository(session).page_visible(viewer.user_id, first, after)
            except InvalidCursor as exc:
                raise check_cursor(exc) from None
        return to_connection(page, Campaign.from_row)


def _parse_ids(**values: str) -> dict[str, uuid.UUID]:
    """Every client-supplied ID of an input at once, so all bad ones are reported together."""
    parsed: dict[str, uuid.UUID] = {}
    problems: list[Problem] = []
    for field, value in values.items():
        try:
            parsed[field] = parse_id(value, "input", field)
        except Rejected as exc:
            problems += exc.problems
    if problems:
        raise Rejected(*problems)
    return parsed


async def _attempt(
    work: Awaitable[T], *, id_path: tuple[str, ...] = ("input", "id")
) -> tuple[T | None, list[UserError]]:
    """``attempt``, plus the one authorization failure mutations can hit: not the game master."""
    try:
        return await attempt(work, id_path=id_path)
    except services.NotGameMaster as exc:
        raise forbidden(str(exc)) from None


def _payload(row: CampaignRow | None, errors: list[UserError]) -> CampaignPayload:
    return CampaignPayload(
        campaign=None if row is None else Campaign.from_row(row), user_errors=errors
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create a campaign; you become its game master.")
    async def create_campaign(
        self, info: ContextInfo, input: CreateCampaignInput
    ) -> CampaignPayload:
        viewer = require_viewer(info)
        new = services.NewCampaign(input.name, input.type, input.description, input.idempotency_key)
        uow = info.context.runtime.uow()
        return _payload(*await _attempt(services.create_campaign(uow, viewer.user_id, new)))

    @strawberry.mutation(
        description="Join a campaign as a player with one of your characters. Anyone who knows "
        "the campaign's ID may join: sharing the ID is the invitation."
    )
    async def join_campaign(self, info: ContextInfo, input: JoinCampaignInput) -> CampaignPayload:
        viewer = require_viewer(info)

        async def run() -> CampaignRow:
            ids = _parse_ids(campaignId=input.campaign_id, characterId=input.character_id)
            return await services.join_campaign(
                info.context.runtime.uow(), viewer.user_id, ids["campaignId"], ids["characterId"]
            )

        return _payload(*await _attempt(run(), id_path=("input", "campaignId")))

    @strawberry.mutation(description="Leave a campaign you play in, taking your character along.")
    async def leave_campaign(
        self, info: ContextInfo, input: LeaveCampaignInput
    ) -> LeaveCampaignPayload:
        viewer = require_viewer(info)

        async def run() -> uuid.UUID:
            campaign_id = parse_id(input.campaign_id, "input", "campaignId")
            return await services.leave_campaign(
                info.context.runtime.uow(), viewer.user_id, campaign_id
            )

        left, errors = await _attempt(run(), id_path=("input", "campaignId"))
        return LeaveCampaignPayload(
            campaign_id=None if left is None else strawberry.ID(str(left)), user_errors=errors
        )

    @strawberry.mutation(description="Rename or redescribe a campaign you run.")
    async def update_campaign(
        self, info: ContextInfo, input: UpdateCampaignInput
    ) -> CampaignPayload:
        viewer = require_viewer(info)

        async def run() -> CampaignRow:
            changes = services.CampaignChanges(
                parse_id(input.id, "input", "id"),
                input.expected_version,
                input.name,
                input.description,
            )
            return await services.update_campaign(
                info.context.runtime.uow(), viewer.user_id, changes
            )

        return _payload(*await _attempt(run()))

    @strawberry.mutation(description="Delete a campaign you run (it is kept, hidden, not erased).")
    async def delete_campaign(
        self, info: ContextInfo, input: DeleteCampaignInput
    ) -> CampaignPayload:
        viewer = require_viewer(info)

        async def run() -> CampaignRow:
            return await services.delete_campaign(
                info.context.runtime.uow(),
                viewer.user_id,
                parse_id(input.id, "input", "id"),
                input.expected_version,
            )

        return _payload(*await _attempt(run()))


schema = strawberry.federation.Schema(
    query=Query,
    mutation=Mutation,
    types=[Campaign, Character, User],
    federation_version="2.9",
    extensions=[MaskUnexpectedErrors],
)
