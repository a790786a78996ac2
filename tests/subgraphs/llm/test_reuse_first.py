"""Reuse first: the llm service asks the catalog, through a router over loopback HTTP, before it
generates; and it still generates, saying so, when no router is configured or none answers.

The router here is a stand-in that checks the service token and answers ``conceptSearch`` as the
test scripts it; ``tests/e2e/test_llm_reuse_first.py`` does the same through the real router.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, select, text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from auth.issuing import IssuedToken
from auth.tokens import InvalidToken, bearer_token
from infra.config import Settings
from infra.db.engine import create_engine
from subgraphs.kit.hub import MintedTokens, RouterClient
from subgraphs.llm.app import MIGRATIONS, build
from subgraphs.llm.catalog import MAX_CONCEPT_CHARS, concept_of
from subgraphs.llm.models import OutboxEvent
from tests.support import TokenFactory, asgi_client, free_port, gql, loopback_server

GENERATE = """
mutation($input: GenerateInput!) {
  generate(input: $input) {
    generation { id output catalog { status entries { kind slug name score } } }
    userErrors { code }
  }
}"""
ONE = "query($id: ID!) { generation(id: $id) { catalog { status entries { slug } } } }"


def option(kind: str, slug: str, name: str, score: float) -> dict[str, Any]:
    return {"kind": kind, "slug": slug, "name": name, "score": score}


MONK_ANSWER = {
    "conceptSearch": {
        "kinds": [
            {
                "kind": "class",
                "options": [option("class", "class/monk", "Monk", 0.81)],
            },
            {"kind": "subclass", "options": []},
            {
                "kind": "species",
                "options": [
                    option("species", "species/dragonborn", "Dragonborn", 0.64),
                    option("species", "species/human", "Human", 0.12),
                ],
            },
            {
                "kind": "spell",
                "options": [option("spell", "spell/burning-hands", "Burning Hands", 0.64)],
            },
        ]
    }
}


@dataclass
class StandInRouter:
    """Accepts only service tokens from ``tokens``; answers ``conceptSearch`` as scripted."""

    tokens: TokenFactory
    answer: dict[str, Any] = field(default_factory=lambda: {"data": MONK_ANSWER})
    asked: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    async def graphql(self, request: Request) -> Response:
        try:
            claims = await self.tokens.verifier.verify(
                bearer_token(request.headers.get("authorization")) or ""
            )
        except InvalidToken as exc:
            return JSONResponse({"errors": [{"message": str(exc)}]}, 401)
        body = await request.json()
        self.asked.append((claims.subject, claims.kind, body))
        return JSONResponse(self.answer)


@dataclass
class Llm:
    http: httpx.AsyncClient
    user: dict[str, str]
    router: StandInRouter
    database_url: str

    async def event_payload(self, generation_id: str) -> dict[str, Any]:
        engine = create_engine(self.database_url)
        statement = select(OutboxEvent.payload).where(
            OutboxEvent.aggregate_id == uuid.UUID(generation_id)
        )
        try:
            async with engine.connect() as connection:
                payload: dict[str, Any] = (await connection.execute(statement)).scalar_one()
        finally:
            await engine.dispose()
        return payload

    async def generate(self, prompt: str, **fields: Any) -> dict[str, Any]:
        variables = {"input": {"prompt": prompt, **fields}}
        result = await gql(self.http, GENERATE, variables, self.user)
        payload: dict[str, Any] = result["data"]["generate"]
        assert payload["userErrors"] == [], payload
        return payload["generation"]  # type: ignore[no-any-return]


def service_tokens(tokens: TokenFactory) -> MintedTokens:
    async def mint() -> IssuedToken:
        expires = datetime.now(UTC) + timedelta(minutes=5)
        return IssuedToken(tokens.mint("llm", kind="service", scopes="service"), expires, 300)

    return MintedTokens(mint)


@pytest.fixture
async def llm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Llm]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'llm.db'}"
    monkeypatch.setenv("LLM_DATABASE_URL", database_url)
    tokens = TokenFactory()
    router = StandInRouter(tokens)
    app = Starlette(routes=[Route("/graphql", router.graphql, methods=["POST"])])
    async with loopback_server(app, lifespan=True) as base:
        client = RouterClient(f"{base}/graphql", service_tokens(tokens))
        llm_app = build(Settings.from_env(), tokens.verifier, router=client)
        async with asgi_client(llm_app) as http:
            yield Llm(http, tokens.headers(uuid.uuid4()), router, database_url)


async def test_the_catalog_is_asked_first_and_its_entries_are_kept(llm: Llm) -> None:
    made = await llm.generate("A fire-wielding monk raised by dragons", purpose="CHARACTER_CONCEPT")
    [(subject, kind, body)] = llm.router.asked
    assert (subject, kind) == ("llm", "service")  # the llm's own token, not the player's
    assert "conceptSearch" in body["query"]
    assert body["variables"] == {"concept": "A fire-wielding monk raised by dragons", "first": 3}

    catalog = made["catalog"]
    assert catalog["status"] == "CONSULTED"
    # Every kind's best, then every kind's second best.
    assert [e["slug"] for e in catalog["entries"]] == [
        "class/monk",
        "species/dragonborn",
        "spell/burning-hands",
        "species/human",
    ]
    assert catalog["entries"][0] == option("class", "class/monk", "Monk", 0.81)
    # The generator is told to build on them (the offline one says so in its sketch).
    assert made["output"].splitlines()[-1] == (
        "- Build on the SRD: Monk (class), Dragonborn (species), Burning Hands (spell), "
        "Human (species)"
    )

    # Kept with the generation, and announced with it.
    again = await gql(llm.http, ONE, {"id": made["id"]}, llm.user)
    assert again["data"]["generation"]["catalog"]["entries"][0] == {"slug": "class/monk"}
    payload = await llm.event_payload(made["id"])
    assert payload["catalogStatus"] == "CONSULTED"
    assert payload["catalogSlugs"][0] == "class/monk"


async def test_a_retry_with_the_same_key_does_not_ask_again(llm: Llm) -> None:
    first = await llm.generate("a monk", idempotencyKey="once")
    second = await llm.generate("a monk", idempotencyKey="once")
    assert first == second
    assert len(llm.router.asked) == 1


async def test_a_prompt_with_nothing_to_search_for_is_consulted_and_finds_nothing(
    llm: Llm,
) -> None:
    error = {"message": "`concept` must contain a word", "extensions": {"code": "BAD_USER_INPUT"}}
    llm.router.answer = {"data": None, "errors": [error]}
    made = await llm.generate("?!")
    assert made["catalog"] == {"status": "CONSULTED", "entries": []}
    assert made["output"]


@pytest.mark.parametrize(
    "answer",
    [
        {"data": None, "errors": [{"message": "boom", "extensions": {"code": "INTERNAL"}}]},
        {"data": {"conceptSearch": {"kinds": [{"kind": "class"}]}}},  # not the shape asked for
    ],
)
async def test_a_failing_catalog_does_not_stop_the_generation(
    llm: Llm, answer: dict[str, Any]
) -> None:
    llm.router.answer = answer
    made = await llm.generate("a monk")
    assert made["catalog"] == {"status": "UNAVAILABLE", "entries": []}
    assert made["output"]


async def test_an_unreachable_router_does_not_stop_the_generation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLM_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'llm.db'}")
    tokens = TokenFactory()
    nowhere = RouterClient(f"http://127.0.0.1:{free_port()}/graphql", service_tokens(tokens))
    async with asgi_client(build(Settings.from_env(), tokens.verifier, router=nowhere)) as http:
        result = await gql(http, GENERATE, {"input": {"prompt": "a monk"}}, tokens.headers())
    made = result["data"]["generate"]["generation"]
    assert made["catalog"] == {"status": "UNAVAILABLE", "entries": []}
    assert made["output"]


async def test_without_a_router_the_catalog_is_not_consulted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLM_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'llm.db'}")
    monkeypatch.delenv("LLM_CLIENT_SECRET", raising=False)
    tokens = TokenFactory()
    async with asgi_client(build(Settings.from_env(), tokens.verifier)) as http:
        result = await gql(http, GENERATE, {"input": {"prompt": "a monk"}}, tokens.headers())
    made = result["data"]["generate"]["generation"]
    assert made["catalog"] == {"status": "NOT_CONSULTED", "entries": []}
    assert made["output"]
    assert "Build on the SRD" not in made["output"]  # nothing to build on was found


def test_client_credentials_from_the_environment_make_a_router_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from subgraphs.kit.hub import ClientCredentials, router_from_env

    monkeypatch.setenv("LLM_CLIENT_SECRET", "shh")
    monkeypatch.setenv("AUTH_TOKEN_URL", "http://auth:4106/oauth/token")
    monkeypatch.setenv("ROUTER_URL", "http://router:4000/graphql")
    client = router_from_env(Settings.from_env(), "llm")
    assert client is not None and client.router_url == "http://router:4000/graphql"
    assert isinstance(client.tokens, ClientCredentials)
    assert (client.tokens.token_url, client.tokens.client_id) == (
        "http://auth:4106/oauth/token",
        "llm",
    )
    monkeypatch.delenv("LLM_CLIENT_SECRET")
    assert router_from_env(Settings.from_env(), "llm") is None


def test_long_prompts_are_cut_to_what_concept_search_accepts() -> None:
    assert concept_of("a monk") == "a monk"
    long = "dragon " * 200
    cut = concept_of(long)
    assert len(cut) <= MAX_CONCEPT_CHARS and cut.endswith("dragon")
    assert len(concept_of("x" * 4000)) == MAX_CONCEPT_CHARS


def _migrate(connection: Connection, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def test_older_generations_read_as_not_consulted(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate, "0001")
            await connection.execute(
                text(
                    "INSERT INTO generations (id, prompt, purpose, output, provider, model, "
                    "prompt_tokens, completion_tokens, status, owner_id, created_at, updated_at, "
                    "is_deleted, version) VALUES (:id, 'p', 'GENERAL', 'o', 'offline', 'm', 1, 1, "
                    "'COMPLETED', :owner, '2026-01-01', '2026-01-01', 0, 1)"
                ),
                {"id": uuid.uuid4().hex, "owner": uuid.uuid4().hex},
            )
        async with engine.begin() as connection:
            await connection.run_sync(_migrate, "head")
            row = (
                await connection.execute(
                    text("SELECT catalog_status, catalog_entries FROM generations")
                )
            ).one()
        assert tuple(row) == ("NOT_CONSULTED", "[]")
    finally:
        await engine.dispose()
