"""Building catalog search from the environment and hooking it into the service's start-up.

``SEARCH_URL`` picks the index (SQLite FTS5 in memory by default; see ``infra.search.factory``),
``SEARCH_EMBEDDINGS`` the embedding provider (the thesaurus expansion by default) and
``SEARCH_FRESHNESS_SECONDS`` how often the catalog's outbox is checked for changes. The search
service is kept in ``runtime.ports["search"]``; the start-up hook builds it and synchronises the
index with the catalog, after the first SRD import has run.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping

from infra.search.embedding.factory import create_embedding_provider
from infra.search.factory import create_search_index
from subgraphs.catalog.search.indexer import Freshness
from subgraphs.catalog.search.profiles import Profiles
from subgraphs.catalog.search.service import CatalogSearch
from subgraphs.catalog.search.thesaurus import dnd_tag_signals, dnd_thesaurus
from subgraphs.kit.runtime import Runtime

PORT = "search"
DEFAULT_FRESHNESS_SECONDS = 1.0  # how stale the index may be after a change by another process
_LOCK = "search-building"  # a per-runtime lock (each runtime lives in one event loop)


def build_catalog_search(
    runtime: Runtime, environment: Mapping[str, str] | None = None
) -> CatalogSearch:
    env = os.environ if environment is None else environment
    thesaurus = dnd_thesaurus()
    embedder = create_embedding_provider(thesaurus, env)
    index = create_search_index(env.get("SEARCH_URL"), name="catalog")
    profiles = Profiles(embedder, thesaurus)
    freshness = Freshness(
        runtime.sessions,
        index,
        profiles,
        check_every=float(env.get("SEARCH_FRESHNESS_SECONDS") or DEFAULT_FRESHNESS_SECONDS),
    )
    return CatalogSearch(index, profiles, freshness, thesaurus, embedder, dnd_tag_signals())


async def catalog_search(runtime: Runtime) -> CatalogSearch:
    """The service's search, built and synchronised on first use if start-up did not do it."""
    existing = runtime.ports.get(PORT)
    if isinstance(existing, CatalogSearch):
        return existing
    lock = runtime.ports.setdefault(_LOCK, asyncio.Lock())
    async with lock:
        existing = runtime.ports.get(PORT)
        if isinstance(existing, CatalogSearch):
            return existing
        search = build_catalog_search(runtime)
        await search.index.open()
        await search.freshness.sync()
        runtime.ports[PORT] = search
        return search


async def start_search(runtime: Runtime) -> None:
    """Start-up hook: build the index from the catalog (after ``import_when_empty``)."""
    await catalog_search(runtime)
