"""What each catalog entry looks like to the concept ranker: word stems per field and a vector.

Profiles live in memory beside the full-text index (about a kilobyte per entry) and are rebuilt
from the same documents whenever the index is synchronised. The vectors come from whichever
embedding provider is configured; a vector is kept as long as its entry's digest is unchanged,
so a remote provider is only asked about new or changed entries.

Beside the profiles: how many entries each kind has (for how telling a word is within a kind)
and the names of the classes (spells and subclasses are tagged with them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from infra.search.embedding.expansion import Thesaurus, keys
from infra.search.embedding.port import EmbeddingProvider, Vector
from infra.search.port import SearchDocument

# Field weights when composing the text an entry is embedded from: the name says most about it.
NAME_REPEAT, TAGS_REPEAT = 3, 2
# Entries of this kind are the classes other entries (spells, subclasses) are tagged with.
CLASS_KIND = "class"
EMBED_BATCH = 256


def match_keys(text: str) -> frozenset[str]:
    """Stems and two-stem phrases of ``text`` (see ``infra.search.embedding.expansion.keys``)."""
    return frozenset(keys(text))


@dataclass(frozen=True)
class Profile:
    kind: str
    slug: str
    name: str
    digest: str
    name_keys: frozenset[str]
    tag_keys: frozenset[str]
    text_keys: frozenset[str]
    vector: Vector
    level: int | None  # spell level (0 for cantrips) when its tags say so
    # thesaurus concept -> the entry's keys (any field) that evoke it: what the entry is about
    evoked: dict[str, frozenset[str]]
    name_stems: frozenset[str]  # the stems of its name's words (no two-word phrases)


def level_of(tags: tuple[str, ...]) -> int | None:
    """``cantrip`` -> 0, ``level 3`` -> 3; None for entries without a level tag."""
    for tag in tags:
        if tag == "cantrip":
            return 0
        if tag.startswith("level ") and tag[6:].isdigit():
            return int(tag[6:])
    return None


def embedding_text(document: SearchDocument) -> str:
    name = " ".join([document.name] * NAME_REPEAT)
    tags = " ".join([document.tag_text] * TAGS_REPEAT)
    return f"{name}\n{tags}\n{document.text}"


def evoked_concepts(
    thesaurus: Thesaurus | None, known: frozenset[str], *field_keys: frozenset[str]
) -> dict[str, frozenset[str]]:
    """Thesaurus concept -> the entry's keys that evoke it (``known``: every key the thesaurus
    has, to skip the rest of a long text quickly)."""
    if thesaurus is None:
        return {}
    found: dict[str, set[str]] = {}
    for key in frozenset().union(*field_keys) & known:
        for concept in thesaurus.concepts_of(key):
            found.setdefault(concept, set()).add(key)
    return {concept: frozenset(evoking) for concept, evoking in found.items()}


class Profiles:
    def __init__(self, embedder: EmbeddingProvider, thesaurus: Thesaurus | None = None) -> None:
        self.embedder = embedder
        self.thesaurus = thesaurus
        self._thesaurus_keys: frozenset[str] = (
            frozenset().union(*thesaurus.members.values()) if thesaurus else frozenset()
        )
        self.by_slug: dict[str, Profile] = {}
        # field ("name", "tags", "text") -> match key -> slugs of the entries having it there
        self.postings: dict[str, dict[str, set[str]]] = _postings(())
        self.kind_sizes: dict[str, int] = {}
        self.class_stems: frozenset[str] = frozenset()  # the classes' names, as match keys

    async def rebuild(self, documents: Sequence[SearchDocument]) -> None:
        """Profiles for exactly ``documents``; unchanged entries keep their vectors."""
        kept = {
            d.slug: self.by_slug[d.slug]
            for d in documents
            if d.slug in self.by_slug and self.by_slug[d.slug].digest == d.digest
        }
        fresh = [d for d in documents if d.slug not in kept]
        if not fresh and len(kept) == len(self.by_slug):
            return  # nothing changed
        vectors: list[Vector] = []
        for start in range(0, len(fresh), EMBED_BATCH):
            batch = fresh[start : start + EMBED_BATCH]
            vectors.extend(await self.embedder.embed([embedding_text(d) for d in batch]))
        for document, vector in zip(fresh, vectors, strict=True):
            name_keys = match_keys(document.name)
            tag_keys = match_keys(document.tag_text)
            text_keys = match_keys(document.text)
            kept[document.slug] = Profile(
                kind=document.kind,
                slug=document.slug,
                name=document.name,
                digest=document.digest,
                name_keys=name_keys,
                tag_keys=tag_keys,
                text_keys=text_keys,
                vector=vector,
                level=level_of(document.tags),
                evoked=evoked_concepts(
                    self.thesaurus, self._thesaurus_keys, name_keys, tag_keys, text_keys
                ),
                name_stems=frozenset(key for key in name_keys if " " not in key),
            )
        self.by_slug = kept
        self.postings = _postings(kept.values())
        self.kind_sizes = dict(Counter(profile.kind for profile in kept.values()))
        self.class_stems = frozenset(
            key
            for profile in kept.values()
            if profile.kind == CLASS_KIND
            for key in profile.name_stems
        )

    def get(self, slug: str) -> Profile | None:
        return self.by_slug.get(slug)

    def evoked(self, slug: str) -> dict[str, frozenset[str]] | None:
        """The concepts an entry is about (None: unknown entry, or no thesaurus to tell)."""
        profile = self.by_slug.get(slug)
        if profile is None or self.thesaurus is None:
            return None
        return profile.evoked

    def kind_of(self, slug: str) -> str | None:
        profile = self.by_slug.get(slug)
        return None if profile is None else profile.kind

    def name_stems(self, slug: str) -> frozenset[str]:
        profile = self.by_slug.get(slug)
        return frozenset() if profile is None else profile.name_stems

    def kinds(self) -> set[str]:
        return {profile.kind for profile in self.by_slug.values()}


def _postings(profiles: Iterable[Profile]) -> dict[str, dict[str, set[str]]]:
    postings: dict[str, dict[str, set[str]]] = {"name": {}, "tags": {}, "text": {}}
    for profile in profiles:
        for field, field_keys in (
            ("name", profile.name_keys),
            ("tags", profile.tag_keys),
            ("text", profile.text_keys),
        ):
            for key in field_keys:
                postings[field].setdefault(key, set()).add(profile.slug)
    return postings
