"""The catalog's projection of campaign membership, and homebrew shared with a campaign.

Three levels: the projection itself (events applied directly, duplicated and out of order), the
catalog service consuming campaign events from an in-memory bus, and the real campaign service
relaying its outbox to the same bus. Each on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from infra.bus import Event, InMemoryEventBus
from infra.db.engine import create_engine, session_factory
from infra.db.migrations import upgrade
from subgraphs.campaign import app as campaign_app
from subgraphs.campaign import models as campaign_models
from subgraphs.campaign.schema import schema as campaign_schema
from subgraphs.catalog.app import MIGRATIONS, NAME
from subgraphs.catalog.membership import (
    GROUP,
    CampaignMemberships,
    apply_campaign_event,
    consume_campaign_membership,
)
from subgraphs.catalog.models import HomebrewEntryRow, OutboxEvent, ProcessedEventRow
from subgraphs.catalog.schema import schema as catalog_schema
from subgraphs.kit.app import create_app
from subgraphs.kit.foreign_ids import ForeignIds
from subgraphs.kit.runtime import Runtime
from tests.graph import BackgroundGraph
from tests.support import TokenFactory, asgi_client, free_port, gql

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[Sessions]:
    """Sessions on a migrated, empty catalog database."""
    engine = create_engine(database_url)
    await upgrade(engine, MIGRATIONS)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


# --- campaign events as the campaign service writes them ------------------------------------


def created(campaign: uuid.UUID, game_master: uuid.UUID) -> Event:
    payload = {"id": str(campaign), "gameMasterId": str(game_master), "name": "C", "version": 1}
    return Event("campaign.created", campaign, payload)


def deleted(campaign: uuid.UUID, game_master: uuid.UUID) -> Event:
    payload = {"id": str(campaign), "gameMasterId": str(game_master), "name": "C", "version": 2}
    return Event("campaign.deleted", campaign, payload)


def _membership(kind: str, campaign: uuid.UUID, user: uuid.UUID, membership: uuid.UUID) -> Event:
    payload = {
        "id": str(campaign),
        "membershipId": str(membership),
        "userId": str(user),
        "characterId": str(uuid.uuid4()),
        "role": "PLAYER",
    }
    return Event(f"campaign.{kind}", campaign, payload)


def joined(campaign: uuid.UUID, user: uuid.UUID, membership: uuid.UUID) -> Event:
    return _membership("joined", campaign, user, membership)


def left(campaign: uuid.UUID, user: uuid.UUID, membership: uuid.UUID) -> Event:
    return _membership("left", campaign, user, membership)


async def is_member(sessions: Sessions, user: uuid.UUID, campaign: uuid.UUID) -> bool:
    async with sessions() as session:
        return await CampaignMemberships(session).is_member_of_any(user, [campaign])


async def apply_all(sessions: Sessions, events: list[Event]) -> list[bool]:
    return [await apply_campaign_event(sessions, event) for event in events]


# --- the projection ---------------------------------------------------------------------------


async def test_created_joined_left_with_duplicates(sessions: Sessions) -> None:
    campaign, game_master, player, stranger = (uuid.uuid4() for _ in range(4))
    membership = uuid.uuid4()
    first_join = joined(campaign, player, membership)
    applied = await apply_all(
        sessions, [created(campaign, game_master), first_join, first_join, first_join]
    )
    assert applied == [True, True, False, False]  # the repeats are recognised and skipped
    assert await is_member(sessions, game_master, campaign)
    assert await is_member(sessions, player, campaign)
    assert not await is_member(sessions, stranger, campaign)
    assert not await is_member(sessions, player, uuid.uuid4())

    leaving = left(campaign, player, membership)
    assert await apply_all(sessions, [leaving, leaving]) == [True, False]
    assert not await is_member(sessions, player, campaign)
    assert await is_member(sessions, game_master, campaign)

    # The ended membership is kept, soft-deleted; each handled event is recorded once.
    async with sessions() as session:
        memberships = CampaignMemberships(session)
        row = await memberships.by_key(membership)
        assert row is not None and row.is_deleted and row.deleted_at is not None
        recorded = await session.execute(
            select(ProcessedEventRow.event_id).where(ProcessedEventRow.consumer_group == GROUP)
        )
        handled = {first_join.id, leaving.id}
        assert handled <= set(recorded.scalars())


async def test_a_stale_join_after_the_leave_does_not_resurrect(sessions: Sessions) -> None:
    campaign, game_master, player = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    first, second = uuid.uuid4(), uuid.uuid4()
    # What happened: join (first), leave (first), join again (second). Delivered: the rejoin,
    # then the leave, then the first join (redelivered after a failure).
    await apply_all(
        sessions,
        [
            created(campaign, game_master),
            joined(campaign, player, second),
            left(campaign, player, first),
            joined(campaign, player, first),
        ],
    )
    assert await is_member(sessions, player, campaign)  # through the second membership

    # Only a leave then a late join of the same membership: not a member.
    other = uuid.uuid4()
    membership = uuid.uuid4()
    await apply_all(
        sessions, [left(campaign, other, membership), joined(campaign, other, membership)]
    )
    assert not await is_member(sessions, other, campaign)


async def test_deleting_a_campaign_ends_every_membership_for_good(sessions: Sessions) -> None:
    campaign, game_master, player, latecomer = (uuid.uuid4() for _ in range(4))
    await apply_all(
        sessions,
        [
            created(campaign, game_master),
            joined(campaign, player, uuid.uuid4()),
            deleted(campaign, game_master),
            # Stale deliveries after the deletion: neither brings the campaign back.
            joined(campaign, latecomer, uuid.uuid4()),
            created(campaign, game_master),
        ],
    )
    for user in (game_master, player, latecomer):
        assert not await is_member(sessions, user, campaign)


async def test_a_deletion_seen_before_the_creation_still_wins(sessions: Sessions) -> None:
    campaign, game_master, player = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await apply_all(
        sessions,
        [
            joined(campaign, player, uuid.uuid4()),
            deleted(campaign, game_master),
            created(campaign, game_master),
        ],
    )
    assert not await is_member(sessions, game_master, campaign)
    assert not await is_member(sessions, player, campaign)


async def test_any_delivery_order_with_repeats_gives_the_same_members(sessions: Sessions) -> None:
    """A history (create, joins, a leave, a rejoin) delivered shuffled with duplicates."""
    shuffler = random.Random(20261126)
    for _ in range(12):
        campaign, game_master = uuid.uuid4(), uuid.uuid4()
        stays, leaves, rejoins = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        first_of_rejoiner = uuid.uuid4()
        history = [
            created(campaign, game_master),
            joined(campaign, stays, uuid.uuid4()),
            (join_leaver := joined(campaign, leaves, uuid.uuid4())),
            left(campaign, leaves, uuid.UUID(join_leaver.payload["membershipId"])),
            joined(campaign, rejoins, first_of_rejoiner),
            left(campaign, rejoins, first_of_rejoiner),
            joined(campaign, rejoins, uuid.uuid4()),
        ]
        deliveries = history + shuffler.sample(history, 3)  # some events come twice
        shuffler.shuffle(deliveries)
        await apply_all(sessions, deliveries)
        members = {
            user
            for user in (game_master, stays, leaves, rejoins)
            if await is_member(sessions, user, campaign)
        }
        assert members == {game_master, stays, rejoins}, deliveries


async def test_other_and_malformed_events_are_skipped(sessions: Sessions) -> None:
    campaign = uuid.uuid4()
    other = Event("character.created", uuid.uuid4(), {"id": "x"})
    broken = Event("campaign.joined", campaign, {"userId": "not-an-id", "membershipId": None})
    assert await apply_all(sessions, [other, broken]) == [False, False]
    async with sessions() as session:
        recorded = await session.execute(
            select(ProcessedEventRow.event_id).where(
                ProcessedEventRow.event_id.in_([other.id, broken.id])
            )
        )
        assert list(recorded.scalars()) == []


# --- the catalog service consuming the bus -----------------------------------------------------

SPELL = {
    "level": 1,
    "school": "evocation",
    "range_kind": "distance",
    "range_feet": 60,
    "duration": "Instantaneous",
    "damage_roll": "2d6",
    "damage_types": ["fire"],
}
CREATE = """mutation($input: CreateHomebrewInput!) {
  createHomebrew(input: $input) { entry { id version } userErrors { code } } }"""
SHARE = """mutation($input: ShareHomebrewInput!) {
  shareHomebrew(input: $input) { entry { id sharedCampaignIds } userErrors { code } } }"""
BY_ID = "query($id: ID!) { homebrewEntry(id: $id) { id name } }"


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait until ``check`` holds: the consumer runs in the background (a generous deadline,
    so a slow machine is not a failure; the check is the assertion)."""
    for _ in range(400):
        if await check():
            return
        await asyncio.sleep(0.025)
    pytest.fail(f"timed out waiting until {what}")


