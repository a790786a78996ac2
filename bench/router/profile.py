"""Where this router spends its time under load: cProfile over a single router process.

The router runs in one process with uvicorn's defaults (as ``python -m router`` does) through
``serve_router.py --profile-to FILE``, which profiles serving but not start-up. wrk sends it the
benchmark's operations, then SIGINT stops it and the statistics are written. cProfile slows
Python code down (often by half or more): read the output as a ranking, not as absolute costs.
"""

from __future__ import annotations

import argparse
import io
import pstats
import signal
import sys
from pathlib import Path

from bench.router.gateways import subgraph_services
from bench.router.load import run_wrk
from bench.router.operations import OPERATIONS
from bench.router.processes import Service, free_port

TOP = 25


def _report(stats_file: Path) -> str:
    out = io.StringIO()
    stats = pstats.Stats(str(stats_file), stream=out)
    stats.strip_dirs()
    for order in ("tottime", "cumulative"):
        out.write(f"\n=== top {TOP} by {order} ===\n")
        stats.sort_stats(order).print_stats(TOP)
    return out.getvalue()


def profile_router(args: argparse.Namespace, work_dir: Path) -> int:
    # Imported here: run.py imports this module lazily, and the helpers live in run.py.
    from bench.router.run import (
        _body_files,
        _compose_supergraph,
        _running,
        _say,
        _wait_until_idle,
    )

    stats_file = work_dir / "router.prof"
    subgraphs = subgraph_services(work_dir)
    with _running(subgraphs):
        supergraph = _compose_supergraph(subgraphs, work_dir)
        port = free_port()
        router = Service(
            name="router-profiled", url=f"http://127.0.0.1:{port}/graphql", log_dir=work_dir,
            command=[sys.executable, "-m", "bench.router.serve_router", "--supergraph",
                     str(supergraph), "--port", str(port), "--profile-to", str(stats_file)],
        )
        bodies = _body_files(OPERATIONS, work_dir)
        with _running([router]):
            assert router.process is not None
            for operation in OPERATIONS:
                _wait_until_idle(router.process.pid)
                load = run_wrk(router.url, bodies[operation.name], seconds=args.profile_seconds,
                               connections=args.concurrency, threads=args.threads)
                _say(f"  {operation.name:<11} {load.rps:>8,.0f} req/s under cProfile")
            router.stop(signal.SIGINT, timeout=60.0)
    if not stats_file.exists():
        raise SystemExit(f"cProfile wrote no statistics; see {router.log_path}")
    print(_report(stats_file))
    _say(f"raw profile: {stats_file} (open with `python -m pstats {stats_file}`)")
    return 0
