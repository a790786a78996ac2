"""Reading and writing homebrew entries (soft delete and versions from the base repository)."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, select

from infra.db.repository import Page, Repository
from subgraphs.catalog.models import HomebrewEntryRow


class HomebrewRepository(Repository[HomebrewEntryRow]):
    model = HomebrewEntryRow

    async def by_slug(self, slug: str) -> HomebrewEntryRow | None:
        statement = self.select().where(HomebrewEntryRow.slug == slug)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def by_idempotency_key(self, author_id: uuid.UUID, key: str) -> HomebrewEntryRow | None:
        # Deleted rows count too: a retried create must not resurrect a second copy.
        statement = select(HomebrewEntryRow).where(
            HomebrewEntryRow.author_id == author_id, HomebrewEntryRow.idempotency_key == key
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def slugs_starting(self, prefix: str) -> set[str]:
        """Every slug (deleted ones too, slugs are never reused) beginning with ``prefix``."""
        statement = select(HomebrewEntryRow.slug).where(HomebrewEntryRow.slug.startswith(prefix))
        return set((await self.session.execute(statement)).scalars())

    def listed(
        self, *, author_id: uuid.UUID | None = None, kind: str | None = None
    ) -> Select[HomebrewEntryRow]:
        """The author's entries, or (``author_id`` None) the published ones; of one kind."""
        statement = self.select()
        if author_id is not None:
            statement = statement.where(HomebrewEntryRow.author_id == author_id)
        else:
            statement = statement.where(HomebrewEntryRow.visibility == "PUBLISHED")
        if kind is not None:
            statement = statement.where(HomebrewEntryRow.kind == kind)
        return statement

    async def page_of(
        self, statement: Select[HomebrewEntryRow], first: int, after: str | None
    ) -> Page[HomebrewEntryRow]:
        return await self.page(first, after, statement=statement)
