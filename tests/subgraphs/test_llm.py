"""The llm subgraph over HTTP, on SQLite and on PostgreSQL, with the offline provider."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import func, select

from infra.config import Settings
from infra.db.engine import create_engine
from subgraphs.llm.app import build
from subgraphs.llm.generator import Completion, StreamEvent, TextGenerationFailed, TextRequest
from subgraphs.llm.models import GenerationRow, OutboxEvent
from subgraphs.llm.offline import OfflineTextGenerator
from subgraphs.llm.purposes import PURPOSES
from subgraphs.llm.sketch import DISCLAIMER
from subgraphs.llm.tokens import count_tokens, cut_after, tokenize
from tests.subgraphs.harness import SharedService, backend_database, serve_subgraph
from tests.support import TokenFactory, asgi_client, gql

# Whatever keys a developer has set, these tests use the offline provider.
OFFLINE_ONLY = dict.fromkeys(("OPENAI_API_KEY", "LLM_BASE_URL", "ANTHROPIC_API_KEY"))
GENERATE = """
mutation($input: GenerateInput!) {
  generate(input: $input) {
    generation {
      id prompt purpose output provider model promptTokens completionTokens status version
      owner { id }
    }
    userErrors { path code message }
  }
}"""
ONE = "query($id: ID!) { generation(id: $id) { id output } }"
LIST = """query($first: Int!, $after: String) {
  generations(first: $first, after: $after) {
    edges { node { id } } pageInfo { hasNextPage endCursor }
  }
}"""
ENTITIES = """query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Generation { id prompt owner { id } } }
}"""


@dataclass
class LlmService(SharedService):
    """The llm service of one backend (with the offline provider)."""

    outbox_model = OutboxEvent

    async def rows_owned_by(self, owner: uuid.UUID) -> int:
        statement = (
            select(func.count()).select_from(GenerationRow).where(GenerationRow.owner_id == owner)
        )
        return int(await self.scalar(statement))

    async def event_about(self, generation_id: str) -> tuple[str, dict[str, Any]]:
        statement = select(OutboxEvent.type, OutboxEvent.payload).where(
            OutboxEvent.aggregate_id == uuid.UUID(generation_id)
        )
        async with self.engine.connect() as connection:
            kind, payload = (await connection.execute(statement)).one()
        return kind, payload


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgres"])
async def service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LlmService]:
    sqlite_file = tmp_path_factory.mktemp("llm") / "llm.db"
    async with backend_database(request.param, sqlite_file) as database_url:
        engine = create_engine(database_url)
        try:
            env = {"LLM_DATABASE_URL": database_url, **OFFLINE_ONLY}
            async with serve_subgraph(build, env) as (http, tokens):
                yield LlmService(http, tokens, engine)
        finally:
            await engine.dispose()


async def generate(http: httpx.AsyncClient, auth: dict[str, str], **fields: Any) -> dict[str, Any]:
    result = await gql(http, GENERATE, {"input": {"prompt": "a wandering elf", **fields}}, auth)
    body: dict[str, Any] = result["data"]["generate"]
    return body


# -- over HTTP, on both databases ------------------------------------------------------------------


@pytest.mark.asyncio(loop_scope="module")
async def test_offline_generation_is_stored_and_announced(service: LlmService) -> None:
    owner = uuid.uuid4()
    auth = service.tokens.headers(owner)
    prompt = "A half-orc paladin, exiled."
    result = await generate(service.http, auth, prompt=f"  {prompt}\n", purpose="BACKSTORY")
    assert result["userErrors"] == []
    made = result["generation"]
    assert (made["prompt"], made["purpose"], made["status"]) == (prompt, "BACKSTORY", "COMPLETED")
    assert (made["provider"], made["owner"], made["version"]) == ("offline", {"id": str(owner)}, 1)
    assert made["output"].startswith(DISCLAIMER)  # says plainly that no model wrote it
    assert "Backstory outline" in made["output"]
    for word in ["half-orc", "paladin", "exiled"]:
        assert word in made["output"]
    # A, half-orc, paladin, ",", exiled, "." — words and punctuation marks, one token each.
    assert made["promptTokens"] == 6
    assert made["completionTokens"] == count_tokens(made["output"]) > 0

    again = await gql(service.http, ONE, {"id": made["id"]}, auth)
    assert again["data"]["generation"] == {"id": made["id"], "output": made["output"]}
    kind, payload = await service.event_about(made["id"])
    assert kind == "content.generated"
    assert payload["ownerId"] == str(owner)
    assert payload["provider"] == "offline"
    assert payload["completionTokens"] == made["completionTokens"]


@pytest.mark.asyncio(loop_scope="module")
async def test_same_input_gives_the_same_text(service: LlmService) -> None:
    auth = service.tokens.headers(uuid.uuid4())
    prompt = "a haunted lighthouse keeper"
    first = (await generate(service.http, auth, prompt=prompt))["generation"]
    second = (await generate(service.http, auth, prompt=prompt))["generation"]
    as_npc = (await generate(service.http, auth, prompt=prompt, purpose="NPC"))["generation"]
    assert first["id"] != second["id"]
    assert first["output"] == second["output"]
    assert as_npc["output"] != first["output"]


@pytest.mark.asyncio(loop_scope="module")
async def test_idempotency_key_returns_the_same_generation(service: LlmService) -> None:
    owner = uuid.uuid4()
    auth = service.tokens.headers(owner)
    events_before = await service.events()
    first = (await generate(service.http, auth, idempotencyKey="k-1"))["generation"]
    second = (await generate(service.http, auth, idempotencyKey="k-1"))["generation"]
    assert first["id"] == second["id"]
    assert await service.rows_owned_by(owner) == 1
    assert await service.events() == events_before + 1


@pytest.mark.asyncio(loop_scope="module")
async def test_concurrent_retries_with_one_key_make_one_generation(service: LlmService) -> None:
    owner = uuid.uuid4()
    auth = service.tokens.headers(owner)
    results = await asyncio.gather(
        *(generate(service.http, auth, idempotencyKey="race") for _ in range(4))
    )
    assert all(result["userErrors"] == [] for result in results)
    assert len({result["generation"]["id"] for result in results}) == 1
    assert await service.rows_owned_by(owner) == 1


@pytest.mark.asyncio(loop_scope="module")
async def test_bad_input_is_a_user_error_and_stores_nothing(service: LlmService) -> None:
    owner = uuid.uuid4()
    auth = service.tokens.headers(owner)
    events_before = await service.events()
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"prompt": ""}, "prompt", "PROMPT_REQUIRED"),
        ({"prompt": " \n\t "}, "prompt", "PROMPT_REQUIRED"),
        ({"prompt": "x" * 4001}, "prompt", "PROMPT_TOO_LONG"),
        ({"prompt": "null \x00 byte"}, "prompt", "PROMPT_INVALID_CHARACTERS"),
        ({"prompt": "a wizard\u202e named Evil"}, "prompt", "PROMPT_INVALID_CHARACTERS"),
        ({"prompt": "an isolate \u2066 here"}, "prompt", "PROMPT_INVALID_CHARACTERS"),
        ({"prompt": "C1 control \x85 here"}, "prompt", "PROMPT_INVALID_CHARACTERS"),
        ({"idempotencyKey": "k" * 81}, "idempotencyKey", "INVALID_IDEMPOTENCY_KEY"),
    ]
    for fields, field, code in cases:
        result = await generate(service.http, auth, **fields)
        assert result["generation"] is None
        assert [(e["path"], e["code"]) for e in result["userErrors"]] == [(["input", field], code)]
        assert result["userErrors"][0]["message"]
    assert await service.rows_owned_by(owner) == 0
    assert await service.events() == events_before


@pytest.mark.asyncio(loop_scope="module")
async def test_only_the_owner_sees_a_generation(service: LlmService) -> None:
    alice_id = uuid.uuid4()
    alice, bob = service.tokens.headers(alice_id), service.tokens.headers(uuid.uuid4())
    made = (await generate(service.http, alice))["generation"]
    assert (await gql(service.http, ONE, {"id": made["id"]}, bob))["data"]["generation"] is None
    assert (await gql(service.http, LIST, {"first": 5}, bob))["data"]["generations"]["edges"] == []

    references = {"representations": [{"__typename": "Generation", "id": made["id"]}]}
    as_owner = await gql(service.http, ENTITIES, references, alice)
    assert as_owner["data"]["_entities"] == [
        {"id": made["id"], "prompt": made["prompt"], "owner": {"id": str(alice_id)}}
    ]
    as_stranger = await gql(service.http, ENTITIES, references, bob)
    assert as_stranger["data"]["_entities"] == [None]


@pytest.mark.asyncio(loop_scope="module")
async def test_pages_of_generations(service: LlmService) -> None:
    auth = service.tokens.headers(uuid.uuid4())
    made = []
    for n in range(3):
        made.append((await generate(service.http, auth, prompt=f"idea {n}"))["generation"]["id"])
    page1 = (await gql(service.http, LIST, {"first": 2}, auth))["data"]["generations"]
    assert [e["node"]["id"] for e in page1["edges"]] == made[:2]
    assert page1["pageInfo"]["hasNextPage"] is True
    page2 = await gql(
        service.http, LIST, {"first": 2, "after": page1["pageInfo"]["endCursor"]}, auth
    )
    assert [e["node"]["id"] for e in page2["data"]["generations"]["edges"]] == made[2:]
    too_many = await gql(service.http, LIST, {"first": 1000}, auth)
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.asyncio(loop_scope="module")
async def test_authentication_is_required(service: LlmService) -> None:
    events_before = await service.events()
    stranger_keys = TokenFactory()
    requests: list[tuple[str, dict[str, Any]]] = [
        (LIST, {"first": 1}),
        (ONE, {"id": str(uuid.uuid4())}),
        (GENERATE, {"input": {"prompt": "x"}}),
        (ENTITIES, {"representations": [{"__typename": "Generation", "id": str(uuid.uuid4())}]}),
    ]
    for query, variables in requests:
        anonymous = await gql(service.http, query, variables)
        assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        forged = await gql(service.http, query, variables, stranger_keys.headers(uuid.uuid4()))
        assert forged["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await service.events() == events_before


# -- the provider interface, with stand-in providers (SQLite only: nothing database-specific) -----


class CannedGenerator:
    """A stand-in provider: answers with fixed text, or fails."""

    def __init__(self, *, fail: bool = False) -> None:
        self.fail = fail
        self.calls: list[tuple[str, int, str]] = []

    async def generate(self, request: TextRequest) -> Completion:
        self.calls.append((request.messages[-1].content, request.max_tokens, request.purpose))
        if self.fail:
            raise TextGenerationFailed("the provider is unreachable")
        return Completion("Once upon", "canned", "canned-1", 3, 2, truncated=True)

    async def stream(self, request: TextRequest) -> AsyncIterator[StreamEvent]:
        yield await self.generate(request)


async def test_a_plugged_in_provider_is_used_and_its_failures_are_user_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLM_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'llm.db'}")
    tokens = TokenFactory()
    auth = tokens.headers(uuid.uuid4())
    canned, broken = CannedGenerator(), CannedGenerator(fail=True)
    settings = Settings.from_env()
    async with asgi_client(build(settings, tokens.verifier, text_generator=canned)) as http:
        made = (await generate(http, auth, prompt="a tale", purpose="ITEM"))["generation"]
        assert (made["provider"], made["model"], made["output"]) == (
            "canned",
            "canned-1",
            "Once upon",
        )
        assert (made["promptTokens"], made["completionTokens"]) == (3, 2)
        assert made["status"] == "TRUNCATED"
        assert canned.calls == [("a tale", 400, "ITEM")]
    async with asgi_client(build(settings, tokens.verifier, text_generator=broken)) as http:
        failed = await generate(http, auth, prompt="another tale")
        assert failed["generation"] is None
        assert [e["code"] for e in failed["userErrors"]] == ["GENERATION_FAILED"]
        listed = await gql(http, LIST, {"first": 10}, auth)
        assert len(listed["data"]["generations"]["edges"]) == 1  # only the first, successful one


# -- the offline provider and its token counting, without a server --------------------------------


def test_tokenizer_counts_words_and_punctuation() -> None:
    assert tokenize("Don't panic: the half-orc's axe (+1) hits!") == [
        "Don't",
        "panic",
        ":",
        "the",
        "half-orc's",
        "axe",
        "(",
        "+",
        "1",
        ")",
        "hits",
        "!",
    ]
    assert count_tokens("  \n\t ") == 0
    assert cut_after("one, two three.", 3) == ("one, two", True)
    assert cut_after("one two", 5) == ("one two", False)


async def test_offline_provider_stops_at_max_tokens() -> None:
    generator = OfflineTextGenerator()
    request = PURPOSES["GENERAL"].request({"prompt": "a clockwork owl familiar"})
    full = await generator.generate(replace(request, max_tokens=1000))
    short = await generator.generate(replace(request, max_tokens=10))
    assert not full.truncated and short.truncated
    assert short.completion_tokens == 10
    assert full.text.startswith(short.text)
    assert (full.provider, short.prompt_tokens) == ("offline", 4)
