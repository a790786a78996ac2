"""A subgraph's own projection of campaign membership, kept up to date from campaign events.

The campaign service owns who takes part in which campaign (and with which character), and
subgraphs never call each other. A subgraph that must know (the catalog: may this member read
homebrew shared with the campaign? the character service: is this viewer the game master of a
campaign this character plays in?) consumes the campaign service's domain events from the bus
under a consumer group of its own, and keeps the answers in two tables of its own database,
declared with the mixins below:

* ``campaign_memberships`` (``CampaignMembershipMixin``): one row per membership of the campaign
  service, keyed by ``membership_key`` — a player's membership ID, or the campaign's own ID for
  its game master, whose membership begins with the campaign and ends only when it is deleted.
  A player's row also holds the character they brought;
* ``processed_events`` (``ProcessedEventMixin``): each handled event's ID, per consumer group.

Events and what they do to the projection:

* ``campaign.created`` — the game master becomes a member (row keyed by the campaign's ID);
* ``campaign.joined``  — the player (and their character) becomes a member;
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
forever: retrying cannot fix its content. The projection lags the campaign service by the
bus's delivery time: someone who just joined may wait a moment.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, String, UniqueConstraint, Uuid, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, aliased, mapped_column

from infra.bus import Event, EventBus, InMemoryProcessedEvents, consumer_name, run_consumer
from infra.db.model import EntityMixin, utcnow
from subgraphs.kit.runtime import Runtime

log = logging.getLogger("dndcreator.campaign_membership")

CREATED = "campaign.created"
JOINED = "campaign.joined"
LEFT = "campaign.left"
DELETED = "campaign.deleted"
HANDLED = frozenset({CREATED, JOINED, LEFT, DELETED})
GAME_MASTER = "GAME_MASTER"
PLAYER = "PLAYER"


class CampaignMembershipMixin(EntityMixin):
    """A subgraph's copy of one membership of the campaign service (see the module)."""

    __tablename__ = "campaign_memberships"

    membership_key: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, unique=True)
    campaign_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(20), nullable=False)  # GAME_MASTER | PLAYER
    # The character a player brought (the campaign service's word for it; see ``peers``).
    character_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)


class ProcessedEventMixin(EntityMixin):
    """An event a consumer group has handled, recorded in the same transaction as its effect,
    so a redelivered event is recognised even after a restart."""

    __tablename__ = "processed_events"
    __table_args__ = (UniqueConstraint("consumer_group", "event_id"),)

    consumer_group: Mapped[str] = mapped_column(String(80), nullable=False)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    event_type: Mapped[str] = mapped_column(String(120), nullable=False)


Row = TypeVar("Row", bound=CampaignMembershipMixin)


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
    character_id: uuid.UUID | None = None


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
    character = event.payload.get("characterId")
    return MembershipFact(
        event.type,
        campaign_id,
        _uuid(event.payload, "userId", event),
        _uuid(event.payload, "membershipId", event),
        str(event.payload.get("role") or PLAYER),
        None if character is None else _uuid(event.payload, "characterId", event),
    )


@dataclass(frozen=True)
class Peer:
    """A live membership sharing a campaign with a character: who, in which role, and who
    brought the character there."""

    character_id: uuid.UUID
    brought_by: uuid.UUID
    viewer_role: str


