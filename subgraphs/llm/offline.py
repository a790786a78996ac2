"""The embedded text generator: each purpose's offline template, no model involved.

Nothing needs a network or a GPU, the same request always gives the same answer, and every
answer says it was not written by a model: its provider is ``offline``, and its text starts with
a disclaimer (``sketch.DISCLAIMER`` or the purpose's own note).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from subgraphs.llm.generator import Completion, Delta, StreamEvent, TextRequest
from subgraphs.llm.purposes import PURPOSES
from subgraphs.llm.tokens import count_tokens, cut_after

PROVIDER = "offline"
MODEL = "templates-v2"
STREAM_WORDS = 8  # words per streamed piece


class OfflineTextGenerator:
    """``TextGenerator`` that needs nothing installed or online, and says so in its output."""

    async def generate(self, request: TextRequest) -> Completion:
        text, data = PURPOSES[request.purpose].offline(request.inputs, request.references)
        truncated = False
        if data is None:  # data answers are whole or nothing; prose stops at the limit
            text, truncated = cut_after(text, request.max_tokens)
        said = " ".join(m.content for m in request.messages if m.role == "user")
        return Completion(
            text=text,
            provider=PROVIDER,
            model=MODEL,
            prompt_tokens=count_tokens(said),
            completion_tokens=count_tokens(text),
            truncated=truncated,
            data=data,
        )

    async def stream(self, request: TextRequest) -> AsyncIterator[StreamEvent]:
        completion = await self.generate(request)
        words = completion.text.split(" ")
        for start in range(0, len(words), STREAM_WORDS):
            piece = " ".join(words[start : start + STREAM_WORDS])
            yield Delta(piece if start == 0 else " " + piece)
        yield completion
