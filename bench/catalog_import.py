"""Catalog import benchmark: the full SRD 5.2 into the embedded default database (SQLite).

    uv run python -m bench.catalog_import [--srd-dir DIR] [--runs N]

Each run starts from a fresh SQLite file (migrations applied, not timed) and times: reading and
checking every file (no database), the first import (everything new), and a re-import of the
same files (everything unchanged, nothing written). It prints each run, the best of each phase,
and the entries per kind. The SRD directory is found as the service finds it (``--srd-dir``,
``$SRD_DIR``, ``../shared/srd``, else the checksummed download).
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import sys
import tempfile
import time
from pathlib import Path

from auth.tokens import Claims
from infra.db.migrations import upgrade
from subgraphs.catalog.app import MIGRATIONS, NAME
from subgraphs.catalog.importers.bundle import read_srd
from subgraphs.catalog.importers.download import download_srd
from subgraphs.catalog.importers.location import resolve_srd_dir
from subgraphs.catalog.models import OutboxEvent
from subgraphs.catalog.services import ImportReport, apply_import
from subgraphs.kit.runtime import Runtime


class _NoTokens:
    """The benchmark serves no requests, so nothing is ever verified."""

    async def verify(self, token: str) -> Claims:
        raise RuntimeError("the benchmark verifies no tokens")


async def one_run(srd_dir: Path, scratch: Path) -> tuple[float, float, float, ImportReport]:
    url = f"sqlite+aiosqlite:///{scratch / 'catalog.db'}"
    runtime = Runtime.create(NAME, url, OutboxEvent, MIGRATIONS, _NoTokens())
    try:
        await upgrade(runtime.engine, runtime.migrations)
        started = time.perf_counter()
        bundle = read_srd(srd_dir)
        parsed = time.perf_counter() - started

        started = time.perf_counter()
        report = await apply_import(runtime.uow(), bundle)
        first = time.perf_counter() - started + parsed  # a whole import parses, then writes

        started = time.perf_counter()
        again = await apply_import(runtime.uow(), bundle)
        second = time.perf_counter() - started + parsed
        assert all(c.created == c.updated == c.retired == 0 for c in again.kinds.values())
    finally:
        await runtime.engine.dispose()
    return parsed, first, second, report


async def main_async(srd_dir: Path, runs: int) -> None:
    print(f"catalog import benchmark: {srd_dir}")
    print(f"python {platform.python_version()} on {platform.machine()}, SQLite (aiosqlite)")
    results = []
    for number in range(1, runs + 1):
        with tempfile.TemporaryDirectory() as scratch:
            parsed, first, second, report = await one_run(srd_dir, Path(scratch))
        results.append((parsed, first, second))
        print(
            f"  run {number}: parse {parsed:.2f} s, full import {first:.2f} s, "
            f"re-import (no changes) {second:.2f} s"
        )
    best = [min(column) for column in zip(*results, strict=True)]
    print(
        f"best of {runs}: parse {best[0]:.2f} s, full import {best[1]:.2f} s, "
        f"re-import {best[2]:.2f} s"
    )
    total = sum(c.total for kind, c in report.kinds.items() if kind != "sources")
    print(f"entries: {total}")
    for kind, counts in report.kinds.items():
        print(f"  {kind}: {counts.total}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.catalog_import")
    parser.add_argument("--srd-dir", type=Path, help="default: as the catalog service finds it")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    srd_dir = resolve_srd_dir(args.srd_dir) or download_srd()
    asyncio.run(main_async(srd_dir, max(1, args.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
