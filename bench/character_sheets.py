"""Character sheets: deriving them, and reading 50 of them through the router in one query.

    uv run python -m bench.character_sheets [--characters 50] [--seconds 10] [--concurrency 20]

1. In process, over ``rules/examples``: ``rules.derive`` per sheet, and the character service's
   whole cold read of one (parse + derive + the typed GraphQL sheet), median and p99.
2. An embedded stack in a child process (free ports, a throw-away ``VAR_DIR``), so the load
   generator here does not share its event loop: one user imports ``--characters`` characters
   (the examples, round robin), then asks for all of them in one query with every field of
   ``sheet`` and the catalog entries stitched beside it (species, classes, subclasses,
   spellcasting classes, features' classes). Reported: the first (cold) request, then p50/p95
   of sequential requests, then requests per second and p95 at ``--concurrency``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from rules.derive import derive
from rules.parse import parse_sheet
from subgraphs.character.sheet.derivation import derive_sheet
from tests.subgraphs.character.sheet_query import SHEET
from tests.subgraphs.character.support import VALID_EXAMPLES

# The numbers tools outside the project read (README: "the fields outside tools query").
LIST_SHEET = """proficiencyBonus initiative passivePerception armorClass { value }
  hitPoints { max current temp } speed abilities { ability score modifier save }
  skills { skill bonus } spellcasting { ability saveDc attackBonus }"""


STITCHED = "name species { name } classes { class { name hitDie } subclass { name } level }"
PAGE = "query($first: Int!) { characters(first: $first) { nodes { %s sheet { %s } } } }"
ONE = "query($id: ID!) { character(id: $id) { %s sheet { %s } } }"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def in_process(rounds: int) -> None:
    documents = [json.loads(path.read_text()) for path in VALID_EXAMPLES]
    sheets = [parse_sheet(d) for d in documents]
    steps: list[tuple[str, Callable[[int], object]]] = [
        ("rules.derive", lambda i: derive(sheets[i])),
        ("cold read (parse+derive+GraphQL types)", lambda i: derive_sheet(documents[i])),
    ]
    for label, work in steps:
        samples = []
        for _ in range(rounds):
            for index in range(len(documents)):
                start = time.perf_counter()
                work(index)
                samples.append((time.perf_counter() - start) * 1e6)
        print(
            f"{label:<40} median {statistics.median(samples):7.0f} us   "
            f"p99 {percentile(samples, 0.99):7.0f} us   ({len(samples)} sheets)"
        )


async def _post(http: httpx.AsyncClient, url: str, query: str, variables: dict[str, Any],
                token: str | None = None) -> dict[str, Any]:  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http.post(url, json={"query": query, "variables": variables}, headers=headers)
    body: dict[str, Any] = response.json()
    if body.get("errors"):
        raise RuntimeError(f"the bench's request failed: {body['errors'][0]}")
    return body


async def through_the_router(url: str, characters: int, seconds: float, concurrency: int) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        registered = await _post(
            http,
            url,
            "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
            {"i": {"email": "bench@example.com", "password": "a long passphrase",
                   "displayName": "Bench"}},
        )  # fmt: skip
        token = registered["data"]["register"]["accessToken"]
        for n in range(characters):
            document = json.loads(VALID_EXAMPLES[n % len(VALID_EXAMPLES)].read_text())
            await _post(
                http,
                url,
                """mutation($i: ImportCharacterInput!) {
                  importCharacter(input: $i) { character { id } }
                }""",
                {"i": {"document": document}},
                token,
            )
        page = PAGE % (STITCHED, LIST_SHEET)
        listed = await _post(http, url, page, {"first": characters}, token)
        assert len(listed["data"]["characters"]["nodes"]) == characters
        label = f"{characters} sheets in one query, the outside tools' fields"
        await measure(http, url, token, label, page, {"first": characters}, seconds, concurrency)
        # Every field of the sheet, breakdowns included, is estimated at about 7,100 for one
        # sheet by the router's cost model (every unbounded list counts 10, breakdowns are
        # lists in lists, and a page's `nodes` count 10 whatever `first` says), so a page of
        # whole sheets is over its default limit of 50,000 at any size: one character a query.
        ids = await _post(http, url, "{ characters(first: 1) { nodes { id } } }", {}, token)
        one = {"id": ids["data"]["characters"]["nodes"][0]["id"]}
        label = "1 sheet, every field (breakdowns, roll modes...), stitched"
        await measure(http, url, token, label, ONE % (STITCHED, SHEET), one, seconds, concurrency)


async def measure(
    http: httpx.AsyncClient, url: str, token: str, label: str, text: str,
    variables: dict[str, Any], seconds: float, concurrency: int,
) -> None:  # fmt: skip
    start = time.perf_counter()
    body = await _post(http, url, text, variables, token)
    first = (time.perf_counter() - start) * 1000
    size = len(json.dumps(body))
    samples = []
    for _ in range(30):
        start = time.perf_counter()
        await _post(http, url, text, variables, token)
        samples.append((time.perf_counter() - start) * 1000)
    print(f"{label}: {size / 1000:.0f} KB answer")
    print(f"  first request                      {first:7.1f} ms")
    print(
        f"  sequential (sheets cached)     p50 {statistics.median(samples):7.1f} ms"
        f"   p95 {percentile(samples, 0.95):7.1f} ms"
    )
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            begun = time.perf_counter()
            await _post(http, url, text, variables, token)
            latencies.append((time.perf_counter() - begun) * 1000)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    print(
        f"  concurrency {concurrency:<3} {len(latencies) / elapsed:6.1f} req/s"
        f"   p50 {statistics.median(latencies):7.1f} ms   p95 {percentile(latencies, 0.95):7.1f} ms"
    )


async def serve(var_dir: str) -> None:
    """The child: an isolated embedded stack until its standard input closes."""
    import pytest

    from tests.e2e.isolated import isolated_stack

    del pytest  # isolated_stack patches the environment with pytest's MonkeyPatch
    async with isolated_stack(Path(var_dir)) as stack:
        print(stack.router_url, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--characters", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.serve))
        return
    in_process(args.rounds)
    with tempfile.TemporaryDirectory() as var_dir:
        child = subprocess.Popen(
            [sys.executable, "-m", "bench.character_sheets", "--serve", var_dir],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "DNDCREATOR_LOG_LEVEL": "WARNING"},
        )
        try:
            assert child.stdout is not None
            url = child.stdout.readline().strip()
            if not url:
                raise SystemExit("the stack did not start")
            asyncio.run(through_the_router(url, args.characters, args.seconds, args.concurrency))
        finally:
            assert child.stdin is not None
            child.stdin.close()
            child.wait(timeout=30)


if __name__ == "__main__":
    main()
