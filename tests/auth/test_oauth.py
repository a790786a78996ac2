"""The client-credentials token endpoint: service tokens for services in other processes."""

from __future__ import annotations

import base64
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus

import httpx
import pytest

from auth.app import build
from auth.clients import ServiceClient, ServiceClients, secret_hash_variable
from auth.config import AuthConfig
from auth.oauth import TOKEN_PATH, TokenEndpoint
from auth.passwords import PasswordHasher
from auth.throttle import FailureThrottle
from auth.tokens import JwksVerifier
from infra.config import Settings
from infra.logs import RedactSecrets, redact
from tests.auth.harness import CHEAP, MovableClock
from tests.support import asgi_client

SECRET = "s3cret-of-the-llm_0123456789abcdefghijklmnopq"
ODD_SECRET = "colon:plus+percent%space here"  # survives Basic's form-encoding both ways
NO_COLON = base64.b64encode(b"llm").decode()
FORM = {"content-type": "application/x-www-form-urlencoded"}


def cheap_hash(secret: str) -> str:
    return PasswordHasher(CHEAP).hash_now(secret)


def basic(client_id: str, secret: str) -> dict[str, str]:
    # RFC 6749 section 2.3.1: each part form-encoded, then joined and base64-encoded.
    pair = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
    return {"authorization": f"Basic {base64.b64encode(pair).decode()}"}


@dataclass
class Oauth:
    http: httpx.AsyncClient
    endpoint: TokenEndpoint

    async def token(
        self, body: dict[str, str] | str | bytes, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        content = body if isinstance(body, str | bytes) else httpx.QueryParams(body).__str__()
        return await self.http.post(TOKEN_PATH, content=content, headers=FORM | (headers or {}))


@contextlib.asynccontextmanager
async def running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Oauth]:
    monkeypatch.setenv("AUTH_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'auth.db'}")
    clients = ServiceClients(
        (
            ServiceClient("llm", (cheap_hash(SECRET),)),
            ServiceClient("odd-one", (cheap_hash("old secret"), cheap_hash(ODD_SECRET))),
        )
    )
    config = AuthConfig(password_cost=CHEAP, service_clients=clients)
    app = build(Settings.from_env(), config=config, clock=MovableClock())
    async with asgi_client(app) as http:
        yield Oauth(http, app.state.token_endpoint)


@pytest.fixture
async def oauth(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Oauth]:
    async with running(tmp_path, monkeypatch) as service:
        yield service


GRANT = {"grant_type": "client_credentials"}


async def test_basic_credentials_get_a_service_token_that_verifies_via_jwks(oauth: Oauth) -> None:
    response = await oauth.token(GRANT, basic("llm", SECRET))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert (body["token_type"], body["expires_in"], body["scope"]) == ("Bearer", 300, "service")

    # What the router and every subgraph do: fetch the JWKS over HTTP and check the signature.
    verifier = JwksVerifier("http://subgraph/.well-known/jwks.json", client=oauth.http)
    claims = await verifier.verify(body["access_token"])
    assert (claims.subject, claims.kind, claims.scopes) == (
        "llm",
        "service",
        frozenset({"service"}),
    )
    assert claims.raw["exp"] - claims.raw["iat"] == 300


async def test_form_fields_and_an_explicit_scope_work_too(oauth: Oauth) -> None:
    fields = GRANT | {"client_id": "odd-one", "client_secret": ODD_SECRET, "scope": "service"}
    response = await oauth.token(fields)
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "service"
    # Basic with characters that must be form-encoded inside the header, and the old secret
    # of a rotation that is still under way.
    assert (await oauth.token(GRANT, basic("odd-one", ODD_SECRET))).status_code == 200
    assert (await oauth.token(GRANT, basic("odd-one", "old secret"))).status_code == 200
    # The client_id may be repeated in the body, if it agrees with the Basic header.
    agreeing = await oauth.token(GRANT | {"client_id": "llm"}, basic("llm", SECRET))
    assert agreeing.status_code == 200


