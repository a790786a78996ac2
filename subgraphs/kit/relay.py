"""Relay connections: every list in the graph pages with ``first``/``after``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from infra.db.model import EntityMixin
from infra.db.repository import InvalidCursor, Page
from subgraphs.kit.errors import ErrorCode, graphql_error
from subgraphs.kit.outcomes import bad_cursor_error
from subgraphs.kit.runtime import Runtime

Node = TypeVar("Node")
Row = TypeVar("Row", bound=EntityMixin)

MAX_PAGE_SIZE = 100


@strawberry.federation.type(shareable=True, description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether another page follows.")
    end_cursor: str | None = strawberry.field(description="Pass as `after` to get the next page.")


@strawberry.federation.type(
    shareable=True, description="One item of a page, with the cursor that points at it."
)
class Edge(Generic[Node]):
    node: Node = strawberry.field(description="The item.")
    cursor: str = strawberry.field(description="Pass as `after` to continue after this item.")


@strawberry.federation.type(shareable=True, description="A page of a list.")
class Connection(Generic[Node]):
    edges: list[Edge[Node]] = strawberry.field(description="The items with their cursors.")
    page_info: PageInfo = strawberry.field(description="Whether more items follow.")

    @strawberry.federation.field(shareable=True, description="The items, without cursors.")
    def nodes(self) -> list[Node]:
        return [edge.node for edge in self.edges]


def check_page_size(first: int) -> int:
    if first < 0 or first > MAX_PAGE_SIZE:
        raise graphql_error(
            ErrorCode.BAD_USER_INPUT, f"`first` must be between 0 and {MAX_PAGE_SIZE}"
        )
    return first


def to_connection(page: Page[Row], convert: Callable[[Row], Node]) -> Connection[Node]:
    edges = [
        Edge(node=convert(item), cursor=cursor)
        for item, cursor in zip(page.items, page.cursors, strict=True)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None
        ),
    )


async def paged_connection(
    runtime: Runtime,
    first: int,
    fetch_page: Callable[[AsyncSession], Awaitable[Page[Row]]],
    convert: Callable[[Row], Node],
) -> Connection[Node]:
    """One page of a list field: ``first`` checked, ``fetch_page`` run in a fresh session, and a
    cursor we did not issue reported as BAD_USER_INPUT rather than an internal error."""
    check_page_size(first)
    async with runtime.sessions() as session:
        try:
            page = await fetch_page(session)
        except InvalidCursor as exc:
            raise bad_cursor_error(exc) from None
    return to_connection(page, convert)
