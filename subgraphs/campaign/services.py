"""Use cases of the campaign service. No GraphQL here: plain values in, rows or problems out.

Who may do what:
- anyone signed in creates a campaign and becomes its game master;
- anyone who knows a campaign's ID may join it as a player (the ID works as the invitation);
- members (game master and players) see the campaign; to everybody else it does not exist, so
  acting on it gives ``NotFound`` exactly as for a campaign that was never created;
- only the game master edits or deletes it; a member who tries gets ``NotGameMaster``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from infra.db.errors import NotFound
from infra.db.unit_of_work import UnitOfWork
from subgraphs.campaign.models import CampaignRole, CampaignRow, CampaignType, MembershipRow
from subgraphs.campaign.repository import CampaignRepository, MembershipRepository
from subgraphs.kit.foreign_ids import Caller, ForeignIds, require_own_character
from subgraphs.kit.idempotency import check_idempotency_key, create_once
from subgraphs.kit.outcomes import Problem, Rejected
from subgraphs.kit.text import check_multi_line, check_single_line

MAX_NAME = 120
MAX_DESCRIPTION = 4000
MAX_PLAYERS = 12  # keeps `party` and `members` small enough to be plain lists


class NotGameMaster(Exception):
    """A member tried something only the campaign's game master may do."""


@dataclass(frozen=True)
class NewCampaign:
    name: str
    type: CampaignType
    description: str | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class CampaignChanges:
    id: uuid.UUID
    expected_version: int
    name: str | None = None
    description: str | None = None  # "" clears it


def _check_name(name: str) -> list[Problem]:
    cleaned = name.strip()
    if not cleaned:
        return [Problem(("input", "name"), "NAME_REQUIRED", "A campaign needs a name.")]
    if len(cleaned) > MAX_NAME:
        return [
            Problem(("input", "name"), "NAME_TOO_LONG", f"Names are at most {MAX_NAME} characters.")
        ]
    return check_single_line(cleaned, ("input", "name"))


def _check_description(description: str | None) -> list[Problem]:
    if description is not None and len(description.strip()) > MAX_DESCRIPTION:
        return [
            Problem(
                ("input", "description"),
                "DESCRIPTION_TOO_LONG",
                f"Descriptions are at most {MAX_DESCRIPTION} characters.",
            )
        ]
    return check_multi_line(description, ("input", "description"))


def _clean_description(description: str | None) -> str | None:
    return (description or "").strip() or None


def _event_payload(row: CampaignRow) -> dict[str, object]:
    return {
        "id": str(row.id),
        "gameMasterId": str(row.game_master_id),
        "name": row.name,
        "type": row.type,
        "version": row.version,
    }


def _membership_payload(row: MembershipRow) -> dict[str, object]:
    return {
        "id": str(row.campaign_id),
        "membershipId": str(row.id),
        "userId": str(row.user_id),
        "characterId": None if row.character_id is None else str(row.character_id),
        "role": row.role,
    }


async def create_campaign(
    uow: UnitOfWork, game_master_id: uuid.UUID, new: NewCampaign
) -> CampaignRow:
    problems = (
        _check_name(new.name)
        + _check_description(new.description)
        + check_idempotency_key(new.idempotency_key)
    )
    if problems:
        raise Rejected(*problems)

    async def create() -> CampaignRow:
        # The campaign, its game master's membership and the event: one transaction.
        async with uow:
            row = await CampaignRepository(uow.session).add(
                CampaignRow(
                    name=new.name.strip(),
                    description=_clean_description(new.description),
                    type=new.type.value,
                    game_master_id=game_master_id,
                    idempotency_key=new.idempotency_key,
                )
            )
            # The game master is a member too, so "campaigns I take part in" is one query.
            await MembershipRepository(uow.session).add(
                MembershipRow(
                    campaign_id=row.id, user_id=game_master_id, role=CampaignRole.GAME_MASTER.value
                )
            )
            uow.emit("campaign.created", row.id, _event_payload(row))
            await uow.commit()
            return row

    # A retried request gets the campaign it already created.
    return await create_once(uow, CampaignRepository, game_master_id, new.idempotency_key, create)


async def as_member(
    uow: UnitOfWork,
    user_id: uuid.UUID,
    campaign_id: uuid.UUID,
    *,
    expected_version: int | None = None,
) -> tuple[CampaignRow, MembershipRow]:
    """The campaign and ``user_id``'s membership; ``NotFound`` for a non-member (the campaign's
    existence is not revealed). With ``expected_version``, a campaign changed or deleted since
    the caller read it is a ``ConcurrencyConflict``."""
    membership = await MembershipRepository(uow.session).active_of_user(campaign_id, user_id)
    if membership is None:
        raise NotFound("Campaign", campaign_id)
    campaigns = CampaignRepository(uow.session)
    if expected_version is None:
        return await campaigns.require(campaign_id), membership
    return await campaigns.require_for_change(campaign_id, expected_version), membership


