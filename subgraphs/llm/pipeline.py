"""Every generation goes through here: rate limit and quota first, then the cache of identical
requests, then the generator; metrics on the way out.

``Generating`` holds the ports a generation needs; the use cases in ``services.py`` decide
what to ask and what to keep.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

from graphql import GraphQLError

from infra.db.unit_of_work import UnitOfWork
from subgraphs.llm import usage
from subgraphs.llm.catalog import CatalogLookup
from subgraphs.llm.generator import (
    Completion,
    Delta,
    StreamEvent,
    TextGenerationFailed,
    TextGenerator,
    TextRequest,
)
from subgraphs.llm.limits import RateLimited, RateLimiter
from subgraphs.llm.metrics import LlmMetrics
from subgraphs.llm.response_cache import ResponseCache, request_key
from subgraphs.llm.streams import Streams


class QuotaExceeded(Exception):
    def __init__(self, used: int, quota: int) -> None:
        super().__init__(
            f"Today's generation quota is used up ({used} of {quota} tokens); "
            f"it resets at {usage.next_midnight().isoformat()}."
        )
        self.used, self.quota = used, quota

    def as_graphql(self) -> GraphQLError:
        return GraphQLError(
            str(self),
            extensions={
                "code": "QUOTA_EXCEEDED",
                "usedTokens": self.used,
                "quotaTokens": self.quota,
                "resetsAt": usage.next_midnight().isoformat(),
            },
        )


@dataclass
class Generating:
    generator: TextGenerator
    catalog: CatalogLookup
    answers: ResponseCache
    limiter: RateLimiter
    daily_token_quota: int  # 0 = unlimited
    metrics: LlmMetrics
    streams: Streams

    def route(self, purpose: str) -> tuple[str, ...]:
        route = getattr(self.generator, "route", None)
        return tuple(route(purpose)) if route else (type(self.generator).__name__,)

    async def admit(self, uow: UnitOfWork, owner_id: uuid.UUID, purpose: str) -> None:
        """Refuse before any model is called: too many requests this minute, or quota used up."""
        try:
            await self.limiter.admit(owner_id, "text")
        except RateLimited:
            self.metrics.requests.labels(purpose, "none", "rate_limited").inc()
            raise
        if self.daily_token_quota <= 0:
            return
        async with uow:
            used = await usage.tokens_on(uow.session, owner_id, usage.today())
        if used >= self.daily_token_quota:
            self.metrics.requests.labels(purpose, "none", "quota_exceeded").inc()
            raise QuotaExceeded(used, self.daily_token_quota)

    def _key(self, request: TextRequest) -> str:
        return request_key(self.answers.prefix, self.route(request.purpose), request)

    def _observe(self, request: TextRequest, completion: Completion, started: float) -> None:
        outcome = "cached" if completion.cached else "ok"
        self.metrics.requests.labels(request.purpose, completion.provider, outcome).inc()
        self.metrics.latency.labels(request.purpose, completion.provider).observe(
            time.perf_counter() - started
        )
        if not completion.cached:
            tokens = self.metrics.tokens
            tokens.labels(request.purpose, completion.provider, "prompt").inc(
                completion.prompt_tokens
            )
            tokens.labels(request.purpose, completion.provider, "completion").inc(
                completion.completion_tokens
            )

    async def _cached(self, key: str) -> Completion | None:
        found = await self.answers.get(key)
        self.metrics.cache.labels("hit" if found else "miss").inc()
        return found

    async def complete(self, request: TextRequest) -> Completion:
        started = time.perf_counter()
        key = self._key(request)
        completion = await self._cached(key)
        if completion is None:
            try:
                completion = await self.generator.generate(request)
            except TextGenerationFailed:
                self.metrics.requests.labels(request.purpose, "none", "failed").inc()
                raise
            await self.answers.put(key, completion)
        self._observe(request, completion, started)
        return completion

    async def stream(self, request: TextRequest) -> AsyncIterator[StreamEvent]:
        started = time.perf_counter()
        key = self._key(request)
        cached = await self._cached(key)
        if cached is not None:
            self._observe(request, cached, started)
            yield Delta(cached.text)
            yield cached
            return
        try:
            async for event in self.generator.stream(request):
                if isinstance(event, Completion):
                    await self.answers.put(key, event)
                    self._observe(request, event, started)
                yield event
        except TextGenerationFailed:
            self.metrics.requests.labels(request.purpose, "none", "failed").inc()
            raise


def spent(completion: Completion) -> usage.Spent:
    """What a completion costs the user: nothing when it came from the cache."""
    if completion.cached:
        return usage.Spent(1, 0, 0)
    return usage.Spent(1, completion.prompt_tokens, completion.completion_tokens)
