"""Keeping the search index in step with the catalog tables.

``synchronise`` reads every live entry, compares digests with what the index holds, and sends only
the difference: new and changed entries are upserted, entries that were deleted (soft-deleted
rows are not "live") or renamed away are removed. Running it twice changes nothing the second
time, so it is safe at every start-up and after every import.

``Freshness`` decides when to run it while serving: every catalog change writes a ``catalog.*``
event to the catalog's outbox in the same transaction (an import from the CLI in another
process included), so the newest such event is a cheap watermark of "the catalog changed".
It is read at most once per ``check_every`` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from infra.search.port import SearchIndex
from subgraphs.catalog.models import OutboxEvent
from subgraphs.catalog.search.content import catalog_documents
from subgraphs.catalog.search.profiles import Profiles

log = logging.getLogger("dndcreator.catalog.search")

UPSERT_BATCH = 500


@dataclass
class SyncReport:
    upserted: int
    removed: int
    total: int
    seconds: float


async def synchronise(
    sessions: async_sessionmaker[AsyncSession], index: SearchIndex, profiles: Profiles
) -> SyncReport:
    started = time.perf_counter()
    async with sessions() as session:
        documents = await catalog_documents(session)
    indexed = await index.digests()
    wanted = {d.slug for d in documents}
    changed = [d for d in documents if indexed.get(d.slug) != d.digest]
    gone = [slug for slug in indexed if slug not in wanted]
    for start in range(0, len(changed), UPSERT_BATCH):
        await index.upsert(changed[start : start + UPSERT_BATCH])
    if gone:
        await index.remove(gone)
    await profiles.rebuild(documents)
    return SyncReport(len(changed), len(gone), len(documents), time.perf_counter() - started)


async def catalog_watermark(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many ``catalog.*`` events exist and when the newest was written."""
    statement = select(func.count(), func.max(OutboxEvent.created_at)).where(
        OutboxEvent.type.like("catalog.%")
    )
    count, newest = (await session.execute(statement)).one()
    return int(count), newest


class Freshness:
    """Re-synchronise the index when the catalog's outbox shows a change since the last sync."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        index: SearchIndex,
        profiles: Profiles,
        check_every: float = 1.0,
    ) -> None:
        self.sessions, self.index, self.profiles = sessions, index, profiles
        self.check_every = check_every
        self._seen: tuple[int, datetime | None] | None = None
        self._checked_at = float("-inf")
        self._lock = asyncio.Lock()

    async def sync(self) -> SyncReport:
        """Synchronise now (start-up, or a test that just imported)."""
        async with self._lock:
            async with self.sessions() as session:
                watermark = await catalog_watermark(session)
            report = await synchronise(self.sessions, self.index, self.profiles)
            self._seen, self._checked_at = watermark, time.monotonic()
        if report.upserted or report.removed:
            log.info(
                "search index synchronised in %.2f s: %d upserted, %d removed, %d entries",
                report.seconds,
                report.upserted,
                report.removed,
                report.total,
            )
        return report

    async def ensure(self) -> None:
        """Before a search: synchronise if the catalog changed (checked at most every so often)."""
        if time.monotonic() - self._checked_at < self.check_every:
            return
        self._checked_at = time.monotonic()
        async with self.sessions() as session:
            watermark = await catalog_watermark(session)
        if watermark != self._seen:
            await self.sync()
