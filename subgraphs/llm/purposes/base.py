"""A purpose: how a request for one kind of text is worded, checked and answered offline."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from subgraphs.llm.generator import Message, Priority, TextRequest

Inputs = Mapping[str, Any]
# The offline answer: the text, and the data when the purpose answers with data.
OfflineAnswer = tuple[str, Any]

HOUSE_RULES = (
    "You write for a Dungeons & Dragons 5e (2024, SRD 5.2) table. Build on the existing content "
    "you are given before inventing any; never state game numbers you were not given."
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
    prose: bool = True  # long prose may stream

    def request(
        self,
        inputs: Inputs,
        references: Sequence[str] = (),
        *,
        history: Sequence[Message] = (),
        priority: Priority = Priority.INTERACTIVE,
    ) -> TextRequest:
        system = f"{HOUSE_RULES}\n\n{self.instructions}"
        if references:
            system += "\n\nExisting catalog content that fits (reuse it): " + ", ".join(references)
        return TextRequest(
            purpose=self.name,
            messages=(
                Message("system", system),
                *history,
                Message("user", self.render(inputs)),
            ),
            max_tokens=self.max_tokens,
            inputs=inputs,
            references=tuple(references),
            schema=self.schema,
            temperature=self.temperature,
            priority=priority,
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
