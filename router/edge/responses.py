"""GraphQL-shaped error responses for refusals made at the edge, before GraphQL runs.

Even a request stopped by CORS, a rate limit, a failed passthrough or the HTTP edge's own checks
(``router.app``, the SSE transport) gets a body of the form
``{"errors": [{"message", "extensions": {"code"}}]}``, so clients read
``errors[0].extensions.code`` whatever refused them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.responses import Response


def edge_error(
    status: int,
    message: str,
    code: str,
    *,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    media_type: str = "application/json",
) -> Response:
    """One error with ``extensions.code``; also the body of the HTTP edge's own refusals."""
    body = {"errors": [{"message": message, "extensions": {"code": code, **(extensions or {})}}]}
    return Response(orjson.dumps(body), status_code=status, media_type=media_type,
                    headers=dict(headers or {}))
