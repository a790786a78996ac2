"""Command line: import the SRD data into the catalog database.

    uv run python -m subgraphs.catalog.importers [--srd-dir DIR]

The database is the catalog service's own (``CATALOG_DATABASE_URL``, else the SQLite file
under ``VAR_DIR``); its migrations are applied first. Without ``--srd-dir``, ``$SRD_DIR`` or
``../shared/srd``, the pinned files are downloaded and checksummed first. Exit status: 0
imported, 1 the data is malformed (nothing was written), 2 no SRD directory was found or the
download failed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from infra.config import Settings
from infra.db.migrations import upgrade
from subgraphs.catalog.app import MIGRATIONS, NAME
from subgraphs.catalog.importers.download import SrdDownloadError, download_srd
from subgraphs.catalog.importers.fields import MalformedSource
from subgraphs.catalog.importers.location import download_allowed, resolve_srd_dir
from subgraphs.catalog.models import OutboxEvent
from subgraphs.catalog.startup import import_srd
from subgraphs.kit.runtime import build_runtime


async def run(srd_dir: Path) -> int:
    runtime = build_runtime(NAME, OutboxEvent, MIGRATIONS, Settings.from_env())
    try:
        await upgrade(runtime.engine, runtime.migrations)
        report = await import_srd(runtime, srd_dir)
    except MalformedSource as exc:
        print(f"import failed, nothing was imported: {exc}", file=sys.stderr)
        return 1
    finally:
        await runtime.engine.dispose()
    print(f"imported from {srd_dir} in {report.seconds:.2f} s")
    for kind, counts in report.kinds.items():
        print(
            f"  {kind}: {counts.total} ({counts.created} new, {counts.updated} updated, "
            f"{counts.unchanged} unchanged, {counts.retired} retired)"
        )
    for notice in report.notices:
        print(f"  note: {notice}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m subgraphs.catalog.importers", description="Import SRD 5.2 data."
    )
    parser.add_argument(
        "--srd-dir", type=Path, help="the SRD directory (default: $SRD_DIR, else ../shared/srd)"
    )
    args = parser.parse_args(argv)
    srd_dir = resolve_srd_dir(args.srd_dir)
    if srd_dir is None and download_allowed():
        try:
            srd_dir = download_srd()
        except SrdDownloadError as exc:
            print(f"no local SRD directory, and the download failed: {exc}", file=sys.stderr)
            return 2
    if srd_dir is None or not srd_dir.is_dir():
        print(
            f"no SRD directory found ({srd_dir or '$SRD_DIR unset and ../shared/srd missing'})",
            file=sys.stderr,
        )
        return 2
    return asyncio.run(run(srd_dir))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