REQUEST_ERRORS: list[tuple[str, dict[str, str] | str | bytes, dict[str, str], str]] = [
    ("no grant type", {}, basic("llm", SECRET), "invalid_request"),
    ("grant sent twice", "grant_type=client_credentials&grant_type=client_credentials",
     basic("llm", SECRET), "invalid_request"),
    ("not form-encoded UTF-8", b"grant_type=client_credentials&x=\xff\xfe",
     basic("llm", SECRET), "invalid_request"),
    ("body too large", GRANT | {"pad": "x" * 5000}, basic("llm", SECRET), "invalid_request"),
    ("two ways to authenticate", GRANT | {"client_id": "llm", "client_secret": SECRET},
     basic("llm", SECRET), "invalid_request"),
    ("body id differs from Basic", GRANT | {"client_id": "other"}, basic("llm", SECRET),
     "invalid_request"),
    ("password grant", {"grant_type": "password", "username": "a", "password": "b"},
     basic("llm", SECRET), "unsupported_grant_type"),
    ("authorization code grant", {"grant_type": "authorization_code", "code": "x"},
     basic("llm", SECRET), "unsupported_grant_type"),
    ("a scope services do not get", GRANT | {"scope": "service admin"}, basic("llm", SECRET),
     "invalid_scope"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "body", "headers", "error"), REQUEST_ERRORS)
async def test_malformed_requests_are_refused_with_the_rfc_error(
    oauth: Oauth, case: str, body: dict[str, str] | str | bytes, headers: dict[str, str], error: str
) -> None:
    response = await oauth.token(body, headers)
    assert response.status_code == 400, case
    assert response.headers["cache-control"] == "no-store"
    answer = response.json()
    assert answer["error"] == error, case
    assert answer["error_description"]


CLIENT_ERRORS: list[tuple[str, dict[str, str], dict[str, str]]] = [
    ("no credentials at all", GRANT, {}),
    ("id without a secret", GRANT | {"client_id": "llm"}, {}),
    ("wrong secret", GRANT, basic("llm", SECRET + "x")),
    ("wrong secret in the form", GRANT | {"client_id": "llm", "client_secret": "nope"}, {}),
    ("unknown client", GRANT, basic("nobody", SECRET)),
    ("another client's secret", GRANT, basic("odd-one", SECRET)),
    ("a bearer token is not client authentication", GRANT, {"authorization": "Bearer abc.def"}),
    ("Basic that is not base64", GRANT, {"authorization": "Basic !!!not-base64!!!"}),
    ("Basic without a colon", GRANT, {"authorization": f"Basic {NO_COLON}"}),
    ("a secret far longer than any we issue", GRANT, basic("llm", "x" * 300)),
]  # fmt: skip


@pytest.mark.parametrize(("case", "body", "headers"), CLIENT_ERRORS)
async def test_failed_client_authentication_is_a_401_with_a_challenge(
    oauth: Oauth, case: str, body: dict[str, str], headers: dict[str, str]
) -> None:
    response = await oauth.token(body, headers)
    assert response.status_code == 401, case
    assert response.headers["www-authenticate"].startswith("Basic realm=")
    assert response.json()["error"] == "invalid_client", case
    assert "access_token" not in response.json()


async def test_transport_mistakes_never_answer_500(oauth: Oauth) -> None:
    as_json = await oauth.http.post(
        TOKEN_PATH, json=GRANT, headers=basic("llm", SECRET)
    )  # JSON is not what RFC 6749 asks for
    assert (as_json.status_code, as_json.json()["error"]) == (400, "invalid_request")
    in_url = await oauth.http.post(
        f"{TOKEN_PATH}?client_secret={SECRET}", content="grant_type=client_credentials",
        headers=FORM | {"authorization": basic("llm", SECRET)["authorization"]},
    )  # fmt: skip
    assert (in_url.status_code, in_url.json()["error"]) == (400, "invalid_request")
    assert (await oauth.http.get(TOKEN_PATH)).status_code == 405


