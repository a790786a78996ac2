"""The one way a service turns its root types into a federated subgraph schema.

Every subgraph speaks the same Federation version, so the router composes them as one graph,
and masks unexpected errors, so no stack trace or secret reaches a client.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

import strawberry

from subgraphs.kit.errors import MaskUnexpectedErrors

FEDERATION_VERSION: Final[Literal["2.9"]] = "2.9"


def subgraph_schema(
    *,
    query: type,
    mutation: type | None = None,
    subscription: type | None = None,
    types: Sequence[type] = (),
) -> strawberry.federation.Schema:
    """``types``: entities and references no root field reaches directly, which the router
    still needs to see in the schema (e.g. a stub that only ``_entities`` returns)."""
    return strawberry.federation.Schema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        types=list(types),
        federation_version=FEDERATION_VERSION,
        extensions=[MaskUnexpectedErrors],
    )
