"""The OpenAI embeddings client against a loopback server that speaks the `/embeddings` protocol.

Only the remote API is replaced: the real client code builds the request, batches, authenticates
and parses the answer, over real HTTP.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from infra.search.embedding import openai as openai_embeddings
from infra.search.embedding.openai import OpenAIEmbedder
from infra.search.embedding.port import EmbeddingError
from tests.support import loopback_server

API_KEY = "sk-test-loopback"


class FakeOpenAI:
    """Answers like the API: one vector per input, in `data[i].index` order (shuffled here)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.fail_with: int | None = None

    async def embeddings(self, request: Request) -> JSONResponse:
        if request.headers.get("authorization") != f"Bearer {API_KEY}":
            return JSONResponse({"error": {"message": "Incorrect API key"}}, 401)
        if self.fail_with is not None:
            return JSONResponse({"error": {"message": "overloaded"}}, self.fail_with)
        body = await request.json()
        self.requests.append(body)
        data = [
            {"object": "embedding", "index": i, "embedding": [float(len(text)), 1.0, 0.0]}
            for i, text in enumerate(body["input"])
        ]
        return JSONResponse(
            {
                "object": "list",
                "data": list(reversed(data)),
                "model": body["model"],
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            }
        )


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, FakeOpenAI]]:
    fake = FakeOpenAI()
    app = Starlette(routes=[Route("/v1/embeddings", fake.embeddings, methods=["POST"])])
    async with loopback_server(app) as url:
        yield f"{url}/v1", fake


async def test_vectors_come_back_in_input_order_and_batched(
    server: tuple[str, FakeOpenAI], monkeypatch: pytest.MonkeyPatch
) -> None:
    base_url, fake = server
    monkeypatch.setattr(openai_embeddings, "BATCH", 2)
    embedder = OpenAIEmbedder(API_KEY, base_url=base_url, model="test-model")
    try:
        vectors = await embedder.embed(["a", "abc", "abcde"])
    finally:
        await embedder.close()
    assert [len(r["input"]) for r in fake.requests] == [2, 1]  # batches of two
    assert all(r["model"] == "test-model" for r in fake.requests)
    # Each vector reflects its own input (length in dimension 0), despite the shuffled reply.
    ratios = [v[0] / v[1] for v in vectors]
    assert ratios == pytest.approx([1.0, 3.0, 5.0])


@pytest.mark.parametrize("status", [401, 500, 429])
async def test_api_failures_become_embedding_errors(
    server: tuple[str, FakeOpenAI], status: int
) -> None:
    base_url, fake = server
    fake.fail_with = None if status == 401 else status
    key = "sk-wrong" if status == 401 else API_KEY
    embedder = OpenAIEmbedder(key, base_url=base_url)
    try:
        with pytest.raises(EmbeddingError):
            await embedder.embed(["fireball"])
    finally:
        await embedder.close()
