"""Settings for the edge features, with defaults that are safe for a public deployment.

``EdgeConfig`` groups one small policy per feature; ``router.app.create_app`` takes one and the
command line (``python -m router``) builds one from flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

WindowKind = Literal["fixed", "sliding"]


@dataclass(frozen=True)
class CorsPolicy:
    """Which browser origins other than the router's own may call it.

    Origins are ``scheme://host[:port]``; a port of ``*`` matches any port
    (``http://localhost:*``) and the single entry ``*`` matches every origin. Same-origin
    requests are always allowed. A request whose ``Origin`` is not allowed is refused with 403
    (``ORIGIN_NOT_ALLOWED``) rather than run and hidden from the page: deny by default.
    """

    allowed_origins: tuple[str, ...] = ()
    allow_localhost: bool = False  # also http://localhost:* and http://127.0.0.1:* (dev mode)
    # Cookies and HTTP auth are not how the graph authenticates (bearer tokens are), so browsers
    # are not asked to send credentials unless this is set.
    allow_credentials: bool = False
    # traceparent and x-request-id: a browser client may continue its own trace and name its
    # requests (infra.requests); the router echoes the request ID for it to read.
    allowed_headers: tuple[str, ...] = ("accept", "authorization", "content-type", "traceparent",
                                        "x-request-id")
    exposed_headers: tuple[str, ...] = ("retry-after", "x-request-id")
    max_age: int = 600  # seconds a browser may cache a preflight answer

    def __post_init__(self) -> None:
        if self.allow_credentials and "*" in self.allowed_origins:
            raise ValueError("CORS: credentials cannot be allowed for every origin ('*')")


@dataclass(frozen=True)
class SecurityHeadersPolicy:
    # Strict-Transport-Security is only right when clients reach the router over HTTPS (usually
    # through a TLS-terminating proxy); None leaves it out.
    hsts_max_age: int | None = None
    hsts_include_subdomains: bool = False


@dataclass(frozen=True)
class RateLimitPolicy:
    """``requests`` per ``window`` seconds for each client identity.

    The identity is the verified token's subject when a valid bearer token came, else the client
    IP. ``trusted_proxies`` is how many reverse proxies in front of the router append to
    ``X-Forwarded-For``; 0 means the TCP peer is the client.
    """

    requests: int = 600
    window: float = 60.0
    kind: WindowKind = "fixed"
    trusted_proxies: int = 0
    exempt_paths: tuple[str, ...] = ("/health", "/metrics")
    key_prefix: str = "router:rate"  # namespace of the counters in a shared cache

    def __post_init__(self) -> None:
        if self.requests < 1:
            raise ValueError(f"rate limit: requests must be at least 1, got {self.requests}")
        if not self.window > 0:
            raise ValueError(f"rate limit: window must be positive seconds, got {self.window}")
        if self.kind not in ("fixed", "sliding"):
            raise ValueError(f"rate limit: kind must be 'fixed' or 'sliding', got {self.kind!r}")
        if self.trusted_proxies < 0:
            raise ValueError("rate limit: trusted_proxies cannot be negative")


@dataclass(frozen=True)
class BreakerPolicy:
    """Open a subgraph's circuit after ``failures`` consecutive failed calls, for ``reset``
    seconds; then one probe call decides whether it closes again."""

    failures: int = 5
    reset: float = 10.0

    def __post_init__(self) -> None:
        if self.failures < 1:
            raise ValueError(f"circuit breaker: failures must be at least 1, got {self.failures}")
        if not self.reset > 0:
            raise ValueError(f"circuit breaker: reset must be positive seconds, got {self.reset}")


@dataclass(frozen=True)
class EdgeConfig:
    cors: CorsPolicy = field(default_factory=CorsPolicy)
    security_headers: SecurityHeadersPolicy = field(default_factory=SecurityHeadersPolicy)
    # None: no rate limit. Embedding code and benchmarks opt in; the command line turns it on.
    rate_limit: RateLimitPolicy | None = None
    breaker: BreakerPolicy | None = field(default_factory=BreakerPolicy)  # None: no breakers
    metrics_path: str | None = "/metrics"  # None: no metrics page

    def __post_init__(self) -> None:
        if self.metrics_path is not None and not self.metrics_path.startswith("/"):
            raise ValueError(f"metrics path must start with '/', got {self.metrics_path!r}")
