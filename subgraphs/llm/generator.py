"""The text generation port: a request in, a completion with its provenance and tokens out.

A ``TextRequest`` is what the service wants written: the purpose, the messages a model reads,
the purpose's structured ``inputs`` (what the offline templates fill in), and, when the answer is
data rather than prose, the JSON Schema it must match. Whoever answers (a hosted model through
``providers/``, or the offline templates) returns a ``Completion`` saying who it was
(``provider``, ``model``) and which attempts failed before it (``attempts``).

The service layer only sees ``TextGenerator``; ``chain.FallbackGenerator`` is the production one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any, Literal, Protocol

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str

    def as_json(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


class Priority(IntEnum):
    """Lower goes first: a player waiting on a page before a batch of descriptions."""

    INTERACTIVE = 0
    BACKGROUND = 1


@dataclass(frozen=True)
class TextRequest:
    purpose: str
    messages: tuple[Message, ...]
    max_tokens: int
    inputs: Mapping[str, Any] = field(default_factory=dict)
    # Existing catalog content that fits ("Monk (class)"), best first: build on it, do not invent.
    references: Sequence[str] = ()
    schema: Mapping[str, Any] | None = None  # the answer is JSON matching this schema
    temperature: float = 0.7
    priority: Priority = Priority.INTERACTIVE
    # A reason to reject a model's answer text, or None (see ``purposes.base.Purpose.check``).
    check: Callable[[str], str | None] | None = field(default=None, compare=False)

    @property
    def prompt_text(self) -> str:
        return "\n\n".join(message.content for message in self.messages)


class FailureKind(StrEnum):
    """Why an attempt did not produce the answer."""

    TIMEOUT = "TIMEOUT"
    RATE_LIMITED = "RATE_LIMITED"  # 429 from the provider
    SERVER_ERROR = "SERVER_ERROR"  # 5xx, or the connection broke
    INVALID_OUTPUT = "INVALID_OUTPUT"  # not JSON, or not matching the schema
    REFUSED = "REFUSED"  # 4xx other than 429: bad key, unknown model, rejected request
    CIRCUIT_OPEN = "CIRCUIT_OPEN"  # the provider failed too often lately; not even tried
    DEADLINE = "DEADLINE"  # the request's own deadline left no time for this candidate


@dataclass(frozen=True)
class Attempt:
    """One failed try before the answer."""

    provider: str
    model: str
    kind: FailureKind
    message: str

    def as_json(self) -> dict[str, str]:
        return {
            "provider": self.provider,
            "model": self.model,
            "kind": self.kind.value,
            "message": self.message,
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> Attempt:
        return cls(
            str(value["provider"]),
            str(value["model"]),
            FailureKind(value["kind"]),
            str(value["message"]),
        )


@dataclass(frozen=True)
class Completion:
    text: str
    provider: str  # who produced it: "offline", or a hosted provider's name
    model: str  # which model (or template set) inside that provider
    prompt_tokens: int
    completion_tokens: int
    truncated: bool = False  # stopped because it reached max_tokens
    data: Any = None  # the parsed answer when the request had a schema
    attempts: tuple[Attempt, ...] = ()
    cached: bool = False  # served from the cache of identical requests

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class Delta:
    """A piece of streamed prose."""

    text: str


@dataclass(frozen=True)
class Restart:
    """The provider that was streaming failed; what came so far is void, another one takes over."""

    reason: str


StreamEvent = Delta | Restart | Completion  # the last event of a stream is its Completion


class TextGenerationFailed(Exception):
    """No candidate could answer. Safe to show; ``attempts`` says what was tried."""

    def __init__(self, message: str, attempts: Sequence[Attempt] = ()) -> None:
        super().__init__(message)
        self.attempts = tuple(attempts)


class TextGenerator(Protocol):
    async def generate(self, request: TextRequest) -> Completion: ...

    def stream(self, request: TextRequest) -> AsyncIterator[StreamEvent]:
        """Deltas (maybe a Restart and deltas again) and, last, the Completion."""
        ...
