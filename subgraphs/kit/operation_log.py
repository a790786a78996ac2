"""What a subgraph logs about the GraphQL it serves: one line per operation, errors by kind.

* ``OperationLog`` (a Strawberry extension) writes one INFO line per operation on
  ``dndcreator.operation``: ``operation`` (its name, or ``anonymous``), ``duration_ms``,
  ``outcome`` (``ok``, ``client_error`` or ``fault``) and the ``error_codes`` it answered with.
* ``log_errors`` (called by the schema's ``process_errors``) writes each error once: a client's
  mistake (no token, invalid query, bad input, not found: every error with a code of ours, and
  the errors GraphQL itself raises) at DEBUG without a traceback (at INFO the operation's line
  already names its codes); anything else, a fault of ours, at ERROR with its traceback.
  Strawberry's default logs every one of them as an ERROR with a traceback, which buried the
  real faults under expected refusals.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from subgraphs.kit.errors import ErrorCode

operations = logging.getLogger("dndcreator.operation")
errors_log = logging.getLogger("dndcreator.errors")

INTERNAL = ErrorCode.INTERNAL_SERVER_ERROR.value


def is_fault(error: GraphQLError) -> bool:
    """A fault of ours (a bug, a backend down), as opposed to a refused request."""
    original = error.original_error
    if original is not None and not isinstance(original, GraphQLError):
        return True
    return (error.extensions or {}).get("code") == INTERNAL


def error_code(error: GraphQLError) -> str:
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    return INTERNAL if is_fault(error) else "GRAPHQL_VALIDATION_FAILED"


def _operation_name(context: ExecutionContext | None) -> str:
    if context is None:
        return "anonymous"
    try:
        return context.operation_name or "anonymous"
    except RuntimeError:  # the document did not parse: there is no operation to name
        return "anonymous"


def _operation_type(context: ExecutionContext) -> str:
    try:
        return str(context.operation_type.value)
    except (RuntimeError, AttributeError):  # nothing parsed: no operation, no type
        return "none"


def log_errors(errors: Sequence[GraphQLError], context: ExecutionContext | None) -> None:
    operation = _operation_name(context)
    for error in errors:
        fields: dict[str, Any] = {"operation": operation, "error_code": error_code(error)}
        if error.path:
            fields["path"] = ".".join(str(step) for step in error.path)
        if is_fault(error):
            errors_log.error("fault in %s: %s", operation, error.message, extra=fields,
                             exc_info=error.original_error or error)
        else:  # the operation's line names its codes; the details are there when debugging
            errors_log.debug("refused in %s: %s", operation, error.message, extra=fields)


def outcome(codes: Sequence[str]) -> str:
    if not codes:
        return "ok"
    return "fault" if INTERNAL in codes else "client_error"


class OperationLog(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        except GraphQLError as error:  # raised through the operation: a document that did not parse
            self._summarise(started, [error])
            raise
        self._summarise(started)

    def _summarise(self, started: float, raised: Sequence[GraphQLError] = ()) -> None:
        context = self.execution_context
        result = context.result
        found = (getattr(result, "errors", None) if result is not None else None) or \
            context.pre_execution_errors or list(raised)
        codes = sorted({error_code(error) for error in found})
        name = _operation_name(context)
        seconds = time.perf_counter() - started
        runtime = getattr(context.context, "runtime", None)
        if runtime is not None:  # a service's schema (tests may execute one bare)
            runtime.metrics.served(_operation_type(context), outcome(codes), seconds)
        operations.info("%s %s", outcome(codes), name, extra={
            "operation": name,
            "duration_ms": round(seconds * 1000, 2),
            "outcome": outcome(codes),
            "error_codes": codes,
        })
