"""The campaign service on a real loopback port (WebSocket needs one), and a way to read a
subscription's messages until a condition holds."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from subgraphs.campaign.app import build
from tests.graph import BackgroundGraph
from tests.router.subs.client import GraphQLWsClient
from tests.subgraphs.harness import build_app
from tests.support import TokenFactory, loopback_server

WAIT = 10.0  # seconds; generous, since the outbox relay polls and the bus consumer blocks


@contextlib.asynccontextmanager
async def campaign_service(
    env: Mapping[str, str | None], graph: BackgroundGraph
) -> AsyncIterator[tuple[str, TokenFactory]]:
    """The campaign app under uvicorn with its lifespan (migrations, outbox relay, bus
    consumer), asking ``graph`` about characters; yields its GraphQL URL and the token factory
    it trusts (the graph's)."""
    tokens = graph.tokens
    app = build_app(build, {**env, "ROUTER_URL": graph.router_url}, tokens)
    async with loopback_server(app, lifespan=True) as base_url:
        yield f"{base_url}/graphql", tokens


async def subscriber(url: str, headers: dict[str, str] | None) -> GraphQLWsClient:
    """A graphql-transport-ws connection, initialised with the viewer's token (if any)."""
    client = await GraphQLWsClient.open(url.replace("http://", "ws://"))
    payload = {} if headers is None else {"Authorization": headers["Authorization"]}
    await client.send({"type": "connection_init", "payload": payload})
    ack = await client.receive()
    assert ack["type"] == "connection_ack", ack
    return client


async def next_state(client: GraphQLWsClient, operation: str) -> dict[str, Any]:
    """The next encounter state on ``operation``; fails on anything else."""
    message = await asyncio.wait_for(client.receive(), WAIT)
    assert message.get("id") == operation and message["type"] == "next", message
    assert "errors" not in message["payload"], message["payload"]
    state: dict[str, Any] = message["payload"]["data"]["combatState"]
    return state


async def state_where(
    client: GraphQLWsClient, operation: str, condition: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """Read states until one satisfies ``condition``."""
    async with asyncio.timeout(WAIT):
        while True:
            state = await next_state(client, operation)
            if condition(state):
                return state
