"""Serve the router with a chosen uvicorn event loop and HTTP parser.

``python -m router`` lets uvicorn pick (``auto``: uvloop and httptools when installed). The
benchmark also runs the router on the standard-library asyncio loop with the pure-Python h11
parser, to show what those two C extensions are worth:

    python -m bench.router.serve_router --supergraph PATH --port PORT --loop asyncio --http h11

``--profile-to FILE`` runs the server under cProfile and writes the statistics when it stops
(SIGINT). Profiling starts after the imports and the app are built, so start-up does not drown
out the cost of serving requests.
"""

from __future__ import annotations

import argparse
import cProfile
from pathlib import Path

import uvicorn

from router.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--supergraph", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--loop", choices=["auto", "asyncio", "uvloop"], default="auto")
    parser.add_argument("--http", choices=["auto", "h11", "httptools"], default="auto")
    parser.add_argument("--no-access-log", action="store_true")
    parser.add_argument("--profile-to", type=Path, help="write cProfile statistics here")
    args = parser.parse_args()
    app = create_app(Path(args.supergraph).read_text(encoding="utf-8"))
    profiler = cProfile.Profile() if args.profile_to else None
    if profiler is not None:
        profiler.enable()
    try:
        uvicorn.run(app, host="127.0.0.1", port=args.port, loop=args.loop, http=args.http,
                    access_log=not args.no_access_log)
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile_to)


if __name__ == "__main__":
    main()
