"""The text generation port: a prompt in, a completion with its token accounting out.

The embedded default is the offline generator (``offline.py``); a hosted model provider plugs in
by implementing ``TextGenerator``. The service layer only sees this interface.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Completion:
    text: str
    provider: str  # who produced it: "offline", or a hosted provider's name
    model: str  # which model (or template set) inside that provider
    prompt_tokens: int
    completion_tokens: int
    truncated: bool = False  # stopped because it reached max_tokens


class TextGenerationFailed(Exception):
    """The generator could not answer (provider down, refused, timed out). Safe to show."""


class TextGenerator(Protocol):
    async def generate(
        self,
        prompt: str,
        *,
        max_tokens: int,
        purpose: str = "GENERAL",
        references: Sequence[str] = (),
    ) -> Completion:
        """``references``: existing catalog content that fits the prompt ("Monk (class)"),
        best first, for the text to build on rather than invent (reuse first)."""
        ...
