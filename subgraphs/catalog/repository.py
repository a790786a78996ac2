"""Reading and writing catalog entries.

Catalog lists are ordered by slug (alphabetical within a kind) by default, not by creation time
as other lists are: a re-import must not reshuffle pages, and players expect spells A to Z. A list
may also be sorted by another column (name, level, Challenge Rating, ...). Cursors carry the sort
column's value and the unique slug, which breaks ties, so paging stays exact whatever the sort
(``page_sorted``).
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, String, and_, cast, func, or_, select

from infra.db.repository import InvalidCursor, Page, Repository
from subgraphs.catalog.models import (
    CatalogEntryMixin,
    CatalogSourceRow,
    ClassRow,
    SpellClassRow,
    SpellRow,
)

Entry = TypeVar("Entry", bound=CatalogEntryMixin)

SORTED_PREFIX = "sorted:"


def encode_sorted_cursor(column: str, value: object, slug: str) -> str:
    raw = SORTED_PREFIX + json.dumps([column, value, slug])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_sorted_cursor(cursor: str, column: str) -> tuple[Any, str]:
    """The sort value and slug in a cursor issued for ``column``; ``InvalidCursor`` otherwise.

    A cursor from a list in another order would compare values of another type, so it is
    refused as plainly as a forged one.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        issued_for, value, slug = json.loads(raw.removeprefix(SORTED_PREFIX))
    except (ValueError, UnicodeDecodeError, TypeError):
        raise InvalidCursor(f"cursor {cursor!r} is not one this API issued") from None
    plain = value is None or isinstance(value, int | float | str)
    if not raw.startswith(SORTED_PREFIX) or not isinstance(slug, str) or not plain:
        raise InvalidCursor(f"cursor {cursor!r} is not one this API issued")
    if issued_for != column:
        raise InvalidCursor(f"cursor {cursor!r} belongs to a list in another order")
    return value, slug


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

    async def page_sorted(
        self,
        statement: Select[Any],
        sort_column: str,
        descending: bool,
        first: int,
        after: str | None,
    ) -> Page[Entry]:
        """A page of ``statement`` ordered by ``sort_column`` (then slug), after a cursor."""
        column = getattr(self.model, sort_column)
        slug_column = self.model.slug
        if after is not None:
            value, slug = decode_sorted_cursor(after, sort_column)
            numeric = column.type.python_type in (int, float)
            if isinstance(value, bool) or not isinstance(value, (int | float) if numeric else str):
                raise InvalidCursor(f"cursor {after!r} is not one this API issued")
            beyond: ColumnElement[bool] = column < value if descending else column > value
            statement = statement.where(or_(beyond, and_(column == value, slug_column > slug)))
        ordering = column.desc() if descending else column.asc()
        statement = statement.order_by(ordering, slug_column).limit(first + 1)
        rows = list((await self.session.execute(statement)).scalars())
        items = rows[:first]
        return Page(
            items=items,
            has_next=len(rows) > first,
            cursors=[
                encode_sorted_cursor(sort_column, getattr(row, sort_column), row.slug)
                for row in items
            ],
        )


@dataclass(frozen=True)
class SpellFilter:
    level: int | None = None
    school: str | None = None
    class_slug: str | None = None
    concentration: bool | None = None
    ritual: bool | None = None
    damage_type: str | None = None
    saving_throw: str | None = None


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
        if where.saving_throw is not None:
            statement = statement.where(SpellRow.saving_throw == where.saving_throw)
        if where.damage_type is not None:
            # A JSON list column: match the quoted value inside its text, portable across
            # SQLite and PostgreSQL (damage types are plain lowercase words).
            text = cast(SpellRow.damage_types, String)
            statement = statement.where(text.like(f'%"{where.damage_type}"%'))
        if where.class_slug is not None:
            on_list = select(SpellClassRow.spell_id).where(
                SpellClassRow.class_slug == where.class_slug,
                SpellClassRow.is_deleted.is_(False),
            )
            statement = statement.where(SpellRow.id.in_(on_list))
        return statement


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


_REPOSITORIES: dict[Any, type[CatalogRepository[Any]]] = {}


def repository_for(model: Any) -> type[CatalogRepository[Any]]:
    """The repository class of any catalog table (made once per table, then reused)."""
    if model not in _REPOSITORIES:
        name = f"{model.__name__.removesuffix('Row')}Repository"
        _REPOSITORIES[model] = type(name, (CatalogRepository,), {"model": model})
    return _REPOSITORIES[model]


class SourceRepository(Repository[CatalogSourceRow]):
    model = CatalogSourceRow

    async def all_by_key(self) -> dict[str, CatalogSourceRow]:
        rows = await self.session.execute(self.select(including_deleted=True))
        return {row.key: row for row in rows.scalars()}

    async def listed(self) -> list[CatalogSourceRow]:
        rows = await self.session.execute(self.select().order_by(CatalogSourceRow.key))
        return list(rows.scalars())