class Catalog:
    """A catalog service whose only bus is ``bus``, with a consumer of campaign events."""

    def __init__(self, http: httpx.AsyncClient, tokens: TokenFactory, runtime: Runtime) -> None:
        self.http, self.tokens, self.runtime = http, tokens, runtime

    async def call(self, user: uuid.UUID, query: str, variables: dict[str, Any]) -> Any:
        body = await gql(self.http, query, variables, self.tokens.headers(user))
        assert "errors" not in body, body
        return next(iter(body["data"].values()))

    async def shared_entry(self, author: uuid.UUID, campaign: uuid.UUID) -> str:
        """An entry of ``author``'s shared with ``campaign``. shareHomebrew asks the campaign
        service, through the graph, whether the author takes part (tests/catalog/
        test_homebrew.py tries that); here the sharing is stored as that use case stores it,
        so these tests keep to what they are about: the projection deciding who reads."""
        new = {"kind": "SPELL", "name": "Table Spark", "mechanics": SPELL}
        entry = (await self.call(author, CREATE, {"input": new}))["entry"]
        async with self.runtime.sessions() as session, session.begin():
            row = await session.get(HomebrewEntryRow, uuid.UUID(entry["id"]))
            assert row is not None
            row.shared_campaign_ids = [str(campaign)]
        return str(entry["id"])

    async def reads(self, user: uuid.UUID, entry_id: str) -> bool:
        return await self.call(user, BY_ID, {"id": entry_id}) is not None

    async def processed(self, *events: Event) -> bool:
        ids = [event.id for event in events]
        async with self.runtime.sessions() as session:
            statement = select(ProcessedEventRow.event_id).where(
                ProcessedEventRow.event_id.in_(ids)
            )
            return set((await session.execute(statement)).scalars()) == set(ids)


