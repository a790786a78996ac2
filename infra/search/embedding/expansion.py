"""The default embedding: words plus the concepts a thesaurus relates them to. Needs nothing.

A text becomes a sparse vector with one feature per (lightly stemmed) word and one per thesaurus
concept any of its words belongs to, so "flame" and "burning" meet at the concept *fire* even
though they share no letters. It is deterministic, instant and explainable; it knows exactly
the relations its thesaurus spells out and nothing else, which is why a real model (OpenAI or
the optional local MiniLM) can replace it through the same port.
"""

from __future__ import annotations

import functools
import itertools
import math
import zlib
from collections.abc import Iterable, Mapping, Sequence

from infra.search.embedding.port import Vector, normalise
from infra.search.terms import STOPWORDS, stem, words

CONCEPT_WEIGHT = 0.7  # a concept counts a little less than the word itself


@functools.lru_cache(maxsize=65536)
def _feature(prefix: str, value: str) -> int:
    return zlib.crc32(f"{prefix}:{value}".encode())


def keys(text: str) -> list[str]:
    """What a text is matched on: its word stems, and each pair of neighbouring stems as a
    phrase (``breath weapon``), stopwords left out."""
    stems = [stem(word) for word in words(text) if word not in STOPWORDS]
    return stems + [f"{a} {b}" for a, b in itertools.pairwise(stems)]


def _member_key(member: str) -> str | None:
    """The key of a thesaurus entry: a stem, or a two-stem phrase (longer phrases unused)."""
    stems = [stem(word) for word in words(member) if word not in STOPWORDS]
    return " ".join(stems) if 1 <= len(stems) <= 2 else None


class Thesaurus:
    """Concepts, each with the words and two-word phrases that evoke it.

    A concept relates its members to itself and to each other (``flame`` ~ ``fire`` ~
    ``burning``), never members of different concepts: two concepts sharing a word do not
    make their other words related.
    """

    def __init__(self, concepts: Mapping[str, Iterable[str]]) -> None:
        self.concepts = {name: tuple(members) for name, members in concepts.items()}
        self.members: dict[str, dict[str, str]] = {}  # concept -> key -> a surface form
        self._by_key: dict[str, set[str]] = {}
        for name, members in self.concepts.items():
            forms: dict[str, str] = {}
            for member in (name, *members):
                key = _member_key(member)
                if key is not None:
                    forms.setdefault(key, member)
                    self._by_key.setdefault(key, set()).add(name)
            self.members[name] = forms

    def concepts_of(self, key: str) -> frozenset[str]:
        """Concepts that a stem or two-stem phrase evokes."""
        return frozenset(self._by_key.get(key, ()))


class ExpansionEmbedder:
    name = "expansion"

    def __init__(self, thesaurus: Thesaurus) -> None:
        self.thesaurus = thesaurus

    def features(self, text: str) -> dict[int, float]:
        counts: dict[int, float] = {}
        for key in keys(text):
            if " " not in key:  # single stems are features; phrases only evoke concepts
                feature = _feature("w", key)
                counts[feature] = counts.get(feature, 0.0) + 1.0
            for concept in self.thesaurus.concepts_of(key):
                feature = _feature("c", concept)
                counts[feature] = counts.get(feature, 0.0) + CONCEPT_WEIGHT
        return counts

    def embed_one(self, text: str) -> Vector:
        # Sublinear term frequency: the tenth "fire" in a stat block adds little.
        return normalise(
            {
                key: 1 + math.log(count) if count >= 1 else count
                for key, count in self.features(text).items()
            }
        )

    async def embed(self, texts: Sequence[str]) -> list[Vector]:
        return [self.embed_one(text) for text in texts]
