"""Who is calling: from a request's ``Authorization`` header to a :class:`Caller`.

The HTTP edge (``router.app``) and the WebSocket transport (``router.subscriptions``) both turn
the header into the same three things: the headers to forward to subgraphs, the viewer the
router's ``@authenticated``/``@requiresScopes``/``@policy`` checks see, and when the token
expires (a live subscription ends then).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from auth.tokens import Claims, TokenVerifier, bearer_token
from router.authorization import ANONYMOUS, Viewer


@dataclass(frozen=True)
class Caller:
    """What the edge learned from a token: headers to forward, who it is, when it expires."""

    forward_headers: Mapping[str, str]
    viewer: Viewer = ANONYMOUS  # for @authenticated / @requiresScopes / @policy
    expires_at: int | None = None  # of a verified token (epoch seconds)

    @classmethod
    def verified(cls, forward_headers: Mapping[str, str], claims: Claims) -> Caller:
        viewer = Viewer(authenticated=True, scopes=claims.scopes, claims=claims.raw)
        return cls(forward_headers, viewer, claims.expires_at or None)


async def authenticate(verifier: TokenVerifier | None, authorization: str | None) -> Caller:
    """The caller an ``Authorization`` header makes (raises ``InvalidToken`` if it is bad).

    A bearer token is verified when there is a verifier; the header is forwarded unchanged
    either way, since subgraphs verify it again. No header: anonymous, nothing forwarded.
    """
    if authorization is None:
        return Caller({})
    token = bearer_token(authorization)
    forward = {"authorization": authorization}
    if token is None or verifier is None:
        return Caller(forward)
    return Caller.verified(forward, await verifier.verify(token))
