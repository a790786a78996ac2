"""What each catalog entry looks like to the concept ranker: word stems per field and a vector.

Profiles live in memory beside the full-text index (about a kilobyte per entry) and are rebuilt
from the same documents whenever the index is synchronised. The vectors come from whichever
embedding provider is configured; a vector is kept as long as its entry's digest is unchanged,
so a remote provider is only asked about new or changed entries.

Beside the profiles: how many entries each kind has (for how telling a word is within a kind)
and the names of the classes (spells and subclasses are tagged with them).
"""

from __future__ import annotations

import bisect
import dataclasses
import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from infra.search.embedding.expansion import Thesaurus, keys
from infra.search.embedding.port import EmbeddingProvider, Vector, cosine
from infra.search.port import SearchDocument
from infra.search.terms import STOPWORDS, stem, words

# Field weights when composing the text an entry is embedded from: the name says most about it.
NAME_REPEAT, TAGS_REPEAT = 3, 2
# Entries of this kind are the classes other entries (spells, subclasses) are tagged with.
CLASS_KIND = "class"
EMBED_BATCH = 256
# A compound's head at least this long ("axe", "bow"), its modifier a little longer: the short
# ones ("con", "sea") are mostly abbreviations or chance letters (Con-trolling, Sea-ring).
MIN_HEAD, MIN_MODIFIER = 3, 4
# Endings that make a word a derivation or a verb form, not a compound of two things
# (Friend-ship, Elven-kind, Banish-ment; Search-ing).
NOT_A_HEAD = frozenset({"ship", "kind", "ment", "ness", "less", "hood", "dom", "like", "ful"})
VERB_FORMS = ("ing", "ed")


@dataclass(frozen=True)
class Vocabulary:
    """The stems the catalog's entries use, with a sorted copy to find a word's family."""

    stems: frozenset[str] = frozenset()
    ordered: tuple[str, ...] = ()

    @classmethod
    def of(cls, stems: Iterable[str]) -> Vocabulary:
        known = frozenset(stems)
        return cls(known, tuple(sorted(known)))

    def __contains__(self, key: object) -> bool:
        return key in self.stems

    def starting(self, prefix: str) -> tuple[str, ...]:
        """The stems beginning with ``prefix`` (a binary search)."""
        start = bisect.bisect_left(self.ordered, prefix)
        end = bisect.bisect_left(self.ordered, prefix + "\uffff")
        return self.ordered[start:end]


def split_compound(word: str, vocabulary: Vocabulary) -> tuple[str, str] | None:
    """``quarterstaff`` -> ``("quarter", "staff")`` when both parts are words the catalog uses
    on their own (``vocabulary``: their stems); of several splits, the one with the longest
    head (``greatsword`` is a great sword, not a greats word). None for a word that is not
    such a compound."""
    if word.endswith(VERB_FORMS):
        return None
    best: tuple[str, str] | None = None
    for cut in range(MIN_MODIFIER, len(word) - MIN_HEAD + 1):
        modifier, head = word[:cut], word[cut:]
        if head in NOT_A_HEAD or modifier in STOPWORDS:
            continue
        if stem(modifier) not in vocabulary or stem(head) not in vocabulary:
            continue
        if best is None or len(head) > len(best[1]):
            best = (modifier, head)
    return best


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
    # the stems of the heads of its name's compounds (Quarterstaff: staff), none in name_stems
    name_heads: frozenset[str] = frozenset()


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
        self.slugs_by_kind: dict[str, list[str]] = {}
        self.class_stems: frozenset[str] = frozenset()  # the classes' names, as match keys
        # the stems the entries use (any field): what compounds are split into
        self.vocabulary = Vocabulary()

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
        self.vocabulary = _vocabulary(documents)
        known = self._thesaurus_keys
        kept = {
            slug: _with_heads(profile, self.vocabulary, known) for slug, profile in kept.items()
        }
        self.by_slug = kept
        self.postings = _postings(kept.values())
        self.kind_sizes = dict(Counter(profile.kind for profile in kept.values()))
        self.slugs_by_kind = {}
        for slug, profile in sorted(kept.items()):
            self.slugs_by_kind.setdefault(profile.kind, []).append(slug)
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

    def nearest(self, vector: Vector, kind: str, count: int, skip: Iterable[str] = ()) -> set[str]:
        """The ``count`` entries of ``kind`` (but ``skip``) most similar to ``vector``, of those
        similar at all."""
        skipped = set(skip)
        scored = []
        for slug in self.slugs_by_kind.get(kind, ()):
            if slug not in skipped:
                similarity = cosine(vector, self.by_slug[slug].vector)
                if similarity > 0:
                    scored.append((-similarity, slug))
        return {slug for _, slug in heapq.nsmallest(count, scored)}

    def kinds(self) -> set[str]:
        return {profile.kind for profile in self.by_slug.values()}


def compound_heads(
    name: str, vocabulary: Vocabulary, known: frozenset[str] = frozenset()
) -> frozenset[str]:
    """The stems of the heads of ``name``'s compound words: a Quarterstaff is a staff, a
    Battleaxe an axe, a Longbow a bow. Only the head: the modifier rarely says what the thing
    is (a Warhammer is no war). Words the thesaurus knows whole are left alone (their meaning
    is spelt out), as are heads already among the name's own words."""
    heads = set()
    own = {stem(word) for word in words(name)}
    for word in words(name):
        if len(word) < MIN_HEAD + MIN_MODIFIER or stem(word) in known:
            continue
        parts = split_compound(word, vocabulary)
        if parts is not None:
            heads.add(stem(parts[1]))
    return frozenset(heads - own)


def _vocabulary(documents: Iterable[SearchDocument]) -> Vocabulary:
    return Vocabulary.of(
        stem(word)
        for document in documents
        for word in words(f"{document.name} {document.tag_text} {document.text}")
    )


def _with_heads(profile: Profile, vocabulary: Vocabulary, known: frozenset[str]) -> Profile:
    heads = compound_heads(profile.name, vocabulary, known)
    if heads == profile.name_heads:
        return profile
    return dataclasses.replace(profile, name_heads=heads)


def _postings(profiles: Iterable[Profile]) -> dict[str, dict[str, set[str]]]:
    postings: dict[str, dict[str, set[str]]] = {"name": {}, "tags": {}, "text": {}, "head": {}}
    for profile in profiles:
        for field, field_keys in (
            ("name", profile.name_keys),
            ("tags", profile.tag_keys),
            ("text", profile.text_keys),
            ("head", profile.name_heads),
        ):
            for key in field_keys:
                postings[field].setdefault(key, set()).add(profile.slug)
    return postings