async def as_game_master(
    uow: UnitOfWork,
    user_id: uuid.UUID,
    campaign_id: uuid.UUID,
    *,
    expected_version: int | None = None,
) -> CampaignRow:
    campaign, _ = await as_member(uow, user_id, campaign_id, expected_version=expected_version)
    if campaign.game_master_id != user_id:
        raise NotGameMaster("Only the campaign's game master may do this.")
    return campaign


async def join_campaign(
    uow: UnitOfWork,
    ids: ForeignIds,
    caller: Caller,
    campaign_id: uuid.UUID,
    character_id: uuid.UUID,
) -> CampaignRow:
    """The caller joins as a player, bringing ``character_id`` into the party.

    The character service owns characters: before the party (and so every member) can read
    one, the character service itself must say, through the graph and to the caller, that the
    character exists and is theirs (``require_own_character``). Someone else's character, a
    deleted one and an ID nobody created are the same ``NOT_FOUND`` on ``characterId``.
    """
    user_id = caller.user_id
    await require_own_character(ids, caller, character_id, ("input", "characterId"))
    async with uow:
        campaign = await CampaignRepository(uow.session).get_locked(campaign_id)
        if campaign is None:
            raise NotFound("Campaign", campaign_id)
        members = MembershipRepository(uow.session)
        if await members.active_of_user(campaign_id, user_id) is not None:
            raise Rejected(
                Problem(
                    ("input", "campaignId"),
                    "ALREADY_A_MEMBER",
                    "You already take part in this campaign.",
                )
            )
        if await members.active_of_character(campaign_id, character_id) is not None:
            raise Rejected(
                Problem(
                    ("input", "characterId"),
                    "CHARACTER_ALREADY_IN_CAMPAIGN",
                    "That character is already in this campaign's party.",
                )
            )
        if await members.count_players(campaign_id) >= MAX_PLAYERS:
            raise Rejected(
                Problem(
                    ("input", "campaignId"),
                    "CAMPAIGN_FULL",
                    f"A campaign has at most {MAX_PLAYERS} players.",
                )
            )
        try:
            membership = await members.add(
                MembershipRow(
                    campaign_id=campaign_id,
                    user_id=user_id,
                    character_id=character_id,
                    role=CampaignRole.PLAYER.value,
                )
            )
        except IntegrityError:
            # A concurrent join got there first; the unique indexes are the final word.
            raise Rejected(
                Problem(
                    ("input", "characterId"),
                    "CHARACTER_ALREADY_IN_CAMPAIGN",
                    "You or that character already take part in this campaign.",
                )
            ) from None
        uow.emit("campaign.joined", campaign_id, _membership_payload(membership))
        await uow.commit()
        return campaign


async def leave_campaign(uow: UnitOfWork, user_id: uuid.UUID, campaign_id: uuid.UUID) -> uuid.UUID:
    """The player and their character leave; the membership row is kept, soft-deleted."""
    async with uow:
        _, membership = await as_member(uow, user_id, campaign_id)
        if membership.role == CampaignRole.GAME_MASTER.value:
            raise Rejected(
                Problem(
                    ("input", "campaignId"),
                    "GAME_MASTER_CANNOT_LEAVE",
                    "The game master runs the campaign; delete it instead of leaving.",
                )
            )
        await MembershipRepository(uow.session).soft_delete(membership)
        uow.emit("campaign.left", campaign_id, _membership_payload(membership))
        await uow.commit()
        return campaign_id


async def update_campaign(
    uow: UnitOfWork, user_id: uuid.UUID, changes: CampaignChanges
) -> CampaignRow:
    problems: list[Problem] = []
    if changes.name is not None:
        problems += _check_name(changes.name)
    problems += _check_description(changes.description)
    if problems:
        raise Rejected(*problems)
    async with uow:
        campaign = await as_game_master(
            uow, user_id, changes.id, expected_version=changes.expected_version
        )
        if changes.name is not None:
            campaign.name = changes.name.strip()
        if changes.description is not None:
            campaign.description = _clean_description(changes.description)
        await uow.session.flush()
        uow.emit("campaign.updated", campaign.id, _event_payload(campaign))
        await uow.commit()
        return campaign


async def delete_campaign(
    uow: UnitOfWork, user_id: uuid.UUID, campaign_id: uuid.UUID, expected_version: int
) -> CampaignRow:
    """Soft-delete the campaign only: memberships stay as they are, so a restore loses nothing,
    and every read already ignores members of deleted campaigns."""
    async with uow:
        campaign = await as_game_master(
            uow, user_id, campaign_id, expected_version=expected_version
        )
        await CampaignRepository(uow.session).soft_delete(campaign)
        uow.emit("campaign.deleted", campaign.id, _event_payload(campaign))
        await uow.commit()
        return campaign
