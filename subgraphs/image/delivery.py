"""``GET /assets/{id}``: the bytes of a live asset, with the content type it was verified to have.

``?version=N`` picks an older version (the current one by default) and ``?variant=thumb-128``,
``thumb-512`` or ``webp`` one of its derivatives. Responses carry a strong ``ETag`` (the bytes'
SHA-256), answer ``If-None-Match`` with 304, and honour a single ``Range`` (206, or 416 when it
lies outside the file), so large maps can be fetched in parts and resumed.

Access model: an asset URL is a capability. The ID is a random UUID (122 random bits), handed
out only to whoever may see the asset through the graph (its owner, or viewers of the character
whose portrait it is), so knowing the URL is the permission. No bearer token is needed, because
``<img src>`` in a browser cannot send one. Deleting an asset revokes its URLs at once.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from infra.storage import ObjectNotFoundError, ObjectStorage
from subgraphs.image.repository import AssetRepository, VersionRepository
from subgraphs.kit.runtime import Runtime

log = logging.getLogger("dndcreator.image")

ASSET_PATH = "/assets/{id}"
# Versions never change once stored, so a URL naming one may be cached for long; the plain URL
# follows the current version and is revalidated soon (its ETag makes that cheap).
CURRENT_CACHE = "private, max-age=60, must-revalidate"
PINNED_CACHE = "private, max-age=86400, immutable"
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def _error(status: int, code: str, message: str) -> Response:
    return JSONResponse({"error": code, "message": message}, status_code=status)


def _not_found() -> Response:
    return _error(404, "NOT_FOUND", "No such asset.")


def _byte_range(header: str, size: int) -> tuple[int, int] | str | None:
    """``(start, end)`` inclusive for a satisfiable single range, ``None`` to send everything
    (no header, or one we do not understand, e.g. several ranges), ``"unsatisfiable"``."""
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, end


def asset_endpoint(
    runtime: Runtime, storage: ObjectStorage
) -> Callable[[Request], Awaitable[Response]]:
    async def serve(request: Request) -> Response:
        try:
            asset_id = uuid.UUID(request.path_params["id"])
        except ValueError:
            return _not_found()
        pinned = "version" in request.query_params
        try:
            number = int(request.query_params["version"]) if pinned else None
        except ValueError:
            return _error(400, "BAD_REQUEST", "version must be a whole number.")
        variant = request.query_params.get("variant")
        async with runtime.sessions() as session:
            asset = await AssetRepository(session).get(asset_id)
            if asset is None:
                return _not_found()
            version = await VersionRepository(session).number(
                asset.id, number or asset.current_version
            )
        if version is None:
            return _not_found()
        key, content_type, sha256 = version.storage_key, version.content_type, version.sha256
        if variant is not None:
            derivative = version.derivatives.get(variant)
            if derivative is None:
                return _error(404, "NOT_FOUND", f"No {variant!r} copy of this version.")
            key, content_type, sha256 = (
                derivative["key"],
                derivative["contentType"],
                derivative["sha256"],
            )
        etag = f'"{sha256}"'
        headers = {
            "ETag": etag,
            # Private: the URL is a capability, shared caches must not spread it.
            "Cache-Control": PINNED_CACHE if pinned else CURRENT_CACHE,
            "Accept-Ranges": "bytes",
            "X-Content-Type-Options": "nosniff",  # never let a browser reinterpret the bytes
            "Content-Security-Policy": "default-src 'none'; sandbox",
        }
        if etag in [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]:
            return Response(status_code=304, headers=headers)
        try:
            stored = await storage.get(key)
        except ObjectNotFoundError:
            log.error("asset %s has a record but no stored object %s", asset.id, key)
            return _not_found()
        data = stored.data
        wanted = request.headers.get("range")
        if_range = request.headers.get("if-range")
        if wanted and (if_range is None or if_range == etag):
            span = _byte_range(wanted, len(data))
            if span == "unsatisfiable":
                return Response(
                    status_code=416, headers={**headers, "Content-Range": f"bytes */{len(data)}"}
                )
            if isinstance(span, tuple):
                start, end = span
                headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
                return Response(
                    data[start : end + 1], status_code=206, media_type=content_type, headers=headers
                )
        return Response(data, media_type=content_type, headers=headers)

    return serve


def asset_routes(runtime: Runtime, storage: ObjectStorage) -> list[Route]:
    return [Route(ASSET_PATH, asset_endpoint(runtime, storage), methods=["GET", "HEAD"])]
