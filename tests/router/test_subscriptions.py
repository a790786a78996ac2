"""Subscriptions through the router, over real sockets.

Two subgraphs (``tests/router/subs/subgraphs.py``) and the router run under uvicorn on loopback
ports; tests connect with a small graphql-transport-ws client (``tests/router/subs/client.py``)
or with httpx for Server-Sent Events, and trigger combat changes with mutations through the
router. Waiting is always "until the condition holds, or fail after a generous deadline".
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from starlette.applications import Starlette

from auth.tokens import StaticKeyVerifier
from router.app import create_app
from router.gateway import Gateway
from router.plan import QueryPlan
from router.subscriptions import SubscriptionSettings
from router.subscriptions.outbox import Outbox
from router.subscriptions.plan import NotASubscriptionPlan, SubscriptionPlan
from tests.router.conftest import BackgroundServer, SigningKeys
from tests.router.subs import subgraphs
from tests.router.subs.client import GraphQLWsClient
from tests.router.subs.subgraphs import STREAMS, new_encounter
from tests.support import free_port

COMBAT_STATE = """
subscription Combat($encounter: ID!) {
  combatState(encounterId: $encounter) {
    round
    turn { name hitPoints }
    combatants { id name level hitPoints }
    seenAuthorization
  }
}
"""
DEAL_DAMAGE = """
mutation Hit($encounter: ID!, $who: ID!, $amount: Int!) {
  dealDamage(encounterId: $encounter, characterId: $who, amount: $amount)
}
"""
ANNOUNCE = """
mutation Announce($e: ID!, $t: String!) { announce(encounterId: $e, tag: $t, noteSize: 524288) }
"""
DEADLINE = 10.0


async def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        await asyncio.sleep(0.01)


@pytest.fixture(scope="session")
def subs_urls() -> Iterator[dict[str, str]]:
    servers = {name: BackgroundServer(subgraphs.subgraph_app(schema))
               for name, schema in subgraphs.SCHEMAS.items()}
    started: list[BackgroundServer] = []
    try:
        for server in servers.values():
            started.append(server.__enter__())
        yield {name: f"{server.base_url}/graphql" for name, server in servers.items()}
    finally:
        for server in started:
            server.__exit__()


@dataclass
class RunningRouter:
    app: Starlette
    port: int

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    @property
    def subscriber_count(self) -> int:
        return int(self.app.state.subscriptions.hub.subscriber_count)

    async def mutate(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        async with httpx.AsyncClient() as client:
            response = await client.post(self.http_url, json={"query": query,
                                                              "variables": variables})
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        return body


RouterStarter = Callable[..., RunningRouter]


class RouterServers:
    """Starts routers in front of the two subgraphs; stops them all on ``stop()``."""

    def __init__(self, subs_urls: dict[str, str], keys: SigningKeys) -> None:
        self.urls = subs_urls
        self.sdl = subgraphs.supergraph(subs_urls)
        self.verifier = StaticKeyVerifier(keys.public)
        self.running: list[BackgroundServer] = []

    def start(self, **options: Any) -> RunningRouter:
        overrides = dict(self.urls) | options.pop("subgraph_url_overrides", {})
        app = create_app(self.sdl, verifier=self.verifier, subgraph_url_overrides=overrides,
                         **options)
        server = BackgroundServer(app).__enter__()
        self.running.append(server)
        return RunningRouter(app, server.port)

    def stop(self) -> None:
        for server in self.running:
            server.__exit__()


@pytest.fixture
def start_router(
    subs_urls: dict[str, str], signing_keys: SigningKeys
) -> Iterator[RouterStarter]:
    """For tests that need their own settings."""
    servers = RouterServers(subs_urls, signing_keys)
    yield servers.start
    servers.stop()


@pytest.fixture(scope="module")
def router(subs_urls: dict[str, str], signing_keys: SigningKeys) -> Iterator[RunningRouter]:
    """One router with default settings for the module; tests use their own encounters."""
    servers = RouterServers(subs_urls, signing_keys)
    yield servers.start()
    servers.stop()


@pytest.fixture
def encounter() -> str:
    return new_encounter()


def bearer(keys: SigningKeys, subject: str = "user-1", **claims: Any) -> str:
    return f"Bearer {keys.token(sub=subject, **claims)}"


async def subscribed(
    router: RunningRouter, encounter: str, authorization: str | None = None, opened: int = 1
) -> tuple[GraphQLWsClient, str]:
    """A client subscribed to the encounter, once the combat subgraph has opened its stream."""
    client = await GraphQLWsClient.connected(router.ws_url, authorization)
    operation_id = await client.subscribe(COMBAT_STATE, {"encounter": encounter})
    await wait_until(lambda: STREAMS[encounter].opened >= opened, "the subgraph stream is open")
    return client, operation_id


# --- delivery and enrichment ------------------------------------------------------------------


async def test_events_carry_fields_resolved_by_another_subgraph(
    router: RunningRouter, encounter: str, signing_keys: SigningKeys
) -> None:
    authorization = bearer(signing_keys)
    client, operation_id = await subscribed(router, encounter, authorization)

    await router.mutate(DEAL_DAMAGE, {"encounter": encounter, "who": "c2", "amount": 5})

    message = await client.receive()
    assert message["type"] == "next" and message["id"] == operation_id
    assert message["payload"] == {"data": {"combatState": {
        "round": 1,
        "turn": {"name": "Aria", "hitPoints": 30},  # name from heroes, hitPoints from combat
        "combatants": [
            {"id": "c1", "name": "Aria", "level": 5, "hitPoints": 30},
            {"id": "c2", "name": "Borin", "level": 3, "hitPoints": 19},
        ],
        "seenAuthorization": authorization,  # the token reached the subgraph in connection_init
    }}}
    await client.close()


async def test_queries_and_mutations_over_the_socket_answer_once(router: RunningRouter) -> None:
    client = await GraphQLWsClient.connected(router.ws_url)
    operation_id = await client.subscribe('{ hero(id: "c1") { name level } }')
    assert await client.receive() == {"id": operation_id, "type": "next", "payload": {
        "data": {"hero": {"name": "Aria", "level": 5}}}}
    assert await client.receive() == {"id": operation_id, "type": "complete"}
    await client.close()


async def test_several_subscribers_share_a_stream_per_viewer(
    router: RunningRouter, encounter: str, signing_keys: SigningKeys
) -> None:
    viewers = [bearer(signing_keys, f"user-{n}") for n in range(3)]
    clients: list[tuple[GraphQLWsClient, str, str]] = []
    for number, authorization in enumerate(viewers, start=1):
        for _ in range(2):
            client, operation_id = await subscribed(router, encounter, authorization, number)
            await client.barrier()  # the router attached it (joining a running stream)
            clients.append((client, operation_id, authorization))
    # identical subscriptions of one viewer share an upstream stream; viewers never share one
    assert STREAMS[encounter].opened == len(viewers)
    assert sorted(a or "" for a in STREAMS[encounter].authorizations) == sorted(viewers)

    await router.mutate(DEAL_DAMAGE, {"encounter": encounter, "who": "c1", "amount": 7})

    for client, operation_id, authorization in clients:
        message = await client.receive()
        assert message["id"] == operation_id
        state = message["payload"]["data"]["combatState"]
        assert state["turn"] == {"name": "Aria", "hitPoints": 23}
        assert state["seenAuthorization"] == authorization
    for client, _, _ in clients:
        await client.close()


async def test_authenticated_fields_are_left_out_for_anonymous_subscribers(
    router: RunningRouter, encounter: str, signing_keys: SigningKeys
) -> None:
    query = "subscription($e: ID!) { combatState(encounterId: $e) { round battlePlan } }"
    anonymous = await GraphQLWsClient.connected(router.ws_url)
    anonymous_id = await anonymous.subscribe(query, {"e": encounter})
    member = await GraphQLWsClient.connected(router.ws_url, bearer(signing_keys))
    member_id = await member.subscribe(query, {"e": encounter})
    await wait_until(lambda: STREAMS[encounter].opened == 2, "both subgraph streams are open")

    await router.mutate(DEAL_DAMAGE, {"encounter": encounter, "who": "c1", "amount": 1})

    seen = await anonymous.receive()
    assert seen["id"] == anonymous_id
    assert seen["payload"]["data"] == {"combatState": {"round": 1, "battlePlan": None}}
    assert [e["extensions"]["code"] for e in seen["payload"]["errors"]] == [
        "UNAUTHORIZED_FIELD_OR_TYPE"]
    seen = await member.receive()
    assert seen["id"] == member_id
    assert seen["payload"] == {"data": {"combatState": {"round": 1, "battlePlan": "flank left"}}}
    await anonymous.close()
    await member.close()


async def test_a_subscription_field_the_viewer_may_not_read_is_an_error_message(
    router: RunningRouter, signing_keys: SigningKeys
) -> None:
    anonymous = await GraphQLWsClient.connected(router.ws_url)
    operation_id = await anonymous.subscribe("subscription { dmWhispers }")
    message = await anonymous.receive()
    assert message["type"] == "error" and message["id"] == operation_id
    assert message["payload"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"
    await anonymous.close()

    member = await GraphQLWsClient.connected(router.ws_url, bearer(signing_keys))
    operation_id = await member.subscribe("subscription { dmWhispers }")
    assert await member.receive() == {"id": operation_id, "type": "next", "payload": {
        "data": {"dmWhispers": "the mimic is the chest on the left"}}}
    assert await member.receive() == {"id": operation_id, "type": "complete"}
    await member.close()


# --- authentication and protocol rules --------------------------------------------------------


@pytest.mark.parametrize("token", ["Bearer not-a-jwt", "Basic dXNlcjpwYXNz", "expired"])
async def test_an_unacceptable_token_closes_the_socket_with_4403(
    router: RunningRouter, signing_keys: SigningKeys, token: str
) -> None:
    if token == "expired":
        token = bearer(signing_keys, exp=int(time.time()) - 60)
    client = await GraphQLWsClient.open(router.ws_url)
    await client.send({"type": "connection_init", "payload": {"Authorization": token}})
    assert await client.close_code() == 4403


async def test_no_token_is_an_anonymous_connection(router: RunningRouter) -> None:
    client = await GraphQLWsClient.connected(router.ws_url, authorization=None)
    await client.barrier()
    await client.close()


async def test_a_token_in_a_headers_object_is_found(
    router: RunningRouter, signing_keys: SigningKeys
) -> None:
    client = await GraphQLWsClient.open(router.ws_url)
    await client.send({"type": "connection_init",
                       "payload": {"headers": {"authorization": "Bearer forged"}}})
    assert await client.close_code() == 4403


async def test_the_socket_closes_with_4403_when_the_token_expires(
    router: RunningRouter, encounter: str, signing_keys: SigningKeys
) -> None:
    soon = bearer(signing_keys, exp=int(time.time()) + 2)
    client, _ = await subscribed(router, encounter, soon)
    assert await client.close_code() == 4403
    await wait_until(lambda: STREAMS[encounter].closed == 1, "the subgraph stream is closed")


async def test_subscribe_before_acknowledgement_closes_with_4401(router: RunningRouter) -> None:
    client = await GraphQLWsClient.open(router.ws_url)
    await client.subscribe(COMBAT_STATE, {"encounter": "e1"})
    assert await client.close_code() == 4401


async def test_a_second_connection_init_closes_with_4429(router: RunningRouter) -> None:
    client = await GraphQLWsClient.connected(router.ws_url)
    await client.send({"type": "connection_init"})
    assert await client.close_code() == 4429


async def test_a_reused_operation_id_closes_with_4409(
    router: RunningRouter, encounter: str
) -> None:
    client, operation_id = await subscribed(router, encounter)
    await client.subscribe(COMBAT_STATE, {"encounter": encounter}, operation_id=operation_id)
    assert await client.close_code() == 4409


@pytest.mark.parametrize("raw", ["not json", '{"no": "type"}', '{"type": "launch"}',
                                 '{"type": "subscribe", "id": "1", "payload": 3}'])
async def test_invalid_messages_close_with_4400(router: RunningRouter, raw: str) -> None:
    client = await GraphQLWsClient.connected(router.ws_url)
    await client.socket.send(raw)
    assert await client.close_code() == 4400


async def test_no_connection_init_in_time_closes_with_4408(start_router: RouterStarter) -> None:
    router = start_router(subscriptions=SubscriptionSettings(connection_init_timeout=0.2))
    client = await GraphQLWsClient.open(router.ws_url)
    assert await client.close_code() == 4408


async def test_another_subprotocol_is_refused_with_4406(router: RunningRouter) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed
    from websockets.typing import Subprotocol

    async with connect(router.ws_url, subprotocols=[Subprotocol("graphql-ws")]) as socket:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), DEADLINE)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4406


async def test_validation_errors_come_back_as_an_error_message(router: RunningRouter) -> None:
    client = await GraphQLWsClient.connected(router.ws_url)
    bad_field = await client.subscribe("subscription { combatState(encounterId: 1) { mood } }")
    message = await client.receive()
    assert message["type"] == "error" and message["id"] == bad_field
    assert message["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "mood" in message["payload"][0]["message"]

    missing_variable = await client.subscribe(COMBAT_STATE, {})
    message = await client.receive()
    assert message["type"] == "error" and message["id"] == missing_variable
    assert message["payload"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    await client.barrier()  # an operation error leaves the connection usable
    await client.close()


# --- teardown and failures --------------------------------------------------------------------


async def test_client_complete_ends_the_subgraph_stream(
    router: RunningRouter, encounter: str
) -> None:
    client, operation_id = await subscribed(router, encounter)
    await client.send({"id": operation_id, "type": "complete"})
    await wait_until(lambda: STREAMS[encounter].closed == 1, "the subgraph stream is closed")
    await client.barrier()  # and the connection stays open
    await client.close()


async def test_client_disconnect_ends_the_subgraph_stream(
    router: RunningRouter, encounter: str
) -> None:
    client, _ = await subscribed(router, encounter)
    await client.close()
    await wait_until(lambda: STREAMS[encounter].closed == 1, "the subgraph stream is closed")


async def test_a_shared_stream_ends_only_when_its_last_subscriber_leaves(
    router: RunningRouter, encounter: str
) -> None:
    first, _ = await subscribed(router, encounter)
    second, operation_id = await subscribed(router, encounter)
    await second.barrier()
    await first.close()
    await router.mutate(DEAL_DAMAGE, {"encounter": encounter, "who": "c1", "amount": 1})
    message = await second.receive()  # still served after the first one left
    assert message["id"] == operation_id and message["type"] == "next"
    assert STREAMS[encounter].closed == 0
    await second.close()
    await wait_until(lambda: STREAMS[encounter].closed == 1, "the subgraph stream is closed")


async def test_a_failing_subgraph_stream_reaches_the_client_as_error_then_complete(
    router: RunningRouter, encounter: str
) -> None:
    client, operation_id = await subscribed(router, encounter)
    await router.mutate("mutation($e: ID!) { collapse(encounterId: $e) }", {"e": encounter})
    message = await client.receive()
    assert message["type"] == "next" and message["id"] == operation_id
    assert message["payload"]["data"] is None
    error = message["payload"]["errors"][0]
    assert "the dungeon collapsed" in error["message"]
    assert error["extensions"]["serviceName"] == "combat"
    assert await client.receive() == {"id": operation_id, "type": "complete"}
    await client.barrier()
    await client.close()


async def test_an_unreachable_subgraph_reaches_the_client_as_error_then_complete(
    start_router: RouterStarter,
) -> None:
    dead = f"http://127.0.0.1:{free_port()}/graphql"
    router = start_router(subgraph_url_overrides={"combat": dead})
    client = await GraphQLWsClient.connected(router.ws_url)
    operation_id = await client.subscribe(COMBAT_STATE, {"encounter": "e1"})
    message = await client.receive()
    assert message["type"] == "next" and message["id"] == operation_id
    error = message["payload"]["errors"][0]
    assert error["extensions"] == {"code": "SUBSCRIPTION_UPSTREAM_FAILED",
                                   "serviceName": "combat"}
    assert await client.receive() == {"id": operation_id, "type": "complete"}
    await client.close()


async def test_a_slow_client_is_disconnected_without_holding_back_others(
    start_router: RouterStarter, encounter: str
) -> None:
    router = start_router(subscriptions=SubscriptionSettings(queue_size=4))
    query = "subscription($e: ID!) { combatState(encounterId: $e) { note } }"
    fast = await GraphQLWsClient.connected(router.ws_url)
    fast_id = await fast.subscribe(query, {"e": encounter})
    await wait_until(lambda: STREAMS[encounter].opened == 1, "the subgraph stream is open")
    # The slow client never reads: its library buffers one message, then TCP pushes back.
    slow = await GraphQLWsClient.connected(router.ws_url, receive_buffer=16384, max_queue=1)
    await slow.subscribe(query, {"e": encounter})
    await slow.barrier()
    assert router.subscriber_count == 2

    announced = 0
    while router.subscriber_count == 2:
        assert announced < 200, "the slow client was never disconnected"
        await router.mutate(ANNOUNCE, {"e": encounter, "t": str(announced)})
        message = await fast.receive()  # the fast client gets every event, in order
        assert message["id"] == fast_id
        assert message["payload"]["data"]["combatState"]["note"].startswith(f"{announced}:")
        announced += 1

    assert await slow.close_code() == 1013  # "try again later": clients reconnect
    await router.mutate(DEAL_DAMAGE, {"encounter": encounter, "who": "c1", "amount": 1})
    assert (await fast.receive())["type"] == "next"  # the stream goes on for the others
    assert STREAMS[encounter].closed == 0
    await fast.close()


# --- Server-Sent Events -----------------------------------------------------------------------


async def sse_events(response: httpx.Response) -> AsyncIterator[tuple[str, str]]:
    """(event, data) pairs of an event stream."""
    event, data = "", ""
    async for line in response.aiter_lines():
        if line.startswith("event:"):
            event = line[len("event:"):].strip()
        elif line.startswith("data:"):
            data = line[len("data:"):].strip()
        elif line == "" and event:
            yield event, data
            event, data = "", ""


SSE_HEADERS = {"accept": "text/event-stream"}


async def test_sse_streams_enriched_events_and_closing_ends_the_subgraph_stream(
    router: RunningRouter, encounter: str, signing_keys: SigningKeys
) -> None:
    authorization = bearer(signing_keys)
    body = {"query": COMBAT_STATE, "variables": {"encounter": encounter}}
    async with httpx.AsyncClient(timeout=DEADLINE) as client, client.stream(
        "POST", router.http_url, json=body,
        headers=SSE_HEADERS | {"authorization": authorization},
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        await wait_until(lambda: STREAMS[encounter].opened == 1, "the subgraph stream is open")
        await router.mutate(DEAL_DAMAGE, {"encounter": encounter, "who": "c1", "amount": 4})
        events = sse_events(response)
        event, data = await asyncio.wait_for(anext(events), DEADLINE)
        assert event == "next"
        state = orjson.loads(data)["data"]["combatState"]
        assert state["turn"] == {"name": "Aria", "hitPoints": 26}
        assert state["seenAuthorization"] == authorization
    await wait_until(lambda: STREAMS[encounter].closed == 1, "the subgraph stream is closed")


async def test_sse_over_get_and_completion_by_the_subgraph(
    router: RunningRouter, encounter: str
) -> None:
    params = {"query": COMBAT_STATE, "variables": orjson.dumps({"encounter": encounter}).decode()}
    async with httpx.AsyncClient(timeout=DEADLINE) as client, client.stream(
        "GET", router.http_url, params=params, headers=SSE_HEADERS
    ) as response:
        assert response.status_code == 200
        await wait_until(lambda: STREAMS[encounter].opened == 1, "the subgraph stream is open")
        await router.mutate("mutation($e: ID!) { collapse(encounterId: $e) }", {"e": encounter})
        received = [pair async for pair in sse_events(response)]
    assert [event for event, _ in received] == ["next", "complete"]
    assert "the dungeon collapsed" in orjson.loads(received[0][1])["errors"][0]["message"]


async def test_sse_ends_with_an_error_when_the_token_expires(
    router: RunningRouter, encounter: str, signing_keys: SigningKeys
) -> None:
    soon = bearer(signing_keys, exp=int(time.time()) + 2)
    body = {"query": COMBAT_STATE, "variables": {"encounter": encounter}}
    async with httpx.AsyncClient(timeout=DEADLINE) as client, client.stream(
        "POST", router.http_url, json=body, headers=SSE_HEADERS | {"authorization": soon},
    ) as response:
        received = [pair async for pair in sse_events(response)]
    assert [event for event, _ in received] == ["next", "complete"]
    assert orjson.loads(received[0][1])["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    await wait_until(lambda: STREAMS[encounter].closed == 1, "the subgraph stream is closed")


async def test_sse_validation_errors_are_a_next_event_then_complete(
    router: RunningRouter,
) -> None:
    async with httpx.AsyncClient(timeout=DEADLINE) as client:
        response = await client.post(
            router.http_url, headers=SSE_HEADERS,
            json={"query": "subscription { combatState(encounterId: 1) { mood } }"},
        )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.text.startswith("event: next\ndata: ")
    payload = orjson.loads(response.text.split("\n")[1][len("data: "):])
    assert payload["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert response.text.endswith("event: complete\ndata: \n\n")


async def test_sse_with_a_bad_token_is_refused_before_streaming(router: RunningRouter) -> None:
    async with httpx.AsyncClient(timeout=DEADLINE) as client:
        response = await client.post(
            router.http_url, headers=SSE_HEADERS | {"authorization": "Bearer forged"},
            json={"query": COMBAT_STATE, "variables": {"encounter": "e1"}},
        )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_subscription_over_plain_http_is_refused(router: RunningRouter) -> None:
    async with httpx.AsyncClient(timeout=DEADLINE) as client:
        response = await client.post(
            router.http_url, json={"query": COMBAT_STATE, "variables": {"encounter": "e1"}}
        )
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "SUBSCRIPTION_TRANSPORT_REQUIRED"


# --- the reference clients (npm graphql-ws and graphql-sse) -----------------------------------

NODE_DIR = Path(__file__).parent / "subs" / "node"


@dataclass
class NodeClient:
    process: asyncio.subprocess.Process

    async def line(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        raw = await asyncio.wait_for(self.process.stdout.readline(), DEADLINE)
        assert raw, "the node client exited early"
        message: dict[str, Any] = orjson.loads(raw)
        return message

    async def finish(self) -> None:
        await asyncio.wait_for(self.process.wait(), DEADLINE)


async def node_client(
    mode: str, url: str, variables: dict[str, Any], count: int, authorization: str = ""
) -> NodeClient:
    if shutil.which("node") is None or not (NODE_DIR / "node_modules" / "graphql-ws").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs node and `npm ci` in tests/router/subs/node")
        pytest.skip("needs node and `npm ci` in tests/router/subs/node")
    process = await asyncio.create_subprocess_exec(
        "node", str(NODE_DIR / "client.mjs"), mode, url, COMBAT_STATE, orjson.dumps(variables)
        .decode(), str(count), authorization, cwd=NODE_DIR, stdout=asyncio.subprocess.PIPE,
    )
    return NodeClient(process)


@pytest.mark.node
@pytest.mark.parametrize("mode", ["ws", "sse"])
async def test_the_reference_clients_receive_enriched_events_and_unsubscribe(
    router: RunningRouter, encounter: str, signing_keys: SigningKeys, mode: str
) -> None:
    authorization = bearer(signing_keys)
    url = router.ws_url if mode == "ws" else router.http_url
    client = await node_client(mode, url, {"encounter": encounter}, 2, authorization)
    assert await client.line() == {"ready": True}
    await wait_until(lambda: STREAMS[encounter].opened == 1, "the subgraph stream is open")
    for amount in (3, 4):
        await router.mutate(DEAL_DAMAGE, {"encounter": encounter, "who": "c2", "amount": amount})
        state = (await client.line())["next"]["data"]["combatState"]
        assert state["combatants"][1]["name"] == "Borin"  # added by the router from heroes
        assert state["seenAuthorization"] == authorization
    assert state["combatants"][1]["hitPoints"] == 24 - 3 - 4
    assert await client.line() == {"done": True}
    await client.finish()
    await wait_until(lambda: STREAMS[encounter].closed == 1, "the subgraph stream is closed")


@pytest.mark.node
async def test_the_reference_ws_client_sees_4403_for_a_forged_token(
    router: RunningRouter,
) -> None:
    client = await node_client("ws", router.ws_url, {"encounter": "e1"}, 1, "Bearer forged")
    assert await client.line() == {"closed": 4403}
    await client.finish()


# --- units ------------------------------------------------------------------------------------


def test_the_plan_splits_into_the_subscription_and_per_event_entity_fetches(
    subs_urls: dict[str, str],
) -> None:
    gateway = Gateway(subgraphs.supergraph(subs_urls))
    prepared = gateway.prepare(COMBAT_STATE, None)
    split = SubscriptionPlan.split(prepared.plan)
    assert split.primary.service == "combat"
    assert split.primary.operation.startswith("subscription Combat__combat__0($encounter: ID!)")
    assert split.rest is not None
    assert {fetch.service for fetch in QueryPlan(split.rest).fetches()} == {"heroes"}


def test_a_plan_without_a_subscription_fetch_is_refused(subs_urls: dict[str, str]) -> None:
    gateway = Gateway(subgraphs.supergraph(subs_urls))
    with pytest.raises(NotASubscriptionPlan):
        SubscriptionPlan.split(gateway.prepare('{ hero(id: "c1") { name } }', None).plan)


@pytest.mark.parametrize("settings", [{"queue_size": 0}, {"upstream_timeout": 0},
                                      {"connection_init_timeout": -1}])
def test_settings_that_cannot_work_are_refused(settings: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must be"):
        SubscriptionSettings(**settings)


async def test_an_outbox_overflows_once_and_keeps_only_the_goodbye() -> None:
    overflows: list[int] = []
    outbox = Outbox(2, lambda: overflows.append(len(outbox)))
    outbox.offer("a")
    outbox.offer("b")
    assert await outbox.take() == "a"  # taking makes room
    outbox.offer("c")
    outbox.offer("d")  # three would not fit: overflow, queued messages are dropped
    outbox.offer("e")  # ignored from now on
    outbox.push_final("bye")
    assert overflows == [0]
    assert outbox.overflowed
    assert await outbox.take() == "bye"
    assert len(outbox) == 0
