"""The OAuth 2.0 token endpoint, client-credentials grant only (RFC 6749 section 4.4).

``POST /oauth/token`` with ``grant_type=client_credentials`` (form-encoded body) and the client's
ID and secret, either as HTTP Basic (preferred, RFC 6749 section 2.3.1) or as ``client_id`` and
``client_secret`` form fields, answers with a service token: the same JWT ``mint_service_token``
makes (``kind="service"``, ``sub`` = the client ID, ``scope="service"``), so the router and every
subgraph verify it through the JWKS like any other token.

Every refusal is a JSON body ``{"error", "error_description"}`` (RFC 6749 section 5.2), never a 500:
``invalid_request`` (400), ``invalid_client`` (401 with ``WWW-Authenticate: Basic``),
``unsupported_grant_type`` (400), ``invalid_scope`` (400), ``slow_down`` (429 with ``Retry-After``,
too many failed attempts from one address; see ``auth.throttle``) and ``temporarily_unavailable``
(503, the key ring could not sign). ``unauthorized_client`` cannot occur: every configured client
may use the one grant there is. Secrets never reach a log line.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote_plus

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from auth.clients import ServiceClients
from auth.issuing import SERVICE_SCOPE, IssuedToken
from auth.services import AuthTools
from auth.throttle import FailureThrottle

log = logging.getLogger("dndcreator.auth.oauth")

TOKEN_PATH = "/oauth/token"
CLIENT_CREDENTIALS = "client_credentials"
FORM = "application/x-www-form-urlencoded"
MAX_BODY_BYTES = 4096
GRANTABLE_SCOPES = frozenset({SERVICE_SCOPE})
# RFC 6749 section 5.1: responses carrying tokens (and errors about them) are never cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
CHALLENGE = {"WWW-Authenticate": 'Basic realm="dndcreator", charset="UTF-8"'}


class OAuthError(Exception):
    def __init__(
        self,
        error: str,
        description: str,
        status: int = 400,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status
        self.headers = headers or {}

    def response(self) -> Response:
        return JSONResponse(
            {"error": self.error, "error_description": self.description},
            status_code=self.status,
            headers=NO_STORE | self.headers,
        )


def invalid_request(description: str) -> OAuthError:
    return OAuthError("invalid_request", description)


def invalid_client(description: str) -> OAuthError:
    return OAuthError("invalid_client", description, 401, CHALLENGE)


@dataclass(frozen=True)
class Credentials:
    client_id: str
    secret: str


async def _read_form(request: Request) -> dict[str, str]:
    if request.url.query:
        # Query strings end up in access logs and proxies; RFC 6749 keeps credentials out of them.
        raise invalid_request("send the parameters in the request body, not in the URL")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM:
        raise invalid_request(f"send the parameters as {FORM}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise invalid_request(f"the request body is larger than {MAX_BODY_BYTES} bytes")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        raise invalid_request("the request body is not valid form-encoded UTF-8") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise invalid_request(f"the parameter {name!r} was sent more than once")
        form[name] = value
    return form


def _basic(authorization: str) -> Credentials:
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        raise invalid_client("authenticate with HTTP Basic or client_id/client_secret fields")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise invalid_client("the Basic credentials are not valid base64 UTF-8") from None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise invalid_client("the Basic credentials must be client_id:client_secret")
    # RFC 6749 section 2.3.1: both parts are form-encoded before they are joined.
    return Credentials(unquote_plus(client_id), unquote_plus(secret))


def _credentials(request: Request, form: dict[str, str]) -> Credentials:
    authorization = request.headers.get("authorization")
    if authorization:
        if "client_secret" in form:
            raise invalid_request("use one way to authenticate: HTTP Basic or form fields")
        credentials = _basic(authorization)
        if form.get("client_id", credentials.client_id) != credentials.client_id:
            raise invalid_request("client_id in the body differs from the Basic credentials")
        return credentials
    client_id, secret = form.get("client_id"), form.get("client_secret")
    if not client_id or not secret:
        raise invalid_client("client authentication is missing (client_id and client_secret)")
    return Credentials(client_id, secret)


def _grant(form: dict[str, str]) -> None:
    grant_type = form.get("grant_type")
    if not grant_type:
        raise invalid_request("grant_type is missing")
    if grant_type != CLIENT_CREDENTIALS:
        raise OAuthError(
            "unsupported_grant_type", f"only grant_type={CLIENT_CREDENTIALS} is supported here"
        )


def _scopes(form: dict[str, str]) -> tuple[str, ...]:
    asked = frozenset(form.get("scope", "").split())
    unknown = sorted(asked - GRANTABLE_SCOPES)
    if unknown:
        raise OAuthError(
            "invalid_scope", f"scope(s) {' '.join(unknown)!r} cannot be granted to a service"
        )
    return (SERVICE_SCOPE,)


class TokenEndpoint:
    def __init__(
        self, tools: AuthTools, clients: ServiceClients, throttle: FailureThrottle | None = None
    ) -> None:
        self.tools, self.clients = tools, clients
        self.throttle = throttle or FailureThrottle()

    async def handle(self, request: Request) -> Response:
        caller = request.client.host if request.client else "unknown"
        client_id: str | None = None
        try:
            wait = self.throttle.retry_after(caller)
            if wait is not None:
                raise OAuthError(
                    "slow_down",
                    f"too many failed attempts; try again in {wait} s",
                    429,
                    {"Retry-After": str(wait)},
                )
            form = await _read_form(request)
            _grant(form)
            credentials = _credentials(request, form)
            client_id = credentials.client_id
            scopes = _scopes(form)
            if not await self.clients.authenticate(
                self.tools.hasher, credentials.client_id, credentials.secret
            ):
                raise invalid_client("unknown client or wrong secret")
            issued = await self._mint(credentials.client_id)
        except OAuthError as refused:
            if refused.error == "invalid_client":  # a guess, or a client with a stale secret
                self.throttle.failed(caller)
            # Only a configured ID is named: whatever else arrived there may be a misplaced
            # secret, or text crafted to forge log lines.
            named = client_id if client_id in self.clients.ids else "(unknown)"
            log.warning(
                "token request refused (%s) for client %s from %s", refused.error, named, caller
            )
            return refused.response()
        self.throttle.succeeded(caller)
        log.info("service token issued to %s", client_id)
        return JSONResponse(
            {
                "access_token": issued.token,
                "token_type": "Bearer",
                "expires_in": issued.expires_in,
                "scope": " ".join(scopes),
            },
            headers=NO_STORE,
        )

    async def _mint(self, client_id: str) -> IssuedToken:
        try:
            return await self.tools.mint_service_token(client_id)
        except Exception as exc:  # the key ring's database is down: say so, never a 500
            log.error("could not sign a service token: %s", exc.__class__.__name__)
            raise OAuthError(
                "temporarily_unavailable", "tokens cannot be issued right now", 503
            ) from None