class CampaignMemberships(Generic[Row]):
    """Reads and writes of one subgraph's ``campaign_memberships`` within one session."""

    def __init__(self, session: AsyncSession, model: type[Row]) -> None:
        self.session, self.model = session, model

    async def by_key(self, key: uuid.UUID) -> Row | None:
        """The row of one membership, ended or not."""
        statement = select(self.model).where(self.model.membership_key == key)
        row: Row | None = (await self.session.execute(statement)).scalar_one_or_none()
        return row

    async def campaign_ended(self, campaign_id: uuid.UUID) -> bool:
        """Whether the campaign was deleted (its game master's row is ended)."""
        row = await self.by_key(campaign_id)
        return row is not None and row.is_deleted

    def _add(self, fact: MembershipFact, *, ended: bool) -> None:
        row = self.model()  # a mixin's columns: set one by one, as its subclass maps them
        row.membership_key, row.campaign_id = fact.membership_key, fact.campaign_id
        row.user_id, row.role, row.character_id = fact.user_id, fact.role, fact.character_id
        row.is_deleted, row.deleted_at = ended, utcnow() if ended else None
        self.session.add(row)

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
        model = self.model
        await self.session.execute(
            update(model)
            .where(model.campaign_id == fact.campaign_id, model.is_deleted.is_(False))
            .values(
                is_deleted=True,
                deleted_at=utcnow(),
                updated_at=utcnow(),
                version=model.version + 1,
            )
            .execution_options(synchronize_session=False)
        )

    def _live(self, row: Any) -> ColumnElement[bool]:
        """``row`` (the model or an alias of it) is a live membership of a live campaign."""
        campaign = aliased(self.model)
        campaign_ended = exists().where(
            campaign.membership_key == row.campaign_id, campaign.is_deleted.is_(True)
        )
        live: ColumnElement[bool] = row.is_deleted.is_(False) & ~campaign_ended
        return live

    async def is_member_of_any(self, user_id: uuid.UUID, campaign_ids: Iterable[uuid.UUID]) -> bool:
        """Whether ``user_id`` currently takes part in at least one of ``campaign_ids``."""
        wanted = list(campaign_ids)
        if not wanted:
            return False
        model = self.model
        statement = (
            select(model.id)
            .where(model.user_id == user_id, model.campaign_id.in_(wanted), self._live(model))
            .limit(1)
        )
        return (await self.session.execute(statement)).first() is not None

    async def peers(self, viewer: uuid.UUID, character_ids: Sequence[uuid.UUID]) -> list[Peer]:
        """Where ``viewer`` takes part (live) in a live campaign that one of ``character_ids``
        plays in: one ``Peer`` per such pair, with the viewer's role there."""
        if not character_ids:
            return []
        played, viewing = aliased(self.model), aliased(self.model)
        statement = (
            select(played.character_id, played.user_id, viewing.role)
            .join(viewing, viewing.campaign_id == played.campaign_id)
            .where(
                played.character_id.in_(list(character_ids)),
                viewing.user_id == viewer,
                self._live(played),
                self._live(viewing),
            )
        )
        rows = (await self.session.execute(statement)).all()
        return [
            Peer(character, brought_by, role)
            for character, brought_by, role in rows
            if character is not None
        ]


class MembershipProjection(Generic[Row]):
    """One subgraph's projection: its two tables and its consumer group."""

    def __init__(
        self, membership_model: type[Row], processed_model: type[ProcessedEventMixin], group: str
    ) -> None:
        self.membership_model, self.processed_model, self.group = (
            membership_model,
            processed_model,
            group,
        )

    def memberships(self, session: AsyncSession) -> CampaignMemberships[Row]:
        return CampaignMemberships(session, self.membership_model)

    async def _already_processed(self, session: AsyncSession, event_id: uuid.UUID) -> bool:
        processed = self.processed_model
        statement = select(processed.id).where(
            processed.consumer_group == self.group, processed.event_id == event_id
        )
        return (await session.execute(statement)).first() is not None

    async def apply(self, sessions: async_sessionmaker[AsyncSession], event: Event) -> bool:
        """Bring the projection up to date with one event; ``True`` if it was applied now.

        Other event types, events already processed and malformed campaign events return
        ``False``. A database failure (including a unique-key race with another replica)
        propagates, so the delivery is not acknowledged and comes back.
        """
        if event.type not in HANDLED:
            return False
        try:
            fact = read_fact(event)
        except MalformedCampaignEvent as exc:
            log.error("skipping a campaign event %s cannot use: %s", self.group, exc)
            return False
        async with sessions() as session, session.begin():
            if await self._already_processed(session, event.id):
                return False
            memberships = self.memberships(session)
            if fact.kind in (CREATED, JOINED):
                await memberships.begin(fact)
            elif fact.kind == LEFT:
                await memberships.end(fact)
            else:
                await memberships.end_campaign(fact)
            processed = self.processed_model()
            processed.consumer_group, processed.event_id = self.group, event.id
            processed.event_type = event.type
            session.add(processed)
        return True

    async def consume(self, runtime: Runtime) -> None:
        """Keep the projection up to date until cancelled (a consumer of ``subgraphs.kit.app``)."""
        bus: EventBus | None = runtime.ports.get("bus")
        if bus is None:
            log.warning("no event bus: %s will not be kept up to date", self.group)
            return

        async def handle(event: Event) -> None:
            await self.apply(runtime.sessions, event)

        await run_consumer(
            bus,
            group=self.group,
            consumer=consumer_name(runtime.name),
            handler=handle,
            # The database is the authority on what was processed; this only saves it a query
            # when the bus hands this process the same event again.
            processed=InMemoryProcessedEvents(capacity=10_000),
        )
