"""Scoring catalog entries against a player's concept, and saying why each one matches.

A concept ("a fire-wielding monk raised by dragons") is split into its meaningful words; each word
becomes a *term group*: the word itself plus every word the thesaurus relates to it (fire ->
flame, burning, ember, ...). An entry's score blends three signals:

* coverage (half): how many of the concept's words the entry answers, and how strongly: in its
  name counts most, then its tags, then its text; the word itself counts more than a relative;
* similarity (two fifths): cosine of the concept's and the entry's embedding vectors;
* text rank (a tenth): the full-text engine's own rank among the candidates of that kind;

plus a small preference for low-level spells, which a new character can actually take.

Each matched group becomes one reason, e.g. ``"dragons" ~ "draconic" (dragon) in its name``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from infra.search.embedding.expansion import Thesaurus
from infra.search.terms import stem, terms
from subgraphs.catalog.search.profiles import Profile

COVERAGE_WEIGHT, SIMILARITY_WEIGHT, RANK_WEIGHT = 0.5, 0.4, 0.1
# Concept search serves character creation: among spells that fit equally, the ones a new
# character can actually take (cantrips, low levels) come first.
LOW_LEVEL_WEIGHT = 0.1
MAX_SPELL_LEVEL = 9
# How much a match counts, by field, for the word itself and for a related word.
DIRECT = {"name": 1.0, "tags": 0.8, "text": 0.5}
RELATED = {"name": 0.8, "tags": 0.6, "text": 0.3}
FIELD_WORDS = {"name": "its name", "tags": "its tags", "text": "its description"}


@dataclass(frozen=True)
class TermGroup:
    word: str  # as the player wrote it (folded)
    own: str  # its stem
    related: dict[str, tuple[str, str]]  # related key -> (how the thesaurus writes it, concept)


@dataclass(frozen=True)
class Reason:
    word: str
    matched: str  # the entry's word that answered it (== word when matched directly)
    concept: str | None
    field: str
    weight: float

    def text(self) -> str:
        where = FIELD_WORDS[self.field]
        if self.concept is None:
            return f'"{self.word}" in {where}'
        return f'"{self.word}" ~ "{self.matched}" ({self.concept}) in {where}'


def expand(concept: str, thesaurus: Thesaurus) -> list[TermGroup]:
    groups = []
    for word in terms(concept):
        own = stem(word)
        related: dict[str, tuple[str, str]] = {}
        for name in sorted(thesaurus.concepts_of(own)):
            for key, form in thesaurus.members[name].items():
                if key != own:
                    related.setdefault(key, (form, name))
        groups.append(TermGroup(word=word, own=own, related=related))
    return groups


FIELDS = ("name", "tags", "text")
Postings = dict[str, dict[str, set[str]]]  # field -> match key -> slugs


def match(groups: Sequence[TermGroup], postings: Postings) -> dict[str, list[Reason]]:
    """For every entry answering at least one group: its best match per group.

    Walks the postings of each group's keys rather than every entry's words, so the cost grows
    with how often the concept's words occur, not with the size of the catalog.
    """
    found: dict[str, list[Reason]] = {}
    for group in groups:
        best: dict[str, Reason] = {}

        def offer(slugs: set[str], reason: Reason, best: dict[str, Reason] = best) -> None:
            for slug in slugs:
                current = best.get(slug)
                if current is None or reason.weight > current.weight:
                    best[slug] = reason

        for field in FIELDS:
            keyed = postings[field]
            if group.own in keyed:
                offer(keyed[group.own], Reason(group.word, group.word, None, field, DIRECT[field]))
            for key in sorted(group.related.keys() & keyed.keys()):
                form, concept = group.related[key]
                offer(keyed[key], Reason(group.word, form, concept, field, RELATED[field]))
        for slug, reason in best.items():
            found.setdefault(slug, []).append(reason)
    return found


@dataclass(frozen=True)
class Scored:
    profile: Profile
    score: float
    reasons: tuple[str, ...]


def score(
    profile: Profile, matches: Sequence[Reason], groups: int, similarity: float, rank: float
) -> Scored:
    """Blend the signals; ``matches`` are the entry's best match per group (of ``groups``),
    ``rank`` its full-text rank scaled to 0..1 within its kind (0 if not a text match)."""
    coverage = sum(m.weight for m in matches) / groups if groups else 0.0
    total = COVERAGE_WEIGHT * coverage + SIMILARITY_WEIGHT * similarity + RANK_WEIGHT * rank
    if profile.level is not None and matches:
        total += LOW_LEVEL_WEIGHT * (1 - profile.level / MAX_SPELL_LEVEL)
    reasons = [m.text() for m in sorted(matches, key=lambda m: -m.weight)]
    if not reasons and similarity > 0:
        reasons.append(f"close in meaning to the concept (similarity {similarity:.2f})")
    return Scored(profile=profile, score=total, reasons=tuple(reasons))
