"""Subgraph logs (issue 9, hole 7): a client's mistake is a DEBUG line without a traceback, a
fault of ours is an ERROR with its traceback, and every operation gets one INFO summary line."""

from __future__ import annotations

import logging

import pytest
import strawberry

from subgraphs.kit.errors import ErrorCode, graphql_error, unauthenticated
from subgraphs.kit.federation import subgraph_schema


@strawberry.type
class Query:
    @strawberry.field(description="Needs a viewer; there never is one here.")
    def secret(self) -> str:
        raise unauthenticated()

    @strawberry.field(description="Names a thing that does not exist.")
    def missing(self) -> str | None:
        raise graphql_error(ErrorCode.NOT_FOUND, "no such thing")

    @strawberry.field(description="A bug.")
    def broken(self) -> str:
        raise RuntimeError("a bug of ours")

    @strawberry.field(description="Fine.")
    def fine(self, id: strawberry.ID) -> str:
        return str(id)


schema = subgraph_schema(query=Query)


def _records(caplog: pytest.LogCaptureFixture, name: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == name]


@pytest.mark.parametrize("query", [
    "query Probe { secret }",
    "query Probe { missing }",
    "query Probe { nope }",  # validation
    "query Probe { fine }",  # a required argument missing
    "query Probe { fine(id: 1.5) }",  # bad input
    "query Probe {",  # does not parse
])
async def test_client_mistakes_are_debug_without_traceback(
    query: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        result = await schema.execute(query)
    assert result.errors
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    (error,) = _records(caplog, "dndcreator.errors")
    assert error.levelno == logging.DEBUG and error.exc_info is None
    (summary,) = _records(caplog, "dndcreator.operation")
    assert summary.outcome == "client_error"  # type: ignore[attr-defined]
    assert "Traceback" not in caplog.text


async def test_a_fault_is_an_error_with_its_traceback_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG):
        result = await schema.execute("query Probe { broken }")
    assert result.errors and result.errors[0].message == "Internal server error"  # masked
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1  # logged once, not again by the masking
    assert errors[0].exc_info is not None and errors[0].exc_info[0] is RuntimeError
    assert errors[0].error_code == "INTERNAL_SERVER_ERROR"  # type: ignore[attr-defined]
    (summary,) = _records(caplog, "dndcreator.operation")
    assert summary.outcome == "fault"  # type: ignore[attr-defined]
    assert summary.error_codes == ["INTERNAL_SERVER_ERROR"]  # type: ignore[attr-defined]


async def test_each_operation_gets_one_summary_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        await schema.execute("query Named { fine(id: 7) }")
    (summary,) = _records(caplog, "dndcreator.operation")
    assert (summary.operation, summary.outcome) == ("Named", "ok")  # type: ignore[attr-defined]
    assert summary.duration_ms >= 0  # type: ignore[attr-defined]
    assert not _records(caplog, "dndcreator.errors")
