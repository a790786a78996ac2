"""What every resolver can reach: the viewer, the service's runtime, per-request loaders.

The viewer comes from the bearer token the router forwarded, verified again here: a subgraph never
trusts an identity it cannot check. A request without a token has no viewer; fields that need one
call ``require_viewer``.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from auth.tokens import Claims, InvalidToken
from subgraphs.kit.errors import ErrorCode, forbidden, graphql_error, unauthenticated
from subgraphs.kit.foreign_ids import PORT as FOREIGN_IDS
from subgraphs.kit.foreign_ids import Caller, ForeignIds
from subgraphs.kit.runtime import Runtime

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True)
class Viewer:
    """The verified caller: a user, or another service acting through the router."""

    subject: str
    scopes: frozenset[str]
    kind: str

    @property
    def user_id(self) -> uuid.UUID:
        try:
            return uuid.UUID(self.subject)
        except ValueError:
            raise forbidden("This operation needs a user, not a service.") from None

    @property
    def is_service(self) -> bool:
        return self.kind == "service"

    @classmethod
    def from_claims(cls, claims: Claims) -> Viewer:
        return cls(subject=claims.subject, scopes=claims.scopes, kind=claims.kind)


class Context:
    def __init__(
        self,
        runtime: Runtime,
        viewer: Viewer | None = None,
        auth_error: InvalidToken | None = None,
        token: str | None = None,
    ) -> None:
        self.runtime = runtime
        self.viewer = viewer
        self.auth_error = auth_error
        # The verified bearer token itself, so checks can ask the router as this caller.
        self.token = token
        self.connection_params: dict[str, Any] | None = None  # set for WebSocket connections
        self._loaders: dict[str, DataLoader[Any, Any]] = {}

    def loader(
        self, name: str, load: Callable[[Sequence[K]], Awaitable[Sequence[V]]]
    ) -> DataLoader[K, V]:
        """One batching loader per name per request: N entity lookups become one query."""
        if name not in self._loaders:
            self._loaders[name] = DataLoader(load_fn=load)
        return self._loaders[name]


ContextInfo = Info[Context, Any]
"""What resolvers receive as ``info``: Strawberry's request info around our ``Context``."""


def require_viewer(info: ContextInfo) -> Viewer:
    context = info.context
    if context.auth_error is not None:
        raise graphql_error(ErrorCode.UNAUTHENTICATED, str(context.auth_error))
    if context.viewer is None:
        raise unauthenticated()
    return context.viewer


def require_caller(info: ContextInfo) -> Caller:
    """The signed-in user with their token, for use cases that check foreign IDs as them."""
    viewer = require_viewer(info)
    return Caller(viewer.user_id, info.context.token or "")


def foreign_ids(info: ContextInfo) -> ForeignIds:
    ids: ForeignIds = info.context.runtime.ports[FOREIGN_IDS]
    return ids
