"""One benchmark run: subgraphs up, supergraph composed, answers compared, each gateway timed.

    uv run python -m bench.router [--duration 10] [--warmup 3] [--concurrency 50]
                                  [--gateways router,hive-gateway,...] [--json results.json]
    uv run python -m bench.router --profile [--profile-seconds 8]

Steps:
1. start the three Node subgraphs and compose their SDLs with the project's composer
   (``schema.compose``) into a supergraph that points at their real ports;
2. start every gateway on that same supergraph;
3. ask every gateway every operation and abort unless all answers are equal;
4. for each gateway in turn and each operation: warm up, then a timed closed-loop run at fixed
   concurrency (wrk) while /proc is sampled for the gateway's peak RSS; the answer is checked
   again afterwards so a gateway that broke under load cannot pass;
5. print the table (ratios against Hive Gateway) and optionally write the raw numbers as JSON.

``--profile`` instead runs only this router, under cProfile, through the same operations and
prints where the time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict
from pathlib import Path

import httpx

from bench.router.correctness import check_same_answers, fetch
from bench.router.gateways import GATEWAYS, NODE_DIR, REFERENCE_GATEWAY, subgraph_services
from bench.router.load import require_wrk, run_wrk
from bench.router.operations import OPERATIONS, Operation
from bench.router.processes import PeakRssSampler, Service, tree_cpu_seconds, tree_rss_bytes
from bench.router.report import MEBIBYTE, Measurement, markdown_table
from schema.compose import Subgraph, compose

HERE = Path(__file__).parent
PROBE = Operation(name="probe", query="{ __typename }")


def _parser() -> argparse.ArgumentParser:
    names = ",".join(kind.name for kind in GATEWAYS)
    parser = argparse.ArgumentParser(prog="python -m bench.router", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0,
                        help="seconds of timed load per gateway and operation (default 10)")
    parser.add_argument("--warmup", type=float, default=3.0,
                        help="seconds of untimed load before each timed run (default 3)")
    parser.add_argument("--concurrency", type=int, default=50,
                        help="open connections, each with one request in flight (default 50)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--gateways", default=names, help=f"comma-separated subset of {names}")
    parser.add_argument("--operations", default=",".join(op.name for op in OPERATIONS),
                        help="comma-separated subset of the operations")
    parser.add_argument("--identical", action="store_true",
                        help="send the same variables in every request (default: rotate)")
    parser.add_argument("--json", type=Path, help="also write the raw results to this file")
    parser.add_argument("--profile", action="store_true",
                        help="profile this router with cProfile instead of comparing gateways")
    parser.add_argument("--profile-seconds", type=float, default=8.0,
                        help="seconds of load per operation while profiling (default 8)")
    return parser


def _selected(text: str, available: Sequence[str], what: str) -> list[str]:
    chosen = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in available]
    if unknown or not chosen:
        raise SystemExit(f"unknown {what}: {', '.join(unknown) or '(none)'}; "
                         f"choose from {', '.join(available)}")
    return chosen


def _check_prerequisites() -> None:
    require_wrk()
    if not (NODE_DIR / "node_modules").is_dir():
        raise SystemExit(f"the Node dependencies are missing: run `npm ci` in {NODE_DIR}")


@contextmanager
def _running(services: Sequence[Service]) -> Iterator[None]:
    """Start services together, wait until each answers, and always stop them afterwards."""
    with ExitStack() as stack:
        for service in services:
            stack.callback(service.stop)
            service.start()
        for service in services:
            service.wait_ready(PROBE.body())
        yield


def _compose_supergraph(subgraphs: Sequence[Service], work_dir: Path) -> Path:
    sdl = compose([
        Subgraph(service.name.removeprefix("subgraph-"), service.url,
                 (HERE / "subgraphs" / f"{service.name.removeprefix('subgraph-')}.graphql")
                 .read_text(encoding="utf-8"))
        for service in subgraphs
    ])
    path = work_dir / "supergraph.graphql"
    path.write_text(sdl, encoding="utf-8")
    return path


def _body_files(operations: Sequence[Operation], work_dir: Path, *, identical: bool = False
                ) -> dict[str, Path]:
    """One file per operation, one request body per line, for ``post.lua``."""
    files = {}
    for operation in operations:
        files[operation.name] = work_dir / f"{operation.name}.jsonl"
        files[operation.name].write_bytes(b"\n".join(operation.bodies(identical=identical)))
    return files


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _wait_until_idle(pid: int, timeout: float = 20.0) -> None:
    """Let a gateway finish the backlog of a previous run before the next one starts.

    When wrk stops, requests it abandoned may still be running inside the gateway; timing the
    next run on top of them would charge one run's work to another. Idle here means the
    gateway's processes used less than 5% of one CPU over a quarter of a second.
    """
    deadline = time.monotonic() + timeout
    before = tree_cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = tree_cpu_seconds(pid)
        if now - before < 0.0125:
            return
        before = now


def _subgraph_counters(subgraphs: Sequence[Service]) -> tuple[int, int]:
    """Requests and TCP connections the subgraphs have served so far (their GET /stats)."""
    requests = connections = 0
    for subgraph in subgraphs:
        stats = httpx.get(subgraph.url.removesuffix("/graphql") + "/stats", timeout=5.0).json()
        requests += int(stats["requests"])
        connections += int(stats["connections"])
    return requests, connections


def _cpu_of(services: Sequence[Service]) -> float:
    return sum(tree_cpu_seconds(s.process.pid) for s in services if s.process is not None)


def _time_gateway(gateway: Service, subgraphs: Sequence[Service], operations: Sequence[Operation],
                  bodies: dict[str, Path], args: argparse.Namespace) -> list[Measurement]:
    """Warm up, then time each operation; CPU and subgraph calls are counted per request.

    The timed run starts on an idle gateway and its accounting ends once the gateway is idle
    again, so it covers the requests wrk completed *plus* the ones still in flight when wrk
    stopped (one per connection in a closed loop); the per-request figures divide by both.
    """
    assert gateway.process is not None
    pid = gateway.process.pid
    measurements = []
    for operation in operations:
        expected = fetch(gateway.url, operation)
        run_wrk(gateway.url, bodies[operation.name], seconds=args.warmup,
                connections=args.concurrency, threads=args.threads)
        _wait_until_idle(pid)
        cpu_before, subgraph_cpu_before = tree_cpu_seconds(pid), _cpu_of(subgraphs)
        calls_before, connections_before = _subgraph_counters(subgraphs)
        with PeakRssSampler(pid) as sampler:
            load = run_wrk(gateway.url, bodies[operation.name], seconds=args.duration,
                           connections=args.concurrency, threads=args.threads)
            _wait_until_idle(pid)
        calls_after, connections_after = _subgraph_counters(subgraphs)
        if fetch(gateway.url, operation) != expected:
            raise SystemExit(f"{gateway.name} changed its answer to {operation.name} under load")
        measurement = Measurement(
            gateway=gateway.name, operation=operation.name, load=load,
            peak_rss_bytes=sampler.peak, processed_requests=load.requests + args.concurrency,
            cpu_seconds=tree_cpu_seconds(pid) - cpu_before,
            subgraph_cpu_seconds=_cpu_of(subgraphs) - subgraph_cpu_before,
            subgraph_calls=calls_after - calls_before,
            subgraph_connections=connections_after - connections_before,
        )
        measurements.append(measurement)
        _say(f"  {operation.name:<11} {load.rps:>8,.0f} req/s  p95 {load.p95_ms:7.1f} ms  "
             f"peak RSS {sampler.peak / MEBIBYTE:5.0f} MiB  "
             f"CPU {measurement.cpu_ms_per_request:.2f} ms/req (subgraphs "
             f"{measurement.subgraph_cpu_ms_per_request:.2f}, "
             f"{measurement.subgraph_calls_per_request:.2f} calls, "
             f"{measurement.subgraph_connections} new connections)  "
             f"errors {load.http_errors + load.socket_errors}")
    return measurements


def compare(args: argparse.Namespace, work_dir: Path) -> int:
    gateway_names = _selected(args.gateways, [kind.name for kind in GATEWAYS], "gateways")
    operations = [op for op in OPERATIONS
                  if op.name in _selected(args.operations, [o.name for o in OPERATIONS],
                                          "operations")]
    subgraphs = subgraph_services(work_dir)
    started = time.monotonic()
    with _running(subgraphs):
        supergraph = _compose_supergraph(subgraphs, work_dir)
        gateways = [kind.build(supergraph, work_dir) for kind in GATEWAYS
                    if kind.name in gateway_names]
        with _running(gateways):
            _say(f"{len(gateways)} gateways up; comparing answers ...")
            sizes = check_same_answers([(g.name, g.url) for g in gateways], operations)
            _say("answers agree: " + ", ".join(f"{name} {size:,} B" for name, size in
                                               sizes.items()))
            idle = {g.name: tree_rss_bytes(g.process.pid) for g in gateways if g.process}
            bodies = _body_files(operations, work_dir, identical=args.identical)
            measurements: list[Measurement] = []
            for gateway in gateways:
                _say(f"{gateway.name} (idle RSS {idle[gateway.name] / MEBIBYTE:.0f} MiB)")
                measurements.extend(_time_gateway(gateway, subgraphs, operations, bodies, args))
    _say(f"done in {time.monotonic() - started:.0f}s; logs in {work_dir}")
    print(f"\nconcurrency {args.concurrency}, {args.duration:g}s per run after {args.warmup:g}s "
          f"warm-up, wrk -t{args.threads}, {os.cpu_count()} CPUs, "
          f"{'identical requests' if args.identical else 'rotating variables'}\n")
    print(markdown_table(measurements, REFERENCE_GATEWAY))
    if args.json:
        args.json.write_text(json.dumps({
            "settings": {"duration": args.duration, "warmup": args.warmup,
                         "identical": args.identical,
                         "concurrency": args.concurrency, "threads": args.threads,
                         "cpus": os.cpu_count()},
            "idle_rss_bytes": idle,
            "response_bytes": sizes,
            "results": [{**asdict(m), "rps": m.load.rps,
                         "cpu_ms_per_request": m.cpu_ms_per_request,
                         "subgraph_cpu_ms_per_request": m.subgraph_cpu_ms_per_request,
                         "subgraph_calls_per_request": m.subgraph_calls_per_request}
                        for m in measurements],
        }, indent=2))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _check_prerequisites()
    work_dir = Path(tempfile.mkdtemp(prefix="bench-router-"))
    if args.profile:
        from bench.router.profile import profile_router

        return profile_router(args, work_dir)
    return compare(args, work_dir)
