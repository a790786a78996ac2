"""The production text generator: candidates in order, retries, fallback, breakers, deadlines.

Each purpose has a list of candidates (provider and model): the primary model, its fallback,
then maybe another provider. For one request:

* a candidate whose provider's circuit is open is skipped (``CIRCUIT_OPEN``);
* a call waits for a slot of its provider (``gate.PriorityGate``: bounded concurrency,
  interactive requests first);
* timeouts, 429s and 5xx are retried on the same candidate with exponential backoff and jitter
  (``tenacity``), honouring ``Retry-After``; when the wait would be too long or run past the
  request's deadline, or the retries are used up, the next candidate takes over;
* invalid structured output and refusals go straight to the next candidate;
* when every candidate failed, the offline generator answers (if the chain has one), and its
  ``attempts`` lists every failure before it.

Streams fall back the same way; when a provider fails after it started streaming, a
``Restart`` tells the reader to drop what it got so far.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, replace

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception
from tenacity.wait import wait_exponential_jitter

from subgraphs.llm.breaker import CircuitBreaker
from subgraphs.llm.gate import PriorityGate
from subgraphs.llm.generator import (
    Attempt,
    Completion,
    Delta,
    FailureKind,
    Restart,
    StreamEvent,
    TextGenerationFailed,
    TextGenerator,
    TextRequest,
)
from subgraphs.llm.metrics import LlmMetrics
from subgraphs.llm.providers.base import ProviderError, TextProvider

RETRY_SAME_CANDIDATE = frozenset(
    {FailureKind.TIMEOUT, FailureKind.RATE_LIMITED, FailureKind.SERVER_ERROR}
)
# Failures that say the provider is unwell (not that one answer was bad) count for its breaker.
BREAKER_FAILURES = RETRY_SAME_CANDIDATE | {FailureKind.REFUSED}


@dataclass(frozen=True)
class Candidate:
    provider: TextProvider
    model: str

    @property
    def label(self) -> str:
        return f"{self.provider.name}:{self.model}"


@dataclass(frozen=True)
class ChainPolicy:
    attempt_timeout: float = 30.0  # one call
    deadline: float = 90.0  # the whole request, every candidate and wait included
    retries: int = 2  # further tries of one candidate after a retryable failure
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    max_retry_after: float = 10.0  # a longer Retry-After means: try the next candidate now
    breaker_failures: int = 5
    breaker_reset: float = 30.0
    concurrency: int = 8  # calls in flight per provider


class FallbackGenerator:
    """``TextGenerator`` over hosted candidates, ending with the offline generator if given."""

    def __init__(
        self,
        candidates: Callable[[str], Sequence[Candidate]],
        *,
        offline: TextGenerator | None,
        policy: ChainPolicy = ChainPolicy(),
        metrics: LlmMetrics | None = None,
        clock: Callable[[], float] = time.monotonic,
        purposes: Sequence[str] = (),
    ) -> None:
        self.candidates = candidates
        self.purposes = purposes  # every purpose whose candidates ``close`` should close
        self.offline = offline
        self.policy = policy
        self.metrics = metrics
        self.clock = clock
        self.breakers: dict[str, CircuitBreaker] = {}
        self.gates: dict[str, PriorityGate] = {}

    def route(self, purpose: str) -> tuple[str, ...]:
        """Who would be asked for ``purpose``, in order: part of the cache key."""
        tail = ("offline",) if self.offline is not None else ()
        return (*(candidate.label for candidate in self.candidates(purpose)), *tail)

    async def close(self) -> None:
        """Close every provider's client (at shutdown)."""
        providers: dict[str, TextProvider] = {}
        for purpose in self.purposes:
            for candidate in self.candidates(purpose):
                providers.setdefault(candidate.provider.name, candidate.provider)
        for provider in providers.values():
            await provider.close()

    def _breaker(self, provider: str) -> CircuitBreaker:
        if provider not in self.breakers:
            policy = self.policy
            self.breakers[provider] = CircuitBreaker(
                policy.breaker_failures, policy.breaker_reset, self.clock
            )
        return self.breakers[provider]

    def _gate(self, provider: str) -> PriorityGate:
        if provider not in self.gates:
            self.gates[provider] = PriorityGate(self.policy.concurrency)
        return self.gates[provider]

    def _record(
        self, attempts: list[Attempt], request: TextRequest, candidate: Candidate, e: ProviderError
    ) -> None:
        attempts.append(Attempt(candidate.provider.name, candidate.model, e.kind, str(e)))
        breaker = self._breaker(candidate.provider.name)
        if e.kind in BREAKER_FAILURES:
            breaker.failed()
        else:
            breaker.succeeded()  # it answered; the answer was the problem
        if self.metrics is not None:
            self.metrics.failures.labels(request.purpose, candidate.provider.name, e.kind).inc()

    async def _call_once(
        self, candidate: Candidate, request: TextRequest, deadline: float
    ) -> Completion:
        remaining = deadline - self.clock()
        if remaining <= 0:
            raise ProviderError(FailureKind.DEADLINE, "the request's deadline has passed")
        timeout = min(self.policy.attempt_timeout, remaining)
        try:
            # The client has its own timeout; this one also covers waiting for a slot.
            async with asyncio.timeout(timeout + 0.5):
                async with self._gate(candidate.provider.name).slot(request.priority):
                    completion = await candidate.provider.complete(
                        request, candidate.model, timeout
                    )
        except TimeoutError:
            raise ProviderError(FailureKind.TIMEOUT, f"no answer within {timeout:.1f} s") from None
        checked(request, completion)
        return completion

    def _wait(self, deadline: float) -> Callable[[RetryCallState], float]:
        backoff = wait_exponential_jitter(
            multiplier=self.policy.backoff_initial, max=self.policy.backoff_max
        )

        def wait(state: RetryCallState) -> float:
            failure = state.outcome.exception() if state.outcome else None
            if isinstance(failure, ProviderError) and failure.retry_after is not None:
                return failure.retry_after
            return float(backoff(state))

        return wait

    async def _try_candidate(
        self,
        candidate: Candidate,
        request: TextRequest,
        deadline: float,
        attempts: list[Attempt],
    ) -> Completion | None:
        wait = self._wait(deadline)
        policy = self.policy

        def stop(state: RetryCallState) -> bool:
            if state.attempt_number > policy.retries:
                return True
            pause = wait(state)
            return pause > policy.max_retry_after or self.clock() + pause >= deadline

        def retryable(exc: BaseException) -> bool:
            if not isinstance(exc, ProviderError):
                return False
            self._record(attempts, request, candidate, exc)
            return exc.kind in RETRY_SAME_CANDIDATE

        retrying = AsyncRetrying(
            stop=stop, wait=wait, retry=retry_if_exception(retryable), reraise=True
        )
        try:
            async for attempt in retrying:
                with attempt:
                    if not self._breaker(candidate.provider.name).allow():
                        attempts.append(
                            Attempt(
                                candidate.provider.name,
                                candidate.model,
                                FailureKind.CIRCUIT_OPEN,
                                "the provider failed repeatedly; skipped for now",
                            )
                        )
                        return None
                    completion = await self._call_once(candidate, request, deadline)
                    self._breaker(candidate.provider.name).succeeded()
                    return completion
        except ProviderError:
            return None  # recorded by ``retryable``; the next candidate takes over
        except asyncio.CancelledError:
            self._breaker(candidate.provider.name).abandoned()
            raise
        return None

    async def generate(self, request: TextRequest) -> Completion:
        deadline = self.clock() + self.policy.deadline
        attempts: list[Attempt] = []
        for candidate in self.candidates(request.purpose):
            completion = await self._try_candidate(candidate, request, deadline, attempts)
            if completion is not None:
                return self._answered(request, completion, attempts)
        return self._answered(
            request, await self._last_resort(request, attempts).generate(request), attempts
        )

    def _last_resort(self, request: TextRequest, attempts: list[Attempt]) -> TextGenerator:
        if self.offline is None:
            raise TextGenerationFailed(
                "no model could answer: "
                + "; ".join(f"{a.provider}:{a.model} {a.kind.value}" for a in attempts),
                attempts,
            )
        return self.offline

    def _answered(
        self, request: TextRequest, completion: Completion, attempts: list[Attempt]
    ) -> Completion:
        if attempts and self.metrics is not None:
            self.metrics.fallbacks.labels(request.purpose, completion.provider).inc()
        return replace(completion, attempts=tuple(attempts))

    async def stream(self, request: TextRequest) -> AsyncIterator[StreamEvent]:
        deadline = self.clock() + self.policy.deadline
        attempts: list[Attempt] = []
        for candidate in self.candidates(request.purpose):
            breaker = self._breaker(candidate.provider.name)
            if not breaker.allow():
                attempts.append(
                    Attempt(
                        candidate.provider.name,
                        candidate.model,
                        FailureKind.CIRCUIT_OPEN,
                        "the provider failed repeatedly; skipped for now",
                    )
                )
                continue
            started = False
            try:
                async for event in self._stream_once(candidate, request, deadline):
                    if isinstance(event, Completion):
                        checked(request, event)
                        breaker.succeeded()
                        yield self._answered(request, event, attempts)
                        return
                    started = True
                    yield event
            except ProviderError as exc:
                self._record(attempts, request, candidate, exc)
                if started:
                    yield Restart(f"{candidate.label} failed while streaming: {exc}")
        async for last in self._last_resort(request, attempts).stream(request):
            yield self._answered(request, last, attempts) if isinstance(last, Completion) else last

    async def _stream_once(
        self, candidate: Candidate, request: TextRequest, deadline: float
    ) -> AsyncIterator[Delta | Completion]:
        remaining = deadline - self.clock()
        if remaining <= 0:
            raise ProviderError(FailureKind.DEADLINE, "the request's deadline has passed")
        timeout = min(self.policy.attempt_timeout, remaining)
        try:
            async with asyncio.timeout(remaining):
                async with self._gate(candidate.provider.name).slot(request.priority):
                    async for event in candidate.provider.stream(request, candidate.model, timeout):
                        yield event
        except TimeoutError:
            raise ProviderError(FailureKind.TIMEOUT, "the stream ran past the deadline") from None


def checked(request: TextRequest, completion: Completion) -> None:
    """The purpose's last look at an answer (``TextRequest.check``)."""
    problem = request.check(completion.text) if request.check is not None else None
    if problem is not None:
        raise ProviderError(FailureKind.INVALID_OUTPUT, problem)
