"""What every catalog resolver shares: arguments, provenance, batched loading and paging.

Entry types live in ``schema.py`` (spells, classes) and the ``types_*`` modules (the other
kinds); all of them load rows through the per-request loaders here, so a batch of ``_entities``
representations or a list of nested references is one query per kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from typing import Annotated, Any, ClassVar, Self, TypeVar

import strawberry
from sqlalchemy import ColumnElement, Select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from infra.db.repository import Page
from subgraphs.catalog.models import CatalogEntryMixin
from subgraphs.catalog.repository import CatalogRepository, repository_for
from subgraphs.kit.context import Context
from subgraphs.kit.errors import ErrorCode, graphql_error
from subgraphs.kit.loaders import keyed_loader, uuid_or_none
from subgraphs.kit.outcomes import parse_id_or_error
from subgraphs.kit.relay import Connection, paged_connection

ContextInfo = Info[Context, Any]
Node = TypeVar("Node")

First = Annotated[int, strawberry.argument(description="Page size, 0 to 100.")]
After = Annotated[
    str | None, strawberry.argument(description="Continue after this cursor (`endCursor`).")
]
BySlug = Annotated[str | None, strawberry.argument(description="The entry's slug.")]
ById = Annotated[strawberry.ID | None, strawberry.argument(description="The entry's ID.")]
Descending = Annotated[
    bool, strawberry.argument(description="Reverse the order (ties still go A to Z by slug).")
]


@strawberry.type(description="Where a catalog entry came from and the terms it is used under.")
class Provenance:
    source: str = strawberry.field(description='The kind of source, e.g. "SRD".')
    document: str = strawberry.field(
        description='The published document, e.g. "System Reference Document 5.2".'
    )
    license: str = strawberry.field(description='SPDX license identifier, e.g. "CC-BY-4.0".')
    dataset: str = strawberry.field(
        description='The open dataset the entry was imported from, e.g. "open5e-srd-2024".'
    )
    source_key: str = strawberry.field(description="The entry's key in that dataset.")

    @classmethod
    def from_row(cls, row: CatalogEntryMixin) -> Provenance:
        return cls(
            source=row.source,
            document=row.document,
            license=row.license,
            dataset=row.dataset,
            source_key=row.source_key,
        )


RepositoryType = type[CatalogRepository[Any]]


def repository(model_or_repository: Any) -> RepositoryType:
    """A repository class, given one or given the table it reads."""
    if isinstance(model_or_repository, type) and issubclass(model_or_repository, CatalogRepository):
        return model_or_repository
    return repository_for(model_or_repository)


def loader(info: ContextInfo, source: Any, key: str) -> Any:
    """A per-request batching loader of one entry kind by ``id`` (UUID) or ``slug``."""
    repo_type = repository(source)

    async def fetch(session: AsyncSession, keys: Sequence[Any]) -> Mapping[Any, Any]:
        repo = repo_type(session)
        found: Mapping[Any, Any] = await (
            repo.get_many(keys) if key == "id" else repo.by_slugs(keys)
        )
        return found

    return keyed_loader(info.context, f"{repo_type.__name__}:{key}", fetch)


async def by_slugs(info: ContextInfo, source: Any, slugs: Sequence[str]) -> list[Any]:
    """The live rows of ``slugs``, in their order, skipping any that do not exist."""
    rows = await loader(info, source, "slug").load_many(list(slugs))
    return [row for row in rows if row is not None]


async def reference(info: ContextInfo, source: Any, id: str | None, slug: str | None) -> Any:
    """An entity reference by either key; an unknown or malformed key resolves to null."""
    if id is not None:
        key = uuid_or_none(id)
        return None if key is None else await loader(info, source, "id").load(key)
    if slug is not None:
        return await loader(info, source, "slug").load(slug)
    return None


class ReferenceByKey:
    """Loads an entry type by ``id`` or ``slug``: as a federation reference and as a root lookup.

    An entry type inherits this and names what its rows come from in ``reference_source`` (a
    table or a repository class); ``from_row`` is the type's own converter.
    """

    reference_source: ClassVar[Any]

    @classmethod
    def from_row(cls, row: Any) -> Self:
        raise NotImplementedError(f"{cls.__name__} must define from_row")

    @classmethod
    async def resolve_reference(
        cls, info: ContextInfo, id: strawberry.ID | None = None, slug: str | None = None
    ) -> Self | None:
        row = await reference(info, cls.reference_source, id, slug)
        return None if row is None else cls.from_row(row)

    @classmethod
    async def lookup(
        cls, info: ContextInfo, id: strawberry.ID | None, slug: str | None
    ) -> Self | None:
        """A root field's lookup by exactly one of ``id`` or ``slug``."""
        row = await one(info, cls.reference_source, id, slug)
        return None if row is None else cls.from_row(row)


async def one(info: ContextInfo, source: Any, id: strawberry.ID | None, slug: str | None) -> Any:
    """A root lookup by exactly one of ``id`` or ``slug``."""
    if (id is None) == (slug is None):
        raise graphql_error(ErrorCode.BAD_USER_INPUT, "Pass exactly one of `id` or `slug`.")
    if id is not None:
        return await loader(info, source, "id").load(parse_id_or_error(id, "id"))
    return await loader(info, source, "slug").load(slug)


async def sorted_page(
    info: ContextInfo,
    source: Any,
    statement: Callable[[CatalogRepository[Any]], Select[Any]],
    sort: Enum,
    descending: bool,
    first: int,
    after: str | None,
    convert: Callable[[Any], Node],
) -> Connection[Node]:
    """A page of the rows ``statement`` selects, ordered by the column ``sort`` names."""
    repo_type = repository(source)

    async def fetch(session: AsyncSession) -> Page[Any]:
        repo = repo_type(session)
        return await repo.page_sorted(statement(repo), str(sort.value), descending, first, after)

    return await paged_connection(info.context.runtime, first, fetch, convert)


def slug_argument(kind: str, value: str | None) -> str | None:
    """``Wizard``, ``wizard`` and ``class/wizard`` all name the same entry of ``kind``."""
    if value is None:
        return None
    cleaned = value.strip().lower().replace(" ", "-")
    return cleaned if cleaned.startswith(f"{kind}/") else f"{kind}/{cleaned}"


@strawberry.enum(description="How a catalog list is ordered.")
class EntrySort(Enum):
    NAME = "name"
    SLUG = "slug"


Sort = Annotated[EntrySort, strawberry.argument(description="The order of the list.")]


def entry_identity(row: Any) -> dict[str, Any]:
    """The fields every catalog entry type has, as keyword arguments for its constructor."""
    return {
        "id": strawberry.ID(str(row.id)),
        "slug": row.slug,
        "name": row.name,
        "description": row.description,
        "provenance": Provenance.from_row(row),
    }


def every_entry(repo: CatalogRepository[Any]) -> Select[Any]:
    """The statement of an unfiltered list: all live entries of the repository's kind."""
    return repo.select()


def entries_where(
    *conditions: ColumnElement[bool] | None,
) -> Callable[[CatalogRepository[Any]], Select[Any]]:
    """The statement of a filtered list: live entries meeting every condition given. A filter
    argument the client left out is passed as ``None`` and filters nothing."""

    def statement(repo: CatalogRepository[Any]) -> Select[Any]:
        query = repo.select()
        for condition in conditions:
            if condition is not None:
                query = query.where(condition)
        return query

    return statement
