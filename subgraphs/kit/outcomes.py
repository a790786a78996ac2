"""Turning a use case's expected failures into a mutation payload's ``userErrors``.

Use cases raise ``Rejected`` (with one ``Problem`` per bad input), ``NotFound`` or
``ConcurrencyConflict``; they never import GraphQL. ``Unavailable`` (a dependency could not
answer) is no fault of the input: it becomes a SERVICE_UNAVAILABLE GraphQL error. ``attempt``
runs one and hands the resolver either the result or the user errors, and the transaction has
been rolled back in the latter case, so bad input changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TypeVar

from infra.db.errors import ConcurrencyConflict, NotFound
from infra.db.repository import InvalidCursor
from subgraphs.kit.errors import ErrorCode, UserError, graphql_error

T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    path: tuple[str, ...]
    code: str
    message: str


class Unavailable(Exception):
    """Something the use case must ask first could not answer (the router, another service):
    nothing was changed. The message is safe to show."""


class Rejected(Exception):
    def __init__(self, *problems: Problem) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def parse_id(value: str, *path: str) -> uuid.UUID:
    """A client-supplied ID as a UUID, or a ``Rejected`` naming the field."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Rejected(Problem(path, "INVALID_ID", f"{value!r} is not a valid ID")) from None


def parse_id_or_error(value: str, argument: str) -> uuid.UUID:
    """For queries, where there is no payload: a bad ID is a BAD_USER_INPUT GraphQL error."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise graphql_error(
            ErrorCode.BAD_USER_INPUT, f"`{argument}`: {value!r} is not a valid ID"
        ) from None


def bad_cursor_error(exc: InvalidCursor) -> Exception:
    """The BAD_USER_INPUT error to raise for an ``after`` cursor this API did not issue."""
    return graphql_error(ErrorCode.BAD_USER_INPUT, f"`after`: {exc}")


async def attempt(
    work: Awaitable[T], *, id_path: tuple[str, ...] = ("input", "id")
) -> tuple[T | None, list[UserError]]:
    try:
        return await work, []
    except Rejected as exc:
        return None, [
            UserError(path=list(p.path), code=p.code, message=p.message) for p in exc.problems
        ]
    except NotFound as exc:
        return None, [UserError(path=list(id_path), code="NOT_FOUND", message=str(exc))]
    except ConcurrencyConflict as exc:
        return None, [
            UserError(path=["input", "expectedVersion"], code="VERSION_CONFLICT", message=str(exc))
        ]
    except Unavailable as exc:
        raise graphql_error(ErrorCode.SERVICE_UNAVAILABLE, str(exc)) from None
