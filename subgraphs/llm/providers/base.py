"""What every provider shares: its interface, its classified error, structured-output checks."""

from __future__ import annotations

import email.utils
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any, Protocol

import orjson
from jsonschema import Draft202012Validator

from subgraphs.llm.generator import Completion, Delta, FailureKind, TextRequest

MAX_RETRY_AFTER_SECONDS = 600.0


class ProviderError(Exception):
    """One call failed; ``kind`` decides whether to retry, fall back or give up."""

    def __init__(self, kind: FailureKind, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.retry_after = retry_after


class TextProvider(Protocol):
    name: str

    async def complete(self, request: TextRequest, model: str, time_limit: float) -> Completion: ...

    def stream(
        self, request: TextRequest, model: str, time_limit: float
    ) -> AsyncIterator[Delta | Completion]: ...

    async def close(self) -> None: ...


def status_error(status: int, message: str, headers: Mapping[str, str]) -> ProviderError:
    """An HTTP error answer as a failure kind: 429 waits (``Retry-After``), 5xx and 408 may pass,
    any other 4xx is a refusal (bad key, unknown model, rejected request)."""
    detail = f"HTTP {status}: {message}"
    if status == 429:
        lowered = {key.lower(): value for key, value in headers.items()}
        return ProviderError(FailureKind.RATE_LIMITED, detail, retry_after_seconds(lowered))
    if status == 408:
        return ProviderError(FailureKind.TIMEOUT, detail)
    if status >= 500:  # Anthropic's 529 "overloaded" included
        return ProviderError(FailureKind.SERVER_ERROR, detail)
    return ProviderError(FailureKind.REFUSED, detail)


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """``Retry-After`` (or ``retry-after-ms``) as seconds: a number or an HTTP date."""
    if not headers:
        return None
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            return min(max(float(milliseconds) / 1000, 0.0), MAX_RETRY_AFTER_SECONDS)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value.strip() else None
        if parsed is None:
            return None
        seconds = parsed.timestamp() - time.time()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)


def parse_structured(text: str, schema: Mapping[str, Any], *, truncated: bool) -> Any:
    """The model's JSON answer, checked against the request's schema."""
    if truncated:
        raise ProviderError(FailureKind.INVALID_OUTPUT, "the answer was cut off at max_tokens")
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise ProviderError(FailureKind.INVALID_OUTPUT, f"the answer is not JSON: {exc}") from None
    problems = sorted(Draft202012Validator(dict(schema)).iter_errors(data), key=str)
    if problems:
        where = "/".join(str(part) for part in problems[0].absolute_path) or "(root)"
        raise ProviderError(
            FailureKind.INVALID_OUTPUT,
            f"the answer does not match the schema at {where}: {problems[0].message}",
        )
    return data
