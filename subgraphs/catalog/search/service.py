"""The two use cases of catalog search, with their input checks. No GraphQL here.

* ``search``: the search box. Every word must match (the last one as a prefix, so results appear
  while typing); if no entry has them all, entries with any of them, best first.
* ``concept``: the reuse-first step before generating anything. Gathers candidates of every kind
  (the full-text index's best for the concept's own words, plus every entry in which a word or
  a thesaurus relative occurs, plus, for a kind with fewer than asked, its entries closest in
  meaning), ranks each kind's candidates by meaning (:mod:`concept`) and explains every option.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

from infra.search.embedding.expansion import Thesaurus
from infra.search.embedding.port import EmbeddingProvider, cosine
from infra.search.port import Match, SearchHit, SearchIndex, SearchQuery
from infra.search.terms import terms
from subgraphs.catalog.search.concept import (
    Reason,
    Scored,
    TagSignals,
    blend,
    classes_named,
    expand,
    explain,
    literal_counts,
    match,
    specificity,
)
from subgraphs.catalog.search.content import known_kinds
from subgraphs.catalog.search.indexer import Freshness
from subgraphs.catalog.search.profiles import Profiles

MAX_TEXT_LENGTH = 200
MAX_CONCEPT_LENGTH = 500
MAX_FIRST = 50
MAX_PER_KIND = 20
CANDIDATES_PER_KIND = 40
# The kinds a character is built from, shown first and in this order by concept search.
CHARACTER_KINDS = ("class", "subclass", "species", "background", "feat", "spell", "equipment")
_CURSOR_PREFIX = "search:"


class SearchInputError(Exception):
    """Input that cannot be searched; ``argument`` names the offending argument."""

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(message)
        self.argument = argument
        self.message = message


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    cursors: list[str]
    has_next: bool
    matched_all_words: bool


@dataclass(frozen=True)
class KindOptions:
    kind: str
    options: list[Scored]


def _cursor(match: Match, offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{match.value}:{offset}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[Match, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        mode, offset = raw.removeprefix(_CURSOR_PREFIX).split(":")
        if not raw.startswith(_CURSOR_PREFIX) or int(offset) < 0:
            raise ValueError(raw)
        return Match(mode), int(offset)
    except (ValueError, UnicodeDecodeError):
        raise SearchInputError(
            "after", f"`after` {cursor!r} is not a cursor search issued"
        ) from None


def _check_text(argument: str, text: str, limit: int) -> list[str]:
    if len(text) > limit:
        raise SearchInputError(
            argument, f"`{argument}` is too long ({len(text)} > {limit} characters)"
        )
    words = terms(text)
    if not words:
        raise SearchInputError(
            argument,
            f"`{argument}` must contain at least one word to search for "
            "(letters or digits, not only common words like 'the')",
        )
    return words


class CatalogSearch:
    def __init__(
        self,
        index: SearchIndex,
        profiles: Profiles,
        freshness: Freshness,
        thesaurus: Thesaurus,
        embedder: EmbeddingProvider,
        signals: TagSignals | None = None,
    ) -> None:
        self.index, self.profiles, self.freshness = index, profiles, freshness
        self.thesaurus, self.embedder, self.signals = thesaurus, embedder, signals or {}

    def _check_kinds(self, kinds: Sequence[str] | None) -> frozenset[str] | None:
        if kinds is None:
            return None
        known = set(known_kinds()) | self.profiles.kinds()
        if not kinds:
            raise SearchInputError("kinds", "`kinds` must name at least one kind, or be omitted")
        unknown = sorted({k for k in kinds if k not in known})
        if unknown:
            raise SearchInputError(
                "kinds",
                f"unknown kind(s) {', '.join(unknown)}; known kinds: {', '.join(sorted(known))}",
            )
        return frozenset(kinds)

    async def search(
        self, text: str, kinds: Sequence[str] | None, first: int, after: str | None
    ) -> SearchPage:
        if not 1 <= first <= MAX_FIRST:
            raise SearchInputError("first", f"`first` must be between 1 and {MAX_FIRST}")
        words = tuple(_check_text("text", text, MAX_TEXT_LENGTH))
        wanted = self._check_kinds(kinds)
        match, offset = Match.ALL, 0
        if after is not None:
            match, last_seen = _decode_cursor(after)
            offset = last_seen + 1
        await self.freshness.ensure()

        async def run(mode: Match) -> list[SearchHit]:
            query = SearchQuery(
                terms=words,
                match=mode,
                prefix_last=True,
                kinds=wanted,
                limit=first + 1,
                offset=offset,
            )
            return await self.index.search(query)

        hits = await run(match)
        if not hits and match is Match.ALL and after is None and len(words) > 1:
            match = Match.ANY
            hits = await run(match)
        page = hits[:first]
        return SearchPage(
            hits=page,
            cursors=[_cursor(match, offset + place) for place in range(len(page))],
            has_next=len(hits) > first,
            matched_all_words=match is Match.ALL,
        )

    async def concept(
        self, concept: str, kinds: Sequence[str] | None, per_kind: int
    ) -> list[KindOptions]:
        if not 1 <= per_kind <= MAX_PER_KIND:
            raise SearchInputError("first", f"`first` must be between 1 and {MAX_PER_KIND}")
        _check_text("concept", concept, MAX_CONCEPT_LENGTH)
        wanted = self._check_kinds(kinds)
        await self.freshness.ensure()
        groups = expand(concept, self.thesaurus, self.signals, self.profiles.vocabulary)
        # Candidates: the full-text engine's best entries for the concept's own words (its
        # rank is one signal), plus every entry in which the words or their thesaurus
        # relatives occur (found in memory below; the engine stems differently, thieves/thief,
        # and a long OR of relatives would cost it more than the whole ranking).
        hits = await self.index.search(
            SearchQuery(
                terms=tuple(group.word for group in groups),
                match=Match.ANY,
                kinds=wanted,
                per_kind=CANDIDATES_PER_KIND,
                highlight=False,
            )
        )
        best: dict[str, float] = {}
        for hit in hits:
            best[hit.kind] = max(best.get(hit.kind, 0.0), hit.score)
        # The full-text score relative to the kind's best, 0..1.
        rank = {hit.slug: hit.score / best[hit.kind] if best[hit.kind] > 0 else 0.0 for hit in hits}
        present = self.profiles.kinds() if wanted is None else set(wanted)
        by_kind: dict[str, set[str]] = {kind: set() for kind in present}
        for hit in hits:
            by_kind.setdefault(hit.kind, set()).add(hit.slug)
        # Every entry the concept's words, their relatives or tag signals occur in is a candidate:
        # the full-text engine stems differently (thieves/thief) and returns only the top few.
        matches = match(
            groups,
            self.profiles.postings,
            self.profiles.evoked,
            self.profiles.name_stems,
            self.profiles.class_stems,
        )
        for slug in matches:
            entry = self.profiles.get(slug)
            if entry is not None and entry.kind in by_kind:
                by_kind[entry.kind].add(slug)
        [query_vector] = await self.embedder.embed([concept])
        # A kind no word speaks for still gets its entries closest in meaning: weaker evidence,
        # but a real embedding model knows words the thesaurus does not.
        for kind, slugs in by_kind.items():
            if len(slugs) < per_kind:
                slugs |= self.profiles.nearest(query_vector, kind, per_kind - len(slugs), slugs)
        asked = frozenset(group.own for group in groups)
        literal = literal_counts(groups, self.profiles.postings, self.profiles.kind_of)
        classes = classes_named(groups, self.profiles.class_stems)
        results = []
        for kind in _ordered(by_kind):
            matched: dict[str, list[Reason]] = {
                slug: matches[slug] for slug in by_kind[kind] if slug in matches
            }
            weights = specificity(
                groups, matched, literal, kind, self.profiles.kind_sizes.get(kind, 0)
            )
            totals = []
            for slug in by_kind[kind]:
                profile = self.profiles.get(slug)
                if profile is None:
                    continue
                similarity = max(cosine(query_vector, profile.vector), 0.0)
                reasons = matched.get(slug, [])
                if not reasons and similarity <= 0:
                    continue  # nothing speaks for it
                total = blend(
                    profile, reasons, weights, similarity, rank.get(slug, 0.0), asked, classes
                )
                totals.append((-total, slug, profile, reasons, similarity))
            totals.sort(key=lambda entry: (entry[0], entry[1]))
            # Reasons are worded for the options shown only.
            scored = [
                Scored(profile, -negated, explain(reasons, similarity))
                for negated, _, profile, reasons, similarity in totals[:per_kind]
            ]
            results.append(KindOptions(kind=kind, options=scored))
        return results


def _ordered(kinds: Sequence[str] | set[str] | dict[str, set[str]]) -> list[str]:
    """Character-building kinds first, in their usual order; any others A to Z."""
    present = set(kinds)
    first = [kind for kind in CHARACTER_KINDS if kind in present]
    return first + sorted(present - set(first))
