"""Catalog entries as search documents, read through ``subgraphs.catalog.kinds``.

``kinds.py`` describes each kind of entry for indexing (``(kind, slug, name, text, tags)`` per live
entry), so search never needs to know any table's columns and picks up new kinds as they appear.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from infra.search.port import SearchDocument
from subgraphs.catalog import kinds


def known_kinds() -> list[str]:
    """Every kind of entry the catalog has, in the order ``kinds.KINDS`` declares them."""
    return list(kinds.KINDS)


async def catalog_documents(session: AsyncSession) -> list[SearchDocument]:
    """Every live (not soft-deleted) entry of every kind."""
    return [
        SearchDocument(
            kind=entry.kind,
            slug=entry.slug,
            name=entry.name,
            text=entry.text or "",
            tags=tuple(entry.tags),
        )
        async for entry in kinds.all_documents(session)
    ]
