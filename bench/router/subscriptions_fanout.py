"""Subscription fan-out: N subscribers on one live stream, delivery latency of each change.

    uv run python -m bench.router.subscriptions_fanout [--subscribers 1000] [--changes 30]
        [--client-processes 2] [--distinct-viewers]

Four kinds of process on loopback, so the router gets a core to itself as far as the machine
allows: the two test subgraphs from ``tests/router/subs`` (``combat`` owns the
``combatState`` subscription, ``heroes`` the names the router adds by entity fetch), the router,
and client processes that hold the subscribers (graphql-transport-ws, no compression).

One *change* is one ``announce`` mutation sent through the router. Its latency for a subscriber
is the time from just before the mutation is sent to the moment that subscriber's socket returns
the enriched ``next`` message (``time.monotonic`` is one clock for all processes on Linux). So a
figure covers: the mutation's HTTP round trip to the subgraph, the subgraph publishing, the
upstream WebSocket hop, the entity fetch to ``heroes``, and the fan-out to every client. The
goal is p99 <= 100 ms over all deliveries.

``--distinct-viewers`` gives every subscriber its own Authorization value, so no two share an
upstream stream (one upstream subscription and one entity fetch per subscriber and change):
the worst case for the router, shown for comparison with a smaller ``--subscribers``.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import socket
import statistics
import sys
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

import httpx
import orjson
import uvicorn

SUBSCRIPTION = """
subscription Fanout($encounter: ID!) {
  combatState(encounterId: $encounter) {
    round note turn { name hitPoints } combatants { name level hitPoints }
  }
}
"""
ANNOUNCE = "mutation($e: ID!, $t: String!) { announce(encounterId: $e, tag: $t) }"
ENCOUNTER = "e1"
GOAL_P99_MS = 100.0
WARMUP_CHANGES = 3
# Longer than any pause in the run, so the router's pooled connections to the subgraphs are
# never closed by the server just as the router reuses them (that race shows up as ReadError).
KEEP_ALIVE_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, deadline: float = 20.0) -> None:
    stop = time.monotonic() + deadline
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > stop:
                raise RuntimeError(f"nothing listens on port {port}") from None
            time.sleep(0.05)


# --- server processes -------------------------------------------------------------------------


def adjust_priority(niceness: int) -> None:
    """Lower (or, with privileges, raise) this process's scheduling priority; see ``--nice``."""
    if niceness:
        try:
            os.nice(niceness)
        except OSError:
            print(f"cannot change priority by {niceness}; measuring without", file=sys.stderr)


def serve_subgraphs(ports: dict[str, int], niceness: int) -> None:
    adjust_priority(niceness)
    from tests.router.subs.subgraphs import SCHEMAS, subgraph_app

    servers = [
        uvicorn.Server(uvicorn.Config(subgraph_app(SCHEMAS[name]), host="127.0.0.1", port=port,
                                      log_level="warning", lifespan="off", backlog=4096,
                                      timeout_keep_alive=KEEP_ALIVE_SECONDS))
        for name, port in ports.items()
    ]

    async def run() -> None:
        await asyncio.gather(*(server.serve() for server in servers))

    asyncio.run(run())


def serve_router(sdl: str, port: int, deduplicate: bool, niceness: int) -> None:
    adjust_priority(niceness)
    from router.app import create_app
    from router.subscriptions import SubscriptionSettings

    app = create_app(sdl, subscriptions=SubscriptionSettings(deduplicate=deduplicate))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", backlog=4096)


# --- client processes -------------------------------------------------------------------------


def _text(message: dict[str, Any]) -> str:
    return orjson.dumps(message).decode()  # the protocol wants text frames


def run_clients(url: str, count: int, first_viewer: int, distinct: bool, pipe: Connection,
                niceness: int) -> None:
    adjust_priority(niceness)
    asyncio.run(_clients(url, count, first_viewer, distinct, pipe))


async def _clients(url: str, count: int, first_viewer: int, distinct: bool,
                   pipe: Connection) -> None:
    from websockets.asyncio.client import ClientConnection, connect
    from websockets.typing import Subprotocol

    received: dict[str, list[float]] = {}
    problems: list[Any] = []
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(50)  # connect in waves: no SYN flood against the backlog

    async def subscriber(number: int) -> ClientConnection:
        async with gate:
            socket_ = await connect(url, subprotocols=[Subprotocol("graphql-transport-ws")],
                                    compression=None, open_timeout=30, ping_interval=None)
            payload = {"Authorization": f"Bearer viewer-{number}"} if distinct else {}
            await socket_.send(_text({"type": "connection_init", "payload": payload}))
            assert orjson.loads(await socket_.recv())["type"] == "connection_ack"
            await socket_.send(_text({"id": "1", "type": "subscribe", "payload": {
                "query": SUBSCRIPTION, "variables": {"encounter": ENCOUNTER}}}))
            await socket_.send(_text({"type": "ping"}))
            assert orjson.loads(await socket_.recv())["type"] == "pong"
            return socket_

    async def listen(socket_: ClientConnection) -> None:
        async for raw in socket_:
            arrived = time.monotonic()
            message = orjson.loads(raw)
            if message.get("type") != "next":
                continue
            if message["payload"].get("errors") and not problems:
                problems.append(message["payload"]["errors"])
                print(f"a subscriber got errors: {message['payload']['errors']}", file=sys.stderr)
            state = (message["payload"].get("data") or {}).get("combatState") or {}
            tag = str(state.get("note", "")).split(":")[0]
            times = received.setdefault(tag, [])
            times.append(arrived)
            if len(times) == count:
                pipe.send((tag, times))

    sockets = await asyncio.gather(*(subscriber(first_viewer + n) for n in range(count)))
    listeners = [asyncio.create_task(listen(s)) for s in sockets]
    pipe.send(("ready", []))
    await loop.run_in_executor(None, pipe.recv)  # the coordinator says stop
    for task in listeners:
        task.cancel()
    for socket_ in sockets:
        await socket_.close()


