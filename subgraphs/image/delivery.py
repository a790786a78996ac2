"""``GET /assets/{id}``: the bytes of a live asset, with the content type it was verified to have.

Access model: an asset URL is a capability. The ID is a random UUID (122 random bits), handed
out only to whoever may see the asset through the graph (its owner, or viewers of the character
whose portrait it is), so knowing the URL is the permission. No bearer token is needed, because
``<img src>`` in a browser cannot send one. Deleting an asset revokes its URL at once.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from infra.storage import ObjectNotFoundError, ObjectStorage
from subgraphs.image.repository import AssetRepository
from subgraphs.kit.runtime import Runtime

log = logging.getLogger("dndcreator.image")

ASSET_PATH = "/assets/{id}"


def _not_found() -> Response:
    return JSONResponse({"error": "NOT_FOUND", "message": "No such asset."}, status_code=404)


def asset_endpoint(
    runtime: Runtime, storage: ObjectStorage
) -> Callable[[Request], Awaitable[Response]]:
    async def serve(request: Request) -> Response:
        try:
            asset_id = uuid.UUID(request.path_params["id"])
        except ValueError:
            return _not_found()
        async with runtime.sessions() as session:
            row = await AssetRepository(session).get(asset_id)
        if row is None:
            return _not_found()
        etag = f'"{row.sha256}"'
        headers = {
            "ETag": etag,
            # Private: the URL is a capability, shared caches must not spread it. Short-lived so a
            # deletion takes effect in clients soon.
            "Cache-Control": "private, max-age=300",
            "X-Content-Type-Options": "nosniff",  # never let a browser reinterpret the bytes
            "Content-Security-Policy": "default-src 'none'; sandbox",
        }
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        try:
            stored = await storage.get(row.storage_key)
        except ObjectNotFoundError:
            log.error("asset %s has a record but no stored object %s", row.id, row.storage_key)
            return _not_found()
        return Response(stored.data, media_type=row.content_type, headers=headers)

    return serve


def asset_routes(runtime: Runtime, storage: ObjectStorage) -> list[Route]:
    return [Route(ASSET_PATH, asset_endpoint(runtime, storage), methods=["GET", "HEAD"])]
