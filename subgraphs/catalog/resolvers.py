"""What every catalog resolver shares: arguments, provenance, batched loading and paging.

Entry types live in ``schema.py`` (spells, classes) and the ``types_*`` modules (the other
kinds); all of them load rows through the per-request loaders here, so a batch of ``_entities``
representations or a list of nested references is one query per kind.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from enum import Enum
from typing import Annotated, Any, TypeVar

import strawberry
from sqlalchemy import Select
from strawberry.types import Info

from infra.db.repository import InvalidCursor, Page
from subgraphs.catalog.models import CatalogEntryMixin
from subgraphs.catalog.repository import CatalogRepository, repository_for
from subgraphs.kit.context import Context
from subgraphs.kit.errors import ErrorCode, graphql_error
from subgraphs.kit.outcomes import check_cursor, parse_id_or_error
from subgraphs.kit.relay import Connection, check_page_size, to_connection

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
    context = info.context

    async def load(keys: Sequence[Any]) -> list[Any]:
        async with context.runtime.sessions() as session:
            repo = repo_type(session)
            found: dict[Any, Any] = await (
                repo.get_many(keys) if key == "id" else repo.by_slugs(keys)
            )
        return [found.get(k) for k in keys]

    return context.loader(f"{repo_type.__name__}:{key}", load)


async def by_slugs(info: ContextInfo, source: Any, slugs: Sequence[str]) -> list[Any]:
    """The live rows of ``slugs``, in their order, skipping any that do not exist."""
    rows = await loader(info, source, "slug").load_many(list(slugs))
    return [row for row in rows if row is not None]


async def reference(info: ContextInfo, source: Any, id: str | None, slug: str | None) -> Any:
    """An entity reference by either key; an unknown or malformed key resolves to null."""
    if id is not None:
        try:
            key = uuid.UUID(str(id))
        except ValueError:
            return None
        return await loader(info, source, "id").load(key)
    if slug is not None:
        return await loader(info, source, "slug").load(slug)
    return None


async def one(info: ContextInfo, source: Any, id: strawberry.ID | None, slug: str | None) -> Any:
    """A root lookup by exactly one of ``id`` or ``slug``."""
    if (id is None) == (slug is None):
        raise graphql_error(ErrorCode.BAD_USER_INPUT, "Pass exactly one of `id` or `slug`.")
    if id is not None:
        return await loader(info, source, "id").load(parse_id_or_error(id, "id"))
    return await loader(info, source, "slug").load(slug)


async def page(
    info: ContextInfo, fetch: Callable[[Any], Awaitable[Page[Any]]], convert: Callable[[Any], Any]
) -> Any:
    async with info.context.runtime.sessions() as session:
        try:
            found = await fetch(session)
        except InvalidCursor as exc:
            raise check_cursor(exc) from None
    return to_connection(found, convert)


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
    check_page_size(first)
    repo_type = repository(source)

    async def fetch(session: Any) -> Page[Any]:
        repo = repo_type(session)
        return await repo.page_sorted(statement(repo), str(sort.value), descending, first, after)

    result: Connection[Node] = await page(info, fetch, convert)
    return result


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
