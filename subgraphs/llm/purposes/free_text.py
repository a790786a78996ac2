"""Free text from a prompt (``generate``): a sketch of a concept, backstory, NPC, place or item."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from subgraphs.llm.purposes.base import Inputs, OfflineAnswer, Purpose
from subgraphs.llm.sketch import sketch

INSTRUCTIONS = {
    "GENERAL": "Write what the player asks for.",
    "CHARACTER_CONCEPT": "Sketch a character concept: who they are, what drives them, a hook.",
    "BACKSTORY": "Write a short backstory: origin, a turning point, what they want now.",
    "NPC": "Describe a non-player character: look, manner, want, secret.",
    "LOCATION": "Describe a place: what one sees, hears and smells, and what is wrong here.",
    "ITEM": "Describe an object, magical or not: look, history, a quirk.",
}


def _prompt(inputs: Inputs) -> str:
    return str(inputs["prompt"])


def _offline_for(purpose: str) -> Callable[[Inputs, Sequence[str]], OfflineAnswer]:
    def offline(inputs: Inputs, references: Sequence[str]) -> OfflineAnswer:
        return sketch(_prompt(inputs), purpose, references), None

    return offline


FREE_TEXT = tuple(
    Purpose(name, instructions, _prompt, _offline_for(name))
    for name, instructions in INSTRUCTIONS.items()
)
