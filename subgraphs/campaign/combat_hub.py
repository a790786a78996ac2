"""One listener per encounter channel per process, shared by every local ``combatState``.

Without it, each subscription opened its own cache subscription (with Redis: its own
connection), decoded every message itself and asked the database, per event, whether its viewer
still takes part. Here the first local subscriber of an encounter starts one listener on
``campaign:encounter:<id>``; the listener decodes each snapshot once, drops repeats and late
arrivals (its stream never goes back), asks once who of the current subscribers may still watch
(``encounters.watchers_of``), and hands each subscriber the snapshot with its viewer's standing. The
last subscriber to leave stops the listener, which unsubscribes.

A subscriber that does not keep up (its client reads slowly) holds at most ``BACKLOG``
snapshots: the oldest are dropped. Every snapshot is the whole encounter, so a late reader
loses only intermediate states, never the present one, and its stream still never goes back;
the end of the encounter and the loss of membership are the newest snapshots, so they are never
the ones dropped. Closing such a subscriber with an error (as the router's outbox does) would
make its client resubscribe only to read the same latest state again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass

from infra.cache import Cache
from subgraphs.campaign import encounters, live
from subgraphs.campaign.combat_state import EncounterState
from subgraphs.campaign.encounters import Watcher
from subgraphs.campaign.models import EncounterStatus
from subgraphs.kit.runtime import Runtime

log = logging.getLogger("dndcreator.campaign.combat_hub")

BACKLOG = 16
HUB_PORT = "combat-hub"

# (campaign, users) -> how each of them may watch now; a user who may not is absent.
Members = Callable[[uuid.UUID, Collection[uuid.UUID]], Awaitable[Mapping[uuid.UUID, Watcher]]]


@dataclass(frozen=True)
class Update:
    """A new snapshot for one subscriber; ``watcher`` is ``None`` once its viewer may not see
    the encounter any more (as of now, whatever the snapshot's version)."""

    state: EncounterState
    watcher: Watcher | None

    @property
    def final(self) -> bool:
        return self.watcher is None or self.state.status == EncounterStatus.ENDED


class ListenerLost(Exception):
    """The shared listener stopped (e.g. the cache connection broke): subscribe again."""


class Feed:
    """One subscriber's bounded queue of updates, filled by the listener."""

    def __init__(self, user_id: uuid.UUID, backlog: int) -> None:
        self.user_id = user_id
        self.dropped = 0
        self._queue: asyncio.Queue[Update | ListenerLost] = asyncio.Queue(maxsize=backlog)
        self._finished = False  # nothing more after a final update or an error

    def offer(self, item: Update | ListenerLost) -> None:
        if self._finished:
            return
        if self._queue.full():
            self._queue.get_nowait()  # the oldest: every snapshot is the whole encounter
            self.dropped += 1
            if self.dropped == 1:
                log.warning("a combatState subscriber falls behind; skipping older snapshots")
        self._queue.put_nowait(item)
        self._finished = isinstance(item, ListenerLost) or item.final

    def __aiter__(self) -> Feed:
        return self

    async def __anext__(self) -> Update:
        item = await self._queue.get()
        if isinstance(item, ListenerLost):
            raise item
        return item


class _Listener:
    """The one cache subscription of an encounter in this process, and its subscribers."""

    def __init__(self, cache: Cache, encounter_id: uuid.UUID, members: Members) -> None:
        self.feeds: set[Feed] = set()
        self._cache, self._encounter_id, self._members = cache, encounter_id, members
        self._listening: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._newest = 0  # the version last handed out
        self.task = asyncio.create_task(self._run(), name=f"combat-listener-{encounter_id}")

    async def listening(self) -> None:
        """Return once the channel is subscribed (raise if that failed)."""
        # Shielded: one subscriber giving up must not cancel the wait of the others.
        await asyncio.shield(self._listening)

    async def stop(self) -> None:
        self.task.cancel()
        await asyncio.wait([self.task])
        if self._listening.done() and not self._listening.cancelled():
            self._listening.exception()  # retrieved: nobody is left to be told

    async def _run(self) -> None:
        try:
            async with self._cache.subscribe(live.channel(self._encounter_id)) as messages:
                self._listening.set_result(None)
                async for state in live.snapshots(messages):
                    if state.version > self._newest:
                        self._newest = state.version
                        await self._hand_out(state)
            raise ConnectionError("the cache ended the channel's subscription")
        except Exception as exc:
            if not self._listening.done():
                self._listening.set_exception(exc)
                return
            log.exception("the combat state listener of encounter %s stopped", self._encounter_id)
            for feed in list(self.feeds):
                feed.offer(ListenerLost("Live combat updates were interrupted; subscribe again."))
        finally:
            if not self._listening.done():
                self._listening.cancel()

    async def _hand_out(self, state: EncounterState) -> None:
        feeds = list(self.feeds)
        if not feeds:
            return
        try:
            standing = await self._members(state.campaign_id, {feed.user_id for feed in feeds})
        except Exception:
            # Deny by default: nobody gets this snapshot; the next one asks again.
            log.exception("could not check who watches encounter %s", self._encounter_id)
            return
        for feed in feeds:
            feed.offer(Update(state, standing.get(feed.user_id)))


class CombatHub:
    """The listeners of this process, one per encounter that has local subscribers."""

    def __init__(self, cache: Cache, members: Members, backlog: int = BACKLOG) -> None:
        self._cache, self._members, self._backlog = cache, members, backlog
        self._listeners: dict[uuid.UUID, _Listener] = {}

    def listeners(self) -> int:
        """How many encounter channels this process listens to now."""
        return len(self._listeners)

    @contextlib.asynccontextmanager
    async def follow(self, encounter_id: uuid.UUID, user_id: uuid.UUID) -> AsyncIterator[Feed]:
        """The updates of ``encounter_id`` for ``user_id``; the channel is listened to once
        the ``async with`` block is entered, so a state read inside it misses nothing."""
        listener = self._listeners.get(encounter_id)
        if listener is None or listener.task.done():
            listener = _Listener(self._cache, encounter_id, self._members)
            self._listeners[encounter_id] = listener
        feed = Feed(user_id, self._backlog)
        listener.feeds.add(feed)
        try:
            await listener.listening()
            yield feed
        finally:
            listener.feeds.discard(feed)
            if not listener.feeds:
                if self._listeners.get(encounter_id) is listener:
                    del self._listeners[encounter_id]
                await listener.stop()


def hub_of(runtime: Runtime) -> CombatHub:
    """The process's hub for ``runtime``, made on first use."""
    hub: CombatHub | None = runtime.ports.get(HUB_PORT)
    if hub is None:

        async def members(
            campaign_id: uuid.UUID, user_ids: Collection[uuid.UUID]
        ) -> Mapping[uuid.UUID, Watcher]:
            return await encounters.watchers_of(runtime.uow(), campaign_id, user_ids)

        hub = CombatHub(live.cache_of(runtime), members)
        runtime.ports[HUB_PORT] = hub
    return hub
