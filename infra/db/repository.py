"""The base repository: soft delete, a default filter on deleted rows, keyset pages, versions.

A repository never commits; the unit of work around it does. Reads skip soft-deleted rows unless
the caller asks ``including_deleted=True`` explicitly.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from infra.db.errors import ConcurrencyConflict, NotFound
from infra.db.model import EntityMixin, entity_name, utcnow
from infra.db.unit_of_work import remember_guarded

E = TypeVar("E", bound=EntityMixin)


@dataclass(frozen=True)
class Page(Generic[E]):
    items: list[E]
    has_next: bool
    cursors: list[str]


class InvalidCursor(ValueError):
    pass


def encode_cursor(entity: EntityMixin) -> str:
    raw = f"{entity.created_at.isoformat()}|{entity.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        created, _, ident = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        return datetime.fromisoformat(created), uuid.UUID(ident)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor(f"cursor {cursor!r} is not one this API issued") from exc


class Repository(Generic[E]):
    model: ClassVar[type[Any]]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def kind(self) -> str:
        """The entity as players know it, for messages ("Character", never "CharacterRow")."""
        return entity_name(self.model)

    def select(self, *, including_deleted: bool = False) -> Select[E]:
        statement: Select[E] = select(self.model)
        if not including_deleted:
            statement = statement.where(self.model.is_deleted.is_(False))
        return statement

    async def get(self, id: uuid.UUID, *, including_deleted: bool = False) -> E | None:
        statement = self.select(including_deleted=including_deleted).where(self.model.id == id)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def require(self, id: uuid.UUID, *, including_deleted: bool = False) -> E:
        entity = await self.get(id, including_deleted=including_deleted)
        if entity is None:
            raise NotFound(self.kind, id)
        return entity

    async def require_for_change(
        self,
        id: uuid.UUID,
        expected_version: int | None,
        *,
        allowed: Callable[[E], bool] = lambda _: True,
    ) -> E:
        """The live row ``id``, about to be changed by a caller who read ``expected_version``.

        ``NotFound`` when there is no such row or ``allowed`` refuses it (someone else's: its
        existence is not revealed, so this comes before any version check). A row deleted
        since the caller read it is a ``ConcurrencyConflict`` like any other change, not a
        ``NotFound``: the caller's copy is stale, and nothing they did removed it.
        """
        row = await self.get(id, including_deleted=True)
        if row is None or not allowed(row):
            raise NotFound(self.kind, id)
        self.check_version(row, expected_version)
        if row.is_deleted:
            raise NotFound(self.kind, id)
        return row

    async def get_many(
        self, ids: Sequence[uuid.UUID], *, statement: Select[E] | None = None
    ) -> dict[uuid.UUID, E]:
        """The rows among ``ids`` that ``statement`` (by default: every live row) selects."""
        if not ids:
            return {}
        statement = self.select() if statement is None else statement
        statement = statement.where(self.model.id.in_(list(ids)))
        return {row.id: row for row in (await self.session.execute(statement)).scalars()}

    async def add(self, entity: E) -> E:
        self.session.add(entity)
        await self.session.flush()
        return entity

    async def page(
        self,
        first: int,
        after: str | None = None,
        *,
        statement: Select[E] | None = None,
    ) -> Page[E]:
        """Keyset pagination in creation order: stable while rows are added or deleted."""
        statement = self.select() if statement is None else statement
        if after is not None:
            created, ident = decode_cursor(after)
            statement = statement.where(
                or_(
                    self.model.created_at > created,
                    and_(self.model.created_at == created, self.model.id > ident),
                )
            )
        statement = statement.order_by(self.model.created_at, self.model.id).limit(first + 1)
        rows = list((await self.session.execute(statement)).scalars())
        items = rows[:first]
        return Page(
            items=items, has_next=len(rows) > first, cursors=[encode_cursor(e) for e in items]
        )

    def check_version(self, entity: E, expected_version: int | None) -> None:
        """The caller's ``expected_version`` against the row as read now. A writer that commits
        between this check and our UPDATE is caught by the UPDATE itself (``version_id_col``),
        and the unit of work reports that as the same conflict about this entity."""
        if expected_version is not None and entity.version != expected_version:
            raise ConcurrencyConflict(self.kind, entity.id, expected_version, entity.version)
        remember_guarded(self.session, self.kind, entity.id, expected_version)

    async def soft_delete(self, entity: E, *, expected_version: int | None = None) -> E:
        self.check_version(entity, expected_version)
        entity.is_deleted = True
        entity.deleted_at = utcnow()
        await self.session.flush()
        return entity

    async def restore(self, entity: E, *, expected_version: int | None = None) -> E:
        self.check_version(entity, expected_version)
        entity.is_deleted = False
        entity.deleted_at = None
        await self.session.flush()
        return entity
