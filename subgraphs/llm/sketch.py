"""The offline sketch: a short outline built from the prompt's own words, no model involved.

It picks the prompt's content words (skipping common English function words) and slots them
into a short outline for the requested purpose; which phrasing variant is used is decided by a
hash of purpose and prompt. So the same input always gives the same text, and nothing needs a
network or a GPU.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

DISCLAIMER = (
    "[Offline draft: assembled from a fixed template and the words of your prompt. "
    "No language model was used; treat it as a starting point.]"
)
MAX_KEYWORDS = 6

# Common English function words (and prompt filler) that carry no idea of their own.
_STOPWORD_TEXT = """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves out
    over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves make want like please
    give write create generate character story"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

HEADINGS = {
    "GENERAL": "Sketch",
    "CHARACTER_CONCEPT": "Character concept",
    "BACKSTORY": "Backstory outline",
    "NPC": "Non-player character",
    "LOCATION": "Location",
    "ITEM": "Item",
}
CORES = [
    "Something built around {a}, with {b} never far behind.",
    "At the centre: {a}. Everything else bends toward {b}.",
    "Start from {a}; let {b} give it a shape.",
]
TENSIONS = [
    "{c} pulls one way, {a} the other.",
    "What if {c} and {b} cannot both be kept?",
    "{c} is the price that was paid for {a}.",
]
HOOKS = [
    "Someone arrives asking about {b}, and they already know about {c}.",
    "A rumour ties {a} to {c}; it is half true.",
    "An old debt involving {b} comes due tonight.",
]
QUESTIONS = [
    "Who else wants {a}, and why now?",
    "What would be lost if {b} were gone tomorrow?",
    "Which part of {c} is a lie?",
]
FALLBACK_WORDS = ["an untold past", "a quiet promise", "a stranger's debt"]
# A word: letters, with inner apostrophes (straight or typographic) or hyphens.
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*", re.UNICODE)


def keywords(prompt: str) -> list[str]:
    """Content words of the prompt, lower-cased, in order of first appearance."""
    seen: list[str] = []
    for word in _WORD.findall(prompt.lower()):
        if len(word) >= 3 and word not in STOPWORDS and word not in seen:
            seen.append(word)
    return seen[:MAX_KEYWORDS]


def _pick(options: list[str], digest: bytes, position: int) -> str:
    return options[digest[position] % len(options)]


def sketch(prompt: str, purpose: str, references: Sequence[str] = ()) -> str:
    words = keywords(prompt)
    # Longer words are more often the nouns that carry the idea; keep them in prompt order.
    longest = sorted(sorted(words, key=len, reverse=True)[:3], key=words.index)
    a, b, c = (longest + FALLBACK_WORDS)[:3]
    digest = hashlib.sha256(f"{purpose}\x00{prompt}".encode()).digest()

    def fill(options: list[str], position: int) -> str:
        line = _pick(options, digest, position).format(a=a, b=b, c=c)
        return line[0].upper() + line[1:]

    heading = HEADINGS.get(purpose, HEADINGS["GENERAL"])
    title = " ".join(word.capitalize() for word in (words or ["Untitled"])[:3])
    return "\n".join(
        [
            DISCLAIMER,
            "",
            f"{heading}: {title}",
            f"Key words: {', '.join(words) if words else '(none found in the prompt)'}",
            "",
            f"- Core: {fill(CORES, 0)}",
            f"- Tension: {fill(TENSIONS, 1)}",
            f"- Hook: {fill(HOOKS, 2)}",
            f"- Open question: {fill(QUESTIONS, 3)}",
            *([f"- Build on the SRD: {', '.join(references)}"] if references else []),
        ]
    )
