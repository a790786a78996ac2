"""Embeddings from the OpenAI API (or any server speaking its ``/embeddings`` protocol).

Plain HTTPS through httpx (already a dependency), batched; configured by ``OPENAI_API_KEY``,
``OPENAI_BASE_URL`` and ``SEARCH_EMBEDDING_MODEL``.
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from infra.search.embedding.port import EmbeddingError, Vector, from_dense

DEFAULT_MODEL = "text-embedding-3-small"
BATCH = 256


class OpenAIEmbedder:
    def __init__(
        self,
        api_key: str,
        *,
        model: str = DEFAULT_MODEL,
        base_url: str = "https://api.openai.com/v1",
        timeout: float = 20.0,
    ) -> None:
        self.model = model
        self.name = f"openai:{model}"
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=timeout,
        )

    async def embed(self, texts: Sequence[str]) -> list[Vector]:
        vectors: list[Vector] = []
        for start in range(0, len(texts), BATCH):
            batch = [text or " " for text in texts[start : start + BATCH]]
            try:
                response = await self._client.post(
                    "/embeddings", json={"model": self.model, "input": batch}
                )
                response.raise_for_status()
                data = sorted(response.json()["data"], key=lambda item: item["index"])
            except (httpx.HTTPError, KeyError, ValueError) as exc:
                raise EmbeddingError(f"OpenAI embeddings request failed: {exc}") from exc
            vectors.extend(from_dense(item["embedding"]) for item in data)
        return vectors

    async def close(self) -> None:
        await self._client.aclose()
