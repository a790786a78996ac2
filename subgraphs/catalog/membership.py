"""The catalog's projection of campaign membership, kept up to date from campaign events.

The campaign service owns who takes part in which campaign, and subgraphs never call each other.
So the catalog consumes the campaign service's domain events from the event bus (consumer group
``catalog-campaign-membership``) and keeps its own table, ``campaign_memberships``, which the
homebrew visibility rule asks: "is this user a member of one of these campaigns?".

Events and what they do to the projection:

* ``campaign.created`` — the game master becomes a member (row keyed by the campaign's ID);
* ``campaign.joined``  — the player becomes a member (row keyed by the membership's ID);
* ``campaign.left``    — that membership ends (its row is soft-deleted);
* ``campaign.deleted`` — every membership of the campaign ends, the game master's included.

Delivery is at least once and not necessarily in order (a failed handler's event comes back
later, after newer ones). Two things make the projection correct anyway:

* *Duplicates*: each handled event's ID is written to ``processed_events`` in the same
  transaction as its effect, so a redelivered event is skipped, even after a restart.
* *Order*: a row stands for one membership of the campaign service, and a membership only ever
  goes from joined to left, never back (rejoining creates a new membership with a new ID). So a
  row, once ended, is never revived: a stale ``joined`` arriving after its ``left`` finds the
  ended row and changes nothing; a ``left`` arriving first records the ended row straight away.
  Likewise the game master's row, ended by ``campaign.deleted``, marks the whole campaign as
  ended: a late ``created`` or ``joined`` cannot bring it back, and reads ignore every member of
  an ended campaign (which also covers a ``joined`` handled concurrently with the deletion).
  No clock is compared, so clock skew between the campaign service's replicas cannot matter.

A malformed campaign event (missing or invalid IDs) is logged and skipped rather than retried
forever: retrying cannot fix its content.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from infra.bus import Event, EventBus, InMemoryProcessedEvents, consumer_name, run_consumer
from infra.db.model import utcnow
from subgraphs.catalog.models import CampaignMembershipRow, ProcessedEventRow
from subgraphs.kit.runtime import Runtime

log = logging.getLogger("dndcreator.catalog.membership")

GROUP = "catalog-campaign-membership"
CREATED = "campaign.created"
JOINED = "campaign.joined"
LEFT = "campaign.left"
DELETED = "campaign.deleted"
HANDLED = frozenset({CREATED, JOINED, LEFT, DELETED})
GAME_MASTER = "GAME_MASTER"
PLAYER = "PLAYER"


class MalformedCampaignEvent(ValueError):
    """A campaign event whose payload lacks the IDs the projection needs."""


@dataclass(frozen=True)
class MembershipFact:
    """What one campaign event says about one membership."""

    kind: str  # one of HANDLED
    campaign_id: uuid.UUID
    user_id: uuid.UUID
    membership_key: uuid.UUID  # the membership's ID; the campaign's ID for its game master
    role: str


def _uuid(payload: dict[str, Any], name: str, event: Event) -> uuid.UUID:
    value = payload.get(name)
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise MalformedCampaignEvent(
            f"{event.type} event {event.id} has no valid {name!r} (got {value!r})"
        ) from None


def read_fact(event: Event) -> MembershipFact:
    """The membership fact of a campaign event; ``MalformedCampaignEvent`` if it lacks IDs."""
    if event.type not in HANDLED:
        raise ValueError(f"not a campaign membership event: {event.type!r}")
    campaign_id = event.aggregate_id  # every campaign event is about its campaign
    if event.type in (CREATED, DELETED):
        game_master = _uuid(event.payload, "gameMasterId", event)
        return MembershipFact(event.type, campaign_id, game_master, campaign_id, GAME_MASTER)
    return MembershipFact(
        event.type,
        campaign_id,
        _uuid(event.payload, "userId", event),
        _uuid(event.payload, "membershipId", event),
        str(event.payload.get("role") or PLAYER),
    )


class CampaignMemberships:
    """Reads and writes of ``campaign_memberships`` within one session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_key(self, key: uuid.UUID) -> CampaignMembershipRow | None:
        """The row of one membership, ended or not."""
        statement = select(CampaignMembershipRow).where(CampaignMembershipRow.membership_key == key)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def campaign_ended(self, campaign_id: uuid.UUID) -> bool:
        """Whether the campaign was deleted (its game master's row is ended)."""
        row = await self.by_key(campaign_id)
        return row is not None and row.is_deleted

    def _add(self, fact: MembershipFact, *, ended: bool) -> None:
        self.session.add(
            CampaignMembershipRow(
                membership_key=fact.membership_key,
                campaign_id=fact.campaign_id,
                user_id=fact.user_id,
                role=fact.role,
                is_deleted=ended,
                deleted_at=utcnow() if ended else None,
            )
        )

    async def begin(self, fact: MembershipFact) -> None:
        """A membership starts, unless it is already known (begun, or ended: never revived)."""
        if await self.by_key(fact.membership_key) is not None:
            return
        # A join that arrives after its campaign was deleted is recorded, but as ended.
        ended = fact.membership_key != fact.campaign_id and await self.campaign_ended(
            fact.campaign_id
        )
        self._add(fact, ended=ended)

    async def end(self, fact: MembershipFact) -> None:
        """A membership ends; recorded as ended even if its start has not arrived yet."""
        row = await self.by_key(fact.membership_key)
        if row is None:
            self._add(fact, ended=True)
        elif not row.is_deleted:
            row.is_deleted, row.deleted_at = True, utcnow()

    async def end_campaign(self, fact: MembershipFact) -> None:
        """The campaign is deleted: its game master's row and every other row end."""
        await self.end(fact)
        await self.session.execute(
            update(CampaignMembershipRow)
            .where(
                CampaignMembershipRow.campaign_id == fact.campaign_id,
                CampaignMembershipRow.is_deleted.is_(False),
            )
            .values(
                is_deleted=True,
                deleted_at=utcnow(),
                updated_at=utcnow(),
                version=CampaignMembershipRow.version + 1,
            )
            .execution_options(synchronize_session=False)
        )

    async def is_member_of_any(self, user_id: uuid.UUID, campaign_ids: Iterable[uuid.UUID]) -> bool:
        """Whether ``user_id`` currently takes part in at least one of ``campaign_ids``."""
        wanted = list(campaign_ids)
        if not wanted:
            return False
        campaign = aliased(CampaignMembershipRow)
        campaign_ended = exists().where(
            campaign.membership_key == CampaignMembershipRow.campaign_id,
            campaign.is_deleted.is_(True),
        )
        statement = (
            select(CampaignMembershipRow.id)
            .where(
                CampaignMembershipRow.user_id == user_id,
                CampaignMembershipRow.campaign_id.in_(wanted),
                CampaignMembershipRow.is_deleted.is_(False),
                ~campaign_ended,
            )
            .limit(1)
        )
        return (await self.session.execute(statement)).first() is not None


