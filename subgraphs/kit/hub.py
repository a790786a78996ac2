"""Asking the router: how a subgraph reads another domain (ARCHITECTURE, "The hub").

No subgraph calls another directly. One that needs another domain's data (the llm subgraph
looking up the catalog before it generates) posts a GraphQL operation to the router with a
*service token* of its own, exactly as a client would:

* ``MintedTokens``: the embedded stack runs auth in the same process and hands over its minting
  function (``AuthTools.mint_service_token``);
* ``ClientCredentials``: a service in a container of its own asks the auth service's token
  endpoint (``POST /oauth/token``, RFC 6749 section 4.4) with its client ID and secret.

Both keep a token until shortly before it expires. If the router still refuses one (401: the
auth service was reset, or the clocks disagree), the client drops it, gets a new one and tries
once more.

Failures are typed: ``HubUnavailable`` (the router or the token endpoint cannot be reached, times
out or answers 5xx), ``HubAuthFailed`` (our credentials or token were refused), ``HubErrors`` (the
router answered the operation with GraphQL errors, e.g. ``BAD_USER_INPUT``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from auth.issuing import IssuedToken
from infra.config import Settings, service_credentials

DEFAULT_TIMEOUT_SECONDS = 5.0
# Renew a token this long before it expires (or at a tenth of its life, if it lives less), so a
# request never leaves with a token that expires on the way.
RENEW_AHEAD_SECONDS = 30.0


class HubError(Exception):
    """Asking the router failed; the message is safe to log (it holds no token or secret)."""


class HubUnavailable(HubError):
    """The router or the token endpoint could not be reached, timed out, or answered 5xx."""


class HubAuthFailed(HubError):
    """Our client credentials or our service token were refused."""


class HubErrors(HubError):
    """The router answered with GraphQL errors; ``codes`` holds their ``extensions.code``."""

    def __init__(self, errors: list[dict[str, Any]], data: dict[str, Any] | None) -> None:
        self.errors, self.data = errors, data
        self.codes = tuple(str((e.get("extensions") or {}).get("code", "")) for e in errors)
        first = errors[0].get("message", "") if errors else ""
        super().__init__(f"the router answered {len(errors)} error(s) {self.codes}: {first}")


@dataclass(frozen=True)
class Token:
    value: str
    expires_in: float  # seconds, as issued


class TokenSource(Protocol):
    async def token(self) -> str:
        """A service token valid for a while yet."""
        ...

    def forget(self, token: str) -> None:
        """``token`` was refused: the next ``token()`` must not return it."""
        ...


class _Cached:
    """Holds the last token until shortly before it expires; fetches one at a time."""

    def __init__(self, fetch: Callable[[], Awaitable[Token]], clock: Callable[[], float]) -> None:
        self._fetch, self._clock = fetch, clock
        self._value: str | None = None
        self._renew_at = 0.0
        self._lock = asyncio.Lock()

    def _fresh(self) -> str | None:
        return self._value if self._value is not None and self._clock() < self._renew_at else None

    async def token(self) -> str:
        current = self._fresh()
        if current is not None:
            return current
        async with self._lock:  # many requests at once after expiry still fetch only once
            current = self._fresh()
            if current is not None:
                return current
            issued = await self._fetch()
            ahead = min(RENEW_AHEAD_SECONDS, issued.expires_in / 10)
            self._value, self._renew_at = issued.value, self._clock() + issued.expires_in - ahead
            return issued.value

    def forget(self, token: str) -> None:
        if self._value == token:
            self._value = None


class MintedTokens(_Cached):
    """Service tokens minted in this process (the embedded stack)."""

    def __init__(
        self,
        mint: Callable[[], Awaitable[IssuedToken]],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        async def fetch() -> Token:
            try:
                issued = await mint()
            except Exception as exc:  # the key ring's database is down, say
                raise HubUnavailable(f"no service token: {exc.__class__.__name__}") from None
            return Token(issued.token, issued.expires_in)

        super().__init__(fetch, clock)


class ClientCredentials(_Cached):
    """Service tokens from the auth service's token endpoint (the distributed topology)."""

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        http: httpx.AsyncClient | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token_url, self.client_id = token_url, client_id
        self._secret, self._http, self._timeout = client_secret, http, timeout
        super().__init__(self._request, clock)

    def __repr__(self) -> str:  # never the secret
        return f"ClientCredentials({self.token_url!r}, client_id={self.client_id!r})"

    async def _request(self) -> Token:
        try:
            async with _client(self._http, self._timeout) as http:
                response = await http.post(
                    self.token_url,
                    data={"grant_type": "client_credentials"},
                    auth=httpx.BasicAuth(self.client_id, self._secret),
                )
        except httpx.HTTPError as exc:
            raise HubUnavailable(f"token endpoint unreachable: {exc.__class__.__name__}") from None
        answer = _json_object(response)
        if response.status_code >= 500 or answer is None:
            raise HubUnavailable(f"token endpoint answered HTTP {response.status_code}")
        if response.status_code != 200:
            error = answer.get("error", "unknown error")
            raise HubAuthFailed(f"token endpoint refused {self.client_id!r}: {error}")
        token, expires_in = answer.get("access_token"), answer.get("expires_in")
        if not isinstance(token, str) or not isinstance(expires_in, int | float):
            raise HubUnavailable("token endpoint answered without access_token and expires_in")
        return Token(token, float(expires_in))


