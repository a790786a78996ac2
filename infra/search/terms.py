"""Turning free text into search terms, the same way for every backend.

Terms are lowercase runs of letters and digits (``Dragon's Breath`` -> ``dragon``, ``s``,
``breath``), minus single letters and common English function words, which only add noise to a
ranking. Backends stem terms with their own analysers; :func:`stem` is a small, predictable
stemmer for code that compares words itself (the expansion embedding, match reasons).
"""

from __future__ import annotations

import functools
import re
import unicodedata

WORD = re.compile(r"[^\W_]+")

_STOPWORD_TEXT = """
a an and are as at be been but by can could do does for from had has have he her his i if in into
is it its me my of on or our she so than that the their them then there these they this those to
too us was we were what when where which who whom why will with would you your
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

MAX_TERM_LENGTH = 40
# Plurals in -ves whose singular ends in -f or -fe (others, like "waves", just drop the "s").
IRREGULAR_PLURALS = {
    "elves": "elf",
    "dwarves": "dwarf",
    "thieves": "thief",
    "wolves": "wolf",
    "halves": "half",
    "knives": "knif",
    "leaves": "leaf",
    "staves": "staff",
    "lives": "lif",
    "selves": "self",
    "shelves": "shelf",
    "wives": "wif",
    "scarves": "scarf",
    "hooves": "hoof",
}


def fold(text: str) -> str:
    """Lowercase without diacritics: ``Élan`` -> ``elan``."""
    if text.isascii():  # the common case, and much faster
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """Every word of ``text``, folded, stopwords included (for matching inside documents)."""
    return WORD.findall(fold(text))


def terms(text: str) -> list[str]:
    """The words of a query worth searching for, in order, without repeats."""
    seen: dict[str, None] = {}
    for word in words(text):
        if len(word) < 2 and not word.isdigit():
            continue
        if word in STOPWORDS or len(word) > MAX_TERM_LENGTH:
            continue
        seen.setdefault(word, None)
    return list(seen)


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stripper: ``dragons``/``dragon`` and ``raised``/``raise`` meet.

    Deliberately simpler than a full stemmer: it only has to make the same word forms meet for
    the concept thesaurus, and being predictable matters more than being clever.
    """
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word in IRREGULAR_PLURALS:
        word = IRREGULAR_PLURALS[word]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word
