"""Rows that belong to one user: listed per owner, created at most once per idempotency key.

Characters, assets and generations all have an ``owner_id`` and an ``idempotency_key`` column
with a unique constraint on the pair; their repositories share these queries.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from sqlalchemy import select

from infra.db.model import EntityMixin
from infra.db.repository import Page, Repository

E = TypeVar("E", bound=EntityMixin)


class OwnedRepository(Repository[E]):
    """A repository whose model has ``owner_id`` and ``idempotency_key`` columns."""

    async def page_owned_by(self, owner_id: uuid.UUID, first: int, after: str | None) -> Page[E]:
        return await self.page(
            first, after, statement=self.select().where(self.model.owner_id == owner_id)
        )

    async def by_idempotency_key(self, owner_id: uuid.UUID, key: str) -> E | None:
        # Deleted rows count too: a retried request must not create a second row.
        statement = select(self.model).where(
            self.model.owner_id == owner_id, self.model.idempotency_key == key
        )
        found: E | None = (await self.session.execute(statement)).scalar_one_or_none()
        return found