async def _catalog(url: str, bus: InMemoryEventBus, tokens: TokenFactory) -> tuple[Any, Runtime]:
    # No router here: creating a plain homebrew entry asks the graph nothing.
    unreachable = ForeignIds(f"http://127.0.0.1:{free_port()}/graphql")
    runtime = Runtime.create(
        NAME, url, OutboxEvent, MIGRATIONS, tokens.verifier, bus=bus, foreign_ids=unreachable
    )
    app = create_app(catalog_schema, runtime, consumers=[consume_campaign_membership])
    return app, runtime


async def test_members_read_homebrew_shared_with_their_campaign(database_url: str) -> None:
    bus, tokens = InMemoryEventBus(), TokenFactory()
    app, runtime = await _catalog(database_url, bus, tokens)
    author, game_master, player, stranger = (uuid.uuid4() for _ in range(4))
    campaign, membership = uuid.uuid4(), uuid.uuid4()
    async with asgi_client(app) as http:
        catalog = Catalog(http, tokens, runtime)
        entry = await catalog.shared_entry(author, campaign)
        assert not await catalog.reads(player, entry)  # nobody is a member yet

        events = [created(campaign, game_master), joined(campaign, player, membership)]
        for event in events:
            await bus.publish(event)
        await eventually(lambda: catalog.processed(*events), "the catalog consumed the events")
        assert await catalog.reads(player, entry)
        assert await catalog.reads(game_master, entry)
        assert await catalog.reads(author, entry)
        assert not await catalog.reads(stranger, entry)

        leaving = left(campaign, player, membership)
        await bus.publish(leaving)
        await bus.publish(events[1])  # a stale copy of the join, after the leave
        # One consumer handles the topic in order: once this marker is done, so is the copy.
        marker = created(uuid.uuid4(), uuid.uuid4())
        await bus.publish(marker)
        await eventually(lambda: catalog.processed(leaving, marker), "the catalog caught up")
        assert not await catalog.reads(player, entry)
        assert await catalog.reads(game_master, entry)