class RouterClient:
    """Posts GraphQL operations to the router as this service."""

    def __init__(
        self,
        router_url: str,
        tokens: TokenSource,
        *,
        http: httpx.AsyncClient | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self.router_url, self.tokens = router_url, tokens
        self._http, self._timeout = http, timeout

    async def execute(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        operation_name: str | None = None,
    ) -> dict[str, Any]:
        """The operation's ``data``; raises a ``HubError`` unless it came back without errors."""
        body: dict[str, Any] = {"query": query, "variables": dict(variables or {})}
        if operation_name is not None:
            body["operationName"] = operation_name
        async with _client(self._http, self._timeout) as http:
            token = await self.tokens.token()
            response = await self._post(http, body, token)
            if response.status_code == 401:
                self.tokens.forget(token)
                response = await self._post(http, body, await self.tokens.token())
                if response.status_code == 401:
                    raise HubAuthFailed("the router refused a fresh service token")
        return _data(response)

    async def _post(
        self, http: httpx.AsyncClient, body: dict[str, Any], token: str
    ) -> httpx.Response:
        try:
            return await http.post(
                self.router_url,
                json=body,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            )
        except httpx.HTTPError as exc:
            raise HubUnavailable(f"router unreachable: {exc.__class__.__name__}") from None


def router_from_env(settings: Settings, service: str) -> RouterClient | None:
    """A client of ``settings.router_url`` using ``service``'s client credentials from the
    environment (``infra.config.service_credentials``); None when none are configured."""
    credentials = service_credentials(service)
    if credentials is None:
        return None
    tokens = ClientCredentials(
        credentials.token_url, credentials.client_id, credentials.client_secret
    )
    return RouterClient(settings.router_url, tokens)


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        value = response.json()
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _data(response: httpx.Response) -> dict[str, Any]:
    answer = _json_object(response)
    if response.status_code >= 500 or answer is None:
        raise HubUnavailable(f"router answered HTTP {response.status_code}")
    errors = answer.get("errors")
    data = answer.get("data")
    if errors:
        raise HubErrors(list(errors), data if isinstance(data, dict) else None)
    if response.status_code != 200 or not isinstance(data, dict):
        raise HubUnavailable(f"router answered HTTP {response.status_code} without data")
    return data


@contextlib.asynccontextmanager
async def _client(
    shared: httpx.AsyncClient | None, seconds: float
) -> AsyncIterator[httpx.AsyncClient]:
    """The injected client as it is, or a short-lived one of ours timing out after ``seconds``."""
    if shared is not None:
        yield shared
        return
    async with httpx.AsyncClient(timeout=seconds) as own:
        yield own
