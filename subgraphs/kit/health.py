"""Readiness: can this service do its job right now? Asked check by check, answered honestly.

``GET /health`` runs every check of the service and answers 200 only when all say "ok"; else
503 with each check's answer, so the router's aggregated health and an orchestrator's readiness
probe see *why* (``{"database": "ok", "catalog": "empty: ..."}``). Every service checks its
database and every port of its runtime that can be pinged (the event bus, a cache: Redis in
production, where a dead connection means lost events or unverifiable tokens). Services add
checks of their own: the catalog is not ready while it holds no SRD content.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from infra.db.engine import ping
from subgraphs.kit.runtime import Runtime

log = logging.getLogger("dndcreator.health")

# A check answers None when all is well, or a short reason why not; raising counts as "not".
Check = Callable[[], Awaitable[str | None]]
# A check a service adds, asked with its runtime (``create_app(readiness=...)``).
ReadinessCheck = Callable[[Runtime], Awaitable[str | None]]

CHECK_TIMEOUT_SECONDS = 2.0
OK = "ok"


async def _answer(name: str, check: Check) -> tuple[str, str]:
    try:
        problem = await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        problem = f"no answer within {CHECK_TIMEOUT_SECONDS:g} s"
    except Exception as exc:  # whatever failed, the service is not ready; the log says more
        log.warning("health check %s failed: %r", name, exc)
        problem = f"unreachable ({exc.__class__.__name__})"
    return name, problem or OK


async def run_checks(checks: Mapping[str, Check]) -> dict[str, str]:
    """Every check's answer ("ok" or why not), run concurrently, each within its timeout."""
    answers = await asyncio.gather(*(_answer(name, check) for name, check in checks.items()))
    return dict(answers)


def _pinger(port: Any) -> Check:
    async def check() -> None:
        await port.ping()

    return check


def runtime_checks(runtime: Runtime) -> dict[str, Check]:
    """The database, then every port of ``runtime`` that offers ``ping`` (bus, caches)."""

    async def database() -> None:
        await ping(runtime.engine)

    checks: dict[str, Check] = {"database": database}
    seen: set[int] = set()
    for name, port in runtime.ports.items():
        if callable(getattr(port, "ping", None)) and id(port) not in seen:
            seen.add(id(port))  # one cache serving two ports is checked once
            checks[name] = _pinger(port)
    return checks
