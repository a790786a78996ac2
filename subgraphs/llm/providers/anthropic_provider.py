"""Anthropic's messages API through the official ``anthropic`` package (an optional extra).

Structured output is a forced tool call whose ``input_schema`` is the purpose's schema; prose
streams as ``content_block_delta`` events. Like the OpenAI provider, the client does not retry.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import anthropic
import orjson

from subgraphs.llm.generator import Completion, Delta, FailureKind, TextRequest
from subgraphs.llm.providers.base import ProviderError, parse_structured, status_error

TOOL = "answer"


def classify(exc: anthropic.AnthropicError) -> ProviderError:
    if isinstance(exc, anthropic.APITimeoutError):
        return ProviderError(FailureKind.TIMEOUT, "the model did not answer in time")
    if isinstance(exc, anthropic.APIConnectionError):
        return ProviderError(FailureKind.SERVER_ERROR, f"could not reach the model server: {exc}")
    if isinstance(exc, anthropic.APIStatusError):
        return status_error(exc.status_code, exc.message, exc.response.headers)
    return ProviderError(FailureKind.SERVER_ERROR, f"{type(exc).__name__}: {exc}")


class AnthropicProvider:
    def __init__(self, *, api_key: str | None, base_url: str | None, name: str = "anthropic"):
        self.name = name
        self.client = anthropic.AsyncAnthropic(api_key=api_key, base_url=base_url, max_retries=0)

    def _arguments(self, request: TextRequest, model: str) -> dict[str, Any]:
        system = "\n\n".join(m.content for m in request.messages if m.role == "system")
        arguments: dict[str, Any] = {
            "model": model,
            "max_tokens": request.max_tokens,
            "system": system,
            "messages": [m.as_json() for m in request.messages if m.role != "system"],
        }
        if request.schema is not None:
            arguments["tools"] = [
                {
                    "name": TOOL,
                    "description": "Give the answer in this shape.",
                    "input_schema": dict(request.schema),
                }
            ]
            arguments["tool_choice"] = {"type": "tool", "name": TOOL}
        return arguments

    async def complete(self, request: TextRequest, model: str, time_limit: float) -> Completion:
        try:
            message = await self.client.messages.create(
                **self._arguments(request, model), timeout=time_limit
            )
        except anthropic.AnthropicError as exc:
            raise classify(exc) from None
        truncated = message.stop_reason == "max_tokens"
        data = None
        if request.schema is not None:
            calls = [block for block in message.content if block.type == "tool_use"]
            if not calls:
                raise ProviderError(FailureKind.INVALID_OUTPUT, "the model gave no tool call")
            text = orjson.dumps(calls[0].input).decode()
            data = parse_structured(text, request.schema, truncated=truncated)
        else:
            text = "".join(block.text for block in message.content if block.type == "text")
        return Completion(
            text=text,
            provider=self.name,
            model=message.model or model,
            prompt_tokens=message.usage.input_tokens,
            completion_tokens=message.usage.output_tokens,
            truncated=truncated,
            data=data,
        )

    async def stream(
        self, request: TextRequest, model: str, time_limit: float
    ) -> AsyncIterator[Delta | Completion]:
        parts: list[str] = []
        try:
            async with self.client.messages.stream(
                **self._arguments(request, model), timeout=time_limit
            ) as events:
                async for text in events.text_stream:
                    parts.append(text)
                    yield Delta(text)
                final = await events.get_final_message()
        except anthropic.AnthropicError as exc:
            raise classify(exc) from None
        yield Completion(
            text="".join(parts),
            provider=self.name,
            model=final.model or model,
            prompt_tokens=final.usage.input_tokens,
            completion_tokens=final.usage.output_tokens,
            truncated=final.stop_reason == "max_tokens",
        )

    async def close(self) -> None:
        await self.client.close()
