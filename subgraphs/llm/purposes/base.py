"""A purpose: how a request for one kind of text is worded, checked and answered offline."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from subgraphs.llm.generator import Message, Priority, TextRequest

Inputs = Mapping[str, Any]
# The offline answer: the text, and the data when the purpose answers with data.
OfflineAnswer = tuple[str, Any]

HOUSE_RULES = (
    "You write for a Dungeons & Dragons 5e (2024, SRD 5.2) table. Build on the existing content "
    "you are given before inventing any; never state game numbers you were not given."
)

REVISE = (
    "Revise your last answer: {instruction}. Keep everything that was not asked to change, "
    "and answer in the same form."
)


@dataclass(frozen=True)
class Purpose:
    name: str
    instructions: str  # the system message, after the house rules
    render: Callable[[Inputs], str]  # the user message, from the purpose's inputs
    offline: Callable[[Inputs, Sequence[str]], OfflineAnswer]
    schema: Mapping[str, Any] | None = None  # the answer is JSON of this shape
    max_tokens: int = 400
    temperature: float = 0.8
    # A last look at a model's answer text: a reason to reject it (then the next candidate is
    # asked), or None. E.g. an NPC line that gives away a secret.
    check: Callable[[Inputs, str], str | None] | None = None

    @property
    def streams(self) -> bool:
        """Prose purposes can stream; data purposes answer whole."""
        return self.schema is None

    def request(
        self,
        inputs: Inputs,
        references: Sequence[str] = (),
        *,
        history: Sequence[Message] = (),
        revise: str | None = None,
        priority: Priority = Priority.INTERACTIVE,
    ) -> TextRequest:
        """``history`` is the thread so far (the first ask, answers, earlier revisions);
        ``revise`` the player's newest instruction, which then is the last message."""
        system = f"{HOUSE_RULES}\n\n{self.instructions}"
        if references:
            system += "\n\nExisting catalog content that fits (reuse it): " + ", ".join(references)
        return TextRequest(
            purpose=self.name,
            messages=(
                Message("system", system),
                *(history or [Message("user", self.render(inputs))]),
                *([Message("user", REVISE.format(instruction=revise))] if revise else []),
            ),
            max_tokens=self.max_tokens,
            inputs=inputs,
            references=tuple(references),
            schema=self.schema,
            temperature=self.temperature,
            priority=priority,
            check=None if self.check is None else partial(self.check, inputs),
        )


def strict_object(properties: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON Schema object as strict structured output wants it: all fields required, no others."""
    return {
        "type": "object",
        "properties": dict(properties),
        "required": list(properties),
        "additionalProperties": False,
    }


def text_list(min_items: int, max_items: int) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {"type": "string", "minLength": 1},
        "minItems": min_items,
        "maxItems": max_items,
    }
