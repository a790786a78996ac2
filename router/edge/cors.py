"""Cross-origin resource sharing: which web pages on other origins may call the router.

Browsers send ``Origin`` on cross-origin requests (and on same-origin POSTs). The middleware:

* lets same-origin requests and requests without ``Origin`` (curl, servers, ``<img>``) through
  untouched;
* answers preflights (``OPTIONS`` with ``Access-Control-Request-Method``) itself: 204 with the
  allowed methods and headers for an allowed origin, 403 for any other;
* adds ``Access-Control-Allow-Origin`` (the exact origin, never ``*``) to responses for allowed
  origins, and refuses the rest with 403 ``ORIGIN_NOT_ALLOWED`` before any work is done;
* closes WebSocket handshakes from foreign origins before they are accepted (browsers apply no
  CORS to WebSockets, so this is the only guard against another site's page opening one).

"Same origin" compares the ``Origin`` header's host and port with the request's ``Host``
header; the scheme is not compared, because behind a TLS-terminating proxy the router sees
plain HTTP for a page served over HTTPS.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from router.edge.config import CorsPolicy
from router.edge.responses import edge_error

ORIGIN_NOT_ALLOWED = "ORIGIN_NOT_ALLOWED"
ALLOWED_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
LOCALHOST_ORIGINS = ("http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*")
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class OriginPattern:
    """One allowed origin: a scheme, a host and a port (``None`` = any port)."""

    scheme: str
    host: str
    port: int | None

    @classmethod
    def parse(cls, text: str) -> OriginPattern:
        any_port = text.endswith(":*")
        parts = urlsplit(text[:-2] if any_port else text)
        host = parts.hostname
        if parts.scheme not in ("http", "https") or not host or parts.path not in ("", "/"):
            raise ValueError(
                f"CORS origin {text!r} is not of the form scheme://host[:port] (or :* for any port)"
            )
        try:
            port = None if any_port else (parts.port or DEFAULT_PORTS[parts.scheme])
        except ValueError:
            raise ValueError(f"CORS origin {text!r} has an invalid port") from None
        return cls(parts.scheme, host.lower(), port)

    def matches(self, scheme: str, host: str, port: int) -> bool:
        return (scheme, host) == (self.scheme, self.host) and self.port in (None, port)


class OriginRules:
    """Decides whether an ``Origin`` header value is allowed by a :class:`CorsPolicy`."""

    def __init__(self, policy: CorsPolicy) -> None:
        entries = list(policy.allowed_origins)
        if policy.allow_localhost:
            entries.extend(LOCALHOST_ORIGINS)
        self.any_origin = "*" in entries
        self.patterns = [OriginPattern.parse(e) for e in entries if e != "*"]

    def allows(self, origin: str) -> bool:
        if self.any_origin:
            return True
        try:
            parts = urlsplit(origin)
            port = parts.port or DEFAULT_PORTS.get(parts.scheme, 0)
        except ValueError:
            return False
        host = (parts.hostname or "").lower()
        return any(p.matches(parts.scheme, host, port) for p in self.patterns)


def is_same_origin(origin: str, host_header: str | None) -> bool:
    """Whether ``Origin`` names the host (and port) the request was sent to."""
    if not host_header:
        return False
    try:
        parts = urlsplit(origin)
        origin_port = parts.port or DEFAULT_PORTS.get(parts.scheme)
        host = urlsplit(f"//{host_header}")
        host_port = host.port or origin_port  # Host leaves out the scheme's default port
    except ValueError:
        return False
    return (parts.hostname or "").lower() == (host.hostname or "").lower() and (
        origin_port == host_port
    )


class CorsMiddleware:
    def __init__(self, app: ASGIApp, policy: CorsPolicy) -> None:
        self.app = app
        self.policy = policy
        self.rules = OriginRules(policy)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None or is_same_origin(origin, headers.get("host")):
            await self.app(scope, receive, send)
            return
        allowed = self.rules.allows(origin)
        if scope["type"] == "websocket":
            if allowed:
                await self.app(scope, receive, send)
            else:  # closing before accepting makes the server answer the handshake with 403
                await send({"type": "websocket.close", "code": 1008})
            return
        is_preflight = (
            scope["method"] == "OPTIONS" and "access-control-request-method" in headers
        )
        if is_preflight:
            response = self._preflight(origin) if allowed else Response(
                "origin not allowed", status_code=403, headers={"vary": "Origin"}
            )
            await response(scope, receive, send)
            return
        if not allowed:
            refusal = edge_error(403, f"requests from origin {origin!r} are not allowed",
                                 ORIGIN_NOT_ALLOWED, headers={"vary": "Origin"})
            await refusal(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                for name, value in self._allow_headers(origin).items():
                    if name == "vary":
                        response_headers.add_vary_header(value)  # keep the app's own Vary
                    else:
                        response_headers[name] = value
                if self.policy.exposed_headers:
                    response_headers["access-control-expose-headers"] = ", ".join(
                        self.policy.exposed_headers
                    )
            await send(message)

        await self.app(scope, receive, send_with_cors)

    def _allow_headers(self, origin: str) -> dict[str, str]:
        headers = {"access-control-allow-origin": origin, "vary": "Origin"}
        if self.policy.allow_credentials:
            headers["access-control-allow-credentials"] = "true"
        return headers

    def _preflight(self, origin: str) -> Response:
        headers = self._allow_headers(origin) | {
            "access-control-allow-methods": ", ".join(ALLOWED_METHODS),
            "access-control-allow-headers": ", ".join(self.policy.allowed_headers),
            "access-control-max-age": str(self.policy.max_age),
        }
        return Response(status_code=204, headers=headers)
