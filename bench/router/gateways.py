"""The processes of one benchmark run: three Node subgraphs and the gateways under test."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.router.processes import Service, free_port

HERE = Path(__file__).parent
NODE_DIR = HERE / "node"
SUBGRAPH_NAMES = ("campaigns", "characters", "items")
REFERENCE_GATEWAY = "hive-gateway"  # ratios in the report are relative to this one
NODE_PRODUCTION = {"NODE_ENV": "production"}


def subgraph_services(log_dir: Path) -> list[Service]:
    services = []
    for name in SUBGRAPH_NAMES:
        port = free_port()
        services.append(Service(
            name=f"subgraph-{name}", command=["node", "subgraph.mjs", name, str(port)],
            url=f"http://127.0.0.1:{port}/graphql", log_dir=log_dir, cwd=NODE_DIR,
        ))
    return services


def _router(supergraph: Path, log_dir: Path) -> Service:
    """``python -m router`` with its defaults, except the per-client rate limit, which the
    other gateways do not have and which would turn a load test into a stream of 429s."""
    port = free_port()
    return Service(
        name="router", url=f"http://127.0.0.1:{port}/graphql", log_dir=log_dir,
        command=[sys.executable, "-m", "router", "--supergraph", str(supergraph),
                 "--port", str(port), "--rate-limit", "0"],
    )


def _router_plain_asyncio(supergraph: Path, log_dir: Path) -> Service:
    port = free_port()
    return Service(
        name="router-asyncio-h11", url=f"http://127.0.0.1:{port}/graphql", log_dir=log_dir,
        command=[sys.executable, "-m", "bench.router.serve_router", "--supergraph",
                 str(supergraph), "--port", str(port), "--loop", "asyncio", "--http", "h11"],
    )


def _hive_gateway(supergraph: Path, log_dir: Path) -> Service:
    port = free_port()
    cli = NODE_DIR / "node_modules" / "@graphql-hive" / "gateway" / "dist" / "bin.js"
    return Service(
        name=REFERENCE_GATEWAY, url=f"http://127.0.0.1:{port}/graphql", log_dir=log_dir,
        cwd=NODE_DIR, env=NODE_PRODUCTION,
        command=["node", str(cli), "supergraph", str(supergraph), "--host", "127.0.0.1",
                 "--port", str(port), "--fork", "1"],
    )


def _apollo_gateway(supergraph: Path, log_dir: Path) -> Service:
    port = free_port()
    return Service(
        name="apollo-gateway", url=f"http://127.0.0.1:{port}/", log_dir=log_dir,
        cwd=NODE_DIR, env=NODE_PRODUCTION,
        command=["node", "apollo.mjs", str(supergraph), str(port)],
    )


@dataclass(frozen=True)
class GatewayKind:
    name: str
    build: Callable[[Path, Path], Service]


GATEWAYS: tuple[GatewayKind, ...] = (
    GatewayKind("router", _router),
    GatewayKind("router-asyncio-h11", _router_plain_asyncio),
    GatewayKind(REFERENCE_GATEWAY, _hive_gateway),
    GatewayKind("apollo-gateway", _apollo_gateway),
)
