"""Fetching the JWKS survives a passing failure (retried with backoff) and reports a lasting one."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from auth.tokens import InvalidToken, JwksVerifier
from tests.support import TokenFactory, loopback_server


def jwks_app(tokens: TokenFactory, answers: list[int]) -> tuple[Starlette, list[int]]:
    """Answers with the statuses in ``answers`` first (then 200 and the keys); counts calls."""
    served: list[int] = []

    async def jwks(_: Request) -> Response:
        status = answers[len(served)] if len(served) < len(answers) else 200
        served.append(status)
        if status != 200:
            return JSONResponse({"error": "not now"}, status)
        return JSONResponse(tokens.keys.as_dict(private=False))

    return Starlette(routes=[Route("/jwks.json", jwks)]), served


async def test_a_restarting_auth_service_is_tried_again() -> None:
    tokens = TokenFactory()
    app, served = jwks_app(tokens, [503, 502])
    async with loopback_server(app) as base:
        claims = await JwksVerifier(f"{base}/jwks.json").verify(tokens.mint("someone"))
    assert claims.subject == "someone"
    assert served == [503, 502, 200]


@pytest.mark.parametrize(("answers", "calls"), [([503] * 5, 3), ([404], 1)])
async def test_a_lasting_failure_is_reported_after_few_tries(
    answers: list[int], calls: int
) -> None:
    tokens = TokenFactory()
    app, served = jwks_app(tokens, answers)
    async with loopback_server(app) as base:
        with pytest.raises(InvalidToken) as refused:
            await JwksVerifier(f"{base}/jwks.json").verify(tokens.mint())
    assert refused.value.code == "AUTH_UNAVAILABLE"
    assert len(served) == calls  # 5xx is retried twice; a 404 will not get better
