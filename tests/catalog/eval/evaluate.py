"""``make eval-search``: recall@5 of concept search on the evaluation set, per kind and overall.

    uv run python -m tests.catalog.eval.evaluate [--verbose] [--k 5] [--cases FILE]

Imports the whole SRD into a throw-away catalog, runs every concept of ``concepts.yaml`` (or of
``--cases``: ``holdout.yaml``, or ``fresh.yaml``, written before the ranking changes it checks and
never inspected while making them) and,
for each (concept, kind) it has expectations for, counts how many expected entries appear in
that kind's top k. Kinds the catalog has no content for yet are skipped and listed; expected
entries the catalog does not contain (a misspelt name, or content not imported yet) are listed
and left out rather than counted as misses. The embedding provider and backend follow
``SEARCH_EMBEDDINGS`` and ``SEARCH_URL`` as in the service.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from subgraphs.catalog.search.service import CatalogSearch
from tests.catalog.eval.loaded import loaded_catalog

EVALUATION_SET = Path(__file__).with_name("concepts.yaml")
GOAL = 0.8


def normalised(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower())


@dataclass(frozen=True)
class Case:
    concept: str
    expect: dict[str, list[str]]


def load_cases(path: Path = EVALUATION_SET) -> list[Case]:
    raw: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Case(item["concept"], {k: list(v) for k, v in item["expect"].items()}) for item in raw]


@dataclass
class Outcome:
    recalls: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    skipped_kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unknown: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def kind_recall(self, kind: str) -> float:
        values = self.recalls[kind]
        return sum(values) / len(values)

    @property
    def overall(self) -> float:
        values = [v for kind_values in self.recalls.values() for v in kind_values]
        return sum(values) / len(values) if values else 0.0


async def evaluate(search: CatalogSearch, cases: list[Case], k: int = 5) -> Outcome:
    outcome = Outcome()
    names_by_kind: dict[str, set[str]] = defaultdict(set)
    for profile in search.profiles.by_slug.values():
        names_by_kind[profile.kind].add(normalised(profile.name))
    for case in cases:
        present = [kind for kind in case.expect if names_by_kind.get(kind)]
        for kind in case.expect:
            if kind not in present:
                outcome.skipped_kinds[kind] += 1
        if not present:
            continue
        results = await search.concept(case.concept, present, k)
        found = {r.kind: [normalised(o.profile.name) for o in r.options] for r in results}
        for kind in present:
            expected = []
            for name in case.expect[kind]:
                if normalised(name) in names_by_kind[kind]:
                    expected.append(normalised(name))
                else:
                    outcome.unknown.append(f"{kind}: {name!r} (in {case.concept!r})")
            if not expected:
                continue
            top = found.get(kind, [])[:k]
            hits = [name for name in expected if name in top]
            outcome.recalls[kind].append(len(hits) / min(len(expected), k))
            for name in expected:
                if name not in top:
                    outcome.misses.append(f"{case.concept!r} / {kind}: missed {name} (top: {top})")
    return outcome


def report(outcome: Outcome, k: int, verbose: bool) -> str:
    lines = [f"concept search recall@{k} (goal >= {GOAL})", ""]
    lines.append(f"{'kind':<14} {'queries':>7} {'recall':>7}")
    for kind in sorted(outcome.recalls, key=lambda kind: (-len(outcome.recalls[kind]), kind)):
        lines.append(
            f"{kind:<14} {len(outcome.recalls[kind]):>7} {outcome.kind_recall(kind):>7.3f}"
        )
    total = sum(len(v) for v in outcome.recalls.values())
    lines.append(f"{'overall':<14} {total:>7} {outcome.overall:>7.3f}")
    for kind, count in sorted(outcome.skipped_kinds.items()):
        lines.append(f"skipped {kind}: no {kind} content in the catalog yet ({count} queries)")
    if outcome.unknown:
        lines.append("")
        lines.append("expected entries the catalog does not contain (left out):")
        lines.extend(f"  {item}" for item in outcome.unknown)
    if verbose and outcome.misses:
        lines.append("")
        lines.append("misses:")
        lines.extend(f"  {item}" for item in outcome.misses)
    return "\n".join(lines)


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    parser.add_argument(
        "--cases",
        type=Path,
        default=EVALUATION_SET,
        help=f"the set to run (default: {EVALUATION_SET.name}; also holdout.yaml, fresh.yaml)",
    )
    args = parser.parse_args(argv)
    if not args.cases.is_file():
        parser.error(f"--cases: no such file {str(args.cases)!r}")
    cases = load_cases(args.cases)
    logging.getLogger("dndcreator").setLevel(logging.ERROR)  # import notices are not the point
    async with loaded_catalog(os.environ) as (_, search):
        outcome = await evaluate(search, cases, args.k)
        print(
            f"cases: {args.cases.name}; embedding: {search.embedder.name}; "
            f"index: {search.index.backend}; entries: {len(search.profiles.by_slug)}; "
            f"queries: {len(cases)}"
        )
        print(report(outcome, args.k, args.verbose))
    return 0 if outcome.overall >= GOAL else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
