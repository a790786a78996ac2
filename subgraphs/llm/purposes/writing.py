"""Small deterministic writing helpers the offline templates share."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from subgraphs.llm.sketch import keywords

OFFLINE_NOTE = "[Offline draft: written from a template, no language model was used.]"


def choose(options: Sequence[str], *seed: object, position: int = 0) -> str:
    """One of ``options``, the same every time for the same seed."""
    digest = hashlib.sha256("\x00".join(map(str, seed)).encode()).digest()
    return options[digest[position % len(digest)] % len(options)]


def sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def words_of(text: str, fallback: Sequence[str]) -> list[str]:
    found = keywords(text)
    return found + [word for word in fallback if word not in found]


def refinement_lines(refinements: Sequence[str]) -> list[str]:
    """How an offline answer honours "make her more tragic": it says what it was asked to change."""
    return [f"Revised: {sentence(instruction)}" for instruction in refinements]
