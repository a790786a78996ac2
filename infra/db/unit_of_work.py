"""The unit of work: one transaction around a use case, its repositories and its domain events.

Events recorded with ``emit`` are written to the service's outbox table inside the same
transaction, so they exist exactly when the change they describe was committed.
"""

from __future__ import annotations

import uuid
from types import TracebackType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from infra.db.errors import ConcurrencyConflict
from infra.db.model import OutboxMixin


class UnitOfWork:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], outbox_model: type[OutboxMixin]
    ) -> None:
        self._sessions = sessions
        self._outbox_model = outbox_model
        self.session: AsyncSession

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._sessions()
        await self.session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is not None:
                await self.session.rollback()
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
        except StaleDataError as exc:
            await self.session.rollback()
            raise ConcurrencyConflict("record", "being saved") from exc
