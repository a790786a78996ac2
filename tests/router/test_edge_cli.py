"""Command-line flags for the edge features."""

from __future__ import annotations

import pytest

from infra.cache import RedisCache
from router.__main__ import _serve_parser
from router.edge.cli import EdgeSettings
from router.edge.config import BreakerPolicy, RateLimitPolicy


def settings(*flags: str) -> EdgeSettings:
    return EdgeSettings.from_args(_serve_parser().parse_args(["--supergraph", "s.graphql", *flags]))


def test_defaults_are_safe_for_a_public_deployment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    defaults = settings()
    assert defaults.edge.rate_limit == RateLimitPolicy()  # on, 600 per minute
    assert defaults.edge.breaker == BreakerPolicy()
    assert defaults.edge.cors.allowed_origins == ()
    assert defaults.edge.security_headers.hsts_max_age is None
    assert defaults.edge.metrics_path == "/metrics"
    assert defaults.limits.max_cost == 50_000
    assert defaults.passthrough == {}
    assert defaults.redis_url is None


def test_every_flag_reaches_the_configuration() -> None:
    chosen = settings(
        "--cors-origin", "https://app.example", "--cors-origin", "http://localhost:*",
        "--cors-allow-credentials", "--hsts-max-age", "600",
        "--rate-limit", "10", "--rate-limit-window", "5", "--rate-limit-kind", "sliding",
        "--trusted-proxies", "1", "--redis-url", "redis://127.0.0.1:6379/3",
        "--max-cost", "900", "--default-list-size", "25",
        "--breaker-failures", "3", "--breaker-reset", "2.5", "--metrics-path", "",
        "--passthrough", "/assets=image", "--passthrough", "/files=storage",
    )
    edge = chosen.edge
    assert edge.cors.allowed_origins == ("https://app.example", "http://localhost:*")
    assert edge.cors.allow_credentials
    assert edge.security_headers.hsts_max_age == 600
    assert edge.rate_limit == RateLimitPolicy(requests=10, window=5, kind="sliding",
                                              trusted_proxies=1)
    assert edge.breaker == BreakerPolicy(failures=3, reset=2.5)
    assert edge.metrics_path is None
    assert (chosen.limits.max_cost, chosen.limits.default_list_size) == (900, 25)
    assert chosen.passthrough == {"/assets": "image", "/files": "storage"}
    assert chosen.redis_url == "redis://127.0.0.1:6379/3"


def test_zero_turns_features_off_and_redis_url_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/5")
    off = settings("--rate-limit", "0", "--breaker-failures", "0", "--max-cost", "0")
    assert off.edge.rate_limit is None
    # The cache also holds the revocation list, so it is there with the rate limit off.
    assert isinstance(off.cache(), RedisCache)
    assert off.edge.breaker is None
    assert off.limits.max_cost is None
    assert off.redis_url == "redis://127.0.0.1:6379/5"


@pytest.mark.parametrize(("flags", "message"), [
    (["--passthrough", "/assets"], "PREFIX=SUBGRAPH"),
    (["--cors-origin", "app.example"], "CORS origin"),
    (["--rate-limit-window", "0"], "window"),
    (["--breaker-reset", "-1"], "reset"),
    (["--max-cost", "-5"], "negative"),
    (["--metrics-path", "metrics"], "metrics path"),
    (["--redis-url", "memcached://x"], "unsupported cache URL"),
])
def test_bad_flags_exit_with_a_clear_message(flags: list[str], message: str) -> None:
    with pytest.raises(SystemExit, match=message):
        settings(*flags).cache()
