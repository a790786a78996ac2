"""The base repository and unit of work, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from infra.db.errors import ConcurrencyConflict, NotFound
from infra.db.migrations import upgrade
from infra.db.repository import InvalidCursor
from subgraphs.character.app import MIGRATIONS
from subgraphs.character.models import CharacterRow, OutboxEvent
from subgraphs.character.repository import CharacterRepository
from subgraphs.kit.runtime import Runtime
from tests.support import TokenFactory


@pytest.fixture
async def runtime(database_url: str) -> AsyncIterator[Runtime]:
    rt = Runtime.create("character", database_url, OutboxEvent, MIGRATIONS, TokenFactory().verifier)
    await upgrade(rt.engine, rt.migrations)
    await upgrade(rt.engine, rt.migrations)  # applying twice is harmless
    yield rt
    await rt.engine.dispose()


async def _add(runtime: Runtime, name: str = "Ada") -> CharacterRow:
    async with runtime.uow() as uow:
        row = await CharacterRepository(uow.session).add(
            CharacterRow(name=name, level=1, owner_id=uuid.uuid4(), document={})
        )
        await uow.commit()
        return row


async def test_soft_delete_hides_by_default_and_restore_brings_back(runtime: Runtime) -> None:
    row = await _add(runtime)
    async with runtime.uow() as uow:
        repo = CharacterRepository(uow.session)
        loaded = await repo.require(row.id)
        await repo.soft_delete(loaded, expected_version=1)
        await uow.commit()
    async with runtime.sessions() as session:
        repo = CharacterRepository(session)
        assert await repo.get(row.id) is None
        kept = await repo.get(row.id, including_deleted=True)
        assert kept is not None and kept.is_deleted and kept.deleted_at is not None
        assert kept.version == 2
        with pytest.raises(NotFound):
            await repo.require(row.id)
    async with runtime.uow() as uow:
        repo = CharacterRepository(uow.session)
        await repo.restore(await repo.require(row.id, including_deleted=True), expected_version=2)
        await uow.commit()
    async with runtime.sessions() as session:
        restored = await CharacterRepository(session).get(row.id)
        assert restored is not None and not restored.is_deleted and restored.version == 3


async def test_stale_expected_version_is_refused(runtime: Runtime) -> None:
    row = await _add(runtime)
    async with runtime.uow() as uow:
        repo = CharacterRepository(uow.session)
        with pytest.raises(ConcurrencyConflict) as caught:
            await repo.soft_delete(await repo.require(row.id), expected_version=7)
    assert "version 7" in str(caught.value)


async def test_concurrent_writers_cannot_both_win(runtime: Runtime) -> None:
    row = await _add(runtime)
    first, second = runtime.uow(), runtime.uow()
    async with first, second:
        mine = await CharacterRepository(first.session).require(row.id)
        theirs = await CharacterRepository(second.session).require(row.id)
        mine.name = "Mine"
        await first.commit()
        theirs.name = "Theirs"
        with pytest.raises(ConcurrencyConflict):
            await second.commit()
    async with runtime.sessions() as session:
        final = await CharacterRepository(session).require(row.id)
        assert (final.name, final.version) == ("Mine", 2)


async def test_events_are_written_only_with_their_change(runtime: Runtime) -> None:
    async with runtime.uow() as uow:
        row = await CharacterRepository(uow.session).add(
            CharacterRow(name="Kept", level=1, owner_id=uuid.uuid4(), document={})
        )
        uow.emit("character.created", row.id, {"name": "Kept"})
        await uow.commit()
    with pytest.raises(RuntimeError):
        async with runtime.uow() as uow:
            lost = await CharacterRepository(uow.session).add(
                CharacterRow(name="Lost", level=1, owner_id=uuid.uuid4(), document={})
            )
            uow.emit("character.created", lost.id, {"name": "Lost"})
            raise RuntimeError("the use case failed after writing")
    async with runtime.sessions() as session:
        names = (await session.execute(select(CharacterRow.name))).scalars().all()
        events = (await session.execute(select(OutboxEvent.payload))).scalars().all()
        assert names == ["Kept"]
        assert events == [{"name": "Kept"}]
        count = await session.scalar(select(func.count()).select_from(OutboxEvent))
        assert count == 1


async def test_pages_follow_creation_order_and_reject_foreign_cursors(runtime: Runtime) -> None:
    for name in "ABCDE":
        await _add(runtime, name)
    async with runtime.sessions() as session:
        repo = CharacterRepository(session)
        seen: list[str] = []
        after = None
        while True:
            page = await repo.page(2, after)
            seen += [row.name for row in page.items]
            if not page.has_next:
                break
            after = page.cursors[-1]
        assert seen == list("ABCDE")
        with pytest.raises(InvalidCursor):
            await repo.page(2, "not-a-cursor")
