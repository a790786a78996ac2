"""Scoring catalog entries against a player's concept, and saying why each one matches.

A concept ("a fire-wielding monk raised by dragons") is split into its meaningful words; each word
becomes a *term group*: the word itself, every word the thesaurus relates to it (fire -> flame,
burning, ember, ...; a word with its neighbour too: "holy warrior" -> paladin) and the structured
facts in an entry's tags that answer it (dual-wielding -> a weapon with the Light property).
A word neither the catalog nor the thesaurus knows is read through the catalog's own words:
its word family ("navigates": navigator) or, failing that, the parts of a compound
("stormcaller": storm, caller). An entry's name is read the same way: the head of a compound
in it answers the head's word (a Quarterstaff is a staff, a Longbow a bow).
An entry's score blends:

* coverage (half): how much of the concept the entry answers. Per word, its best match (in the
  name counts most, then a compound's head in the name or the tags, then text; the word itself
  more than a relative; a class among the tags, which puts a spell on that class's list, answers
  the class's own concept, "priest" for the cleric, but not others that name it, "forest" for
  nature and its druid), plus a quarter
  of its matches in the other fields: Fire Bolt (fire in its name *and* Fire damage in its
  tags) is more surely about fire than a name alone. A word found only as itself in an entry
  about none of its thesaurus concepts is probably another sense of it (Raise Dead for "raised
  by dragons") and counts half. Words are weighted by how telling they are within the kind (an
  inverse document frequency of the word itself): "wizard" is on a third of the spell lists and
  says less about a spell than "evocation", and "pyromancer", used by no entry, says most;
* similarity (two fifths): cosine of the concept's and the entry's embedding vectors;
* text rank (a tenth): the full-text engine's own rank among the candidates of that kind;

plus small bonuses for an entry that matches at all: a low-level spell (a new character can take
it), an entry the concept names outright ("with rope and torches": Rope, Torch) and one tagged
with a class the concept names (a wizard's spell for "a wizard who...").

Each matched group becomes one reason, e.g. ``"dragons" ~ "draconic" (dragon) in its name``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from infra.search.embedding.expansion import Thesaurus, keys
from infra.search.terms import stem, terms
from subgraphs.catalog.search.profiles import Profile, Vocabulary, split_compound

COVERAGE_WEIGHT, SIMILARITY_WEIGHT, RANK_WEIGHT = 0.5, 0.4, 0.1
# Concept search serves character creation: among spells that fit equally, the ones a new
# character can actually take (cantrips, low levels) come first.
LOW_LEVEL_WEIGHT = 0.1
MAX_SPELL_LEVEL = 9
# How much a match counts, by field, for the word itself and for a related word.
# "head": the head of a compound in the name (Quarterstaff for "staff", Longbow for "bow").
DIRECT = {"name": 1.0, "head": 0.8, "tags": 0.8, "text": 0.5}
RELATED = {"name": 0.8, "head": 0.6, "tags": 0.6, "text": 0.3}
# A word answered in several fields is better evidence than in one field: each further field
# adds this share of its own weight to the best field's.
SUPPORT = 0.25
# A word the thesaurus knows in one sense, found in an entry about none of its concepts, is
# probably another sense of it ("raised by dragons" and Raise Dead, "fire" and Faerie Fire's
# coloured light): it counts this share of a match.
OTHER_SENSE = 0.5
# An entry the concept names outright ("with rope and torches": Rope, Torch; "speaks with the
# dead": Speak with Dead) is what the player asked for.
NAMED_WEIGHT = 0.15
# An entry that belongs to a class the concept names (a spell on the wizard's list for "a
# wizard who...", a druid's subclass for "a druid who...") is one that character can have.
CLASS_WEIGHT = 0.1
FIELD_WORDS = {
    "name": "its name",
    "head": "a compound in its name",
    "tags": "its tags",
    "text": "its description",
}

TagSignals = Mapping[str, Sequence[str]]  # concept -> tag sets that answer it ("weapon, light")


@dataclass(frozen=True)
class TermGroup:
    word: str  # as the player wrote it (folded)
    own: str  # its stem
    related: dict[str, tuple[str, str]]  # related key -> (how the thesaurus writes it, concept)
    # tag keys that must all be in an entry's tags -> (how they are written, concept)
    signals: dict[frozenset[str], tuple[str, str]]
    concepts: frozenset[str] = frozenset()  # the thesaurus concepts the word evokes


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


def _tag_set(signal: str) -> frozenset[str] | None:
    """``"weapon, two-handed"`` -> the match keys ``{"weapon", "two hand"}`` (each tag's own
    key: its stem, or its two stems as a phrase)."""
    found = []
    for tag in signal.split(","):
        tag_keys = keys(tag)
        if not tag_keys:
            return None
        found.append(tag_keys[-1])  # the phrase when there are two stems, else the stem
    return frozenset(found)


def expand(
    concept: str,
    thesaurus: Thesaurus,
    signals: TagSignals | None = None,
    vocabulary: Vocabulary | None = None,
) -> list[TermGroup]:
    """One group per word. A word's relatives are those of its own concepts and of the
    thesaurus phrases it forms with a neighbour ("holy warrior" evokes *paladin*, though neither
    word alone does). A word neither the catalog (``vocabulary``: the stems its entries use) nor
    the thesaurus knows is read as a compound of words they do know ("mapmaker": map, maker;
    "stormcaller": storm, which evokes *lightning*): its parts become its relatives."""
    words = terms(concept)
    stems = [stem(word) for word in words]
    evoking: list[set[str]] = [set(thesaurus.concepts_of(own)) for own in stems]
    for place in range(len(stems) - 1):
        phrase = thesaurus.concepts_of(f"{stems[place]} {stems[place + 1]}")
        evoking[place] |= phrase
        evoking[place + 1] |= phrase
    # A word unknown to both: stems of the same word family, else the parts of a compound.
    kin: list[dict[str, tuple[str, str]]] = [{} for _ in words]  # key -> (form, label)
    if vocabulary is not None:
        for place, (word, own) in enumerate(zip(words, stems, strict=True)):
            if own in vocabulary or evoking[place]:
                continue
            family = same_family(own, vocabulary)
            if family:
                found = {key: (key, f"like {word}") for key in family}
            else:
                split = split_compound(word, vocabulary) or ()
                found = {stem(part): (part, f"part of {word}") for part in split}
            kin[place] = found
            for key in found:
                evoking[place] |= thesaurus.concepts_of(key)
    groups = []
    for word, own, concepts, own_kin in zip(words, stems, evoking, kin, strict=True):
        related: dict[str, tuple[str, str]] = dict(own_kin)
        answers: dict[frozenset[str], tuple[str, str]] = {}
        for name in sorted(concepts):
            for key, form in thesaurus.members[name].items():
                if key != own:
                    related.setdefault(key, (form, name))
            for signal in (signals or {}).get(name, ()):
                tag_set = _tag_set(signal)
                if tag_set is not None:
                    answers.setdefault(tag_set, (signal, name))
        groups.append(
            TermGroup(
                word=word,
                own=own,
                related=related,
                signals=answers,
                concepts=frozenset(concepts),
            )
        )
    return groups


# A word family: stems sharing this many first letters, and all but the last few of the shorter
# ("navigat"es and "navigator", "cartograph"y and "cartographer").
FAMILY_PREFIX, FAMILY_SLACK = 6, 2


def _shared_prefix(a: str, b: str) -> int:
    shared = 0
    while shared < min(len(a), len(b)) and a[shared] == b[shared]:
        shared += 1
    return shared


def same_family(own: str, vocabulary: Vocabulary) -> list[str]:
    """Stems of ``vocabulary`` from the same word family as ``own`` (one the catalog does not
    use itself): "navigates" finds "navigator", "illusionists" finds "illusion"."""
    if len(own) < FAMILY_PREFIX:
        return []
    found = []
    for other in vocabulary.starting(own[:FAMILY_PREFIX]):
        shared = _shared_prefix(own, other)
        if shared >= min(len(own), len(other)) - FAMILY_SLACK:
            found.append(other)
    return found


FIELDS = ("name", "head", "tags", "text")
Postings = dict[str, dict[str, set[str]]]  # field -> match key -> slugs


def _other_sense(group: TermGroup, evoked: Mapping[str, frozenset[str]] | None) -> bool:
    """Whether an entry matching ``group``'s word itself is about none of the word's concepts
    (no other word of the entry evokes one). Unknown without the entry's concepts."""
    if evoked is None or not group.concepts:
        return False
    return not any(evoked.get(concept, frozenset()) - {group.own} for concept in group.concepts)


