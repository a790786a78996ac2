"""``combatState`` fan-out at the campaign subgraph: N distinct viewers of one encounter.

    .tools/bin/uv run python -m bench.combat_fanout [--subscribers 10,100,500] [--changes 20]

The campaign app runs under uvicorn on loopback in a child process with its embedded defaults
(SQLite file, in-process event bus and cache, outbox relay polling every 0.2 s). This process
is the client: a game master, N players who joined the campaign (each its own user, so the
router could never share their streams; the server lifts the 12-player cap), one
graphql-transport-ws connection per player subscribed to the encounter, then ``--changes``
damage mutations one after another.

A change's latency for a subscriber is the time from just before the mutation is sent to that
subscriber's socket returning the ``next`` message with the new version (``time.monotonic``).
It includes the mutation's own round trip and the outbox relay's poll, so it is an upper bound
of "commit to receipt"; the mutation round trip is printed separately. The server's CPU time
and resident memory come from ``/proc``. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from subgraphs.campaign import services
from subgraphs.campaign.app import build
from tests.router.subs.client import GraphQLWsClient
from tests.subgraphs.campaign.encounter_support import COMBAT_STATE, JOIN, MUTATIONS
from tests.subgraphs.campaign.live_support import subscriber
from tests.subgraphs.harness import build_app
from tests.support import TokenFactory, free_port, gql

CREATE_CAMPAIGN = """
mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } } }"""
CONNECT_CONCURRENCY = 50


def _serve(tokens: TokenFactory, database: str, port: int) -> None:
    # A campaign takes 12 players; the benchmark lifts the cap in its own server process only,
    # so one encounter can have hundreds of distinct viewers (as many encounters would).
    services.MAX_PLAYERS = 100_000
    env = {"CAMPAIGN_DATABASE_URL": database, "REDIS_URL": None}
    app = build_app(build, env, tokens)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", ws_max_queue=1024)


def _proc(pid: int) -> tuple[float, float]:
    """CPU seconds used so far and resident memory in MiB of process ``pid``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    rss = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    return cpu, rss


async def _wait_up(url: str) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(200):
            try:
                await http.get(url.replace("/graphql", "/health"))
                return
            except httpx.TransportError:
                await asyncio.sleep(0.05)
    raise RuntimeError("the campaign service did not start")


async def _ok(http: httpx.AsyncClient, mutation: str, gm: dict[str, str], **input: Any) -> Any:
    body = await gql(http, MUTATIONS[mutation], {"input": input}, gm)
    payload = body["data"][mutation]
    if payload["userErrors"]:
        raise RuntimeError(payload["userErrors"])
    return payload["encounter"]


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return (
        f"p50 {cut[49] * 1000:7.1f}  p95 {cut[94] * 1000:7.1f}  "
        f"p99 {cut[98] * 1000:7.1f}  max {ordered[-1] * 1000:7.1f} ms"
    )


async def _receive_version(client: GraphQLWsClient, version: int) -> float:
    while True:
        message = await client.receive()
        if message["type"] != "next":
            raise RuntimeError(f"unexpected message {message}")
        if message["payload"]["data"]["combatState"]["version"] == version:
            return time.monotonic()


async def _round(subscribers: int, changes: int, url: str, pid: int, tokens: TokenFactory) -> None:
    gm = tokens.headers()
    async with httpx.AsyncClient(base_url=url.removesuffix("/graphql"), timeout=60) as http:
        created = await gql(
            http, CREATE_CAMPAIGN, {"input": {"name": "Bench", "type": "ANTITHETICON"}}, gm
        )
        campaign = created["data"]["createCampaign"]["campaign"]["id"]
        players = [tokens.headers() for _ in range(subscribers)]
        for player in players:
            character = str(uuid.uuid4())
            joined = await gql(
                http, JOIN, {"input": {"campaignId": campaign, "characterId": character}}, player
            )
            assert joined["data"]["joinCampaign"]["userErrors"] == []
        fight = await _ok(http, "createEncounter", gm, campaignId=campaign, name="Bench")
        fight = await _ok(
            http,
            "addCombatant",
            gm,
            encounterId=fight["id"],
            expectedVersion=fight["version"],
            name="Tarrasque",
            kind="CREATURE",
            maxHp=10_000,
            initiative=10,
        )
        target = fight["combatants"][0]["id"]
        fight = await _ok(
            http, "startEncounter", gm, encounterId=fight["id"], expectedVersion=fight["version"]
        )

        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

        async def connect(player: dict[str, str]) -> tuple[GraphQLWsClient, str]:
            async with gate:
                client = await subscriber(url, player)
                operation = await client.subscribe(COMBAT_STATE, {"id": fight["id"]})
                first = await client.receive()
                assert first["type"] == "next", first
                return client, operation

        _, rss_before = _proc(pid)
        clients = await asyncio.gather(*(connect(p) for p in players))
        _, rss_after = _proc(pid)
        cpu_start, _ = _proc(pid)
        latencies: list[float] = []
        round_trips: list[float] = []
        for _ in range(changes):
            start = time.monotonic()
            fight = await _ok(
                http,
                "applyDamage",
                gm,
                encounterId=fight["id"],
                expectedVersion=fight["version"],
                combatantId=target,
                amount=1,
            )
            round_trips.append(time.monotonic() - start)
            received = await asyncio.gather(
                *(_receive_version(client, fight["version"]) for client, _ in clients)
            )
            latencies += [moment - start for moment in received]
        cpu_used = _proc(pid)[0] - cpu_start
        for client, _ in clients:
            await client.close()

    print(
        f"{subscribers:5d} subscribers x {changes} changes: delivery {_percentiles(latencies)}\n"
        f"      mutation round trip p50 {statistics.median(round_trips) * 1000:.1f} ms; "
        f"server CPU {cpu_used / changes * 1000:.1f} ms per change; "
        f"server RSS {rss_before:.0f} -> {rss_after:.0f} MiB with the subscribers connected",
        flush=True,
    )


async def _run(counts: list[int], changes: int, url: str, pid: int, tokens: TokenFactory) -> None:
    await _wait_up(url)
    for count in counts:
        await _round(count, changes, url, pid, tokens)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", default="10,100,500")
    parser.add_argument("--changes", type=int, default=20)
    options = parser.parse_args()
    counts = [int(value) for value in options.subscribers.split(",")]

    tokens = TokenFactory()
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        database = f"sqlite+aiosqlite:///{scratch}/campaign.db"
        # fork: the child inherits the token factory, so it trusts the tokens minted here.
        server = multiprocessing.get_context("fork").Process(
            target=_serve, args=(tokens, database, port), daemon=True
        )
        server.start()
        assert server.pid is not None
        try:
            asyncio.run(
                _run(
                    counts, options.changes, f"http://127.0.0.1:{port}/graphql", server.pid, tokens
                )
            )
        finally:
            server.terminate()
            server.join(10)


if __name__ == "__main__":
    main()
