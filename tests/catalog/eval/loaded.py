"""A catalog with the whole SRD imported and its search index built (evaluation, benchmarks)."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

from joserfc.jwk import KeySet

from auth.tokens import StaticKeyVerifier
from infra.db.migrations import upgrade
from subgraphs.catalog.app import MIGRATIONS, NAME
from subgraphs.catalog.importers.location import resolve_srd_dir
from subgraphs.catalog.models import OutboxEvent
from subgraphs.catalog.search.service import CatalogSearch
from subgraphs.catalog.search.setup import build_catalog_search
from subgraphs.catalog.startup import import_srd
from subgraphs.kit.runtime import Runtime


@contextlib.asynccontextmanager
async def loaded_catalog(
    environment: Mapping[str, str] | None = None, database_url: str | None = None
) -> AsyncIterator[tuple[Runtime, CatalogSearch]]:
    """Import the SRD into a throw-away SQLite catalog (or ``database_url``) and index it."""
    srd_dir = resolve_srd_dir()
    if srd_dir is None or not srd_dir.is_dir():
        raise SystemExit("no SRD data found: set SRD_DIR or provide ../shared/srd")
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite+aiosqlite:///{Path(folder) / 'catalog.db'}"
        runtime = Runtime.create(NAME, url, OutboxEvent, MIGRATIONS, StaticKeyVerifier(KeySet([])))
        try:
            await upgrade(runtime.engine, runtime.migrations)
            await import_srd(runtime, srd_dir)
            search = build_catalog_search(runtime, environment or {})
            await search.index.open()
            await search.freshness.sync()
            yield runtime, search
        finally:
            await runtime.engine.dispose()