def match(
    groups: Sequence[TermGroup],
    postings: Postings,
    evoked: Callable[[str], Mapping[str, frozenset[str]] | None] | None = None,
    named: Callable[[str], frozenset[str]] | None = None,
    listed: frozenset[str] = frozenset(),
) -> dict[str, list[Reason]]:
    """For every entry answering at least one group: one reason per group it answers, its best
    match, weighted with the support of the group's matches in the entry's other fields.
    ``evoked`` gives an entry's concepts by slug, to tell a word's other senses apart, and
    ``named`` the stems of its name: an entry named just the word (Fly for "flying") is never
    another sense of it.

    Walks the postings of each group's keys rather than every entry's words, so the cost grows
    with how often the concept's words occur, not with the size of the catalog.
    """
    found: dict[str, list[Reason]] = {}
    for group in groups:
        best: dict[str, dict[str, Reason]] = {}  # slug -> field -> best reason there

        def offer(
            slugs: set[str], reason: Reason, best: dict[str, dict[str, Reason]] = best
        ) -> None:
            for slug in slugs:
                fields = best.setdefault(slug, {})
                current = fields.get(reason.field)
                if current is None or reason.weight > current.weight:
                    fields[reason.field] = reason

        for field in FIELDS:
            keyed = postings.get(field, {})
            if group.own in keyed:
                offer(keyed[group.own], Reason(group.word, group.word, None, field, DIRECT[field]))
            for key in sorted(group.related.keys() & keyed.keys()):
                form, concept = group.related[key]
                # A class's list answers the class's own concept ("priest": cleric), not
                # another one that happens to name the class ("forest": nature: druid).
                if field == "tags" and key in listed and stem(concept) != key:
                    continue
                offer(keyed[key], Reason(group.word, form, concept, field, RELATED[field]))
        tagged = postings["tags"]
        for tag_set, (form, concept) in sorted(group.signals.items(), key=lambda s: s[1]):
            if tag_set <= tagged.keys():
                slugs = set.intersection(*(tagged[key] for key in tag_set))
                offer(slugs, Reason(group.word, form, concept, "tags", RELATED["tags"]))
        for slug, fields in best.items():
            if len(fields) == 1:
                [top] = fields.values()
                weight = top.weight
            else:
                top, *others = sorted(fields.values(), key=lambda reason: -reason.weight)
                weight = top.weight + SUPPORT * sum(reason.weight for reason in others)
            # A word among the entry's tags (its Fire damage) is the entry's own sense of it,
            # as is the head of a compound it is named (a Quarterstaff is a staff).
            if (
                not fields.keys() & {"tags", "head"}
                and evoked is not None
                and all(reason.concept is None for reason in fields.values())
                and _other_sense(group, evoked(slug))
                and (named is None or named(slug) != {group.own})
            ):
                weight *= OTHER_SENSE
            reason = Reason(top.word, top.matched, top.concept, top.field, weight)
            found.setdefault(slug, []).append(reason)
    return found


