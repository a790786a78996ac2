"""The unit of work turns every lost race into one ``ConcurrencyConflict`` naming the entity as
players know it: a stale version found at a flush in the middle of a use case or at the commit,
SQLite's "database is locked", PostgreSQL's deadlock. Real databases, real races."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import String, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from infra.db.engine import create_engine, session_factory
from infra.db.errors import ConcurrencyConflict, NotFound
from infra.db.model import EntityMixin, OutboxMixin, entity_name
from infra.db.repository import Repository
from infra.db.unit_of_work import UnitOfWork


class Base(DeclarativeBase):
    pass


class TreasureMapRow(EntityMixin, Base):
    __tablename__ = "treasure_maps"
    title: Mapped[str] = mapped_column(String(80), nullable=False)


class SecretNoteRow(EntityMixin, Base):
    __tablename__ = "secret_notes"
    entity_label = "Game master's note"
    text: Mapped[str] = mapped_column(String(80), nullable=False)


class OutboxEvent(OutboxMixin, Base):
    pass


class Maps(Repository[TreasureMapRow]):
    model = TreasureMapRow


async def _ready(engine: AsyncEngine) -> UnitOfWork:
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    return UnitOfWork(session_factory(engine), OutboxEvent)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


async def _new_map(uow: UnitOfWork) -> uuid.UUID:
    async with uow:
        row = await Maps(uow.session).add(TreasureMapRow(title="X marks the spot"))
        await uow.commit()
        return row.id


def test_entities_are_named_as_players_know_them() -> None:
    assert entity_name(TreasureMapRow) == "Treasure map"
    assert entity_name(SecretNoteRow) == "Game master's note"
    assert Maps.__new__(Maps).kind == "Treasure map"


async def test_a_stale_version_found_at_a_flush_is_a_conflict_about_the_guarded_entity(
    engine: AsyncEngine,
) -> None:
    uow = await _ready(engine)
    map_id = await _new_map(uow)
    mine, theirs = UnitOfWork(uow._sessions, OutboxEvent), UnitOfWork(uow._sessions, OutboxEvent)
    with pytest.raises(ConcurrencyConflict) as caught:
        async with mine:
            row = await Maps(mine.session).require(map_id)
            Maps(mine.session).check_version(row, 1)  # true when read
            async with theirs:  # someone else changes it and commits first
                other = await Maps(theirs.session).require(map_id)
                other.title = "Theirs"
                await theirs.commit()
            row.title = "Mine"
            await mine.session.flush()  # the use case flushes before it commits
    message = str(caught.value)
    assert message.startswith(f"Treasure map {map_id} was changed by someone else since version 1")
    assert "Row" not in message
    async with uow:
        stored = await Maps(uow.session).require(map_id)
        assert (stored.title, stored.version) == ("Theirs", 2)


async def test_a_write_without_a_version_check_names_what_it_was_writing(
    engine: AsyncEngine,
) -> None:
    uow = await _ready(engine)
    map_id = await _new_map(uow)
    mine, theirs = UnitOfWork(uow._sessions, OutboxEvent), UnitOfWork(uow._sessions, OutboxEvent)
    with pytest.raises(ConcurrencyConflict, match=r"^Treasure map "):
        async with mine:
            row = await Maps(mine.session).require(map_id)
            async with theirs:
                (await Maps(theirs.session).require(map_id)).title = "Theirs"
                await theirs.commit()
            row.title = "Mine"
            await mine.commit()  # found at the commit this time


async def test_a_deleted_row_is_a_conflict_for_a_stale_caller_and_absent_for_a_current_one(
    engine: AsyncEngine,
) -> None:
    uow = await _ready(engine)
    map_id = await _new_map(uow)
    async with uow:
        maps = Maps(uow.session)
        await maps.soft_delete(await maps.require_for_change(map_id, 1))
        await uow.commit()
    async with uow:
        with pytest.raises(ConcurrencyConflict):
            await Maps(uow.session).require_for_change(map_id, 1)
    async with uow:
        with pytest.raises(NotFound, match=r"^Treasure map "):
            await Maps(uow.session).require_for_change(map_id, 2)
    async with uow:
        with pytest.raises(NotFound):  # refused rows are absent, whatever the version
            await Maps(uow.session).require_for_change(map_id, 7, allowed=lambda _: False)


async def test_sqlite_database_is_locked_is_a_conflict(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    # The stack waits 30 s for a lock; this engine gives up at once, as a busy one finally does.
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}", connect_args={"timeout": 0})
    try:
        uow = await _ready(engine)
        map_id = await _new_map(uow)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            with pytest.raises(ConcurrencyConflict, match=r"^Treasure map "):
                async with uow:
                    maps = Maps(uow.session)
                    row = await maps.require(map_id)
                    maps.check_version(row, 1)
                    row.title = "Blocked"
                    await uow.commit()
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    finally:
        await engine.dispose()


async def test_a_postgres_deadlock_is_a_conflict(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    try:
        uow = await _ready(engine)
        first_id, second_id = await _new_map(uow), await _new_map(uow)
        both_locked_one = asyncio.Barrier(2)

        async def cross(mine: uuid.UUID, theirs: uuid.UUID) -> BaseException | None:
            work = UnitOfWork(uow._sessions, OutboxEvent)
            try:
                async with work:
                    maps = Maps(work.session)
                    row = (
                        await work.session.execute(
                            select(TreasureMapRow)
                            .where(TreasureMapRow.id == mine)
                            .with_for_update()
                        )
                    ).scalar_one()
                    maps.check_version(row, 1)
                    await both_locked_one.wait()
                    await work.session.execute(
                        select(TreasureMapRow).where(TreasureMapRow.id == theirs).with_for_update()
                    )
                    row.title = "Crossed"
                    await work.commit()
            except BaseException as exc:
                return exc
            return None

        outcomes = await asyncio.gather(cross(first_id, second_id), cross(second_id, first_id))
        failures = [outcome for outcome in outcomes if outcome is not None]
        assert len(failures) == 1, outcomes  # PostgreSQL broke the deadlock by failing one
        assert isinstance(failures[0], ConcurrencyConflict), repr(failures[0])
        assert str(failures[0]).startswith("Treasure map ")
    finally:
        await engine.dispose()
