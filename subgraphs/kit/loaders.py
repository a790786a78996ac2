"""Per-request batching of lookups.

When the router resolves a list of references (``_entities``) or a field on every item of a page,
each resolver asks for one key; the loaders here collect those asks and answer them with one
query per request instead of one per item. Each runs its query in a session of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from infra.db.model import EntityMixin
from infra.db.repository import Repository
from subgraphs.kit.context import Context

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
Row = TypeVar("Row", bound=EntityMixin)

FetchMany = Callable[[AsyncSession, Sequence[K]], Awaitable[Mapping[K, V]]]
FetchGroups = Callable[[AsyncSession, Sequence[K]], Awaitable[Mapping[K, list[V]]]]


def keyed_loader(context: Context, name: str, fetch: FetchMany[K, V]) -> DataLoader[K, V | None]:
    """The request's loader ``name``: one value per key, ``None`` for keys ``fetch`` leaves out."""

    async def load(keys: Sequence[K]) -> list[V | None]:
        async with context.runtime.sessions() as session:
            found = await fetch(session, keys)
        return [found.get(key) for key in keys]

    return context.loader(name, load)


def grouped_loader(context: Context, name: str, fetch: FetchGroups[K, V]) -> DataLoader[K, list[V]]:
    """The request's loader ``name``: a list per key, empty for keys ``fetch`` leaves out."""

    async def load(keys: Sequence[K]) -> list[list[V]]:
        async with context.runtime.sessions() as session:
            found = await fetch(session, keys)
        return [found.get(key, []) for key in keys]

    return context.loader(name, load)


def entity_loader(
    context: Context, repository_cls: type[Repository[Row]]
) -> DataLoader[uuid.UUID, Row | None]:
    """The request's loader of live rows by ID; an unknown or deleted ID loads as ``None``."""

    async def get_many(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Row]:
        return await repository_cls(session).get_many(ids)

    return keyed_loader(context, f"entity:{repository_cls.__name__}", get_many)


async def load_entity(
    context: Context, repository_cls: type[Repository[Row]], id: object
) -> Row | None:
    """The row a federation reference points at: ``None`` when ``id`` is not a UUID or names no
    live row. A malformed ID in a representation is not an error: no row of ours can have it."""
    key = uuid_or_none(id)
    if key is None:
        return None
    return await entity_loader(context, repository_cls).load(key)


def uuid_or_none(value: object) -> uuid.UUID | None:
    """``value`` as a UUID, or ``None`` when it is not one (for IDs the client cannot fix)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