def classes_named(groups: Sequence[TermGroup], class_stems: frozenset[str]) -> frozenset[str]:
    """The classes (by name stem) the concept names outright. Only outright: a "mage" may be a
    sorcerer or a warlock as well as a wizard, so the thesaurus is no guide here."""
    return frozenset(group.own for group in groups) & class_stems


def literal_counts(
    groups: Sequence[TermGroup], postings: Postings, kind_of: Callable[[str], str | None]
) -> dict[str, Counter[str]]:
    """Per word: in how many entries of each kind the word itself occurs (any field)."""
    counts: dict[str, Counter[str]] = {}
    for group in groups:
        slugs: set[str] = set()
        for field in FIELDS:
            slugs |= postings.get(field, {}).get(group.own, set())
        counts[group.word] = Counter(kind for kind in map(kind_of, slugs) if kind is not None)
    return counts


def specificity(
    groups: Sequence[TermGroup],
    matched: Mapping[str, Sequence[Reason]],
    literal: Mapping[str, Counter[str]],
    kind: str,
    size: int,
) -> dict[str, float]:
    """How telling each word is within one kind of ``size`` entries: the inverse document
    frequency of BM25 over the entries in which the word itself occurs, so a word most of the
    kind's entries use ("spells", "wizard" on a third of the spell lists) weighs less than a rare
    one ("evocation"), and a word the catalog never uses ("pyromancer") weighs most: it is
    answered only through its thesaurus relatives, which is the point of asking. Words no entry
    of the kind answers (``matched``: that kind's reasons) are left out: they tell the kind's
    entries nothing apart. The weights are shares: they add up to 1."""
    answered = {reason.word for reasons in matched.values() for reason in reasons}
    weights = {}
    for group in groups:
        if group.word in answered:
            occurs = literal.get(group.word, Counter()).get(kind, 0)
            weights[group.word] = math.log(1 + (size - occurs + 0.5) / (occurs + 0.5))
    total = sum(weights.values())
    return {word: weight / total for word, weight in weights.items()} if total else {}


@dataclass(frozen=True)
class Scored:
    profile: Profile
    score: float
    reasons: tuple[str, ...]


def blend(
    profile: Profile,
    matches: Sequence[Reason],
    weights: Mapping[str, float],
    similarity: float,
    rank: float,
    asked: frozenset[str] = frozenset(),
    classes: frozenset[str] = frozenset(),
) -> float:
    """The score: ``matches`` are the entry's reasons (one per group it answers), ``weights``
    each word's share of the concept within the entry's kind (:func:`specificity`), ``rank`` its
    full-text rank scaled to 0..1 within its kind (0 if not a text match), ``asked`` the stems of
    the concept's words and ``classes`` those of the classes it names (:func:`classes_named`)."""
    coverage = sum(weights.get(m.word, 0.0) * m.weight for m in matches)
    total = COVERAGE_WEIGHT * coverage + SIMILARITY_WEIGHT * similarity + RANK_WEIGHT * rank
    if matches:
        if profile.level is not None:
            total += LOW_LEVEL_WEIGHT * (1 - profile.level / MAX_SPELL_LEVEL)
        if profile.name_stems and profile.name_stems <= asked:
            total += NAMED_WEIGHT
        if classes & profile.tag_keys:
            total += CLASS_WEIGHT
    return total


def explain(matches: Sequence[Reason], similarity: float) -> tuple[str, ...]:
    """Why an entry fits, strongest reason first; empty when nothing speaks for it."""
    reasons = [m.text() for m in sorted(matches, key=lambda m: -m.weight)]
    if not reasons and similarity > 0:
        reasons.append(f"close in meaning to the concept (similarity {similarity:.2f})")
    return tuple(reasons)
