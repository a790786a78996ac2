"""Reuse first, end to end: in the embedded stack the llm service asks the catalog through the
real router (with a service token minted in process) before it generates; and a service in a
process of its own gets a service token from the auth service's OAuth endpoint that the real
router accepts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import pytest_asyncio

from auth.clients import secret_hash_variable
from auth.passwords import HashingCost, PasswordHasher
from infra.stack import Stack
from subgraphs.kit.hub import ClientCredentials, HubAuthFailed, HubErrors, RouterClient
from tests.e2e.isolated import isolated_stack

pytestmark = pytest.mark.asyncio(loop_scope="module")
CLIENT_SECRET = "e2e-llm-client-secret-0123456789abcdef"
CONCEPT = "a fire-wielding monk raised by dragons"
CONCEPT_SEARCH = """query($c: String!) {
  conceptSearch(concept: $c, first: 3) { kinds { options { slug score } } }
}"""
GENERATE = """mutation($input: GenerateInput!) {
  generate(input: $input) {
    generation { id output catalog { status entries { kind slug name score } } }
    userErrors { code message }
  }
}"""
REGISTER = """mutation($input: RegisterInput!) {
  register(input: $input) { accessToken userErrors { code } }
}"""


@dataclass
class Running:
    stack: Stack
    token_url: str

    async def post(
        self, query: str, variables: dict[str, Any], token: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with httpx.AsyncClient(timeout=30) as http:
            response = await http.post(
                self.stack.router_url,
                json={"query": query, "variables": variables},
                headers=headers,
            )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]  # type: ignore[no-any-return]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Running]:
    cheap = PasswordHasher(HashingCost(time_cost=1, memory_kib=8, parallelism=1))
    env = {
        "AUTH_SERVICE_CLIENTS": "llm",
        secret_hash_variable("llm"): cheap.hash_now(CLIENT_SECRET),
    }
    async with isolated_stack(tmp_path_factory.mktemp("var"), env) as stack:
        yield Running(stack, f"{stack.service_urls['auth']}/oauth/token")


async def test_generation_records_what_the_catalog_offered_through_the_router(
    running: Running,
) -> None:
    user = await running.post(
        REGISTER,
        {"input": {"email": "reuse@example.org", "password": "a long enough passphrase 7",
                   "displayName": "Reuser"}},
    )  # fmt: skip
    token = user["register"]["accessToken"]
    assert token, user

    made = await running.post(
        GENERATE, {"input": {"prompt": CONCEPT, "purpose": "CHARACTER_CONCEPT"}}, token
    )
    payload = made["generate"]
    assert payload["userErrors"] == []
    catalog = payload["generation"]["catalog"]
    assert catalog["status"] == "CONSULTED"
    slugs = [entry["slug"] for entry in catalog["entries"]]
    assert "class/monk" in slugs, slugs

    # Exactly what the catalog answers anyone who asks the router the same thing: every kind's
    # best, then every kind's second best, ...
    direct = await running.post(CONCEPT_SEARCH, {"c": CONCEPT})
    per_kind = [kind["options"] for kind in direct["conceptSearch"]["kinds"]]
    turns = [
        o["slug"] for rank in range(3) for options in per_kind for o in options[rank : rank + 1]
    ]
    assert slugs == turns[:10]


async def test_a_client_credentials_token_is_accepted_by_the_router(running: Running) -> None:
    tokens = ClientCredentials(running.token_url, "llm", CLIENT_SECRET)
    router = RouterClient(running.stack.router_url, tokens)
    data = await router.execute(CONCEPT_SEARCH, {"c": CONCEPT})
    assert data["conceptSearch"]["kinds"]

    # The same token is a service, not a user, to every subgraph behind the router.
    with pytest.raises(HubErrors) as refused:
        await router.execute("{ me { id } }")
    assert refused.value.codes == ("FORBIDDEN",)

    wrong = RouterClient(
        running.stack.router_url, ClientCredentials(running.token_url, "llm", "wrong")
    )
    with pytest.raises(HubAuthFailed, match="invalid_client"):
        await wrong.execute(CONCEPT_SEARCH, {"c": CONCEPT})
