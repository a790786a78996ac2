"""The README's generation examples, as a newcomer would run them: offline with nothing
configured, then with an OpenAI-compatible server (a loopback one speaking the protocol)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import httpx

from infra.stack import Stack
from rules.validation import validate_data
from tests.e2e.isolated import isolated_stack
from tests.subgraphs.llm.loopback_models import Fail, OpenAIServer

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
REGISTER = """mutation($input: RegisterInput!) { register(input: $input) { accessToken } }"""


def block(name: str) -> str:
    """The README's ```graphql block whose operation is ``name``."""
    blocks: list[str] = re.findall(r"```graphql\n(.*?)```", README, re.DOTALL)
    [found] = [b for b in blocks if re.match(rf"\s*mutation {name}\b", b)]
    return found


def compatible_server_environment() -> dict[str, str]:
    """The variables of the README's "any compatible server" line."""
    [line] = [line for line in README.splitlines() if line.startswith("LLM_BASE_URL=")]
    words = shlex.split(line.split("#")[0])
    return dict(word.split("=", 1) for word in words if "=" in word)


async def signed_in(stack: Stack, http: httpx.AsyncClient) -> dict[str, str]:
    account = {
        "email": "reader@example.org",
        "password": "a long passphrase 11",
        "displayName": "R",
    }
    body = (
        await http.post(stack.router_url, json={"query": REGISTER, "variables": {"input": account}})
    ).json()
    return {"Authorization": f"Bearer {body['data']['register']['accessToken']}"}


async def run(stack: Stack, http: httpx.AsyncClient, query: str, auth: dict[str, str]) -> Any:
    body = (await http.post(stack.router_url, json={"query": query}, headers=auth)).json()
    assert "errors" not in body, body["errors"]
    return body["data"]


async def test_the_readme_build_offline(tmp_path: Path) -> None:
    async with isolated_stack(tmp_path) as stack, httpx.AsyncClient(timeout=60) as http:
        auth = await signed_in(stack, http)
        made = (await run(stack, http, block("Build"), auth))["buildFromConcept"]
        assert made["generation"]["provider"] == "offline"
        best = made["proposals"][0]
        assert best["summary"].endswith("Dragonborn Monk 1")
        assert best["document"]["identity"]["lineage"] == "red"
        assert {"spell/fire-bolt", "spell/burning-hands"} <= set(best["spells"])
        assert validate_data(best["document"]) == []
        written = (await run(stack, http, block("Write"), auth))["writeBackstory"]["generation"]
        assert (written["provider"], written["cached"]) == ("offline", False)


async def test_the_readme_with_an_openai_compatible_server(tmp_path: Path) -> None:
    server = OpenAIServer()
    async with server.serve() as base_url:
        env = compatible_server_environment()
        primary, spare = env["LLM_MODELS"].split(",")
        env["LLM_BASE_URL"] = base_url  # the README's address, on a free port here
        async with isolated_stack(tmp_path, env) as stack, httpx.AsyncClient(timeout=60) as http:
            auth = await signed_in(stack, http)
            server.script(primary, Fail(503, "warming up"), Fail(503), Fail(503))
            first = (await run(stack, http, block("Write"), auth))["writeBackstory"]["generation"]
            assert (first["provider"], first["model"], first["cached"]) == ("openai", spare, False)
            assert [a["failure"] for a in first["attempts"]] == ["SERVER_ERROR"] * 3
            assert set(first["data"]) == {
                "backstory",
                "personality_traits",
                "ideals",
                "bonds",
                "flaws",
            }
            again = (await run(stack, http, block("Write"), auth))["writeBackstory"]["generation"]
            assert again["cached"] is True and again["data"] == first["data"]
            assert server.calls_to(spare) == 1
            sent = server.requests[-1]
            assert sent["response_format"]["json_schema"]["strict"] is True
            usage = await run(
                stack, http, "{ myUsage { usedToday entries { purpose requests } } }", auth
            )
            entries = usage["myUsage"]["entries"]
            assert entries == [{"purpose": "CHARACTER_BACKSTORY", "requests": 2}]
            metrics = (await http.get(f"{stack.service_urls['llm']}/metrics")).text
            assert (
                'llm_fallbacks_total{answered_by="openai",purpose="CHARACTER_BACKSTORY"} 1.0'
                in metrics
            )
            assert 'llm_cache_lookups_total{result="hit"} 1.0' in metrics
