"""Reading and writing catalog entries.

Catalog lists are ordered by slug (alphabetical within a kind), not by creation time as other
lists are: a re-import must not reshuffle pages, and players expect spells A to Z. Cursors are
therefore keyed on the unique slug.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, func, select

from infra.db.repository import InvalidCursor, Page, Repository
from subgraphs.catalog.models import (
    CatalogEntryMixin,
    CatalogSourceRow,
    ClassRow,
    SpellClassRow,
    SpellRow,
)

Entry = TypeVar("Entry", bound=CatalogEntryMixin)

CURSOR_PREFIX = "slug:"


def encode_slug_cursor(slug: str) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{slug}".encode()).decode()


def decode_slug_cursor(cursor: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raw = ""
    if not raw.startswith(CURSOR_PREFIX):
        raise InvalidCursor(f"cursor {cursor!r} is not one this API issued")
    return raw[len(CURSOR_PREFIX) :]


class CatalogRepository(Repository[Entry]):
    """Lookups by slug and slug-ordered pages, for any kind of catalog entry."""

    async def by_slug(self, slug: str) -> Entry | None:
        statement = self.select().where(self.model.slug == slug)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def by_slugs(self, slugs: Sequence[str]) -> dict[str, Entry]:
        if not slugs:
            return {}
        statement = self.select().where(self.model.slug.in_(list(slugs)))
        return {row.slug: row for row in (await self.session.execute(statement)).scalars()}

    async def all_by_slug(self) -> dict[str, Entry]:
        """Every entry, deleted ones included: the importer's view when it upserts."""
        rows = await self.session.execute(self.select(including_deleted=True))
        return {row.slug: row for row in rows.scalars()}

    async def count(self) -> int:
        statement = (
            select(func.count()).select_from(self.model).where(self.model.is_deleted.is_(False))
        )
        return int((await self.session.execute(statement)).scalar_one())

    async def page_by_slug(
        self, first: int, after: str | None, statement: Select[Any] | None = None
    ) -> Page[Entry]:
        query: Select[Any] = self.select() if statement is None else statement
        if after is not None:
            query = query.where(self.model.slug > decode_slug_cursor(after))
        query = query.order_by(self.model.slug).limit(first + 1)
        rows = list((await self.session.execute(query)).scalars())
        items = rows[:first]
        return Page(
            items=items,
            has_next=len(rows) > first,
            cursors=[encode_slug_cursor(row.slug) for row in items],
        )


@dataclass(frozen=True)
class SpellFilter:
    level: int | None = None
    school: str | None = None
    class_slug: str | None = None
    concentration: bool | None = None
    ritual: bool | None = None


class SpellRepository(CatalogRepository[SpellRow]):
    model = SpellRow

    def filtered(self, where: SpellFilter) -> Select[Any]:
        statement: Select[Any] = self.select()
        if where.level is not None:
            statement = statement.where(SpellRow.level == where.level)
        if where.school is not None:
            statement = statement.where(SpellRow.school == where.school)
        if where.concentration is not None:
            statement = statement.where(SpellRow.concentration.is_(where.concentration))
        if where.ritual is not None:
            statement = statement.where(SpellRow.ritual.is_(where.ritual))
        if where.class_slug is not None:
            on_list = select(SpellClassRow.spell_id).where(
                SpellClassRow.class_slug == where.class_slug,
                SpellClassRow.is_deleted.is_(False),
            )
            statement = statement.where(SpellRow.id.in_(on_list))
        return statement

    async def page_matching(
        self, where: SpellFilter, first: int, after: str | None
    ) -> Page[SpellRow]:
        return await self.page_by_slug(first, after, self.filtered(where))


class SpellClassRepository(Repository[SpellClassRow]):
    model = SpellClassRow

    async def class_slugs_of(self, spell_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
        found: dict[uuid.UUID, list[str]] = {spell_id: [] for spell_id in spell_ids}
        if not spell_ids:
            return found
        statement = (
            self.select()
            .where(SpellClassRow.spell_id.in_(list(spell_ids)))
            .order_by(SpellClassRow.class_slug)
        )
        for row in (await self.session.execute(statement)).scalars():
            found[row.spell_id].append(row.class_slug)
        return found

    async def all_by_pair(self) -> dict[tuple[uuid.UUID, str], SpellClassRow]:
        rows = await self.session.execute(self.select(including_deleted=True))
        return {(row.spell_id, row.class_slug): row for row in rows.scalars()}


class ClassRepository(CatalogRepository[ClassRow]):
    model = ClassRow


class SourceRepository(Repository[CatalogSourceRow]):
    model = CatalogSourceRow

    async def all_by_key(self) -> dict[str, CatalogSourceRow]:
        rows = await self.session.execute(self.select(including_deleted=True))
        return {row.key: row for row in rows.scalars()}

    async def listed(self) -> list[CatalogSourceRow]:
        rows = await self.session.execute(self.select().order_by(CatalogSourceRow.key))
        return list(rows.scalars())
