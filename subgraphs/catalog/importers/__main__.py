"""Command line: import the SRD data, or third-party content, into the catalog database.

    uv run python -m subgraphs.catalog.importers [--srd-dir DIR]
    uv run python -m subgraphs.catalog.importers --format open5e --dir DIR
    uv run python -m subgraphs.catalog.importers --format 5e-database --dir DIR \
        --source-key KEY --document-name NAME --license SPDX --attribution TEXT \
        [--license-url URL] [--document-url URL]

Without ``--format`` the SRD is imported. With it, ``DIR`` is one dataset folder in that format
(``third_party.py``): an open5e folder describes its document in ``Document.json``; a
5e-database folder needs the document options unless it is the SRD's own folder.

The database is the catalog service's own (``CATALOG_DATABASE_URL``, else the SQLite file
under ``VAR_DIR``); its migrations are applied first. Without ``--srd-dir``, ``$SRD_DIR`` or
``../shared/srd``, the pinned files are downloaded and checksummed first. Exit status: 0
imported, 1 the data is malformed (nothing was written), 2 no SRD directory was found or the
download failed, or the command line lacks what a third-party import needs.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from infra.config import Settings
from infra.db.migrations import upgrade
from subgraphs.catalog.app import MIGRATIONS, NAME
from subgraphs.catalog.importers import third_party
from subgraphs.catalog.importers.bundle import read_srd
from subgraphs.catalog.importers.descriptors import document_from_options
from subgraphs.catalog.importers.download import SrdDownloadError, download_srd
from subgraphs.catalog.importers.fields import MalformedSource
from subgraphs.catalog.importers.location import download_allowed, resolve_srd_dir
from subgraphs.catalog.importers.records import ImportBundle, SourceDocument
from subgraphs.catalog.models import OutboxEvent
from subgraphs.catalog.startup import import_with
from subgraphs.kit.runtime import build_runtime


async def run(srd_dir: Path, read: Callable[[], ImportBundle] | None = None) -> int:
    """Import with ``read`` (default: the whole SRD directory ``srd_dir``) and print the report."""
    runtime = build_runtime(NAME, OutboxEvent, MIGRATIONS, Settings.from_env())
    try:
        await upgrade(runtime.engine, runtime.migrations)
        report = await import_with(runtime, read or (lambda: read_srd(srd_dir)))
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m subgraphs.catalog.importers",
        description="Import SRD 5.2 data, or third-party content in the open5e or 5e-database "
        "format.",
    )
    parser.add_argument(
        "--srd-dir", type=Path, help="the SRD directory (default: $SRD_DIR, else ../shared/srd)"
    )
    parser.add_argument(
        "--format", choices=third_party.FORMATS, help="import one third-party dataset folder"
    )
    parser.add_argument("--dir", type=Path, help="the dataset folder (with --format)")
    third = parser.add_argument_group("the document of a 5e-database import")
    third.add_argument("--source-key", help="short key, also the slug namespace, e.g. my-book")
    third.add_argument("--document-name", help="the document's title")
    third.add_argument("--license", help="SPDX licence identifier, e.g. CC-BY-4.0")
    third.add_argument("--attribution", help="the notice the licence requires")
    third.add_argument("--license-url", help="where the licence text is")
    third.add_argument("--document-url", help="where the document is published")
    return parser


def _document(args: argparse.Namespace) -> SourceDocument | None:
    """The document named on the command line, or None when no document option was given."""
    options = (args.source_key, args.document_name, args.license, args.attribution)
    if not any(options) and not args.license_url and not args.document_url:
        return None
    return document_from_options(
        source_key=args.source_key,
        name=args.document_name,
        license=args.license,
        attribution=args.attribution,
        license_url=args.license_url,
        url=args.document_url,
    )


def run_third_party(args: argparse.Namespace) -> int:
    """``--format FORMAT --dir DIR``: one dataset folder, with its own document."""
    if args.dir is None or args.srd_dir is not None:
        print("--format needs --dir DIR (and no --srd-dir)", file=sys.stderr)
        return 2
    folder: Path = args.dir
    try:
        document = _document(args)
    except MalformedSource as exc:
        print(f"nothing was imported: {exc}", file=sys.stderr)
        return 2
    if args.format == third_party.OPEN5E:
        if document is not None:
            print("an open5e dataset names its document in Document.json", file=sys.stderr)
            return 2
        return asyncio.run(run(folder, lambda: third_party.read_open5e(folder)))
    if document is None and not third_party.is_srd_fivee_folder(folder):
        print(
            f"{folder} is not the SRD's 5e-database folder: a third-party import needs "
            "--source-key, --document-name, --license and --attribution",
            file=sys.stderr,
        )
        return 2
    return asyncio.run(run(folder, lambda: third_party.read_fivee(folder, document)))


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.format is not None:
        return run_third_party(args)
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
