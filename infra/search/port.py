"""The search port: a full-text index of short documents, whatever engine holds it.

A document is one thing worth finding (a spell, a class, ...): a ``kind``, a unique ``slug``, a
``name``, free ``text`` and a few ``tags``. Backends rank name matches above tag matches above
text matches, filter by kind, and return highlighted fragments so a client can show *why* a
result matched. The index is derived data: whoever owns the documents can rebuild it at any time,
and :meth:`SearchIndex.digests` lets them bring it up to date by sending only what changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

# Backends wrap every matched word in these two characters (from Unicode's private use area, so
# they never occur in real text); :mod:`infra.search.highlight` turns them into offsets.
MARK_OPEN = "\ue000"
MARK_CLOSE = "\ue001"


class SearchError(Exception):
    """The search backend failed (unreachable, misconfigured, ...)."""


@dataclass(frozen=True)
class SearchDocument:
    kind: str
    slug: str
    name: str
    text: str
    tags: tuple[str, ...] = ()

    @property
    def tag_text(self) -> str:
        """Tags as one indexable string (one tag per line keeps phrases apart)."""
        return "\n".join(self.tags)

    @property
    def digest(self) -> str:
        """A fingerprint of the content: equal digests mean nothing needs re-indexing."""
        content = "\x1f".join((self.kind, self.slug, self.name, self.text, self.tag_text))
        return hashlib.blake2b(content.encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class Highlight:
    """A fragment of one field with the matched words located by character offsets."""

    field: str  # "name", "tags" or "text"
    text: str  # the fragment, plain (no markers)
    spans: tuple[tuple[int, int], ...]  # (start, end) of each match within ``text``


@dataclass(frozen=True)
class SearchHit:
    kind: str
    slug: str
    name: str
    score: float  # higher is better; comparable within one result list only
    highlights: tuple[Highlight, ...] = ()


class Match(StrEnum):
    ALL = "all"  # every term must occur (a search box)
    ANY = "any"  # any term may occur; more matches rank higher (candidate gathering)


@dataclass(frozen=True)
class SearchQuery:
    """What to look for. ``terms`` are normalised words (see :mod:`infra.search.terms`); a term
    of several words separated by spaces is a phrase (its words adjacent, in order)."""

    terms: tuple[str, ...]
    match: Match = Match.ALL
    prefix_last: bool = False  # treat the last term as a prefix (search as you type)
    kinds: frozenset[str] | None = None  # None: every kind
    limit: int = 10
    offset: int = 0
    per_kind: int | None = (
        None  # if set: the best ``per_kind`` hits of each kind, ``limit`` ignored
    )
    highlight: bool = True


def in_rank_order(hits: list[SearchHit], query: SearchQuery) -> list[SearchHit]:
    """The order every backend returns: best first, or best first within each kind for a
    per-kind query; ties broken by slug so results are stable."""
    if query.per_kind is not None:
        return sorted(hits, key=lambda hit: (hit.kind, -hit.score, hit.slug))
    return sorted(hits, key=lambda hit: (-hit.score, hit.slug))


class SearchIndex(Protocol):
    """A full-text index. Every method may raise :class:`SearchError` when the engine fails."""

    backend: str  # "sqlite-fts5", "postgresql", "opensearch"

    async def open(self) -> None:
        """Create the index's storage if it does not exist yet (idempotent)."""
        ...

    async def upsert(self, documents: Sequence[SearchDocument]) -> None:
        """Add documents, replacing any indexed under the same slug."""
        ...

    async def remove(self, slugs: Sequence[str]) -> None:
        """Drop documents by slug; unknown slugs are ignored."""
        ...

    async def digests(self) -> dict[str, str]:
        """Slug -> digest of every indexed document (for incremental synchronisation)."""
        ...

    async def search(self, query: SearchQuery) -> list[SearchHit]:
        """Hits ordered best first (by kind, then best first, when ``per_kind`` is set)."""
        ...

    async def close(self) -> None:
        """Release connections; the index must not be used afterwards."""
        ...
