"""The unit of work: one transaction around a use case, its repositories and its domain events.

Events recorded with ``emit`` are written to the service's outbox table inside the same
transaction, so they exist exactly when the change they describe was committed.

It is also the one place where a lost race becomes a ``ConcurrencyConflict``, for every
service: whether the database noticed at a flush in the middle of the use case or at the
commit, and whether it noticed as a stale version (SQLAlchemy's ``StaleDataError``: another
writer's UPDATE moved the version ours expected) or as a lock or serialization failure
(PostgreSQL's deadlock and serialization errors, SQLite's "database is locked"). The conflict
names the entity the use case guarded with ``Repository.check_version``, as players know it.
"""

from __future__ import annotations

import uuid
from types import TracebackType
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from infra.db.errors import ConcurrencyConflict
from infra.db.model import EntityMixin, OutboxMixin, entity_name

# PostgreSQL's "the transaction lost a race, try it again" states: serialization_failure,
# deadlock_detected, lock_not_available.
RETRY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
# SQLite's primary result codes for a database or table another connection holds.
SQLITE_BUSY, SQLITE_LOCKED = 5, 6
_GUARDED = "dndcreator.guarded"


def remember_guarded(
    session: AsyncSession, kind: str, id: uuid.UUID, expected_version: int | None
) -> None:
    """Note which entity (and which version of it) the use case is changing, so a conflict the
    database reports later can name it."""
    session.info[_GUARDED] = (kind, id, expected_version)


def is_lost_race(error: BaseException) -> bool:
    """Whether ``error`` means another transaction got there first (retrying may succeed)."""
    if isinstance(error, StaleDataError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    if getattr(original, "sqlstate", None) in RETRY_SQLSTATES:
        return True
    code = getattr(original, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)


def _note_what_is_written(session: Session, *_: Any) -> None:
    """Before a flush of a use case that checked no version: remember an entity it changes."""
    if _GUARDED in session.info:
        return
    for entity in session.dirty:
        if isinstance(entity, EntityMixin) and not isinstance(entity, OutboxMixin):
            session.info[_GUARDED] = (entity_name(type(entity)), entity.id, None)
            return


def _conflict(session: AsyncSession) -> ConcurrencyConflict:
    guarded = session.info.get(_GUARDED)
    if guarded is None:
        return ConcurrencyConflict("This record", "being saved")
    kind, id, expected = guarded
    return ConcurrencyConflict(kind, id, expected)


class UnitOfWork:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], outbox_model: type[OutboxMixin]
    ) -> None:
        self._sessions = sessions
        self._outbox_model = outbox_model
        self.session: AsyncSession

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._sessions()
        event.listen(self.session.sync_session, "before_flush", _note_what_is_written)
        await self.session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc is not None:
                conflict = _conflict(self.session) if is_lost_race(exc) else None
                await self.session.rollback()
                if conflict is not None:
                    raise conflict from exc
        finally:
            await self.session.close()

    def emit(self, type: str, aggregate_id: uuid.UUID, payload: dict[str, Any]) -> None:
        """Record a domain event; it is published only if the transaction commits."""
        event = self._outbox_model()
        event.type, event.aggregate_id, event.payload = type, aggregate_id, payload
        self.session.add(event)

    async def commit(self) -> None:
        try:
            await self.session.commit()
        except Exception as exc:
            if not is_lost_race(exc):
                raise
            conflict = _conflict(self.session)
            await self.session.rollback()
            raise conflict from exc
