"""OpenAI, or any server speaking its chat completions API (``LLM_BASE_URL``), through the
official ``openai`` package's async client.

Data comes back as JSON Schema structured output (``response_format: json_schema``, strict);
prose can stream (``stream: true`` with usage in the last chunk). The client's own retries are
off: the chain retries, falls back and keeps the breakers, so each failure is seen once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import openai

from subgraphs.llm.generator import Completion, Delta, FailureKind, TextRequest
from subgraphs.llm.providers.base import ProviderError, parse_structured, status_error
from subgraphs.llm.tokens import count_tokens

# A local server (vLLM, llama.cpp, a gateway) often wants no key; the client insists on one.
NO_KEY = "no-key-configured"


def classify(exc: openai.OpenAIError) -> ProviderError:
    """The client's exception as a failure kind the chain understands."""
    if isinstance(exc, openai.APITimeoutError):
        return ProviderError(FailureKind.TIMEOUT, "the model did not answer in time")
    if isinstance(exc, openai.APIConnectionError):
        return ProviderError(FailureKind.SERVER_ERROR, f"could not reach the model server: {exc}")
    if isinstance(exc, openai.APIStatusError):
        return status_error(exc.status_code, exc.message, exc.response.headers)
    if isinstance(exc, openai.APIResponseValidationError):
        return ProviderError(FailureKind.INVALID_OUTPUT, f"unexpected answer: {exc}")
    return ProviderError(FailureKind.SERVER_ERROR, f"{type(exc).__name__}: {exc}")


class OpenAIProvider:
    """One OpenAI-compatible endpoint; the model is chosen per call."""

    def __init__(self, *, api_key: str | None, base_url: str | None, name: str = "openai") -> None:
        self.name = name
        self.client = openai.AsyncOpenAI(
            api_key=api_key or NO_KEY, base_url=base_url, max_retries=0
        )

    def _arguments(self, request: TextRequest, model: str) -> dict[str, Any]:
        arguments: dict[str, Any] = {
            "model": model,
            "messages": [message.as_json() for message in request.messages],
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
        }
        if request.schema is not None:
            arguments["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": request.purpose.lower(),
                    "schema": dict(request.schema),
                    "strict": True,
                },
            }
        return arguments

    async def complete(self, request: TextRequest, model: str, time_limit: float) -> Completion:
        try:
            response = await self.client.chat.completions.create(
                **self._arguments(request, model), timeout=time_limit
            )
        except openai.OpenAIError as exc:
            raise classify(exc) from None
        if not response.choices:
            raise ProviderError(FailureKind.INVALID_OUTPUT, "the answer had no choices")
        choice = response.choices[0]
        if getattr(choice.message, "refusal", None):
            raise ProviderError(FailureKind.REFUSED, f"the model refused: {choice.message.refusal}")
        text = choice.message.content or ""
        truncated = choice.finish_reason == "length"
        data = None
        if request.schema is not None:
            data = parse_structured(text, request.schema, truncated=truncated)
        usage = response.usage
        return Completion(
            text=text,
            provider=self.name,
            model=response.model or model,
            prompt_tokens=usage.prompt_tokens if usage else count_tokens(request.prompt_text),
            completion_tokens=usage.completion_tokens if usage else count_tokens(text),
            truncated=truncated,
            data=data,
        )

    async def stream(
        self, request: TextRequest, model: str, time_limit: float
    ) -> AsyncIterator[Delta | Completion]:
        try:
            chunks = await self.client.chat.completions.create(
                **self._arguments(request, model),
                stream=True,
                stream_options={"include_usage": True},
                timeout=time_limit,
            )
            parts: list[str] = []
            usage = None
            finish_reason = None
            answered_by = model
            async for chunk in chunks:
                answered_by = chunk.model or answered_by
                if chunk.usage is not None:
                    usage = chunk.usage
                for choice in chunk.choices:
                    if choice.delta.content:
                        parts.append(choice.delta.content)
                        yield Delta(choice.delta.content)
                    finish_reason = choice.finish_reason or finish_reason
        except openai.OpenAIError as exc:
            raise classify(exc) from None
        text = "".join(parts)
        yield Completion(
            text=text,
            provider=self.name,
            model=answered_by,
            prompt_tokens=usage.prompt_tokens if usage else count_tokens(request.prompt_text),
            completion_tokens=usage.completion_tokens if usage else count_tokens(text),
            truncated=finish_reason == "length",
        )

    async def close(self) -> None:
        await self.client.close()
