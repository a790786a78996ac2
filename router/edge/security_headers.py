"""Security headers on every response the router sends.

* ``X-Content-Type-Options: nosniff`` — browsers must believe our content types.
* ``X-Frame-Options: DENY`` and CSP ``frame-ancestors 'none'`` — nothing frames the router.
* ``Referrer-Policy: no-referrer`` — links out of GraphiQL leak nothing.
* ``Content-Security-Policy`` — JSON and other non-HTML responses get ``default-src 'none'``
  (they are data, never a document). HTML (the GraphiQL page) gets a policy built from that
  page itself: scripts only from origins it names (none: it loads everything from the router)
  plus the SHA-256 of any inline script, so the policy follows the page when the page changes.
  Styles allow ``'unsafe-inline'``
  because GraphiQL sets inline styles at run time.
* ``Strict-Transport-Security`` — only when configured (the router is reached over HTTPS).

A header a handler already set (a passthrough asset's own CSP, say) is kept.
"""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from router.edge.config import SecurityHeadersPolicy
from router.graphiql import GRAPHIQL_HTML

DATA_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_EXTERNAL_URL = re.compile(r"""(?:src|href)\s*=\s*["'](https://[^"']+)["']""")


def _script_hashes(html: str) -> list[str]:
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    ]


def _external_origins(html: str) -> list[str]:
    origins = {
        f"{parts.scheme}://{parts.netloc}" for parts in map(urlsplit, _EXTERNAL_URL.findall(html))
    }
    return sorted(origins)


def page_csp(html: str) -> str:
    """A Content-Security-Policy under which ``html`` (a page we serve) works and little else."""
    cdn = " ".join(_external_origins(html))
    scripts = " ".join(["'self'", cdn, *_script_hashes(html)]).strip()
    directives = [
        "default-src 'self'",
        f"script-src {scripts}",
        f"style-src 'self' {cdn} 'unsafe-inline'",
        f"font-src 'self' {cdn} data:",
        f"img-src 'self' {cdn} data: blob:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(" ".join(d.split()) for d in directives)


GRAPHIQL_CSP = page_csp(GRAPHIQL_HTML)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, policy: SecurityHeadersPolicy) -> None:
        self.app = app
        self.fixed = {
            "x-content-type-options": "nosniff",
            "x-frame-options": "DENY",
            "referrer-policy": "no-referrer",
        }
        if policy.hsts_max_age is not None:
            value = f"max-age={policy.hsts_max_age}"
            if policy.hsts_include_subdomains:
                value += "; includeSubDomains"
            self.fixed["strict-transport-security"] = value

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.fixed.items():
                    headers.setdefault(name, value)
                is_html = headers.get("content-type", "").startswith("text/html")
                headers.setdefault("content-security-policy",
                                   GRAPHIQL_CSP if is_html else DATA_CSP)
            await send(message)

        await self.app(scope, receive, send_with_headers)
