"""GraphQL face of the campaign service. Resolvers stay thin: parse, authorize, call a use case.

Authorization, consistently: a campaign you take part in (as game master or player) is visible;
any other campaign does not exist for you: ``campaign(id)`` is null and mutations answer with a
NOT_FOUND user error, the same as for an ID nobody created. A member who attempts what only the
game master may do (edit, delete) gets a GraphQL error with ``extensions.code`` FORBIDDEN.

Encounters (fights) follow the same rules; their types, mutations and the live ``combatState``
subscription live in ``encounter_types``, ``encounter_schema`` and ``combat_subscription``.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Sequence
from datetime import datetime
from typing import TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from subgraphs.campaign import services
from subgraphs.campaign.combat_subscription import Subscription
from subgraphs.campaign.encounter_schema import EncounterMutation, EncounterQuery
from subgraphs.campaign.encounter_types import Encounter, campaign_encounters
from subgraphs.campaign.models import CampaignRole, CampaignRow, CampaignType, MembershipRow
from subgraphs.campaign.repository import CampaignRepository, MembershipRepository
from subgraphs.kit.context import (
    Context,
    ContextInfo,
    foreign_ids,
    require_caller,
    require_viewer,
)
from subgraphs.kit.errors import UserError, forbidden
from subgraphs.kit.federation import subgraph_schema
from subgraphs.kit.loaders import grouped_loader, keyed_loader, uuid_or_none
from subgraphs.kit.outcomes import Problem, Rejected, attempt, parse_id, parse_id_or_error
from subgraphs.kit.references import User
from subgraphs.kit.relay import Connection, paged_connection

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
        key = uuid_or_none(self.id)
        if key is None:
            return []  # not an ID this graph issues, so it is in no campaign
        loader = _campaigns_of_characters(info.context, viewer.user_id)
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
        return User.of(self.user_id)

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
        return User.of(self.game_master_id)

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

    @strawberry.field(description="The campaign's encounters (fights), oldest first.")
    async def encounters(
        self, info: ContextInfo, first: int = 20, after: str | None = None
    ) -> Connection[Encounter]:
        viewer = require_viewer(info)
        # Only members ever get a Campaign object; the game master also sees hidden combatants.
        game_master = self.game_master_id == viewer.user_id
        return await campaign_encounters(info, self.key, game_master, first, after)

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
        key = uuid_or_none(id)
        if key is None:
            return None
        row = await _visible_campaigns(info.context, viewer.user_id).load(key)
        return None if row is None else cls.from_row(row)


def _visible_campaigns(
    context: Context, user_id: uuid.UUID
) -> DataLoader[uuid.UUID, CampaignRow | None]:
    async def fetch(
        session: AsyncSession, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, CampaignRow]:
        return await CampaignRepository(session).get_many_visible(ids, user_id)

    return keyed_loader(context, "visible_campaigns", fetch)


def _campaigns_of_characters(
    context: Context, user_id: uuid.UUID
) -> DataLoader[uuid.UUID, list[CampaignRow]]:
    async def fetch(
        session: AsyncSession, character_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[CampaignRow]]:
        return await CampaignRepository(session).joined_by_characters(character_ids, user_id)

    return grouped_loader(context, "campaigns_of_characters", fetch)


async def _members(info: ContextInfo, campaign_id: uuid.UUID) -> list[MembershipRow]:
    async def fetch(
        session: AsyncSession, campaign_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[MembershipRow]]:
        return await MembershipRepository(session).of_campaigns(campaign_ids)

    return await grouped_loader(info.context, "campaign_members", fetch).load(campaign_id)


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
class Query(EncounterQuery):
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
        return await paged_connection(
            info.context.runtime,
            first,
            lambda session: CampaignRepository(session).page_visible(viewer.user_id, first, after),
            Campaign.from_row,
        )


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
class Mutation(EncounterMutation):
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
        caller = require_caller(info)

        async def run() -> CampaignRow:
            ids = _parse_ids(campaignId=input.campaign_id, characterId=input.character_id)
            return await services.join_campaign(
                info.context.runtime.uow(),
                foreign_ids(info),
                caller,
                ids["campaignId"],
                ids["characterId"],
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


schema = subgraph_schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[Campaign, Character, User],
)
