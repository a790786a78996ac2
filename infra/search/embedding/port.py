"""The embedding port: what every provider of text vectors promises.

Vectors are sparse maps from dimension to value, normalised to length 1, so the similarity of two
texts is a dot product (:func:`cosine`). The default expansion provider is naturally sparse (a
few dozen non-zero features per text); dense providers simply fill every dimension.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Protocol

Vector = dict[int, float]


class EmbeddingError(Exception):
    """The provider could not embed (unreachable API, missing model files, ...)."""


class EmbeddingProvider(Protocol):
    name: str  # "expansion", "openai:text-embedding-3-small", "minilm"

    async def embed(self, texts: Sequence[str]) -> list[Vector]:
        """One normalised vector per text, in order."""
        ...


def normalise(weights: Mapping[int, float]) -> Vector:
    length = math.sqrt(sum(value * value for value in weights.values()))
    if length == 0:
        return {}
    return {key: value / length for key, value in weights.items() if value}


def cosine(a: Vector, b: Vector) -> float:
    """Cosine similarity of two normalised vectors (0 when either is empty)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(value * b.get(key, 0.0) for key, value in a.items())


def from_dense(values: Sequence[float]) -> Vector:
    return normalise(dict(enumerate(float(v) for v in values)))
