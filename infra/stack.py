"""The embedded stack (``make run``): every subgraph and the router, in one process, on loopback.

Each service still listens on its own port and the router reaches them over real HTTP and
WebSocket, exactly as in the distributed topology; only the process boundary is gone. State lives
in SQLite files and directories under ``VAR_DIR`` (``./var``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from auth.tokens import JwksVerifier
from infra.config import Settings, var_dir
from subgraphs.registry import ROUTER_PORT, SERVICES

SUPERGRAPH = Path(__file__).resolve().parent.parent / "schema" / "supergraph.graphql"
log = logging.getLogger("dndcreator.stack")


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signals to the stack, which stops all servers at once."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _server(app: Starlette, port: int, host: str) -> _Server:
    return _Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on"))


async def _wait_started(servers: list[_Server], tasks: list[asyncio.Task[None]]) -> None:
    while not all(server.started for server in servers):
        if any(task.done() for task in tasks):
            for server in servers:
                server.should_exit = True
            raise SystemExit("a service failed to start (is a port in use?); see the log above")
        await asyncio.sleep(0.05)


async def serve(host: str = "127.0.0.1", router_port: int = ROUTER_PORT) -> None:
    from router.app import create_app as create_router

    settings = Settings.from_env()
    subgraph_servers = [
        _server(service.module("app").build(settings), service.port, host) for service in SERVICES
    ]
    tasks = [asyncio.create_task(server.serve()) for server in subgraph_servers]
    await _wait_started(subgraph_servers, tasks)

    router_app = create_router(
        SUPERGRAPH.read_text(), verifier=JwksVerifier(settings.jwks_url), dev=settings.dev
    )
    router_server = _server(router_app, router_port, host)
    tasks.append(asyncio.create_task(router_server.serve()))
    await _wait_started([router_server], tasks)
    every = [*subgraph_servers, router_server]

    def stop() -> None:
        for server in every:
            server.should_exit = True

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)

    print(f"dndcreator is up (state in {var_dir()})")
    print(f"  GraphQL and GraphiQL: http://{host}:{router_port}/graphql")
    print(f"  health:               http://{host}:{router_port}/health")
    for service in SERVICES:
        print(f"  subgraph {service.name:<10} http://{host}:{service.port}/graphql (internal)")
    print("Press Ctrl-C to stop.")
    await asyncio.gather(*tasks)
    print("stopped.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=ROUTER_PORT)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(serve(args.host, args.port))


if __name__ == "__main__":
    main()
