"""Plain HTTP passthrough: ``GET``/``HEAD`` under a path prefix go to one subgraph, as they are.

Subgraphs are internal, yet some serve bytes that are not GraphQL: the image subgraph answers
``GET /assets/{id}``, and asset URLs in the graph are root-relative (``/assets/<uuid>``), so
they resolve against the router. ``{"/assets": "image"}`` forwards ``/assets/...`` (path and
query unchanged) to the image subgraph's base URL: its GraphQL URL (``join__graph`` or
override) without a trailing ``/graphql``.

The forwarding is deliberately narrow:

* only ``GET`` and ``HEAD``: nothing changes state through it;
* only request headers that shape a read (content negotiation, conditional and range requests)
  go upstream: no cookies, no tokens, no client-chosen identity headers;
* only response headers that describe the bytes come back: no cookies or server details;
* dot segments (``..``) are refused, so a path can never climb out of the prefix on the
  subgraph (to its ``/graphql``, say);
* the body is streamed, never held in memory.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from router.edge.responses import edge_error
from router.executor import SubgraphEndpoint

BAD_REQUEST = "BAD_REQUEST"
SUBREQUEST_HTTP_ERROR = "SUBREQUEST_HTTP_ERROR"
RESERVED_PREFIXES = ("/graphql", "/health", "/metrics")

FORWARDED_REQUEST_HEADERS = (
    "accept", "accept-encoding", "accept-language", "if-match", "if-none-match",
    "if-modified-since", "if-unmodified-since", "if-range", "range",
)
RETURNED_RESPONSE_HEADERS = (
    "accept-ranges", "cache-control", "content-disposition", "content-encoding",
    "content-language", "content-length", "content-range", "content-security-policy",
    "content-type", "etag", "expires", "last-modified", "vary", "x-content-type-options",
)
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def base_url(graphql_url: str) -> str:
    """A subgraph's root URL: its GraphQL URL without the ``/graphql`` path (and any query)."""
    parts = urlsplit(graphql_url)
    path = parts.path.rstrip("/")
    if path.endswith("/graphql"):
        path = path[: -len("/graphql")]
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def check_prefix(prefix: str) -> str:
    """``/assets`` style: leading slash, no trailing slash, not one of the router's own paths."""
    if not prefix.startswith("/") or prefix == "/" or prefix.endswith("/"):
        raise ValueError(f"passthrough prefix {prefix!r} must look like /name (no trailing /)")
    if any(prefix == r or prefix.startswith(r + "/") for r in RESERVED_PREFIXES):
        raise ValueError(f"passthrough prefix {prefix!r} would hide the router's own {prefix}")
    if any(segment in (".", "..") for segment in prefix.split("/")):
        raise ValueError(f"passthrough prefix {prefix!r} has dot segments")
    return prefix


def _upstream_path(path: str) -> str | None:
    """The path to request upstream, re-encoded; None if it has dot segments or odd bytes."""
    segments = path.split("/")
    if any(s in (".", "..") for s in segments) or "\\" in path or "\x00" in path:
        return None
    return quote(path, safe=_PATH_SAFE)


def passthrough_endpoint(
    subgraph: str, root: str, timeout: float, client: Callable[[], httpx.AsyncClient],
) -> Callable[[Request], Awaitable[Response]]:
    async def forward(request: Request) -> Response:
        path = _upstream_path(request.url.path)
        if path is None:
            return edge_error(400, "the path has dot segments", BAD_REQUEST)
        query = request.url.query
        url = root + path + (f"?{query}" if query else "")
        headers = {name: request.headers[name] for name in FORWARDED_REQUEST_HEADERS
                   if name in request.headers}
        # Without this httpx would ask for compression itself, for bytes we pass on unread.
        headers.setdefault("accept-encoding", "identity")
        http = client()
        upstream_request = http.build_request(request.method, url, headers=headers,
                                              timeout=timeout)
        try:
            upstream = await http.send(upstream_request, stream=True)
        except httpx.TimeoutException:
            return edge_error(504, f"subgraph '{subgraph}' did not answer within {timeout:g}s",
                              SUBREQUEST_HTTP_ERROR, extensions={"serviceName": subgraph})
        except httpx.HTTPError as exc:
            return edge_error(502, f"subgraph '{subgraph}' is unreachable "
                              f"({exc.__class__.__name__})", SUBREQUEST_HTTP_ERROR,
                              extensions={"serviceName": subgraph})
        returned = {name: upstream.headers[name] for name in RETURNED_RESPONSE_HEADERS
                    if name in upstream.headers}
        if request.method == "HEAD":
            await upstream.aclose()
            return Response(status_code=upstream.status_code, headers=returned)
        return StreamingResponse(upstream.aiter_raw(), status_code=upstream.status_code,
                                 headers=returned, background=BackgroundTask(upstream.aclose))

    return forward


def passthrough_routes(
    passthrough: Mapping[str, str],
    endpoints: Mapping[str, SubgraphEndpoint],
    client: Callable[[], httpx.AsyncClient],
) -> list[Route]:
    """Routes for ``{prefix: subgraph name}``; unknown subgraphs or bad prefixes raise."""
    by_name = {endpoint.name: endpoint for endpoint in endpoints.values()}
    routes: list[Route] = []
    for prefix, subgraph in passthrough.items():
        endpoint = by_name.get(subgraph)
        if endpoint is None:
            known = ", ".join(sorted(by_name))
            raise ValueError(f"passthrough {prefix}={subgraph}: no subgraph named {subgraph!r} "
                             f"(the supergraph has {known})")
        handler = passthrough_endpoint(subgraph, base_url(endpoint.url), endpoint.timeout, client)
        routes.append(Route(check_prefix(prefix) + "/{rest:path}", handler,
                            methods=["GET", "HEAD"]))
    return routes
