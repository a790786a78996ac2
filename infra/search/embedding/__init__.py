"""Embedding providers: text -> vector, for ranking by meaning rather than by exact words."""

from infra.search.embedding.factory import create_embedding_provider
from infra.search.embedding.port import EmbeddingProvider, Vector, cosine

__all__ = ["EmbeddingProvider", "Vector", "cosine", "create_embedding_provider"]
