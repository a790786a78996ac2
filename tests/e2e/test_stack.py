"""The whole embedded stack end to end: six subgraphs and the router over real loopback HTTP.

This is what `make run` starts. The README's sample query must answer with data stitched from
several subgraphs and no errors; the demo seed must be idempotent; tokens must be checked at the
router and again in the subgraphs.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from infra.demo import DEMO_PASSWORD, PLAYER, seed
from infra.stack import Stack
from subgraphs.registry import SERVICES
from tests.e2e.isolated import isolated_stack, post_graphql

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.asyncio(loop_scope="module")  # one stack, one event loop, all tests


def readme_sample_query() -> str:
    """The first ```graphql block of the README: the query a newcomer pastes into GraphiQL."""
    match = re.search(r"```graphql\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)
    assert match, "the README must contain a ```graphql block"
    return match.group(1)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with isolated_stack(tmp_path_factory.mktemp("var"), demo=True) as running:
        yield running


async def test_readme_sample_query_stitches_four_subgraphs(stack: Stack) -> None:
    response = await post_graphql(stack.router_url, readme_sample_query())
    body = response.json()
    assert response.status_code == 200
    assert "errors" not in body, body.get("errors")
    nodes = [edge["node"] for edge in body["data"]["publicCharacters"]["edges"]]
    assert nodes, "the demo seed shares a character"
    seraphine = nodes[0]
    assert seraphine["name"] == "Seraphine Vael"  # character subgraph
    assert seraphine["class"] == {"name": "Wizard", "hitDie": 6}  # catalog subgraph
    assert seraphine["owner"]["displayName"] == PLAYER["displayName"]  # auth subgraph
    assert seraphine["portrait"]["contentType"] == "image/png"  # image subgraph
    assert seraphine["portrait"]["url"].startswith("/assets/")

    # The portrait's bytes come through the router's origin, like everything else.
    async with httpx.AsyncClient() as http:
        image = await http.get(stack.router_url.replace("/graphql", seraphine["portrait"]["url"]))
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")


async def test_seeding_again_changes_nothing(stack: Stack) -> None:
    await seed(stack.router_url)
    shared = "{ publicCharacters(first: 10) { edges { node { id } } } }"
    body = (await post_graphql(stack.router_url, shared)).json()
    assert len(body["data"]["publicCharacters"]["edges"]) == 1


async def test_signed_in_player_sees_their_character_across_subgraphs(stack: Stack) -> None:
    login = await post_graphql(
        stack.router_url,
        "mutation($i: LoginInput!) { login(input: $i) { accessToken userErrors { code } } }",
        {"i": {"email": PLAYER["email"], "password": DEMO_PASSWORD}},
    )
    token = login.json()["data"]["login"]["accessToken"]
    assert token
    mine = await post_graphql(
        stack.router_url,
        """{
          me { displayName }
          characters(first: 5) {
            edges { node { name campaigns { name type } portrait { width } owner { displayName } } }
          }
        }""",
        token=token,
    )
    body = mine.json()
    assert "errors" not in body, body.get("errors")
    node = body["data"]["characters"]["edges"][0]["node"]
    assert node["campaigns"] == [{"name": "The Mirror Court", "type": "ANTITHETICON"}]
    assert node["portrait"]["width"] > 0
    assert node["owner"]["displayName"] == body["data"]["me"]["displayName"]

    generated = await post_graphql(
        stack.router_url,
        """mutation($i: GenerateInput!) {
          generate(input: $i) { generation { provider output promptTokens } userErrors { code } }
        }""",
        {"i": {"prompt": "a tiefling bard who sings to storms"}},
        token=token,
    )
    generation = generated.json()["data"]["generate"]["generation"]
    assert generation["provider"] == "offline" and generation["promptTokens"] > 0


async def test_tokens_are_checked_at_the_router(stack: Stack) -> None:
    forged = await post_graphql(stack.router_url, "{ me { displayName } }", token="not.a.token")
    assert forged.status_code == 401
    assert forged.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    anonymous = await post_graphql(stack.router_url, "{ me { displayName } }")
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_invalid_operations_get_graphql_errors_not_500(stack: Stack) -> None:
    response = await post_graphql(stack.router_url, "{ publicCharacters(first: 1) { nope } }")
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_health_reports_every_subgraph(stack: Stack) -> None:
    async with httpx.AsyncClient() as http:
        health = await http.get(stack.router_url.replace("/graphql", "/health"))
    assert health.status_code == 200
    assert set(health.json()["subgraphs"]) == {service.name for service in SERVICES}
