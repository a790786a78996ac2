"""Retrying with backoff (tenacity), one policy for every loop that talks to a backend.

``forever`` is for background loops (the outbox relay, bus consumers): while the database or the
bus is down they wait longer and longer (exponential, with jitter so replicas do not retry in
step, capped), log one WARNING per attempt without a traceback (an outage must not flood the log
with identical stack traces), and carry on the moment the backend answers. ``a_few_times`` is for
a call a request waits on (fetching the JWKS): a couple of quick retries of transient failures,
then the error goes to the caller.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

MAX_BACKOFF_SECONDS = 30.0


def _not_cancelled(exc: BaseException) -> bool:
    return isinstance(exc, Exception) and not isinstance(exc, asyncio.CancelledError)


def _warn(log: logging.Logger, what: str) -> Callable[[RetryCallState], None]:
    def before_sleep(state: RetryCallState) -> None:
        outcome = state.outcome
        problem = outcome.exception() if outcome is not None else None
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        log.warning("%s failed (attempt %d: %r); retrying in %.1f s",
                    what, state.attempt_number, problem, wait)
    return before_sleep


def forever(log: logging.Logger, what: str, *, initial: float = 0.5,
            maximum: float = MAX_BACKOFF_SECONDS) -> AsyncRetrying:
    """Retry until it works (or the task is cancelled), backing off up to ``maximum``."""
    return AsyncRetrying(
        retry=retry_if_exception(_not_cancelled),
        wait=wait_exponential_jitter(multiplier=initial, max=maximum, jitter=initial),
        before_sleep=_warn(log, what),
        reraise=True,
    )


def a_few_times(log: logging.Logger, what: str, *errors: type[BaseException],
                attempts: int = 3, initial: float = 0.1) -> AsyncRetrying:
    """Up to ``attempts`` tries of a call that fails with one of ``errors`` now and then."""
    return AsyncRetrying(
        retry=retry_if_exception_type(errors),
        stop=stop_after_attempt(attempts),
        wait=wait_exponential_jitter(multiplier=initial, max=1.0, jitter=initial),
        before_sleep=_warn(log, what),
        reraise=True,
    )