# --- through the real campaign service ---------------------------------------------------------

CAMPAIGN_CREATE = """mutation($input: CreateCampaignInput!) {
  createCampaign(input: $input) { campaign { id } userErrors { code } } }"""
CAMPAIGN_JOIN = """mutation($input: JoinCampaignInput!) {
  joinCampaign(input: $input) { campaign { id } userErrors { code } } }"""
CAMPAIGN_LEAVE = """mutation($input: LeaveCampaignInput!) {
  leaveCampaign(input: $input) { campaignId userErrors { code } } }"""


async def test_joining_through_the_campaign_service_opens_shared_homebrew(
    database_url: str, tmp_path: Any, graph: BackgroundGraph
) -> None:
    """The campaign service relays its outbox to the bus; the catalog consumes from it. The
    campaign service checks through the (background) graph that the player owns the
    character they bring."""
    bus, tokens = InMemoryEventBus(), graph.tokens
    catalog_app, catalog_runtime = await _catalog(database_url, bus, tokens)
    campaign_runtime = Runtime.create(
        campaign_app.NAME,
        f"sqlite+aiosqlite:///{tmp_path / 'campaign.db'}",
        campaign_models.OutboxEvent,
        campaign_app.MIGRATIONS,
        tokens.verifier,
        bus=bus,
        foreign_ids=ForeignIds(graph.router_url),
    )
    game_master, player, stranger = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    async with (
        asgi_client(catalog_app) as catalog_http,
        asgi_client(create_app(campaign_schema, campaign_runtime)) as campaign_http,
    ):
        catalog = Catalog(catalog_http, tokens, catalog_runtime)

        async def campaign_call(user: uuid.UUID, query: str, input: dict[str, Any]) -> Any:
            body = await gql(campaign_http, query, {"input": input}, tokens.headers(user))
            assert "errors" not in body, body
            payload = next(iter(body["data"].values()))
            assert payload["userErrors"] == [], payload
            return payload

        made = await campaign_call(
            game_master, CAMPAIGN_CREATE, {"name": "Ember Coast", "type": "TRADITIONAL"}
        )
        campaign = uuid.UUID(made["campaign"]["id"])
        entry = await catalog.shared_entry(game_master, campaign)
        character = await graph.character(player)
        await campaign_call(
            player, CAMPAIGN_JOIN, {"campaignId": str(campaign), "characterId": character}
        )
        await eventually(lambda: catalog.reads(player, entry), "the player can read the entry")
        assert not await catalog.reads(stranger, entry)

        await campaign_call(player, CAMPAIGN_LEAVE, {"campaignId": str(campaign)})
        await eventually(
            lambda: _cannot_read(catalog, player, entry), "the player no longer reads it"
        )
        assert await catalog.reads(game_master, entry)


async def _cannot_read(catalog: Catalog, user: uuid.UUID, entry: str) -> bool:
    return not await catalog.reads(user, entry)
