"""How subgraphs report failure.

Expected failures (validation, rule violations, conflicts) are data: ``UserError`` values in a
mutation payload. Authorization failures and the unexpected are GraphQL errors with a stable
``extensions.code``; an unexpected exception is logged in full and reaches the client only as
"Internal server error" so no stack trace or secret ever leaks.
"""

from __future__ import annotations

import logging
from enum import StrEnum

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

log = logging.getLogger("dndcreator.errors")


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    CONFLICT = "CONFLICT"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


@strawberry.federation.type(
    shareable=True,
    description="An expected failure of a mutation, tied to the input that caused it.",
)
class UserError:
    path: list[str] = strawberry.field(
        description='Where in the input the problem is, e.g. ["input", "name"].'
    )
    code: str = strawberry.field(description="Stable machine-readable code, e.g. NAME_REQUIRED.")
    message: str = strawberry.field(description="What went wrong, in words a player understands.")


def graphql_error(code: ErrorCode, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code.value})


def unauthenticated(message: str = "You must be signed in to do this.") -> GraphQLError:
    return graphql_error(ErrorCode.UNAUTHENTICATED, message)


def forbidden(message: str = "You are not allowed to do this.") -> GraphQLError:
    return graphql_error(ErrorCode.FORBIDDEN, message)


def _is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class MaskUnexpectedErrors(MaskErrors):
    """Hide exceptions nobody meant to show; keep deliberate GraphQL errors as they are."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_unexpected, error_message="Internal server error")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        log.error("unexpected error at %s", error.path, exc_info=error.original_error)
        return GraphQLError(
            self.error_message,
            nodes=error.nodes,
            path=error.path,
            extensions={"code": ErrorCode.INTERNAL_SERVER_ERROR.value},
        )