async def _already_processed(session: AsyncSession, event_id: uuid.UUID) -> bool:
    statement = select(ProcessedEventRow.id).where(
        ProcessedEventRow.consumer_group == GROUP, ProcessedEventRow.event_id == event_id
    )
    return (await session.execute(statement)).first() is not None


async def apply_campaign_event(sessions: async_sessionmaker[AsyncSession], event: Event) -> bool:
    """Bring the projection up to date with one event; ``True`` if it was applied now.

    Other event types, events already processed and malformed campaign events return ``False``.
    A database failure (including a unique-key race with another replica) propagates, so the
    delivery is not acknowledged and comes back.
    """
    if event.type not in HANDLED:
        return False
    try:
        fact = read_fact(event)
    except MalformedCampaignEvent as exc:
        log.error("skipping a campaign event the catalog cannot use: %s", exc)
        return False
    async with sessions() as session, session.begin():
        if await _already_processed(session, event.id):
            return False
        memberships = CampaignMemberships(session)
        if fact.kind in (CREATED, JOINED):
            await memberships.begin(fact)
        elif fact.kind == LEFT:
            await memberships.end(fact)
        else:
            await memberships.end_campaign(fact)
        session.add(
            ProcessedEventRow(consumer_group=GROUP, event_id=event.id, event_type=event.type)
        )
    return True


async def consume_campaign_membership(runtime: Runtime) -> None:
    """Keep the projection up to date until cancelled (a consumer of ``subgraphs.kit.app``)."""
    bus: EventBus | None = runtime.ports.get("bus")
    if bus is None:
        log.warning("no event bus configured: campaign membership will not be kept up to date")
        return

    async def handle(event: Event) -> None:
        await apply_campaign_event(runtime.sessions, event)

    await run_consumer(
        bus,
        group=GROUP,
        consumer=consumer_name(runtime.name),
        handler=handle,
        # The database is the authority on what was processed; this only saves it a query when
        # the bus hands this process the same event again.
        processed=InMemoryProcessedEvents(capacity=10_000),
    )
