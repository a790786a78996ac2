"""The combat hub: one cache subscription per encounter per process, shared by its subscribers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Collection, Mapping
from typing import Any

import orjson
import pytest

from infra.cache import MemoryCache
from subgraphs.campaign.combat_hub import CombatHub, Feed, ListenerLost, Update
from subgraphs.campaign.encounters import Watcher
from subgraphs.campaign.live import channel

ENCOUNTER = uuid.uuid4()
CAMPAIGN = uuid.uuid4()
GM, ALICE, BOB = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def snapshot(version: int, status: str = "ACTIVE") -> bytes:
    return orjson.dumps(
        {
            "id": str(ENCOUNTER),
            "campaignId": str(CAMPAIGN),
            "name": "Ambush",
            "status": status,
            "round": 1,
            "currentCombatantId": None,
            "version": version,
            "createdAt": "2026-01-01T00:00:00+00:00",
            "combatants": [],
        }
    )


class CountingCache(MemoryCache):
    """The in-process cache, counting the pub/sub subscriptions open on it."""

    def __init__(self) -> None:
        super().__init__()
        self.opened = 0
        self.open = 0

    @contextlib.asynccontextmanager
    async def _counted(self, name: str) -> AsyncIterator[AsyncIterator[bytes]]:
        async with super().subscribe(name) as messages:
            self.opened += 1
            self.open += 1
            try:
                yield messages
            finally:
                self.open -= 1

    def subscribe(self, name: str) -> contextlib.AbstractAsyncContextManager[AsyncIterator[bytes]]:
        return self._counted(name)


class Table:
    """Who takes part: the game master and players, until they leave; counts the lookups."""

    def __init__(self, *players: uuid.UUID) -> None:
        self.players = set(players)
        self.lookups: list[set[uuid.UUID]] = []

    async def __call__(
        self, campaign_id: uuid.UUID, user_ids: Collection[uuid.UUID]
    ) -> Mapping[uuid.UUID, Watcher]:
        assert campaign_id == CAMPAIGN
        self.lookups.append(set(user_ids))
        standing = {GM: Watcher(game_master=True)} | {p: Watcher(False) for p in self.players}
        return {user: standing[user] for user in user_ids if user in standing}


async def received(feed: Feed) -> Update:
    return await asyncio.wait_for(anext(feed), 5)


async def publish(cache: MemoryCache, *messages: bytes) -> None:
    for message in messages:
        assert await cache.publish(channel(ENCOUNTER), message) == 1
    await asyncio.sleep(0.01)  # let the listener hand them out


async def test_many_subscribers_share_one_subscription_and_one_lookup_per_snapshot() -> None:
    cache, table = CountingCache(), Table(ALICE, BOB)
    hub = CombatHub(cache, table)
    async with contextlib.AsyncExitStack() as stack:
        feeds = [
            await stack.enter_async_context(hub.follow(ENCOUNTER, u)) for u in (GM, ALICE, BOB)
        ]
        assert (cache.opened, cache.open, hub.listeners()) == (1, 1, 1)
        await publish(cache, snapshot(2), snapshot(3))
        for feed in feeds:
            assert [(await received(feed)).state.version for _ in range(2)] == [2, 3]
        gm_update = await hub_update(feeds[0], cache, 4)
        assert gm_update.watcher == Watcher(game_master=True)
        assert (await received(feeds[1])).watcher == Watcher(game_master=False)
        # One lookup per snapshot for all three, not one per subscriber.
        assert table.lookups == [{GM, ALICE, BOB}] * 3
    assert (cache.opened, cache.open, hub.listeners()) == (1, 0, 0)


async def hub_update(feed: Feed, cache: MemoryCache, version: int) -> Update:
    await publish(cache, snapshot(version))
    return await received(feed)


async def test_the_last_subscriber_to_leave_unsubscribes_and_a_new_one_listens_again() -> None:
    cache = CountingCache()
    hub = CombatHub(cache, Table(ALICE, BOB))
    async with hub.follow(ENCOUNTER, ALICE):
        async with hub.follow(ENCOUNTER, BOB):
            pass
        assert cache.open == 1  # Alice still listens
        assert (await hub_update_of(hub, cache)).state.version == 2
    assert (cache.open, hub.listeners()) == (0, 0)
    assert await cache.publish(channel(ENCOUNTER), snapshot(3)) == 0  # nobody hears it
    async with hub.follow(ENCOUNTER, BOB) as feed:
        assert (cache.opened, cache.open) == (2, 1)
        assert (await hub_update(feed, cache, 4)).state.version == 4


async def hub_update_of(hub: CombatHub, cache: MemoryCache) -> Update:
    async with hub.follow(ENCOUNTER, BOB) as feed:
        return await hub_update(feed, cache, 2)


async def test_a_slow_subscriber_keeps_the_newest_snapshots_and_never_loses_the_end(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache = MemoryCache()
    hub = CombatHub(cache, Table(ALICE, BOB), backlog=4)
    async with hub.follow(ENCOUNTER, ALICE) as slow, hub.follow(ENCOUNTER, BOB) as quick:
        versions: list[int] = []
        for version in range(2, 12):
            await publish(cache, snapshot(version))
            versions.append((await received(quick)).state.version)
        await publish(cache, snapshot(12, status="ENDED"), snapshot(13))
        assert versions == list(range(2, 12))
        assert (await received(quick)).state.version == 12
        # The slow one missed the older ones, not the present; its stream still goes forward
        # and ends with the end of the encounter (nothing is queued after it).
        late = [(await received(slow)).state for _ in range(4)]
        assert [s.version for s in late] == [9, 10, 11, 12]
        assert late[-1].status.value == "ENDED"
        assert slow.dropped == 7 and quick.dropped == 0
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(slow), 0.05)
    assert "falls behind" in caplog.text


async def test_a_viewer_who_leaves_gets_no_standing_while_the_others_go_on() -> None:
    cache, table = MemoryCache(), Table(ALICE, BOB)
    hub = CombatHub(cache, table)
    async with hub.follow(ENCOUNTER, ALICE) as alice, hub.follow(ENCOUNTER, BOB) as bob:
        await publish(cache, snapshot(2))
        assert (await received(alice)).watcher is not None
        assert (await received(bob)).watcher is not None
        table.players.discard(ALICE)  # Alice leaves the campaign
        await publish(cache, snapshot(3), snapshot(4))
        gone = await received(alice)
        assert (gone.state.version, gone.watcher, gone.final) == (3, None, True)
        with pytest.raises(TimeoutError):  # nothing after the loss
            await asyncio.wait_for(anext(alice), 0.05)
        assert [(await received(bob)).state.version for _ in range(2)] == [3, 4]


async def test_repeats_late_arrivals_and_malformed_messages_are_skipped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache, table = MemoryCache(), Table(ALICE)
    hub = CombatHub(cache, table)
    async with hub.follow(ENCOUNTER, ALICE) as feed:
        with caplog.at_level(logging.ERROR):
            await publish(cache, snapshot(3), b"{not json", snapshot(3), snapshot(2), snapshot(5))
        assert [(await received(feed)).state.version for _ in range(2)] == [3, 5]
        assert "malformed" in caplog.text
        assert len(table.lookups) == 2  # nothing is looked up for what is dropped


async def test_a_failed_lookup_hands_out_nothing_and_the_next_snapshot_asks_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache, table = MemoryCache(), Table(ALICE)
    failures = [RuntimeError("database down")]

    async def flaky(campaign_id: uuid.UUID, users: Collection[uuid.UUID]) -> Any:
        if failures:
            raise failures.pop()
        return await table(campaign_id, users)

    hub = CombatHub(cache, flaky)
    async with hub.follow(ENCOUNTER, ALICE) as feed:
        await publish(cache, snapshot(2), snapshot(3))
        assert (await received(feed)).state.version == 3
    assert "could not check who watches" in caplog.text


class BrokenCache(MemoryCache):
    """A cache whose channel breaks after it was subscribed (a lost Redis connection)."""

    def __init__(self, *, quietly: bool = False) -> None:
        super().__init__()
        self.breaks = asyncio.Event()
        self.quietly = quietly  # the messages just stop, with no error

    @contextlib.asynccontextmanager
    async def _breaking(self, name: str) -> AsyncIterator[AsyncIterator[bytes]]:
        async def messages() -> AsyncIterator[bytes]:
            await self.breaks.wait()
            if not self.quietly:
                raise ConnectionError("connection lost")
            return
            yield b""  # pragma: no cover  (an async generator)

        yield messages()

    def subscribe(self, name: str) -> contextlib.AbstractAsyncContextManager[AsyncIterator[bytes]]:
        return self._breaking(name)


@pytest.mark.parametrize("quietly", [False, True])
async def test_a_broken_channel_tells_every_subscriber_to_subscribe_again(quietly: bool) -> None:
    cache = BrokenCache(quietly=quietly)
    hub = CombatHub(cache, Table(ALICE, BOB))
    async with hub.follow(ENCOUNTER, ALICE) as alice, hub.follow(ENCOUNTER, BOB) as bob:
        cache.breaks.set()
        for feed in (alice, bob):
            with pytest.raises(ListenerLost):
                await received(feed)
        # A newcomer meanwhile gets a listener of its own rather than the dead one.
        cache.breaks.clear()
        async with hub.follow(ENCOUNTER, GM):
            assert hub.listeners() == 1


async def test_a_subscription_that_cannot_listen_fails_at_once() -> None:
    class Refusing(MemoryCache):
        @contextlib.asynccontextmanager
        async def _refuse(self, name: str) -> AsyncIterator[AsyncIterator[bytes]]:
            raise ConnectionError("no cache")
            yield  # pragma: no cover

        def subscribe(
            self, name: str
        ) -> contextlib.AbstractAsyncContextManager[AsyncIterator[bytes]]:
            return self._refuse(name)

    hub = CombatHub(Refusing(), Table(ALICE))
    with pytest.raises(ConnectionError):
        async with hub.follow(ENCOUNTER, ALICE):
            pass
    assert hub.listeners() == 0
