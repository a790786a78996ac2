"""Catalog search latency: full-text ``search`` and ``conceptSearch``, embedded default backend.

    uv run python -m bench.catalog_search [--rounds 20]

Imports the whole SRD into a throw-away SQLite catalog, builds the search index (SQLite FTS5 in
memory, thesaurus expansion embedding: the embedded defaults, or whatever ``SEARCH_URL`` and
``SEARCH_EMBEDDINGS`` say), then times the service layer (input checks, index query, ranking,
highlights; no HTTP) over a fixed set of queries. Goals: full-text p95 <= 10 ms, concept p95 <=
50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable

from infra.gc_tuning import settle_after_startup
from tests.catalog.eval.evaluate import load_cases
from tests.catalog.eval.loaded import loaded_catalog

TEXT_QUERIES = [
    "fireball",
    "fire",
    "cure wounds",
    "dragon",
    "invisib",
    "heal",
    "sword",
    "magic missile",
    "poison",
    "lightning bolt",
    "bag of holding",
    "ancient red dragon",
    "thieves tools",
    "monk",
    "necrotic damage",
    "plate armor",
    "wish",
    "teleport",
    "charm",
    "shield",
]
FULL_TEXT_GOAL_MS, CONCEPT_GOAL_MS = 10.0, 50.0


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def timed(calls: list[Callable[[], Awaitable[object]]], rounds: int) -> list[float]:
    for call in calls:  # warm-up: first-use costs are not what a running service pays
        await call()
    samples = []
    for _ in range(rounds):
        for call in calls:
            started = time.perf_counter()
            await call()
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def line(name: str, samples: list[float], goal: float) -> str:
    p95 = percentile(samples, 0.95)
    verdict = "ok" if p95 <= goal else "OVER GOAL"
    return (
        f"{name:<12} n={len(samples):<5} p50={percentile(samples, 0.5):6.2f} ms  "
        f"p95={p95:6.2f} ms  max={max(samples):6.2f} ms  mean={statistics.fmean(samples):6.2f} ms"
        f"  (goal p95 <= {goal:.0f} ms: {verdict})"
    )


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="catalog search latency")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    logging.getLogger("dndcreator").setLevel(logging.ERROR)  # import notices are not the point
    async with loaded_catalog(os.environ) as (_, search):
        search.freshness.check_every = 1.0  # as served: the outbox is checked once a second
        concepts = [case.concept for case in load_cases()]
        settle_after_startup()  # as the served process does once it has started
        full_text = await timed(
            [functools.partial(search.search, q, None, 10, None) for q in TEXT_QUERIES],
            args.rounds,
        )
        concept = await timed(
            [functools.partial(search.concept, c, None, 5) for c in concepts],
            max(1, args.rounds // 4),
        )
        print(
            f"catalog search, {len(search.profiles.by_slug)} entries of "
            f"{len(search.profiles.kinds())} kinds; index: {search.index.backend}; "
            f"embedding: {search.embedder.name}"
        )
        print(line("full-text", full_text, FULL_TEXT_GOAL_MS))
        print(line("concept", concept, CONCEPT_GOAL_MS))
    over = (
        percentile(full_text, 0.95) > FULL_TEXT_GOAL_MS
        or percentile(concept, 0.95) > CONCEPT_GOAL_MS
    )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
