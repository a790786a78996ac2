"""The embedded stack (``make run``): every subgraph and the router, in one process, on loopback.

Each service still listens on its own port and the router reaches them over real HTTP and
WebSocket, exactly as in the distributed topology; only the process boundary is gone. State lives
in SQLite files and directories under ``VAR_DIR`` (``./var``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import logging
import signal
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from auth.revocation import SessionRevocations
from auth.services import AuthTools
from auth.tokens import JwksVerifier
from infra.cache import process_cache
from infra.config import Settings, var_dir
from infra.gc_tuning import settle_after_startup
from infra.logs import configure
from subgraphs.kit.hub import MintedTokens, RouterClient
from subgraphs.registry import ROUTER_PORT, SERVICES

SUPERGRAPH = Path(__file__).resolve().parent.parent / "schema" / "supergraph.graphql"
# Asset bytes are served by the image subgraph; clients reach them through the router's origin.
PASSTHROUGH = {"/assets": "image"}
log = logging.getLogger("dndcreator.stack")


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signals to the stack, which stops all servers at once."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _server(app: Starlette, port: int, host: str) -> _Server:
    # log_config=None: uvicorn's loggers propagate to the redacting handler of ``configure``.
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", lifespan="on", log_config=None
    )
    return _Server(config)


@dataclasses.dataclass
class Stack:
    router_url: str
    service_urls: dict[str, str]  # name -> base URL (internal: clients use the router)
    servers: list[_Server]
    tasks: list[asyncio.Task[None]]

    def stop(self) -> None:
        for server in self.servers:
            server.should_exit = True

    async def wait(self) -> None:
        await asyncio.gather(*self.tasks)


async def _start(servers: list[_Server], stack: Stack) -> None:
    for server in servers:
        stack.servers.append(server)
        stack.tasks.append(asyncio.create_task(server.serve()))
    while not all(server.started for server in servers):
        if any(task.done() for task in stack.tasks):
            stack.stop()
            raise SystemExit("a service failed to start (is a port in use?); see the log above")
        await asyncio.sleep(0.05)


def _service_apps(settings: Settings) -> dict[str, Starlette]:
    """Every service's app. Auth runs in this process, so the services that read other domains
    through the router (llm: the catalog; image: characters, catalog entries, encounters) get
    their service tokens minted directly instead of over OAuth."""
    through_router = {"llm", "image"}
    apps = {
        service.name: service.module("app").build(settings)
        for service in SERVICES
        if service.name not in through_router
    }
    auth: AuthTools = apps["auth"].state.auth
    for service in SERVICES:
        if service.name in through_router:
            tokens = _minted(auth, service.name)
            apps[service.name] = service.module("app").build(
                settings, router=RouterClient(settings.router_url, tokens)
            )
    return apps


def _minted(auth: AuthTools, service: str) -> MintedTokens:
    return MintedTokens(lambda: auth.mint_service_token(service))


@contextlib.asynccontextmanager
async def running_stack(
    host: str = "127.0.0.1",
    router_port: int = ROUTER_PORT,
    service_ports: Mapping[str, int] | None = None,
) -> AsyncIterator[Stack]:
    """Start every service, then the router; stop them all on exit."""
    from router.app import create_app as create_router

    ports = {service.name: service.port for service in SERVICES} | dict(service_ports or {})
    jwks_url = f"http://{host}:{ports['auth']}/.well-known/jwks.json"
    router_url = f"http://{host}:{router_port}/graphql"
    settings = dataclasses.replace(Settings.from_env(), jwks_url=jwks_url, router_url=router_url)
    service_urls = {name: f"http://{host}:{port}" for name, port in ports.items()}
    stack = Stack(router_url=router_url, service_urls=service_urls, servers=[], tasks=[])
    try:
        await _start(
            [_server(app, ports[name], host) for name, app in _service_apps(settings).items()],
            stack,
        )
        router_app = create_router(
            SUPERGRAPH.read_text(),
            verifier=JwksVerifier(jwks_url),
            revocations=SessionRevocations(process_cache(settings.redis_url)),
            dev=settings.dev,
            subgraph_url_overrides={name: f"{url}/graphql" for name, url in service_urls.items()},
            passthrough=PASSTHROUGH,
        )
        await _start([_server(router_app, router_port, host)], stack)
        yield stack
    finally:
        stack.stop()
        await asyncio.gather(*stack.tasks, return_exceptions=True)


async def serve(host: str, router_port: int, seed_demo: bool) -> None:
    from infra.demo import seed

    async with running_stack(host, router_port) as stack:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stack.stop)
        if seed_demo:
            await seed(stack.router_url)
        settle_after_startup()
        print(f"dndcreator is up (state in {var_dir()})")
        print(f"  GraphQL and GraphiQL: {stack.router_url}")
        print(f"  health:               http://{host}:{router_port}/health")
        for name, url in stack.service_urls.items():
            print(f"  subgraph {name:<10} {url}/graphql (internal)")
        print("Press Ctrl-C to stop.", flush=True)
        await stack.wait()
    print("stopped.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=ROUTER_PORT)
    parser.add_argument("--no-demo", action="store_true", help="do not seed the demo data")
    args = parser.parse_args()
    configure(service="stack")
    asyncio.run(serve(args.host, args.port, seed_demo=not args.no_demo))


if __name__ == "__main__":
    main()
