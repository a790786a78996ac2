"""Rate limits per client identity, counted in the cache port so every replica shares them.

Identity: the subject of a valid bearer token (so a user keeps one budget across addresses),
otherwise the client IP. An unverifiable token does not choose the bucket: it counts against the
IP, so inventing subjects does not buy fresh budgets.

Two windows, both built on the port's atomic ``incr`` with expiry (one round trip, or two):

* ``fixed`` — one counter per identity per window (``floor(now / window)``). Simple and exact,
  but a client may send up to twice the limit across a window boundary.
* ``sliding`` — the fixed counters of this and the previous window, the previous one weighted by
  how much of it still lies inside the sliding window. No boundary burst; an estimate that
  assumes the previous window's requests were spread evenly.

Refused requests count too, so a client that keeps hammering stays refused. When the cache
fails (Redis down) requests are let through and the failure is logged: the rate limit protects
availability, it must not take the graph down with it.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from auth.tokens import InvalidToken, TokenVerifier, bearer_token
from infra.cache import Cache
from router.edge.config import RateLimitPolicy
from router.edge.responses import edge_error

RATE_LIMITED = "RATE_LIMITED"

log = logging.getLogger("router.rate_limit")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int  # whole seconds until a request would be allowed again (0 when allowed)


class RateLimiter:
    """Counts requests per identity in ``cache``; ``clock`` is wall-clock seconds (injectable)."""

    def __init__(
        self, cache: Cache, policy: RateLimitPolicy, *, clock: Callable[[], float] = time.time,
    ) -> None:
        self.cache = cache
        self.policy = policy
        self.clock = clock

    def _key(self, identity: str, window_index: int) -> str:
        return f"{self.policy.key_prefix}:{identity}:{window_index}"

    async def hit(self, identity: str) -> Decision:
        """Count one request by ``identity`` and say whether it may proceed."""
        now = self.clock()
        window = self.policy.window
        index = math.floor(now / window)
        elapsed = now - index * window
        try:
            if self.policy.kind == "fixed":
                count = await self.cache.incr(self._key(identity, index), ttl=window)
                return self._fixed(count, elapsed)
            # the current counter must outlive its window: it is the next window's "previous"
            count = await self.cache.incr(self._key(identity, index), ttl=2 * window)
            previous_raw = await self.cache.get(self._key(identity, index - 1))
            previous = int(previous_raw) if previous_raw is not None else 0
            return self._sliding(count, previous, elapsed)
        except Exception:  # any cache failure: fail open (see the module docstring)
            log.warning("rate limit cache unavailable; letting the request through",
                        exc_info=True)
            return Decision(True, 0)

    def _fixed(self, count: int, elapsed: float) -> Decision:
        if count <= self.policy.requests:
            return Decision(True, 0)
        return Decision(False, _whole_seconds(self.policy.window - elapsed))

    def _sliding(self, count: int, previous: int, elapsed: float) -> Decision:
        window, limit = self.policy.window, self.policy.requests
        estimate = previous * (1 - elapsed / window) + count
        if estimate <= limit:
            return Decision(True, 0)
        # When will one more request fit, if none arrive meanwhile? First try later in this
        # window, as the previous window's weight fades ...
        if count + 1 <= limit and previous > 0:
            wait = window * (1 - (limit - count - 1) / previous) - elapsed
            if elapsed + wait < window:
                return Decision(False, _whole_seconds(wait))
        # ... else in the next window, where this window's count becomes the fading one.
        into_next = window * (1 - (limit - 1) / count) if count > 0 else 0.0
        return Decision(False, _whole_seconds(window - elapsed + max(0.0, into_next)))


def _whole_seconds(seconds: float) -> int:
    return max(1, math.ceil(seconds))


class ClientIdentity:
    """Who a request counts against: ``sub:<subject>`` or ``ip:<address>``."""

    def __init__(self, verifier: TokenVerifier | None, trusted_proxies: int = 0) -> None:
        self.verifier = verifier
        self.trusted_proxies = trusted_proxies

    async def of(self, scope: Scope) -> str:
        headers = Headers(scope=scope)
        subject = await self._subject(headers.get("authorization"))
        if subject is not None:
            return f"sub:{subject}"
        return f"ip:{self._client_ip(scope, headers)}"

    async def _subject(self, authorization: str | None) -> str | None:
        # Without a verifier the router cannot tell a real subject from an invented one.
        if authorization is None or self.verifier is None:
            return None
        try:
            token = bearer_token(authorization)
            if token is None:
                return None
            return (await self.verifier.verify(token)).subject
        except InvalidToken:
            return None  # the endpoint refuses the token itself; the IP pays for the attempt

    def _client_ip(self, scope: Scope, headers: Headers) -> str:
        if self.trusted_proxies > 0:
            hops = [h.strip() for h in headers.get("x-forwarded-for", "").split(",") if h.strip()]
            if hops:
                # Each trusted proxy appended the address it saw; the one our outermost proxy
                # saw is the client. Entries left of it were sent by the client: untrusted.
                return hops[max(0, len(hops) - self.trusted_proxies)]
        client = scope.get("client")
        return str(client[0]) if client else "unknown"


class RateLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        limiter: RateLimiter,
        identity: ClientIdentity,
        *,
        on_limited: Callable[[], None] | None = None,  # e.g. a metrics counter
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.identity = identity
        self.on_limited = on_limited
        self.exempt = limiter.policy.exempt_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "OPTIONS" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        decision = await self.limiter.hit(await self.identity.of(scope))
        if decision.allowed:
            await self.app(scope, receive, send)
            return
        if self.on_limited is not None:
            self.on_limited()
        policy = self.limiter.policy
        refusal = edge_error(
            429,
            f"too many requests: the limit is {policy.requests} per {policy.window:g} seconds; "
            f"retry in {decision.retry_after} seconds",
            RATE_LIMITED,
            headers={"retry-after": str(decision.retry_after)},
            extensions={"retryAfter": decision.retry_after},
        )
        await refusal(scope, receive, send)
