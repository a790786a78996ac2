"""The one way a service turns its root types into a federated subgraph schema.

Every subgraph speaks the same Federation version, so the router composes them as one graph,
and masks unexpected errors, so no stack trace or secret reaches a client.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.types import ExecutionContext

from subgraphs.kit.errors import MaskUnexpectedErrors
from subgraphs.kit.operation_log import OperationLog, log_errors

FEDERATION_VERSION: Final[Literal["2.9"]] = "2.9"
OPERATION_CACHE_SIZE = 2048


class SubgraphSchema(strawberry.federation.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Each error logged once, by kind (``subgraphs.kit.operation_log``), before masking."""
        log_errors(errors, execution_context)


def subgraph_schema(
    *,
    query: type,
    mutation: type | None = None,
    subscription: type | None = None,
    types: Sequence[type] = (),
) -> strawberry.federation.Schema:
    """``types``: entities and references no root field reaches directly, which the router
    still needs to see in the schema (e.g. a stub that only ``_entities`` returns)."""
    return SubgraphSchema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        types=list(types),
        federation_version=FEDERATION_VERSION,
        # The log extension first: it closes last and so sees the errors as clients get them.
        # The router sends the same few operation texts again and again (its plans are cached):
        # parse and validate each once. Both are bounded LRUs that Strawberry keeps per process
        # (shared by the services of the embedded stack), so the extensions are made per request.
        extensions=[
            OperationLog,
            MaskUnexpectedErrors,
            lambda: ParserCache(maxsize=OPERATION_CACHE_SIZE),
            lambda: ValidationCache(maxsize=OPERATION_CACHE_SIZE),
        ],
    )