# --- coordinator ------------------------------------------------------------------------------


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time a process has used so far (Linux /proc); 0 elsewhere."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--distinct-viewers", action="store_true")
    parser.add_argument("--nice", type=int, default=0,
                        help="niceness change for the benchmark's processes; a negative value "
                             "(needs privileges) keeps other work on a shared machine from "
                             "dominating the figures")
    args = parser.parse_args(argv)

    from tests.router.subs.subgraphs import supergraph

    spawn = multiprocessing.get_context("spawn")
    ports = {"combat": free_port(), "heroes": free_port()}
    router_port = free_port()
    sdl = supergraph({name: f"http://127.0.0.1:{port}/graphql" for name, port in ports.items()})
    processes: list[BaseProcess] = [
        spawn.Process(target=serve_subgraphs, args=(ports, args.nice), daemon=True),
        spawn.Process(target=serve_router,
                      args=(sdl, router_port, not args.distinct_viewers, args.nice), daemon=True),
    ]
    for process in processes:
        process.start()
    try:
        for port in [*ports.values(), router_port]:
            wait_for_port(port)
        return _measure(args, spawn, router_port, processes)
    finally:
        for process in processes:
            process.terminate()
            process.join(timeout=5)


def _measure(args: argparse.Namespace, spawn: Any, router_port: int,
             processes: list[BaseProcess]) -> int:
    url = f"ws://127.0.0.1:{router_port}/graphql"
    http_url = f"http://127.0.0.1:{router_port}/graphql"
    shares = [args.subscribers // args.client_processes] * args.client_processes
    shares[0] += args.subscribers - sum(shares)
    pipes: list[Connection] = []
    first = 0
    started = time.monotonic()
    for share in shares:
        ours, theirs = spawn.Pipe()
        process = spawn.Process(target=run_clients,
                                args=(url, share, first, args.distinct_viewers, theirs,
                                      args.nice),
                                daemon=True)
        process.start()
        processes.append(process)
        pipes.append(ours)
        first += share
    for pipe in pipes:
        if not pipe.poll(120):
            raise RuntimeError("client processes did not get ready")
        assert pipe.recv()[0] == "ready"
    print(f"{args.subscribers} subscribers connected in {time.monotonic() - started:.1f}s "
          f"({'one stream per viewer' if args.distinct_viewers else 'one shared stream'})")

    router_pid = processes[1].pid
    per_change_max: list[float] = []
    deliveries: list[float] = []
    router_cpu = 0.0
    with httpx.Client(timeout=30) as client:

        def change(tag: str) -> float:
            sent = time.monotonic()
            response = client.post(http_url, json={"query": ANNOUNCE,
                                                   "variables": {"e": ENCOUNTER, "t": tag}})
            response.raise_for_status()
            return sent

        def arrivals(tag: str, wait: float) -> list[float] | None:
            """Every subscriber's arrival time for ``tag``; None if some never got it."""
            times: list[float] = []
            for pipe in pipes:
                while True:
                    if not pipe.poll(wait):
                        return None
                    got, batch = pipe.recv()
                    if got == tag:
                        times += batch
                        break  # older warm-up tags may still complete: skip them
            return times

        # Warm up until one change reaches everybody: subscribing upstream is asynchronous, and
        # the first changes also fill caches and connection pools.
        warm = 0
        for attempt in range(40):
            tag = f"w{attempt}"
            change(tag)
            if arrivals(tag, 3.0) is not None:
                warm += 1
            if warm >= WARMUP_CHANGES:
                break
        else:
            raise RuntimeError("changes never reached every subscriber")

        for number in range(args.changes):
            cpu_before = cpu_seconds(router_pid)
            sent = change(str(number))
            times = arrivals(str(number), 60.0)
            if times is None:
                raise RuntimeError(f"change {number} did not reach every subscriber")
            router_cpu += cpu_seconds(router_pid) - cpu_before
            latencies = [(arrived - sent) * 1000 for arrived in times]
            deliveries += latencies
            per_change_max.append(max(latencies))
            time.sleep(0.05)
    for pipe in pipes:
        pipe.send("stop")

    p99 = percentile(deliveries, 0.99)
    print(f"changes measured: {args.changes}, deliveries: {len(deliveries)}")
    print(f"delivery latency ms: p50 {percentile(deliveries, 0.50):.1f}  "
          f"p90 {percentile(deliveries, 0.90):.1f}  p99 {p99:.1f}  "
          f"max {max(deliveries):.1f}  mean {statistics.fmean(deliveries):.1f}")
    print(f"last subscriber reached, ms: median {statistics.median(per_change_max):.1f}  "
          f"worst {max(per_change_max):.1f}")
    print(f"router CPU per change: {router_cpu / args.changes * 1000:.1f} ms "
          f"(machine load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    verdict = "meets" if p99 <= GOAL_P99_MS else "misses"
    print(f"goal p99 <= {GOAL_P99_MS:.0f} ms: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
