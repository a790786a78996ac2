"""Logging: one JSON object per line, secrets redacted, each line tied to its request.

Every line has ``time`` (UTC, ISO 8601), ``level``, ``service``, ``logger`` and ``message``;
inside a request also ``request_id`` (the router's, carried to the subgraphs in
``X-Request-ID``); request lines (``router.request``, ``dndcreator.operation``) add
``operation``, ``duration_ms`` and ``outcome``; ``trace_id`` ties a line to its trace
(``infra.tracing``). An exception's traceback is the ``exception``
field. Formatting is python-json-logger's; redaction is ours: tokens, passwords and keys are
removed from the finished line, traceback and arguments included.

Levels mean something: ERROR is a fault of ours (a bug, a backend down); a client's mistake
(bad token, invalid query, unknown ID, bad input) is INFO, one line without traceback.
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

_SECRET_PATTERNS = (
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    # HTTP Basic credentials (a client ID and its secret), only after "authorization": the
    # word "basic" alone is common in ordinary text ("basic attack").
    re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?basic\s+)[A-Za-z0-9+/=]+"),
    re.compile(r"(?i)((?:password|secret|token|api[_-]?key)[\"']?\s*[:=]\s*[\"']?)[^\"',\s}]+"),
    re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+"),  # any JWT
)

# The request being served (set by ``infra.requests.RequestContextMiddleware``) and the service
# serving it: in the embedded stack several services share one process, so it is per request.
REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
SERVICE: contextvars.ContextVar[str | None] = contextvars.ContextVar("service", default=None)


def redact(text: str) -> str:
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "[REDACTED]", text)
    return text


class RedactSecrets(logging.Filter):
    """Redacts the message of every record it sees (also usable on its own, on any handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True


class RequestContext(logging.Filter):
    """Adds ``service`` and ``request_id`` from the request being served."""

    def __init__(self, default_service: str) -> None:
        super().__init__()
        self.default_service = default_service

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "service"):
            record.service = SERVICE.get() or self.default_service
        request_id = REQUEST_ID.get()
        if request_id is not None and not hasattr(record, "request_id"):
            record.request_id = request_id
        span = trace.get_current_span().get_span_context()
        if span.is_valid and not hasattr(record, "trace_id"):
            record.trace_id = format(span.trace_id, "032x")
        return True


class RedactingJsonFormatter(JsonFormatter):
    """python-json-logger's formatter, redacting the finished line (tracebacks included)."""

    def __init__(self) -> None:
        super().__init__(
            "{levelname}{service}{name}{message}",
            style="{",
            rename_fields={"levelname": "level", "name": "logger", "exc_info": "exception"},
            timestamp="time",
            json_ensure_ascii=False,
        )

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def json_handler(stream: Any = None, *, service: str = "dndcreator") -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(RedactingJsonFormatter())
    handler.addFilter(RedactSecrets())
    handler.addFilter(RequestContext(service))
    return handler


def configure(level: int | None = None, *, service: str = "dndcreator") -> None:
    """JSON lines on standard error for the whole process; ``service`` names lines logged
    outside any service's request (start-up, background tasks). The level is ``LOG_LEVEL``
    (default INFO; WARNING drops the one line per request)."""
    if level is None:
        level = logging.getLevelNamesMapping().get(os.environ.get("LOG_LEVEL", "INFO").upper(),
                                                   logging.INFO)
    logging.basicConfig(level=level, handlers=[json_handler(service=service)], force=True)
    # One line per outgoing request (the stack calls itself through the router) drowns the rest.
    logging.getLogger("httpx").setLevel(logging.WARNING)


@contextmanager
def serving(service: str) -> Iterator[None]:
    """Lines logged inside the block name ``service`` (a background task of one service)."""
    token = SERVICE.set(service)
    try:
        yield
    finally:
        SERVICE.reset(token)
