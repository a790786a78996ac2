"""Running an import: at service start when the catalog is empty, or on demand from the CLI."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from subgraphs.catalog.importers.bundle import read_srd
from subgraphs.catalog.importers.download import SrdDownloadError, default_base_url, download_srd
from subgraphs.catalog.importers.fields import MalformedSource
from subgraphs.catalog.importers.location import download_allowed, resolve_srd_dir
from subgraphs.catalog.importers.records import ImportBundle
from subgraphs.catalog.services import ImportReport, apply_import, catalog_is_empty
from subgraphs.kit.runtime import Runtime

log = logging.getLogger("dndcreator.catalog")


async def import_srd(runtime: Runtime, srd_dir: Path) -> ImportReport:
    """Read every supported file under ``srd_dir`` and upsert it; ``MalformedSource`` on bad data.

    Files are parsed completely (in a worker thread, off the event loop) before the single
    write transaction begins, so a flaw anywhere means nothing is written.
    """
    return await import_with(runtime, lambda: read_srd(srd_dir))


async def import_with(runtime: Runtime, read: Callable[[], ImportBundle]) -> ImportReport:
    """Run ``read`` (any importer: the SRD, or a third-party folder) and upsert what it returns.

    ``read`` runs in a worker thread and must check everything before anything is written.
    """
    started = time.perf_counter()
    bundle = await asyncio.to_thread(read)
    report = await apply_import(runtime.uow(), bundle)
    report.seconds = time.perf_counter() - started
    return report


EMPTY = (
    "empty: no SRD content was imported (set SRD_DIR to the SRD data, or allow the download "
    "with SRD_DOWNLOAD=on and network); see the catalog's start-up log"
)


async def not_ready_while_empty(runtime: Runtime) -> str | None:
    """Readiness check: a catalog without content would answer every class and spell with null,
    so it says it is not ready instead of "ok"."""
    return EMPTY if await catalog_is_empty(runtime.sessions) else None


async def import_when_empty(runtime: Runtime) -> None:
    """Start-up hook: fill an empty catalog from the local SRD data, if there is any.

    Without local data the pinned files are downloaded (checksummed) first. A missing data
    directory or a failed download leaves the catalog empty (logged). A malformed one is logged
    as an error and also leaves it empty rather than stopping the service: the rest of the graph
    keeps working, and ``python -m subgraphs.catalog.importers`` reports the exact flaw.
    """
    if not await catalog_is_empty(runtime.sessions):
        return
    srd_dir = resolve_srd_dir()
    if srd_dir is None and download_allowed():
        log.info("no local SRD data; downloading the pinned files from %s", default_base_url())
        try:
            srd_dir = await asyncio.to_thread(download_srd)
        except SrdDownloadError as exc:
            log.error("catalog is empty: the SRD download failed, nothing was imported: %s", exc)
            return
    if srd_dir is None or not srd_dir.is_dir():
        log.warning(
            "catalog is empty and no SRD data was found (looked at %s); set SRD_DIR to import",
            srd_dir if srd_dir is not None else "$SRD_DIR and ../shared/srd",
        )
        return
    try:
        report = await import_srd(runtime, srd_dir)
    except MalformedSource as exc:
        log.error("catalog import from %s failed, nothing was imported: %s", srd_dir, exc)
        return
    except IntegrityError:
        # Several replicas started on one empty database: another one won the race and its
        # import (same data, same slugs) stands; ours rolled back whole.
        log.info("catalog was imported by another instance meanwhile; keeping that import")
        return
    log.info("catalog imported from %s in %.2f s: %s", srd_dir, report.seconds, report.summary())
    for notice in report.notices:
        log.warning("catalog data gap: %s", notice)
