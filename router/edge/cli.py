"""Command-line flags for the edge features (``python -m router --help`` lists them).

``add_edge_arguments`` adds the flags to the serve parser; ``EdgeSettings.from_args`` turns the
parsed values into what ``create_app`` takes. The rate limit is on by default here (it is off
for embedding code, which chooses for itself); ``--rate-limit 0`` turns it off.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from infra.cache import Cache, create_cache
from router.edge.config import (
    BreakerPolicy,
    CorsPolicy,
    EdgeConfig,
    RateLimitPolicy,
    SecurityHeadersPolicy,
)
from router.edge.cors import OriginRules
from router.limits import Limits


def add_edge_arguments(parser: argparse.ArgumentParser) -> None:
    edge = parser.add_argument_group("edge (CORS, headers, rate limits, cost, breakers, metrics)")
    edge.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                      help="allow browser pages on ORIGIN (scheme://host[:port], :* = any "
                           "port, * = any origin); repeatable. --dev adds localhost")
    edge.add_argument("--cors-allow-credentials", action="store_true",
                      help="let allowed origins send cookies/HTTP auth")
    edge.add_argument("--hsts-max-age", type=int, default=None, metavar="SECONDS",
                      help="send Strict-Transport-Security (only when served over HTTPS)")
    edge.add_argument("--rate-limit", type=int, default=600, metavar="N",
                      help="requests per window per client identity (default 600; 0 = off)")
    edge.add_argument("--rate-limit-window", type=float, default=60.0, metavar="SECONDS",
                      help="rate limit window (default 60)")
    edge.add_argument("--rate-limit-kind", choices=("fixed", "sliding"), default="fixed",
                      help="window kind (default fixed)")
    edge.add_argument("--trusted-proxies", type=int, default=0, metavar="N",
                      help="reverse proxies that append to X-Forwarded-For (default 0)")
    edge.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or None,
                      help="cache shared with the other replicas and the services: rate-limit "
                           "counters, the revocation list of signed-out sessions "
                           "(default $REDIS_URL, else in-process)")
    edge.add_argument("--max-cost", type=int, default=Limits.max_cost, metavar="N",
                      help=f"largest estimated operation cost (default {Limits.max_cost}; "
                           "0 = no limit)")
    edge.add_argument("--default-list-size", type=int, default=Limits.default_list_size,
                      metavar="N", help="what a list without first/last/limit counts "
                                        f"(default {Limits.default_list_size})")
    edge.add_argument("--breaker-failures", type=int, default=BreakerPolicy.failures,
                      metavar="N", help="consecutive failures that open a subgraph's circuit "
                                        f"(default {BreakerPolicy.failures}; 0 = no breakers)")
    edge.add_argument("--breaker-reset", type=float, default=BreakerPolicy.reset,
                      metavar="SECONDS", help="how long a circuit stays open "
                                              f"(default {BreakerPolicy.reset:g})")
    edge.add_argument("--metrics-path", default="/metrics",
                      help="where Prometheus metrics are served (default /metrics; '' = off)")
    edge.add_argument("--passthrough", action="append", default=[], metavar="PREFIX=SUBGRAPH",
                      help="forward GET/HEAD under PREFIX to SUBGRAPH's base URL, e.g. "
                           "/assets=image; repeatable")


def parse_pairs(pairs: list[str], option: str, shape: str) -> dict[str, str]:
    """``KEY=VALUE`` options (repeatable) as a dict; exits naming ``option`` and ``shape``."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key or not value:
            raise SystemExit(f"{option} expects {shape}, got {pair!r}")
        mapping[key] = value
    return mapping


@dataclass(frozen=True)
class EdgeSettings:
    edge: EdgeConfig
    limits: Limits
    passthrough: dict[str, str]
    redis_url: str | None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> EdgeSettings:
        """Build from parsed flags; a bad combination exits with a clear message."""
        try:
            rate_limit = None if args.rate_limit == 0 else RateLimitPolicy(
                requests=args.rate_limit, window=args.rate_limit_window,
                kind=args.rate_limit_kind, trusted_proxies=args.trusted_proxies,
            )
            breaker = None if args.breaker_failures == 0 else BreakerPolicy(
                failures=args.breaker_failures, reset=args.breaker_reset,
            )
            edge = EdgeConfig(
                cors=CorsPolicy(allowed_origins=tuple(args.cors_origin),
                                allow_credentials=args.cors_allow_credentials),
                security_headers=SecurityHeadersPolicy(hsts_max_age=args.hsts_max_age),
                rate_limit=rate_limit,
                breaker=breaker,
                metrics_path=args.metrics_path or None,
            )
            OriginRules(edge.cors)  # reports a malformed --cors-origin now, not at startup
        except ValueError as exc:
            raise SystemExit(f"error: {exc}") from None
        if args.max_cost < 0 or args.default_list_size < 0:
            raise SystemExit("error: --max-cost and --default-list-size cannot be negative")
        limits = Limits(max_cost=args.max_cost or None, default_list_size=args.default_list_size)
        passthrough = parse_pairs(args.passthrough, "--passthrough", "PREFIX=SUBGRAPH")
        return cls(edge=edge, limits=limits, passthrough=passthrough, redis_url=args.redis_url)

    def cache(self) -> Cache:
        """The shared cache: Redis for ``--redis-url``, else in-process."""
        try:
            return create_cache(self.redis_url)
        except ValueError as exc:
            raise SystemExit(f"error: {exc}") from None
