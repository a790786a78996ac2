"""Issue 9 across the whole embedded stack: sign-out at every verifier, honest health, logs and
traces that follow a request from the router into the subgraphs.

The stack runs as on a machine without the SRD files and without network (an empty ``SRD_DIR``,
no download), so its catalog starts empty: the health of the catalog and of the router must say
so. Everything else works without the catalog.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from websockets.exceptions import ConnectionClosed

from infra import tracing
from infra.logs import json_handler
from infra.stack import Stack
from tests.e2e.isolated import isolated_stack, post_graphql
from tests.router.subs.client import GraphQLWsClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

REGISTER = """mutation($i: RegisterInput!) {
  register(input: $i) { accessToken refreshToken userErrors { code } } }"""
LOGOUT = "mutation($i: RefreshTokenInput!) { logout(input: $i) { signedOut userErrors { code } } }"
CREATE_CAMPAIGN = """mutation($i: CreateCampaignInput!) {
  createCampaign(input: $i) { campaign { id } userErrors { code } } }"""
CREATE_ENCOUNTER = """mutation($i: CreateEncounterInput!) {
  createEncounter(input: $i) { encounter { id } userErrors { code } } }"""
COMBAT_STATE = "subscription($id: ID!) { combatState(encounterId: $id) { round } }"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    empty_srd = tmp_path_factory.mktemp("no-srd")
    env = {"SRD_DIR": str(empty_srd), "SRD_DOWNLOAD": "off"}
    async with isolated_stack(tmp_path_factory.mktemp("var"), env) as running:
        yield running


async def _sign_up(stack: Stack, email: str) -> dict[str, str]:
    variables = {"i": {"email": email, "password": "a long passphrase", "displayName": "Tess"}}
    payload = (await post_graphql(stack.router_url, REGISTER, variables)).json()["data"]["register"]
    assert payload["userErrors"] == []
    return {"access": payload["accessToken"], "refresh": payload["refreshToken"]}


async def _logout(stack: Stack, refresh_token: str) -> None:
    variables = {"i": {"refreshToken": refresh_token}}
    body = (await post_graphql(stack.router_url, LOGOUT, variables)).json()
    assert body["data"]["logout"] == {"signedOut": True, "userErrors": []}


async def test_after_logout_the_router_and_every_subgraph_refuse_the_token(stack: Stack) -> None:
    tokens = await _sign_up(stack, "tess@example.org")
    mine = "{ me { displayName } characters(first: 1) { edges { node { id } } } }"
    before = (await post_graphql(stack.router_url, mine, token=tokens["access"])).json()
    assert "errors" not in before and before["data"]["me"]["displayName"] == "Tess"

    await _logout(stack, tokens["refresh"])

    at_router = await post_graphql(stack.router_url, mine, token=tokens["access"])
    assert at_router.status_code == 401
    assert at_router.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # A caller who reaches a subgraph past the router is refused there too.
    direct = {
        "auth": "{ me { id } }",
        "character": "{ characters(first: 1) { edges { node { id } } } }",
    }
    for service, query in direct.items():
        body = (await post_graphql(f"{stack.service_urls[service]}/graphql", query,
                            token=tokens["access"])).json()
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", (service, body)
        assert "signed out" in body["errors"][0]["message"]


async def test_logout_ends_the_sessions_live_subscriptions(stack: Stack) -> None:
    tokens = await _sign_up(stack, "gm-tess@example.org")
    created = (await post_graphql(stack.router_url, CREATE_CAMPAIGN,
                           {"i": {"name": "Night Watch", "type": "TRADITIONAL"}},
                           token=tokens["access"])).json()
    campaign_id = created["data"]["createCampaign"]["campaign"]["id"]
    encounter = (await post_graphql(stack.router_url, CREATE_ENCOUNTER,
                             {"i": {"campaignId": campaign_id, "name": "Gatehouse"}},
                             token=tokens["access"])).json()
    encounter_id = encounter["data"]["createEncounter"]["encounter"]["id"]
    ws_url = stack.router_url.replace("http://", "ws://")
    client = await GraphQLWsClient.connected(ws_url, f"Bearer {tokens['access']}")
    try:
        operation = await client.subscribe(COMBAT_STATE, {"id": encounter_id})
        first = await client.receive()
        assert first["id"] == operation and first["type"] == "next"

        await _logout(stack, tokens["refresh"])

        with pytest.raises(ConnectionClosed) as closed:
            for _ in range(10):  # the router checks the sign-in every few seconds
                await client.receive()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
        assert "signed out" in closed.value.rcvd.reason
    finally:
        await client.socket.close()


async def test_health_says_the_empty_catalog_is_not_ready(stack: Stack) -> None:
    async with httpx.AsyncClient() as http:
        router = await http.get(stack.router_url.replace("/graphql", "/health"))
        catalog = await http.get(f"{stack.service_urls['catalog']}/health")
        character = await http.get(f"{stack.service_urls['character']}/health")
    assert catalog.status_code == 503
    assert catalog.json()["checks"]["catalog"].startswith("empty")
    assert character.status_code == 200
    assert router.status_code == 503
    body = router.json()
    assert body["status"] == "unavailable"
    assert body["subgraphs"]["catalog"].startswith("HTTP 503 (catalog: empty")
    assert body["subgraphs"]["character"] == "ok"
    assert body["checks"] == {"revocations": "ok"}


@contextlib.contextmanager
def recording() -> Iterator[tuple[io.StringIO, InMemorySpanExporter]]:
    """Every log line of the stack as the JSON it is written as, and every span it makes."""
    buffer, spans = io.StringIO(), InMemorySpanExporter()
    handler = json_handler(buffer)
    processor = SimpleSpanProcessor(spans)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    tracing.add_span_processor(processor)
    try:
        yield buffer, spans
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        tracing.remove_span_processor(processor)


def _lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


async def test_request_ids_and_traces_run_from_the_router_into_the_subgraphs(stack: Stack) -> None:
    tokens = await _sign_up(stack, "trace-tess@example.org")
    query = "query Mine { me { displayName } characters(first: 1) { edges { node { id } } } }"
    with recording() as (buffer, spans):
        async with httpx.AsyncClient(timeout=30) as http:
            response = await http.post(
                stack.router_url, json={"query": query},
                headers={"Authorization": f"Bearer {tokens['access']}",
                         "X-Request-ID": "probe-ops-1"},
            )
    assert response.status_code == 200 and "errors" not in response.json()
    assert response.headers["x-request-id"] == "probe-ops-1"

    lines = [line for line in _lines(buffer) if line.get("request_id") == "probe-ops-1"]
    assert {line["service"] for line in lines} >= {"router", "auth", "character"}
    (summary,) = [line for line in lines if line["logger"] == "router.request"]
    assert (summary["operation"], summary["outcome"]) == ("Mine", "ok")
    assert summary["duration_ms"] > 0
    assert len({line["trace_id"] for line in lines}) == 1  # one trace for the whole request

    finished = spans.get_finished_spans()
    (operation,) = [s for s in finished if s.name == "query Mine"]
    fetches = {str((s.attributes or {})["graphql.subgraph"]): s for s in finished
               if s.name.startswith("fetch ") and s.parent is not None
               and s.parent.span_id == operation.context.span_id}
    assert set(fetches) == {"auth", "character"}
    for name, fetch in fetches.items():
        (continued,) = [s for s in finished if s.parent is not None
                        and s.parent.span_id == fetch.context.span_id]
        assert continued.resource.attributes["service.name"] == name
        assert continued.context.trace_id == operation.context.trace_id


async def test_client_mistakes_leave_no_errors_or_tracebacks_in_the_log(stack: Stack) -> None:
    tokens = await _sign_up(stack, "careless-tess@example.org")
    character = "query($id: ID!) { character(id: $id) { name } }"
    with recording() as (buffer, _):
        await post_graphql(stack.router_url, "{ me { id } }")  # signed out
        await post_graphql(stack.router_url, "{ me { id } }", token="not.a.token")
        await post_graphql(stack.router_url, "{ nope }")
        await post_graphql(stack.router_url, character, {"id": "not-a-uuid"}, tokens["access"])
        await post_graphql(stack.router_url, character, {"id": str(uuid.uuid4())},
                           tokens["access"])
    lines = _lines(buffer)
    assert len([line for line in lines if line["logger"] == "router.request"]) == 5
    assert [line for line in lines if line["level"] in ("ERROR", "CRITICAL")] == []
    assert "Traceback" not in buffer.getvalue()
    outcomes = {line["outcome"] for line in lines if line["logger"] == "router.request"}
    assert outcomes <= {"client_error", "ok"}