async def test_repeated_failures_from_one_address_are_slowed_down(oauth: Oauth) -> None:
    moment = [0.0]
    oauth.endpoint.throttle = FailureThrottle(limit=3, window_seconds=60, clock=lambda: moment[0])
    for _ in range(2):
        assert (await oauth.token(GRANT, basic("llm", "guess"))).status_code == 401
    # A malformed request costs no hash and is no guess: it does not count ...
    assert (await oauth.token({}, basic("llm", "guess"))).status_code == 400
    assert (await oauth.token(GRANT, basic("llm", "guess"))).status_code == 401
    # ... but three guesses do, and then even the right secret must wait.
    refused = await oauth.token(GRANT, basic("llm", SECRET))
    assert refused.status_code == 429
    assert refused.json()["error"] == "slow_down"
    assert refused.headers["retry-after"] == "60"
    moment[0] = 61.0
    assert (await oauth.token(GRANT, basic("llm", SECRET))).status_code == 200
    # Success wipes the slate: three new failures are needed before the next refusal.
    for _ in range(2):
        assert (await oauth.token(GRANT, basic("llm", "guess"))).status_code == 401
    assert (await oauth.token(GRANT, basic("llm", SECRET))).status_code == 200


async def test_a_key_ring_that_cannot_sign_is_a_503_not_a_500(
    oauth: Oauth, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(service: str) -> None:
        raise ConnectionError("database is down")

    monkeypatch.setattr(oauth.endpoint.tools, "mint_service_token", broken)
    response = await oauth.token(GRANT, basic("llm", SECRET))
    assert response.status_code == 503
    assert response.json()["error"] == "temporarily_unavailable"


async def test_secrets_never_reach_the_log(oauth: Oauth, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await oauth.token(GRANT, basic("llm", SECRET))
    await oauth.token(GRANT, basic("llm", SECRET + "-wrong"))
    await oauth.token(GRANT | {"client_id": "llm", "client_secret": SECRET + "-form"})
    await oauth.token(GRANT | {"client_id": SECRET, "client_secret": SECRET})  # pasted wrongly
    logged = caplog.text
    assert "token request refused (invalid_client) for client llm" in logged
    assert "token request refused (invalid_client) for client (unknown)" in logged
    assert "service token issued to llm" in logged
    assert SECRET not in logged
    assert base64.b64encode(f"llm:{SECRET}".encode()).decode() not in logged

    # And should a secret ever be formatted into a message, the log filter removes it.
    header = basic("llm", SECRET)["authorization"]
    for line in [
        f"form: grant_type=client_credentials&client_secret={SECRET}",
        f"headers: {{'authorization': '{header}'}}",
        f"Authorization: {header}",
    ]:
        assert SECRET not in redact(line) and header.split()[1] not in redact(line), line
    assert redact("a basic attack roll") == "a basic attack roll"  # ordinary words stay
    record = logging.LogRecord("x", logging.INFO, "x", 1, "client_secret=%s", (SECRET,), None)
    RedactSecrets().filter(record)
    assert SECRET not in record.getMessage()


def test_clients_are_configured_by_id_and_secret_hash() -> None:
    hashed = cheap_hash(SECRET)
    env = {
        "AUTH_SERVICE_CLIENTS": "llm, image-worker",
        secret_hash_variable("llm"): hashed,
        secret_hash_variable("image-worker"): f"{hashed} {cheap_hash('next')}",
    }
    clients = ServiceClients.from_env(env)
    assert clients.ids == {"llm", "image-worker"}
    assert secret_hash_variable("image-worker") == "AUTH_SERVICE_CLIENT_IMAGE_WORKER_SECRET_HASH"
    assert not ServiceClients.from_env({})

    for bad, message in [
        ({"AUTH_SERVICE_CLIENTS": "llm"}, "must hold the Argon2id hash"),
        ({"AUTH_SERVICE_CLIENTS": "llm", secret_hash_variable("llm"): SECRET}, "not a secret"),
        ({"AUTH_SERVICE_CLIENTS": "LLM"}, "not a service name"),
        (
            {"AUTH_SERVICE_CLIENTS": "0b5c2a54-2f7e-4c1e-9a35-3f1e7d9b8a10"},
            "not a service name",
        ),
    ]:
        with pytest.raises(ValueError, match=message):
            ServiceClients.from_env(bad)


def test_auth_config_reads_the_clients_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AUTH_SERVICE_CLIENTS", "llm")
    monkeypatch.setenv(secret_hash_variable("llm"), cheap_hash(SECRET))
    assert AuthConfig.from_env().service_clients.ids == {"llm"}
