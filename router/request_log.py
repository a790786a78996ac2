"""One log line per GraphQL request at the router (``router.request``).

Fields: ``operation`` (its name, ``anonymous``, or ``-`` when the request never got that far),
``operation_type``, ``status``, ``duration_ms``, ``outcome`` and ``error_codes``; the request ID,
service and trace come from the request's context (``infra.logs``). ``outcome`` is ``ok``,
``client_error`` (refused: a bad token, an invalid query, bad input, something not found) or
``fault`` (ours: a subgraph unreachable, a bug). Faults are logged at ERROR, the rest at INFO.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("router.request")

FAULT_CODES = frozenset({
    "INTERNAL_SERVER_ERROR", "SUBREQUEST_FAILED", "AUTH_UNAVAILABLE", "SERVICE_UNAVAILABLE",
})


@dataclass
class Served:
    """What the endpoint learned about the request it served, filled in as it goes."""

    operation: str = "-"
    operation_type: str = "-"
    codes: tuple[str, ...] = ()
    streaming: bool = False

    def errors(self, errors: Any) -> None:
        if not isinstance(errors, list):
            return
        codes = set(self.codes)
        for error in errors:
            extensions = error.get("extensions") if isinstance(error, dict) else None
            code = extensions.get("code") if isinstance(extensions, dict) else None
            codes.add(code if isinstance(code, str) else "UNKNOWN")
        self.codes = tuple(sorted(codes))

    def outcome(self, status: int) -> str:
        if status >= 500 or FAULT_CODES.intersection(self.codes):
            return "fault"
        if self.codes or status >= 400:
            return "client_error"
        return "stream" if self.streaming else "ok"


def log_request(served: Served, status: int, seconds: float) -> None:
    outcome = served.outcome(status)
    level = logging.ERROR if outcome == "fault" else logging.INFO
    if not log.isEnabledFor(level):
        return
    log.log(level, "%s %s %s", outcome, served.operation_type, served.operation, extra={
        "operation": served.operation,
        "operation_type": served.operation_type,
        "status": status,
        "duration_ms": round(seconds * 1000, 2),
        "outcome": outcome,
        "error_codes": list(served.codes),
    })
